/*
 * diag.c -- the stderr diagnostics of diag.h.  It formats and counts; it
 * does not decide exit codes, colour output or translate messages.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <unistr.h>

#include "diag.h"

static FILE *diag_stream;
static unsigned long diag_nwarnings;

void
cr_diag_set_stream(FILE *f)
{
	diag_stream = f;
}

FILE *
cr_diag_stream(void)
{
	return diag_stream != NULL ? diag_stream : stderr;
}

static void
diag_vprint(const char *file, unsigned long line, const char *kind,
    const char *fmt, va_list ap)
{
	FILE *f = cr_diag_stream();
	int saved = errno;

	fputs("custrelease: ", f);
	if (file != NULL)
		fprintf(f, "%s:%lu: ", file, line);
	if (kind != NULL)
		fputs(kind, f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
	/*
	 * Callers often choose their exit code from errno after the message:
	 * a closed or full stderr (2>&-, EBADF) must not change it.
	 */
	errno = saved;
}

void
cr_error(const char *file, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vprint(file, line, NULL, fmt, ap);
	va_end(ap);
}

void
cr_warn(const char *file, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	diag_nwarnings++;
	va_start(ap, fmt);
	diag_vprint(file, line, "warning: ", fmt, ap);
	va_end(ap);
}

void
cr_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vprint(NULL, 0, NULL, fmt, ap);
	va_end(ap);
}

unsigned long
cr_diag_warnings(void)
{
	return diag_nwarnings;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t
diag_utf8_len(const unsigned char *s, size_t n)
{
	ucs4_t uc;
	int len = u8_mbtoucr(&uc, s, n);

	return len > 0 ? (size_t)len : 0;
}

char *
cr_diag_quote(char *buf, size_t bufsize, const char *value, size_t len,
    size_t max)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t i = 0, o = 0, n;

	if (bufsize == 0)
		return buf;
	if (max > bufsize - 8)
		max = bufsize > 8 ? bufsize - 8 : 0;
	while (i < len) {
		n = diag_utf8_len(s + i, len - i);
		if (n == 0 || s[i] < 0x20 || s[i] == 0x7f) {
			if (o + 4 > max)
				break;
			snprintf(buf + o, bufsize - o, "\\x%02X", s[i]);
			o += 4;
			i++;
			continue;
		}
		if (o + n > max)
			break;
		memcpy(buf + o, s + i, n);
		o += n;
		i += n;
	}
	if (i < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}
