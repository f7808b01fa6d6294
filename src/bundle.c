/*
 * bundle.c -- write the audit bundle of a run: a BagIt 1.0 bag (RFC 8493)
 * audit-<run_id>/ as one reproducible tar.gz, tar.zst or zip; see bundle.h.
 *
 * The bag's list of files is assembled in memory, except for the many
 * files of one directory (the emails, cr_bundle_many), which stay in the
 * caller's sorted list: they are archived in its order and hashed as they
 * are copied, their manifest lines spooled into two files of the bundle's
 * own (.audit-digests, unlinked as soon as made), so that the memory does
 * not grow with them.  The payload files themselves are handed over in
 * memory or, the large ones, as files or parts of a spool file, read a
 * block at a time with pread.  The two
 * reports are written into a spool of the bundle's own (.audit-spool,
 * unlinked as soon as it is made), the tag files computed here, and the
 * archive streamed through libarchive into a cr_outfile, so that every
 * byte reaches the disk through outfile.c's few system calls (fault
 * injection) and a write error is reported once, at close.
 *
 * It deliberately does not read the run directory, choose the payload,
 * redact emails or commit anything: the caller does.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <nettle/sha2.h>

#include "bag.h"
#include "bundle.h"
#include "verify-stream.h"
#include "sshsig.h"
#include "bundle-format.h"
#include "custrelease.h"
#include "err.h"
#include "outfile.h"
#include "xmalloc.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

#define BUNDLE_SOURCE_ORG	"custrelease"

/* Where the reports wait for the archive: made and unlinked at once. */
#define BUNDLE_SPOOL	".audit-spool"
/* The many files' manifest lines, SHA-256 then SHA-512: the same. */
#define BUNDLE_DIGESTS	".audit-digests"

/*
 * One file of the bag, path relative to the bag directory: in memory,
 * the file dirfd/name, or len bytes at off of the open file fd.
 */
struct bundle_file {
	char		*path;		/* "data/decisions.csv", "bagit.txt" */
	const char	*data;		/* NULL: dirfd/name, or fd/off */
	size_t		 len;
	int		 dirfd;
	const char	*name;		/* NULL (and no data): fd/off */
	int		 fd;
	uint64_t	 off;
	char		*own;		/* data, when the bag made it */
	size_t		 job;		/* 1 + its hasher job; 0: hashed */
	/* binary: a bag lists a file per email, 96 bytes against 194 */
	unsigned char	 sha256[SHA256_DIGEST_SIZE];
	unsigned char	 sha512[SHA512_DIGEST_SIZE];
};

/* A file's digest in hex: 64 or 128 characters and a NUL. */
static const char *
bundle_hex(const struct bundle_file *f, int sha512, char out[CR_BAG_SHA512_HEX])
{
	if (sha512)
		cr_bag_hex(f->sha512, sizeof f->sha512, out);
	else
		cr_bag_hex(f->sha256, sizeof f->sha256, out);
	return out;
}

struct bundle {
	char			*display;	/* DIR/archive, for messages */
	char			*spool_display;	/* DIR/.audit-spool */
	char			*bundle_name;	/* audit-<id>.<format>, as run
						   names it (the reports) */
	const struct cr_sshkey	*signing_key;	/* NULL: unsigned */
	const struct cr_bundle_opts *opts;
	struct bundle_file	*files;
	size_t			 nfiles, cap;
	int			 spool;		/* the reports; -1: none */
	uint64_t		 spoollen;
	size_t			 tagfrom;	/* first tag file */
	int			 dirfd;
	/* the many files: their manifest lines (-1: none yet) */
	int			 dig[2];	/* SHA-256, SHA-512 */
	uint64_t		 diglen[2];	/* bytes written to each */
	/*
	 * The hasher: a thread that hashes the payload files not in memory
	 * (copies of their entries, jobs) while the reports are made and the
	 * archive begins; only the manifests, which come last, wait for it.
	 */
	struct bundle_file	*jobs;
	size_t			 njobs;
	atomic_int		 stop;		/* the main thread failed */
	int			 hrc;		/* the hasher's exit code */
	int			 hrunning;
	pthread_t		 hthread;
};

static struct bundle_file *
bundle_add(struct bundle *b, const char *prefix, const char *path,
    const void *data, size_t len, char *own)
{
	struct sha256_ctx c256;
	struct sha512_ctx c512;
	struct bundle_file *f;

	if (b->nfiles == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 32;
		b->files = xreallocarray(b->files, b->cap, sizeof *b->files);
	}
	f = &b->files[b->nfiles++];
	memset(f, 0, sizeof *f);
	xasprintf(&f->path, "%s%s", prefix, path);
	f->data = data;
	f->len = len;
	f->own = own;
	sha256_init(&c256);
	sha256_update(&c256, len, data);
	sha256_digest(&c256, sizeof f->sha256, f->sha256);
	sha512_init(&c512);
	sha512_update(&c512, len, data);
	sha512_digest(&c512, sizeof f->sha512, f->sha512);
	return f;
}

#define BUNDLE_BLOCK	65536

/*
 * The fd of a payload file that is not in memory; -1 after a message.
 * A named file is opened (reads go through pread(2) directly: the fault-
 * injection shim sees them like any other), a spooled one is just there.
 */
