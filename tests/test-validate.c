/*
 * test-validate.c -- unit tests of src/validate.c (docs/format.md 3,
 * "Contact validation" and "Import match") and of its tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

/* ---- helpers ---- */

static char *
repeat(const char *unit, size_t times, const char *tail)
{
	size_t ul = strlen(unit), tl = strlen(tail), i;
	char *s = malloc(ul * times + tl + 1);

	assert_non_null(s);
	for (i = 0; i < times; i++)
		memcpy(s + i * ul, unit, ul);
	memcpy(s + ul * times, tail, tl + 1);
	return s;
}

struct problems {
	int	n;
	char	fields[32][16];
	char	msgs[32][512];
};

static void
collect(void *arg, const char *field, const char *message)
{
	struct problems *p = arg;

	assert_true(p->n < 32);
	snprintf(p->fields[p->n], sizeof p->fields[0], "%s", field);
	snprintf(p->msgs[p->n], sizeof p->msgs[0], "%s", message);
	p->n++;
}

static struct cr_contact
good_contact(void)
{
	struct cr_contact c = {
		.type = "individual",
		.firstname = "Zoé",
		.lastname = "Martin",
		.email = "zoe@example.fr",
		.streetaddr = "12 rue de la Paix",
		.zip = "75002",
		.city = "Paris",
		.state = "FR-IDF",
		.country = "FR",
		.phone = "+33.612345678",
		.lang = "fr",
	};
	return c;
}

/* Validate c; assert exactly one problem, on `field`; return its message. */
static const char *
one_problem(const struct cr_contact *c, const char *field)
{
	static struct problems p;

	memset(&p, 0, sizeof p);
	assert_int_equal(cr_validate_contact(c, collect, &p), 1);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.fields[0], field);
	return p.msgs[0];
}

/* ---- email ---- */

static void
test_email_basic(void **state)
{
	(void)state;
	assert_null(cr_check_email("zoe@example.fr"));
	assert_null(cr_check_email("first.last+tag@sub.example.co.uk"));
	assert_null(cr_check_email("o'brien!#$%&*/=?^_`{|}~-@example.com"));
	assert_null(cr_check_email("ZOE@EXAMPLE.FR"));
	assert_non_null(cr_check_email(NULL));
	assert_non_null(cr_check_email(""));
	assert_non_null(cr_check_email("zoe"));
	assert_non_null(cr_check_email("@example.fr"));
	assert_non_null(cr_check_email("zoe@"));
	assert_non_null(cr_check_email("zoe@@example.fr"));
	assert_non_null(cr_check_email("a@b@example.fr"));
	assert_non_null(cr_check_email(".zoe@example.fr"));
	assert_non_null(cr_check_email("zoe.@example.fr"));
	assert_non_null(cr_check_email("zo..e@example.fr"));
	assert_non_null(cr_check_email("\"zoe\"@example.fr"));
	assert_non_null(cr_check_email("zo e@example.fr"));
	assert_non_null(cr_check_email("zoe@exa mple.fr"));
	assert_non_null(cr_check_email("zoe@[192.0.2.1]"));
	assert_non_null(cr_check_email("zoe@a_b.example"));
	assert_non_null(cr_check_email("zoe@-ab.fr"));
	assert_non_null(cr_check_email("zoe@ab-.fr"));
	assert_non_null(cr_check_email("zoe@example..fr"));
	assert_non_null(cr_check_email("zoe@example.fr."));
	assert_non_null(cr_check_email("zoe@\xff.fr"));
	assert_non_null(cr_check_email("zoe@example.fr\n"));
	assert_non_null(cr_check_email("zoe\r\nBcc: x@y.z@example.fr"));
}

static void
test_email_one_label(void **state)
{
	(void)state;
	assert_string_equal(cr_check_email("zoe@localhost"),
	    "domain needs at least two labels (name.tld)");
	assert_string_equal(cr_check_email("zoe@exämple"),
	    "domain needs at least two labels (name.tld)");
}

