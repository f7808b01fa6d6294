/*
 * read-xml.c -- the XML readers of read.h: the export (docs/format.md 2.3) and the
 * manifest (docs/format.md 2.4), streamed through libxml2's xmlTextReader.  One open
 * element per nesting level is kept, with its column values; rows are
 * handed out at the end tag of their element.
 *
 * It refuses any DTD (on the raw bytes of an ASCII-compatible prolog,
 * before libxml2 parses it; else at the DOCTYPE node), never expands or
 * loads an entity, never touches the network and never builds a DOM.
 * It does not judge values: rowcheck.c does, for the CSV and the XML form
 * alike.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "custrelease.h"
#include "err.h"
#include "read.h"
#include "xml-prolog.h"
#include "xmalloc.h"

#define XML_NS_EXPORT	"urn:custrelease:export:1"
#define XML_NS_MANIFEST	"urn:custrelease:manifest:1"

#define XML_LEVELS	4	/* organization > customer > product > share */
#define XML_MAXELEMS	6	/* record elements of a document */
#define XML_MAXWARN	100	/* distinct unknown names remembered */
#define XML_KEEPBUF	65536	/* value buffers above this are freed */
#define XML_QUOTE	64	/* bytes of a name in a message */
#define XML_NAMES	128	/* slots of the name table, a power of 2
				   above XML_MAXELEMS * (CR_MAX_COLS + 1) */

/*
 * Never XML_PARSE_NOENT (entity expansion), HUGE (lifts the limits on
 * depth and sizes), DTDLOAD, DTDATTR or XINCLUDE.
 */
#define XML_OPTIONS	(XML_PARSE_NONET | XML_PARSE_NOCDATA)

/* A record element: its table, where it may be, its reference column. */
struct xml_elem {
	enum cr_table	 table;
	int		 parent;	/* index in the document's list, or -1:
					   directly in the root */
	int		 refcol;	/* column filled from the parent, or -1 */
	int		 parent_idcol;	/* the parent's column it copies */
};

struct xml_doc {
	const char		*root;
	const char		*ns;
	const struct xml_elem	*elems;
	size_t			 nelems;
	int			 index_lines;	/* row line = element index */
};

static const struct xml_elem xml_export_elems[] = {
	{ CR_T_ORGANIZATIONS, -1, -1, -1 },
	{ CR_T_CUSTOMERS, 0, CUS_RESELLER_ID, ORG_ID },
	{ CR_T_PRODUCTS, 1, PRD_CUSTOMER_ID, CUS_ID },
	{ CR_T_DOMAIN_CONTACTS, 2, DC_PRODUCT_ID, PRD_ID },
	{ CR_T_SHARES, 2, SH_PRODUCT_ID, PRD_ID },
	{ CR_T_ACCOUNTS, -1, -1, -1 },
};

static const struct xml_doc xml_export_doc = {
	"export", XML_NS_EXPORT, xml_export_elems,
	sizeof xml_export_elems / sizeof xml_export_elems[0], 0
};

static const struct xml_elem xml_manifest_elems[] = {
	{ CR_T_MANIFEST, -1, -1, -1 },
};

static const struct xml_doc xml_manifest_doc = {
	"manifest", XML_NS_MANIFEST, xml_manifest_elems, 1, 1
};

/* One open record element and its values so far. */
struct xml_frame {
	int			 elem;		/* index in doc->elems */
	const struct cr_schema	*schema;
	unsigned long		 line;		/* start tag (physical) */
	unsigned long		 rowline;	/* cr_row.line */
	char			*buf[CR_MAX_COLS];
	size_t			 len[CR_MAX_COLS];
	size_t			 cap[CR_MAX_COLS];
	unsigned char		 seen[CR_MAX_COLS];
};

/* The table always keeps an empty slot: xml_name_slot() ends. */
_Static_assert(XML_NAMES > XML_MAXELEMS * (CR_MAX_COLS + 1),
    "XML_NAMES too small");

/*
 * A known name (interned pointer): the record element it names, or -1,
 * and for each record element the column it names, or -1.
 */
struct xml_name {
	const xmlChar	*name;
	signed char	 elem;
	signed char	 col[XML_MAXELEMS];
};

