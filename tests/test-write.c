/*
 * test-write.c -- unit tests of outfile.c (buffering, modes, digest,
 * sticky errors) and of the table writers (write.c, write-csv.c,
 * write-jsonl.c): CSV quoting and formula-injection prefix, JSON escaping,
 * booleans.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "custrelease.h"
#include "diag.h"
#include "outfile.h"
#include "write.h"
#include "tmpdir.h"

/* --- helpers ------------------------------------------------------- */

static char *diag_buf;
static size_t diag_len;
static FILE *diag_f;

static void
diag_capture(void)
{
	diag_f = open_memstream(&diag_buf, &diag_len);
	assert_non_null(diag_f);
	cr_diag_set_stream(diag_f);
}

/* The captured diagnostics; freed by the caller. */
static char *
diag_release(void)
{
	char *s;

	fclose(diag_f);
	cr_diag_set_stream(NULL);
	s = diag_buf;
	diag_buf = NULL;
	return s;
}

static const char *cols3[] = { "id", "text", "flag" };
static const enum cr_val_type types3[] = {
	CR_VAL_STRING, CR_VAL_STRING, CR_VAL_BOOL
};

/* One table of rows of 3 values through `fmt`; the caller frees. */
static char *
render(const struct cr_table_format *fmt, const char *(*rows)[3],
    size_t nrows)
{
	struct cr_outfile *f = cr_outfile_mem("t");
	struct cr_table_writer *tw;
	char *s;
	size_t i;

	tw = cr_tw_open(fmt, f, cols3, types3, 3);
	for (i = 0; i < nrows; i++)
		cr_tw_row(tw, rows[i]);
	assert_int_equal(cr_tw_rows(tw), nrows);
	assert_int_equal(cr_tw_close(tw), 0);
	s = cr_outfile_mem_take(f, NULL);
	assert_int_equal(cr_outfile_close(f), 0);
	return s;
}

/* One CSV cell in column "text"; the caller frees. */
static char *
csv_cell(const char *v)
{
	const char *rows[1][3] = { { "1", v, "true" } };
	char *all = render(&cr_format_csv, rows, 1);
	const char *hdr = "id,text,flag\r\n";
	char *cell;
	size_t n;

	assert_memory_equal(all, hdr, strlen(hdr));
	/* "1," ... ",true\r\n" */
	assert_memory_equal(all + strlen(hdr), "1,", 2);
	n = strlen(all + strlen(hdr) + 2);
	assert_true(n >= 7);
	assert_string_equal(all + strlen(hdr) + 2 + n - 7, ",true\r\n");
	cell = strndup(all + strlen(hdr) + 2, n - 7);
	free(all);
	return cell;
}

static void
check_csv(const char *in, const char *want)
{
	char *got = csv_cell(in);

	assert_string_equal(got, want);
	free(got);
}

static char *
jsonl_text(const char *v)
{
	const char *rows[1][3] = { { "1", v, "false" } };
	char *all = render(&cr_format_jsonl, rows, 1);
	const char *pre = "{\"id\":\"1\",\"text\":";
	const char *post = ",\"flag\":false}\n";
	char *val;
	size_t n = strlen(all);

	assert_memory_equal(all, pre, strlen(pre));
	assert_true(n >= strlen(pre) + strlen(post));
	assert_string_equal(all + n - strlen(post), post);
	val = strndup(all + strlen(pre), n - strlen(pre) - strlen(post));
	free(all);
	return val;
}

static void
check_jsonl(const char *in, const char *want)
{
	char *got = jsonl_text(in);

	assert_string_equal(got, want);
	free(got);
}

/* --- CSV ----------------------------------------------------------- */

static void
test_csv_table(void **state)
{
	const char *rows[2][3] = {
		{ "r1", "plain", "true" },
		{ "r2", NULL, "false" }
	};
	char *s = render(&cr_format_csv, rows, 2);

	assert_string_equal(s,
	    "id,text,flag\r\n"
	    "r1,plain,true\r\n"
	    "r2,,false\r\n");
	free(s);
}

static void
test_csv_plain(void **state)
{
	check_csv("abc", "abc");
	check_csv("", "");
	check_csv(NULL, "");
	check_csv("a b", "a b");
	check_csv("it's", "it's");
	check_csv("x=1", "x=1");		/* only a leading '=' */
	check_csv("a-b", "a-b");
}

static void
test_csv_quoting(void **state)
{
	check_csv("a,b", "\"a,b\"");
	check_csv("say \"hi\"", "\"say \"\"hi\"\"\"");
	check_csv("\"", "\"\"\"\"");
	check_csv("line1\nline2", "\"line1\nline2\"");
	check_csv("line1\r\nline2", "\"line1\r\nline2\"");
	check_csv("a\rb", "\"a\rb\"");
}

