/*
 * chain.c -- finding the head of OUT's chain (see chain.h).  Each run's
 * copy of bag-info.txt is read (at most CHAIN_FILE_MAX bytes) for its
 * Previous-Run-Id; the runs nobody names are heads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chain.h"
#include "custrelease.h"
#include "token.h"
#include "xmalloc.h"

#define CHAIN_FILE_MAX	65536	/* a bag-info.txt is about 400 bytes */

/* Every committed run and the predecessor its bag-info.txt copy names. */
struct chain_runs {
	struct cr_rundir *rd;
	char		*buf;		/* CHAIN_FILE_MAX bytes, for reading */
	char		(*id)[CR_RUN_ID_LEN + 1];
	char		(*prev)[CR_RUN_ID_LEN + 1];
	size_t		 n, cap;
	int		 err;
};

/* OUT/<run_id>/<name> into buf (NUL-terminated): its length, -1 when
   absent, -2 after a read error (errno kept). */
static ssize_t
chain_read(struct cr_rundir *rd, const char *run_id, const char *name,
    char *buf)
{
	char path[CR_RUN_ID_LEN + 32];
	ssize_t n, got = 0;
	int fd, err;

	snprintf(path, sizeof path, "%s/%s", run_id, name);
	fd = openat(cr_rundir_fd(rd), path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? -1 : -2;
	while ((n = read(fd, buf + got, CHAIN_FILE_MAX - 1 - (size_t)got))
	    != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			close(fd);
			errno = err;
			return -2;
		}
		got += n;
		if (got == CHAIN_FILE_MAX - 1)
			break;
	}
	close(fd);
	buf[got] = '\0';
	return got;
}

int
cr_chain_bag_info(const char *text, size_t len, const char *key, char *out,
    size_t size)
{
	const char *p = text, *end = text + len, *nl;
	size_t k = strlen(key), n;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) > k + 2 && memcmp(p, key, k) == 0 &&
		    p[k] == ':' && p[k + 1] == ' ') {
			n = (size_t)(nl - p) - k - 2;
			if (n > 0 && p[k + 2 + n - 1] == '\r')
				n--;
			if (n >= size)
				return -1;
			memcpy(out, p + k + 2, n);
			out[n] = '\0';
			return 0;
		}
	}
	return -1;
}

static int
chain_collect(void *arg, const char *run_id)
{
	struct chain_runs *r = arg;
	ssize_t n;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->id = xreallocarray(r->id, r->cap, sizeof *r->id);
		r->prev = xreallocarray(r->prev, r->cap, sizeof *r->prev);
	}
	snprintf(r->id[r->n], sizeof r->id[r->n], "%s", run_id);
	r->prev[r->n][0] = '\0';
	n = chain_read(r->rd, run_id, CR_CHAIN_BAG_INFO, r->buf);
	if (n == -2) {
		r->err = errno;
		return CR_STATUS_IO;
	}
	if (n >= 0)
		(void)cr_chain_bag_info(r->buf, (size_t)n, "Previous-Run-Id",
		    r->prev[r->n], sizeof r->prev[r->n]);
	r->n++;
	return 0;
}

static int
chain_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
cr_chain_head(struct cr_rundir *rd, struct cr_chain_link *head, int *err)
{
	struct chain_runs r = { rd, xmalloc(CHAIN_FILE_MAX), NULL, NULL, 0, 0,
	    0 };
	char (*named)[CR_RUN_ID_LEN + 1];
	ssize_t n;
	size_t i;
	int rc;

	memset(head, 0, sizeof *head);
	rc = cr_rundir_foreach_run(rd, chain_collect, &r);
	named = NULL;
	if (rc == 0 && r.n > 0) {
		named = xreallocarray(NULL, r.n, sizeof *named);
		memcpy(named, r.prev, r.n * sizeof *named);
		qsort(named, r.n, sizeof *named, chain_cmp);
		/* ascending ids: the last one nobody names is the head */
		for (i = r.n; i-- > 0;)
			if (bsearch(r.id[i], named, r.n, sizeof *named,
			    chain_cmp) == NULL)
				break;
		snprintf(head->run_id, sizeof head->run_id, "%s",
		    r.id[i < r.n ? i : r.n - 1]);
		n = chain_read(rd, head->run_id, CR_CHAIN_TAGMANIFEST, r.buf);
		if (n == -2) {
			r.err = errno;
			rc = CR_STATUS_IO;
		} else if (n >= 0)
			cr_sha256_hex(r.buf, (size_t)n,
			    head->tagmanifest_sha256);
	}
	*err = r.err;
	free(named);
	free(r.id);
	free(r.prev);
	free(r.buf);
	return rc;
}
