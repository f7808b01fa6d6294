/*
 * history.c -- the history index of OUT (history.h): segments of sorted
 * "released" entries, checked against the committed runs they cover,
 * looked up by binary search (or read whole when the question is larger
 * than the segment), built and merged after a commit.
 *
 * A segment file is text:
 *	custrelease-history-index 1
 *	run <run_id> <size of decisions.csv> <mtime sec>.<nsec>	(per run)
 *	entries <count, 20 digits> <body bytes, 20 digits>
 *	<kind><key>\t<value>			(per entry, sorted)
 * kind is R (request id -> customer id) or C (customer id -> request id);
 * in key and value, a backslash and every byte below 0x20 are written as
 * \\ and \xHH, so an entry is one line and keys sort bytewise.  One entry
 * per key: the oldest release.
 *
 * It deliberately does not read the export or the manifest, and does not
 * lock: `run` calls cr_history_update under OUT's lock; `plan` only reads.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "history.h"
#include "read.h"
#include "rundir.h"
#include "schema.h"
#include "stream.h"
#include "xmalloc.h"

#define HIST_MAGIC	"custrelease-history-index 1\n"
#define HIST_SUFFIX	".idx"
#define HIST_TMP	".tmp-"
/* Entries built in memory before they are written as one segment. */
#define HIST_BATCH	262144
/* A segment found damaged while the index was updated: rebuild it. */
#define HIST_DAMAGED	(-2)
/* Segments are not merged into one of more entries than this. */
#define HIST_MERGE_MAX	1048576
/* Keys per segment entry above which a segment is read whole. */
#define HIST_SCAN_RATIO	32

struct hseg {
	char	*name;		/* <first_run_id>.idx */
	char	*map;
	size_t	 size;
	size_t	 runs_off, runs_len;	/* the "run" lines */
	size_t	 body;		/* offset of the first entry */
	size_t	 nentries;
	size_t	 nruns;
};

struct cr_history {
	int		 outfd;
	char		*outpath;
	char		**runs;
	size_t		 nruns;
	struct hseg	*segs;
	size_t		 nsegs;
	size_t		 covered;
	int		 idxfd;		/* -1 until cr_history_update */
	char		 err[CR_ERR_FILE_MAX + CR_ERR_MSG_MAX + 32];
};

/* "OUT/.history-index[/NAME]: what[: strerror]" into h->err; -1. */
static int
hist_fail(struct cr_history *h, int errnum, const char *name,
    const char *fmt, ...)
{
	va_list ap;
	size_t n;

	n = (size_t)snprintf(h->err, sizeof h->err, "%s/%s%s%s: ", h->outpath,
	    CR_HISTORY_DIR, name != NULL ? "/" : "", name != NULL ? name : "");
	if (n >= sizeof h->err)
		n = sizeof h->err - 1;
	va_start(ap, fmt);
	vsnprintf(h->err + n, sizeof h->err - n, fmt, ap);
	va_end(ap);
	if (errnum != 0) {
		n = strlen(h->err);
		snprintf(h->err + n, sizeof h->err - n, ": %s",
		    strerror(errnum));
	}
	return -1;
}

/* --- escaping ------------------------------------------------------------ */

struct hbuf {
	char	*p;
	size_t	 len, cap;
};

static void
hbuf_add(struct hbuf *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		while (b->len + len + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 256;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void
hist_escape(struct hbuf *b, const char *s, size_t len)
{
	char hex[5];
	size_t i, run = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '\\')
			continue;
		hbuf_add(b, s + run, i - run);
		if (c == '\\')
			hbuf_add(b, "\\\\", 2);
		else {
			snprintf(hex, sizeof hex, "\\x%02x", c);
			hbuf_add(b, hex, 4);
		}
		run = i + 1;
	}
	hbuf_add(b, s + run, len - run);
}

