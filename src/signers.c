/*
 * signers.c -- matching a key against an allowed_signers text (see
 * signers.h).  A line is split into fields on blanks outside double
 * quotes; every length is bounded by the line.  It deliberately
 * implements no certificate authority and no revocation list.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "rowcheck.h"
#include "signers.h"

#define SIGNERS_FIELD_MAX	1024

struct field {
	const char	*p;
	size_t		 n;
};

/* The next field of [*s, end), quotes kept; 0 at the end of the line. */
static int
next_field(const char **s, const char *end, struct field *f)
{
	const char *p = *s;
	int quoted = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	f->p = p;
	while (p < end && (quoted || (*p != ' ' && *p != '\t'))) {
		if (*p == '"')
			quoted = !quoted;
		p++;
	}
	f->n = (size_t)(p - f->p);
	*s = p;
	return f->n > 0;
}

/* One option "name" or name="value" of a comma list; value unquoted. */
static int
next_option(const char **s, const char *end, struct field *name,
    struct field *value)
{
	const char *p = *s;
	int quoted = 0;

	if (p >= end)
		return 0;
	name->p = p;
	while (p < end && *p != ',' && *p != '=')
		p++;
	name->n = (size_t)(p - name->p);
	value->p = NULL;
	value->n = 0;
	if (p < end && *p == '=') {
		value->p = ++p;
		while (p < end && (quoted || *p != ',')) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		value->n = (size_t)(p - value->p);
		if (value->n >= 2 && value->p[0] == '"' &&
		    value->p[value->n - 1] == '"') {
			value->p++;
			value->n -= 2;
		}
	}
	*s = p < end ? p + 1 : p;
	return 1;
}

static int
field_is(const struct field *f, const char *s)
{
	return f->n == strlen(s) && memcmp(f->p, s, f->n) == 0;
}

/* Whether ns matches one pattern of the comma list v. */
static int
ns_allowed(const struct field *v, const char *ns)
{
	char pat[SIGNERS_FIELD_MAX];
	const char *p = v->p, *end = v->p + v->n, *c;
	size_t n;

	while (p < end) {
		c = memchr(p, ',', (size_t)(end - p));
		n = (size_t)((c != NULL ? c : end) - p);
		if (n < sizeof pat) {
			memcpy(pat, p, n);
			pat[n] = '\0';
			if (fnmatch(pat, ns, 0) == 0)
				return 1;
		}
		p += n + 1;
	}
	return 0;
}

/* YYYYMMDD[HHMM[SS]][Z] as UTC seconds; -1 when malformed. */
static int
parse_when(const struct field *v, time_t *t)
{
	char iso[32];
	size_t n = v->n, i;

	if (n > 0 && v->p[n - 1] == 'Z')
		n--;
	if (n != 8 && n != 12 && n != 14)
		return -1;
	for (i = 0; i < n; i++)
		if (v->p[i] < '0' || v->p[i] > '9')
			return -1;
	snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", v->p,
	    v->p + 4, v->p + 6, n > 8 ? v->p + 8 : "00",
	    n > 8 ? v->p + 10 : "00", n > 12 ? v->p + 12 : "00");
	return cr_parse_time(iso, t);
}

/* Whether the options of a line allow ns at `when`. */
static int
options_allow(const struct field *opts, const char *ns, time_t when)
{
	const char *p = opts->p, *end = opts->p + opts->n;
	struct field name, value;
	time_t t;

	while (next_option(&p, end, &name, &value)) {
		if (field_is(&name, "cert-authority"))
			return 0;
		if (field_is(&name, "namespaces") && !ns_allowed(&value, ns))
			return 0;
		if (field_is(&name, "valid-after") &&
		    (parse_when(&value, &t) != 0 || when < t))
			return 0;
		if (field_is(&name, "valid-before") &&
		    (parse_when(&value, &t) != 0 || when >= t))
			return 0;
	}
	return 1;
}

/* Whether line [p, end) allows pub; its principals field in *who. */
static int
line_allows(const char *p, const char *end, const uint8_t *pub,
    const char *ns, time_t when, struct field *who)
{
	struct field opts = { NULL, 0 }, type, key;
	uint8_t k[CR_SSHKEY_PUB];

	if (!next_field(&p, end, who) || who->p[0] == '#' ||
	    !next_field(&p, end, &type))
		return 0;
	if (!field_is(&type, "ssh-ed25519")) {
		opts = type;
		if (!next_field(&p, end, &type))
			return 0;
	}
	if (!field_is(&type, "ssh-ed25519") || !next_field(&p, end, &key) ||
	    cr_sshkey_parse_public(key.p, key.n, k) != 0 ||
	    memcmp(k, pub, CR_SSHKEY_PUB) != 0)
		return 0;
	return opts.p == NULL || options_allow(&opts, ns, when);
}

int
cr_signers_find(const char *text, size_t len, const uint8_t pub[CR_SSHKEY_PUB],
    const char *ns, time_t when, char *principals, size_t size)
{
	const char *p = text, *end = text + len, *nl;
	struct field who;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) > SIGNERS_FIELD_MAX * 4)
			continue;
		if (line_allows(p, nl > p && nl[-1] == '\r' ? nl - 1 : nl, pub,
		    ns, when, &who)) {
			snprintf(principals, size, "%.*s", (int)who.n, who.p);
			return 1;
		}
	}
	return 0;
}
