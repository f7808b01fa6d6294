/*
 * codes.c -- the table of codes.def as data: names, phases and meanings,
 * and the look-up of a name read from a record.  It knows nothing of
 * requests or files.
 */
#include <string.h>

#include "codes.h"

static const struct {
	const char	*name;
	int		 phase;
	const char	*meaning;
} codes[CR_CODE_COUNT] = {
#define CR_CODE(name, phase, meaning)	{ #name, phase, meaning },
#include "codes.def"
#undef CR_CODE
};

const char *
cr_code_name(enum cr_code c)
{
	return (unsigned)c < CR_CODE_COUNT ? codes[c].name : "?";
}

const char *
cr_code_meaning(enum cr_code c)
{
	return (unsigned)c < CR_CODE_COUNT ? codes[c].meaning : "?";
}

int
cr_code_phase(enum cr_code c)
{
	return (unsigned)c < CR_CODE_COUNT ? codes[c].phase : 0;
}

char
cr_code_severity(enum cr_code c)
{
	return (unsigned)c < CR_CODE_COUNT ? codes[c].name[0] : '?';
}

int
cr_code_lookup(const char *s, size_t len)
{
	int c;

	/* 21 names: a linear look-up is constant time per code read */
	for (c = 0; c < CR_CODE_COUNT; c++) {
		if (strlen(codes[c].name) == len &&
		    memcmp(codes[c].name, s, len) == 0)
			return c;
	}
	return -1;
}
