/*
 * tmpdir.h -- where the unit tests make their scratch files: under
 * $TMPDIR, else /tmp, as the end-to-end tests do.  test_tmpname() writes
 * "DIR/NAME-XXXXXX" into buf, ready for mkdtemp() or mkstemp().
 */
#ifndef CR_TEST_TMPDIR_H
#define CR_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

#define TEST_PATH_MAX	160	/* a longer $TMPDIR: the test fails */

static inline void
test_tmpname(char *buf, size_t size, const char *name)
{
	const char *t = getenv("TMPDIR");

	if ((size_t)snprintf(buf, size, "%s/%s-XXXXXX", t != NULL &&
	    *t != '\0' ? t : "/tmp", name) >= size) {
		fprintf(stderr, "TMPDIR is too long for the unit tests\n");
		abort();
	}
}

#endif
