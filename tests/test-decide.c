/*
 * test-decide.c -- unit tests of the decide stage (decide.c) on tiny
 * exports read by the read stage (load.c): a clean release, the phases of
 * docs/format.md 3 in order (bad and duplicate requests, the history of committed
 * runs, reseller and customer, status and duplicate customers, the
 * contact checks), the reseller as a domain contact (replace, keep),
 * quickshare grants, the import match and the warnings and languages.
 * Each test asserts outcomes, the exact code sets and key parts of the
 * messages for the rules of docs/format.md 3 and docs/behaviour.md.  Inputs are
 * embedded and written by the shared fixture (decide-world.c);
 * E_EXPORT_INCONSISTENT is in test-decide-inconsistent.c, what load keeps
 * and the XML form in test-decide-load.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "decide.h"
#include "hash.h"
#include "model.h"

#include "decide-world.h"

/* -- Phases of docs/format.md 3 ------------------------------------------------- */

static void
test_clean_release(void **state)
{
	struct tables t = {
		.orgs = ORGS,
		.cus = CUS("c-1", "org-a", "fr", "active"),
		.prd = PRD("p-1", "c-1", "domain", "d1.example")
		    PRD("p-2", "c-1", "hosting", "h1.example"),
		.dc = DC("p-1", "owner", "", "c-1@cust.example"),
		.manifest = REQ("r-1", "org-a", "c-1", "", "", "", ""),
	};
	struct cr_decide_counts n;
	struct world w;
	struct cr_request *q;

	(void)state;
	load(&w, &t);
	EXPECT(&w, 0, CR_RELEASED, "");
	q = &w.m.req[0];
	assert_ptr_equal(q->customer, customer(&w, "c-1"));
	assert_int_equal(q->customer->nproducts, 2);
	assert_string_equal(q->customer->products[0]->r.val[PRD_ID], "p-1");
	assert_string_equal(q->customer->products[1]->r.val[PRD_ID], "p-2");
	assert_non_null(q->org);
	assert_string_equal(q->org->val[ORG_ID], "org-a");
	assert_string_equal(q->lang, "fr");
	assert_int_equal(q->ngrants, 0);
	assert_int_equal(q->nupdates, 0);
	assert_null(q->import_account);
	assert_int_equal(q->change_owner, 0);
	assert_int_equal(q->customer->released_by, 1);
	cr_decide_count(&w.m, &n);
	assert_int_equal(n.outcome[CR_RELEASED], 1);
	assert_int_equal(n.products, 2);
	unload(&w);
}

static void
test_phase1(void **state)
{
	struct tables t = {
		.orgs = ORGS,
		.cus = CUS("c-1", "org-a", "fr", "active"),
		.manifest =
		    REQ("r-1", "org-a", "c-1", "", "", "", "")		/* 2 */
		    REQ("r-1", "org-a", "c-404", "", "", "", "")	/* 3 */
		    REQ("r-2", "org-a", "c-404", "", "", "remove", "")	/* 4 */
		    REQ("r-2", "org-a", "c-1", "", "", "", "sometimes")	/* 5 */
		    REQ("bad id", "org-a", "c-1", "", "", "", "")	/* 6 */
		    REQ("r-5", "", "c-1", "", "", "", ""),		/* 7 */
	};
	struct world w;

	(void)state;
	load(&w, &t);
	EXPECT(&w, 0, CR_RELEASED, "W_NO_PRODUCTS");
	/* phase 1 ends the evaluation: no E_UNKNOWN_CUSTOMER */
	EXPECT(&w, 1, CR_REJECTED, "E_DUPLICATE_REQUEST");
	assert_string_equal(msg(&w, 1),
	    "request_id \"r-1\" already used at line 2");
	EXPECT(&w, 2, CR_REJECTED, "E_BAD_REQUEST", "bad request: ",
	    "column \"reseller_contacts\" \"remove\": expected one of "
	    "replace, keep");
	/* both codes of phase 1; no E_DUPLICATE_CUSTOMER of phase 4 */
	EXPECT(&w, 3, CR_REJECTED, "E_BAD_REQUEST;E_DUPLICATE_REQUEST",
	    "\"on_mismatch\" \"sometimes\"",
	    "; request_id \"r-2\" already used at line 4");
	assert_true(strstr(msg(&w, 3), "bad request") == msg(&w, 3));
	EXPECT(&w, 4, CR_REJECTED, "E_BAD_REQUEST",
	    "column \"request_id\" \"bad id\": expected an identifier");
	EXPECT(&w, 5, CR_REJECTED, "E_BAD_REQUEST",
	    "column \"reseller_id\": empty value");
	assert_int_equal(customer(&w, "c-1")->released_by, 1);
	unload(&w);
}

