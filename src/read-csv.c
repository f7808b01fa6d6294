/*
 * read-csv.c -- the streaming CSV reader of one table (docs/format.md 2.1): pulls
 * 64 KiB blocks from a cr_stream, strips a UTF-8 BOM, detects the delimiter
 * from the header line, maps the header to schema columns, and hands each
 * record to the row callback as a struct cr_row with its first physical
 * line.  Parsing proper is libcsv's, in strict mode.
 *
 * It checks structure only (header encoding and names, quoting, NUL bytes,
 * field size).  It does not judge values: no UTF-8 check inside data
 * fields, no identifier or enum checks (rowcheck.c), and it never holds
 * more than one record and one bounded field in memory.
 *
 * Speed: a whole line with no quote (most lines of an export) is split at
 * its delimiters in place, without libcsv; it is the record libcsv would
 * have made.  Any other line goes to libcsv.
 *
 * Line numbers: libcsv reports no positions, so the input is fed to it in
 * chunks that end at each CR or LF.  A record can only end at such a byte,
 * which is then the last of the chunk; the first chunk that is not a lone
 * terminator after a record's end starts the next record, on the line
 * counted so far.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <unistr.h>

#include "custrelease.h"
#include "err.h"
#include "read.h"
#include "xmalloc.h"

#define CSVR_BLOCK		(64 * 1024)	/* bytes pulled per read */
#define CSVR_HEADER_FIELDS	1024		/* columns in a header, at most */
#define CSVR_QUOTE_MAX		64		/* bytes of a name in a message */

/*
 * Raw bytes fed since the last field callback, over which the current
 * field is surely too big.  The count is an upper bound that can overshoot
 * by one chunk (at most CSVR_BLOCK), so a field up to CR_FIELD_MAX is never
 * refused by it; the exact check is in csvr_field().  It keeps libcsv from
 * buffering an endless field.
 */
#define CSVR_RAW_MAX		(CR_FIELD_MAX + CSVR_BLOCK + 2)

struct csvr {
	const struct cr_schema	*schema;
	const char		*file;
	cr_row_fn		 fn;
	void			*arg;
	int			 stop;		/* non-zero: stop, return it */

	int			 have_header;
	size_t			 nexpected;	/* header fields */
	int			*colmap;	/* header position -> column */

	unsigned long		 line;		/* line of the next byte fed */
	unsigned long		 rec_line;	/* first line of the record */
	int			 in_record;
	size_t			 since_field;	/* raw bytes, upper bound */
	char			 delim;

	/* The record being read: field h is buf[off[h]], flen[h] bytes. */
	size_t			 nfields;
	char			*buf;
	size_t			 used;
	size_t			 size;
	size_t			*off;
	size_t			*flen;
	size_t			 fcap;

	const char		*val[CR_MAX_COLS];
	size_t			 len[CR_MAX_COLS];

	/* The filter: it sees the first fsplit fields of a plain line. */
	const struct cr_row_filter *filter;
	size_t			 fsplit;
	const char		*pval[CR_MAX_COLS];	/* NULL at rest */
	size_t			 plen[CR_MAX_COLS];
};

/* libcsv's space function: no byte is a space, unquoted fields are kept. */
static int
csvr_nospace(unsigned char c)
{
	(void)c;
	return 0;
}

static void
csvr_fail(struct csvr *r, unsigned long line, const char *what)
{
	cr_err_set(r->file, line, "%s", what);
	r->stop = CR_STATUS_DATA;
}

/* Copy field h into the record buffer, NUL-terminated. */
static void
csvr_store(struct csvr *r, size_t h, const void *s, size_t len)
{
	size_t need = r->used + len + 1;

	if (need > r->size) {
		size_t nsize = r->size != 0 ? r->size : 4096;

		while (nsize < need)
			nsize *= 2;
		r->buf = xrealloc(r->buf, nsize);
		r->size = nsize;
	}
	if (len != 0)
		memcpy(r->buf + r->used, s, len);
	r->buf[r->used + len] = '\0';
	r->off[h] = r->used;
	r->flen[h] = len;
	r->used = need;
}

