/*
 * diag.h -- diagnostics on stderr, in the one form docs/format.md 5 gives:
 *
 *	custrelease: FILE:LINE: message
 *	custrelease: FILE:LINE: warning: message
 *	custrelease: message
 *
 * LINE is 0 when no line applies.  FILE is the name the user gave, or the
 * member name inside an archive.  Nothing here decides an exit code.
 *
 * Messages must never hold a claim token; callers pass field values only
 * after cr_diag_quote() has made them printable.
 */
#ifndef CR_DIAG_H
#define CR_DIAG_H

#include <stdio.h>
#include <stddef.h>

void	cr_diag_set_stream(FILE *);	/* default stderr; tests capture */
FILE	*cr_diag_stream(void);

void	cr_error(const char *file, unsigned long line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	cr_warn(const char *file, unsigned long line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	cr_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Warnings printed so far (for summaries). */
unsigned long cr_diag_warnings(void);

/*
 * Make a field value safe and short for a message: at most `max` bytes of
 * the value, control bytes and invalid UTF-8 written as \xHH, a trailing
 * "..." when cut.  Returns `buf`.
 */
char	*cr_diag_quote(char *buf, size_t bufsize, const char *value,
	    size_t len, size_t max);

#endif
