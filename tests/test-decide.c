/*
 * test-decide.c -- unit tests of the read stage (load.c) and the decide
 * stage (decide.c): tiny exports written to a temporary folder (CSV) or
 * file (XML), a manifest, optionally one committed run, then cr_decide()
 * with a language resolver that knows en, fr and es only.  Each test
 * asserts outcomes, the exact code sets and key parts of the messages
 * for the rules of SPEC 3 and docs/behaviour.md, and that the XML form of
 * one export gives the same decisions as its CSV form.  Inputs are
 * embedded; it does not test the readers themselves (test-read-*.c do).
 * The fixture (inputs, load(), the helpers) is decide-world.[ch].
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

/* -- Phases of SPEC 3 ------------------------------------------------- */

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

/* -- E_EXPORT_INCONSISTENT ------------------------------------------- */

static void
test_inconsistent_products(void **state)
{
	struct tables t = {
		.orgs = ORGS,
		.cus = CUS("c-1", "org-a", "fr", "active")
		    CUS("c-2", "org-a", "fr", "active")
		    CUS("c-3", "org-a", "fr", "active")
		    CUS("c-4", "org-a", "fr", "active")
		    CUS("c-5", "org-a", "fr", "active")
		    CUS("c-6", "org-a", "fr", "active")
		    CUS("c-8", "org-a", "fr", "active")
		    CUS("c-9", "org-b", "fr", "active"),
		.prd = PRD("p-1", "c-9", "domain", "x1.example")
		    PRD("p-1", "c-1", "domain", "d1.example")
		    PRD("p-2", "c-2", "domain", "d2.example")
		    PRD("p-2", "c-9", "hosting", "x2.example")
		    PRD("p-3", "c-3", "domain", "d3.example")
		    PRD("p-3", "c-3", "domain", "d3.example")
		    PRD("p-4", "c-4", "dvd", "d4.example")
		    PRD("", "c-5", "domain", "d5.example")
		    PRD("p-6", "c-6", "domain", "d6.example")
		    PRD("", "c-8", "domain", "d8.example")
		    PRD("p-8", "c-8", "dvd", "d8.example")
		    PRD("p-8", "c-8", "domain", "d8.example"),
		.manifest =
		    REQ("r-1", "org-a", "c-1", "", "", "", "")
		    REQ("r-2", "org-a", "c-2", "", "", "", "")
		    REQ("r-3", "org-a", "c-3", "", "", "", "")
		    REQ("r-4", "org-a", "c-4", "", "", "", "")
		    REQ("r-5", "org-a", "c-5", "", "", "", "")
		    REQ("r-6", "org-a", "c-6", "", "", "", ""),
	};
	struct world w;

	(void)state;
	load(&w, &t);
	/* the other customer's row first, then after */
	INCONSISTENT(&w, 0, "product \"p-1\": its id is not unique in the "
	    "export");
	INCONSISTENT(&w, 1, "product \"p-2\": its id is not unique in the "
	    "export");
	INCONSISTENT(&w, 2, "product \"p-3\": its id is not unique");
	INCONSISTENT(&w, 3, "product \"p-4\": column \"kind\" \"dvd\": "
	    "expected one of domain, certificate, hosting, mailbox");
	INCONSISTENT(&w, 4, "customer \"c-5\": one of its products has no id");
	/* the broken rows of c-8, in no request, do not matter */
	EXPECT(&w, 5, CR_RELEASED, "");
	assert_string_equal(product(&w, "p-1")->r.val[PRD_CUSTOMER_ID], "c-1");
	assert_string_equal(product(&w, "p-2")->r.val[PRD_CUSTOMER_ID], "c-2");
	assert_string_equal(product(&w, "p-2")->r.val[PRD_KIND], "domain");
	assert_int_equal(count(w.m.products), 5);
	assert_int_equal(customer(&w, "c-3")->nproducts, 1);
	unload(&w);
}

/*
 * Two customers of the manifest share a product id: both depend on a
 * row whose id is not unique.  The second customer must not be released
 * (least of all without that product: a release is all or nothing).
 */
