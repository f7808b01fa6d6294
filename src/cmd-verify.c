/*
 * cmd-verify.c -- `custrelease verify BUNDLE`: check an audit bundle
 * offline.  The tar.gz, tar.zst or zip is read once, as a stream, with libarchive:
 * nothing is extracted to disk.  Every file's SHA-256 and SHA-512 are
 * computed as it streams past; only the tag files and the run's small
 * records (capped) are kept in memory.  Then the bag is checked (RFC 8493:
 * bagit.txt, bag-info.txt and Payload-Oxum, every manifest line both
 * ways, the tag manifest) and the records' consistency (verify-records.c).
 *
 * Every problem goes to stderr as "custrelease: BUNDLE: FILE: problem";
 * stdout gets one last line, "verify: OK" or "verify: N problems".  Exit
 * 0 intact, 1 problems, 65 not a bundle (not an archive, no bagit.txt),
 * 2 usage.
 *
 * It deliberately trusts nothing in the archive: names are checked before
 * use, sizes capped, and no entry is ever opened as a file.
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
#include "cmd.h"
#include "custrelease.h"
#include "diag.h"
#include "hash.h"
#include "rundir.h"
#include "verify.h"
#include "xmalloc.h"

#define VERIFY_KEEP_MAX		(256u * 1024 * 1024)	/* records, manifests */
#define VERIFY_EMAIL_MAX	(16u * 1024 * 1024)	/* one email */
#define VERIFY_BLOCK		(64 * 1024)
#define VERIFY_SHOWN_MAX	100	/* problems printed; all are counted */
#define VERIFY_SIGNERS_MAX	(1024 * 1024)	/* an allowed_signers file */

void
cr_verify_problem(struct cr_verify *v, const char *file, const char *fmt,
    ...)
{
	char msg[512];
	va_list ap;

	/* a forged bag can hold a million problems: print the first ones */
	if (v->problems++ >= VERIFY_SHOWN_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cr_msg("%s: %s: %s", v->bundle, file, msg);
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
	if ((keep || email) && !f->toobig && f->data == NULL)
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
	if (cr_map_put(v->files, rel, strlen(rel), &slot, NULL) == 0) {
		cr_verify_problem(v, rel, "appears twice in the archive");
		free(rel);
		return NULL;
	}
	f = xcalloc(1, sizeof *f);
	f->path = rel;
	*slot = f;
	verify_add(v, f);
	return f;
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
			cr_error(v->bundle, 0, "cannot open: %s",
			    strerror(errno));
			*rc = CR_EXIT_DATAERR;
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
			cr_error(v->bundle, 0, "cannot open: %s",
			    archive_error_string(a) ? archive_error_string(a) :
			    "?");
			archive_read_free(a);
			a = NULL;
			*rc = CR_EXIT_DATAERR;
		}
		free(real);
		return a;
	}
	*fd = open(v->bundle, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		cr_error(v->bundle, 0, "cannot open: %s", strerror(errno));
		*rc = CR_EXIT_DATAERR;
		return NULL;
	}
	a = archive_read_new();
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_zip_streamable(a);
	if (archive_read_open_fd(a, *fd, VERIFY_BLOCK) != ARCHIVE_OK) {
		cr_error(v->bundle, 0, "not an audit bundle: %s",
		    archive_error_string(a) ? archive_error_string(a) : "?");
		archive_read_free(a);
		close(*fd);
		*fd = -1;
		*rc = CR_EXIT_DATAERR;
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
 * Read every entry.  Returns 0, or CR_EXIT_DATAERR when the file is no
 * archive at all, CR_EXIT_IOERR when it cannot be opened.
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
				cr_error(v->bundle, 0, "not an audit bundle: "
				    "%s", archive_error_string(a) ?
				    archive_error_string(a) : "?");
				rc = CR_EXIT_DATAERR;
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
		if (f == NULL ? verify_drain(v, a) != 0 :
		    verify_stream(v, a, f) != 0)
			break;
	}
	archive_entry_free(e);
	archive_read_free(a);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* ---- the bag ------------------------------------------------------------ */

