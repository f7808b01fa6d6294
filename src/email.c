/*
 * email.c -- the claim email as bytes (see email.h): header fields with
 * RFC 2047 encoded-words and folding, the RFC 5322 date, a deterministic
 * Message-ID and MIME boundary, quoted-printable bodies, CRLF throughout.
 *
 * Every field is checked before a byte is written: a control character
 * or invalid UTF-8 anywhere refuses the message (docs/format.md 3 rejects such a
 * customer already; this is the second line).  No value reaches a header
 * except as an encoded-word, a quoted-string, an A-label address or one of
 * the identifiers this file encodes itself.
 *
 * It deliberately does not send mail, choose names or languages, or make
 * tokens, and never prints a token: messages name fields, not values.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nettle/base64.h>
#include <unistr.h>

#include "custrelease.h"
#include "err.h"
#include "email.h"
#include "outfile.h"
#include "template.h"
#include "token.h"
#include "validate.h"
#include "xmalloc.h"

#define EMAIL_LINE_MAX		78	/* header line, CRLF excluded */
#define EMAIL_WORD_MAX		75	/* RFC 2047: one encoded-word */
#define EMAIL_WORD_MIN		24	/* room for a word of one character */
#define EMAIL_QP_MAX		76	/* quoted-printable line */
#define EMAIL_QUOTE_MAX		64	/* bytes of a value in a message */

/* ---- field checks ---- */

/*
 * A field may go into the message: valid UTF-8 without C0, DEL or C1
 * controls.  NULL (absent) is fine.
 */
static int
email_text_ok(const char *s)
{
	const unsigned char *p;

	if (s == NULL)
		return 1;
	if (u8_check((const uint8_t *)s, strlen(s)) != NULL)
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (cr_email_cc_len((const char *)p) != 0)
			return 0;
	return 1;
}

size_t
cr_email_cc_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (p[0] == '\0')
		return 0;
	if (p[0] < 0x20 || p[0] == 0x7f)
		return 1;
	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
		return 2;			/* U+0080..U+009F */
	return 0;
}

/* Printable ASCII only, no space (URLs, tokens, identifiers). */
static int
email_ascii_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < 0x21 || *s > 0x7e)
			return 0;
	return 1;
}

static int
email_refuse(const struct cr_email *m, const char *field, const char *why)
{
	char q[EMAIL_QUOTE_MAX + 16];
	const char *cid = m->customer_id != NULL ? m->customer_id : "";

	cr_diag_quote(q, sizeof q, cid, strlen(cid), EMAIL_QUOTE_MAX);
	cr_err_set(NULL, 0, "claim email for customer \"%s\": %s %s", q, field,
	    why);
	return CR_STATUS_DATA;
}

#define EMAIL_BAD_TEXT	"holds a control character or invalid UTF-8"

static int
email_check_fields(const struct cr_email *m)
{
	static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	const struct { const char *name, *value; } f[] = {
		{ "run_id", m->run_id }, { "request_id", m->request_id },
		{ "customer_id", m->customer_id },
		{ "firstname", m->firstname }, { "lastname", m->lastname },
		{ "email", m->email }, { "lang", m->lang },
		{ "reseller", m->reseller }, { "from", m->from },
		{ "import_account", m->import_account },
	};
	size_t i;

	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		if (!email_text_ok(f[i].value))
			return email_refuse(m, f[i].name, EMAIL_BAD_TEXT);
	if (!email_ascii_ok(m->run_id) || !email_ascii_ok(m->customer_id) ||
	    !email_ascii_ok(m->request_id))
		return email_refuse(m, "run_id, request_id or customer_id",
		    "is empty or not printable ASCII");
	if (m->lang == NULL || strspn(m->lang, "abcdefghijklmnopqrstuvwxyz"
	    "0123456789-") != strlen(m->lang) || m->lang[0] == '\0')
		return email_refuse(m, "lang", "is not a template language");
	if (!email_ascii_ok(m->claim_url))
		return email_refuse(m, "the claim URL",
		    "is empty or not printable ASCII");
	/* Never quote the token, not even in part. */
	if (m->token == NULL || m->token[0] == '\0' ||
	    strspn(m->token, b64url) != strlen(m->token))
		return email_refuse(m, "the claim token", "is not base64url");
	for (i = 0; i < m->nproducts; i++)
		if (!email_text_ok(m->products[i].kind) ||
		    !email_text_ok(m->products[i].name))
			return email_refuse(m, "a product", EMAIL_BAD_TEXT);
	for (i = 0; i < m->nshares; i++)
		if (!email_text_ok(m->shares[i].name) ||
		    !email_text_ok(m->shares[i].username))
			return email_refuse(m, "a share", EMAIL_BAD_TEXT);
	for (i = 0; i < m->ncontacts; i++)
		if (!email_text_ok(m->contacts[i].name) ||
		    !email_text_ok(m->contacts[i].role) ||
		    !email_text_ok(m->contacts[i].old_email) ||
		    !email_text_ok(m->contacts[i].new_email))
			return email_refuse(m, "a contact update",
			    EMAIL_BAD_TEXT);
	return 0;
}

