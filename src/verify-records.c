/*
 * verify-records.c -- the second half of `custrelease verify`: do the
 * run's records agree with each other and with summary.json?
 *
 *  - decisions.csv: outcomes and codes fit together (docs/format.md 3);
 *  - every released request has its ownership rows (none only with
 *    W_NO_PRODUCTS), one customers.csv row and one claim email, and
 *    nothing else has any; ownership rows name the request's customer and
 *    reseller, the run id and the run time;
 *  - ownership.csv and ownership.jsonl agree row by row;
 *  - shares.csv and contact_updates.csv name released products;
 *  - customers.csv: claim_expires_at is the run time plus the TTL of
 *    summary.json; each claim email goes to its customer's address;
 *  - every CSV is sorted as docs/format.md 4 says (ties: decisions.csv only);
 *  - summary.json: run id (= External-Identifier), run time (= run id's
 *    time, Bagging-Date its date), counts (= decisions.csv, ownership
 *    rows, emails), exit status, the manifest's digest (whose first 8 hex
 *    digits end the run id) and the export digests (= inputs.sha256).
 *
 * It deliberately re-decides nothing: it has no export, only the records.
 * The records against the bag's manifest: verify-manifest.c.
 *
 * Every record file is read as a stream (verify-stream.h), a row at a
 * time, never whole: a row's own checks are made as it passes; a check
 * between files is a merge join of sorted streams (an external sort, as
 * sort(1) does, spilling to temporary files beyond a memory budget).
 * What is kept per decisions.csv row is 5 bytes (its ownership row count
 * and whether it has its customers.csv row and email).  Problems found
 * this way come out of order: each is given its place (cr_verify_at(),
 * the S_* sections below, the row, the check) and they are printed in
 * the order of that place, which is the order a row-by-row pass over the
 * files in turn prints them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bag.h"
#include "codes.h"
#include "err.h"
#include "hash.h"
#include "rowcheck.h"
#include "validate.h"
#include "verify.h"
#include "verify-stream.h"
#include "xmalloc.h"

/* Where problems print, in this order (cr_verify_at). */
enum {
	S_REQUIRED = 10, S_SUMMARY_ID,
	S_DEC_TABLE = 20, S_DEC_ROW, S_DEC_SORTED,
	S_OWN_TABLE = 30, S_OWN_ROW, S_OWN_COUNT, S_OWN_SORTED, S_JSONL,
	S_CUST_TABLE = 40, S_CUST_ROW, S_CUST_SEEN, S_CUST_SORTED,
	S_EMAIL = 50, S_EMAIL_MISSING,
	S_SHARES_TABLE = 60, S_SHARES_SORTED, S_SHARES_ROW,
	S_CU_TABLE = 70, S_CU_SORTED, S_CU_ROW,
	S_SUMMARY = 80
};

#define LAST_ROW	0xffffffffffffULL

/* A record file as a stream: its header and the columns checks use. */
struct tab {
	const char		*path;
	struct cr_verify_file	*f;
	struct cr_bag_src	 src;
	char			**cols;
	size_t			 ncols;
	uint64_t		 nrows;
	const char *const	*want;
	int			 ci[16];	/* want[k]'s index */
	unsigned		 sec;		/* S_*_TABLE */
	int			 ok;		/* CSV, with every column */
	int			 counted;	/* field counts reported */
};

#define DEC_SEEN_CUST	1
#define DEC_SEEN_MAIL	2

struct rec {
	struct cr_verify	*v;
	struct tab		 dec, own, cust, shares, cu;
	struct cr_json		*sum;
	struct cr_bag_counts	 counts;
	int			 have_counts;
	struct vs_run		 released;	/* decisions, by request_id */
	struct vs_run		 rcust;		/* decisions, by customer_id */
	struct vs_run		 products;	/* ownership, by product_id */
	struct vs_run		 customers;	/* customers, by customer_id */
	uint32_t		*nown;		/* per dec row */
	unsigned char		*seen;		/* per dec row: DEC_SEEN_* */
	unsigned long		 emails;
	const char		*run_time;	/* summary's, or NULL */
	char			 want_exp[21];	/* claim_expires_at, or "" */
	/* the row pass under way */
	struct vs_sort		*s1, *s2;
	struct vs_writer	 w1, w2;
	char			*prev1, *prev2;	/* sorted: previous keys */
	unsigned long		 prevtie;
	int			 unsorted;
	struct vs_reader	 rows;		/* jsonl: ownership rows */
	const struct tab	*cur;		/* grants: the table read */
	unsigned long		 jline;
};

static const char *const dec_cols[] = { "request_id", "line", "customer_id",
	"reseller_id", "requested_by", "outcome", "codes", "message", NULL };
static const char *const own_cols[] = { "run_id", "request_id", "product_id",
	"kind", "name", "customer_id", "from_reseller_id", "to",
	"change_owner_required", "effective_at", NULL };
static const char *const cust_cols[] = { "customer_id", "request_id",
	"email", "lang", "claim_token_sha256", "claim_expires_at", NULL };
static const char *const share_cols[] = { "product_id", "name", "username",
	"via", "effective_at", NULL };
static const char *const cu_cols[] = { "product_id", "name", "role",
	"old_email", "new_email", NULL };

enum { D_REQ, D_LINE, D_CUST, D_RES, D_BY, D_OUT, D_CODES, D_MSG };
enum { O_RUN, O_REQ, O_PID, O_KIND, O_NAME, O_CUST, O_FROM, O_TO, O_COR,
	O_EFF };
enum { C_CUST, C_REQ, C_EMAIL, C_LANG, C_TOK, C_EXP };
enum { G_PID, G_NAME, G_USER, G_VIA, G_EFF };
enum { U_PID, U_NAME, U_ROLE, U_OLD, U_NEW };

static const char *const required[] = {
	"data/contact_updates.csv", "data/customers.csv",
	"data/decisions.csv", "data/inputs.sha256", "data/ownership.csv",
	"data/ownership.jsonl", "data/report.html", "data/report.txt",
	"data/shares.csv", "data/summary.json", NULL
};

#define PROBLEM(r, sec, row, check, ...) do {				\
	cr_verify_at((r)->v, (sec), (row), (check));			\
	cr_verify_problem((r)->v, __VA_ARGS__);				\
} while (0)

/* Cell k (of want) of a row as written; "" when the row is short. */
static const char *
cell(const struct tab *t, char **cells, size_t ncells, int k)
{
	int c = t->ci[k];

	return c >= 0 && (size_t)c < ncells ? cells[c] : "";
}

