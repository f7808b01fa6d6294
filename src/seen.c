/*
 * seen.c -- the spilled hash list of seen.h.  One buffer, one unnamed
 * temporary file opened on the first spill, plain write(2) and read(2) so
 * that the fault-injection shim sees them.  It does not sort, merge or
 * index: one sequential pass is all its one caller (load.c) needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custrelease.h"
#include "err.h"
#include "seen.h"
#include "xmalloc.h"

#define SEEN_DEFAULT	(128 * 1024)	/* hashes in memory: 1 MiB */

struct cr_seen {
	uint64_t	*buf;
	size_t		 n, cap;
	uint64_t	 spilled;	/* hashes in the file */
	uint64_t	 total;
	int		 fd;
	int		 status;
	char		*dir;		/* for messages */
};

struct cr_seen *
cr_seen_new(size_t bufcount)
{
	struct cr_seen *s = xcalloc(1, sizeof *s);
	const char *dir = getenv("TMPDIR");

	s->cap = bufcount != 0 ? bufcount : SEEN_DEFAULT;
	s->buf = xreallocarray(NULL, s->cap, sizeof *s->buf);
	s->fd = -1;
	s->dir = xstrdup(dir != NULL && *dir != '\0' ? dir : "/tmp");
	return s;
}

void
cr_seen_free(struct cr_seen *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	free(s->dir);
	free(s);
}

uint64_t
cr_seen_count(const struct cr_seen *s)
{
	return s->total;
}

int
cr_seen_status(const struct cr_seen *s)
{
	return s->status;
}

static void
seen_fail(struct cr_seen *s, const char *what, int err)
{
	cr_err_set(s->dir, 0, "temporary file: %s: %s", what, strerror(err));
	s->status = CR_STATUS_IO;
}

static int
seen_open(struct cr_seen *s)
{
	char *tmpl;
	int err;

#ifdef O_TMPFILE
	s->fd = open(s->dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (s->fd >= 0)
		return 0;
	/* a file system without O_TMPFILE: a named file, unlinked at once */
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
		seen_fail(s, "cannot create", errno);
		return -1;
	}
#endif
	xasprintf(&tmpl, "%s/custrelease-XXXXXX", s->dir);
	s->fd = mkostemp(tmpl, O_CLOEXEC);
	err = errno;
	if (s->fd >= 0 && unlink(tmpl) != 0) {
		err = errno;
		close(s->fd);
		unlink(tmpl);
		s->fd = -1;
	}
	free(tmpl);
	if (s->fd < 0) {
		seen_fail(s, "cannot create", err);
		return -1;
	}
	return 0;
}

/* Write the buffer to the file; 0 or -1 (status set). */
static int
seen_spill(struct cr_seen *s)
{
	const char *p = (const char *)s->buf;
	size_t left = s->n * sizeof *s->buf;
	ssize_t w;

	if (s->fd < 0 && seen_open(s) != 0)
		return -1;
	while (left != 0) {
		w = write(s->fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			seen_fail(s, "write error", w < 0 ? errno : ENOSPC);
			return -1;
		}
		p += w;
		left -= (size_t)w;
	}
	s->spilled += s->n;
	s->n = 0;
	return 0;
}

void
cr_seen_add(struct cr_seen *s, uint64_t h)
{
	if (s->status != 0)
		return;
	if (s->n == s->cap && seen_spill(s) != 0)
		return;
	s->buf[s->n++] = h;
	s->total++;
}

/* Read the spilled hashes back, a buffer at a time. */
static int
seen_replay(struct cr_seen *s, int (*fn)(void *, uint64_t), void *arg)
{
	uint64_t left = s->spilled, *tmp;
	size_t want, got, i;
	ssize_t r;
	int rc = 0;

	if (lseek(s->fd, 0, SEEK_SET) != 0) {
		seen_fail(s, "seek error", errno);
		return s->status;
	}
	tmp = xreallocarray(NULL, s->cap, sizeof *tmp);
	while (rc == 0 && left != 0) {
		want = left < s->cap ? (size_t)left : s->cap;
		got = 0;
		while (got < want * sizeof *tmp) {
			r = read(s->fd, (char *)tmp + got,
			    want * sizeof *tmp - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				seen_fail(s, "read error", r < 0 ? errno : EIO);
				free(tmp);
				return s->status;
			}
			got += (size_t)r;
		}
		for (i = 0; rc == 0 && i < want; i++)
			rc = fn(arg, tmp[i]);
		left -= want;
	}
	free(tmp);
	return rc;
}

int
cr_seen_foreach(struct cr_seen *s, int (*fn)(void *, uint64_t), void *arg)
{
	size_t i;
	int rc;

	if (s->status != 0)
		return s->status;
	if (s->spilled != 0 && (rc = seen_replay(s, fn, arg)) != 0)
		return rc;
	for (i = 0; i < s->n; i++) {
		if ((rc = fn(arg, s->buf[i])) != 0)
			return rc;
	}
	return 0;
}
