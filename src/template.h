/*
 * template.h -- the claim email templates: one directory of files named
 * <lang>.subject, <lang>.txt and optionally <lang>.html (en required), in
 * the small placeholder syntax of docs/emails.md:
 *
 *	{{name}}			a value, escaped for the file
 *					(HTML-escaped in .html; in .subject
 *					and .txt as is, controls refused)
 *	{{kind|domain=Domain|...}}	an enumerated value mapped to text;
 *					every possible value must be mapped
 *	{{#products}}...{{/products}}	repeat for each item of a list
 *	{{?import_account}}...{{/import_account}}   only when set/non-empty
 *	{{^import_account}}...{{/import_account}}   only when unset/empty
 *	{{! a comment }}
 *
 * A line holding nothing but one section tag or comment (and blanks)
 * vanishes whole, newline included.  Every placeholder is checked when the
 * directory is loaded, so a broken template stops the program before any
 * release is decided.
 *
 * It deliberately knows nothing of MIME, headers or transfer encodings:
 * email.c turns the rendered text into a message.
 */
#ifndef CR_TEMPLATE_H
#define CR_TEMPLATE_H

#include <stddef.h>

struct cr_templates;
struct cr_email;

enum cr_template_part {
	CR_TEMPLATE_SUBJECT,	/* <lang>.subject: one line */
	CR_TEMPLATE_TEXT,	/* <lang>.txt */
	CR_TEMPLATE_HTML	/* <lang>.html, optional */
};

/*
 * The shipped templates, compiled in from templates/ at build time
 * (build-aux/gen-templates.sh): file name, bytes, length.  --templates DIR
 * and $CUSTRELEASE_TEMPLATES override them.
 */
struct cr_template_file {
	const char	*name;		/* "en.txt" */
	const char	*text;		/* NUL-terminated */
	size_t		 len;
};
extern const struct cr_template_file	cr_builtin_templates[];
extern const size_t			cr_builtin_templates_n;

/*
 * Load and check every template of `dir`.  NULL after recording
 *	FILE:LINE: template: ...
 * for the first broken one (unknown placeholder, unbalanced section,
 * invalid UTF-8, a control character, a language without its .subject or
 * .txt, no en); the caller exits CR_STATUS_USAGE.
 */
struct cr_templates	*cr_templates_load(const char *dir);
/*
 * The same, with a status: 0; CR_STATUS_USAGE for a broken template or a
 * wrong path; CR_STATUS_IO when reading failed.
 */
int			 cr_templates_open(const char *dir,
			    struct cr_templates **);
/* The built-in templates, checked as a directory is; 0 or CR_STATUS_USAGE. */
int			 cr_templates_builtin(struct cr_templates **);
void			 cr_templates_free(struct cr_templates *);
/*
 * The SHA-256 of a template set (each language's files in order: name,
 * kind, text as parsed), in hex: summary.json records the run's, so that
 * a replay knows whether its templates are the run's.
 */
void			 cr_templates_digest(const struct cr_templates *,
			    char out[65]);

/*
 * The template language for a customer's `lang` (docs/format.md 3): NULL or blank
 * gives "en"; otherwise the value, trimmed and compared case-insensitively
 * with the template names, then with its subtags stripped from the right
 * ("zh-Hant-TW", "zh-hant", "zh"); no match gives "en" and *defaulted = 1
 * (W_LANG_DEFAULTED), else *defaulted = 0.  The string belongs to the
 * templates.
 */
const char	*cr_templates_resolve(const struct cr_templates *,
		    const char *lang, int *defaulted);
/* Whether `lang` (a name from resolve) has that part. */
int		 cr_templates_has(const struct cr_templates *, const char *lang,
		    enum cr_template_part);

/* What a template may show besides the fields of struct cr_email. */
struct cr_template_data {
	const struct cr_email	*email;
	const char		*claim_link;	/* claim_url + token (or
						   + REDACTED) */
	const char		*subject;	/* the rendered subject; NULL
						   when rendering it */
};

/*
 * Render one part of `lang` (which must come from resolve).  Returns the
 * text, allocated and NUL-terminated, its length in *len; NULL when the
 * language has no such part.  Values are used as given: the caller has
 * already refused controls and invalid UTF-8 in them.
 */
char		*cr_templates_render(const struct cr_templates *,
		    const char *lang, enum cr_template_part,
		    const struct cr_template_data *, size_t *len);

#endif