static void
shared_product(int xml)
{
	static const char *const doc[] = { XDOC(
	    XORG("org-a", "true", "ops@reseller.example",
		XCUS("c-1", "fr", "active",
		    XPRD("p-1", "domain", "d1.example", ""))
		XCUS("c-2", "fr", "active",
		    XPRD("p-1", "domain", "d2.example", "")
		    XPRD("p-2", "domain", "d3.example", "")))), NULL };
	struct tables t = {
		.orgs = ORGS,
		.cus = CUS("c-1", "org-a", "fr", "active")
		    CUS("c-2", "org-a", "fr", "active"),
		.prd = PRD("p-1", "c-1", "domain", "d1.example")
		    PRD("p-1", "c-2", "domain", "d2.example")
		    PRD("p-2", "c-2", "domain", "d3.example"),
		.xml = xml ? doc : NULL,
		.manifest =
		    REQ("r-1", "org-a", "c-1", "", "", "", "")
		    REQ("r-2", "org-a", "c-2", "", "", "", ""),
	};
	struct world w;

	load(&w, &t);
	INCONSISTENT(&w, 0, "product \"p-1\": its id is not unique");
	INCONSISTENT(&w, 1, "product \"p-1\": its id is not unique");
	unload(&w);
}

static void
test_inconsistent_shared_product_csv(void **state)
{
	(void)state;
	shared_product(0);
}

static void
test_inconsistent_shared_product_xml(void **state)
{
	(void)state;
	shared_product(1);
}

static void
test_inconsistent_rows(void **state)
{
	struct tables t = {
		.orgs = ORGS ORG("org-d", "true", "d@d.example")
		    ORG("org-d", "true", "d2@d.example"),
		.cus = CUS("c-1", "org-a", "fr", "active")
		    CUS("c-1", "org-a", "fr", "active")
		    CUS("c-2", "org-zz", "fr", "active")
		    CUS("c-3", "org-d", "fr", "active")
		    CUS("c-4", "org-a", "fr", "active")
		    CUS("c-5", "org-a", "fr", "zombie")
		    "c-6,org-a,individual,Zoé,Martin,,c-6@cust.example,8 rue X,"
		    ","
		    "33000,Bordeaux,,FR,+33.612345678,,fr,active\n",
		.manifest =
		    REQ("r-1", "org-a", "c-1", "", "", "", "")
		    REQ("r-2", "org-a", "c-2", "", "", "", "")
		    REQ("r-3", "org-zz", "c-2", "", "", "", "")
		    REQ("r-4", "org-d", "c-3", "", "", "", "")
		    REQ("r-5", "org-a", "c-4", "", "", "", "")
		    REQ("r-6", "org-d", "c-zz", "", "", "", "")
		    REQ("r-7", "org-a", "c-5", "", "", "", "")
		    REQ("r-8", "org-a", "c-6", "", "", "", ""),
	};
	struct world w;

	(void)state;
	load(&w, &t);
	INCONSISTENT(&w, 0, "customer \"c-1\": its id is not unique in the "
	    "export");
	/* a dangling reseller_id, with the other phase-3 codes */
	EXPECT(&w, 1, CR_REJECTED, "E_NOT_YOUR_CUSTOMER;E_EXPORT_INCONSISTENT",
	    "; the export is inconsistent: customer \"c-2\": reseller_id "
	    "\"org-zz\" names no organization");
	EXPECT(&w, 2, CR_REJECTED, "E_UNKNOWN_RESELLER;E_EXPORT_INCONSISTENT",
	    "names no organization");
	INCONSISTENT(&w, 3, "organization \"org-d\": its id is not unique in "
	    "the export");
	EXPECT(&w, 4, CR_RELEASED, "W_NO_PRODUCTS");
	EXPECT(&w, 5, CR_REJECTED, "E_UNKNOWN_CUSTOMER;E_EXPORT_INCONSISTENT",
	    "organization \"org-d\"");
	/* a bad status is a row problem, not E_CUSTOMER_STATUS */
	INCONSISTENT(&w, 6, "customer \"c-5\": column \"status\" \"zombie\"");
	INCONSISTENT(&w, 7, "customer \"c-6\": expected 18 fields, found 17");
	unload(&w);
}

