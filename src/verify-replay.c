/*
 * verify-replay.c -- verify --export: decide the bagged manifest again
 * against an export, with the options summary.json records, and compare
 * every payload file of the result with the bag's, byte for byte (by
 * digest; the first differing line shown for a record).  What the history
 * of OUT contributed (S_ALREADY_APPLIED, S_ALREADY_RELEASED, a request
 * applied earlier for another customer) is taken from the bag's own
 * decisions: a committed run holding those releases is put before it.
 *
 * The claim tokens depend on the token key: without --token-key the
 * customers' claim_token_sha256 and summary.json's token_key are not
 * compared.  The emails are compared as redacted in the bag, so they match
 * only with the run's templates (--templates).  It deliberately judges
 * nothing else: the bag's own checks are cr_verify's.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bag.h"
#include "cmd.h"
#include "custrelease.h"
#include "err.h"
#include "hash.h"
#include "outfile.h"
#include "verify.h"
#include "verify-stream.h"
#include "xmalloc.h"

#define REPLAY_HISTORY	"19800101T000000Z-00000000"

/* path/name with the bytes [data, data + len), 0600. */
static int
replay_put(const char *dir, const char *name, const char *data, size_t len)
{
	char *path;
	FILE *f;
	int ok;

	xasprintf(&path, "%s/%s", dir, name);
	f = fopen(path, "w");
	ok = f != NULL && fwrite(data, 1, len, f) == len;
	if (f != NULL && fclose(f) != 0)
		ok = 0;
	if (!ok)
		cr_err_set(path, 0, "cannot write: %s", strerror(errno));
	free(path);
	return ok ? 0 : CR_STATUS_IO;
}

/* The text between the quotes after `after` in msg, or NULL. */
static char *
replay_quoted(const char *msg, const char *after)
{
	const char *p = strstr(msg, after), *e;

	if (p == NULL)
		return NULL;
	p += strlen(after);
	if ((e = strchr(p, '"')) == NULL)
		return NULL;
	return xmemdup0(p, (size_t)(e - p));
}

/*
 * The releases of earlier runs that the bag's decisions show, as the
 * decisions.csv of one committed run.
 */
static char *
replay_history(const struct cr_bag_table *t, size_t *len)
{
	int ri = cr_bag_col(t, "request_id"), ci = cr_bag_col(t, "customer_id"),
	    ki = cr_bag_col(t, "codes"), mi = cr_bag_col(t, "message");
	struct cr_outfile *out = cr_outfile_mem("history");
	const char *codes, *msg;
	char *rid, *cid;
	size_t i;

	cr_outfile_puts(out, "request_id,line,customer_id,reseller_id,"
	    "requested_by,outcome,codes,message\r\n");
	for (i = 0; i < t->nrows; i++) {
		codes = cr_bag_cell(t, i, ki);
		msg = cr_bag_cell(t, i, mi);
		rid = cid = NULL;
		if (strcmp(codes, "S_ALREADY_APPLIED") == 0) {
			rid = xstrdup(cr_bag_cell(t, i, ri));
			cid = xstrdup(cr_bag_cell(t, i, ci));
		} else if (strcmp(codes, "S_ALREADY_RELEASED") == 0 &&
		    (rid = replay_quoted(msg, "released by request \"")))
			cid = xstrdup(cr_bag_cell(t, i, ci));
		else if ((cid = replay_quoted(msg, "was applied by an earlier "
		    "run for customer \"")) != NULL)
			rid = xstrdup(cr_bag_cell(t, i, ri));
		if (rid != NULL && cid != NULL)
			cr_outfile_printf(out, "%s,1,%s,,,released,,\r\n", rid,
			    cid);
		free(rid);
		free(cid);
	}
	return cr_outfile_mem_finish(out, len);
}

/*
 * OUT with the run before the bag's, and the bagged manifest under the
 * name the run read it by (summary.json's inputs.manifest.name, which the
 * records repeat): 0 or an exit code.
 */
