/*
 * cmd-verify.c -- `custrelease verify BUNDLE`: check an audit bundle
 * offline.  It orchestrates: the bundle is read (verify-read.c), then the
 * bag is checked (verify-bag.c: RFC 8493), then the records' consistency
 * (verify-records.c), the signature (verify-sig.c), with --export the
 * replay (verify-replay.c), with --chain the links (verify-chain.c).
 *
 * Every problem goes to stderr as "custrelease: BUNDLE: FILE: problem";
 * stdout gets one last line, "verify: OK" or "verify: N problems".  Exit
 * 0 intact, 1 problems, 65 not a bundle (not an archive, no bagit.txt),
 * 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bag.h"
#include "bundle-format.h"
#include "cmd.h"
#include "custrelease.h"
#include "diag.h"
#include "hash.h"
#include "rundir.h"
#include "verify.h"
#include "xmalloc.h"

#define VERIFY_SIGNERS_MAX	(1024 * 1024)	/* an allowed_signers file */

/*
 * The --allowed-signers file, whole (at most VERIFY_SIGNERS_MAX): 0, or an
 * exit code after a message.
 */
static int
verify_read_signers(const char *path, struct cr_verify_sig_opts *so)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;
	int err = errno;

	so->allowed_path = path;
	if (f == NULL) {
		cr_err_set(path, 0, "cannot read allowed signers: %s",
		    strerror(err));
		return CR_STATUS_USAGE;
	}
	buf = xmalloc(VERIFY_SIGNERS_MAX + 1);
	n = fread(buf, 1, VERIFY_SIGNERS_MAX + 1, f);
	err = ferror(f) ? errno : 0;
	fclose(f);
	if (err != 0 || n > VERIFY_SIGNERS_MAX) {
		cr_err_set(path, 0, "cannot read allowed signers: %s", err != 0 ?
		    strerror(err) : "larger than 1 MiB");
		free(buf);
		return err == EISDIR ? CR_STATUS_USAGE : err != 0 ?
		    CR_STATUS_IO : CR_STATUS_USAGE;
	}
	so->allowed = buf;
	so->allowed_len = n;
	return 0;
}

/* The --allowed-signers file and --require-signature: 0 or an exit code. */
static int
verify_sig_opts(const struct cr_options *o, struct cr_verify_sig_opts *so)
{
	memset(so, 0, sizeof *so);
	so->require = o->require_signature;
	if (o->allowed_signers != NULL)
		return verify_read_signers(o->allowed_signers, so);
	return 0;
}

/*
 * One bundle, every check: its problems on stderr, then on stdout its
 * signature line and its verdict ("BUNDLE: " before both in a chain).
 * CR_STATUS_OK, CR_STATUS_REJECTED (problems), or CR_STATUS_DATA /
 * CR_STATUS_IO after a message;
 * *link filled when not NULL.
 */
static int
verify_one(const char *bundle, const struct cr_verify_sig_opts *so,
    const struct cr_verify_replay *rp, struct cr_verify_link *link)
{
	const char *pre = link != NULL ? bundle : "", *sep = link ? ": " : "";
	struct cr_verify v;
	char *top = NULL;
	int rc;

	memset(&v, 0, sizeof v);
	v.bundle = bundle;
	v.files = cr_map_new();
	v.listed = cr_map_new();
	rc = cr_verify_read(&v, &top);
	if (rc == 0 && (top == NULL || cr_verify_find(&v, "bagit.txt") ==
	    NULL)) {
		cr_err_set(v.bundle, 0, "not an audit bundle: no bagit.txt in "
		    "a top directory");
		rc = CR_STATUS_DATA;
	}
	if (rc == 0) {
		cr_verify_bag(&v, top);
		cr_verify_records(&v);
		cr_verify_signature(&v, so);
		if (rp != NULL)
			rc = cr_verify_replay(&v, rp);
		if (link != NULL)
			*link = v.link;
		if (v.problems > CR_VERIFY_SHOWN_MAX)
			cr_err_note("%s: %lu more problems not shown", v.bundle,
			    v.problems - CR_VERIFY_SHOWN_MAX);
		printf("%s%ssignature: %s\n", pre, sep, v.signature);
		if (rp != NULL && rc == 0)
			printf("%s%sreplay: %s; %s\n", pre, sep, v.replay,
			    v.problems == 0 ? "the export gives them" :
			    "see the problems");
		if (v.problems == 0)
			printf("%s%sverify: OK\n", pre, sep);
		else
			printf("%s%sverify: %lu problem%s\n", pre, sep,
			    v.problems, v.problems == 1 ? "" : "s");
		if (rc == 0)
			rc = v.problems == 0 ? CR_STATUS_OK : CR_STATUS_REJECTED;
	}
	cr_verify_free(&v, top);
	return rc;
}

struct verify_list {
	char		**path;
	char		**run_id;	/* from OUT: the run directory's id */
	size_t		  n;
	const char	 *out;
};

static int
verify_list_run(void *arg, const char *run_id)
{
	const struct cr_bundle_format *bf;
	struct verify_list *l = arg;
	struct stat st;
	char *p = NULL;
	size_t i;

	/* the run's bundle, in whichever format it was written */
	for (i = 0; p == NULL && (bf = cr_bundle_format_at(i)) != NULL; i++) {
		xasprintf(&p, "%s/%s/audit-%s.%s", l->out, run_id, run_id,
		    bf->name);
		if (stat(p, &st) != 0) {
			free(p);
			p = NULL;
		}
	}
	if (p == NULL)	/* none: named in the default format's problem */
		xasprintf(&p, "%s/%s/audit-%s.%s", l->out, run_id, run_id,
		    cr_bundle_format_at(0)->name);
	l->path = xreallocarray(l->path, l->n + 1, sizeof *l->path);
	l->run_id = xreallocarray(l->run_id, l->n + 1, sizeof *l->run_id);
	l->run_id[l->n] = xstrdup(run_id);
	l->path[l->n++] = p;
	return 0;
}

