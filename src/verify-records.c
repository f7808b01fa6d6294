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
 * It works on the files cmd-verify.c kept in memory and deliberately
 * re-decides nothing: it has no export, only the records.  The records
 * against the bag's manifest: verify-manifest.c.
 */
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
#include "xmalloc.h"

struct rec {
	struct cr_verify	*v;
	struct cr_bag_table	*dec, *own, *cust;
	struct cr_json		*sum;
	struct cr_bag_counts	 counts;
	int			 have_counts;
	struct cr_map		*released;	/* request_id -> dec row + 1 */
	struct cr_map		*rcust;		/* customer_id -> dec row + 1 */
	struct cr_map		*products;	/* product_id -> own row + 1 */
	struct cr_map		*customers;	/* customer_id -> row + 1 */
	unsigned long		*nown;		/* per dec row */
	unsigned char		*seen_cust, *seen_mail;	/* per dec row */
	unsigned long		 emails;
	const char		*run_time;	/* summary's, or NULL */
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

static const char *const required[] = {
	"data/contact_updates.csv", "data/customers.csv",
	"data/decisions.csv", "data/inputs.sha256", "data/ownership.csv",
	"data/ownership.jsonl", "data/report.html", "data/report.txt",
	"data/shares.csv", "data/summary.json", NULL
};

/* The value of column `col` of row i (formula prefix removed). */
static const char *
val(const struct cr_bag_table *t, size_t i, const char *col)
{
	return cr_bag_value(cr_bag_cell(t, i, cr_bag_col(t, col)));
}

static size_t
map_row(const struct cr_map *m, const char *key)
{
	void **slot = cr_map_get(m, key, strlen(key));

	return slot != NULL ? (size_t)(uintptr_t)*slot : 0;
}

static int
map_add(struct cr_map *m, const char *key, size_t row)
{
	void **slot;

	if (cr_map_put(m, key, strlen(key), &slot, NULL) == 0)
		return 0;
	*slot = (void *)(uintptr_t)(row + 1);
	return 1;
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

/* A kept CSV file with the columns it must have, or NULL (reported). */
static struct cr_bag_table *
rec_table(struct rec *r, const char *path, const char *const *cols)
{
	struct cr_verify_file *f = cr_verify_find(r->v, path);
	struct cr_bag_table *t;
	char err[160];
	size_t i;

	if (f == NULL || f->data == NULL)
		return NULL;
	t = cr_bag_csv_parse(f->data, f->len, err, sizeof err);
	if (t == NULL) {
		cr_verify_problem(r->v, path, "not valid CSV: %s", err);
		return NULL;
	}
	for (i = 0; cols[i] != NULL; i++)
		if (cr_bag_col(t, cols[i]) < 0) {
			cr_verify_problem(r->v, path, "no column \"%s\"",
			    cols[i]);
			cr_bag_table_free(t);
			return NULL;
		}
	for (i = 0; i < t->nrows; i++)
		if (t->rows[i].ncells != t->ncols) {
			cr_verify_problem(r->v, path, "line %lu: %zu fields, "
			    "the header has %zu", t->rows[i].line,
			    t->rows[i].ncells, t->ncols);
		}
	return t;
}

/*
 * docs/format.md 4: rows sorted bytewise by their key (k1, then k2), ties in
 * manifest order; only decisions.csv shows that order (its line column).
 * The first row out of order is reported.  Keys are compared as values:
 * a formula prefix does not count.
 */
static void
rec_sorted(struct rec *r, const struct cr_bag_table *t, const char *path,
    const char *k1, const char *k2)
{
	const char *tie = t == r->dec ? "line" : NULL;
	unsigned long a, b;
	size_t i;
	int c;

	for (i = 1; i < t->nrows; i++) {
		c = strcmp(val(t, i - 1, k1), val(t, i, k1));
		if (c == 0 && k2 != NULL)
			c = strcmp(val(t, i - 1, k2), val(t, i, k2));
		/* "'=x" may be a neutralized "=x" or the value "'=x" itself */
		if (c == 0 && tie != NULL &&
		    cr_bag_cell(t, i, cr_bag_col(t, k1))[0] != '\'') {
			a = strtoul(val(t, i - 1, tie), NULL, 10);
			b = strtoul(val(t, i, tie), NULL, 10);
			c = a > b;
		}
		if (c > 0) {
			cr_verify_problem(r->v, path, "line %lu: rows not "
			    "sorted by %s%s%s (docs/format.md 4)", t->rows[i].line, k1,
			    k2 != NULL ? ", " : "", k2 != NULL ? k2 : "");
			return;
		}
	}
}

/* ---- decisions.csv --------------------------------------------------------- */

static void
rec_decisions(struct rec *r)
{
	const char *path = "data/decisions.csv", *out, *codes, *p, *id;
	struct cr_bag_table *t = r->dec;
	size_t i, n, bad, unknown, ncodes, k;
	char q[128];
	int code;

	r->nown = xcalloc(t->nrows + 1, sizeof *r->nown);
	r->seen_cust = xcalloc(t->nrows + 1, 1);
	r->seen_mail = xcalloc(t->nrows + 1, 1);
	for (i = 0; i < t->nrows; i++) {
		out = val(t, i, "outcome");
		codes = val(t, i, "codes");
		k = strcmp(out, "released") == 0 ? 'W' :
		    strcmp(out, "skipped") == 0 ? 'S' :
		    strcmp(out, "rejected") == 0 ? 'E' : 0;
		if (k == 0) {
			cr_verify_problem(r->v, path, "line %lu: outcome "
			    "\"%.40s\" is not released, skipped or rejected",
			    t->rows[i].line, out);
			continue;
		}
		for (p = codes, ncodes = bad = unknown = 0; *p != '\0'; p += n) {
			n = strcspn(p, ";");
			ncodes++;
			if ((code = cr_code_lookup(p, n)) < 0)
				unknown++;
			else if (cr_code_severity((enum cr_code)code) !=
			    (char)k)
				bad++;
			if (p[n] == ';')
				n++;
		}
		if (unknown > 0)
			cr_verify_problem(r->v, path, "line %lu: codes "
			    "\"%.80s\": not all are decision codes",
			    t->rows[i].line, cr_diag_quote(q, sizeof q, codes,
			    strlen(codes), 80));
		else if (bad > 0 || (k == 'S' && ncodes != 1) ||
		    (k == 'E' && ncodes == 0))
			cr_verify_problem(r->v, path, "line %lu: codes "
			    "\"%.80s\" do not fit outcome %s", t->rows[i].line,
			    codes, out);
		if (k != 'W')
			continue;
		id = val(t, i, "request_id");
		if (*id == '\0' || !map_add(r->released, id, i))
			cr_verify_problem(r->v, path, "line %lu: request "
			    "\"%.64s\" released twice or without an id",
			    t->rows[i].line, id);
		id = val(t, i, "customer_id");
		if (!map_add(r->rcust, id, i))
			cr_verify_problem(r->v, path, "line %lu: customer "
			    "\"%.64s\" released twice", t->rows[i].line, id);
	}
}

/* The released decision row of request `id`, or (size_t)-1. */
static size_t
rec_released(const struct rec *r, const char *id)
{
	size_t row = map_row(r->released, id);

	return row > 0 ? row - 1 : (size_t)-1;
}

/* ---- ownership.csv, ownership.jsonl --------------------------------------- */

static void
rec_ownership(struct rec *r)
{
	const char *path = "data/ownership.csv", *req, *cor, *to;
	struct cr_bag_table *t = r->own;
	unsigned long line;
	size_t i, d;

	for (i = 0; i < t->nrows; i++) {
		line = t->rows[i].line;
		req = val(t, i, "request_id");
		if (!map_add(r->products, val(t, i, "product_id"), i))
			cr_verify_problem(r->v, path, "line %lu: product "
			    "\"%.64s\" released twice", line,
			    val(t, i, "product_id"));
		if (r->v->ext_id != NULL &&
		    strcmp(val(t, i, "run_id"), r->v->ext_id) != 0)
			cr_verify_problem(r->v, path, "line %lu: run_id is not "
			    "%s", line, r->v->ext_id);
		if (r->run_time != NULL &&
		    strcmp(val(t, i, "effective_at"), r->run_time) != 0)
			cr_verify_problem(r->v, path, "line %lu: effective_at "
			    "is not the run time %s", line, r->run_time);
		cor = val(t, i, "change_owner_required");
		to = val(t, i, "to");
		if (strcmp(cor, "true") != 0 && strcmp(cor, "false") != 0)
			cr_verify_problem(r->v, path, "line %lu: "
			    "change_owner_required is not true or false", line);
		if (strcmp(to, "new-account") != 0 &&
		    (strncmp(to, "account:", 8) != 0 || to[8] == '\0'))
			cr_verify_problem(r->v, path, "line %lu: to is neither "
			    "new-account nor account:USERNAME", line);
		if (r->dec == NULL)
			continue;
		d = rec_released(r, req);
		if (d == (size_t)-1) {
			cr_verify_problem(r->v, path, "line %lu: request "
			    "\"%.64s\" was not released (decisions.csv)", line,
			    req);
			continue;
		}
		r->nown[d]++;
		if (strcmp(val(t, i, "customer_id"),
		    val(r->dec, d, "customer_id")) != 0 ||
		    strcmp(val(t, i, "from_reseller_id"),
		    val(r->dec, d, "reseller_id")) != 0)
			cr_verify_problem(r->v, path, "line %lu: customer or "
			    "reseller differs from decisions.csv line %lu",
			    line, r->dec->rows[d].line);
		if ((strcmp(cor, "true") == 0) != cr_bag_has_code(val(r->dec,
		    d, "codes"), "W_CHANGE_OWNER_REQUIRED") ||
		    (strcmp(cor, "true") == 0 && strcmp(to, "new-account")))
			cr_verify_problem(r->v, path, "line %lu: "
			    "change_owner_required/to disagree with the codes "
			    "of decisions.csv line %lu", line,
			    r->dec->rows[d].line);
	}
	if (r->dec == NULL)
		return;
	for (d = 0; d < r->dec->nrows; d++) {
		if (strcmp(val(r->dec, d, "outcome"), "released") != 0)
			continue;
		if ((r->nown[d] == 0) != cr_bag_has_code(val(r->dec, d,
		    "codes"), "W_NO_PRODUCTS"))
			cr_verify_problem(r->v, "data/decisions.csv", "line "
			    "%lu: request \"%.64s\" released with %lu "
			    "ownership rows%s", r->dec->rows[d].line,
			    val(r->dec, d, "request_id"), r->nown[d],
			    r->nown[d] ? " but W_NO_PRODUCTS" :
			    " and without W_NO_PRODUCTS");
	}
}

/* Whether JSON object `o` is CSV row i of t; else the column that is not. */
static const char *
rec_jsonl_row(const struct cr_bag_table *t, size_t i, const struct cr_json *o)
{
	const struct cr_json *x;
	const char *cell;
	size_t c;

	if (o->type != CR_JSON_OBJECT)
		return "(not an object)";
	if (o->n != t->ncols)
		return "(number of keys)";
	for (c = 0; c < t->ncols; c++) {
		if (strcmp(o->keys[c], t->cols[c]) != 0)
			return t->cols[c];
		x = &o->items[c];
		cell = cr_bag_cell(t, i, (int)c);
		if (strcmp(t->cols[c], "change_owner_required") == 0) {
			if (x->type != CR_JSON_BOOL || strcmp(cell,
			    x->boolean ? "true" : "false") != 0)
				return t->cols[c];
		} else if (x->type != CR_JSON_STRING ||
		    !cr_bag_cell_is(cell, x->str))
			return t->cols[c];
	}
	return NULL;
}

static void
rec_jsonl(struct rec *r)
{
	const char *path = "data/ownership.jsonl", *p, *nl, *bad;
	struct cr_verify_file *f = cr_verify_find(r->v, path);
	struct cr_json *o;
	unsigned long line = 0;
	char err[160];

	if (f == NULL || f->data == NULL)
		return;
	for (p = f->data; p < f->data + f->len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(f->data + f->len - p));
		if (nl == NULL) {
			cr_verify_problem(r->v, path, "line %lu: no final "
			    "newline", line + 1);
			nl = f->data + f->len;
		}
		line++;
		o = cr_json_parse(p, (size_t)(nl - p), err, sizeof err);
		if (o == NULL) {
			cr_verify_problem(r->v, path, "line %lu: not JSON: %s",
			    line, err);
			continue;
		}
		if (line <= r->own->nrows &&
		    (bad = rec_jsonl_row(r->own, line - 1, o)) != NULL)
			cr_verify_problem(r->v, path, "line %lu: differs from "
			    "ownership.csv line %lu (%s)", line,
			    r->own->rows[line - 1].line, bad);
		cr_json_free(o);
	}
	if (line != r->own->nrows)
		cr_verify_problem(r->v, path, "%lu records, ownership.csv has "
		    "%zu", line, r->own->nrows);
}

/* ---- customers.csv, emails, shares, contact updates ------------------------ */

static void
rec_customers(struct rec *r)
{
	const char *path = "data/customers.csv", *id, *tok, *exp;
	struct cr_bag_table *t = r->cust;
	char want[21] = "";
	unsigned long ttl;
	time_t t0;
	size_t i, d;

	/* claim_expires_at: the run time plus claim_ttl_days (docs/format.md 4) */
	if (r->run_time != NULL && cr_parse_time(r->run_time, &t0) == 0 &&
	    cr_json_uint(r->sum, "options.claim_ttl_days", &ttl) &&
	    ttl < 100000)
		cr_format_time(cr_claim_expiry(t0, (long)ttl), want);
	for (i = 0; i < t->nrows; i++) {
		id = val(t, i, "customer_id");
		tok = val(t, i, "claim_token_sha256");
		exp = val(t, i, "claim_expires_at");
		if (cr_parse_time(exp, NULL) != 0)
			cr_verify_problem(r->v, path, "line %lu: "
			    "claim_expires_at %.32s is not a UTC time like "
			    "2026-11-30T02:00:00Z", t->rows[i].line, exp);
		else if (want[0] != '\0' && strcmp(exp, want) != 0)
			cr_verify_problem(r->v, path, "line %lu: "
			    "claim_expires_at %.32s is not the run time plus "
			    "claim_ttl_days (%s)", t->rows[i].line, exp, want);
		if (!map_add(r->customers, id, i))
			cr_verify_problem(r->v, path, "line %lu: customer "
			    "\"%.64s\" listed twice", t->rows[i].line, id);
		if (*tok != '\0' && !is_hex(tok, 64))
			cr_verify_problem(r->v, path, "line %lu: "
			    "claim_token_sha256 is not a SHA-256 in hex",
			    t->rows[i].line);
		if (r->dec == NULL)
			continue;
		d = rec_released(r, val(t, i, "request_id"));
		if (d == (size_t)-1 || strcmp(id, val(r->dec, d,
		    "customer_id")) != 0) {
			cr_verify_problem(r->v, path, "line %lu: no released "
			    "request of decisions.csv releases customer "
			    "\"%.64s\"", t->rows[i].line, id);
			continue;
		}
		r->seen_cust[d] = 1;
	}
	for (d = 0; r->dec != NULL && d < r->dec->nrows; d++)
		if (strcmp(val(r->dec, d, "outcome"), "released") == 0 &&
		    !r->seen_cust[d])
			cr_verify_problem(r->v, "data/decisions.csv", "line "
			    "%lu: released request \"%.64s\" has no "
			    "customers.csv row", r->dec->rows[d].line,
			    val(r->dec, d, "request_id"));
}

/* An email goes to the address customers.csv has for its customer. */
static void
rec_email_to(struct rec *r, const struct cr_verify_file *f, const char *cid)
{
	size_t c = r->cust != NULL ? map_row(r->customers, cid) : 0;
	char *want;

	if (f->toobig)
		return;				/* not read */
	if (f->to == NULL) {
		cr_verify_problem(r->v, f->path, "no To header");
		return;
	}
	if (c == 0)
		return;				/* reported by rec_customers */
	want = cr_email_ascii(val(r->cust, c - 1, "email"));
	if (want == NULL || strcasecmp(want, f->to) != 0)
		cr_verify_problem(r->v, f->path, "To is not the email of "
		    "customers.csv line %lu", r->cust->rows[c - 1].line);
	free(want);
}

static void
rec_emails(struct rec *r)
{
	struct cr_verify_file *f;
	char *cid, *path;
	size_t i, d, n;

	for (i = 0; i < r->v->nfiles; i++) {
		f = r->v->order[i];
		n = strlen(f->path);
		if (strncmp(f->path, "data/emails/", 12) != 0)
			continue;
		if (n <= 16 || strcmp(f->path + n - 4, ".eml") != 0 ||
		    strchr(f->path + 12, '/') != NULL) {
			cr_verify_problem(r->v, f->path, "not an "
			    "emails/CUSTOMER_ID.eml file");
			continue;
		}
		r->emails++;
		if (!f->redacted)
			cr_verify_problem(r->v, f->path, "no REDACTED claim "
			    "link: the claim token may be in the bundle");
		if (r->dec == NULL)
			continue;
		cid = xmemdup0(f->path + 12, n - 16);
		d = map_row(r->rcust, cid);
		if (d == 0)
			cr_verify_problem(r->v, f->path, "customer \"%.64s\" "
			    "was not released (decisions.csv)", cid);
		else
			r->seen_mail[d - 1] = 1;
		rec_email_to(r, f, cid);
		free(cid);
	}
	for (d = 0; r->dec != NULL && d < r->dec->nrows; d++)
		if (strcmp(val(r->dec, d, "outcome"), "released") == 0 &&
		    !r->seen_mail[d]) {
			xasprintf(&path, "data/emails/%s.eml",
			    val(r->dec, d, "customer_id"));
			cr_verify_problem(r->v, path, "missing: the claim "
			    "email of request \"%.64s\" (decisions.csv line "
			    "%lu)", val(r->dec, d, "request_id"),
			    r->dec->rows[d].line);
			free(path);
		}
}

/* shares.csv or contact_updates.csv, checked; the table, or NULL. */
static struct cr_bag_table *
rec_grants(struct rec *r, const char *path, const char *const *cols)
{
	struct cr_bag_table *t = rec_table(r, path, cols);
	const char *pid, *role;
	size_t i, o;

	if (t == NULL)
		return NULL;
	rec_sorted(r, t, path, "product_id", cols == cu_cols ? "role" : NULL);
	for (i = 0; r->own != NULL && i < t->nrows; i++) {
		pid = val(t, i, "product_id");
		o = map_row(r->products, pid);
		if (o == 0) {
			cr_verify_problem(r->v, path, "line %lu: product "
			    "\"%.64s\" was not released (ownership.csv)",
			    t->rows[i].line, pid);
			continue;
		}
		if (strcmp(val(t, i, "name"), val(r->own, o - 1, "name")))
			cr_verify_problem(r->v, path, "line %lu: name differs "
			    "from ownership.csv line %lu", t->rows[i].line,
			    r->own->rows[o - 1].line);
		if (cols == share_cols) {
			if (strcmp(val(t, i, "via"), "quickshare") != 0 ||
			    strcmp(val(r->own, o - 1, "kind"), "domain") != 0)
				cr_verify_problem(r->v, path, "line %lu: not a "
				    "quickshare of a domain", t->rows[i].line);
			if (r->run_time != NULL && strcmp(val(t, i,
			    "effective_at"), r->run_time) != 0)
				cr_verify_problem(r->v, path, "line %lu: "
				    "effective_at is not the run time",
				    t->rows[i].line);
		} else {
			role = val(t, i, "role");
			if (strcmp(role, "admin") && strcmp(role, "tech") &&
			    strcmp(role, "bill"))
				cr_verify_problem(r->v, path, "line %lu: role "
				    "is not admin, tech or bill",
				    t->rows[i].line);
		}
	}
	return t;
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
	if (r->own != NULL)
		rec_count(r, "counts.products_released", r->own->nrows);
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
	r.released = cr_map_new();
	r.rcust = cr_map_new();
	r.products = cr_map_new();
	r.customers = cr_map_new();
	rec_required(&r);

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

	r.dec = rec_table(&r, "data/decisions.csv", dec_cols);
	if (r.dec != NULL) {
		rec_decisions(&r);
		rec_sorted(&r, r.dec, "data/decisions.csv", "request_id", NULL);
		r.have_counts = cr_bag_count(r.dec, &r.counts) == 0;
	}
	r.own = rec_table(&r, "data/ownership.csv", own_cols);
	if (r.own != NULL) {
		rec_ownership(&r);
		rec_sorted(&r, r.own, "data/ownership.csv", "product_id", NULL);
		rec_jsonl(&r);
	}
	r.cust = rec_table(&r, "data/customers.csv", cust_cols);
	if (r.cust != NULL) {
		rec_customers(&r);
		rec_sorted(&r, r.cust, "data/customers.csv", "customer_id",
		    NULL);
	}
	rec_emails(&r);
	tables.shares = rec_grants(&r, "data/shares.csv", share_cols);
	tables.cu = rec_grants(&r, "data/contact_updates.csv", cu_cols);
	if (r.sum != NULL) {
		rec_summary_counts(&r);
		rec_summary_inputs(&r);
	}
	tables.dec = r.dec;
	tables.own = r.own;
	tables.cust = r.cust;
	tables.released = r.released;
	tables.products = r.products;
	tables.customers = r.customers;
	cr_verify_manifest(v, &tables);
	cr_bag_table_free((struct cr_bag_table *)tables.shares);
	cr_bag_table_free((struct cr_bag_table *)tables.cu);

	cr_bag_table_free(r.dec);
	cr_bag_table_free(r.own);
	cr_bag_table_free(r.cust);
	cr_json_free(r.sum);
	cr_bag_counts_free(&r.counts);
	cr_map_free(r.released);
	cr_map_free(r.rcust);
	cr_map_free(r.products);
	cr_map_free(r.customers);
	free(r.nown);
	free(r.seen_cust);
	free(r.seen_mail);
}
