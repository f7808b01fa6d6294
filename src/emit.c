/*
 * emit.c -- the write stage of `run` (see emit.h).  Each table is written
 * row by row straight to its 0600 file (rows grow with the manifest, not
 * the export; only the sort keys are in memory), then handed, with the
 * redacted claim emails and the manifest, to the audit bundle, which
 * reads them back from the run directory.  Rows are sorted bytewise by
 * their key, ties in manifest order.
 *
 * The bundle's copies of the emails and of the manifest wait in one spool
 * file, .redacted, created in the run being built and unlinked at once:
 * one file instead of one per email, gone whatever happens to the run.
 *
 * Claim tokens exist only in the emails written to emails/: customers.csv
 * holds their SHA-256 and the bundle's copies of the emails say REDACTED.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "bag.h"
#include "bundle.h"
#include "custrelease.h"
#include "decide.h"
#include "err.h"
#include "email.h"
#include "emit.h"
#include "json-write.h"
#include "mailer.h"
#include "outfile.h"
#include "rowcheck.h"
#include "template.h"
#include "token.h"
#include "verify-stream.h"
#include "write.h"
#include "xmalloc.h"

/* The spool of the bundle's copies, inside the run being built. */
#define EMIT_SPOOL	".redacted"

#ifndef PACKAGE_VERSION
#include "config.h"
#endif

/* One payload file for the bundle: a file of the run, or in the spool. */
struct emit_file {
	char		*path;		/* inside data/ */
	char		*name;		/* in the run dir; NULL: the spool */
	uint64_t	 off;
	size_t		 len;
};

struct emit {
	struct cr_model			*m;
	const struct cr_emit_opts	*o;
	int				 dirfd, emails_fd;
	int				 spool_fd;	/* -1: none yet */
	struct cr_outfile		*spool;		/* writes into it */
	const char			*display;
	struct emit_file		*files;
	size_t				 nfiles;
	/* the redacted emails in the spool: path, off, len (bundle.h) */
	struct vs_sort			*emails;	/* NULL: written */
	size_t				 nemails;
	uint64_t			 email_octets;
	char				 effective_at[21];
	char				 expires_at[21];
};

static struct emit_file *
emit_add(struct emit *e, const char *path, const char *name)
{
	struct emit_file *f;

	e->files = xreallocarray(e->files, e->nfiles + 1, sizeof *e->files);
	f = &e->files[e->nfiles++];
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	f->name = name != NULL ? xstrdup(name) : NULL;
	return f;
}

/* Create the run's file `name` (0600): NULL after a message. */
static struct cr_outfile *
emit_open(struct emit *e, const char *name)
{
	struct cr_outfile *f;
	char *display;

	xasprintf(&display, "%s/%s", e->display, name);
	f = cr_outfile_open(e->dirfd, name, display);
	free(display);
	if (f != NULL)
		cr_outfile_nodigest(f);
	return f;
}

/* Close a finished table and hand the file to the bundle. */
static int
emit_table(struct emit *e, const char *name, struct cr_outfile *f)
{
	int rc = cr_outfile_close(f);

	if (rc == 0)
		emit_add(e, name, name);
	return rc;
}

/* --- sorting ------------------------------------------------------------------ */

struct emit_sortkey {
	const char	*k1, *k2;
	size_t		 index;		/* manifest order, the tie-break */
	const void	*item;
};

static int
emit_cmp(const void *pa, const void *pb)
{
	const struct emit_sortkey *a = pa, *b = pb;
	int c;

	c = strcmp(a->k1 ? a->k1 : "", b->k1 ? b->k1 : "");
	if (c == 0)
		c = strcmp(a->k2 ? a->k2 : "", b->k2 ? b->k2 : "");
	if (c == 0)
		c = (a->index > b->index) - (a->index < b->index);
	return c;
}

static void
emit_sort(struct emit_sortkey *k, size_t n)
{
	if (n > 1)
		qsort(k, n, sizeof *k, emit_cmp);
}

/* --- the tables ------------------------------------------------------------------ */

static char	*emit_codes(const struct cr_request *);

/* The columns of each table, shared by the whole and the parts' writers. */
static const char *const emit_dec_cols[] = { "request_id", "line",
    "customer_id", "reseller_id", "requested_by", "outcome", "codes",
    "message" };
static const enum cr_val_type emit_dec_types[] = { CR_VAL_STRING, CR_VAL_INT,
    CR_VAL_STRING, CR_VAL_STRING, CR_VAL_STRING, CR_VAL_STRING,
    CR_VAL_STRING, CR_VAL_STRING };
static const char *const emit_own_cols[] = { "run_id", "request_id",
    "product_id", "kind", "name", "customer_id", "from_reseller_id",
    "to", "change_owner_required", "effective_at" };
static const enum cr_val_type emit_own_types[] = { CR_VAL_STRING,
    CR_VAL_STRING, CR_VAL_STRING, CR_VAL_STRING, CR_VAL_STRING,
    CR_VAL_STRING, CR_VAL_STRING, CR_VAL_STRING, CR_VAL_BOOL,
    CR_VAL_STRING };
static const char *const emit_cus_cols[] = { "customer_id", "request_id",
    "email", "lang", "claim_token_sha256", "claim_expires_at" };
static const char *const emit_sh_cols[] = { "product_id", "name", "username",
    "via", "effective_at" };
