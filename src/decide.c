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
#include "err.h"
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

/* Why the customer, its products or their contacts and shares are broken. */
static char *
decide_broken_customer(const struct cr_model *m, const struct cr_customer *c)
{
	const struct cr_product *p;
	const struct cr_rec *r;
	char *why, what[192], qb[128], qb2[128];
	size_t i, j;

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
	return NULL;
}

/*
 * The first broken row the request depends on, in this order: the
 * organization, the customer and what hangs off it (when there is a
 * customer), the quickshare_to and import_to accounts.
 */
static char *
decide_broken(const struct cr_model *m, const struct cr_request *q,
    const struct cr_rec *org, const struct cr_customer *c)
{
	const char *accounts[2] = { q->r.val[MAN_QUICKSHARE_TO],
	    q->r.val[MAN_IMPORT_TO] };
	const struct cr_rec *r;
	char *why;
	size_t i;

	if (org != NULL && (why = decide_broken_rec(org, "organization",
	    org->val[ORG_ID])))
		return why;
	if (c != NULL && (why = decide_broken_customer(m, c)))
		return why;
	for (i = 0; i < 2; i++) {
		r = decide_get(m->accounts, accounts[i]);
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

/*
 * One request being decided: its manifest values, what the phases found
 * (the reseller organization, the customer, the import account, the
 * reseller's roles on the customer's domains, the import mismatch), and
 * the message under construction, with b1-b3 for the values Q() quotes
 * into it.  Each phase returns 1 when it decided the outcome (rejected or
 * skipped), 0 to go on.
 */
struct decide_req {
	struct cr_model			*m;
	struct cr_request		*q;
	const struct cr_decide_opts	*o;
	struct decide_msg		 dm;
	const char			*request_id, *reseller_id, *customer_id;
	const char			*quickshare_to, *import_to;
	const char			*reseller_contacts, *on_mismatch;
	struct cr_rec			*org, *import_account;
	struct cr_customer		*customer;
	char				*reseller_roles;	/* or NULL */
	char				*mismatch;		/* or NULL */
	char				 b1[128], b2[128], b3[128];
};

static int
decide_rejected(struct decide_req *d)
{
	if (d->q->codes == 0)
		return 0;
	d->q->outcome = CR_REJECTED;
	return 1;
}

/* Phase 1: the request itself (its values, its request_id). */
static int
decide_request(struct decide_req *d)
{
	struct cr_request *q = d->q;
	const char *applied_for;
	unsigned long line;

	if (q->bad != NULL)
		decide_add(q, &d->dm, CR_E_BAD_REQUEST, "bad request: %s",
		    q->bad);
	if (d->request_id != NULL) {
		applied_for = decide_get(d->m->hist_applied, d->request_id);
		if (cr_model_first(d->m, q, &line) < q->index)
			decide_add(q, &d->dm, CR_E_DUPLICATE_REQUEST,
			    "request_id \"%s\" already used at line %lu",
			    Q(d->b1, d->request_id), line);
		else if (applied_for != NULL &&
		    !cr_streq(applied_for, d->customer_id))
			decide_add(q, &d->dm, CR_E_DUPLICATE_REQUEST,
			    "request_id \"%s\" was applied by an earlier run "
			    "for customer \"%s\"", Q(d->b1, d->request_id),
			    Q(d->b2, applied_for));
	}
	return decide_rejected(d);
}

/* Phase 2: applied by a committed run. */
static int
decide_applied(struct decide_req *d)
{
	if (decide_get(d->m->hist_applied, d->request_id) == NULL)
		return 0;
	decide_add(d->q, &d->dm, CR_S_ALREADY_APPLIED, "request_id \"%s\" "
	    "was applied by an earlier run", Q(d->b1, d->request_id));
	d->q->outcome = CR_SKIPPED;
	return 1;
}

/* Phase 3: who is who, and is the export sound there. */
static int
decide_parties(struct decide_req *d)
{
	struct cr_request *q = d->q;
	const char *is_reseller;
	char *broken;

	d->org = decide_get(d->m->orgs, d->reseller_id);
	d->customer = decide_get(d->m->customers, d->customer_id);
	is_reseller = d->org != NULL ? d->org->val[ORG_RESELLER] : NULL;
	if (d->org == NULL)
		decide_add(q, &d->dm, CR_E_UNKNOWN_RESELLER, "reseller_id "
		    "\"%s\": no such organization", Q(d->b1, d->reseller_id));
	else if (is_reseller != NULL && cr_parse_bool(is_reseller) == 0)
		decide_add(q, &d->dm, CR_E_NOT_RESELLER, "organization \"%s\" "
		    "is not a reseller (reseller=%s)", Q(d->b1, d->reseller_id),
		    Q(d->b2, is_reseller));
	else if (is_reseller == NULL)
		decide_add(q, &d->dm, CR_E_NOT_RESELLER, "organization \"%s\" "
		    "is not a reseller (reseller is empty)",
		    Q(d->b1, d->reseller_id));
	if (d->customer == NULL)
		decide_add(q, &d->dm, CR_E_UNKNOWN_CUSTOMER, "customer_id "
		    "\"%s\": no such customer", Q(d->b1, d->customer_id));
	else if (!cr_streq(d->customer->r.val[CUS_RESELLER_ID], d->reseller_id))
		decide_add(q, &d->dm, CR_E_NOT_YOUR_CUSTOMER, "customer \"%s\" "
		    "belongs to \"%s\", not to \"%s\"",
		    Q(d->b1, d->customer_id),
		    d->customer->r.val[CUS_RESELLER_ID] ?
		    Q(d->b3, d->customer->r.val[CUS_RESELLER_ID]) : "",
		    Q(d->b2, d->reseller_id));
	if ((broken = decide_broken(d->m, q, d->org, d->customer)) != NULL) {
		decide_add(q, &d->dm, CR_E_EXPORT_INCONSISTENT, "the export "
		    "is inconsistent: %s", broken);
		free(broken);
	}
	return decide_rejected(d);
}

/* Phase 4: the customer's state (released before, twice in this run). */
static int
decide_state(struct decide_req *d)
{
	struct cr_request *q = d->q;
	struct cr_customer *c = d->customer;
	const char *status = c->r.val[CUS_STATUS];
	const char *released_by = decide_get(d->m->hist_released,
	    d->customer_id);
	const struct cr_request *first;

	if (released_by != NULL || cr_streq(status, "released")) {
		if (released_by != NULL)
			decide_add(q, &d->dm, CR_S_ALREADY_RELEASED, "customer "
			    "\"%s\" was released by request \"%s\" of an "
			    "earlier run", Q(d->b1, d->customer_id),
			    Q(d->b2, released_by));
		else
			decide_add(q, &d->dm, CR_S_ALREADY_RELEASED, "customer "
			    "\"%s\" is already released (status released)",
			    Q(d->b1, d->customer_id));
		q->outcome = CR_SKIPPED;
		return 1;
	}
	if (c->released_by != 0) {
		first = &d->m->req[c->released_by - 1];
		decide_add(q, &d->dm, CR_E_DUPLICATE_CUSTOMER, "customer "
		    "\"%s\" was released by request \"%s\" (line %lu) of this "
		    "run", Q(d->b1, d->customer_id),
		    first->r.val[MAN_REQUEST_ID], first->r.line);
	}
	if (!cr_streq(status, "active"))
		decide_add(q, &d->dm, CR_E_CUSTOMER_STATUS, "customer \"%s\" "
		    "status \"%s\": expected active", Q(d->b1, d->customer_id),
		    status ? Q(d->b2, status) : "");
	return decide_rejected(d);
}

/* Phase 5, first half: the customer's contact. */
static void
decide_contact(struct decide_req *d)
{
	struct decide_join problems = { NULL, 0 };
	struct cr_contact kc;

	decide_contact_of(&d->customer->r, &kc, 0);
	if (cr_validate_contact(&kc, decide_contact_problem, &problems) > 0) {
		decide_more(&problems.text, problems.items);
		decide_add(d->q, &d->dm, CR_E_CONTACT_INVALID, "customer "
		    "contact invalid: %s", problems.text);
	}
	free(problems.text);
	if (kc.email != NULL && d->org->val[ORG_EMAIL] != NULL &&
	    cr_email_equal(kc.email, d->org->val[ORG_EMAIL]))
		decide_add(d->q, &d->dm, CR_E_EMAIL_IS_RESELLER, "customer "
		    "email \"%s\" is the reseller's own email",
		    Q(d->b1, kc.email));
}

/* Phase 5: the contact, the accounts, the reseller's roles. */
static int
decide_checks(struct decide_req *d)
{
	struct cr_request *q = d->q;
	struct cr_rec *share_account;

	decide_contact(d);
	share_account = decide_get(d->m->accounts, d->quickshare_to);
	d->import_account = decide_get(d->m->accounts, d->import_to);
	if (d->quickshare_to != NULL && share_account == NULL)
		decide_add(q, &d->dm, CR_E_UNKNOWN_ACCOUNT, "quickshare_to "
		    "\"%s\": no such account", Q(d->b1, d->quickshare_to));
	if (d->import_to != NULL && d->import_account == NULL)
		decide_add(q, &d->dm, CR_E_UNKNOWN_ACCOUNT, "import_to \"%s\": "
		    "no such account", Q(d->b1, d->import_to));
	d->reseller_roles = decide_reseller_roles(d->customer, d->org);
	if (d->reseller_roles != NULL && d->reseller_contacts == NULL)
		decide_add(q, &d->dm, CR_E_RESELLER_CONTACT, "the reseller is "
		    "%s; set reseller_contacts to replace or keep",
		    d->reseller_roles);
	if (d->import_account != NULL)
		d->mismatch = decide_mismatch(d->customer, d->import_account);
	if (d->mismatch != NULL && cr_streq(d->on_mismatch, "reject"))
		decide_add(q, &d->dm, CR_E_CONTACT_MISMATCH, "import_to "
		    "account \"%s\" does not match the customer (%s %s)",
		    Q(d->b1, d->import_to), d->mismatch,
		    strchr(d->mismatch, ',') ? "differ" : "differs");
	return decide_rejected(d);
}

/* Released: one domain's quickshare grant and reseller contact updates. */
static void
decide_domain(struct decide_req *d, struct cr_product *p)
{
	struct cr_request *q = d->q;
	size_t k;
	int shared;

	if (d->quickshare_to != NULL) {
		for (shared = 0, k = 0; k < p->nshares; k++)
			shared |= cr_streq(p->shares[k]->val[SH_USERNAME],
			    d->quickshare_to);
		if (shared)
			decide_add(q, &d->dm, CR_W_ALREADY_SHARED, "%s is "
			    "already shared with \"%s\"",
			    Q(d->b1, p->r.val[PRD_NAME]),
			    Q(d->b2, d->quickshare_to));
		else {
			q->grants = xreallocarray(q->grants, q->ngrants + 1,
			    sizeof *q->grants);
			q->grants[q->ngrants++] = p;
		}
	}
	if (!cr_streq(d->reseller_contacts, "replace"))
		return;
	for (k = 0; k < p->ncontacts; k++) {
		if (!decide_is_reseller_contact(p->contacts[k], d->org))
			continue;
		q->updates = xreallocarray(q->updates, q->nupdates + 1,
		    sizeof *q->updates);
		q->updates[q->nupdates].product = p;
		q->updates[q->nupdates++].contact = p->contacts[k];
	}
}

/* Released: the effects and the warnings. */
static void
decide_release(struct decide_req *d)
{
	struct cr_request *q = d->q;
	struct cr_customer *c = d->customer;
	const char *lang = c->r.val[CUS_LANG];
	size_t i;
	int defaulted = 0;

	q->outcome = CR_RELEASED;
	q->customer = c;
	q->org = d->org;
	c->released_by = (size_t)(q - d->m->req) + 1;	/* its position */
	if (d->import_account != NULL && d->mismatch == NULL)
		q->import_account = d->import_account;
	if (d->mismatch != NULL) {
		q->change_owner = 1;
		decide_add(q, &d->dm, CR_W_CHANGE_OWNER_REQUIRED, "import_to "
		    "account \"%s\" does not match the customer (%s %s): "
		    "released to a new account, a change of owner is required",
		    Q(d->b1, d->import_to), d->mismatch,
		    strchr(d->mismatch, ',') ? "differ" : "differs");
	}
	if (d->reseller_roles != NULL && cr_streq(d->reseller_contacts, "keep"))
		decide_add(q, &d->dm, CR_W_RESELLER_CONTACT_KEPT, "the reseller "
		    "stays %s", d->reseller_roles);
	for (i = 0; i < c->nproducts; i++)
		if (decide_is_domain(c->products[i]))
			decide_domain(d, c->products[i]);
	if (c->nproducts == 0)
		decide_add(q, &d->dm, CR_W_NO_PRODUCTS, "customer \"%s\" has no "
		    "products: the account alone is released",
		    Q(d->b1, d->customer_id));
	q->lang = d->o && d->o->resolve_lang ? d->o->resolve_lang(
	    d->o->lang_arg, lang, &defaulted) : "en";
	if (defaulted)
		decide_add(q, &d->dm, CR_W_LANG_DEFAULTED, "no claim email "
		    "template for lang \"%s\": the email is in English",
		    Q(d->b1, lang));
}

/* The five phases in order; the first that decides ends the request. */
static void
decide_one(struct cr_model *m, struct cr_request *q,
    const struct cr_decide_opts *o)
{
	struct decide_req req, *d = &req;

	memset(d, 0, sizeof *d);
	d->m = m;
	d->q = q;
	d->o = o;
	d->request_id = q->r.val[MAN_REQUEST_ID];
	d->reseller_id = q->r.val[MAN_RESELLER_ID];
	d->customer_id = q->r.val[MAN_CUSTOMER_ID];
	d->quickshare_to = q->r.val[MAN_QUICKSHARE_TO];
	d->import_to = q->r.val[MAN_IMPORT_TO];
	d->reseller_contacts = q->r.val[MAN_RESELLER_CONTACTS];
	d->on_mismatch = q->r.val[MAN_ON_MISMATCH];
	q->codes = 0;
	if (!decide_request(d) && !decide_applied(d) && !decide_parties(d) &&
	    !decide_state(d) && !decide_checks(d))
		decide_release(d);
	free(d->reseller_roles);
	free(d->mismatch);
	decide_finish(q, &d->dm);
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
