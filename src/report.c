/*
 * report.c -- the two reports for people inside the audit bundle:
 * data/report.txt and data/report.html, built from decisions.csv,
 * ownership.csv and summary.json of the run.
 *
 * report.html is one self-contained page, readable offline: inline CSS
 * and an inline SVG chart, no script, font, image or link to anything
 * outside it (its Content-Security-Policy says so to the browser), every
 * value HTML-escaped.  report.txt says the same in plain text, control
 * characters shown as \xHH.
 *
 * It deliberately computes nothing the records do not say: counts come
 * from decisions.csv, identity and inputs from summary.json.  Nor does it
 * hold the records: it indexes each table (where each row is and its sort
 * key: manifest line, customer id) into an external sort of
 * verify-stream.h, and reads the rows again in the index's order, a block
 * at a time, as the reports are written; the caller chooses where they go.
 *
 * Memory does not grow with the records: an index is kept in memory up to
 * a quarter of vs_mem() (16 MiB, or $CUSTRELEASE_VERIFY_MEM; the part of
 * run's --memory when a run is decided in parts), past that in an unlinked
 * temporary file under $TMPDIR (the run's directory, for a run in parts);
 * the sort of a table whose rows are out of order holds vs_mem() at most,
 * then spills there too.  So at most about 1.5 times vs_mem() (while the
 * second table is sorted, the first one's index kept), 64 KiB buffers
 * per file read or written, the 64 KiB block cache and one row.  A small
 * bundle touches no temporary file; one that cannot be written is exit 74
 * (vs_fail).
 *
 * This file reads the records (the index, the rows again, summary.json);
 * report-txt.c and report-html.c write the two reports from them.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistr.h>

#include "bag.h"
#include "custrelease.h"
#include "err.h"
#include "outfile.h"
#include "report.h"
#include "xmalloc.h"

/* ---- gathering --------------------------------------------------------- */

const char *
rep_sum_str(const struct cr_report *r, const char *path, const char *dflt)
{
	const char *s = r->sum != NULL ? cr_json_str(r->sum, path) : NULL;

	return s != NULL ? s : dflt;
}

/* A scalar JSON value as text (options); NULL for containers. */
const char *
rep_scalar(const struct cr_json *v)
{
	switch (v->type) {
	case CR_JSON_STRING:
	case CR_JSON_NUMBER:
		return v->str;
	case CR_JSON_BOOL:
		return v->boolean ? "true" : "false";
	case CR_JSON_NULL:
		return "";
	default:
		return NULL;
	}
}

static int
rep_col(const struct rep_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->head.ncells; i++)
		if (strcmp(t->head.cells[i], name) == 0)
			return (int)i;
	return -1;
}

/* A cell of row, as written: "" when absent. */
static const char *
rep_rawcell(const struct cr_bag_row *row, int col)
{
	if (col < 0 || (size_t)col >= row->ncells)
		return "";
	return row->cells[col];
}

/* A cell of the current row (rep_row), by column name. */
const char *
rep_cell(struct cr_report *r, const struct rep_table *t, const char *col)
{
	return cr_bag_value(rep_rawcell(&r->cur, rep_col(t, col)));
}

static void
rep_read_error(struct cr_report *r, const char *name)
{
	if (r->rc == 0)
		cr_err_set(name, 0, "cannot read for the report: %s",
		    strerror(errno));
	r->rc = CR_STATUS_IO;
}

/* ---- reading the rows in report order -------------------------------------- */

/*
 * The row at off, len bytes, of t into r->cur, read from the file a block
 * at a time: rows near each other in the file cost one read.  After a
 * read error the row is empty (r->rc says why).
 */
static void
rep_read_row(struct cr_report *r, const struct rep_table *t, uint64_t off,
    size_t len)
{
	const char *name = t == r->dec ? "decisions.csv" : "ownership.csv";
	size_t want;

	cr_bag_row_free(&r->cur);
	if (r->rc != 0)
		return;
	if (t->src->data != NULL) {
		if (cr_bag_csv_record(t->src->data + off, len,
		    &r->cur) != 0)
			memset(&r->cur, 0, sizeof r->cur);
		return;
	}
	if (r->cached != t || off < r->cacheoff ||
	    off + len > r->cacheoff + r->cachelen) {
		want = len > REP_BLOCK ? len : REP_BLOCK;
		if (want > t->src->len - off)
			want = (size_t)(t->src->len - off);
		if (want > r->cachecap) {
			free(r->cache);
			r->cache = xmalloc(want);
			r->cachecap = want;
		}
		r->cached = NULL;
		if (cr_bag_src_read(t->src, off, r->cache, want) != 0) {
			rep_read_error(r, name);
			return;
		}
		r->cached = t;
		r->cacheoff = off;
		r->cachelen = want;
	}
	if (cr_bag_csv_record(r->cache + (off - r->cacheoff), len,
	    &r->cur) != 0)
		memset(&r->cur, 0, sizeof r->cur);
}

