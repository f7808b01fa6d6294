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
 * printed its warnings).  It deliberately decides nothing: what only the
 * export knew (which domains were shared already, which contacts were
 * the reseller's, whether the account matched) it takes from the codes.
 */
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
#include "xmalloc.h"

/* What a manifest row says, kept by its line. */
struct vm_req {
	char	*val[MAN_NCOLS];	/* NULL when absent */
};

struct vm {
	struct cr_verify		*v;
	const struct cr_verify_tables	*t;
	struct cr_map			*bylin;	/* line -> struct vm_req */
	struct cr_map			*granted; /* product_id -> 1 */
};

static const char *
vm_val(const struct cr_bag_table *t, size_t i, const char *col)
{
	return cr_bag_value(cr_bag_cell(t, i, cr_bag_col(t, col)));
}

/* The row + 1 of `key` in a map of struct cr_verify_tables, or 0. */
static size_t
vm_row_of(const struct cr_map *map, const char *key)
{
	void **slot = cr_map_get(map, key, strlen(key));

	return slot != NULL ? (size_t)(uintptr_t)*slot : 0;
}

static const char *
vm_man(const struct vm_req *q, int col)
{
	return q->val[col] != NULL ? q->val[col] : "";
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
	struct vm_req *q;
	char key[32];
	void **slot;
	int c;

	snprintf(key, sizeof key, "%lu", row->line);
	if (!cr_map_put(m->bylin, key, strlen(key), &slot, NULL))
		return 0;
	q = xcalloc(1, sizeof *q);
	for (c = 0; c < MAN_NCOLS; c++)
		if (row->val[c] != NULL)
			q->val[c] = xmemdup0(row->val[c], row->len[c]);
	*slot = q;
	return 0;
}

static void
vm_req_free(void *arg, const char *key, void *value)
{
	struct vm_req *q = value;
	int c;

	(void)arg;
	(void)key;
	for (c = 0; c < MAN_NCOLS; c++)
		free(q->val[c]);
	free(q);
}

/* Read the bag's manifest into m->bylin: 0, or -1 after a problem. */
static int
vm_read(struct vm *m)
{
	struct cr_verify_file *f;
	struct cr_stream *s;
	int xml, rc;

	f = cr_verify_find(m->v, "data/manifest.csv");
	xml = f == NULL;
	if (xml)
		f = cr_verify_find(m->v, "data/manifest.xml");
	if (f == NULL || f->data == NULL)
		return -1;	/* missing (reported) or too big */
	s = cr_stream_mem(f->data, f->len, f->path);
	cr_err_hold();		/* the problem below says it all */
	rc = xml ? cr_xml_read_manifest(s, vm_row, m) :
	    cr_csv_read(s, cr_schema_get(CR_T_MANIFEST), vm_row, m);
	cr_err_release();
	cr_stream_free(s);
	if (rc != 0) {
		cr_verify_problem(m->v, f->path, "cannot be read as a release "
		    "manifest: the run could not have read it");
		return -1;
	}
	return 0;
}

/* The manifest row at the line of decisions row d, or NULL. */
static const struct vm_req *
vm_by_line(const struct vm *m, size_t d)
{
	const char *line = vm_val(m->t->dec, d, "line");
	void **slot = cr_map_get(m->bylin, line, strlen(line));

	return slot != NULL ? *slot : NULL;
}

/* Released requests: the same ids as their manifest rows. */
static void
vm_decisions(struct vm *m)
{
	static const struct { const char *col; int man; } ids[] = {
		{ "request_id", MAN_REQUEST_ID },
		{ "reseller_id", MAN_RESELLER_ID },
		{ "customer_id", MAN_CUSTOMER_ID },
	};
	const struct cr_bag_table *dec = m->t->dec;
	const struct vm_req *q;
	size_t d, k;

	for (d = 0; d < dec->nrows; d++) {
		if (strcmp(vm_val(dec, d, "outcome"), "released") != 0)
			continue;
		if ((q = vm_by_line(m, d)) == NULL) {
			cr_verify_problem(m->v, "data/decisions.csv", "line "
			    "%lu: manifest line %.20s holds no request",
			    dec->rows[d].line, vm_val(dec, d, "line"));
			continue;
		}
		for (k = 0; k < sizeof ids / sizeof ids[0]; k++)
			if (!cr_bag_cell_is(cr_bag_cell(dec, d,
			    cr_bag_col(dec, ids[k].col)), vm_man(q,
			    ids[k].man)))
				cr_verify_problem(m->v, "data/decisions.csv",
				    "line %lu: %s is not the manifest's",
				    dec->rows[d].line, ids[k].col);
	}
}

/*
 * The manifest row of released request `id`, its codes in *codes; NULL
 * when there is none (reported by verify-records.c or vm_decisions).
 */
static const struct vm_req *
vm_released(const struct vm *m, const char *id, const char **codes)
{
	size_t d = vm_row_of(m->t->released, id);

	if (d == 0)
		return NULL;
	*codes = vm_val(m->t->dec, d - 1, "codes");
	return vm_by_line(m, d - 1);
}

/* Ownership: `to`; and each domain's grant. */
static void
vm_ownership(struct vm *m)
{
	const struct cr_bag_table *own = m->t->own;
	const struct vm_req *q;
	const char *codes, *imp, *qs, *pid;
	char *want;
	size_t i;

	for (i = 0; i < own->nrows; i++) {
		q = vm_released(m, vm_val(own, i, "request_id"), &codes);
		if (q == NULL)
			continue;
		imp = vm_man(q, MAN_IMPORT_TO);
		if (*imp == '\0' || vm_has_code(codes,
		    "W_CHANGE_OWNER_REQUIRED"))
			want = xstrdup("new-account");
		else
			xasprintf(&want, "account:%s", imp);
		if (strcmp(vm_val(own, i, "to"), want) != 0)
			cr_verify_problem(m->v, "data/ownership.csv", "line "
			    "%lu: to is not %.80s, as the manifest and the "
			    "codes say", own->rows[i].line, want);
		free(want);
		qs = vm_man(q, MAN_QUICKSHARE_TO);
		pid = vm_val(own, i, "product_id");
		if (*qs != '\0' && strcmp(vm_val(own, i, "kind"), "domain")
		    == 0 && cr_map_get(m->granted, pid, strlen(pid)) == NULL
		    && !vm_has_code(codes, "W_ALREADY_SHARED"))
			cr_verify_problem(m->v, "data/shares.csv", "no grant "
			    "of domain \"%.64s\" (ownership.csv line %lu) to "
			    "the request's quickshare_to", pid,
			    own->rows[i].line);
	}
}

/* The request of a product, through ownership.csv; NULL when none. */
static const struct vm_req *
vm_product_request(const struct vm *m, const char *pid, const char **codes,
    size_t *own_row)
{
	size_t o = vm_row_of(m->t->products, pid);

	if (o == 0)
		return NULL;	/* reported by verify-records.c */
	*own_row = o - 1;
	return vm_released(m, vm_val(m->t->own, o - 1, "request_id"), codes);
}

/* Grants and contact updates against their requests. */
static void
vm_grants(struct vm *m)
{
	const struct cr_verify_tables *t = m->t;
	const struct vm_req *q;
	const char *pid, *codes, *cid, *email;
	void **slot;
	size_t i, o, c;

	for (i = 0; t->shares != NULL && i < t->shares->nrows; i++) {
		pid = vm_val(t->shares, i, "product_id");
		(void)cr_map_put(m->granted, pid, strlen(pid), &slot, NULL);
		q = vm_product_request(m, pid, &codes, &o);
		if (q != NULL && strcmp(vm_val(t->shares, i, "username"),
		    vm_man(q, MAN_QUICKSHARE_TO)) != 0)
			cr_verify_problem(m->v, "data/shares.csv", "line %lu: "
			    "username is not the request's quickshare_to",
			    t->shares->rows[i].line);
	}
	for (i = 0; t->cu != NULL && i < t->cu->nrows; i++) {
		pid = vm_val(t->cu, i, "product_id");
		q = vm_product_request(m, pid, &codes, &o);
		if (q == NULL)
			continue;
		if (strcmp(vm_man(q, MAN_RESELLER_CONTACTS), "replace") != 0)
			cr_verify_problem(m->v, "data/contact_updates.csv",
			    "line %lu: the request did not ask to replace "
			    "reseller contacts", t->cu->rows[i].line);
		cid = vm_val(t->own, o, "customer_id");
		c = t->cust != NULL ? vm_row_of(t->customers, cid) : 0;
		email = c > 0 ? vm_val(t->cust, c - 1, "email") : NULL;
		if (email != NULL && strcmp(vm_val(t->cu, i, "new_email"),
		    email) != 0)
			cr_verify_problem(m->v, "data/contact_updates.csv",
			    "line %lu: new_email is not the customer's email "
			    "(customers.csv)", t->cu->rows[i].line);
	}
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
	m.bylin = cr_map_new();
	m.granted = cr_map_new();
	if (vm_read(&m) == 0) {
		vm_decisions(&m);
		if (t->own != NULL) {
			vm_grants(&m);
			vm_ownership(&m);
		}
	}
	cr_map_foreach(m.bylin, vm_req_free, NULL);
	cr_map_free(m.bylin);
	cr_map_free(m.granted);
}