/* A name warned about already: an element (b NULL) or attribute a on b. */
struct xml_warned {
	char	*a;
	char	*b;
};

struct xml_reader {
	const struct xml_doc	*doc;
	struct cr_stream	*stream;
	const char		*name;
	xmlTextReaderPtr	 r;
	cr_row_fn		 fn;
	void			*arg;

	int			 io_failed;
	int			 eof;		/* the stream is at its end */
	char			*xerr;		/* first libxml2 error */
	unsigned long		 xerr_line;
	int			 xerr_code;

	/* The watch for <!DOCTYPE, on the raw bytes. */
	struct cr_xml_prolog	 prolog;
	unsigned long		 dtd_line;	/* non-zero: DOCTYPE seen */

	int			 root_seen;
	int			 root_closed;
	const xmlNs		*root_ns;	/* the root's, when ours */
	struct xml_frame	 frames[XML_LEVELS];
	int			 nframes;
	int			 col;		/* open column element, or -1 */
	unsigned long		 col_line;
	unsigned long		 nrecords;	/* for index_lines */

	struct xml_warned	 warned[XML_MAXWARN];
	size_t			 nwarned;

	/*
	 * The names as interned in the reader's dictionary, where libxml2
	 * keeps the names it hands out: most compare as pointers.
	 */
	const xmlChar		*ins;
	const xmlChar		*ielem[XML_MAXELEMS];
	const xmlChar		*icol[XML_MAXELEMS][CR_MAX_COLS];
	struct xml_name		 names[XML_NAMES];	/* by pointer hash */
};

/* -- Diagnostics ---------------------------------------------------- */

static const char *
xml_quote(char *buf, size_t size, const char *s)
{
	return cr_diag_quote(buf, size, s, strlen(s), XML_QUOTE);
}

/* True (and remembered) the first time a name comes; then false. */
static int
xml_first_time(struct xml_reader *x, const char *a, const char *b)
{
	size_t i;

	for (i = 0; i < x->nwarned; i++) {
		if (strcmp(x->warned[i].a, a) == 0 &&
		    (b == NULL ? x->warned[i].b == NULL :
		    x->warned[i].b != NULL && strcmp(x->warned[i].b, b) == 0))
			return 0;
	}
	if (x->nwarned == XML_MAXWARN)
		return 0;
	x->warned[x->nwarned].a = xstrdup(a);
	x->warned[x->nwarned].b = b == NULL ? NULL : xstrdup(b);
	if (++x->nwarned == XML_MAXWARN)
		cr_err_warn(x->name, 0, "more than %d unknown names: no more "
		    "warnings about them", XML_MAXWARN - 1);
	return x->nwarned < XML_MAXWARN;
}

static void
xml_unknown_element(struct xml_reader *x, unsigned long line,
    const char *qname)
{
	char q[XML_QUOTE * 4 + 8];

	if (xml_first_time(x, qname, NULL))
		cr_err_warn(x->name, line, "unknown element \"%s\" ignored",
		    xml_quote(q, sizeof q, qname));
}

static void
xml_unknown_attribute(struct xml_reader *x, unsigned long line,
    const char *qname, const char *elem)
{
	char q[XML_QUOTE * 4 + 8], e[XML_QUOTE * 4 + 8];

	if (xml_first_time(x, qname, elem))
		cr_err_warn(x->name, line, "unknown attribute \"%s\" on <%s> "
		    "ignored", xml_quote(q, sizeof q, qname),
		    xml_quote(e, sizeof e, elem));
}

/*
 * libxml2's errors come here instead of stderr.  The first error (not
 * warning) is kept; the reader stops on it.
 */
static void
xml_error_handler(void *arg, xmlErrorPtr e)
{
	struct xml_reader *x = arg;
	const char *msg;
	size_t n, i;

	if (x == NULL || e == NULL || e->level < XML_ERR_ERROR ||
	    x->xerr != NULL)
		return;
	msg = e->message != NULL ? e->message : "unknown error";
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r' ||
	    msg[n - 1] == ' '))
		n--;
	x->xerr = xmemdup0(msg, n);
	for (i = 0; i < n; i++) {	/* "...encoding !\nBytes: 0xC3..." */
		if (x->xerr[i] == '\n' || x->xerr[i] == '\r')
			x->xerr[i] = ' ';
	}
	x->xerr_line = e->line > 0 ? (unsigned long)e->line : 0;
	x->xerr_code = e->code;
}

