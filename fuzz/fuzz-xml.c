/*
 * fuzz-xml.c -- libFuzzer target for the XML export reader (read-xml.c)
 * and the row checks (rowcheck.c).
 *
 * Input: byte 0 picks the read pattern of the stream (fuzz_stream()), the
 * rest is the XML document.  Every row's values are read in full and
 * checked against the cr_row contract; every row must be of an export
 * table.  A refusal (CR_STATUS_DATA) is fine; a crash, a leak, a hang or
 * another return value is a finding.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz.h"
#include "read.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
fuzz_export_row(void *arg, const struct cr_row *row)
{
	FUZZ_ASSERT(row->schema != NULL &&
	    row->schema->table < CR_T_EXPORT_COUNT);
	FUZZ_ASSERT(row->flags & CR_ROW_NESTED);
	return fuzz_row(arg, row);
}

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
	st = fuzz_stream(&c, data + 1, size - 1, data[0], "fuzz.xml");
	rc = cr_xml_read_export(st, fuzz_export_row, &fr);
	fuzz_check_rc(rc);
	cr_stream_free(st);
	return 0;
}
