/*
 * verify-stream.c -- temporary files, external sort, merge join, a
 * streaming CSV reader and a line reader for `custrelease verify`
 * (verify-stream.h).  Memory: one budget (vs_mem()) per sorter being
 * filled, 64 KiB per run being read or written; nothing grows with the
 * records but the number of runs of a sort (one per budget's worth).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "custrelease.h"
#include "err.h"
#include "verify-stream.h"
#include "xmalloc.h"

#define VS_BLOCK	(64 * 1024)
#define VS_MEM_DEFAULT	(16u * 1024 * 1024)

static size_t vs_cap;

void
vs_mem_cap(size_t cap)
{
	vs_cap = cap < 256 ? 256 : cap;
}

size_t
vs_mem(void)
{
	static size_t mem;
	const char *s;
	char *end;
	unsigned long long n;

	if (mem == 0) {
		mem = VS_MEM_DEFAULT;
		s = getenv("CUSTRELEASE_VERIFY_MEM");
		if (s != NULL && *s != '\0') {
			errno = 0;
			n = strtoull(s, &end, 10);
			if (errno == 0 && *end == '\0' && n >= 256 &&
			    n <= (unsigned long long)VS_MEM_DEFAULT * 16)
				mem = (size_t)n;
		}
	}
	/* the cap holds from when it is set, whoever asked first */
	return vs_cap != 0 && mem > vs_cap ? vs_cap : mem;
}

static const char *vs_dir_set;

void
vs_set_dir(const char *dir)
{
	vs_dir_set = dir;
}

static const char *
vs_dir(void)
{
	const char *dir = getenv("TMPDIR");

	if (vs_dir_set != NULL)
		return vs_dir_set;
	return dir != NULL && *dir != '\0' ? dir : "/tmp";
}

void
vs_fail(const char *what, int err)
{
	cr_err_set(vs_dir(), 0, "temporary file: %s: %s", what, strerror(err));
	cr_err_fatal(CR_STATUS_IO);	/* a spill is memory: as out of memory */
}

int
vs_tmpfile(void)
{
	const char *dir = vs_dir();
	char *tmpl;
	int fd, err;

#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		vs_fail("cannot create", errno);
#endif
	/* a file system without O_TMPFILE: a named file, unlinked at once */
	xasprintf(&tmpl, "%s/custrelease-verify-XXXXXX", dir);
	fd = mkostemp(tmpl, O_CLOEXEC);
	err = errno;
	if (fd >= 0 && unlink(tmpl) != 0) {
		err = errno;
		close(fd);
		unlink(tmpl);
		fd = -1;
	}
	free(tmpl);
	if (fd < 0)
		vs_fail("cannot create", err);
	return fd;
}

void
vs_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			vs_fail("cannot write", w < 0 ? errno : ENOSPC);
		p += w;
		len -= (size_t)w;
	}
}

/* ---- records -------------------------------------------------------------- */

static size_t
vs_rec_len(size_t nf, const char *const *f)
{
	size_t i, n = 0;

	for (i = 0; i < nf; i++)
		n += strlen(f[i] != NULL ? f[i] : "") + 1;
	return n;
}

static void
vs_rec_put(char *out, size_t nf, const char *const *f)
{
	size_t i, n;

	for (i = 0; i < nf; i++) {
		n = strlen(f[i] != NULL ? f[i] : "") + 1;
		memcpy(out, f[i] != NULL ? f[i] : "", n);
		out += n;
	}
}

/* The fields of a record of len bytes. */
static size_t
vs_rec_fields(const char *rec, size_t len, const char **f)
{
	const char *p = rec, *end = rec + len;
	size_t nf = 0;

	while (p < end && nf < VS_FIELDS_MAX) {
		f[nf++] = p;
		p += strlen(p) + 1;
	}
	return nf;
}

static int
vs_rec_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	if (c != 0)
		return c;
	return al < bl ? -1 : al > bl;
}

const char *
vs_row(struct vs_rowbuf *b, uint64_t row)
{
	snprintf(b->s, sizeof b->s, "%016llx", (unsigned long long)row);
	return b->s;
}

uint64_t
vs_row_of(const char *field)
{
	return (uint64_t)strtoull(field, NULL, 16);
}