static int
replay_setup(struct cr_verify *bag, const char *dir, const char *name,
    char **manifest)
{
	const struct cr_verify_file *dec = cr_verify_find(bag,
	    "data/decisions.csv");
	const struct cr_verify_file *man = cr_verify_find(bag,
	    "data/manifest.csv");
	struct cr_bag_table *t;
	char *out, *hist, err[128];
	size_t histlen;
	int rc;

	if (man == NULL)
		man = cr_verify_find(bag, "data/manifest.xml");
	if (man == NULL || man->data == NULL || dec == NULL ||
	    dec->data == NULL ||
	    (t = cr_bag_csv_parse(dec->data, dec->len, err, sizeof err)) ==
	    NULL) {
		cr_verify_problem(bag, "(replay)", "the bag's manifest or "
		    "decisions cannot be read: nothing replayed");
		return CR_STATUS_REJECTED;
	}
	if (name == NULL || *name == '\0' || strchr(name, '/') != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strcmp(name, "stdin") == 0)
		name = man->path + 5;
	xasprintf(manifest, "%s/%s", dir, name);
	xasprintf(&out, "%s/out/%s", dir, REPLAY_HISTORY);
	hist = replay_history(t, &histlen);
	cr_bag_table_free(t);
	rc = replay_put(dir, *manifest + strlen(dir) + 1, man->data, man->len);
	if (rc == 0 && (mkdir(out, 0700) != 0 && errno != EEXIST))
		rc = CR_STATUS_IO;
	if (rc == 0)
		rc = replay_put(out, "decisions.csv", hist, histlen);
	if (rc == 0)
		rc = replay_put(out, "tagmanifest-sha256.txt", "replay\n", 7);
	free(hist);
	free(out);
	return rc;
}

/* The first line where a and b differ (1-based), 0 when equal. */
static unsigned long
replay_first_diff(const char *a, size_t alen, const char *b, size_t blen,
    size_t *aoff, size_t *boff)
{
	unsigned long line = 1;
	size_t i, la = 0, lb = 0;

	for (i = 0; i < alen && i < blen && a[i] == b[i]; i++)
		if (a[i] == '\n') {
			line++;
			la = lb = i + 1;
		}
	*aoff = la;
	*boff = lb;
	return i == alen && i == blen ? 0 : line;
}

/* A problem naming the first differing line of a kept file and both values. */
static void
replay_diff(struct cr_verify *bag, const struct cr_verify_file *f,
    const struct cr_verify_file *g)
{
	char qa[100], qb[100];
	size_t oa, ob, na, nb, i, skip;
	unsigned long line;

	if (f->data == NULL || g->data == NULL) {
		cr_verify_problem(bag, f->path, "replay: differs from what the "
		    "export gives");
		return;
	}
	line = replay_first_diff(f->data, f->len, g->data, g->len, &oa, &ob);
	na = strcspn(f->data + oa, "\r\n");
	nb = strcspn(g->data + ob, "\r\n");
	/* from a little before the first differing byte of the line */
	for (i = 0; i < na && i < nb && f->data[oa + i] == g->data[ob + i];)
		i++;
	skip = i > 16 ? i - 16 : 0;
	oa += skip;
	ob += skip;
	na -= skip;
	nb -= skip;
	cr_verify_problem(bag, f->path, "replay: line %lu: the bag has \"%s\", "
	    "the export gives \"%s\"", line, cr_diag_quote(qa, sizeof qa,
	    f->data + oa, na, 40), cr_diag_quote(qb, sizeof qb, g->data + ob,
	    nb, 40));
}