/* Its value (formula prefix removed). */
static const char *
val(const struct tab *t, char **cells, size_t ncells, int k)
{
	return cr_bag_value(cell(t, cells, ncells, k));
}

static int
is_hex(const char *s, size_t n)
{
	return strspn(s, "0123456789abcdef") == n && s[n] == '\0';
}

static void
rec_required(struct rec *r)
{
	struct cr_verify *v = r->v;
	size_t i;

	cr_verify_at(v, S_REQUIRED, 0, 0);
	for (i = 0; required[i] != NULL; i++)
		if (cr_verify_find(v, required[i]) == NULL &&
		    cr_map_get(v->listed, required[i], strlen(required[i]))
		    == NULL)
			cr_verify_problem(v, required[i], "required payload "
			    "file is missing");
	if (cr_verify_find(v, "data/manifest.csv") == NULL &&
	    cr_verify_find(v, "data/manifest.xml") == NULL &&
	    cr_map_get(v->listed, "data/manifest.csv", 17) == NULL &&
	    cr_map_get(v->listed, "data/manifest.xml", 17) == NULL)
		cr_verify_problem(v, "data/manifest.csv", "the release "
		    "manifest (manifest.csv or manifest.xml) is missing");
}

/* ---- the tables as streams ------------------------------------------------ */

static int
tab_header(void *arg, char **cells, size_t ncells, unsigned long line)
{
	struct tab *t = arg;
	size_t i;

	if (t->cols == NULL && line == 0) {
		t->cols = xcalloc(ncells + 1, sizeof *t->cols);
		for (i = 0; i < ncells; i++)
			t->cols[i] = xstrdup(cells[i]);
		t->ncols = ncells;
		return 0;
	}
	t->nrows++;
	return 0;
}

/*
 * A kept CSV file with the columns it must have: t->ok (else reported).
 * One pass to know that (a malformed file is checked no further).
 */
static void
rec_table(struct rec *r, struct tab *t, const char *path,
    const char *const *cols, unsigned sec)
{
	char err[160];
	size_t i, k;

	memset(t, 0, sizeof *t);
	t->path = path;
	t->want = cols;
	t->sec = sec;
	t->f = cr_verify_find(r->v, path);
	if (!cr_verify_src(t->f, &t->src))
		return;
	if (vs_csv(&t->src, tab_header, t, err, sizeof err) != 0) {
		PROBLEM(r, sec, 0, 0, path, "not valid CSV: %s", err);
		return;
	}
	for (k = 0; cols[k] != NULL; k++) {
		t->ci[k] = -1;
		for (i = 0; i < t->ncols; i++)
			if (strcmp(t->cols[i], cols[k]) == 0) {
				t->ci[k] = (int)i;
				break;
			}
		if (t->ci[k] < 0) {
			PROBLEM(r, sec, 0, 0, path, "no column \"%s\"",
			    cols[k]);
			return;
		}
	}
	t->ok = 1;
}

static void
tab_free(struct tab *t)
{
	size_t i;

	for (i = 0; t->cols != NULL && i < t->ncols; i++)
		free(t->cols[i]);
	free(t->cols);
	t->cols = NULL;
}

typedef void (*row_fn)(struct rec *, uint64_t row, char **cells,
    size_t ncells, unsigned long line);

struct tab_pass {
	struct rec	*r;
	struct tab	*t;
	row_fn		 fn;
	uint64_t	 row;
	int		 header;
};

static int
tab_row(void *arg, char **cells, size_t ncells, unsigned long line)
{
	struct tab_pass *p = arg;
	struct tab *t = p->t;

	if (!p->header) {
		p->header = 1;
		return 0;
	}
	if (ncells != t->ncols && !t->counted)
		PROBLEM(p->r, t->sec, p->row, 0, t->path, "line %lu: %zu "
		    "fields, the header has %zu", line, ncells, t->ncols);
	p->fn(p->r, p->row, cells, ncells, line);
	p->row++;
	return 0;
}

/* Every row of a table that is ok, through fn. */
static void
tab_rows(struct rec *r, struct tab *t, row_fn fn)
{
	struct tab_pass p;
	char err[160];

	memset(&p, 0, sizeof p);
	p.r = r;
	p.t = t;
	p.fn = fn;
	/* it parsed once: it parses again (a changed file is an I/O error) */
	if (vs_csv(&t->src, tab_row, &p, err, sizeof err) != 0)
		vs_fail("changed while read", EIO);
	t->counted = 1;
}

/*
 * docs/format.md 4: rows sorted bytewise by their key (k1, then k2), ties in
 * manifest order; only decisions.csv shows that order (its line column).
 * The first row out of order is reported.  Keys are compared as values:
 * a formula prefix does not count.  Called for each row in turn.
 */
static void
rec_sorted(struct rec *r, const struct tab *t, char **cells, size_t ncells,
    unsigned long line, int k1, int k2, int tie, unsigned sec)
{
	const char *a = val(t, cells, ncells, k1);
	const char *b = k2 >= 0 ? val(t, cells, ncells, k2) : "";
	unsigned long n = 0;
	int c = 0, first = r->prev1 == NULL;

	if (tie >= 0)
		n = strtoul(val(t, cells, ncells, tie), NULL, 10);
	if (!first && !r->unsorted) {
		c = strcmp(r->prev1, a);
		if (c == 0 && k2 >= 0)
			c = strcmp(r->prev2, b);
		/* "'=x" may be a neutralized "=x" or the value "'=x" itself */
		if (c == 0 && tie >= 0 && cell(t, cells, ncells, k1)[0] != '\'')
			c = r->prevtie > n;
		if (c > 0) {
			r->unsorted = 1;
			PROBLEM(r, sec, 0, 0, t->path, "line %lu: rows not "
			    "sorted by %s%s%s (docs/format.md 4)", line,
			    t->want[k1], k2 >= 0 ? ", " : "",
			    k2 >= 0 ? t->want[k2] : "");
		}
	}
	free(r->prev1);
	free(r->prev2);
	r->prev1 = xstrdup(a);
	r->prev2 = xstrdup(b);
	r->prevtie = n;
}

static void
rec_sorted_done(struct rec *r)
{
	free(r->prev1);
	free(r->prev2);
	r->prev1 = r->prev2 = NULL;
	r->unsorted = 0;
}

/* The first record of each key to w; the others to dup(). */
struct firsts {
	struct rec		*r;
	struct vs_writer	*w;
	char			*last;
	void			(*dup)(struct rec *, const char *const *,
				    size_t);
};

