/*
 * cmd-run.c -- `custrelease run --export PATH --manifest PATH --out DIR`:
 * read (load.c), decide (decide.c), write (emit.c) and commit one run
 * directory OUT/<run_id> atomically, under a flock on OUT (docs/format.md 4, 5).
 *
 * A rerun whose run id is already committed does nothing: with the same
 * inputs it exits with that run's status, with others it is an input
 * error.  Anything that fails before the commit leaves no trace but a
 * .tmp- entry that the next run removes.
 */
#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chain.h"
#include "cmd-common.h"
#include "cmd.h"
#include "bag.h"
#include "custrelease.h"
#include "decide.h"
#include "diag.h"
#include "emit.h"
#include "history.h"
#include "model.h"
#include "outfile.h"
#include "rundir.h"
#include "verify-stream.h"
#include "xmalloc.h"

/* A committed run's summary.json is read whole, up to this size. */
#define RUN_SUMMARY_MAX	(16u << 20)

/* The bytes of OUT/<run_id>/summary.json, NUL-terminated; NULL if unread. */
static char *
run_summary_read(struct cr_rundir *rd, const char *run_id, size_t *len)
{
	char path[128], *buf;
	size_t cap = 8192, n = 0;
	ssize_t r = -1;
	int fd;

	snprintf(path, sizeof path, "%s/summary.json", run_id);
	fd = openat(cr_rundir_fd(rd), path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	buf = xmalloc(cap);
	for (;;) {
		if (n + 1 == cap) {
			if (cap >= RUN_SUMMARY_MAX)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (r != 0 || n == 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * Read what a committed run recorded: its inputs digest, and its exit
 * status as a status (a committed run exited 0 or 1).
 */
static int
run_committed(struct cr_rundir *rd, const char *run_id, char digest[65],
    int *status)
{
	struct cr_json *sum;
	const char *d;
	unsigned long st;
	char *buf, err[128];
	size_t len;
	int rc = -1;

	if ((buf = run_summary_read(rd, run_id, &len)) == NULL)
		return -1;
	sum = cr_json_parse(buf, len, err, sizeof err);
	free(buf);
	if (sum == NULL)
		return -1;
	d = cr_json_str(sum, "inputs_digest");
	if (d != NULL && strlen(d) == 64 &&
	    cr_json_uint(sum, "exit_status", &st) &&
	    (st == CR_EXIT_OK || st == CR_EXIT_REJECTED)) {
		memcpy(digest, d, 65);
		*status = st == CR_EXIT_OK ? CR_STATUS_OK : CR_STATUS_REJECTED;
		rc = 0;
	}
	cr_json_free(sum);
	return rc;
}

static void
run_id_make(time_t t, const char *sha, char out[CR_RUN_ID_LEN + 1])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 18, "%Y%m%dT%H%M%SZ", &tm);
	out[16] = '-';
	memcpy(out + 17, sha, 8);
	out[25] = '\0';
}

/*
 * The run's model and whether it is freed: run_exec owns it, and frees it
 * once, either when cr_emit_run hands it back through the release
 * callback (before the bundle, emit.h) or at the end.
 */
struct run_model {
	struct cr_model	m;
	int		freed;
};

/* Wipe the tokens, then free the model, once. */
static void
run_release_model(void *arg)
{
	struct run_model *rm = arg;
	size_t i;

	if (rm->freed)
		return;
	for (i = 0; i < rm->m.nreq; i++)
		explicit_bzero(rm->m.req[i].token, sizeof rm->m.req[i].token);
	cr_model_free(&rm->m);
	rm->freed = 1;
}

/*
 * The run OUT's chain continues from (chain.h), into *prev.  A run time
 * before the head's would put the chain out of time order: a usage error.
 */
static int
run_predecessor(struct cr_rundir *rd, const char *run_id,
    struct cr_chain_link *prev)
{
	int err;

	if (cr_chain_head(rd, prev, &err) != 0) {
		cr_err_set(cr_rundir_path(rd), 0, "cannot read the chain of "
		    "committed runs: %s", strerror(err));
		return CR_STATUS_IO;
	}
	if (prev->run_id[0] != '\0' && strncmp(run_id, prev->run_id, 16) < 0)
		return cr_cmd_usage_error(&cr_cmd_run, "run time %.16s is "
		    "before the last committed run %s: runs in one OUT go "
		    "forward in time", run_id, prev->run_id);
	if (prev->run_id[0] != '\0' && prev->tagmanifest_sha256[0] == '\0')
		cr_err_warn(cr_rundir_path(rd), 0, "run %s keeps no copy of its "
		    "tag manifest: this run links to it by id only",
		    prev->run_id);
	return 0;
}

/*
 * The run id is committed already: a no-op with its status when its
 * inputs were these, else an input error.
 */
static int
run_again(const struct cr_options *o, struct cr_rundir *rd,
    const char *run_id, const char *digest)
{
	char old[65];
	int old_status;

	if (run_committed(rd, run_id, old, &old_status) != 0) {
		cr_err_set(o->out_dir, 0, "run %s exists but its summary.json "
		    "cannot be read", run_id);
		return CR_STATUS_DATA;
	}
	if (strcmp(old, digest) != 0) {
		cr_err_set(o->out_dir, 0, "run %s is already committed with "
		    "other inputs (same manifest and time, other export?)",
		    run_id);
		return CR_STATUS_DATA;
	}
	if (!o->quiet)
		printf("run %s: already committed with the same inputs; "
		    "nothing to do\n", run_id);
	return old_status;
}

/*
 * Begin the run under .tmp- with its emails/: 0 and its fds and name
 * (freed by the caller), or a status.
 */
static int
run_begin(struct cr_rundir *rd, const char *run_id, int *tmpfd,
    int *emailsfd, char **display)
{
	size_t len;
	int rc;

	if ((rc = cr_rundir_begin(rd, run_id, tmpfd)) != 0 ||
	    (rc = cr_rundir_mkdir(rd, "emails", emailsfd)) != 0)
		return rc;
	*display = cr_rundir_display(rd, "");
	len = strlen(*display);
	if (len > 0 && (*display)[len - 1] == '/')
		(*display)[len - 1] = '\0';
	return 0;
}

/*
 * A temporary file that cannot be written: the run being built goes,
 * its fds left open for the threads that may still write into it.
 */
static void
run_abort_fatal(void *arg)
{
	cr_rundir_abort_fatal(arg);
}

/* Build the run under .tmp-, write every file, commit. */
static int
run_write(struct cr_rundir *rd, struct cr_model *m,
    const struct cr_emit_opts *eo, size_t budget)
{
	char *display;
	int rc, tmpfd, emailsfd;

	if ((rc = run_begin(rd, eo->run_id, &tmpfd, &emailsfd, &display)) != 0)
		return rc;
	cr_model_drop_indexes(m);	/* decided: the maps may go */
	cr_outfile_sync_on_close(0);	/* cr_rundir_commit syncs them all */
	vs_set_dir(display);		/* the emails' list, the report's */
	vs_mem_cap(budget / 32);	/* as in parts: 1/64 of MB a sort */
	cr_err_at_fatal(run_abort_fatal, rd);
	rc = cr_emit_run(m, eo, tmpfd, emailsfd, display);
	if (rc == 0)
		rc = cr_rundir_commit(rd);
	cr_err_at_fatal(NULL, NULL);
	vs_set_dir(NULL);
	free(display);
	return rc;
}

/*
 * A manifest over the memory budget: decided and written part by part
 * (cmd-common.c, emit.c), its sorts inside the run being built; a spill
 * that cannot be written removes that run before exit 74.
 */
static int
run_part(void *arg, struct cr_model *part)
{
	return cr_emit_parts_add(arg, part);
}

static int
run_write_parts(struct cr_rundir *rd, struct cr_runcfg *cfg,
    const struct cr_options *o, struct cr_model *m, struct cr_emit_opts *eo,
    struct cr_decide_counts *n)
{
	struct cr_emit_parts *ep;
	char *display;
	size_t nparts = 0;
	int rc, tmpfd, emailsfd;

	if ((rc = run_begin(rd, eo->run_id, &tmpfd, &emailsfd, &display)) != 0)
		return rc;
	cr_outfile_sync_on_close(0);
	vs_set_dir(display);
	vs_mem_cap(cfg->budget / 32);	/* six sorts at once: 1/64 of MB */
	cr_err_at_fatal(run_abort_fatal, rd);
	ep = cr_emit_parts_begin(m, eo, tmpfd, emailsfd, display, &rc);
	if (rc == 0)
		rc = cr_runcfg_parts(cfg, o, m, rd, n, &nparts, run_part, ep);
	eo->exit_status = cr_cmd_exit_code(n->outcome[CR_REJECTED] ?
	    CR_STATUS_REJECTED : CR_STATUS_OK);
	if (rc == 0 && cfg->key == NULL && n->outcome[CR_RELEASED] != 0)
		cr_err_warn(NULL, 0, "no --token-key: claim tokens are random, "
		    "and a rerun of this run would mint others");
	rc = cr_emit_parts_end(ep, n, rc);
	if (rc == 0)
		rc = cr_rundir_commit(rd);
	cr_err_at_fatal(NULL, NULL);
	vs_set_dir(NULL);
	free(display);
	if (rc == 0 && !o->quiet)
		fprintf(stderr, "custrelease: run: over the memory budget: "
		    "decided in %zu part%s\n", nparts,
		    nparts == 1 ? "" : "s");
	return rc;
}

/* What the write stage needs, from the options, the config and the chain. */
static void
run_emit_opts(struct cr_emit_opts *eo, const struct cr_options *o,
    const struct cr_runcfg *cfg, const struct cr_chain_link *prev)
{
	memset(eo, 0, sizeof *eo);
	eo->run_time = cfg->now;
	eo->ttl_days = cfg->ttl_days;
	eo->claim_url = cfg->claim_url;
	eo->from = cfg->from;
	eo->bundle_format = cfg->bundle_format;
	eo->templates = cfg->templates;
	eo->key = cfg->key;
	eo->keylen = cfg->keylen;
	eo->signing_key = cfg->signing ? &cfg->signing_key : NULL;
	eo->prev_run_id = prev->run_id;
	eo->prev_tagmanifest_sha256 = prev->tagmanifest_sha256;
	eo->strict = o->strict;
	eo->release = run_release_model;
}

static int
run_exec(const struct cr_options *o)
{
	struct cr_runcfg cfg;
	struct run_model rm;
	struct cr_model *m = &rm.m;
	struct cr_rundir *rd = NULL;
	struct cr_history *hist = NULL;
	struct cr_emit_opts eo;
	struct cr_decide_counts n;
	struct cr_chain_link prev;
	char run_id[CR_RUN_ID_LEN + 1], digest[65];
	int rc, status;
	size_t nreq;

	memset(&rm, 0, sizeof rm);
	if (o->export_path == NULL || o->manifest_path == NULL ||
	    o->out_dir == NULL)
		return cr_cmd_usage_error(&cr_cmd_run, "--export, --manifest "
		    "and --out are required");
	if ((rc = cr_runcfg_begin(&cr_cmd_run, o, &cfg, m)) != 0)
		goto out;
	run_id_make(cfg.now, m->manifest_sha256, run_id);

	/* inputs first: an unreadable one leaves OUT untouched */
	if ((rc = cr_runcfg_load_export(o, m)) != 0 ||
	    (rc = cr_rundir_lock(o->out_dir, 1, &rd)) != 0 ||
	    (rc = cr_rundir_cleanup(rd)) != 0 ||
	    (rc = cr_model_load_history(m, rd, &hist)) != 0)
		goto out;
	cr_emit_inputs_digest(m, digest);

	if (cr_rundir_has_run(rd, run_id)) {
		rc = run_again(o, rd, run_id, digest);
		goto out;
	}

	if ((rc = run_predecessor(rd, run_id, &prev)) != 0)
		goto out;
	if (m->over) {
		run_emit_opts(&eo, o, &cfg, &prev);
		eo.run_id = run_id;
		eo.inputs_digest = digest;
		eo.release = NULL;
		if ((rc = run_write_parts(rd, &cfg, o, m, &eo, &n)) != 0)
			goto out;
		nreq = n.outcome[CR_RELEASED] + n.outcome[CR_SKIPPED] +
		    n.outcome[CR_REJECTED];
		status = n.outcome[CR_REJECTED] ? CR_STATUS_REJECTED :
		    CR_STATUS_OK;
		goto committed;
	}
	cr_runcfg_decide(&cfg, m, &n);
	status = n.outcome[CR_REJECTED] ? CR_STATUS_REJECTED : CR_STATUS_OK;

	run_emit_opts(&eo, o, &cfg, &prev);
	eo.run_id = run_id;
	eo.exit_status = cr_cmd_exit_code(status);
	eo.inputs_digest = digest;
	eo.release_arg = &rm;
	nreq = m->nreq;
	if (cfg.key == NULL && n.outcome[CR_RELEASED] != 0)
		cr_err_warn(NULL, 0, "no --token-key: claim tokens are random, and "
		    "a rerun of this run would mint others");
	if ((rc = cr_emit_tokens(m, &eo)) != 0 ||
	    (rc = run_write(rd, m, &eo, cfg.budget)) != 0)
		goto out;
committed:
#ifdef __GLIBC__
	/*
	 * What the run freed goes back to the system before the index is
	 * built: a run in parts ends with its heap at its peak, and the
	 * index of a large run needs tens of MB more.
	 */
	malloc_trim(0);
#endif
	if (hist != NULL && cr_history_update(hist, run_id) != 0)
		cr_err_warn(NULL, 0, "cannot update the history index: %s; the "
		    "next run reads the committed runs instead and rebuilds "
		    "it", cr_history_error(hist));
	if (!o->quiet)
		printf("run %s: %zu requests: %zu released, %zu skipped, "
		    "%zu rejected; %zu products, %zu claim emails\n"
		    "committed: %s/%s\n", run_id, nreq,
		    n.outcome[CR_RELEASED], n.outcome[CR_SKIPPED],
		    n.outcome[CR_REJECTED], n.products,
		    n.outcome[CR_RELEASED], o->out_dir, run_id);
	rc = status;
out:
	cr_history_free(hist);
	cr_rundir_close(rd);
	run_release_model(&rm);
	cr_runcfg_free(&cfg);
	return rc;
}

const struct cr_cmd cr_cmd_run = {
	"run", "--export PATH --manifest PATH --out DIR [options]", run_exec,
	CR_OPTS_RUN | CR_OPT_MEMORY
};