static int
bundle_open(const struct bundle *b, const struct bundle_file *f)
{
	int fd;

	if (f->name == NULL)
		return f->fd;
	fd = openat(f->dirfd, f->name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		cr_err_set(b->display, 0, "cannot read %s: %s", f->path,
		    strerror(errno));
	return fd;
}

/* Close what bundle_open opened: 0, or -1 after a message. */
static int
bundle_close(const struct bundle *b, const struct bundle_file *f, int fd)
{
	if (f->name == NULL)
		return 0;
	if (close(fd) != 0) {	/* strict: the shim's faults must show */
		cr_err_set(b->display, 0, "cannot read %s: %s", f->path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Up to `size` bytes at pos of a payload file into buf: a named file to
 * its end, a spooled one to its len.  The count (0 at the end), or -1
 * after a message.
 */
static ssize_t
bundle_pread(const struct bundle *b, const struct bundle_file *f, int fd,
    uint64_t pos, void *buf, size_t size)
{
	ssize_t r;

	if (f->name == NULL) {
		if (pos >= f->len)
			return 0;
		if (size > f->len - pos)
			size = (size_t)(f->len - pos);
	}
	do
		r = pread(fd, buf, size, (off_t)(f->off + pos));
	while (r < 0 && errno == EINTR);
	if (r < 0)
		cr_err_set(b->display, 0, "cannot read %s: %s", f->path,
		    strerror(errno));
	else if (r == 0 && f->name == NULL) {
		cr_err_set(b->display, 0, "cannot read %s: %s", f->path,
		    "shorter than written");
		r = -1;
	}
	return r;
}

/* Size and digests of a payload file not in memory: 0 or CR_STATUS_IO. */
static int
bundle_hash_file(const struct bundle *b, struct bundle_file *f)
{
	struct sha256_ctx c256;
	struct sha512_ctx c512;
	unsigned char buf[BUNDLE_BLOCK];
	uint64_t pos = 0;
	ssize_t r;
	int fd;

	if ((fd = bundle_open(b, f)) < 0)
		return CR_STATUS_IO;
	sha256_init(&c256);
	sha512_init(&c512);
	while ((r = bundle_pread(b, f, fd, pos, buf, sizeof buf)) > 0) {
		sha256_update(&c256, (size_t)r, buf);
		sha512_update(&c512, (size_t)r, buf);
		pos += (uint64_t)r;
	}
	if (bundle_close(b, f, fd) != 0 || r < 0)
		return CR_STATUS_IO;
	f->len = (size_t)pos;
	sha256_digest(&c256, sizeof f->sha256, f->sha256);
	sha512_digest(&c512, sizeof f->sha512, f->sha512);
	return 0;
}

/*
 * Copy a payload file not in memory into the archive, and give `dg` (NULL:
 * none) its digests on the way: 0; -1 when the archive refused the data
 * (not reported); CR_STATUS_IO when the file could not be read or is no
 * longer the length listed (reported).
 */
static int
bundle_copy_file(const struct bundle *b, const struct bundle_file *f,
    struct archive *a, struct bundle_file *dg)
{
	struct sha256_ctx c256;
	struct sha512_ctx c512;
	unsigned char buf[BUNDLE_BLOCK];
	uint64_t total = 0;
	ssize_t r;
	int fd, rc = 0;

	if ((fd = bundle_open(b, f)) < 0)
		return CR_STATUS_IO;
	sha256_init(&c256);
	sha512_init(&c512);
	while ((r = bundle_pread(b, f, fd, total, buf, sizeof buf)) > 0) {
		if (total + (uint64_t)r > f->len)
			break;				/* it grew */
		if (archive_write_data(a, buf, (size_t)r) != r) {
			rc = -1;
			break;
		}
		if (dg != NULL) {
			sha256_update(&c256, (size_t)r, buf);
			sha512_update(&c512, (size_t)r, buf);
		}
		total += (uint64_t)r;
	}
	if (dg != NULL) {
		sha256_digest(&c256, sizeof dg->sha256, dg->sha256);
		sha512_digest(&c512, sizeof dg->sha512, dg->sha512);
	}
	if (r < 0)
		rc = CR_STATUS_IO;
	else if (rc == 0 && (r > 0 || total != f->len)) {
		cr_err_set(b->display, 0, "cannot read %s: %s", f->path,
		    "changed while the bundle was written");
		rc = CR_STATUS_IO;
	}
	if (bundle_close(b, f, fd) != 0 && rc != CR_STATUS_IO)
		rc = CR_STATUS_IO;
	return rc;
}

/* The length of a named payload file (the bag-info needs it first). */
static int
bundle_stat_file(const struct bundle *b, struct bundle_file *f)
{
	struct stat st;
	int fd, rc = 0;

	if ((fd = bundle_open(b, f)) < 0)
		return CR_STATUS_IO;
	if (fstat(fd, &st) != 0) {
		cr_err_set(b->display, 0, "cannot read %s: %s", f->path,
		    strerror(errno));
		rc = CR_STATUS_IO;
	} else
		f->len = (size_t)st.st_size;
	if (bundle_close(b, f, fd) != 0)
		rc = CR_STATUS_IO;
	return rc;
}

static void *
bundle_hasher_main(void *arg)
{
	struct bundle *b = arg;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < b->njobs && !atomic_load(&b->stop); i++)
		rc = bundle_hash_file(b, &b->jobs[i]);
	b->hrc = rc;
	return NULL;
}

/* Start the hasher (nothing to hash: no thread): 0 or CR_STATUS_IO. */
static int
bundle_hasher_start(struct bundle *b)
{
	int err;

	if (b->njobs == 0)
		return 0;
	if ((err = pthread_create(&b->hthread, NULL, bundle_hasher_main,
	    b)) != 0) {
		cr_err_set(b->display, 0, "cannot start a thread: %s",
		    strerror(err));
		return CR_STATUS_IO;
	}
	b->hrunning = 1;
	return 0;
}

/*
 * Wait for the hasher (failed: stop it first) and give each file its
 * digests: 0, or CR_STATUS_IO after a message.
 */
static int
bundle_hasher_join(struct bundle *b, int failed)
{
	struct bundle_file *f, *j;
	size_t i;

	if (b->hrunning) {
		if (failed)
			atomic_store(&b->stop, 1);
		pthread_join(b->hthread, NULL);
		b->hrunning = 0;
		if (b->hrc != 0)
			return b->hrc;
	}
	for (i = 0; !failed && i < b->nfiles; i++) {
		f = &b->files[i];
		if (f->job == 0)
			continue;
		j = &b->jobs[f->job - 1];
		if (j->len != f->len) {
			cr_err_set(b->display, 0, "cannot read %s: %s", f->path,
			    "changed while the bundle was written");
			return CR_STATUS_IO;
		}
		memcpy(f->sha256, j->sha256, sizeof f->sha256);
		memcpy(f->sha512, j->sha512, sizeof f->sha512);
		f->job = 0;
	}
	return 0;
}

/* Free the bag and close its spool: 0, or CR_STATUS_IO (recorded). */
static int
bundle_free(struct bundle *b)
{
	size_t i;
	int rc = 0;

	(void)bundle_hasher_join(b, 1);
	free(b->jobs);
	b->jobs = NULL;
	for (i = 0; i < b->nfiles; i++) {
		free(b->files[i].path);
		free(b->files[i].own);
	}
	free(b->files);
	if (b->spool >= 0 && close(b->spool) != 0) {
		cr_err_set(b->spool_display, 0, "cannot close: %s",
		    strerror(errno));
		rc = CR_STATUS_IO;
	}
	b->spool = -1;
	for (i = 0; i < 2; i++)
		if (b->dig[i] >= 0 && close(b->dig[i]) != 0 && rc == 0) {
			cr_err_set(b->display, 0, "cannot close %s: %s",
			    BUNDLE_DIGESTS, strerror(errno));
			rc = CR_STATUS_IO;
		}
	free(b->display);
	free(b->spool_display);
	free(b->bundle_name);
	b->display = b->spool_display = b->bundle_name = NULL;
	return rc;
}

static int
bundle_file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bundle_file *)a)->path,
	    ((const struct bundle_file *)b)->path);
}