static void
firsts_each(void *arg, const char *const *f, size_t nf)
{
	struct firsts *x = arg;

	if (x->last != NULL && strcmp(x->last, f[0]) == 0) {
		x->dup(x->r, f, nf);
		return;
	}
	free(x->last);
	x->last = xstrdup(f[0]);
	vs_writer_add(x->w, nf, f);
}

static void
firsts(struct rec *r, struct vs_sort *s, struct vs_run *out,
    void (*dup)(struct rec *, const char *const *, size_t))
{
	struct vs_writer w;
	struct firsts x;

	vs_writer_open(&w, out);
	memset(&x, 0, sizeof x);
	x.r = r;
	x.w = &w;
	x.dup = dup;
	vs_sort_each(s, firsts_each, &x);
	free(x.last);
	vs_writer_close(&w);
}

/* ---- decisions.csv --------------------------------------------------------- */

/*
 * released: request_id, row, line, customer_id, reseller_id, codes,
 * manifest line; rcust: customer_id, row, line.
 */
enum { R_KEY, R_ROW, R_LINE, R_CUST, R_RES, R_CODES, R_MANLINE };

static void
dec_row(struct rec *r, uint64_t i, char **cells, size_t ncells,
    unsigned long line)
{
	const char *path = "data/decisions.csv", *out, *codes, *p, *id;
	const struct tab *t = &r->dec;
	size_t n, bad, unknown, ncodes;
	struct vs_rowbuf rb;
	char q[128], lb[24];
	int code, k;

	cr_bag_count_row(&r->counts, cell(t, cells, ncells, D_OUT),
	    cell(t, cells, ncells, D_CODES));
	rec_sorted(r, t, cells, ncells, line, D_REQ, -1, D_LINE,
	    S_DEC_SORTED);
	out = val(t, cells, ncells, D_OUT);
	codes = val(t, cells, ncells, D_CODES);
	k = strcmp(out, "released") == 0 ? 'W' :
	    strcmp(out, "skipped") == 0 ? 'S' :
	    strcmp(out, "rejected") == 0 ? 'E' : 0;
	if (k == 0) {
		PROBLEM(r, S_DEC_ROW, i, 0, path, "line %lu: outcome "
		    "\"%.40s\" is not released, skipped or rejected", line,
		    out);
		return;
	}
	for (p = codes, ncodes = bad = unknown = 0; *p != '\0'; p += n) {
		n = strcspn(p, ";");
		ncodes++;
		if ((code = cr_code_lookup(p, n)) < 0)
			unknown++;
		else if (cr_code_severity((enum cr_code)code) != (char)k)
			bad++;
		if (p[n] == ';')
			n++;
	}
	if (unknown > 0)
		PROBLEM(r, S_DEC_ROW, i, 1, path, "line %lu: codes "
		    "\"%.80s\": not all are decision codes", line,
		    cr_diag_quote(q, sizeof q, codes, strlen(codes), 80));
	else if (bad > 0 || (k == 'S' && ncodes != 1) ||
	    (k == 'E' && ncodes == 0))
		PROBLEM(r, S_DEC_ROW, i, 1, path, "line %lu: codes \"%.80s\" "
		    "do not fit outcome %s", line, codes, out);
	if (k != 'W')
		return;
	snprintf(lb, sizeof lb, "%lu", line);
	id = val(t, cells, ncells, D_REQ);
	if (*id == '\0')
		PROBLEM(r, S_DEC_ROW, i, 2, path, "line %lu: request "
		    "\"%.64s\" released twice or without an id", line, id);
	else {
		const char *f[] = { id, vs_row(&rb, i), lb,
		    val(t, cells, ncells, D_CUST),
		    val(t, cells, ncells, D_RES), codes,
		    val(t, cells, ncells, D_LINE) };

		vs_sort_add(r->s1, 7, f);
	}
	{
		const char *f[] = { val(t, cells, ncells, D_CUST),
		    vs_row(&rb, i), lb };

		vs_sort_add(r->s2, 3, f);
	}
}

static void
dec_dup_request(struct rec *r, const char *const *f, size_t nf)
{
	(void)nf;
	PROBLEM(r, S_DEC_ROW, vs_row_of(f[R_ROW]), 2, "data/decisions.csv",
	    "line %s: request \"%.64s\" released twice or without an id",
	    f[R_LINE], f[R_KEY]);
}

static void
dec_dup_customer(struct rec *r, const char *const *f, size_t nf)
{
	(void)nf;
	PROBLEM(r, S_DEC_ROW, vs_row_of(f[R_ROW]), 3, "data/decisions.csv",
	    "line %s: customer \"%.64s\" released twice", f[R_LINE],
	    f[R_KEY]);
}

static void
rec_decisions(struct rec *r)
{
	rec_table(r, &r->dec, "data/decisions.csv", dec_cols, S_DEC_TABLE);
	if (!r->dec.ok)
		return;
	r->nown = xcalloc(r->dec.nrows + 1, sizeof *r->nown);
	r->seen = xcalloc(r->dec.nrows + 1, 1);
	memset(&r->counts, 0, sizeof r->counts);
	r->s1 = vs_sort_new();
	r->s2 = vs_sort_new();
	tab_rows(r, &r->dec, dec_row);
	rec_sorted_done(r);
	cr_bag_count_done(&r->counts);
	r->have_counts = 1;
	firsts(r, r->s1, &r->released, dec_dup_request);
	firsts(r, r->s2, &r->rcust, dec_dup_customer);
	r->s1 = r->s2 = NULL;
}

/*
 * What needs every join first: each released row's ownership rows,
 * customers.csv row and claim email.
 */
static void
dec_final_row(struct rec *r, uint64_t d, char **cells, size_t ncells,
    unsigned long line)
{
	const struct tab *t = &r->dec;
	const char *codes = val(t, cells, ncells, D_CODES);
	char *path;

	if (strcmp(val(t, cells, ncells, D_OUT), "released") != 0)
		return;
	if (r->own.ok && (r->nown[d] == 0) != cr_bag_has_code(codes,
	    "W_NO_PRODUCTS"))
		PROBLEM(r, S_OWN_COUNT, d, 0, "data/decisions.csv", "line "
		    "%lu: request \"%.64s\" released with %lu ownership "
		    "rows%s", line, val(t, cells, ncells, D_REQ),
		    (unsigned long)r->nown[d], r->nown[d] ?
		    " but W_NO_PRODUCTS" : " and without W_NO_PRODUCTS");
	if (r->cust.ok && !(r->seen[d] & DEC_SEEN_CUST))
		PROBLEM(r, S_CUST_SEEN, d, 0, "data/decisions.csv", "line "
		    "%lu: released request \"%.64s\" has no customers.csv "
		    "row", line, val(t, cells, ncells, D_REQ));
	if (!(r->seen[d] & DEC_SEEN_MAIL)) {
		xasprintf(&path, "data/emails/%s.eml",
		    val(t, cells, ncells, D_CUST));
		PROBLEM(r, S_EMAIL_MISSING, d, 0, path, "missing: the claim "
		    "email of request \"%.64s\" (decisions.csv line %lu)",
		    val(t, cells, ncells, D_REQ), line);
		free(path);
	}
}