static void
test_phase2_history(void **state)
{
	struct tables t = {
		.orgs = ORGS,
		.cus = CUS("c-1", "org-a", "fr", "active")
		    CUS("c-2", "org-a", "fr", "active")
		    CUS("c-9", "org-a", "fr", "active"),
		.manifest =
		    REQ("r-1", "org-zz", "c-1", "", "", "", "")
		    REQ("r-2", "org-a", "c-1", "", "", "", "")
		    REQ("r-7", "org-a", "c-2", "", "", "", "")
		    REQ("r-9", "org-a", "c-9", "", "", "", "")
		    REQ("r-3", "org-a", "c-1", "nobody", "", "", ""),
		.history =
		    "r-1,2,c-1,org-a,tester,released,,\n"
		    "r-7,3,c-7,org-a,tester,released,W_NO_PRODUCTS,x\n"
		    "r-9,4,c-9,org-a,tester,rejected,E_CUSTOMER_STATUS,x\n",
	};
	struct world w;

	(void)state;
	load(&w, &t);
	assert_int_equal(w.m.hist_runs, 1);
	/* phase 2 ends the evaluation: no E_UNKNOWN_RESELLER */
	EXPECT(&w, 0, CR_SKIPPED, "S_ALREADY_APPLIED");
	assert_string_equal(msg(&w, 0),
	    "request_id \"r-1\" was applied by an earlier run");
	EXPECT(&w, 1, CR_SKIPPED, "S_ALREADY_RELEASED");
	assert_string_equal(msg(&w, 1), "customer \"c-1\" was released by "
	    "request \"r-1\" of an earlier run");
	EXPECT(&w, 2, CR_REJECTED, "E_DUPLICATE_REQUEST");
	assert_string_equal(msg(&w, 2), "request_id \"r-7\" was applied by "
	    "an earlier run for customer \"c-7\"");
	/* a rejected request of a committed run applied nothing */
	EXPECT(&w, 3, CR_RELEASED, "W_NO_PRODUCTS");
	/* S_ALREADY_RELEASED alone, also over a phase-5 problem */
	EXPECT(&w, 4, CR_SKIPPED, "S_ALREADY_RELEASED");
	unload(&w);
}