/* ---- runs ------------------------------------------------------------------- */

/* A run's records: a 4-byte length (little-endian), then the bytes. */
void
vs_writer_open(struct vs_writer *w, struct vs_run *run)
{
	run->fd = vs_tmpfile();
	run->size = 0;
	run->mem = NULL;
	w->run = run;
	w->buf = xmalloc(VS_BLOCK);
	w->len = 0;
	w->cap = VS_BLOCK;
	w->max = 0;
}

void
vs_writer_open_mem(struct vs_writer *w, struct vs_run *run, size_t max)
{
	run->fd = -1;
	run->size = 0;
	run->mem = NULL;
	w->run = run;
	w->buf = NULL;
	w->len = w->cap = 0;
	w->max = max > 0 ? max : 1;
}

/* A run in memory that the next record would take past max: to a file. */
static void
vs_writer_spill(struct vs_writer *w)
{
	w->run->fd = vs_tmpfile();
	if (w->len > 0)
		vs_write(w->run->fd, w->buf, w->len);
	w->len = 0;
	if (w->cap < VS_BLOCK) {
		w->buf = xrealloc(w->buf, VS_BLOCK);
		w->cap = VS_BLOCK;
	}
	w->max = 0;
}

/* Room for n more bytes of a run in memory (its buffer grows). */
static void
vs_writer_grow(struct vs_writer *w, size_t n)
{
	if (w->cap - w->len >= n)
		return;
	if (w->cap == 0)
		w->cap = 4096;
	while (w->cap - w->len < n)
		w->cap *= 2;
	if (w->cap > w->max)
		w->cap = w->max;
	w->buf = xrealloc(w->buf, w->cap);
}

static void
vs_writer_raw(struct vs_writer *w, const char *rec, size_t len)
{
	unsigned char hdr[4];
	size_t n;

	hdr[0] = (unsigned char)len;
	hdr[1] = (unsigned char)(len >> 8);
	hdr[2] = (unsigned char)(len >> 16);
	hdr[3] = (unsigned char)(len >> 24);
	if (w->max != 0) {
		if (len + 4 <= w->max - w->len) {
			vs_writer_grow(w, len + 4);
			memcpy(w->buf + w->len, hdr, 4);
			memcpy(w->buf + w->len + 4, rec, len);
			w->len += len + 4;
			return;
		}
		vs_writer_spill(w);
	}
	if (w->len + 4 > VS_BLOCK) {
		vs_write(w->run->fd, w->buf, w->len);
		w->len = 0;
	}
	memcpy(w->buf + w->len, hdr, 4);
	w->len += 4;
	while (len > 0) {
		if (w->len == VS_BLOCK) {
			vs_write(w->run->fd, w->buf, w->len);
			w->len = 0;
		}
		n = VS_BLOCK - w->len < len ? VS_BLOCK - w->len : len;
		memcpy(w->buf + w->len, rec, n);
		w->len += n;
		rec += n;
		len -= n;
	}
}

void
vs_writer_add(struct vs_writer *w, size_t nf, const char *const *f)
{
	size_t len = vs_rec_len(nf, f);
	char *rec = xmalloc(len);

	vs_rec_put(rec, nf, f);
	vs_writer_raw(w, rec, len);
	free(rec);
}

void
vs_writer_close(struct vs_writer *w)
{
	off_t end;

	if (w->max != 0) {		/* stayed in memory */
		w->run->mem = w->buf;
		w->run->size = w->len;
		w->buf = NULL;
		return;
	}
	if (w->len > 0)
		vs_write(w->run->fd, w->buf, w->len);
	free(w->buf);
	w->buf = NULL;
	end = lseek(w->run->fd, 0, SEEK_CUR);
	if (end < 0)
		vs_fail("cannot seek", errno);
	w->run->size = (uint64_t)end;
}

void
vs_run_free(struct vs_run *run)
{
	if (run->fd >= 0)
		close(run->fd);
	free(run->mem);
	run->fd = -1;
	run->size = 0;
	run->mem = NULL;
}

