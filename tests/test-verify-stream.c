/*
 * test-verify-stream.c -- unit tests of the bounded-memory streams of
 * src/verify-stream.c: the memory budget and its cap, runs kept in memory
 * until they pass their size and then spilled (the same records, in the
 * same order, either way), and the external sort (order, ties in the
 * order added, spills merged).
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
#include "verify-stream.h"

/* Record i: its key, then its number as a sortable field. */
static void
rec_fields(uint64_t i, struct vs_rowbuf *b, char *key, size_t keysize,
    const char **f)
{
	snprintf(key, keysize, "key-%llu", (unsigned long long)(i * 7919 % 101));
	f[0] = key;
	f[1] = vs_row(b, i);
}

static void
write_n(struct vs_writer *w, uint64_t n)
{
	struct vs_rowbuf b;
	char key[32];
	const char *f[2];
	uint64_t i;

	for (i = 0; i < n; i++) {
		rec_fields(i, &b, key, sizeof key, f);
		vs_writer_add(w, 2, f);
	}
}

/* The run holds records 0 .. n-1, in order; read it twice. */
static void
check_run(const struct vs_run *run, uint64_t n)
{
	struct vs_reader rd;
	struct vs_rowbuf b;
	char key[32];
	const char *f[VS_FIELDS_MAX], *want[2];
	size_t nf;
	uint64_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		vs_reader_open(&rd, run);
		for (i = 0; vs_reader_next(&rd, f, &nf); i++) {
			rec_fields(i, &b, key, sizeof key, want);
			assert_int_equal(nf, 2);
			assert_string_equal(f[0], want[0]);
			assert_string_equal(f[1], want[1]);
		}
		vs_reader_close(&rd);
		assert_int_equal(i, n);
	}
}

/* The cap lowers the budget even after the budget was first asked for. */
static void
test_mem_cap(void **state)
{
	(void)state;
	assert_int_equal(vs_mem(), 16u * 1024 * 1024);
	vs_mem_cap(4096);
	assert_int_equal(vs_mem(), 4096);
	vs_mem_cap(10);				/* at least 256 */
	assert_int_equal(vs_mem(), 256);
	vs_mem_cap(1024 * 1024 * 1024);		/* never above the budget */
	assert_int_equal(vs_mem(), 16u * 1024 * 1024);
}

/* A small run stays in memory: no file, and it reads back. */
static void
test_run_in_memory(void **state)
{
	struct vs_writer w;
	struct vs_run run;

	(void)state;
	vs_writer_open_mem(&w, &run, 4096);
	write_n(&w, 20);
	vs_writer_close(&w);
	assert_int_equal(run.fd, -1);
	assert_non_null(run.mem);
	check_run(&run, 20);
	vs_run_free(&run);
	assert_null(run.mem);
}

/* Past its size, all of a run goes to a file, the first records first. */
static void
test_run_spills(void **state)
{
	struct vs_writer w;
	struct vs_run run;

	(void)state;
	vs_writer_open_mem(&w, &run, 100);
	write_n(&w, 5000);		/* 100 KiB and more: blocks too */
	vs_writer_close(&w);
	assert_true(run.fd >= 0);
	assert_null(run.mem);
	check_run(&run, 5000);
	vs_run_free(&run);
	assert_int_equal(run.fd, -1);
}

/* Exactly full stays in memory; one more byte's record spills. */
static void
test_run_exact(void **state)
{
	struct vs_writer w;
	struct vs_run run;
	const char *f[1];

	(void)state;
	f[0] = "abc";			/* 4 bytes, 8 with the length */
	vs_writer_open_mem(&w, &run, 16);
	vs_writer_add(&w, 1, f);
	vs_writer_add(&w, 1, f);
	vs_writer_close(&w);
	assert_int_equal(run.fd, -1);
	assert_int_equal(run.size, 16);
	vs_run_free(&run);

	vs_writer_open_mem(&w, &run, 16);
	vs_writer_add(&w, 1, f);
	vs_writer_add(&w, 1, f);
	vs_writer_add(&w, 1, f);
	vs_writer_close(&w);
	assert_true(run.fd >= 0);
	assert_int_equal(run.size, 24);
	vs_run_free(&run);
}

/* A run with no record, in memory or in a file, reads as empty. */
static void
test_run_empty(void **state)
{
	struct vs_writer w;
	struct vs_run run;

	(void)state;
	vs_writer_open_mem(&w, &run, 64);
	vs_writer_close(&w);
	check_run(&run, 0);
	vs_run_free(&run);
	vs_writer_open(&w, &run);
	vs_writer_close(&w);
	assert_true(run.fd >= 0);
	check_run(&run, 0);
	vs_run_free(&run);
}

struct sorted {
	char		last[32];
	uint64_t	lastrow, n;
};

static void
check_sorted(void *arg, const char *const *f, size_t nf)
{
	struct sorted *s = arg;
	int c;

	assert_int_equal(nf, 2);
	if (s->n > 0) {
		c = strcmp(s->last, f[0]);
		assert_true(c <= 0);
		if (c == 0)		/* ties: in the order added */
			assert_true(s->lastrow < vs_row_of(f[1]));
	}
	snprintf(s->last, sizeof s->last, "%s", f[0]);
	s->lastrow = vs_row_of(f[1]);
	s->n++;
}

/* A sort over many spills (a budget of 256 bytes) still sorts. */
static void
test_sort_spilled(void **state)
{
	struct vs_sort *s;
	struct sorted st;
	struct vs_rowbuf b;
	char key[32];
	const char *f[2];
	uint64_t i;

	(void)state;
	vs_mem_cap(256);
	s = vs_sort_new();
	for (i = 0; i < 3000; i++) {
		rec_fields(i, &b, key, sizeof key, f);
		vs_sort_add(s, 2, f);
	}
	memset(&st, 0, sizeof st);
	vs_sort_each(s, check_sorted, &st);
	assert_int_equal(st.n, 3000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_cap),
		cmocka_unit_test(test_run_in_memory),
		cmocka_unit_test(test_run_spills),
		cmocka_unit_test(test_run_exact),
		cmocka_unit_test(test_run_empty),
		cmocka_unit_test(test_sort_spilled),
	};

	/* the budget is the default one, whatever the caller's environment */
	unsetenv("CUSTRELEASE_VERIFY_MEM");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