static void
test_phase3(void **state)
{
	struct tables t = {
		.orgs = ORGS ORG("org-n", "false", "n@n.example")
		    ORG("org-e", "", "e@e.example")
		    ORG("org-m", "maybe", "m@m.example"),
		.cus = CUS("c-1", "org-a", "fr", "active")
		    CUSF("c-2", "org-b", "Zoé", "Martin", "c-2@cust.example",
			"+33 612", "fr", "suspended")
		    CUS("c-n", "org-n", "fr", "active")
		    CUS("c-e", "org-e", "fr", "active")
		    CUS("c-m", "org-m", "fr", "active"),
		.manifest =
		    REQ("r-1", "org-zz", "c-zz", "", "", "", "")
		    REQ("r-2", "org-n", "c-2", "", "", "", "")
		    REQ("r-3", "org-a", "c-2", "", "", "", "")
		    REQ("r-4", "org-e", "c-e", "", "", "", "")
		    REQ("r-5", "org-m", "c-m", "", "", "", "")
		    REQ("r-6", "org-zz", "c-1", "", "", "", "")
		    REQ("r-7", "org-n", "c-n", "", "", "", "")
		    REQ("r-8", "org-a", "c-1", "", "", "", ""),
	};
	struct world w;

	(void)state;
	load(&w, &t);
	EXPECT(&w, 0, CR_REJECTED, "E_UNKNOWN_RESELLER;E_UNKNOWN_CUSTOMER");
	assert_string_equal(msg(&w, 0), "reseller_id \"org-zz\": no such "
	    "organization; customer_id \"c-zz\": no such customer");
	/* phase 3 ends the evaluation: no E_CUSTOMER_STATUS, no bad phone */
	EXPECT(&w, 1, CR_REJECTED, "E_NOT_RESELLER;E_NOT_YOUR_CUSTOMER");
	assert_string_equal(msg(&w, 1), "organization \"org-n\" is not a "
	    "reseller (reseller=false); customer \"c-2\" belongs to "
	    "\"org-b\", not to \"org-n\"");
	EXPECT(&w, 2, CR_REJECTED, "E_NOT_YOUR_CUSTOMER");
	EXPECT(&w, 3, CR_REJECTED, "E_NOT_RESELLER", "(reseller is empty)");
	/* an unparsable reseller value is a row problem, not E_NOT_RESELLER */
	EXPECT(&w, 4, CR_REJECTED, "E_EXPORT_INCONSISTENT",
	    "the export is inconsistent: organization \"org-m\": column "
	    "\"reseller\" \"maybe\": expected a boolean");
	EXPECT(&w, 5, CR_REJECTED, "E_UNKNOWN_RESELLER;E_NOT_YOUR_CUSTOMER");
	EXPECT(&w, 6, CR_REJECTED, "E_NOT_RESELLER");
	EXPECT(&w, 7, CR_RELEASED, "W_NO_PRODUCTS");
	unload(&w);
}

static void
test_phase4(void **state)
{
	struct tables t = {
		.orgs = ORGS,
		.cus = CUSF("c-r", "org-a", "Zoé", "Martin", "r@cust.example",
			"+33 612", "fr", "released")
		    CUSF("c-s", "org-a", "Zoé", "Martin", "s@cust.example",
			"+33 612", "fr", "suspended")
		    CUS("c-1", "org-a", "fr", "active")
		    CUS("c-2", "org-a", "fr", "active"),
		.prd = PRD("p-2", "c-2", "domain", "d2.example"),
		.dc = DC("p-2", "admin", "org-a", "ops@reseller.example"),
		.manifest =
		    REQ("r-1", "org-a", "c-r", "", "", "", "")		/* 2 */
		    REQ("r-2", "org-a", "c-r", "", "", "", "")		/* 3 */
		    REQ("r-3", "org-a", "c-s", "nobody", "", "", "")	/* 4 */
		    REQ("r-4", "org-a", "c-1", "", "", "", "")		/* 5 */
		    REQ("r-5", "org-a", "c-1", "nobody", "", "", "")	/* 6 */
		    REQ("r-6", "org-a", "c-2", "", "", "", "")		/* 7 */
		    REQ("r-7", "org-a", "c-2", "", "", "replace", "")	/* 8 */
		    REQ("r-8", "org-a", "c-2", "", "", "replace", "")	/* 9 */
		    REQ("r-9", "org-b", "c-1", "", "", "", ""),		/* 10 */
	};
	struct world w;

	(void)state;
	load(&w, &t);
	/* alone, although the phone is invalid; twice: still skipped */
	EXPECT(&w, 0, CR_SKIPPED, "S_ALREADY_RELEASED");
	assert_string_equal(msg(&w, 0), "customer \"c-r\" is already "
	    "released (status released)");
	EXPECT(&w, 1, CR_SKIPPED, "S_ALREADY_RELEASED");
	EXPECT(&w, 2, CR_REJECTED, "E_CUSTOMER_STATUS");
	assert_string_equal(msg(&w, 2),
	    "customer \"c-s\" status \"suspended\": expected active");
	EXPECT(&w, 3, CR_RELEASED, "W_NO_PRODUCTS");
	EXPECT(&w, 4, CR_REJECTED, "E_DUPLICATE_CUSTOMER");
	assert_string_equal(msg(&w, 4), "customer \"c-1\" was released by "
	    "request \"r-4\" (line 5) of this run");
	/* after a rejection the customer is decided afresh */
	EXPECT(&w, 5, CR_REJECTED, "E_RESELLER_CONTACT");
	EXPECT(&w, 6, CR_RELEASED, "");
	EXPECT(&w, 7, CR_REJECTED, "E_DUPLICATE_CUSTOMER",
	    "by request \"r-7\" (line 8)");
	/* phase 3 before phase 4 */
	EXPECT(&w, 8, CR_REJECTED, "E_NOT_YOUR_CUSTOMER");
	assert_int_equal(customer(&w, "c-2")->released_by, 7);
	assert_int_equal(w.m.req[7].nupdates, 0);
	assert_null(w.m.req[7].customer);
	unload(&w);
}