/* ---- ownership.csv, ownership.jsonl --------------------------------------- */

/* products: product_id, row, line, request_id, customer_id, name, kind */
enum { P_KEY, P_ROW, P_LINE, P_REQ, P_CUST, P_NAME, P_KIND };
/* the probe of released: request_id, row, line, customer_id, from, cor, to */
enum { OQ_KEY, OQ_ROW, OQ_LINE, OQ_CUST, OQ_FROM, OQ_COR, OQ_TO };

static void
own_row(struct rec *r, uint64_t i, char **cells, size_t ncells,
    unsigned long line)
{
	const char *path = "data/ownership.csv", *cor, *to;
	const struct tab *t = &r->own;
	struct vs_rowbuf rb;
	char lb[24];
	const char **f;
	size_t c, nf;

	snprintf(lb, sizeof lb, "%lu", line);
	rec_sorted(r, t, cells, ncells, line, O_PID, -1, -1, S_OWN_SORTED);
	{
		const char *p[] = { val(t, cells, ncells, O_PID),
		    vs_row(&rb, i), lb, val(t, cells, ncells, O_REQ),
		    val(t, cells, ncells, O_CUST),
		    val(t, cells, ncells, O_NAME),
		    val(t, cells, ncells, O_KIND) };

		vs_sort_add(r->s1, 7, p);
	}
	if (r->v->ext_id != NULL &&
	    strcmp(val(t, cells, ncells, O_RUN), r->v->ext_id) != 0)
		PROBLEM(r, S_OWN_ROW, i, 1, path, "line %lu: run_id is not "
		    "%s", line, r->v->ext_id);
	if (r->run_time != NULL &&
	    strcmp(val(t, cells, ncells, O_EFF), r->run_time) != 0)
		PROBLEM(r, S_OWN_ROW, i, 2, path, "line %lu: effective_at is "
		    "not the run time %s", line, r->run_time);
	cor = val(t, cells, ncells, O_COR);
	to = val(t, cells, ncells, O_TO);
	if (strcmp(cor, "true") != 0 && strcmp(cor, "false") != 0)
		PROBLEM(r, S_OWN_ROW, i, 3, path, "line %lu: "
		    "change_owner_required is not true or false", line);
	if (strcmp(to, "new-account") != 0 &&
	    (strncmp(to, "account:", 8) != 0 || to[8] == '\0'))
		PROBLEM(r, S_OWN_ROW, i, 4, path, "line %lu: to is neither "
		    "new-account nor account:USERNAME", line);
	if (r->dec.ok) {
		const char *p[] = { val(t, cells, ncells, O_REQ),
		    vs_row(&rb, i), lb, val(t, cells, ncells, O_CUST),
		    val(t, cells, ncells, O_FROM), cor, to };

		vs_sort_add(r->s2, 7, p);
	}
	/*
	 * The row as the header has it, for ownership.jsonl: its cells up to
	 * the header's width; missing ones are read back as "" (jsonl_line),
	 * so a wide header costs nothing per short row.
	 */
	nf = ncells < t->ncols ? ncells : t->ncols;
	f = xcalloc(nf + 1, sizeof *f);
	f[0] = lb;
	for (c = 0; c < nf; c++)
		f[c + 1] = cells[c];
	vs_writer_add(&r->w1, nf + 1, f);
	free(f);
}

static void
own_dup(struct rec *r, const char *const *f, size_t nf)
{
	(void)nf;
	PROBLEM(r, S_OWN_ROW, vs_row_of(f[P_ROW]), 0, "data/ownership.csv",
	    "line %s: product \"%.64s\" released twice", f[P_LINE], f[P_KEY]);
}

static void
own_released(void *arg, const char *const *p, size_t np,
    const char *const *x, size_t nx)
{
	struct rec *r = arg;
	const char *path = "data/ownership.csv";
	uint64_t o = vs_row_of(p[OQ_ROW]), d;

	(void)np;
	if (x == NULL || nx <= R_MANLINE) {
		PROBLEM(r, S_OWN_ROW, o, 5, path, "line %s: request \"%.64s\" "
		    "was not released (decisions.csv)", p[OQ_LINE], p[OQ_KEY]);
		return;
	}
	d = vs_row_of(x[R_ROW]);
	if (d < r->dec.nrows && r->nown[d] < UINT32_MAX)
		r->nown[d]++;
	if (strcmp(p[OQ_CUST], x[R_CUST]) != 0 ||
	    strcmp(p[OQ_FROM], x[R_RES]) != 0)
		PROBLEM(r, S_OWN_ROW, o, 6, path, "line %s: customer or "
		    "reseller differs from decisions.csv line %s",
		    p[OQ_LINE], x[R_LINE]);
	if ((strcmp(p[OQ_COR], "true") == 0) != cr_bag_has_code(x[R_CODES],
	    "W_CHANGE_OWNER_REQUIRED") || (strcmp(p[OQ_COR], "true") == 0 &&
	    strcmp(p[OQ_TO], "new-account")))
		PROBLEM(r, S_OWN_ROW, o, 7, path, "line %s: "
		    "change_owner_required/to disagree with the codes of "
		    "decisions.csv line %s", p[OQ_LINE], x[R_LINE]);
}

/* Whether JSON object `o` is the row; else the column that is not. */
static const char *
rec_jsonl_row(const struct tab *t, const char *const *cells,
    const struct cr_json *o)
{
	const struct cr_json *x;
	const char *c1;
	size_t c;

	if (o->type != CR_JSON_OBJECT)
		return "(not an object)";
	if (o->n != t->ncols)
		return "(number of keys)";
	for (c = 0; c < t->ncols; c++) {
		if (strcmp(o->keys[c], t->cols[c]) != 0)
			return t->cols[c];
		x = &o->items[c];
		c1 = cells[c];
		if (strcmp(t->cols[c], "change_owner_required") == 0) {
			if (x->type != CR_JSON_BOOL || strcmp(c1,
			    x->boolean ? "true" : "false") != 0)
				return t->cols[c];
		} else if (x->type != CR_JSON_STRING ||
		    !cr_bag_cell_is(c1, x->str))
			return t->cols[c];
	}
	return NULL;
}

