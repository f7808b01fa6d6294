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
#include "diag.h"
#include "outfile.h"
#include "xmalloc.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

/* Where a row of decisions.csv or ownership.csv is, and its sort key. */
struct rep_idx {
	uint64_t	 off;
	uint64_t	 key;		/* line; customer_id at arena + key */
	uint32_t	 len;
	uint32_t	 row;		/* file order, the tie-break */
};

/* A table known by its header and an index; rows are read when needed. */
struct rep_table {
	const struct cr_bag_src	*src;
	struct cr_bag_row	 head;		/* the column names */
	int			 have_head;
	struct rep_idx		*idx;		/* in report order */
	size_t			 nrows, cap;
	int			 keycol;	/* "line" or "customer_id" */
	char			*arena;		/* customer ids */
	size_t			 alen, acap;
};

struct cr_report {
	const struct cr_report_input	*in;
	struct rep_table		 dectab, owntab;
	struct rep_table		*dec;		/* NULL: absent */
	struct rep_table		*own;		/* NULL: absent */
	struct cr_json			*sum;		/* NULL: absent/bad */
	struct cr_bag_counts		 counts;
	int				 outcol, codescol;
	char				 run_time[32];
	/* the row being written, and a block of the file around it */
	struct cr_bag_row		 cur;
	const struct rep_table		*cached;
	char				*cache;
	size_t				 cachecap, cachelen;
	uint64_t			 cacheoff;
	int				 rc;		/* a read error */
	struct rep_table		*scanning;	/* rep_index */
	struct cr_outfile		*o;
};

#define REP_BLOCK	65536

/* ---- escaping ---------------------------------------------------------- */

/* Plain text: valid UTF-8 as is, control bytes and bad bytes as \xHH. */
static void
txt_put(struct cr_outfile *o, const char *s)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + strlen(s);
	ucs4_t uc;
	int n;

	while (p < end) {
		if (*p >= 0x80) {
			n = u8_mbtoucr(&uc, p, (size_t)(end - p));
			if (n > 0) {
				cr_outfile_write(o, p, (size_t)n);
				p += n;
				continue;
			}
		} else if (*p >= 0x20 && *p != 0x7f) {
			cr_outfile_putc(o, *p++);
			continue;
		}
		cr_outfile_printf(o, "\\x%02X", *p++);
	}
}

/* HTML text or attribute value: & < > " ' escaped, bad UTF-8 as U+FFFD. */
static void
html_put(struct cr_outfile *o, const char *s)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + strlen(s);
	ucs4_t uc;
	int n;

	while (p < end) {
		if (*p >= 0x80) {
			n = u8_mbtoucr(&uc, p, (size_t)(end - p));
			if (n > 0) {
				cr_outfile_write(o, p, (size_t)n);
				p += n;
			} else {
				cr_outfile_puts(o, "\xEF\xBF\xBD");
				p++;
			}
			continue;
		}
		switch (*p) {
		case '&': cr_outfile_puts(o, "&amp;"); break;
		case '<': cr_outfile_puts(o, "&lt;"); break;
		case '>': cr_outfile_puts(o, "&gt;"); break;
		case '"': cr_outfile_puts(o, "&quot;"); break;
		case '\'': cr_outfile_puts(o, "&#39;"); break;
		case '\t': case '\n':
			cr_outfile_putc(o, *p);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				cr_outfile_printf(o, "\\x%02X", *p);
			else
				cr_outfile_putc(o, *p);
		}
		p++;
	}
}

/* ---- gathering --------------------------------------------------------- */

static const char *
rep_sum_str(const struct cr_report *r, const char *path, const char *dflt)
{
	const char *s = r->sum != NULL ? cr_json_str(r->sum, path) : NULL;

	return s != NULL ? s : dflt;
}

/* A scalar JSON value as text (options); NULL for containers. */
static const char *
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
static const char *
rep_cell(struct cr_report *r, const struct rep_table *t, const char *col)
{
	return cr_bag_value(rep_rawcell(&r->cur, rep_col(t, col)));
}

static void
rep_read_error(struct cr_report *r, const char *name)
{
	if (r->rc == 0)
		cr_error(name, 0, "cannot read for the report: %s",
		    strerror(errno));
	r->rc = CR_EXIT_IOERR;
}

