/*
 * fuzz-csv.c -- libFuzzer target for the CSV reader (read-csv.c) and the
 * row checks (rowcheck.c).
 *
 * Input: byte 0 picks the table schema (modulo CR_T_COUNT), byte 1 the
 * read pattern of the stream (fuzz_stream()), the rest is the CSV file.
 * Every row's values are read in full and checked against the cr_row
 * contract.  A refusal (CR_EXIT_DATAERR) is fine; a crash, a leak, an
 * out-of-contract row or another return value is a finding.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz.h"
#include "read.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_chunks c;
	struct fuzz_rows fr = { 0 };
	struct cr_stream *st;
	int rc;

	if (size < 2)
		return 0;
	fuzz_quiet();
	fr.schema = cr_schema_get((enum cr_table)(data[0] % CR_T_COUNT));
	st = fuzz_stream(&c, data + 2, size - 2, data[1], "fuzz.csv");
	rc = cr_csv_read(st, fr.schema, fuzz_row, &fr);
	fuzz_check_rc(rc);
	cr_stream_free(st);
	return 0;
}
