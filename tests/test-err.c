/*
 * test-err.c -- the error handle (err.h) and the command layer's side of
 * it (cmd-diag.c): what a record holds, errno left alone, the sink, hold
 * and release, one last failure per thread, and the one map from a
 * status to an exit code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "diag.h"
#include "err.h"

static struct cr_errrec got[8];
static int ngot;

static void
sink(void *arg, const struct cr_errrec *r)
{
	(void)arg;
	if (ngot < 8)
		got[ngot] = *r;
	ngot++;
}

static int
setup(void **state)
{
	(void)state;
	ngot = 0;
	cr_err_clear();
	cr_err_set_sink(sink, NULL);
	return 0;
}

static void
test_record(void **state)
{
	(void)state;
	errno = ENOSPC;
	cr_err_set("data/x.csv", 7, "field %s: %d", "email", 3);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].grade, CR_GRADE_FAILED);
	assert_int_equal(got[0].errnum, ENOSPC);
	assert_true(got[0].has_file);
	assert_string_equal(got[0].file, "data/x.csv");
	assert_int_equal(got[0].line, 7);
	assert_string_equal(got[0].msg, "field email: 3");
	assert_string_equal(cr_err_last()->msg, "field email: 3");
	assert_int_equal(cr_err_last()->errnum, ENOSPC);
}

static void
test_warn_note_keep_last(void **state)
{
	(void)state;
	cr_err_set(NULL, 0, "first");
	cr_err_warn("f", 2, "odd");
	cr_err_note("plain");
	assert_int_equal(ngot, 3);
	assert_int_equal(got[1].grade, CR_GRADE_WARN);
	assert_int_equal(got[2].grade, CR_GRADE_NOTE);
	assert_false(got[0].has_file);
	assert_false(got[2].has_file);
	/* warnings and notes do not replace the last failure */
	assert_string_equal(cr_err_last()->msg, "first");
	cr_err_clear();
	assert_string_equal(cr_err_last()->msg, "");
}

static void
test_hold(void **state)
{
	(void)state;
	cr_err_hold();
	cr_err_hold();
	cr_err_set("m.csv", 3, "held");
	cr_err_release();
	cr_err_set("m.csv", 4, "still held");
	cr_err_release();
	assert_int_equal(ngot, 0);
	assert_string_equal(cr_err_last()->msg, "still held");
	cr_err_set("m.csv", 5, "shown");
	assert_int_equal(ngot, 1);
	cr_err_release();		/* one too many: harmless */
	cr_err_set("m.csv", 6, "shown too");
	assert_int_equal(ngot, 2);
}

static void
test_bounded(void **state)
{
	char big[3 * CR_ERR_MSG_MAX];

	(void)state;
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	cr_err_set(big, 1, "%s", big);
	assert_int_equal(strlen(got[0].file), CR_ERR_FILE_MAX - 1);
	assert_int_equal(strlen(got[0].msg), CR_ERR_MSG_MAX - 1);
}

static void *
other_thread(void *arg)
{
	(void)arg;
	cr_err_set("t", 1, "in the thread");
	return (void *)(cr_err_last()->msg[0] == 'i' ? (void *)1 : NULL);
}

static void
test_threads(void **state)
{
	pthread_t t;
	void *ret = NULL;

	(void)state;
	cr_err_set("main", 1, "in main");
	assert_int_equal(pthread_create(&t, NULL, other_thread, NULL), 0);
	assert_int_equal(pthread_join(t, &ret), 0);
	assert_non_null(ret);		/* the thread saw its own failure */
	assert_int_equal(ngot, 2);	/* both went to the one sink */
	assert_string_equal(cr_err_last()->msg, "in main");
}

static void
test_diag_prints(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	cr_diag_set_stream(f);
	cr_err_set("a.csv", 2, "bad");
	cr_err_warn("b.xml", 0, "odd");
	cr_err_note("plain");
	cr_err_hold();
	cr_err_set("c", 1, "not shown");
	cr_err_release();
	cr_diag_set_stream(NULL);
	fclose(f);
	assert_string_equal(buf, "custrelease: a.csv:2: bad\n"
	    "custrelease: b.xml:0: warning: odd\n"
	    "custrelease: plain\n");
	free(buf);
}

