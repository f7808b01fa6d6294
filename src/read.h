/*
 * read.h -- the readers: CSV (read-csv.c) and XML (read-xml.c).  Each pulls
 * bytes from a cr_stream and calls a cr_row_fn once per row, in input
 * order, never holding more than one row (and one bounded field) in memory.
 *
 * A reader checks the file's structure: encoding of the header, quoting,
 * NUL bytes, field size, XML well-formedness, no DTD.  A fault there is an
 * input error: the reader records "FILE:LINE: ..." (err.h) and returns
 * CR_STATUS_DATA (CR_STATUS_IO for a read error).  It does not judge
 * values (identifiers, enums, UTF-8 inside a field): that is rowcheck.c's
 * job, the same for both forms.  A non-zero return of the row callback
 * stops the reader, which returns that value.
 */
#ifndef CR_READ_H
#define CR_READ_H

#include <stdint.h>

#include "schema.h"
#include "stream.h"

#define CR_FIELD_MAX	(1024 * 1024)	/* bytes in one field or value */

/*
 * CSV of one table (docs/format.md 2.1): UTF-8 BOM skipped, delimiter , ; or TAB
 * detected from the header line, columns mapped by name (unknown ones:
 * one warning each; a duplicate name or a missing CR_COL_HEADER column:
 * input error).  A row with another number of fields than the header is
 * still handed out, flagged CR_ROW_BADCOUNT.  Blank lines are skipped.
 */
int	cr_csv_read(struct cr_stream *, const struct cr_schema *,
	    cr_row_fn, void *arg);

/*
 * A row filter, for the many rows of an export that cannot matter: keep()
 * is called once for every data row, in order, before the row callback,
 * which then sees the row only when keep() returned non-zero.
 *
 * keep() is only promised the columns of `cols` (bit c for schema column
 * c), and they may not be NUL-terminated (use len); the others may be
 * NULL, and flags and nfields may not be set yet:
 * the CSV reader splits a plain line only up to the last column asked for,
 * and splits it whole only when it is kept.  A row that needs libcsv is
 * parsed whole first.  Either way the callback sees exactly the row it
 * would without a filter.
 */
struct cr_row_filter {
	uint32_t	  cols;
	int		(*keep)(void *arg, const struct cr_row *row);
	void		 *arg;
};

/* cr_csv_read() with a filter (NULL: none). */
int	cr_csv_read_filtered(struct cr_stream *, const struct cr_schema *,
	    const struct cr_row_filter *, cr_row_fn, void *arg);

/*
 * The XML export (docs/format.md 2.3), namespace urn:custrelease:export:1.  Rows come
 * at the end tag of their element (so a customer's row comes before its
 * organization's), each with CR_ROW_NESTED and the reference columns
 * (reseller_id, customer_id, product_id) filled from the enclosing element.
 */
int	cr_xml_read_export(struct cr_stream *, cr_row_fn, void *arg);

/* The XML manifest (docs/format.md 2.4): <release> elements, attributes = columns. */
int	cr_xml_read_manifest(struct cr_stream *, cr_row_fn, void *arg);

#endif