/*
 * Row i of t (in report order) into r->cur, read from the file a block at
 * a time: rows near each other in the file cost one read.  After a read
 * error the row is empty (r->rc says why).
 */
static void
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

static const char *
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

/* Index decisions.csv or ownership.csv: 0, or an exit code (printed). */
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
		cr_error(name, 0, "no outcome or codes column");
		return CR_EXIT_DATAERR;
	}
	if (rc == 2)
		snprintf(err, sizeof err, "a row too long");
	if (rc != 0) {
		cr_error(name, 0, "cannot read for the report: %s", err);
		return rc == -2 ? CR_EXIT_IOERR : CR_EXIT_DATAERR;
	}
	if (t == r->dec) {
		cr_bag_count_done(&r->counts);
		qsort_r(t->idx, t->nrows, sizeof *t->idx, rep_line_cmp, t);
	} else
		qsort_r(t->idx, t->nrows, sizeof *t->idx, rep_owner_cmp, t);
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
			cr_error("summary.json", 0, "cannot read for the "
			    "report: %s", strerror(errno));
			free(sum);
			return CR_EXIT_IOERR;
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

/* ---- report.txt ------------------------------------------------------------ */

static void
txt_kv(struct cr_outfile *o, const char *k, const char *v)
{
	cr_outfile_printf(o, "  %-24s ", k);
	txt_put(o, v);
	cr_outfile_putc(o, '\n');
}

static void
txt_heading(struct cr_outfile *o, const char *h)
{
	size_t n = strlen(h);

	cr_outfile_printf(o, "\n%s\n", h);
	while (n-- > 0)
		cr_outfile_putc(o, '-');
	cr_outfile_putc(o, '\n');
}

static void
txt_inputs(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const struct cr_json *ex, *e;
	size_t i;

	txt_heading(o, "Inputs (SHA-256)");
	cr_outfile_puts(o, "  manifest  ");
	txt_put(o, rep_sum_str(r, "inputs.manifest.sha256", "?"));
	cr_outfile_puts(o, "  ");
	txt_put(o, rep_sum_str(r, "inputs.manifest.name", "?"));
	if (r->in->manifest_name != NULL) {
		cr_outfile_puts(o, " (in the bag as data/");
		txt_put(o, r->in->manifest_name);
		cr_outfile_putc(o, ')');
	}
	cr_outfile_putc(o, '\n');
	ex = r->sum != NULL ? cr_json_get(r->sum, "inputs.export") : NULL;
	for (i = 0; ex != NULL && ex->type == CR_JSON_ARRAY && i < ex->n;
	    i++) {
		e = &ex->items[i];
		cr_outfile_puts(o, "  export    ");
		txt_put(o, cr_json_str(e, "sha256") ? cr_json_str(e, "sha256")
		    : "?");
		cr_outfile_puts(o, "  ");
		txt_put(o, cr_json_str(e, "name") ? cr_json_str(e, "name")
		    : "?");
		cr_outfile_putc(o, '\n');
	}
	cr_outfile_puts(o, "  (every export file is also listed in "
	    "data/inputs.sha256)\n");
}

static void
txt_run(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const struct cr_json *opt;
	const char *v;
	unsigned long n;
	char num[32];
	size_t i;

	cr_outfile_puts(o, "custrelease audit report\n"
	    "========================\n\n");
	txt_kv(o, "Run id", r->in->run_id);
	txt_kv(o, "Run time", rep_sum_str(r, "run_time", r->run_time));
	txt_kv(o, "custrelease version",
	    rep_sum_str(r, "version", PACKAGE_VERSION));
	if (r->sum != NULL && cr_json_uint(r->sum, "exit_status", &n)) {
		snprintf(num, sizeof num, "%lu", n);
		txt_kv(o, "Exit status", num);
	}
	if (r->sum == NULL)
		txt_kv(o, "summary.json", "absent or unreadable");
	txt_inputs(r);
	opt = r->sum != NULL ? cr_json_get(r->sum, "options") : NULL;
	if (opt != NULL && opt->type == CR_JSON_OBJECT && opt->n > 0) {
		txt_heading(o, "Options");
		for (i = 0; i < opt->n; i++)
			if ((v = rep_scalar(&opt->items[i])) != NULL)
				txt_kv(o, opt->keys[i], v);
	}
}

