/*
 * export.c -- opens an organization export (folder, archive or XML file)
 * and streams its tables through the readers in dependency order (see
 * export.h).  It checks what docs/format.md 2.2 asks of the container: required
 * files, member names (no "..", no duplicates), regular files only, a cap
 * on expanded bytes.  It does not judge rows: readers and rowcheck.c do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "custrelease.h"
#include "err.h"
#include "export.h"
#include "read.h"
#include "stream.h"
#include "xmalloc.h"

#define EXPORT_XML	CR_T_EXPORT_COUNT	/* member slot of an XML form */

enum export_kind { EXPORT_DIR, EXPORT_XMLFILE, EXPORT_ARCHIVE };

struct export_member {
	int			 present;
	int			 done;
	long			 index;		/* archive entry number */
	char			*name;		/* as named in the archive */
	char			*display;	/* for messages */
};

struct export_input {
	char	*name;
	char	 sha256[65];
};

struct cr_export {
	char			*path;
	enum export_kind	 kind;
	struct export_member	 m[CR_T_EXPORT_COUNT + 1];
	uint64_t		 size;		/* bytes on disk, for progress */
	uint64_t		 done_before;	/* bytes of files finished */
	struct archive		*a;		/* the archive being read */
	struct export_input	*inputs;
	size_t			 ninputs;
	void			(*progress)(void *, uint64_t, uint64_t);
	void			*progress_arg;
	const struct cr_row_filter *filters;	/* by table, or NULL */
	uint64_t		 archive_bytes;	/* read from disk, for progress:
						   set by the read-ahead thread */
};

/* Dependency rank: a table is read after every table of a lower rank. */
static const int export_rank[CR_T_EXPORT_COUNT] = {
	[CR_T_ORGANIZATIONS] = 0, [CR_T_ACCOUNTS] = 0, [CR_T_CUSTOMERS] = 1,
	[CR_T_PRODUCTS] = 2, [CR_T_DOMAIN_CONTACTS] = 3, [CR_T_SHARES] = 3,
};

static int
ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/*
 * First significant byte of a file ('<' means XML), -1 when there is none,
 * or -2 after a message when the file cannot be read (*status set).
 */
static int
export_sniff(const char *path, int *status)
{
	unsigned char buf[512];
	ssize_t n, i = 0;
	int fd, err;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		err = errno;
		cr_err_set(path, 0, "cannot open: %s", strerror(err));
		*status = err == ENOENT ? CR_STATUS_DATA : CR_STATUS_IO;
		return -2;
	}
	do
		n = read(fd, buf, sizeof buf);
	while (n < 0 && errno == EINTR);
	err = errno;
	close(fd);
	if (n < 0) {
		cr_err_set(path, 0, "read error: %s", strerror(err));
		*status = CR_STATUS_IO;
		return -2;
	}
	if (n >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf)
		i = 3;
	while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
	    buf[i] == '\n'))
		i++;
	return i < n ? buf[i] : -1;
}

static void
export_add_input(struct cr_export *e, const char *name, struct cr_stream *s)
{
	struct export_input *in;

	e->inputs = xreallocarray(e->inputs, e->ninputs + 1,
	    sizeof *e->inputs);
	in = &e->inputs[e->ninputs++];
	in->name = xstrdup(name);
	cr_stream_sha256_hex(s, in->sha256);
}

static void
export_progress(void *arg, uint64_t nread)
{
	struct cr_export *e = arg;
	uint64_t done;

	if (e->progress == NULL)
		return;
	if (e->kind == EXPORT_ARCHIVE)
		done = __atomic_load_n(&e->archive_bytes, __ATOMIC_RELAXED);
	else
		done = e->done_before + nread;
	e->progress(e->progress_arg, done, e->size);
}

/* The XML reader takes no filter: the same contract, applied here. */
struct export_filtered {
	const struct cr_row_filter	*filters;
	cr_row_fn			 fn;
	void				*arg;
};

