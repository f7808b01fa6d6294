/*
 * outfile.c -- buffered output files with a sticky error and a running
 * SHA-256; see outfile.h.  It does not format, name or place files.
 *
 * Every byte reaches the kernel through outfile_syswrite(), and a file is
 * finished through one fsync and one close in cr_outfile_close(): keep it
 * that way, fault injection counts on these few call sites.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "custrelease.h"
#include "err.h"
#include "outfile.h"
#include "xmalloc.h"

enum outfile_kind {
	OUTFILE_FILE,		/* created by us: fsync and close */
	OUTFILE_FD,		/* the caller's fd: flush only */
	OUTFILE_MEM		/* growable memory buffer */
};

struct cr_outfile {
	enum outfile_kind	 kind;
	char			*name;
	int			 fd;
	int			 error;		/* first errno, 0 if none */
	const char		*error_what;	/* "write error", ... */
	uint64_t		 bytes;
	struct sha256_ctx	 sha;		/* bytes flushed (files) */
	char			*buf;
	size_t			 len;
	size_t			 size;
	size_t			 used;		/* most of buf ever used */
	int			 nodigest;	/* cr_outfile_nodigest() */
};

/* A memory file starts this small and doubles: most are a few KiB. */
#define OUTFILE_MEM_START	1024

static struct cr_outfile *
outfile_new(enum outfile_kind kind, int fd, const char *display)
{
	struct cr_outfile *f = xcalloc(1, sizeof *f);

	f->kind = kind;
	f->fd = fd;
	f->name = xstrdup(display);
	sha256_init(&f->sha);
	f->size = kind == OUTFILE_MEM ? OUTFILE_MEM_START : CR_OUTFILE_BUFSIZE;
	f->buf = xmalloc(f->size);
	return f;
}

