/*
 * test-read-csv.c -- unit tests of the CSV reader (read-csv.c): delimiters,
 * BOM, line endings, quoting, line numbers, header mapping and its errors,
 * NUL bytes, field size, field counts, the callback's stop, read errors.
 * Inputs are in memory; diagnostics are captured with open_memstream.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custrelease.h"
#include "diag.h"
#include "read.h"
#include "schema.h"
#include "stream.h"

#define MAXROWS 8

struct got {
	int		 nrows;		/* rows seen (all, even past MAXROWS) */
	int		 stop_at;	/* return 42 at this row (1-based) */
	unsigned long	 line[MAXROWS];
	unsigned	 flags[MAXROWS];
	size_t		 nfields[MAXROWS];
	size_t		 nexpected[MAXROWS];
	char		*val[MAXROWS][CR_MAX_COLS];
	size_t		 len[MAXROWS][CR_MAX_COLS];
	unsigned long	 last_line;
};

static int
collect(void *arg, const struct cr_row *row)
{
	struct got *g = arg;
	int i = g->nrows++;
	size_t c;

	g->last_line = row->line;
	if (i < MAXROWS) {
		g->line[i] = row->line;
		g->flags[i] = row->flags;
		g->nfields[i] = row->nfields;
		g->nexpected[i] = row->nexpected;
		for (c = 0; c < row->schema->ncols; c++) {
			if (row->val[c] != NULL) {
				/* NUL-terminated at len */
				assert_int_equal(row->val[c][row->len[c]], 0);
				g->val[i][c] = malloc(row->len[c] + 1);
				memcpy(g->val[i][c], row->val[c],
				    row->len[c] + 1);
			} else
				assert_int_equal(row->len[c], 0);
			g->len[i][c] = row->len[c];
		}
	}
	if (g->stop_at != 0 && g->nrows == g->stop_at)
		return 42;
	return 0;
}

static void
got_free(struct got *g)
{
	int i;
	size_t c;

	for (i = 0; i < MAXROWS; i++)
		for (c = 0; c < CR_MAX_COLS; c++)
			free(g->val[i][c]);
}

/* A source handing out at most `step` bytes per read. */
struct trickle {
	const char	*s;
	size_t		 len, pos, step;
	int		 fail_at;	/* fail with EIO at this read (1-based) */
	int		 reads;
};

static ssize_t
trickle_read(void *ctx, void *buf, size_t n)
{
	struct trickle *t = ctx;

	if (++t->reads == t->fail_at) {
		errno = EIO;
		return -1;
	}
	if (n > t->step)
		n = t->step;
	if (n > t->len - t->pos)
		n = t->len - t->pos;
	memcpy(buf, t->s + t->pos, n);
	t->pos += n;
	return (ssize_t)n;
}

static char *diag_text;
static size_t diag_size;
static FILE *diag_f;

static int
setup(void **state)
{
	(void)state;
	diag_f = open_memstream(&diag_text, &diag_size);
	assert_non_null(diag_f);
	cr_diag_set_stream(diag_f);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	cr_diag_set_stream(NULL);
	fclose(diag_f);
	free(diag_text);
	diag_text = NULL;
	return 0;
}

static const char *
diag(void)
{
	fflush(diag_f);
	return diag_text != NULL ? diag_text : "";
}

/* Read `in` (len bytes) as table t named `name`, `step` bytes per read. */
static int
run_step(const char *in, size_t len, enum cr_table t, const char *name,
    struct got *g, size_t step)
{
	struct trickle tr = { in, len, 0, step, 0, 0 };
	struct cr_stream *st;
	int rc;

	st = step == 0 ? cr_stream_mem(in, len, name) :
	    cr_stream_new(name, trickle_read, &tr);
	rc = cr_csv_read(st, cr_schema_get(t), collect, g);
	cr_stream_free(st);
	return rc;
}

static int
run(const char *in, struct got *g)
{
	return run_step(in, strlen(in), CR_T_SHARES, "shares.csv", g, 0);
}

static void
assert_val(struct got *g, int row, int col, const char *want)
{
	if (want == NULL) {
		assert_null(g->val[row][col]);
		return;
	}
	assert_non_null(g->val[row][col]);
	assert_string_equal(g->val[row][col], want);
	assert_int_equal(g->len[row][col], strlen(want));
}