static void
verify_bagit(struct cr_verify *v)
{
	static const char want[] =
	    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
	static const char want_crlf[] =
	    "BagIt-Version: 1.0\r\nTag-File-Character-Encoding: UTF-8\r\n";
	struct cr_verify_file *f = cr_verify_find(v, "bagit.txt");

	if (f->data == NULL || (strcmp(f->data, want) != 0 &&
	    strcmp(f->data, want_crlf) != 0))
		cr_verify_problem(v, "bagit.txt", "not the two lines of "
		    "BagIt 1.0 (BagIt-Version: 1.0, Tag-File-Character-"
		    "Encoding: UTF-8)");
}

/* The value of a bag-info.txt label (first occurrence), malloc'd. */
static char *
verify_info(const char *info, const char *label)
{
	size_t n = strlen(label), len;
	const char *p, *eol, *val;

	for (p = info; *p != '\0'; p = *eol ? eol + 1 : eol) {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		if (strncmp(p, label, n) != 0 || p[n] != ':')
			continue;
		val = p + n + 1;
		while (val < eol && (*val == ' ' || *val == '\t'))
			val++;
		len = (size_t)(eol - val);
		if (len > 0 && val[len - 1] == '\r')
			len--;
		return xmemdup0(val, len);
	}
	return NULL;
}

/*
 * The link to the previous run (chain.h): Previous-Run-Id "none" or a run
 * id, then Previous-Tagmanifest-SHA256 64 hex digits or "unknown"; kept
 * in v->link for verify --chain.  A bag without them (not from a run, or
 * from before the chain) has no link.
 */
static void
verify_link(struct cr_verify *v, const char *info)
{
	char *id = verify_info(info, "Previous-Run-Id");
	char *tm = verify_info(info, "Previous-Tagmanifest-SHA256");

	v->link.present = id != NULL;
	if (id != NULL && strcmp(id, "none") != 0 &&
	    !cr_rundir_is_run_id(id))
		cr_verify_problem(v, "bag-info.txt", "Previous-Run-Id is "
		    "neither none nor a run id");
	else if (id != NULL && strcmp(id, "none") != 0 && (tm == NULL ||
	    (strcmp(tm, "unknown") != 0 && (strlen(tm) != 64 ||
	    strspn(tm, "0123456789abcdef") != 64))))
		cr_verify_problem(v, "bag-info.txt", "Previous-Tagmanifest-"
		    "SHA256 is neither unknown nor 64 hex digits");
	else if (id != NULL) {
		snprintf(v->link.prev, sizeof v->link.prev, "%s",
		    strcmp(id, "none") == 0 ? "" : id);
		snprintf(v->link.prev_tm, sizeof v->link.prev_tm, "%s",
		    tm != NULL && strcmp(tm, "unknown") != 0 ? tm : "");
	}
	free(id);
	free(tm);
}

static void
verify_baginfo(struct cr_verify *v, const char *top, char **ext,
    char **date)
{
	struct cr_verify_file *f = cr_verify_find(v, "bag-info.txt");
	unsigned long long octets = 0, o;
	unsigned long count = 0, c;
	char *oxum, *end;
	size_t i;

	if (f == NULL) {
		cr_verify_problem(v, "bag-info.txt", "missing");
		return;
	}
	if (f->data == NULL)
		return;
	for (i = 0; i < v->nfiles; i++)
		if (strncmp(v->order[i]->path, "data/", 5) == 0) {
			octets += v->order[i]->size;
			count++;
		}
	oxum = verify_info(f->data, "Payload-Oxum");
	if (oxum == NULL)
		cr_verify_problem(v, "bag-info.txt", "no Payload-Oxum");
	else {
		errno = 0;
		o = strtoull(oxum, &end, 10);
		c = *end == '.' && end[1] >= '0' && end[1] <= '9' ?
		    strtoul(end + 1, &end, 10) : 0;
		if (errno != 0 || *end != '\0' || oxum[0] < '0' ||
		    oxum[0] > '9' || strchr(oxum, '.') == NULL)
			cr_verify_problem(v, "bag-info.txt", "Payload-Oxum "
			    "\"%s\" is not OCTETS.COUNT", oxum);
		else if (o != octets || c != count)
			cr_verify_problem(v, "bag-info.txt", "Payload-Oxum "
			    "%s, but the payload holds %llu octets in %lu "
			    "files", oxum, octets, count);
	}
	free(oxum);
	*ext = verify_info(f->data, "External-Identifier");
	if (*ext == NULL)
		cr_verify_problem(v, "bag-info.txt", "no External-Identifier");
	else if (strncmp(top, "audit-", 6) != 0 || strcmp(top + 6, *ext) != 0)
		cr_verify_problem(v, "bag-info.txt", "External-Identifier %s "
		    "does not match the bag directory %s/", *ext, top);
	*date = verify_info(f->data, "Bagging-Date");
	if (*date == NULL)
		cr_verify_problem(v, "bag-info.txt", "no Bagging-Date");
	verify_link(v, f->data);
}

