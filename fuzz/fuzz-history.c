/*
 * fuzz-history.c -- libFuzzer target for the history index reader
 * (history.h): a segment file from OUT/.history-index/ is input like any
 * other, and may be stale, damaged or hostile.
 *
 * Input: byte 0 bit 0 chooses the segment file: the rest of the input as
 * the whole file (headers fuzzed too), or a valid header (claiming a
 * million entries, so that few keys are searched) for the one
 * committed run of the scratch OUT followed by the rest as its body.  Each
 * input is asked a few keys (binary searches) and then every key (the
 * segment read whole).  Whatever the bytes, a query returns 0 or -1, and
 * after -1 the index covers no run.
 */
#include <sys/stat.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "history.h"
#include "rundir.h"

#define RUN	"20261201T020000Z-0123abcd"

static char out[64], seg[128], dec[128];

static void
setup_out(void)
{
	char dir[128];
	FILE *f;

	if (out[0] != '\0')
		return;
	snprintf(out, sizeof out, "/tmp/fuzz-history-XXXXXX");
	FUZZ_ASSERT(mkdtemp(out) != NULL);
	snprintf(dir, sizeof dir, "%s/" RUN, out);
	FUZZ_ASSERT(mkdir(dir, 0700) == 0);
	snprintf(dir, sizeof dir, "%s/%s", out, CR_HISTORY_DIR);
	FUZZ_ASSERT(mkdir(dir, 0700) == 0);
	snprintf(dec, sizeof dec, "%s/" RUN "/decisions.csv", out);
	f = fopen(dec, "w");
	FUZZ_ASSERT(f != NULL);
	fputs("request_id,line,customer_id,reseller_id,requested_by,outcome,"
	    "codes,message\n", f);
	FUZZ_ASSERT(fclose(f) == 0);
	snprintf(seg, sizeof seg, "%s/%s/" RUN ".idx", out, CR_HISTORY_DIR);
}

static void
write_segment(const uint8_t *data, size_t size, int with_header)
{
	struct stat st;
	FILE *f = fopen(seg, "w");

	FUZZ_ASSERT(f != NULL);
	if (with_header) {
		FUZZ_ASSERT(stat(dec, &st) == 0);
		fprintf(f, "custrelease-history-index 1\nrun " RUN
		    " %jd %jd.%09ld\nentries %020zu %020zu\n",
		    (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec,
		    (long)st.st_mtim.tv_nsec, (size_t)1000000, size);
	}
	fwrite(data, 1, size, f);
	FUZZ_ASSERT(fclose(f) == 0);
}

static const char *const keys[] = { "", "a", "c-1", "r\\x", "\t", "zz" };

static void
each_key(void *arg, void (*each)(void *, int, const char *, size_t),
    void *eacharg)
{
	size_t i;

	(void)arg;
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		each(eacharg, CR_HIST_REQUEST, keys[i], strlen(keys[i]));
		each(eacharg, CR_HIST_CUSTOMER, keys[i], strlen(keys[i]));
	}
}

static int
wants_all(void *arg, int kind, const char *key, size_t len)
{
	(void)arg;
	(void)key;
	(void)len;
	FUZZ_ASSERT(kind == CR_HIST_REQUEST || kind == CR_HIST_CUSTOMER);
	return 1;
}

static void
found(void *arg, int kind, const char *key, size_t len, const char *value,
    size_t vlen)
{
	size_t *limit = arg;

	FUZZ_ASSERT(kind == CR_HIST_REQUEST || kind == CR_HIST_CUSTOMER);
	FUZZ_ASSERT(len <= *limit && vlen <= *limit);
	FUZZ_ASSERT(key[len] == '\0' && value[vlen] == '\0');
}

static void
ask(struct cr_rundir *rd, size_t nkeys, size_t limit)
{
	char *runs[] = { (char *)RUN };
	struct cr_history *h = cr_history_open(rd, runs, 1);
	struct cr_history_query q = { nkeys, each_key, wants_all, found,
	    &limit };

	if (cr_history_query(h, &q) != 0)
		FUZZ_ASSERT(cr_history_covered(h) == 0);
	cr_history_free(h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cr_rundir *rd;

	fuzz_quiet();
	if (size < 1)
		return 0;
	setup_out();
	write_segment(data + 1, size - 1, data[0] & 1);
	FUZZ_ASSERT(cr_rundir_lock(out, 0, &rd) == 0);
	ask(rd, 1, size);		/* binary searches */
	ask(rd, SIZE_MAX / 2, size);	/* read whole */
	cr_rundir_close(rd);
	return 0;
}