/* For the few libxml2 messages that bypass the structured handler. */
static void
xml_generic_silent(void *ctx, const char *msg, ...)
{
}

static xmlParserInputPtr
xml_deny_entity_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	return NULL;
}

/* -- Input ---------------------------------------------------------- */

/* libxml2's read callback: -1 on a failure (the stream said why). */
static int
xml_io_read(void *ctx, char *buf, int len)
{
	struct xml_reader *x = ctx;
	ssize_t n;

	if (x->io_failed || x->dtd_line != 0 || len <= 0)
		return x->io_failed || x->dtd_line != 0 ? -1 : 0;
	n = cr_stream_read(x->stream, buf, (size_t)len);
	if (n < 0) {
		x->io_failed = 1;
		return -1;
	}
	if (n == 0)
		x->eof = 1;
	if (!cr_xml_prolog_done(&x->prolog) &&
	    (x->dtd_line = cr_xml_prolog_scan(&x->prolog,
	    (const unsigned char *)buf, (size_t)n)) != 0)
		return -1;
	return (int)n;
}

/* -- Values --------------------------------------------------------- */

/* Physical line of the start of `node`, the current node. */
static unsigned long
xml_line(struct xml_reader *x, const xmlNode *node)
{
	int line;

	/* node->line is exact but stops at 65535; the parser runs ahead */
	if (node != NULL && node->line != 0 && node->line < 65535)
		return node->line;
	line = xmlTextReaderGetParserLineNumber(x->r);
	return line > 0 ? (unsigned long)line : 0;
}

/* xml_value_add() when the buffer must grow, or the value is too large. */
static int
xml_value_grow(struct xml_reader *x, struct xml_frame *f, int c,
    const char *s, size_t n, const char *what, unsigned long line)
{
	char q[XML_QUOTE * 4 + 8];
	size_t want;

	if (n > CR_FIELD_MAX || f->len[c] > CR_FIELD_MAX - n) {
		cr_err_set(x->name, line, "value of %s \"%s\" is larger than "
		    "%d bytes", what, xml_quote(q, sizeof q,
		    f->schema->cols[c].name), CR_FIELD_MAX);
		return CR_STATUS_DATA;
	}
	want = f->len[c] + n + 1;
	if (want > f->cap[c]) {
		size_t cap = f->cap[c] < 64 ? 64 : f->cap[c];

		while (cap < want)
			cap *= 2;
		f->buf[c] = xrealloc(f->buf[c], cap);
		f->cap[c] = cap;
	}
	memcpy(f->buf[c] + f->len[c], s, n);
	f->len[c] += n;
	f->buf[c][f->len[c]] = '\0';
	return 0;
}

/*
 * Append to a column value; an input error past CR_FIELD_MAX.  Inline
 * for the usual case: what is added fits the buffer as it is and the
 * value stays within CR_FIELD_MAX.
 */
static inline int
xml_value_add(struct xml_reader *x, struct xml_frame *f, int c,
    const char *s, size_t n, const char *what, unsigned long line)
{
	if (n < f->cap[c] - f->len[c] && f->len[c] + n <= CR_FIELD_MAX) {
		memcpy(f->buf[c] + f->len[c], s, n);
		f->len[c] += n;
		f->buf[c][f->len[c]] = '\0';
		return 0;
	}
	return xml_value_grow(x, f, c, s, n, what, line);
}

/* The value of column c, NULL when absent or blank. */
static const char *
xml_value(const struct xml_frame *f, int c, size_t *len)
{
	if (!f->seen[c] || cr_is_blank(f->buf[c], f->len[c])) {
		*len = 0;
		return NULL;
	}
	*len = f->len[c];
	return f->buf[c];
}