static void
test_email_idn(void **state)
{
	char *a;

	(void)state;
	assert_null(cr_check_email("zoe@exämple.fr"));
	assert_null(cr_check_email("zoe@EXÄMPLE.FR"));
	assert_null(cr_check_email("zoe@xn--exmple-cua.fr"));
	assert_null(cr_check_email("info@faß.de"));
	assert_null(cr_check_email("info@例え.jp"));
	/* docs/format.md 3: the local part is an ASCII dot-atom, so no SMTPUTF8 */
	assert_string_equal(cr_check_email("zoé@exämple.fr"),
	    "local part is not ASCII");
	/* invalid A-labels and disallowed code points */
	assert_non_null(cr_check_email("zoe@xn--zz.fr"));
	assert_non_null(cr_check_email("zoe@xn--a.fr"));
	assert_non_null(cr_check_email("zoe@xn--.fr"));
	assert_non_null(cr_check_email("zoe@xn--ls8h.la"));	/* emoji */
	assert_non_null(cr_check_email("zoe@☃.net"));
	assert_non_null(cr_check_email("zoe@ab--cd.fr"));

	a = cr_email_ascii("zoe@exämple.fr");
	assert_non_null(a);
	assert_string_equal(a, "zoe@xn--exmple-cua.fr");
	free(a);
	a = cr_email_ascii("Info@Faß.DE");
	assert_non_null(a);
	assert_string_equal(a, "Info@xn--fa-hia.de");	/* non-transitional */
	free(a);
	a = cr_email_ascii("ops@acme.example");
	assert_non_null(a);
	assert_string_equal(a, "ops@acme.example");
	free(a);
	assert_null(cr_email_ascii("zoe@xn--zz.fr"));
	assert_null(cr_email_ascii(NULL));
	assert_null(cr_email_ascii("zoé@exämple.fr"));
}

static void
test_email_lengths(void **state)
{
	char *s;

	(void)state;
	/* 64 vs 65-octet local part */
	s = repeat("a", 64, "@example.fr");
	assert_null(cr_check_email(s));
	free(s);
	s = repeat("a", 65, "@example.fr");
	assert_string_equal(cr_check_email(s),
	    "local part longer than 64 octets");
	free(s);
	/* 63 vs 64-octet label */
	s = repeat("b", 63, ".fr");
	{
		char buf[128];

		snprintf(buf, sizeof buf, "x@%s", s);
		assert_null(cr_check_email(buf));
	}
	free(s);
	s = repeat("b", 64, ".fr");
	{
		char buf[128];

		snprintf(buf, sizeof buf, "x@%s", s);
		assert_non_null(cr_check_email(buf));
	}
	free(s);

	/* 254 vs 255 octets: 64 + 1 + 189, then one more */
	{
		char buf[300], *l63 = repeat("d", 63, ""), *l58;

		l58 = repeat("c", 58, "");
		snprintf(buf, sizeof buf, "%s@%s.%s.%s.fr",
		    s = repeat("a", 64, ""), l63, l63, l58);
		free(s);
		assert_int_equal(strlen(buf), 254);
		assert_null(cr_check_email(buf));
		free(l58);
		l58 = repeat("c", 59, "");
		snprintf(buf, sizeof buf, "%s@%s.%s.%s.fr",
		    s = repeat("a", 64, ""), l63, l63, l58);
		free(s);
		assert_int_equal(strlen(buf), 255);
		assert_string_equal(cr_check_email(buf),
		    "address longer than 254 octets in A-label form");
		free(l58);
		free(l63);
	}

	/* counted in A-label form: 'é' is 2 octets in UTF-8, but the label
	   grows to "xn--...": 63 octets of U-label can be too long */
	s = repeat("a", 60, "é.fr");
	{
		char buf[128];

		snprintf(buf, sizeof buf, "x@%s", s);
		assert_non_null(cr_check_email(buf));
	}
	free(s);
}

