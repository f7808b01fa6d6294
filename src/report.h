/*
 * report.h -- what report.c (reading the records), report-txt.c and
 * report-html.c (the two reports) share; private to them.  The public
 * interface is in bag.h (cr_report_load, cr_report_txt, cr_report_html,
 * cr_report_free).
 */
#ifndef CR_REPORT_H
#define CR_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "bag.h"
#include "outfile.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

/* Where a row of decisions.csv or ownership.csv is, and its sort key. */
struct rep_idx {
	uint64_t	 off;
	uint64_t	 key;		/* line; customer_id at arena + key */
	uint32_t	 len;
	uint32_t	 row;		/* file order, the tie-break */
};

/* A table known by its header and an index; rows are read when needed. */
struct rep_table {
	const struct cr_bag_src	*src;
	struct cr_bag_row	 head;		/* the column names */
	int			 have_head;
	struct rep_idx		*idx;		/* in report order */
	size_t			 nrows, cap;
	int			 keycol;	/* "line" or "customer_id" */
	char			*arena;		/* customer ids */
	size_t			 alen, acap;
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
/* Row i of t (in report order) becomes the current row, r->cur. */
void		 rep_row(struct cr_report *, const struct rep_table *, size_t i);
/* A cell of the current row, by column name, as cr_bag_value() gives it. */
const char	*rep_cell(struct cr_report *, const struct rep_table *,
		    const char *col);
/* The customer id an ownership row is sorted by. */
const char	*rep_custkey(const struct rep_table *, const struct rep_idx *);

#endif
