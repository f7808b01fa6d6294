/*
 * verify-chain.c -- the chain of nights across bags (see verify.h).  It
 * compares the links that each bag's own verify read; it opens nothing
 * and prints nothing.  A break names the later bag of the pair.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

static int
link_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cr_verify_link *)a)->run_id,
	    ((const struct cr_verify_link *)b)->run_id);
}

/*
 * Runs of the same second sort by their random-looking suffix: put each
 * such pair in link order (the one named by the other first).
 */
static void
chain_same_second(struct cr_verify_link *l, size_t n)
{
	struct cr_verify_link t;
	size_t i;
	int swapped = 1, rounds = 0;

	while (swapped && rounds++ < 64) {
		swapped = 0;
		for (i = 1; i < n; i++) {
			if (strncmp(l[i - 1].run_id, l[i].run_id, 16) != 0 ||
			    strcmp(l[i - 1].prev, l[i].run_id) != 0)
				continue;
			t = l[i - 1];
			l[i - 1] = l[i];
			l[i] = t;
			swapped = 1;
		}
	}
}

unsigned long
cr_verify_chain(struct cr_verify_link *l, size_t n,
    void (*problem)(void *, const char *, const char *), void *arg)
{
	unsigned long breaks = 0;
	char msg[320];
	size_t i;

	qsort(l, n, sizeof *l, link_cmp);
	chain_same_second(l, n);
	for (i = 0; i < n; i++) {
		msg[0] = '\0';
		if (!l[i].present)
			snprintf(msg, sizeof msg, "bag-info.txt has no "
			    "Previous-Run-Id: not a link of a chain");
		else if (i > 0 && strcmp(l[i].run_id, l[i - 1].run_id) == 0)
			snprintf(msg, sizeof msg, "given twice");
		else if (i > 0 && strcmp(l[i].prev, l[i - 1].run_id) != 0)
			snprintf(msg, sizeof msg, "its predecessor is %s, but "
			    "the bag before it is %s (a missing, extra or "
			    "reordered night, or a fork)", l[i].prev[0] ?
			    l[i].prev : "none", l[i - 1].run_id);
		else if (i > 0 && strcmp(l[i].prev_tm, l[i - 1].tm) != 0)
			snprintf(msg, sizeof msg, "the bag of %s is not the one "
			    "it followed: its tag manifest's SHA-256 is %.12s..., "
			    "the link says %.12s...", l[i - 1].run_id,
			    l[i - 1].tm, l[i].prev_tm[0] ? l[i].prev_tm :
			    "unknown");
		if (msg[0] != '\0') {
			problem(arg, l[i].run_id, msg);
			breaks++;
		}
	}
	return breaks;
}
