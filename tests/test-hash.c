/* test-hash.c -- unit tests of the string map (src/hash.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hash.h"
#include "xmalloc.h"

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


/* --- the keyed hash ------------------------------------------------------ */

static const char *self;	/* argv[0] */

/*
 * The hash of key in a new process (this program run again with --hash,
 * see main), read back through a pipe.
 */
static uint64_t
child_hash(const char *key)
{
	int fd[2], st;
	uint64_t h = 0;
	pid_t pid;

	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (dup2(fd[1], 1) < 0)
			_exit(1);
		execl(self, self, "--hash", key, (char *)NULL);
		_exit(1);
	}
	close(fd[1]);
	assert_int_equal(read(fd[0], &h, sizeof h), (ssize_t)sizeof h);
	close(fd[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return h;
}

/*
 * The key is drawn per process: two processes hash the same id apart, and
 * apart from this one, which agrees with itself.
 */
static void
test_key_per_process(void **state)
{
	uint64_t a, b, mine;

	(void)state;
	a = child_hash("req-0001");
	b = child_hash("req-0001");
	assert_true(a != b);
	mine = cr_hash_bytes("req-0001", 8);
	assert_true(mine != a && mine != b);
	assert_int_equal(cr_hash_bytes("req-0001", 8), mine);
}

/*
 * The unkeyed hash custrelease used before (wyhash-style mixer): ported
 * here only to craft ids that collide under it.
 */
static uint64_t
old_mix(uint64_t a, uint64_t b)
{
	__extension__ typedef unsigned __int128 u128;
	u128 r = (u128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static uint64_t
old_hash(const unsigned char *s, size_t len)
{
	uint64_t h, w, w1, w2;
	size_t n = len;

	h = old_mix(0x9e3779b97f4a7c15ULL ^ len, 0xa0761d6478bd642fULL);
	if (n >= 8) {
		for (; n > 8; s += 8, n -= 8) {
			memcpy(&w, s, 8);
			h = old_mix(h ^ w, 0xbf58476d1ce4e5b9ULL);
		}
		memcpy(&w, s + n - 8, 8);
	} else if (n >= 4) {
		uint32_t x, y;

		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		w1 = x;
		w2 = y;
		w = w1 << 32 | w2;
	} else if (n > 0)
		w = (uint64_t)s[0] << 16 | (uint64_t)s[n / 2] << 8 | s[n - 1];
	else
		w = 0;
	h = old_mix(h ^ w, 0x94d049bb133111ebULL);
	return old_mix(h, 0x2545f4914f6cdd1dULL);
}

#define FLOOD_N		1500	/* ids; the map's table ends at 4096 slots */
#define FLOOD_MASK	4095

/*
 * Request ids whose old hash has the same low 12 bits land in one home
 * slot of a 4096-slot table: under the old hash the map's longest probe
 * was the number of ids.  Under the keyed hash they spread like any ids.
 */
static void
test_flood(void **state)
{
	struct cr_map *m = cr_map_new();
	char id[32];
	size_t found = 0;
	unsigned long i;

	(void)state;
	for (i = 0; found < FLOOD_N; i++) {
		snprintf(id, sizeof id, "req-%08lu", i);
		if ((old_hash((const unsigned char *)id, strlen(id)) &
		    FLOOD_MASK) != 0)
			continue;
		assert_int_equal(cr_map_put(m, id, strlen(id), NULL, NULL), 1);
		found++;
	}
	assert_int_equal(cr_map_count(m), FLOOD_N);
	/* under the old hash this was FLOOD_N - 1 */
	assert_true(cr_map_max_probe(m) < 64);
	cr_map_free(m);
}

/*
 * The bytes an arena uses, asked for every 1024 rows of a model: every
 * block counted (the used part and its header), the newest and the older
 * ones, block after block.
 */
static void
test_arena_bytes(void **state)
{
	struct cr_arena *a = NULL;
	size_t i, n, prev = 0, want = 0;

	(void)state;
	assert_int_equal(cr_arena_bytes(a), 0);
	for (i = 0; i < 200000; i++) {
		n = 8 * (1 + i % 5);		/* 8 to 40 bytes, aligned */
		(void)cr_arena_alloc(&a, n);
		want += n;
		/* grows by what was asked, or that and one block's header */
		assert_true(cr_arena_bytes(a) >= prev + n);
		assert_true(cr_arena_bytes(a) <= prev + n + 64);
		prev = cr_arena_bytes(a);
	}
	/* 4.8 MB: about 19 blocks of 256 KiB, each with a small header */
	assert_true(prev >= want);
	assert_true(prev <= want + 64 * (want / (256 * 1024) + 1) + 256 * 1024);
	(void)cr_arena_alloc(&a, 1024 * 1024);	/* a block of its own */
	assert_true(cr_arena_bytes(a) >= prev + 1024 * 1024);
	cr_arena_free(a);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_distinct),
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_grow_and_order),
		cmocka_unit_test(test_drop_index),
		cmocka_unit_test(test_key_per_process),
		cmocka_unit_test(test_flood),
		cmocka_unit_test(test_arena_bytes),
	};

	self = argv[0];
	if (argc == 3 && strcmp(argv[1], "--hash") == 0) {
		uint64_t h = cr_hash_bytes(argv[2], strlen(argv[2]));

		return write(1, &h, sizeof h) == sizeof h ? 0 : 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
