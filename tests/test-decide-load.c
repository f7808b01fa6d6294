/*
 * test-decide-load.c -- unit tests of the read stage (load.c) with the
 * decide stage (decide.c): memory follows the manifest (only the rows a
 * request names are kept, in both forms), the XML form of one export
 * gives the same decisions as its CSV form, and the XML children a
 * product buffers go to that product only.  Inputs are embedded and
 * written by the shared fixture (decide-world.c); it does not test the
 * readers themselves (test-read-*.c do).
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
		cmocka_unit_test(test_memory_bound),
		cmocka_unit_test(test_xml_same_as_csv),
		cmocka_unit_test(test_xml_pending),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
