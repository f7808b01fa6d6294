/*
 * test-json-write.c -- the one JSON writer (json-write.h): the exact bytes
 * of both layouts, line breaks where asked, and the escaping of every
 * kind of string.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "json-write.h"
#include "outfile.h"

static struct cr_outfile *out;
static struct cr_jw jw;

static void
start(int spaced)
{
	out = cr_outfile_mem("test");
	cr_jw_init(&jw, out, spaced);
}

static void
expect(const char *want)
{
	char *got;
	size_t len;

	got = cr_outfile_mem_finish(out, &len);
	assert_int_equal(len, strlen(want));
	assert_string_equal(got, want);
	free(got);
}

static void
test_compact(void **state)
{
	(void)state;
	start(0);
	cr_jw_object(&jw);
	cr_jw_key(&jw, "a");
	cr_jw_string(&jw, "x");
	cr_jw_key(&jw, "n");
	cr_jw_uint(&jw, 42);
	cr_jw_key(&jw, "neg");
	cr_jw_int(&jw, -7);
	cr_jw_key(&jw, "b");
	cr_jw_bool(&jw, 0);
	cr_jw_key(&jw, "lit");
	cr_jw_literal(&jw, "true");
	cr_jw_key(&jw, "l");
	cr_jw_array(&jw);
	cr_jw_end(&jw);
	cr_jw_key(&jw, "o");
	cr_jw_object(&jw);
	cr_jw_end(&jw);
	cr_jw_end(&jw);
	cr_jw_finish(&jw);
	expect("{\"a\":\"x\",\"n\":42,\"neg\":-7,\"b\":false,\"lit\":true,"
	    "\"l\":[],\"o\":{}}\n");
}

static void
test_spaced_with_breaks(void **state)
{
	(void)state;
	start(1);
	cr_jw_object(&jw);
	cr_jw_break(&jw, 2);
	cr_jw_key(&jw, "k");
	cr_jw_array(&jw);
	cr_jw_break(&jw, 4);
	cr_jw_string(&jw, "a");
	cr_jw_break(&jw, 4);
	cr_jw_string(&jw, "b");
	cr_jw_end(&jw);
	cr_jw_break(&jw, 2);
	cr_jw_key(&jw, "m");
	cr_jw_array(&jw);
	cr_jw_uint(&jw, 1);
	cr_jw_uint(&jw, 2);
	cr_jw_end(&jw);
	cr_jw_break(&jw, 0);
	cr_jw_end(&jw);
	cr_jw_finish(&jw);
	expect("{\n  \"k\": [\n    \"a\",\n    \"b\"],\n  \"m\": [1, 2]\n}\n");
}

static void
test_escaping(void **state)
{
	(void)state;
	start(0);
	cr_jw_array(&jw);
	cr_jw_string(&jw, "q\"b\\s/");
	cr_jw_string(&jw, "\x01\t\n\r\x1f\x7f");
	cr_jw_string(&jw, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	cr_jw_string(&jw, "bad\xff" "end\xc3");
	cr_jw_string(&jw, NULL);
	cr_jw_end(&jw);
	cr_jw_finish(&jw);
	expect("[\"q\\\"b\\\\s/\",\"\\u0001\\u0009\\u000a\\u000d\\u001f"
	    "\\u007f\",\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\","
	    "\"bad\\ufffdend\\ufffd\",\"\"]\n");
}

static void
test_keys_escaped(void **state)
{
	(void)state;
	start(1);
	cr_jw_object(&jw);
	cr_jw_key(&jw, "a\"b");
	cr_jw_object(&jw);
	cr_jw_key(&jw, "\n");
	cr_jw_uint(&jw, 0);
	cr_jw_end(&jw);
	cr_jw_end(&jw);
	cr_jw_finish(&jw);
	expect("{\"a\\\"b\": {\"\\u000a\": 0}}\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_spaced_with_breaks),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_keys_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