static void
test_inconsistent_children(void **state)
{
	struct tables t = {
		.orgs = ORGS,
		.cus = CUS("c-1", "org-a", "fr", "active")
		    CUS("c-2", "org-a", "fr", "active")
		    CUS("c-3", "org-a", "fr", "active")
		    CUS("c-4", "org-a", "fr", "active")
		    CUS("c-9", "org-a", "fr", "active"),
		.prd = PRD("p-1", "c-1", "domain", "d1.example")
		    PRD("p-2", "c-2", "domain", "d2.example")
		    PRD("p-3", "c-3", "domain", "d3.example")
		    PRD("p-4", "c-4", "domain", "d4.example")
		    PRD("p-5", "c-4", "domain", "d5.example")
		    PRD("p-9", "c-9", "domain", "d9.example"),
		.dc = DC("p-1", "admin", "", "a@x.example")
		    DC("p-1", "tech", "", "t@x.example")
		    DC("p-1", "admin", "", "b@x.example")
		    DC("p-2", "admin", "bad id", "a@x.example")
		    DC("p-4", "admin", "", "a@x.example")
		    DC("p-5", "admin", "", "a@x.example")
		    DC("p-9", "admin", "", "a@x.example")
		    DC("p-9", "admin", "", "a@x.example")
		    DC("p-404", "admin", "", "a@x.example"),
		.sh = SH("p-3", "acc-q", "email") SH("p-4", "acc-q", "team")
		    SH("p-9", "acc-q", "email"),
		.manifest =
		    REQ("r-1", "org-a", "c-1", "", "", "", "")
		    REQ("r-2", "org-a", "c-2", "", "", "", "")
		    REQ("r-3", "org-a", "c-3", "", "", "", "")
		    REQ("r-4", "org-a", "c-4", "", "", "", ""),
	};
	struct world w;

	(void)state;
	load(&w, &t);
	INCONSISTENT(&w, 0, "product \"p-1\": more than one admin contact");
	INCONSISTENT(&w, 1, "admin contact of product \"p-2\": column "
	    "\"org_id\" \"bad id\"");
	INCONSISTENT(&w, 2, "share of product \"p-3\": column \"via\" "
	    "\"email\"");
	/* one role per product, not per customer */
	EXPECT(&w, 3, CR_RELEASED, "");
	assert_int_equal(product(&w, "p-1")->ncontacts, 2);
	assert_int_equal(product(&w, "p-4")->nshares, 1);
	unload(&w);
}