static int
export_filter_row(void *arg, const struct cr_row *row)
{
	struct export_filtered *x = arg;
	const struct cr_row_filter *f = &x->filters[row->schema->table];

	if (f->keep != NULL && !f->keep(f->arg, row))
		return 0;
	return x->fn(x->arg, row);
}

/* Parse one member or file from stream s. */
static int
export_parse(struct cr_export *e, int slot, struct cr_stream *s,
    cr_row_fn fn, void *arg)
{
	struct export_filtered x = { e->filters, fn, arg };
	int rc;

	cr_stream_set_progress(s, export_progress, e);
	cr_stream_set_readahead(s);
	if (slot == EXPORT_XML && e->filters != NULL)
		rc = cr_xml_read_export(s, export_filter_row, &x);
	else if (slot == EXPORT_XML)
		rc = cr_xml_read_export(s, fn, arg);
	else
		rc = cr_csv_read_filtered(s, cr_schema_get((enum cr_table)slot),
		    e->filters != NULL ? &e->filters[slot] : NULL, fn, arg);
	if (rc == 0)
		rc = cr_stream_drain(s);
	if (rc == 0)
		export_add_input(e, e->m[slot].name, s);
	e->m[slot].done = 1;
	return rc;
}

/* --- folders and plain XML files ------------------------------------ */

static int
export_open_dir(struct cr_export *e)
{
	struct stat st;
	const struct cr_schema *s;
	int t;

	for (t = 0; t < CR_T_EXPORT_COUNT; t++) {
		s = cr_schema_get((enum cr_table)t);
		xasprintf(&e->m[t].display, "%s/%s", e->path, s->file);
		if (lstat(e->m[t].display, &st) != 0) {
			if (errno == ENOENT && !s->required)
				continue;
			cr_err_set(e->m[t].display, 0, "cannot open: %s%s",
			    strerror(errno), errno == ENOENT ?
			    " (a required file of the export)" : "");
			return errno == ENOENT ? CR_STATUS_DATA :
			    CR_STATUS_IO;
		}
		if (S_ISLNK(st.st_mode)) {
			cr_err_set(e->m[t].display, 0, "a symbolic link: a table "
			    "of a folder export must be a regular file");
			return CR_STATUS_DATA;
		}
		if (!S_ISREG(st.st_mode)) {
			cr_err_set(e->m[t].display, 0, "not a regular file");
			return CR_STATUS_DATA;
		}
		e->m[t].present = 1;
		e->m[t].name = xstrdup(s->file);
		e->size += (uint64_t)st.st_size;
	}
	return 0;
}

static int
export_read_file(struct cr_export *e, int slot, cr_row_fn fn, void *arg)
{
	struct cr_stream *s;
	int fd, rc;

	fd = open(e->m[slot].display, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		cr_err_set(e->m[slot].display, 0, "cannot open: %s",
		    strerror(errno));
		return errno == ENOENT ? CR_STATUS_DATA : CR_STATUS_IO;
	}
	s = cr_stream_fd(fd, e->m[slot].display);
	rc = export_parse(e, slot, s, fn, arg);
	e->done_before += cr_stream_bytes(s);
	cr_stream_free(s);
	close(fd);
	return rc;
}

/* --- archives --------------------------------------------------------- */

/*
 * libarchive reports a corrupt or unknown archive with its own codes
 * (EILSEQ, EINVAL, -1); only these errno values mean the system failed.
 */
static int
export_io_errno(int err)
{
	return err == EIO || err == EACCES || err == EPERM || err == ENOMEM ||
	    err == EISDIR || err == ENXIO || err == EBADF || err == ENOSPC;
}

static int
export_archive_fail(struct cr_export *e, struct archive *a, const char *what)
{
	cr_err_set(e->path, 0, "%s: %s", what, archive_error_string(a) ?
	    archive_error_string(a) : "unknown archive error");
	return export_io_errno(archive_errno(a)) ? CR_STATUS_IO :
	    CR_STATUS_DATA;
}