static void
test_email_equal(void **state)
{
	(void)state;
	assert_true(cr_email_equal("ops@acme.example", "OPS@ACME.EXAMPLE"));
	assert_true(cr_email_equal("Ops@Acme.Example", "ops@acme.example"));
	assert_true(cr_email_equal("zoe@exämple.fr", "zoe@xn--exmple-cua.fr"));
	assert_true(cr_email_equal("zoe@EXÄMPLE.fr", "ZOE@exämple.FR"));
	assert_false(cr_email_equal("ops@acme.example", "ops@acme.exampl"));
	assert_false(cr_email_equal("ops1@acme.example", "ops@acme.example"));
	assert_false(cr_email_equal("zoe@example.fr", "zoe@exämple.fr"));
	assert_false(cr_email_equal(NULL, NULL));
	assert_false(cr_email_equal(NULL, "ops@acme.example"));
	assert_false(cr_email_equal("", ""));
	assert_false(cr_email_equal("zoe@\xff", "zoe@\xfe"));
}

/* ---- phone ---- */

static void
test_phone(void **state)
{
	(void)state;
	assert_null(cr_check_phone("+33.612345678"));
	assert_null(cr_check_phone("+1.2125550100"));
	assert_null(cr_check_phone("+44.2079460000"));
	assert_null(cr_check_phone("+882.1234567890"));	/* shared code */
	assert_null(cr_check_phone("+800.12345678"));
	assert_null(cr_check_phone("+979.123456789"));
	assert_null(cr_check_phone("+383.44123456"));

	assert_string_equal(cr_check_phone("+999.1234"),
	    "country calling code not assigned in ITU-T E.164");
	assert_non_null(cr_check_phone("+0.1234"));
	assert_non_null(cr_check_phone("+28.1234"));	/* spare */
	assert_non_null(cr_check_phone("+259.1234"));	/* spare */
	assert_non_null(cr_check_phone("+3.1234"));	/* 3 alone: no */
	assert_non_null(cr_check_phone("+3312.1234"));	/* CC > 3 digits */

	/* 15 vs 16 digits in all */
	assert_null(cr_check_phone("+33.1234567890123"));
	assert_string_equal(cr_check_phone("+33.12345678901234"),
	    "more than 15 digits in country code and number");
	assert_null(cr_check_phone("+1.23456789012345"));
	assert_non_null(cr_check_phone("+1.234567890123456"));

	assert_string_equal(cr_check_phone("+1."),
	    "expected +CC.NUMBER (the number is empty)");
	assert_string_equal(cr_check_phone("+33 6 12"),
	    "expected +CC.NUMBER");
	assert_string_equal(cr_check_phone("+33.6 12 34 56 78"),
	    "expected +CC.NUMBER, digits only");
	assert_non_null(cr_check_phone("+33612345678"));
	assert_non_null(cr_check_phone("0033.612345678"));
	assert_non_null(cr_check_phone("33.612345678"));
	assert_non_null(cr_check_phone("+.612345678"));
	assert_non_null(cr_check_phone("+33.6123-45678"));
	assert_non_null(cr_check_phone("+33..612345678"));
	assert_non_null(cr_check_phone("+33.612345678 "));
	assert_non_null(cr_check_phone("+33.612345678\n"));
	assert_non_null(cr_check_phone("+"));
	assert_non_null(cr_check_phone(""));
	assert_non_null(cr_check_phone(NULL));
	assert_non_null(cr_check_phone("+３３.612345678"));	/* fullwidth */
}

static void
test_e164_table(void **state)
{
	static const char *const spare[] = {
		"0", "2", "21", "210", "214", "215", "217", "219", "259",
		"28", "280", "289", "292", "296", "384", "42", "422", "424",
		"429", "671", "684", "693", "699", "80", "801", "807", "809",
		"83", "830", "851", "854", "857", "859", "871", "874", "877",
		"879", "884", "885", "887", "889", "89", "890", "969", "978",
		"990", "997", "999", "1234",
	};
	static const char *const assigned[] = {
		"1", "7", "20", "27", "33", "44", "49", "86", "98", "211",
		"246", "247", "262", "290", "299", "350", "388", "599", "672",
		"800", "808", "870", "878", "881", "882", "883", "888", "979",
		"991", "998",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof spare / sizeof spare[0]; i++)
		assert_false(cr_e164_cc_assigned(spare[i], strlen(spare[i])));
	for (i = 0; i < sizeof assigned / sizeof assigned[0]; i++)
		assert_true(cr_e164_cc_assigned(assigned[i],
		    strlen(assigned[i])));
	assert_false(cr_e164_cc_assigned("3a", 2));
	assert_false(cr_e164_cc_assigned("", 0));
	assert_true(cr_e164_cc_assigned("33.6", 2));	/* only len counts */
	assert_non_null(strstr(cr_e164_source, "2016-12-15"));
}