static void
rep_walk_end(struct cr_report *r)
{
	if (r->walking != NULL)		/* a walk has its reader open */
		vs_reader_close(&r->rd);
	r->walking = NULL;
}

int
rep_first(struct cr_report *r, const struct rep_table *t)
{
	rep_walk_end(r);
	r->walking = t;
	r->walked = 0;
	vs_reader_open(&r->rd, &t->ix);
	return rep_next(r);
}

int
rep_next(struct cr_report *r)
{
	const struct rep_table *t = r->walking;
	const char *f[VS_FIELDS_MAX];
	char *swap;
	size_t nf, n;

	cr_bag_row_free(&r->cur);
	if (t == NULL)
		return 0;
	if (!vs_reader_next(&r->rd, f, &nf)) {
		rep_walk_end(r);
		return 0;
	}
	if (nf != REP_NF)
		vs_fail("cannot read", EIO);
	/* the key outlives the record: kept with the one before it */
	swap = r->prev;
	r->prev = r->key;
	r->key = swap;
	n = r->prevcap;
	r->prevcap = r->keycap;
	r->keycap = n;
	n = strlen(f[0]) + 1;
	if (n > r->keycap) {
		free(r->key);
		r->key = xmalloc(n);
		r->keycap = n;
	}
	memcpy(r->key, f[0], n);
	r->walked++;
	rep_read_row(r, t, vs_row_of(f[2]), (size_t)vs_row_of(f[3]));
	return 1;
}

const char *
rep_custkey(const struct cr_report *r)
{
	return r->walked > 0 ? r->key : "";
}

const char *
rep_prevkey(const struct cr_report *r)
{
	return r->walked > 1 ? r->prev : NULL;
}

/* ---- the index ------------------------------------------------------------- */

static void
rep_sorted(void *arg, const char *const *f, size_t nf)
{
	vs_writer_add(arg, nf, f);
}

static void
rep_index_open(struct rep_table *t)
{
	vs_writer_open_mem(&t->w, &t->ix, REP_MEM());
	t->writing = 1;
}

static void
rep_index_close(struct rep_table *t)
{
	vs_writer_close(&t->w);
	t->writing = 0;
}

/* The rows indexed so far, in order, into a new external sort. */
static void
rep_index_sort(struct rep_table *t)
{
	struct vs_reader rd;
	const char *f[VS_FIELDS_MAX];
	size_t nf;

	t->sort = vs_sort_new();
	rep_index_close(t);
	vs_reader_open(&rd, &t->ix);
	while (vs_reader_next(&rd, f, &nf))
		vs_sort_add(t->sort, nf, f);
	vs_reader_close(&rd);
	vs_run_free(&t->ix);
}

/*
 * A row into the index: its record is the key, the row number, where the
 * row is.  Records sort bytewise, so as the report wants them: by key (a
 * line as fixed-width hex sorts as the number; a customer id sorts as
 * strcmp() does, its NUL below any byte), then in file order.  Rows that
 * come in that order are the index as they are, unsorted (ownership.csv
 * is sorted by product id, which often follows the customer); from the
 * first one out of order on, all of them go through an external sort.
 */
static void
rep_index_row(struct rep_table *t, const char *key, uint64_t off, size_t len)
{
	struct vs_rowbuf b[3];
	const char *f[REP_NF];
	size_t n;

	f[0] = key;
	f[1] = vs_row(&b[0], t->nrows);
	f[2] = vs_row(&b[1], off);
	f[3] = vs_row(&b[2], len);
	if (t->sort == NULL && t->nrows > 0 && strcmp(t->last, key) > 0)
		rep_index_sort(t);
	if (t->sort != NULL) {
		vs_sort_add(t->sort, REP_NF, f);
		return;
	}
	vs_writer_add(&t->w, REP_NF, f);
	n = strlen(key) + 1;
	if (n > t->lastcap) {
		free(t->last);
		t->last = xmalloc(n);
		t->lastcap = n;
	}
	memcpy(t->last, key, n);
}