static int
hist_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Undo hist_escape into b (reset first); -1 on a malformed escape. */
static int
hist_unescape(struct hbuf *b, const char *s, size_t len)
{
	size_t i, run = 0;
	char c;
	int hi, lo;

	b->len = 0;
	hbuf_add(b, "", 0);
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20)
			return -1;
		if (s[i] != '\\')
			continue;
		hbuf_add(b, s + run, i - run);
		if (i + 1 < len && s[i + 1] == '\\') {
			hbuf_add(b, "\\", 1);
			i += 1;
		} else if (i + 3 < len && s[i + 1] == 'x' &&
		    (hi = hist_hexval(s[i + 2])) >= 0 &&
		    (lo = hist_hexval(s[i + 3])) >= 0 && hi * 16 + lo < 0x20) {
			c = (char)(hi * 16 + lo);
			hbuf_add(b, &c, 1);
			i += 3;
		} else
			return -1;
		run = i + 1;
	}
	hbuf_add(b, s + run, len - run);
	return 0;
}

/* --- a segment's lines ---------------------------------------------------- */

/* One entry line of a body: [line, end) without its newline. */
struct hline {
	const char	*line, *end;
	size_t		 keylen;	/* kind and escaped key, before the tab */
};

/* The line at p (< limit); 0, or -1 when it is not an entry line. */
static int
hline_at(const char *p, const char *limit, struct hline *l)
{
	const char *nl, *tab;

	nl = memchr(p, '\n', (size_t)(limit - p));
	if (nl == NULL)
		return -1;
	tab = memchr(p, '\t', (size_t)(nl - p));
	if (tab == NULL || tab == p ||
	    (*p != CR_HIST_REQUEST && *p != CR_HIST_CUSTOMER))
		return -1;
	l->line = p;
	l->end = nl;
	l->keylen = (size_t)(tab - p);
	return 0;
}

/* Compare the keys of two lines (kind and escaped key), bytewise. */
static int
hkey_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

/* Hand the entry of l to found(). */
static int
hline_found(const struct hline *l, const struct cr_history_query *q,
    struct hbuf *key, struct hbuf *val)
{
	const char *v = l->line + l->keylen + 1;

	if (hist_unescape(key, l->line + 1, l->keylen - 1) != 0 ||
	    hist_unescape(val, v, (size_t)(l->end - v)) != 0)
		return -1;
	q->found(q->arg, l->line[0], key->p, key->len, val->p, val->len);
	return 0;
}

/* --- reading segments ----------------------------------------------------- */

