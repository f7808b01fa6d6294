/*
 * xml-prolog.c -- the watch for "<!DOCTYPE" in an XML prolog; see
 * xml-prolog.h.  A small state machine over bytes, one byte at a time.
 */
#include <stddef.h>

#include "xml-prolog.h"

enum { P_BOM1, P_BOM2, P_BOM3, P_TOP, P_LT, P_PI, P_PIQ, P_BANG, P_COMMENT,
	P_DONE };

void
cr_xml_prolog_init(struct cr_xml_prolog *p)
{
	p->state = P_BOM1;
	p->match = 0;
	p->word = NULL;
	p->lines = 0;
}

int
cr_xml_prolog_done(const struct cr_xml_prolog *p)
{
	return p->state == P_DONE;
}

unsigned long
cr_xml_prolog_scan(struct cr_xml_prolog *p, const unsigned char *s,
    size_t n)
{
	static const unsigned char bom[] = { 0xef, 0xbb, 0xbf };
	size_t i;
	unsigned char c;

	for (i = 0; i < n && p->state != P_DONE; i++) {
		c = s[i];
		if (c == '\n')
			p->lines++;
		switch (p->state) {
		case P_BOM1:
		case P_BOM2:
		case P_BOM3:
			if (c == bom[p->state - P_BOM1]) {
				p->state++;
				continue;
			}
			if (p->state != P_BOM1) {
				p->state = P_DONE;
				continue;
			}
			/* FALLTHROUGH */
		case P_TOP:
			if (c == '<')
				p->state = P_LT;
			else if (c != ' ' && c != '\t' && c != '\r' &&
			    c != '\n')
				p->state = P_DONE;
			else
				p->state = P_TOP;
			break;
		case P_LT:
			if (c == '?')
				p->state = P_PI;
			else if (c == '!') {
				p->state = P_BANG;
				p->match = 0;
			} else
				p->state = P_DONE;
			break;
		case P_PI:
			if (c == '?')
				p->state = P_PIQ;
			break;
		case P_PIQ:
			if (c == '>')
				p->state = P_TOP;
			else if (c != '?')
				p->state = P_PI;
			break;
		case P_BANG:
			if (p->match == 0)
				p->word = c == '-' ? "--" : "DOCTYPE";
			if (c != (unsigned char)p->word[p->match]) {
				p->state = P_DONE;
				break;
			}
			if (p->word[++p->match] != '\0')
				break;
			if (p->word[0] == 'D')
				return p->lines + 1;
			p->state = P_COMMENT;
			p->match = 0;		/* dashes in a row */
			break;
		case P_COMMENT:
			if (c == '>' && p->match >= 2)
				p->state = P_TOP;
			else if (c == '-')
				p->match++;
			else
				p->match = 0;
			break;
		}
	}
	return 0;
}