/* ---- country, state, zip ---- */

static void
test_country(void **state)
{
	(void)state;
	assert_null(cr_check_country("GB"));
	assert_null(cr_check_country("FR"));
	assert_null(cr_check_country("AX"));
	assert_string_equal(cr_check_country("UK"),
	    "not an officially assigned ISO 3166-1 alpha-2 code "
	    "(the United Kingdom is GB)");
	assert_string_equal(cr_check_country("gb"),
	    "expected capital letters (ISO 3166-1 alpha-2)");
	assert_non_null(cr_check_country("Gb"));
	assert_non_null(cr_check_country("EU"));	/* exceptionally reserved */
	assert_non_null(cr_check_country("XK"));	/* user-assigned */
	assert_non_null(cr_check_country("ZZ"));
	assert_non_null(cr_check_country("GBR"));
	assert_non_null(cr_check_country("G"));
	assert_non_null(cr_check_country(" GB"));
	assert_non_null(cr_check_country("G1"));
	assert_non_null(cr_check_country(""));
	assert_non_null(cr_check_country(NULL));
	assert_non_null(strstr(cr_iso3166_source, "iso-codes"));
}

static void
test_state(void **state)
{
	(void)state;
	assert_null(cr_check_state("FR", "FR-NAQ"));
	assert_null(cr_check_state("GB", "GB-ENG"));
	assert_null(cr_check_state("US", "US-CA"));
	assert_null(cr_check_state("FR", NULL));
	assert_string_equal(cr_check_state("DE", "FR-NAQ"),
	    "an ISO 3166-2 code of another country");
	assert_string_equal(cr_check_state("FR", "fr-naq"),
	    "expected capital letters (ISO 3166-2)");
	assert_string_equal(cr_check_state("FR", "NAQ"),
	    "expected a full ISO 3166-2 code such as FR-NAQ");
	assert_string_equal(cr_check_state("US", "California"),
	    "expected a full ISO 3166-2 code such as FR-NAQ");
	assert_string_equal(cr_check_state("FR", "FR-XYZ"),
	    "not an ISO 3166-2 subdivision code");
	assert_non_null(cr_check_state("FR", "FR-NAQ\n"));
	assert_non_null(cr_check_state("FR", "FR-\xc3"));
	/* the country itself is invalid: only existence is checked */
	assert_null(cr_check_state("UK", "GB-ENG"));
	assert_null(cr_check_state(NULL, "GB-ENG"));
}