static void
check_three(struct got *g, const char *via2)
{
	assert_int_equal(g->nrows, 2);
	assert_int_equal(g->line[0], 2);
	assert_int_equal(g->line[1], 3);
	assert_val(g, 0, SH_PRODUCT_ID, "p1");
	assert_val(g, 0, SH_USERNAME, "u1");
	assert_val(g, 0, SH_VIA, "team");
	assert_val(g, 1, SH_PRODUCT_ID, "p2");
	assert_val(g, 1, SH_USERNAME, "u2");
	assert_val(g, 1, SH_VIA, via2);
	assert_int_equal(g->flags[0], 0);
	assert_int_equal(g->nfields[0], 3);
	assert_int_equal(g->nexpected[0], 3);
}

static void
test_comma(void **state)
{
	struct got g = { 0 };

	(void)state;
	assert_int_equal(run("product_id,username,via\n"
	    "p1,u1,team\np2,u2,quickshare\n", &g), 0);
	check_three(&g, "quickshare");
	assert_string_equal(diag(), "");
	got_free(&g);
}

static void
test_semicolon(void **state)
{
	struct got g = { 0 };

	(void)state;
	/* commas inside a value do not split it */
	assert_int_equal(run("product_id;username;via\n"
	    "p1;u1;team\np2;u2;a,b\n", &g), 0);
	check_three(&g, "a,b");
	got_free(&g);
}

static void
test_tab(void **state)
{
	struct got g = { 0 };

	(void)state;
	assert_int_equal(run("product_id\tusername\tvia\n"
	    "p1\tu1\tteam\np2\tu2\tx;y,z\n", &g), 0);
	check_three(&g, "x;y,z");
	got_free(&g);
}

static void
test_delim_detection(void **state)
{
	struct got g = { 0 };

	(void)state;
	/* Quoted commas in the header do not count: ';' wins 3 to 0. */
	assert_int_equal(run("\"a,b,c,d\";product_id;username;via\n"
	    "x;p1;u1;team\n", &g), 0);
	assert_int_equal(g.nrows, 1);
	assert_val(&g, 0, SH_PRODUCT_ID, "p1");
	assert_val(&g, 0, SH_VIA, "team");
	assert_string_equal(diag(), "custrelease: shares.csv:1: warning: "
	    "unknown column \"a,b,c,d\" ignored\n");
	got_free(&g);

	/* A tie with ',' is ','. */
	memset(&g, 0, sizeof g);
	assert_int_equal(run("product_id,username;x;via,y\n"
	    "p1,u1;x;team,y\n", &g), CR_STATUS_DATA);
	assert_string_equal(diag(), "custrelease: shares.csv:1: warning: "
	    "unknown column \"a,b,c,d\" ignored\n"
	    "custrelease: shares.csv:1: warning: "
	    "unknown column \"username;x;via\" ignored\n"
	    "custrelease: shares.csv:1: warning: "
	    "unknown column \"y\" ignored\n"
	    "custrelease: shares.csv:1: "
	    "missing required columns \"username\", \"via\"\n");
	got_free(&g);
}

static void
test_bom_crlf(void **state)
{
	struct got g = { 0 };
	static const char in[] = "\xEF\xBB\xBFproduct_id;username;via\r\n"
	    "p1;u1;team\r\n\r\np2;u2;\r\n";
	size_t step;

	(void)state;
	/* Whole, then trickled so that BOM and CRLF split across reads. */
	for (step = 0; step < 4; step++) {
		memset(&g, 0, sizeof g);
		assert_int_equal(run_step(in, sizeof in - 1, CR_T_SHARES,
		    "shares.csv", &g, step), 0);
		assert_int_equal(g.nrows, 2);
		assert_int_equal(g.line[0], 2);
		assert_int_equal(g.line[1], 4);
		/* the BOM is not part of the first name */
		assert_val(&g, 0, SH_PRODUCT_ID, "p1");
		assert_val(&g, 0, SH_VIA, "team");
		assert_val(&g, 1, SH_USERNAME, "u2");
		assert_val(&g, 1, SH_VIA, NULL);
		assert_int_equal(g.flags[1], 0);
		got_free(&g);
	}
	assert_string_equal(diag(), "");
}