static void
jsonl_line(void *arg, const char *s, size_t n, int nl, int toolong)
{
	struct rec *r = arg;
	const char *path = "data/ownership.jsonl", *bad, *rec, *p;
	const char **cells;
	struct cr_json *o;
	unsigned long line = ++r->jline;
	char err[160];
	size_t len, k;

	if (!nl)
		PROBLEM(r, S_JSONL, line, 0, path, "line %lu: no final "
		    "newline", line);
	if (toolong) {
		PROBLEM(r, S_JSONL, line, 1, path, "line %lu: not JSON: over "
		    "%zu bytes", line, n);
		o = NULL;
	} else if ((o = cr_json_parse(s, n, err, sizeof err)) == NULL)
		PROBLEM(r, S_JSONL, line, 1, path, "line %lu: not JSON: %s",
		    line, err);
	if (line > r->own.nrows || !vs_reader_rec(&r->rows, &rec, &len)) {
		cr_json_free(o);
		return;
	}
	if (o == NULL)
		return;
	if (o->type != CR_JSON_OBJECT || o->n != r->own.ncols) {
		/* differs whatever the cells (rec_jsonl_row's first tests) */
		PROBLEM(r, S_JSONL, line, 2, path, "line %lu: differs from "
		    "ownership.csv line %s (%s)", line, rec, o->type !=
		    CR_JSON_OBJECT ? "(not an object)" : "(number of keys)");
		cr_json_free(o);
		return;
	}
	/* the ownership row: its line, then its cells */
	cells = xcalloc(r->own.ncols + 1, sizeof *cells);
	for (p = rec, k = 0; p < rec + len && k <= r->own.ncols; k++) {
		cells[k] = p;
		p += strlen(p) + 1;
	}
	for (; k <= r->own.ncols; k++)
		cells[k] = "";
	if ((bad = rec_jsonl_row(&r->own, cells + 1, o)) != NULL)
		PROBLEM(r, S_JSONL, line, 2, path, "line %lu: differs from "
		    "ownership.csv line %s (%s)", line, cells[0], bad);
	free(cells);
	cr_json_free(o);
}

static void
rec_ownership(struct rec *r)
{
	struct cr_bag_src src;
	struct vs_run rows;

	rec_table(r, &r->own, "data/ownership.csv", own_cols, S_OWN_TABLE);
	if (!r->own.ok)
		return;
	r->s1 = vs_sort_new();
	r->s2 = r->dec.ok ? vs_sort_new() : NULL;
	vs_writer_open(&r->w1, &rows);
	tab_rows(r, &r->own, own_row);
	vs_writer_close(&r->w1);
	rec_sorted_done(r);
	firsts(r, r->s1, &r->products, own_dup);
	if (r->dec.ok)
		vs_join(r->s2, &r->released, own_released, r);
	r->s1 = r->s2 = NULL;

	/* ownership.jsonl against the rows, in step */
	if (cr_verify_src(cr_verify_find(r->v, "data/ownership.jsonl"),
	    &src)) {
		vs_reader_open(&r->rows, &rows);
		r->jline = 0;
		vs_lines(&src, 256u * 1024 * 1024, jsonl_line, r);
		vs_reader_close(&r->rows);
		if (r->jline != r->own.nrows)
			PROBLEM(r, S_JSONL, LAST_ROW, 0,
			    "data/ownership.jsonl", "%lu records, "
			    "ownership.csv has %llu", r->jline,
			    (unsigned long long)r->own.nrows);
	}
	vs_run_free(&rows);
}

/* ---- customers.csv, emails --------------------------------------------------- */

/* customers: customer_id, row, line, email */
enum { CI_KEY, CI_ROW, CI_LINE, CI_EMAIL };
/* the probe of released: request_id, row, line, customer_id */
enum { CQ_KEY, CQ_ROW, CQ_LINE, CQ_CUST };

static void
cust_row(struct rec *r, uint64_t i, char **cells, size_t ncells,
    unsigned long line)
{
	const char *path = "data/customers.csv", *tok, *exp;
	const struct tab *t = &r->cust;
	struct vs_rowbuf rb;
	char lb[24];

	snprintf(lb, sizeof lb, "%lu", line);
	rec_sorted(r, t, cells, ncells, line, C_CUST, -1, -1, S_CUST_SORTED);
	tok = val(t, cells, ncells, C_TOK);
	exp = val(t, cells, ncells, C_EXP);
	if (cr_parse_time(exp, NULL) != 0)
		PROBLEM(r, S_CUST_ROW, i, 0, path, "line %lu: "
		    "claim_expires_at %.32s is not a UTC time like "
		    "2026-11-30T02:00:00Z", line, exp);
	else if (r->want_exp[0] != '\0' && strcmp(exp, r->want_exp) != 0)
		PROBLEM(r, S_CUST_ROW, i, 0, path, "line %lu: "
		    "claim_expires_at %.32s is not the run time plus "
		    "claim_ttl_days (%s)", line, exp, r->want_exp);
	{
		const char *f[] = { val(t, cells, ncells, C_CUST),
		    vs_row(&rb, i), lb, val(t, cells, ncells, C_EMAIL) };

		vs_sort_add(r->s1, 4, f);
	}
	if (*tok != '\0' && !is_hex(tok, 64))
		PROBLEM(r, S_CUST_ROW, i, 2, path, "line %lu: "
		    "claim_token_sha256 is not a SHA-256 in hex", line);
	if (r->dec.ok) {
		const char *f[] = { val(t, cells, ncells, C_REQ),
		    vs_row(&rb, i), lb, val(t, cells, ncells, C_CUST) };

		vs_sort_add(r->s2, 4, f);
	}
}

static void
cust_dup(struct rec *r, const char *const *f, size_t nf)
{
	(void)nf;
	PROBLEM(r, S_CUST_ROW, vs_row_of(f[CI_ROW]), 1, "data/customers.csv",
	    "line %s: customer \"%.64s\" listed twice", f[CI_LINE],
	    f[CI_KEY]);
}

static void
cust_released(void *arg, const char *const *p, size_t np,
    const char *const *x, size_t nx)
{
	struct rec *r = arg;
	uint64_t d;

	(void)np;
	if (x == NULL || nx <= R_MANLINE || strcmp(p[CQ_CUST], x[R_CUST])) {
		PROBLEM(r, S_CUST_ROW, vs_row_of(p[CQ_ROW]), 3,
		    "data/customers.csv", "line %s: no released request of "
		    "decisions.csv releases customer \"%.64s\"", p[CQ_LINE],
		    p[CQ_CUST]);
		return;
	}
	d = vs_row_of(x[R_ROW]);
	if (d < r->dec.nrows)
		r->seen[d] |= DEC_SEEN_CUST;
}