static const char *const emit_cu_cols[] = { "product_id", "name", "role",
    "old_email", "new_email" };

/* One row's values of each table (line: 32 bytes; codes: freed by the
   caller; to: 128 bytes). */
static void
emit_decision_row(const struct cr_request *q, char *line, char **codes,
    const char **v)
{
	snprintf(line, 32, "%lu", q->r.line);
	*codes = emit_codes(q);
	v[0] = q->r.val[MAN_REQUEST_ID];
	v[1] = line;
	v[2] = q->r.val[MAN_CUSTOMER_ID];
	v[3] = q->r.val[MAN_RESELLER_ID];
	v[4] = q->r.val[MAN_REQUESTED_BY];
	v[5] = cr_outcome_name(q->outcome);
	v[6] = *codes;
	v[7] = q->message;
}

static const char *emit_to(const struct cr_request *, char *, size_t);

static void
emit_ownership_row(const struct emit *e, const struct cr_request *q,
    const struct cr_product *p, char *to, const char **v)
{
	v[0] = e->o->run_id;
	v[1] = q->r.val[MAN_REQUEST_ID];
	v[2] = p->r.val[PRD_ID];
	v[3] = p->r.val[PRD_KIND];
	v[4] = p->r.val[PRD_NAME];
	v[5] = q->r.val[MAN_CUSTOMER_ID];
	v[6] = q->r.val[MAN_RESELLER_ID];
	v[7] = emit_to(q, to, 128);
	v[8] = q->change_owner ? "true" : "false";
	v[9] = e->effective_at;
}

static void
emit_customer_row(const struct emit *e, const struct cr_request *q,
    const char **v)
{
	v[0] = q->r.val[MAN_CUSTOMER_ID];
	v[1] = q->r.val[MAN_REQUEST_ID];
	v[2] = q->customer->r.val[CUS_EMAIL];
	v[3] = q->lang;
	v[4] = q->token_sha256;
	v[5] = e->expires_at;
}

static void
emit_share_row(const struct emit *e, const struct cr_request *q,
    const struct cr_product *p, const char **v)
{
	v[0] = p->r.val[PRD_ID];
	v[1] = p->r.val[PRD_NAME];
	v[2] = q->r.val[MAN_QUICKSHARE_TO];
	v[3] = "quickshare";
	v[4] = e->effective_at;
}

static void
emit_update_row(const struct cr_request *q, const struct cr_update *u,
    const char **v)
{
	v[0] = u->product->r.val[PRD_ID];
	v[1] = u->product->r.val[PRD_NAME];
	v[2] = u->contact->val[DC_ROLE];
	v[3] = u->contact->val[DC_EMAIL];
	v[4] = q->customer->r.val[CUS_EMAIL];
}

static char *
emit_codes(const struct cr_request *q)
{
	size_t len = 0;
	char *s;
	int c;

	for (c = 0; c < CR_CODE_COUNT; c++) {
		if (q->codes & (1U << c))
			len += strlen(cr_code_name((enum cr_code)c)) + 1;
	}
	s = xmalloc(len + 1);
	s[0] = '\0';
	for (c = 0; c < CR_CODE_COUNT; c++) {
		if (!(q->codes & (1U << c)))
			continue;
		if (s[0] != '\0')
			strcat(s, ";");
		strcat(s, cr_code_name((enum cr_code)c));
	}
	return s;
}

static int
emit_decisions(struct emit *e)
{
	struct cr_model *m = e->m;
	struct cr_outfile *mem;
	struct cr_table_writer *tw;
	struct emit_sortkey *k = xcalloc(m->nreq, sizeof *k);
	const struct cr_request *q;
	const char *v[8];
	char line[32], *codes;
	size_t i;

	for (i = 0; i < m->nreq; i++) {
		k[i].k1 = m->req[i].r.val[MAN_REQUEST_ID];
		k[i].index = i;
		k[i].item = &m->req[i];
	}
	emit_sort(k, m->nreq);
	if ((mem = emit_open(e, "decisions.csv")) == NULL) {
		free(k);
		return CR_STATUS_IO;
	}
	tw = cr_tw_open(&cr_format_csv, mem, emit_dec_cols, emit_dec_types, 8);
	for (i = 0; i < m->nreq; i++) {
		q = k[i].item;
		emit_decision_row(q, line, &codes, v);
		cr_tw_row(tw, v);
		free(codes);
	}
	cr_tw_close(tw);
	free(k);
	return emit_table(e, "decisions.csv", mem);
}

static const char *
emit_to(const struct cr_request *q, char *buf, size_t size)
{
	if (q->import_account == NULL)
		return "new-account";
	snprintf(buf, size, "account:%s", q->import_account->val[ACC_USERNAME]);
	return buf;
}

