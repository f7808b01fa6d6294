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
#include "xmalloc.h"

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

/*
 * --memory MB, for a command that takes it (default 256): what the model
 * may keep is 5/8 of it for plan, 1/2 for run, the rest being the
 * readers' buffers, the sorters' (plan: one of 1/8; run: six of 1/64
 * each), the decisions, the emails being written and what the allocator
 * keeps (the model's count is an upper bound: whole arena blocks).
 */
#define RUNCFG_MEMORY_DEFAULT	256
#define RUNCFG_MEMORY_MAX	(1L << 20)	/* 1 TiB */

static int
runcfg_memory(const struct cr_cmd *cmd, const struct cr_options *o,
    struct cr_runcfg *c)
{
	long mb = RUNCFG_MEMORY_DEFAULT;
	unsigned long long bytes, budget;
	const char *env;
	char *end;

	if (!(cmd->options & CR_OPT_MEMORY))
		return 0;
	if (o->memory != NULL) {
		errno = 0;
		mb = strtol(o->memory, &end, 10);
		if (errno != 0 || *end != '\0' || end == o->memory || mb < 1 ||
		    mb > RUNCFG_MEMORY_MAX || *o->memory < '0' ||
		    *o->memory > '9')
			return cr_cmd_usage_error(cmd, "--memory \"%s\": "
			    "expected a number of MB from 1 to %ld", o->memory,
			    RUNCFG_MEMORY_MAX);
	}
	budget = (unsigned long long)mb * 1024 * 1024 / 8 *
	    (strcmp(cmd->name, "run") == 0 ? 4 : 5);
	c->budget = budget > SIZE_MAX ? SIZE_MAX : (size_t)budget;
	/* a testing aid, as CUSTRELEASE_VERIFY_MEM: the model's bytes */
	if ((env = getenv("CUSTRELEASE_MODEL_MEM")) != NULL) {
		errno = 0;
		bytes = strtoull(env, &end, 10);
		if (errno == 0 && *end == '\0' && end != env && bytes >= 256 &&
		    bytes <= c->budget)
			c->budget = (size_t)bytes;
	}
	return 0;
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
	if ((rc = runcfg_memory(cmd, o, c)) != 0)
		return rc;
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
	m->budget = c->budget;
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

/* --- parts ---------------------------------------------------------------- */

/*
 * A manifest larger than the budget is decided in parts: the requests of
 * a part are those whose customer_id hashes to one residue modulo k, so
 * that every request for a customer, and every rule between them, is in
 * one part; the one rule across customers (a request_id used
 * twice) was found by a sorted pass beforehand.  Each part reads the
 * manifest, the history and the export again, keeping only what its
 * requests touch.  k starts at what a request costs on average; a part
 * over the budget is split in two (modulo 2k); a part that cannot be
 * split (all its customers of one hash, as one customer's requests are,
 * or a modulo of 2^20) is decided over the budget.
 */
#define PARTS_MOD_MAX		(1ULL << 20)
#define PARTS_BYTES_A_REQUEST	4096		/* a first guess */

struct parts {
	struct cr_runcfg	*cfg;
	const struct cr_options	*o;
	struct cr_rundir	*rd;
	int			 fd, xml;
	char			*path, *name, sha256[65];
	struct cr_dup		*dups;
	size_t			 ndups, nrows;
	struct cr_model_input	*inputs;	/* the whole load's export */
	size_t			 ninputs;
	unsigned		 hist_runs;	/* the whole load's history */
	struct { uint64_t mod, res; } *todo;
	size_t			 ntodo, cap;
	size_t			 done;		/* parts decided */
};

static void
parts_push(struct parts *p, uint64_t mod, uint64_t res)
{
	if (p->ntodo == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->todo = xreallocarray(p->todo, p->cap, sizeof *p->todo);
	}
	p->todo[p->ntodo].mod = mod;
	p->todo[p->ntodo++].res = res;
}

/* The export's files and digests as the whole, first, load read them. */
static void
parts_keep_inputs(struct parts *p, const struct cr_model *whole)
{
	size_t i;

	p->ninputs = whole->ninputs;
	p->inputs = xcalloc(whole->ninputs + 1, sizeof *p->inputs);
	for (i = 0; i < whole->ninputs; i++) {
		p->inputs[i].name = xstrdup(whole->inputs[i].name);
		memcpy(p->inputs[i].sha256, whole->inputs[i].sha256, 65);
	}
}

/* Every part reads the export the whole load read, or they disagree. */
static int
parts_same_export(struct parts *p, const struct cr_model *m)
{
	size_t i;

	for (i = 0; i < m->ninputs && m->ninputs == p->ninputs; i++) {
		if (strcmp(p->inputs[i].name, m->inputs[i].name) != 0 ||
		    strcmp(p->inputs[i].sha256, m->inputs[i].sha256) != 0)
			break;
	}
	if (i == p->ninputs && i == m->ninputs)
		return 0;
	cr_err_set(p->o->export_path, 0, "changed while it was read");
	return CR_STATUS_DATA;
}

/*
 * Load one part into m.  Its warnings and notes were all given by the
 * first, whole, load: they are held, and only a failure is told.
 */
static int
parts_load(struct parts *p, struct cr_model *m, uint64_t mod, uint64_t res,
    size_t budget)
{
	int rc;

	memset(m, 0, sizeof *m);
	m->manifest_path = xstrdup(p->path);
	m->manifest_name = xstrdup(p->name);
	m->budget = budget;
	m->part_mod = mod;
	m->part_res = res;
	m->dups = p->dups;
	m->ndups = p->ndups;
	cr_err_clear();
	cr_err_hold();
	rc = cr_model_reload_manifest(m, p->fd, p->xml, p->sha256);
	if (rc == 0 && !m->over && m->nreq != 0 && p->rd != NULL &&
	    (rc = cr_model_load_history(m, p->rd, NULL)) == 0 &&
	    m->hist_runs != p->hist_runs) {
		/* plan holds no lock on OUT: a run committed meanwhile */
		cr_err_set(p->o->out_dir, 0, "a run was committed while it "
		    "was read: try again");
		rc = CR_STATUS_TEMPFAIL;
	}
	if (rc == 0 && !m->over && m->nreq != 0)
		rc = cr_runcfg_load_export(p->o, m);
	cr_err_release();
	if (rc != 0)
		cr_err_resend();
	if (rc == 0 && !m->over && m->nreq != 0)
		rc = parts_same_export(p, m);
	return rc;
}

static int
parts_each(struct parts *p, struct cr_decide_counts *n, cr_part_fn fn,
    void *arg)
{
	struct cr_decide_counts pn;
	struct cr_model m;
	uint64_t mod, res;
	size_t budget;
	int rc = 0, c, o;

	while (rc == 0 && p->ntodo > 0) {
		mod = p->todo[p->ntodo - 1].mod;
		res = p->todo[p->ntodo - 1].res;
		p->ntodo--;
		budget = p->cfg->budget;
		for (;;) {
			rc = parts_load(p, &m, mod, res, budget);
			if (rc != 0 || !m.over)
				break;
			if (mod < PARTS_MOD_MAX && m.part_mixed) {
				parts_push(p, 2 * mod, res + mod);
				parts_push(p, 2 * mod, res);
				break;
			}
			cr_model_free(&m);
			budget = 0;	/* one customer: over the budget */
		}
		if (rc == 0 && !m.over && m.nreq != 0) {
			cr_runcfg_decide(p->cfg, &m, &pn);
			for (o = 0; o < 3; o++)
				n->outcome[o] += pn.outcome[o];
			for (c = 0; c < CR_CODE_COUNT; c++)
				n->code[c] += pn.code[c];
			n->products += pn.products;
			p->done++;
			rc = fn(arg, &m);
		}
		for (o = 0; o < (int)m.nreq; o++)	/* run's claim tokens */
			explicit_bzero(m.req[o].token, sizeof m.req[o].token);
		cr_model_free(&m);
	}
	return rc;
}

int
cr_runcfg_parts(struct cr_runcfg *c, const struct cr_options *o,
    struct cr_model *whole, struct cr_rundir *rd,
    struct cr_decide_counts *n, size_t *nparts, cr_part_fn fn, void *arg)
{
	struct parts p;
	uint64_t mod, r;
	size_t i;
	int rc;

