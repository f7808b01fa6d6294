/*
 * bag.c -- helpers shared by the audit-bundle writer and `verify`: hex
 * digests, the bag's path rule, CSV tables parsed from
 * memory with libcsv, and the counts of decisions.csv.  See bag.h; the
 * small JSON reader it declares is bag-json.c.
 *
 * It deliberately reads only custrelease's own outputs, in memory or
 * through pread(2) on a file its caller opened, size-capped by the
 * caller: no general-purpose CSV or JSON (no duplicate-key rules, numbers
 * kept as text).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "bag.h"
#include "codes.h"
#include "xmalloc.h"

/* ---- digests ----------------------------------------------------------- */

void
cr_bag_hex(const unsigned char *d, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/* ---- paths ------------------------------------------------------------- */

const char *
cr_bag_path_problem(const char *path)
{
	const char *p, *slash;
	size_t n;

	if (*path == '\0')
		return "empty name";
	if (strlen(path) > CR_BAG_PATH_MAX)
		return "name longer than 255 bytes";
	if (strpbrk(path, "%\r\n") != NULL)
		return "'%', CR or LF in name";
	if (strchr(path, '\\') != NULL)
		return "backslash in name";
	for (p = path;; p = slash + 1) {
		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (n == 0)
			return "empty path component";
		if ((n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return "'.' or '..' component";
		if (slash == NULL)
			break;
	}
	return NULL;
}

/* ---- sources ------------------------------------------------------------ */

int
cr_bag_src_read(const struct cr_bag_src *src, uint64_t pos, void *buf,
    size_t len)
{
	char *p = buf;
	ssize_t r;

	if (pos > src->len || len > src->len - pos) {
		errno = EINVAL;
		return -1;
	}
	if (src->data != NULL) {
		memcpy(buf, src->data + pos, len);
		return 0;
	}
	while (len > 0) {
		r = pread(src->fd, p, len, (off_t)(src->off + pos));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;	/* shorter than it was */
			return -1;
		}
		p += r;
		pos += (uint64_t)r;
		len -= (size_t)r;
	}
	return 0;
}

/* ---- CSV --------------------------------------------------------------- */

struct bag_csv {
	struct cr_bag_table	*t;
	char			**cells;
	size_t			  ncells, cap;
	unsigned long		  line;		/* line being fed */
	unsigned long		  start;	/* first line of record */
	int			  pending;	/* between records */
	size_t			  rowcap;
};

static void
bag_csv_field(void *s, size_t len, void *arg)
{
	struct bag_csv *c = arg;

	if (c->ncells == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->cells = xreallocarray(c->cells, c->cap, sizeof *c->cells);
	}
	c->cells[c->ncells++] = xmemdup0(s != NULL ? s : "", len);
}

static void
bag_csv_record(int ch, void *arg)
{
	struct bag_csv *c = arg;
	struct cr_bag_table *t = c->t;
	struct cr_bag_row *r;

	(void)ch;
	if (t->cols == NULL) {
		t->cols = c->cells;
		t->ncols = c->ncells;
	} else {
		if (t->nrows == c->rowcap) {
			c->rowcap = c->rowcap ? 2 * c->rowcap : 64;
			t->rows = xreallocarray(t->rows, c->rowcap,
			    sizeof *t->rows);
		}
		r = &t->rows[t->nrows++];
		r->cells = c->cells;
		r->ncells = c->ncells;
		r->line = c->start;
	}
	c->cells = NULL;
	c->ncells = c->cap = 0;
	c->pending = 1;
}

static int
bag_csv_nospace(unsigned char ch)
{
	(void)ch;
	return 0;
}

static void
bag_csv_drop_cells(struct bag_csv *c)
{
	size_t i;

	for (i = 0; i < c->ncells; i++)
		free(c->cells[i]);
	free(c->cells);
	c->cells = NULL;
	c->ncells = c->cap = 0;
}

struct cr_bag_table *
cr_bag_csv_parse(const char *data, size_t len, char *err, size_t errsize)
{
	struct csv_parser p;
	struct bag_csv c;
	const char *s, *end, *nl;
	size_t n;

	memset(&c, 0, sizeof c);
	c.t = xcalloc(1, sizeof *c.t);
	c.pending = 1;
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_space_func(&p, bag_csv_nospace);
	csv_set_realloc_func(&p, xrealloc);
	csv_set_free_func(&p, free);
	/* Feed line by line, so that every record knows its first line. */
	for (s = data, end = data + len; s < end; s += n) {
		nl = memchr(s, '\n', (size_t)(end - s));
		n = nl != NULL ? (size_t)(nl - s) + 1 : (size_t)(end - s);
		c.line++;
		if (c.pending && !(n == 1 || (n == 2 && s[0] == '\r'))) {
			c.start = c.line;
			c.pending = 0;
		}
		if (memchr(s, '\0', n) != NULL) {
			snprintf(err, errsize, "line %lu: NUL byte", c.line);
			goto fail;
		}
		if (csv_parse(&p, s, n, bag_csv_field, bag_csv_record, &c)
		    != n) {
			snprintf(err, errsize, "line %lu: %s", c.line,
			    csv_strerror(csv_error(&p)));
			goto fail;
		}
	}
	if (csv_fini(&p, bag_csv_field, bag_csv_record, &c) != 0) {
		snprintf(err, errsize, "line %lu: %s", c.line,
		    csv_strerror(csv_error(&p)));
		goto fail;
	}
	csv_free(&p);
	bag_csv_drop_cells(&c);
	if (c.t->cols == NULL) {
		snprintf(err, errsize, "no header row");
		cr_bag_table_free(c.t);
		return NULL;
	}
	return c.t;
fail:
	csv_free(&p);
	bag_csv_drop_cells(&c);
	cr_bag_table_free(c.t);
	return NULL;
}

void
cr_bag_table_free(struct cr_bag_table *t)
{
	size_t i, j;

	if (t == NULL)
		return;
	for (i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	free(t->cols);
	for (i = 0; i < t->nrows; i++) {
		for (j = 0; j < t->rows[i].ncells; j++)
			free(t->rows[i].cells[j]);
		free(t->rows[i].cells);
	}
	free(t->rows);
	free(t);
}

void
cr_bag_row_free(struct cr_bag_row *r)
{
	size_t i;

	if (r->cells != NULL)
		for (i = 0; i < r->ncells; i++)
			free(r->cells[i]);
	free(r->cells);
	r->cells = NULL;
	r->ncells = 0;
}

#define BAG_SCAN_BLOCK	65536

/* A scan: records as they end; each is handed over at its line's end. */
struct bag_scan {
	struct cr_bag_row	 done;		/* ended, not handed over */
	int			 ended;
	char			**cells;
	size_t			  ncells, cap;
	unsigned long		  line;
	int			  pending;	/* between records */
	uint64_t		  start;	/* offset of the record */
	int			  twice;	/* two ended in a line */
};

static void
bag_scan_field(void *s, size_t len, void *arg)
{
	struct bag_scan *c = arg;

	if (c->ncells == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->cells = xreallocarray(c->cells, c->cap, sizeof *c->cells);
	}
	c->cells[c->ncells++] = xmemdup0(s != NULL ? s : "", len);
}

static void
bag_scan_record(int ch, void *arg)
{
	struct bag_scan *c = arg;

	(void)ch;
	if (c->ended) {
		c->twice = 1;
		cr_bag_row_free(&c->done);
	}
	c->done.cells = c->cells;
	c->done.ncells = c->ncells;
	c->ended = 1;
	c->cells = NULL;
	c->ncells = c->cap = 0;
	c->pending = 1;
}

/* The record that ended: to fn, as [start, end). */
static int
bag_scan_hand(struct bag_scan *c, cr_bag_csv_fn fn, void *arg, uint64_t end,
    char *err, size_t errsize)
{
	int rc;

	if (!c->ended)
		return 0;
	c->ended = 0;
	if (c->twice) {
		snprintf(err, errsize, "line %lu: two records on one line",
		    c->line);
		cr_bag_row_free(&c->done);
		return -1;
	}
	rc = fn(arg, &c->done, c->start, (size_t)(end - c->start));
	cr_bag_row_free(&c->done);
	return rc;
}

int
cr_bag_csv_scan(const struct cr_bag_src *src, cr_bag_csv_fn fn, void *arg,
    char *err, size_t errsize)
{
	struct csv_parser p;
	struct bag_scan c;
	char *block = NULL;
	const char *s, *end, *nl;
	uint64_t pos = 0, at;
	size_t n, blen;
	int rc = 0, linestart = 1;

	memset(&c, 0, sizeof c);
	c.pending = 1;
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_space_func(&p, bag_csv_nospace);
	csv_set_realloc_func(&p, xrealloc);
	csv_set_free_func(&p, free);
	if (src->data == NULL)
		block = xmalloc(BAG_SCAN_BLOCK);
	while (rc == 0 && pos < src->len) {
		blen = src->len - pos < BAG_SCAN_BLOCK ?
		    (size_t)(src->len - pos) : BAG_SCAN_BLOCK;
		if (src->data != NULL)
			s = src->data + pos;
		else if (cr_bag_src_read(src, pos, block, blen) != 0) {
			snprintf(err, errsize, "read error: %s",
			    strerror(errno));
			rc = -2;
			break;
		} else
			s = block;
		/* Line by line, so that every record knows where it starts. */
		for (end = s + blen; rc == 0 && s < end; s += n, pos += n) {
			nl = memchr(s, '\n', (size_t)(end - s));
			n = nl != NULL ? (size_t)(nl - s) + 1 :
			    (size_t)(end - s);
			if (linestart) {
				c.line++;
				if (c.pending && s[0] != '\n' &&
				    s[0] != '\r') {
					c.start = pos;
					c.pending = 0;
				}
			}
			linestart = nl != NULL;
			if (memchr(s, '\0', n) != NULL) {
				snprintf(err, errsize, "line %lu: NUL byte",
				    c.line);
				rc = -1;
			} else if (csv_parse(&p, s, n, bag_scan_field,
			    bag_scan_record, &c) != n) {
				snprintf(err, errsize, "line %lu: %s", c.line,
				    csv_strerror(csv_error(&p)));
				rc = -1;
			} else if (linestart)
				rc = bag_scan_hand(&c, fn, arg, pos + n, err,
				    errsize);
		}
	}
	at = pos;
	if (rc == 0 && csv_fini(&p, bag_scan_field, bag_scan_record, &c)
	    != 0) {
		snprintf(err, errsize, "line %lu: %s", c.line,
		    csv_strerror(csv_error(&p)));
		rc = -1;
	}
	if (rc == 0)
		rc = bag_scan_hand(&c, fn, arg, at, err, errsize);
	csv_free(&p);
	cr_bag_row_free(&c.done);
	for (n = 0; n < c.ncells; n++)
		free(c.cells[n]);
	free(c.cells);
	free(block);
	return rc;
}

static int
bag_record_take(void *arg, struct cr_bag_row *row, uint64_t off, size_t len)
{
	struct cr_bag_row *out = arg;

	(void)off;
	(void)len;
	if (out->cells != NULL)
		return -1;		/* a second record */
	*out = *row;
	row->cells = NULL;
	row->ncells = 0;
	return 0;
}

/*
 * A record without a quote is its fields between commas, up to the line
 * end: cut it without libcsv (most rows; 0), or -1 for libcsv to do it.
 */
static int
bag_csv_plain(const char *data, size_t len, struct cr_bag_row *out)
{
	const char *p, *comma, *end;
	size_t n = 1, i;

	if (memchr(data, '"', len) != NULL)
		return -1;
	if (len > 0 && data[len - 1] == '\n')
		len--;
	if (len > 0 && data[len - 1] == '\r')
		len--;
	if (len == 0 || memchr(data, '\r', len) != NULL ||
	    memchr(data, '\n', len) != NULL || memchr(data, '\0', len) != NULL)
		return -1;
	for (p = data, end = data + len; (comma = memchr(p, ',',
	    (size_t)(end - p))) != NULL; p = comma + 1)
		n++;
	out->cells = xreallocarray(NULL, n, sizeof *out->cells);
	out->ncells = n;
	for (i = 0, p = data; i < n; i++, p = comma + 1) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (comma == NULL)
			comma = end;
		out->cells[i] = xmemdup0(p, (size_t)(comma - p));
	}
	return 0;
}

int
cr_bag_csv_record(const char *data, size_t len, struct cr_bag_row *out)
{
	struct cr_bag_src src;
	char err[80];

	memset(out, 0, sizeof *out);
	if (bag_csv_plain(data, len, out) == 0)
		return 0;
	memset(&src, 0, sizeof src);
	src.data = data;
	src.len = len;
	memset(out, 0, sizeof *out);
	if (cr_bag_csv_scan(&src, bag_record_take, out, err, sizeof err)
	    != 0 || out->cells == NULL) {
		cr_bag_row_free(out);
		return -1;
	}
	return 0;
}

int
cr_bag_col(const struct cr_bag_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
cr_bag_cell(const struct cr_bag_table *t, size_t row, int col)
{
	if (row >= t->nrows || col < 0 || (size_t)col >= t->rows[row].ncells)
		return "";
	return t->rows[row].cells[col];
}

static int
bag_formula_start(char c)
{
	return c != '\0' && strchr("=+-@\t\r", c) != NULL;
}

const char *
cr_bag_value(const char *cell)
{
	if (cell[0] == '\'' && bag_formula_start(cell[1]))
		return cell + 1;
	return cell;
}

int
cr_bag_cell_is(const char *cell, const char *value)
{
	if (bag_formula_start(value[0]))
		return cell[0] == '\'' && strcmp(cell + 1, value) == 0;
	return strcmp(cell, value) == 0;
}

/* ---- counts -------------------------------------------------------------- */

int
cr_bag_has_code(const char *codes, const char *code)
{
	size_t n = strlen(code);
	const char *p = codes, *semi;

	for (;;) {
		semi = strchr(p, ';');
		if ((semi != NULL ? (size_t)(semi - p) : strlen(p)) == n &&
		    memcmp(p, code, n) == 0)
			return 1;
		if (semi == NULL)
			return 0;
		p = semi + 1;
	}
}

static int
bag_code_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cr_bag_code *)a)->code,
	    ((const struct cr_bag_code *)b)->code);
}

