/*
 * validate.c -- docs/format.md 3 "Contact validation" and "Import match".
 *
 * Text rules go through libunistring (UTF-8 validity, category Cc, NFC,
 * full case folding, White_Space), internationalized email domains through
 * libidn2 (IDNA 2008, non-transitional), country and subdivision codes
 * through the tables generated from Debian's iso-codes (iso3166.c), and
 * country calling codes through e164.c.
 *
 * It deliberately decides no request outcome, prints nothing and keeps no
 * state: problems go to the caller's callback as sentences naming field
 * and value.  Zip formats are matched by a tiny hand-written matcher
 * rather than regcomp(), so the result never depends on the locale.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "custrelease.h"
#include "err.h"
#include "schema.h"
#include "validate.h"
#include "xmalloc.h"

#define VALIDATE_NAME_MAX	255	/* code points after NFC */
#define VALIDATE_ZIP_MAX	16	/* code points */
#define VALIDATE_LOCAL_MAX	64	/* octets */
#define VALIDATE_EMAIL_MAX	254	/* octets, A-label form */
#define VALIDATE_LABEL_MAX	63	/* octets */
#define VALIDATE_PHONE_DIGITS	15	/* CC + NUMBER */
#define VALIDATE_QUOTE_MAX	64	/* bytes of a value in a message */

static void __attribute__((noreturn))
validate_nomem(void)
{
	cr_err_nomem();
}

static int
validate_absent(const char *s)
{
	return s == NULL || cr_is_blank(s, strlen(s));
}

static int
validate_is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
validate_is_alpha(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
validate_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* ASCII-only case-insensitive comparison of n bytes (locale-free). */
static int
validate_ascii_caseeq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (validate_upper((unsigned char)a[i]) !=
		    validate_upper((unsigned char)b[i]))
			return 0;
	}
	return 1;
}

static const char validate_bad_utf8[] = "invalid UTF-8";
static const char validate_bad_control[] = "holds a control character";

/*
 * Valid UTF-8 without a Cc character?  NULL when so; else a static reason,
 * with *bad set to the byte offset (invalid UTF-8) or the code point (Cc).
 */
static const char *
validate_text(const char *s, size_t n, unsigned long *bad)
{
	const uint8_t *u = (const uint8_t *)s, *e;
	ucs4_t uc;
	size_t i;
	int k;

	if ((e = u8_check(u, n)) != NULL) {
		if (bad != NULL)
			*bad = (unsigned long)(e - u);
		return validate_bad_utf8;
	}
	for (i = 0; i < n; i += (size_t)k) {
		k = u8_mbtouc_unsafe(&uc, u + i, n - i);
		if (uc_is_general_category(uc, UC_CONTROL)) {
			if (bad != NULL)
				*bad = uc;
			return validate_bad_control;
		}
	}
	return NULL;
}

/* Code points of valid UTF-8 s[0..n) after NFC. */
static size_t
validate_nfc_len(const char *s, size_t n)
{
	uint8_t buf[1024], *r;
	size_t i, len = sizeof buf, count;

	for (i = 0; i < n && (unsigned char)s[i] < 0x80; i++)
		continue;
	if (i == n)
		return n;	/* ASCII is its own NFC */
	r = u8_normalize(UNINORM_NFC, (const uint8_t *)s, n, buf, &len);
	if (r == NULL)
		validate_nomem();	/* input was validated: only ENOMEM */
	count = u8_mbsnlen(r, len);
	if (r != buf)
		free(r);
	return count;
}

/* ---- email ---- */

