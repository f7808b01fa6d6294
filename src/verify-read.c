/*
 * verify-read.c -- the first half of `custrelease verify`: the bundle read
 * once, as a stream, with libarchive (or an extracted bag directory),
 * into a struct cr_verify.  Nothing is extracted to disk.  Every file's
 * SHA-256 and SHA-512 are computed as it streams past; only the tag files
 * and the run's records (capped) are kept in memory, and of an email only
 * whether it is redacted and its To address.  Also the problem counter
 * that every check reports through.
 *
 * It deliberately trusts nothing in the archive: names are checked before
 * use, sizes and entry counts capped, and no entry is ever opened as a
 * file.  It does not check the bag (verify-bag.c) nor the records
 * (verify-records.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <nettle/sha2.h>

#include "bag.h"
#include "custrelease.h"
#include "err.h"
#include "hash.h"
#include "verify.h"
#include "verify-stream.h"
#include "xmalloc.h"

#define VERIFY_KEEP_MAX		(256u * 1024 * 1024)	/* records, manifests */
#define VERIFY_EMAIL_MAX	(16u * 1024 * 1024)	/* one email */
#define VERIFY_BLOCK		(64 * 1024)
#define VERIFY_TO_MAX		320	/* longer than any address */

static void	verify_file_free(void *, const char *, void *);

/* A problem held back, and where it belongs. */
struct defer_item {
	uint64_t	 k1, k2, seq;
	char		*file, *msg;
};

struct cr_verify_defer {
	struct defer_item	*heap;		/* a max-heap by place */
	size_t			 n, max;
	uint64_t		 k1, k2, seq;	/* the place being checked */
};

static int
defer_less(const struct defer_item *a, const struct defer_item *b)
{
	if (a->k1 != b->k1)
		return a->k1 < b->k1;
	if (a->k2 != b->k2)
		return a->k2 < b->k2;
	return a->seq < b->seq;
}

static void
defer_swap(struct defer_item *h, size_t i, size_t j)
{
	struct defer_item t = h[i];

	h[i] = h[j];
	h[j] = t;
}

static void
defer_down(struct defer_item *h, size_t n, size_t i)
{
	size_t l, m;

	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < n && defer_less(&h[m], &h[l]))
			m = l;
		if (l + 1 < n && defer_less(&h[m], &h[l + 1]))
			m = l + 1;
		if (m == i)
			return;
		defer_swap(h, i, m);
		i = m;
	}
}

