/*
 * decide.c -- docs/format.md 3 applied to each request of the model, in manifest
 * order: five phases, each reporting every code it finds and ending the
 * evaluation when it found one; then, for a release, its effects (the
 * import target, quickshare grants, contact replacements, the email
 * language).  One sentence per code, naming field and value.
 *
 * It reads nothing and writes nothing; emit.c turns the result into files
 * and cmd-plan.c into a table.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "diag.h"
#include "hash.h"
#include "rowcheck.h"
#include "validate.h"
#include "xmalloc.h"

const char *
cr_outcome_name(enum cr_outcome o)
{
	static const char *const names[] = { "released", "skipped",
	    "rejected" };

	return names[o];
}

/*
 * The sentences of one request, one slot per code.  A code found many
 * times (one clause per domain, say) names its first CR_MSG_CLAUSES
 * findings and counts the others, so that a message stays bounded and is
 * built in time linear in the findings, however many products a customer
 * has.
 */
struct decide_msg {
	char	*sentence[CR_CODE_COUNT];
	size_t	 clauses[CR_CODE_COUNT];
	int	 n;
};

static void __attribute__((format(printf, 4, 5)))
decide_add(struct cr_request *q, struct decide_msg *dm, enum cr_code c,
    const char *fmt, ...)
{
	va_list ap;
	char *s;

	q->codes |= 1U << c;
	if (dm->clauses[c]++ >= CR_MSG_CLAUSES)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s == NULL)
		s = xstrdup(cr_code_name(c));
	if (dm->sentence[c] != NULL) {
		/* one sentence per code: a second finding is a clause */
		char *joined;

		xasprintf(&joined, "%s, %s", dm->sentence[c], s);
		free(dm->sentence[c]);
		free(s);
		s = joined;
	} else
		dm->n++;
	dm->sentence[c] = s;
}

/* ", and 24990 more" after a sentence that named only the first few. */
static void
decide_more(char **sentence, size_t count)
{
	char *s;

	if (count <= CR_MSG_CLAUSES)
		return;
	xasprintf(&s, "%s, and %zu more", *sentence, count - CR_MSG_CLAUSES);
	free(*sentence);
	*sentence = s;
}

static void
decide_finish(struct cr_request *q, struct decide_msg *dm)
{
	size_t len = 0;
	char *out;
	int c;

	for (c = 0; c < CR_CODE_COUNT; c++) {
		if (dm->sentence[c] == NULL)
			continue;
		decide_more(&dm->sentence[c], dm->clauses[c]);
		len += strlen(dm->sentence[c]) + 2;
	}
	out = xmalloc(len + 1);
	out[0] = '\0';
	for (c = 0; c < CR_CODE_COUNT; c++) {
		if (dm->sentence[c] == NULL)
			continue;
		if (out[0] != '\0')
			strcat(out, "; ");
		strcat(out, dm->sentence[c]);
		free(dm->sentence[c]);
		dm->sentence[c] = NULL;
	}
	free(q->message);
	q->message = out;
}

/* A value for a message: printable and short. */
#define Q(buf, v) cr_diag_quote(buf, sizeof buf, (v), strlen(v), 80)

static void *
decide_get(const struct cr_map *m, const char *key)
{
	void **slot;

	if (m == NULL || key == NULL)
		return NULL;
	slot = cr_map_get(m, key, strlen(key));
	return slot ? *slot : NULL;
}

/* --- phase 3: what is broken in the rows the request depends on --------- */

/*
 * Why a kept row is broken, naming the row by what it is and its key --
 * never by file and line, so that the CSV and XML forms of one export give
 * the same message -- or NULL.
 */
static char *
decide_broken_rec(const struct cr_rec *r, const char *what, const char *key)
{
	char *s, q[128];

	if (r->problem != NULL) {
		xasprintf(&s, "%s \"%s\": %s", what, Q(q, key), r->problem);
		return s;
	}
	if (r->dups != 0) {
		xasprintf(&s, "%s \"%s\": its id is not unique in the export",
		    what, Q(q, key));
		return s;
	}
	return NULL;
}

