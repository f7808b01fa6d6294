/*
 * write.c -- the format-independent part of write.h: open a table writer,
 * check each value against its column type, hand rows to the format.  It
 * does not escape or quote anything: that is each format's job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "outfile.h"
#include "write.h"
#include "xmalloc.h"

struct cr_table_writer {
	const struct cr_table_format	*fmt;
	struct cr_outfile		*out;
	struct cr_table_desc		 desc;
	size_t				 rows;
};

struct cr_table_writer *
cr_tw_open(const struct cr_table_format *fmt, struct cr_outfile *out,
    const char *const *columns, const enum cr_val_type *types, size_t ncols)
{
	struct cr_table_writer *tw = xcalloc(1, sizeof *tw);

	tw->fmt = fmt;
	tw->out = out;
	tw->desc.columns = columns;
	tw->desc.types = types;
	tw->desc.ncols = ncols;
	if (fmt->header != NULL)
		fmt->header(out, &tw->desc);
	return tw;
}

static int
tw_is_int(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '\0')
		return 0;
	/* No leading zeros: "007" is not a JSON number. */
	if (s[0] == '0' && s[1] != '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* A value not of its column's type is a programming error. */
static void
tw_check(const struct cr_table_writer *tw, size_t col, const char *v)
{
	enum cr_val_type t;
	int ok;

	if (tw->desc.types == NULL)
		return;
	t = tw->desc.types[col];
	switch (t) {
	case CR_VAL_BOOL:
		ok = v != NULL &&
		    (strcmp(v, "true") == 0 || strcmp(v, "false") == 0);
		break;
	case CR_VAL_INT:
		ok = v != NULL && tw_is_int(v);
		break;
	default:
		ok = 1;
		break;
	}
	if (!ok) {
		cr_err_set(cr_outfile_name(tw->out), 0,
		    "internal error: column %s: value is not %s",
		    tw->desc.columns[col],
		    t == CR_VAL_BOOL ? "a boolean" : "an integer");
		abort();
	}
}

void
cr_tw_row(struct cr_table_writer *tw, const char *const *values)
{
	size_t i;

	for (i = 0; i < tw->desc.ncols; i++)
		tw_check(tw, i, values[i]);
	tw->fmt->row(tw->out, &tw->desc, values);
	tw->rows++;
}

size_t
cr_tw_rows(const struct cr_table_writer *tw)
{
	return tw->rows;
}

int
cr_tw_close(struct cr_table_writer *tw)
{
	int status;

	if (tw == NULL)
		return 0;
	status = cr_outfile_status(tw->out);
	free(tw);
	return status;
}
