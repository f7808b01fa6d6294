/*
 * cmd-check.c -- `custrelease check --export PATH [--manifest PATH]`:
 * streams every row of the export (and the manifest) through check.c,
 * which lists the row-level problems on stdout, then prints a count per
 * table.  Exit 0 clean, 1 problems, 65 unreadable (with --strict, the
 * first problem in the export is an input error; the manifest's are still
 * listed).  It writes nothing.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cmd.h"
#include "custrelease.h"
#include "export.h"
#include "schema.h"

/* A problem on stdout, as FILE:LINE: message. */
static void
check_print_problem(void *arg, const char *file, unsigned long line,
    const char *msg)
{
	(void)arg;
	printf("%s:%lu: %s\n", file, line, msg);
}

static int
check_exec(const struct cr_options *o)
{
	struct cr_check *c;
	struct cr_export *e = NULL;
	unsigned long total_rows = 0, total_problems = 0;
	const struct cr_schema *s;
	int rc, t;

	if (o->export_path == NULL)
		return cr_cmd_usage_error(&cr_cmd_check, "--export is required");
	if (o->argc != 0)
		return cr_cmd_usage_error(&cr_cmd_check, "unexpected operand "
		    "\"%s\"", o->argv[0]);
	c = cr_check_new(o->strict, check_print_problem, NULL);
	if ((rc = cr_export_open(o->export_path, &e)) == 0)
		rc = cr_export_read(e, cr_check_row, c);
	if (rc == 0 && o->manifest_path != NULL)
		rc = cr_manifest_read(o->manifest_path, cr_check_row, c, NULL,
		    NULL, NULL);
	if (rc == 0) {
		printf("%-16s %10s %9s\n", "table", "rows", "problems");
		for (t = 0; t <= CR_T_MANIFEST; t++) {
			s = cr_schema_get((enum cr_table)t);
			if (t == CR_T_MANIFEST ? o->manifest_path == NULL :
			    !cr_export_has_table(e, (enum cr_table)t))
				continue;
			printf("%-16.*s %10lu %9lu\n",
			    (int)(strlen(s->file) - 4), s->file, cr_check_rows(c, (enum cr_table)t),
			    cr_check_problems(c, (enum cr_table)t));
			total_rows += cr_check_rows(c, (enum cr_table)t);
			total_problems += cr_check_problems(c, (enum cr_table)t);
		}
		printf("%-16s %10lu %9lu\n", "total", total_rows,
		    total_problems);
		rc = total_problems ? CR_STATUS_REJECTED : CR_STATUS_OK;
	}
	cr_check_free(c);
	cr_export_free(e);
	return rc;
}

const struct cr_cmd cr_cmd_check = {
	"check", "--export PATH [--manifest PATH] [--strict]", check_exec,
	CR_OPT_EXPORT | CR_OPT_MANIFEST | CR_OPT_STRICT |
	    CR_OPT_QUIET | CR_OPT_CONFIG
};