static void
test_phase5(void **state)
{
	struct tables t = {
		.orgs = ORGS,
		.cus = CUSF("c-1", "org-a", "Zoé", "Martin",
			"OPS@Reseller.EXAMPLE", "+33 612345678", "de", "active")
		    CUS("c-2", "org-a", "fr", "active")
		    CUS("c-3", "org-a", "fr", "active")
		    CUS("c-4", "org-a", "fr", "active"),
		.prd = PRD("p-1", "c-1", "domain", "d1.example")
		    PRD("p-4", "c-4", "domain", "d4.example"),
		.dc = DC("p-1", "admin", "org-a", "x@x.example")
		    DC("p-4", "bill", "org-a", "x@x.example"),
		.acc = ACC("acc-x", "Zoe", "Martin", "c-2@cust.example", "FR"),
		.manifest =
		    REQ("r-1", "org-a", "c-1", "ghost-q", "ghost-i", "", "")
		    REQ("r-2", "org-a", "c-2", "", "acc-x", "", "reject")
		    REQ("r-3", "org-a", "c-3", "", "ghost", "", "reject")
		    REQ("r-4", "org-a", "c-4", "", "acc-x", "", "reject"),
	};
	struct world w;
	const char *m, *a, *b, *c, *d;
	size_t i;

	(void)state;
	load(&w, &t);
	/* every phase-5 code, no W code on a rejection */
	EXPECT(&w, 0, CR_REJECTED, "E_CONTACT_INVALID;E_EMAIL_IS_RESELLER;"
	    "E_UNKNOWN_ACCOUNT;E_RESELLER_CONTACT");
	m = msg(&w, 0);
	a = strstr(m, "customer contact invalid: ");
	b = strstr(m, "; customer email \"OPS@Reseller.EXAMPLE\" is the "
	    "reseller's own email");
	c = strstr(m, "; quickshare_to \"ghost-q\": no such account, "
	    "import_to \"ghost-i\": no such account");
	d = strstr(m, "; the reseller is admin of d1.example; set "
	    "reseller_contacts to replace or keep");
	assert_ptr_equal(a, m);
	assert_true(b != NULL && c != NULL && d != NULL);
	assert_true(a < b && b < c && c < d);
	assert_non_null(strstr(m, "phone"));
	EXPECT(&w, 1, CR_REJECTED, "E_CONTACT_MISMATCH");
	assert_string_equal(msg(&w, 1), "import_to account \"acc-x\" does not "
	    "match the customer (firstname differs)");
	/* E_CONTACT_MISMATCH only when the account exists */
	EXPECT(&w, 2, CR_REJECTED, "E_UNKNOWN_ACCOUNT");
	assert_string_equal(msg(&w, 2), "import_to \"ghost\": no such account");
	EXPECT(&w, 3, CR_REJECTED, "E_RESELLER_CONTACT;E_CONTACT_MISMATCH",
	    "the reseller is bill of d4.example",
	    "; import_to account \"acc-x\" does not match the customer "
	    "(firstname, email differ)");
	/* a rejected request changes nothing */
	for (i = 0; i < w.m.nreq; i++) {
		assert_null(w.m.req[i].customer);
		assert_int_equal(w.m.req[i].ngrants, 0);
		assert_int_equal(w.m.req[i].nupdates, 0);
		assert_int_equal(w.m.req[i].change_owner, 0);
	}
	assert_int_equal(customer(&w, "c-1")->released_by, 0);
	unload(&w);
}

/* -- The reseller as a contact, replace, quickshare ---------------------- */