static char *
decide_broken(const struct cr_model *m, const struct cr_request *q,
    const struct cr_rec *org, const struct cr_customer *c)
{
	const char *acc[2] = { q->r.val[MAN_QUICKSHARE_TO],
	    q->r.val[MAN_IMPORT_TO] };
	const struct cr_product *p;
	const struct cr_rec *r;
	char *why, what[192], qb[128], qb2[128];
	size_t i, j;

	if (org != NULL && (why = decide_broken_rec(org, "organization",
	    org->val[ORG_ID])))
		return why;
	if (c == NULL)
		goto accounts;
	if ((why = decide_broken_rec(&c->r, "customer", c->r.val[CUS_ID])))
		return why;
	if (c->dangling) {
		xasprintf(&why, "customer \"%s\": reseller_id \"%s\" names no "
		    "organization", Q(qb, c->r.val[CUS_ID]),
		    Q(qb2, c->r.val[CUS_RESELLER_ID]));
		return why;
	}
	if ((why = decide_get(m->child_problems, c->r.val[CUS_ID])))
		return xstrdup(why);
	for (i = 0; i < c->nproducts; i++) {
		p = c->products[i];
		if ((why = decide_broken_rec(&p->r, "product",
		    p->r.val[PRD_ID])))
			return why;
		for (j = 0; j < p->ncontacts; j++) {
			r = p->contacts[j];
			snprintf(what, sizeof what, "%s contact of product",
			    r->val[DC_ROLE] ? r->val[DC_ROLE] : "a");
			if (r->problem != NULL)
				return decide_broken_rec(r, what,
				    p->r.val[PRD_ID]);
			if (r->dups != 0) {
				xasprintf(&why, "product \"%s\": more than one "
				    "%s contact", Q(qb, p->r.val[PRD_ID]),
				    r->val[DC_ROLE]);
				return why;
			}
		}
		for (j = 0; j < p->nshares; j++) {
			if (p->shares[j]->problem != NULL)
				return decide_broken_rec(p->shares[j],
				    "share of product", p->r.val[PRD_ID]);
		}
	}
accounts:
	for (i = 0; i < 2; i++) {
		r = decide_get(m->accounts, acc[i]);
		if (r != NULL && (why = decide_broken_rec(r, "account",
		    r->val[ACC_USERNAME])))
			return why;
	}
	return NULL;
}

/* --- phase 5 helpers --------------------------------------------------------- */

static void
decide_contact_of(const struct cr_rec *r, struct cr_contact *k, int account)
{
	memset(k, 0, sizeof *k);
	if (account) {
		k->type = r->val[ACC_TYPE];
		k->firstname = r->val[ACC_FIRSTNAME];
		k->lastname = r->val[ACC_LASTNAME];
		k->orgname = r->val[ACC_ORGNAME];
		k->email = r->val[ACC_EMAIL];
		k->country = r->val[ACC_COUNTRY];
		return;
	}
	k->type = r->val[CUS_TYPE];
	k->firstname = r->val[CUS_FIRSTNAME];
	k->lastname = r->val[CUS_LASTNAME];
	k->orgname = r->val[CUS_ORGNAME];
	k->email = r->val[CUS_EMAIL];
	k->streetaddr = r->val[CUS_STREETADDR];
	k->streetaddr2 = r->val[CUS_STREETADDR2];
	k->zip = r->val[CUS_ZIP];
	k->city = r->val[CUS_CITY];
	k->state = r->val[CUS_STATE];
	k->country = r->val[CUS_COUNTRY];
	k->phone = r->val[CUS_PHONE];
	k->fax = r->val[CUS_FAX];
	k->lang = r->val[CUS_LANG];
}

/* A list of at most CR_MSG_CLAUSES items, then a count of the others. */
struct decide_join {
	char	*text;
	size_t	 items;
};

static void
decide_join(struct decide_join *j, const char *sep, const char *s)
{
	char *t;

	if (j->items++ >= CR_MSG_CLAUSES)
		return;
	if (j->text == NULL)
		j->text = xstrdup(s);
	else {
		xasprintf(&t, "%s%s%s", j->text, sep, s);
		free(j->text);
		j->text = t;
	}
}

static void
decide_contact_problem(void *arg, const char *field, const char *msg)
{
	(void)field;
	decide_join(arg, ", ", msg);
}

/* Is contact row r the reseller's (role admin/tech/bill)? */
static int
decide_is_reseller_contact(const struct cr_rec *r, const struct cr_rec *org)
{
	const char *role = r->val[DC_ROLE];

	if (role == NULL || strcmp(role, "owner") == 0)
		return 0;
	if (cr_streq(r->val[DC_ORG_ID], org->val[ORG_ID]))
		return 1;
	return r->val[DC_EMAIL] != NULL && org->val[ORG_EMAIL] != NULL &&
	    cr_email_equal(r->val[DC_EMAIL], org->val[ORG_EMAIL]);
}

