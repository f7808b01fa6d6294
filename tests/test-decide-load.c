/*
 * test-decide-load.c -- unit tests of the read stage (load.c) with the
 * decide stage (decide.c), on what the model holds: memory follows the
 * manifest (only the rows a request names are kept, in both forms), which
 * of the broken product and contact rows are kept, and the XML children
 * a product buffers go to that product only.  Inputs are embedded and
 * written by the shared fixture (decide-world.c).  It does not test the
 * readers themselves (test-read-*.c do), nor the decision rules: those
 * are the data cases of tests/rules/, run by tests/rules.sh.
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

/* -- What load keeps of broken rows ------------------------------------------ */

/*
 * Of a product id given twice, the row of a customer the manifest names
 * is kept, once; a product without an id is not kept.  The decisions of
 * this export are the case tests/rules/inconsistent-products.
 */
static void
test_kept_products(void **state)
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
	assert_string_equal(product(&w, "p-1")->r.val[PRD_CUSTOMER_ID], "c-1");
	assert_string_equal(product(&w, "p-2")->r.val[PRD_CUSTOMER_ID], "c-2");
	assert_string_equal(product(&w, "p-2")->r.val[PRD_KIND], "domain");
	assert_int_equal(count(w.m.products), 5);
	assert_int_equal(customer(&w, "c-3")->nproducts, 1);
	unload(&w);
}

/*
 * A second contact of one role is not kept; a product keeps its own
 * shares.  The decisions of this export are the case
 * tests/rules/inconsistent-children.
 */
static void
test_kept_children(void **state)
{
	struct tables t = {
		.orgs = ORGS,
		.cus = CUS("c-1", "org-a", "fr", "active")
		    CUS("c-4", "org-a", "fr", "active"),
		.prd = PRD("p-1", "c-1", "domain", "d1.example")
		    PRD("p-4", "c-4", "domain", "d4.example")
		    PRD("p-5", "c-4", "domain", "d5.example"),
		.dc = DC("p-1", "admin", "", "a@x.example")
		    DC("p-1", "tech", "", "t@x.example")
		    DC("p-1", "admin", "", "b@x.example")
		    DC("p-4", "admin", "", "a@x.example")
		    DC("p-5", "admin", "", "a@x.example"),
		.sh = SH("p-4", "acc-q", "team"),
		.manifest =
		    REQ("r-1", "org-a", "c-1", "", "", "", "")
		    REQ("r-4", "org-a", "c-4", "", "", "", ""),
	};
	struct world w;

	(void)state;
	load(&w, &t);
	INCONSISTENT(&w, 0, "product \"p-1\": more than one admin contact");
	EXPECT(&w, 1, CR_RELEASED, "");
	assert_int_equal(product(&w, "p-1")->ncontacts, 2);
	assert_int_equal(product(&w, "p-4")->nshares, 1);
	assert_int_equal(product(&w, "p-5")->ncontacts, 1);
	unload(&w);
}

/* -- The XML form --------------------------------------------------------- */

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
		cmocka_unit_test(test_memory_bound),
		cmocka_unit_test(test_kept_products),
		cmocka_unit_test(test_kept_children),
		cmocka_unit_test(test_xml_pending),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
