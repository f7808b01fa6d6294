/* test-hash.c -- unit tests of the string map (src/hash.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

static void
test_put_get(void **state)
{
	struct cr_map *m = cr_map_new();
	void **slot;
	const char *key;

	(void)state;
	assert_null(cr_map_get(m, "a", 1));
	assert_int_equal(cr_map_put(m, "a", 1, &slot, &key), 1);
	assert_null(*slot);
	*slot = (void *)7;
	assert_string_equal(key, "a");
	assert_int_equal(cr_map_put(m, "a", 1, &slot, NULL), 0);
	assert_ptr_equal(*slot, (void *)7);
	assert_non_null(cr_map_get(m, "a", 1));
	assert_null(cr_map_get(m, "ab", 2));
	assert_int_equal(cr_map_count(m), 1);
	cr_map_free(m);
}

static void
test_embedded_nul(void **state)
{
	struct cr_map *m = cr_map_new();

	(void)state;
	assert_int_equal(cr_map_put(m, "p\0admin", 7, NULL, NULL), 1);
	assert_int_equal(cr_map_put(m, "p\0tech", 6, NULL, NULL), 1);
	assert_int_equal(cr_map_put(m, "p\0admin", 7, NULL, NULL), 0);
	assert_null(cr_map_get(m, "p", 1));
	cr_map_free(m);
}

struct order { int n; int ok; };

static void
visit(void *arg, const char *key, void *value)
{
	struct order *o = arg;
	char want[32];

	snprintf(want, sizeof want, "k%d", o->n);
	if (strcmp(key, want) != 0 || (intptr_t)value != o->n)
		o->ok = 0;
	o->n++;
}

static void
test_grow_and_order(void **state)
{
	struct cr_map *m = cr_map_new();
	struct order o = { 0, 1 };
	char key[32];
	void **slot;
	int i, n;

	(void)state;
	for (i = 0; i < 100000; i++) {
		n = snprintf(key, sizeof key, "k%d", i);
		assert_int_equal(cr_map_put(m, key, (size_t)n, &slot, NULL), 1);
		*slot = (void *)(intptr_t)i;
	}
	assert_int_equal(cr_map_count(m), 100000);
	for (i = 0; i < 100000; i += 997) {
		n = snprintf(key, sizeof key, "k%d", i);
		slot = cr_map_get(m, key, (size_t)n);
		assert_non_null(slot);
		assert_int_equal((intptr_t)*slot, i);
	}
	cr_map_foreach(m, visit, &o);
	assert_int_equal(o.n, 100000);
	assert_true(o.ok);
	cr_map_free(m);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * The hash reads words that overlap at the end of a key: every key over
 * {a, b} of 0 to 13 bytes (16,383 keys, all lengths and tails) must still
 * hash apart, and a key must hash the same wherever it sits in memory.
 */
static void
test_hash_distinct(void **state)
{
	static uint64_t h[1 << 14];
	char key[16], buf[32];
	size_t n = 0, len, i, bits;

	(void)state;
	for (len = 0; len <= 13; len++) {
		for (bits = 0; bits < (1U << len); bits++) {
			for (i = 0; i < len; i++)
				key[i] = (bits >> i) & 1 ? 'b' : 'a';
			h[n] = cr_hash_bytes(key, len);
			memcpy(buf + 3, key, len);
			assert_int_equal(cr_hash_bytes(buf + 3, len), h[n]);
			n++;
		}
	}
	qsort(h, n, sizeof *h, cmp_u64);
	for (i = 1; i < n; i++)
		assert_true(h[i] != h[i - 1]);
}

static void
count_visit(void *arg, const char *key, void *value)
{
	size_t *n = arg;
	char want[16];

	snprintf(want, sizeof want, "k%zu", *n);
	assert_string_equal(key, want);
	assert_ptr_equal(value, (void *)(uintptr_t)(*n + 1));
	(*n)++;
}

/* After cr_map_drop_index: no look-up finds anything, keys and values stay. */
static void
test_drop_index(void **state)
{
	struct cr_map *m = cr_map_new();
	char key[16];
	void **slot;
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "k%zu", i);
		assert_int_equal(cr_map_put(m, key, strlen(key), &slot, NULL), 1);
		*slot = (void *)(uintptr_t)(i + 1);
	}
	assert_non_null(cr_map_get(m, "k7", 2));
	cr_map_drop_index(m);
	assert_int_equal(cr_map_count(m), 1000);
	assert_null(cr_map_get(m, "k7", 2));
	assert_null(cr_map_get_hash(m, cr_hash_bytes("k7", 2)));
	cr_map_foreach(m, count_visit, &n);
	assert_int_equal(n, 1000);
	cr_map_drop_index(m);		/* twice is harmless */
	cr_map_free(m);
	cr_map_drop_index(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_distinct),
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_grow_and_order),
		cmocka_unit_test(test_drop_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