/* Hand out the row of the innermost open element. */
static int
xml_emit(struct xml_reader *x)
{
	struct xml_frame *f = &x->frames[x->nframes - 1];
	const struct xml_elem *e = &x->doc->elems[f->elem];
	const char *val[CR_MAX_COLS];
	size_t len[CR_MAX_COLS];
	struct cr_row row;
	size_t i;
	int rc;

	for (i = 0; i < f->schema->ncols; i++) {
		if ((int)i == e->refcol)
			val[i] = xml_value(&x->frames[x->nframes - 2],
			    e->parent_idcol, &len[i]);
		else
			val[i] = xml_value(f, (int)i, &len[i]);
	}
	memset(&row, 0, sizeof row);
	for (i = x->nframes - 1; i-- > 0;) {
		if (x->frames[i].schema->table == CR_T_CUSTOMERS) {
			row.nest_customer = xml_value(&x->frames[i], CUS_ID,
			    &row.nest_customer_len);
			break;
		}
	}
	row.schema = f->schema;
	row.file = x->name;
	row.line = f->rowline;
	row.flags = CR_ROW_NESTED;
	row.val = val;
	row.len = len;
	rc = x->fn(x->arg, &row);

	for (i = 0; i < f->schema->ncols; i++) {
		if (f->cap[i] > XML_KEEPBUF) {
			free(f->buf[i]);
			f->buf[i] = NULL;
			f->cap[i] = 0;
			f->len[i] = 0;
		}
	}
	x->nframes--;
	return rc;
}

/* -- Elements ------------------------------------------------------- */

static size_t
xml_name_hash(const xmlChar *name)
{
	uint64_t h = (uint64_t)(uintptr_t)name * UINT64_C(0x9e3779b97f4a7c15);

	return (size_t)(h >> 32) & (XML_NAMES - 1);
}

/* The slot of `name` in the name table: its own, or the empty one. */
static size_t
xml_name_slot(const struct xml_reader *x, const xmlChar *name)
{
	size_t i = xml_name_hash(name);

	while (x->names[i].name != NULL && x->names[i].name != name)
		i = (i + 1) & (XML_NAMES - 1);
	return i;
}

/*
 * The known name `name`, or NULL: the same answers as comparing it with
 * ielem[] and icol[], in one look-up.
 */
static const struct xml_name *
xml_name_find(const struct xml_reader *x, const char *name)
{
	const struct xml_name *n = &x->names[xml_name_slot(x,
	    (const xmlChar *)name)];

	return n->name != NULL ? n : NULL;
}

static void
xml_name_add(struct xml_reader *x, const xmlChar *name, int elem, int col)
{
	struct xml_name *n;

	if (name == NULL)
		return;
	n = &x->names[xml_name_slot(x, name)];
	if (n->name == NULL) {
		n->name = name;
		n->elem = -1;
		memset(n->col, -1, sizeof n->col);
	}
	/* the first of equal pointers wins, as in the loops it replaces */
	if (col < 0 && n->elem < 0)
		n->elem = (signed char)elem;
	if (col >= 0 && n->col[elem] < 0)
		n->col[elem] = (signed char)col;
}

static void
xml_intern(struct xml_reader *x)
{
	const struct cr_schema *s;
	size_t i, c;

	x->ins = xmlTextReaderConstString(x->r, BAD_CAST x->doc->ns);
	for (i = 0; i < x->doc->nelems; i++) {
		s = cr_schema_get(x->doc->elems[i].table);
		x->ielem[i] = xmlTextReaderConstString(x->r,
		    BAD_CAST s->element);
		for (c = 0; c < s->ncols; c++)
			x->icol[i][c] = xmlTextReaderConstString(x->r,
			    BAD_CAST s->cols[c].name);
	}
	for (i = 0; i < x->doc->nelems; i++) {
		s = cr_schema_get(x->doc->elems[i].table);
		xml_name_add(x, x->ielem[i], (int)i, -1);
		for (c = 0; c < s->ncols; c++)
			xml_name_add(x, x->icol[i][c], (int)i, (int)c);
	}
}

static int
xml_our_ns(const struct xml_reader *x, const char *ns)
{
	return ns != NULL && ((const xmlChar *)ns == x->ins ||
	    strcmp(ns, x->doc->ns) == 0);
}

/*
 * The namespace URI of an element, as xmlTextReaderConstNamespaceUri()
 * gives it but without its dictionary look-up, and whether it is ours.
 * Elements in the root's default namespace share the root's xmlNs, which
 * lives as long as the root: a pointer comparison.
 */