static void
test_quoted(void **state)
{
	struct got g = { 0 };
	static const char in[] = "product_id,username,via\n"
	    "\"p,1\",\"u\"\"x\",\"a\nb\r\nc\"\n"
	    "p2,\"\",\"\"\"\"\r\n"
	    "\n"
	    "\"p\n\n3\",u3,team\n"
	    "p4,u4,team\n";
	size_t steps[] = { 0, 1, 2, 5 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		memset(&g, 0, sizeof g);
		assert_int_equal(run_step(in, sizeof in - 1, CR_T_SHARES,
		    "shares.csv", &g, steps[i]), 0);
		assert_int_equal(g.nrows, 4);
		assert_int_equal(g.line[0], 2);
		assert_val(&g, 0, SH_PRODUCT_ID, "p,1");
		assert_val(&g, 0, SH_USERNAME, "u\"x");
		assert_val(&g, 0, SH_VIA, "a\nb\r\nc");
		assert_int_equal(g.line[1], 5);
		assert_val(&g, 1, SH_USERNAME, NULL);
		assert_val(&g, 1, SH_VIA, "\"");
		assert_int_equal(g.line[2], 7);
		assert_val(&g, 2, SH_PRODUCT_ID, "p\n\n3");
		assert_int_equal(g.line[3], 10);
		assert_val(&g, 3, SH_PRODUCT_ID, "p4");
		got_free(&g);
	}
}

static void
test_blank_lines(void **state)
{
	struct got g = { 0 };

	(void)state;
	assert_int_equal(run("\n\nproduct_id,username,via\n\n\n"
	    "p1,u1,team\n\r\n\n"
	    "p2,u2,team\n\n", &g), 0);
	assert_int_equal(g.nrows, 2);
	assert_int_equal(g.line[0], 6);
	assert_int_equal(g.line[1], 9);
	got_free(&g);
}

static void
test_long_input_lines(void **state)
{
	struct got g = { 0 };
	size_t cap = 300000, n, i;
	char *in = malloc(cap);
	unsigned long rows = 0;

	(void)state;
	/* Several 64 KiB blocks, a quoted newline every 7th row. */
	n = (size_t)sprintf(in, "product_id,username,via\r\n");
	for (i = 0; n + 64 < cap; i++) {
		if (i % 7 == 3)
			n += (size_t)sprintf(in + n, "p%zu,\"u\r\n%zu\",team\r\n",
			    i, i);
		else
			n += (size_t)sprintf(in + n, "p%zu,u%zu,team\r\n", i,
			    i);
		rows++;
	}
	assert_int_equal(run_step(in, n, CR_T_SHARES, "shares.csv", &g,
	    4093), 0);
	assert_int_equal(g.nrows, rows);
	/* the last row's line: 1 header + rows + one extra per quoted LF */
	{
		unsigned long extra = 0;

		for (i = 0; i < rows; i++)
			extra += i % 7 == 3;
		assert_int_equal(g.last_line, 1 + rows + extra -
		    ((rows - 1) % 7 == 3));
	}
	free(in);
	got_free(&g);
}

static void
test_order_unknown(void **state)
{
	struct got g = { 0 };

	(void)state;
	assert_int_equal(run("via,extra,username,product_id,other\n"
	    "team,x,u1,p1,y\n", &g), 0);
	assert_int_equal(g.nrows, 1);
	assert_val(&g, 0, SH_PRODUCT_ID, "p1");
	assert_val(&g, 0, SH_USERNAME, "u1");
	assert_val(&g, 0, SH_VIA, "team");
	assert_int_equal(g.nexpected[0], 5);
	assert_int_equal(g.flags[0], 0);
	assert_string_equal(diag(),
	    "custrelease: shares.csv:1: warning: unknown column \"extra\" "
	    "ignored\n"
	    "custrelease: shares.csv:1: warning: unknown column \"other\" "
	    "ignored\n");
	got_free(&g);
}

static void
test_header_exact_names(void **state)
{
	struct got g = { 0 };

	(void)state;
	/* spaces are kept: " via" is not "via" */
	assert_int_equal(run("product_id,username, via\np1,u1,team\n", &g),
	    CR_STATUS_DATA);
	assert_string_equal(diag(),
	    "custrelease: shares.csv:1: warning: unknown column \" via\" "
	    "ignored\n"
	    "custrelease: shares.csv:1: missing required column \"via\"\n");
	assert_int_equal(g.nrows, 0);
	got_free(&g);
}

