/*
 * json-write.c -- the one JSON writer (json-write.h): a small state machine
 * over an outfile that places the separators, and the string escaper.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "json-write.h"
#include "outfile.h"

void
cr_jw_init(struct cr_jw *jw, struct cr_outfile *out, int spaced)
{
	memset(jw, 0, sizeof *jw);
	jw->out = out;
	jw->spaced = spaced;
	jw->brk = -1;
}

void
cr_jw_break(struct cr_jw *jw, int indent)
{
	jw->brk = indent;
}

static void
jw_newline(struct cr_jw *jw)
{
	int i;

	cr_outfile_putc(jw->out, '\n');
	for (i = 0; i < jw->brk; i++)
		cr_outfile_putc(jw->out, ' ');
	jw->brk = -1;
}

/* What goes before an item: nothing after a key, else a comma if needed. */
static void
jw_item(struct cr_jw *jw)
{
	if (jw->after_key) {
		jw->after_key = 0;
		return;
	}
	if (jw->depth > 0 && jw->items[jw->depth - 1]++ > 0) {
		cr_outfile_putc(jw->out, ',');
		if (jw->brk < 0 && jw->spaced)
			cr_outfile_putc(jw->out, ' ');
	}
	if (jw->brk >= 0)
		jw_newline(jw);
}

static void
jw_open(struct cr_jw *jw, char opener, char closer)
{
	jw_item(jw);
	if (jw->depth == CR_JW_DEPTH)
		abort();
	jw->items[jw->depth] = 0;
	jw->closer[jw->depth++] = closer;
	cr_outfile_putc(jw->out, opener);
}

void
cr_jw_object(struct cr_jw *jw)
{
	jw_open(jw, '{', '}');
}

void
cr_jw_array(struct cr_jw *jw)
{
	jw_open(jw, '[', ']');
}

void
cr_jw_end(struct cr_jw *jw)
{
	if (jw->depth == 0 || jw->after_key)
		abort();
	if (jw->brk >= 0)
		jw_newline(jw);
	cr_outfile_putc(jw->out, jw->closer[--jw->depth]);
}

static void
jw_escaped(struct cr_outfile *out, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p, *run, *end;
	char esc[7];
	ucs4_t uc;
	int n;

	p = run = (const uint8_t *)(str != NULL ? str : "");
	end = p + strlen((const char *)p);
	cr_outfile_putc(out, '"');
	while (p < end) {
		if (*p >= 0x80) {
			if ((n = u8_mbtoucr(&uc, p, (size_t)(end - p))) > 0) {
				p += n;
				continue;
			}
			cr_outfile_write(out, run, (size_t)(p - run));
			cr_outfile_puts(out, "\\ufffd");
			run = ++p;
			continue;
		}
		if (*p >= 0x20 && *p != '"' && *p != '\\' && *p != 0x7f) {
			p++;
			continue;
		}
		cr_outfile_write(out, run, (size_t)(p - run));
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			cr_outfile_write(out, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 0xf];
			cr_outfile_write(out, esc, 6);
		}
		run = ++p;
	}
	cr_outfile_write(out, run, (size_t)(p - run));
	cr_outfile_putc(out, '"');
}

void
cr_jw_key(struct cr_jw *jw, const char *key)
{
	if (jw->depth == 0 || jw->closer[jw->depth - 1] != '}' ||
	    jw->after_key)
		abort();
	jw_item(jw);
	jw_escaped(jw->out, key);
	cr_outfile_puts(jw->out, jw->spaced ? ": " : ":");
	jw->after_key = 1;
}

void
cr_jw_string(struct cr_jw *jw, const char *s)
{
	jw_item(jw);
	jw_escaped(jw->out, s);
}

void
cr_jw_uint(struct cr_jw *jw, uintmax_t v)
{
	jw_item(jw);
	cr_outfile_printf(jw->out, "%ju", v);
}

void
cr_jw_int(struct cr_jw *jw, intmax_t v)
{
	jw_item(jw);
	cr_outfile_printf(jw->out, "%jd", v);
}

void
cr_jw_bool(struct cr_jw *jw, int v)
{
	jw_item(jw);
	cr_outfile_puts(jw->out, v ? "true" : "false");
}

void
cr_jw_literal(struct cr_jw *jw, const char *v)
{
	jw_item(jw);
	cr_outfile_puts(jw->out, v);
}

void
cr_jw_finish(struct cr_jw *jw)
{
	if (jw->depth != 0 || jw->after_key)
		abort();
	cr_outfile_putc(jw->out, '\n');
}
