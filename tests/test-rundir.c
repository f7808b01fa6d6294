/*
 * test-rundir.c -- unit tests of rundir.c: the lock (held by another
 * process, released by its death), OUT creation errors, stale temporary
 * removal without following symlinks, the commit (modes, no leftovers),
 * abort, run-id syntax and the sorted walk over committed runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custrelease.h"
#include "diag.h"
#include "outfile.h"
#include "rundir.h"
#include "tmpdir.h"

#define RUN_A	"20260101T000000Z-0000000a"
#define RUN_B	"20260101T000000Z-0000000b"
#define RUN_C	"20250630T235959Z-ffffffff"

static char tmpdir[TEST_PATH_MAX];
static char outdir[TEST_PATH_MAX + 16];
static FILE *devnull;

static int
rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

static int
setup(void **state)
{
	test_tmpname(tmpdir, sizeof tmpdir, "test-rundir");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(outdir, sizeof outdir, "%s/out", tmpdir);
	/* Expected errors are not test output. */
	devnull = fopen("/dev/null", "w");
	cr_diag_set_stream(devnull);
	return 0;
}

static int
teardown(void **state)
{
	cr_diag_set_stream(NULL);
	fclose(devnull);
	return nftw(tmpdir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* Sorted names in `dir` (NULL-terminated, in a static buffer). */
static const char *
listing(const char *dir)
{
	static char buf[4096];
	struct dirent **ents;
	int n, i;

	buf[0] = '\0';
	n = scandir(dir, &ents, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") != 0 &&
		    strcmp(ents[i]->d_name, "..") != 0) {
			strcat(buf, ents[i]->d_name);
			strcat(buf, " ");
		}
		free(ents[i]);
	}
	free(ents);
	return buf;
}

static mode_t
mode_of(const char *fmt, ...)
{
	char path[512];
	struct stat st;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	if (lstat(path, &st) != 0)
		return (mode_t)-1;
	return st.st_mode;
}

static void
touch(const char *fmt, ...)
{
	char path[512];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
}

static void
mkdirf(const char *fmt, ...)
{
	char path[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	assert_int_equal(mkdir(path, 0700), 0);
}

/* --- tests --------------------------------------------------------- */

static void
test_run_id(void **state)
{
	assert_true(cr_rundir_is_run_id(RUN_A));
	assert_true(cr_rundir_is_run_id(RUN_C));
	assert_true(cr_rundir_is_run_id("19991231T235960Z-01234567"));
	assert_false(cr_rundir_is_run_id(""));
	assert_false(cr_rundir_is_run_id("20260101T000000Z-0000000A"));
	assert_false(cr_rundir_is_run_id("20260101T000000Z-0000000"));
	assert_false(cr_rundir_is_run_id("20260101T000000Z-0000000aa"));
	assert_false(cr_rundir_is_run_id("20260101T000000Z_0000000a"));
	assert_false(cr_rundir_is_run_id("20260101t000000Z-0000000a"));
	assert_false(cr_rundir_is_run_id("20260101T000000z-0000000a"));
	assert_false(cr_rundir_is_run_id("20261301T000000Z-0000000a"));
	assert_false(cr_rundir_is_run_id("20260100T000000Z-0000000a"));
	assert_false(cr_rundir_is_run_id("20260101T240000Z-0000000a"));
	assert_false(cr_rundir_is_run_id("2026010xT000000Z-0000000a"));
	assert_false(cr_rundir_is_run_id("20260101T000000Z-0000000g"));
	assert_false(cr_rundir_is_run_id(".tmp-" RUN_A "-123"));
	assert_false(cr_rundir_is_run_id(".failed-" RUN_A "-123"));
}

static void
test_create_and_modes(void **state)
{
	struct cr_rundir *rd;
	mode_t old = umask(022);

	assert_int_equal(cr_rundir_lock(outdir, 1, &rd), 0);
	umask(old);
	assert_non_null(rd);
	assert_int_equal(mode_of("%s", outdir) & 07777, 0700);
	assert_string_equal(cr_rundir_path(rd), outdir);
	assert_true(cr_rundir_fd(rd) >= 0);
	cr_rundir_close(rd);
	/* Existing OUT is fine. */
	assert_int_equal(cr_rundir_lock(outdir, 1, &rd), 0);
	cr_rundir_close(rd);
}

static void
test_cantcreat(void **state)
{
	struct cr_rundir *rd = (void *)1;
	char path[256];

	snprintf(path, sizeof path, "%s/no/such/out", tmpdir);
	assert_int_equal(cr_rundir_lock(path, 1, &rd), CR_STATUS_CANTCREAT);
	assert_null(rd);
	/* OUT is a file. */
	snprintf(path, sizeof path, "%s/file", tmpdir);
	touch("%s", path);
	assert_int_equal(cr_rundir_lock(path, 1, &rd), CR_STATUS_CANTCREAT);
	assert_null(rd);
}

static int
count_runs(void *arg, const char *id)
{
	(*(int *)arg)++;
	return 0;
}

static void
test_readonly_missing(void **state)
{
	struct cr_rundir *rd;
	int n = 0, fd;

	assert_int_equal(cr_rundir_lock(outdir, 0, &rd), 0);
	assert_non_null(rd);
	assert_int_equal(cr_rundir_fd(rd), -1);
	assert_int_equal(cr_rundir_foreach_run(rd, count_runs, &n), 0);
	assert_int_equal(n, 0);
	assert_false(cr_rundir_has_run(rd, RUN_A));
	assert_int_equal(cr_rundir_cleanup(rd), 0);
	/* Read-only: no run can begin. */
	assert_int_equal(cr_rundir_begin(rd, RUN_A, &fd), CR_STATUS_IO);
	cr_rundir_close(rd);
	/* And nothing was created. */
	assert_int_equal(mode_of("%s", outdir), (mode_t)-1);
}

/*
 * The lock: a child holds it, our attempt gets 75; a read-only open is
 * not blocked; SIGKILL the child and the lock is free again.
 */
static void
test_lock_contention(void **state)
{
	struct cr_rundir *rd, *rd2;
	int p[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cr_rundir *crd;

		close(p[0]);
		if (cr_rundir_lock(outdir, 1, &crd) != 0)
			_exit(1);
		if (write(p[1], "L", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);

	rd = (void *)1;
	assert_int_equal(cr_rundir_lock(outdir, 1, &rd), CR_STATUS_TEMPFAIL);
	assert_null(rd);
	assert_int_equal(cr_rundir_lock(outdir, 0, &rd), 0);	/* plan */
	cr_rundir_close(rd);

	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(cr_rundir_lock(outdir, 1, &rd), 0);
	/* Within one process too: one lock per OUT. */
	assert_int_equal(cr_rundir_lock(outdir, 1, &rd2), CR_STATUS_TEMPFAIL);
	cr_rundir_close(rd);
	assert_int_equal(cr_rundir_lock(outdir, 1, &rd2), 0);
	cr_rundir_close(rd2);
}

static void
test_cleanup(void **state)
{
	struct cr_rundir *rd;
	char victim[256];

	/* Something outside OUT that a symlink points at. */
	snprintf(victim, sizeof victim, "%s/victim", tmpdir);
	mkdirf("%s", victim);
	touch("%s/precious", victim);

	mkdirf("%s", outdir);
	mkdirf("%s/.tmp-%s-111", outdir, RUN_A);
	mkdirf("%s/.tmp-%s-111/emails", outdir, RUN_A);
	touch("%s/.tmp-%s-111/emails/c1.eml", outdir, RUN_A);
	touch("%s/.tmp-%s-111/decisions.csv", outdir, RUN_A);
	/* A symlink inside a stale run, and one as a stale entry. */
	{
		char l[512];

		snprintf(l, sizeof l, "%s/.tmp-%s-111/emails/ln", outdir,
		    RUN_A);
		assert_int_equal(symlink(victim, l), 0);
		snprintf(l, sizeof l, "%s/.tmp-link", outdir);
		assert_int_equal(symlink(victim, l), 0);
	}
	touch("%s/.tmp-file", outdir);
	mkdirf("%s/.failed-%s-222", outdir, RUN_B);
	mkdirf("%s/%s", outdir, RUN_C);
	touch("%s/%s/decisions.csv", outdir, RUN_C);
	touch("%s/notes.txt", outdir);

	assert_int_equal(cr_rundir_lock(outdir, 1, &rd), 0);
	assert_int_equal(cr_rundir_cleanup(rd), 0);
	cr_rundir_close(rd);

	assert_string_equal(listing(outdir),
	    ".failed-" RUN_B "-222 " RUN_C " notes.txt ");
	assert_string_equal(listing(victim), "precious ");
	assert_true(S_ISREG(mode_of("%s/%s/decisions.csv", outdir, RUN_C)));
}

/*
 * A stale tree 300 levels deep (paths over PATH_MAX), with a file, a
 * sibling directory and a symlink out of it at every level: removed whole,
 * the symlinks' target untouched.
 */
static void
test_cleanup_deep(void **state)
{
	struct cr_rundir *rd;
	char victim[256], name[256];
	int fd, sub, i;

	(void)state;
	snprintf(victim, sizeof victim, "%s/victim", tmpdir);
	mkdirf("%s", victim);
	touch("%s/precious", victim);
	mkdirf("%s", outdir);
	snprintf(name, sizeof name, ".tmp-%s-333", RUN_A);
	mkdirf("%s/%s", outdir, name);
	snprintf(name, sizeof name, "%s/.tmp-%s-333", outdir, RUN_A);
	fd = open(name, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	for (i = 0; i < 300; i++) {
		assert_int_equal(mkdirat(fd, "sibling", 0700), 0);
		assert_int_equal(symlinkat(victim, fd, "ln"), 0);
		sub = openat(fd, "f", O_WRONLY | O_CREAT, 0600);
		assert_true(sub >= 0);
		close(sub);
		assert_int_equal(mkdirat(fd, "d", 0700), 0);
		sub = openat(fd, "d", O_RDONLY | O_DIRECTORY);
		assert_true(sub >= 0);
		close(fd);
		fd = sub;
	}
	close(fd);
	assert_int_equal(cr_rundir_lock(outdir, 1, &rd), 0);
	assert_int_equal(cr_rundir_cleanup(rd), 0);
	cr_rundir_close(rd);
	assert_string_equal(listing(outdir), "");
	assert_string_equal(listing(victim), "precious ");
}

static int
collect(void *arg, const char *id)
{
	strcat(arg, id);
	strcat(arg, " ");
	return 0;
}

static int
stop_at_b(void *arg, const char *id)
{
	strcat(arg, id);
	strcat(arg, " ");
	return strcmp(id, RUN_B) == 0 ? 42 : 0;
}

static void
test_foreach_sorted(void **state)
{
	struct cr_rundir *rd;
	char got[1024] = "", l[512];

	mkdirf("%s", outdir);
	mkdirf("%s/%s", outdir, RUN_B);
	mkdirf("%s/%s", outdir, RUN_C);
	mkdirf("%s/%s", outdir, RUN_A);
	mkdirf("%s/.tmp-%s-1", outdir, "20270101T000000Z-00000000");
	mkdirf("%s/20260101T000000Z-0000000A", outdir);	/* not an id */
	touch("%s/20260202T000000Z-00000001", outdir);	/* a file */
	snprintf(l, sizeof l, "%s/20260303T000000Z-00000002", outdir);
	assert_int_equal(symlink(tmpdir, l), 0);		/* a symlink */

	assert_int_equal(cr_rundir_lock(outdir, 0, &rd), 0);
	assert_int_equal(cr_rundir_foreach_run(rd, collect, got), 0);
	assert_string_equal(got, RUN_C " " RUN_A " " RUN_B " ");
	got[0] = '\0';
	assert_int_equal(cr_rundir_foreach_run(rd, stop_at_b, got), 42);
	assert_string_equal(got, RUN_C " " RUN_A " " RUN_B " ");
	got[0] = '\0';
	assert_int_equal(cr_rundir_foreach_run(rd, stop_at_b, got), 42);
	assert_true(cr_rundir_has_run(rd, RUN_A));
	assert_false(cr_rundir_has_run(rd, "20260303T000000Z-00000002"));
	assert_false(cr_rundir_has_run(rd, "20260202T000000Z-00000001"));
	assert_false(cr_rundir_has_run(rd, "20990101T000000Z-00000000"));
	cr_rundir_close(rd);
}

/* Build a run with a file and emails/ through outfile.h. */
static void
build_run(struct cr_rundir *rd, const char *id)
{
	struct cr_outfile *f;
	char *disp;
	int tfd, efd;

	assert_int_equal(cr_rundir_begin(rd, id, &tfd), 0);
	assert_true(tfd >= 0);
	disp = cr_rundir_display(rd, "decisions.csv");
	assert_non_null(strstr(disp, "/.tmp-"));
	f = cr_outfile_open(tfd, "decisions.csv", disp);
	free(disp);
	assert_non_null(f);
	cr_outfile_puts(f, "request_id\r\nR1\r\n");
	assert_int_equal(cr_outfile_close(f), 0);
	assert_int_equal(cr_rundir_mkdir(rd, "emails", &efd), 0);
	f = cr_outfile_open(efd, "C1.eml", NULL);
	assert_non_null(f);
	cr_outfile_puts(f, "Subject: x\r\n\r\nbody\r\n");
	assert_int_equal(cr_outfile_close(f), 0);
}

static void
test_commit(void **state)
{
	struct cr_rundir *rd;
	char want[512];
	mode_t old;
	int fd;

	assert_int_equal(cr_rundir_lock(outdir, 1, &rd), 0);
	/* A hostile umask must not change the modes. */
	old = umask(0277);
	build_run(rd, RUN_A);
	umask(old);
	/* Before the commit: only the temporary, never a run name. */
	snprintf(want, sizeof want, ".tmp-%s-%ld ", RUN_A, (long)getpid());
	assert_string_equal(listing(outdir), want);
	assert_false(cr_rundir_has_run(rd, RUN_A));
	assert_int_equal(cr_rundir_commit(rd), 0);
	assert_true(cr_rundir_has_run(rd, RUN_A));
	cr_rundir_close(rd);

	assert_string_equal(listing(outdir), RUN_A " ");
	assert_int_equal(mode_of("%s/%s", outdir, RUN_A) & 07777, 0700);
	assert_true(S_ISDIR(mode_of("%s/%s", outdir, RUN_A)));
	assert_int_equal(mode_of("%s/%s/emails", outdir, RUN_A) & 07777,
	    0700);
	assert_int_equal(mode_of("%s/%s/decisions.csv", outdir, RUN_A)
	    & 07777, 0600);
	assert_int_equal(mode_of("%s/%s/emails/C1.eml", outdir, RUN_A)
	    & 07777, 0600);
	{
		char p[512];

		snprintf(p, sizeof p, "%s/%s/decisions.csv", outdir, RUN_A);
		assert_true((fd = open(p, O_RDONLY)) >= 0);
		assert_int_equal(read(fd, want, sizeof want), 16);
		assert_memory_equal(want, "request_id\r\nR1\r\n", 16);
		close(fd);
	}

	/* A second commit of the same id never replaces the first. */
	assert_int_equal(cr_rundir_lock(outdir, 1, &rd), 0);
	build_run(rd, RUN_A);
	assert_int_equal(cr_rundir_commit(rd), CR_STATUS_IO);
	cr_rundir_close(rd);		/* aborts the temporary */
	assert_string_equal(listing(outdir), RUN_A " ");
	assert_int_equal(mode_of("%s/%s/emails/C1.eml", outdir, RUN_A)
	    & 07777, 0600);

	/*
	 * Not even an empty directory under the name (a plain renameat
	 * would replace it).
	 */
	mkdirf("%s/%s", outdir, RUN_C);
	assert_int_equal(cr_rundir_lock(outdir, 1, &rd), 0);
	build_run(rd, RUN_C);
	assert_int_equal(cr_rundir_commit(rd), CR_STATUS_IO);
	cr_rundir_close(rd);
	assert_string_equal(listing(outdir), RUN_C " " RUN_A " ");
	{
		char p[512];

		snprintf(p, sizeof p, "%s/%s", outdir, RUN_C);
		assert_string_equal(listing(p), "");
		assert_int_equal(rmdir(p), 0);
	}

	/* A second run commits next to it. */
	assert_int_equal(cr_rundir_lock(outdir, 1, &rd), 0);
	build_run(rd, RUN_B);
	assert_int_equal(cr_rundir_commit(rd), 0);
	cr_rundir_close(rd);
	assert_string_equal(listing(outdir), RUN_A " " RUN_B " ");
}

static void
test_abort(void **state)
{
	struct cr_rundir *rd;
	int fd;

	assert_int_equal(cr_rundir_lock(outdir, 1, &rd), 0);
	build_run(rd, RUN_A);
	cr_rundir_abort(rd);
	assert_string_equal(listing(outdir), "");
	cr_rundir_abort(rd);			/* twice is harmless */
	/* The handle can begin again after an abort. */
	build_run(rd, RUN_B);
	/* Close without commit aborts too. */
	cr_rundir_close(rd);
	assert_string_equal(listing(outdir), "");

	/* Bad arguments. */
	assert_int_equal(cr_rundir_lock(outdir, 1, &rd), 0);
	assert_int_equal(cr_rundir_begin(rd, "not-a-run", &fd),
	    CR_STATUS_IO);
	assert_int_equal(cr_rundir_mkdir(rd, "emails", &fd), CR_STATUS_IO);
	assert_int_equal(cr_rundir_commit(rd), CR_STATUS_IO);
	assert_int_equal(cr_rundir_begin(rd, RUN_A, &fd), 0);
	assert_int_equal(cr_rundir_begin(rd, RUN_B, &fd), CR_STATUS_IO);
	assert_int_equal(cr_rundir_mkdir(rd, "../x", &fd), CR_STATUS_IO);
	assert_int_equal(cr_rundir_mkdir(rd, "..", &fd), CR_STATUS_IO);
	cr_rundir_close(rd);
	assert_string_equal(listing(outdir), "");
	assert_string_equal(listing(tmpdir), "out ");
}

/* A temporary with our own pid left over (pid reuse) is replaced. */
static void
test_begin_over_stale_same_pid(void **state)
{
	struct cr_rundir *rd;

	mkdirf("%s", outdir);
	mkdirf("%s/.tmp-%s-%ld", outdir, RUN_A, (long)getpid());
	touch("%s/.tmp-%s-%ld/decisions.csv", outdir, RUN_A,
	    (long)getpid());
	assert_int_equal(cr_rundir_lock(outdir, 1, &rd), 0);
	/* No cleanup: begin must cope by itself. */
	build_run(rd, RUN_A);
	assert_int_equal(cr_rundir_commit(rd), 0);
	cr_rundir_close(rd);
	assert_string_equal(listing(outdir), RUN_A " ");
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_id),
		T(test_create_and_modes),
		T(test_cantcreat),
		T(test_readonly_missing),
		T(test_lock_contention),
		T(test_cleanup),
		T(test_foreach_sorted),
		T(test_commit),
		T(test_abort),
		T(test_begin_over_stale_same_pid),
		T(test_cleanup_deep),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
