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
 * hold the records: it keeps where each row is and its sort key (manifest
 * line, customer id), and reads the rows again, a block at a time, as the
 * reports are written; the caller chooses where they go.
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

/*
 * Row i of t (in report order) into r->cur, read from the file a block at
 * a time: rows near each other in the file cost one read.  After a read
 * error the row is empty (r->rc says why).
 */
void
rep_row(struct cr_report *r, const struct rep_table *t, size_t i)
{
	const struct rep_idx *x = &t->idx[i];
	const char *name = t == r->dec ? "decisions.csv" : "ownership.csv";
	size_t want;

	cr_bag_row_free(&r->cur);
	if (r->rc != 0)
		return;
	if (t->src->data != NULL) {
		if (cr_bag_csv_record(t->src->data + x->off, x->len,
		    &r->cur) != 0)
			memset(&r->cur, 0, sizeof r->cur);
		return;
	}
	if (r->cached != t || x->off < r->cacheoff ||
	    x->off + x->len > r->cacheoff + r->cachelen) {
		want = x->len > REP_BLOCK ? x->len : REP_BLOCK;
		if (want > t->src->len - x->off)
			want = (size_t)(t->src->len - x->off);
		if (want > r->cachecap) {
			free(r->cache);
			r->cache = xmalloc(want);
			r->cachecap = want;
		}
		r->cached = NULL;
		if (cr_bag_src_read(t->src, x->off, r->cache, want) != 0) {
			rep_read_error(r, name);
			return;
		}
		r->cached = t;
		r->cacheoff = x->off;
		r->cachelen = want;
	}
	if (cr_bag_csv_record(r->cache + (x->off - r->cacheoff), x->len,
	    &r->cur) != 0)
		memset(&r->cur, 0, sizeof r->cur);
}

const char *
rep_custkey(const struct rep_table *t, const struct rep_idx *x)
{
	return t->arena + x->key;
}

static int
rep_owner_cmp(const void *a, const void *b, void *arg)
{
	const struct rep_table *t = arg;
	const struct rep_idx *i = a, *j = b;
	int c;

	c = strcmp(rep_custkey(t, i), rep_custkey(t, j));
	if (c != 0)
		return c;
	return i->row < j->row ? -1 : i->row > j->row;
}

/* Decisions in manifest order (decisions.csv is sorted by request_id). */
static int
rep_line_cmp(const void *a, const void *b, void *arg)
{
	const struct rep_idx *i = a, *j = b;

	(void)arg;
	if (i->key != j->key)
		return i->key < j->key ? -1 : 1;
	return i->row < j->row ? -1 : i->row > j->row;
}

/* One record of a scan: the header, or a row to index (and count). */
static int
rep_scan_row(void *arg, struct cr_bag_row *row, uint64_t off, size_t len)
{
	struct cr_report *r = arg;
	struct rep_table *t = r->scanning;
	struct rep_idx *x;
	const char *k;
	size_t n;

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
	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->idx = xreallocarray(t->idx, t->cap, sizeof *t->idx);
	}
	x = &t->idx[t->nrows];
	x->off = off;
	x->len = (uint32_t)len;
	x->row = (uint32_t)t->nrows++;
	k = rep_rawcell(row, t->keycol);
	if (t == r->dec) {
		x->key = strtoul(k, NULL, 10);
		cr_bag_count_row(&r->counts, rep_rawcell(row, r->outcol),
		    rep_rawcell(row, r->codescol));
		return 0;
	}
	n = strlen(k) + 1;
	if (t->acap - t->alen < n) {
		while (t->acap - t->alen < n)
			t->acap = t->acap ? 2 * t->acap : 4096;
		t->arena = xrealloc(t->arena, t->acap);
	}
	memcpy(t->arena + t->alen, k, n);
	x->key = t->alen;
	t->alen += n;
	return 0;
}

/* Index decisions.csv or ownership.csv: 0, or a status (recorded). */
static int
rep_index(struct cr_report *r, struct rep_table *t, const char *name)
{
	char err[160];
	int rc;

	r->scanning = t;
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
	/* no rows (a rerun that released nothing): no index to sort */
	if (t->nrows > 1)
		qsort_r(t->idx, t->nrows, sizeof *t->idx, t == r->dec ?
		    rep_line_cmp : rep_owner_cmp, t);
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
	free(t->idx);
	free(t->arena);
}

void
cr_report_free(struct cr_report *r)
{
	if (r == NULL)
		return;
	rep_table_free(&r->dectab);
	rep_table_free(&r->owntab);
	cr_json_free(r->sum);
	cr_bag_counts_free(&r->counts);
	cr_bag_row_free(&r->cur);
	free(r->cache);
	free(r);
}