static void
txt_counts(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const struct cr_bag_counts *c = &r->counts;
	unsigned long n;
	size_t i;

	txt_heading(o, "Outcomes");
	if (r->dec == NULL) {
		cr_outfile_puts(o, "  decisions.csv is absent\n");
		return;
	}
	cr_outfile_printf(o, "  %-24s %lu\n", "requests", c->requests);
	cr_outfile_printf(o, "  %-24s %lu\n", "released", c->released);
	cr_outfile_printf(o, "  %-24s %lu\n", "skipped", c->skipped);
	cr_outfile_printf(o, "  %-24s %lu\n", "rejected", c->rejected);
	if (r->own != NULL)
		cr_outfile_printf(o, "  %-24s %zu\n", "products released",
		    r->own->nrows);
	if (r->sum != NULL && cr_json_uint(r->sum, "counts.emails", &n))
		cr_outfile_printf(o, "  %-24s %lu\n", "claim emails", n);
	txt_heading(o, "Codes (requests carrying each)");
	if (c->ncodes == 0)
		cr_outfile_puts(o, "  none\n");
	for (i = 0; i < c->ncodes; i++) {
		cr_outfile_puts(o, "  ");
		txt_put(o, c->codes[i].code);
		cr_outfile_printf(o, "%*s %lu\n",
		    (int)(strlen(c->codes[i].code) < 24 ?
		    24 - strlen(c->codes[i].code) : 0), "", c->codes[i].n);
	}
}

static const char *const rep_req_cols[] = {
	"line", "request_id", "customer_id", "reseller_id", "outcome",
	"codes", "requested_by", "message"
};
#define REP_NREQ (sizeof rep_req_cols / sizeof rep_req_cols[0])

static void
txt_requests(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const char *v;
	size_t i, j;

	if (r->dec == NULL)
		return;
	txt_heading(o, "Requests (manifest order)");
	for (i = 0; i < r->dec->nrows; i++) {
		rep_row(r, r->dec, i);
		cr_outfile_putc(o, '\n');
		for (j = 0; j < REP_NREQ; j++) {
			v = rep_cell(r, r->dec, rep_req_cols[j]);
			if (*v == '\0' && (j == 5 || j == 7))
				continue;
			txt_kv(o, rep_req_cols[j], v);
		}
	}
}

static void
txt_products(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const char *cust, *prev = NULL;
	size_t i;

	txt_heading(o, "Products released, per customer");
	if (r->own == NULL || r->own->nrows == 0) {
		cr_outfile_puts(o, "  none\n");
		return;
	}
	for (i = 0; i < r->own->nrows; i++) {
		rep_row(r, r->own, i);
		cust = cr_bag_value(rep_custkey(r->own, &r->own->idx[i]));
		if (prev == NULL || strcmp(prev, cust) != 0) {
			cr_outfile_puts(o, "\n  customer ");
			txt_put(o, cust);
			cr_outfile_puts(o, " (request ");
			txt_put(o, rep_cell(r, r->own, "request_id"));
			cr_outfile_puts(o, ", from ");
			txt_put(o, rep_cell(r, r->own, "from_reseller_id"));
			cr_outfile_puts(o, " to ");
			txt_put(o, rep_cell(r, r->own, "to"));
			if (strcmp(rep_cell(r, r->own,
			    "change_owner_required"), "true") == 0)
				cr_outfile_puts(o, ", change of owner "
				    "required");
			cr_outfile_puts(o, ")\n");
			prev = cust;
		}
		cr_outfile_puts(o, "    ");
		txt_put(o, rep_cell(r, r->own, "kind"));
		cr_outfile_puts(o, "  ");
		txt_put(o, rep_cell(r, r->own, "name"));
		cr_outfile_puts(o, "  (");
		txt_put(o, rep_cell(r, r->own, "product_id"));
		cr_outfile_puts(o, ")\n");
	}
}