static const char *
xml_node_ns(const struct xml_reader *x, const xmlNode *node, int *ours)
{
	const char *ns;

	if (node->ns == NULL || node->ns->href == NULL) {
		*ours = 0;
		return NULL;
	}
	ns = (const char *)node->ns->href;
	*ours = (node->ns == x->root_ns && !x->root_closed) ||
	    xml_our_ns(x, ns);
	return ns;
}

/*
 * Index of the record element `lname` in the document, or -1.  `slow`:
 * compare the strings, not only the interned pointers.
 */
static int
xml_record(const struct xml_reader *x, const char *lname, int slow)
{
	const struct xml_name *n = xml_name_find(x, lname);
	size_t i;

	if (n != NULL && n->elem >= 0)
		return n->elem;
	for (i = 0; slow && i < x->doc->nelems; i++) {
		if (strcmp(cr_schema_get(x->doc->elems[i].table)->element,
		    lname) == 0)
			return (int)i;
	}
	return -1;
}

/* Column `lname` of the open element f, or -1. */
static int
xml_column(const struct xml_reader *x, const struct xml_frame *f,
    const char *lname)
{
	const struct xml_name *n = xml_name_find(x, lname);

	if (n != NULL && n->col[f->elem] >= 0)
		return n->col[f->elem];
	return cr_schema_column(f->schema, lname, strlen(lname));
}

/*
 * The attributes of the current element: columns with CR_COL_ATTR of `f`
 * (NULL: none), the rest warned.  Namespace declarations are skipped.
 */
static int
xml_attributes_slow(struct xml_reader *x, struct xml_frame *f,
    const char *elem, unsigned long line)
{
	const char *lname, *value;
	int rc, c, ret = 0;

	for (rc = xmlTextReaderMoveToFirstAttribute(x->r); rc == 1 && ret == 0;
	    rc = xmlTextReaderMoveToNextAttribute(x->r)) {
		if (xmlTextReaderIsNamespaceDecl(x->r) == 1)
			continue;
		lname = (const char *)xmlTextReaderConstLocalName(x->r);
		value = (const char *)xmlTextReaderConstValue(x->r);
		if (lname == NULL || value == NULL)
			break;
		c = -1;
		if (f != NULL && xmlTextReaderConstNamespaceUri(x->r) == NULL)
			c = xml_column(x, f, lname);
		if (c < 0 || !(f->schema->cols[c].flags & CR_COL_ATTR)) {
			xml_unknown_attribute(x, line,
			    (const char *)xmlTextReaderConstName(x->r), elem);
			continue;
		}
		f->seen[c] = 1;
		f->len[c] = 0;
		ret = xml_value_add(x, f, c, value, strlen(value),
		    "attribute", line);
	}
	if (xmlTextReaderMoveToElement(x->r) < 0 && ret == 0 &&
	    x->xerr == NULL)
		x->xerr = xstrdup("cannot go back from the attributes");
	return ret;
}

/*
 * The same for the current element `node`, reading its attribute nodes in
 * place when they are all plain: no namespace declaration, no namespace,
 * each an interned column name of `f` with CR_COL_ATTR and one text node
 * as its value (what xmlTextReaderConstValue() returns then).  Anything
 * else (unknown names to warn about, entity references, ...) goes the
 * reader's way, from the first attribute again: the values set so far
 * are set again to the same.
 */
static int
xml_attributes(struct xml_reader *x, const xmlNode *node,
    struct xml_frame *f, const char *elem, unsigned long line)
{
	const xmlAttr *a;
	const xmlNode *t;
	const struct xml_name *n;
	const char *value;
	int c, ret;

	if (node->nsDef != NULL)
		return xml_attributes_slow(x, f, elem, line);
	if (node->properties == NULL)
		return 0;
	if (f == NULL)
		return xml_attributes_slow(x, f, elem, line);
	for (a = node->properties; a != NULL; a = a->next) {
		t = a->children;
		if (a->ns != NULL || t == NULL || t->type != XML_TEXT_NODE ||
		    t->next != NULL || t->content == NULL)
			return xml_attributes_slow(x, f, elem, line);
		n = xml_name_find(x, (const char *)a->name);
		c = n != NULL ? n->col[f->elem] : -1;
		if (c < 0 || !(f->schema->cols[c].flags & CR_COL_ATTR))
			return xml_attributes_slow(x, f, elem, line);
		value = (const char *)t->content;
		f->seen[c] = 1;
		f->len[c] = 0;
		if ((ret = xml_value_add(x, f, c, value, strlen(value),
		    "attribute", line)) != 0)
			return ret;
	}
	return 0;
}