/*
 * The many files' directory: one name and a '/' (each file's name is
 * checked as it is archived), and no other payload file in it.  0 or
 * CR_STATUS_DATA.
 */
static int
bundle_many_check(struct bundle *b)
{
	const struct cr_bundle_many *m = b->opts->many;
	size_t i, len;
	const char *why = NULL;

	if (m == NULL || m->n == 0)
		return 0;
	len = strlen(m->dir);
	if (len < 2 || m->dir[len - 1] != '/' ||
	    memchr(m->dir, '/', len - 1) != NULL || m->list == NULL)
		why = "not a directory";
	else
		for (i = 0; i < b->nfiles; i++)
			if (strncmp(b->files[i].path + 5, m->dir, len) == 0)
				why = "given twice";
	if (why != NULL) {
		cr_err_set(b->display, 0, "payload directory \"%s\": %s",
		    m->dir, why);
		return CR_STATUS_DATA;
	}
	return 0;
}

/* The payload as given, names checked; 0 or CR_STATUS_DATA. */
static int
bundle_payload(struct bundle *b, const struct cr_bundle_entry *e, size_t n)
{
	struct bundle_file *f;
	const char *why;
	size_t i;

	for (i = 0; i < n; i++) {
		why = cr_bag_path_problem(e[i].path);
		if (why == NULL && (strcmp(e[i].path, "report.txt") == 0 ||
		    strcmp(e[i].path, "report.html") == 0))
			why = "reserved for the bundle's own report";
		if (why != NULL) {
			cr_err_set(b->display, 0, "payload file \"%s\": %s",
			    e[i].path, why);
			return CR_STATUS_DATA;
		}
		if (e[i].data != NULL || (e[i].name == NULL &&
		    e[i].len == 0)) {
			bundle_add(b, "data/", e[i].path, e[i].data, e[i].len,
			    NULL);
			continue;
		}
		f = bundle_add(b, "data/", e[i].path, "", 0, NULL);
		f->data = NULL;
		f->dirfd = e[i].dirfd;
		f->name = e[i].name;
		f->fd = e[i].fd;
		f->off = e[i].off;
		f->len = e[i].len;
		if (f->name != NULL && bundle_stat_file(b, f) != 0)
			return CR_STATUS_IO;
		b->jobs = xreallocarray(b->jobs, b->njobs + 1,
		    sizeof *b->jobs);
		b->jobs[b->njobs++] = *f;
		f->job = b->njobs;
	}
	qsort(b->files, b->nfiles, sizeof *b->files, bundle_file_cmp);
	for (i = 1; i < b->nfiles; i++)
		if (strcmp(b->files[i - 1].path, b->files[i].path) == 0) {
			cr_err_set(b->display, 0, "payload file \"%s\" given twice",
			    b->files[i].path + 5);
			return CR_STATUS_DATA;
		}
	return bundle_many_check(b);
}

/* The payload file at data/<path>, or NULL. */
static const struct bundle_file *
bundle_payload_file(const struct bundle *b, const char *path)
{
	size_t i;

	for (i = 0; i < b->nfiles; i++)
		if (strncmp(b->files[i].path, "data/", 5) == 0 &&
		    strcmp(b->files[i].path + 5, path) == 0)
			return &b->files[i];
	return NULL;
}

/*
 * The report's view of a payload file: `src` over its bytes, the file
 * opened when it is a named one (*fd, else -1).  NULL when absent or
 * after a message (*rc).
 */
