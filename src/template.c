/*
 * template.c -- loading, checking and choosing the claim email templates
 * (see template.h for the syntax, docs/emails.md for the placeholders);
 * template-render.c renders them.
 *
 * A template is parsed once into a flat array of nodes (text, value,
 * loop, condition; template-private.h); a section node records where its
 * content ends.  Every placeholder is resolved against the table below at
 * load time: rendering never meets an unknown name.  It deliberately has
 * no partials, no expressions and no way to emit a value unescaped in
 * HTML.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>
#include <unistr.h>

#include "custrelease.h"
#include "err.h"
#include "template.h"
#include "template-private.h"
#include "xmalloc.h"

#define TEMPLATE_FILE_MAX	(256 * 1024)	/* bytes per template file */
#define TEMPLATE_LANG_MAX	35		/* characters of a name */
#define TEMPLATE_STACK_MAX	16		/* nested sections */
#define TEMPLATE_QUOTE_MAX	48		/* bytes quoted in a message */

/* ---- the placeholders ---- */

static const char *const tv_kinds[] = {
	"domain", "certificate", "hosting", "mailbox", NULL
};
static const char *const tv_roles[] = { "admin", "tech", "bill", NULL };
static const char *const tv_months[] = {
	"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", NULL
};
static const char *const tv_days[] = {
	"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13",
	"14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24",
	"25", "26", "27", "28", "29", "30", "31", NULL
};
static const char *const tv_weekdays[] = {
	"1", "2", "3", "4", "5", "6", "7", NULL
};

const struct tvar template_vars[V_COUNT] = {
	[V_FIRSTNAME] =		{ "firstname", TS_TOP, TT_STR, 0, NULL },
	[V_LASTNAME] =		{ "lastname", TS_TOP, TT_STR, 0, NULL },
	[V_EMAIL] =		{ "email", TS_TOP, TT_STR, 0, NULL },
	[V_RESELLER] =		{ "reseller", TS_TOP, TT_STR, 0, NULL },
	[V_CLAIM_LINK] =	{ "claim_link", TS_TOP, TT_STR, 0, NULL },
	[V_EXPIRES_ISO] =	{ "expires_iso", TS_TOP, TT_STR, 0, NULL },
	[V_EXPIRES_DAY] =	{ "expires_day", TS_TOP, TT_ENUM, 0, tv_days },
	[V_EXPIRES_MONTH] =	{ "expires_month", TS_TOP, TT_ENUM, 0,
				    tv_months },
	[V_EXPIRES_YEAR] =	{ "expires_year", TS_TOP, TT_STR, 0, NULL },
	[V_EXPIRES_TIME] =	{ "expires_time", TS_TOP, TT_STR, 0, NULL },
	[V_EXPIRES_WEEKDAY] =	{ "expires_weekday", TS_TOP, TT_ENUM, 0,
				    tv_weekdays },
	[V_IMPORT_ACCOUNT] =	{ "import_account", TS_TOP, TT_STR, 0, NULL },
	[V_CHANGE_OWNER] =	{ "change_owner", TS_TOP, TT_BOOL, 0, NULL },
	[V_PRODUCTS] =		{ "products", TS_TOP, TT_LIST, TS_PRODUCT,
				    NULL },
	[V_PRODUCT_COUNT] =	{ "product_count", TS_TOP, TT_STR, 0, NULL },
	[V_SHARES] =		{ "shares", TS_TOP, TT_LIST, TS_SHARE, NULL },
	[V_CONTACTS] =		{ "contacts", TS_TOP, TT_LIST, TS_CONTACT,
				    NULL },
	[V_REQUEST_ID] =	{ "request_id", TS_TOP, TT_STR, 0, NULL },
	[V_CUSTOMER_ID] =	{ "customer_id", TS_TOP, TT_STR, 0, NULL },
	[V_RUN_ID] =		{ "run_id", TS_TOP, TT_STR, 0, NULL },
	[V_SUBJECT] =		{ "subject", TS_TOP, TT_STR, 0, NULL },
	[V_P_KIND] =		{ "kind", TS_PRODUCT, TT_ENUM, 0, tv_kinds },
	[V_P_NAME] =		{ "name", TS_PRODUCT, TT_STR, 0, NULL },
	[V_S_NAME] =		{ "name", TS_SHARE, TT_STR, 0, NULL },
	[V_S_USERNAME] =	{ "username", TS_SHARE, TT_STR, 0, NULL },
	[V_C_NAME] =		{ "name", TS_CONTACT, TT_STR, 0, NULL },
	[V_C_ROLE] =		{ "role", TS_CONTACT, TT_ENUM, 0, tv_roles },
	[V_C_OLD_EMAIL] =	{ "old_email", TS_CONTACT, TT_STR, 0, NULL },
	[V_C_NEW_EMAIL] =	{ "new_email", TS_CONTACT, TT_STR, 0, NULL },
};