/* ---- addresses ---- */

/* s[0..len) without blanks at both ends. */
static void
email_trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t'))
		(*s)++, (*len)--;
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/*
 * Split "Display Name <addr>" or "addr": *name (allocated, NULL when
 * none) and *addr (allocated, the domain as A-label).  0, or -1.
 */
static int
email_parse_from(const char *from, char **name, char **addr)
{
	const char *s = from, *lt, *a;
	size_t len = strlen(from), nlen, alen;
	char *raw;

	*name = NULL;
	*addr = NULL;
	if (!email_text_ok(from))
		return -1;
	email_trim(&s, &len);
	a = s;
	alen = len;
	if (len > 0 && s[len - 1] == '>') {
		lt = memrchr(s, '<', len);
		if (lt == NULL)
			return -1;
		a = lt + 1;
		alen = (size_t)(s + len - 1 - a);
		nlen = (size_t)(lt - s);
		email_trim(&s, &nlen);
		if (nlen >= 2 && s[0] == '"' && s[nlen - 1] == '"')
			s++, nlen -= 2;
		if (memchr(s, '<', nlen) != NULL || memchr(s, '>', nlen) !=
		    NULL || memchr(s, '"', nlen) != NULL)
			return -1;
		if (nlen > 0)
			*name = xmemdup0(s, nlen);
	}
	raw = xmemdup0(a, alen);
	*addr = cr_email_ascii(raw);
	free(raw);
	if (*addr == NULL) {
		free(*name);
		*name = NULL;
		return -1;
	}
	return 0;
}

int
cr_email_check_from(const char *from)
{
	char *name, *addr, q[EMAIL_QUOTE_MAX + 16];

	if (from == NULL || email_parse_from(from, &name, &addr) != 0) {
		cr_diag_quote(q, sizeof q, from ? from : "",
		    from ? strlen(from) : 0, EMAIL_QUOTE_MAX);
		cr_err_set(NULL, 0, "--from \"%s\": expected ADDRESS or "
		    "\"Display Name <ADDRESS>\"", q);
		return CR_STATUS_USAGE;
	}
	free(name);
	free(addr);
	return 0;
}

/* ---- header fields ---- */

struct hw {
	struct cr_outfile	*o;
	size_t			 col;	/* bytes on the current line */
	size_t			 start;	/* col right after "Name:" */
};

static void
hw_begin(struct hw *h, struct cr_outfile *o, const char *name)
{
	h->o = o;
	cr_outfile_puts(o, name);
	cr_outfile_putc(o, ':');
	h->col = h->start = strlen(name) + 1;
}

static void
hw_end(struct hw *h)
{
	cr_outfile_write(h->o, "\r\n", 2);
}

/* " word", folded first when it would pass the line limit. */
static void
hw_word(struct hw *h, const char *s, size_t len)
{
	if (h->col + 1 + len > EMAIL_LINE_MAX && h->col > h->start) {
		cr_outfile_write(h->o, "\r\n", 2);
		h->col = 0;
	}
	cr_outfile_putc(h->o, ' ');
	cr_outfile_write(h->o, s, len);
	h->col += 1 + len;
}

/* Length of the UTF-8 character at s (input already checked). */
static size_t
email_u8len(const unsigned char *s, size_t n)
{
	int len = u8_mblen(s, n);

	return len > 0 ? (size_t)len : 1;
}

/* Q encoding keeps these (RFC 2047 5(3), safe in a phrase too). */
static int
q_plain(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '!' || c == '*' || c == '+' ||
	    c == '-' || c == '/';
}

static size_t
q_len(const unsigned char *s, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++)
		len += q_plain(s[i]) || s[i] == ' ' ? 1 : 3;
	return len;
}

#define B_LEN(n)	(((n) + 2) / 3 * 4)

/*
 * s[0..n) as encoded-words of at most EMAIL_WORD_MAX characters, each
 * holding whole characters, folded between words; Q or B, whichever is
 * shorter for the whole value.
 */
