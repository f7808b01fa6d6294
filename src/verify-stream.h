/*
 * verify-stream.h -- what lets `custrelease verify` check records of any
 * size in bounded memory (verify-stream.c): unlinked temporary files under
 * $TMPDIR, an external sort of records (as sort(1) does: sorted runs of a
 * bounded size spilled to temporary files, then merged), a merge join of
 * a sorted probe stream with a sorted index, a CSV reader that streams a
 * file exactly as cr_bag_csv_parse() parses one in memory, and a line
 * reader.
 *
 * A record is a list of NUL-terminated strings (fields) laid end to end;
 * records sort bytewise, so by their first field (the key), then the
 * next.  Row numbers are written as fixed-width hex fields (vs_row) so
 * that they sort as numbers.
 *
 * A temporary file that cannot be created, written or read is an error
 * message and exit 74: every temporary file is unlinked as soon as it is
 * made, so nothing is left behind on any exit path.
 *
 * Not a public interface: the verify-*.c files include it, and the
 * parts of a manifest larger than the memory budget of plan and run
 * (load.c, cmd-plan.c, emit.c), and the index of the bundle's reports
 * (report.c).
 */
#ifndef CR_VERIFY_STREAM_H
#define CR_VERIFY_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "bag.h"

#define VS_FIELDS_MAX	24

/*
 * The memory budget of one buffer (a sorter's run, a record file kept in
 * memory): 16 MiB, or $CUSTRELEASE_VERIFY_MEM bytes (at least 256), a
 * testing aid that makes small bundles spill as large ones do.
 */
size_t	vs_mem(void);
/* Lower that budget (--memory of plan and run) from now on. */
void	vs_mem_cap(size_t);
/* A new unlinked temporary file under $TMPDIR, 0600, open for both. */
int	vs_tmpfile(void);
/* Put them under dir instead (NULL: $TMPDIR again); dir must outlive it. */
void	vs_set_dir(const char *dir);
/* Write all of buf to fd (a temporary file), or exit 74. */
void	vs_write(int fd, const void *buf, size_t len);
void __attribute__((noreturn)) vs_fail(const char *what, int err);

/*
 * A file of records, readable any number of times: an unlinked temporary
 * file, or the same bytes in memory for a run that stayed small
 * (vs_writer_open_mem).
 */
struct vs_run {
	int		fd;		/* -1: empty, or in memory */
	uint64_t	size;
	char		*mem;		/* the bytes, when in memory */
};

struct vs_reader {
	const struct vs_run *run;
	uint64_t	pos;
	char		*buf;
	size_t		len, off, cap;
};

void	vs_reader_open(struct vs_reader *, const struct vs_run *);
/* The next record: 1 and its bytes, or 0 at the end. */
int	vs_reader_rec(struct vs_reader *, const char **rec, size_t *len);
/* The next record: 1 and its fields, or 0 at the end. */
int	vs_reader_next(struct vs_reader *, const char **f, size_t *nf);
void	vs_reader_close(struct vs_reader *);
void	vs_run_free(struct vs_run *);

/* An external sort. */
struct vs_sort;
struct vs_sort *vs_sort_new(void);
/* Add a record of nf fields (NULL is ""). */
void	vs_sort_add(struct vs_sort *, size_t nf, const char *const *f);
/*
 * The records in order, one call of fn each (its fields valid during the
 * call only); then the sorter is freed.
 */
typedef void (*vs_fn)(void *arg, const char *const *f, size_t nf);
void	vs_sort_each(struct vs_sort *, vs_fn fn, void *arg);
/* Drop a sorter unread. */
void	vs_sort_free(struct vs_sort *);

/* A run being written (records in the order given). */
struct vs_writer {
	struct vs_run	*run;
	char		*buf;
	size_t		 len, cap;
	size_t		 max;		/* in memory up to this; 0: a file */
};
void	vs_writer_open(struct vs_writer *, struct vs_run *);
/*
 * A run kept in memory while it holds at most max bytes; past that, all
 * of it goes to a temporary file, as vs_writer_open() writes one.
 */
void	vs_writer_open_mem(struct vs_writer *, struct vs_run *, size_t max);
void	vs_writer_add(struct vs_writer *, size_t nf, const char *const *f);
/* The run can be read; vs_run_free() frees it. */
void	vs_writer_close(struct vs_writer *);

/*
 * The merge join: each record of the sorted probe sorter (freed), with
 * the first record of the index run whose first field equals the probe's
 * (NULL, 0 when none): fn(arg, probe, np, index, ni).
 */
typedef void (*vs_join_fn)(void *arg, const char *const *p, size_t np,
    const char *const *x, size_t nx);
void	vs_join(struct vs_sort *probe, const struct vs_run *index,
	    vs_join_fn fn, void *arg);

/* A row number as a sortable field. */
struct vs_rowbuf { char s[17]; };
const char *vs_row(struct vs_rowbuf *, uint64_t row);
uint64_t vs_row_of(const char *field);

/*
 * Stream the CSV file at src as cr_bag_csv_parse() would parse it: fn
 * for every record, the header (line 0 passed) first, with its cells and
 * first line.  0; -1 with why in err (malformed, or no header row) —
 * the same message cr_bag_csv_parse() gives; or fn's non-zero return.
 */
typedef int (*vs_csv_fn)(void *arg, char **cells, size_t ncells,
    unsigned long line);
int	vs_csv(const struct cr_bag_src *src, vs_csv_fn fn, void *arg,
	    char *err, size_t errsize);

/*
 * Every row of a CSV file that parses (the header is not one): fn with
 * its cells (as written) in the order of `want` ("" when absent), at most
 * 16 of them.
 */
typedef void (*vs_row_fn)(void *arg, uint64_t row, const char *const *cells,
    unsigned long line);
void	vs_rows(const struct cr_bag_src *src, const char *const *want,
	    vs_row_fn fn, void *arg);

/*
 * Every line of src, without its '\n' (nl: whether it had one), in a
 * buffer of at most max bytes: a longer line is passed cut (toolong set).
 */
typedef void (*vs_line_fn)(void *arg, const char *s, size_t n, int nl,
    int toolong);
void	vs_lines(const struct cr_bag_src *src, size_t max, vs_line_fn fn,
	    void *arg);

#endif