/* customers.csv without --token-key: every cell but the token digests. */
static int
replay_same_but_tokens(const struct cr_verify_file *f,
    const struct cr_verify_file *g)
{
	struct cr_bag_table *a, *b;
	char err[128];
	size_t i, c;
	int tok, same;

	if (f->data == NULL || g->data == NULL)
		return 0;
	a = cr_bag_csv_parse(f->data, f->len, err, sizeof err);
	b = cr_bag_csv_parse(g->data, g->len, err, sizeof err);
	same = a != NULL && b != NULL && a->nrows == b->nrows &&
	    a->ncols == b->ncols;
	tok = same ? cr_bag_col(a, "claim_token_sha256") : -1;
	for (i = 0; same && i < a->nrows; i++)
		for (c = 0; same && c < a->ncols; c++)
			same = (int)c == tok || strcmp(cr_bag_cell(a, i,
			    (int)c), cr_bag_cell(b, i, (int)c)) == 0;
	cr_bag_table_free(a);
	cr_bag_table_free(b);
	return same;
}

/*
 * Replace the value of "key": "..." in text by the bag's; malloc'd, or
 * NULL when either lacks the key.
 */
static char *
replay_take_value(const char *text, const char *bag, const char *key)
{
	const char *p = strstr(text, key), *q = strstr(bag, key), *pe, *qe;
	char *out;

	if (p == NULL || q == NULL)
		return NULL;
	p += strlen(key);
	q += strlen(key);
	if ((pe = strchr(p, '"')) == NULL || (qe = strchr(q, '"')) == NULL)
		return NULL;
	xasprintf(&out, "%.*s%.*s%s", (int)(p - text), text, (int)(qe - q), q,
	    pe);
	return out;
}

/*
 * summary.json once the values that the replay may not share are taken
 * from the bag: token_key without --token-key, templates_sha256 when the
 * templates are not the run's.
 */
static int
replay_same_summary(const struct cr_verify_file *f,
    const struct cr_verify_file *g, int keyed, int same_templates)
{
	char *a, *b;
	int same;

	if (f->data == NULL || g->data == NULL)
		return 0;
	a = xstrdup(g->data);
	if (!keyed && (b = replay_take_value(a, f->data,
	    "\"token_key\": \"")) != NULL) {
		free(a);
		a = b;
	}
	if (!same_templates && (b = replay_take_value(a, f->data,
	    "\"templates_sha256\": \"")) != NULL) {
		free(a);
		a = b;
	}
	same = strlen(a) == f->len && memcmp(a, f->data, f->len) == 0;
	free(a);
	return same;
}

/* Whether the replay's templates are the run's (as summary.json says). */
static int
replay_same_templates(const struct cr_verify *bag, const struct cr_verify *re)
{
	const struct cr_verify_file *f = cr_verify_find(bag,
	    "data/summary.json"), *g = cr_verify_find(re, "data/summary.json");
	const char *key = "\"templates_sha256\": \"";
	const char *p, *q;

	if (f == NULL || g == NULL || f->data == NULL || g->data == NULL)
		return 1;
	p = strstr(f->data, key);
	q = strstr(g->data, key);
	if (p == NULL)		/* a run from before the digest: compare */
		return 1;
	return q != NULL && strncmp(p, q, strlen(key) + 64) == 0;
}

/*
 * Where a problem of the comparison goes (cr_verify_defer): the bag's
 * files in archive order, then the replay's files the bag lacks in the
 * replay's order, emails among the others.
 */
enum { RP_AT_BAG, RP_AT_REPLAY };

/*
 * The emails of the bag against the replay's (verify.h: both sorted by
 * path), both ways; an email is compared by its digest alone.
 */