static int
xml_root(struct xml_reader *x, const xmlNode *node, const char *lname,
    const char *ns, int ours, unsigned long line)
{
	char q[XML_QUOTE * 4 + 8], qn[XML_QUOTE * 4 + 8];

	if (strcmp(lname, x->doc->root) != 0 || !ours) {
		xml_quote(q, sizeof q, lname);
		if (ns == NULL)
			cr_err_set(x->name, line, "root element <%s> in no "
			    "namespace: expected <%s xmlns=\"%s\">", q,
			    x->doc->root, x->doc->ns);
		else
			cr_err_set(x->name, line, "root element <%s> in "
			    "namespace \"%s\": expected <%s xmlns=\"%s\">", q,
			    xml_quote(qn, sizeof qn, ns), x->doc->root,
			    x->doc->ns);
		return CR_STATUS_DATA;
	}
	x->root_seen = 1;
	x->root_ns = node->ns;
	if (xmlTextReaderIsEmptyElement(x->r) == 1)
		x->root_closed = 1;
	return xml_attributes(x, node, NULL, lname, line);
}

/* The current element's qualified name, for a warning. */
static const char *
xml_qname(struct xml_reader *x)
{
	const char *qname = (const char *)xmlTextReaderConstName(x->r);

	return qname != NULL ? qname : "";
}

/* The start of a record element e: a new frame for its row. */
static int
xml_start_record(struct xml_reader *x, const xmlNode *node, int e,
    unsigned long line, int empty)
{
	struct xml_frame *f;
	int rc;

	if (x->nframes == XML_LEVELS) {	/* cannot happen */
		cr_err_set(x->name, line, "elements nested too deep");
		return CR_STATUS_DATA;
	}
	f = &x->frames[x->nframes++];
	f->elem = e;
	f->schema = cr_schema_get(x->doc->elems[e].table);
	f->line = line;
	f->rowline = x->doc->index_lines ? ++x->nrecords : line;
	memset(f->seen, 0, sizeof f->seen);
	memset(f->len, 0, sizeof f->len);
	if ((rc = xml_attributes(x, node, f, (const char *)node->name,
	    line)) != 0)
		return rc;
	return empty ? xml_emit(x) : 0;
}

/* The start of column c of the open record (`where` names it). */
static int
xml_start_column(struct xml_reader *x, const xmlNode *node, int c,
    const char *where, unsigned long line, int empty)
{
	struct xml_frame *top = &x->frames[x->nframes - 1];
	const char *lname = (const char *)node->name;
	char q[XML_QUOTE * 4 + 8];
	int rc;

	if (top->seen[c]) {
		cr_err_set(x->name, line, "element <%s> given twice in <%s>",
		    xml_quote(q, sizeof q, lname), where);
		return CR_STATUS_DATA;
	}
	top->seen[c] = 1;
	top->len[c] = 0;
	/* make an empty value a string, for xml_value() */
	if ((rc = xml_value_add(x, top, c, "", 0, "element", line)) != 0 ||
	    (rc = xml_attributes(x, node, NULL, lname, line)) != 0)
		return rc;
	if (!empty) {
		x->col = c;
		x->col_line = line;
	}
	return 0;
}

/*
 * A start tag: `node`, the current node.  *skip: step over its subtree.
 * Its names are read from the node (an element's local name is its
 * name); the qualified name is asked for only to warn.
 */