static int
export_archive_new(struct cr_export *e, struct archive **ap)
{
	struct archive *a = archive_read_new();

	archive_read_support_format_zip(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_bzip2(a);
	if (archive_read_open_filename(a, e->path, 65536) != ARCHIVE_OK) {
		int rc = export_archive_fail(e, a, "cannot read archive");

		if (errno == ENOENT || errno == EACCES)
			rc = errno == ENOENT ? CR_STATUS_DATA : CR_STATUS_IO;
		archive_read_free(a);
		return rc;
	}
	*ap = a;
	return 0;
}

static int
has_dotdot(const char *path)
{
	const char *p = path, *slash;
	size_t n;

	for (;;) {
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		if (slash == NULL)
			return 0;
		p = slash + 1;
	}
}

/* Which member a name is (a table, the XML export), or -1: none. */
static int
export_member_slot(const char *name)
{
	const struct cr_schema *s;
	const char *base;
	char *basecopy;
	size_t len;
	int slot;

	/* a directory "x/shares.csv/" is named shares.csv too */
	len = strlen(name);
	while (len > 0 && name[len - 1] == '/')
		len--;
	base = memrchr(name, '/', len);
	base = base ? base + 1 : name;
	basecopy = xmemdup0(base, len - (size_t)(base - name));
	s = cr_schema_by_file(basecopy);
	if (s != NULL)
		slot = (int)s->table;
	else if (ends_with_ci(basecopy, ".xml"))
		slot = EXPORT_XML;
	else
		slot = -1;
	free(basecopy);
	return slot;
}

/*
 * One archive member: counted against the bomb cap (*total), and noted
 * when it is one of the export's files.  0 or an exit code.
 */
static int
export_list_member(struct cr_export *e, struct archive_entry *ent,
    long index, uint64_t *total, uint64_t limit)
{
	const char *name = archive_entry_pathname(ent);
	int slot;

	if (name == NULL)
		name = "";
	if (has_dotdot(name)) {
		cr_err_set(e->path, 0, "member \"%s\": a \"..\" path "
		    "component is refused", name);
		return CR_STATUS_DATA;
	}
	/*
	 * Every member counts against the bomb cap, even one that is never
	 * parsed: skipping it in a compressed tar means expanding it, in
	 * this pass and in every reading pass.  A tar member's size is
	 * exact; a parsed member's stream is capped as well
	 * (export_read_archive).
	 */
	if (archive_entry_size_is_set(ent) && archive_entry_size(ent) > 0) {
		*total += (uint64_t)archive_entry_size(ent);
		if (*total > limit) {
			cr_err_set(e->path, 0, "member \"%s\": the members "
			    "expand to more than %llu bytes (64 MiB + 100 "
			    "times the archive's size)", name,
			    (unsigned long long)limit);
			return CR_STATUS_DATA;
		}
	}
	if ((slot = export_member_slot(name)) < 0)
		return 0;
	if (archive_entry_filetype(ent) != AE_IFREG) {
		cr_err_set(e->path, 0, "member \"%s\": not a regular file",
		    name);
		return CR_STATUS_DATA;
	}
	if (e->m[slot].present) {
		cr_err_set(e->path, 0, "member \"%s\": %s", name,
		    slot == EXPORT_XML ? "more than one XML member" :
		    "two members with this file name");
		return CR_STATUS_DATA;
	}
	e->m[slot].present = 1;
	e->m[slot].index = index;
	e->m[slot].name = xstrdup(name);
	e->m[slot].display = xstrdup(name);
	return 0;
}

/* The members found make one export: an XML member alone, or the tables. */
static int
export_list_complete(struct cr_export *e)
{
	const struct cr_schema *s;
	int t;

	for (t = 0; t < CR_T_EXPORT_COUNT; t++) {
		s = cr_schema_get((enum cr_table)t);
		if (e->m[EXPORT_XML].present && e->m[t].present) {
			cr_err_set(e->path, 0, "holds both an XML member and %s",
			    e->m[t].name);
			return CR_STATUS_DATA;
		}
		if (!e->m[EXPORT_XML].present && s->required &&
		    !e->m[t].present) {
			cr_err_set(e->path, 0, "required member %s missing",
			    s->file);
			return CR_STATUS_DATA;
		}
	}
	return 0;
}

static int
export_list_archive(struct cr_export *e)
{
	struct archive *a;
	struct archive_entry *ent;
	uint64_t total = 0, limit = CR_EXPAND_MAX(e->size);
	long index;
	int r, rc;

	if ((rc = export_archive_new(e, &a)) != 0)
		return rc;
	for (index = 0; rc == 0; index++) {
		r = archive_read_next_header(a, &ent);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			rc = export_archive_fail(e, a, "cannot read archive");
		else
			rc = export_list_member(e, ent, index, &total, limit);
	}
	if (rc == 0)
		rc = export_list_complete(e);
	archive_read_free(a);
	return rc;
}

static ssize_t
export_archive_read(void *ctx, void *buf, size_t n)
{
	struct cr_export *e = ctx;
	la_ssize_t r = archive_read_data(e->a, buf, n);

	__atomic_store_n(&e->archive_bytes,
	    (uint64_t)archive_filter_bytes(e->a, -1), __ATOMIC_RELAXED);
	if (r < 0) {
		int err = archive_errno(e->a);

		if (export_io_errno(err)) {
			errno = err;	/* the stream reports it: 74 */
			return -1;
		}
		cr_err_set(e->path, 0, "cannot read archive: %s",
		    archive_error_string(e->a) ? archive_error_string(e->a) :
		    "unknown archive error");
		errno = 0;
		return -1;
	}
	return (ssize_t)r;
}

/* May member `slot` be read now, every table it depends on being done? */
static int
export_ready(const struct cr_export *e, int slot)
{
	int t;

	if (slot == EXPORT_XML)
		return 1;
	for (t = 0; t < CR_T_EXPORT_COUNT; t++) {
		if (e->m[t].present && !e->m[t].done &&
		    export_rank[t] < export_rank[slot])
			return 0;
	}
	return 1;
}

static int
export_pending(const struct cr_export *e)
{
	int t;

	for (t = 0; t <= EXPORT_XML; t++) {
		if (e->m[t].present && !e->m[t].done)
			return 1;
	}
	return 0;
}

static int
export_read_archive(struct cr_export *e, cr_row_fn fn, void *arg)
{
	struct archive_entry *ent;
	struct cr_stream *s;
	uint64_t limit;
	long index;
	int r, rc = 0, slot;

	limit = CR_EXPAND_MAX(e->size);
	while (rc == 0 && export_pending(e)) {
		if ((rc = export_archive_new(e, &e->a)) != 0)
			return rc;
		for (index = 0; rc == 0; index++) {
			r = archive_read_next_header(e->a, &ent);
			if (r == ARCHIVE_EOF)
				break;
			if (r < ARCHIVE_WARN) {
				rc = export_archive_fail(e, e->a,
				    "cannot read archive");
				break;
			}
			for (slot = 0; slot <= EXPORT_XML; slot++) {
				if (e->m[slot].present &&
				    e->m[slot].index == index)
					break;
			}
			if (slot > EXPORT_XML || e->m[slot].done ||
			    !export_ready(e, slot))
				continue;
			s = cr_stream_new(e->m[slot].name,
			    export_archive_read, e);
			cr_stream_set_limit(s, limit);
			rc = export_parse(e, slot, s, fn, arg);
			cr_stream_free(s);
		}
		archive_read_free(e->a);
		e->a = NULL;
	}
	return rc;
}

/* --- public ------------------------------------------------------------ */

int
cr_export_open(const char *path, struct cr_export **out)
{
	struct cr_export *e = xcalloc(1, sizeof *e);
	struct stat st;
	const char *base;
	int rc = 0, c;

	e->path = xstrdup(path);
	*out = NULL;
	if (stat(path, &st) != 0) {
		cr_err_set(path, 0, "cannot open export: %s", strerror(errno));
		rc = errno == ENOENT ? CR_STATUS_DATA : CR_STATUS_IO;
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		e->kind = EXPORT_DIR;
		rc = export_open_dir(e);
	} else if (!S_ISREG(st.st_mode)) {
		cr_err_set(path, 0, "not a folder, an archive or an XML file");
		rc = CR_STATUS_DATA;
	} else {
		e->size = (uint64_t)st.st_size;
		c = export_sniff(path, &rc);
		if (c == -2)
			goto fail;
		if (ends_with_ci(path, ".xml") || c == '<') {
			e->kind = EXPORT_XMLFILE;
			base = strrchr(path, '/');
			e->m[EXPORT_XML].present = 1;
			e->m[EXPORT_XML].name = xstrdup(base ? base + 1 : path);
			e->m[EXPORT_XML].display = xstrdup(path);
		} else {
			e->kind = EXPORT_ARCHIVE;
			rc = export_list_archive(e);
		}
	}
	if (rc != 0)
		goto fail;
	*out = e;
	return 0;
fail:
	cr_export_free(e);
	return rc;
}

void
cr_export_free(struct cr_export *e)
{
	size_t i;
	int t;

	if (e == NULL)
		return;
	for (t = 0; t <= EXPORT_XML; t++) {
		free(e->m[t].name);
		free(e->m[t].display);
	}
	for (i = 0; i < e->ninputs; i++)
		free(e->inputs[i].name);
	free(e->inputs);
	free(e->path);
	free(e);
}

int
cr_export_is_xml(const struct cr_export *e)
{
	return e->m[EXPORT_XML].present;
}

void
cr_export_set_progress(struct cr_export *e,
    void (*fn)(void *, uint64_t, uint64_t), void *arg)
{
	e->progress = fn;
	e->progress_arg = arg;
}

void
cr_export_set_filters(struct cr_export *e,
    const struct cr_row_filter *filters)
{
	e->filters = filters;
}

int
cr_export_read(struct cr_export *e, cr_row_fn fn, void *arg)
{
	int rc = 0, t, rank;

	if (e->kind == EXPORT_ARCHIVE)
		return export_read_archive(e, fn, arg);
	if (e->kind == EXPORT_XMLFILE)
		return export_read_file(e, EXPORT_XML, fn, arg);
	for (rank = 0; rank <= 3 && rc == 0; rank++) {
		for (t = 0; t < CR_T_EXPORT_COUNT && rc == 0; t++) {
			if (e->m[t].present && export_rank[t] == rank)
				rc = export_read_file(e, t, fn, arg);
		}
	}
	return rc;
}

size_t
cr_export_ninputs(const struct cr_export *e)
{
	return e->ninputs;
}

const char *
cr_export_input_name(const struct cr_export *e, size_t i)
{
	return e->inputs[i].name;
}

const char *
cr_export_input_sha256(const struct cr_export *e, size_t i)
{
	return e->inputs[i].sha256;
}

int
cr_export_has_table(const struct cr_export *e, enum cr_table t)
{
	if (e->m[EXPORT_XML].present)
		return 1;
	return (unsigned)t < CR_T_EXPORT_COUNT && e->m[t].present;
}

/* The first non-blank byte of an open regular file, as export_sniff. */
static int
manifest_sniff(int fd, const char *path, int *status)
{
	unsigned char buf[512];
	ssize_t n, i = 0;

	do
		n = pread(fd, buf, sizeof buf, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		*status = CR_STATUS_IO;
		cr_err_set(path, 0, "read error: %s", strerror(errno));
		return -2;
	}
	if (n >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf)
		i = 3;
	while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
	    buf[i] == '\n'))
		i++;
	return i < n ? buf[i] : -1;
}