static const char *const template_ext[3] = { "subject", "txt", "html" };

/* The state of one file being parsed. */
struct tparse {
	const char	*path;
	unsigned long	 line;
	struct tmpl	*t;
	enum cr_template_part part;
	size_t		 stack[TEMPLATE_STACK_MAX];	/* open sections */
	unsigned long	 stack_line[TEMPLATE_STACK_MAX];
	size_t		 depth;
	int		 loop;		/* enum tv_scope of the open loop */
};

static void
tmpl_free(struct tmpl *t)
{
	size_t i, k;

	for (i = 0; i < t->n; i++) {
		if (t->nodes[i].map == NULL)
			continue;
		for (k = 0; template_vars[t->nodes[i].var].values[k] != NULL;
		    k++)
			free(t->nodes[i].map[k]);
		free(t->nodes[i].map);
	}
	free(t->nodes);
	free(t->text);
	memset(t, 0, sizeof *t);
}

static struct tnode *
tmpl_add(struct tmpl *t, enum tnode_kind kind)
{
	struct tnode *nd;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->nodes = xreallocarray(t->nodes, t->cap, sizeof *t->nodes);
	}
	nd = &t->nodes[t->n++];
	memset(nd, 0, sizeof *nd);
	nd->kind = (unsigned char)kind;
	return nd;
}

static void
tmpl_text(struct tmpl *t, size_t off, size_t len)
{
	struct tnode *nd;

	if (len == 0)
		return;
	/* Extend the previous text node when contiguous. */
	if (t->n > 0 && t->nodes[t->n - 1].kind == TN_TEXT &&
	    t->nodes[t->n - 1].off + t->nodes[t->n - 1].len == off) {
		t->nodes[t->n - 1].len += len;
		return;
	}
	nd = tmpl_add(t, TN_TEXT);
	nd->off = off;
	nd->len = len;
}

static int
tparse_error(const struct tparse *p, const char *fmt, const char *s,
    size_t len)
{
	char q[TEMPLATE_QUOTE_MAX + 16];

	const char *pct = strstr(fmt, "%s");

	/* fmt holds one "%s", spliced here so fmt need not be a literal. */
	cr_diag_quote(q, sizeof q, s, len, TEMPLATE_QUOTE_MAX);
	if (pct == NULL)
		cr_err_set(p->path, p->line, "%s", fmt);
	else
		cr_err_set(p->path, p->line, "%.*s%s%s", (int)(pct - fmt), fmt,
		    q, pct + 2);
	return -1;
}

/* The placeholder `name` as seen from the current loop, or -1. */
static int
tparse_lookup(const struct tparse *p, const char *name, size_t len)
{
	size_t i;
	int top = -1;

	for (i = 0; i < V_COUNT; i++) {
		if (strlen(template_vars[i].name) != len ||
		    memcmp(template_vars[i].name, name, len) != 0)
			continue;
		if (template_vars[i].scope == p->loop && p->loop != TS_TOP)
			return (int)i;
		if (template_vars[i].scope == TS_TOP)
			top = (int)i;
	}
	if (top == V_SUBJECT && p->part == CR_TEMPLATE_SUBJECT)
		return -1;
	return top;
}

