/*
 * fuzz-csv.c -- libFuzzer target for the CSV reader (read-csv.c) and the
 * row checks (rowcheck.c).
 *
 * Input: byte 0 picks the table schema (modulo CR_T_COUNT), byte 1 the
 * read pattern of the stream (fuzz_stream()), the rest is the CSV file.
 * Every row's values are read in full and checked against the cr_row
 * contract.  A refusal (CR_STATUS_DATA) is fine; a crash, a leak, an
 * out-of-contract row or another return value is a finding.
 *
 * The same bytes are read a second time through a row filter (read.h)
 * that reads the first two columns and keeps a row by its first column:
 * the filter must see every row, its look at a row must hold what the
 * whole row holds, and the kept rows and the return value must be those
 * of the plain read.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "read.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Kept: no first column, or one whose first byte is odd. */
static int
keep_of(const struct cr_row *row)
{
	return row->val[0] == NULL || (row->val[0][0] & 1);
}

struct filtered {
	struct fuzz_rows	 rows;		/* the kept rows, checked */
	unsigned long		 seen;		/* rows the filter saw */
	unsigned long		 kept;
	unsigned		 keysum;	/* of the filter's key bytes */
};

static int
fuzz_keep(void *arg, const struct cr_row *row)
{
	struct filtered *f = arg;
	size_t i, k;

	f->seen++;
	for (i = 0; i < 2 && i < row->schema->ncols; i++) {
		if (row->val[i] == NULL)
			continue;
		FUZZ_ASSERT(row->len[i] > 0 && row->len[i] <= CR_FIELD_MAX);
		FUZZ_ASSERT(!cr_is_blank(row->val[i], row->len[i]));
		for (k = 0; k < row->len[i]; k++)
			f->keysum += (unsigned char)row->val[i][k];
	}
	if (!keep_of(row))
		return 0;
	f->kept++;
	return 1;
}

/* The plain read's view of the same: every row, and the kept ones. */
struct plain {
	struct fuzz_rows	 rows;		/* all rows, checked */
	struct fuzz_rows	 kept;		/* the kept ones, summed */
	unsigned		 keysum;
};

static int
plain_row(void *arg, const struct cr_row *row)
{
	struct plain *p = arg;
	size_t i, k;

	for (i = 0; i < 2 && i < row->schema->ncols; i++) {
		for (k = 0; row->val[i] != NULL && k < row->len[i]; k++)
			p->keysum += (unsigned char)row->val[i][k];
	}
	if (keep_of(row))
		fuzz_row(&p->kept, row);
	return fuzz_row(&p->rows, row);
}

/* The filtered read against the plain one, on an input read cleanly. */
static void
fuzz_filtered(const uint8_t *data, size_t size, const struct cr_schema *sc)
{
	struct fuzz_chunks c;
	struct plain p;
	struct filtered f;
	struct cr_row_filter flt = { 3, fuzz_keep, &f };
	struct cr_stream *st;
	int rc;

	memset(&p, 0, sizeof p);
	memset(&f, 0, sizeof f);
	p.rows.schema = p.kept.schema = f.rows.schema = sc;
	st = fuzz_stream(&c, data + 2, size - 2, data[1], "fuzz.csv");
	rc = cr_csv_read(st, sc, plain_row, &p);
	cr_stream_free(st);
	FUZZ_ASSERT(rc == 0);
	st = fuzz_stream(&c, data + 2, size - 2, data[1], "fuzz.csv");
	rc = cr_csv_read_filtered(st, sc, &flt, fuzz_row, &f.rows);
	cr_stream_free(st);
	FUZZ_ASSERT(rc == 0);
	FUZZ_ASSERT(f.seen == p.rows.rows);
	FUZZ_ASSERT(f.keysum == p.keysum);
	FUZZ_ASSERT(f.kept == p.kept.rows && f.rows.rows == p.kept.rows);
	FUZZ_ASSERT(f.rows.bytes == p.kept.bytes && f.rows.sum == p.kept.sum);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_chunks c;
	struct fuzz_rows fr = { 0 };
	struct cr_stream *st;
	int rc;

	if (size < 2)
		return 0;
	fuzz_quiet();
	fr.schema = cr_schema_get((enum cr_table)(data[0] % CR_T_COUNT));
	st = fuzz_stream(&c, data + 2, size - 2, data[1], "fuzz.csv");
	rc = cr_csv_read(st, fr.schema, fuzz_row, &fr);
	fuzz_check_rc(rc);
	cr_stream_free(st);
	if (rc == 0)
		fuzz_filtered(data, size, fr.schema);
	return 0;
}
