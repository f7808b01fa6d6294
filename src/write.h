/*
 * write.h -- one interface for writing a record table (docs/format.md 4): a header
 * and rows of string values, in a format chosen by a small vtable, as
 * libarchive picks its formats.  Formats: cr_format_csv (write-csv.c:
 * RFC 4180, CRLF, formula-injection prefix) and cr_format_jsonl
 * (write-jsonl.c: one JSON object per line); the generic part is
 * write.c.
 *
 * It deliberately does not sort (callers hand rows over in key order),
 * validate values beyond their type, or know which table it writes.
 *
 * Ownership: a table writer borrows its outfile and the column and type
 * arrays; they must outlive it.  cr_tw_close() frees the writer only and
 * never closes the outfile: whoever opened the outfile closes it, and
 * that close (cr_outfile_close) is where a write error is reported.
 */
#ifndef CR_WRITE_H
#define CR_WRITE_H

#include <stddef.h>

struct cr_outfile;

enum cr_val_type {
	CR_VAL_STRING,		/* any UTF-8; NULL is the empty string */
	CR_VAL_BOOL,		/* exactly "true" or "false" */
	CR_VAL_INT		/* decimal integer, optional '-' */
};

/* What a format sees of the table it writes. */
struct cr_table_desc {
	const char *const	*columns;
	const enum cr_val_type	*types;		/* NULL: all strings */
	size_t			 ncols;
};

struct cr_table_format {
	const char	*name;			/* "csv", "jsonl" */
	/* Called once, at open (may write nothing). */
	void		(*header)(struct cr_outfile *,
			    const struct cr_table_desc *);
	/* values[i] is column i, NULL for empty; types already checked. */
	void		(*row)(struct cr_outfile *,
			    const struct cr_table_desc *,
			    const char *const *values);
};

extern const struct cr_table_format cr_format_csv;
extern const struct cr_table_format cr_format_jsonl;

struct cr_table_writer;

/* Opens the writer and writes the header row now. */
struct cr_table_writer	*cr_tw_open(const struct cr_table_format *,
			    struct cr_outfile *, const char *const *columns,
			    const enum cr_val_type *types, size_t ncols);
/*
 * One row of ncols values, NULL for empty.  A CR_VAL_BOOL or CR_VAL_INT
 * value that is not of its type is a bug in the caller: the program
 * aborts (no run is committed).
 */
void			 cr_tw_row(struct cr_table_writer *,
			    const char *const *values);
/* Rows written so far. */
size_t			 cr_tw_rows(const struct cr_table_writer *);
/*
 * Free the writer.  Returns the outfile's status (0 or CR_STATUS_IO)
 * without printing anything; the outfile's close records it.
 */
int			 cr_tw_close(struct cr_table_writer *);

#endif
