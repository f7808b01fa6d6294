/*
 * cmd-run.c -- `custrelease run`.  Not implemented yet: it says so and
 * exits 2, so that no script mistakes it for a success.
 */
#include "cmd.h"
#include "custrelease.h"
#include "diag.h"

static int
run_exec(const struct cr_options *o)
{
	(void)o;
	cr_msg("run: not implemented yet");
	return CR_EXIT_USAGE;
}

const struct cr_cmd cr_cmd_run = { "run", "--export PATH --manifest PATH --out DIR [options]", run_exec };
