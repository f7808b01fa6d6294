/*
 * cmd-diag.c -- how the command line reports: the lines of diag.h on the
 * diagnostic stream, as the error handle's sink (err.h: the commands
 * record their own messages there too), and the one map from a status to
 * an exit code.  It does not colour, translate or count.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "diag.h"

static FILE *diag_stream;

FILE *
cr_diag_stream(void)
{
	return diag_stream != NULL ? diag_stream : stderr;
}

/* The sink: one record, one line (its form: diag.h). */
static void
diag_sink(void *arg, const struct cr_errrec *r)
{
	FILE *f = cr_diag_stream();
	int saved = errno;

	(void)arg;
	fputs("custrelease: ", f);
	if (r->has_file)
		fprintf(f, "%s:%lu: ", r->file, r->line);
	if (r->grade == CR_GRADE_WARN)
		fputs("warning: ", f);
	fputs(r->msg, f);
	fputc('\n', f);
	fflush(f);
	/* a closed or full stderr (2>&-, EBADF) changes nothing after it */
	errno = saved;
}

/* What library code does not return from (cr_err_fatal): its exit code. */
static void __attribute__((noreturn))
diag_fatal(int status)
{
	exit(cr_cmd_exit_code(status));
}

void
cr_diag_set_stream(FILE *f)
{
	diag_stream = f;
	cr_err_set_sink(diag_sink, NULL);
	cr_err_set_fatal(diag_fatal);
}

int
cr_cmd_exit_code(int status)
{
	static const int exits[] = {
		[CR_STATUS_OK] = CR_EXIT_OK,
		[CR_STATUS_REJECTED] = CR_EXIT_REJECTED,
		[CR_STATUS_USAGE] = CR_EXIT_USAGE,
		[CR_STATUS_DATA] = CR_EXIT_DATAERR,
		[CR_STATUS_CANTCREAT] = CR_EXIT_CANTCREAT,
		[CR_STATUS_IO] = CR_EXIT_IOERR,
		[CR_STATUS_TEMPFAIL] = CR_EXIT_LOCKED,
	};

	if (status < 0 || (size_t)status >= sizeof exits / sizeof exits[0])
		return CR_EXIT_SOFTWARE;
	return exits[status];
}
