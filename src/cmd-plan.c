/*
 * cmd-plan.c -- `custrelease plan --export PATH --manifest PATH [--out DIR]
 * [--json] [--memory MB]`: the decisions of a run, printed and not
 * applied.  With --out the committed runs there count (read-only, no
 * lock).  Exit 0 when every request would be released or skipped, 1 when
 * any would be rejected.  A manifest whose model passes the memory budget
 * is decided in parts (cmd-common.c) and its lines sorted back into
 * manifest order under $TMPDIR: the same bytes as a whole plan.
 *
 * It writes no file of its own and mints no token.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-common.h"
#include "cmd.h"
#include "custrelease.h"
#include "decide.h"
#include "json-write.h"
#include "model.h"
#include "outfile.h"
#include "rundir.h"
#include "verify-stream.h"
#include "write.h"
#include "xmalloc.h"

/*
 * One request's line of the plan: from the model when the manifest was
 * decided whole, from a sorted record (plan_rec) when it was decided in
 * parts, printed by the same code either way.
 */
struct plan_line {
	unsigned long	 line;
	const char	*request_id, *customer_id, *reseller_id, *requested_by;
	enum cr_outcome	 outcome;
	uint32_t	 codes;
	const char	*message;
};

/* How the plan is printed, and (parts) what is printed last. */
struct plan_out {
	int		 json;
	struct cr_outfile *out;		/* json */
	struct cr_jw	 jw;
	struct vs_sort	*sort;		/* parts */
};

static void
plan_of(struct plan_line *l, const struct cr_request *q)
{
	l->line = q->r.line;
	l->request_id = q->r.val[MAN_REQUEST_ID];
	l->customer_id = q->r.val[MAN_CUSTOMER_ID];
	l->reseller_id = q->r.val[MAN_RESELLER_ID];
	l->requested_by = q->r.val[MAN_REQUESTED_BY];
	l->outcome = q->outcome;
	l->codes = q->codes;
	l->message = q->message;
}

/* The codes joined by ';', as decisions.csv writes them. */
static void
plan_codes(uint32_t codes, char *buf, size_t size)
{
	size_t o = 0;
	int c, first = 1;

	buf[0] = '\0';
	for (c = 0; c < CR_CODE_COUNT && o < size; c++) {
		if (!(codes & (1U << c)))
			continue;
		o += (size_t)snprintf(buf + o, size - o, "%s%s",
		    first ? "" : ";", cr_code_name((enum cr_code)c));
		first = 0;
	}
}

static void
plan_text_line(const struct plan_line *l)
{
	char codes[512];

	plan_codes(l->codes, codes, sizeof codes);
	printf("%-6lu %-20s %-12s %-9s %s%s%s\n", l->line,
	    l->request_id ? l->request_id : "-",
	    l->customer_id ? l->customer_id : "-",
	    cr_outcome_name(l->outcome), codes,
	    l->message[0] ? ": " : "", l->message);
}

static void
plan_json_line(struct cr_jw *jw, const struct plan_line *l)
{
	int c;

	cr_jw_break(jw, 1);
	cr_jw_object(jw);
	cr_jw_key(jw, "request_id");
	cr_jw_string(jw, l->request_id);
	cr_jw_key(jw, "line");
	cr_jw_uint(jw, l->line);
	cr_jw_key(jw, "customer_id");
	cr_jw_string(jw, l->customer_id);
	cr_jw_key(jw, "reseller_id");
	cr_jw_string(jw, l->reseller_id);
	cr_jw_key(jw, "requested_by");
	cr_jw_string(jw, l->requested_by);
	cr_jw_key(jw, "outcome");
	cr_jw_string(jw, cr_outcome_name(l->outcome));
	cr_jw_key(jw, "codes");
	cr_jw_array(jw);
	for (c = 0; c < CR_CODE_COUNT; c++)
		if (l->codes & (1U << c))
			cr_jw_string(jw, cr_code_name((enum cr_code)c));
	cr_jw_end(jw);
	cr_jw_key(jw, "message");
	cr_jw_string(jw, l->message);
	cr_jw_end(jw);
}

static void
plan_begin(struct plan_out *po)
{
	if (po->json) {
		po->out = cr_outfile_fdopen(1, "stdout");
		cr_jw_init(&po->jw, po->out, 1);
		cr_jw_array(&po->jw);
	} else
		printf("%-6s %-20s %-12s %-9s %s\n", "line", "request_id",
		    "customer_id", "outcome", "codes: message");
}

static void
plan_print(struct plan_out *po, const struct plan_line *l)
{
	if (po->json)
		plan_json_line(&po->jw, l);
	else
		plan_text_line(l);
}

static void
plan_end(struct plan_out *po, const struct cr_decide_counts *n)
{
	size_t total = n->outcome[CR_RELEASED] + n->outcome[CR_SKIPPED] +
	    n->outcome[CR_REJECTED];

	if (po->json) {
		cr_jw_break(&po->jw, 0);
		cr_jw_end(&po->jw);
		cr_jw_finish(&po->jw);
		cr_outfile_close(po->out);
		return;
	}
	printf("%zu requests: %zu would be released, %zu skipped, "
	    "%zu rejected\n", total, n->outcome[CR_RELEASED],
	    n->outcome[CR_SKIPPED], n->outcome[CR_REJECTED]);
}

/* --- in parts: each request's line, sorted back into manifest order ----- */

enum { PR_INDEX, PR_LINE, PR_REQUEST_ID, PR_CUSTOMER_ID, PR_RESELLER_ID,
    PR_REQUESTED_BY, PR_OUTCOME, PR_CODES, PR_MESSAGE, PR_FIELDS };

