/*
 * verify-manifest.c -- the third part of `custrelease verify`: do the
 * records follow the release manifest the bag holds (data/manifest.csv
 * or data/manifest.xml)?  Each released request is found in the
 * manifest by its decisions.csv line, then:
 *
 *  - its request_id, reseller_id and customer_id are the manifest row's;
 *  - its ownership rows go to account:<import_to>, or to new-account when
 *    import_to is empty or W_CHANGE_OWNER_REQUIRED says it did not match;
 *  - with quickshare_to, each of its domains has a grant to that username
 *    in shares.csv (a domain may lack one only with W_ALREADY_SHARED);
 *    every grant goes to its request's quickshare_to;
 *  - contact updates come only with reseller_contacts=replace, and give
 *    the customer's email in customers.csv.
 *
 * The manifest is read with the readers `run` uses, silently (the run
 * printed its warnings), into a sorted index by line; each check is a
 * chain of merge joins (verify-stream.h) from the record's rows to the
 * manifest row of their request, so that memory does not grow with the
 * records.  It deliberately decides nothing: what only the
 * export knew (which domains were shared already, which contacts were
 * the reseller's, whether the account matched) it takes from the codes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bag.h"
#include "err.h"
#include "hash.h"
#include "read.h"
#include "schema.h"
#include "stream.h"
#include "verify.h"
#include "verify-stream.h"
#include "xmalloc.h"

enum {
	S_MAN_READ = 90, S_MAN_DEC, S_MAN_SHARES, S_MAN_CU, S_MAN_OWN
};

/*
 * The manifest index: line, the row's place in the manifest (the first
 * row of a line counts), then the columns of man_cols.
 */
enum { M_LINE, M_SEQ, M_REQ, M_RES, M_CUST, M_IMPORT, M_QS, M_RC, M_N };
static const int man_cols[] = { MAN_REQUEST_ID, MAN_RESELLER_ID,
	MAN_CUSTOMER_ID, MAN_IMPORT_TO, MAN_QUICKSHARE_TO,
	MAN_RESELLER_CONTACTS };

/* verify-records.c's indexes (verify.h) */
enum { R_KEY, R_ROW, R_LINE, R_CUST, R_RES, R_CODES, R_MANLINE };
enum { P_KEY, P_ROW, P_LINE, P_REQ, P_CUST, P_NAME, P_KIND };
enum { CI_KEY, CI_ROW, CI_LINE, CI_EMAIL };

struct vm {
	struct cr_verify		*v;
	const struct cr_verify_tables	*t;
	struct vs_sort			*s, *next;
	struct vs_run			 man;	/* line -> the row */
	struct vs_run			 granted; /* product_ids of shares */
	uint64_t			 seq;	/* manifest rows read */
	int				 cu;
};

#define PROBLEM(m, sec, row, check, ...) do {				\
	cr_verify_at((m)->v, (sec), (row), (check));			\
	cr_verify_problem((m)->v, __VA_ARGS__);				\
} while (0)

/* The rows of a record file (verify-records.c found it readable). */
static void
vm_rows(const struct cr_verify_file *f, const char *const *want,
    vs_row_fn fn, void *arg)
{
	struct cr_bag_src src;

	if (cr_verify_src(f, &src))
		vs_rows(&src, want, fn, arg);
}

static int
vm_has_code(const char *codes, const char *code)
{
	size_t n = strlen(code);
	const char *p;

	for (p = codes; (p = strstr(p, code)) != NULL; p += n)
		if ((p == codes || p[-1] == ';') &&
		    (p[n] == '\0' || p[n] == ';'))
			return 1;
	return 0;
}

