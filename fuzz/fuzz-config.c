/*
 * fuzz-config.c -- libFuzzer target for the --config file reader
 * (conffile.c): the file is an operator's, kept beside a nightly job, and
 * may be damaged or hostile like any input.
 *
 * Input: byte 0 chooses the options the command takes (bit 0: run's set,
 * else every option) and whether the command line already set --export
 * and --strict (bit 1); the rest is the file, written to one temporary
 * file.  Besides "no crash, no leak", it checks what conffile.h promises:
 * the status is 0, 64 (usage) or 74 (read error); the command line wins
 * (a preset option keeps its value); an option the command does not take
 * is never set; a value set is trimmed (no blank at either end) and has
 * no line break.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conffile.h"
#include "custrelease.h"
#include "fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A value the file set: trimmed, one line. */
static void
check_value(const char *v)
{
	size_t n;

	if (v == NULL)
		return;
	n = strlen(v);
	FUZZ_ASSERT(strchr(v, '\n') == NULL);
	FUZZ_ASSERT(n == 0 || (v[0] != ' ' && v[0] != '\t'));
	FUZZ_ASSERT(n == 0 || (v[n - 1] != ' ' && v[n - 1] != '\t' &&
	    v[n - 1] != '\r'));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char preset[] = "/the/command/line";
	struct cr_options o;
	const char *path;
	unsigned taken;
	int rc, cmdline;

	fuzz_quiet();		/* once: it keeps its stream */
	if (len < 1)
		return 0;
	taken = (data[0] & 1) ? CR_OPTS_RUN : ~0u;
	cmdline = (data[0] & 2) != 0;
	path = fuzz_input_file("fuzz-config", data + 1, len - 1);

	memset(&o, 0, sizeof o);
	if (cmdline) {
		o.export_path = preset;
		o.strict = 1;
	}
	rc = cr_config_apply(path, taken, &o);
	FUZZ_ASSERT(rc == 0 || rc == CR_STATUS_USAGE || rc == CR_STATUS_IO);
	if (cmdline) {
		FUZZ_ASSERT(o.export_path == preset);
		FUZZ_ASSERT(o.strict == 1);
	}
	/* run does not take these: never set for it */
	if (taken == CR_OPTS_RUN)
		FUZZ_ASSERT(o.memory == NULL && o.json == 0 &&
		    o.allowed_signers == NULL);
	FUZZ_ASSERT(o.now == NULL && o.config == NULL);	/* no such keys */
	check_value(o.export_path == preset ? NULL : o.export_path);
	check_value(o.manifest_path);
	check_value(o.out_dir);
	check_value(o.token_key);
	check_value(o.claim_url);
	check_value(o.claim_ttl);
	check_value(o.from);
	check_value(o.templates);
	check_value(o.bundle_format);
	check_value(o.signing_key);
	check_value(o.memory);
	cr_config_free();
	return 0;
}