static void
txt_verify(struct cr_report *r)
{
	struct cr_outfile *o = r->o;

	txt_heading(o, "How to verify this bundle");
	cr_outfile_puts(o,
	    "  This bundle is a BagIt 1.0 bag (RFC 8493).  With custrelease:\n"
	    "\n      custrelease verify audit-");
	txt_put(o, r->in->run_id);
	cr_outfile_puts(o, ".tar.gz     (or .zip)\n\n"
	    "  checks every checksum, that no file is missing or added, the\n"
	    "  Payload-Oxum, and that the records agree with each other and\n"
	    "  with summary.json.  Without it, in the extracted directory\n"
	    "  audit-");
	txt_put(o, r->in->run_id);
	cr_outfile_puts(o, "/:\n\n"
	    "      sha256sum -c tagmanifest-sha256.txt\n"
	    "      sha256sum -c manifest-sha256.txt\n\n"
	    "  and compare Payload-Oxum in bag-info.txt (bytes.files under "
	    "data/)\n  with the files present; no file under data/ may be "
	    "missing from\n  manifest-sha256.txt.  Claim tokens never appear "
	    "in this bundle:\n  emails carry REDACTED instead.\n");
}

/* ---- report.html ------------------------------------------------------------ */

static const char rep_css[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;"
    "max-width:72rem;padding:1.5rem;color:#1d2329;background:#fff}"
    "h1{margin:0 0 .25rem;font-size:1.6rem}"
    "h2{margin-top:2rem;border-bottom:2px solid #d8dee4;"
    "padding-bottom:.2rem;font-size:1.2rem}"
    "h3{font-size:1rem;margin:1.2rem 0 .3rem}"
    "table{border-collapse:collapse;width:100%;margin:.4rem 0}"
    "th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;"
    "border-bottom:1px solid #e4e8ec}"
    "th{background:#f3f5f7;font-weight:600}"
    "table.kv th{width:14rem}"
    "code,.mono{font-family:ui-monospace,monospace;font-size:.88em;"
    "overflow-wrap:anywhere}"
    ".scroll{overflow-x:auto}td.msg{min-width:12rem}"
    ".codes{font-family:ui-monospace,monospace;font-size:.88em;"
    "white-space:nowrap}"
    ".badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;"
    "font-size:.85em;font-weight:600}"
    ".released{background:#dcf2e0;color:#14532d}"
    ".skipped{background:#e8eaed;color:#333}"
    ".rejected{background:#fbe0e0;color:#7f1d1d}"
    "pre{background:#f3f5f7;padding:.6rem .8rem;overflow-x:auto}"
    "svg text{font:13px system-ui,sans-serif;fill:#1d2329}"
    "footer{margin-top:2rem;color:#5b6670;font-size:.85em}"
    "@media print{body{max-width:none}}";

static void
html_kv(struct cr_outfile *o, const char *k, const char *v, int mono)
{
	cr_outfile_puts(o, "<tr><th>");
	html_put(o, k);
	cr_outfile_puts(o, mono ? "</th><td class=\"mono\">" : "</th><td>");
	html_put(o, v);
	cr_outfile_puts(o, "</td></tr>\n");
}

static void
html_run(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const struct cr_json *ex, *e, *opt;
	unsigned long n;
	const char *v;
	char num[32];
	size_t i;

	cr_outfile_puts(o, "<section id=\"run\"><h2>Run</h2>\n"
	    "<table class=\"kv\">\n");
	html_kv(o, "Run id", r->in->run_id, 1);
	html_kv(o, "Run time", rep_sum_str(r, "run_time", r->run_time), 1);
	html_kv(o, "custrelease version",
	    rep_sum_str(r, "version", PACKAGE_VERSION), 0);
	if (r->sum != NULL && cr_json_uint(r->sum, "exit_status", &n)) {
		snprintf(num, sizeof num, "%lu", n);
		html_kv(o, "Exit status", num, 0);
	}
	if (r->sum == NULL)
		html_kv(o, "summary.json", "absent or unreadable", 0);
	opt = r->sum != NULL ? cr_json_get(r->sum, "options") : NULL;
	for (i = 0; opt != NULL && opt->type == CR_JSON_OBJECT && i < opt->n;
	    i++)
		if ((v = rep_scalar(&opt->items[i])) != NULL) {
			char *k;

			xasprintf(&k, "option %s", opt->keys[i]);
			html_kv(o, k, v, 0);
			free(k);
		}
	cr_outfile_puts(o, "</table></section>\n");

	cr_outfile_puts(o, "<section id=\"inputs\"><h2>Inputs</h2>\n"
	    "<table><tr><th>Role</th><th>File</th><th>SHA-256</th></tr>\n"
	    "<tr><td>manifest</td><td>");
	html_put(o, rep_sum_str(r, "inputs.manifest.name", "?"));
	if (r->in->manifest_name != NULL) {
		cr_outfile_puts(o, " (in the bag: <code>data/");
		html_put(o, r->in->manifest_name);
		cr_outfile_puts(o, "</code>)");
	}
	cr_outfile_puts(o, "</td><td class=\"mono\">");
	html_put(o, rep_sum_str(r, "inputs.manifest.sha256", "?"));
	cr_outfile_puts(o, "</td></tr>\n");
	ex = r->sum != NULL ? cr_json_get(r->sum, "inputs.export") : NULL;
	for (i = 0; ex != NULL && ex->type == CR_JSON_ARRAY && i < ex->n;
	    i++) {
		e = &ex->items[i];
		cr_outfile_puts(o, "<tr><td>export</td><td>");
		html_put(o, cr_json_str(e, "name") ? cr_json_str(e, "name")
		    : "?");
		cr_outfile_puts(o, "</td><td class=\"mono\">");
		html_put(o, cr_json_str(e, "sha256") ? cr_json_str(e, "sha256")
		    : "?");
		cr_outfile_puts(o, "</td></tr>\n");
	}
	cr_outfile_puts(o, "</table>\n<p>Every export file is also listed in "
	    "<code>data/inputs.sha256</code>.</p></section>\n");
}

static const char *
rep_color(const char *label)
{
	if (strcmp(label, "released") == 0)
		return "#2f855a";
	if (strcmp(label, "rejected") == 0 || label[0] == 'E')
		return "#c53030";
	if (label[0] == 'W')
		return "#b7791f";
	return "#718096";
}

static void
html_bar(struct cr_outfile *o, unsigned y, const char *label,
    unsigned long n, unsigned long max)
{
	unsigned w = max > 0 ? (unsigned)((n * 420 + max - 1) / max) : 0;

	cr_outfile_printf(o, "<text x=\"210\" y=\"%u\" text-anchor=\"end\">",
	    y + 14);
	html_put(o, label);
	cr_outfile_printf(o, "</text><rect x=\"220\" y=\"%u\" width=\"%u\" "
	    "height=\"18\" fill=\"%s\"><title>", y + 1, w, rep_color(label));
	html_put(o, label);
	cr_outfile_printf(o, ": %lu</title></rect><text x=\"%u\" y=\"%u\">"
	    "%lu</text>\n", n, 226 + w, y + 14, n);
}

static void
html_counts(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const struct cr_bag_counts *c = &r->counts;
	unsigned long max, n;
	unsigned y, h;
	size_t i;

	cr_outfile_puts(o, "<section id=\"counts\"><h2>Outcomes and "
	    "codes</h2>\n");
	if (r->dec == NULL) {
		cr_outfile_puts(o, "<p>decisions.csv is absent.</p>"
		    "</section>\n");
		return;
	}
	cr_outfile_printf(o, "<p>%lu requests: %lu released, %lu skipped, "
	    "%lu rejected", c->requests, c->released, c->skipped,
	    c->rejected);
	if (r->own != NULL)
		cr_outfile_printf(o, "; %zu products released", r->own->nrows);
	if (r->sum != NULL && cr_json_uint(r->sum, "counts.emails", &n))
		cr_outfile_printf(o, "; %lu claim emails", n);
	cr_outfile_puts(o, ".</p>\n");
	max = c->released;
	if (c->skipped > max)
		max = c->skipped;
	if (c->rejected > max)
		max = c->rejected;
	for (i = 0; i < c->ncodes; i++)
		if (c->codes[i].n > max)
			max = c->codes[i].n;
	h = (unsigned)(3 + c->ncodes) * 24 + (c->ncodes > 0 ? 16 : 0) + 8;
	cr_outfile_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "role=\"img\" width=\"720\" height=\"%u\" viewBox=\"0 0 720 %u\" "
	    "aria-labelledby=\"chart-title\"><title id=\"chart-title\">"
	    "Requests by outcome and by code</title>\n", h, h);
	y = 4;
	html_bar(o, y, "released", c->released, max);
	html_bar(o, y += 24, "skipped", c->skipped, max);
	html_bar(o, y += 24, "rejected", c->rejected, max);
	y += 24;
	if (c->ncodes > 0) {
		cr_outfile_printf(o, "<line x1=\"0\" x2=\"720\" y1=\"%u\" "
		    "y2=\"%u\" stroke=\"#d8dee4\"/>\n", y + 7, y + 7);
		y += 16;
	}
	for (i = 0; i < c->ncodes; i++, y += 24)
		html_bar(o, y, c->codes[i].code, c->codes[i].n, max);
	cr_outfile_puts(o, "</svg>\n<table><tr><th>Code</th><th>Requests"
	    "</th></tr>\n");
	for (i = 0; i < c->ncodes; i++) {
		cr_outfile_puts(o, "<tr><td><code>");
		html_put(o, c->codes[i].code);
		cr_outfile_printf(o, "</code></td><td>%lu</td></tr>\n",
		    c->codes[i].n);
	}
	cr_outfile_puts(o, "</table></section>\n");
}