static int
xml_start(struct xml_reader *x, const xmlNode *node, int *skip)
{
	const char *lname, *ns, *where;
	struct xml_frame *top;
	unsigned long line = xml_line(x, node);
	int empty, e, parent, c, ours;
	char q[XML_QUOTE * 4 + 8];

	lname = (const char *)node->name;
	ns = xml_node_ns(x, node, &ours);
	empty = xmlTextReaderIsEmptyElement(x->r) == 1;
	if (lname == NULL) {
		x->xerr = xstrdup("element without a name");
		return 0;
	}
	if (!x->root_seen)
		return xml_root(x, node, lname, ns, ours, line);

	top = x->nframes > 0 ? &x->frames[x->nframes - 1] : NULL;
	parent = top != NULL ? top->elem : -1;
	if (x->col >= 0)
		where = top->schema->cols[x->col].name;
	else if (top != NULL)
		where = top->schema->element;
	else
		where = x->doc->root;

	if (!ours) {
		xml_unknown_element(x, line, xml_qname(x));
		*skip = 1;
		return 0;
	}

	/* a record element, or a column of the open one, or neither */
	c = -1;
	if ((e = xml_record(x, lname, 0)) < 0) {
		if (top != NULL && x->col < 0 &&
		    (c = xml_column(x, top, lname)) >= 0 &&
		    ((top->schema->cols[c].flags & CR_COL_ATTR) ||
		    c == x->doc->elems[top->elem].refcol))
			c = -1;
		if (c < 0)
			e = xml_record(x, lname, 1);
	}
	if ((e >= 0 && (x->col >= 0 || x->doc->elems[e].parent != parent)) ||
	    (e < 0 && c < 0 && strcmp(lname, x->doc->root) == 0)) {
		cr_err_set(x->name, line, "element <%s> is not allowed in <%s>",
		    xml_quote(q, sizeof q, lname), where);
		return CR_STATUS_DATA;
	}

	if (e >= 0)
		return xml_start_record(x, node, e, line, empty);
	if (c < 0) {
		xml_unknown_element(x, line, xml_qname(x));
		*skip = 1;
		return 0;
	}
	return xml_start_column(x, node, c, where, line, empty);
}

static int
xml_end(struct xml_reader *x)
{
	if (x->col >= 0) {
		x->col = -1;
		return 0;
	}
	if (x->nframes > 0)
		return xml_emit(x);
	x->root_closed = 1;
	return 0;
}

/*
 * Text or CDATA (`node`, the current node): part of the open column's
 * value; elsewhere ignored.
 */
static int
xml_text(struct xml_reader *x, const xmlNode *node)
{
	const char *s;

	if (x->col < 0)
		return 0;
	s = (const char *)node->content;
	if (s == NULL)
		return 0;
	return xml_value_add(x, &x->frames[x->nframes - 1], x->col, s,
	    strlen(s), "element", x->col_line);
}

/* -- The reader ----------------------------------------------------- */

/* Whether xml_fault() has something to say: the per-node test. */
#define XML_FAILED(x)	((x)->io_failed || (x)->dtd_line != 0 || \
			    (x)->xerr != NULL)

/* Non-zero when reading must stop for an I/O, DTD or libxml2 error. */
static int
xml_fault(struct xml_reader *x)
{
	char q[512];

	if (!x->io_failed && x->dtd_line == 0 && x->xerr == NULL)
		return 0;
	if (x->io_failed)
		return cr_stream_status(x->stream) != 0 ?
		    cr_stream_status(x->stream) : CR_STATUS_IO;
	if (x->dtd_line != 0) {
		cr_err_set(x->name, x->dtd_line, "DTD (<!DOCTYPE>) refused");
		return CR_STATUS_DATA;
	}
	/* libxml2 says "Extra content at the end" of a cut document */
	if (x->xerr != NULL && x->xerr_code == XML_ERR_DOCUMENT_END &&
	    x->eof && x->root_seen && !x->root_closed) {
		cr_err_set(x->name, x->xerr_line, "malformed XML: the document "
		    "ends before </%s> (truncated?)", x->doc->root);
		return CR_STATUS_DATA;
	}
	if (x->xerr != NULL) {
		cr_err_set(x->name, x->xerr_line, "malformed XML: %s",
		    cr_diag_quote(q, sizeof q, x->xerr, strlen(x->xerr),
		    200));
		return CR_STATUS_DATA;
	}
	return 0;
}

/*
 * The node loop.  A text or CDATA node (most nodes: the indentation
 * between elements) goes to xml_text() on its xmlNode type alone:
 * xmlTextReaderNodeType() would tell TEXT from WHITESPACE from
 * SIGNIFICANT_WHITESPACE, walking the ancestors for xml:space, and all
 * three are handled alike.
 */
