/*
 * bag-json.c -- the small JSON reader of bag.h, for custrelease's own
 * summary.json and ownership.jsonl: values parsed from memory into a tree
 * (depth at most 64), looked up by dotted path.
 *
 * It deliberately is no general-purpose JSON: no duplicate-key rule,
 * numbers kept as their text, no writer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "bag.h"
#include "xmalloc.h"

#define JSON_MAX_DEPTH	64

struct json_in {
	const char	*p, *end;
	char		*err;
	size_t		 errsize;
	const char	*start;
};

static int json_value(struct json_in *, struct cr_json *, int depth);

__attribute__((format(printf, 2, 3)))
static int
json_fail(struct json_in *in, const char *fmt, ...)
{
	char msg[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(in->err, in->errsize, "byte %zu: %s",
	    (size_t)(in->p - in->start), msg);
	return -1;
}

static void
json_ws(struct json_in *in)
{
	while (in->p < in->end && strchr(" \t\r\n", *in->p) != NULL &&
	    *in->p != '\0')
		in->p++;
}

static int
json_hex4(struct json_in *in, unsigned *out)
{
	unsigned v = 0;
	int i;
	char c;

	if (in->end - in->p < 4)
		return json_fail(in, "short \\u escape");
	for (i = 0; i < 4; i++) {
		c = *in->p++;
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return json_fail(in, "bad \\u escape");
	}
	*out = v;
	return 0;
}

/*
 * A \u escape, in->p just past the 'u': one code point (a surrogate pair
 * joined, a lone surrogate or U+0000 refused), written as UTF-8 to dst,
 * which has room for 6 bytes.  Returns the bytes written, or -1.
 */
static int
json_unicode_escape(struct json_in *in, char *dst)
{
	unsigned u, lo;
	int n;

	if (json_hex4(in, &u) != 0)
		return -1;
	if (u >= 0xd800 && u < 0xdc00) {
		if (in->end - in->p < 6 || in->p[0] != '\\' ||
		    in->p[1] != 'u')
			return json_fail(in, "lone surrogate");
		in->p += 2;
		if (json_hex4(in, &lo) != 0)
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return json_fail(in, "lone surrogate");
		u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
	} else if (u >= 0xdc00 && u < 0xe000)
		return json_fail(in, "lone surrogate");
	if (u == 0)
		return json_fail(in, "\\u0000 in string");
	n = u8_uctomb((uint8_t *)dst, (ucs4_t)u, 6);
	if (n <= 0)
		return json_fail(in, "bad code point");
	return n;
}

/*
 * The escape after a backslash, in->p just past the backslash, decoded to
 * dst (room for 6 bytes).  Returns the bytes written, or -1.
 */
static int
json_escape(struct json_in *in, char *dst)
{
	unsigned char c;

	if (in->p >= in->end)
		return json_fail(in, "unterminated string");
	c = (unsigned char)*in->p++;
	switch (c) {
	case '"': case '\\': case '/':
		*dst = (char)c;
		return 1;
	case 'b': *dst = '\b'; return 1;
	case 'f': *dst = '\f'; return 1;
	case 'n': *dst = '\n'; return 1;
	case 'r': *dst = '\r'; return 1;
	case 't': *dst = '\t'; return 1;
	case 'u':
		return json_unicode_escape(in, dst);
	default:
		return json_fail(in, "bad escape");
	}
}

/*
 * A string; in->p is just past the opening quote.  Control characters are
 * refused; other bytes are copied as they are (no UTF-8 check here).
 */
static int
json_string(struct json_in *in, char **out)
{
	char *buf;
	size_t len = 0, cap = 32;
	unsigned char c;
	int n;

	buf = xmalloc(cap);
	for (;;) {
		if (cap - len < 8) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		if (in->p >= in->end) {
			json_fail(in, "unterminated string");
			goto fail;
		}
		c = (unsigned char)*in->p++;
		if (c == '"')
			break;
		if (c < 0x20) {
			json_fail(in, "control character in string");
			goto fail;
		}
		if (c != '\\') {
			buf[len++] = (char)c;
			continue;
		}
		if ((n = json_escape(in, buf + len)) < 0)
			goto fail;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
fail:
	free(buf);
	return -1;
}

static int
json_number(struct json_in *in, struct cr_json *v)
{
	const char *s = in->p;

#define DIGITS() do { \
	if (in->p >= in->end || *in->p < '0' || *in->p > '9') \
		return json_fail(in, "bad number"); \
	while (in->p < in->end && *in->p >= '0' && *in->p <= '9') \
		in->p++; \
} while (0)
	if (in->p < in->end && *in->p == '-')
		in->p++;
	DIGITS();
	if (in->p < in->end && *in->p == '.') {
		in->p++;
		DIGITS();
	}
	if (in->p < in->end && (*in->p == 'e' || *in->p == 'E')) {
		in->p++;
		if (in->p < in->end && (*in->p == '+' || *in->p == '-'))
			in->p++;
		DIGITS();
	}
#undef DIGITS
	v->type = CR_JSON_NUMBER;
	v->str = xmemdup0(s, (size_t)(in->p - s));
	return 0;
}

