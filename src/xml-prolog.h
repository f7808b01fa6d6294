/*
 * xml-prolog.h -- a watch on the raw bytes of an XML document's prolog for
 * "<!DOCTYPE", before libxml2 sees them: custrelease refuses any DTD
 * (docs/format.md 2.3: no DTD, no entities), and says on which line it came.
 *
 * It follows an optional UTF-8 byte order mark, white space, the XML
 * declaration and other processing instructions, and comments; anything
 * else ends the watch (the root element, or bytes libxml2 will judge).
 * Bytes may come in pieces of any size.
 *
 * It deliberately parses nothing else: no encodings but UTF-8 and ASCII,
 * no well-formedness (libxml2 does that).
 */
#ifndef CR_XML_PROLOG_H
#define CR_XML_PROLOG_H

#include <stddef.h>

struct cr_xml_prolog {
	int		 state;
	size_t		 match;		/* characters of word matched */
	const char	*word;		/* "--" or "DOCTYPE", after "<!" */
	unsigned long	 lines;		/* newlines seen */
};

void		 cr_xml_prolog_init(struct cr_xml_prolog *);
/*
 * Watch the next n bytes: 0 while no "<!DOCTYPE" has come, else the
 * 1-based line where it starts ("<!" may sit in an earlier piece).
 */
unsigned long	 cr_xml_prolog_scan(struct cr_xml_prolog *,
		    const unsigned char *, size_t n);
/* 1 once the prolog is over: nothing more to watch. */
int		 cr_xml_prolog_done(const struct cr_xml_prolog *);

#endif
