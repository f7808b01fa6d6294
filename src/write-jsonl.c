/*
 * write-jsonl.c -- the JSON Lines table format of write.h: one object per
 * row, LF after each, keys in column order, booleans and integers as JSON
 * literals, everything else a JSON string (NULL is "").  No header line
 * and no formula-injection prefix: JSON is not opened by spreadsheets.
 *
 * Strings: '"' and '\' escaped, control characters (and DEL) as \u00XX,
 * '/' and valid UTF-8 passed through.  Invalid UTF-8 (which the readers
 * never let through) becomes U+FFFD rather than broken JSON.
 */
#include <stdint.h>
#include <string.h>

#include <unistr.h>

#include "outfile.h"
#include "write.h"

void
cr_json_string(struct cr_outfile *out, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p, *run, *end;
	char esc[7];
	ucs4_t uc;
	int n;

	if (str == NULL)
		str = "";
	p = run = (const uint8_t *)str;
	end = p + strlen(str);
	cr_outfile_putc(out, '"');
	while (p < end) {
		if (*p >= 0x80) {
			n = u8_mbtoucr(&uc, p, (size_t)(end - p));
			if (n > 0) {
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

static void
jsonl_row(struct cr_outfile *out, const struct cr_table_desc *d,
    const char *const *values)
{
	enum cr_val_type t;
	size_t i;

	cr_outfile_putc(out, '{');
	for (i = 0; i < d->ncols; i++) {
		if (i > 0)
			cr_outfile_putc(out, ',');
		cr_json_string(out, d->columns[i]);
		cr_outfile_putc(out, ':');
		t = d->types != NULL ? d->types[i] : CR_VAL_STRING;
		/* write.c checked BOOL and INT values: bare literals. */
		if (t == CR_VAL_BOOL || t == CR_VAL_INT)
			cr_outfile_puts(out, values[i]);
		else
			cr_json_string(out, values[i]);
	}
	cr_outfile_write(out, "}\n", 2);
}

const struct cr_table_format cr_format_jsonl = {
	.name = "jsonl",
	.header = NULL,
	.row = jsonl_row
};