static jmp_buf fatal_jmp;

static void
fatal_back(int status)
{
	longjmp(fatal_jmp, status);
}

static void
test_fatal_says_why(void **state)
{
	volatile int status;

	(void)state;
	cr_err_set_fatal(fatal_back);
	cr_err_hold();
	cr_err_set("/tmp/x", 0, "temporary file: write: No space left");
	assert_int_equal(ngot, 0);
	if ((status = setjmp(fatal_jmp)) == 0)
		cr_err_fatal(CR_STATUS_IO);
	cr_err_set_fatal(NULL);
	assert_int_equal(status, CR_STATUS_IO);
	/* held or not, the reason reaches the sink before the end */
	assert_int_equal(ngot, 1);
	assert_string_equal(got[0].msg, "temporary file: write: No space left");
	if ((status = setjmp(fatal_jmp)) == 0) {
		cr_err_set_fatal(fatal_back);
		cr_err_nomem();
	}
	cr_err_set_fatal(NULL);
	assert_int_equal(status, CR_STATUS_IO);
	assert_int_equal(ngot, 2);
	assert_string_equal(got[1].msg, "out of memory");
}

static char cleaned[8];
static size_t ncleaned;

static void
cleanup_note(void *arg)
{
	cleaned[ncleaned++] = *(const char *)arg;
}

/*
 * The clean-ups before a fatal exit nest (a replay's directory around
 * the run it makes): innermost first, each once; a pop drops the last.
 */
static void
test_fatal_cleanups_nest(void **state)
{
	static const char outer = 'o', inner = 'i', gone = 'g';
	volatile int status;

	(void)state;
	ncleaned = 0;
	cr_err_at_fatal(cleanup_note, (void *)&outer);
	cr_err_at_fatal(cleanup_note, (void *)&gone);
	cr_err_at_fatal(NULL, NULL);
	cr_err_at_fatal(cleanup_note, (void *)&inner);
	cr_err_set_fatal(fatal_back);
	if ((status = setjmp(fatal_jmp)) == 0)
		cr_err_fatal(CR_STATUS_IO);
	assert_int_equal(status, CR_STATUS_IO);
	assert_int_equal(ncleaned, 2);
	assert_memory_equal(cleaned, "io", 2);
	/* each once: a second fatal finds none left */
	if ((status = setjmp(fatal_jmp)) == 0)
		cr_err_fatal(CR_STATUS_IO);
	cr_err_set_fatal(NULL);
	assert_int_equal(ncleaned, 2);
}

static void
test_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(cr_cmd_exit_code(CR_STATUS_OK), 0);
	assert_int_equal(cr_cmd_exit_code(CR_STATUS_REJECTED), 1);
	assert_int_equal(cr_cmd_exit_code(CR_STATUS_USAGE), 2);
	assert_int_equal(cr_cmd_exit_code(CR_STATUS_DATA), 65);
	assert_int_equal(cr_cmd_exit_code(CR_STATUS_CANTCREAT), 73);
	assert_int_equal(cr_cmd_exit_code(CR_STATUS_IO), 74);
	assert_int_equal(cr_cmd_exit_code(CR_STATUS_TEMPFAIL), 75);
	/* an exit code handed up as if it were a status is a bug */
	assert_int_equal(cr_cmd_exit_code(65), 70);
	assert_int_equal(cr_cmd_exit_code(-1), 70);
	assert_int_equal(cr_cmd_exit_code(CR_STATUS_TEMPFAIL + 1), 70);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_record, setup),
		cmocka_unit_test_setup(test_warn_note_keep_last, setup),
		cmocka_unit_test_setup(test_hold, setup),
		cmocka_unit_test_setup(test_bounded, setup),
		cmocka_unit_test_setup(test_threads, setup),
		cmocka_unit_test_setup(test_diag_prints, setup),
		cmocka_unit_test_setup(test_fatal_says_why, setup),
		cmocka_unit_test_setup(test_fatal_cleanups_nest, setup),
		cmocka_unit_test_setup(test_exit_codes, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
