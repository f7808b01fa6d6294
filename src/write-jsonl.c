/*
 * write-jsonl.c -- the JSON Lines table format of write.h: one object per
 * row, LF after each, keys in column order, booleans and integers as JSON
 * literals, everything else a JSON string (NULL is "").  No header line
 * and no formula-injection prefix: JSON is not opened by spreadsheets.
 *
 * Each row is one compact document of the JSON writer (json-write.h),
 * which escapes the strings.
 */
#include <stddef.h>

#include "json-write.h"
#include "outfile.h"
#include "write.h"

static void
jsonl_row(struct cr_outfile *out, const struct cr_table_desc *d,
    const char *const *values)
{
	struct cr_jw jw;
	enum cr_val_type t;
	size_t i;

	cr_jw_init(&jw, out, 0);
	cr_jw_object(&jw);
	for (i = 0; i < d->ncols; i++) {
		cr_jw_key(&jw, d->columns[i]);
		t = d->types != NULL ? d->types[i] : CR_VAL_STRING;
		/* write.c checked BOOL and INT values: bare literals. */
		if (t == CR_VAL_BOOL || t == CR_VAL_INT)
			cr_jw_literal(&jw, values[i]);
		else
			cr_jw_string(&jw, values[i]);
	}
	cr_jw_end(&jw);
	cr_jw_finish(&jw);
}

const struct cr_table_format cr_format_jsonl = {
	.name = "jsonl",
	.header = NULL,
	.row = jsonl_row
};