static void
test_zip(void **state)
{
	static const struct { const char *cc, *zip; int ok; } cases[] = {
		{ "US", "12345", 1 }, { "US", "12345-6789", 1 },
		{ "US", "1234", 0 }, { "US", "12345-678", 0 },
		{ "US", "123456", 0 }, { "US", "12345 6789", 0 },
		{ "CA", "K1A 0B1", 1 }, { "CA", "k1a0b1", 1 },
		{ "CA", "K1A  0B1", 0 }, { "CA", "1K1 0B1", 0 },
		{ "GB", "SW1A 1AA", 1 }, { "GB", "M1 1AE", 1 },
		{ "GB", "B33 8TH", 1 }, { "GB", "CR2 6XH", 1 },
		{ "GB", "DN55 1PT", 1 }, { "GB", "ec1a1bb", 1 },
		{ "GB", "SW1A1AAA", 0 }, { "GB", "1A 1AA", 0 },
		{ "GB", "SWA1 1AA1", 0 },
		{ "FR", "75002", 1 }, { "FR", "7500", 0 }, { "FR", "75 002", 0 },
		{ "FR", "2A004", 0 },
		{ "DE", "10115", 1 }, { "DE", "101150", 0 },
		{ "NL", "1234 AB", 1 }, { "NL", "1234ab", 1 },
		{ "NL", "1234 A", 0 }, { "NL", "123 AB", 0 },
		{ "JP", "123-4567", 1 }, { "JP", "1234567", 1 },
		{ "JP", "123 4567", 0 }, { "JP", "12-34567", 0 },
		/* other countries: only the length */
		{ "BE", "1000", 1 }, { "IE", "D02 X285", 1 },
		{ "BR", "0123456789ABCDEF", 1 },
		{ "BR", "0123456789ABCDEFG", 0 },
		{ "PT", "éééééééééééééééé", 1 },	/* 16 characters */
		{ "PT", "ééééééééééééééééé", 0 },
		{ NULL, "0123456789ABCDEFG", 0 },
		{ "PT", "10\n00", 0 },
		{ "PT", "10\xff", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *r = cr_check_zip(cases[i].cc, cases[i].zip);

		if ((r == NULL) != cases[i].ok)
			fail_msg("zip %s %s: %s", cases[i].cc ? cases[i].cc :
			    "(none)", cases[i].zip, r ? r : "valid");
	}
	assert_null(cr_check_zip("FR", NULL));
	assert_string_equal(cr_check_zip("ZZ", "0123456789ABCDEFG"),
	    "longer than 16 characters");
	assert_string_equal(cr_check_zip("US", "1234"),
	    "expected a US ZIP code such as 12345 or 12345-6789");
}

/* ---- the whole record ---- */

static void
test_contact_valid(void **state)
{
	struct cr_contact c = good_contact();
	struct problems p;

	(void)state;
	memset(&p, 0, sizeof p);
	assert_int_equal(cr_validate_contact(&c, collect, &p), 0);
	assert_int_equal(p.n, 0);
	c.type = "company";
	c.orgname = "ACME SARL";
	c.fax = "+33.145678901";
	c.streetaddr2 = "Bâtiment B";
	assert_int_equal(cr_validate_contact(&c, NULL, NULL), 0);
	c.state = NULL;
	c.zip = NULL;
	assert_int_equal(cr_validate_contact(&c, NULL, NULL), 0);
}

static void
test_contact_required(void **state)
{
	struct cr_contact c = { 0 };
	struct problems p;
	static const char *const want[] = {
		"firstname", "lastname", "orgname", "email", "streetaddr",
		"city", "country", "phone",
	};
	size_t i;

	(void)state;
	memset(&p, 0, sizeof p);
	assert_int_equal(cr_validate_contact(&c, collect, &p), 8);
	for (i = 0; i < 8; i++)
		assert_string_equal(p.fields[i], want[i]);
	assert_string_equal(p.msgs[0], "firstname is required");
	assert_string_equal(p.msgs[2],
	    "orgname is required unless type is individual");

	/* individual: orgname optional; blank = absent */
	c = good_contact();
	c.orgname = "   ";
	assert_int_equal(cr_validate_contact(&c, NULL, NULL), 0);
	c.type = "company";
	assert_string_equal(one_problem(&c, "orgname"),
	    "orgname is required unless type is individual");
	c = good_contact();
	c.city = " \t ";
	assert_string_equal(one_problem(&c, "city"), "city is required");
}

static void
test_contact_messages(void **state)
{
	struct cr_contact c = good_contact();

	(void)state;
	c.phone = "+33 6 12";
	assert_string_equal(one_problem(&c, "phone"),
	    "phone \"+33 6 12\": expected +CC.NUMBER");
	c = good_contact();
	c.fax = "+999.1234";
	assert_string_equal(one_problem(&c, "fax"),
	    "fax \"+999.1234\": country calling code not assigned in "
	    "ITU-T E.164");
	c = good_contact();
	c.country = "UK";
	c.state = NULL;
	c.zip = NULL;
	assert_string_equal(one_problem(&c, "country"),
	    "country \"UK\": not an officially assigned ISO 3166-1 alpha-2 "
	    "code (the United Kingdom is GB)");
	c = good_contact();
	c.country = "DE";
	c.zip = "10115";
	c.state = "FR-NAQ";
	assert_string_equal(one_problem(&c, "state"),
	    "state \"FR-NAQ\": an ISO 3166-2 code of another country "
	    "(country is \"DE\")");
	c = good_contact();
	c.zip = "7500";
	assert_string_equal(one_problem(&c, "zip"),
	    "zip \"7500\": expected 5 digits such as 75001 (country is \"FR\")");
	c = good_contact();
	c.email = "zoe@localhost";
	assert_string_equal(one_problem(&c, "email"),
	    "email \"zoe@localhost\": domain needs at least two labels "
	    "(name.tld)");
}

static void
test_contact_controls(void **state)
{
	static const char *const bad[] = {
		"Zoé\rMartin", "Zoé\nMartin", "Zoé\tMartin", "Zo\x7f",
		"Zo\xc2\x85" "e", /* U+0085 NEL is Cc */
		"Zo\x1b[31me",
	};
	struct cr_contact c;
	const char *m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		c = good_contact();
		c.lastname = bad[i];
		m = one_problem(&c, "lastname");
		assert_non_null(strstr(m, "control character U+"));
		/* the message never carries the raw control byte */
		assert_null(strchr(m, '\r'));
		assert_null(strchr(m, '\n'));
		assert_null(strchr(m, '\t'));
		assert_null(strchr(m, '\x1b'));
		assert_null(strchr(m, '\x7f'));
	}
	c = good_contact();
	c.firstname = "Zoé\nBcc: x@example.org";
	assert_string_equal(one_problem(&c, "firstname"),
	    "firstname \"Zoé\\x0ABcc: x@example.org\": holds control "
	    "character U+000A, which is not allowed");
	/* every field, even optional and non-name ones */
	c = good_contact();
	c.lang = "fr\n";
	(void)one_problem(&c, "lang");
	c = good_contact();
	c.streetaddr2 = "\t";	/* white space only: absent */
	assert_int_equal(cr_validate_contact(&c, NULL, NULL), 0);
	c.streetaddr2 = "Bât\tB";
	(void)one_problem(&c, "streetaddr2");
	c = good_contact();
	c.type = "individual\r";
	c.orgname = "X";
	(void)one_problem(&c, "type");
	/* U+00A0 and U+2028 are not Cc: allowed */
	c = good_contact();
	c.city = "Saint\xc2\xa0" "Denis\xe2\x80\xa8";
	assert_int_equal(cr_validate_contact(&c, NULL, NULL), 0);
}

