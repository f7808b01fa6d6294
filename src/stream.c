/*
 * stream.c -- byte streams with a running SHA-256 (nettle), a byte count
 * and a size cap; see stream.h.  It does not buffer: readers bring their
 * own buffers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "custrelease.h"
#include "diag.h"
#include "stream.h"
#include "xmalloc.h"

struct cr_stream {
	char			*name;
	cr_stream_read_fn	 fn;
	void			*ctx;
	uint64_t		 nread;
	uint64_t		 limit;
	int			 status;
	void			(*progress)(void *, uint64_t);
	void			*progress_arg;
	struct sha256_ctx	 sha;
	/* memory streams */
	const unsigned char	*mem;
	size_t			 memlen;
	size_t			 mempos;
	int			 fd;
};

struct cr_stream *
cr_stream_new(const char *name, cr_stream_read_fn fn, void *ctx)
{
	struct cr_stream *s = xcalloc(1, sizeof *s);

	s->name = xstrdup(name);
	s->fn = fn;
	s->ctx = ctx;
	s->fd = -1;
	sha256_init(&s->sha);
	return s;
}

static ssize_t
stream_fd_read(void *ctx, void *buf, size_t n)
{
	struct cr_stream *s = ctx;
	ssize_t r;

	do
		r = read(s->fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

struct cr_stream *
cr_stream_fd(int fd, const char *name)
{
	struct cr_stream *s = cr_stream_new(name, stream_fd_read, NULL);

	s->ctx = s;
	s->fd = fd;
	return s;
}

static ssize_t
stream_mem_read(void *ctx, void *buf, size_t n)
{
	struct cr_stream *s = ctx;

	if (n > s->memlen - s->mempos)
		n = s->memlen - s->mempos;
	if (n != 0)
		memcpy(buf, s->mem + s->mempos, n);
	s->mempos += n;
	return (ssize_t)n;
}

struct cr_stream *
cr_stream_mem(const void *buf, size_t len, const char *name)
{
	struct cr_stream *s = cr_stream_new(name, stream_mem_read, NULL);

	s->ctx = s;
	s->mem = buf;
	s->memlen = len;
	return s;
}

void
cr_stream_free(struct cr_stream *s)
{
	if (s == NULL)
		return;
	free(s->name);
	free(s);
}

void
cr_stream_set_limit(struct cr_stream *s, uint64_t limit)
{
	s->limit = limit;
}

void
cr_stream_set_progress(struct cr_stream *s, void (*fn)(void *, uint64_t),
    void *arg)
{
	s->progress = fn;
	s->progress_arg = arg;
}

ssize_t
cr_stream_read(struct cr_stream *s, void *buf, size_t n)
{
	ssize_t r;

	if (s->status != 0)
		return -1;
	errno = 0;
	r = s->fn(s->ctx, buf, n);
	if (r < 0) {
		/* errno 0: the source printed why; its data, not the OS, failed */
		if (errno != 0) {
			cr_error(s->name, 0, "read error: %s", strerror(errno));
			s->status = CR_EXIT_IOERR;
		} else
			s->status = CR_EXIT_DATAERR;
		return -1;
	}
	s->nread += (uint64_t)r;
	if (s->limit != 0 && s->nread > s->limit) {
		cr_error(s->name, 0, "more than %llu bytes: refusing an input "
		    "this large (an archive bomb?)",
		    (unsigned long long)s->limit);
		s->status = CR_EXIT_DATAERR;
		return -1;
	}
	sha256_update(&s->sha, (size_t)r, buf);
	if (s->progress != NULL)
		s->progress(s->progress_arg, s->nread);
	return r;
}

int
cr_stream_status(const struct cr_stream *s)
{
	return s->status;
}

const char *
cr_stream_name(const struct cr_stream *s)
{
	return s->name;
}

uint64_t
cr_stream_bytes(const struct cr_stream *s)
{
	return s->nread;
}

int
cr_stream_drain(struct cr_stream *s)
{
	char buf[65536];
	ssize_t r;

	while ((r = cr_stream_read(s, buf, sizeof buf)) > 0)
		;
	return r < 0 ? s->status : 0;
}

void
cr_stream_sha256_hex(const struct cr_stream *s, char out[65])
{
	struct sha256_ctx copy = s->sha;
	uint8_t d[SHA256_DIGEST_SIZE];
	static const char hex[] = "0123456789abcdef";
	size_t i;

	sha256_digest(&copy, sizeof d, d);
	for (i = 0; i < sizeof d; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}