/* libcsv's field callback. */
static void
csvr_field(void *s, size_t len, void *data)
{
	struct csvr *r = data;
	size_t h;

	r->since_field = 0;
	if (r->stop != 0)
		return;
	if (len > CR_FIELD_MAX) {
		csvr_fail(r, r->rec_line, "field larger than 1 MiB");
		return;
	}
	h = r->nfields++;
	if (r->have_header) {
		/* Only the columns the schema knows are kept. */
		if (h >= r->nexpected || r->colmap[h] < 0)
			return;
	} else {
		if (h >= CSVR_HEADER_FIELDS) {
			csvr_fail(r, r->rec_line,
			    "more than 1024 columns in the header line");
			return;
		}
		if (r->used + len > CR_FIELD_MAX) {
			csvr_fail(r, r->rec_line,
			    "header line larger than 1 MiB");
			return;
		}
		if (h >= r->fcap) {
			r->fcap = r->fcap != 0 ? 2 * r->fcap : 32;
			r->off = xreallocarray(r->off, r->fcap,
			    sizeof *r->off);
			r->flen = xreallocarray(r->flen, r->fcap,
			    sizeof *r->flen);
		}
	}
	csvr_store(r, h, s, len);
}

static const char *
csvr_name(struct csvr *r, size_t h, char *q, size_t qsize)
{
	return cr_diag_quote(q, qsize, r->buf + r->off[h], r->flen[h],
	    CSVR_QUOTE_MAX);
}

/*
 * Map each header field to its schema column in r->colmap, marking in seen
 * the columns met.  0, or an exit code on a name given twice.
 */
static int
csvr_header_map(struct csvr *r, unsigned long hl, int *seen)
{
	char q[CSVR_QUOTE_MAX + 16];
	size_t h, j;
	int c;

	for (h = 0; h < r->nexpected; h++) {
		const char *name = r->buf + r->off[h];
		size_t len = r->flen[h];

		c = cr_schema_column(r->schema, name, len);
		r->colmap[h] = c;
		if (c >= 0) {
			if (!seen[c]) {
				seen[c] = 1;
				continue;
			}
		} else {
			for (j = 0; j < h; j++) {
				if (r->colmap[j] < 0 && r->flen[j] == len &&
				    memcmp(r->buf + r->off[j], name, len) == 0)
					break;
			}
			if (j == h)
				continue;
		}
		cr_err_set(r->file, hl, "duplicate column \"%s\"",
		    csvr_name(r, h, q, sizeof q));
		r->stop = CR_STATUS_DATA;
		return r->stop;
	}
	return 0;
}

/* Every missing CR_COL_HEADER column, in one message. */
static void
csvr_header_missing(struct csvr *r, unsigned long hl, const int *seen)
{
	const struct cr_schema *s = r->schema;
	char msg[1024];
	size_t i, mlen = 0, nmissing = 0;

	msg[0] = '\0';
	for (i = 0; i < s->ncols; i++) {
		if (seen[i] || !(s->cols[i].flags & CR_COL_HEADER))
			continue;
		if (mlen < sizeof msg)
			mlen += (size_t)snprintf(msg + mlen, sizeof msg - mlen,
			    "%s\"%s\"", nmissing != 0 ? ", " : "",
			    s->cols[i].name);
		nmissing++;
	}
	if (nmissing != 0) {
		cr_err_set(r->file, hl, "missing required column%s %s",
		    nmissing > 1 ? "s" : "", msg);
		r->stop = CR_STATUS_DATA;
	}
}

/* The header record: map names to columns; 0 or an exit code. */
static int
csvr_header(struct csvr *r)
{
	unsigned long hl = r->rec_line;
	size_t n = r->nfields, h;
	int seen[CR_MAX_COLS] = { 0 };
	char q[CSVR_QUOTE_MAX + 16];

	r->have_header = 1;
	if (u8_check((const uint8_t *)r->buf, r->used) != NULL) {
		csvr_fail(r, hl, "invalid UTF-8 in the header line");
		return r->stop;
	}
	r->nexpected = n;
	r->colmap = xreallocarray(NULL, n != 0 ? n : 1, sizeof *r->colmap);
	if (csvr_header_map(r, hl, seen) != 0)
		return r->stop;
	/*
	 * A header with none of the table's columns is not that table (a
	 * key or a password file put in its place): refused, and nothing of
	 * it is quoted, since it may be a secret.
	 */
	for (h = 0; h < n && r->colmap[h] < 0; h++)
		;
	if (h == n) {
		csvr_fail(r, hl, "the header has none of the columns of this "
		    "table: not this table (nothing of it is shown)");
		return r->stop;
	}
	for (h = 0; h < n; h++) {
		if (r->colmap[h] < 0)
			cr_err_warn(r->file, hl, "unknown column \"%s\" ignored",
			    csvr_name(r, h, q, sizeof q));
		else if (r->filter != NULL &&
		    (r->filter->cols & (1U << r->colmap[h])))
			r->fsplit = h + 1;
	}
	csvr_header_missing(r, hl, seen);
	return r->stop;
}

