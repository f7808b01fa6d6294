/*
 * cmd-plan.c -- `custrelease plan --export PATH --manifest PATH [--out DIR]
 * [--json]`: the decisions of a run, printed and not applied.  With --out
 * the committed runs there count (read-only, no lock).  Exit 0 when every
 * request would be released or skipped, 1 when any would be rejected.
 *
 * It writes no file and mints no token.
 */
#include <stdio.h>
#include <string.h>

#include "cmd-common.h"
#include "cmd.h"
#include "custrelease.h"
#include "decide.h"
#include "json-write.h"
#include "model.h"
#include "outfile.h"
#include "rundir.h"
#include "write.h"

/* The codes of q joined by ';', as decisions.csv writes them. */
static void
plan_codes(const struct cr_request *q, char *buf, size_t size)
{
	size_t o = 0;
	int c, first = 1;

	buf[0] = '\0';
	for (c = 0; c < CR_CODE_COUNT && o < size; c++) {
		if (!(q->codes & (1U << c)))
			continue;
		o += (size_t)snprintf(buf + o, size - o, "%s%s",
		    first ? "" : ";", cr_code_name((enum cr_code)c));
		first = 0;
	}
}

static void
plan_text(const struct cr_model *m)
{
	const struct cr_request *q;
	char codes[512];
	size_t i;

	printf("%-6s %-20s %-12s %-9s %s\n", "line", "request_id",
	    "customer_id", "outcome", "codes: message");
	for (i = 0; i < m->nreq; i++) {
		q = &m->req[i];
		plan_codes(q, codes, sizeof codes);
		printf("%-6lu %-20s %-12s %-9s %s%s%s\n", q->r.line,
		    q->r.val[MAN_REQUEST_ID] ? q->r.val[MAN_REQUEST_ID] : "-",
		    q->r.val[MAN_CUSTOMER_ID] ? q->r.val[MAN_CUSTOMER_ID] : "-",
		    cr_outcome_name(q->outcome), codes,
		    q->message[0] ? ": " : "", q->message);
	}
}

static void
plan_json_request(struct cr_jw *jw, const struct cr_request *q)
{
	int c;

	cr_jw_object(jw);
	cr_jw_key(jw, "request_id");
	cr_jw_string(jw, q->r.val[MAN_REQUEST_ID]);
	cr_jw_key(jw, "line");
	cr_jw_uint(jw, q->r.line);
	cr_jw_key(jw, "customer_id");
	cr_jw_string(jw, q->r.val[MAN_CUSTOMER_ID]);
	cr_jw_key(jw, "reseller_id");
	cr_jw_string(jw, q->r.val[MAN_RESELLER_ID]);
	cr_jw_key(jw, "requested_by");
	cr_jw_string(jw, q->r.val[MAN_REQUESTED_BY]);
	cr_jw_key(jw, "outcome");
	cr_jw_string(jw, cr_outcome_name(q->outcome));
	cr_jw_key(jw, "codes");
	cr_jw_array(jw);
	for (c = 0; c < CR_CODE_COUNT; c++)
		if (q->codes & (1U << c))
			cr_jw_string(jw, cr_code_name((enum cr_code)c));
	cr_jw_end(jw);
	cr_jw_key(jw, "message");
	cr_jw_string(jw, q->message);
	cr_jw_end(jw);
}

static void
plan_json(const struct cr_model *m)
{
	struct cr_outfile *out = cr_outfile_fdopen(1, "stdout");
	struct cr_jw jw;
	size_t i;

	cr_jw_init(&jw, out, 1);
	cr_jw_array(&jw);
	for (i = 0; i < m->nreq; i++) {
		cr_jw_break(&jw, 1);
		plan_json_request(&jw, &m->req[i]);
	}
	cr_jw_break(&jw, 0);
	cr_jw_end(&jw);
	cr_jw_finish(&jw);
	cr_outfile_close(out);
}

static int
plan_exec(const struct cr_options *o)
{
	struct cr_runcfg cfg;
	struct cr_model m;
	struct cr_rundir *rd = NULL;
	struct cr_decide_counts n;
	int rc;

	if (o->export_path == NULL || o->manifest_path == NULL)
		return cr_cmd_usage_error(&cr_cmd_plan, "--export and "
		    "--manifest are required");
	if ((rc = cr_runcfg_begin(&cr_cmd_plan, o, &cfg, &m)) != 0)
		goto out;
	if (o->out_dir != NULL &&
	    ((rc = cr_rundir_lock(o->out_dir, 0, &rd)) != 0 ||
	    (rc = cr_model_load_history(&m, rd, NULL)) != 0))
		goto out;
	if ((rc = cr_runcfg_load_export(o, &m)) != 0)
		goto out;
	cr_runcfg_decide(&cfg, &m, &n);
	if (o->json)
		plan_json(&m);
	else {
		plan_text(&m);
		printf("%zu requests: %zu would be released, %zu skipped, "
		    "%zu rejected\n", m.nreq, n.outcome[CR_RELEASED],
		    n.outcome[CR_SKIPPED], n.outcome[CR_REJECTED]);
	}
	rc = n.outcome[CR_REJECTED] ? CR_STATUS_REJECTED : CR_STATUS_OK;
out:
	cr_rundir_close(rd);
	cr_model_free(&m);
	cr_runcfg_free(&cfg);
	return rc;
}

const struct cr_cmd cr_cmd_plan = {
	"plan", "--export PATH --manifest PATH [--out DIR] [--json]", plan_exec,
	CR_OPTS_RUN | CR_OPT_JSON
};