struct cr_outfile *
cr_outfile_open(int dirfd, const char *name, const char *display)
{
	int fd;

	if (display == NULL)
		display = name;
	fd = openat(dirfd, name,
	    O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC|O_NOFOLLOW, 0600);
	if (fd < 0) {
		cr_err_set(display, 0, "cannot create: %s", strerror(errno));
		return NULL;
	}
	/* 0600 exactly, whatever the umask took away. */
	if (fchmod(fd, 0600) != 0) {
		cr_err_set(display, 0, "cannot set mode: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	return outfile_new(OUTFILE_FILE, fd, display);
}

struct cr_outfile *
cr_outfile_fdopen(int fd, const char *display)
{
	return outfile_new(OUTFILE_FD, fd, display);
}

int
cr_outfile_unlinked(int dirfd, const char *name)
{
	int fd, err;

	fd = openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd >= 0 && unlinkat(dirfd, name, 0) != 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

struct cr_outfile *
cr_outfile_mem(const char *display)
{
	struct cr_outfile *f = outfile_new(OUTFILE_MEM, -1,
	    display != NULL ? display : "(memory)");

	f->buf[0] = '\0';
	return f;
}

static void
outfile_fail(struct cr_outfile *f, const char *what, int errnum)
{
	if (f->error == 0) {
		f->error = errnum != 0 ? errnum : EIO;
		f->error_what = what;
	}
}

/*
 * The one write(2) site.  Writes all of buf, retrying EINTR and short
 * writes; a write that makes no progress counts as ENOSPC.
 */
static void
outfile_syswrite(struct cr_outfile *f, const char *buf, size_t len)
{
	ssize_t n;

	if (f->error != 0)
		return;
	if (!f->nodigest)
		sha256_update(&f->sha, len, (const uint8_t *)buf);
	while (len > 0) {
		n = write(f->fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			outfile_fail(f, "write error", n < 0 ? errno : ENOSPC);
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void
outfile_flush(struct cr_outfile *f)
{
	if (f->kind == OUTFILE_MEM || f->len == 0)
		return;
	if (f->len > f->used)
		f->used = f->len;
	outfile_syswrite(f, f->buf, f->len);
	f->len = 0;
}

/* Memory outfiles: room for `need` more bytes and a NUL. */
static void
outfile_mem_grow(struct cr_outfile *f, size_t need)
{
	size_t size = f->size;

	if (need < size - f->len)
		return;
	if (need >= SIZE_MAX / 2 - f->len)
		size = SIZE_MAX;	/* xrealloc reports it */
	else
		while (size - f->len <= need)
			size *= 2;
	f->buf = xrealloc(f->buf, size);
	f->size = size;
}

void
cr_outfile_write(struct cr_outfile *f, const void *p, size_t len)
{
	if (f->error != 0 || len == 0)
		return;
	f->bytes += len;
	if (f->kind == OUTFILE_MEM) {
		outfile_mem_grow(f, len);
		memcpy(f->buf + f->len, p, len);
		f->len += len;
		f->buf[f->len] = '\0';
		return;
	}
	if (len <= f->size - f->len) {
		memcpy(f->buf + f->len, p, len);
		f->len += len;
		return;
	}
	outfile_flush(f);
	if (len < f->size) {
		memcpy(f->buf, p, len);
		f->len = len;
	} else
		outfile_syswrite(f, p, len);
}

void
cr_outfile_putc(struct cr_outfile *f, int c)
{
	char ch = (char)c;

	if (f->kind != OUTFILE_MEM && f->len < f->size && f->error == 0) {
		f->buf[f->len++] = ch;
		f->bytes++;
	} else
		cr_outfile_write(f, &ch, 1);
}

void
cr_outfile_puts(struct cr_outfile *f, const char *s)
{
	cr_outfile_write(f, s, strlen(s));
}

void
cr_outfile_printf(struct cr_outfile *f, const char *fmt, ...)
{
	va_list ap;
	char small[512], *big;
	int n;

	if (f->error != 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		outfile_fail(f, "format error", errno);
		return;
	}
	if ((size_t)n < sizeof small) {
		cr_outfile_write(f, small, (size_t)n);
		return;
	}
	big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	cr_outfile_write(f, big, (size_t)n);
	free(big);
}

int
cr_outfile_status(const struct cr_outfile *f)
{
	return f->error != 0 ? CR_STATUS_IO : 0;
}

void
cr_outfile_nodigest(struct cr_outfile *f)
{
	f->nodigest = 1;
}

const char *
cr_outfile_name(const struct cr_outfile *f)
{
	return f->name;
}

uint64_t
cr_outfile_bytes(const struct cr_outfile *f)
{
	return f->bytes;
}

void
cr_outfile_sha256_hex(const struct cr_outfile *f, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	struct sha256_ctx ctx = f->sha;
	uint8_t d[SHA256_DIGEST_SIZE];
	size_t i;

	/* Files: the flushed bytes are in ctx, the buffered ones not yet. */
	sha256_update(&ctx, f->len, (const uint8_t *)f->buf);
	sha256_digest(&ctx, sizeof d, d);
	for (i = 0; i < sizeof d; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 0xf];
	}
	out[64] = '\0';
}

const char *
cr_outfile_mem_data(const struct cr_outfile *f, size_t *len)
{
	if (f->kind != OUTFILE_MEM)
		return NULL;
	if (len != NULL)
		*len = f->len;
	return f->buf;
}

char *
cr_outfile_mem_take(struct cr_outfile *f, size_t *len)
{
	char *p;

	if (f->kind != OUTFILE_MEM)
		return NULL;
	p = f->buf;
	if (len != NULL)
		*len = f->len;
	f->size = OUTFILE_MEM_START;
	f->buf = xmalloc(f->size);
	f->buf[0] = '\0';
	f->len = 0;
	f->used = 0;
	f->bytes = 0;
	return p;
}

char *
cr_outfile_mem_finish(struct cr_outfile *f, size_t *len)
{
	char *p;

	if (f->kind != OUTFILE_MEM) {
		cr_outfile_discard(f);
		return NULL;
	}
	p = f->buf;
	if (len != NULL)
		*len = f->len;
	f->buf = NULL;
	free(f->name);
	free(f);
	return p;
}

/*
 * Buffers are wiped before they go back to the heap: a claim email passes
 * through one with its token.
 */
static void
outfile_free(struct cr_outfile *f)
{
	if (f->buf != NULL)
		explicit_bzero(f->buf, f->len > f->used ? f->len : f->used);
	free(f->buf);
	free(f->name);
	free(f);
}

static int outfile_sync = 1;

void
cr_outfile_sync_on_close(int on)
{
	outfile_sync = on;
}

int
cr_outfile_close(struct cr_outfile *f)
{
	int status;

	if (f == NULL)
		return 0;
	outfile_flush(f);
	if (f->kind == OUTFILE_FILE) {
		if (f->error == 0 && outfile_sync && fsync(f->fd) != 0)
			outfile_fail(f, "write error", errno);
		/* Linux closes the fd even when close fails. */
		if (close(f->fd) != 0)
			outfile_fail(f, "write error", errno);
	}
	status = cr_outfile_status(f);
	if (status != 0)
		cr_err_set(f->name, 0, "%s: %s", f->error_what,
		    strerror(f->error));
	outfile_free(f);
	return status;
}

void
cr_outfile_discard(struct cr_outfile *f)
{
	if (f == NULL)
		return;
	if (f->kind == OUTFILE_FILE)
		(void)close(f->fd);
	outfile_free(f);
}