static int
emit_ownership(struct emit *e)
{
	struct cr_model *m = e->m;
	struct cr_outfile *csv, *jsonl;
	struct cr_table_writer *tc, *tj;
	struct emit_sortkey *k = NULL;
	const struct cr_request *q;
	const struct cr_product *p;
	const char *v[10];
	char to[128];
	size_t i, j, n = 0;
	int rc;

	for (i = 0; i < m->nreq; i++) {
		q = &m->req[i];
		if (q->outcome != CR_RELEASED)
			continue;
		k = xreallocarray(k, n + q->customer->nproducts + 1, sizeof *k);
		for (j = 0; j < q->customer->nproducts; j++) {
			p = q->customer->products[j];
			k[n].k1 = p->r.val[PRD_ID];
			k[n].k2 = NULL;
			k[n].index = i;
			k[n++].item = p;
		}
	}
	emit_sort(k, n);
	if ((csv = emit_open(e, "ownership.csv")) == NULL ||
	    (jsonl = emit_open(e, "ownership.jsonl")) == NULL) {
		cr_outfile_discard(csv);
		free(k);
		return CR_STATUS_IO;
	}
	tc = cr_tw_open(&cr_format_csv, csv, emit_own_cols, emit_own_types, 10);
	tj = cr_tw_open(&cr_format_jsonl, jsonl, emit_own_cols, emit_own_types,
	    10);
	for (i = 0; i < n; i++) {
		q = &m->req[k[i].index];
		p = k[i].item;
		emit_ownership_row(e, q, p, to, v);
		cr_tw_row(tc, v);
		cr_tw_row(tj, v);
	}
	cr_tw_close(tc);
	cr_tw_close(tj);
	free(k);
	if ((rc = emit_table(e, "ownership.csv", csv)) != 0) {
		cr_outfile_discard(jsonl);
		return rc;
	}
	return emit_table(e, "ownership.jsonl", jsonl);
}

static int
emit_customers(struct emit *e)
{
	struct cr_model *m = e->m;
	struct cr_outfile *mem;
	struct cr_table_writer *tw;
	struct emit_sortkey *k = xcalloc(m->nreq + 1, sizeof *k);
	const char *v[6];
	size_t i, n = 0;

	for (i = 0; i < m->nreq; i++) {
		if (m->req[i].outcome != CR_RELEASED)
			continue;
		k[n].k1 = m->req[i].r.val[MAN_CUSTOMER_ID];
		k[n].index = i;
		k[n++].item = &m->req[i];
	}
	emit_sort(k, n);
	if ((mem = emit_open(e, "customers.csv")) == NULL) {
		free(k);
		return CR_STATUS_IO;
	}
	tw = cr_tw_open(&cr_format_csv, mem, emit_cus_cols, NULL, 6);
	for (i = 0; i < n; i++) {
		emit_customer_row(e, k[i].item, v);
		cr_tw_row(tw, v);
	}
	cr_tw_close(tw);
	free(k);
	return emit_table(e, "customers.csv", mem);
}

static int
emit_shares(struct emit *e)
{
	struct cr_model *m = e->m;
	struct cr_outfile *mem;
	struct cr_table_writer *tw;
	struct emit_sortkey *k = NULL;
	const struct cr_request *q;
	const char *v[5];
	size_t i, j, n = 0;

	for (i = 0; i < m->nreq; i++) {
		q = &m->req[i];
		if (q->outcome != CR_RELEASED)
			continue;
		k = xreallocarray(k, n + q->ngrants + 1, sizeof *k);
		for (j = 0; j < q->ngrants; j++) {
			k[n].k1 = q->grants[j]->r.val[PRD_ID];
			k[n].k2 = NULL;
			k[n].index = i;
			k[n++].item = q->grants[j];
		}
	}
	emit_sort(k, n);
	if ((mem = emit_open(e, "shares.csv")) == NULL) {
		free(k);
		return CR_STATUS_IO;
	}
	tw = cr_tw_open(&cr_format_csv, mem, emit_sh_cols, NULL, 5);
	for (i = 0; i < n; i++) {
		emit_share_row(e, &m->req[k[i].index], k[i].item, v);
		cr_tw_row(tw, v);
	}
	cr_tw_close(tw);
	free(k);
	return emit_table(e, "shares.csv", mem);
}

static int
emit_contact_updates(struct emit *e)
{
	struct cr_model *m = e->m;
	struct cr_outfile *mem;
	struct cr_table_writer *tw;
	struct emit_sortkey *k = NULL;
	const struct cr_request *q;
	const char *v[5];
	size_t i, j, n = 0;

	for (i = 0; i < m->nreq; i++) {
		q = &m->req[i];
		if (q->outcome != CR_RELEASED)
			continue;
		k = xreallocarray(k, n + q->nupdates + 1, sizeof *k);
		for (j = 0; j < q->nupdates; j++) {
			k[n].k1 = q->updates[j].product->r.val[PRD_ID];
			k[n].k2 = q->updates[j].contact->val[DC_ROLE];
			k[n].index = i;
			k[n++].item = &q->updates[j];
		}
	}
	emit_sort(k, n);
	if ((mem = emit_open(e, "contact_updates.csv")) == NULL) {
		free(k);
		return CR_STATUS_IO;
	}
	tw = cr_tw_open(&cr_format_csv, mem, emit_cu_cols, NULL, 5);
	for (i = 0; i < n; i++) {
		emit_update_row(&m->req[k[i].index], k[i].item, v);
		cr_tw_row(tw, v);
	}
	cr_tw_close(tw);
	free(k);
	return emit_table(e, "contact_updates.csv", mem);
}

/* --- claim emails ------------------------------------------------------------------ */

/* --- summary and inputs --------------------------------------------------------------- */