static int
tname_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !(islower((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (i = 1; i < len; i++)
		if (!(islower((unsigned char)s[i]) ||
		    isdigit((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

/* The map of {{var|key=text|...}}: s[0..len) starts after the name. */
static int
tparse_map(struct tparse *p, struct tnode *nd, const char *s, size_t len)
{
	const char *const *values = template_vars[nd->var].values;
	size_t nvalues, k, i = 0, kb, ke, tb;
	int fallback = 0;

	for (nvalues = 0; values[nvalues] != NULL; nvalues++)
		;
	nd->map = xcalloc(nvalues, sizeof *nd->map);
	while (i < len) {
		/* s[i] is '|' */
		i++;
		kb = i;
		while (i < len && s[i] != '=' && s[i] != '|')
			i++;
		ke = i;
		while (ke > kb && (s[ke - 1] == ' ' || s[ke - 1] == '\t'))
			ke--;
		while (kb < ke && (s[kb] == ' ' || s[kb] == '\t'))
			kb++;
		if (ke - kb == 1 && s[kb] == '*' && (i == len || s[i] == '|')) {
			fallback = 1;		/* others: the value itself */
			continue;
		}
		if (i == len || s[i] != '=')
			return tparse_error(p, "template: expected "
			    "value=text or * after \"|\" in \"%s\"", s, len);
		for (k = 0; k < nvalues; k++)
			if (strlen(values[k]) == ke - kb &&
			    memcmp(values[k], s + kb, ke - kb) == 0)
				break;
		if (k == nvalues)
			return tparse_error(p, "template: \"%s\" is not a "
			    "possible value here", s + kb, ke - kb);
		if (nd->map[k] != NULL)
			return tparse_error(p, "template: value \"%s\" "
			    "mapped twice", s + kb, ke - kb);
		tb = ++i;
		while (i < len && s[i] != '|')
			i++;
		if (memchr(s + tb, '{', i - tb) != NULL ||
		    memchr(s + tb, '}', i - tb) != NULL)
			return tparse_error(p, "template: \"{\" or \"}\" in "
			    "mapped text \"%s\"", s + tb, i - tb);
		nd->map[k] = xmemdup0(s + tb, i - tb);
	}
	for (k = 0; k < nvalues && !fallback; k++)
		if (nd->map[k] == NULL)
			return tparse_error(p, "template: no text for value "
			    "\"%s\"", values[k], strlen(values[k]));
	return 0;
}

/* One tag; s[0..len) is what lies between the braces. */
/* {{/name}}: close the innermost open section, which must be name's. */
static int
tparse_close(struct tparse *p, const char *s, size_t nlen)
{
	struct tmpl *t = p->t;
	const char *name;
	size_t open;

	if (p->depth == 0)
		return tparse_error(p, "template: {{/%s}} closes no section",
		    s, nlen);
	open = p->stack[p->depth - 1];
	name = template_vars[t->nodes[open].var].name;
	if (strlen(name) != nlen || memcmp(name, s, nlen) != 0)
		return tparse_error(p, "template: {{/%s}} does not close the "
		    "innermost open section", s, nlen);
	if (t->nodes[open].kind == TN_LOOP)
		p->loop = TS_TOP;
	t->nodes[open].end = t->n;
	p->depth--;
	return 0;
}

/* {{#list}}, {{?cond}}, {{^cond}}: open a section on variable v. */
static int
tparse_open(struct tparse *p, char sigil, int v, const char *s, size_t nlen)
{
	struct tmpl *t = p->t;
	struct tnode *nd;

	if (sigil == '#' && template_vars[v].type != TT_LIST)
		return tparse_error(p, "template: {{#%s}} is not a list", s,
		    nlen);
	if (sigil == '#' && p->loop != TS_TOP)
		return tparse_error(p, "template: {{#%s}}: loops do not nest",
		    s, nlen);
	if (p->depth == TEMPLATE_STACK_MAX)
		return tparse_error(p, "template: sections nested too deep at "
		    "\"%s\"", s, nlen);
	nd = tmpl_add(t, sigil == '#' ? TN_LOOP : sigil == '?' ? TN_IF :
	    TN_IFNOT);
	nd->var = (unsigned char)v;
	p->stack_line[p->depth] = p->line;
	p->stack[p->depth++] = t->n - 1;
	if (sigil == '#')
		p->loop = template_vars[v].item;
	return 0;
}

static int
tparse_tag(struct tparse *p, const char *s, size_t len)
{
	struct tnode *nd;
	size_t nlen;
	char sigil = 0;
	int v;

	while (len > 0 && (s[0] == ' ' || s[0] == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len > 0 && s[0] == '!')
		return 0;			/* comment */
	if (len > 0 && strchr("#?^/", s[0]) != NULL) {
		sigil = s[0];
		s++, len--;
		while (len > 0 && (s[0] == ' ' || s[0] == '\t'))
			s++, len--;
	}
	for (nlen = 0; nlen < len && s[nlen] != '|'; nlen++)
		;
	while (nlen > 0 && (s[nlen - 1] == ' ' || s[nlen - 1] == '\t'))
		nlen--;
	if (!tname_ok(s, nlen))
		return tparse_error(p, "template: bad placeholder "
		    "\"{{%s}}\"", s, len);
	if (sigil != 0 && nlen != len)
		return tparse_error(p, "template: \"|\" in a section tag "
		    "\"%s\"", s, len);

	if (sigil == '/')
		return tparse_close(p, s, nlen);

	v = tparse_lookup(p, s, nlen);
	if (v < 0)
		return tparse_error(p, "template: unknown placeholder "
		    "\"%s\"", s, nlen);
	if (sigil != 0)
		return tparse_open(p, sigil, v, s, nlen);
	if (template_vars[v].type == TT_LIST)
		return tparse_error(p, "template: \"%s\" is a list: use "
		    "{{#...}}...{{/...}}", s, nlen);
	if (template_vars[v].type == TT_BOOL)
		return tparse_error(p, "template: \"%s\" is a condition: "
		    "use {{?...}}...{{/...}}", s, nlen);
	nd = tmpl_add(p->t, TN_VAR);
	nd->var = (unsigned char)v;
	if (nlen == len)
		return 0;
	if (template_vars[v].type != TT_ENUM)
		return tparse_error(p, "template: \"%s\" takes no "
		    "value map", s, nlen);
	while (nlen < len && s[nlen] != '|')
		nlen++;
	return tparse_map(p, nd, s + nlen, len - nlen);
}

static int
tparse_is_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/* One line of p->t->text: [b, e), e excluding the newline at e (if any). */
static int
tparse_line(struct tparse *p, size_t b, size_t e, size_t next)
{
	const char *text = p->t->text;
	const char *open, *close;
	size_t tags = 0, i = b, tb = 0, te = 0;
	int standalone;

	/* Find the tags; tags do not span lines. */
	while ((open = memmem(text + i, e - i, "{{", 2)) != NULL) {
		close = memmem(open + 2, (size_t)(text + e - open - 2),
		    "}}", 2);
		if (close == NULL)
			return tparse_error(p, "template: \"{{\" without "
			    "\"}}\" on the same line: \"%s\"", open,
			    (size_t)(text + e - open));
		if (tags++ == 0) {
			tb = (size_t)(open - text);
			te = (size_t)(close + 2 - text);
		}
		i = (size_t)(close + 2 - text);
	}
	standalone = tags == 1 && strchr("#?^/!", text[tb + 2 +
	    strspn(text + tb + 2, " \t")]) != NULL &&
	    tparse_is_blank(text + b, tb - b) &&
	    tparse_is_blank(text + te, e - te);
	if (standalone)
		return tparse_tag(p, text + tb + 2, te - tb - 4);
	i = b;
	while ((open = memmem(text + i, e - i, "{{", 2)) != NULL) {
		close = memmem(open + 2, (size_t)(text + e - open - 2),
		    "}}", 2);
		tmpl_text(p->t, i, (size_t)(open - text) - i);
		if (tparse_tag(p, open + 2, (size_t)(close - open - 2)) != 0)
			return -1;
		i = (size_t)(close + 2 - text);
	}
	tmpl_text(p->t, i, next - i);
	return 0;
}

/*
 * Check the bytes of a file (UTF-8, no controls but TAB and LF; CRLF
 * becomes LF) and parse it into t.  0, or -1 after a message.
 */
static int
tmpl_parse(struct tmpl *t, const char *path, enum cr_template_part part)
{
	struct tparse p = { .path = path, .line = 1, .t = t, .part = part,
	    .loop = TS_TOP };
	unsigned char *s = (unsigned char *)t->text;
	size_t len = strlen(t->text), i, o, b, e;
	const uint8_t *bad;

	/* CRLF -> LF, refuse other controls, line by line for UTF-8. */
	for (i = o = 0, b = 0; i <= len; i++) {
		if (i < len && s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		if (i == len || s[i] == '\n') {
			bad = u8_check(s + b, o - b);
			if (bad != NULL)
				return tparse_error(&p, "template: invalid "
				    "UTF-8: \"%s\"", (const char *)bad,
				    (size_t)(s + o - bad));
			if (i < len) {
				s[o++] = '\n';
				p.line++;
			}
			b = o;
			continue;
		}
		if ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f) {
			cr_err_set(path, p.line, "template: control character "
			    "0x%02X (only TAB and line ends are allowed)",
			    s[i]);
			return -1;
		}
		s[o++] = s[i];
	}
	s[o] = '\0';
	len = o;
	if (part == CR_TEMPLATE_SUBJECT) {
		e = len;
		if (e > 0 && s[e - 1] == '\n')
			s[--e] = '\0';
		p.line = 1;
		if (memchr(s, '\n', e) != NULL) {
			cr_err_set(path, 2, "template: a subject is one line");
			return -1;
		}
		if (tparse_is_blank((char *)s, e)) {
			cr_err_set(path, 1, "template: the subject is empty");
			return -1;
		}
		len = e;
	}
	p.line = 1;
	for (b = 0; b < len; b = e + 1, p.line++) {
		e = b;
		while (e < len && s[e] != '\n')
			e++;
		if (tparse_line(&p, b, e, e < len ? e + 1 : e) != 0)
			return -1;
		if (e == len)
			break;
	}
	if (p.depth > 0) {
		p.line = p.stack_line[p.depth - 1];
		b = p.stack[p.depth - 1];
		return tparse_error(&p, "template: section \"%s\" is never "
		    "closed", template_vars[t->nodes[b].var].name,
		    strlen(template_vars[t->nodes[b].var].name));
	}
	return 0;
}

/* ---- loading a directory ---- */

/*
 * Whether a failed open is the user's (a wrong path: usage) or the
 * system's (an I/O error).
 */
static int
template_open_status(int err)
{
	return err == ENOENT || err == EACCES || err == ENOTDIR ||
	    err == ELOOP || err == ENAMETOOLONG ? CR_STATUS_USAGE : CR_STATUS_IO;
}

/*
 * Read a whole template file (NUL-terminated).  NULL after a message, with
 * *status CR_STATUS_IO for a read error.
 */
static char *
template_read(int dirfd, const char *name, const char *path, int *status)
{
	struct stat st;
	char *buf;
	size_t n = 0, size = 8192;
	ssize_t r;
	int fd;

	/* O_NONBLOCK: a FIFO must be refused below, not waited on */
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		*status = template_open_status(errno);
		cr_err_set(path, 0, "template: cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		cr_err_set(path, 0, "template: not a regular file");
		close(fd);
		return NULL;
	}
	buf = xmalloc(size);
	for (;;) {
		if (n + 1 == size)
			buf = xrealloc(buf, size *= 2);
		r = read(fd, buf + n, size - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*status = CR_STATUS_IO;
			cr_err_set(path, 0, "template: read error: %s",
			    strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > TEMPLATE_FILE_MAX) {
			cr_err_set(path, 0, "template: larger than %d bytes",
			    TEMPLATE_FILE_MAX);
			goto fail;
		}
	}
	close(fd);
	if (memchr(buf, '\0', n) != NULL) {
		cr_err_set(path, 0, "template: NUL byte");
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

static int
template_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct tlang *
template_lang(struct cr_templates *ts, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		if (strlen(ts->langs[i].name) == len &&
		    memcmp(ts->langs[i].name, name, len) == 0)
			return &ts->langs[i];
	ts->langs = xreallocarray(ts->langs, ts->n + 1, sizeof *ts->langs);
	memset(&ts->langs[ts->n], 0, sizeof ts->langs[ts->n]);
	ts->langs[ts->n].name = xmemdup0(name, len);
	return &ts->langs[ts->n++];
}

/*
 * A directory entry: 1 if it is a template name (lang lower-cased into
 * lang[], part set), 0 if it is some other file, -1 if it looks like a
 * template but its language name is not letters, digits and '-'.
 */
static int
template_name(const char *name, char lang[TEMPLATE_LANG_MAX + 1],
    enum cr_template_part *part)
{
	const char *dot = strrchr(name, '.');
	size_t len, i;
	int k;

	if (dot == NULL || name[0] == '.')
		return 0;
	for (k = 0; k < 3; k++)
		if (strcmp(dot + 1, template_ext[k]) == 0)
			break;
	if (k == 3)
		return 0;
	*part = (enum cr_template_part)k;
	len = (size_t)(dot - name);
	if (len == 0 || len > TEMPLATE_LANG_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '-')
			return -1;
		lang[i] = (char)tolower((unsigned char)name[i]);
	}
	lang[len] = '\0';
	return 1;
}

struct cr_templates *
cr_templates_load(const char *dir)
{
	struct cr_templates *ts;

	return cr_templates_open(dir, &ts) == 0 ? ts : NULL;
}

/*
 * Add the file `name` (text: allocated, taken over) to ts; `path` names
 * it in messages.  0 (not a template: ignored, text freed), or -1 after a
 * message.
 */
static int
template_add(struct cr_templates *ts, const char *name, char *text,
    const char *path)
{
	char lang[TEMPLATE_LANG_MAX + 1];
	enum cr_template_part part;
	struct tlang *tl;
	int rc = template_name(name, lang, &part);

	if (rc <= 0) {
		free(text);
		if (rc < 0)
			cr_err_set(path, 0, "template: a language name is "
			    "1 to %d letters, digits and '-'",
			    TEMPLATE_LANG_MAX);
		return rc;
	}
	tl = template_lang(ts, lang, strlen(lang));
	if (tl->have[part]) {
		free(text);
		cr_err_set(path, 0, "template: a second %s.%s (names are "
		    "compared case-insensitively)", lang, template_ext[part]);
		return -1;
	}
	tl->have[part] = 1;
	tl->part[part].text = text;
	return tmpl_parse(&tl->part[part], path, part);
}

/* Every language complete, and en present: 0, or -1 after a message. */
static int
template_complete(struct cr_templates *ts, const char *dir)
{
	struct tlang *tl;
	enum cr_template_part part;
	size_t i;

	for (i = 0; i < ts->n; i++) {
		tl = &ts->langs[i];
		for (part = CR_TEMPLATE_SUBJECT; part <= CR_TEMPLATE_TEXT;
		    part++) {
			if (tl->have[part])
				continue;
			cr_err_set(dir, 0, "template: language \"%s\" has no "
			    "%s.%s", tl->name, tl->name, template_ext[part]);
			return -1;
		}
	}
	if (template_lang(ts, "en", 2)->have[CR_TEMPLATE_TEXT] == 0) {
		cr_err_set(dir, 0, "template: no en.subject and en.txt: "
		    "English is the fallback language");
		return -1;
	}
	return 0;
}

int
cr_templates_open(const char *dir, struct cr_templates **out)
{
	struct cr_templates *ts = xcalloc(1, sizeof *ts);
	struct dirent *de;
	DIR *d;
	char **names = NULL, *path, *text, lang[TEMPLATE_LANG_MAX + 1];
	size_t nnames = 0, i;
	enum cr_template_part part;
	int rc, ok = 0, status = CR_STATUS_USAGE;

	*out = NULL;
	d = opendir(dir);
	if (d == NULL) {
		status = template_open_status(errno);
		cr_err_set(dir, 0, "template: cannot open directory: %s",
		    strerror(errno));
		free(ts);
		return status;
	}
	while ((de = readdir(d)) != NULL) {
		names = xreallocarray(names, nnames + 1, sizeof *names);
		names[nnames++] = xstrdup(de->d_name);
	}
	if (nnames > 0)
		qsort(names, nnames, sizeof *names, template_cmp);
	for (i = 0; i < nnames; i++) {
		rc = template_name(names[i], lang, &part);
		if (rc == 0)
			continue;
		xasprintf(&path, "%s/%s", dir, names[i]);
		text = NULL;
		if (rc > 0 && (text = template_read(dirfd(d), names[i], path,
		    &status)) == NULL)
			rc = -1;
		else
			rc = template_add(ts, names[i], text, path);
		free(path);
		if (rc != 0)
			goto done;
	}
	ok = template_complete(ts, dir) == 0;
done:
	closedir(d);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	if (!ok) {
		cr_templates_free(ts);
		return status;
	}
	*out = ts;
	return 0;
}

int
cr_templates_builtin(struct cr_templates **out)
{
	struct cr_templates *ts = xcalloc(1, sizeof *ts);
	const struct cr_template_file *f;
	char *path;
	size_t i;
	int rc = 0;

	*out = NULL;
	for (i = 0; i < cr_builtin_templates_n && rc == 0; i++) {
		f = &cr_builtin_templates[i];
		xasprintf(&path, "(built-in templates)/%s", f->name);
		rc = template_add(ts, f->name, xmemdup0(f->text, f->len),
		    path);
		free(path);
	}
	if (rc != 0 || template_complete(ts, "(built-in templates)") != 0) {
		cr_templates_free(ts);
		return CR_STATUS_USAGE;
	}
	*out = ts;
	return 0;
}

void
cr_templates_free(struct cr_templates *ts)
{
	size_t i;
	int k;

	if (ts == NULL)
		return;
	for (i = 0; i < ts->n; i++) {
		for (k = 0; k < 3; k++)
			tmpl_free(&ts->langs[i].part[k]);
		free(ts->langs[i].name);
	}
	free(ts->langs);
	free(ts);
}

const struct tlang *
template_find(const struct cr_templates *ts, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		if (strlen(ts->langs[i].name) == len &&
		    memcmp(ts->langs[i].name, name, len) == 0 &&
		    ts->langs[i].have[CR_TEMPLATE_TEXT])
			return &ts->langs[i];
	return NULL;
}

const char *
cr_templates_resolve(const struct cr_templates *ts, const char *lang,
    int *defaulted)
{
	const struct tlang *en = template_find(ts, "en", 2), *tl;
	char buf[TEMPLATE_LANG_MAX + 1];
	size_t b, e, i;

	*defaulted = 0;
	if (lang == NULL)
		return en->name;
	b = 0;
	e = strlen(lang);
	while (b < e && isspace((unsigned char)lang[b]))
		b++;
	while (e > b && isspace((unsigned char)lang[e - 1]))
		e--;
	if (b == e)
		return en->name;
	if (e - b <= TEMPLATE_LANG_MAX) {
		for (i = 0; i < e - b; i++)
			buf[i] = (char)tolower((unsigned char)lang[b + i]);
		/* "fr-FR" -> "fr": strip subtags from the right. */
		for (e = e - b; e > 0; ) {
			tl = template_find(ts, buf, e);
			if (tl != NULL)
				return tl->name;
			while (e > 0 && buf[e - 1] != '-')
				e--;
			if (e > 0)
				e--;
		}
	}
	*defaulted = 1;
	return en->name;
}

int
cr_templates_has(const struct cr_templates *ts, const char *lang,
    enum cr_template_part part)
{
	const struct tlang *tl = template_find(ts, lang, strlen(lang));

	return tl != NULL && tl->have[part];
}

void
cr_templates_digest(const struct cr_templates *ts, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	const struct tlang *l;
	size_t i, len;
	int k;

	sha256_init(&ctx);
	for (i = 0; i < ts->n; i++) {
		l = &ts->langs[i];
		for (k = 0; k < 3; k++) {
			if (!l->have[k])
				continue;
			sha256_update(&ctx, strlen(l->name) + 1,
			    (const uint8_t *)l->name);
			sha256_update(&ctx, strlen(template_ext[k]) + 1,
			    (const uint8_t *)template_ext[k]);
			len = strlen(l->part[k].text);
			sha256_update(&ctx, len + 1,
			    (const uint8_t *)l->part[k].text);
		}
	}
	sha256_digest(&ctx, sizeof d, d);
	for (i = 0; i < sizeof d; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}
