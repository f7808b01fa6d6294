/*
 * verify-bag.c -- the BagIt checks of `custrelease verify` (RFC 8493):
 * bagit.txt, bag-info.txt and its Payload-Oxum, every line of every
 * manifest and tag manifest both ways (each listed file present with its
 * digest, each payload file listed), no fetch.txt, nothing outside data/
 * but tag files; and the bag's place in the chain of nights from
 * bag-info.txt.
 *
 * It deliberately knows nothing of the run's records (verify-records.c)
 * or its signature (verify-sig.c); it reads only what verify-read.c kept.
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

#include "bag.h"
#include "hash.h"
#include "rundir.h"
#include "verify.h"
#include "verify-stream.h"
#include "xmalloc.h"

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
	octets += v->email_octets;
	count += v->nemails;
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

struct vb_manifest {
	struct cr_verify	*v;
	const char		*mname;
	int			 sha512, tag, stop;
	struct cr_map		*listed;
	unsigned long		 line;
	struct vs_sort		*emails;	/* lines naming data/emails/ */
	struct vs_reader	 r;		/* v->emails, merged with them */
	const char		*ef[VS_FIELDS_MAX];	/* its record */
	int			 more;		/* ef holds one */
	char			*prev;		/* the last path listed */
};

/*
 * Where a problem goes among a manifest's (cr_verify_defer): a line's
 * in line order, then each file not listed in archive order.
 */
enum { VB_AT_LINE, VB_AT_FILE };

/* A line naming a file under data/emails/: checked by vb_emails_done. */
static void
vb_email_line(struct vb_manifest *c, const char *path, const char *hex)
{
	struct vs_rowbuf lb;
	const char *rec[] = { path, vs_row(&lb, c->line), hex };

	if (c->emails == NULL)
		c->emails = vs_sort_new();
	vs_sort_add(c->emails, 3, rec);
}

/* One line of a manifest (up to a NUL, where the manifest ends). */
static void
verify_manifest_line(void *arg, const char *p, size_t n, int nl,
    int toolong)
{
	struct vb_manifest *c = arg;
	struct cr_verify *v = c->v;
	struct cr_verify_file *f;
	size_t hexlen = c->sha512 ? 128 : 64, i;
	const char *sp, *nul;
	char *hex, *path;
	void **slot;

	(void)nl;
	(void)toolong;
	if (c->stop)
		return;
	if ((nul = memchr(p, '\0', n)) != NULL) {
		n = (size_t)(nul - p);
		c->stop = 1;
		if (n == 0)
			return;
	}
	c->line++;
	cr_verify_at(v, VB_AT_LINE, c->line, 0);
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n == 0)
		return;
	for (sp = p; sp < p + n && *sp != ' ' && *sp != '\t'; sp++)
		;
	hex = xmemdup0(p, (size_t)(sp - p));
	while (sp < p + n && (*sp == ' ' || *sp == '\t'))
		sp++;
	path = sp < p + n ? verify_unpercent(sp, (size_t)(p + n - sp)) : NULL;
	for (i = 0; i < strlen(hex) && strchr("0123456789abcdefABCDEF",
	    hex[i]) != NULL; i++)
		;
	if (path == NULL || strlen(hex) != hexlen || i != hexlen ||
	    (strncmp(path, "data/", 5) == 0) == c->tag ||
	    cr_bag_path_problem(path) != NULL) {
		cr_verify_problem(v, c->mname, "line %lu: not \"CHECKSUM "
		    "%sPATH\"", c->line, c->tag ? "" : "data/");
		goto next;
	}
	if (strncmp(path, "data/emails/", 12) == 0) {
		vb_email_line(c, path, hex);
		goto next;
	}
	if (cr_map_put(c->listed, path, strlen(path), &slot, NULL) == 0) {
		cr_verify_problem(v, c->mname, "line %lu: %s listed twice",
		    c->line, path);
		goto next;
	}
	f = cr_verify_find(v, path);
	if (f == NULL)
		cr_verify_problem(v, path, "listed in %s but missing",
		    c->mname);
	else if (!verify_hexeq(hex, c->sha512 ? f->sha512 : f->sha256))
		cr_verify_problem(v, path, "checksum differs from %s "
		    "(altered file or manifest)", c->mname);