static void
test_missing_required(void **state)
{
	struct got g = { 0 };

	(void)state;
	assert_int_equal(run("product_id,via\np1,team\n", &g), CR_STATUS_DATA);
	assert_int_equal(g.nrows, 0);
	assert_string_equal(diag(), "custrelease: shares.csv:1: "
	    "missing required column \"username\"\n");
	got_free(&g);
}

static void
test_manifest_optional(void **state)
{
	struct got g = { 0 };
	static const char in[] = "customer_id,request_id,reseller_id\n"
	    "c1,r1,s1\n";

	(void)state;
	/* Only the first three manifest columns are required. */
	assert_int_equal(run_step(in, sizeof in - 1, CR_T_MANIFEST,
	    "manifest.csv", &g, 0), 0);
	assert_int_equal(g.nrows, 1);
	assert_val(&g, 0, MAN_REQUEST_ID, "r1");
	assert_val(&g, 0, MAN_RESELLER_ID, "s1");
	assert_val(&g, 0, MAN_CUSTOMER_ID, "c1");
	assert_val(&g, 0, MAN_IMPORT_TO, NULL);
	assert_val(&g, 0, MAN_REQUESTED_BY, NULL);
	assert_string_equal(diag(), "");
	got_free(&g);
}

static void
test_duplicate(void **state)
{
	struct got g = { 0 };

	(void)state;
	assert_int_equal(run("product_id,username,via,username\n"
	    "p1,u1,team,u2\n", &g), CR_STATUS_DATA);
	assert_int_equal(g.nrows, 0);
	assert_string_equal(diag(), "custrelease: shares.csv:1: "
	    "duplicate column \"username\"\n");
	got_free(&g);
}

static void
test_duplicate_unknown(void **state)
{
	struct got g = { 0 };

	(void)state;
	assert_int_equal(run("x,product_id,username,via,x\n", &g), CR_STATUS_DATA);
	assert_string_equal(diag(), "custrelease: shares.csv:1: "
	    "duplicate column \"x\"\n");
	got_free(&g);
}

static void
test_header_utf8(void **state)
{
	struct got g = { 0 };

	(void)state;
	assert_int_equal(run("product_id,user\xffname,via\np1,u1,team\n", &g),
	    CR_STATUS_DATA);
	assert_int_equal(g.nrows, 0);
	assert_string_equal(diag(), "custrelease: shares.csv:1: "
	    "invalid UTF-8 in the header line\n");
	got_free(&g);

	/* Invalid UTF-8 in a data field is not the reader's business. */
	memset(&g, 0, sizeof g);
	assert_int_equal(run("product_id,username,via\np1,u\xff,team\n", &g),
	    0);
	assert_val(&g, 0, SH_USERNAME, "u\xff");
	got_free(&g);
}

static void
test_unterminated(void **state)
{
	struct got g = { 0 };

	(void)state;
	assert_int_equal(run("product_id,username,via\np1,u1,team\n"
	    "p2,\"u2,team\nmore\nlines\n", &g), CR_STATUS_DATA);
	assert_int_equal(g.nrows, 1);
	assert_string_equal(diag(), "custrelease: shares.csv:3: "
	    "unterminated quoted field\n");
	got_free(&g);
}

static void
test_malformed_quote(void **state)
{
	struct got g = { 0 };

	(void)state;
	assert_int_equal(run("product_id,username,via\n\np1,u\"1,team\n",
	    &g), CR_STATUS_DATA);
	assert_int_equal(g.nrows, 0);
	assert_string_equal(diag(), "custrelease: shares.csv:3: "
	    "malformed quoting: quote inside an unquoted field\n");
	got_free(&g);
	teardown(NULL);
	setup(NULL);

	memset(&g, 0, sizeof g);
	/* on the second line of a record that began on line 2 */
	assert_int_equal(run("product_id,username,via\n"
	    "p1,\"u\n1\"x,team\n", &g), CR_STATUS_DATA);
	assert_string_equal(diag(), "custrelease: shares.csv:2: "
	    "malformed quoting: text after the closing quote of a field\n");
	got_free(&g);
}