static void
hw_encoded(struct hw *h, const char *text, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)text;
	int q = q_len(s, n) <= B_LEN(n);
	char word[EMAIL_WORD_MAX + 1];
	size_t i = 0, j, k, clen, wl, limit, room, enc, blank;

	while (i < n) {
		room = EMAIL_LINE_MAX - h->col - 1;
		if (h->col + 1 + EMAIL_WORD_MIN > EMAIL_LINE_MAX) {
			cr_outfile_write(h->o, "\r\n", 2);
			h->col = 0;
			room = EMAIL_LINE_MAX - 1;
		}
		limit = room < EMAIL_WORD_MAX ? room : EMAIL_WORD_MAX;
		memcpy(word, q ? "=?UTF-8?Q?" : "=?UTF-8?B?", 10);
		wl = 10;
		/*
		 * Take whole characters while the word fits.  When the value
		 * must be split, split after a blank if one lies in the second
		 * half of the word: decoders that (wrongly) keep the white
		 * space between encoded-words then show a doubled blank
		 * rather than a blank inside a word.
		 */
		for (j = i, enc = 0, blank = 0; j < n; j += clen) {
			clen = email_u8len(s + j, n - j);
			k = q ? q_len(s + j, clen) :
			    B_LEN(j + clen - i) - B_LEN(j - i);
			if (wl + enc + k + 2 > limit)
				break;
			enc += k;
			if (s[j] == ' ')
				blank = j + 1;
		}
		if (j < n && blank > i + (j - i) / 2)
			j = blank;
		if (q) {
			for (k = i; k < j; k++) {
				if (s[k] == ' ')
					word[wl++] = '_';
				else if (q_plain(s[k]))
					word[wl++] = (char)s[k];
				else {
					word[wl++] = '=';
					word[wl++] = hex[s[k] >> 4];
					word[wl++] = hex[s[k] & 0xf];
				}
			}
		} else {
			base64_encode_raw(word + wl, j - i, s + i);
			wl += B_LEN(j - i);
		}
		word[wl++] = '?';
		word[wl++] = '=';
		cr_outfile_putc(h->o, ' ');
		cr_outfile_write(h->o, word, wl);
		h->col += 1 + wl;
		i = j;
	}
}

static int
email_plain_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return memmem(s, n, "=?", 2) == NULL;
}

/*
 * A display name: a quoted-string when it is short plain ASCII, else
 * encoded-words.  Never raw.
 */
static void
hw_phrase(struct hw *h, const char *name)
{
	size_t n = strlen(name), i, o = 0;
	char *q;

	if (email_plain_ascii(name, n) && 2 * n + 2 <= EMAIL_WORD_MAX) {
		q = xmalloc(2 * n + 3);
		q[o++] = '"';
		for (i = 0; i < n; i++) {
			if (name[i] == '"' || name[i] == '\\')
				q[o++] = '\\';
			q[o++] = name[i];
		}
		q[o++] = '"';
		hw_word(h, q, o);
		free(q);
	} else
		hw_encoded(h, name, n);
}

/* "Name: display name <addr>" */
static void
email_address_field(struct cr_outfile *o, const char *field,
    const char *name, const char *addr)
{
	struct hw h;
	char *a;

	hw_begin(&h, o, field);
	if (name != NULL && *name != '\0') {
		hw_phrase(&h, name);
		xasprintf(&a, "<%s>", addr);
		hw_word(&h, a, strlen(a));
		free(a);
	} else
		hw_word(&h, addr, strlen(addr));
	hw_end(&h);
}

/* Subject: words folded at blanks, or encoded-words when needed. */
static void
email_subject_field(struct cr_outfile *o, const char *s, size_t n)
{
	struct hw h;
	size_t i, j, longest = 0;

	email_trim(&s, &n);
	for (i = 0; i < n; i = j + 1) {
		for (j = i; j < n && s[j] != ' '; j++)
			;
		if (j - i > longest)
			longest = j - i;
	}
	hw_begin(&h, o, "Subject");
	if (!email_plain_ascii(s, n) || memchr(s, '\t', n) != NULL ||
	    longest + 1 >= EMAIL_LINE_MAX - h.start) {
		hw_encoded(&h, s, n);
	} else {
		for (i = 0; i < n; i = j + 1) {
			for (j = i; j < n && s[j] != ' '; j++)
				;
			if (j > i)
				hw_word(&h, s + i, j - i);
		}
	}
	hw_end(&h);
}

static void
email_date_field(struct cr_outfile *o, time_t t)
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	cr_outfile_printf(o, "Date: %s, %d %s %04d %02d:%02d:%02d +0000\r\n",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* An identifier as dot-atom text: letters, digits, '-' and '_' kept. */
static void
email_id_atom(struct cr_outfile *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')
			cr_outfile_putc(o, *p);
		else {
			cr_outfile_putc(o, '=');
			cr_outfile_putc(o, hex[*p >> 4]);
			cr_outfile_putc(o, hex[*p & 0xf]);
		}
	}
}