static int
decide_is_domain(const struct cr_product *p)
{
	return cr_streq(p->r.val[PRD_KIND], "domain");
}

/* "admin of a.example, tech of a.example" for the reseller's roles. */
static char *
decide_reseller_roles(const struct cr_customer *c, const struct cr_rec *org)
{
	struct decide_join j = { NULL, 0 };
	const struct cr_product *p;
	char *s, qb[128];
	size_t i, k;

	for (i = 0; i < c->nproducts; i++) {
		p = c->products[i];
		if (!decide_is_domain(p))
			continue;
		for (k = 0; k < p->ncontacts; k++) {
			if (!decide_is_reseller_contact(p->contacts[k], org))
				continue;
			xasprintf(&s, "%s of %s", p->contacts[k]->val[DC_ROLE],
			    Q(qb, p->r.val[PRD_NAME]));
			decide_join(&j, ", ", s);
			free(s);
		}
	}
	if (j.text != NULL)
		decide_more(&j.text, j.items);
	return j.text;
}

/* The fields on which an account differs from the customer, or NULL. */
static char *
decide_mismatch(const struct cr_customer *c, const struct cr_rec *acc)
{
	static const struct { const char *name; int cus, acc; } f[] = {
		{ "firstname", CUS_FIRSTNAME, ACC_FIRSTNAME },
		{ "lastname", CUS_LASTNAME, ACC_LASTNAME },
		{ "orgname", CUS_ORGNAME, ACC_ORGNAME },
		{ "email", CUS_EMAIL, ACC_EMAIL },
	};
	struct cr_contact kc, ka;
	struct decide_join j = { NULL, 0 };
	const char *a, *b;
	size_t i;

	decide_contact_of(&c->r, &kc, 0);
	decide_contact_of(acc, &ka, 1);
	if (cr_import_match(&kc, &ka))
		return NULL;
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		a = c->r.val[f[i].cus];
		b = acc->val[f[i].acc];
		if (a == NULL && b == NULL && i != 3)
			continue;
		if (!cr_match_equal(a, b))
			decide_join(&j, ", ", f[i].name);
	}
	if (!cr_streq(c->r.val[CUS_COUNTRY], acc->val[ACC_COUNTRY]))
		decide_join(&j, ", ", "country");
	if (j.text == NULL)
		j.text = xstrdup("contact details");
	return j.text;
}

/* --- one request ----------------------------------------------------------------- */