void
cr_emit_inputs_digest(const struct cr_model *m, char out[65])
{
	struct cr_outfile *mem = cr_outfile_mem("inputs");
	const char *data;
	size_t i, len;

	cr_outfile_printf(mem, "manifest %s %s\n", m->manifest_sha256,
	    m->manifest_name);
	for (i = 0; i < m->ninputs; i++)
		cr_outfile_printf(mem, "export %s %s\n", m->inputs[i].sha256,
		    m->inputs[i].name);
	data = cr_outfile_mem_data(mem, &len);
	cr_sha256_hex(data, len, out);
	cr_outfile_discard(mem);
}

static int
emit_inputs(struct emit *e)
{
	struct cr_outfile *mem = emit_open(e, "inputs.sha256");
	size_t i;

	if (mem == NULL)
		return CR_STATUS_IO;

	for (i = 0; i < e->m->ninputs; i++)
		cr_outfile_printf(mem, "%s  %s\n", e->m->inputs[i].sha256,
		    e->m->inputs[i].name);
	return emit_table(e, "inputs.sha256", mem);
}

/* What summary.json says of the inputs and the decisions. */
struct emit_sum {
	struct cr_decide_counts		 n;
	const char			*manifest_name, *manifest_sha256;
	const struct cr_model_input	*inputs;
	size_t				 ninputs;
};

static void
emit_sum_of(struct emit_sum *sum, const struct cr_model *m)
{
	cr_decide_count(m, &sum->n);
	sum->manifest_name = m->manifest_name;
	sum->manifest_sha256 = m->manifest_sha256;
	sum->inputs = m->inputs;
	sum->ninputs = m->ninputs;
}

/* "counts" of summary.json: by outcome, then by code (those that occur). */
static void
emit_summary_counts(struct cr_jw *jw, const struct cr_decide_counts *np)
{
	const struct cr_decide_counts n = *np;
	int c;

	cr_jw_object(jw);
	cr_jw_key(jw, "requests");
	cr_jw_uint(jw, n.outcome[CR_RELEASED] + n.outcome[CR_SKIPPED] +
	    n.outcome[CR_REJECTED]);
	cr_jw_key(jw, "released");
	cr_jw_uint(jw, n.outcome[CR_RELEASED]);
	cr_jw_key(jw, "skipped");
	cr_jw_uint(jw, n.outcome[CR_SKIPPED]);
	cr_jw_key(jw, "rejected");
	cr_jw_uint(jw, n.outcome[CR_REJECTED]);
	cr_jw_key(jw, "products_released");
	cr_jw_uint(jw, n.products);
	cr_jw_key(jw, "emails");
	cr_jw_uint(jw, n.outcome[CR_RELEASED]);
	cr_jw_break(jw, 4);
	cr_jw_key(jw, "codes");
	cr_jw_object(jw);
	for (c = 0; c < CR_CODE_COUNT; c++) {
		if (n.code[c] == 0)
			continue;
		cr_jw_key(jw, cr_code_name((enum cr_code)c));
		cr_jw_uint(jw, n.code[c]);
	}
	cr_jw_end(jw);
	cr_jw_end(jw);
}

/* "inputs" of summary.json: the manifest and every export file. */
static void
emit_summary_inputs(struct cr_jw *jw, const struct emit_sum *m)
{
	size_t i;

	cr_jw_object(jw);
	cr_jw_key(jw, "manifest");
	cr_jw_object(jw);
	cr_jw_key(jw, "name");
	cr_jw_string(jw, m->manifest_name);
	cr_jw_key(jw, "sha256");
	cr_jw_string(jw, m->manifest_sha256);
	cr_jw_end(jw);
	cr_jw_break(jw, 4);
	cr_jw_key(jw, "export");
	cr_jw_array(jw);
	for (i = 0; i < m->ninputs; i++) {
		cr_jw_break(jw, 6);
		cr_jw_object(jw);
		cr_jw_key(jw, "name");
		cr_jw_string(jw, m->inputs[i].name);
		cr_jw_key(jw, "sha256");
		cr_jw_string(jw, m->inputs[i].sha256);
		cr_jw_end(jw);
	}
	cr_jw_end(jw);
	cr_jw_end(jw);
}

/* "options" of summary.json: what decided, never a key or a token. */
static void
emit_summary_options(struct cr_jw *jw, const struct cr_emit_opts *o)
{
	char tdigest[65];

	cr_templates_digest(o->templates, tdigest);
	cr_jw_object(jw);
	cr_jw_key(jw, "claim_ttl_days");
	cr_jw_int(jw, o->ttl_days);
	cr_jw_key(jw, "claim_url");
	cr_jw_string(jw, o->claim_url);
	cr_jw_key(jw, "from");
	cr_jw_string(jw, o->from);
	cr_jw_key(jw, "bundle_format");
	cr_jw_string(jw, o->bundle_format);
	cr_jw_key(jw, "strict");
	cr_jw_bool(jw, o->strict);
	cr_jw_key(jw, "token_key");
	cr_jw_string(jw, o->key ? "file" : "random");
	cr_jw_key(jw, "templates_sha256");
	cr_jw_string(jw, tdigest);
	cr_jw_end(jw);
}

