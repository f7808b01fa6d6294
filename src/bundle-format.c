/*
 * bundle-format.c -- the table of bundle formats and its look-up by name;
 * see bundle-format.h.  The first entry is the default.  It deliberately
 * knows nothing of any one format: each is in its own bundle-*.c.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "bundle-format.h"

static const struct cr_bundle_format *const formats[] = {
	&cr_bundle_format_targz,
	&cr_bundle_format_tarzst,
	&cr_bundle_format_zip,
};
#define NFORMATS	(sizeof formats / sizeof formats[0])

const struct cr_bundle_format *
cr_bundle_format_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NFORMATS; i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

const struct cr_bundle_format *
cr_bundle_format_at(size_t i)
{
	return i < NFORMATS ? formats[i] : NULL;
}

const char *
cr_bundle_format_names(void)
{
	static char names[256];
	size_t i, len = 0;

	if (names[0] != '\0')
		return names;
	for (i = 0; i < NFORMATS; i++) {
		const char *sep = i == 0 ? "" : i + 1 < NFORMATS ? ", " : " or ";
		size_t need = strlen(sep) + strlen(formats[i]->name);

		if (len + need >= sizeof names)
			break;
		memcpy(names + len, sep, strlen(sep));
		memcpy(names + len + strlen(sep), formats[i]->name,
		    strlen(formats[i]->name));
		len += need;
	}
	names[len] = '\0';
	return names;
}