static void
decide_one(struct cr_model *m, struct cr_request *q,
    const struct cr_decide_opts *o)
{
	struct decide_msg dm;
	const char *rid = q->r.val[MAN_REQUEST_ID];
	const char *oid = q->r.val[MAN_RESELLER_ID];
	const char *cid = q->r.val[MAN_CUSTOMER_ID];
	const char *qs = q->r.val[MAN_QUICKSHARE_TO];
	const char *imp = q->r.val[MAN_IMPORT_TO];
	const char *rc = q->r.val[MAN_RESELLER_CONTACTS];
	const char *om = q->r.val[MAN_ON_MISMATCH];
	const char *hist, *status, *lang;
	struct cr_customer *c;
	struct cr_rec *org, *acc_q, *acc_i;
	struct cr_contact kc;
	struct decide_join j = { NULL, 0 };
	struct cr_product *p;
	char b1[128], b2[128], b3[128], *s;
	size_t i, k, first;
	int defaulted, shared;

	memset(&dm, 0, sizeof dm);
	q->codes = 0;

	/* phase 1: the request itself */
	if (q->bad != NULL)
		decide_add(q, &dm, CR_E_BAD_REQUEST, "bad request: %s", q->bad);
	if (rid != NULL) {
		first = (size_t)(uintptr_t)decide_get(m->req_first, rid) - 1;
		hist = decide_get(m->hist_applied, rid);
		if (first < q->index)
			decide_add(q, &dm, CR_E_DUPLICATE_REQUEST,
			    "request_id \"%s\" already used at line %lu",
			    Q(b1, rid), m->req[first].r.line);
		else if (hist != NULL && !cr_streq(hist, cid))
			decide_add(q, &dm, CR_E_DUPLICATE_REQUEST,
			    "request_id \"%s\" was applied by an earlier run "
			    "for customer \"%s\"", Q(b1, rid), Q(b2, hist));
	}
	if (q->codes != 0)
		goto rejected;

	/* phase 2: applied by a committed run */
	if (decide_get(m->hist_applied, rid) != NULL) {
		decide_add(q, &dm, CR_S_ALREADY_APPLIED, "request_id \"%s\" was "
		    "applied by an earlier run", Q(b1, rid));
		q->outcome = CR_SKIPPED;
		goto done;
	}

	/* phase 3: who is who, and is the export sound there */
	org = decide_get(m->orgs, oid);
	c = decide_get(m->customers, cid);
	if (org == NULL)
		decide_add(q, &dm, CR_E_UNKNOWN_RESELLER, "reseller_id \"%s\": "
		    "no such organization", Q(b1, oid));
	else if (org->val[ORG_RESELLER] != NULL &&
	    cr_parse_bool(org->val[ORG_RESELLER]) == 0)
		decide_add(q, &dm, CR_E_NOT_RESELLER, "organization \"%s\" is "
		    "not a reseller (reseller=%s)", Q(b1, oid),
		    Q(b2, org->val[ORG_RESELLER]));
	else if (org->val[ORG_RESELLER] == NULL)
		decide_add(q, &dm, CR_E_NOT_RESELLER, "organization \"%s\" is "
		    "not a reseller (reseller is empty)", Q(b1, oid));
	if (c == NULL)
		decide_add(q, &dm, CR_E_UNKNOWN_CUSTOMER, "customer_id \"%s\": "
		    "no such customer", Q(b1, cid));
	else if (!cr_streq(c->r.val[CUS_RESELLER_ID], oid))
		decide_add(q, &dm, CR_E_NOT_YOUR_CUSTOMER, "customer \"%s\" "
		    "belongs to \"%s\", not to \"%s\"", Q(b1, cid),
		    c->r.val[CUS_RESELLER_ID] ? Q(b3, c->r.val[CUS_RESELLER_ID]) :
		    "", Q(b2, oid));
	if ((s = decide_broken(m, q, org, c)) != NULL) {
		decide_add(q, &dm, CR_E_EXPORT_INCONSISTENT, "the export is "
		    "inconsistent: %s", s);
		free(s);
	}
	if (q->codes != 0)
		goto rejected;

	/* phase 4: the customer's state */
	status = c->r.val[CUS_STATUS];
	hist = decide_get(m->hist_released, cid);
	if (cr_streq(status, "released") || hist != NULL) {
		if (hist != NULL)
			decide_add(q, &dm, CR_S_ALREADY_RELEASED, "customer "
			    "\"%s\" was released by request \"%s\" of an "
			    "earlier run", Q(b1, cid), Q(b2, hist));
		else
			decide_add(q, &dm, CR_S_ALREADY_RELEASED, "customer "
			    "\"%s\" is already released (status released)",
			    Q(b1, cid));
		q->outcome = CR_SKIPPED;
		goto done;
	}
	if (c->released_by != 0)
		decide_add(q, &dm, CR_E_DUPLICATE_CUSTOMER, "customer \"%s\" "
		    "was released by request \"%s\" (line %lu) of this run",
		    Q(b1, cid), m->req[c->released_by - 1].r.val[MAN_REQUEST_ID],
		    m->req[c->released_by - 1].r.line);
	if (!cr_streq(status, "active"))
		decide_add(q, &dm, CR_E_CUSTOMER_STATUS, "customer \"%s\" "
		    "status \"%s\": expected active", Q(b1, cid),
		    status ? Q(b2, status) : "");
	if (q->codes != 0)
		goto rejected;

	/* phase 5: everything else */
	decide_contact_of(&c->r, &kc, 0);
	if (cr_validate_contact(&kc, decide_contact_problem, &j) > 0) {
		decide_more(&j.text, j.items);
		decide_add(q, &dm, CR_E_CONTACT_INVALID, "customer contact "
		    "invalid: %s", j.text);
	}
	free(j.text);
	j.text = NULL;
	j.items = 0;
	if (kc.email != NULL && org->val[ORG_EMAIL] != NULL &&
	    cr_email_equal(kc.email, org->val[ORG_EMAIL]))
		decide_add(q, &dm, CR_E_EMAIL_IS_RESELLER, "customer email "
		    "\"%s\" is the reseller's own email", Q(b1, kc.email));
	acc_q = decide_get(m->accounts, qs);
	acc_i = decide_get(m->accounts, imp);
	if (qs != NULL && acc_q == NULL)
		decide_add(q, &dm, CR_E_UNKNOWN_ACCOUNT, "quickshare_to \"%s\": "
		    "no such account", Q(b1, qs));
	if (imp != NULL && acc_i == NULL)
		decide_add(q, &dm, CR_E_UNKNOWN_ACCOUNT, "import_to \"%s\": no "
		    "such account", Q(b1, imp));
	s = decide_reseller_roles(c, org);
	if (s != NULL && rc == NULL)
		decide_add(q, &dm, CR_E_RESELLER_CONTACT, "the reseller is %s; "
		    "set reseller_contacts to replace or keep", s);
	if (acc_i != NULL && (j.text = decide_mismatch(c, acc_i)) != NULL &&
	    cr_streq(om, "reject"))
		decide_add(q, &dm, CR_E_CONTACT_MISMATCH, "import_to account "
		    "\"%s\" does not match the customer (%s %s)",
		    Q(b1, imp), j.text, strchr(j.text, ',') ? "differ" :
		    "differs");
	if (q->codes != 0) {
		free(s);
		free(j.text);
		goto rejected;
	}

	/* released: effects and warnings */
	q->outcome = CR_RELEASED;
	q->customer = c;
	q->org = org;
	c->released_by = q->index + 1;
	if (acc_i != NULL && j.text == NULL)
		q->import_account = acc_i;
	if (j.text != NULL) {
		q->change_owner = 1;
		decide_add(q, &dm, CR_W_CHANGE_OWNER_REQUIRED, "import_to "
		    "account \"%s\" does not match the customer (%s %s): "
		    "released to a new account, a change of owner is required",
		    Q(b1, imp), j.text, strchr(j.text, ',') ? "differ" :
		    "differs");
		free(j.text);
	}
	if (s != NULL && cr_streq(rc, "keep"))
		decide_add(q, &dm, CR_W_RESELLER_CONTACT_KEPT, "the reseller "
		    "stays %s", s);
	free(s);
	for (i = 0; i < c->nproducts; i++) {
		p = c->products[i];
		if (!decide_is_domain(p))
			continue;
		if (qs != NULL) {
			for (shared = 0, k = 0; k < p->nshares; k++)
				shared |= cr_streq(
				    p->shares[k]->val[SH_USERNAME], qs);
			if (shared)
				decide_add(q, &dm, CR_W_ALREADY_SHARED, "%s is "
				    "already shared with \"%s\"",
				    Q(b1, p->r.val[PRD_NAME]), Q(b2, qs));
			else {
				q->grants = xreallocarray(q->grants,
				    q->ngrants + 1, sizeof *q->grants);
				q->grants[q->ngrants++] = p;
			}
		}
		if (!cr_streq(rc, "replace"))
			continue;
		for (k = 0; k < p->ncontacts; k++) {
			if (!decide_is_reseller_contact(p->contacts[k], org))
				continue;
			q->updates = xreallocarray(q->updates, q->nupdates + 1,
			    sizeof *q->updates);
			q->updates[q->nupdates].product = p;
			q->updates[q->nupdates++].contact = p->contacts[k];
		}
	}
	if (c->nproducts == 0)
		decide_add(q, &dm, CR_W_NO_PRODUCTS, "customer \"%s\" has no "
		    "products: the account alone is released", Q(b1, cid));
	lang = c->r.val[CUS_LANG];
	defaulted = 0;
	q->lang = o && o->resolve_lang ? o->resolve_lang(o->lang_arg, lang,
	    &defaulted) : "en";
	if (defaulted)
		decide_add(q, &dm, CR_W_LANG_DEFAULTED, "no claim email "
		    "template for lang \"%s\": the email is in English",
		    Q(b1, lang));
	goto done;

rejected:
	q->outcome = CR_REJECTED;
done:
	decide_finish(q, &dm);
}

void
cr_decide(struct cr_model *m, const struct cr_decide_opts *o)
{
	size_t i;

	for (i = 0; i < m->nreq; i++)
		decide_one(m, &m->req[i], o);
}

void
cr_decide_count(const struct cr_model *m, struct cr_decide_counts *n)
{
	const struct cr_request *q;
	size_t i;
	int c;

	memset(n, 0, sizeof *n);
	for (i = 0; i < m->nreq; i++) {
		q = &m->req[i];
		n->outcome[q->outcome]++;
		for (c = 0; c < CR_CODE_COUNT; c++) {
			if (q->codes & (1U << c))
				n->code[c]++;
		}
		if (q->outcome == CR_RELEASED)
			n->products += q->customer->nproducts;
	}
}
