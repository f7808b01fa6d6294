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
 * Only cmd-*.c and main.c include this file.  Every message, the
 * library's and the commands' own, is recorded in the error handle
 * (err.h); cr_diag_set_stream() makes this file the handle's sink, so that
 * each record is printed here, at once.  tests/layering.sh checks that no
 * other object calls these functions.
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


#endif