static int
emit_summary(struct emit *e, const struct emit_sum *sum)
{
	struct cr_outfile *f = emit_open(e, "summary.json");
	struct cr_jw jw;
	char run_time[21];

	if (f == NULL)
		return CR_STATUS_IO;
	cr_format_time(e->o->run_time, run_time);
	cr_jw_init(&jw, f, 1);
	cr_jw_object(&jw);
	cr_jw_break(&jw, 2);
	cr_jw_key(&jw, "run_id");
	cr_jw_string(&jw, e->o->run_id);
	cr_jw_break(&jw, 2);
	cr_jw_key(&jw, "run_time");
	cr_jw_string(&jw, run_time);
	cr_jw_break(&jw, 2);
	cr_jw_key(&jw, "version");
	cr_jw_string(&jw, PACKAGE_VERSION);
	cr_jw_break(&jw, 2);
	cr_jw_key(&jw, "exit_status");
	cr_jw_int(&jw, e->o->exit_status);
	cr_jw_break(&jw, 2);
	cr_jw_key(&jw, "counts");
	emit_summary_counts(&jw, &sum->n);
	cr_jw_break(&jw, 2);
	cr_jw_key(&jw, "inputs");
	emit_summary_inputs(&jw, sum);
	cr_jw_break(&jw, 2);
	cr_jw_key(&jw, "inputs_digest");
	cr_jw_string(&jw, e->o->inputs_digest);
	cr_jw_break(&jw, 2);
	cr_jw_key(&jw, "options");
	emit_summary_options(&jw, e->o);
	cr_jw_break(&jw, 0);
	cr_jw_end(&jw);
	cr_jw_finish(&jw);
	return emit_table(e, "summary.json", f);
}

/*
 * The manifest as given, for the bundle: the bytes that were hashed,
 * copied into the spool.
 */
static int
emit_manifest_copy(struct emit *e)
{
	struct sha256_ctx ctx;
	struct emit_file *f;
	unsigned char buf[65536], d[SHA256_DIGEST_SIZE];
	char sha[65];
	uint64_t off = cr_outfile_bytes(e->spool), pos = 0;
	ssize_t r;
	int fd;

	if (!e->m->has_manifest_fd) {
		cr_err_set(e->m->manifest_path, 0, "the manifest is not open");
		return CR_STATUS_IO;
	}
	fd = e->m->manifest_fd;
	sha256_init(&ctx);
	while ((r = pread(fd, buf, sizeof buf, (off_t)pos)) > 0 ||
	    (r < 0 && errno == EINTR)) {
		if (r < 0)
			continue;
		pos += (uint64_t)r;
		sha256_update(&ctx, (size_t)r, buf);
		cr_outfile_write(e->spool, buf, (size_t)r);
	}
	if (r < 0) {
		cr_err_set(e->m->manifest_path, 0, "read error: %s",
		    strerror(errno));
		return CR_STATUS_IO;
	}
	sha256_digest(&ctx, sizeof d, d);
	cr_bag_hex(d, sizeof d, sha);
	if (strcmp(sha, e->m->manifest_sha256) != 0) {
		cr_err_set(e->m->manifest_path, 0, "the manifest changed while "
		    "the run was reading it");
		return CR_STATUS_DATA;
	}
	f = emit_add(e, e->m->manifest_xml ? "manifest.xml" : "manifest.csv",
	    NULL);
	f->off = off;
	f->len = (size_t)(cr_outfile_bytes(e->spool) - off);
	return 0;
}

/* The spool: created, unlinked at once, written through an outfile. */
static int
emit_spool_open(struct emit *e)
{
	char *spool_display;

	if ((e->spool_fd = cr_outfile_unlinked(e->dirfd, EMIT_SPOOL)) < 0) {
		cr_err_set(e->display, 0, "cannot make %s: %s", EMIT_SPOOL,
		    strerror(errno));
		return CR_STATUS_IO;
	}
	xasprintf(&spool_display, "%s/%s", e->display, EMIT_SPOOL);
	e->spool = cr_outfile_fdopen(e->spool_fd, spool_display);
	free(spool_display);
	cr_outfile_nodigest(e->spool);
	return 0;
}

/* --- public ----------------------------------------------------------------------- */

int
cr_emit_tokens(struct cr_model *m, const struct cr_emit_opts *o)
{
	struct cr_request *q;
	size_t i;
	int rc;

	for (i = 0; i < m->nreq; i++) {
		q = &m->req[i];
		if (q->outcome != CR_RELEASED)
			continue;
		if (o->key != NULL)
			cr_token_make(o->key, o->keylen,
			    q->r.val[MAN_REQUEST_ID], q->r.val[MAN_CUSTOMER_ID],
			    q->token);
		else if ((rc = cr_token_random(q->token)) != 0)
			return rc;
		cr_sha256_hex(q->token, strlen(q->token), q->token_sha256);
	}
	return 0;
}

/* The redacted copy of every email into the spool, each an entry. */
static int
emit_redacted_each(struct emit *e, struct cr_mailer *mailer)
{
	char *path;
	struct vs_rowbuf ob, lb;
	const char *f[3];
	uint64_t off, len;
	size_t i;
	int rc = 0;

	for (i = 0; i < cr_mailer_count(mailer); i++) {
		off = cr_outfile_bytes(e->spool);
		if ((rc = cr_mailer_redacted(mailer, i, e->spool)) != 0 ||
		    cr_outfile_status(e->spool) != 0)
			break;
		xasprintf(&path, "emails/%s.eml",
		    cr_mailer_customer_id(mailer, i));
		len = cr_outfile_bytes(e->spool) - off;
		f[0] = path;
		f[1] = vs_row(&ob, off);
		f[2] = vs_row(&lb, len);
		vs_sort_add(e->emails, 3, f);
		free(path);
		e->nemails++;
		e->email_octets += len;
	}
	return rc;
}

