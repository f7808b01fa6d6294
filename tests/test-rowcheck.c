/* test-rowcheck.c -- unit tests of the docs/format.md 2.1 value rules (rowcheck.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "rowcheck.h"
#include "schema.h"

static void
test_identifiers(void **state)
{
	char s65[66];

	(void)state;
	assert_true(cr_valid_id("c-1", 3));
	assert_true(cr_valid_id("A.b_c:d-9", 9));
	assert_true(cr_valid_id("9", 1));
	assert_false(cr_valid_id("", 0));
	assert_false(cr_valid_id("-c", 2));
	assert_false(cr_valid_id(".c", 2));
	assert_false(cr_valid_id("c 1", 3));
	assert_false(cr_valid_id("c/1", 3));
	assert_false(cr_valid_id("zo\xc3\xa9", 4));
	memset(s65, 'a', 65);
	s65[65] = '\0';
	assert_true(cr_valid_id(s65, 64));
	assert_false(cr_valid_id(s65, 65));
}

static void
test_booleans(void **state)
{
	(void)state;
	assert_int_equal(cr_parse_bool("true"), 1);
	assert_int_equal(cr_parse_bool("TRUE"), 1);
	assert_int_equal(cr_parse_bool("Yes"), 1);
	assert_int_equal(cr_parse_bool("1"), 1);
	assert_int_equal(cr_parse_bool("false"), 0);
	assert_int_equal(cr_parse_bool("No"), 0);
	assert_int_equal(cr_parse_bool("0"), 0);
	assert_int_equal(cr_parse_bool("y"), -1);
	assert_int_equal(cr_parse_bool("2"), -1);
	assert_int_equal(cr_parse_bool(""), -1);
}

static void
test_times(void **state)
{
	time_t t;
	char buf[21];

	(void)state;
	assert_int_equal(cr_parse_time("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal((long long)t, 0);
	assert_int_equal(cr_parse_time("2026-11-30T02:00:00Z", &t), 0);
	assert_int_equal((long long)t, 1796004000LL);
	cr_format_time(t, buf);
	assert_string_equal(buf, "2026-11-30T02:00:00Z");
	assert_int_equal(cr_parse_time("2024-02-29T23:59:59Z", &t), 0);
	assert_int_equal(cr_parse_time("2025-02-29T00:00:00Z", &t), -1);
	assert_int_equal(cr_parse_time("2026-11-30 02:00:00Z", &t), -1);
	assert_int_equal(cr_parse_time("2026-11-30T02:00:00", &t), -1);
	assert_int_equal(cr_parse_time("2026-11-30T02:00:00+01:00", &t), -1);
	assert_int_equal(cr_parse_time("2026-13-01T00:00:00Z", &t), -1);
	assert_int_equal(cr_parse_time("2026-11-30T24:00:00Z", &t), -1);
}

struct seen { int n; char last[512]; int column; };

static void
collect(void *arg, const struct cr_row *row, int column, const char *msg)
{
	struct seen *s = arg;

	(void)row;
	s->n++;
	s->column = column;
	snprintf(s->last, sizeof s->last, "%s", msg);
}

static void
test_row(void **state)
{
	const struct cr_schema *sc = cr_schema_get(CR_T_PRODUCTS);
	const char *val[PRD_NCOLS] = { "p-1", "c-1", "domain", "zoe.example",
	    "active", "2027-03-01T00:00:00Z" };
	size_t len[PRD_NCOLS];
	struct cr_row row = { sc, "products.csv", 2, 0, 6, 6, val, len,
	    NULL, 0 };
	struct seen s = { 0, "", 0 };
	size_t i;

	(void)state;
	for (i = 0; i < PRD_NCOLS; i++)
		len[i] = strlen(val[i]);
	assert_int_equal(cr_rowcheck(&row, collect, &s), 0);

	val[PRD_KIND] = "domian";
	len[PRD_KIND] = 6;
	assert_int_equal(cr_rowcheck(&row, collect, &s), 1);
	assert_int_equal(s.column, PRD_KIND);
	assert_string_equal(s.last, "column \"kind\" \"domian\": expected one "
	    "of domain, certificate, hosting, mailbox");

	val[PRD_KIND] = "domain";
	len[PRD_KIND] = 6;
	val[PRD_NAME] = "zo\xe9.example";
	len[PRD_NAME] = strlen(val[PRD_NAME]);
	s.n = 0;
	assert_int_equal(cr_rowcheck(&row, collect, &s), 1);
	assert_string_equal(s.last, "column \"name\" \"zo\\xE9.example\": "
	    "invalid UTF-8 at byte offset 2");

	val[PRD_NAME] = NULL;
	len[PRD_NAME] = 0;
	row.flags = CR_ROW_BADCOUNT;
	row.nfields = 5;
	s.n = 0;
	assert_int_equal(cr_rowcheck(&row, collect, &s), 2);
	assert_string_equal(s.last, "column \"name\": empty value, expected "
	    "a value");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identifiers),
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_row),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