static void
test_reseller_contact(void **state)
{
	struct tables t = {
		.orgs = ORGS,
		.cus = CUS("c-1", "org-a", "fr", "active")
		    CUS("c-2", "org-a", "fr", "active")
		    CUS("c-3", "org-a", "fr", "active")
		    CUS("c-4", "org-a", "fr", "active"),
		.prd = PRD("p-1", "c-1", "domain", "d1.example")
		    PRD("p-2", "c-2", "domain", "d2.example")
		    PRD("p-3", "c-3", "domain", "d3.example")
		    PRD("p-4", "c-3", "hosting", "h4.example")
		    PRD("p-5", "c-3", "domain", "d5.example")
		    PRD("p-6", "c-4", "domain", "d6.example"),
		.dc = DC("p-1", "admin", "org-a", "ann@elsewhere.example")
		    DC("p-2", "tech", "", "OPS@RESELLER.example")
		    DC("p-3", "owner", "org-a", "ops@reseller.example")
		    DC("p-4", "admin", "org-a", "ops@reseller.example")
		    DC("p-5", "admin", "org-b", "support@other.example")
		    DC("p-5", "tech", "", "ops@reseller.example.org")
		    DC("p-6", "tech", "", "Ops@Reseller.Example")
		    DC("p-6", "bill", "org-a", "b@x.example"),
		.manifest =
		    REQ("r-1", "org-a", "c-1", "", "", "", "")
		    REQ("r-2", "org-a", "c-2", "", "", "", "")
		    REQ("r-3", "org-a", "c-3", "", "", "", "")
		    REQ("r-4", "org-a", "c-4", "", "", "", "")
		    REQ("r-5", "org-a", "c-3", "", "", "replace", ""),
	};
	struct world w;

	(void)state;
	load(&w, &t);
	/* by org_id */
	EXPECT(&w, 0, CR_REJECTED, "E_RESELLER_CONTACT");
	assert_string_equal(msg(&w, 0), "the reseller is admin of d1.example; "
	    "set reseller_contacts to replace or keep");
	/* by email, in another case, org_id empty */
	EXPECT(&w, 1, CR_REJECTED, "E_RESELLER_CONTACT",
	    "the reseller is tech of d2.example;");
	/* never the owner, never a hosting, not another organization */
	EXPECT(&w, 2, CR_RELEASED, "");
	EXPECT(&w, 3, CR_REJECTED, "E_RESELLER_CONTACT",
	    "the reseller is tech of d6.example, bill of d6.example;");
	EXPECT(&w, 4, CR_REJECTED, "E_DUPLICATE_CUSTOMER");
	assert_int_equal(w.m.req[2].nupdates, 0);
	unload(&w);
}

static void
test_replace_and_keep(void **state)
{
	struct tables t = {
		.orgs = ORGS,
		.cus = CUS("c-1", "org-a", "fr", "active")
		    CUS("c-2", "org-a", "fr", "active"),
		.prd = PRD("p-1", "c-1", "domain", "d1.example")
		    PRD("p-2", "c-1", "domain", "d2.example")
		    PRD("p-3", "c-1", "hosting", "h3.example")
		    PRD("p-4", "c-1", "mailbox", "m4.example")
		    PRD("q-1", "c-2", "domain", "e1.example")
		    PRD("q-2", "c-2", "domain", "e2.example")
		    PRD("q-3", "c-2", "certificate", "e3.example"),
		.dc = DC("p-1", "owner", "org-a", "ops@reseller.example")
		    DC("p-1", "admin", "org-a", "ops@reseller.example")
		    DC("p-1", "tech", "", "Ops@Reseller.Example")
		    DC("p-1", "bill", "", "bill@else.example")
		    DC("p-2", "bill", "org-a", "x@x.example")
		    DC("p-3", "admin", "org-a", "ops@reseller.example")
		    DC("p-3", "tech", "org-a", "ops@reseller.example")
		    DC("p-4", "admin", "", "ops@reseller.example")
		    DC("q-1", "owner", "org-a", "ops@reseller.example")
		    DC("q-1", "admin", "org-a", "ops@reseller.example")
		    DC("q-1", "tech", "", "Ops@Reseller.Example")
		    DC("q-2", "bill", "org-a", "x@x.example")
		    DC("q-3", "admin", "org-a", "ops@reseller.example"),
		.manifest =
		    REQ("r-1", "org-a", "c-1", "", "", "replace", "")
		    REQ("r-2", "org-a", "c-2", "", "", "keep", ""),
	};
	struct world w;
	struct cr_request *q;
	char buf[256];
	size_t k;

	(void)state;
	load(&w, &t);
	EXPECT(&w, 0, CR_RELEASED, "");
	assert_string_equal(updates_str(&w, 0, buf, sizeof buf),
	    "p-1:admin,p-1:tech,p-2:bill");
	q = &w.m.req[0];
	for (k = 0; k < q->nupdates; k++) {
		assert_string_equal(q->updates[k].product->r.val[PRD_KIND],
		    "domain");
		assert_string_not_equal(q->updates[k].contact->val[DC_ROLE],
		    "owner");
	}
	EXPECT(&w, 1, CR_RELEASED, "W_RESELLER_CONTACT_KEPT");
	assert_string_equal(msg(&w, 1), "the reseller stays admin of "
	    "e1.example, tech of e1.example, bill of e2.example");
	assert_int_equal(w.m.req[1].nupdates, 0);
	unload(&w);
}