/*
 * The row handed out for the record at `line`: nfields fields found, their
 * values (by schema column) in val and len; nothing nested.
 */
static void
csvr_row_init(const struct csvr *r, struct cr_row *row, unsigned long line,
    size_t nfields, const char *const *val, const size_t *len)
{
	memset(row, 0, sizeof *row);
	row->schema = r->schema;
	row->file = r->file;
	row->line = line;
	row->flags = nfields != r->nexpected ? CR_ROW_BADCOUNT : 0;
	row->nfields = nfields;
	row->nexpected = r->nexpected;
	row->val = val;
	row->len = len;
}

/* A data record: hand it out. */
static void
csvr_row(struct csvr *r)
{
	struct cr_row row;
	size_t n = r->nfields < r->nexpected ? r->nfields : r->nexpected;
	size_t h;
	int c;

	memset(r->val, 0, sizeof r->val);
	memset(r->len, 0, sizeof r->len);
	for (h = 0; h < n; h++) {
		const char *v;

		if ((c = r->colmap[h]) < 0)
			continue;
		v = r->buf + r->off[h];
		if (cr_is_blank(v, r->flen[h]))
			continue;
		r->val[c] = v;
		r->len[c] = r->flen[h];
	}
	csvr_row_init(r, &row, r->rec_line, r->nfields, r->val, r->len);
	if (r->filter != NULL && !r->filter->keep(r->filter->arg, &row))
		return;
	r->stop = r->fn(r->arg, &row);
}

/* libcsv's end-of-record callback. */
static void
csvr_record(int term, void *data)
{
	struct csvr *r = data;

	(void)term;
	r->in_record = 0;
	if (r->stop == 0) {
		if (!r->have_header)
			csvr_header(r);
		else
			csvr_row(r);
	}
	r->nfields = 0;
	r->used = 0;
}

/* Why csv_parse stopped at byte c (strict mode). */
static int
csvr_parse_error(struct csvr *r, unsigned char c)
{
	cr_err_set(r->file, r->rec_line, "malformed quoting: %s",
	    c == '"' ? "quote inside an unquoted field" :
	    "text after the closing quote of a field");
	r->stop = CR_STATUS_DATA;
	return r->stop;
}

/*
 * The filter's look at a plain line [s, s+n): the fields it reads among
 * the first fsplit are pointed at in place, not NUL-terminated (read.h
 * says so), and it is asked.  The line is not touched, so that a kept
 * line is then split whole as usual.  Returns whether it is wanted.
 */
static int
csvr_prefilter(struct csvr *r, const char *s, size_t n, char delim)
{
	const struct cr_row_filter *flt = r->filter;
	const char *end = s + n, *f = s, *d;
	int cols[CR_MAX_COLS];
	struct cr_row row;
	size_t h, k = 0, len;
	int c, keep;

	for (h = 0; h < r->fsplit; h++) {
		d = memchr(f, delim, (size_t)(end - f));
		if (d == NULL)
			d = end;
		len = (size_t)(d - f);
		if ((c = r->colmap[h]) >= 0 && (flt->cols & (1U << c)) &&
		    k < CR_MAX_COLS && !cr_is_blank(f, len)) {
			r->pval[c] = f;
			r->plen[c] = len;
			cols[k++] = c;
		}
		if (d == end)
			break;
		f = d + 1;
	}
	/* not a whole row yet: no field count to judge */
	csvr_row_init(r, &row, r->line, 0, r->pval, r->plen);
	row.flags = 0;
	keep = flt->keep(flt->arg, &row);
	while (k-- > 0) {
		r->pval[cols[k]] = NULL;
		r->plen[cols[k]] = 0;
	}
	return keep;
}