/* "<size> <sec>.<nsec>" of OUT/<run>/decisions.csv, or -1. */
static int
hist_sig(int outfd, const char *run, char *buf, size_t size)
{
	struct stat st;
	char path[CR_RUN_ID_LEN + sizeof "/decisions.csv"];

	snprintf(path, sizeof path, "%s/decisions.csv", run);
	if (fstatat(outfd, path, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    !S_ISREG(st.st_mode))
		return -1;
	snprintf(buf, size, "%jd %jd.%09ld", (intmax_t)st.st_size,
	    (intmax_t)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
	return 0;
}

/* Parse a decimal of exactly `width` digits at p. */
static int
hist_number(const char *p, size_t width, size_t *out)
{
	size_t i, v = 0;

	for (i = 0; i < width; i++) {
		if (p[i] < '0' || p[i] > '9' || v > (SIZE_MAX - 9) / 10)
			return -1;
		v = v * 10 + (size_t)(p[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * Check s's header against runs[first..]: every run line must name the
 * next run, with its decisions.csv unchanged.  0 when s is usable.
 */
static int
hseg_check(struct cr_history *h, struct hseg *s, size_t first)
{
	const char *p = s->map, *end = s->map + s->size, *nl;
	char sig[64];
	size_t n, bytes, ml = strlen(HIST_MAGIC);

	if (s->size < ml || memcmp(p, HIST_MAGIC, ml) != 0)
		return -1;
	p += ml;
	s->runs_off = (size_t)(p - s->map);
	for (n = 0; end - p > 4 && memcmp(p, "run ", 4) == 0; n++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL ||
		    first + n >= h->nruns ||
		    (size_t)(nl - p) < 4 + CR_RUN_ID_LEN + 1 ||
		    memcmp(p + 4, h->runs[first + n], CR_RUN_ID_LEN) != 0 ||
		    p[4 + CR_RUN_ID_LEN] != ' ' ||
		    hist_sig(h->outfd, h->runs[first + n], sig, sizeof sig) ||
		    strlen(sig) != (size_t)(nl - p) - 5 - CR_RUN_ID_LEN ||
		    memcmp(sig, p + 5 + CR_RUN_ID_LEN, strlen(sig)) != 0)
			return -1;
		p = nl + 1;
	}
	s->runs_len = (size_t)(p - s->map) - s->runs_off;
	if (n == 0 || end - p < 50 || memcmp(p, "entries ", 8) != 0 ||
	    p[28] != ' ' || p[49] != '\n' ||
	    hist_number(p + 8, 20, &s->nentries) != 0 ||
	    hist_number(p + 29, 20, &bytes) != 0)
		return -1;
	s->body = (size_t)(p + 50 - s->map);
	if (bytes != s->size - s->body ||
	    (bytes > 0 && s->map[s->size - 1] != '\n'))
		return -1;
	s->nruns = n;
	return 0;
}

/* Map and check the segment `name` for runs[first..]; 0 when usable. */
static int
hseg_open(struct cr_history *h, int dirfd, const char *name, size_t first,
    struct hseg *s)
{
	struct stat st;
	int fd;

	memset(s, 0, sizeof *s);
	/* O_NONBLOCK: a FIFO under that name must not hang the run */
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uintmax_t)st.st_size > SIZE_MAX) {
		close(fd);
		return -1;
	}
	s->size = (size_t)st.st_size;
	s->map = mmap(NULL, s->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (s->map == MAP_FAILED) {
		s->map = NULL;
		return -1;
	}
	if (hseg_check(h, s, first) != 0) {
		munmap(s->map, s->size);
		s->map = NULL;
		errno = 0;	/* not a failed call: the contents */
		return -1;
	}
	s->name = xstrdup(name);
	return 0;
}

static void
hseg_close(struct hseg *s)
{
	if (s->map != NULL)
		munmap(s->map, s->size);
	free(s->name);
	memset(s, 0, sizeof *s);
}

/* Name of the segment that starts at runs[i], into buf. */
static void
hseg_name(const struct cr_history *h, size_t i, char *buf, size_t size)
{
	snprintf(buf, size, "%s" HIST_SUFFIX, h->runs[i]);
}

/* Follow the chain of segments from the oldest run, as far as it holds. */
static void
hist_chain(struct cr_history *h, int dirfd)
{
	char name[CR_RUN_ID_LEN + sizeof HIST_SUFFIX];
	struct hseg s;

	while (h->covered < h->nruns) {
		hseg_name(h, h->covered, name, sizeof name);
		if (hseg_open(h, dirfd, name, h->covered, &s) != 0)
			break;
		h->segs = xreallocarray(h->segs, h->nsegs + 1, sizeof *h->segs);
		h->segs[h->nsegs++] = s;
		h->covered += s.nruns;
	}
}

struct cr_history *
cr_history_open(struct cr_rundir *rd, char *const *runs, size_t nruns)
{
	struct cr_history *h = xcalloc(1, sizeof *h);
	size_t i;
	int dirfd;

	h->outfd = cr_rundir_fd(rd);
	h->outpath = xstrdup(cr_rundir_path(rd));
	h->idxfd = -1;
	h->runs = xreallocarray(NULL, nruns + 1, sizeof *h->runs);
	for (i = 0; i < nruns; i++)
		h->runs[i] = xstrdup(runs[i]);
	h->nruns = nruns;
	if (h->outfd < 0)
		return h;
	dirfd = openat(h->outfd, CR_HISTORY_DIR, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC | O_NOFOLLOW);
	if (dirfd >= 0) {
		hist_chain(h, dirfd);
		close(dirfd);
	}
	return h;
}

static void
hist_drop_chain(struct cr_history *h, size_t keep)
{
	size_t i, covered = 0;

	for (i = keep; i < h->nsegs; i++)
		hseg_close(&h->segs[i]);
	h->nsegs = keep;
	for (i = 0; i < keep; i++)
		covered += h->segs[i].nruns;
	h->covered = covered;
}

void
cr_history_free(struct cr_history *h)
{
	size_t i;

	if (h == NULL)
		return;
	hist_drop_chain(h, 0);
	free(h->segs);
	for (i = 0; i < h->nruns; i++)
		free(h->runs[i]);
	free(h->runs);
	free(h->outpath);
	if (h->idxfd >= 0)
		close(h->idxfd);
	free(h);
}

size_t
cr_history_covered(const struct cr_history *h)
{
	return h->covered;
}

const char *
cr_history_error(const struct cr_history *h)
{
	return h->err;
}

/* --- queries ------------------------------------------------------------ */

struct hsearch {
	const struct hseg		*seg;
	const struct cr_history_query	*q;
	struct hbuf			 probe, key, val;
	int				 damaged;
};

/*
 * The first line of the body whose key is not below probe, in
 * O(log entries) lines; -1 when a line on the way is damaged, or out of
 * order with the lines seen before it (keys are unique and ascending, so
 * each line looked at must fall between the last one found below the
 * probe and the last one found at or above it).
 */
static int
hseg_lower_bound(const struct hseg *s, const char *probe, size_t plen,
    const char **at)
{
	const char *lo = s->map + s->body, *hi = s->map + s->size, *mid;
	struct hline l, below = { NULL, NULL, 0 }, above = { NULL, NULL, 0 };

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		while (mid > lo && mid[-1] != '\n')
			mid--;
		if (hline_at(mid, hi, &l) != 0 || (below.line != NULL &&
		    hkey_cmp(l.line, l.keylen, below.line, below.keylen) <= 0) ||
		    (above.line != NULL &&
		    hkey_cmp(l.line, l.keylen, above.line, above.keylen) >= 0))
			return -1;
		if (hkey_cmp(l.line, l.keylen, probe, plen) < 0) {
			below = l;
			lo = l.end + 1;
		} else {
			above = l;
			hi = mid;
		}
	}
	*at = lo;
	return 0;
}

static void
hsearch_key(void *arg, int kind, const char *key, size_t len)
{
	struct hsearch *hs = arg;
	const struct hseg *s = hs->seg;
	const char *at, *end = s->map + s->size;
	struct hline l;
	char k = (char)kind;

	if (hs->damaged)
		return;
	hs->probe.len = 0;
	hbuf_add(&hs->probe, &k, 1);
	hist_escape(&hs->probe, key, len);
	if (hseg_lower_bound(s, hs->probe.p, hs->probe.len, &at) != 0) {
		hs->damaged = 1;
		return;
	}
	if (at >= end)
		return;
	if (hline_at(at, end, &l) != 0)
		hs->damaged = 1;
	else if (hkey_cmp(l.line, l.keylen, hs->probe.p, hs->probe.len) == 0 &&
	    hline_found(&l, hs->q, &hs->key, &hs->val) != 0)
		hs->damaged = 1;
}

/* Read the whole body, in order: for questions larger than the segment. */
static void
hsearch_scan(struct hsearch *hs)
{
	const struct hseg *s = hs->seg;
	const char *p = s->map + s->body, *end = s->map + s->size;
	const char *prev = NULL;
	size_t prevlen = 0;
	struct hline l;

	for (; p < end && !hs->damaged; p = l.end + 1) {
		if (hline_at(p, end, &l) != 0 || (prev != NULL &&
		    hkey_cmp(prev, prevlen, l.line, l.keylen) >= 0) ||
		    hist_unescape(&hs->key, l.line + 1, l.keylen - 1) != 0) {
			hs->damaged = 1;
			break;
		}
		prev = l.line;
		prevlen = l.keylen;
		if (hs->q->wants(hs->q->arg, l.line[0], hs->key.p,
		    hs->key.len) && hline_found(&l, hs->q, &hs->probe,
		    &hs->val) != 0)
			hs->damaged = 1;
	}
}

int
cr_history_query(struct cr_history *h, const struct cr_history_query *q)
{
	struct hsearch hs;
	size_t i;

	memset(&hs, 0, sizeof hs);
	hs.q = q;
	for (i = 0; i < h->nsegs && !hs.damaged && q->nkeys > 0; i++) {
		hs.seg = &h->segs[i];
		if (q->nkeys > hs.seg->nentries / HIST_SCAN_RATIO)
			hsearch_scan(&hs);
		else
			q->foreach(q->arg, hsearch_key, &hs);
		if (hs.damaged) {
			hist_fail(h, 0, hs.seg->name, "damaged: the "
			    "committed runs are read instead");
			hist_drop_chain(h, i);
		}
	}
	free(hs.probe.p);
	free(hs.key.p);
	free(hs.val.p);
	return hs.damaged ? -1 : 0;
}

/* --- writing segments ----------------------------------------------------- */

struct hwriter {
	FILE	*f;
	char	 tmp[sizeof HIST_TMP + 24];
	off_t	 entries_at;
	size_t	 n, bytes;
};

static int
hw_begin(struct cr_history *h, struct hwriter *w)
{
	int fd;

	memset(w, 0, sizeof *w);
	snprintf(w->tmp, sizeof w->tmp, HIST_TMP "%ld", (long)getpid());
	(void)unlinkat(h->idxfd, w->tmp, 0);
	fd = openat(h->idxfd, w->tmp, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return hist_fail(h, errno, w->tmp, "cannot write");
	if ((w->f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return hist_fail(h, errno, w->tmp, "cannot write");
	}
	fputs(HIST_MAGIC, w->f);
	return 0;
}

/* After the run lines: the entries line, filled in by hw_commit. */
static void
hw_body(struct hwriter *w)
{
	w->entries_at = ftello(w->f);
	fprintf(w->f, "entries %020zu %020zu\n", (size_t)0, (size_t)0);
}

static void
hw_entry(struct hwriter *w, const char *line, size_t len)
{
	fwrite(line, 1, len, w->f);
	putc('\n', w->f);
	w->n++;
	w->bytes += len + 1;
}

static void
hw_abort(struct cr_history *h, struct hwriter *w)
{
	if (w->f != NULL)
		fclose(w->f);
	w->f = NULL;
	(void)unlinkat(h->idxfd, w->tmp, 0);
}

/* Fill in the counts, make the file durable, and rename it to name. */
static int
hw_commit(struct cr_history *h, struct hwriter *w, const char *name)
{
	int rc;

	if (fseeko(w->f, w->entries_at, SEEK_SET) == 0)
		fprintf(w->f, "entries %020zu %020zu\n", w->n, w->bytes);
	if (ferror(w->f) || fflush(w->f) != 0 || fsync(fileno(w->f)) != 0) {
		rc = hist_fail(h, errno, w->tmp, "cannot write");
		hw_abort(h, w);
		return rc;
	}
	rc = fclose(w->f);
	w->f = NULL;
	if (rc != 0 || renameat(h->idxfd, w->tmp, h->idxfd, name) != 0) {
		rc = hist_fail(h, errno, name, "cannot write");
		(void)unlinkat(h->idxfd, w->tmp, 0);
		return rc;
	}
	return 0;
}

/* Add the segment just written as `name`, starting at runs[first]. */
static int
hist_append(struct cr_history *h, const char *name, size_t first)
{
	struct hseg s;

	errno = 0;
	if (hseg_open(h, h->idxfd, name, first, &s) != 0)
		return hist_fail(h, errno, name, "cannot read back what "
		    "was written");
	h->segs = xreallocarray(h->segs, h->nsegs + 1, sizeof *h->segs);
	h->segs[h->nsegs++] = s;
	h->covered = first + s.nruns;
	return 0;
}

/* --- merging ------------------------------------------------------------ */

static size_t
hseg_weight(const struct hseg *s)
{
	return s->nentries + s->nruns;
}

/* A segment's body read in order, every line checked as it goes. */
struct hcursor {
	const char	*p, *end, *prev;
	size_t		 prevlen, n;
	struct hline	 l;
	int		 done, damaged;
};

static void
hcursor_next(struct hcursor *c)
{
	if (c->done)
		return;
	if (c->p >= c->end) {
		c->done = 1;
		return;
	}
	if (hline_at(c->p, c->end, &c->l) != 0 || (c->prev != NULL &&
	    hkey_cmp(c->prev, c->prevlen, c->l.line, c->l.keylen) >= 0)) {
		c->damaged = c->done = 1;
		return;
	}
	c->prev = c->l.line;
	c->prevlen = c->l.keylen;
	c->p = c->l.end + 1;
	c->n++;
}

static void
hcursor_init(struct hcursor *c, const struct hseg *s)
{
	memset(c, 0, sizeof *c);
	c->p = s->map + s->body;
	c->end = s->map + s->size;
	hcursor_next(c);
}

/*
 * Write the entries of a and b in order; on equal keys, a's (older).
 * Every line of both is read, so a merge is also the full check of both:
 * -1 when a line is malformed or out of order, or a count is not its
 * header's (the merged file is then not kept).
 */
static int
hseg_merge_bodies(const struct hseg *a, const struct hseg *b,
    struct hwriter *w)
{
	struct hcursor ca, cb;
	int c;

	hcursor_init(&ca, a);
	hcursor_init(&cb, b);
	while (!ca.done || !cb.done) {
		c = ca.done ? 1 : cb.done ? -1 : hkey_cmp(ca.l.line,
		    ca.l.keylen, cb.l.line, cb.l.keylen);
		if (c <= 0)
			hw_entry(w, ca.l.line, (size_t)(ca.l.end - ca.l.line));
		else
			hw_entry(w, cb.l.line, (size_t)(cb.l.end - cb.l.line));
		if (c <= 0)
			hcursor_next(&ca);
		if (c >= 0)
			hcursor_next(&cb);
	}
	if (ca.damaged || cb.damaged || ca.n != a->nentries ||
	    cb.n != b->nentries)
		return -1;
	return 0;
}

/* Merge the last two segments of the chain into one, named as the first. */
static int
hist_merge_last(struct cr_history *h)
{
	struct hseg *a = &h->segs[h->nsegs - 2], *b = &h->segs[h->nsegs - 1];
	struct hwriter w;
	char *aname, *bname;
	size_t first = h->covered - a->nruns - b->nruns;
	int rc;

	if (hw_begin(h, &w) != 0)
		return -1;
	fwrite(a->map + a->runs_off, 1, a->runs_len, w.f);
	fwrite(b->map + b->runs_off, 1, b->runs_len, w.f);
	hw_body(&w);
	if (hseg_merge_bodies(a, b, &w) != 0) {
		hw_abort(h, &w);
		hist_fail(h, 0, a->name, "damaged: rebuilt from the runs");
		hist_drop_chain(h, h->nsegs - 2);
		return HIST_DAMAGED;
	}
	aname = xstrdup(a->name);
	bname = xstrdup(b->name);
	rc = hw_commit(h, &w, aname);
	if (rc == 0) {
		hist_drop_chain(h, h->nsegs - 2);
		if (unlinkat(h->idxfd, bname, 0) != 0)
			rc = hist_fail(h, errno, bname, "cannot remove");
		else
			rc = hist_append(h, aname, first);
	}
	free(aname);
	free(bname);
	return rc;
}

/*
 * Keep the chain short: merge the last two segments while the older
 * weighs no more than the newer (a binary counter: about log2 segments,
 * each entry rewritten about log2 times), up to HIST_MERGE_MAX entries.
 */
static int
hist_compact(struct cr_history *h)
{
	const struct hseg *a, *b;
	int rc;

	while (h->nsegs >= 2) {
		a = &h->segs[h->nsegs - 2];
		b = &h->segs[h->nsegs - 1];
		if (hseg_weight(a) > hseg_weight(b) ||
		    a->nentries + b->nentries > HIST_MERGE_MAX)
			break;
		if ((rc = hist_merge_last(h)) != 0)
			return rc;
	}
	return 0;
}

/* --- building segments from decisions.csv -------------------------------- */

/*
 * 16 bytes an entry and its line in the arena: a run that releases a
 * million customers builds two million of them at once.  The line has
 * no NUL (hist_escape), so its length is strlen's.
 */
struct hentry {
	char		*line;		/* kind, key, tab, value (escaped) */
	uint32_t	 keylen, seq;
};

struct hbatch {
	struct cr_history	*h;
	struct hentry		*e;
	size_t			 n, cap, seq;
	struct cr_arena		*arena;
	struct hbuf		 runlines, tmp;
	size_t			 first, nruns;
};

static void
hbatch_add(struct hbatch *b, int kind, const char *key, size_t klen,
    const char *val, size_t vlen)
{
	char k = (char)kind;
	struct hentry *e;

	b->tmp.len = 0;
	hbuf_add(&b->tmp, &k, 1);
	hist_escape(&b->tmp, key, klen);
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->e = xreallocarray(b->e, b->cap, sizeof *b->e);
	}
	e = &b->e[b->n++];
	e->keylen = (uint32_t)b->tmp.len;
	hbuf_add(&b->tmp, "\t", 1);
	hist_escape(&b->tmp, val, vlen);
	e->line = cr_arena_memdup0(&b->arena, b->tmp.p, b->tmp.len);
	e->seq = (uint32_t)b->seq++;
}

int
cr_history_row_released(const struct cr_row *row)
{
	const char *outcome = row->val[DEC_OUTCOME];

	return outcome != NULL && strcmp(outcome, "released") == 0 &&
	    row->val[DEC_REQUEST_ID] != NULL &&
	    row->val[DEC_CUSTOMER_ID] != NULL;
}

static int
hbatch_row(void *arg, const struct cr_row *row)
{
	struct hbatch *b = arg;
	const char *rid = row->val[DEC_REQUEST_ID];
	const char *cid = row->val[DEC_CUSTOMER_ID];

	if (!cr_history_row_released(row))
		return 0;
	hbatch_add(b, CR_HIST_REQUEST, rid, row->len[DEC_REQUEST_ID], cid,
	    row->len[DEC_CUSTOMER_ID]);
	hbatch_add(b, CR_HIST_CUSTOMER, cid, row->len[DEC_CUSTOMER_ID], rid,
	    row->len[DEC_REQUEST_ID]);
	return 0;
}

static int
hentry_cmp(const void *x, const void *y)
{
	const struct hentry *a = x, *b = y;
	int c = hkey_cmp(a->line, a->keylen, b->line, b->keylen);

	if (c != 0)
		return c;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/*
 * Read a committed decisions.csv into the batch, its diagnostics held
 * (the failure becomes the handle's error), never printed: the index is
 * a cache, and the run that reads it does not fail by it.
 */
static int
hist_csv_read(struct cr_history *h, struct cr_stream *s, struct hbatch *b)
{
	const struct cr_errrec *e;
	int rc;

	cr_err_hold();
	rc = cr_csv_read(s, cr_schema_get(CR_T_DECISIONS), hbatch_row, b);
	cr_err_release();
	if (rc != 0) {
		e = cr_err_last();
		if (e->has_file)
			snprintf(h->err, sizeof h->err, "%s:%lu: %s", e->file,
			    e->line, e->msg);
		else
			snprintf(h->err, sizeof h->err, "%s", e->msg);
	}
	return rc != 0 ? -1 : 0;
}

/* Add runs[i]'s released rows and its run line to the batch. */
static int
hbatch_read_run(struct hbatch *b, size_t i)
{
	struct cr_history *h = b->h;
	char path[CR_RUN_ID_LEN + sizeof "/decisions.csv"], sig[64], *disp;
	struct cr_stream *s;
	int fd, rc;

	snprintf(path, sizeof path, "%s/decisions.csv", h->runs[i]);
	if (hist_sig(h->outfd, h->runs[i], sig, sizeof sig) != 0 ||
	    (fd = openat(h->outfd, path, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW)) < 0) {
		snprintf(h->err, sizeof h->err, "%s/%s: %s", h->outpath, path,
		    strerror(errno));
		return -1;
	}
	xasprintf(&disp, "%s/%s", h->outpath, path);
	s = cr_stream_fd(fd, disp);
	rc = hist_csv_read(h, s, b);
	cr_stream_free(s);
	close(fd);
	free(disp);
	if (rc != 0)
		return -1;
	if (b->nruns == 0)
		b->first = i;
	b->nruns++;
	hbuf_add(&b->runlines, "run ", 4);
	hbuf_add(&b->runlines, h->runs[i], strlen(h->runs[i]));
	hbuf_add(&b->runlines, " ", 1);
	hbuf_add(&b->runlines, sig, strlen(sig));
	hbuf_add(&b->runlines, "\n", 1);
	return 0;
}

/* Write the batch as one segment, sorted, one entry per key; empty it. */
static int
hbatch_flush(struct hbatch *b)
{
	struct cr_history *h = b->h;
	char name[CR_RUN_ID_LEN + sizeof HIST_SUFFIX];
	struct hwriter w;
	size_t i;
	int rc;

	if (b->nruns == 0)
		return 0;
	if (b->n > 1)
		qsort(b->e, b->n, sizeof *b->e, hentry_cmp);
	if (hw_begin(h, &w) != 0)
		return -1;
	fwrite(b->runlines.p, 1, b->runlines.len, w.f);
	hw_body(&w);
	for (i = 0; i < b->n; i++)
		if (i == 0 || hkey_cmp(b->e[i - 1].line, b->e[i - 1].keylen,
		    b->e[i].line, b->e[i].keylen) != 0)
			hw_entry(&w, b->e[i].line, strlen(b->e[i].line));
	hseg_name(h, b->first, name, sizeof name);
	rc = hw_commit(h, &w, name);
	if (rc == 0)
		rc = hist_append(h, name, b->first);
	cr_arena_free(b->arena);
	b->arena = NULL;
	b->n = b->nruns = b->runlines.len = 0;
	b->seq = 0;		/* only unique within a batch */
	if (rc == 0)
		rc = hist_compact(h);
	return rc;
}

/* --- update ----------------------------------------------------------- */

/* Remove what is in the index directory but not in the chain. */
static void
hist_sweep(struct cr_history *h)
{
	DIR *d;
	struct dirent *de;
	size_t i;
	int fd, keep;

	if ((fd = dup(h->idxfd)) < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	rewinddir(d);	/* the dup shares the offset a sweep before left */
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		for (keep = 0, i = 0; i < h->nsegs && !keep; i++)
			keep = strcmp(de->d_name, h->segs[i].name) == 0;
		if (!keep)	/* a directory there too, whole */
			(void)cr_rundir_rmtree(h->idxfd, de->d_name);
	}
	closedir(d);
}

static int
hist_open_dir(struct cr_history *h)
{
	if (h->idxfd >= 0)
		return 0;
	if (mkdirat(h->outfd, CR_HISTORY_DIR, 0700) != 0 && errno != EEXIST)
		return hist_fail(h, errno, NULL, "cannot create");
	h->idxfd = openat(h->outfd, CR_HISTORY_DIR, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC | O_NOFOLLOW);
	if (h->idxfd < 0 && (errno == ENOTDIR || errno == ELOOP)) {
		/* a file or a symlink in its place: removed, not followed */
		if (cr_rundir_rmtree(h->outfd, CR_HISTORY_DIR) != 0 ||
		    mkdirat(h->outfd, CR_HISTORY_DIR, 0700) != 0)
			return hist_fail(h, errno, NULL, "cannot replace");
		h->idxfd = openat(h->outfd, CR_HISTORY_DIR, O_RDONLY |
		    O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (h->idxfd < 0)
		return hist_fail(h, errno, NULL, "cannot open");
	return 0;
}

/* Index runs[covered..] in batches, compacting as segments are added. */
static int
hist_index_runs(struct cr_history *h)
{
	struct hbatch b;
	size_t i;
	int rc = 0;

	memset(&b, 0, sizeof b);
	b.h = h;
	for (i = h->covered; i < h->nruns && rc == 0; i++) {
		rc = hbatch_read_run(&b, i);
		if (rc == 0 && b.n >= HIST_BATCH)
			rc = hbatch_flush(&b);
	}
	if (rc == 0)
		rc = hbatch_flush(&b);
	cr_arena_free(b.arena);
	free(b.e);
	free(b.runlines.p);
	free(b.tmp.p);
	return rc;
}

int
cr_history_update(struct cr_history *h, const char *new_run_id)
{
	int rc, tries;

	if (h->outfd < 0)
		return hist_fail(h, 0, NULL, "no OUT to index");
	if (new_run_id != NULL) {
		h->runs = xreallocarray(h->runs, h->nruns + 1,
		    sizeof *h->runs);
		h->runs[h->nruns++] = xstrdup(new_run_id);
	}
	if (hist_open_dir(h) != 0)
		return -1;
	/* a segment a merge finds damaged is dropped and built again */
	for (rc = HIST_DAMAGED, tries = 0; rc == HIST_DAMAGED && tries < 3;
	    tries++) {
		hist_sweep(h);
		rc = hist_index_runs(h);
	}
	return rc == 0 ? 0 : -1;
}