/*
 * Copy what a pipe, a FIFO or a terminal delivers into an unnamed 0600
 * file under $TMPDIR, so that the manifest is read from its source once
 * and then as often as needed.  The spool's fd, or -1 (*status set).
 */
static int
manifest_spool(int in, const char *path, int *status)
{
	const char *dir = getenv("TMPDIR");
	char *tmpl, buf[65536];
	ssize_t r, w, o;
	int fd, err;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	xasprintf(&tmpl, "%s/custrelease-manifest.XXXXXX", dir);
	fd = mkostemp(tmpl, O_CLOEXEC);
	err = errno;
	if (fd >= 0)
		unlink(tmpl);
	free(tmpl);
	if (fd < 0) {
		cr_err_set(dir, 0, "cannot spool the manifest: %s",
		    strerror(err));
		*status = CR_STATUS_IO;
		return -1;
	}
	for (;;) {
		r = read(in, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		for (o = 0; o < r; o += w) {
			w = write(fd, buf + o, (size_t)(r - o));
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w < 0) {
				cr_err_set(dir, 0, "cannot spool the manifest: "
				    "%s", strerror(errno));
				close(fd);
				*status = CR_STATUS_IO;
				return -1;
			}
		}
	}
	if (r < 0 || lseek(fd, 0, SEEK_SET) != 0) {
		cr_err_set(path, 0, "read error: %s", strerror(errno));
		close(fd);
		*status = CR_STATUS_IO;
		return -1;
	}
	return fd;
}