static int
xml_loop(struct xml_reader *x)
{
	const xmlNode *node;
	int rc, ret, skip;

	rc = xmlTextReaderRead(x->r);
	while (rc == 1) {
		if (XML_FAILED(x) && (ret = xml_fault(x)) != 0)
			return ret;
		skip = 0;
		ret = 0;
		node = xmlTextReaderCurrentNode(x->r);
		if (node == NULL)
			;
		else if (node->type == XML_TEXT_NODE ||
		    node->type == XML_CDATA_SECTION_NODE)
			ret = xml_text(x, node);
		else switch (xmlTextReaderNodeType(x->r)) {
		case XML_READER_TYPE_ELEMENT:
			ret = xml_start(x, node, &skip);
			break;
		case XML_READER_TYPE_END_ELEMENT:
			ret = xml_end(x);
			break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_WHITESPACE:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
			ret = xml_text(x, node);
			break;
		case XML_READER_TYPE_DOCUMENT_TYPE:
			cr_err_set(x->name, xml_line(x, node),
			    "DTD (<!DOCTYPE>) refused");
			return CR_STATUS_DATA;
		case XML_READER_TYPE_ENTITY_REFERENCE:
			cr_err_set(x->name, xml_line(x, node),
			    "entity reference refused");
			return CR_STATUS_DATA;
		default:
			break;
		}
		if (ret != 0)
			return ret;
		rc = skip ? xmlTextReaderNext(x->r) : xmlTextReaderRead(x->r);
	}
	if ((ret = xml_fault(x)) != 0)
		return ret;
	if (rc < 0 || !x->root_seen || !x->root_closed) {
		cr_err_set(x->name, (unsigned long)xmlTextReaderGetParserLineNumber(
		    x->r), "malformed XML: %s", !x->root_seen ?
		    "no root element" : "document ends too early");
		return CR_STATUS_DATA;
	}
	return 0;
}

static int
xml_read(struct cr_stream *s, const struct xml_doc *doc, cr_row_fn fn,
    void *arg)
{
	struct xml_reader *x = xcalloc(1, sizeof *x);
	xmlGenericErrorFunc old_generic = xmlGenericError;
	void *old_generic_ctx = xmlGenericErrorContext;
	xmlStructuredErrorFunc old_structured = xmlStructuredError;
	void *old_structured_ctx = xmlStructuredErrorContext;
	size_t i;
	int j, rc;

	x->doc = doc;
	x->stream = s;
	x->name = cr_stream_name(s);
	x->fn = fn;
	x->arg = arg;
	x->col = -1;
	cr_xml_prolog_init(&x->prolog);

	xmlSetExternalEntityLoader(xml_deny_entity_loader);
	xmlSetGenericErrorFunc(NULL, xml_generic_silent);
	xmlSetStructuredErrorFunc(x, xml_error_handler);

	x->r = xmlReaderForIO(xml_io_read, NULL, x, NULL, NULL, XML_OPTIONS);
	if (x->r == NULL) {
		rc = xml_fault(x);
		if (rc == 0) {
			cr_err_set(x->name, 0, "cannot create an XML reader");
			rc = CR_STATUS_IO;
		}
	} else {
		xmlTextReaderSetStructuredErrorHandler(x->r, xml_error_handler,
		    x);
		xml_intern(x);
		rc = xml_loop(x);
		xmlFreeTextReader(x->r);
	}

	xmlSetStructuredErrorFunc(old_structured_ctx, old_structured);
	xmlSetGenericErrorFunc(old_generic_ctx, old_generic);

	for (j = 0; j < XML_LEVELS; j++) {
		for (i = 0; i < CR_MAX_COLS; i++)
			free(x->frames[j].buf[i]);
	}
	for (i = 0; i < x->nwarned; i++) {
		free(x->warned[i].a);
		free(x->warned[i].b);
	}
	free(x->xerr);
	free(x);
	return rc;
}

int
cr_xml_read_export(struct cr_stream *s, cr_row_fn fn, void *arg)
{
	return xml_read(s, &xml_export_doc, fn, arg);
}

int
cr_xml_read_manifest(struct cr_stream *s, cr_row_fn fn, void *arg)
{
	return xml_read(s, &xml_manifest_doc, fn, arg);
}
