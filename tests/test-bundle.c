/*
 * test-bundle.c -- unit tests of the audit-bundle writer (bundle.c, its
 * reports in report.c) and the bag helpers (bag.c): reproducible bytes,
 * entry order, modes, times and owners as libarchive reads them back, the
 * tag files, refused payload names, an escaped self-contained report, and
 * the small CSV and JSON readers.  Tampering is tested end to end in
 * tests/verify.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "bag.h"
#include "bundle.h"
#include "bundle-format.h"
#include "custrelease.h"
#include "diag.h"
#include "token.h"
#include "tmpdir.h"
#include "verify-stream.h"

#define RUN_ID	"20261130T020000Z-0123abcd"
#define RUN_T	((time_t)1796004000)	/* 2026-11-30T02:00:00Z */

static const char decisions[] =
    "request_id,line,customer_id,reseller_id,requested_by,outcome,codes,"
    "message\r\n"
    "r-1,2,c-1,org-1,ops,released,,\r\n"
    "r-2,3,c-2,org-1,\"'=HYPERLINK(\"\"x\"\")\",rejected,E_BAD_REQUEST,\"bad "
    "<script>alert(1)</script> & \"\"quoted\"\"\"\r\n";
static const char ownership[] =
    "run_id,request_id,product_id,kind,name,customer_id,from_reseller_id,"
    "to,change_owner_required,effective_at\r\n"
    RUN_ID ",r-1,p-1,domain,zo\xc3\xa9.example,c-1,org-1,new-account,"
    "false,2026-11-30T02:00:00Z\r\n";
static const char summary[] =
    "{\"run_id\":\"" RUN_ID "\",\"run_time\":\"2026-11-30T02:00:00Z\","
    "\"version\":\"0.1.0\",\"exit_status\":1,\"counts\":{\"requests\":2,"
    "\"released\":1,\"skipped\":0,\"rejected\":1,\"products_released\":1,"
    "\"emails\":1,\"codes\":{\"E_BAD_REQUEST\":1}},\"inputs\":{"
    "\"manifest\":{\"name\":\"m.csv\",\"sha256\":\"00\"},\"export\":[]},"
    "\"options\":{\"strict\":false}}\n";
static const char email[] = "Subject: x\r\n\r\nhttps://c/REDACTED\r\n";

static const struct cr_bundle_entry entries[] = {
	{ "summary.json", summary, sizeof summary - 1, -1, NULL, -1, 0 },
	{ "decisions.csv", decisions, sizeof decisions - 1, -1, NULL, -1, 0 },
	{ "emails/c-1.eml", email, sizeof email - 1, -1, NULL, -1, 0 },
	{ "ownership.csv", ownership, sizeof ownership - 1, -1, NULL, -1, 0 },
	{ "empty.txt", "", 0, -1, NULL, -1, 0 },
};
#define NENTRIES (sizeof entries / sizeof entries[0])