static void
bag_count_code(struct cr_bag_counts *c, const char *code, size_t n,
    size_t *cap)
{
	size_t i;

	/* only codes of the table: at most CR_CODE_COUNT entries */
	if (cr_code_lookup(code, n) < 0) {
		c->unknown++;
		return;
	}
	for (i = 0; i < c->ncodes; i++)
		if (strlen(c->codes[i].code) == n &&
		    memcmp(c->codes[i].code, code, n) == 0) {
			c->codes[i].n++;
			return;
		}
	if (c->ncodes == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		c->codes = xreallocarray(c->codes, *cap, sizeof *c->codes);
	}
	c->codes[c->ncodes].code = xmemdup0(code, n);
	c->codes[c->ncodes++].n = 1;
}

void
cr_bag_count_row(struct cr_bag_counts *c, const char *o, const char *codes)
{
	const char *p, *semi;
	size_t n;

	c->requests++;
	if (strcmp(o, "released") == 0)
		c->released++;
	else if (strcmp(o, "skipped") == 0)
		c->skipped++;
	else if (strcmp(o, "rejected") == 0)
		c->rejected++;
	else
		c->other++;
	for (p = codes; *p != '\0'; p += n) {
		semi = strchr(p, ';');
		n = semi != NULL ? (size_t)(semi - p) : strlen(p);
		if (n > 0)
			bag_count_code(c, p, n, &c->cap);
		if (semi != NULL)
			n++;
	}
}

void
cr_bag_count_done(struct cr_bag_counts *c)
{
	if (c->ncodes > 0)
		qsort(c->codes, c->ncodes, sizeof *c->codes, bag_code_cmp);
}

int
cr_bag_count(const struct cr_bag_table *t, struct cr_bag_counts *c)
{
	int oc = cr_bag_col(t, "outcome"), cc = cr_bag_col(t, "codes");
	size_t i;

	memset(c, 0, sizeof *c);
	if (oc < 0 || cc < 0)
		return -1;
	for (i = 0; i < t->nrows; i++)
		cr_bag_count_row(c, cr_bag_cell(t, i, oc),
		    cr_bag_cell(t, i, cc));
	cr_bag_count_done(c);
	return 0;
}

void
cr_bag_counts_free(struct cr_bag_counts *c)
{
	size_t i;

	for (i = 0; i < c->ncodes; i++)
		free(c->codes[i].code);
	free(c->codes);
	memset(c, 0, sizeof *c);
}

unsigned long
cr_bag_counts_code(const struct cr_bag_counts *c, const char *code)
{
	size_t i;

	for (i = 0; i < c->ncodes; i++)
		if (strcmp(c->codes[i].code, code) == 0)
			return c->codes[i].n;
	return 0;
}
