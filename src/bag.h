/*
 * bag.h -- what the audit-bundle writer (bundle.c, report.c) and
 * `custrelease verify` (cmd-verify.c) share: digests in hex, the payload
 * name rule of the bag, a CSV table parsed from memory (the run's own
 * outputs), a small JSON reader (summary.json, ownership.jsonl), the
 * counts of decisions.csv, and the two reports.
 *
 * It deliberately reads only what custrelease itself writes, from memory,
 * with caps: it is no general CSV or JSON library and never touches disk.
 */
#ifndef CR_BAG_H
#define CR_BAG_H

#include <stddef.h>
#include <time.h>

/* Hex digests (lower case, NUL-terminated), through nettle. */
#define CR_BAG_SHA256_HEX	65
#define CR_BAG_SHA512_HEX	129
void	cr_bag_sha256_hex(const void *, size_t, char out[CR_BAG_SHA256_HEX]);
void	cr_bag_sha512_hex(const void *, size_t, char out[CR_BAG_SHA512_HEX]);
void	cr_bag_hex(const unsigned char *, size_t, char *out);

/*
 * A payload or tag path inside the bag: relative, '/'-separated, no empty,
 * "." or ".." component, no backslash, and (RFC 8493 would need percent-
 * encoding for them, which custrelease refuses to need) no '%', CR or LF.
 * Returns NULL when acceptable, else why not.
 */
const char *cr_bag_path_problem(const char *);

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
	struct cr_bag_code *codes;	/* sorted by code */
	size_t		 ncodes;
};

/* Count a decisions table (columns outcome, codes); 0 or -1 (no column). */
int	cr_bag_count(const struct cr_bag_table *, struct cr_bag_counts *);
void	cr_bag_counts_free(struct cr_bag_counts *);
unsigned long cr_bag_counts_code(const struct cr_bag_counts *,
	    const char *code);
/* Whether `code` is one of the ';'-joined codes of a decisions cell. */
int	cr_bag_has_code(const char *codes, const char *code);

/* ---- reports (report.c) ---------------------------------------------- */

struct cr_report_input {
	const char	*run_id;
	time_t		 run_time;
	const char	*decisions;	/* decisions.csv, may be NULL */
	size_t		 decisions_len;
	const char	*ownership;	/* ownership.csv, may be NULL */
	size_t		 ownership_len;
	const char	*summary;	/* summary.json, may be NULL */
	size_t		 summary_len;
	const char	*manifest_name;	/* "manifest.csv", NULL: unknown */
};

/*
 * Build report.txt and report.html (malloc'd, *len set).  Returns 0, or
 * CR_EXIT_DATAERR after printing why decisions.csv or ownership.csv could
 * not be read (they are the run's own outputs: that is a bug upstream).
 */
int	cr_report_build(const struct cr_report_input *, char **txt,
	    size_t *txtlen, char **html, size_t *htmllen);

#endif