static int
email_atext(int c)
{
	if (validate_is_alpha(c) || validate_is_digit(c))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* At least two LDH labels of 1-63 octets, no hyphen at either end. */
static const char *
email_ldh(const char *d, size_t n)
{
	size_t i, start = 0, labels = 0;
	int c;

	for (i = 0; i <= n; i++) {
		if (i == n || d[i] == '.') {
			if (i == start)
				return "domain has an empty label";
			if (i - start > VALIDATE_LABEL_MAX)
				return "domain label longer than 63 octets";
			if (d[start] == '-' || d[i - 1] == '-')
				return "domain label starts or ends with a hyphen";
			labels++;
			start = i + 1;
			continue;
		}
		c = (unsigned char)d[i];
		if (!validate_is_alpha(c) && !validate_is_digit(c) && c != '-')
			return "domain label holds a character other than "
			    "letters, digits and hyphens";
	}
	if (labels < 2)
		return "domain needs at least two labels (name.tld)";
	return NULL;
}

/* Check s; on success and when ascii != NULL, *ascii = local@A-label. */
static const char *
email_check(const char *s, char **ascii)
{
	const char *at, *dom, *r;
	uint8_t *alabel = NULL;
	size_t n, llen, dlen, alen, i;
	int rc, nonascii = 0, c;

	if (s == NULL)
		return "required";
	n = strlen(s);
	if ((r = validate_text(s, n, NULL)) != NULL)
		return r;
	at = strchr(s, '@');
	if (at == NULL || at == s || at[1] == '\0')
		return "expected local-part@domain";
	llen = (size_t)(at - s);
	dom = at + 1;
	dlen = n - llen - 1;
	if (memchr(dom, '@', dlen) != NULL)
		return "expected a single @";
	if (llen > VALIDATE_LOCAL_MAX)
		return "local part longer than 64 octets";
	for (i = 0; i < llen; i++) {
		c = (unsigned char)s[i];
		if (c == '.') {
			if (i == 0 || i == llen - 1 || s[i - 1] == '.')
				return "local part is not a dot-atom (a dot at "
				    "either end or two dots in a row)";
		} else if (c >= 0x80)
			return "local part is not ASCII";
		else if (!email_atext(c))
			return "local part holds a character not allowed in "
			    "an RFC 5322 dot-atom";
	}
	for (i = 0; i < dlen; i++) {
		if ((unsigned char)dom[i] >= 0x80)
			nonascii = 1;
	}
	if (!nonascii && (r = email_ldh(dom, dlen)) != NULL)
		return r;
	rc = idn2_lookup_u8((const uint8_t *)dom, &alabel,
	    IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (rc != IDN2_OK) {
		idn2_free(alabel);
		switch (rc) {
		case IDN2_MALLOC:
			validate_nomem();
		case IDN2_TOO_BIG_LABEL:
		case IDN2_PUNYCODE_BIG_OUTPUT:
			return "domain label longer than 63 octets in "
			    "A-label form";
		case IDN2_TOO_BIG_DOMAIN:
			return "domain longer than 253 octets in A-label form";
		default:
			return "domain is not a valid internationalized "
			    "domain name (IDNA 2008)";
		}
	}
	alen = strlen((const char *)alabel);
	if ((r = email_ldh((const char *)alabel, alen)) != NULL) {
		idn2_free(alabel);
		return r;
	}
	if (llen + 1 + alen > VALIDATE_EMAIL_MAX) {
		idn2_free(alabel);
		return "address longer than 254 octets in A-label form";
	}
	if (ascii != NULL)
		xasprintf(ascii, "%.*s@%s", (int)llen, s, (const char *)alabel);
	idn2_free(alabel);
	return NULL;
}

const char *
cr_check_email(const char *s)
{
	return email_check(s, NULL);
}

char *
cr_email_ascii(const char *s)
{
	char *out = NULL;

	if (email_check(s, &out) != NULL)
		return NULL;
	return out;
}

/* A-label form of a domain, or NULL (free with idn2_free). */
static char *
email_alabel(const char *dom)
{
	uint8_t *out = NULL;
	int rc;

	if (u8_check((const uint8_t *)dom, strlen(dom)) != NULL)
		return NULL;
	rc = idn2_lookup_u8((const uint8_t *)dom, &out,
	    IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (rc == IDN2_MALLOC)
		validate_nomem();
	if (rc != IDN2_OK) {
		idn2_free(out);
		return NULL;
	}
	return (char *)out;
}

int
cr_email_equal(const char *a, const char *b)
{
	const char *ata, *atb;
	char *xa, *xb;
	size_t la, lb;
	int eq;

	if (validate_absent(a) || validate_absent(b))
		return 0;
	la = strlen(a);
	lb = strlen(b);
	if (la == lb && validate_ascii_caseeq(a, b, la))
		return 1;
	ata = strrchr(a, '@');
	atb = strrchr(b, '@');
	if (ata == NULL || atb == NULL || ata - a != atb - b ||
	    !validate_ascii_caseeq(a, b, (size_t)(ata - a)))
		return 0;
	if ((xa = email_alabel(ata + 1)) == NULL)
		return 0;
	if ((xb = email_alabel(atb + 1)) == NULL) {
		idn2_free(xa);
		return 0;
	}
	la = strlen(xa);
	eq = la == strlen(xb) && validate_ascii_caseeq(xa, xb, la);
	idn2_free(xa);
	idn2_free(xb);
	return eq;
}

/* ---- phone, country, state, zip ---- */

const char *
cr_check_phone(const char *s)
{
	size_t ccl, nl;
	const char *num;

	if (s == NULL)
		return "required";
	if (s[0] != '+')
		return "expected +CC.NUMBER";
	for (ccl = 0; validate_is_digit((unsigned char)s[1 + ccl]); ccl++)
		continue;
	if (ccl == 0 || s[1 + ccl] != '.')
		return "expected +CC.NUMBER";
	num = s + 1 + ccl + 1;
	for (nl = 0; validate_is_digit((unsigned char)num[nl]); nl++)
		continue;
	if (nl == 0 && num[0] == '\0')
		return "expected +CC.NUMBER (the number is empty)";
	if (num[nl] != '\0' || nl == 0)
		return "expected +CC.NUMBER, digits only";
	if (!cr_e164_cc_assigned(s + 1, ccl))
		return "country calling code not assigned in ITU-T E.164";
	if (ccl + nl > VALIDATE_PHONE_DIGITS)
		return "more than 15 digits in country code and number";
	return NULL;
}

const char *
cr_check_country(const char *s)
{
	char up[3];

	if (s == NULL)
		return "required";
	if (strlen(s) != 2 || !validate_is_alpha((unsigned char)s[0]) ||
	    !validate_is_alpha((unsigned char)s[1]))
		return "expected an ISO 3166-1 alpha-2 code such as FR";
	if (cr_iso3166_alpha2_known(s))
		return NULL;
	up[0] = (char)validate_upper((unsigned char)s[0]);
	up[1] = (char)validate_upper((unsigned char)s[1]);
	up[2] = '\0';
	if (cr_iso3166_alpha2_known(up))
		return "expected capital letters (ISO 3166-1 alpha-2)";
	if (strcmp(up, "UK") == 0)
		return "not an officially assigned ISO 3166-1 alpha-2 code "
		    "(the United Kingdom is GB)";
	return "not an officially assigned ISO 3166-1 alpha-2 code";
}

const char *
cr_check_state(const char *country, const char *state)
{
	char up[8];
	size_t n, i;
	const char *r;

	if (state == NULL)
		return NULL;
	n = strlen(state);
	if ((r = validate_text(state, n, NULL)) != NULL)
		return r;
	if (cr_iso3166_2_known(state)) {
		if (country != NULL && cr_check_country(country) == NULL &&
		    strncmp(state, country, 2) != 0)
			return "an ISO 3166-2 code of another country";
		return NULL;
	}
	if (n < sizeof up) {
		for (i = 0; i <= n; i++)
			up[i] = (char)validate_upper((unsigned char)state[i]);
		if (cr_iso3166_2_known(up))
			return "expected capital letters (ISO 3166-2)";
	}
	if (n < 4 || !validate_is_alpha((unsigned char)state[0]) ||
	    !validate_is_alpha((unsigned char)state[1]) || state[2] != '-')
		return "expected a full ISO 3166-2 code such as FR-NAQ";
	return "not an ISO 3166-2 subdivision code";
}

/*
 * Zip formats of docs/format.md 3.3.  Pattern language: 'A' an ASCII letter (any
 * case: the contract's regexes are case-insensitive), '9' a digit, 'X' either,
 * other characters literal; a '?' after an element makes it optional;
 * '|' separates alternatives.  Each line gives the regex of docs/format.md 3.3.
 */
static const struct zip_format {
	const char	*country;
	const char	*pattern;
	const char	*reason;
} zip_formats[] = {
	/* ^[0-9]{5}(-[0-9]{4})?$ */
	{ "US", "99999|99999-9999",
	    "expected a US ZIP code such as 12345 or 12345-6789" },
	/* ^[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]$ */
	{ "CA", "A9A ?9A9", "expected a Canadian postal code such as K1A 0B1" },
	/* ^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$ */
	{ "GB", "AA?9X? ?9AA", "expected a UK postcode such as SW1A 1AA" },
	/* ^[0-9]{5}$ */
	{ "FR", "99999", "expected 5 digits such as 75001" },
	{ "DE", "99999", "expected 5 digits such as 10115" },
	/* ^[0-9]{4} ?[A-Z]{2}$ */
	{ "NL", "9999 ?AA", "expected 4 digits and 2 letters such as 1234 AB" },
	/* ^[0-9]{3}-?[0-9]{4}$ */
	{ "JP", "999-?9999", "expected 3 and 4 digits such as 123-4567" },
};

static int
zip_element(int p, int c)
{
	switch (p) {
	case 'A':
		return validate_is_alpha(c);
	case '9':
		return validate_is_digit(c);
	case 'X':
		return validate_is_alpha(c) || validate_is_digit(c);
	default:
		return c == p;
	}
}

/* Does all of s match the alternative starting at p?  (Backtracking.) */
static int
zip_match_alt(const char *p, const char *s)
{
	int opt;

	if (*p == '\0' || *p == '|')
		return *s == '\0';
	opt = p[1] == '?';
	if (*s != '\0' && zip_element(*p, (unsigned char)*s) &&
	    zip_match_alt(p + 1 + opt, s + 1))
		return 1;
	return opt && zip_match_alt(p + 2, s);
}

static int
zip_match(const char *pattern, const char *s)
{
	const char *p = pattern;

	for (;;) {
		if (zip_match_alt(p, s))
			return 1;
		if ((p = strchr(p, '|')) == NULL)
			return 0;
		p++;
	}
}

const char *
cr_check_zip(const char *country, const char *zip)
{
	size_t n, i;
	const char *r;

	if (zip == NULL)
		return NULL;
	n = strlen(zip);
	if ((r = validate_text(zip, n, NULL)) != NULL)
		return r;
	if (u8_mbsnlen((const uint8_t *)zip, n) > VALIDATE_ZIP_MAX)
		return "longer than 16 characters";
	if (country == NULL)
		return NULL;
	for (i = 0; i < sizeof zip_formats / sizeof zip_formats[0]; i++) {
		if (strcmp(country, zip_formats[i].country) == 0)
			return zip_match(zip_formats[i].pattern, zip) ? NULL :
			    zip_formats[i].reason;
	}
	return NULL;
}

/* ---- the whole record ---- */

enum validate_kind {
	VK_TEXT,	/* UTF-8 and no Cc only */
	VK_NAME,	/* ... and at most 255 code points after NFC */
	VK_EMAIL,
	VK_PHONE,
	VK_COUNTRY,
	VK_STATE,
	VK_ZIP
};

#define VF_REQUIRED	0x01
#define VF_ORG		0x02	/* required unless type is individual */

static const struct validate_field {
	const char		*name;
	size_t			 off;
	unsigned		 flags;
	enum validate_kind	 kind;
} validate_fields[] = {
	{ "type",	 offsetof(struct cr_contact, type),	  0, VK_TEXT },
	{ "firstname",	 offsetof(struct cr_contact, firstname),
	    VF_REQUIRED, VK_NAME },
	{ "lastname",	 offsetof(struct cr_contact, lastname),
	    VF_REQUIRED, VK_NAME },
	{ "orgname",	 offsetof(struct cr_contact, orgname),
	    VF_ORG, VK_NAME },
	{ "email",	 offsetof(struct cr_contact, email),
	    VF_REQUIRED, VK_EMAIL },
	{ "streetaddr",	 offsetof(struct cr_contact, streetaddr),
	    VF_REQUIRED, VK_NAME },
	{ "streetaddr2", offsetof(struct cr_contact, streetaddr2),
	    0, VK_NAME },
	{ "zip",	 offsetof(struct cr_contact, zip),	  0, VK_ZIP },
	{ "city",	 offsetof(struct cr_contact, city),
	    VF_REQUIRED, VK_NAME },
	{ "state",	 offsetof(struct cr_contact, state),	  0, VK_STATE },
	{ "country",	 offsetof(struct cr_contact, country),
	    VF_REQUIRED, VK_COUNTRY },
	{ "phone",	 offsetof(struct cr_contact, phone),
	    VF_REQUIRED, VK_PHONE },
	{ "fax",	 offsetof(struct cr_contact, fax),	  0, VK_PHONE },
	{ "lang",	 offsetof(struct cr_contact, lang),	  0, VK_TEXT },
};

static const char *
validate_get(const struct cr_contact *c, size_t off)
{
	const char *const *p;

	p = (const char *const *)(const void *)((const char *)c + off);
	return *p;
}

/* One problem: `field "value": reason` (value NULL: `field reason`). */
static void
validate_report(cr_problem_fn fn, void *arg, const char *field,
    const char *value, const char *reason, const char *country)
{
	char q[VALIDATE_QUOTE_MAX + 16], qc[32], msg[512];

	if (fn == NULL)
		return;
	if (value == NULL)
		snprintf(msg, sizeof msg, "%s %s", field, reason);
	else {
		cr_diag_quote(q, sizeof q, value, strlen(value),
		    VALIDATE_QUOTE_MAX);
		if (country != NULL) {
			cr_diag_quote(qc, sizeof qc, country, strlen(country),
			    16);
			snprintf(msg, sizeof msg, "%s \"%s\": %s (country is "
			    "\"%s\")", field, q, reason, qc);
		} else
			snprintf(msg, sizeof msg, "%s \"%s\": %s", field, q,
			    reason);
	}
	fn(arg, field, msg);
}

/* An absent field: reported when required; 1 if it is a problem, else 0. */
static int
validate_missing(const struct validate_field *f, int individual,
    cr_problem_fn fn, void *arg)
{
	if (f->flags & VF_REQUIRED) {
		validate_report(fn, arg, f->name, NULL, "is required", NULL);
		return 1;
	}
	if ((f->flags & VF_ORG) && !individual) {
		validate_report(fn, arg, f->name, NULL,
		    "is required unless type is individual", NULL);
		return 1;
	}
	return 0;
}

/*
 * What is wrong with v (n bytes of clean text) as a value of f's kind, or
 * NULL.  country is the record's country when valid, else NULL; a reason
 * made up here is written into reason.
 */
static const char *
validate_kind(const struct validate_field *f, const char *v, size_t n,
    const char *country, char *reason, size_t reasonsize)
{
	size_t len;

	switch (f->kind) {
	case VK_TEXT:
		break;
	case VK_NAME:
		len = validate_nfc_len(v, n);
		if (len > VALIDATE_NAME_MAX) {
			snprintf(reason, reasonsize,
			    "%zu characters after NFC normalization, "
			    "at most %d allowed", len, VALIDATE_NAME_MAX);
			return reason;
		}
		break;
	case VK_EMAIL:
		return cr_check_email(v);
	case VK_PHONE:
		return cr_check_phone(v);
	case VK_COUNTRY:
		return cr_check_country(v);
	case VK_STATE:
		return cr_check_state(country, v);
	case VK_ZIP:
		return cr_check_zip(country, v);
	}
	return NULL;
}

int
cr_validate_contact(const struct cr_contact *c, cr_problem_fn fn, void *arg)
{
	const struct validate_field *f;
	const char *v, *r, *country;
	char reason[128];
	unsigned long bad;
	size_t i, n;
	int problems = 0, individual, country_ok;

	individual = c->type != NULL && strcmp(c->type, "individual") == 0;
	country = validate_absent(c->country) ? NULL : c->country;
	country_ok = country != NULL && cr_check_country(country) == NULL;

	for (i = 0; i < sizeof validate_fields / sizeof validate_fields[0];
	    i++) {
		f = &validate_fields[i];
		v = validate_get(c, f->off);
		if (validate_absent(v)) {
			problems += validate_missing(f, individual, fn, arg);
			continue;
		}
		n = strlen(v);
		if ((r = validate_text(v, n, &bad)) != NULL) {
			if (r == validate_bad_utf8)
				snprintf(reason, sizeof reason,
				    "invalid UTF-8 at byte %lu", bad);
			else
				snprintf(reason, sizeof reason,
				    "holds control character U+%04lX, which "
				    "is not allowed", bad);
			validate_report(fn, arg, f->name, v, reason, NULL);
			problems++;
			continue;
		}
		r = validate_kind(f, v, n, country_ok ? country : NULL,
		    reason, sizeof reason);
		if (r != NULL) {
			validate_report(fn, arg, f->name, v, r,
			    (f->kind == VK_STATE || f->kind == VK_ZIP) &&
			    country_ok ? country : NULL);
			problems++;
		}
	}
	return problems;
}

/* ---- import match ---- */

/*
 * Fold s for matching: NFC + full case folding, White_Space runs to one
 * space, trimmed.  Returns 1 with *out and *outlen set (free *out unless it
 * is buf), 0 when nothing is left (absent), -1 on invalid UTF-8.
 */
static int
match_fold(const char *s, uint8_t *buf, size_t bufsize, uint8_t **out,
    size_t *outlen)
{
	uint8_t *r;
	size_t n = strlen(s), len = bufsize, i, o;
	int k, pending = 0;
	ucs4_t uc;

	if (u8_check((const uint8_t *)s, n) != NULL)
		return -1;
	r = u8_casefold((const uint8_t *)s, n, NULL, UNINORM_NFC, buf, &len);
	if (r == NULL)
		validate_nomem();	/* input was validated: only ENOMEM */
	for (i = o = 0; i < len; i += (size_t)k) {
		k = u8_mbtouc_unsafe(&uc, r + i, len - i);
		if (uc_is_property_white_space(uc)) {
			pending = 1;
			continue;
		}
		if (pending && o > 0)
			r[o++] = ' ';
		pending = 0;
		memmove(r + o, r + i, (size_t)k);
		o += (size_t)k;
	}
	if (o == 0) {
		if (r != buf)
			free(r);
		return 0;
	}
	*out = r;
	*outlen = o;
	return 1;
}

/* -1 invalid, 0 one or both absent (*both_absent says which), 1 compared. */
static int
match_compare(const char *a, const char *b, int *equal, int *both_absent)
{
	uint8_t ba[512], bb[512], *fa = NULL, *fb = NULL;
	size_t la = 0, lb = 0;
	int ra, rb, ret;

	*equal = 0;
	*both_absent = 0;
	ra = a == NULL ? 0 : match_fold(a, ba, sizeof ba, &fa, &la);
	rb = b == NULL ? 0 : match_fold(b, bb, sizeof bb, &fb, &lb);
	if (ra < 0 || rb < 0)
		ret = -1;
	else if (ra == 0 || rb == 0) {
		*both_absent = ra == 0 && rb == 0;
		ret = 0;
	} else {
		*equal = la == lb && memcmp(fa, fb, la) == 0;
		ret = 1;
	}
	if (ra > 0 && fa != ba)
		free(fa);
	if (rb > 0 && fb != bb)
		free(fb);
	return ret;
}

int
cr_match_equal(const char *a, const char *b)
{
	int equal, both_absent;

	return match_compare(a, b, &equal, &both_absent) == 1 && equal;
}

static int
match_name(const char *a, const char *b)
{
	int equal, both_absent, r;

	r = match_compare(a, b, &equal, &both_absent);
	return r == 1 ? equal : r == 0 && both_absent;
}

int
cr_import_match(const struct cr_contact *cust, const struct cr_contact *acct)
{
	if (!match_name(cust->firstname, acct->firstname) ||
	    !match_name(cust->lastname, acct->lastname) ||
	    !match_name(cust->orgname, acct->orgname) ||
	    !cr_match_equal(cust->email, acct->email))
		return 0;
	return !validate_absent(cust->country) &&
	    !validate_absent(acct->country) &&
	    strcmp(cust->country, acct->country) == 0;
}