/* Decode the %25, %0A, %0D of RFC 8493 manifest paths; NULL if bad. */
static char *
verify_unpercent(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *q = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			*q++ = s[i];
			continue;
		}
		if (i + 2 >= n) {
			free(out);
			return NULL;
		}
		if (strncasecmp(s + i, "%25", 3) == 0)
			*q++ = '%';
		else if (strncasecmp(s + i, "%0A", 3) == 0)
			*q++ = '\n';
		else if (strncasecmp(s + i, "%0D", 3) == 0)
			*q++ = '\r';
		else {
			free(out);
			return NULL;
		}
		i += 2;
	}
	*q = '\0';
	return out;
}

static int
verify_hexeq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/*
 * One manifest (payload: tag == 0; tag manifest: tag == 1) of one
 * algorithm.  `listed` collects the paths it names.
 */
static void
verify_manifest(struct cr_verify *v, const char *mname, int sha512,
    int tag, struct cr_map *listed)
{
	struct cr_verify_file *m = cr_verify_find(v, mname), *f;
	size_t hexlen = sha512 ? 128 : 64, i, n;
	const char *p, *eol, *sp;
	unsigned long line = 0;
	char *hex, *path;
	void **slot;

	if (m == NULL || m->data == NULL)
		return;
	for (p = m->data; *p != '\0'; p = *eol ? eol + 1 : eol) {
		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		line++;
		n = (size_t)(eol - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		for (sp = p; sp < p + n && *sp != ' ' && *sp != '\t'; sp++)
			;
		hex = xmemdup0(p, (size_t)(sp - p));
		while (sp < p + n && (*sp == ' ' || *sp == '\t'))
			sp++;
		path = sp < p + n ? verify_unpercent(sp,
		    (size_t)(p + n - sp)) : NULL;
		for (i = 0; i < strlen(hex) && strchr("0123456789abcdefABCDEF",
		    hex[i]) != NULL; i++)
			;
		if (path == NULL || strlen(hex) != hexlen || i != hexlen ||
		    (strncmp(path, "data/", 5) == 0) == tag ||
		    cr_bag_path_problem(path) != NULL) {
			cr_verify_problem(v, mname, "line %lu: not \"CHECKSUM "
			    "%sPATH\"", line, tag ? "" : "data/");
			goto next;
		}
		if (cr_map_put(listed, path, strlen(path), &slot, NULL) == 0) {
			cr_verify_problem(v, mname, "line %lu: %s listed "
			    "twice", line, path);
			goto next;
		}
		f = cr_verify_find(v, path);
		if (f == NULL)
			cr_verify_problem(v, path, "listed in %s but missing",
			    mname);
		else if (!verify_hexeq(hex, sha512 ? f->sha512 : f->sha256))
			cr_verify_problem(v, path, "checksum differs from %s "
			    "(altered file or manifest)", mname);
next:
		free(hex);
		free(path);
	}
	/* Both ways: every file it should cover is listed. */
	for (i = 0; i < v->nfiles; i++) {
		f = v->order[i];
		if (tag ? strchr(f->path, '/') != NULL ||
		    strncmp(f->path, "tagmanifest-", 12) == 0 :
		    strncmp(f->path, "data/", 5) != 0)
			continue;
		if (cr_map_get(listed, f->path, strlen(f->path)) == NULL)
			cr_verify_problem(v, f->path, "not listed in %s%s",
			    mname, tag ? "" : " (extra file)");
	}
}

static void
verify_bag(struct cr_verify *v, const char *top)
{
	char *ext = NULL, *date = NULL;
	struct cr_map *l512;
	struct cr_verify_file *f;
	size_t i;

	verify_bagit(v);
	verify_baginfo(v, top, &ext, &date);
	v->ext_id = ext;
	v->bagging_date = date;
	if (cr_verify_find(v, "manifest-sha256.txt") == NULL)
		cr_verify_problem(v, "manifest-sha256.txt", "missing");
	verify_manifest(v, "manifest-sha256.txt", 0, 0, v->listed);
	if (cr_verify_find(v, "manifest-sha512.txt") != NULL) {
		l512 = cr_map_new();
		verify_manifest(v, "manifest-sha512.txt", 1, 0, l512);
		cr_map_free(l512);
	}
	if (cr_verify_find(v, "tagmanifest-sha256.txt") == NULL)
		cr_verify_problem(v, "tagmanifest-sha256.txt", "missing");
	else {
		l512 = cr_map_new();
		verify_manifest(v, "tagmanifest-sha256.txt", 0, 1, l512);
		cr_map_free(l512);
	}
	if (cr_verify_find(v, "tagmanifest-sha512.txt") != NULL) {
		l512 = cr_map_new();
		verify_manifest(v, "tagmanifest-sha512.txt", 1, 1, l512);
		cr_map_free(l512);
	}
	if (cr_verify_find(v, "fetch.txt") != NULL)
		cr_verify_problem(v, "fetch.txt", "a bundle must be complete; "
		    "fetch.txt is not allowed");
	for (i = 0; i < v->nfiles; i++) {
		f = v->order[i];
		if (strchr(f->path, '/') != NULL &&
		    strncmp(f->path, "data/", 5) != 0)
			cr_verify_problem(v, f->path, "neither a tag file nor "
			    "under data/");
	}
}

/* ---- the command -------------------------------------------------------- */

static void
verify_file_free(void *arg, const char *key, void *value)
{
	struct cr_verify_file *f = value;

	(void)arg;
	(void)key;
	free(f->path);
	free(f->data);
	free(f->to);
	free(f);
}

/*
 * The --allowed-signers file, whole (at most VERIFY_SIGNERS_MAX): 0, or an
 * exit code after a message.
 */
static int
verify_read_signers(const char *path, struct cr_verify_sig_opts *so)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;
	int err = errno;

	so->allowed_path = path;
	if (f == NULL) {
		cr_error(path, 0, "cannot read allowed signers: %s",
		    strerror(err));
		return CR_EXIT_USAGE;
	}
	buf = xmalloc(VERIFY_SIGNERS_MAX + 1);
	n = fread(buf, 1, VERIFY_SIGNERS_MAX + 1, f);
	err = ferror(f) ? errno : 0;
	fclose(f);
	if (err != 0 || n > VERIFY_SIGNERS_MAX) {
		cr_error(path, 0, "cannot read allowed signers: %s", err != 0 ?
		    strerror(err) : "larger than 1 MiB");
		free(buf);
		return err == EISDIR ? CR_EXIT_USAGE : err != 0 ?
		    CR_EXIT_IOERR : CR_EXIT_USAGE;
	}
	so->allowed = buf;
	so->allowed_len = n;
	return 0;
}