/* One record of a scan: the header, or a row to index (and count). */
static int
rep_scan_row(void *arg, struct cr_bag_row *row, uint64_t off, size_t len)
{
	struct cr_report *r = arg;
	struct rep_table *t = r->scanning;
	struct vs_rowbuf line;
	const char *k;

	if (!t->have_head) {
		t->head = *row;
		t->have_head = 1;
		row->cells = NULL;
		row->ncells = 0;
		if (t == r->dec) {
			t->keycol = rep_col(t, "line");
			r->outcol = rep_col(t, "outcome");
			r->codescol = rep_col(t, "codes");
			if (r->outcol < 0 || r->codescol < 0)
				return 1;
		} else
			t->keycol = rep_col(t, "customer_id");
		return 0;
	}
	if (len > UINT32_MAX || t->nrows >= UINT32_MAX)
		return 2;
	k = rep_rawcell(row, t->keycol);
	if (t == r->dec) {
		/* the manifest line as a number: what strtoul makes of it */
		rep_index_row(t, vs_row(&line, (uint64_t)strtoul(k, NULL, 10)),
		    off, len);
		t->nrows++;
		cr_bag_count_row(&r->counts, rep_rawcell(row, r->outcol),
		    rep_rawcell(row, r->codescol));
		return 0;
	}
	rep_index_row(t, k, off, len);
	t->nrows++;
	return 0;
}

/* Index decisions.csv or ownership.csv: 0, or a status (recorded). */
static int
rep_index(struct cr_report *r, struct rep_table *t, const char *name)
{
	char err[160];
	int rc;

	r->scanning = t;
	rep_index_open(t);
	rc = cr_bag_csv_scan(t->src, rep_scan_row, r, err, sizeof err);
	r->scanning = NULL;
	if (rc == 0 && !t->have_head) {
		snprintf(err, sizeof err, "no header row");
		rc = -1;
	}
	if (rc == 1) {
		cr_err_set(name, 0, "no outcome or codes column");
		return CR_STATUS_DATA;
	}
	if (rc == 2)
		snprintf(err, sizeof err, "a row too long");
	if (rc != 0) {
		cr_err_set(name, 0, "cannot read for the report: %s", err);
		return rc == -2 ? CR_STATUS_IO : CR_STATUS_DATA;
	}
	if (t == r->dec)
		cr_bag_count_done(&r->counts);
	if (t->sort != NULL) {
		rep_index_open(t);
		vs_sort_each(t->sort, rep_sorted, &t->w);
		t->sort = NULL;
	}
	rep_index_close(t);
	return 0;
}

static int
rep_load(struct cr_report *r)
{
	const struct cr_report_input *in = r->in;
	char err[160], *sum;
	struct tm tm;
	int rc;

	if (in->decisions != NULL) {
		r->dec = &r->dectab;
		r->dec->src = in->decisions;
		if ((rc = rep_index(r, r->dec, "decisions.csv")) != 0)
			return rc;
	}
	if (in->ownership != NULL) {
		r->own = &r->owntab;
		r->own->src = in->ownership;
		if ((rc = rep_index(r, r->own, "ownership.csv")) != 0)
			return rc;
	}
	/* A summary.json that does not parse only leaves its facts out. */
	if (in->summary != NULL) {
		sum = xmalloc(in->summary->len + 1);
		if (cr_bag_src_read(in->summary, 0, sum, in->summary->len)
		    != 0) {
			cr_err_set("summary.json", 0, "cannot read for the "
			    "report: %s", strerror(errno));
			free(sum);
			return CR_STATUS_IO;
		}
		r->sum = cr_json_parse(sum, in->summary->len, err,
		    sizeof err);
		free(sum);
	}
	if (gmtime_r(&in->run_time, &tm) == NULL ||
	    strftime(r->run_time, sizeof r->run_time, "%Y-%m-%dT%H:%M:%SZ",
	    &tm) == 0)
		strcpy(r->run_time, "?");
	return 0;
}

/* The columns of decisions.csv both reports show for a request. */
const char *const rep_req_cols[REP_NREQ] = {
	"line", "request_id", "customer_id", "reseller_id", "outcome",
	"codes", "requested_by", "message"
};

struct cr_report *
cr_report_load(const struct cr_report_input *in, int *rc)
{
	struct cr_report *r = xcalloc(1, sizeof *r);

	r->dectab.ix.fd = r->owntab.ix.fd = -1;
	r->in = in;
	*rc = rep_load(r);
	if (*rc != 0) {
		cr_report_free(r);
		return NULL;
	}
	return r;
}

static void
rep_table_free(struct rep_table *t)
{
	cr_bag_row_free(&t->head);
	if (t->writing)
		free(t->w.buf);
	vs_run_free(&t->ix);
	if (t->sort != NULL)
		vs_sort_free(t->sort);
	free(t->last);
}

void
cr_report_free(struct cr_report *r)
{
	if (r == NULL)
		return;
	rep_walk_end(r);
	free(r->key);
	free(r->prev);
	rep_table_free(&r->dectab);
	rep_table_free(&r->owntab);
	cr_json_free(r->sum);
	cr_bag_counts_free(&r->counts);
	cr_bag_row_free(&r->cur);
	free(r->cache);
	free(r);
}