/*
 * The fast path: one whole line [s, s+n) (its CR and LF excluded) with no
 * quote and no other CR, after the header and between records.  Such a
 * line is a record whose fields are the delimiter-separated pieces, as
 * libcsv would see them; they are cut in place (the delimiters become
 * NULs), so nothing is copied.  Every other line goes to libcsv.
 */
static void
csvr_fast(struct csvr *r, char *s, size_t n, char delim)
{
	struct cr_row row;
	char *end = s + n, *f = s, *d;
	size_t h = 0, len;
	int c;

	if (r->filter != NULL && !csvr_prefilter(r, s, n, delim))
		return;
	memset(r->val, 0, sizeof r->val);
	memset(r->len, 0, sizeof r->len);
	for (;;) {
		d = memchr(f, delim, (size_t)(end - f));
		if (d == NULL)
			d = end;
		len = (size_t)(d - f);
		if (len > CR_FIELD_MAX) {
			csvr_fail(r, r->line, "field larger than 1 MiB");
			return;
		}
		*d = '\0';
		if (h < r->nexpected && (c = r->colmap[h]) >= 0 &&
		    !cr_is_blank(f, len)) {
			r->val[c] = f;
			r->len[c] = len;
		}
		h++;
		if (d == end)
			break;
		f = d + 1;
	}
	csvr_row_init(r, &row, r->line, h, r->val, r->len);
	r->stop = r->fn(r->arg, &row);
}

/* Feed n bytes at s to libcsv, chunk by chunk; 0 or an exit code. */
static int
csvr_feed(struct csvr *r, struct csv_parser *p, char *s, size_t n)
{
	const char *nul, *q;
	size_t pos = 0, lim, ncr, nlf, nq, end, len, got;

	nul = memchr(s, '\0', n);
	lim = nul != NULL ? (size_t)(nul - s) : n;
	q = memchr(s, '\r', lim);
	ncr = q != NULL ? (size_t)(q - s) : lim;
	q = memchr(s, '\n', lim);
	nlf = q != NULL ? (size_t)(q - s) : lim;
	q = memchr(s, '"', lim);
	nq = q != NULL ? (size_t)(q - s) : lim;

	while (pos < lim) {
		if (ncr < pos) {
			q = memchr(s + pos, '\r', lim - pos);
			ncr = q != NULL ? (size_t)(q - s) : lim;
		}
		if (nlf < pos) {
			q = memchr(s + pos, '\n', lim - pos);
			nlf = q != NULL ? (size_t)(q - s) : lim;
		}
		/* a whole plain line, between records: no libcsv */
		if (!r->in_record && r->have_header && nlf < lim &&
		    (ncr >= nlf || ncr + 1 == nlf)) {
			size_t cut = ncr + 1 == nlf ? ncr : nlf;

			/* the next quote, found once for many lines */
			if (nq < pos) {
				q = memchr(s + pos, '"', lim - pos);
				nq = q != NULL ? (size_t)(q - s) : lim;
			}
			if (cut > pos && nq >= cut) {
				csvr_fast(r, s + pos, cut - pos, r->delim);
				if (r->stop != 0)
					return r->stop;
				r->since_field = 0;
				r->line++;
				pos = nlf + 1;
				continue;
			}
		}
		end = ncr < nlf ? ncr : nlf;
		end = end < lim ? end + 1 : lim;
		len = end - pos;

		if (!r->in_record &&
		    !(len == 1 && (s[pos] == '\n' || s[pos] == '\r'))) {
			r->in_record = 1;
			r->rec_line = r->line;
		}
		got = csv_parse(p, s + pos, len, csvr_field, csvr_record, r);
		if (r->stop != 0)
			return r->stop;
		if (got != len)
			return csvr_parse_error(r, (unsigned char)s[pos + got]);
		r->since_field += len;
		if (r->since_field > CSVR_RAW_MAX) {
			csvr_fail(r, r->rec_line, "field larger than 1 MiB");
			return r->stop;
		}
		if (s[end - 1] == '\n')
			r->line++;
		pos = end;
	}
	if (nul != NULL) {
		csvr_fail(r, r->line, "NUL byte in input");
		return r->stop;
	}
	return 0;
}

