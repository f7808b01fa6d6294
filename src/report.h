/*
 * report.h -- what report.c (reading the records), report-txt.c and
 * report-html.c (the two reports) share; private to them.  The public
 * interface is in bag.h (cr_report_load, cr_report_txt, cr_report_html,
 * cr_report_free).
 *
 * The reports walk each table in report order (rep_first, rep_next)
 * through an index that is an external sort (verify-stream.h): memory is
 * bounded by vs_mem() buffers, whatever the number of rows (report.c).
 */
#ifndef CR_REPORT_H
#define CR_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "bag.h"
#include "outfile.h"
#include "verify-stream.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

/*
 * An index of a table in report order: one record (verify-stream.h) a row,
 * its fields the sort key (decisions: the line as a vs_row field, so that
 * it sorts as a number; ownership: the customer id as written), the row
 * number (file order, the tie-break), its offset and length in the file
 * (vs_row fields).  A run kept in memory up to REP_MEM() bytes, past that
 * in an unlinked temporary file (vs_writer_open_mem); readable any number
 * of times.
 */
#define REP_NF		4
#define REP_MEM()	(vs_mem() / 4)

/* A table known by its header and an index; rows are read when needed. */
struct rep_table {
	const struct cr_bag_src	*src;
	struct cr_bag_row	 head;		/* the column names */
	int			 have_head;
	struct vs_run		 ix;		/* in report order */
	struct vs_writer	 w;		/* of ix, while indexing */
	int			 writing;
	size_t			 nrows;
	int			 keycol;	/* "line" or "customer_id" */
	/* while indexing: the rows, when some came out of order */
	struct vs_sort		*sort;
	char			*last;		/* the key of the last row */
	size_t			 lastcap;
};

struct cr_report {
	const struct cr_report_input	*in;
	struct rep_table		 dectab, owntab;
	struct rep_table		*dec;		/* NULL: absent */
	struct rep_table		*own;		/* NULL: absent */
	struct cr_json			*sum;		/* NULL: absent/bad */
	struct cr_bag_counts		 counts;
	int				 outcol, codescol;
	char				 run_time[32];
	/* the row being written, and a block of the file around it */
	struct cr_bag_row		 cur;
	const struct rep_table		*cached;
	char				*cache;
	size_t				 cachecap, cachelen;
	uint64_t			 cacheoff;
	int				 rc;		/* a read error */
	struct rep_table		*scanning;	/* rep_index */
	/* the walk through an index (rep_first, rep_next) */
	const struct rep_table		*walking;
	size_t				 walked;	/* rows so far */
	struct vs_reader		 rd;		/* of walking->ix */
	char				*key, *prev;	/* of the current row */
	size_t				 keycap, prevcap;
	struct cr_outfile		*o;
};

#define REP_BLOCK	65536

/* The columns of decisions.csv both reports show for a request. */
#define REP_NREQ	8
extern const char *const rep_req_cols[REP_NREQ];

/* summary.json's string at a path (cr_json_str), else dflt. */
const char	*rep_sum_str(const struct cr_report *, const char *path,
		    const char *dflt);
/* A scalar JSON value as text (options); NULL for containers. */
const char	*rep_scalar(const struct cr_json *);
/*
 * The first row of t in report order (rep_first), or the next one of the
 * same walk (rep_next), becomes the current row, r->cur: 1, or 0 past the
 * last row.  One walk at a time; an index can be walked any number of
 * times.  After a read error the rows are empty (r->rc says why).
 */
int		 rep_first(struct cr_report *, const struct rep_table *t);
int		 rep_next(struct cr_report *);
/* A cell of the current row, by column name, as cr_bag_value() gives it. */
const char	*rep_cell(struct cr_report *, const struct rep_table *,
		    const char *col);
/*
 * The customer id the current ownership row is sorted by, as written,
 * and that of the row before it in the walk (NULL for the first row).
 */
const char	*rep_custkey(const struct cr_report *);
const char	*rep_prevkey(const struct cr_report *);

#endif