static void
test_nul(void **state)
{
	struct got g = { 0 };
	static const char in[] = "product_id,username,via\np1,u1,team\n"
	    "p2,u\0,team\n";

	(void)state;
	assert_int_equal(run_step(in, sizeof in - 1, CR_T_SHARES,
	    "shares.csv", &g, 0), CR_STATUS_DATA);
	assert_int_equal(g.nrows, 1);
	assert_string_equal(diag(), "custrelease: shares.csv:3: "
	    "NUL byte in input\n");
	got_free(&g);
}

static void
test_nul_quoted(void **state)
{
	struct got g = { 0 };
	static const char in[] = "product_id,username,via\n"
	    "p1,\"u\n\n\0\",team\n";

	(void)state;
	/* inside a quoted field: the physical line of the NUL */
	assert_int_equal(run_step(in, sizeof in - 1, CR_T_SHARES,
	    "shares.csv", &g, 3), CR_STATUS_DATA);
	assert_string_equal(diag(), "custrelease: shares.csv:4: "
	    "NUL byte in input\n");
	got_free(&g);
}

/* "product_id,username,via\n" then rows with a username of `size` bytes */
static char *
big_input(size_t size, int quoted, int terminate, size_t *lenp)
{
	size_t cap = size + 256, n;
	char *in = malloc(cap);

	n = (size_t)sprintf(in, "product_id,username,via\np0,u0,team\np1,%s",
	    quoted ? "\"" : "");
	memset(in + n, 'a', size);
	n += size;
	if (terminate)
		n += (size_t)sprintf(in + n, "%s,team\np2,u2,team\n",
		    quoted ? "\"" : "");
	*lenp = n;
	return in;
}

static void
test_big_field(void **state)
{
	struct got g = { 0 };
	size_t len, step;
	char *in;
	int q, t;

	(void)state;
	for (q = 0; q < 2; q++) {
		for (t = 0; t < 2; t++) {
			teardown(NULL);
			setup(NULL);
			memset(&g, 0, sizeof g);
			in = big_input(2 * 1024 * 1024, q, t, &len);
			assert_int_equal(run_step(in, len, CR_T_SHARES,
			    "shares.csv", &g, 0), CR_STATUS_DATA);
			assert_int_equal(g.nrows, 1);
			assert_string_equal(diag(), "custrelease: "
			    "shares.csv:3: field larger than 1 MiB\n");
			free(in);
			got_free(&g);
		}
	}

	/* exactly CR_FIELD_MAX bytes is fine, whatever the read sizes */
	for (step = 0; step < 2; step++) {
		for (q = 0; q < 2; q++) {
			memset(&g, 0, sizeof g);
			in = big_input(CR_FIELD_MAX, q, 1, &len);
			assert_int_equal(run_step(in, len, CR_T_SHARES,
			    "shares.csv", &g, step ? 65521 : 0), 0);
			assert_int_equal(g.nrows, 3);
			assert_int_equal(g.len[1][SH_USERNAME],
			    CR_FIELD_MAX);
			assert_int_equal(g.line[2], 4);
			free(in);
			got_free(&g);
		}
	}

	/* one byte more is not */
	memset(&g, 0, sizeof g);
	in = big_input(CR_FIELD_MAX + 1, 1, 1, &len);
	assert_int_equal(run_step(in, len, CR_T_SHARES, "shares.csv", &g, 0),
	    CR_STATUS_DATA);
	free(in);
	got_free(&g);
}

static void
test_badcount(void **state)
{
	struct got g = { 0 };

	(void)state;
	assert_int_equal(run("product_id,username,via\np1,u1\n"
	    "p2,u2,team,extra\np3,u3,team\n", &g), 0);
	assert_int_equal(g.nrows, 3);
	assert_int_equal(g.flags[0], CR_ROW_BADCOUNT);
	assert_int_equal(g.nfields[0], 2);
	assert_int_equal(g.nexpected[0], 3);
	assert_val(&g, 0, SH_PRODUCT_ID, "p1");
	assert_val(&g, 0, SH_USERNAME, "u1");
	assert_val(&g, 0, SH_VIA, NULL);
	assert_int_equal(g.flags[1], CR_ROW_BADCOUNT);
	assert_int_equal(g.nfields[1], 4);
	assert_val(&g, 1, SH_VIA, "team");
	assert_int_equal(g.flags[2], 0);
	got_free(&g);
}