static int
vm_row(void *arg, const struct cr_row *row)
{
	struct vm *m = arg;
	const char *f[M_N];
	char key[32], *val[M_N];
	struct vs_rowbuf rb;
	size_t k;

	snprintf(key, sizeof key, "%lu", row->line);
	f[M_LINE] = key;
	f[M_SEQ] = vs_row(&rb, m->seq++);
	for (k = 0; k < M_N - 2; k++) {
		int c = man_cols[k];

		val[k] = row->val[c] != NULL ? xmemdup0(row->val[c],
		    row->len[c]) : NULL;
		f[k + 2] = val[k] != NULL ? val[k] : "";
	}
	vs_sort_add(m->s, M_N, f);
	for (k = 0; k < M_N - 2; k++)
		free(val[k]);
	return 0;
}

static void
vm_first(void *arg, const char *const *f, size_t nf)
{
	struct vs_writer *w = arg;
	static char *last;

	if (f == NULL) {
		free(last);
		last = NULL;
		return;
	}
	if (last != NULL && strcmp(last, f[0]) == 0)
		return;
	free(last);
	last = xstrdup(f[0]);
	vs_writer_add(w, nf, f);
}

/* The first record of each key of s, as the run out. */
static void
vm_index(struct vs_sort *s, struct vs_run *out)
{
	struct vs_writer w;

	vs_writer_open(&w, out);
	vs_sort_each(s, vm_first, &w);
	vm_first(NULL, NULL, 0);
	vs_writer_close(&w);
}

/* The kept manifest (in memory or spooled) as a stream's source. */
struct vm_src {
	struct cr_bag_src	src;
	uint64_t		pos;
};

static ssize_t
vm_src_read(void *ctx, void *buf, size_t n)
{
	struct vm_src *c = ctx;

	if (n > c->src.len - c->pos)
		n = (size_t)(c->src.len - c->pos);
	if (n > 0 && cr_bag_src_read(&c->src, c->pos, buf, n) != 0)
		vs_fail("cannot read", errno);
	c->pos += n;
	return (ssize_t)n;
}

/* Read the bag's manifest into m->man: 0, or -1 after a problem. */
static int
vm_read(struct vm *m)
{
	struct cr_verify_file *f;
	struct cr_stream *s;
	struct vm_src c;
	int xml, rc;

	f = cr_verify_find(m->v, "data/manifest.csv");
	xml = f == NULL;
	if (xml)
		f = cr_verify_find(m->v, "data/manifest.xml");
	memset(&c, 0, sizeof c);
	if (!cr_verify_src(f, &c.src))
		return -1;	/* missing (reported) or too big */
	s = cr_stream_new(f->path, vm_src_read, &c);
	cr_err_hold();		/* the problem below says it all */
	m->s = vs_sort_new();
	rc = xml ? cr_xml_read_manifest(s, vm_row, m) :
	    cr_csv_read(s, cr_schema_get(CR_T_MANIFEST), vm_row, m);
	cr_err_release();
	cr_stream_free(s);
	vm_index(m->s, &m->man);
	m->s = NULL;
	if (rc != 0) {
		PROBLEM(m, S_MAN_READ, 0, 0, f->path, "cannot be read as a "
		    "release manifest: the run could not have read it");
		return -1;
	}
	return 0;
}

/* ---- decisions: the same ids as their manifest rows ---------------------- */

static const char *const vd_cols[] = { "outcome", "line", "request_id",
	"reseller_id", "customer_id", NULL };
enum { VD_OUT, VD_LINE, VD_REQ, VD_RES, VD_CUST };
/* the probe: manifest line, row, csv line, the three ids as written */
enum { DQ_KEY, DQ_ROW, DQ_LINE, DQ_REQ, DQ_RES, DQ_CUST };

