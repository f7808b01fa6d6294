/*
 * rowcheck.c -- per-row value rules (see rowcheck.h).  One message per bad
 * value, naming the column and the value (quoted safely by diag.c) and what
 * was expected.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <unistr.h>

#include "err.h"
#include "rowcheck.h"

int
cr_valid_id(const char *s, size_t len)
{
	size_t i;
	unsigned char c;

	if (len < 1 || len > 64)
		return 0;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			continue;
		if (i > 0 && (c == '.' || c == '_' || c == ':' || c == '-'))
			continue;
		return 0;
	}
	return 1;
}

int
cr_parse_bool(const char *s)
{
	static const char *const t[] = { "true", "1", "yes" };
	static const char *const f[] = { "false", "0", "no" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (strcasecmp(s, t[i]) == 0)
			return 1;
		if (strcasecmp(s, f[i]) == 0)
			return 0;
	}
	return -1;
}

static int
days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

int
cr_parse_time(const char *s, time_t *out)
{
	int y, mo, d, h, mi, se, i;
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";

	if (strlen(s) != sizeof shape - 1)
		return -1;
	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') :
		    s[i] != shape[i])
			return -1;
	}
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	mo = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	h = (s[11] - '0') * 10 + (s[12] - '0');
	mi = (s[14] - '0') * 10 + (s[15] - '0');
	se = (s[17] - '0') * 10 + (s[18] - '0');
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || se > 59)
		return -1;
	if (out != NULL)
		*out = (time_t)(days_from_civil(y, (unsigned)mo, (unsigned)d) *
		    86400LL + h * 3600LL + mi * 60LL + se);
	return 0;
}

void
cr_format_time(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

time_t
cr_claim_expiry(time_t run_time, long ttl_days)
{
	return run_time + (time_t)ttl_days * 86400;
}

static const char *
expected_enum(const struct cr_column *c, char *buf, size_t bufsize)
{
	size_t i, o;

	o = (size_t)snprintf(buf, bufsize, "expected one of ");
	for (i = 0; c->values[i] != NULL && o < bufsize; i++)
		o += (size_t)snprintf(buf + o, bufsize - o, "%s%s",
		    i ? ", " : "", c->values[i]);
	return buf;
}

const char *
cr_rowcheck_value(const struct cr_column *c, const char *v, size_t len,
    char *buf, size_t bufsize)
{
	const uint8_t *bad;
	size_t i;

	if (v == NULL) {
		if (c->flags & CR_COL_NONEMPTY)
			return "empty value, expected a value";
		return NULL;
	}
	if (len > CR_VALUE_MAX) {
		snprintf(buf, bufsize, "longer than %d bytes", CR_VALUE_MAX);
		return buf;
	}
	bad = u8_check((const uint8_t *)v, len);
	if (bad != NULL) {
		snprintf(buf, bufsize, "invalid UTF-8 at byte offset %zu",
		    (size_t)(bad - (const uint8_t *)v));
		return buf;
	}
	switch (c->type) {
	case CR_COL_TEXT:
		return NULL;
	case CR_COL_ID:
		if (!cr_valid_id(v, len))
			return "expected an identifier: 1-64 characters of "
			    "A-Z a-z 0-9 . _ : -, the first a letter or digit";
		return NULL;
	case CR_COL_ENUM:
		for (i = 0; c->values[i] != NULL; i++) {
			if (strcmp(v, c->values[i]) == 0)
				return NULL;
		}
		return expected_enum(c, buf, bufsize);
	case CR_COL_BOOL:
		if (cr_parse_bool(v) < 0)
			return "expected a boolean: true/false, 1/0 or yes/no";
		return NULL;
	case CR_COL_TIME:
		if (cr_parse_time(v, NULL) != 0)
			return "expected a UTC timestamp like "
			    "2026-11-30T02:00:00Z";
		return NULL;
	}
	return NULL;
}

int
cr_rowcheck(const struct cr_row *row, cr_rowproblem_fn fn, void *arg)
{
	const struct cr_schema *s = row->schema;
	const char *why;
	char buf[256], msg[512], q[96];
	size_t i;
	int n = 0;

	if (row->flags & CR_ROW_BADCOUNT) {
		snprintf(msg, sizeof msg, "expected %zu fields, found %zu",
		    row->nexpected, row->nfields);
		fn(arg, row, -1, msg);
		n++;
	}
	for (i = 0; i < s->ncols; i++) {
		why = cr_rowcheck_value(&s->cols[i], row->val[i], row->len[i],
		    buf, sizeof buf);
		if (why == NULL)
			continue;
		if (row->val[i] == NULL)
			snprintf(msg, sizeof msg, "column \"%s\": %s",
			    s->cols[i].name, why);
		else
			snprintf(msg, sizeof msg, "column \"%s\" \"%s\": %s",
			    s->cols[i].name, cr_diag_quote(q, sizeof q,
			    row->val[i], row->len[i], 64), why);
		fn(arg, row, (int)i, msg);
		n++;
	}
	return n;
}