/* A codes cell: one code a line, never broken inside a code. */
static void
html_codes(struct cr_outfile *o, const char *codes)
{
	const char *p = codes;
	size_t n;
	char *one;

	cr_outfile_puts(o, "<td class=\"codes\">");
	while (*p != '\0') {
		n = strcspn(p, ";");
		one = xmemdup0(p, n);
		html_put(o, one);
		free(one);
		p += n;
		if (*p == ';') {
			cr_outfile_puts(o, ";<br>");
			p++;
		}
	}
	cr_outfile_puts(o, "</td>");
}

static void
html_requests(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const char *out, *v;
	size_t i, j;

	if (r->dec == NULL)
		return;
	cr_outfile_puts(o, "<section id=\"requests\"><h2>Requests</h2>\n"
	    "<p>In manifest order; <em>line</em> is the manifest line.</p>\n"
	    "<div class=\"scroll\"><table><tr>");
	for (j = 0; j < REP_NREQ; j++) {
		cr_outfile_puts(o, "<th>");
		html_put(o, rep_req_cols[j]);
		cr_outfile_puts(o, "</th>");
	}
	cr_outfile_puts(o, "</tr>\n");
	for (i = 0; i < r->dec->nrows; i++) {
		rep_row(r, r->dec, i);
		cr_outfile_puts(o, "<tr>");
		for (j = 0; j < REP_NREQ; j++) {
			v = rep_cell(r, r->dec, rep_req_cols[j]);
			if (j == 4) {
				out = strcmp(v, "released") == 0 ||
				    strcmp(v, "skipped") == 0 ||
				    strcmp(v, "rejected") == 0 ? v : "skipped";
				cr_outfile_printf(o, "<td><span class=\"badge "
				    "%s\">", out);
				html_put(o, v);
				cr_outfile_puts(o, "</span></td>");
				continue;
			}
			if (j == 5) {
				html_codes(o, v);
				continue;
			}
			cr_outfile_puts(o, j == 1 || j == 2 || j == 3 ?
			    "<td class=\"mono\">" : j == 7 ?
			    "<td class=\"msg\">" : "<td>");
			html_put(o, v);
			cr_outfile_puts(o, "</td>");
		}
		cr_outfile_puts(o, "</tr>\n");
	}
	cr_outfile_puts(o, "</table></div></section>\n");
}

