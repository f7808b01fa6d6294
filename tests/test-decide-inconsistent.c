/*
 * test-decide-inconsistent.c -- unit tests of E_EXPORT_INCONSISTENT, the
 * read stage (load.c) and decide stage (decide.c) together: product ids
 * that are not unique (also shared by two customers of the manifest, in
 * both the CSV and the XML form), products without an id or of an unknown
 * kind, broken organization, customer, contact, share and account rows,
 * and that only the rows a request depends on matter.  Each test asserts
 * outcomes, the exact code sets and key parts of the messages for the
 * rules of docs/format.md 3 and docs/behaviour.md.  Inputs are embedded and written
 * by the shared fixture (decide-world.c).
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inconsistent_products),
		cmocka_unit_test(test_inconsistent_shared_product_csv),
		cmocka_unit_test(test_inconsistent_shared_product_xml),
		cmocka_unit_test(test_inconsistent_rows),
		cmocka_unit_test(test_inconsistent_children),
		cmocka_unit_test(test_inconsistent_accounts),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
