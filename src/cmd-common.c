/*
 * cmd-common.c -- options and the read stage shared by run and plan (see
 * cmd-common.h).  The progress line is drawn on stderr only when stderr is
 * a terminal and --quiet is not given: never in cron or through a pipe.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "bundle-format.h"
#include "cmd-common.h"
#include "custrelease.h"
#include "decide.h"
#include "diag.h"
#include "email.h"
#include "export.h"
#include "rowcheck.h"
#include "signkey.h"
#include "template.h"
#include "token.h"

/* SOURCE_DATE_EPOCH: decimal seconds, nothing else (reproducible builds). */
static int
runcfg_epoch(const char *s, time_t *t)
{
	unsigned long long v = 0;
	const char *p;

	if (*s == '\0')
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) || v > (ULLONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	if (v > (unsigned long long)INT64_MAX / 2)
		return -1;
	*t = (time_t)v;
	return 0;
}

static int
runcfg_url(const char *u)
{
	const unsigned char *p;

	if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
		return -1;
	if (strlen(u) > 2000)
		return -1;
	for (p = (const unsigned char *)u; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '<' ||
		    *p == '>' || *p == '\\')
			return -1;
	}
	/* a host after the scheme */
	p = (const unsigned char *)strstr(u, "//") + 2;
	return (*p == '\0' || *p == '/') ? -1 : 0;
}

/* 0, or CR_STATUS_USAGE after a message naming the option. */
static int
runcfg_init(const struct cr_cmd *cmd, const struct cr_options *o,
    struct cr_runcfg *c)
{
	const char *env, *dir;
	char *end;
	long ttl;
	int rc;

	memset(c, 0, sizeof *c);
	if (o->now != NULL) {
		if (cr_parse_time(o->now, &c->now) != 0)
			return cr_cmd_usage_error(cmd, "--now \"%s\": expected "
			    "a UTC time like 2026-11-30T02:00:00Z", o->now);
	} else if ((env = getenv("SOURCE_DATE_EPOCH")) != NULL) {
		if (runcfg_epoch(env, &c->now) != 0)
			return cr_cmd_usage_error(cmd, "SOURCE_DATE_EPOCH "
			    "\"%s\": expected whole seconds since 1970", env);
	} else
		c->now = time(NULL);

	c->ttl_days = CR_DEFAULT_TTL;
	if (o->claim_ttl != NULL) {
		errno = 0;
		ttl = strtol(o->claim_ttl, &end, 10);
		if (errno != 0 || *end != '\0' || end == o->claim_ttl ||
		    ttl < 1 || ttl > 3650)
			return cr_cmd_usage_error(cmd, "--claim-ttl \"%s\": "
			    "expected a number of days from 1 to 3650",
			    o->claim_ttl);
		c->ttl_days = ttl;
	}
	if ((long long)c->now < CR_RUN_TIME_MIN ||
	    (long long)c->now + c->ttl_days * 86400LL > CR_RUN_TIME_MAX)
		return cr_cmd_usage_error(cmd, "run time out of range: it must "
		    "be from 1980-01-01T00:00:00Z, and its claim expiry (%ld "
		    "days later) at most 9999-12-31T23:59:59Z", c->ttl_days);
	c->claim_url = o->claim_url ? o->claim_url : CR_DEFAULT_CLAIM_URL;
	if (runcfg_url(c->claim_url) != 0)
		return cr_cmd_usage_error(cmd, "--claim-url \"%s\": expected "
		    "an http(s) URL without spaces or quotes", c->claim_url);
	c->from = o->from ? o->from : CR_DEFAULT_FROM;
	if (cr_email_check_from(c->from) != 0)
		return CR_STATUS_USAGE;
	c->bundle_format = o->bundle_format ? o->bundle_format :
	    cr_bundle_format_targz.name;
	if (cr_bundle_format_find(c->bundle_format) == NULL)
		return cr_cmd_usage_error(cmd, "--bundle-format \"%s\": "
		    "expected %s", c->bundle_format, cr_bundle_format_names());
	if (o->token_key != NULL &&
	    (rc = cr_token_key_load(o->token_key, &c->key, &c->keylen)) != 0)
		return rc;
	if (o->signing_key != NULL) {
		if ((rc = cr_signing_key_load(o->signing_key,
		    &c->signing_key)) != 0)
			return rc;
		c->signing = 1;
	}
	dir = o->templates;
	if (dir == NULL)
		dir = getenv("CUSTRELEASE_TEMPLATES");
	if (dir != NULL && dir[0] == '\0' && o->templates == NULL)
		dir = NULL;		/* set but empty: as unset */
	if (dir == NULL)
		return cr_templates_builtin(&c->templates);
	return cr_templates_open(dir, &c->templates);
}

void
cr_runcfg_free(struct cr_runcfg *c)
{
	cr_templates_free(c->templates);
	cr_token_key_free(c->key, c->keylen);
	cr_sshkey_wipe(&c->signing_key);
	memset(c, 0, sizeof *c);
}

static const char *
runcfg_lang(void *arg, const char *lang, int *defaulted)
{
	struct cr_runcfg *c = arg;

	return cr_templates_resolve(c->templates, lang, defaulted);
}

int
cr_runcfg_begin(const struct cr_cmd *cmd, const struct cr_options *o,
    struct cr_runcfg *c, struct cr_model *m)
{
	int rc;

	memset(c, 0, sizeof *c);
	memset(m, 0, sizeof *m);
	if (o->argc != 0)
		return cr_cmd_usage_error(cmd, "unexpected operand \"%s\"",
		    o->argv[0]);
	if ((rc = runcfg_init(cmd, o, c)) != 0)
		return rc;
	return cr_model_load_manifest(m, o->manifest_path);
}

void
cr_runcfg_decide(struct cr_runcfg *c, struct cr_model *m,
    struct cr_decide_counts *n)
{
	struct cr_decide_opts dopts;

	memset(&dopts, 0, sizeof dopts);
	dopts.resolve_lang = runcfg_lang;
	dopts.lang_arg = c;
	cr_decide(m, &dopts);
	cr_decide_count(m, n);
}

/* --- progress ---------------------------------------------------------------- */

struct progress {
	double		start, last;
	int		shown;
};

static double
progress_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void
progress_draw(void *arg, uint64_t done, uint64_t total)
{
	struct progress *p = arg;
	double now = progress_now(), rate;

	if (now - p->last < 0.25)
		return;
	p->last = now;
	rate = now > p->start ? (double)done / (now - p->start) / 1e6 : 0;
	if (total != 0)
		fprintf(stderr, "\rcustrelease: reading export: %.1f of %.1f MB "
		    "(%.0f%%, %.1f MB/s)   ", (double)done / 1e6,
		    (double)total / 1e6, 100.0 * (double)done / (double)total,
		    rate);
	else
		fprintf(stderr, "\rcustrelease: reading export: %.1f MB "
		    "(%.1f MB/s)   ", (double)done / 1e6, rate);
	p->shown = 1;
}

int
cr_runcfg_load_export(const struct cr_options *o, struct cr_model *m)
{
	struct cr_export *e;
	struct progress p;
	int rc;

	if ((rc = cr_export_open(o->export_path, &e)) != 0)
		return rc;
	memset(&p, 0, sizeof p);
	p.start = progress_now();
	p.last = 0;	/* the first read draws at once */
	if (!o->quiet && isatty(STDERR_FILENO))
		cr_export_set_progress(e, progress_draw, &p);
	rc = cr_model_load_export(m, e, o->strict);
	if (p.shown)
		fputs("\r\033[K", stderr);
	cr_export_free(e);
	return rc;
}
