/*
 * cmd-usage.c -- the usage error every command reports the same way:
 * "custrelease: why", then the command's usage line.  It prints to the
 * diagnostic stream only and returns the exit code; nothing else.
 */
#include <stdarg.h>
#include <stdio.h>

#include "cmd.h"
#include "custrelease.h"
#include "diag.h"

int
cr_cmd_usage_error(const struct cr_cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	FILE *f = cr_diag_stream();

	fputs("custrelease: ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	if (cmd != NULL)
		fprintf(f, "usage: custrelease %s %s\n", cmd->name, cmd->usage);
	else
		fputs("try: custrelease --help\n", f);
	return CR_STATUS_USAGE;
}