static void
html_products(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const char *cust, *prev = NULL;
	size_t i;

	cr_outfile_puts(o, "<section id=\"products\"><h2>Products released, "
	    "per customer</h2>\n");
	if (r->own == NULL || r->own->nrows == 0) {
		cr_outfile_puts(o, "<p>None.</p></section>\n");
		return;
	}
	for (i = 0; i < r->own->nrows; i++) {
		rep_row(r, r->own, i);
		cust = cr_bag_value(rep_custkey(r->own, &r->own->idx[i]));
		if (prev == NULL || strcmp(prev, cust) != 0) {
			if (prev != NULL)
				cr_outfile_puts(o, "</table>\n");
			cr_outfile_puts(o, "<h3>Customer <code>");
			html_put(o, cust);
			cr_outfile_puts(o, "</code></h3>\n<p>Request <code>");
			html_put(o, rep_cell(r, r->own, "request_id"));
			cr_outfile_puts(o, "</code>, released by <code>");
			html_put(o, rep_cell(r, r->own, "from_reseller_id"));
			cr_outfile_puts(o, "</code> to <code>");
			html_put(o, rep_cell(r, r->own, "to"));
			cr_outfile_puts(o, "</code>");
			if (strcmp(rep_cell(r, r->own,
			    "change_owner_required"), "true") == 0)
				cr_outfile_puts(o, "; change of owner "
				    "required");
			cr_outfile_puts(o, ".</p>\n<table><tr><th>Kind</th>"
			    "<th>Name</th><th>Product id</th>"
			    "<th>Effective at</th></tr>\n");
			prev = cust;
		}
		cr_outfile_puts(o, "<tr><td>");
		html_put(o, rep_cell(r, r->own, "kind"));
		cr_outfile_puts(o, "</td><td>");
		html_put(o, rep_cell(r, r->own, "name"));
		cr_outfile_puts(o, "</td><td class=\"mono\">");
		html_put(o, rep_cell(r, r->own, "product_id"));
		cr_outfile_puts(o, "</td><td class=\"mono\">");
		html_put(o, rep_cell(r, r->own, "effective_at"));
		cr_outfile_puts(o, "</td></tr>\n");
	}
	cr_outfile_puts(o, "</table></section>\n");
}

