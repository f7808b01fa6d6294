/*
 * fuzz-verify.c -- libFuzzer target for `custrelease verify`: the archive
 * reader and bag checks of cmd-verify.c, the record checks of
 * verify-records.c and the CSV and JSON readers they use (bag.c,
 * bag-json.c).
 *
 * The input is the bundle itself (any format libarchive reads; the seeds
 * are uncompressed tars, so that mutations reach the files' contents),
 * written to one temporary file and verified as the command would.  It
 * must end with exit 0, 1 or 65 and print nothing but its diagnostics and
 * its one result line, which go to /dev/null.  It deliberately leaves out
 * the command line (main.c): cr_cmd_usage_error is fuzz-common.c's stub.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "custrelease.h"
#include "fuzz.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	if (getenv("FUZZ_VERBOSE") == NULL &&
	    freopen("/dev/null", "w", stdout) == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct cr_options o;
	char *argv[2] = { NULL, NULL };
	int rc;

	argv[0] = (char *)fuzz_input_file("fuzz-verify", data, len);
	memset(&o, 0, sizeof o);
	o.argc = 1;
	o.argv = argv;
	rc = cr_cmd_verify.exec(&o);
	FUZZ_ASSERT(rc == CR_STATUS_OK || rc == CR_STATUS_REJECTED ||
	    rc == CR_STATUS_DATA);
	return 0;
}