static void
test_blank_values(void **state)
{
	struct got g = { 0 };

	(void)state;
	assert_int_equal(run("product_id,username,via\n"
	    " p1 ,\"  \t \",\n", &g), 0);
	assert_int_equal(g.nrows, 1);
	/* spaces kept in unquoted fields */
	assert_val(&g, 0, SH_PRODUCT_ID, " p1 ");
	assert_val(&g, 0, SH_USERNAME, NULL);
	assert_val(&g, 0, SH_VIA, NULL);
	assert_int_equal(g.flags[0], 0);
	got_free(&g);
}

static void
test_stop(void **state)
{
	struct got g = { 0 };

	(void)state;
	g.stop_at = 2;
	assert_int_equal(run("product_id,username,via\np1,u1,team\n"
	    "p2,u2,team\np3,u3,team\np4,u4,team", &g), 42);
	assert_int_equal(g.nrows, 2);
	got_free(&g);

	/* also when the stopping row is the last, unterminated one */
	memset(&g, 0, sizeof g);
	g.stop_at = 1;
	assert_int_equal(run("product_id,username,via\np1,u1,team", &g), 42);
	assert_int_equal(g.nrows, 1);
	got_free(&g);
}

static void
test_no_trailing_newline(void **state)
{
	struct got g = { 0 };

	(void)state;
	assert_int_equal(run("product_id,username,via\r\np1,u1,team\r\n"
	    "p2,u2,\"x\"", &g), 0);
	assert_int_equal(g.nrows, 2);
	assert_int_equal(g.line[1], 3);
	assert_val(&g, 1, SH_VIA, "x");
	got_free(&g);

	/* a header alone, without newline: no rows, no error */
	memset(&g, 0, sizeof g);
	assert_int_equal(run("product_id,username,via", &g), 0);
	assert_int_equal(g.nrows, 0);
	assert_string_equal(diag(), "");
	got_free(&g);
}

static void
test_empty(void **state)
{
	static const char *const ins[] = { "", "\xEF\xBB\xBF", "\n\r\n\n" };
	struct got g = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		teardown(NULL);
		setup(NULL);
		memset(&g, 0, sizeof g);
		assert_int_equal(run(ins[i], &g), CR_STATUS_DATA);
		assert_int_equal(g.nrows, 0);
		assert_string_equal(diag(), "custrelease: shares.csv:1: "
		    "empty file: no header line\n");
	}
}

static void
test_read_error(void **state)
{
	struct got g = { 0 };
	struct trickle tr = { 0 };
	static const char in[] = "product_id,username,via\np1,u1,team\n"
	    "p2,u2,team\n";
	struct cr_stream *st;
	int fail;

	(void)state;
	/* the rows before the failing read still come, none after */
	for (fail = 1; fail <= 6; fail++) {
		memset(&g, 0, sizeof g);
		memset(&tr, 0, sizeof tr);
		tr.s = in;
		tr.len = sizeof in - 1;
		tr.step = 30;
		tr.fail_at = (fail - 1) % 3 + 1;
		st = cr_stream_new("shares.csv", trickle_read, &tr);
		if (fail > 3)	/* the same through the read-ahead thread */
			assert_int_equal(cr_stream_set_readahead(st), 0);
		assert_int_equal(cr_csv_read(st, cr_schema_get(CR_T_SHARES),
		    collect, &g), CR_STATUS_IO);
		assert_int_equal(g.nrows, tr.fail_at == 3 ? 2 : 0);
		cr_stream_free(st);
		got_free(&g);
	}
	assert_non_null(strstr(diag(), "shares.csv:0: read error"));
}