static int
json_word(struct json_in *in, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(in->end - in->p) < n || memcmp(in->p, w, n) != 0)
		return json_fail(in, "unexpected character");
	in->p += n;
	return 0;
}

static struct cr_json *
json_push(struct cr_json *v, size_t *cap)
{
	if (v->n == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		v->items = xreallocarray(v->items, *cap, sizeof *v->items);
		if (v->type == CR_JSON_OBJECT)
			v->keys = xreallocarray(v->keys, *cap,
			    sizeof *v->keys);
	}
	memset(&v->items[v->n], 0, sizeof v->items[v->n]);
	return &v->items[v->n];
}

static int
json_container(struct json_in *in, struct cr_json *v, int depth)
{
	char close = v->type == CR_JSON_OBJECT ? '}' : ']';
	size_t cap = 0;
	char *key;
	struct cr_json *item;

	json_ws(in);
	if (in->p < in->end && *in->p == close) {
		in->p++;
		return 0;
	}
	for (;;) {
		json_ws(in);
		key = NULL;
		if (v->type == CR_JSON_OBJECT) {
			if (in->p >= in->end || *in->p != '"')
				return json_fail(in, "expected a key");
			in->p++;
			if (json_string(in, &key) != 0)
				return -1;
			json_ws(in);
			if (in->p >= in->end || *in->p != ':') {
				free(key);
				return json_fail(in, "expected ':'");
			}
			in->p++;
		}
		item = json_push(v, &cap);
		if (v->type == CR_JSON_OBJECT)
			v->keys[v->n] = key;
		v->n++;
		if (json_value(in, item, depth + 1) != 0)
			return -1;
		json_ws(in);
		if (in->p < in->end && *in->p == ',') {
			in->p++;
			continue;
		}
		if (in->p < in->end && *in->p == close) {
			in->p++;
			return 0;
		}
		return json_fail(in, "expected ',' or '%c'", close);
	}
}

static int
json_value(struct json_in *in, struct cr_json *v, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		return json_fail(in, "nested too deep");
	json_ws(in);
	if (in->p >= in->end)
		return json_fail(in, "unexpected end");
	switch (*in->p) {
	case '{':
	case '[':
		v->type = *in->p == '{' ? CR_JSON_OBJECT : CR_JSON_ARRAY;
		in->p++;
		return json_container(in, v, depth);
	case '"':
		in->p++;
		v->type = CR_JSON_STRING;
		return json_string(in, &v->str);
	case 't':
		v->type = CR_JSON_BOOL;
		v->boolean = 1;
		return json_word(in, "true");
	case 'f':
		v->type = CR_JSON_BOOL;
		return json_word(in, "false");
	case 'n':
		v->type = CR_JSON_NULL;
		return json_word(in, "null");
	default:
		return json_number(in, v);
	}
}

static void
json_clear(struct cr_json *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		json_clear(&v->items[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
}

struct cr_json *
cr_json_parse(const char *s, size_t len, char *err, size_t errsize)
{
	struct json_in in = { s, s + len, err, errsize, s };
	struct cr_json *v;

	v = xcalloc(1, sizeof *v);
	if (json_value(&in, v, 0) != 0) {
		cr_json_free(v);
		return NULL;
	}
	json_ws(&in);
	if (in.p != in.end) {
		json_fail(&in, "trailing data");
		cr_json_free(v);
		return NULL;
	}
	return v;
}

void
cr_json_free(struct cr_json *v)
{
	if (v == NULL)
		return;
	json_clear(v);
	free(v);
}

const struct cr_json *
cr_json_get(const struct cr_json *v, const char *path)
{
	const char *dot;
	size_t n, i;

	while (v != NULL && *path != '\0') {
		if (v->type != CR_JSON_OBJECT)
			return NULL;
		dot = strchr(path, '.');
		n = dot != NULL ? (size_t)(dot - path) : strlen(path);
		for (i = 0; i < v->n; i++)
			if (strlen(v->keys[i]) == n &&
			    memcmp(v->keys[i], path, n) == 0)
				break;
		v = i < v->n ? &v->items[i] : NULL;
		path += n;
		if (*path == '.')
			path++;
	}
	return v;
}

const char *
cr_json_str(const struct cr_json *v, const char *path)
{
	v = cr_json_get(v, path);
	return v != NULL && v->type == CR_JSON_STRING ? v->str : NULL;
}

int
cr_json_uint(const struct cr_json *v, const char *path, unsigned long *out)
{
	const char *s;
	char *end;
	unsigned long n;

	v = cr_json_get(v, path);
	if (v == NULL || v->type != CR_JSON_NUMBER)
		return 0;
	s = v->str;
	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return 0;
	*out = n;
	return 1;
}