/* The --allowed-signers file and --require-signature: 0 or an exit code. */
static int
verify_sig_opts(const struct cr_options *o, struct cr_verify_sig_opts *so)
{
	memset(so, 0, sizeof *so);
	so->require = o->require_signature;
	if (o->allowed_signers != NULL)
		return verify_read_signers(o->allowed_signers, so);
	return 0;
}

void
cr_verify_free(struct cr_verify *v, char *top)
{
	cr_map_foreach(v->files, verify_file_free, NULL);
	cr_map_free(v->files);
	cr_map_free(v->listed);
	free(v->order);
	free((char *)v->ext_id);
	free((char *)v->bagging_date);
	free(top);
}

/* Its tagmanifest-sha256.txt's digest and run id into its link. */
static void
verify_link_done(struct cr_verify *v)
{
	const struct cr_verify_file *tm = cr_verify_find(v,
	    "tagmanifest-sha256.txt");

	snprintf(v->link.run_id, sizeof v->link.run_id, "%s",
	    v->ext_id != NULL ? v->ext_id : "?");
	if (tm != NULL)
		snprintf(v->link.tm, sizeof v->link.tm, "%s", tm->sha256);
}

/*
 * One bundle, every check: its problems on stderr, then on stdout its
 * signature line and its verdict ("BUNDLE: " before both in a chain).
 * CR_EXIT_OK, CR_EXIT_REJECTED (problems), or 65 / 74 after a message;
 * *link filled when not NULL.
 */