static void
test_csv_injection(void **state)
{
	check_csv("=SUM(A1)", "'=SUM(A1)");
	check_csv("+33.6", "'+33.6");
	check_csv("-1", "'-1");
	check_csv("@x", "'@x");
	check_csv("\tx", "'\tx");
	/* Leading CR: prefix, then quoted because of the CR. */
	check_csv("\rx", "\"'\rx\"");
	/* Prefix inside the quotes, quotes doubled. */
	check_csv("=HYPERLINK(\"http://x\",\"y\")",
	    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
	check_csv("=1,2", "\"'=1,2\"");
	check_csv("-", "'-");
	check_csv("'=x", "'=x");		/* already harmless */
}

static void
test_csv_utf8(void **state)
{
	check_csv("Zo\xc3\xab \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
	    "Zo\xc3\xab \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
	check_csv("\xc3\x89lodie, SARL", "\"\xc3\x89lodie, SARL\"");
}

static void
test_csv_header_and_lone_column(void **state)
{
	static const char *cols[] = { "=evil", "a,b" };
	static const char *one[] = { "only" };
	struct cr_outfile *f = cr_outfile_mem(NULL);
	struct cr_table_writer *tw;
	const char *v[2] = { NULL, NULL };
	const char *empty[1] = { NULL };
	const char *data;

	tw = cr_tw_open(&cr_format_csv, f, cols, NULL, 2);
	cr_tw_row(tw, v);
	cr_tw_close(tw);
	assert_string_equal(cr_outfile_mem_data(f, NULL),
	    "'=evil,\"a,b\"\r\n,\r\n");
	free(cr_outfile_mem_take(f, NULL));

	/* A one-column empty row must not become an empty line. */
	tw = cr_tw_open(&cr_format_csv, f, one, NULL, 1);
	cr_tw_row(tw, empty);
	cr_tw_close(tw);
	data = cr_outfile_mem_data(f, NULL);
	assert_string_equal(data, "only\r\n\"\"\r\n");
	assert_int_equal(cr_outfile_close(f), 0);
}

/* --- JSON Lines ---------------------------------------------------- */

static void
test_jsonl_table(void **state)
{
	const char *rows[2][3] = {
		{ "r1", "plain", "true" },
		{ "r2", NULL, "false" }
	};
	char *s = render(&cr_format_jsonl, rows, 2);

	assert_string_equal(s,
	    "{\"id\":\"r1\",\"text\":\"plain\",\"flag\":true}\n"
	    "{\"id\":\"r2\",\"text\":\"\",\"flag\":false}\n");
	free(s);
}

static void
test_jsonl_escaping(void **state)
{
	check_jsonl("abc", "\"abc\"");
	check_jsonl("say \"hi\"", "\"say \\\"hi\\\"\"");
	check_jsonl("C:\\dir", "\"C:\\\\dir\"");
	check_jsonl("a/b", "\"a/b\"");
	check_jsonl("l1\nl2\r\t", "\"l1\\u000al2\\u000d\\u0009\"");
	check_jsonl("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	/* No formula prefix in JSON. */
	check_jsonl("=SUM(A1)", "\"=SUM(A1)\"");
	check_jsonl("-1", "\"-1\"");
	/* Valid UTF-8 passes, U+2028 included. */
	check_jsonl("Zo\xc3\xab \xf0\x9f\x98\x80 \xe2\x80\xa8",
	    "\"Zo\xc3\xab \xf0\x9f\x98\x80 \xe2\x80\xa8\"");
	/* Invalid UTF-8 never makes broken JSON. */
	check_jsonl("a\xff" "b", "\"a\\ufffdb\"");
	check_jsonl("\xc3", "\"\\ufffd\"");
	check_jsonl("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	check_jsonl("\xc0\xaf", "\"\\ufffd\\ufffd\"");
}

static void
test_jsonl_types(void **state)
{
	static const char *cols[] = { "n", "b", "s" };
	static const enum cr_val_type types[] = {
		CR_VAL_INT, CR_VAL_BOOL, CR_VAL_STRING
	};
	const char *row[3] = { "-42", "true", "true" };
	const char *row2[3] = { "0", "false", "7" };
	struct cr_outfile *f = cr_outfile_mem(NULL);
	struct cr_table_writer *tw;

	tw = cr_tw_open(&cr_format_jsonl, f, cols, types, 3);
	cr_tw_row(tw, row);
	cr_tw_row(tw, row2);
	assert_int_equal(cr_tw_close(tw), 0);
	assert_string_equal(cr_outfile_mem_data(f, NULL),
	    "{\"n\":-42,\"b\":true,\"s\":\"true\"}\n"
	    "{\"n\":0,\"b\":false,\"s\":\"7\"}\n");
	assert_int_equal(cr_outfile_close(f), 0);
}

/* A value not of its type is a caller bug: the process aborts. */
static void
expect_abort(const enum cr_val_type t, const char *value)
{
	static const char *cols[] = { "x" };
	pid_t pid;
	int st;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cr_outfile *f = cr_outfile_mem(NULL);
		struct cr_table_writer *tw;
		const char *row[1] = { value };
		FILE *null = fopen("/dev/null", "w");

		cr_diag_set_stream(null);
		signal(SIGABRT, SIG_DFL);
		tw = cr_tw_open(&cr_format_jsonl, f, cols, &t, 1);
		cr_tw_row(tw, row);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
}

static void
test_type_violation_aborts(void **state)
{
	expect_abort(CR_VAL_BOOL, "yes");
	expect_abort(CR_VAL_BOOL, NULL);
	expect_abort(CR_VAL_BOOL, "TRUE");
	expect_abort(CR_VAL_INT, "12a");
	expect_abort(CR_VAL_INT, "");
	expect_abort(CR_VAL_INT, "007");
	expect_abort(CR_VAL_INT, "-");
}

/* --- outfile ------------------------------------------------------- */

static char tmpdir[TEST_PATH_MAX];

static int
rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

static int
setup_tmpdir(void **state)
{
	test_tmpname(tmpdir, sizeof tmpdir, "test-write");
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
teardown_tmpdir(void **state)
{
	return nftw(tmpdir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void
sha256_hex(const void *p, size_t n, char out[65])
{
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_SIZE];
	size_t i;

	sha256_init(&c);
	sha256_update(&c, n, p);
	sha256_digest(&c, sizeof d, d);
	for (i = 0; i < sizeof d; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void
test_outfile_file(void **state)
{
	size_t n = 0, i;
	char *want = malloc(400 * 1024), *got;
	char big[70000];
	char hex[65], hex2[65];
	struct cr_outfile *f;
	struct stat st;
	mode_t old;
	int dfd, fd;
	ssize_t r;

	dfd = open(tmpdir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	/* A hostile umask: the file must still be 0600. */
	old = umask(0277);
	f = cr_outfile_open(dfd, "out.csv", "OUT/out.csv");
	umask(old);
	assert_non_null(f);
	assert_string_equal(cr_outfile_name(f), "OUT/out.csv");

	/* Small writes, printf, one write larger than the buffer. */
	for (i = 0; n + 40 < 200 * 1024; i++) {
		char line[64];
		int k = snprintf(line, sizeof line, "row %zu,%s\r\n", i,
		    i % 3 ? "x" : "=y");

		if (i % 2)
			cr_outfile_write(f, line, (size_t)k);
		else
			cr_outfile_printf(f, "row %zu,%s\r\n", i,
			    i % 3 ? "x" : "=y");
		memcpy(want + n, line, (size_t)k);
		n += (size_t)k;
	}
	memset(big, 'B', sizeof big);
	cr_outfile_write(f, big, sizeof big);
	memcpy(want + n, big, sizeof big);
	n += sizeof big;
	cr_outfile_putc(f, '!');
	want[n++] = '!';
	/* A printf longer than its stack buffer. */
	cr_outfile_printf(f, "%0600d|", 7);
	snprintf(want + n, 602, "%0600d|", 7);
	n += 601;
	assert_int_equal(cr_outfile_status(f), 0);
	assert_int_equal(cr_outfile_bytes(f), n);
	cr_outfile_sha256_hex(f, hex);
	assert_int_equal(cr_outfile_close(f), 0);

	fd = openat(dfd, "out.csv", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal((size_t)st.st_size, n);
	got = malloc(n + 1);
	r = read(fd, got, n + 1);
	assert_int_equal(r, (ssize_t)n);
	assert_memory_equal(got, want, n);
	sha256_hex(want, n, hex2);
	assert_string_equal(hex, hex2);
	close(fd);

	/* O_EXCL: never overwrite. */
	diag_capture();
	f = cr_outfile_open(dfd, "out.csv", NULL);
	free(got);
	got = diag_release();
	assert_null(f);
	assert_string_equal(got,
	    "custrelease: out.csv:0: cannot create: File exists\n");
	free(got);

	/* Nor follow a symlink. */
	assert_int_equal(symlinkat("/tmp/nonexistent-target", dfd, "ln"), 0);
	diag_capture();
	f = cr_outfile_open(dfd, "ln", NULL);
	free(diag_release());
	assert_null(f);
	close(dfd);
	free(want);
}

static void
test_outfile_mem(void **state)
{
	struct cr_outfile *f = cr_outfile_mem("mem");
	char hex[65], hex2[65];
	size_t len, i;
	const char *d;
	char *taken;

	for (i = 0; i < 100000; i++)
		cr_outfile_puts(f, "abc");
	d = cr_outfile_mem_data(f, &len);
	assert_int_equal(len, 300000);
	assert_int_equal(d[len], '\0');
	assert_memory_equal(d + 299997, "abc", 3);
	cr_outfile_sha256_hex(f, hex);
	sha256_hex(d, len, hex2);
	assert_string_equal(hex, hex2);
	taken = cr_outfile_mem_take(f, &len);
	assert_int_equal(len, 300000);
	assert_int_equal(cr_outfile_bytes(f), 0);
	d = cr_outfile_mem_data(f, &len);
	assert_int_equal(len, 0);
	assert_string_equal(d, "");
	free(taken);
	assert_int_equal(cr_outfile_close(f), 0);
	assert_int_equal(cr_outfile_close(NULL), 0);
}

/* /dev/full: every write fails with ENOSPC. */
static void
test_outfile_sticky_error(void **state)
{
	struct cr_outfile *f;
	char chunk[1000];
	char *msg;
	int fd, i;

	fd = open("/dev/full", O_WRONLY);
	if (fd < 0)
		skip();
	memset(chunk, 'x', sizeof chunk);
	f = cr_outfile_fdopen(fd, "full.csv");
	cr_outfile_write(f, chunk, 10);
	assert_int_equal(cr_outfile_status(f), 0);	/* buffered yet */
	for (i = 0; i < 100; i++)			/* past 64 KiB */
		cr_outfile_write(f, chunk, sizeof chunk);
	assert_int_equal(cr_outfile_status(f), CR_STATUS_IO);
	/* Later writes are no-ops. */
	cr_outfile_puts(f, "more");
	cr_outfile_printf(f, "%d", 1);
	cr_outfile_putc(f, 'c');
	diag_capture();
	assert_int_equal(cr_outfile_close(f), CR_STATUS_IO);
	msg = diag_release();
	/* Reported once, at close. */
	assert_string_equal(msg, "custrelease: full.csv:0: write error: "
	    "No space left on device\n");
	free(msg);
	close(fd);

	/* An error only at the final flush is reported too. */
	fd = open("/dev/full", O_WRONLY);
	f = cr_outfile_fdopen(fd, "full2.csv");
	cr_outfile_puts(f, "tiny");
	diag_capture();
	assert_int_equal(cr_outfile_close(f), CR_STATUS_IO);
	msg = diag_release();
	assert_non_null(strstr(msg, "full2.csv:0: write error:"));
	free(msg);
	close(fd);
}

/*
 * A real file over RLIMIT_FSIZE (EFBIG), in a child: the error of the
 * created-file path, through the table writer, reported at close.
 */
static void
test_outfile_file_error(void **state)
{
	pid_t pid;
	int st;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 4096, 4096 };
		struct cr_outfile *f;
		struct cr_table_writer *tw;
		const char *row[3] = { "1", "some text", "true" };
		int dfd = open(tmpdir, O_RDONLY | O_DIRECTORY), i, rc;
		char *msg;

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		f = cr_outfile_open(dfd, "big.csv", "OUT/big.csv");
		if (f == NULL)
			_exit(10);
		tw = cr_tw_open(&cr_format_csv, f, cols3, types3, 3);
		for (i = 0; i < 10000; i++)
			cr_tw_row(tw, row);
		if (cr_tw_close(tw) != CR_STATUS_IO)
			_exit(11);
		diag_capture();
		rc = cr_outfile_close(f);
		msg = diag_release();
		if (rc != CR_STATUS_IO)
			_exit(12);
		if (strcmp(msg, "custrelease: OUT/big.csv:0: write error: "
		    "File too large\n") != 0)
			_exit(13);
		free(msg);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_table),
		cmocka_unit_test(test_csv_plain),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_csv_injection),
		cmocka_unit_test(test_csv_utf8),
		cmocka_unit_test(test_csv_header_and_lone_column),
		cmocka_unit_test(test_jsonl_table),
		cmocka_unit_test(test_jsonl_escaping),
		cmocka_unit_test(test_jsonl_types),
		cmocka_unit_test(test_type_violation_aborts),
		cmocka_unit_test(test_outfile_mem),
		cmocka_unit_test(test_outfile_sticky_error),
		cmocka_unit_test_setup_teardown(test_outfile_file,
		    setup_tmpdir, teardown_tmpdir),
		cmocka_unit_test_setup_teardown(test_outfile_file_error,
		    setup_tmpdir, teardown_tmpdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