	memset(&p, 0, sizeof p);
	memset(n, 0, sizeof *n);
	p.cfg = c;
	p.o = o;
	p.rd = rd;
	p.fd = whole->manifest_fd;
	p.xml = whole->manifest_xml;
	p.path = xstrdup(whole->manifest_path);
	p.name = xstrdup(whole->manifest_name);
	memcpy(p.sha256, whole->manifest_sha256, sizeof p.sha256);
	whole->has_manifest_fd = 0;
	parts_keep_inputs(&p, whole);
	p.hist_runs = whole->hist_runs;
	cr_model_free(whole);
	memset(whole, 0, sizeof *whole);
	rc = cr_model_scan_manifest(p.fd, p.path, p.xml, p.sha256, &p.dups,
	    &p.ndups, &p.nrows);
	/* any number of parts: h % 2k is r or r + k exactly when h % k is r */
	mod = (p.nrows * (uint64_t)PARTS_BYTES_A_REQUEST + c->budget - 1) /
	    c->budget;
	if (mod > p.nrows)
		mod = p.nrows;
	if (mod < 2)
		mod = p.nrows > 1 ? 2 : 1;
	for (r = mod; rc == 0 && r > 0; r--)
		parts_push(&p, mod, r - 1);
	if (rc == 0)
		rc = parts_each(&p, n, fn, arg);
	*nparts = p.done;
	close(p.fd);
	for (i = 0; i < p.ninputs; i++)
		free(p.inputs[i].name);
	free(p.inputs);
	free(p.todo);
	free(p.dups);
	free(p.path);
	free(p.name);
	return rc;
}