static int
verify_one(const char *bundle, const struct cr_verify_sig_opts *so,
    const struct cr_verify_replay *rp, struct cr_verify_link *link)
{
	const char *pre = link != NULL ? bundle : "", *sep = link ? ": " : "";
	struct cr_verify v;
	char *top = NULL;
	int rc;

	memset(&v, 0, sizeof v);
	v.bundle = bundle;
	v.files = cr_map_new();
	v.listed = cr_map_new();
	rc = cr_verify_read(&v, &top);
	if (rc == 0 && (top == NULL || cr_verify_find(&v, "bagit.txt") ==
	    NULL)) {
		cr_error(v.bundle, 0, "not an audit bundle: no bagit.txt in "
		    "a top directory");
		rc = CR_EXIT_DATAERR;
	}
	if (rc == 0) {
		verify_bag(&v, top);
		cr_verify_records(&v);
		cr_verify_signature(&v, so);
		verify_link_done(&v);
		if (rp != NULL)
			rc = cr_verify_replay(&v, rp);
		if (link != NULL)
			*link = v.link;
		if (v.problems > VERIFY_SHOWN_MAX)
			cr_msg("%s: %lu more problems not shown", v.bundle,
			    v.problems - VERIFY_SHOWN_MAX);
		printf("%s%ssignature: %s\n", pre, sep, v.signature);
		if (rp != NULL && rc == 0)
			printf("%s%sreplay: %s; %s\n", pre, sep, v.replay,
			    v.problems == 0 ? "the export gives them" :
			    "see the problems");
		if (v.problems == 0)
			printf("%s%sverify: OK\n", pre, sep);
		else
			printf("%s%sverify: %lu problem%s\n", pre, sep,
			    v.problems, v.problems == 1 ? "" : "s");
		if (rc == 0)
			rc = v.problems == 0 ? CR_EXIT_OK : CR_EXIT_REJECTED;
	}
	cr_verify_free(&v, top);
	return rc;
}

struct verify_list {
	char		**path;
	char		**run_id;	/* from OUT: the run directory's id */
	size_t		  n;
	const char	 *out;
};

static int
verify_list_run(void *arg, const char *run_id)
{
	static const char *const ext[] = { "tar.gz", "tar.zst", "zip" };
	struct verify_list *l = arg;
	struct stat st;
	char *p;
	size_t i;

	for (i = 0; i < 3; i++) {
		xasprintf(&p, "%s/%s/audit-%s.%s", l->out, run_id, run_id,
		    ext[i]);
		if (stat(p, &st) == 0)
			break;
		free(p);
		p = NULL;
	}
	if (p == NULL)
		xasprintf(&p, "%s/%s/audit-%s.tar.gz", l->out, run_id, run_id);
	l->path = xreallocarray(l->path, l->n + 1, sizeof *l->path);
	l->run_id = xreallocarray(l->run_id, l->n + 1, sizeof *l->run_id);
	l->run_id[l->n] = xstrdup(run_id);
	l->path[l->n++] = p;
	return 0;
}

/* The bundles of --chain: the operands, or each committed run of OUT. */
static int
verify_chain_list(const struct cr_options *o, struct verify_list *l)
{
	struct cr_rundir *rd;
	struct stat st;
	char *bagit;
	int i, is_out, rc;

	memset(l, 0, sizeof *l);
	xasprintf(&bagit, "%s/bagit.txt", o->argv[0]);
	is_out = o->argc == 1 && stat(o->argv[0], &st) == 0 &&
	    S_ISDIR(st.st_mode) && stat(bagit, &st) != 0;
	free(bagit);
	if (!is_out) {
		for (i = 0; i < o->argc; i++) {
			l->path = xreallocarray(l->path, l->n + 1,
			    sizeof *l->path);
			l->path[l->n++] = xstrdup(o->argv[i]);
		}
		return 0;
	}
	l->out = o->argv[0];
	if ((rc = cr_rundir_lock(o->argv[0], 0, &rd)) != 0)
		return rc;
	rc = cr_rundir_foreach_run(rd, verify_list_run, l);
	cr_rundir_close(rd);
	return rc;
}