void
vs_reader_open(struct vs_reader *r, const struct vs_run *run)
{
	memset(r, 0, sizeof *r);
	r->run = run;
	if (run->mem != NULL) {		/* read in place: cap 0 */
		r->buf = run->mem;
		r->len = (size_t)run->size;
		return;
	}
	r->cap = VS_BLOCK;
	r->buf = xmalloc(r->cap);
}

/* At least n bytes at r->buf + r->off: 0, or -1 at the end. */
static int
vs_reader_fill(struct vs_reader *r, size_t n)
{
	ssize_t got;

	if (r->len - r->off >= n)
		return 0;
	if (r->cap == 0)		/* in memory: that was all */
		return -1;
	memmove(r->buf, r->buf + r->off, r->len - r->off);
	r->len -= r->off;
	r->off = 0;
	if (n > r->cap) {
		while (r->cap < n)
			r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	while (r->len < n) {
		if (r->run->fd < 0 || r->pos >= r->run->size)
			return -1;
		got = pread(r->run->fd, r->buf + r->len, r->cap - r->len,
		    (off_t)r->pos);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			vs_fail("cannot read", got < 0 ? errno : EIO);
		r->len += (size_t)got;
		r->pos += (uint64_t)got;
	}
	return 0;
}

/* The next raw record: 1, or 0 at the end. */
static int
vs_reader_raw(struct vs_reader *r, const char **rec, size_t *len)
{
	const unsigned char *h;
	size_t n;

	if (vs_reader_fill(r, 4) != 0)
		return 0;
	h = (const unsigned char *)r->buf + r->off;
	n = (size_t)h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16 |
	    (size_t)h[3] << 24;
	if (vs_reader_fill(r, 4 + n) != 0)
		vs_fail("cannot read", EIO);
	*rec = r->buf + r->off + 4;
	*len = n;
	r->off += 4 + n;
	return 1;
}

int
vs_reader_rec(struct vs_reader *r, const char **rec, size_t *len)
{
	return vs_reader_raw(r, rec, len);
}

int
vs_reader_next(struct vs_reader *r, const char **f, size_t *nf)
{
	const char *rec;
	size_t len;

	if (!vs_reader_raw(r, &rec, &len))
		return 0;
	*nf = vs_rec_fields(rec, len, f);
	return 1;
}

void
vs_reader_close(struct vs_reader *r)
{
	if (r->cap != 0)
		free(r->buf);
	r->buf = NULL;
}

/* ---- the external sort ----------------------------------------------------- */

struct vs_ent {
	size_t	off, len;
};

/*
 * At most this many runs of one level are kept: the next spill merges
 * them into one run of the level above (as a binary counter carries), so
 * a sort holds at most VS_FANIN runs, and as many open files, a level,
 * and each record is written once a level: log base VS_FANIN of the
 * number of spills.
 */
#define VS_FANIN	16

struct vs_sort {
	char		*arena;
	size_t		 used, cap;
	struct vs_ent	*ix;
	size_t		 n, ixcap;
	struct vs_run	*runs;		/* oldest first */
	unsigned	*level;		/* of each run */
	size_t		 nruns, runcap;
};

struct vs_sort *
vs_sort_new(void)
{
	return xcalloc(1, sizeof(struct vs_sort));
}

static const char *vs_qsort_arena;

static int
vs_ent_cmp(const void *a, const void *b)
{
	const struct vs_ent *x = a, *y = b;
	int c = vs_rec_cmp(vs_qsort_arena + x->off, x->len,
	    vs_qsort_arena + y->off, y->len);

	/* equal records: in the order added (qsort is not stable) */
	if (c == 0)
		c = x->off < y->off ? -1 : x->off > y->off;
	return c;
}

static void
vs_sort_mem(struct vs_sort *s)
{
	vs_qsort_arena = s->arena;
	if (s->n > 1)
		qsort(s->ix, s->n, sizeof *s->ix, vs_ent_cmp);
}

static void	vs_merge(struct vs_run *, size_t,
		    void (*)(void *, const char *, size_t), void *);

static void
vs_merge_write(void *arg, const char *rec, size_t len)
{
	vs_writer_raw(arg, rec, len);
}

/* The last n runs, all of one level, merged into one of the next. */
static void
vs_sort_carry(struct vs_sort *s, size_t n)
{
	struct vs_run merged;
	struct vs_writer w;
	size_t i, from = s->nruns - n;

	vs_writer_open(&w, &merged);
	vs_merge(s->runs + from, n, vs_merge_write, &w);
	vs_writer_close(&w);
	for (i = from; i < s->nruns; i++)
		vs_run_free(&s->runs[i]);
	s->runs[from] = merged;
	s->level[from]++;
	s->nruns = from + 1;
}

/* The records in memory, sorted, as one more run (of level 0). */
static void
vs_sort_spill(struct vs_sort *s)
{
	struct vs_writer w;
	size_t i, n;

	if (s->n == 0)
		return;
	vs_sort_mem(s);
	if (s->nruns == s->runcap) {
		s->runcap = s->runcap ? 2 * s->runcap : 8;
		s->runs = xreallocarray(s->runs, s->runcap, sizeof *s->runs);
		s->level = xreallocarray(s->level, s->runcap,
		    sizeof *s->level);
	}
	s->level[s->nruns] = 0;
	vs_writer_open(&w, &s->runs[s->nruns++]);
	for (i = 0; i < s->n; i++)
		vs_writer_raw(&w, s->arena + s->ix[i].off, s->ix[i].len);
	vs_writer_close(&w);
	s->n = 0;
	s->used = 0;
	for (;;) {	/* the runs' levels never increase towards the end */
		for (n = 1; n < s->nruns && s->level[s->nruns - 1 - n] ==
		    s->level[s->nruns - 1]; n++)
			;
		if (n < VS_FANIN)
			break;
		vs_sort_carry(s, n);
	}
}

void
vs_sort_add(struct vs_sort *s, size_t nf, const char *const *f)
{
	size_t len = vs_rec_len(nf, f);

	if (s->n > 0 && s->used + len + s->n * sizeof *s->ix > vs_mem())
		vs_sort_spill(s);
	if (s->used + len > s->cap) {
		s->cap = s->cap ? s->cap : 4096;
		while (s->cap < s->used + len)
			s->cap *= 2;
		s->arena = xrealloc(s->arena, s->cap);
	}
	if (s->n == s->ixcap) {
		s->ixcap = s->ixcap ? 2 * s->ixcap : 256;
		s->ix = xreallocarray(s->ix, s->ixcap, sizeof *s->ix);
	}
	vs_rec_put(s->arena + s->used, nf, f);
	s->ix[s->n].off = s->used;
	s->ix[s->n].len = len;
	s->n++;
	s->used += len;
}

void
vs_sort_free(struct vs_sort *s)
{
	size_t i;

	for (i = 0; i < s->nruns; i++)
		vs_run_free(&s->runs[i]);
	free(s->runs);
	free(s->level);
	free(s->arena);
	free(s->ix);
	free(s);
}

/* A merge of runs: a binary heap of readers by their current record. */
struct vs_head {
	struct vs_reader r;
	const char	*rec;
	size_t		 len;
	size_t		 run;
};

static int
vs_head_less(const struct vs_head *a, const struct vs_head *b)
{
	int c = vs_rec_cmp(a->rec, a->len, b->rec, b->len);

	return c < 0 || (c == 0 && a->run < b->run);
}

static void
vs_heap_down(struct vs_head **h, size_t n, size_t i)
{
	size_t l, m;
	struct vs_head *t;

	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < n && vs_head_less(h[l], h[m]))
			m = l;
		if (l + 1 < n && vs_head_less(h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* Merge n runs, emit(arg, record, len) for each record in order. */
static void
vs_merge(struct vs_run *runs, size_t nruns,
    void (*emit)(void *, const char *, size_t), void *arg)
{
	struct vs_head *heads, **h;
	size_t i, n;

	heads = xcalloc(nruns, sizeof *heads);
	h = xcalloc(nruns, sizeof *h);
	for (i = n = 0; i < nruns; i++) {
		vs_reader_open(&heads[i].r, &runs[i]);
		heads[i].run = i;
		if (vs_reader_raw(&heads[i].r, &heads[i].rec, &heads[i].len))
			h[n++] = &heads[i];
	}
	for (i = n / 2; i-- > 0;)
		vs_heap_down(h, n, i);
	while (n > 0) {
		emit(arg, h[0]->rec, h[0]->len);
		if (!vs_reader_raw(&h[0]->r, &h[0]->rec, &h[0]->len))
			h[0] = h[--n];
		vs_heap_down(h, n, 0);
	}
	for (i = 0; i < nruns; i++)
		vs_reader_close(&heads[i].r);
	free(heads);
	free(h);
}

struct vs_each {
	vs_fn	 fn;
	void	*arg;
};

static void
vs_each_rec(void *arg, const char *rec, size_t len)
{
	struct vs_each *e = arg;
	const char *f[VS_FIELDS_MAX];
	size_t nf = vs_rec_fields(rec, len, f);

	e->fn(e->arg, f, nf);
}

void
vs_sort_each(struct vs_sort *s, vs_fn fn, void *arg)
{
	const char *f[VS_FIELDS_MAX];
	struct vs_each e = { fn, arg };
	size_t i, nf;

	if (s->nruns == 0) {
		vs_sort_mem(s);
		for (i = 0; i < s->n; i++) {
			nf = vs_rec_fields(s->arena + s->ix[i].off,
			    s->ix[i].len, f);
			fn(arg, f, nf);
		}
		vs_sort_free(s);
		return;
	}
	vs_sort_spill(s);
	free(s->arena);
	s->arena = NULL;
	free(s->ix);
	s->ix = NULL;
	vs_merge(s->runs, s->nruns, vs_each_rec, &e);
	vs_sort_free(s);
}

/* ---- the merge join ---------------------------------------------------------- */

struct vs_joinst {
	struct vs_reader r;
	const char	*x[VS_FIELDS_MAX];
	size_t		 nx;
	int		 have;		/* x holds the current index record */
	int		 done;
	vs_join_fn	 fn;
	void		*arg;
};

static void
vs_join_probe(void *arg, const char *const *p, size_t np)
{
	struct vs_joinst *j = arg;
	int c = 1;

	while (!j->done) {
		if (!j->have) {
			if (!vs_reader_next(&j->r, j->x, &j->nx)) {
				j->done = 1;
				break;
			}
			j->have = 1;
		}
		c = strcmp(j->x[0], p[0]);
		if (c >= 0)
			break;
		j->have = 0;
	}
	if (!j->done && c == 0)
		j->fn(j->arg, p, np, j->x, j->nx);
	else
		j->fn(j->arg, p, np, NULL, 0);
}

void
vs_join(struct vs_sort *probe, const struct vs_run *index, vs_join_fn fn,
    void *arg)
{
	struct vs_joinst j;

	memset(&j, 0, sizeof j);
	vs_reader_open(&j.r, index);
	j.fn = fn;
	j.arg = arg;
	vs_sort_each(probe, vs_join_probe, &j);
	vs_reader_close(&j.r);
}

/* ---- sources ------------------------------------------------------------------ */

/* The next block of src from pos: its bytes and length (0 at the end). */
static const char *
vs_src_block(const struct cr_bag_src *src, uint64_t pos, char *buf,
    size_t *n)
{
	*n = src->len - pos < VS_BLOCK ? (size_t)(src->len - pos) : VS_BLOCK;
	if (*n == 0)
		return buf;
	if (src->data != NULL)
		return src->data + pos;
	if (cr_bag_src_read(src, pos, buf, *n) != 0)
		vs_fail("cannot read", errno);
	return buf;
}

/* ---- CSV, as cr_bag_csv_parse() parses it ----------------------------------- */

/*
 * The most a row of a record file may hold: run writes a handful of
 * fields of at most a few KiB each, so a row past these is forged, and is
 * refused before libcsv and the cells hold it.
 */
#define VS_ROW_BYTES	(16UL * 1024 * 1024)
#define VS_ROW_FIELDS	4096

struct vs_csvst {
	char		**cells;
	size_t		  ncells, cap, rowbytes;
	unsigned long	  line, start;
	int		  pending, header, rc;
	int		  too_wide;	/* a row past VS_ROW_FIELDS */
	vs_csv_fn	  fn;
	void		 *arg;
};

static void
vs_csv_field(void *s, size_t len, void *arg)
{
	struct vs_csvst *c = arg;

	if (c->ncells == VS_ROW_FIELDS) {
		c->too_wide = 1;
		return;
	}
	if (c->ncells == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->cells = xreallocarray(c->cells, c->cap, sizeof *c->cells);
	}
	c->cells[c->ncells++] = xmemdup0(s != NULL ? s : "", len);
}

static void
vs_csv_drop(struct vs_csvst *c)
{
	size_t i;

	for (i = 0; i < c->ncells; i++)
		free(c->cells[i]);
	c->ncells = 0;
}

static void
vs_csv_record(int ch, void *arg)
{
	struct vs_csvst *c = arg;

	(void)ch;
	c->rowbytes = 0;
	if (c->rc == 0 && !c->too_wide)
		c->rc = c->fn(c->arg, c->cells, c->ncells,
		    c->header ? c->start : 0);
	c->header = 1;
	vs_csv_drop(c);
	c->pending = 1;
}

static int
vs_csv_nospace(unsigned char ch)
{
	(void)ch;
	return 0;
}

/* A line begins whose first bytes (all of it when n < 3) are s[0..n). */
static void
vs_csv_start(struct vs_csvst *c, const char *s, size_t n)
{
	if (c->pending && !(n == 1 || (n == 2 && s[0] == '\r'))) {
		c->start = c->line;
		c->pending = 0;
	}
}

/* A row of more than VS_ROW_FIELDS fields, in err: -1. */
static int
vs_csv_too_wide(const struct vs_csvst *c, char *err, size_t errsize)
{
	snprintf(err, errsize, "line %lu: a row of more than %d fields",
	    c->line, VS_ROW_FIELDS);
	return -1;
}

/* One physical line (or the start of one: more may follow). */
static int
vs_csv_feed(struct csv_parser *p, struct vs_csvst *c, const char *s,
    size_t n, char *err, size_t errsize)
{
	if (memchr(s, '\0', n) != NULL) {
		snprintf(err, errsize, "line %lu: NUL byte", c->line);
		return -1;
	}
	if ((c->rowbytes += n) > VS_ROW_BYTES) {
		snprintf(err, errsize, "line %lu: a row over %lu bytes",
		    c->line, VS_ROW_BYTES);
		return -1;
	}
	if (csv_parse(p, s, n, vs_csv_field, vs_csv_record, c) != n) {
		snprintf(err, errsize, "line %lu: %s", c->line,
		    csv_strerror(csv_error(p)));
		return -1;
	}
	if (c->too_wide)
		return vs_csv_too_wide(c, err, errsize);
	return c->rc;
}

int
vs_csv(const struct cr_bag_src *src, vs_csv_fn fn, void *arg, char *err,
    size_t errsize)
{
	struct csv_parser p;
	struct vs_csvst c;
	char *block = xmalloc(VS_BLOCK), head[3];
	const char *s, *end, *nl, *q;
	uint64_t pos = 0;
	size_t n, m, blen, nhead = 0;
	int rc = 0, inline_ = 0, decided = 0;

	memset(&c, 0, sizeof c);
	c.pending = 1;
	c.fn = fn;
	c.arg = arg;
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_space_func(&p, vs_csv_nospace);
	csv_set_realloc_func(&p, xrealloc);
	csv_set_free_func(&p, free);
	/*
	 * As cr_bag_csv_parse(): line by line, a record's first line the
	 * first after the last record that is not blank, blank meaning one
	 * byte long or "\r\n" (what that test says).  A line split by a block
	 * edge is fed in parts; its first bytes are held back until whether
	 * it is blank is known (3 bytes, or its end).
	 */
	while (rc == 0) {
		s = vs_src_block(src, pos, block, &blen);
		if (blen == 0)
			break;
		pos += blen;
		for (end = s + blen; rc == 0 && s < end; s += n) {
			nl = memchr(s, '\n', (size_t)(end - s));
			n = nl != NULL ? (size_t)(nl - s) + 1 :
			    (size_t)(end - s);
			if (!inline_) {
				c.line++;
				inline_ = 1;
				decided = 0;
				nhead = 0;
			}
			q = s;
			m = n;
			if (!decided) {
				while (nhead < 3 && m > 0) {
					head[nhead++] = *q++;
					m--;
					if (head[nhead - 1] == '\n')
						break;
				}
				if (nhead == 3 || head[nhead - 1] == '\n') {
					vs_csv_start(&c, head, nhead);
					decided = 1;
					rc = vs_csv_feed(&p, &c, head, nhead, err,
					    errsize);
				}
			}
			if (rc == 0 && decided && m > 0)
				rc = vs_csv_feed(&p, &c, q, m, err, errsize);
			if (nl != NULL)
				inline_ = 0;
		}
	}
	if (rc == 0 && inline_ && !decided) {
		/* a last line of one or two bytes, no newline */
		vs_csv_start(&c, head, nhead);
		rc = vs_csv_feed(&p, &c, head, nhead, err, errsize);
	}
	if (rc == 0 && csv_fini(&p, vs_csv_field, vs_csv_record, &c) != 0) {
		snprintf(err, errsize, "line %lu: %s", c.line,
		    csv_strerror(csv_error(&p)));
		rc = -1;
	}
	if (rc == 0 && c.too_wide)
		rc = vs_csv_too_wide(&c, err, errsize);
	if (rc == 0 && c.rc != 0)
		rc = c.rc;
	if (rc == 0 && !c.header) {
		snprintf(err, errsize, "no header row");
		rc = -1;
	}
	csv_free(&p);
	vs_csv_drop(&c);
	free(c.cells);
	free(block);
	return rc;
}

/* ---- rows by column name ------------------------------------------------------ */

struct rows_pass {
	const char *const	*want;
	int			 ci[16];
	int			 header;
	uint64_t		 row;
	vs_row_fn	 fn;
	void			*arg;
};

static int
rows_each(void *arg, char **cells, size_t ncells, unsigned long line)
{
	struct rows_pass *p = arg;
	const char *c[16];
	size_t i, k;

	if (!p->header) {
		p->header = 1;
		for (k = 0; p->want[k] != NULL && k < 16; k++) {
			p->ci[k] = -1;
			for (i = 0; i < ncells; i++)
				if (strcmp(cells[i], p->want[k]) == 0) {
					p->ci[k] = (int)i;
					break;
				}
		}
		return 0;
	}
	for (k = 0; p->want[k] != NULL && k < 16; k++)
		c[k] = p->ci[k] >= 0 && (size_t)p->ci[k] < ncells ?
		    cells[p->ci[k]] : "";
	p->fn(p->arg, p->row++, c, line);
	return 0;
}

void
vs_rows(const struct cr_bag_src *src, const char *const *want, vs_row_fn fn,
    void *arg)
{
	struct rows_pass p;
	char err[160];

	memset(&p, 0, sizeof p);
	p.want = want;
	p.fn = fn;
	p.arg = arg;
	if (vs_csv(src, rows_each, &p, err, sizeof err) != 0)
		vs_fail("changed while read", EIO);
}

/* ---- lines ------------------------------------------------------------------------ */

void
vs_lines(const struct cr_bag_src *src, size_t max, vs_line_fn fn, void *arg)
{
	char *block = xmalloc(VS_BLOCK), *line = NULL;
	const char *s, *end, *nl;
	uint64_t pos = 0;
	size_t blen, n, len = 0, cap = 0, take;
	int toolong = 0;

	for (;;) {
		s = vs_src_block(src, pos, block, &blen);
		if (blen == 0)
			break;
		pos += blen;
		for (end = s + blen; s < end; s += n) {
			nl = memchr(s, '\n', (size_t)(end - s));
			n = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);
			take = n;
			if (len + take > max) {
				take = len < max ? max - len : 0;
				toolong = 1;
			}
			if (len + take + 1 > cap) {
				cap = cap ? cap : 4096;
				while (cap < len + take + 1)
					cap *= 2;
				line = xrealloc(line, cap);
			}
			memcpy(line + len, s, take);
			len += take;
			line[len] = '\0';
			if (nl != NULL) {
				fn(arg, line, len, 1, toolong);
				len = 0;
				toolong = 0;
				n++;
			}
		}
	}
	if (len > 0 || toolong)
		fn(arg, line != NULL ? line : "", len, 0, toolong);
	free(line);
	free(block);
}