static const struct cr_bag_src *
bundle_src(const struct bundle *b, const char *path, struct cr_bag_src *src,
    int *fd, int *rc)
{
	const struct bundle_file *f = bundle_payload_file(b, path);

	*fd = -1;
	if (f == NULL)
		return NULL;
	memset(src, 0, sizeof *src);
	src->len = f->len;
	if (f->data != NULL)
		src->data = f->data;
	else if (f->name == NULL) {
		src->fd = f->fd;
		src->off = f->off;
	} else if ((*fd = bundle_open(b, f)) < 0) {
		*rc = CR_STATUS_IO;
		return NULL;
	} else
		src->fd = *fd;
	return src;
}

/* Close what bundle_src opened (fd >= 0); a failure sets *rc. */
static void
bundle_src_done(const struct bundle *b, const char *path, int fd, int *rc)
{
	if (fd >= 0 && bundle_close(b, bundle_payload_file(b, path), fd) != 0
	    && *rc == 0)
		*rc = CR_STATUS_IO;
}

/* A file the bag wrote into its spool at off: listed and hashed. */
static int
bundle_add_spooled(struct bundle *b, const char *prefix, const char *name,
    uint64_t off, uint64_t len)
{
	struct bundle_file *f = bundle_add(b, prefix, name, "", 0, NULL);

	f->data = NULL;
	f->fd = b->spool;
	f->off = off;
	f->len = (size_t)len;
	return bundle_hash_file(b, f);
}

/* An outfile on the spool for bag file `dir``name`, named by both. */
static struct cr_outfile *
bundle_spool_outfile(struct bundle *b, const char *dir, const char *name)
{
	struct cr_outfile *of;
	char *display;

	xasprintf(&display, "%s (%s%s)", b->spool_display, dir, name);
	of = cr_outfile_fdopen(b->spool, display);
	free(display);
	return of;
}

/* report.txt or report.html, written into the spool and added. */
static int
bundle_report(struct bundle *b, struct cr_report *r, int html)
{
	const char *name = html ? "report.html" : "report.txt";
	struct cr_outfile *of;
	uint64_t off, len;
	int rc, wrc;

	off = b->spoollen;
	of = bundle_spool_outfile(b, "data/", name);
	cr_outfile_nodigest(of);
	rc = html ? cr_report_html(r, of) : cr_report_txt(r, of);
	len = cr_outfile_bytes(of);
	b->spoollen += len;
	wrc = cr_outfile_close(of);	/* a write error is recorded here */
	if (rc == 0)
		rc = wrc;
	if (rc != 0)
		return rc;
	return bundle_add_spooled(b, "data/", name, off, len);
}

static int
bundle_reports(struct bundle *b, int dirfd, const char *run_id,
    time_t run_time)
{
	struct cr_bag_src dsrc, osrc, ssrc;
	struct cr_report_input in;
	struct cr_report *r;
	char fpr[CR_SSHKEY_FPR];
	int dfd, ofd, sfd, rc = 0;

	memset(&in, 0, sizeof in);
	in.run_id = run_id;
	in.run_time = run_time;
	in.bundle_name = b->bundle_name;
	if (b->signing_key != NULL) {
		cr_sshkey_fingerprint(b->signing_key->pub, fpr);
		in.signer = fpr;
	}
	in.decisions = bundle_src(b, "decisions.csv", &dsrc, &dfd, &rc);
	in.ownership = bundle_src(b, "ownership.csv", &osrc, &ofd, &rc);
	in.summary = bundle_src(b, "summary.json", &ssrc, &sfd, &rc);
	if (bundle_payload_file(b, "manifest.csv") != NULL)
		in.manifest_name = "manifest.csv";
	else if (bundle_payload_file(b, "manifest.xml") != NULL)
		in.manifest_name = "manifest.xml";
	if (rc == 0) {
		if ((b->spool = cr_outfile_unlinked(dirfd, BUNDLE_SPOOL)) < 0) {
			cr_err_set(b->spool_display, 0, "cannot make: %s",
			    strerror(errno));
			rc = CR_STATUS_IO;
		}
	}
	r = rc == 0 ? cr_report_load(&in, &rc) : NULL;
	if (rc == 0)
		rc = bundle_report(b, r, 1);
	if (rc == 0)
		rc = bundle_report(b, r, 0);
	cr_report_free(r);
	bundle_src_done(b, "decisions.csv", dfd, &rc);
	bundle_src_done(b, "ownership.csv", ofd, &rc);
	bundle_src_done(b, "summary.json", sfd, &rc);
	if (rc != 0)
		return rc;
	qsort(b->files, b->nfiles, sizeof *b->files, bundle_file_cmp);
	return 0;
}

/* f's line of a manifest (SHA-512 or SHA-256) into m. */
static void
bundle_manifest_line(struct cr_outfile *m, const struct bundle_file *f,
    int sha512)
{
	char hex[CR_BAG_SHA512_HEX];

	cr_outfile_puts(m, bundle_hex(f, sha512, hex));
	cr_outfile_write(m, "  ", 2);
	cr_outfile_puts(m, f->path);
	cr_outfile_putc(m, '\n');
}

/* A manifest over files [from, to) of b, sorted by path. */
static char *
bundle_manifest(const struct bundle *b, size_t from, size_t to, int sha512,
    size_t *len)
{
	struct cr_outfile *m = cr_outfile_mem("manifest");
	size_t i;

	for (i = from; i < to; i++)
		bundle_manifest_line(m, &b->files[i], sha512);
	return cr_outfile_mem_finish(m, len);
}

/* Whether payload file f comes after the many files (by path). */
static int
bundle_many_after(const struct bundle *b, const struct bundle_file *f)
{
	return strcmp(f->path + 5, b->opts->many != NULL ?
	    b->opts->many->dir : "") > 0;
}

/*
 * The many files' manifest lines (SHA-512 or SHA-256) into m: 0, or
 * CR_STATUS_IO after a message.
 */
