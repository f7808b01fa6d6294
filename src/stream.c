/*
 * stream.c -- byte streams with a running SHA-256 (nettle), a byte count
 * and a size cap; see stream.h.  A plain stream does not buffer: readers
 * bring their own buffers.  A read-ahead stream has one thread that reads
 * and hashes a few chunks ahead while the caller parses, and hands the
 * chunks over by copy; it does not reorder or drop bytes, and errors reach
 * the caller at the byte where they happened.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "custrelease.h"
#include "err.h"
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
	struct stream_ahead	*ahead;		/* NULL: read in the caller */
};

/*
 * Read-ahead: the thread fills chunk[tail % N], the caller empties
 * chunk[head % N]; the SHA-256 is the thread's until it has stopped.
 */
#define STREAM_CHUNK	(256 * 1024)
#define STREAM_NCHUNK	4

struct stream_ahead {
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	char			*chunk[STREAM_NCHUNK];
	size_t			 len[STREAM_NCHUNK];
	size_t			 pos;		/* in chunk[head % N] */
	unsigned		 head, tail;
	int			 done;		/* the thread has stopped */
	int			 failed;	/* ... after a -1 */
	int			 err;		/* its errno */
	int			 stop;		/* asked to stop */
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

static void *
stream_ahead_main(void *arg)
{
	struct cr_stream *s = arg;
	struct stream_ahead *a = s->ahead;
	unsigned slot;
	ssize_t r;

	for (;;) {
		pthread_mutex_lock(&a->mu);
		while (a->tail - a->head == STREAM_NCHUNK && !a->stop)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->stop) {
			a->done = 1;
			pthread_cond_broadcast(&a->cv);
			pthread_mutex_unlock(&a->mu);
			return NULL;
		}
		slot = a->tail % STREAM_NCHUNK;
		pthread_mutex_unlock(&a->mu);

		errno = 0;
		r = s->fn(s->ctx, a->chunk[slot], STREAM_CHUNK);
		if (r > 0)
			sha256_update(&s->sha, (size_t)r,
			    (const uint8_t *)a->chunk[slot]);

		pthread_mutex_lock(&a->mu);
		if (r > 0) {
			a->len[slot] = (size_t)r;
			a->tail++;
		} else {
			a->failed = r < 0;
			a->err = errno;
			a->done = 1;
		}
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		if (r <= 0)
			return NULL;
	}
}

int
cr_stream_set_readahead(struct cr_stream *s)
{
	struct stream_ahead *a;
	int i;

	if (s->ahead != NULL || s->nread != 0)
		return 0;
	a = xcalloc(1, sizeof *a);
	for (i = 0; i < STREAM_NCHUNK; i++)
		a->chunk[i] = xmalloc(STREAM_CHUNK);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	s->ahead = a;
	if (pthread_create(&a->thread, NULL, stream_ahead_main, s) != 0) {
		/* no thread: read in the caller, as a plain stream */
		s->ahead = NULL;
		pthread_mutex_destroy(&a->mu);
		pthread_cond_destroy(&a->cv);
		for (i = 0; i < STREAM_NCHUNK; i++)
			free(a->chunk[i]);
		free(a);
		return -1;
	}
	return 0;
}

/* The caller's side of a read-ahead stream: like a source's read. */
static ssize_t
stream_ahead_read(struct stream_ahead *a, void *buf, size_t n)
{
	unsigned slot;
	size_t k;

	pthread_mutex_lock(&a->mu);
	while (a->head == a->tail && !a->done)
		pthread_cond_wait(&a->cv, &a->mu);
	if (a->head == a->tail) {
		pthread_mutex_unlock(&a->mu);
		errno = a->err;
		return a->failed ? -1 : 0;
	}
	slot = a->head % STREAM_NCHUNK;
	pthread_mutex_unlock(&a->mu);

	k = a->len[slot] - a->pos;
	if (k > n)
		k = n;
	memcpy(buf, a->chunk[slot] + a->pos, k);
	a->pos += k;
	if (a->pos == a->len[slot]) {
		a->pos = 0;
		pthread_mutex_lock(&a->mu);
		a->head++;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
	return (ssize_t)k;
}

static void
stream_ahead_end(struct cr_stream *s)
{
	struct stream_ahead *a = s->ahead;
	int i;

	if (a == NULL)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	for (i = 0; i < STREAM_NCHUNK; i++)
		free(a->chunk[i]);
	free(a);
	s->ahead = NULL;
}

void
cr_stream_free(struct cr_stream *s)
{
	if (s == NULL)
		return;
	stream_ahead_end(s);
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
	r = s->ahead != NULL ? stream_ahead_read(s->ahead, buf, n) :
	    s->fn(s->ctx, buf, n);
	if (r < 0) {
		/* errno 0: the source recorded why; its data, not the OS, failed */
		if (errno != 0) {
			cr_err_set(s->name, 0, "read error: %s", strerror(errno));
			s->status = CR_STATUS_IO;
		} else
			s->status = CR_STATUS_DATA;
		return -1;
	}
	s->nread += (uint64_t)r;
	if (s->limit != 0 && s->nread > s->limit) {
		cr_err_set(s->name, 0, "more than %llu bytes: refusing an input "
		    "this large (an archive bomb?)",
		    (unsigned long long)s->limit);
		s->status = CR_STATUS_DATA;
		return -1;
	}
	if (s->ahead == NULL)
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