/* Read-ahead hands every byte over in order and hashes them all. */
static void
test_readahead(void **state)
{
	static char in[1 << 20];
	struct trickle tr = { 0 };
	struct got g = { 0 };
	struct cr_stream *st, *plain;
	char a[65], b[65];
	size_t i, n;

	(void)state;
	n = (size_t)snprintf(in, sizeof in, "product_id,username,via\n");
	for (i = 0; n + 64 < sizeof in; i++)
		n += (size_t)snprintf(in + n, sizeof in - n, "p%zu,u%zu,team\n",
		    i, i);
	tr.s = in;
	tr.len = n;
	tr.step = 100000;
	st = cr_stream_new("shares.csv", trickle_read, &tr);
	assert_int_equal(cr_stream_set_readahead(st), 0);
	assert_int_equal(cr_csv_read(st, cr_schema_get(CR_T_SHARES),
	    collect, &g), 0);
	assert_int_equal(g.nrows, (int)i);
	assert_int_equal(g.last_line, i + 1);
	assert_int_equal(cr_stream_drain(st), 0);
	assert_int_equal(cr_stream_bytes(st), n);
	cr_stream_sha256_hex(st, a);
	plain = cr_stream_mem(in, n, "shares.csv");
	assert_int_equal(cr_stream_drain(plain), 0);
	cr_stream_sha256_hex(plain, b);
	assert_string_equal(a, b);
	cr_stream_free(plain);
	cr_stream_free(st);
	got_free(&g);

	/* freed before its end: the thread is stopped and joined */
	memset(&tr, 0, sizeof tr);
	tr.s = in;
	tr.len = n;
	tr.step = 4096;
	st = cr_stream_new("shares.csv", trickle_read, &tr);
	assert_int_equal(cr_stream_set_readahead(st), 0);
	assert_true(cr_stream_read(st, a, 10) > 0);
	cr_stream_free(st);
}

/* The filter's look: key column only, every row, then whole kept rows. */
struct filter_log {
	char		seen[256];	/* "id@line " for each keep() call */
};

static int
keep_odd(void *arg, const struct cr_row *row)
{
	struct filter_log *f = arg;
	const char *v = row->val[SH_PRODUCT_ID];
	size_t n = strlen(f->seen);

	assert_non_null(v);
	snprintf(f->seen + n, sizeof f->seen - n, "%.*s@%lu ",
	    (int)row->len[SH_PRODUCT_ID], v, row->line);
	return (v[1] - '0') % 2 == 1;
}

static void
test_filter(void **state)
{
	static const char in[] =
	    "product_id,username,via\n"
	    "p1,u1,team\n"
	    "p2,u2,team\n"
	    "p3,\"u\n3\",team\n"
	    "p4,\"u4\",quickshare\n"
	    "p5,u5,quickshare,extra\n";
	struct filter_log log;
	struct cr_row_filter flt = { 1U << SH_PRODUCT_ID, keep_odd, &log };
	struct cr_stream *st;
	struct got g;
	size_t step;

	(void)state;
	for (step = 0; step < 40; step += 7) {
		struct trickle tr = { in, sizeof in - 1, 0, step, 0, 0 };

		memset(&g, 0, sizeof g);
		memset(&log, 0, sizeof log);
		st = step == 0 ? cr_stream_mem(in, sizeof in - 1, "s.csv") :
		    cr_stream_new("s.csv", trickle_read, &tr);
		assert_int_equal(cr_csv_read_filtered(st,
		    cr_schema_get(CR_T_SHARES), &flt, collect, &g), 0);
		cr_stream_free(st);
		assert_string_equal(log.seen, "p1@2 p2@3 p3@4 p4@6 p5@7 ");
		assert_int_equal(g.nrows, 3);
		assert_val(&g, 0, SH_USERNAME, "u1");
		assert_int_equal(g.line[0], 2);
		assert_val(&g, 1, SH_USERNAME, "u\n3");
		assert_int_equal(g.line[1], 4);
		assert_val(&g, 2, SH_PRODUCT_ID, "p5");
		assert_val(&g, 2, SH_VIA, "quickshare");
		assert_int_equal(g.flags[2], CR_ROW_BADCOUNT);
		assert_int_equal(g.line[2], 7);
		got_free(&g);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_comma, setup, teardown),
		cmocka_unit_test_setup_teardown(test_semicolon, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tab, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delim_detection, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bom_crlf, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_quoted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blank_lines, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_long_input_lines, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_order_unknown, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_header_exact_names,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_required, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_manifest_optional, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_unknown, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_header_utf8, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unterminated, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_malformed_quote, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_quoted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_big_field, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_badcount, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_blank_values, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readahead, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_trailing_newline,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_error, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