static void
html_verify(struct cr_report *r)
{
	struct cr_outfile *o = r->o;

	cr_outfile_puts(o, "<section id=\"verify\"><h2>How to verify this "
	    "bundle</h2>\n<p>This bundle is a BagIt 1.0 bag (RFC 8493). "
	    "With custrelease:</p>\n<pre>custrelease verify audit-");
	html_put(o, r->in->run_id);
	cr_outfile_puts(o, ".tar.gz    # or .zip</pre>\n<p>checks every "
	    "checksum, that no file is missing or added, the Payload-Oxum, "
	    "and that the records agree with each other and with "
	    "<code>summary.json</code>. Without it, in the extracted "
	    "directory <code>audit-");
	html_put(o, r->in->run_id);
	cr_outfile_puts(o, "/</code>:</p>\n<pre>sha256sum -c "
	    "tagmanifest-sha256.txt\nsha256sum -c manifest-sha256.txt</pre>\n"
	    "<p>and compare <code>Payload-Oxum</code> in "
	    "<code>bag-info.txt</code> (bytes.files under <code>data/</code>) "
	    "with the files present; no file under <code>data/</code> may be "
	    "missing from <code>manifest-sha256.txt</code>. Claim tokens never "
	    "appear in this bundle: emails carry <code>REDACTED</code> "
	    "instead.</p></section>\n");
}

static void
html_page(struct cr_report *r)
{
	struct cr_outfile *o = r->o;

	cr_outfile_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>Audit report, run ");
	html_put(o, r->in->run_id);
	cr_outfile_printf(o, "</title>\n<style>%s</style>\n</head>\n<body>\n"
	    "<header><h1>custrelease audit report</h1><p>Run <code>",
	    rep_css);
	html_put(o, r->in->run_id);
	cr_outfile_puts(o, "</code></p></header>\n<main>\n");
	html_run(r);
	html_counts(r);
	html_requests(r);
	html_products(r);
	html_verify(r);
	cr_outfile_printf(o, "</main>\n<footer>Written by custrelease %s. "
	    "This page loads nothing from outside itself.</footer>\n"
	    "</body>\n</html>\n", PACKAGE_VERSION);
}

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

int
cr_report_txt(struct cr_report *r, struct cr_outfile *o)
{
	r->o = o;
	txt_run(r);
	txt_counts(r);
	txt_requests(r);
	txt_products(r);
	txt_verify(r);
	cr_bag_row_free(&r->cur);
	return r->rc;
}

int
cr_report_html(struct cr_report *r, struct cr_outfile *o)
{
	r->o = o;
	html_page(r);
	cr_bag_row_free(&r->cur);
	return r->rc;
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