/* The spool flushed (a write error is recorded here); the fd stays open. */
static int
emit_spool_close(struct emit *e)
{
	int rc = cr_outfile_close(e->spool);

	e->spool = NULL;
	return rc;
}

static int
emit_redacted(struct emit *e, struct cr_mailer *mailer)
{
	int rc = emit_redacted_each(e, mailer);

	return rc != 0 ? rc : emit_spool_close(e);
}

static void
emit_email_rec(void *arg, const char *const *f, size_t nf)
{
	vs_writer_add(arg, nf, f);
}

/*
 * The emails' list for the bundle (bundle.h, cr_bundle_many): their sort
 * written out as one sorted run, in the run being built.
 */
static void
emit_emails_list(struct emit *e, struct cr_bundle_many *many,
    struct vs_run *list)
{
	struct vs_writer w;

	vs_writer_open(&w, list);
	vs_sort_each(e->emails, emit_email_rec, &w);
	e->emails = NULL;
	vs_writer_close(&w);
	memset(many, 0, sizeof *many);
	many->dir = "emails/";
	many->fd = e->spool_fd;
	many->list = list;
	many->n = e->nemails;
	many->octets = e->email_octets;
}

/* The audit bundle of every entry (bundle.h). */
static int
emit_bundle(struct emit *e)
{
	const struct cr_emit_opts *o = e->o;
	struct cr_bundle_entry *entries;
	struct cr_bundle_opts bo;
	struct cr_bundle_many many;
	struct vs_run list;
	char *bundle;
	size_t i;
	int rc;

	emit_emails_list(e, &many, &list);
	entries = xcalloc(e->nfiles, sizeof *entries);
	for (i = 0; i < e->nfiles; i++) {
		entries[i].path = e->files[i].path;
		entries[i].len = e->files[i].len;
		entries[i].dirfd = e->dirfd;
		entries[i].name = e->files[i].name;
		entries[i].fd = e->spool_fd;
		entries[i].off = e->files[i].off;
	}
	xasprintf(&bundle, "audit-%s.%s", o->run_id, o->bundle_format);
	memset(&bo, 0, sizeof bo);
	bo.dir = e->display;
	bo.format = o->bundle_format;
	bo.signing_key = o->signing_key;
	bo.prev_run_id = o->prev_run_id != NULL ? o->prev_run_id : "";
	bo.prev_tagmanifest_sha256 = o->prev_tagmanifest_sha256;
	bo.keep_tags = 1;
	bo.many = &many;
	rc = cr_bundle_write_opts(e->dirfd, bundle, o->run_id, o->run_time,
	    entries, e->nfiles, &bo);
	if (list.fd >= 0 && close(list.fd) != 0 && rc == 0) {
		cr_err_set(e->display, 0, "cannot close the list of emails: %s",
		    strerror(errno));
		rc = CR_STATUS_IO;
	}
	list.fd = -1;
	free(bundle);
	free(entries);
	return rc;
}

/* Close the spool (the redacted copies live only in the bundle). */
static int
emit_cleanup(struct emit *e, int rc)
{
	size_t i;

	cr_outfile_discard(e->spool);
	if (e->spool_fd >= 0 && close(e->spool_fd) != 0 && rc == 0) {
		cr_err_set(e->display, 0, "cannot close %s: %s", EMIT_SPOOL,
		    strerror(errno));
		rc = CR_STATUS_IO;
	}
	for (i = 0; i < e->nfiles; i++) {
		free(e->files[i].path);
		free(e->files[i].name);
	}
	free(e->files);
	if (e->emails != NULL)
		vs_sort_free(e->emails);
	return rc;
}

static void
emit_init(struct emit *e, struct cr_model *m, const struct cr_emit_opts *o,
    int dirfd, int emails_fd, const char *display)
{
	memset(e, 0, sizeof *e);
	e->m = m;
	e->o = o;
	e->dirfd = dirfd;
	e->emails_fd = emails_fd;
	e->spool_fd = -1;
	e->display = display;
	e->emails = vs_sort_new();
	cr_format_time(o->run_time, e->effective_at);
	cr_format_time(cr_claim_expiry(o->run_time, o->ttl_days),
	    e->expires_at);
}

int
cr_emit_run(struct cr_model *m, const struct cr_emit_opts *o, int dirfd,
    int emails_fd, const char *display)
{
	struct emit e;
	struct emit_sum sum;
	struct cr_mailer *mailer = NULL;
	int rc, mrc;

	emit_sum_of(&sum, m);
	emit_init(&e, m, o, dirfd, emails_fd, display);

	if ((rc = emit_spool_open(&e)) != 0 ||
	    (rc = emit_manifest_copy(&e)) != 0 ||
	    (rc = emit_inputs(&e)) != 0 ||
	    (rc = emit_decisions(&e)) != 0 ||
	    (rc = emit_ownership(&e)) != 0 ||
	    (rc = emit_customers(&e)) != 0 ||
	    (rc = emit_shares(&e)) != 0 ||
	    (rc = emit_contact_updates(&e)) != 0 ||
	    (rc = emit_summary(&e, &sum)) != 0)
		goto out;
	/*
	 * The emails take what they need from the model, which goes: the
	 * bundle reads files only, so the model and the bundle's working set
	 * are never in memory together.
	 */
	mailer = cr_mailer_new(m, o, e.emails_fd, e.display);
	cr_err_at_fatal(cr_mailer_stop_fatal, mailer);
	e.m = NULL;
	if (o->release != NULL)
		o->release(o->release_arg);
	/* the mailer writes emails/ while the bundle is made */
	if ((rc = cr_mailer_start(mailer)) == 0 &&
	    (rc = emit_redacted(&e, mailer)) == 0)
		rc = emit_bundle(&e);
out:
	/* joined before the run is committed or cleaned up */
	mrc = cr_mailer_join(mailer, rc != 0);
	if (mailer != NULL)
		cr_err_at_fatal(NULL, NULL);
	if (rc == 0)
		rc = mrc;
	cr_mailer_free(mailer);
	return emit_cleanup(&e, rc);
}

