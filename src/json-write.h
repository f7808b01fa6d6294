/*
 * json-write.h -- the one JSON writer: every JSON document custrelease
 * writes (summary.json, each line of ownership.jsonl, plan --json) goes
 * through it, so strings are escaped one way and brackets, commas and
 * colons are always where they belong.
 *
 * Layout: compact ("," and ":") or spaced (", " and ": "), on one line
 * unless the caller asks for a line break before the next item or the
 * closing bracket (cr_jw_break), which is how the documents keep the
 * layout docs/format.md shows.
 *
 * Strings: '"' and '\' escaped, control characters and DEL as \u00XX, '/'
 * and valid UTF-8 passed through; invalid UTF-8 (which the readers never
 * let through) becomes \ufffd rather than broken JSON.  NULL is "".
 *
 * It deliberately does not read JSON (bag-json.c does), sort keys or
 * check that a key is not repeated: callers write their documented keys
 * in their documented order.  Nesting beyond CR_JW_DEPTH aborts (a
 * programming error: no document nests deeper).
 */
#ifndef CR_JSON_WRITE_H
#define CR_JSON_WRITE_H

#include <stdint.h>

struct cr_outfile;

#define CR_JW_DEPTH	8

struct cr_jw {
	struct cr_outfile	*out;		/* not owned */
	int			 spaced;
	int			 depth;
	unsigned long		 items[CR_JW_DEPTH];
	char			 closer[CR_JW_DEPTH];
	int			 after_key;
	int			 brk;		/* indent of a pending break, or -1 */
};

void	cr_jw_init(struct cr_jw *, struct cr_outfile *, int spaced);
/* A line break and `indent` spaces before the next item or closer. */
void	cr_jw_break(struct cr_jw *, int indent);
void	cr_jw_object(struct cr_jw *);
void	cr_jw_array(struct cr_jw *);
void	cr_jw_end(struct cr_jw *);	/* the innermost object or array */
void	cr_jw_key(struct cr_jw *, const char *);
void	cr_jw_string(struct cr_jw *, const char *);
void	cr_jw_uint(struct cr_jw *, uintmax_t);
void	cr_jw_int(struct cr_jw *, intmax_t);
void	cr_jw_bool(struct cr_jw *, int);
/* A number or boolean the caller has checked (write.c's typed columns). */
void	cr_jw_literal(struct cr_jw *, const char *);
/* End the document: a newline after its last byte. */
void	cr_jw_finish(struct cr_jw *);

#endif
