/*
 * codes.h -- the decision codes, drawn from the one table in codes.def:
 * the enum, and each code's name, severity, phase and meaning.  Pure
 * look-ups over static data; nothing is allocated or owned.
 */
#ifndef CR_CODES_H
#define CR_CODES_H

#include <stddef.h>

enum cr_code {
#define CR_CODE(name, phase, meaning)	CR_##name,
#include "codes.def"
#undef CR_CODE
	CR_CODE_COUNT
};

/* "E_BAD_REQUEST"; "?" for a value out of range. */
const char	*cr_code_name(enum cr_code);
/* The one-line meaning of docs/format.md 3.2. */
const char	*cr_code_meaning(enum cr_code);
/* The decide phase that finds it (1-5), or 6 for a release's warnings. */
int		 cr_code_phase(enum cr_code);
/* 'E' (rejects), 'S' (skips) or 'W' (warns on a release). */
char		 cr_code_severity(enum cr_code);
/* The code named by the len bytes at s, or -1 when the table has none. */
int		 cr_code_lookup(const char *s, size_t len);

#endif
