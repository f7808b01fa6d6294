/*
 * diag.h -- the command layer's diagnostics on stderr (cmd-diag.c), in the
 * one form docs/format.md 5 gives:
 *
 *	custrelease: FILE:LINE: message
 *	custrelease: FILE:LINE: warning: message
 *	custrelease: message
 *
 * LINE is 0 when no line applies.  FILE is the name the user gave, or the
 * member name inside an archive.
 *
 * Only cmd-*.c include this file: library code records into the error
 * handle (err.h), and cr_diag_set_stream() makes this file the handle's
 * sink, so that what the library records is printed here, at once.
 * tests/layering.sh checks that no other object calls these functions.
 *
 * Messages must never hold a claim token; callers pass field values only
 * after cr_diag_quote() (err.h) has made them printable.
 */
#ifndef CR_DIAG_H
#define CR_DIAG_H

#include <stdio.h>

#include "err.h"

/* Print the error handle's records on f (NULL: stderr) from now on. */
void	cr_diag_set_stream(FILE *);
FILE	*cr_diag_stream(void);

void	cr_error(const char *file, unsigned long line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	cr_warn(const char *file, unsigned long line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	cr_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
