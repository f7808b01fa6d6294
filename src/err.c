/*
 * err.c -- the error handle of err.h: one record per thread, one sink for
 * the process.  It formats into the record and hands it on; it does not
 * print, count, translate or decide an exit code.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "err.h"

static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;
static cr_err_sink *err_sink;
static void *err_sink_arg;
static void (*err_fatal)(int status);
#define ERR_CLEANUP_MAX	4
static struct {
	void	(*fn)(void *);
	void	*arg;
} err_cleanup[ERR_CLEANUP_MAX];
static int err_ncleanup;

static _Thread_local struct cr_errrec err_last;	/* the last failure */
static _Thread_local struct cr_errrec err_cur;	/* the record being made */
static _Thread_local unsigned err_held;

void
cr_err_set_sink(cr_err_sink *sink, void *arg)
{
	pthread_mutex_lock(&err_lock);
	err_sink = sink;
	err_sink_arg = arg;
	pthread_mutex_unlock(&err_lock);
}

static void __attribute__((format(printf, 4, 0)))
err_record(enum cr_grade grade, const char *file, unsigned long line,
    const char *fmt, va_list ap)
{
	struct cr_errrec *r = &err_cur;
	int saved = errno;

	r->grade = grade;
	r->errnum = saved;
	r->has_file = file != NULL;
	r->line = line;
	snprintf(r->file, sizeof r->file, "%s", file != NULL ? file : "");
	vsnprintf(r->msg, sizeof r->msg, fmt, ap);
	if (grade == CR_GRADE_FAILED)
		err_last = *r;
	if (err_held == 0) {
		pthread_mutex_lock(&err_lock);
		if (err_sink != NULL)
			err_sink(err_sink_arg, r);
		pthread_mutex_unlock(&err_lock);
	}
	errno = saved;
}

void
cr_err_set(const char *file, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_record(CR_GRADE_FAILED, file, line, fmt, ap);
	va_end(ap);
}

void
cr_err_warn(const char *file, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_record(CR_GRADE_WARN, file, line, fmt, ap);
	va_end(ap);
}

void
cr_err_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_record(CR_GRADE_NOTE, NULL, 0, fmt, ap);
	va_end(ap);
}

const struct cr_errrec *
cr_err_last(void)
{
	return &err_last;
}

void
cr_err_clear(void)
{
	memset(&err_last, 0, sizeof err_last);
}

void
cr_err_set_fatal(void (*fatal)(int status))
{
	err_fatal = fatal;
}

void
cr_err_at_fatal(void (*fn)(void *), void *arg)
{
	pthread_mutex_lock(&err_lock);
	if (fn == NULL && err_ncleanup > 0)
		err_ncleanup--;
	else if (fn != NULL && err_ncleanup < ERR_CLEANUP_MAX) {
		err_cleanup[err_ncleanup].fn = fn;
		err_cleanup[err_ncleanup++].arg = arg;
	} else if (fn != NULL)
		abort();		/* a bug: nested too deep */
	pthread_mutex_unlock(&err_lock);
}

void
cr_err_fatal(int status)
{
	void (*cleanup)(void *);
	void *arg = NULL;

	if (err_held > 0 && err_last.msg[0] != '\0') {
		err_held = 0;		/* the reason is never swallowed */
		pthread_mutex_lock(&err_lock);
		if (err_sink != NULL)
			err_sink(err_sink_arg, &err_last);
		pthread_mutex_unlock(&err_lock);
	}
	/* the innermost first, each once, even if it fails in turn */
	for (;;) {
		pthread_mutex_lock(&err_lock);
		cleanup = NULL;
		if (err_ncleanup > 0) {
			err_ncleanup--;
			cleanup = err_cleanup[err_ncleanup].fn;
			arg = err_cleanup[err_ncleanup].arg;
		}
		pthread_mutex_unlock(&err_lock);
		if (cleanup == NULL)
			break;
		cleanup(arg);
	}
	if (err_fatal != NULL)
		err_fatal(status);
	abort();
}

void
cr_err_resend(void)
{
	if (err_held > 0 || err_last.msg[0] == '\0')
		return;
	pthread_mutex_lock(&err_lock);
	if (err_sink != NULL)
		err_sink(err_sink_arg, &err_last);
	pthread_mutex_unlock(&err_lock);
}

void
cr_err_nomem(void)
{
	err_held = 0;
	cr_err_note("out of memory");
	cr_err_fatal(CR_STATUS_IO);
}

void
cr_err_hold(void)
{
	err_held++;
}

void
cr_err_release(void)
{
	if (err_held > 0)
		err_held--;
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