static void
rec_customers(struct rec *r)
{
	unsigned long ttl;
	time_t t0;

	/* claim_expires_at: the run time plus claim_ttl_days (docs/format.md 4) */
	if (r->run_time != NULL && cr_parse_time(r->run_time, &t0) == 0 &&
	    cr_json_uint(r->sum, "options.claim_ttl_days", &ttl) &&
	    ttl < 100000)
		cr_format_time(cr_claim_expiry(t0, (long)ttl), r->want_exp);
	rec_table(r, &r->cust, "data/customers.csv", cust_cols,
	    S_CUST_TABLE);
	if (!r->cust.ok)
		return;
	r->s1 = vs_sort_new();
	r->s2 = r->dec.ok ? vs_sort_new() : NULL;
	tab_rows(r, &r->cust, cust_row);
	rec_sorted_done(r);
	firsts(r, r->s1, &r->customers, cust_dup);
	if (r->dec.ok)
		vs_join(r->s2, &r->released, cust_released, r);
	r->s1 = r->s2 = NULL;
}

/* the probe of an email: customer_id, then its VE_* fields */
enum { EQ_KEY, EQ_EMAIL };

static void
email_released(void *arg, const char *const *p, size_t np,
    const char *const *x, size_t nx)
{
	struct rec *r = arg;
	const char *const *e = p + EQ_EMAIL;
	uint64_t d;

	(void)np;
	if (x == NULL || nx < 2)
		PROBLEM(r, S_EMAIL, vs_row_of(e[VE_ENTRY]), 2, e[VE_PATH],
		    "customer \"%.64s\" was not released (decisions.csv)",
		    p[EQ_KEY]);
	else if ((d = vs_row_of(x[1])) < r->dec.nrows)
		r->seen[d] |= DEC_SEEN_MAIL;
}

/* An email goes to the address customers.csv has for its customer. */
static void
email_to(void *arg, const char *const *p, size_t np, const char *const *x,
    size_t nx)
{
	struct rec *r = arg;
	const char *const *e = p + EQ_EMAIL;
	uint64_t i = vs_row_of(e[VE_ENTRY]);
	char *want;

	(void)np;
	if (strchr(e[VE_FLAGS], 'b') != NULL)
		return;				/* not read */
	if (strchr(e[VE_FLAGS], 't') == NULL) {
		PROBLEM(r, S_EMAIL, i, 3, e[VE_PATH], "no To header");
		return;
	}
	if (x == NULL || nx <= CI_EMAIL)
		return;				/* reported by rec_customers */
	want = cr_email_ascii(x[CI_EMAIL]);
	if (want == NULL || strcasecmp(want, e[VE_TO]) != 0)
		PROBLEM(r, S_EMAIL, i, 3, e[VE_PATH], "To is not the email of "
		    "customers.csv line %s", x[CI_LINE]);
	free(want);
}

/* One file under data/emails/ (its VE_* fields e), in path order. */
static void
rec_email(struct rec *r, const char *const *e, struct vs_sort *s1,
    struct vs_sort *s2)
{
	const char *p[1 + VE_NFIELDS];
	uint64_t i = vs_row_of(e[VE_ENTRY]);
	size_t n = strlen(e[VE_PATH]);
	char *cid;

	if (strchr(e[VE_FLAGS], 'e') == NULL) {
		PROBLEM(r, S_EMAIL, i, 0, e[VE_PATH], "not an "
		    "emails/CUSTOMER_ID.eml file");
		return;
	}
	r->emails++;
	if (strchr(e[VE_FLAGS], 'r') == NULL)
		PROBLEM(r, S_EMAIL, i, 1, e[VE_PATH], "no REDACTED claim "
		    "link: the claim token may be in the bundle");
	if (!r->dec.ok)
		return;
	cid = xmemdup0(e[VE_PATH] + 12, n - 16);
	p[EQ_KEY] = cid;
	memcpy(p + EQ_EMAIL, e, VE_NFIELDS * sizeof *e);
	vs_sort_add(s1, 1 + VE_NFIELDS, p);
	vs_sort_add(s2, 1 + VE_NFIELDS, p);
	free(cid);
}

static void
rec_emails(struct rec *r)
{
	struct vs_sort *s1 = NULL, *s2 = NULL;
	struct vs_reader rd;
	struct vs_run none = { -1, 0, NULL };
	const char *e[VS_FIELDS_MAX];
	size_t nf;

	if (r->dec.ok) {
		s1 = vs_sort_new();
		s2 = vs_sort_new();
	}
	vs_reader_open(&rd, cr_verify_emails(r->v));
	while (vs_reader_next(&rd, e, &nf))
		rec_email(r, e, s1, s2);
	vs_reader_close(&rd);
	if (!r->dec.ok)
		return;
	vs_join(s1, &r->rcust, email_released, r);
	vs_join(s2, r->cust.ok ? &r->customers : &none, email_to, r);
}

/* ---- shares.csv, contact_updates.csv ------------------------------------------ */

/* the probe of products: product_id, row, line, name, via, effective_at, role */
enum { GQ_KEY, GQ_ROW, GQ_LINE, GQ_NAME, GQ_VIA, GQ_EFF, GQ_ROLE };

static void
grant_row(struct rec *r, uint64_t i, char **cells, size_t ncells,
    unsigned long line)
{
	const struct tab *t = r->cur;
	int cu = t == &r->cu;
	struct vs_rowbuf rb;
	char lb[24];

	snprintf(lb, sizeof lb, "%lu", line);
	rec_sorted(r, t, cells, ncells, line, G_PID, cu ? U_ROLE : -1, -1,
	    cu ? S_CU_SORTED : S_SHARES_SORTED);
	if (!r->own.ok)
		return;
	{
		const char *f[] = { val(t, cells, ncells, G_PID),
		    vs_row(&rb, i), lb, val(t, cells, ncells, G_NAME),
		    cu ? "" : val(t, cells, ncells, G_VIA),
		    cu ? "" : val(t, cells, ncells, G_EFF),
		    cu ? val(t, cells, ncells, U_ROLE) : "" };

		vs_sort_add(r->s1, 7, f);
	}
}

struct grant_join {
	struct rec	*r;
	int		 cu;
};