static void
test_quickshare(void **state)
{
	struct tables t = {
		.orgs = ORGS,
		.cus = CUS("c-1", "org-a", "fr", "active")
		    CUS("c-2", "org-a", "fr", "active"),
		.prd = PRD("p-1", "c-1", "domain", "d1.example")
		    PRD("p-2", "c-1", "domain", "d2.example")
		    PRD("p-3", "c-1", "domain", "d3.example")
		    PRD("p-4", "c-1", "domain", "d4.example")
		    PRD("p-5", "c-1", "hosting", "h5.example")
		    PRD("p-6", "c-1", "certificate", "c6.example")
		    PRD("p-7", "c-2", "domain", "d7.example")
		    PRD("p-8", "c-2", "mailbox", "m8.example"),
		.sh = SH("p-1", "acc-q", "team")
		    SH("p-2", "acc-q", "quickshare")
		    SH("p-3", "acc-o", "quickshare")
		    SH("p-7", "acc-o", "team"),
		.acc = ACC("acc-q", "A", "B", "a@b.example", "FR")
		    ACC("acc-o", "A", "B", "a@b.example", "FR"),
		.manifest =
		    REQ("r-1", "org-a", "c-1", "acc-q", "", "", "")
		    REQ("r-2", "org-a", "c-2", "acc-q", "", "", ""),
	};
	struct world w;
	char buf[256];

	(void)state;
	load(&w, &t);
	/* already shared whatever the via; only domains get grants */
	EXPECT(&w, 0, CR_RELEASED, "W_ALREADY_SHARED",
	    "d1.example is already shared with \"acc-q\"",
	    "d2.example is already shared with \"acc-q\"");
	assert_null(strstr(msg(&w, 0), "d3.example"));
	assert_string_equal(grants_str(&w, 0, buf, sizeof buf), "p-3,p-4");
	EXPECT(&w, 1, CR_RELEASED, "");
	assert_string_equal(grants_str(&w, 1, buf, sizeof buf), "p-7");
	unload(&w);
}

/* -- Import match ------------------------------------------------------- */