/* The end of the input: the last record, and a header must have come. */
static int
csvr_finish(struct csvr *r, struct csv_parser *p)
{
	if (csv_fini(p, csvr_field, csvr_record, r) != 0) {
		csvr_fail(r, r->rec_line, "unterminated quoted field");
		return r->stop;
	}
	if (r->stop != 0)
		return r->stop;
	if (!r->have_header) {
		csvr_fail(r, 1, "empty file: no header line");
		return r->stop;
	}
	return 0;
}

/* Length of a BOM at the start of s[0..n), 0 if none. */
static size_t
csvr_bom(const char *s, size_t n)
{
	return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/*
 * The header line in s[0..n) (BOM already skipped): leading blank lines
 * skipped, up to its LF or the end.  Returns whether the LF was seen.
 */
static int
csvr_header_line(const char *s, size_t n, const char **hs, size_t *hn)
{
	size_t i = 0;
	const char *lf;

	while (i < n && (s[i] == '\r' || s[i] == '\n'))
		i++;
	lf = memchr(s + i, '\n', n - i);
	*hs = s + i;
	*hn = lf != NULL ? (size_t)(lf - (s + i)) : n - i;
	return lf != NULL;
}

/* The delimiter of a header line: , ; or TAB, most frequent outside "". */
static unsigned char
csvr_delim(const char *s, size_t n)
{
	size_t i, comma = 0, semi = 0, tab = 0;
	int quoted = 0;
	unsigned char d = ',';
	size_t best;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '"':
			quoted = !quoted;
			break;
		case ',':
			comma += !quoted;
			break;
		case ';':
			semi += !quoted;
			break;
		case '\t':
			tab += !quoted;
			break;
		default:
			break;
		}
	}
	best = comma;
	if (semi > best) {
		d = ';';
		best = semi;
	}
	if (tab > best)
		d = '\t';
	return d;
}

int
cr_csv_read(struct cr_stream *st, const struct cr_schema *schema,
    cr_row_fn fn, void *arg)
{
	return cr_csv_read_filtered(st, schema, NULL, fn, arg);
}

int
cr_csv_read_filtered(struct cr_stream *st, const struct cr_schema *schema,
    const struct cr_row_filter *filter, cr_row_fn fn, void *arg)
{
	struct csvr r;
	struct csv_parser p;
	char *block;
	const char *hs;
	size_t n = 0, start, hn;
	ssize_t got;
	int rc = 0, eof = 0;

	memset(&r, 0, sizeof r);
	r.schema = schema;
	r.file = cr_stream_name(st);
	r.fn = fn;
	r.arg = arg;
	if (filter != NULL && filter->keep != NULL)
		r.filter = filter;
	r.line = 1;
	r.rec_line = 1;

	/* First fill: enough for the BOM and the header line if it fits. */
	block = xmalloc(CSVR_BLOCK);
	for (;;) {
		start = csvr_bom(block, n);
		if (n == CSVR_BLOCK ||
		    csvr_header_line(block + start, n - start, &hs, &hn))
			break;
		got = cr_stream_read(st, block + n, CSVR_BLOCK - n);
		if (got < 0) {
			free(block);
			return cr_stream_status(st);
		}
		if (got == 0) {
			eof = 1;
			break;
		}
		n += (size_t)got;
	}
	start = csvr_bom(block, n);
	csvr_header_line(block + start, n - start, &hs, &hn);

	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_space_func(&p, csvr_nospace);
	r.delim = (char)csvr_delim(hs, hn);
	csv_set_delim(&p, (unsigned char)r.delim);
	csv_set_realloc_func(&p, xrealloc);
	csv_set_free_func(&p, free);
	csv_set_blk_size(&p, CSVR_BLOCK);

	rc = csvr_feed(&r, &p, block + start, n - start);
	while (rc == 0 && !eof) {
		got = cr_stream_read(st, block, CSVR_BLOCK);
		if (got < 0)
			rc = cr_stream_status(st);
		else if (got == 0)
			break;
		else
			rc = csvr_feed(&r, &p, block, (size_t)got);
	}
	if (rc == 0)
		rc = csvr_finish(&r, &p);

	csv_free(&p);
	free(block);
	free(r.colmap);
	free(r.buf);
	free(r.off);
	free(r.flen);
	return rc;
}