static void
verify_chain_problem(void *arg, const char *run_id, const char *msg)
{
	(void)arg;
	cr_msg("chain: %s: %s", run_id, msg);
}

/* verify --chain: every bundle, then the links between them. */
static int
verify_chain(const struct cr_options *o, const struct cr_verify_sig_opts *so)
{
	struct verify_list l;
	struct cr_verify_link *links;
	unsigned long problems = 0;
	size_t i, n = 0;
	int rc;

	if ((rc = verify_chain_list(o, &l)) != 0)
		return rc;
	links = xcalloc(l.n + 1, sizeof *links);
	for (i = 0; i < l.n; i++) {
		rc = verify_one(l.path[i], so, NULL, &links[n]);
		if ((rc == CR_EXIT_OK || rc == CR_EXIT_REJECTED) &&
		    l.run_id != NULL && strcmp(links[n].run_id,
		    l.run_id[i]) != 0) {
			cr_msg("chain: %s: the bundle of run %s holds run %s",
			    l.run_id[i], l.run_id[i], links[n].run_id);
			problems++;
		}
		if (rc == CR_EXIT_OK || rc == CR_EXIT_REJECTED)
			n++;
		problems += rc != CR_EXIT_OK;
	}
	problems += cr_verify_chain(links, n, verify_chain_problem, NULL);
	if (l.n == 0)
		problems++, cr_msg("chain: no bundle to check");
	else if (n > 0)
		printf("chain: %zu run%s, %s .. %s%s%s%s\n", n, n == 1 ? "" :
		    "s", links[0].run_id, links[n - 1].run_id,
		    links[0].prev[0] ? " (the first follows " : "",
		    links[0].prev, links[0].prev[0] ? ", not given)" : "");
	if (problems == 0)
		printf("verify: OK\n");
	else
		printf("verify: %lu problem%s\n", problems,
		    problems == 1 ? "" : "s");
	for (i = 0; i < l.n; i++) {
		free(l.path[i]);
		if (l.run_id != NULL)
			free(l.run_id[i]);
	}
	free(l.path);
	free(l.run_id);
	free(links);
	return problems == 0 ? CR_EXIT_OK : CR_EXIT_REJECTED;
}

static int
verify_exec(const struct cr_options *o)
{
	struct cr_verify_sig_opts so;
	struct cr_verify_replay rp;
	int rc;

	if (o->argc == 0 || (o->argc > 1 && !o->chain))
		return cr_cmd_usage_error(&cr_cmd_verify, o->argc == 0 ?
		    "verify needs the bundle to check" :
		    "verify takes one bundle (several with --chain)");
	if ((rc = verify_sig_opts(o, &so)) != 0)
		return rc;
	memset(&rp, 0, sizeof rp);
	rp.export_path = o->export_path;
	rp.token_key = o->token_key;
	rp.templates = o->templates;
	if (o->chain && o->export_path != NULL) {
		free((char *)so.allowed);
		return cr_cmd_usage_error(&cr_cmd_verify, "--export replays "
		    "one bundle, not a --chain");
	}
	if (o->export_path == NULL && (o->token_key || o->templates)) {
		free((char *)so.allowed);
		return cr_cmd_usage_error(&cr_cmd_verify, "--token-key and "
		    "--templates go with --export");
	}
	rc = o->chain ? verify_chain(o, &so) : verify_one(o->argv[0], &so,
	    o->export_path != NULL ? &rp : NULL, NULL);
	if (fflush(stdout) != 0) {
		cr_error("stdout", 0, "write error: %s", strerror(errno));
		rc = CR_EXIT_IOERR;
	}
	free((char *)so.allowed);
	return rc;
}

const struct cr_cmd cr_cmd_verify = {
	"verify", "[--allowed-signers FILE] [--require-signature] BUNDLE\n"
	"       custrelease verify --chain [--allowed-signers FILE] "
	"[--require-signature] BUNDLE... | OUT\n"
	"       custrelease verify --export PATH [--token-key FILE] "
	"[--templates DIR] BUNDLE",
	verify_exec,
	CR_OPT_ALLOWED_SIGNERS | CR_OPT_REQUIRE_SIGNATURE | CR_OPT_CHAIN |
	    CR_OPT_EXPORT | CR_OPT_TOKEN_KEY | CR_OPT_TEMPLATES
};