int
cr_manifest_open(const char *path, int *status)
{
	struct stat st;
	int fd, spool;

	if (strcmp(path, "-") == 0)
		fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		cr_err_set(cr_manifest_display(path), 0, "cannot open manifest: "
		    "%s", strerror(errno));
		*status = errno == ENOENT ? CR_STATUS_DATA : CR_STATUS_IO;
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return fd;
	if (S_ISDIR(st.st_mode)) {
		cr_err_set(path, 0, "a directory, not a manifest");
		*status = CR_STATUS_DATA;
		close(fd);
		return -1;
	}
	spool = manifest_spool(fd, cr_manifest_display(path), status);
	close(fd);
	return spool;
}

const char *
cr_manifest_display(const char *path)
{
	return strcmp(path, "-") == 0 ? "stdin" : path;
}

static int
manifest_parse(int fd, const char *name, int xml, cr_row_fn fn, void *arg,
    char *sha256)
{
	struct cr_stream *s = cr_stream_fd(fd, name);
	int rc;

	if (xml)
		rc = cr_xml_read_manifest(s, fn, arg);
	else
		rc = cr_csv_read(s, cr_schema_get(CR_T_MANIFEST), fn, arg);
	if (rc == 0)
		rc = cr_stream_drain(s);
	if (rc == 0 && sha256 != NULL)
		cr_stream_sha256_hex(s, sha256);
	cr_stream_free(s);
	return rc;
}

int
cr_manifest_reread(int fd, const char *name, int xml, cr_row_fn fn,
    void *arg, char *sha256)
{
	if (lseek(fd, 0, SEEK_SET) != 0) {
		cr_err_set(name, 0, "read error: %s", strerror(errno));
		return CR_STATUS_IO;
	}
	return manifest_parse(fd, name, xml, fn, arg, sha256);
}

int
cr_manifest_read(const char *path, cr_row_fn fn, void *arg, char *sha256,
    int *is_xml, int *keep_fd)
{
	const char *name = cr_manifest_display(path);
	int fd, rc = 0, xml, c;

	if ((fd = cr_manifest_open(path, &rc)) < 0)
		return rc;
	xml = ends_with_ci(path, ".xml");
	if (!xml) {
		if ((c = manifest_sniff(fd, name, &rc)) == -2) {
			close(fd);
			return rc;
		}
		xml = c == '<';
	}
	if (is_xml != NULL)
		*is_xml = xml;
	rc = manifest_parse(fd, name, xml, fn, arg, sha256);
	if (rc == 0 && keep_fd != NULL)
		*keep_fd = fd;
	else
		close(fd);
	return rc;
}
