/*
 * fuzz-manifest.c -- libFuzzer target for the two manifest readers: the
 * XML one (cr_xml_read_manifest) and the CSV reader with the manifest
 * schema, both on the same bytes, so one corpus serves both forms.
 *
 * Input: byte 0 picks the read pattern of the streams (fuzz_stream()),
 * the rest is the manifest.  Rows are checked against the cr_row
 * contract and run through cr_rowcheck().  A refusal (CR_STATUS_DATA)
 * is fine; a crash, a leak or another return value is a finding.
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

	if (size < 1)
		return 0;
	fuzz_quiet();
	fr.schema = cr_schema_get(CR_T_MANIFEST);

	st = fuzz_stream(&c, data + 1, size - 1, data[0], "manifest.xml");
	rc = cr_xml_read_manifest(st, fuzz_row, &fr);
	fuzz_check_rc(rc);
	cr_stream_free(st);

	st = fuzz_stream(&c, data + 1, size - 1, data[0], "manifest.csv");
	rc = cr_csv_read(st, fr.schema, fuzz_row, &fr);
	fuzz_check_rc(rc);
	cr_stream_free(st);
	return 0;
}
