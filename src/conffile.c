/*
 * conffile.c -- the --config file of conffile.h.  Format: one `key = value`
 * per line; `#` starts a comment line; blank lines are skipped; the value
 * is trimmed and taken verbatim (no quoting, no escapes).  Keys: export,
 * manifest, out, token-key, claim-url, claim-ttl, from, templates,
 * bundle-format, signing-key, memory, strict, quiet ('_' may stand for
 * '-').  A key of an option the command does not take is read and
 * ignored, so one file serves run, plan and check.  It deliberately has
 * no includes, sections or environment expansion.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conffile.h"
#include "custrelease.h"
#include "err.h"
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

/*
 * Set one option unless the command line did, and only when the command
 * takes it (`taken`, cr_opt bits): 0, -1 (unknown key) or -2 (a boolean
 * that is not one).  A key may be spelled with '_' for '-'.
 */
static int
config_set(struct cr_options *o, unsigned taken, const char *key,
    const char *value)
{
	static const struct {
		const char	*key;
		unsigned	 bit;
		size_t		 offset;
	} strings[] = {
		{ "export", CR_OPT_EXPORT,
		    offsetof(struct cr_options, export_path) },
		{ "manifest", CR_OPT_MANIFEST,
		    offsetof(struct cr_options, manifest_path) },
		{ "out", CR_OPT_OUT, offsetof(struct cr_options, out_dir) },
		{ "token-key", CR_OPT_TOKEN_KEY,
		    offsetof(struct cr_options, token_key) },
		{ "claim-url", CR_OPT_CLAIM_URL,
		    offsetof(struct cr_options, claim_url) },
		{ "claim-ttl", CR_OPT_CLAIM_TTL,
		    offsetof(struct cr_options, claim_ttl) },
		{ "from", CR_OPT_FROM, offsetof(struct cr_options, from) },
		{ "templates", CR_OPT_TEMPLATES,
		    offsetof(struct cr_options, templates) },
		{ "bundle-format", CR_OPT_BUNDLE_FORMAT,
		    offsetof(struct cr_options, bundle_format) },
		{ "signing-key", CR_OPT_SIGNING_KEY,
		    offsetof(struct cr_options, signing_key) },
		{ "memory", CR_OPT_MEMORY, offsetof(struct cr_options, memory) },
	};
	char name[32];
	const char **field;
	size_t i;
	int b;

	for (i = 0; key[i] != '\0' && i < sizeof name - 1; i++)
		name[i] = key[i] == '_' ? '-' : key[i];
	name[i] = '\0';
	for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		if (strcmp(name, strings[i].key) != 0)
			continue;
		field = (const char **)(void *)((char *)o + strings[i].offset);
		if ((taken & strings[i].bit) && *field == NULL)
			*field = config_keep(value);
		return 0;
	}
	if (strcmp(name, "strict") != 0 && strcmp(name, "quiet") != 0)
		return -1;
	if ((b = cr_parse_bool(value)) < 0)
		return -2;
	/* false never undoes the command line */
	if (b == 1 && strcmp(name, "strict") == 0 && (taken & CR_OPT_STRICT))
		o->strict = 1;
	if (b == 1 && strcmp(name, "quiet") == 0 && (taken & CR_OPT_QUIET))
		o->quiet = 1;
	return 0;
}

int
cr_config_apply(const char *path, unsigned taken, struct cr_options *o)
{
	char line[CONFIG_LINE_MAX], *s, *eq, *key, *value, q[64];
	unsigned long n = 0;
	FILE *f;
	int rc = 0, r;

	if ((f = fopen(path, "r")) == NULL) {
		cr_err_set(path, 0, "cannot read config: %s", strerror(errno));
		return CR_STATUS_USAGE;
	}
	while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
		n++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			cr_err_set(path, n, "config line longer than %d bytes",
			    CONFIG_LINE_MAX - 2);
			rc = CR_STATUS_USAGE;
			break;
		}
		s = config_trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if ((eq = strchr(s, '=')) == NULL) {
			cr_err_set(path, n, "expected key = value");
			rc = CR_STATUS_USAGE;
			break;
		}
		*eq = '\0';
		key = config_trim(s);
		value = config_trim(eq + 1);
		r = config_set(o, taken, key, value);
		if (r == -1) {
			cr_err_set(path, n, "unknown key \"%s\"", cr_diag_quote(q,
			    sizeof q, key, strlen(key), 32));
			rc = CR_STATUS_USAGE;
		} else if (r == -2) {
			cr_err_set(path, n, "%s: expected true or false",
			    cr_diag_quote(q, sizeof q, key, strlen(key), 32));
			rc = CR_STATUS_USAGE;
		}
	}
	if (rc == 0 && ferror(f)) {
		cr_err_set(path, 0, "cannot read config: %s", strerror(errno));
		rc = CR_STATUS_IO;
	}
	fclose(f);
	return rc;
}
