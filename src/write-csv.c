/*
 * write-csv.c -- the CSV table format of write.h: RFC 4180, UTF-8 passed
 * through, CRLF after every record, a header row, and the formula-
 * injection prefix of docs/format.md 4.  It does not sort rows or check UTF-8.
 */
#include <string.h>

#include "outfile.h"
#include "write.h"

/*
 * A cell that a spreadsheet would read as a formula starts with one of
 * these; it gets a "'" in front (docs/format.md 4), before quoting, whatever the
 * column's type.
 */
static int
csv_needs_prefix(const char *s)
{
	return s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
}

static void
csv_cell(struct cr_outfile *out, const char *s, int lone)
{
	int prefix, quote;
	const char *q;

	if (s == NULL)
		s = "";
	prefix = csv_needs_prefix(s);
	quote = strpbrk(s, ",\"\r\n") != NULL;
	/* A lone empty field would make an empty line: quote it. */
	if (lone && *s == '\0')
		quote = 1;
	if (!quote) {
		if (prefix)
			cr_outfile_putc(out, '\'');
		cr_outfile_puts(out, s);
		return;
	}
	cr_outfile_putc(out, '"');
	if (prefix)
		cr_outfile_putc(out, '\'');
	while ((q = strchr(s, '"')) != NULL) {
		cr_outfile_write(out, s, (size_t)(q - s) + 1);
		cr_outfile_putc(out, '"');
		s = q + 1;
	}
	cr_outfile_puts(out, s);
	cr_outfile_putc(out, '"');
}

static void
csv_record(struct cr_outfile *out, const char *const *cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			cr_outfile_putc(out, ',');
		csv_cell(out, cells[i], n == 1);
	}
	cr_outfile_write(out, "\r\n", 2);
}

static void
csv_header(struct cr_outfile *out, const struct cr_table_desc *d)
{
	csv_record(out, d->columns, d->ncols);
}

static void
csv_row(struct cr_outfile *out, const struct cr_table_desc *d,
    const char *const *values)
{
	csv_record(out, values, d->ncols);
}

const struct cr_table_format cr_format_csv = {
	.name = "csv",
	.header = csv_header,
	.row = csv_row
};
