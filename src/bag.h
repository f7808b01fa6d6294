/*
 * bag.h -- what the audit-bundle writer (bundle.c, report.c) and
 * `custrelease verify` (cmd-verify.c) share: digests in hex, the payload
 * name rule of the bag, a CSV table parsed from memory (the run's own
 * outputs), a small JSON reader (summary.json, ownership.jsonl), the
 * counts of decisions.csv, and the two reports.
 *
 * It deliberately reads only what custrelease itself writes, from memory
 * or with pread(2) from a file its caller opened (cr_bag_src), with caps:
 * it is no general CSV or JSON library, and opens, names or writes no
 * file.
 */
#ifndef CR_BAG_H
#define CR_BAG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Digests in hex: lower case, NUL-terminated (sizes with the NUL). */
#define CR_BAG_SHA256_HEX	65
#define CR_BAG_SHA512_HEX	129
void	cr_bag_hex(const unsigned char *, size_t, char *out);

/*
 * A payload or tag path inside the bag: relative, '/'-separated, no empty,
 * "." or ".." component, no backslash, and (RFC 8493 would need percent-
 * encoding for them, which custrelease refuses to need) no '%', CR or LF,
 * and at most CR_BAG_PATH_MAX bytes (a bag holds
 * data/emails/<customer_id>.eml at most, with ids of 64 characters).
 * Returns NULL when acceptable, else why not.
 */
#define CR_BAG_PATH_MAX	255
const char *cr_bag_path_problem(const char *);

/* ---- sources: bytes in memory or in a file ------------------------------ */

/*
 * A file's bytes as the bundle has them: in memory (data), or len bytes at
 * off of the file fd, read with pread(2) (the caller owns fd).
 */
struct cr_bag_src {
	const char	*data;		/* NULL: fd, off */
	int		 fd;
	uint64_t	 off;
	size_t		 len;
};

/*
 * Copy len bytes at pos of src into buf: 0, or -1 with errno set (EIO for
 * a file shorter than src says: it changed underneath).
 */
int	cr_bag_src_read(const struct cr_bag_src *, uint64_t pos, void *buf,
	    size_t len);

/* ---- CSV tables (RFC 4180 as write-csv.c writes them) ---------------- */

struct cr_bag_row {
	char		**cells;
	size_t		  ncells;
	unsigned long	  line;		/* first physical line, 1-based */
};

struct cr_bag_table {
	char		**cols;		/* the header row */
	size_t		  ncols;
	struct cr_bag_row *rows;
	size_t		  nrows;
};

/*
 * Parse a whole CSV file held in memory.  NULL on malformed CSV, with why
 * (and where) in err.
 */
struct cr_bag_table *cr_bag_csv_parse(const char *, size_t, char *err,
		    size_t errsize);
void		 cr_bag_table_free(struct cr_bag_table *);

/*
 * Read a CSV file a block at a time without keeping it: fn is called for
 * every record, the header row included (first), with the record's cells
 * and its bytes [off, off + len) in src, line terminator included.  The
 * cells belong to the scan (fn may take row->cells and set it to NULL).
 * A non-zero return of fn stops the scan and is returned.  Else 0; -1 on
 * malformed CSV, why in err; -2 on a read error (errno set, err says).
 */
typedef int	(*cr_bag_csv_fn)(void *arg, struct cr_bag_row *row,
		    uint64_t off, size_t len);
int		 cr_bag_csv_scan(const struct cr_bag_src *, cr_bag_csv_fn,
		    void *arg, char *err, size_t errsize);
/* The cells of the one record in data[0..len): 0, or -1 if malformed. */
int		 cr_bag_csv_record(const char *data, size_t len,
		    struct cr_bag_row *out);
void		 cr_bag_row_free(struct cr_bag_row *);
/* Index of a header column, -1 when absent. */
int		 cr_bag_col(const struct cr_bag_table *, const char *name);
/* A cell as written (with any formula prefix); "" when absent. */
const char	*cr_bag_cell(const struct cr_bag_table *, size_t row, int col);
/* The value behind a cell: a "'" before = + - @ TAB CR removed. */
const char	*cr_bag_value(const char *cell);
/* Whether `cell` is how write-csv.c writes `value`. */
int		 cr_bag_cell_is(const char *cell, const char *value);