static void
vm_dec_row(void *arg, uint64_t row, const char *const *c, unsigned long line)
{
	struct vm *m = arg;
	struct vs_rowbuf rb;
	char lb[24];
	const char *f[6];

	if (strcmp(cr_bag_value(c[VD_OUT]), "released") != 0)
		return;
	snprintf(lb, sizeof lb, "%lu", line);
	f[DQ_KEY] = cr_bag_value(c[VD_LINE]);
	f[DQ_ROW] = vs_row(&rb, row);
	f[DQ_LINE] = lb;
	f[DQ_REQ] = c[VD_REQ];
	f[DQ_RES] = c[VD_RES];
	f[DQ_CUST] = c[VD_CUST];
	vs_sort_add(m->s, 6, f);
}

static void
vm_dec_join(void *arg, const char *const *p, size_t np, const char *const *x,
    size_t nx)
{
	static const struct { const char *col; int probe, man; } ids[] = {
		{ "request_id", DQ_REQ, M_REQ },
		{ "reseller_id", DQ_RES, M_RES },
		{ "customer_id", DQ_CUST, M_CUST },
	};
	struct vm *m = arg;
	uint64_t d = vs_row_of(p[DQ_ROW]);
	size_t k;

	(void)np;
	if (x == NULL || nx < M_N) {
		PROBLEM(m, S_MAN_DEC, d, 0, "data/decisions.csv", "line %s: "
		    "manifest line %.20s holds no request", p[DQ_LINE],
		    p[DQ_KEY]);
		return;
	}
	for (k = 0; k < sizeof ids / sizeof ids[0]; k++)
		if (!cr_bag_cell_is(p[ids[k].probe], x[ids[k].man]))
			PROBLEM(m, S_MAN_DEC, d, 1 + k, "data/decisions.csv",
			    "line %s: %s is not the manifest's", p[DQ_LINE],
			    ids[k].col);
}

static void
vm_decisions(struct vm *m)
{
	m->s = vs_sort_new();
	vm_rows(m->t->dec, vd_cols, vm_dec_row, m);
	vs_join(m->s, &m->man, vm_dec_join, m);
	m->s = NULL;
}

/* ---- grants and contact updates against their requests ----------------------- */

static const char *const vg_cols[] = { "product_id", "username",
	"new_email", NULL };
enum { VG_PID, VG_USER, VG_NEW };
/* the probes: key, row, csv line, username or new_email, customer_id */
enum { GQ_KEY, GQ_ROW, GQ_LINE, GQ_VAL, GQ_CUST };

static void
vm_grant_row(void *arg, uint64_t row, const char *const *c,
    unsigned long line)
{
	struct vm *m = arg;
	struct vs_rowbuf rb;
	char lb[24];
	const char *f[5];

	snprintf(lb, sizeof lb, "%lu", line);
	f[GQ_KEY] = cr_bag_value(c[VG_PID]);
	f[GQ_ROW] = vs_row(&rb, row);
	f[GQ_LINE] = lb;
	f[GQ_VAL] = cr_bag_value(c[m->cu ? VG_NEW : VG_USER]);
	f[GQ_CUST] = "";
	vs_sort_add(m->s, 5, f);
	if (!m->cu)
		vs_sort_add(m->next, 1, f);
}

/* product -> its request (ownership.csv) */
static void
vm_grant_product(void *arg, const char *const *p, size_t np,
    const char *const *x, size_t nx)
{
	struct vm *m = arg;
	const char *f[5];

	(void)np;
	if (x == NULL || nx <= P_KIND)
		return;		/* reported by verify-records.c */
	f[GQ_KEY] = x[P_REQ];
	f[GQ_ROW] = p[GQ_ROW];
	f[GQ_LINE] = p[GQ_LINE];
	f[GQ_VAL] = p[GQ_VAL];
	f[GQ_CUST] = x[P_CUST];
	vs_sort_add(m->next, 5, f);
}