static void
test_import_match(void **state)
{
	struct tables t = {
		.orgs = ORGS,
		.cus = CUSF("c-1", "org-a", "Zoé", "Martin",
			"zoe.martin@photo.example", "+33.612345678", "fr",
			"active")
		    CUSF("c-2", "org-a", "Jean Pierre", "Du Pont",
			"jp@dupont.example", "+33.612345678", "fr", "active")
		    CUSF("c-3", "org-a", "Zoé", "Martin", "z3@photo.example",
			"+33.612345678", "fr", "active")
		    CUSF("c-4", "org-a", "Zoé", "Martin", "z4@photo.example",
			"+33.612345678", "fr", "active")
		    CUSF("c-5", "org-a", "Zoé", "Martin", "z5@photo.example",
			"+33.612345678", "fr", "active")
		    CUSF("c-6", "org-a", "Zoé", "Martin", "z3@photo.example",
			"+33.612345678", "fr", "active")
		    CUSF("c-7", "org-a", "Zoé", "Martin", "z7@photo.example",
			"+33.612345678", "fr", "active"),
		.prd = PRD("p-1", "c-1", "domain", "d1.example")
		    PRD("p-2", "c-2", "domain", "d2.example")
		    PRD("p-3", "c-3", "domain", "d3.example")
		    PRD("p-4", "c-4", "domain", "d4.example")
		    PRD("p-5", "c-5", "domain", "d5.example")
		    PRD("p-6", "c-6", "domain", "d6.example")
		    PRD("p-7", "c-7", "domain", "d7.example"),
		/* ZOE + U+0301, case, outer spaces; NBSP + TAB inside */
		.acc = ACC("acc-1", "ZOE\xcc\x81", " MARTIN  ",
			"Zoe.Martin@Photo.Example", "FR")
		    ACC("acc-2", "jean\xc2\xa0\tpierre", "DU  PONT",
			"JP@DUPONT.EXAMPLE", "FR")
		    ACC("acc-3", "Zoe", "Martin", "z3@photo.example", "FR")
		    ACC("acc-4", "Zoé", "Martin", "z4@photo.example", "fr")
		    ACC("acc-5", "Zoé", "Martin", "", "FR")
		    ACC("acc-7", "zoé", "Martín", "z7@photo.example", "DE"),
		.manifest =
		    REQ("r-1", "org-a", "c-1", "", "acc-1", "", "")
		    REQ("r-2", "org-a", "c-2", "", "acc-2", "", "reject")
		    REQ("r-3", "org-a", "c-3", "", "acc-3", "", "")
		    REQ("r-4", "org-a", "c-4", "", "acc-4", "", "")
		    REQ("r-5", "org-a", "c-5", "", "acc-5", "", "")
		    REQ("r-6", "org-a", "c-6", "", "acc-3", "", "reject")
		    REQ("r-7", "org-a", "c-7", "", "acc-7", "", "new-account"),
	};
	struct world w;
	size_t i;

	(void)state;
	load(&w, &t);
	EXPECT(&w, 0, CR_RELEASED, "");
	EXPECT(&w, 1, CR_RELEASED, "");
	for (i = 0; i < 2; i++) {
		assert_non_null(w.m.req[i].import_account);
		assert_string_equal(
		    w.m.req[i].import_account->val[ACC_USERNAME],
		    w.m.req[i].r.val[MAN_IMPORT_TO]);
		assert_int_equal(w.m.req[i].change_owner, 0);
	}
	/* Zoe and Zoé do not match */
	EXPECT(&w, 2, CR_RELEASED, "W_CHANGE_OWNER_REQUIRED");
	assert_string_equal(msg(&w, 2), "import_to account \"acc-3\" does not "
	    "match the customer (firstname differs): released to a new "
	    "account, a change of owner is required");
	/* country is compared exactly; an absent email never matches */
	EXPECT(&w, 3, CR_RELEASED, "W_CHANGE_OWNER_REQUIRED",
	    "(country differs)");
	EXPECT(&w, 4, CR_RELEASED, "W_CHANGE_OWNER_REQUIRED",
	    "(email differs)");
	EXPECT(&w, 5, CR_REJECTED, "E_CONTACT_MISMATCH");
	assert_string_equal(msg(&w, 5), "import_to account \"acc-3\" does not "
	    "match the customer (firstname differs)");
	EXPECT(&w, 6, CR_RELEASED, "W_CHANGE_OWNER_REQUIRED",
	    "(lastname, country differ)");
	for (i = 2; i < 7; i++) {
		if (i == 5)
			continue;
		assert_null(w.m.req[i].import_account);
		assert_int_equal(w.m.req[i].change_owner, 1);
	}
	unload(&w);
}

/* -- Warnings and languages ----------------------------------------------- */

