/*
 * conffile.c -- the --config file of conffile.h.  Format: one `key = value`
 * per line; `#` starts a comment line; blank lines are skipped; the value
 * is trimmed and taken verbatim (no quoting, no escapes).  Keys: export,
 * manifest, out, token-key, claim-url, claim-ttl, from, templates,
 * bundle-format, strict, quiet.  It deliberately has no includes, sections
 * or environment expansion.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conffile.h"
#include "custrelease.h"
#include "diag.h"
#include "rowcheck.h"
#include "xmalloc.h"

#define CONFIG_LINE_MAX	4096

static char	**config_strings;
static size_t	  config_nstrings;

static const char *
config_keep(const char *s)
{
	config_strings = xreallocarray(config_strings, config_nstrings + 1,
	    sizeof *config_strings);
	return config_strings[config_nstrings++] = xstrdup(s);
}

void
cr_config_free(void)
{
	size_t i;

	for (i = 0; i < config_nstrings; i++)
		free(config_strings[i]);
	free(config_strings);
	config_strings = NULL;
	config_nstrings = 0;
}

static char *
config_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* Set one option unless the command line did; 0 or -1 (unknown key). */
static int
config_set(struct cr_options *o, const char *key, const char *value,
    int *boolean)
{
	static const struct {
		const char	*key;
		size_t		 offset;
	} strings[] = {
		{ "export", offsetof(struct cr_options, export_path) },
		{ "manifest", offsetof(struct cr_options, manifest_path) },
		{ "out", offsetof(struct cr_options, out_dir) },
		{ "token-key", offsetof(struct cr_options, token_key) },
		{ "claim-url", offsetof(struct cr_options, claim_url) },
		{ "claim-ttl", offsetof(struct cr_options, claim_ttl) },
		{ "from", offsetof(struct cr_options, from) },
		{ "templates", offsetof(struct cr_options, templates) },
		{ "bundle-format", offsetof(struct cr_options, bundle_format) },
	};
	const char **field;
	size_t i;

	*boolean = 0;
	for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		if (strcmp(key, strings[i].key) != 0)
			continue;
		field = (const char **)(void *)((char *)o + strings[i].offset);
		if (*field == NULL)
			*field = config_keep(value);
		return 0;
	}
	if (strcmp(key, "strict") == 0 || strcmp(key, "quiet") == 0) {
		*boolean = 1;
		switch (cr_parse_bool(value)) {
		case 1:
			if (strcmp(key, "strict") == 0)
				o->strict = 1;
			else
				o->quiet = 1;
			return 0;
		case 0:
			return 0;	/* false never undoes the command line */
		default:
			return -2;
		}
	}
	return -1;
}

int
cr_config_apply(const char *path, struct cr_options *o)
{
	char line[CONFIG_LINE_MAX], *s, *eq, *key, *value;
	unsigned long n = 0;
	FILE *f;
	int rc = 0, boolean, r;

	if ((f = fopen(path, "r")) == NULL) {
		cr_error(path, 0, "cannot read config: %s", strerror(errno));
		return CR_EXIT_USAGE;
	}
	while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
		n++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			cr_error(path, n, "config line longer than %d bytes",
			    CONFIG_LINE_MAX - 2);
			rc = CR_EXIT_USAGE;
			break;
		}
		s = config_trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if ((eq = strchr(s, '=')) == NULL) {
			cr_error(path, n, "expected key = value");
			rc = CR_EXIT_USAGE;
			break;
		}
		*eq = '\0';
		key = config_trim(s);
		value = config_trim(eq + 1);
		r = config_set(o, key, value, &boolean);
		if (r == -1) {
			cr_error(path, n, "unknown key \"%s\"", key);
			rc = CR_EXIT_USAGE;
		} else if (r == -2) {
			cr_error(path, n, "%s: expected true or false", key);
			rc = CR_EXIT_USAGE;
		}
	}
	if (rc == 0 && ferror(f)) {
		cr_error(path, 0, "cannot read config: %s", strerror(errno));
		rc = CR_EXIT_IOERR;
	}
	fclose(f);
	return rc;
}
