/*
 * test-history.c -- the history index (history.h) against the committed
 * runs it stands for: 64 nights indexed one by one stay a few segments
 * long, every answer is the oldest release of its key whether a segment
 * is searched or read whole, and odd bytes in ids survive the round trip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "history.h"
#include "rundir.h"
#include "tmpdir.h"
#include "xmalloc.h"

#define NIGHTS	64
#define PER	3

static char out[TEST_PATH_MAX];
static char *runs[NIGHTS];

/* The odd request id of night 7: a tab, a backslash, a newline. */
static const char odd_rid[] = "we\tird\\x\nid";

static void
night(int n)
{
	char path[TEST_PATH_MAX + 64];
	FILE *f;
	int j;

	xasprintf(&runs[n], "202001%02dT%02d0000Z-%08x", 1 + n / 24, n % 24,
	    (unsigned)n);
	snprintf(path, sizeof path, "%s/%s", out, runs[n]);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/%s/decisions.csv", out, runs[n]);
	assert_non_null(f = fopen(path, "w"));
	fputs("request_id,line,customer_id,reseller_id,requested_by,outcome,"
	    "codes,message\n", f);
	for (j = 0; j < PER; j++)
		fprintf(f, "r-%d-%d,%d,c-%d-%d,org,ops,released,,\n", n, j,
		    j + 2, n, j);
	fprintf(f, "r-skip-%d,9,c-skip-%d,org,ops,skipped,S_X,m\n", n, n);
	if (n == 3 || n == 10)	/* a customer released twice */
		fprintf(f, "r-dup-%d,9,dup,org,ops,released,,\n", n);
	if (n == 5 || n == 20)	/* a request id released twice */
		fprintf(f, "rdup,9,c-rdup-%d,org,ops,released,,\n", n);
	if (n == 7)
		fprintf(f, "\"we\tird\\x\nid\",9,c-odd,org,ops,released,,\n");
	assert_int_equal(fclose(f), 0);
}

struct ask {
	int		 kind;
	const char	*key;
	size_t		 len;
	char		*answer;
};

struct asks {
	struct ask	*a;
	size_t		 n;
};

static void
asks_foreach(void *arg, void (*each)(void *, int, const char *, size_t),
    void *eacharg)
{
	struct asks *q = arg;
	size_t i;

	for (i = 0; i < q->n; i++)
		each(eacharg, q->a[i].kind, q->a[i].key, q->a[i].len);
}

static struct ask *
asks_find(struct asks *q, int kind, const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		if (q->a[i].kind == kind && q->a[i].len == len &&
		    memcmp(q->a[i].key, key, len) == 0)
			return &q->a[i];
	return NULL;
}

static int
asks_wants(void *arg, int kind, const char *key, size_t len)
{
	return asks_find(arg, kind, key, len) != NULL;
}

/* Keep the first answer, as the model does. */
static void
asks_found(void *arg, int kind, const char *key, size_t len,
    const char *value, size_t vlen)
{
	struct ask *a = asks_find(arg, kind, key, len);

	assert_non_null(a);
	if (a->answer == NULL)
		a->answer = xmemdup0(value, vlen);
}

static void
ask(struct cr_history *h, struct asks *q)
{
	struct cr_history_query hq = { q->n, asks_foreach, asks_wants,
	    asks_found, q };
	size_t i;

	for (i = 0; i < q->n; i++) {
		free(q->a[i].answer);
		q->a[i].answer = NULL;
	}
	assert_int_equal(cr_history_query(h, &hq), 0);
}

static size_t
segments(void)
{
	char path[TEST_PATH_MAX + 32];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(path, sizeof path, "%s/%s", out, CR_HISTORY_DIR);
	assert_non_null(d = opendir(path));
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
test_nights_one_by_one(void **state)
{
	struct cr_rundir *rd;
	struct cr_history *h;
	struct ask few[] = {
		{ CR_HIST_CUSTOMER, "dup", 3, NULL },
		{ CR_HIST_REQUEST, "rdup", 4, NULL },
		{ CR_HIST_REQUEST, odd_rid, sizeof odd_rid - 1, NULL },
		{ CR_HIST_CUSTOMER, "c-skip-4", 8, NULL },
		{ CR_HIST_REQUEST, "r-40-2", 6, NULL },
	};
	struct asks q = { few, sizeof few / sizeof few[0] };
	struct asks all;
	char *keys[NIGHTS * PER * 2];
	size_t i, max = 0;
	int n, j;

	(void)state;
	assert_int_equal(cr_rundir_lock(out, 1, &rd), 0);
	for (n = 0; n < NIGHTS; n++) {
		night(n);
		h = cr_history_open(rd, runs, (size_t)n);
		assert_int_equal(cr_history_covered(h), (size_t)n);
		assert_int_equal(cr_history_update(h, runs[n]), 0);
		assert_int_equal(cr_history_covered(h), (size_t)n + 1);
		cr_history_free(h);
		if (segments() > max)
			max = segments();
	}
	/* a binary counter: never more than log2(64) + 1 segments */
	assert_true(max <= 7);

	h = cr_history_open(rd, runs, NIGHTS);
	assert_int_equal(cr_history_covered(h), NIGHTS);
	ask(h, &q);	/* 5 keys: binary searches */
	assert_string_equal(few[0].answer, "r-dup-3");
	assert_string_equal(few[1].answer, "c-rdup-5");
	assert_string_equal(few[2].answer, "c-odd");
	assert_null(few[3].answer);	/* skipped rows are not releases */
	assert_string_equal(few[4].answer, "c-40-2");

	/* every key: segments read whole, the same answers */
	all.n = 0;
	all.a = xcalloc(NIGHTS * PER * 2, sizeof *all.a);
	for (n = 0; n < NIGHTS; n++)
		for (j = 0; j < PER; j++) {
			xasprintf(&keys[all.n], "r-%d-%d", n, j);
			all.a[all.n].kind = CR_HIST_REQUEST;
			all.a[all.n].key = keys[all.n];
			all.a[all.n].len = strlen(keys[all.n]);
			all.n++;
			xasprintf(&keys[all.n], "c-%d-%d", n, j);
			all.a[all.n].kind = CR_HIST_CUSTOMER;
			all.a[all.n].key = keys[all.n];
			all.a[all.n].len = strlen(keys[all.n]);
			all.n++;
		}
	ask(h, &all);
	for (i = 0; i < all.n; i++) {
		char want[32];
		int rn, rj;

		assert_int_equal(sscanf(all.a[i].key + 2, "%d-%d", &rn, &rj),
		    2);
		snprintf(want, sizeof want, "%c-%d-%d", all.a[i].kind ==
		    CR_HIST_REQUEST ? 'c' : 'r', rn, rj);
		assert_non_null(all.a[i].answer);
		assert_string_equal(all.a[i].answer, want);
		free(all.a[i].answer);
		free(keys[i]);
	}
	free(all.a);
	for (i = 0; i < q.n; i++)
		free(few[i].answer);
	cr_history_free(h);
	cr_rundir_close(rd);
}

static int
setup(void **state)
{
	(void)state;
	test_tmpname(out, sizeof out, "test-history");
	return mkdtemp(out) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char *cmd;
	int n;

	(void)state;
	for (n = 0; n < NIGHTS; n++)
		free(runs[n]);
	xasprintf(&cmd, "rm -rf '%s'", out);
	n = system(cmd);
	free(cmd);
	return n == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nights_one_by_one),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