/* A value as a field: "" for none, else '=' and the value. */
static char *
plan_enc(const char *v)
{
	char *s;

	if (v == NULL)
		return xstrdup("");
	xasprintf(&s, "=%s", v);
	return s;
}

static const char *
plan_dec(const char *f)
{
	return f[0] == '=' ? f + 1 : NULL;
}

static int
plan_part(void *arg, struct cr_model *m)
{
	struct plan_out *po = arg;
	struct vs_rowbuf ib, lb;
	const struct cr_request *q;
	const char *f[PR_FIELDS];
	char outcome[2], codes[16], *enc[4];
	size_t i, k;

	for (i = 0; i < m->nreq; i++) {
		q = &m->req[i];
		enc[0] = plan_enc(q->r.val[MAN_REQUEST_ID]);
		enc[1] = plan_enc(q->r.val[MAN_CUSTOMER_ID]);
		enc[2] = plan_enc(q->r.val[MAN_RESELLER_ID]);
		enc[3] = plan_enc(q->r.val[MAN_REQUESTED_BY]);
		outcome[0] = (char)('0' + q->outcome);
		outcome[1] = '\0';
		snprintf(codes, sizeof codes, "%08x", (unsigned)q->codes);
		f[PR_INDEX] = vs_row(&ib, q->index);
		f[PR_LINE] = vs_row(&lb, q->r.line);
		for (k = 0; k < 4; k++)
			f[PR_REQUEST_ID + k] = enc[k];
		f[PR_OUTCOME] = outcome;
		f[PR_CODES] = codes;
		f[PR_MESSAGE] = q->message;
		vs_sort_add(po->sort, PR_FIELDS, f);
		for (k = 0; k < 4; k++)
			free(enc[k]);
	}
	return 0;
}

static void
plan_sorted(void *arg, const char *const *f, size_t nf)
{
	struct plan_line l;

	(void)nf;
	l.line = (unsigned long)vs_row_of(f[PR_LINE]);
	l.request_id = plan_dec(f[PR_REQUEST_ID]);
	l.customer_id = plan_dec(f[PR_CUSTOMER_ID]);
	l.reseller_id = plan_dec(f[PR_RESELLER_ID]);
	l.requested_by = plan_dec(f[PR_REQUESTED_BY]);
	l.outcome = (enum cr_outcome)(f[PR_OUTCOME][0] - '0');
	l.codes = (uint32_t)strtoul(f[PR_CODES], NULL, 16);
	l.message = f[PR_MESSAGE];
	plan_print(arg, &l);
}

/* --- the command ---------------------------------------------------------- */

static void
plan_whole(struct plan_out *po, const struct cr_model *m,
    const struct cr_decide_counts *n)
{
	struct plan_line l;
	size_t i;

	plan_begin(po);
	for (i = 0; i < m->nreq; i++) {
		plan_of(&l, &m->req[i]);
		plan_print(po, &l);
	}
	plan_end(po, n);
}

static int
plan_parts(struct plan_out *po, struct cr_runcfg *cfg,
    const struct cr_options *o, struct cr_model *m, struct cr_rundir *rd,
    struct cr_decide_counts *n)
{
	size_t nparts;
	int rc;

	vs_mem_cap(cfg->budget / 8);	/* each sorter's run */
	po->sort = vs_sort_new();
	rc = cr_runcfg_parts(cfg, o, m, rd, n, &nparts, plan_part, po);
	if (rc != 0) {
		vs_sort_free(po->sort);
		return rc;
	}
	if (!o->quiet)
		fprintf(stderr, "custrelease: plan: over the memory budget: "
		    "decided in %zu part%s\n", nparts,
		    nparts == 1 ? "" : "s");
	plan_begin(po);
	vs_sort_each(po->sort, plan_sorted, po);
	plan_end(po, n);
	return 0;
}

static int
plan_exec(const struct cr_options *o)
{
	struct cr_runcfg cfg;
	struct cr_model m;
	struct cr_rundir *rd = NULL;
	struct cr_decide_counts n;
	struct plan_out po;
	int rc;

	if (o->export_path == NULL || o->manifest_path == NULL)
		return cr_cmd_usage_error(&cr_cmd_plan, "--export and "
		    "--manifest are required");
	memset(&po, 0, sizeof po);
	po.json = o->json;
	if ((rc = cr_runcfg_begin(&cr_cmd_plan, o, &cfg, &m)) != 0)
		goto out;
	if (o->out_dir != NULL &&
	    (rc = cr_rundir_lock(o->out_dir, 0, &rd)) != 0)
		goto out;
	/* when over the budget too: its warnings are told once, here */
	if (rd != NULL && (rc = cr_model_load_history(&m, rd, NULL)) != 0)
		goto out;
	if ((rc = cr_runcfg_load_export(o, &m)) != 0)
		goto out;
	if (m.over) {
		if ((rc = plan_parts(&po, &cfg, o, &m, rd, &n)) != 0)
			goto out;
	} else {
		cr_runcfg_decide(&cfg, &m, &n);
		plan_whole(&po, &m, &n);
	}
	rc = n.outcome[CR_REJECTED] ? CR_STATUS_REJECTED : CR_STATUS_OK;
out:
	cr_rundir_close(rd);
	cr_model_free(&m);
	cr_runcfg_free(&cfg);
	return rc;
}

const struct cr_cmd cr_cmd_plan = {
	"plan", "--export PATH --manifest PATH [--out DIR] [--json] "
	"[--memory MB]", plan_exec,
	CR_OPTS_RUN | CR_OPT_JSON | CR_OPT_MEMORY
};