static void
replay_emails(struct cr_verify *bag, const struct cr_verify *re)
{
	struct vs_reader rb, rr;
	const char *b[VS_FIELDS_MAX], *g[VS_FIELDS_MAX];
	size_t nb, ng;
	int hb, hg, cmp;

	vs_reader_open(&rb, cr_verify_emails(bag));
	vs_reader_open(&rr, cr_verify_emails(re));
	hb = vs_reader_next(&rb, b, &nb);
	hg = vs_reader_next(&rr, g, &ng);
	while (hb || hg) {
		cmp = !hg ? -1 : !hb ? 1 : strcmp(b[VE_PATH], g[VE_PATH]);
		if (cmp <= 0)
			cr_verify_at(bag, RP_AT_BAG, vs_row_of(b[VE_ENTRY]), 0);
		else
			cr_verify_at(bag, RP_AT_REPLAY, vs_row_of(g[VE_ENTRY]),
			    0);
		if (cmp < 0)
			cr_verify_problem(bag, b[VE_PATH], "replay: the export "
			    "gives no such file");
		else if (cmp > 0)
			cr_verify_problem(bag, g[VE_PATH], "replay: the export "
			    "gives it, the bag lacks it");
		else if (strcmp(b[VE_SHA256], g[VE_SHA256]) != 0)
			cr_verify_problem(bag, b[VE_PATH], "replay: differs "
			    "from what the export gives");
		if (cmp <= 0)
			hb = vs_reader_next(&rb, b, &nb);
		if (cmp >= 0)
			hg = vs_reader_next(&rr, g, &ng);
	}
	vs_reader_close(&rb);
	vs_reader_close(&rr);
}

/* Every payload file of the bag against the replay's. */
static void
replay_compare(struct cr_verify *bag, const struct cr_verify *re, int keyed)
{
	const struct cr_verify_file *f, *g;
	int same_templates = replay_same_templates(bag, re);
	size_t i;

	snprintf(bag->replay, sizeof bag->replay, "%s", same_templates ?
	    "every record and email compared" : "every record compared; the "
	    "emails not: the templates are not the run's (--templates)");
	cr_verify_defer(bag);
	for (i = 0; i < bag->nfiles; i++) {
		f = bag->order[i];
		if (strncmp(f->path, "data/", 5) != 0 ||
		    strncmp(f->path, "data/report.", 12) == 0)
			continue;
		cr_verify_at(bag, RP_AT_BAG, f->entry, 0);
		if ((g = cr_verify_find(re, f->path)) == NULL) {
			cr_verify_problem(bag, f->path, "replay: the export "
			    "gives no such file");
			continue;
		}
		if (strcmp(f->sha256, g->sha256) == 0)
			continue;
		if (!keyed && strcmp(f->path, "data/customers.csv") == 0 &&
		    replay_same_but_tokens(f, g))
			continue;
		if (strcmp(f->path, "data/summary.json") == 0 &&
		    replay_same_summary(f, g, keyed, same_templates))
			continue;
		replay_diff(bag, f, g);
	}
	for (i = 0; i < re->nfiles; i++) {
		g = re->order[i];
		cr_verify_at(bag, RP_AT_REPLAY, g->entry, 0);
		if (strncmp(g->path, "data/", 5) == 0 &&
		    cr_verify_find(bag, g->path) == NULL)
			cr_verify_problem(bag, g->path, "replay: the export "
			    "gives it, the bag lacks it");
	}
	if (same_templates)
		replay_emails(bag, re);
	cr_verify_flush(bag);
}

/* The run's options from the bag's summary.json into o: 0 or -1. */
static int
replay_options(const struct cr_verify *bag, const struct cr_json *sum,
    struct cr_options *o, char ttl[24])
{
	const struct cr_json *strict = cr_json_get(sum, "options.strict");
	unsigned long days;

	o->now = cr_json_str(sum, "run_time");
	o->claim_url = cr_json_str(sum, "options.claim_url");
	o->from = cr_json_str(sum, "options.from");
	o->bundle_format = cr_json_str(sum, "options.bundle_format");
	if (o->now == NULL || o->claim_url == NULL || o->from == NULL ||
	    o->bundle_format == NULL ||
	    !cr_json_uint(sum, "options.claim_ttl_days", &days) ||
	    bag->ext_id == NULL)
		return -1;
	snprintf(ttl, 24, "%lu", days);
	o->claim_ttl = ttl;
	o->strict = strict != NULL && strict->type == CR_JSON_BOOL &&
	    strict->boolean;
	o->quiet = 1;
	return 0;
}