static void
test_contact_utf8(void **state)
{
	struct cr_contact c = good_contact();

	(void)state;
	c.city = "Par\xc3is";
	assert_string_equal(one_problem(&c, "city"),
	    "city \"Par\\xC3is\": invalid UTF-8 at byte 3");
	c = good_contact();
	c.firstname = "\xed\xa0\x80";	/* encoded surrogate */
	(void)one_problem(&c, "firstname");
	c = good_contact();
	c.firstname = "\xc0\xaf";	/* overlong */
	(void)one_problem(&c, "firstname");
	c = good_contact();
	c.phone = "+33.6\xff";
	(void)one_problem(&c, "phone");
}

static void
test_contact_lengths(void **state)
{
	struct cr_contact c;
	char *s;
	const char *m;

	(void)state;
	c = good_contact();
	s = repeat("a", 255, "");
	c.lastname = s;
	assert_int_equal(cr_validate_contact(&c, NULL, NULL), 0);
	free(s);
	s = repeat("a", 256, "");
	c.lastname = s;
	m = one_problem(&c, "lastname");
	assert_non_null(strstr(m, "256 characters after NFC normalization, "
	    "at most 255 allowed"));
	free(s);

	/* decomposed: 200 x (e + U+0301) + 55 x 'a' is 455 code points,
	   255 after NFC: valid; one more 'a' makes 256: too long */
	s = repeat("e\xcc\x81", 200, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaa");
	c.lastname = s;
	assert_int_equal(cr_validate_contact(&c, NULL, NULL), 0);
	free(s);
	s = repeat("e\xcc\x81", 200, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaa");
	c.lastname = s;
	m = one_problem(&c, "lastname");
	assert_non_null(strstr(m, "256 characters after NFC"));
	free(s);

	/* precomposed 255 x U+00E9 (510 bytes) is fine */
	s = repeat("\xc3\xa9", 255, "");
	c = good_contact();
	c.city = s;
	assert_int_equal(cr_validate_contact(&c, NULL, NULL), 0);
	free(s);
	/* each of the six limited fields */
	s = repeat("x", 256, "");
	c = good_contact();
	c.type = "company";
	c.orgname = s;
	(void)one_problem(&c, "orgname");
	c = good_contact();
	c.streetaddr2 = s;
	(void)one_problem(&c, "streetaddr2");
	c = good_contact();
	c.streetaddr = s;
	(void)one_problem(&c, "streetaddr");
	c = good_contact();
	c.firstname = s;
	(void)one_problem(&c, "firstname");
	free(s);
}

static void
test_contact_every_problem(void **state)
{
	struct cr_contact c = good_contact();
	struct problems p;

	(void)state;
	c.firstname = "Zo\ne";
	c.email = "zoe@localhost";
	c.zip = "ABC";
	c.country = "gb";
	c.state = "FR-NAQ";
	c.phone = "+999.1";
	c.fax = "+1.";
	memset(&p, 0, sizeof p);
	assert_int_equal(cr_validate_contact(&c, collect, &p), 5);
	/* zip and state are not checked against an invalid country */
	assert_string_equal(p.fields[0], "firstname");
	assert_string_equal(p.fields[1], "email");
	assert_string_equal(p.fields[2], "country");
	assert_string_equal(p.fields[3], "phone");
	assert_string_equal(p.fields[4], "fax");
	assert_string_equal(p.msgs[2],
	    "country \"gb\": expected capital letters (ISO 3166-1 alpha-2)");
}

/* ---- import match ---- */

static void
test_match_equal(void **state)
{
	char *a, *b;

	(void)state;
	assert_true(cr_match_equal("Zoé", "ZOÉ"));
	assert_true(cr_match_equal("Zoé", "Zoe\xcc\x81"));	/* U+0301 */
	assert_true(cr_match_equal("ZOÉ", "zoe\xcc\x81"));
	assert_true(cr_match_equal("ZOE\xcc\x81", "zoé"));
	assert_false(cr_match_equal("Zoe", "Zoé"));
	assert_false(cr_match_equal("Zoe", "Zoe\xcc\x81"));
	/* full case folding */
	assert_true(cr_match_equal("Straße", "STRASSE"));
	assert_true(cr_match_equal("straße", "strasse"));
	assert_true(cr_match_equal("ΣΊΣΥΦΟΣ", "σίσυφος"));
	assert_false(cr_match_equal("Strase", "Straße"));
	/* white space collapsed and trimmed, Unicode White_Space included */
	assert_true(cr_match_equal("Jean Pierre", "  jean   pierre  "));
	assert_true(cr_match_equal("Jean Pierre", "Jean\xc2\xa0Pierre"));
	assert_true(cr_match_equal("Jean Pierre", "Jean\xe3\x80\x80Pierre"));
	assert_true(cr_match_equal("Jean Pierre",
	    "\xe3\x80\x80Jean\t\xc2\xa0 \xe2\x80\x83Pierre\xc2\xa0"));
	assert_false(cr_match_equal("Jean Pierre", "JeanPierre"));
	assert_false(cr_match_equal("Jean-Pierre", "Jean Pierre"));
	/* U+200B ZERO WIDTH SPACE is not White_Space */
	assert_false(cr_match_equal("Jean Pierre", "Jean\xe2\x80\x8bPierre"));
	/* NULL, blank and invalid never match, not even themselves */
	assert_false(cr_match_equal(NULL, NULL));
	assert_false(cr_match_equal(NULL, "Zoé"));
	assert_false(cr_match_equal("Zoé", NULL));
	assert_false(cr_match_equal("", ""));
	assert_false(cr_match_equal(" \xc2\xa0", " "));
	assert_false(cr_match_equal("Zo\xff", "Zo\xff"));
	/* longer than the stack buffers */
	a = repeat("Straße ", 200, "");
	b = repeat("STRASSE\xe3\x80\x80", 200, "");
	assert_true(cr_match_equal(a, b));
	free(a);
	free(b);
}

static void
test_import_match(void **state)
{
	struct cr_contact cust = good_contact(), acct = { 0 };

	(void)state;
	acct.type = "individual";
	acct.firstname = "ZOE\xcc\x81";
	acct.lastname = " martin ";
	acct.email = "Zoe@Example.FR";
	acct.country = "FR";
	assert_true(cr_import_match(&cust, &acct));
	/* orgname absent on both sides: equal; on one side: not */
	acct.orgname = "ACME";
	assert_false(cr_import_match(&cust, &acct));
	cust.orgname = "acme";
	assert_true(cr_import_match(&cust, &acct));
	/* country exactly equal */
	acct.country = "fr";
	assert_false(cr_import_match(&cust, &acct));
	acct.country = "FR";
	/* absent email never matches */
	cust.email = NULL;
	acct.email = NULL;
	assert_false(cr_import_match(&cust, &acct));
	cust.email = acct.email = "zoe@example.fr";
	assert_true(cr_import_match(&cust, &acct));
	acct.firstname = "Zoe";
	assert_false(cr_import_match(&cust, &acct));
	acct.firstname = "Zoé";
	acct.lastname = NULL;
	assert_false(cr_import_match(&cust, &acct));
}

/* Every validator on every short byte string: no crash, no overread
   (meaningful under ASan/valgrind). */
static void
test_no_crash(void **state)
{
	static const unsigned char alphabet[] = {
		'+', '.', '@', '-', '1', '3', 'a', 'Z', ' ', '\n', 0x80, 0xc3,
		0xa9, 0xe3, 0xff, 'x',
	};
	char s[5];
	size_t i, j, k, n = sizeof alphabet;
	struct cr_contact c;
	char *a;

	(void)state;
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			for (k = 0; k < n; k++) {
				s[0] = (char)alphabet[i];
				s[1] = (char)alphabet[j];
				s[2] = (char)alphabet[k];
				s[3] = '\0';
				/*
				 * No three bytes are an address (x@y.z is five),
				 * a phone (+CC.N...), a country (two letters) or
				 * a region of FR: each check says why.
				 */
				assert_non_null(cr_check_email(s));
				assert_non_null(cr_check_phone(s));
				assert_non_null(cr_check_country(s));
				assert_non_null(cr_check_state("FR", s));
				(void)cr_check_zip("GB", s);
				/* matching is symmetric */
				assert_int_equal(cr_match_equal(s, "a"),
				    cr_match_equal("a", s));
				assert_false(cr_email_equal(s, "a@b.c"));
				a = cr_email_ascii(s);
				assert_null(a);
				free(a);
				memset(&c, 0, sizeof c);
				c.firstname = c.lastname = c.orgname = s;
				c.email = c.phone = c.country = c.zip = s;
				c.state = c.city = c.lang = s;
				/* at least the email, phone and country */
				assert_true(cr_validate_contact(&c, NULL, NULL)
				    >= 3);
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_email_basic),
		cmocka_unit_test(test_email_one_label),
		cmocka_unit_test(test_email_idn),
		cmocka_unit_test(test_email_lengths),
		cmocka_unit_test(test_email_equal),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_e164_table),
		cmocka_unit_test(test_country),
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_zip),
		cmocka_unit_test(test_contact_valid),
		cmocka_unit_test(test_contact_required),
		cmocka_unit_test(test_contact_messages),
		cmocka_unit_test(test_contact_controls),
		cmocka_unit_test(test_contact_utf8),
		cmocka_unit_test(test_contact_lengths),
		cmocka_unit_test(test_contact_every_problem),
		cmocka_unit_test(test_match_equal),
		cmocka_unit_test(test_import_match),
		cmocka_unit_test(test_no_crash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