/* request -> its manifest line (decisions.csv) */
static void
vm_grant_request(void *arg, const char *const *p, size_t np,
    const char *const *x, size_t nx)
{
	struct vm *m = arg;
	const char *f[5];

	(void)np;
	if (x == NULL || nx <= R_MANLINE)
		return;
	f[GQ_KEY] = x[R_MANLINE];
	f[GQ_ROW] = p[GQ_ROW];
	f[GQ_LINE] = p[GQ_LINE];
	f[GQ_VAL] = p[GQ_VAL];
	f[GQ_CUST] = p[GQ_CUST];
	vs_sort_add(m->next, 5, f);
}

/* manifest row -> the checks */
static void
vm_grant_man(void *arg, const char *const *p, size_t np,
    const char *const *x, size_t nx)
{
	struct vm *m = arg;
	uint64_t i = vs_row_of(p[GQ_ROW]);
	const char *f[5];

	(void)np;
	if (x == NULL || nx < M_N)
		return;
	if (!m->cu) {
		if (strcmp(p[GQ_VAL], x[M_QS]) != 0)
			PROBLEM(m, S_MAN_SHARES, i, 0, "data/shares.csv",
			    "line %s: username is not the request's "
			    "quickshare_to", p[GQ_LINE]);
		return;
	}
	if (strcmp(x[M_RC], "replace") != 0)
		PROBLEM(m, S_MAN_CU, i, 0, "data/contact_updates.csv", "line "
		    "%s: the request did not ask to replace reseller "
		    "contacts", p[GQ_LINE]);
	if (m->next == NULL)
		return;
	f[GQ_KEY] = p[GQ_CUST];
	f[GQ_ROW] = p[GQ_ROW];
	f[GQ_LINE] = p[GQ_LINE];
	f[GQ_VAL] = p[GQ_VAL];
	f[GQ_CUST] = "";
	vs_sort_add(m->next, 5, f);
}

/* customer -> its email (customers.csv) */
static void
vm_grant_email(void *arg, const char *const *p, size_t np,
    const char *const *x, size_t nx)
{
	struct vm *m = arg;

	(void)np;
	if (x == NULL || nx <= CI_EMAIL)
		return;
	if (strcmp(p[GQ_VAL], x[CI_EMAIL]) != 0)
		PROBLEM(m, S_MAN_CU, vs_row_of(p[GQ_ROW]), 1,
		    "data/contact_updates.csv", "line %s: new_email is not "
		    "the customer's email (customers.csv)", p[GQ_LINE]);
}

static void
vm_grants(struct vm *m, int cu)
{
	const struct cr_verify_tables *t = m->t;
	const struct cr_verify_file *f = cu ? t->cu : t->shares;
	struct vs_sort *granted = NULL;

	m->cu = cu;
	if (!cu)
		granted = vs_sort_new();
	if (f != NULL) {
		m->s = vs_sort_new();
		m->next = granted;
		vm_rows(f, vg_cols, vm_grant_row, m);
		m->next = vs_sort_new();
		vs_join(m->s, t->products, vm_grant_product, m);
		m->s = m->next;
		m->next = vs_sort_new();
		vs_join(m->s, t->released, vm_grant_request, m);
		m->s = m->next;
		m->next = cu && t->cust != NULL ? vs_sort_new() : NULL;
		vs_join(m->s, &m->man, vm_grant_man, m);
		if (m->next != NULL)
			vs_join(m->next, t->customers, vm_grant_email, m);
		m->s = m->next = NULL;
	}
	if (granted != NULL)
		vm_index(granted, &m->granted);
}

/* ---- ownership: `to`; and each domain's grant -------------------------------- */

static const char *const vo_cols[] = { "request_id", "to", "kind",
	"product_id", NULL };
enum { VO_REQ, VO_TO, VO_KIND, VO_PID };
/* the probes: key, row, csv line, to, kind, product_id, codes */
enum { OQ_KEY, OQ_ROW, OQ_LINE, OQ_TO, OQ_KIND, OQ_PID, OQ_CODES };