struct fixture {
	char	dir[TEST_PATH_MAX];
	int	dirfd;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	test_tmpname(f->dir, sizeof f->dir, "test-bundle");
	assert_non_null(mkdtemp(f->dir));
	f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY);
	assert_true(f->dirfd >= 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[TEST_PATH_MAX + 16];

	close(f->dirfd);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static char *
slurp(struct fixture *f, const char *name, size_t *len)
{
	char path[256], *buf;
	FILE *fp;
	long n;

	snprintf(path, sizeof path, "%s/%s", f->dir, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* One archive entry read back. */
struct got {
	char	 path[256];
	int	 type, perm;
	time_t	 mtime;
	int	 atime_set, ctime_set;
	long	 uid, gid;
	char	*data;
	size_t	 len;
};

static size_t
list(struct fixture *f, const char *name, struct got *g, size_t max)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char path[256];
	size_t n = 0;

	snprintf(path, sizeof path, "%s/%s", f->dir, name);
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	assert_int_equal(archive_read_open_filename(a, path, 10240),
	    ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		assert_true(n < max);
		snprintf(g[n].path, sizeof g[n].path, "%s",
		    archive_entry_pathname(e));
		g[n].type = (int)archive_entry_filetype(e);
		g[n].perm = (int)archive_entry_perm(e);
		g[n].mtime = archive_entry_mtime(e);
		g[n].atime_set = archive_entry_atime_is_set(e);
		g[n].ctime_set = archive_entry_ctime_is_set(e);
		g[n].uid = (long)archive_entry_uid(e);
		g[n].gid = (long)archive_entry_gid(e);
		g[n].len = (size_t)archive_entry_size(e);
		g[n].data = calloc(1, g[n].len + 1);
		if (g[n].len > 0)
			assert_int_equal(archive_read_data(a, g[n].data,
			    g[n].len), (la_ssize_t)g[n].len);
		n++;
	}
	archive_read_free(a);
	return n;
}

static const struct got *
find(const struct got *g, size_t n, const char *rel)
{
	char path[256];
	size_t i;

	snprintf(path, sizeof path, "audit-" RUN_ID "/%s", rel);
	for (i = 0; i < n; i++)
		if (strcmp(g[i].path, path) == 0)
			return &g[i];
	return NULL;
}

static void
free_got(struct got *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(g[i].data);
}

static void
write_twice(struct fixture *f, const char *format, const char *tz2)
{
	char *a, *b;
	size_t alen, blen;
	struct stat st;

	assert_int_equal(cr_bundle_write(f->dirfd, "a", format, RUN_ID, RUN_T,
	    entries, NENTRIES), 0);
	if (tz2 != NULL) {
		setenv("TZ", tz2, 1);
		tzset();
	}
	assert_int_equal(cr_bundle_write(f->dirfd, "b", format, RUN_ID, RUN_T,
	    entries, NENTRIES), 0);
	a = slurp(f, "a", &alen);
	b = slurp(f, "b", &blen);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	assert_int_equal(fstatat(f->dirfd, "a", &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(a);
	free(b);
}

static void
test_reproducible_targz(void **state)
{
	struct fixture *f = *state;
	char *a;
	size_t len;

	write_twice(f, "tar.gz", NULL);
	a = slurp(f, "a", &len);
	/* gzip header: no timestamp (bytes 4-7 zero). */
	assert_true(len > 10);
	assert_int_equal((unsigned char)a[0], 0x1f);
	assert_int_equal((unsigned char)a[1], 0x8b);
	assert_int_equal(a[4] | a[5] | a[6] | a[7], 0);
	free(a);
}

/* A payload file handed over as a file gives the same archive. */
static void
test_file_entry(void **state)
{
	struct fixture *f = *state;
	struct cr_bundle_entry e[NENTRIES];
	char *a, *b;
	size_t alen, blen, i;
	FILE *fp;
	char path[256];

	snprintf(path, sizeof path, "%s/c-1.eml", f->dir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(email, 1, sizeof email - 1, fp),
	    sizeof email - 1);
	fclose(fp);
	memcpy(e, entries, sizeof e);
	for (i = 0; i < NENTRIES; i++) {
		if (strcmp(e[i].path, "emails/c-1.eml") == 0) {
			e[i].data = NULL;
			e[i].len = 0;
			e[i].dirfd = f->dirfd;
			e[i].name = "c-1.eml";
		}
	}
	assert_int_equal(cr_bundle_write(f->dirfd, "mem", "tar.gz", RUN_ID,
	    RUN_T, entries, NENTRIES), 0);
	assert_int_equal(cr_bundle_write(f->dirfd, "file", "tar.gz", RUN_ID,
	    RUN_T, e, NENTRIES), 0);
	a = slurp(f, "mem", &alen);
	b = slurp(f, "file", &blen);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(b);

	/* ... and every payload file as a part of one spool file */
	snprintf(path, sizeof path, "%s/spool.bin", f->dir);
	fp = fopen(path, "w+b");
	assert_non_null(fp);
	assert_int_equal(fwrite("junk", 1, 4, fp), 4);
	memcpy(e, entries, sizeof e);
	for (i = 0; i < NENTRIES; i++) {
		e[i].off = (uint64_t)ftell(fp);
		assert_int_equal(fwrite(e[i].data, 1, e[i].len, fp), e[i].len);
		assert_int_equal(fwrite("junk", 1, 4, fp), 4);
		e[i].data = NULL;
		e[i].name = NULL;
		e[i].fd = fileno(fp);
	}
	assert_int_equal(fflush(fp), 0);
	assert_int_equal(cr_bundle_write(f->dirfd, "spool", "tar.gz", RUN_ID,
	    RUN_T, e, NENTRIES), 0);
	b = slurp(f, "spool", &blen);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(b);
	/* a spool shorter than an entry says is an I/O error */
	e[2].off = 1000000;
	assert_int_equal(cr_bundle_write(f->dirfd, "short", "tar.gz", RUN_ID,
	    RUN_T, e, NENTRIES), CR_STATUS_IO);
	fclose(fp);
	free(a);

	memcpy(e, entries, sizeof e);
	for (i = 0; i < NENTRIES; i++) {
		if (strcmp(e[i].path, "emails/c-1.eml") == 0) {
			e[i].data = NULL;
			e[i].len = 0;
			e[i].dirfd = f->dirfd;
			e[i].name = "c-1.eml";
		}
	}
	/* a file that is gone is an I/O error, not a crash */
	e[2].name = "missing.eml";
	for (i = 0; i < NENTRIES; i++)
		if (e[i].data == NULL)
			e[i].name = "missing.eml";
	assert_int_equal(cr_bundle_write(f->dirfd, "gone", "tar.gz", RUN_ID,
	    RUN_T, e, NENTRIES), CR_STATUS_IO);
}

/* The emails of test_many: names whose path order is not their id order. */
static const char *const many_names[] = {
	"c-1-x", "c-10", "c-2", "c-1.0", "a", "z-9", "c-1_y", "c-1+",
};
#define NMANY (sizeof many_names / sizeof many_names[0])

static void
many_add(void *arg, const char *const *fl, size_t nf)
{
	vs_writer_add(arg, nf, fl);
}

/*
 * The emails of `e` (the entries then NMANY emails, in a spool file fd)
 * as a sorted list for cr_bundle_many; `order` 0 sorts it, 1 writes it as
 * given (out of order), 2 leaves the last one out.
 */
static void
many_list(const struct cr_bundle_entry *e, size_t n, int fd, int order,
    struct vs_run *run, struct cr_bundle_many *m)
{
	struct vs_sort *s = vs_sort_new();
	struct vs_rowbuf ob, lb;
	struct vs_writer w;
	const char *fl[3];
	size_t i;

	memset(m, 0, sizeof *m);
	vs_writer_open(&w, run);
	for (i = 0; i < n; i++) {
		if (strncmp(e[i].path, "emails/", 7) != 0)
			continue;
		m->n++;
		m->octets += e[i].len;
		if (order == 2 && i == n - 1)
			continue;
		fl[0] = e[i].path;
		fl[1] = vs_row(&ob, e[i].off);
		fl[2] = vs_row(&lb, e[i].len);
		if (order == 0)
			vs_sort_add(s, 3, fl);
		else
			vs_writer_add(&w, 3, fl);
	}
	if (order == 0)
		vs_sort_each(s, many_add, &w);
	else
		vs_sort_free(s);
	vs_writer_close(&w);
	m->dir = "emails/";
	m->fd = fd;
	m->list = run;
}

/* The payload without the emails; *n its count. */
static struct cr_bundle_entry *
many_rest(const struct cr_bundle_entry *e, size_t n, size_t *nrest)
{
	struct cr_bundle_entry *r = calloc(n, sizeof *r);
	size_t i;

	*nrest = 0;
	for (i = 0; i < n; i++)
		if (strncmp(e[i].path, "emails/", 7) != 0)
			r[(*nrest)++] = e[i];
	return r;
}

/*
 * The emails given as a sorted list (cr_bundle_many) make the same bytes
 * as the same files given one by one; a list out of order, short of its
 * count, or beside an email given one by one is refused.
 */
static void
test_many(void **state)
{
	struct fixture *f = *state;
	struct cr_bundle_entry e[NENTRIES + NMANY], *rest;
	struct cr_bundle_opts o;
	struct cr_bundle_many m;
	struct vs_run run;
	char path[TEST_PATH_MAX + 32], *a, *b, *names[NMANY];
	size_t i, n = 0, nrest, alen, blen;
	FILE *fp;
	int order;

	snprintf(path, sizeof path, "%s/spool.bin", f->dir);
	fp = fopen(path, "w+b");
	assert_non_null(fp);
	for (i = 0; i < NENTRIES + NMANY; i++) {
		if (i < NENTRIES)
			e[n] = entries[i];
		else {
			assert_true(asprintf(&names[i - NENTRIES],
			    "emails/%s.eml", many_names[i - NENTRIES]) > 0);
			e[n] = entries[2];	/* the email */
			e[n].path = names[i - NENTRIES];
		}
		e[n].off = (uint64_t)ftell(fp);
		assert_int_equal(fwrite(e[n].data, 1, e[n].len, fp), e[n].len);
		e[n].data = NULL;
		e[n].fd = fileno(fp);
		n++;
	}
	assert_int_equal(fflush(fp), 0);
	assert_int_equal(cr_bundle_write(f->dirfd, "each", "tar.gz", RUN_ID,
	    RUN_T, e, n), 0);
	a = slurp(f, "each", &alen);

	rest = many_rest(e, n, &nrest);
	memset(&o, 0, sizeof o);
	o.many = &m;
	many_list(e, n, fileno(fp), 0, &run, &m);
	assert_int_equal(cr_bundle_write_opts(f->dirfd, "many", RUN_ID, RUN_T,
	    rest, nrest, &o), 0);
	vs_run_free(&run);
	b = slurp(f, "many", &blen);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(a);
	free(b);

	for (order = 1; order <= 2; order++) {
		many_list(e, n, fileno(fp), order, &run, &m);
		assert_int_equal(cr_bundle_write_opts(f->dirfd, order == 1 ?
		    "unsorted" : "short", RUN_ID, RUN_T, rest, nrest, &o),
		    CR_STATUS_DATA);
		vs_run_free(&run);
	}
	/* an email given one by one beside the list */
	many_list(e, n, fileno(fp), 0, &run, &m);
	assert_int_equal(cr_bundle_write_opts(f->dirfd, "twice", RUN_ID, RUN_T,
	    e, n, &o), CR_STATUS_DATA);
	vs_run_free(&run);
	free(rest);
	for (i = 0; i < NMANY; i++)
		free(names[i]);
	fclose(fp);
}

static void
test_reproducible_zip_any_tz(void **state)
{
	struct fixture *f = *state;

	setenv("TZ", "UTC", 1);
	tzset();
	write_twice(f, "zip", "America/New_York");
	unsetenv("TZ");
	tzset();
}

static void
check_entries(struct fixture *f, const char *format)
{
	static const char *const want[] = {
		"", "bag-info.txt", "bagit.txt", "data/", "data/decisions.csv",
		"data/emails/", "data/emails/c-1.eml", "data/empty.txt",
		"data/ownership.csv", "data/report.html", "data/report.txt",
		"data/summary.json", "manifest-sha256.txt",
		"manifest-sha512.txt", "tagmanifest-sha256.txt",
		"tagmanifest-sha512.txt"
	};
	struct got g[32];
	char path[256];
	size_t n, i;

	assert_int_equal(cr_bundle_write(f->dirfd, "x", format, RUN_ID, RUN_T,
	    entries, NENTRIES), 0);
	n = list(f, "x", g, 32);
	assert_int_equal(n, sizeof want / sizeof want[0]);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "audit-" RUN_ID "/%s", want[i]);
		assert_string_equal(g[i].path, path);
		if (i > 0)
			assert_true(strcmp(g[i - 1].path, g[i].path) < 0);
		if (want[i][0] == '\0' || want[i][strlen(want[i]) - 1] == '/') {
			assert_int_equal(g[i].type, AE_IFDIR);
			assert_int_equal(g[i].perm, 0755);
		} else {
			assert_int_equal(g[i].type, AE_IFREG);
			assert_int_equal(g[i].perm, 0644);
		}
		assert_int_equal(g[i].mtime, RUN_T);
		/* (libarchive's zip reader makes up an atime of its own.) */
		if (strcmp(format, "zip") != 0) {
			assert_false(g[i].atime_set);
			assert_false(g[i].ctime_set);
		}
		assert_int_equal(g[i].uid, 0);
		assert_int_equal(g[i].gid, 0);
	}
	free_got(g, n);
	unlinkat(f->dirfd, "x", 0);
}

static void
test_entries_targz(void **state)
{
	check_entries(*state, "tar.gz");
}

static void
test_entries_zip(void **state)
{
	check_entries(*state, "zip");
}

static void
test_tag_files(void **state)
{
	struct fixture *f = *state;
	struct got g[32];
	const struct got *t;
	char hex[CR_BAG_SHA256_HEX], line[512], oxum[64];
	size_t n, i, octets = 0, files = 0;

	assert_int_equal(cr_bundle_write(f->dirfd, "t", NULL, RUN_ID, RUN_T,
	    entries, NENTRIES), 0);
	n = list(f, "t", g, 32);
	t = find(g, n, "bagit.txt");
	assert_non_null(t);
	assert_string_equal(t->data,
	    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
	/* Every payload file once in manifest-sha256.txt, digest right. */
	t = find(g, n, "manifest-sha256.txt");
	assert_non_null(t);
	for (i = 0; i < n; i++) {
		if (strncmp(g[i].path, "audit-" RUN_ID "/data/",
		    sizeof "audit-" RUN_ID "/data/" - 1) != 0 ||
		    g[i].type != AE_IFREG)
			continue;
		cr_sha256_hex(g[i].data, g[i].len, hex);
		snprintf(line, sizeof line, "%s  %s\n", hex,
		    g[i].path + sizeof "audit-" RUN_ID);
		assert_non_null(strstr(t->data, line));
		octets += g[i].len;
		files++;
	}
	assert_int_equal(files, NENTRIES + 2);	/* + the two reports */
	snprintf(oxum, sizeof oxum, "Payload-Oxum: %zu.%zu\n", octets, files);
	t = find(g, n, "bag-info.txt");
	assert_non_null(strstr(t->data, oxum));
	assert_non_null(strstr(t->data, "Bagging-Date: 2026-11-30\n"));
	assert_non_null(strstr(t->data, "External-Identifier: " RUN_ID "\n"));
	assert_non_null(strstr(t->data, "Bag-Software-Agent: custrelease "));
	assert_non_null(strstr(t->data, "Source-Organization: "));
	/* The tag manifest covers the four tag files, not itself. */
	t = find(g, n, "tagmanifest-sha256.txt");
	cr_sha256_hex(find(g, n, "bag-info.txt")->data,
	    find(g, n, "bag-info.txt")->len, hex);
	snprintf(line, sizeof line, "%s  bag-info.txt\n", hex);
	assert_non_null(strstr(t->data, line));
	assert_non_null(strstr(t->data, "  manifest-sha512.txt\n"));
	assert_null(strstr(t->data, "tagmanifest"));
	free_got(g, n);
}

static void
test_report(void **state)
{
	struct fixture *f = *state;
	struct got g[32];
	const struct got *h, *t;
	size_t n;

	assert_int_equal(cr_bundle_write(f->dirfd, "r", NULL, RUN_ID, RUN_T,
	    entries, NENTRIES), 0);
	n = list(f, "r", g, 32);
	h = find(g, n, "data/report.html");
	assert_non_null(h);
	/* Escaped, self-contained, and it says what it must. */
	assert_non_null(strstr(h->data, "&lt;script&gt;alert(1)&lt;/script&gt;"
	    " &amp; &quot;quoted&quot;"));
	assert_null(strstr(h->data, "<script"));
	assert_null(strstr(h->data, "<link"));
	assert_null(strstr(h->data, "<img"));
	assert_null(strstr(h->data, "src="));
	assert_null(strstr(h->data, "url("));
	assert_null(strstr(h->data, "@import"));
	assert_non_null(strstr(h->data, "<svg"));
	assert_non_null(strstr(h->data, "default-src 'none'"));
	assert_non_null(strstr(h->data, RUN_ID));
	assert_non_null(strstr(h->data, "E_BAD_REQUEST"));
	assert_non_null(strstr(h->data, "zo\xc3\xa9.example"));
	assert_non_null(strstr(h->data, "custrelease verify audit-" RUN_ID));
	assert_non_null(strstr(h->data, "sha256sum -c"));
	/* The formula prefix of the CSV cell is not shown as data. */
	assert_non_null(strstr(h->data, "<td>=HYPERLINK(&quot;x&quot;)</td>"));
	t = find(g, n, "data/report.txt");
	assert_non_null(t);
	assert_non_null(strstr(t->data, "rejected                 1"));
	assert_non_null(strstr(t->data, "domain  zo\xc3\xa9.example  (p-1)"));
	free_got(g, n);
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
		"a%b.csv", "a\nb.csv", "a\rb", "../x", "emails/../x", "/abs",
		"a//b", "./a", "report.txt", "report.html", ""
	};
	struct fixture *f = *state;
	struct cr_bundle_entry e[2];
	struct stat st;
	size_t i;

	cr_diag_set_stream(fopen("/dev/null", "w"));
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		e[0].path = bad[i];
		e[0].data = "x";
		e[0].len = 1;
		assert_int_equal(cr_bundle_write(f->dirfd, "bad", NULL, RUN_ID,
		    RUN_T, e, 1), CR_STATUS_DATA);
		assert_int_not_equal(fstatat(f->dirfd, "bad", &st, 0), 0);
	}
	e[0].path = e[1].path = "twice.csv";
	e[0].data = e[1].data = "x";
	e[0].len = e[1].len = 1;
	assert_int_equal(cr_bundle_write(f->dirfd, "bad", NULL, RUN_ID, RUN_T,
	    e, 2), CR_STATUS_DATA);
	assert_int_equal(cr_bundle_write(f->dirfd, "bad", "tar.xz", RUN_ID,
	    RUN_T, e, 1), CR_STATUS_USAGE);
	assert_int_equal(cr_bundle_write(f->dirfd, "bad", NULL, "../x",
	    RUN_T, e, 1), CR_STATUS_DATA);
	assert_int_not_equal(fstatat(f->dirfd, "bad", &st, 0), 0);
	/* An existing file is never overwritten. */
	assert_int_equal(cr_bundle_write(f->dirfd, "bad", NULL, RUN_ID, RUN_T,
	    e, 1), 0);
	assert_int_equal(cr_bundle_write(f->dirfd, "bad", NULL, RUN_ID, RUN_T,
	    e, 1), CR_STATUS_IO);
	fclose(cr_diag_stream());
	cr_diag_set_stream(stderr);
}

static void
test_csv(void **state)
{
	static const char csv[] = "a,b\r\n1,\"x\r\ny\"\r\n\r\n2,'=3\r\n";
	struct cr_bag_table *t;
	char err[128];

	(void)state;
	t = cr_bag_csv_parse(csv, sizeof csv - 1, err, sizeof err);
	assert_non_null(t);
	assert_int_equal(t->ncols, 2);
	assert_int_equal(t->nrows, 2);
	assert_int_equal(t->rows[0].line, 2);
	assert_int_equal(t->rows[1].line, 5);
	assert_string_equal(cr_bag_cell(t, 0, 1), "x\r\ny");
	assert_string_equal(cr_bag_cell(t, 1, 1), "'=3");
	assert_string_equal(cr_bag_value(cr_bag_cell(t, 1, 1)), "=3");
	assert_string_equal(cr_bag_cell(t, 1, 5), "");
	assert_int_equal(cr_bag_col(t, "b"), 1);
	assert_int_equal(cr_bag_col(t, "c"), -1);
	assert_true(cr_bag_cell_is("'=3", "=3"));
	assert_false(cr_bag_cell_is("=3", "=3"));
	assert_true(cr_bag_cell_is("'x", "'x"));
	cr_bag_table_free(t);
	assert_null(cr_bag_csv_parse("a\r\n\"open", 9, err, sizeof err));
	assert_non_null(strstr(err, "line 2"));
}

static void
test_json(void **state)
{
	static const char j[] = " {\"a\":{\"b\":[1,true,null]},\"s\":"
	    "\"x\\u00e9\\ud83d\\ude00\\n\\\"\",\"n\":42,\"neg\":-1.5e3} ";
	struct cr_json *v;
	unsigned long n;
	char err[128];

	(void)state;
	v = cr_json_parse(j, sizeof j - 1, err, sizeof err);
	assert_non_null(v);
	assert_string_equal(cr_json_str(v, "s"),
	    "x\xc3\xa9\xf0\x9f\x98\x80\n\"");
	assert_true(cr_json_uint(v, "n", &n));
	assert_int_equal(n, 42);
	assert_false(cr_json_uint(v, "neg", &n));
	assert_false(cr_json_uint(v, "missing", &n));
	assert_int_equal(cr_json_get(v, "a.b")->type, CR_JSON_ARRAY);
	assert_int_equal(cr_json_get(v, "a.b")->n, 3);
	assert_null(cr_json_get(v, "a.b.c"));
	cr_json_free(v);
	assert_null(cr_json_parse("{\"a\":1,}", 8, err, sizeof err));
	assert_null(cr_json_parse("\"\\ud800\"", 8, err, sizeof err));
	assert_null(cr_json_parse("[1] 2", 5, err, sizeof err));
	assert_null(cr_json_parse("\"a\x01\"", 4, err, sizeof err));
	assert_null(cr_json_parse("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 80, err, sizeof err));
}

static void
test_counts(void **state)
{
	static const char csv[] = "outcome,codes\r\nreleased,W_NO_PRODUCTS\r\n"
	    "rejected,E_BAD_REQUEST;E_X\r\nrejected,E_X;E_BAD_REQUEST\r\n"
	    "skipped,S_ALREADY_APPLIED\r\n";
	struct cr_bag_table *t;
	struct cr_bag_counts c;
	char err[128], longpath[300];

	(void)state;
	t = cr_bag_csv_parse(csv, sizeof csv - 1, err, sizeof err);
	assert_non_null(t);
	assert_int_equal(cr_bag_count(t, &c), 0);
	assert_int_equal(c.requests, 4);
	assert_int_equal(c.released, 1);
	assert_int_equal(c.rejected, 2);
	assert_int_equal(c.skipped, 1);
	/* only codes of codes.def are listed; E_X is counted as unknown */
	assert_int_equal(c.ncodes, 3);
	assert_int_equal(c.unknown, 2);
	assert_string_equal(c.codes[0].code, "E_BAD_REQUEST");
	assert_int_equal(cr_bag_counts_code(&c, "E_BAD_REQUEST"), 2);
	assert_int_equal(cr_bag_counts_code(&c, "E_X"), 0);
	assert_true(cr_bag_has_code("E_A;E_B", "E_B"));
	assert_false(cr_bag_has_code("E_A;E_BB", "E_B"));
	cr_bag_counts_free(&c);
	cr_bag_table_free(t);
	memset(longpath, 'a', sizeof longpath - 1);
	longpath[sizeof longpath - 1] = '\0';
	assert_non_null(cr_bag_path_problem(longpath));
	longpath[CR_BAG_PATH_MAX] = '\0';
	assert_null(cr_bag_path_problem(longpath));
	assert_null(cr_bag_path_problem("emails/c-1.eml"));
	assert_non_null(cr_bag_path_problem("emails/"));
	assert_non_null(cr_bag_path_problem("a\\b"));
}

/* One table of formats: every name found, its own struct, none other. */
static void
test_formats(void **state)
{
	(void)state;
	assert_ptr_equal(cr_bundle_format_find("tar.gz"),
	    &cr_bundle_format_targz);
	assert_ptr_equal(cr_bundle_format_find("tar.zst"),
	    &cr_bundle_format_tarzst);
	assert_ptr_equal(cr_bundle_format_find("zip"), &cr_bundle_format_zip);
	assert_null(cr_bundle_format_find("tar.bz2"));
	assert_null(cr_bundle_format_find("TAR.GZ"));
	assert_null(cr_bundle_format_find(""));
	assert_null(cr_bundle_format_find(NULL));
	assert_true(cr_bundle_format_zip.local_times);
	assert_false(cr_bundle_format_targz.local_times);
	assert_string_equal(cr_bundle_format_names(), "tar.gz, tar.zst or zip");
	/* twice: the same text */
	assert_string_equal(cr_bundle_format_names(), "tar.gz, tar.zst or zip");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file_entry, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reproducible_targz, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reproducible_zip_any_tz,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_entries_targz, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_entries_zip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tag_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_counts),
	};

	setlocale(LC_CTYPE, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