/* ---- JSON ------------------------------------------------------------ */

enum cr_json_type {
	CR_JSON_NULL, CR_JSON_BOOL, CR_JSON_NUMBER, CR_JSON_STRING,
	CR_JSON_ARRAY, CR_JSON_OBJECT
};

struct cr_json {
	enum cr_json_type type;
	char		*str;		/* STRING: decoded; NUMBER: as written */
	int		 boolean;
	size_t		 n;		/* ARRAY, OBJECT: members */
	char		**keys;		/* OBJECT */
	struct cr_json	*items;
};

/* One JSON value (nesting capped); NULL on a syntax error, why in err. */
struct cr_json	*cr_json_parse(const char *, size_t, char *err,
		    size_t errsize);
void		 cr_json_free(struct cr_json *);
/* Member of an object by key ("a.b.c" walks objects); NULL if absent. */
const struct cr_json *cr_json_get(const struct cr_json *, const char *path);
/* A string member's text, or NULL. */
const char	*cr_json_str(const struct cr_json *, const char *path);
/* A non-negative integer member; 0 when absent or not one, else 1. */
int		 cr_json_uint(const struct cr_json *, const char *path,
		    unsigned long *out);

/* ---- decisions.csv counted --------------------------------------------- */

struct cr_bag_code {
	char		*code;
	unsigned long	 n;		/* requests carrying it */
};

struct cr_bag_counts {
	unsigned long	 requests, released, skipped, rejected, other;
	unsigned long	 unknown;	/* codes not in codes.def: not listed */
	struct cr_bag_code *codes;	/* codes.def's, sorted by name */
	size_t		 ncodes;
	size_t		 cap;
};

/* Count a decisions table (columns outcome, codes); 0 or -1 (no column). */
int	cr_bag_count(const struct cr_bag_table *, struct cr_bag_counts *);
/*
 * The same a row at a time: counts zeroed first, then one call per row
 * (its outcome and codes cells), then cr_bag_count_done() sorts the codes.
 */
void	cr_bag_count_row(struct cr_bag_counts *, const char *outcome,
	    const char *codes);
void	cr_bag_count_done(struct cr_bag_counts *);
void	cr_bag_counts_free(struct cr_bag_counts *);
unsigned long cr_bag_counts_code(const struct cr_bag_counts *,
	    const char *code);
/* Whether `code` is one of the ';'-joined codes of a decisions cell. */
int	cr_bag_has_code(const char *codes, const char *code);

/* ---- reports (report.c) ---------------------------------------------- */

struct cr_report_input {
	const char	*run_id;
	time_t		 run_time;
	const struct cr_bag_src *decisions;	/* decisions.csv, or NULL */
	const struct cr_bag_src *ownership;	/* ownership.csv, or NULL */
	const struct cr_bag_src *summary;	/* summary.json, or NULL */
	const char	*manifest_name;	/* "manifest.csv", NULL: unknown */
	const char	*bundle_name;	/* "audit-<id>.tar.zst", NULL: unknown */
	const char	*signer;	/* the signing key's fingerprint, or
					   NULL: unsigned */
};

struct cr_report;
struct cr_outfile;

/*
 * Read what the reports need: summary.json whole, and of decisions.csv
 * and ownership.csv only an index (where each row is, its sort key); the
 * rows are read again, a block at a time, while a report is written.
 * The sources must stay readable until cr_report_free().  NULL, with *rc
 * set after a message: CR_STATUS_DATA when decisions.csv or
 * ownership.csv cannot be read as CSV (a bug upstream), CR_STATUS_IO
 * after a read error.
 */
struct cr_report *cr_report_load(const struct cr_report_input *, int *rc);
/* Write report.txt or report.html into o: 0, or CR_STATUS_IO (a read
 * error, recorded; write errors stay in o). */
int	cr_report_txt(struct cr_report *, struct cr_outfile *o);
int	cr_report_html(struct cr_report *, struct cr_outfile *o);
void	cr_report_free(struct cr_report *);

#endif