static void
grant_product(void *arg, const char *const *p, size_t np,
    const char *const *x, size_t nx)
{
	struct grant_join *g = arg;
	struct rec *r = g->r;
	const char *path = g->cu ? "data/contact_updates.csv" :
	    "data/shares.csv", *role;
	unsigned sec = g->cu ? S_CU_ROW : S_SHARES_ROW;
	uint64_t i = vs_row_of(p[GQ_ROW]);

	(void)np;
	if (x == NULL || nx <= P_KIND) {
		PROBLEM(r, sec, i, 0, path, "line %s: product \"%.64s\" was "
		    "not released (ownership.csv)", p[GQ_LINE], p[GQ_KEY]);
		return;
	}
	if (strcmp(p[GQ_NAME], x[P_NAME]))
		PROBLEM(r, sec, i, 1, path, "line %s: name differs from "
		    "ownership.csv line %s", p[GQ_LINE], x[P_LINE]);
	if (!g->cu) {
		if (strcmp(p[GQ_VIA], "quickshare") != 0 ||
		    strcmp(x[P_KIND], "domain") != 0)
			PROBLEM(r, sec, i, 2, path, "line %s: not a "
			    "quickshare of a domain", p[GQ_LINE]);
		if (r->run_time != NULL && strcmp(p[GQ_EFF], r->run_time))
			PROBLEM(r, sec, i, 3, path, "line %s: effective_at "
			    "is not the run time", p[GQ_LINE]);
	} else {
		role = p[GQ_ROLE];
		if (strcmp(role, "admin") && strcmp(role, "tech") &&
		    strcmp(role, "bill"))
			PROBLEM(r, sec, i, 2, path, "line %s: role is not "
			    "admin, tech or bill", p[GQ_LINE]);
	}
}

/* shares.csv or contact_updates.csv, checked. */
static void
rec_grants(struct rec *r, struct tab *t, const char *path,
    const char *const *cols, unsigned sec)
{
	struct grant_join g;

	rec_table(r, t, path, cols, sec);
	if (!t->ok)
		return;
	r->s1 = r->own.ok ? vs_sort_new() : NULL;
	r->cur = t;
	tab_rows(r, t, grant_row);
	rec_sorted_done(r);
	g.r = r;
	g.cu = cols == cu_cols;
	if (r->own.ok)
		vs_join(r->s1, &r->products, grant_product, &g);
	r->s1 = NULL;
}

/* ---- summary.json ------------------------------------------------------------ */

static void
rec_count(struct rec *r, const char *key, unsigned long want)
{
	unsigned long got;

	if (!cr_json_uint(r->sum, key, &got))
		cr_verify_problem(r->v, "data/summary.json", "no %s", key);
	else if (got != want)
		cr_verify_problem(r->v, "data/summary.json", "%s is %lu, the "
		    "records say %lu", key, got, want);
}

/*
 * counts.codes against the codes counted in decisions.csv.  Each key of
 * the object is looked up in the code table (constant time), so the time
 * is linear in the object however many keys a forged summary holds.
 */
static void
rec_summary_codes(struct rec *r)
{
	const char *path = "data/summary.json";
	const struct cr_json *codes = cr_json_get(r->sum, "counts.codes");
	const struct cr_bag_counts *c = &r->counts;
	unsigned long got, want;
	char q[96];
	size_t i;

	if (codes == NULL || codes->type != CR_JSON_OBJECT) {
		cr_verify_problem(r->v, path, "no counts.codes object");
		return;
	}
	for (i = 0; i < codes->n; i++) {
		const char *k = codes->keys[i];

		if (cr_code_lookup(k, strlen(k)) < 0) {
			cr_verify_problem(r->v, path, "counts.codes: \"%s\" is "
			    "not a decision code", cr_diag_quote(q, sizeof q,
			    k, strlen(k), 40));
			continue;
		}
		want = cr_bag_counts_code(c, k);
		if (!cr_json_uint(&codes->items[i], "", &got))
			cr_verify_problem(r->v, path, "counts.codes.%s is not "
			    "a count", k);
		else if (got != want)
			cr_verify_problem(r->v, path, "counts.codes.%s is %lu, "
			    "the records say %lu", k, got, want);
	}
	for (i = 0; i < c->ncodes; i++) {
		if (cr_json_get(codes, c->codes[i].code) == NULL)
			cr_verify_problem(r->v, path, "counts.codes.%s is "
			    "absent, decisions.csv has %lu", c->codes[i].code,
			    c->codes[i].n);
	}
}

static void
rec_summary_counts(struct rec *r)
{
	const struct cr_bag_counts *c = &r->counts;

	if (r->have_counts) {
		rec_count(r, "counts.requests", c->requests);
		rec_count(r, "counts.released", c->released);
		rec_count(r, "counts.skipped", c->skipped);
		rec_count(r, "counts.rejected", c->rejected);
		rec_count(r, "exit_status", c->rejected > 0 ? 1 : 0);
		rec_summary_codes(r);
	}
	if (r->own.ok)
		rec_count(r, "counts.products_released",
		    (unsigned long)r->own.nrows);
	rec_count(r, "counts.emails", r->emails);
}

static void
rec_free_value(void *arg, const char *key, void *value)
{
	(void)arg;
	(void)key;
	free(value);
}

/* inputs.sha256 ("HEX  NAME" lines) as a map name -> hex. */
static struct cr_map *
rec_inputs_file(struct rec *r, const struct cr_verify_file *in)
{
	struct cr_map *files = cr_map_new();
	const char *p, *nl;
	unsigned long line = 0;
	size_t n;
	void **slot;

	for (p = in->data; p < in->data + in->len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(in->data + in->len - p));
		if (nl == NULL)
			nl = in->data + in->len;
		line++;
		n = (size_t)(nl - p);
		if (n < 67 || strspn(p, "0123456789abcdef") != 64 ||
		    p[64] != ' ' || (p[65] != ' ' && p[65] != '*') ||
		    memchr(p, '\r', n) != NULL ||
		    cr_map_put(files, p + 66, n - 66, &slot, NULL) == 0) {
			cr_verify_problem(r->v, in->path, "line %lu: not "
			    "\"SHA256  NAME\", or a repeated name", line);
			continue;
		}
		*slot = xmemdup0(p, 64);
	}
	return files;
}