/* The length email_id_atom() writes for s. */
static size_t
email_id_atom_len(const char *s)
{
	const unsigned char *p;
	size_t n = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		n += (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ? 1 : 3;
	return n;
}

/*
 * Message-ID: <run_id.customer_id@domain>.  A msg-id cannot be folded
 * inside, so when "Message-ID: <...>" would pass 78 characters the field
 * is folded before it (RFC 5322 2.1.1).
 */
static void
email_message_id_field(struct cr_outfile *o, const char *run_id,
    const char *customer_id, const char *at)
{
	size_t len = sizeof "Message-ID: <" - 1 + email_id_atom_len(run_id) +
	    1 + email_id_atom_len(customer_id) + strlen(at) + 1;

	cr_outfile_puts(o, len > 78 ? "Message-ID:\r\n <" : "Message-ID: <");
	email_id_atom(o, run_id);
	cr_outfile_putc(o, '.');
	email_id_atom(o, customer_id);
	cr_outfile_printf(o, "%s>\r\n", at);
}

/* ---- quoted-printable (RFC 2045 6.7) ---- */

/* One character of s[i..] as QP at column col: into tok, returns length. */
static size_t
qp_token(const unsigned char *s, size_t i, size_t clen, size_t n,
    size_t col, char tok[16])
{
	static const char hex[] = "0123456789ABCDEF";
	size_t k, tl = 0;
	unsigned char c;
	int plain;

	for (k = 0; k < clen; k++) {
		c = s[i + k];
		plain = (c >= 33 && c <= 126 && c != '=') ||
		    ((c == ' ' || c == '\t') && i + clen < n);
		/* A line starting "." or "From " is encoded: SMTP, mbox. */
		if (col == 0 && k == 0 && (c == '.' || (c == 'F' &&
		    n - i >= 5 && memcmp(s + i, "From ", 5) == 0)))
			plain = 0;
		if (plain)
			tok[tl++] = (char)c;
		else {
			tok[tl++] = '=';
			tok[tl++] = hex[c >> 4];
			tok[tl++] = hex[c & 0xf];
		}
	}
	return tl;
}

static void
qp_line(struct cr_outfile *o, const unsigned char *s, size_t n)
{
	size_t i = 0, col = 0, clen, tl, limit;
	char tok[16], line[EMAIL_QP_MAX + 3];
	unsigned char c;

	/* An output line is built whole, then written in one call. */
	while (i < n) {
		/*
		 * The common case first: printable ASCII that stays as it
		 * is and fits whatever follows it (qp_token's rules, with
		 * the first column's "." and "From " left to it).
		 */
		c = s[i];
		if (col + 1 < EMAIL_QP_MAX && ((c > 32 && c < 127 &&
		    c != '=' && (col > 0 || (c != '.' && c != 'F'))) ||
		    ((c == ' ' || c == '\t') && i + 1 < n))) {
			line[col++] = (char)c;
			i++;
			continue;
		}
		clen = c < 0x80 ? 1 : email_u8len(s + i, n - i);
		tl = qp_token(s, i, clen, n, col, tok);
		/* The last token may fill the line; others leave room for =. */
		limit = i + clen == n ? EMAIL_QP_MAX : EMAIL_QP_MAX - 1;
		if (col + tl > limit) {
			memcpy(line + col, "=\r\n", 3);
			cr_outfile_write(o, line, col + 3);
			col = 0;
			tl = qp_token(s, i, clen, n, col, tok);
		}
		memcpy(line + col, tok, tl);
		col += tl;
		i += clen;
	}
	cr_outfile_write(o, line, col);
}

/* LF-separated text as QP lines ending in CRLF. */
static void
email_qp(struct cr_outfile *o, const char *text, size_t len)
{
	const char *nl;
	size_t b = 0, e;

	while (b < len) {
		nl = memchr(text + b, '\n', len - b);
		e = nl != NULL ? (size_t)(nl - text) : len;
		qp_line(o, (const unsigned char *)text + b, e - b);
		cr_outfile_write(o, "\r\n", 2);
		b = e + 1;
	}
}

static void
email_part_headers(struct cr_outfile *o, const char *type)
{
	cr_outfile_printf(o, "Content-Type: %s; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", type);
}

/* ---- the message ---- */

/* What a message needs checked and converted before it is written. */
struct email_prep {
	char	*from_name, *from_addr, *to_addr, *name;
};

static void
email_prep_free(struct email_prep *p)
{
	free(p->from_name);
	free(p->from_addr);
	free(p->to_addr);
	free(p->name);
}

/* Every check of a message: 0, or CR_STATUS_DATA after a message. */
static int
email_prepare(const struct cr_templates *ts, const struct cr_email *m,
    struct email_prep *p)
{
	int rc;

	memset(p, 0, sizeof *p);
	if ((rc = email_check_fields(m)) != 0)
		return rc;
	if (m->from == NULL ||
	    email_parse_from(m->from, &p->from_name, &p->from_addr) != 0)
		return email_refuse(m, "from", "is not an address");
	p->to_addr = cr_email_ascii(m->email != NULL ? m->email : "");
	if (p->to_addr == NULL) {
		email_prep_free(p);
		return email_refuse(m, "email", "is not a valid address");
	}
	if (!cr_templates_has(ts, m->lang, CR_TEMPLATE_TEXT)) {
		email_prep_free(p);
		return email_refuse(m, "lang", "has no template");
	}
	xasprintf(&p->name, "%s%s%s", m->firstname ? m->firstname : "",
	    m->firstname && *m->firstname && m->lastname && *m->lastname ?
	    " " : "", m->lastname ? m->lastname : "");
	return 0;
}

/* The message, checks behind us: nothing here fails. */
static void
email_write(const struct cr_templates *ts, const struct cr_email *m,
    const struct email_prep *p, int redact, struct cr_outfile *o)
{
	struct cr_template_data d;
	char *subject = NULL, *text = NULL, *html = NULL;
	char *link = NULL, *seed, boundary[16 + 33], hash[65];
	const char *at;
	size_t slen, tlen, hlen;

	xasprintf(&link, "%s%s", m->claim_url,
	    redact ? CR_EMAIL_REDACTED : m->token);
	memset(&d, 0, sizeof d);
	d.email = m;
	d.claim_link = link;
	subject = cr_templates_render(ts, m->lang, CR_TEMPLATE_SUBJECT, &d,
	    &slen);
	d.subject = subject;
	text = cr_templates_render(ts, m->lang, CR_TEMPLATE_TEXT, &d, &tlen);
	html = cr_templates_render(ts, m->lang, CR_TEMPLATE_HTML, &d, &hlen);

	email_date_field(o, m->run_time);
	email_address_field(o, "From", p->from_name, p->from_addr);
	email_address_field(o, "To", p->name, p->to_addr);
	email_subject_field(o, subject, slen);
	at = strrchr(p->from_addr, '@');
	email_message_id_field(o, m->run_id, m->customer_id, at);
	cr_outfile_printf(o, "MIME-Version: 1.0\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "Content-Language: %s\r\n", m->lang);
	if (html == NULL) {
		email_part_headers(o, "text/plain");
		email_qp(o, text, tlen);
	} else {
		/*
		 * "=_" never occurs in quoted-printable text, so a boundary
		 * starting with it never occurs in the parts.  The rest
		 * depends on the ids only, not on the token.
		 */
		xasprintf(&seed, "%s%c%s", m->run_id, 0, m->customer_id);
		cr_sha256_hex(seed, strlen(m->run_id) + 1 +
		    strlen(m->customer_id), hash);
		free(seed);
		snprintf(boundary, sizeof boundary, "=_cr_%.32s", hash);
		cr_outfile_printf(o, "Content-Type: multipart/alternative;"
		    "\r\n boundary=\"%s\"\r\n\r\n"
		    "This is a message in MIME format.\r\n\r\n"
		    "--%s\r\n", boundary, boundary);
		email_part_headers(o, "text/plain");
		email_qp(o, text, tlen);
		cr_outfile_printf(o, "\r\n--%s\r\n", boundary);
		email_part_headers(o, "text/html");
		email_qp(o, html, hlen);
		cr_outfile_printf(o, "\r\n--%s--\r\n", boundary);
	}
	/* The customer's copy: wipe what held its token. */
	if (!redact) {
		explicit_bzero(link, strlen(link));
		explicit_bzero(text, tlen);
		if (html != NULL)
			explicit_bzero(html, hlen);
	}
	free(link);
	free(subject);
	free(text);
	free(html);
}

int
cr_email_render(const struct cr_templates *ts, const struct cr_email *m,
    int redact, struct cr_outfile *out)
{
	struct email_prep p;
	int rc;

	if ((rc = email_prepare(ts, m, &p)) != 0)
		return rc;
	email_write(ts, m, &p, redact, out);
	email_prep_free(&p);
	return 0;
}
