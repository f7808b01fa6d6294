/*
 * cmd-verify.c -- `custrelease verify`.  Not implemented yet: it says so and
 * exits 2, so that no script mistakes it for a success.
 */
#include "cmd.h"
#include "custrelease.h"
#include "diag.h"

static int
verify_exec(const struct cr_options *o)
{
	(void)o;
	cr_msg("verify: not implemented yet");
	return CR_EXIT_USAGE;
}

const struct cr_cmd cr_cmd_verify = { "verify", "BUNDLE", verify_exec };