static int
bundle_digests_copy(struct bundle *b, int sha512, struct cr_outfile *m)
{
	unsigned char buf[BUNDLE_BLOCK];
	uint64_t pos = 0;
	ssize_t r;
	int fd = b->dig[sha512 != 0];

	if (fd < 0)
		return 0;
	for (;;) {
		r = pread(fd, buf, sizeof buf, (off_t)pos);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		cr_outfile_write(m, buf, (size_t)r);
		pos += (uint64_t)r;
	}
	if (r < 0 || pos != b->diglen[sha512 != 0]) {
		cr_err_set(b->display, 0, "cannot read %s: %s", BUNDLE_DIGESTS,
		    r < 0 ? strerror(errno) : "shorter than written");
		return CR_STATUS_IO;
	}
	return 0;
}

/*
 * A payload manifest (one line a payload file: it grows with the emails),
 * written into the spool and added as tag file `name`: 0 or an exit code.
 */
static int
bundle_manifest_spool(struct bundle *b, size_t n, int sha512,
    const char *name)
{
	struct cr_outfile *m = bundle_spool_outfile(b, "", name);
	uint64_t off = b->spoollen, len;
	size_t i;
	int rc = 0, spliced = 0;

	cr_outfile_nodigest(m);
	for (i = 0; i < n; i++) {
		if (!spliced && bundle_many_after(b, &b->files[i])) {
			if ((rc = bundle_digests_copy(b, sha512, m)) != 0)
				break;
			spliced = 1;
		}
		bundle_manifest_line(m, &b->files[i], sha512);
	}
	if (rc == 0 && !spliced)
		rc = bundle_digests_copy(b, sha512, m);
	len = cr_outfile_bytes(m);
	b->spoollen += len;
	if (rc != 0) {
		(void)cr_outfile_close(m);
		return rc;
	}
	if ((rc = cr_outfile_close(m)) != 0)
		return rc;
	return bundle_add_spooled(b, "", name, off, len);
}

/*
 * bag-info.txt and bagit.txt, which come before data/ in the archive: they
 * need the payload's size only.
 */
static void
bundle_tags_head(struct bundle *b, const char *run_id, time_t run_time)
{
	static const char bagit[] =
	    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
	struct cr_outfile *m;
	uint64_t octets = 0;
	size_t i, npayload = b->nfiles, len;
	char date[16], *s;
	struct tm tm;

	for (i = 0; i < npayload; i++)
		octets += b->files[i].len;
	if (b->opts->many != NULL) {
		octets += b->opts->many->octets;
		npayload += b->opts->many->n;
	}
	if (gmtime_r(&run_time, &tm) == NULL ||
	    strftime(date, sizeof date, "%Y-%m-%d", &tm) == 0)
		strcpy(date, "1970-01-01");

	m = cr_outfile_mem("bag-info.txt");
	cr_outfile_printf(m, "Bag-Software-Agent: custrelease %s\n",
	    PACKAGE_VERSION);
	cr_outfile_printf(m, "BagIt-Profile-Identifier: %s\n",
	    CR_BUNDLE_PROFILE_ID);
	cr_outfile_printf(m, "Bagging-Date: %s\n", date);
	cr_outfile_printf(m, "External-Identifier: %s\n", run_id);
	cr_outfile_printf(m, "Internal-Sender-Description: audit bundle of "
	    "custrelease run %s\n", run_id);
	cr_outfile_printf(m, "Payload-Oxum: %llu.%zu\n",
	    (unsigned long long)octets, npayload);
	if (b->opts->prev_run_id != NULL && *b->opts->prev_run_id == '\0')
		cr_outfile_puts(m, "Previous-Run-Id: none\n");
	else if (b->opts->prev_run_id != NULL) {
		cr_outfile_printf(m, "Previous-Run-Id: %s\n",
		    b->opts->prev_run_id);
		cr_outfile_printf(m, "Previous-Tagmanifest-SHA256: %s\n",
		    b->opts->prev_tagmanifest_sha256 != NULL &&
		    *b->opts->prev_tagmanifest_sha256 != '\0' ?
		    b->opts->prev_tagmanifest_sha256 : "unknown");
	}
	cr_outfile_printf(m, "Source-Organization: %s\n", BUNDLE_SOURCE_ORG);
	s = cr_outfile_mem_finish(m, &len);

	b->tagfrom = b->nfiles;
	bundle_add(b, "", "bag-info.txt", s, len, s);
	bundle_add(b, "", "bagit.txt", bagit, sizeof bagit - 1, NULL);
}

/*
 * tagmanifest-sha256.txt.sig: an SSHSIG of tagmanifest-sha256.txt's exact
 * bytes, in neither tag manifest (it signs one of them).  The tag
 * manifest covers bag-info.txt and both payload manifests, so the
 * signature covers the bag.  Ed25519 is deterministic: the same bag and
 * key give the same bytes.
 */
static void
bundle_sign(struct bundle *b, const char *tagmanifest, size_t tmlen)
{
	char *sig;
	size_t len;

	cr_sshsig_sign(b->signing_key, CR_BUNDLE_SIG_NAMESPACE, tagmanifest,
	    tmlen, &sig, &len);
	bundle_add(b, "", "tagmanifest-sha256.txt.sig", sig, len, sig);
}

/*
 * Copies of bag-info.txt and tagmanifest-sha256.txt beside the bundle, in
 * the run directory, for the next run's link (chain.h).  0 or an exit
 * code after a message.
 */