/* --- in parts -------------------------------------------------------------------- */

/*
 * A manifest over the memory budget is decided in parts (cmd-common.c);
 * each part's rows go into one external sort per table (verify-stream.h,
 * in the run being built), keyed as the whole run sorts them (key, then
 * manifest index), and each part's claim emails are written at once.
 * Once every part is in, the tables are written from the sorts by the
 * same writers, so the files are those of a whole run.
 */
enum { EP_DEC, EP_OWN, EP_CUS, EP_SH, EP_CU, EP_TABLES };

struct cr_emit_parts {
	struct emit		 e;
	struct vs_sort		*sort[EP_TABLES];
	struct emit_sum		 sum;
	char			*manifest_name;
	char			 manifest_sha256[65];
	struct cr_model_input	*inputs;
	char			*buf;		/* a record being made */
	size_t			 cap;
};

/*
 * A row into its sort: the keys (NULL as ""), the manifest index, then
 * each value as "" (none) or "=" and the value.
 */
static void
parts_row(struct cr_emit_parts *ep, int t, const char *k1, const char *k2,
    size_t index, const char *const *v, size_t nv)
{
	const char *f[VS_FIELDS_MAX];
	struct vs_rowbuf ib;
	size_t i, len = 0, off[VS_FIELDS_MAX];

	for (i = 0; i < nv; i++)
		len += v[i] != NULL ? strlen(v[i]) + 2 : 1;
	if (len > ep->cap) {
		ep->cap = len * 2;
		ep->buf = xrealloc(ep->buf, ep->cap);
	}
	for (len = 0, i = 0; i < nv; i++) {
		off[i] = len;
		if (v[i] != NULL) {
			ep->buf[len++] = '=';
			memcpy(ep->buf + len, v[i], strlen(v[i]));
			len += strlen(v[i]);
		}
		ep->buf[len++] = '\0';
	}
	f[0] = k1 != NULL ? k1 : "";
	f[1] = k2 != NULL ? k2 : "";
	f[2] = vs_row(&ib, index);
	for (i = 0; i < nv; i++)
		f[3 + i] = ep->buf + off[i];
	vs_sort_add(ep->sort[t], 3 + nv, f);
}

static void
parts_released(struct cr_emit_parts *ep, const struct cr_request *q)
{
	const char *v[10];
	char to[128];
	size_t j;

	for (j = 0; j < q->customer->nproducts; j++) {
		emit_ownership_row(&ep->e, q, q->customer->products[j], to, v);
		parts_row(ep, EP_OWN, v[2], NULL, q->index, v, 10);
	}
	emit_customer_row(&ep->e, q, v);
	parts_row(ep, EP_CUS, v[0], NULL, q->index, v, 6);
	for (j = 0; j < q->ngrants; j++) {
		emit_share_row(&ep->e, q, q->grants[j], v);
		parts_row(ep, EP_SH, v[0], NULL, q->index, v, 5);
	}
	for (j = 0; j < q->nupdates; j++) {
		emit_update_row(q, &q->updates[j], v);
		parts_row(ep, EP_CU, v[0], v[2], q->index, v, 5);
	}
}

struct cr_emit_parts *
cr_emit_parts_begin(struct cr_model *whole, const struct cr_emit_opts *o,
    int dirfd, int emails_fd, const char *display, int *rc)
{
	struct cr_emit_parts *ep = xcalloc(1, sizeof *ep);
	size_t i;
	int t;

	emit_init(&ep->e, whole, o, dirfd, emails_fd, display);
	ep->manifest_name = xstrdup(whole->manifest_name);
	memcpy(ep->manifest_sha256, whole->manifest_sha256, 65);
	ep->inputs = xcalloc(whole->ninputs + 1, sizeof *ep->inputs);
	for (i = 0; i < whole->ninputs; i++) {
		ep->inputs[i].name = xstrdup(whole->inputs[i].name);
		memcpy(ep->inputs[i].sha256, whole->inputs[i].sha256, 65);
	}
	ep->sum.manifest_name = ep->manifest_name;
	ep->sum.manifest_sha256 = ep->manifest_sha256;
	ep->sum.inputs = ep->inputs;
	ep->sum.ninputs = whole->ninputs;
	for (t = 0; t < EP_TABLES; t++)
		ep->sort[t] = vs_sort_new();
	if ((*rc = emit_spool_open(&ep->e)) == 0 &&
	    (*rc = emit_manifest_copy(&ep->e)) == 0)
		*rc = emit_inputs(&ep->e);
	ep->e.m = NULL;		/* the whole model goes: parts come */
	return ep;
}