static void
test_warnings(void **state)
{
	struct tables t = {
		.orgs = ORGS,
		.cus = CUS("c-1", "org-a", "de", "active")
		    CUS("c-2", "org-a", "pt-BR", "active")
		    CUS("c-3", "org-a", "fr-FR", "active")
		    CUS("c-4", "org-a", " ES ", "active")
		    CUS("c-5", "org-a", "", "active")
		    CUS("c-6", "org-a", "EN", "active")
		    CUS("c-7", "org-a", "de", "suspended"),
		.prd = PRD("p-1", "c-1", "domain", "d1.example")
		    PRD("p-4", "c-4", "domain", "d4.example")
		    PRD("p-5", "c-5", "domain", "d5.example")
		    PRD("p-6", "c-6", "domain", "d6.example"),
		.dc = DC("p-1", "admin", "org-a", "ops@reseller.example"),
		.sh = SH("p-1", "acc-q", "team"),
		.acc = ACC("acc-q", "A", "B", "a@b.example", "FR")
		    ACC("acc-x", "Zoe", "Martin", "c-1@cust.example", "FR"),
		.manifest =
		    REQ("r-1", "org-a", "c-1", "acc-q", "acc-x", "keep", "")
		    REQ("r-2", "org-a", "c-2", "", "acc-x", "", "")
		    REQ("r-3", "org-a", "c-3", "acc-q", "", "", "")
		    REQ("r-4", "org-a", "c-4", "", "", "", "")
		    REQ("r-5", "org-a", "c-5", "", "", "", "")
		    REQ("r-6", "org-a", "c-6", "", "", "", "")
		    REQ("r-7", "org-a", "c-7", "", "", "", ""),
	};
	struct world w;

	(void)state;
	lang_calls = 0;
	load(&w, &t);
	EXPECT(&w, 0, CR_RELEASED, "W_CHANGE_OWNER_REQUIRED;"
	    "W_RESELLER_CONTACT_KEPT;W_ALREADY_SHARED;W_LANG_DEFAULTED");
	assert_string_equal(msg(&w, 0), "import_to account \"acc-x\" does not "
	    "match the customer (firstname differs): released to a new "
	    "account, a change of owner is required; the reseller stays admin "
	    "of d1.example; d1.example is already shared with \"acc-q\"; no "
	    "claim email template for lang \"de\": the email is in English");
	assert_string_equal(w.m.req[0].lang, "en");
	assert_int_equal(w.m.req[0].ngrants, 0);
	assert_int_equal(w.m.req[0].nupdates, 0);
	assert_int_equal(w.m.req[0].change_owner, 1);
	EXPECT(&w, 1, CR_RELEASED, "W_CHANGE_OWNER_REQUIRED;W_NO_PRODUCTS;"
	    "W_LANG_DEFAULTED", "(firstname, email differ)",
	    "; customer \"c-2\" has no products: the account alone is "
	    "released; no claim email template for lang \"pt-BR\": the "
	    "email is in English");
	/* fr-FR falls back to fr; no domain, no grant, no warning */
	EXPECT(&w, 2, CR_RELEASED, "W_NO_PRODUCTS");
	assert_string_equal(msg(&w, 2), "customer \"c-3\" has no products: "
	    "the account alone is released");
	assert_string_equal(w.m.req[2].lang, "fr");
	EXPECT(&w, 3, CR_RELEASED, "");
	assert_string_equal(w.m.req[3].lang, "es");
	EXPECT(&w, 4, CR_RELEASED, "");
	assert_string_equal(w.m.req[4].lang, "en");
	EXPECT(&w, 5, CR_RELEASED, "");
	assert_string_equal(w.m.req[5].lang, "en");
	/* no W code on a rejection */
	EXPECT(&w, 6, CR_REJECTED, "E_CUSTOMER_STATUS");
	unload(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_release),
		cmocka_unit_test(test_phase1),
		cmocka_unit_test(test_phase2_history),
		cmocka_unit_test(test_phase3),
		cmocka_unit_test(test_phase4),
		cmocka_unit_test(test_phase5),
		cmocka_unit_test(test_reseller_contact),
		cmocka_unit_test(test_replace_and_keep),
		cmocka_unit_test(test_quickshare),
		cmocka_unit_test(test_import_match),
		cmocka_unit_test(test_warnings),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