/* Decide again into dir/out, then read the bundle it wrote into *re. */
static int
replay_run(struct cr_verify *bag, const struct cr_verify_replay *rp,
    const char *dir, struct cr_verify *re, char **top)
{
	const struct cr_verify_file *sf = cr_verify_find(bag,
	    "data/summary.json");
	struct cr_options o;
	struct cr_json *sum;
	char ttl[24], err[128], *manifest = NULL, *out, *bundle;
	int rc;

	sum = sf != NULL && sf->data != NULL ? cr_json_parse(sf->data, sf->len,
	    err, sizeof err) : NULL;
	memset(&o, 0, sizeof o);
	if (sum == NULL || replay_options(bag, sum, &o, ttl) != 0) {
		cr_json_free(sum);
		cr_verify_problem(bag, "data/summary.json", "replay: the run's "
		    "options cannot be read: nothing replayed");
		return CR_STATUS_REJECTED;
	}
	xasprintf(&out, "%s/out", dir);
	rc = mkdir(out, 0700) != 0 ? CR_STATUS_IO : replay_setup(bag, dir,
	    cr_json_str(sum, "inputs.manifest.name"), &manifest);
	o.export_path = rp->export_path;
	o.manifest_path = manifest;
	o.out_dir = out;
	o.token_key = rp->token_key;
	o.templates = rp->templates;
	if (rc == 0 && (rc = cr_cmd_run.exec(&o)) <= CR_STATUS_REJECTED)
		rc = 0;
	xasprintf(&bundle, "%s/%s/audit-%s.%s", out, bag->ext_id, bag->ext_id,
	    o.bundle_format);
	re->bundle = bundle;
	if (rc == 0)
		rc = cr_verify_read(re, top);
	cr_json_free(sum);
	free(manifest);
	free(out);
	return rc;
}

static int
replay_unlink(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) != 0 ? -1 : 0;
}

/* Remove what the replay wrote under dir (no symlink followed). */
static void
replay_cleanup(const char *dir)
{
	if (nftw(dir, replay_unlink, 16, FTW_DEPTH | FTW_PHYS) != 0)
		cr_err_warn(dir, 0, "cannot remove the replay's files");
}

/* The same, when a spill or memory fails (cr_err_fatal): no token left. */
static void
replay_cleanup_fatal(void *dir)
{
	(void)nftw(dir, replay_unlink, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * The record files verify spooled to disk (verify-read.c), into memory:
 * the replay compares whole files.
 */
static void
replay_load(struct cr_verify *v)
{
	size_t i;

	for (i = 0; i < v->nfiles; i++)
		if (v->order[i]->spooled)
			(void)cr_verify_load(v->order[i]);
}

int
cr_verify_replay(struct cr_verify *bag, const struct cr_verify_replay *rp)
{
	const char *tmp = getenv("TMPDIR");
	struct cr_verify re;
	char *dir, *top = NULL;
	int rc;

	xasprintf(&dir, "%s/custrelease-replay.XXXXXX", tmp != NULL &&
	    *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		cr_err_set(dir, 0, "cannot make a directory: %s",
		    strerror(errno));
		free(dir);
		return CR_STATUS_IO;
	}
	cr_err_at_fatal(replay_cleanup_fatal, dir);
	memset(&re, 0, sizeof re);
	re.files = cr_map_new();
	re.listed = cr_map_new();
	replay_load(bag);
	rc = replay_run(bag, rp, dir, &re, &top);
	replay_load(&re);
	if (rc == 0)
		replay_compare(bag, &re, rp->token_key != NULL);
	cr_verify_free(&re, top);
	free((char *)re.bundle);
	cr_err_at_fatal(NULL, NULL);
	replay_cleanup(dir);
	free(dir);
	return rc;
}