static void
test_inconsistent_accounts(void **state)
{
	struct tables t = {
		.orgs = ORGS,
		.cus = CUS("c-1", "org-a", "fr", "active")
		    CUS("c-2", "org-a", "fr", "active")
		    CUS("c-3", "org-a", "fr", "active"),
		.prd = PRD("p-3", "c-3", "domain", "d3.example"),
		.acc = "acc-bad,robot,Zoé,Martin,,c-1@cust.example,FR\n"
		    ACC("acc-dup", "A", "B", "a@b.example", "FR")
		    ACC("acc-dup", "A", "B", "a@b.example", "FR")
		    ACC("acc-ok", "A", "B", "a@b.example", "FR")
		    "acc-unused,robot,A,B,,a@b.example,FR\n",
		.manifest =
		    REQ("r-1", "org-a", "c-1", "", "acc-bad", "", "")
		    REQ("r-2", "org-a", "c-2", "acc-dup", "", "", "")
		    REQ("r-3", "org-a", "c-3", "acc-ok", "", "", ""),
	};
	struct world w;
	char buf[256];

	(void)state;
	load(&w, &t);
	INCONSISTENT(&w, 0, "account \"acc-bad\": column \"type\" \"robot\"");
	INCONSISTENT(&w, 1, "account \"acc-dup\": its id is not unique in the "
	    "export");
	EXPECT(&w, 2, CR_RELEASED, "");
	assert_string_equal(grants_str(&w, 2, buf, sizeof buf), "p-3");
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

/* -- Memory follows the manifest ---------------------------------------- */

static const char *const mem_xml[] = {
    XHEAD XORG_OPEN("org-a", "true")
	XCUS("c-1", "fr", "active",
	    XPRD("p-1a", "domain", "d1a.example",
		XDC("admin", "", "a@x.example"))
	    XPRD("p-1b", "hosting", "h1b.example", ""))
	XCUS("c-2", "fr", "active",
	    XPRD("p-2a", "domain", "d2a.example",
		XDC("admin", "", "a@x.example")
		XSH("acc-1", "team"))
	    XPRD("p-2b", "domain", "d2b.example", "")),
	XCUS("c-3", "fr", "active",
	    XPRD("p-3a", "domain", "d3a.example",
		XDC("tech", "", "a@x.example"))
	    XPRD("p-3b", "domain", "d3b.example", ""))
    XORG_END("org-a", "ops@reseller.example"),
    XORG("org-b", "true", "support@other.example",
	XCUS("c-4", "fr", "active", XPRD("p-4a", "domain", "d4a.example", ""))
	XCUS("c-5", "fr", "active", XPRD("p-5a", "domain", "d5a.example", ""))),
    XORG("org-c", "true", "c@c.example", "")
    XACC("acc-1", "A", "B", "a@b.example", "FR")
    XACC("acc-2", "A", "B", "a@b.example", "FR")
    XACC("acc-3", "A", "B", "a@b.example", "FR") XTAIL,
    NULL
};

static void
test_memory_bound(void **state)
{
	struct tables t = {
		.orgs = ORGS ORG("org-c", "true", "c@c.example"),
		.cus = CUS("c-1", "org-a", "fr", "active")
		    CUS("c-2", "org-a", "fr", "active")
		    CUS("c-3", "org-a", "fr", "active")
		    CUS("c-4", "org-b", "fr", "active")
		    CUS("c-5", "org-b", "fr", "active"),
		.prd = PRD("p-1a", "c-1", "domain", "d1a.example")
		    PRD("p-1b", "c-1", "hosting", "h1b.example")
		    PRD("p-2a", "c-2", "domain", "d2a.example")
		    PRD("p-2b", "c-2", "domain", "d2b.example")
		    PRD("p-3a", "c-3", "domain", "d3a.example")
		    PRD("p-3b", "c-3", "domain", "d3b.example")
		    PRD("p-4a", "c-4", "domain", "d4a.example")
		    PRD("p-5a", "c-5", "domain", "d5a.example"),
		.dc = DC("p-1a", "admin", "", "a@x.example")
		    DC("p-2a", "admin", "", "a@x.example")
		    DC("p-3a", "tech", "", "a@x.example"),
		.sh = SH("p-2a", "acc-1", "team"),
		.acc = ACC("acc-1", "A", "B", "a@b.example", "FR")
		    ACC("acc-2", "A", "B", "a@b.example", "FR")
		    ACC("acc-3", "A", "B", "a@b.example", "FR"),
		.manifest =
		    REQ("r-1", "org-a", "c-1", "acc-1", "", "", "")
		    REQ("r-2", "org-a", "c-3", "", "", "", "")
		    REQ("r-3", "org-a", "c-404", "", "acc-404", "", ""),
	};
	struct world w;
	int form;

	(void)state;
	for (form = 0; form < 2; form++) {
		t.xml = form ? mem_xml : NULL;
		load(&w, &t);
		assert_int_equal(count(w.m.touched_customers), 3);
		assert_int_equal(count(w.m.customers), 2);
		assert_int_equal(count(w.m.orgs), 1);
		assert_int_equal(count(w.m.org_ids), 3);
		assert_int_equal(count(w.m.products), 4);
		assert_int_equal(count(w.m.accounts), 1);
		assert_int_equal(w.m.npending, 0);
		assert_int_equal(customer(&w, "c-1")->nproducts, 2);
		assert_int_equal(product(&w, "p-1a")->ncontacts, 1);
		assert_int_equal(product(&w, "p-3a")->ncontacts, 1);
		EXPECT(&w, 0, CR_RELEASED, "");
		EXPECT(&w, 1, CR_RELEASED, "");
		EXPECT(&w, 2, CR_REJECTED, "E_UNKNOWN_CUSTOMER");
		unload(&w);
	}
}

/* -- The XML form --------------------------------------------------------- */

/*
 * One export in both forms.  In XML, contacts and shares come before their
 * product's fields, products before their customer's, and a product's row
 * is handed out after its children: the loader buffers them.
 */
#define MIX_ORGS \
    ORG("org-b", "true", "support@other.example") \
    ORG("org-a", "true", "ops@reseller.example") \
    ORG("org-n", "false", "n@n.example") \
    ORG("org-d", "true", "d@d.example") \
    ORG("org-d", "true", "d@d.example")
#define MIX_CUS \
    CUS("c-8", "org-b", "fr", "active") \
    CUS("c-9", "org-b", "fr", "active") \
    CUS("c-14", "org-b", "fr", "active") \
    CUS("c-1", "org-a", "fr", "active") \
    CUS("c-2", "org-a", "de", "active") \
    CUSF("c-3", "org-a", "Zoé", "Martin", "zoe.martin@photo.example", \
	"+33.612345678", "es", "active") \
    CUS("c-4", "org-a", "fr", "active") \
    CUS("c-5", "org-a", "fr", "active") \
    CUS("c-6", "org-a", "fr", "active") \
    CUS("c-7", "org-a", "fr", "active") \
    CUS("c-10", "org-a", "fr", "active") \
    CUS("c-10", "org-a", "fr", "active") \
    CUS("c-12", "org-a", "fr", "suspended") \
    CUS("c-13", "org-a", "fr", "released") \
    CUS("c-16", "org-a", "de", "active") \
    CUS("c-17", "org-a", "fr", "active") \
    CUS("c-15", "org-n", "fr", "active") \
    CUS("c-11", "org-d", "fr", "active")
#define MIX_PRD \
    PRD("p-dup2", "c-8", "domain", "dup2-8.example") \
    PRD("p-9-1", "c-9", "domain", "d91.example") \
    PRD("p-dup", "c-9", "domain", "dup-9.example") \
    PRD("p-dup2", "c-9", "hosting", "dup2-9.example") \
    PRD("p-14", "c-14", "domain", "d14.example") \
    PRD("p-1-1", "c-1", "domain", "d1.example") \
    PRD("p-1-2", "c-1", "domain", "d2.example") \
    PRD("p-1-3", "c-1", "hosting", "h1.example") \
    PRD("p-2-1", "c-2", "domain", "d21.example") \
    PRD("p-3-1", "c-3", "mailbox", "m3.example") \
    PRD("p-4-1", "c-4", "domain", "d4.example") \
    PRD("p-5-1", "c-5", "dvd", "d5.example") \
    PRD("", "c-6", "domain", "d6.example") \
    PRD("p-dup", "c-7", "domain", "dup-7.example") \
    PRD("p-10-a", "c-10", "domain", "d10a.example") \
    PRD("p-10-b", "c-10", "domain", "d10b.example") \
    PRD("p-17", "c-17", "domain", "d17.example") \
    PRD("p-11", "c-11", "domain", "d11.example")
#define MIX_DC \
    DC("p-9-1", "admin", "org-a", "ops@reseller.example") \
    DC("p-9-1", "admin", "org-a", "ops@reseller.example") \
    DC("p-1-1", "owner", "", "c-1@cust.example") \
    DC("p-1-1", "admin", "org-a", "ops@reseller.example") \
    DC("p-1-1", "tech", "", "OPS@Reseller.Example") \
    DC("p-1-1", "bill", "", "bill@else.example") \
    DC("p-1-2", "bill", "org-a", "ops@reseller.example") \
    DC("p-1-3", "admin", "org-a", "ops@reseller.example") \
    DC("p-2-1", "admin", "org-a", "ops@reseller.example") \
    DC("p-4-1", "admin", "", "a@x.example") \
    DC("p-4-1", "admin", "", "b@x.example")
#define MIX_SH \
    SH("p-9-1", "acc-q", "quickshare") \
    SH("p-1-2", "acc-q", "team") \
    SH("p-2-1", "acc-q", "quickshare")
#define MIX_ACC \
    ACC("acc-q", "A", "B", "a@b.example", "FR") \
    ACC("acc-x", "Zoe", "Martin", "c-2@cust.example", "FR") \
    ACC("acc-m", "ZOE\xcc\x81", "MARTIN", "Zoe.Martin@Photo.Example", "FR") \
    "acc-bad,robot,A,B,,a@b.example,FR\n"

static const char *const mix_xml[] = {
    XHEAD XORG("org-b", "true", "support@other.example",
	XCUS("c-8", "fr", "active",
	    XPRD("p-dup2", "domain", "dup2-8.example", ""))
	XCUS("c-9", "fr", "active",
	    XPRD("p-9-1", "domain", "d91.example",
		XDC("admin", "org-a", "ops@reseller.example")
		XDC("admin", "org-a", "ops@reseller.example")
		XSH("acc-q", "quickshare"))
	    XPRD("p-dup", "domain", "dup-9.example", "")
	    XPRD("p-dup2", "hosting", "dup2-9.example", ""))
	XCUS("c-14", "fr", "active",
	    XPRD("p-14", "domain", "d14.example", ""))),
    XORG_OPEN("org-a", "true")
	XCUS("c-1", "fr", "active",
	    XPRD("p-1-1", "domain", "d1.example",
		XDC("owner", "", "c-1@cust.example")
		XDC("admin", "org-a", "ops@reseller.example")
		XDC("tech", "", "OPS@Reseller.Example")
		XDC("bill", "", "bill@else.example"))
	    XPRD("p-1-2", "domain", "d2.example",
		XSH("acc-q", "team")
		XDC("bill", "org-a", "ops@reseller.example"))
	    XPRD("p-1-3", "hosting", "h1.example",
		XDC("admin", "org-a", "ops@reseller.example"))),
	XCUS("c-2", "de", "active",
	    XPRD("p-2-1", "domain", "d21.example",
		XDC("admin", "org-a", "ops@reseller.example")
		XSH("acc-q", "quickshare")))
	XCUSF("c-3", "Zoé", "Martin", "zoe.martin@photo.example",
	    "+33.612345678", "es", "active",
	    XPRD("p-3-1", "mailbox", "m3.example", ""))
	XCUS("c-4", "fr", "active",
	    XPRD("p-4-1", "domain", "d4.example",
		XDC("admin", "", "a@x.example")
		XDC("admin", "", "b@x.example"))),
	XCUS("c-5", "fr", "active", XPRD("p-5-1", "dvd", "d5.example", ""))
	XCUS("c-6", "fr", "active", XPRD("", "domain", "d6.example",
	    XDC("admin", "org-a", "ops@reseller.example")))
	XCUS("c-7", "fr", "active",
	    XPRD("p-dup", "domain", "dup-7.example", ""))
	XCUS("c-10", "fr", "active",
	    XPRD("p-10-a", "domain", "d10a.example", "")),
	XCUS("c-10", "fr", "active",
	    XPRD("p-10-b", "domain", "d10b.example", ""))
	XCUS("c-12", "fr", "suspended", "")
	XCUS("c-13", "fr", "released", "")
	XCUS("c-16", "de", "active", "")
	XCUS("c-17", "fr", "active", XPRD("p-17", "domain", "d17.example", ""))
    XORG_END("org-a", "ops@reseller.example"),
    XORG("org-n", "false", "n@n.example", XCUS("c-15", "fr", "active", ""))
    XORG("org-d", "true", "d@d.example",
	XCUS("c-11", "fr", "active", XPRD("p-11", "domain", "d11.example", "")))
    XORG("org-d", "true", "d@d.example", ""),
    XACC("acc-q", "A", "B", "a@b.example", "FR")
    XACC("acc-x", "Zoe", "Martin", "c-2@cust.example", "FR")
    XACC("acc-m", "ZOE\xcc\x81", "MARTIN", "Zoe.Martin@Photo.Example", "FR")
    "<account username=\"acc-bad\" type=\"robot\"><firstname>A</firstname>"
    "<lastname>B</lastname><email>a@b.example</email><country>FR</country>"
    "</account>\n" XTAIL,
    NULL
};

static void
expect_mix(struct world *w)
{
	char buf[256];

	EXPECT(w, 0, CR_RELEASED, "W_ALREADY_SHARED",
	    "d2.example is already shared with \"acc-q\"");
	assert_string_equal(grants_str(w, 0, buf, sizeof buf), "p-1-1");
	assert_string_equal(updates_str(w, 0, buf, sizeof buf),
	    "p-1-1:admin,p-1-1:tech,p-1-2:bill");
	assert_int_equal(product(w, "p-1-1")->ncontacts, 4);
	assert_int_equal(product(w, "p-1-2")->nshares, 1);
	EXPECT(w, 1, CR_RELEASED, "W_CHANGE_OWNER_REQUIRED;"
	    "W_RESELLER_CONTACT_KEPT;W_ALREADY_SHARED;W_LANG_DEFAULTED");
	EXPECT(w, 2, CR_RELEASED, "");
	assert_non_null(w->m.req[2].import_account);
	assert_string_equal(w->m.req[2].lang, "es");
	INCONSISTENT(w, 3, "product \"p-4-1\": more than one admin contact");
	INCONSISTENT(w, 4, "product \"p-5-1\": column \"kind\" \"dvd\"");
	INCONSISTENT(w, 5, "customer \"c-6\": one of its products has no id");
	INCONSISTENT(w, 6, "product \"p-dup\": its id is not unique");
	INCONSISTENT(w, 7, "product \"p-dup2\": its id is not unique");
	INCONSISTENT(w, 8, "customer \"c-10\": its id is not unique");
	INCONSISTENT(w, 9, "organization \"org-d\": its id is not unique");
	EXPECT(w, 10, CR_REJECTED, "E_CUSTOMER_STATUS");
	EXPECT(w, 11, CR_SKIPPED, "S_ALREADY_RELEASED");
	EXPECT(w, 12, CR_REJECTED, "E_NOT_YOUR_CUSTOMER");
	EXPECT(w, 13, CR_REJECTED, "E_NOT_RESELLER");
	EXPECT(w, 14, CR_REJECTED, "E_DUPLICATE_REQUEST");
	EXPECT(w, 15, CR_REJECTED, "E_DUPLICATE_CUSTOMER");
	EXPECT(w, 16, CR_RELEASED, "W_CHANGE_OWNER_REQUIRED;W_NO_PRODUCTS;"
	    "W_LANG_DEFAULTED", "(firstname, email differ)");
	INCONSISTENT(w, 17, "account \"acc-bad\": column \"type\" \"robot\"");
	EXPECT(w, 18, CR_RELEASED, "");
	/* the untouched c-9 kept nothing */
	assert_int_equal(count(w->m.customers), 16);
	assert_null(cr_map_get(w->m.customers, "c-9", 3));
	assert_null(cr_map_get(w->m.products, "p-9-1", 5));
	assert_int_equal(w->m.npending, 0);
}

static void
test_xml_same_as_csv(void **state)
{
	struct tables t = {
		.orgs = MIX_ORGS, .cus = MIX_CUS, .prd = MIX_PRD, .dc = MIX_DC,
		.sh = MIX_SH, .acc = MIX_ACC,
		.manifest =
		    REQ("r-1", "org-a", "c-1", "acc-q", "", "replace", "")
		    REQ("r-2", "org-a", "c-2", "acc-q", "acc-x", "keep", "")
		    REQ("r-3", "org-a", "c-3", "", "acc-m", "", "")
		    REQ("r-4", "org-a", "c-4", "", "", "", "")
		    REQ("r-5", "org-a", "c-5", "", "", "", "")
		    REQ("r-6", "org-a", "c-6", "", "", "", "")
		    REQ("r-7", "org-a", "c-7", "", "", "", "")
		    REQ("r-8", "org-b", "c-8", "", "", "", "")
		    REQ("r-10", "org-a", "c-10", "", "", "", "")
		    REQ("r-11", "org-d", "c-11", "", "", "", "")
		    REQ("r-12", "org-a", "c-12", "", "", "", "")
		    REQ("r-13", "org-a", "c-13", "", "", "", "")
		    REQ("r-14", "org-a", "c-14", "", "", "", "")
		    REQ("r-15", "org-n", "c-15", "", "", "", "")
		    REQ("r-1", "org-a", "c-17", "", "", "", "")
		    REQ("r-16", "org-a", "c-1", "", "", "", "")
		    REQ("r-17", "org-a", "c-16", "", "acc-x", "", "")
		    REQ("r-18", "org-a", "c-17", "", "acc-bad", "", "")
		    REQ("r-19", "org-a", "c-17", "", "", "", ""),
	};
	struct world wc, wx;
	struct cr_request *a, *b;
	char b1[256], b2[256];
	size_t i;

	(void)state;
	load(&wc, &t);
	expect_mix(&wc);
	t.xml = mix_xml;
	load(&wx, &t);
	expect_mix(&wx);
	assert_int_equal(wc.m.nreq, wx.m.nreq);
	for (i = 0; i < wc.m.nreq; i++) {
		a = &wc.m.req[i];
		b = &wx.m.req[i];
		assert_int_equal(a->outcome, b->outcome);
		assert_int_equal(a->codes, b->codes);
		assert_string_equal(a->message, b->message);
		assert_string_equal(grants_str(&wc, i, b1, sizeof b1),
		    grants_str(&wx, i, b2, sizeof b2));
		assert_string_equal(updates_str(&wc, i, b1, sizeof b1),
		    updates_str(&wx, i, b2, sizeof b2));
		assert_int_equal(a->change_owner, b->change_owner);
		assert_int_equal(a->import_account == NULL,
		    b->import_account == NULL);
		if (a->outcome == CR_RELEASED) {
			assert_string_equal(a->lang, b->lang);
			assert_int_equal(a->customer->nproducts,
			    b->customer->nproducts);
		}
	}
	unload(&wc);
	unload(&wx);
}

/*
 * Buffered children go to their own product only: the contacts and
 * shares of an untouched customer's product, or of a product without an
 * id, never reach the next product.
 */
static void
test_xml_pending(void **state)
{
	struct tables t = {
		.xml = (const char *const []){ XDOC(
		    XORG("org-a", "true", "ops@reseller.example",
			XCUS("c-9", "fr", "active",
			    XPRD("p-9", "domain", "d9.example",
				XDC("admin", "org-a", "ops@reseller.example")
				XDC("tech", "org-a", "ops@reseller.example")
				XSH("acc-q", "quickshare")))
			XCUS("c-1", "fr", "active",
			    XPRD("p-1", "domain", "d1.example", ""))
			XCUS("c-2", "fr", "active",
			    XPRD("p-2", "hosting", "h2.example",
				XDC("admin", "org-a", "ops@reseller.example"))
			    XPRD("p-3", "domain", "d3.example",
				XDC("tech", "org-a", "ops@reseller.example")
				XSH("acc-q", "team")
				XSH("acc-z", "quickshare")))
			XCUS("c-3", "fr", "active",
			    XPRD("", "domain", "d4.example",
				XDC("admin", "org-a", "ops@reseller.example")
				XDC("admin", "org-a", "ops@reseller.example"))
			    XPRD("p-5", "domain", "d5.example", "")))
		    XACC("acc-q", "A", "B", "a@b.example", "FR")), NULL },
		.manifest =
		    REQ("r-1", "org-a", "c-1", "acc-q", "", "", "")
		    REQ("r-2", "org-a", "c-2", "acc-q", "", "replace", "")
		    REQ("r-3", "org-a", "c-3", "", "", "", ""),
	};
	struct world w;
	char buf[256];

	(void)state;
	load(&w, &t);
	EXPECT(&w, 0, CR_RELEASED, "");
	assert_string_equal(grants_str(&w, 0, buf, sizeof buf), "p-1");
	assert_int_equal(product(&w, "p-1")->ncontacts, 0);
	assert_int_equal(product(&w, "p-1")->nshares, 0);
	EXPECT(&w, 1, CR_RELEASED, "W_ALREADY_SHARED",
	    "d3.example is already shared with \"acc-q\"");
	assert_string_equal(updates_str(&w, 1, buf, sizeof buf), "p-3:tech");
	assert_int_equal(product(&w, "p-2")->ncontacts, 1);
	assert_int_equal(product(&w, "p-3")->ncontacts, 1);
	assert_int_equal(product(&w, "p-3")->nshares, 2);
	INCONSISTENT(&w, 2, "customer \"c-3\": one of its products has no id");
	assert_int_equal(product(&w, "p-5")->ncontacts, 0);
	assert_int_equal(count(w.m.products), 4);
	assert_null(cr_map_get(w.m.products, "p-9", 3));
	assert_int_equal(w.m.npending, 0);
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
		cmocka_unit_test(test_inconsistent_products),
		cmocka_unit_test(test_inconsistent_shared_product_csv),
		cmocka_unit_test(test_inconsistent_shared_product_xml),
		cmocka_unit_test(test_inconsistent_rows),
		cmocka_unit_test(test_inconsistent_children),
		cmocka_unit_test(test_inconsistent_accounts),
		cmocka_unit_test(test_reseller_contact),
		cmocka_unit_test(test_replace_and_keep),
		cmocka_unit_test(test_quickshare),
		cmocka_unit_test(test_import_match),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_memory_bound),
		cmocka_unit_test(test_xml_same_as_csv),
		cmocka_unit_test(test_xml_pending),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