static int
bundle_keep_tags(struct bundle *b, int dirfd, const char *dir)
{
	static const char *const names[] = {
		"bag-info.txt", "tagmanifest-sha256.txt"
	};
	const struct bundle_file *f;
	struct cr_outfile *of;
	char *display;
	size_t i, k;
	int rc = 0;

	for (k = 0; rc == 0 && k < 2; k++) {
		for (i = b->tagfrom, f = NULL; i < b->nfiles; i++)
			if (strcmp(b->files[i].path, names[k]) == 0)
				f = &b->files[i];
		xasprintf(&display, "%s/%s", dir != NULL ? dir : ".",
		    names[k]);
		of = f != NULL ? cr_outfile_open(dirfd, names[k], display) :
		    NULL;
		free(display);
		if (of == NULL)
			return CR_STATUS_IO;
		cr_outfile_write(of, f->data, f->len);
		rc = cr_outfile_close(of) != 0 ? CR_STATUS_IO : 0;
	}
	return rc;
}

/*
 * The manifests and tag manifests, which come last in the archive: they
 * wait for the hasher.  0 or an exit code.
 */
static int
bundle_tags_tail(struct bundle *b)
{
	size_t npayload = b->tagfrom, len, tmlen;
	char *s, *tm;
	int rc;

	if ((rc = bundle_hasher_join(b, 0)) != 0 ||
	    (rc = bundle_manifest_spool(b, npayload, 0,
	    "manifest-sha256.txt")) != 0 ||
	    (rc = bundle_manifest_spool(b, npayload, 1,
	    "manifest-sha512.txt")) != 0)
		return rc;
	/* Added in sorted order: the tag files are b->files[tagfrom..]. */
	tm = bundle_manifest(b, b->tagfrom, b->nfiles, 0, &tmlen);
	bundle_add(b, "", "tagmanifest-sha256.txt", tm, tmlen, tm);
	s = bundle_manifest(b, b->tagfrom, b->nfiles - 1, 1, &len);
	bundle_add(b, "", "tagmanifest-sha512.txt", s, len, s);
	if (b->signing_key != NULL)
		bundle_sign(b, tm, tmlen);
	return 0;
}

/* ---- the archive -------------------------------------------------------- */

struct bundle_item {
	char		*path;		/* full path in the archive */
	const struct bundle_file *file;	/* NULL: a directory */
};

static int
bundle_item_cmp(const void *a, const void *b)
{
	return strcmp(((const struct bundle_item *)a)->path,
	    ((const struct bundle_item *)b)->path);
}

/*
 * Files [from, to) and every directory above them, full paths, sorted
 * bytewise: a directory "x/" sorts before everything under it.  The top
 * directory comes with from = 0.
 */
static struct bundle_item *
bundle_items(const struct bundle *b, const char *top, size_t from, size_t to,
    size_t *np)
{
	struct bundle_item *it;
	size_t i, j, n = 0, cap = (to - from) * 2 + 3;
	const char *p;

	it = xreallocarray(NULL, cap, sizeof *it);
	if (from == 0) {
		xasprintf(&it[n].path, "%s/", top);
		it[n++].file = NULL;
	}
	if (from == 0 && b->opts->many != NULL && b->opts->many->n > 0) {
		xasprintf(&it[n].path, "%s/data/", top);
		it[n++].file = NULL;
		xasprintf(&it[n].path, "%s/data/%s", top, b->opts->many->dir);
		it[n++].file = NULL;
	}
	for (i = from; i < to; i++) {
		for (p = strchr(b->files[i].path, '/'); p != NULL;
		    p = strchr(p + 1, '/')) {
			if (n == cap) {
				cap *= 2;
				it = xreallocarray(it, cap, sizeof *it);
			}
			xasprintf(&it[n].path, "%s/%.*s/", top,
			    (int)(p - b->files[i].path), b->files[i].path);
			it[n++].file = NULL;
		}
		if (n == cap) {
			cap *= 2;
			it = xreallocarray(it, cap, sizeof *it);
		}
		xasprintf(&it[n].path, "%s/%s", top, b->files[i].path);
		it[n++].file = &b->files[i];
	}
	qsort(it, n, sizeof *it, bundle_item_cmp);
	/* Drop repeated directories. */
	for (i = j = 0; i < n; i++) {
		if (j > 0 && strcmp(it[j - 1].path, it[i].path) == 0) {
			free(it[i].path);
			continue;
		}
		it[j++] = it[i];
	}
	*np = j;
	return it;
}

static la_ssize_t
bundle_archive_write(struct archive *a, void *arg, const void *buf,
    size_t n)
{
	struct cr_outfile *of = arg;

	cr_outfile_write(of, buf, n);
	if (cr_outfile_status(of) != 0) {
		archive_set_error(a, EIO, "write error");
		return -1;
	}
	return (la_ssize_t)n;
}