/* The bundles of --chain: the operands, or each committed run of OUT. */
static int
verify_chain_list(const struct cr_options *o, struct verify_list *l)
{
	struct cr_rundir *rd;
	struct stat st;
	char *bagit;
	int i, is_out, rc;

	memset(l, 0, sizeof *l);
	xasprintf(&bagit, "%s/bagit.txt", o->argv[0]);
	is_out = o->argc == 1 && stat(o->argv[0], &st) == 0 &&
	    S_ISDIR(st.st_mode) && stat(bagit, &st) != 0;
	free(bagit);
	if (!is_out) {
		for (i = 0; i < o->argc; i++) {
			l->path = xreallocarray(l->path, l->n + 1,
			    sizeof *l->path);
			l->path[l->n++] = xstrdup(o->argv[i]);
		}
		return 0;
	}
	l->out = o->argv[0];
	if ((rc = cr_rundir_lock(o->argv[0], 0, &rd)) != 0)
		return rc;
	rc = cr_rundir_foreach_run(rd, verify_list_run, l);
	cr_rundir_close(rd);
	return rc;
}

static void
verify_chain_problem(void *arg, const char *run_id, const char *msg)
{
	(void)arg;
	cr_err_note("chain: %s: %s", run_id, msg);
}

/* verify --chain: every bundle, then the links between them. */
static int
verify_chain(const struct cr_options *o, const struct cr_verify_sig_opts *so)
{
	struct verify_list l;
	struct cr_verify_link *links;
	unsigned long problems = 0;
	size_t i, n = 0;
	int rc;

	if ((rc = verify_chain_list(o, &l)) != 0)
		return rc;
	links = xcalloc(l.n + 1, sizeof *links);
	for (i = 0; i < l.n; i++) {
		rc = verify_one(l.path[i], so, NULL, &links[n]);
		if ((rc == CR_STATUS_OK || rc == CR_STATUS_REJECTED) &&
		    l.run_id != NULL && strcmp(links[n].run_id,
		    l.run_id[i]) != 0) {
			cr_err_note("chain: %s: the bundle of run %s holds run %s",
			    l.run_id[i], l.run_id[i], links[n].run_id);
			problems++;
		}
		if (rc == CR_STATUS_OK || rc == CR_STATUS_REJECTED)
			n++;
		problems += rc != CR_STATUS_OK;
	}
	problems += cr_verify_chain(links, n, verify_chain_problem, NULL);
	if (l.n == 0)
		problems++, cr_err_note("chain: no bundle to check");
	else if (n > 0)
		printf("chain: %zu run%s, %s .. %s%s%s%s\n", n, n == 1 ? "" :
		    "s", links[0].run_id, links[n - 1].run_id,
		    links[0].prev[0] ? " (the first follows " : "",
		    links[0].prev, links[0].prev[0] ? ", not given)" : "");
	if (problems == 0)
		printf("verify: OK\n");
	else
		printf("verify: %lu problem%s\n", problems,
		    problems == 1 ? "" : "s");
	for (i = 0; i < l.n; i++) {
		free(l.path[i]);
		if (l.run_id != NULL)
			free(l.run_id[i]);
	}
	free(l.path);
	free(l.run_id);
	free(links);
	return problems == 0 ? CR_STATUS_OK : CR_STATUS_REJECTED;
}

static int
verify_exec(const struct cr_options *o)
{
	struct cr_verify_sig_opts so;
	struct cr_verify_replay rp;
	int rc;

	if (o->argc == 0 || (o->argc > 1 && !o->chain))
		return cr_cmd_usage_error(&cr_cmd_verify, o->argc == 0 ?
		    "verify needs the bundle to check" :
		    "verify takes one bundle (several with --chain)");
	if ((rc = verify_sig_opts(o, &so)) != 0)
		return rc;
	memset(&rp, 0, sizeof rp);
	rp.export_path = o->export_path;
	rp.token_key = o->token_key;
	rp.templates = o->templates;
	if (o->chain && o->export_path != NULL) {
		free((char *)so.allowed);
		return cr_cmd_usage_error(&cr_cmd_verify, "--export replays "
		    "one bundle, not a --chain");
	}
	if (o->export_path == NULL && (o->token_key || o->templates)) {
		free((char *)so.allowed);
		return cr_cmd_usage_error(&cr_cmd_verify, "--token-key and "
		    "--templates go with --export");
	}
	rc = o->chain ? verify_chain(o, &so) : verify_one(o->argv[0], &so,
	    o->export_path != NULL ? &rp : NULL, NULL);
	if (fflush(stdout) != 0) {
		cr_err_set("stdout", 0, "write error: %s", strerror(errno));
		rc = CR_STATUS_IO;
	}
	free((char *)so.allowed);
	return rc;
}

const struct cr_cmd cr_cmd_verify = {
	"verify", "[--allowed-signers FILE] [--require-signature] BUNDLE\n"
	"       custrelease verify --chain [--allowed-signers FILE] "
	"[--require-signature] BUNDLE... | OUT\n"
	"       custrelease verify --export PATH [--token-key FILE] "
	"[--templates DIR] BUNDLE",
	verify_exec,
	CR_OPT_ALLOWED_SIGNERS | CR_OPT_REQUIRE_SIGNATURE | CR_OPT_CHAIN |
	    CR_OPT_EXPORT | CR_OPT_TOKEN_KEY | CR_OPT_TEMPLATES
};