static void
rec_summary_inputs(struct rec *r)
{
	const char *path = "data/summary.json", *name, *hex, *ext;
	struct cr_verify_file *m, *in;
	const struct cr_json *ex;
	struct cr_map *files, *named;
	void **slot;
	size_t i, el;

	m = cr_verify_find(r->v, "data/manifest.csv");
	if (m == NULL)
		m = cr_verify_find(r->v, "data/manifest.xml");
	hex = cr_json_str(r->sum, "inputs.manifest.sha256");
	if (hex == NULL)
		cr_verify_problem(r->v, path, "no inputs.manifest.sha256");
	else if (m != NULL && strcmp(hex, m->sha256) != 0)
		cr_verify_problem(r->v, path, "inputs.manifest.sha256 is not "
		    "the digest of %s", m->path);
	ext = r->v->ext_id;
	el = ext != NULL ? strlen(ext) : 0;
	if (m != NULL && ext != NULL && (el < 9 || ext[el - 9] != '-' ||
	    strncmp(ext + el - 8, m->sha256, 8) != 0))
		cr_verify_problem(r->v, m->path, "its SHA-256 does not begin "
		    "with the last 8 digits of the run id %s", ext);

	in = cr_verify_find(r->v, "data/inputs.sha256");
	ex = cr_json_get(r->sum, "inputs.export");
	if (ex == NULL || ex->type != CR_JSON_ARRAY) {
		cr_verify_problem(r->v, path, "no inputs.export list");
		return;
	}
	if (in == NULL || in->data == NULL)
		return;
	files = rec_inputs_file(r, in);
	named = cr_map_new();
	for (i = 0; i < ex->n; i++) {
		name = cr_json_str(&ex->items[i], "name");
		hex = cr_json_str(&ex->items[i], "sha256");
		if (name == NULL || hex == NULL) {
			cr_verify_problem(r->v, path, "inputs.export[%zu] "
			    "lacks name or sha256", i);
			continue;
		}
		cr_map_put(named, name, strlen(name), &slot, NULL);
		slot = cr_map_get(files, name, strlen(name));
		if (slot == NULL || strcmp(*slot, hex) != 0)
			cr_verify_problem(r->v, path, "export file \"%.80s\": "
			    "digest not as in inputs.sha256", name);
	}
	if (cr_map_count(files) != cr_map_count(named))
		cr_verify_problem(r->v, in->path, "%zu files, summary.json "
		    "inputs.export lists %zu", cr_map_count(files),
		    cr_map_count(named));
	cr_map_foreach(files, rec_free_value, NULL);
	cr_map_free(files);
	cr_map_free(named);
}

/* Identity: run id, run time, Bagging-Date.  Sets r->run_time. */
static void
rec_summary_identity(struct rec *r)
{
	const char *path = "data/summary.json", *id, *t, *ext = r->v->ext_id;
	char want[32];

	id = cr_json_str(r->sum, "run_id");
	if (id == NULL)
		cr_verify_problem(r->v, path, "no run_id");
	else if (ext != NULL && strcmp(id, ext) != 0)
		cr_verify_problem(r->v, path, "run_id %.64s is not the "
		    "External-Identifier %s", id, ext);
	t = cr_json_str(r->sum, "run_time");
	if (t == NULL) {
		cr_verify_problem(r->v, path, "no run_time");
		return;
	}
	r->run_time = t;
	if (ext != NULL && strlen(ext) >= 16 && ext[8] == 'T' &&
	    ext[15] == 'Z') {
		snprintf(want, sizeof want, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ",
		    ext, ext + 4, ext + 6, ext + 9, ext + 11, ext + 13);
		if (strcmp(t, want) != 0)
			cr_verify_problem(r->v, path, "run_time %.32s is not "
			    "the time of the run id (%s)", t, want);
	} else if (ext != NULL)
		cr_verify_problem(r->v, "bag-info.txt", "External-Identifier "
		    "%s is not a run id", ext);
	if (r->v->bagging_date != NULL &&
	    (strlen(t) < 10 || strncmp(t, r->v->bagging_date, 10) != 0 ||
	    strlen(r->v->bagging_date) != 10))
		cr_verify_problem(r->v, "bag-info.txt", "Bagging-Date %s is "
		    "not the date of the run time %.32s", r->v->bagging_date,
		    t);
}

void
cr_verify_records(struct cr_verify *v)
{
	struct cr_verify_file *f;
	struct cr_verify_tables tables;
	struct rec r;
	char err[160];

	memset(&r, 0, sizeof r);
	memset(&tables, 0, sizeof tables);
	r.v = v;
	r.released.fd = r.rcust.fd = r.products.fd = r.customers.fd = -1;
	cr_verify_defer(v);
	rec_required(&r);

	cr_verify_at(v, S_SUMMARY_ID, 0, 0);
	f = cr_verify_find(v, "data/summary.json");
	if (f != NULL && f->data != NULL) {
		r.sum = cr_json_parse(f->data, f->len, err, sizeof err);
		if (r.sum == NULL)
			cr_verify_problem(v, f->path, "not JSON: %s", err);
		else if (r.sum->type != CR_JSON_OBJECT) {
			cr_verify_problem(v, f->path, "not a JSON object");
			cr_json_free(r.sum);
			r.sum = NULL;
		}
	}
	if (r.sum != NULL)
		rec_summary_identity(&r);

	rec_decisions(&r);
	rec_ownership(&r);
	rec_customers(&r);
	rec_emails(&r);
	if (r.dec.ok)
		tab_rows(&r, &r.dec, dec_final_row);
	rec_grants(&r, &r.shares, "data/shares.csv", share_cols,
	    S_SHARES_TABLE);
	rec_grants(&r, &r.cu, "data/contact_updates.csv", cu_cols,
	    S_CU_TABLE);
	cr_verify_at(v, S_SUMMARY, 0, 0);
	if (r.sum != NULL) {
		rec_summary_counts(&r);
		rec_summary_inputs(&r);
	}
	tables.dec = r.dec.ok ? r.dec.f : NULL;
	tables.own = r.own.ok ? r.own.f : NULL;
	tables.cust = r.cust.ok ? r.cust.f : NULL;
	tables.shares = r.shares.ok ? r.shares.f : NULL;
	tables.cu = r.cu.ok ? r.cu.f : NULL;
	tables.released = &r.released;
	tables.products = &r.products;
	tables.customers = &r.customers;
	cr_verify_manifest(v, &tables);
	cr_verify_flush(v);

	tab_free(&r.dec);
	tab_free(&r.own);
	tab_free(&r.cust);
	tab_free(&r.shares);
	tab_free(&r.cu);
	cr_json_free(r.sum);
	cr_bag_counts_free(&r.counts);
	vs_run_free(&r.released);
	vs_run_free(&r.rcust);
	vs_run_free(&r.products);
	vs_run_free(&r.customers);
	free(r.nown);
	free(r.seen);
}