static void
vm_own_row(void *arg, uint64_t row, const char *const *c, unsigned long line)
{
	struct vm *m = arg;
	struct vs_rowbuf rb;
	char lb[24];
	const char *f[7];

	snprintf(lb, sizeof lb, "%lu", line);
	f[OQ_KEY] = cr_bag_value(c[VO_REQ]);
	f[OQ_ROW] = vs_row(&rb, row);
	f[OQ_LINE] = lb;
	f[OQ_TO] = cr_bag_value(c[VO_TO]);
	f[OQ_KIND] = cr_bag_value(c[VO_KIND]);
	f[OQ_PID] = cr_bag_value(c[VO_PID]);
	f[OQ_CODES] = "";
	vs_sort_add(m->s, 7, f);
}

static void
vm_own_request(void *arg, const char *const *p, size_t np,
    const char *const *x, size_t nx)
{
	struct vm *m = arg;
	const char *f[7];

	(void)np;
	if (x == NULL || nx <= R_MANLINE)
		return;
	memcpy(f, p, sizeof f);
	f[OQ_KEY] = x[R_MANLINE];
	f[OQ_CODES] = x[R_CODES];
	vs_sort_add(m->next, 7, f);
}

static void
vm_own_man(void *arg, const char *const *p, size_t np, const char *const *x,
    size_t nx)
{
	struct vm *m = arg;
	uint64_t o = vs_row_of(p[OQ_ROW]);
	const char *imp, *f[3];
	char *want;

	(void)np;
	if (x == NULL || nx < M_N)
		return;
	imp = x[M_IMPORT];
	if (*imp == '\0' || vm_has_code(p[OQ_CODES],
	    "W_CHANGE_OWNER_REQUIRED"))
		want = xstrdup("new-account");
	else
		xasprintf(&want, "account:%s", imp);
	if (strcmp(p[OQ_TO], want) != 0)
		PROBLEM(m, S_MAN_OWN, o, 0, "data/ownership.csv", "line %s: "
		    "to is not %.80s, as the manifest and the codes say",
		    p[OQ_LINE], want);
	free(want);
	if (*x[M_QS] != '\0' && strcmp(p[OQ_KIND], "domain") == 0 &&
	    !vm_has_code(p[OQ_CODES], "W_ALREADY_SHARED")) {
		f[0] = p[OQ_PID];
		f[1] = p[OQ_ROW];
		f[2] = p[OQ_LINE];
		vs_sort_add(m->next, 3, f);
	}
}

static void
vm_own_grant(void *arg, const char *const *p, size_t np,
    const char *const *x, size_t nx)
{
	struct vm *m = arg;

	(void)np;
	(void)nx;
	if (x == NULL)
		PROBLEM(m, S_MAN_OWN, vs_row_of(p[1]), 1, "data/shares.csv",
		    "no grant of domain \"%.64s\" (ownership.csv line %s) to "
		    "the request's quickshare_to", p[0], p[2]);
}

static void
vm_ownership(struct vm *m)
{
	m->s = vs_sort_new();
	vm_rows(m->t->own, vo_cols, vm_own_row, m);
	m->next = vs_sort_new();
	vs_join(m->s, m->t->released, vm_own_request, m);
	m->s = m->next;
	m->next = vs_sort_new();
	vs_join(m->s, &m->man, vm_own_man, m);
	vs_join(m->next, &m->granted, vm_own_grant, m);
	m->s = m->next = NULL;
}

void
cr_verify_manifest(struct cr_verify *v, const struct cr_verify_tables *t)
{
	struct vm m;

	if (t->dec == NULL)
		return;
	memset(&m, 0, sizeof m);
	m.v = v;
	m.t = t;
	m.man.fd = m.granted.fd = -1;
	if (vm_read(&m) == 0) {
		vm_decisions(&m);
		if (t->own != NULL) {
			vm_grants(&m, 0);
			vm_grants(&m, 1);
			vm_ownership(&m);
		}
	}
	vs_run_free(&m.man);
	vs_run_free(&m.granted);
}
