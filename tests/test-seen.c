/*
 * test-seen.c -- unit tests of the spilled hash list (src/seen.c): order
 * kept across the memory buffer and the temporary file, no file for a
 * short list, a spill that cannot be written, and fn's stop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custrelease.h"
#include "diag.h"
#include "seen.h"

struct replay {
	uint64_t	next;		/* the hash expected next */
	uint64_t	n;
	uint64_t	stop_at;	/* return 42 at this call (1-based) */
};

static int
check_order(void *arg, uint64_t h)
{
	struct replay *r = arg;

	assert_int_equal(h, r->next * 0x9e3779b97f4a7c15ULL);
	r->next++;
	if (++r->n == r->stop_at)
		return 42;
	return 0;
}

static void
add_n(struct cr_seen *s, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		cr_seen_add(s, i * 0x9e3779b97f4a7c15ULL);
}

/* Three hashes in memory: ten go through the file, in order. */
static void
test_spill_order(void **state)
{
	struct cr_seen *s = cr_seen_new(3);
	struct replay r = { 0, 0, 0 };

	(void)state;
	add_n(s, 10);
	assert_int_equal(cr_seen_count(s), 10);
	assert_int_equal(cr_seen_foreach(s, check_order, &r), 0);
	assert_int_equal(r.n, 10);
	/* a second pass reads the file again */
	memset(&r, 0, sizeof r);
	assert_int_equal(cr_seen_foreach(s, check_order, &r), 0);
	assert_int_equal(r.n, 10);
	assert_int_equal(cr_seen_status(s), 0);
	cr_seen_free(s);
}

/* A full buffer exactly: nothing spilled until one more comes. */
static void
test_exact_buffer(void **state)
{
	struct cr_seen *s;
	struct replay r = { 0, 0, 0 };

	(void)state;
	setenv("TMPDIR", "/nonexistent/custrelease-test", 1);
	s = cr_seen_new(4);
	add_n(s, 4);
	assert_int_equal(cr_seen_foreach(s, check_order, &r), 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(cr_seen_status(s), 0);
	cr_seen_free(s);
	unsetenv("TMPDIR");
}

/* No temporary directory: the first spill fails, and says so once. */
static void
test_spill_fails(void **state)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	struct cr_seen *s;
	struct replay r = { 0, 0, 0 };

	(void)state;
	cr_diag_set_stream(f);
	setenv("TMPDIR", "/nonexistent/custrelease-test", 1);
	s = cr_seen_new(2);
	add_n(s, 7);
	assert_int_equal(cr_seen_status(s), CR_STATUS_IO);
	assert_int_equal(cr_seen_foreach(s, check_order, &r), CR_STATUS_IO);
	assert_int_equal(r.n, 0);
	cr_seen_free(s);
	unsetenv("TMPDIR");
	cr_diag_set_stream(NULL);
	fclose(f);
	assert_non_null(strstr(text, "/nonexistent/custrelease-test:0: "
	    "temporary file: cannot create"));
	assert_null(strstr(strstr(text, "cannot create") + 1,
	    "cannot create"));
	free(text);
}

/* fn's non-zero return stops the pass, in the file and in memory. */
static void
test_stop(void **state)
{
	struct cr_seen *s = cr_seen_new(3);
	struct replay r = { 0, 0, 2 };

	(void)state;
	add_n(s, 8);
	assert_int_equal(cr_seen_foreach(s, check_order, &r), 42);
	assert_int_equal(r.n, 2);
	memset(&r, 0, sizeof r);
	r.stop_at = 8;
	assert_int_equal(cr_seen_foreach(s, check_order, &r), 42);
	assert_int_equal(r.n, 8);
	cr_seen_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spill_order),
		cmocka_unit_test(test_exact_buffer),
		cmocka_unit_test(test_spill_fails),
		cmocka_unit_test(test_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