int
cr_emit_parts_add(struct cr_emit_parts *ep, struct cr_model *m)
{
	struct cr_mailer *mailer;
	const struct cr_request *q;
	const char *v[8];
	char line[32], *codes;
	size_t i;
	int rc, mrc;

	if ((rc = cr_emit_tokens(m, ep->e.o)) != 0)
		return rc;
	for (i = 0; i < m->nreq; i++) {
		q = &m->req[i];
		emit_decision_row(q, line, &codes, v);
		parts_row(ep, EP_DEC, v[0], NULL, q->index, v, 8);
		free(codes);
		if (q->outcome == CR_RELEASED)
			parts_released(ep, q);
	}
	mailer = cr_mailer_new(m, ep->e.o, ep->e.emails_fd, ep->e.display);
	cr_err_at_fatal(cr_mailer_stop_fatal, mailer);
	if ((rc = cr_mailer_start(mailer)) == 0)
		rc = emit_redacted_each(&ep->e, mailer);
	mrc = cr_mailer_join(mailer, rc != 0);
	cr_err_at_fatal(NULL, NULL);
	cr_mailer_free(mailer);
	return rc != 0 ? rc : mrc;
}

/* One table from its sort, through the writers of a whole run. */
struct parts_out {
	struct cr_table_writer	*tw[2];
	size_t			 nv;
};

static void
parts_out_row(void *arg, const char *const *f, size_t nf)
{
	struct parts_out *po = arg;
	const char *v[VS_FIELDS_MAX];
	size_t i;

	(void)nf;
	for (i = 0; i < po->nv; i++)
		v[i] = f[3 + i][0] == '=' ? f[3 + i] + 1 : NULL;
	cr_tw_row(po->tw[0], v);
	if (po->tw[1] != NULL)
		cr_tw_row(po->tw[1], v);
}

static int
parts_table(struct cr_emit_parts *ep, int t, const char *name,
    const char *const *cols, const enum cr_val_type *types, size_t n)
{
	struct parts_out po = { { NULL, NULL }, n };
	struct cr_outfile *f;

	if ((f = emit_open(&ep->e, name)) == NULL)
		return CR_STATUS_IO;
	po.tw[0] = cr_tw_open(&cr_format_csv, f, cols, types, n);
	vs_sort_each(ep->sort[t], parts_out_row, &po);
	ep->sort[t] = NULL;
	cr_tw_close(po.tw[0]);
	return emit_table(&ep->e, name, f);
}

/* ownership.csv and ownership.jsonl, from one sort. */
static int
parts_ownership(struct cr_emit_parts *ep)
{
	struct parts_out po = { { NULL, NULL }, 10 };
	struct cr_outfile *csv, *jsonl;
	int rc;

	if ((csv = emit_open(&ep->e, "ownership.csv")) == NULL ||
	    (jsonl = emit_open(&ep->e, "ownership.jsonl")) == NULL) {
		cr_outfile_discard(csv);
		return CR_STATUS_IO;
	}
	po.tw[0] = cr_tw_open(&cr_format_csv, csv, emit_own_cols,
	    emit_own_types, 10);
	po.tw[1] = cr_tw_open(&cr_format_jsonl, jsonl, emit_own_cols,
	    emit_own_types, 10);
	vs_sort_each(ep->sort[EP_OWN], parts_out_row, &po);
	ep->sort[EP_OWN] = NULL;
	cr_tw_close(po.tw[0]);
	cr_tw_close(po.tw[1]);
	if ((rc = emit_table(&ep->e, "ownership.csv", csv)) != 0) {
		cr_outfile_discard(jsonl);
		return rc;
	}
	return emit_table(&ep->e, "ownership.jsonl", jsonl);
}

int
cr_emit_parts_end(struct cr_emit_parts *ep, const struct cr_decide_counts *n,
    int rc)
{
	size_t i;
	int t;

	ep->sum.n = *n;
	if (rc == 0 &&
	    (rc = parts_table(ep, EP_DEC, "decisions.csv", emit_dec_cols,
	    emit_dec_types, 8)) == 0 &&
	    (rc = parts_ownership(ep)) == 0 &&
	    (rc = parts_table(ep, EP_CUS, "customers.csv", emit_cus_cols,
	    NULL, 6)) == 0 &&
	    (rc = parts_table(ep, EP_SH, "shares.csv", emit_sh_cols, NULL,
	    5)) == 0 &&
	    (rc = parts_table(ep, EP_CU, "contact_updates.csv", emit_cu_cols,
	    NULL, 5)) == 0 &&
	    (rc = emit_summary(&ep->e, &ep->sum)) == 0 &&
	    (rc = emit_spool_close(&ep->e)) == 0)
		rc = emit_bundle(&ep->e);
	for (t = 0; t < EP_TABLES; t++)
		if (ep->sort[t] != NULL)
			vs_sort_free(ep->sort[t]);
	rc = emit_cleanup(&ep->e, rc);
	for (i = 0; i < ep->sum.ninputs; i++)
		free(ep->inputs[i].name);
	free(ep->inputs);
	free(ep->manifest_name);
	free(ep->buf);
	free(ep);
	return rc;
}