next:
	free(hex);
	free(path);
}

/* The emails before path (all when NULL) are not listed. */
static void
vb_emails_unlisted(struct vb_manifest *c, const char *path)
{
	size_t nf;

	while (c->more && (path == NULL ||
	    strcmp(c->ef[VE_PATH], path) < 0)) {
		cr_verify_at(c->v, VB_AT_FILE, vs_row_of(c->ef[VE_ENTRY]), 0);
		if (!c->tag)
			cr_verify_problem(c->v, c->ef[VE_PATH], "not listed in "
			    "%s (extra file)", c->mname);
		c->more = vs_reader_next(&c->r, c->ef, &nf);
	}
}

/* One line naming an email (path, line, checksum), in path order. */
static void
vb_email_listed(void *arg, const char *const *f, size_t nf)
{
	struct vb_manifest *c = arg;
	const char *got;
	size_t n;

	(void)nf;
	vb_emails_unlisted(c, f[0]);	/* none left when f[0] is a repeat */
	cr_verify_at(c->v, VB_AT_LINE, vs_row_of(f[1]), 0);
	if (c->prev != NULL && strcmp(c->prev, f[0]) == 0) {
		cr_verify_problem(c->v, c->mname, "line %lu: %s listed twice",
		    (unsigned long)vs_row_of(f[1]), f[0]);
		return;
	}
	free(c->prev);
	c->prev = xstrdup(f[0]);
	if (!c->more || strcmp(c->ef[VE_PATH], f[0]) != 0) {
		cr_verify_problem(c->v, f[0], "listed in %s but missing",
		    c->mname);
		return;
	}
	got = c->sha512 ? c->ef[VE_SHA512] : c->ef[VE_SHA256];
	if (!verify_hexeq(f[2], got))
		cr_verify_problem(c->v, f[0], "checksum differs from %s "
		    "(altered file or manifest)", c->mname);
	c->more = vs_reader_next(&c->r, c->ef, &n);
}

/*
 * The lines naming emails against the emails read, both ways: a merge
 * of two sorted streams.
 */
static void
vb_emails_done(struct vb_manifest *c)
{
	size_t nf;

	vs_reader_open(&c->r, cr_verify_emails(c->v));
	c->more = vs_reader_next(&c->r, c->ef, &nf);
	if (c->emails != NULL)
		vs_sort_each(c->emails, vb_email_listed, c);
	c->emails = NULL;
	vb_emails_unlisted(c, NULL);
	vs_reader_close(&c->r);
	free(c->prev);
	c->prev = NULL;
}

/*
 * One manifest (payload: tag == 0; tag manifest: tag == 1) of one
 * algorithm, a line at a time (a payload manifest may be on disk:
 * verify-read.c).  `listed` collects the paths it names.
 */
static void
verify_manifest(struct cr_verify *v, const char *mname, int sha512,
    int tag, struct cr_map *listed)
{
	struct cr_verify_file *m = cr_verify_find(v, mname), *f;
	struct vb_manifest c;
	struct cr_bag_src src;
	size_t i;

	if (!cr_verify_src(m, &src))
		return;
	memset(&c, 0, sizeof c);
	c.v = v;
	c.mname = mname;
	c.sha512 = sha512;
	c.tag = tag;
	c.listed = listed;
	cr_verify_defer(v);
	vs_lines(&src, 1024 * 1024, verify_manifest_line, &c);
	/* Both ways: every file it should cover is listed. */
	for (i = 0; i < v->nfiles; i++) {
		f = v->order[i];
		if (tag ? strchr(f->path, '/') != NULL ||
		    strncmp(f->path, "tagmanifest-", 12) == 0 :
		    strncmp(f->path, "data/", 5) != 0)
			continue;
		cr_verify_at(v, VB_AT_FILE, f->entry, 0);
		if (cr_map_get(listed, f->path, strlen(f->path)) == NULL)
			cr_verify_problem(v, f->path, "not listed in %s%s",
			    mname, tag ? "" : " (extra file)");
	}
	vb_emails_done(&c);
	cr_verify_flush(v);
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

void
cr_verify_bag(struct cr_verify *v, const char *top)
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
	verify_link_done(v);
}