/* Keep the problem if it is among the first d->max by place. */
static void
defer_add(struct cr_verify_defer *d, const char *file, const char *fmt,
    va_list ap)
{
	struct defer_item it;
	char msg[512];
	size_t i;

	it.k1 = d->k1;
	it.k2 = d->k2;
	it.seq = d->seq++;
	if (d->max == 0 || (d->n == d->max && !defer_less(&it, &d->heap[0])))
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	it.file = xstrdup(file);
	it.msg = xstrdup(msg);
	if (d->n == d->max) {
		free(d->heap[0].file);
		free(d->heap[0].msg);
		d->heap[0] = it;
		defer_down(d->heap, d->n, 0);
		return;
	}
	i = d->n++;
	d->heap[i] = it;
	while (i > 0 && defer_less(&d->heap[(i - 1) / 2], &d->heap[i])) {
		defer_swap(d->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

void
cr_verify_defer(struct cr_verify *v)
{
	struct cr_verify_defer *d;

	if (v->defer != NULL)
		return;
	d = xcalloc(1, sizeof *d);
	d->max = v->problems < CR_VERIFY_SHOWN_MAX ?
	    CR_VERIFY_SHOWN_MAX - v->problems : 0;
	d->heap = xcalloc(d->max + 1, sizeof *d->heap);
	v->defer = d;
}

void
cr_verify_at(struct cr_verify *v, unsigned sec, uint64_t row, unsigned check)
{
	if (v->defer == NULL)
		return;
	v->defer->k1 = (uint64_t)sec << 48 | (row & 0xffffffffffffULL);
	v->defer->k2 = check;
}

static int
defer_cmp(const void *a, const void *b)
{
	const struct defer_item *x = a, *y = b;

	return defer_less(x, y) ? -1 : defer_less(y, x);
}

void
cr_verify_flush(struct cr_verify *v)
{
	struct cr_verify_defer *d = v->defer;
	size_t i;

	if (d == NULL)
		return;
	v->defer = NULL;
	qsort(d->heap, d->n, sizeof *d->heap, defer_cmp);
	for (i = 0; i < d->n; i++) {
		cr_err_note("%s: %s: %s", v->bundle, d->heap[i].file,
		    d->heap[i].msg);
		free(d->heap[i].file);
		free(d->heap[i].msg);
	}
	free(d->heap);
	free(d);
}

void
cr_verify_problem(struct cr_verify *v, const char *file, const char *fmt,
    ...)
{
	char msg[512];
	va_list ap;

	if (v->defer != NULL) {
		v->problems++;
		va_start(ap, fmt);
		defer_add(v->defer, file, fmt, ap);
		va_end(ap);
		return;
	}
	/* a forged bag can hold a million problems: print the first ones */
	if (v->problems++ >= CR_VERIFY_SHOWN_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cr_err_note("%s: %s: %s", v->bundle, file, msg);
}

int
cr_verify_src(const struct cr_verify_file *f, struct cr_bag_src *src)
{
	memset(src, 0, sizeof *src);
	src->fd = -1;
	if (f == NULL)
		return 0;
	if (f->spooled) {
		src->fd = f->fd;
		src->len = (size_t)f->size;
		return 1;
	}
	if (f->data == NULL)
		return 0;
	src->data = f->data;
	src->len = f->len;
	return 1;
}

int
cr_verify_load(struct cr_verify_file *f)
{
	struct cr_bag_src src;

	if (!f->spooled || f->size > SIZE_MAX - 1)
		return f->data != NULL ? 0 : -1;
	if (cr_verify_src(f, &src) == 0)
		return -1;
	f->data = xmalloc((size_t)f->size + 1);
	if (cr_bag_src_read(&src, 0, f->data, (size_t)f->size) != 0)
		vs_fail("cannot read", errno);
	f->data[f->size] = '\0';
	f->len = (size_t)f->size;
	close(f->fd);
	f->fd = -1;
	f->spooled = 0;
	return 0;
}

struct cr_verify_file *
cr_verify_find(const struct cr_verify *v, const char *path)
{
	void **slot = cr_map_get(v->files, path, strlen(path));

	return slot != NULL ? *slot : NULL;
}

/* ---- reading the archive ------------------------------------------------ */

/* Whether a file's contents are kept in memory for the later checks. */
static int
verify_keep(const char *path)
{
	static const char *const data[] = {
		"data/decisions.csv", "data/ownership.csv",
		"data/ownership.jsonl", "data/customers.csv",
		"data/shares.csv", "data/contact_updates.csv",
		"data/summary.json", "data/inputs.sha256",
		"data/manifest.csv", "data/manifest.xml"
	};
	static const char *const tags[] = {
		"bagit.txt", "bag-info.txt", "manifest-sha256.txt",
		"manifest-sha512.txt", "tagmanifest-sha256.txt",
		"tagmanifest-sha512.txt", "tagmanifest-sha256.txt.sig"
	};
	size_t i;

	/* only the files read later: any other is hashed, never kept */
	for (i = 0; i < sizeof tags / sizeof tags[0]; i++)
		if (strcmp(path, tags[i]) == 0)
			return 1;
	for (i = 0; i < sizeof data / sizeof data[0]; i++)
		if (strcmp(path, data[i]) == 0)
			return 1;
	return 0;
}

/*
 * A record file or payload manifest, checked as a stream: spooled when
 * over the budget.
 */
static int
verify_record(const char *path)
{
	static const char *const rec[] = {
		"data/decisions.csv", "data/ownership.csv",
		"data/ownership.jsonl", "data/customers.csv",
		"data/shares.csv", "data/contact_updates.csv",
		"data/manifest.csv", "data/manifest.xml",
		"manifest-sha256.txt", "manifest-sha512.txt"
	};
	size_t i;

	for (i = 0; i < sizeof rec / sizeof rec[0]; i++)
		if (strcmp(path, rec[i]) == 0)
			return 1;
	return 0;
}

/*
 * Count `got` more bytes out of the archive: 0, or -1 after a problem
 * when the archive has expanded to more than 64 MiB plus 100 times what
 * was read of it.  Measured as it goes, so a bomb stops early and a
 * bundle from a pipe is measured too.
 */
static int
verify_expand(struct cr_verify *v, struct archive *a, size_t got)
{
	la_int64_t raw;

	v->expanded += got;
	/* an extracted bag expands nothing (and has no filter to ask) */
	if (v->directory)
		return 0;
	raw = archive_filter_bytes(a, -1);
	if (v->expanded <= CR_EXPAND_MAX((uint64_t)(raw > 0 ? raw : 0)))
		return 0;
	cr_verify_problem(v, "(archive)", "expands to more than 64 MiB plus "
	    "100 times its size: not read further");
	return -1;
}

/* Read past an entry that is not checked, counted: 0 or -1. */
static int
verify_drain(struct cr_verify *v, struct archive *a)
{
	char buf[VERIFY_BLOCK];
	la_ssize_t got;

	while ((got = archive_read_data(a, buf, sizeof buf)) > 0)
		if (verify_expand(v, a, (size_t)got) != 0)
			return -1;
	return 0;	/* a damaged entry: the next header says so */
}

/* Under data/emails/: kept on disk, sorted, not in v->files (verify.h). */
static int
verify_under_emails(const char *path)
{
	return strncmp(path, "data/emails/", 12) == 0;
}

static int
verify_is_email(const char *path)
{
	size_t n = strlen(path);

	return strncmp(path, "data/emails/", 12) == 0 && n > 16 &&
	    strchr(path + 12, '/') == NULL &&
	    strcmp(path + n - 4, ".eml") == 0;
}

/* REDACTED in an email, quoted-printable soft line breaks removed. */
static int
verify_redacted(const char *s, size_t n)
{
	static const char w[] = "REDACTED";
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '=' && i + 1 < n && (s[i + 1] == '\n' ||
		    (s[i + 1] == '\r' && i + 2 < n && s[i + 2] == '\n'))) {
			i += s[i + 1] == '\r' ? 2 : 1;
			continue;
		}
		if (s[i] == w[k]) {
			if (++k == sizeof w - 1)
				return 1;
		} else
			k = s[i] == w[0];
	}
	return 0;
}

/*
 * The address of an email's To header (headers unfolded, up to the blank
 * line): the addr-spec between the last < and >, or the whole trimmed
 * value.  Allocated; NULL when there is no To header.
 */
static char *
verify_email_to(const char *s, size_t n)
{
	const char *line, *eol, *end = s + n, *lt, *gt;
	char *val = NULL, *addr;
	size_t len = 0, k;
	int in_to = 0;

	for (line = s; line < end; line = eol + 1) {
		eol = memchr(line, '\n', (size_t)(end - line));
		if (eol == NULL)
			eol = end;
		k = (size_t)(eol - line);
		if (k > 0 && line[k - 1] == '\r')
			k--;
		if (k == 0)
			break;			/* end of the header */
		if (line[0] == ' ' || line[0] == '\t') {
			if (!in_to)
				continue;
		} else if (val == NULL && k >= 3 &&
		    strncasecmp(line, "To:", 3) == 0) {
			in_to = 1;
			line += 3;
			k -= 3;
			val = xmalloc(n + 1);
		} else {
			in_to = 0;
			continue;
		}
		memcpy(val + len, line, k);
		len += k;
	}
	if (val == NULL)
		return NULL;
	val[len] = '\0';
	lt = strrchr(val, '<');
	gt = lt != NULL ? strchr(lt, '>') : NULL;
	if (lt != NULL && gt != NULL)
		addr = xmemdup0(lt + 1, (size_t)(gt - lt - 1));
	else {
		lt = val + strspn(val, " \t");
		k = strlen(lt);
		while (k > 0 && (lt[k - 1] == ' ' || lt[k - 1] == '\t'))
			k--;
		addr = xmemdup0(lt, k);
	}
	free(val);
	return addr;
}

/*
 * The entry's path relative to the bag directory ("" for the directory
 * itself), or NULL (a problem was reported).  The first entry names the
 * bag directory: *top.
 */
static char *
verify_relpath(struct cr_verify *v, char **top, const char *name)
{
	const char *rel, *why;
	char *copy, *p;
	size_t n;

	while (strncmp(name, "./", 2) == 0)
		name += 2;
	if (*name == '/') {
		cr_verify_problem(v, name, "absolute path in the archive");
		return NULL;
	}
	copy = xstrdup(name);
	n = strlen(copy);
	while (n > 0 && copy[n - 1] == '/')
		copy[--n] = '\0';
	/* "./" or ".", the root of `tar -C dir .`: above the bag directory */
	if (*copy == '\0' || strcmp(copy, ".") == 0) {
		free(copy);
		return xstrdup("");
	}
	p = strchr(copy, '/');
	if (p != NULL)
		*p = '\0';
	if (*top == NULL)
		*top = xstrdup(copy);
	if (strcmp(*top, copy) != 0) {
		cr_verify_problem(v, name, "outside the bag directory %s/",
		    *top);
		free(copy);
		return NULL;
	}
	rel = p != NULL ? p + 1 : "";
	if (*rel == '\0') {
		free(copy);
		return xstrdup("");
	}
	if ((why = cr_bag_path_problem(rel)) != NULL) {
		cr_verify_problem(v, name, "%s", why);
		free(copy);
		return NULL;
	}
	p = xstrdup(rel);
	free(copy);
	return p;
}

/*
 * Stream one regular file: digests, size, kept contents.  Returns 0, or -1
 * when the archive itself broke (reported).
 */
static int
verify_stream(struct cr_verify *v, struct archive *a,
    struct cr_verify_file *f)
{
	struct sha256_ctx s256;
	struct sha512_ctx s512;
	unsigned char d256[SHA256_DIGEST_SIZE], d512[SHA512_DIGEST_SIZE];
	int keep = verify_keep(f->path), email = verify_is_email(f->path);
	int record = verify_record(f->path);
	size_t cap = 0, max = email ? VERIFY_EMAIL_MAX : VERIFY_KEEP_MAX;
	char *buf;
	la_ssize_t got;

	sha256_init(&s256);
	sha512_init(&s512);
	buf = xmalloc(VERIFY_BLOCK);
	while ((got = archive_read_data(a, buf, VERIFY_BLOCK)) > 0) {
		if (verify_expand(v, a, (size_t)got) != 0) {
			free(buf);
			return -1;
		}
		sha256_update(&s256, (size_t)got, (uint8_t *)buf);
		sha512_update(&s512, (size_t)got, (uint8_t *)buf);
		f->size += (uint64_t)got;
		if (!(keep || email) || f->toobig)
			continue;
		if (f->spooled) {
			vs_write(f->fd, buf, (size_t)got);
			continue;
		}
		if (record && f->len + (size_t)got > vs_mem()) {
			/* on disk from here on, in bounded memory */
			f->fd = vs_tmpfile();
			f->spooled = 1;
			vs_write(f->fd, f->data, f->len);
			vs_write(f->fd, buf, (size_t)got);
			free(f->data);
			f->data = NULL;
			f->len = 0;
			continue;
		}
		if (f->len + (size_t)got > max) {
			f->toobig = 1;
			free(f->data);
			f->data = NULL;
			f->len = 0;
			continue;
		}
		if (f->len + (size_t)got + 1 > cap) {
			cap = cap ? cap : VERIFY_BLOCK;
			while (cap < f->len + (size_t)got + 1)
				cap *= 2;
			f->data = xrealloc(f->data, cap);
		}
		memcpy(f->data + f->len, buf, (size_t)got);
		f->len += (size_t)got;
		f->data[f->len] = '\0';
	}
	free(buf);
	if (got < 0) {
		cr_verify_problem(v, f->path, "archive damaged: %s",
		    archive_error_string(a) ? archive_error_string(a) : "?");
		return -1;
	}
	if ((keep || email) && !f->toobig && !f->spooled && f->data == NULL)
		f->data = xstrdup("");
	sha256_digest(&s256, sizeof d256, d256);
	sha512_digest(&s512, sizeof d512, d512);
	cr_bag_hex(d256, sizeof d256, f->sha256);
	cr_bag_hex(d512, sizeof d512, f->sha512);
	if (email) {
		if (!f->toobig) {
			f->redacted = verify_redacted(f->data, f->len);
			f->to = verify_email_to(f->data, f->len);
		}
		free(f->data);
		f->data = NULL;
		f->len = 0;
	} else if (f->toobig)
		cr_verify_problem(v, f->path, "over %u MiB: not checked "
		    "against the other records", VERIFY_KEEP_MAX >> 20);
	return 0;
}

static void
verify_add(struct cr_verify *v, struct cr_verify_file *f)
{
	if (v->nfiles == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 64;
		v->order = xreallocarray(v->order, v->cap, sizeof *v->order);
	}
	v->order[v->nfiles++] = f;
}

/*
 * The file of a bag entry, added to v, or NULL for an entry that is not
 * one (a directory, or a problem reported: no name, outside the bag, not
 * a regular file, a second entry of that path).
 */
static struct cr_verify_file *
verify_entry(struct cr_verify *v, struct archive_entry *e,
    unsigned long entries, char **top)
{
	struct cr_verify_file *f;
	const char *name;
	char *rel;
	void **slot;
	int email;

	name = archive_entry_pathname_utf8(e);
	if (name == NULL)
		name = archive_entry_pathname(e);
	if (name == NULL) {
		cr_verify_problem(v, "(archive)", "entry %lu has no name",
		    entries);
		return NULL;
	}
	if ((rel = verify_relpath(v, top, name)) == NULL)
		return NULL;
	if (archive_entry_filetype(e) == AE_IFDIR) {
		free(rel);
		return NULL;
	}
	if (archive_entry_filetype(e) != AE_IFREG ||
	    archive_entry_hardlink(e) != NULL || *rel == '\0') {
		cr_verify_problem(v, *rel ? rel : name, "not a regular file");
		free(rel);
		return NULL;
	}
	email = verify_under_emails(rel);
	if (!email &&
	    cr_map_put(v->files, rel, strlen(rel), &slot, NULL) == 0) {
		cr_verify_problem(v, rel, "appears twice in the archive");
		free(rel);
		return NULL;
	}
	f = xcalloc(1, sizeof *f);
	f->fd = -1;
	f->path = rel;
	f->entry = entries;
	if (email)
		return f;	/* verify_email_add once read */
	*slot = f;
	verify_add(v, f);
	return f;
}

/* An email streamed past (f, freed), as a record of v->esort. */
static void
verify_email_add(struct cr_verify *v, struct cr_verify_file *f)
{
	struct vs_rowbuf eb, sb;
	const char *rec[VE_NFIELDS];
	char flags[5], *p = flags;

	*p++ = verify_is_email(f->path) ? 'e' : '-';
	if (f->redacted)
		*p++ = 'r';
	if (f->toobig)
		*p++ = 'b';
	if (f->to != NULL)
		*p++ = 't';
	*p = '\0';
	/* no address is longer: cut, it still matches none */
	if (f->to != NULL && strlen(f->to) > VERIFY_TO_MAX)
		f->to[VERIFY_TO_MAX] = '\0';
	rec[VE_PATH] = f->path;
	rec[VE_ENTRY] = vs_row(&eb, f->entry);
	rec[VE_SIZE] = vs_row(&sb, f->size);
	rec[VE_SHA256] = f->sha256;
	rec[VE_SHA512] = f->sha512;
	rec[VE_FLAGS] = flags;
	rec[VE_TO] = f->to != NULL ? f->to : "";
	if (v->esort == NULL)
		v->esort = vs_sort_new();
	vs_sort_add(v->esort, VE_NFIELDS, rec);
	verify_file_free(NULL, NULL, f);
}

struct verify_edone {
	struct cr_verify	*v;
	struct vs_writer	 w;
	char			*prev;
};

static void
verify_email_done(void *arg, const char *const *f, size_t nf)
{
	struct verify_edone *d = arg;

	if (d->prev != NULL && strcmp(d->prev, f[VE_PATH]) == 0) {
		cr_verify_problem(d->v, f[VE_PATH], "appears twice in the "
		    "archive");
		return;
	}
	free(d->prev);
	d->prev = xstrdup(f[VE_PATH]);
	d->v->email_octets += vs_row_of(f[VE_SIZE]);
	d->v->nemails++;
	vs_writer_add(&d->w, nf, f);
}

const struct vs_run *
cr_verify_emails(const struct cr_verify *v)
{
	static const struct vs_run none = { -1, 0, NULL };

	return v->emails != NULL ? v->emails : &none;
}

/* The emails read, sorted into v->emails, the first of each path kept. */
static void
verify_emails_done(struct cr_verify *v)
{
	struct verify_edone d;

	v->emails = xcalloc(1, sizeof *v->emails);
	v->emails->fd = -1;
	if (v->esort == NULL)
		return;
	memset(&d, 0, sizeof d);
	d.v = v;
	vs_writer_open(&d.w, v->emails);
	vs_sort_each(v->esort, verify_email_done, &d);
	v->esort = NULL;
	vs_writer_close(&d.w);
	free(d.prev);
}

/*
 * The bundle as an archive to read: the file (tar.gz, tar.zst, zip), or,
 * when it is a directory, the extracted bag read from disk, symlinks not
 * followed (entries named from its parent: "audit-ID/bagit.txt").  NULL
 * after a message, with *rc set.
 */
static struct archive *
verify_open(struct cr_verify *v, int *fd, size_t *strip, int *rc)
{
	struct archive *a;
	struct stat st;
	char *real, *slash;

	*fd = -1;
	*strip = 0;
	if (stat(v->bundle, &st) == 0 && S_ISDIR(st.st_mode)) {
		if ((real = realpath(v->bundle, NULL)) == NULL) {
			cr_err_set(v->bundle, 0, "cannot open: %s",
			    strerror(errno));
			*rc = CR_STATUS_DATA;
			return NULL;
		}
		slash = strrchr(real, '/');
		*strip = slash != NULL ? (size_t)(slash - real) + 1 : 0;
		v->directory = 1;
		a = archive_read_disk_new();
		archive_read_disk_set_symlink_physical(a);
		archive_read_disk_set_behavior(a, ARCHIVE_READDISK_NO_XATTR |
		    ARCHIVE_READDISK_NO_ACL | ARCHIVE_READDISK_NO_FFLAGS);
		if (archive_read_disk_open(a, real) != ARCHIVE_OK) {
			cr_err_set(v->bundle, 0, "cannot open: %s",
			    archive_error_string(a) ? archive_error_string(a) :
			    "?");
			archive_read_free(a);
			a = NULL;
			*rc = CR_STATUS_DATA;
		}
		free(real);
		return a;
	}
	*fd = open(v->bundle, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		cr_err_set(v->bundle, 0, "cannot open: %s", strerror(errno));
		*rc = CR_STATUS_DATA;
		return NULL;
	}
	a = archive_read_new();
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_zip_streamable(a);
	if (archive_read_open_fd(a, *fd, VERIFY_BLOCK) != ARCHIVE_OK) {
		cr_err_set(v->bundle, 0, "not an audit bundle: %s",
		    archive_error_string(a) ? archive_error_string(a) : "?");
		archive_read_free(a);
		close(*fd);
		*fd = -1;
		*rc = CR_STATUS_DATA;
		return NULL;
	}
	return a;
}

/* The next entry: ARCHIVE_OK or WARN, EOF, or an error (< WARN). */
static int
verify_next(struct cr_verify *v, struct archive *a, struct archive_entry *e,
    size_t strip)
{
	const char *name;
	int r;

	r = archive_read_next_header2(a, e);
	if (!v->directory || r < ARCHIVE_WARN)
		return r;
	if (archive_entry_filetype(e) == AE_IFDIR)
		archive_read_disk_descend(a);
	name = archive_entry_pathname(e);
	if (name != NULL && strlen(name) >= strip)
		archive_entry_copy_pathname(e, name + strip);
	return r;
}

/*
 * Read every entry.  Returns 0, or CR_STATUS_DATA when the file is no
 * archive at all, CR_STATUS_IO when it cannot be opened.
 */
int
cr_verify_read(struct cr_verify *v, char **top)
{
	struct archive *a;
	struct archive_entry *e;
	struct cr_verify_file *f;
	unsigned long entries = 0;
	size_t strip;
	int fd, r, rc = 0;

	if ((a = verify_open(v, &fd, &strip, &rc)) == NULL)
		return rc;
	e = archive_entry_new();
	for (;;) {
		r = verify_next(v, a, e, strip);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			if (entries == 0) {
				cr_err_set(v->bundle, 0, "not an audit bundle: "
				    "%s", archive_error_string(a) ?
				    archive_error_string(a) : "?");
				rc = CR_STATUS_DATA;
			} else
				cr_verify_problem(v, "(archive)", "damaged "
				    "after %lu entries: %s", entries,
				    archive_error_string(a) ?
				    archive_error_string(a) : "?");
			break;
		}
		if (++entries > CR_BAG_ENTRIES_MAX) {
			cr_verify_problem(v, "(archive)", "more than %lu "
			    "entries: not read further", CR_BAG_ENTRIES_MAX);
			break;
		}
		f = verify_entry(v, e, entries, top);
		/* anything else is read past, counted against the bomb cap */
		r = f == NULL ? verify_drain(v, a) : verify_stream(v, a, f);
		if (f != NULL && verify_under_emails(f->path))
			verify_email_add(v, f);
		if (r != 0)
			break;
	}
	verify_emails_done(v);
	archive_entry_free(e);
	archive_read_free(a);
	if (fd >= 0)
		close(fd);
	return rc;
}


static void
verify_file_free(void *arg, const char *key, void *value)
{
	struct cr_verify_file *f = value;

	(void)arg;
	(void)key;
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f->data);
	free(f->to);
	free(f);
}

void
cr_verify_free(struct cr_verify *v, char *top)
{
	cr_map_foreach(v->files, verify_file_free, NULL);
	cr_map_free(v->files);
	cr_map_free(v->listed);
	if (v->emails != NULL)
		vs_run_free(v->emails);
	free(v->emails);
	free(v->order);
	free((char *)v->ext_id);
	free((char *)v->bagging_date);
	free(top);
}