/* One entry's header, owned by root, dated run_time: 0, or -1. */
static int
bundle_header(struct archive *a, const char *path, uint64_t size, int dir,
    time_t run_time)
{
	struct archive_entry *e = archive_entry_new();
	int rc = 0;

	archive_entry_set_pathname_utf8(e, path);
	archive_entry_set_mtime(e, run_time, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_uname(e, "root");
	archive_entry_set_gname(e, "root");
	archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(e, dir ? 0755 : 0644);
	archive_entry_set_size(e, (la_int64_t)size);
	if (archive_write_header(a, e) < ARCHIVE_WARN)
		rc = -1;
	archive_entry_free(e);
	return rc;
}

/* Whether path is <top>/data/<the many files' dir>. */
static int
bundle_is_many_dir(const struct bundle *b, const char *top, const char *path)
{
	size_t len = strlen(top);

	return b->opts->many != NULL && b->opts->many->n > 0 &&
	    strncmp(path, top, len) == 0 &&
	    strncmp(path + len, "/data/", 6) == 0 &&
	    strcmp(path + len + 6, b->opts->many->dir) == 0;
}

/*
 * The two files of the many files' manifest lines, made in the bundle's
 * directory and unlinked at once, and outfiles over them: 0, or
 * CR_STATUS_IO after a message.
 */
static int
bundle_digests_open(struct bundle *b, struct cr_outfile *dig[2])
{
	char *display;
	int k;

	for (k = 0; k < 2; k++) {
		b->dig[k] = cr_outfile_unlinked(b->dirfd, BUNDLE_DIGESTS);
		if (b->dig[k] < 0) {
			cr_err_set(b->display, 0, "cannot make %s: %s",
			    BUNDLE_DIGESTS, strerror(errno));
			if (k == 1)
				cr_outfile_discard(dig[0]);
			return CR_STATUS_IO;
		}
		xasprintf(&display, "%s (%s)", b->display, BUNDLE_DIGESTS);
		dig[k] = cr_outfile_fdopen(b->dig[k], display);
		free(display);
		cr_outfile_nodigest(dig[k]);
	}
	return 0;
}

/*
 * A record of the many files' list into f (path "data/<name>", off, len):
 * 0, or CR_STATUS_DATA after a message when it is not a file of the
 * directory, in order after prev (NULL: the first).
 */
static int
bundle_many_entry(const struct bundle *b, const char *const *fl, size_t nf,
    const char *prev, struct bundle_file *f)
{
	const char *dir = b->opts->many->dir, *why = NULL;
	size_t dlen = strlen(dir);

	if (nf != 3)
		why = "not a record of the list";
	else if ((why = cr_bag_path_problem(fl[0])) != NULL)
		;
	else if (strncmp(fl[0], dir, dlen) != 0 ||
	    strchr(fl[0] + dlen, '/') != NULL)
		why = "not in the directory";
	else if (prev != NULL && strcmp(prev + 5, fl[0]) >= 0)
		why = "out of order or given twice";
	if (why != NULL) {
		cr_err_set(b->display, 0, "payload file \"%s\": %s",
		    nf > 0 ? fl[0] : "", why);
		return CR_STATUS_DATA;
	}
	free(f->path);
	xasprintf(&f->path, "data/%s", fl[0]);
	f->off = vs_row_of(fl[1]);
	f->len = (size_t)vs_row_of(fl[2]);
	return 0;
}

/*
 * The many files, in their list's order, after their directory's entry:
 * each name checked, the file copied and hashed, its manifest lines
 * spooled.  0; -1 when the archive failed (not reported); an exit code
 * after a message.
 */
static int
bundle_archive_many(struct bundle *b, struct archive *a, const char *top,
    time_t run_time)
{
	const struct cr_bundle_many *m = b->opts->many;
	struct cr_outfile *dig[2];
	const char *fl[VS_FIELDS_MAX];
	struct bundle_file f;
	struct vs_reader r;
	uint64_t octets = 0;
	size_t nf, n = 0;
	char *full, *prev = NULL;
	int rc, k;

	if ((rc = bundle_digests_open(b, dig)) != 0)
		return rc;
	memset(&f, 0, sizeof f);
	f.fd = m->fd;
	vs_reader_open(&r, m->list);
	while (rc == 0 && vs_reader_next(&r, fl, &nf)) {
		if ((rc = bundle_many_entry(b, fl, nf, prev, &f)) != 0)
			break;
		xasprintf(&full, "%s/%s", top, f.path);
		rc = bundle_header(a, full, f.len, 0, run_time);
		free(full);
		if (rc == 0 && (rc = bundle_copy_file(b, &f, a, &f)) == 0)
			for (k = 0; k < 2; k++)
				bundle_manifest_line(dig[k], &f, k);
		free(prev);
		prev = f.path;
		f.path = NULL;
		n++;
		octets += f.len;
	}
	vs_reader_close(&r);
	free(prev);
	free(f.path);
	/* the list is a file the caller wrote: one cut short is a read error */
	if (rc == 0 && (n != m->n || octets != m->octets)) {
		cr_err_set(b->display, 0, "cannot read the list of %s: %s",
		    m->dir, n < m->n || octets < m->octets ?
		    "shorter than written" : "longer than written");
		rc = CR_STATUS_IO;
	}
	for (k = 0; k < 2; k++) {
		b->diglen[k] = cr_outfile_bytes(dig[k]);
		if (cr_outfile_close(dig[k]) != 0 && rc == 0)
			rc = CR_STATUS_IO;
	}
	return rc;
}

/*
 * Files [from, to) of b into the archive (with their directories): 0; -1
 * when the archive failed (not reported); CR_STATUS_IO when a payload
 * file could not be read (reported).
 */
static int
bundle_archive_items(struct bundle *b, struct archive *a, const char *top,
    size_t from, size_t to, time_t run_time)
{
	struct bundle_item *it;
	size_t i, n;
	int rc = 0;

	it = bundle_items(b, top, from, to, &n);
	for (i = 0; rc == 0 && i < n; i++) {
		if (bundle_header(a, it[i].path, it[i].file != NULL ?
		    it[i].file->len : 0, it[i].file == NULL, run_time) != 0)
			rc = -1;
		else if (it[i].file == NULL && from == 0 &&
		    bundle_is_many_dir(b, top, it[i].path))
			rc = bundle_archive_many(b, a, top, run_time);
		else if (it[i].file != NULL && it[i].file->data == NULL)
			rc = bundle_copy_file(b, it[i].file, a, NULL);
		else if (it[i].file != NULL && it[i].file->len > 0 &&
		    archive_write_data(a, it[i].file->data, it[i].file->len)
		    != (la_ssize_t)it[i].file->len)
			rc = -1;
	}
	for (i = 0; i < n; i++)
		free(it[i].path);
	free(it);
	return rc;
}

static int
bundle_archive(struct bundle *b, struct cr_outfile *of,
    const struct cr_bundle_format *format,
    const char *top, time_t run_time)
{
	struct archive *a;
	size_t from;
	int ok = 1, rc = 0;

	a = archive_write_new();
	if (a == NULL) {
		cr_err_set(b->display, 0, "cannot start the archive");
		return CR_STATUS_IO;
	}
	if (format->setup(a) != 0)
		ok = 0;
	/* No zero padding after the gzip stream or the zip directory. */
	if (ok && archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK)
		ok = 0;
	if (ok && archive_write_open2(a, of, NULL, bundle_archive_write,
	    NULL, NULL) != ARCHIVE_OK)
		ok = 0;

	/* the payload and the tags before it; then, hashed, the manifests */
	/* rc: -1 for an archive error not yet reported, > 0 reported */
	from = 0;
	if (ok && (rc = bundle_archive_items(b, a, top, 0, b->nfiles,
	    run_time)) != 0)
		ok = 0;
	if (ok) {
		from = b->nfiles;
		if ((rc = bundle_tags_tail(b)) != 0)
			ok = 0;
	}
	if (ok && (rc = bundle_archive_items(b, a, top, from, b->nfiles,
	    run_time)) != 0)
		ok = 0;
	if (archive_write_close(a) != ARCHIVE_OK)
		ok = 0;
	if (!ok && rc <= 0 && cr_outfile_status(of) == 0)
		cr_err_set(b->display, 0, "cannot write the archive: %s",
		    archive_error_string(a) != NULL ?
		    archive_error_string(a) : "unknown error");
	archive_write_free(a);
	return ok ? 0 : rc > 0 ? rc : CR_STATUS_IO;
}

/*
 * A format that stores local times (zip's DOS times): make local time UTC
 * while writing, so the archive does not depend on TZ.  (The threads that
 * run meanwhile, the hasher and the mailer, read no environment variable
 * and no local time: gmtime_r only.)
 */
static char *
bundle_tz_utc(void)
{
	const char *tz = getenv("TZ");
	char *saved = tz != NULL ? xstrdup(tz) : NULL;

	setenv("TZ", "UTC0", 1);
	tzset();
	return saved;
}

static void
bundle_tz_restore(char *saved)
{
	if (saved != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

int
cr_bundle_write(int dirfd, const char *name, const char *name_of_format,
    const char *run_id, time_t run_time,
    const struct cr_bundle_entry *entries, size_t n)
{
	struct cr_bundle_opts o;

	memset(&o, 0, sizeof o);
	o.format = name_of_format;
	return cr_bundle_write_opts(dirfd, name, run_id, run_time, entries, n,
	    &o);
}

int
cr_bundle_write_opts(int dirfd, const char *name, const char *run_id,
    time_t run_time, const struct cr_bundle_entry *entries, size_t n,
    const struct cr_bundle_opts *o)
{
	const char *dir = o->dir, *name_of_format = o->format;
	const struct cr_bundle_format *format;
	struct bundle b;
	struct cr_outfile *of;
	char *top, *tz;
	int rc;

	format = cr_bundle_format_find(name_of_format != NULL ?
	    name_of_format : cr_bundle_format_targz.name);
	if (format == NULL) {
		cr_err_set(name, 0, "bundle format \"%s\": expected %s",
		    name_of_format, cr_bundle_format_names());
		return CR_STATUS_USAGE;
	}
	if (cr_bag_path_problem(run_id) != NULL ||
	    strchr(run_id, '/') != NULL) {
		cr_err_set(name, 0, "run id unfit for a bag name");
		return CR_STATUS_DATA;
	}
	memset(&b, 0, sizeof b);
	b.signing_key = o->signing_key;
	b.opts = o;
	/* not `name`: the bag's bytes must not depend on where it is put */
	xasprintf(&b.bundle_name, "audit-%s.%s", run_id, format->name);
	if (dir != NULL) {
		xasprintf(&b.display, "%s/%s", dir, name);
		xasprintf(&b.spool_display, "%s/%s", dir, BUNDLE_SPOOL);
	} else {
		b.display = xstrdup(name);
		b.spool_display = xstrdup(BUNDLE_SPOOL);
	}
	b.spool = -1;
	b.dig[0] = b.dig[1] = -1;
	b.dirfd = dirfd;
	rc = bundle_payload(&b, entries, n);
	if (rc == 0)
		rc = bundle_hasher_start(&b);
	if (rc == 0)
		rc = bundle_reports(&b, dirfd, run_id, run_time);
	if (rc != 0) {
		(void)bundle_free(&b);
		return rc;
	}
	bundle_tags_head(&b, run_id, run_time);

	of = cr_outfile_open(dirfd, name, b.display);
	if (of == NULL) {
		(void)bundle_free(&b);
		return CR_STATUS_IO;
	}
	cr_outfile_nodigest(of);
	xasprintf(&top, "audit-%s", run_id);
	tz = format->local_times ? bundle_tz_utc() : NULL;
	rc = bundle_archive(&b, of, format, top, run_time);
	if (format->local_times)
		bundle_tz_restore(tz);
	free(top);
	if (rc == 0 && o->keep_tags)
		rc = bundle_keep_tags(&b, dirfd, dir);
	if (bundle_free(&b) != 0 && rc == 0)
		rc = CR_STATUS_IO;
	if (rc != 0 && cr_outfile_status(of) == 0) {
		cr_outfile_discard(of);
		return rc;
	}
	/* A write error is reported here, once. */
	if (cr_outfile_close(of) != 0)
		return CR_STATUS_IO;
	return rc;
}
