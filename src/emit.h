/*
 * emit.h -- the write stage of `run`: from a decided model, every output
 * file of docs/format.md 4 into the run directory being built (decisions, ownership,
 * customers, shares, contact updates, summary, input digests, claim
 * emails) and the audit bundle that holds them all.  It does not commit:
 * cmd-run.c renames the directory into place once emit returns 0.
 */
#ifndef CR_EMIT_H
#define CR_EMIT_H

#include <stddef.h>
#include <time.h>

#include "model.h"

struct cr_templates;
struct cr_sshkey;

struct cr_emit_opts {
	const char		*run_id;
	time_t			 run_time;
	long			 ttl_days;
	const char		*claim_url;
	const char		*from;
	const char		*bundle_format;	/* "tar.gz" or "zip" */
	const struct cr_templates *templates;
	const unsigned char	*key;		/* NULL: random tokens */
	size_t			 keylen;
	const struct cr_sshkey	*signing_key;	/* NULL: unsigned bundle */
	const char		*prev_run_id;	/* "": the first in OUT */
	const char		*prev_tagmanifest_sha256; /* "": unknown */
	int			 strict;
	int			 exit_status;	/* recorded in summary.json */
	const char		*inputs_digest;	/* of manifest and export */
	/*
	 * Called at most once (when not NULL) after the records are written
	 * and what the claim emails need is copied out of the model
	 * (mailer.h), and before the emails and the bundle, which read only
	 * that copy and files: the caller may free the model there, so that
	 * the model and the bundle's working set are never in memory
	 * together.  Ownership: the model stays the caller's throughout;
	 * cr_emit_run() never frees it and does not touch it after the call
	 * (nor after an error), so the caller frees it exactly once, here or
	 * after cr_emit_run() returns, and must remember which.
	 */
	void			(*release)(void *arg);
	void			*release_arg;
};

/*
 * Mint the claim tokens of the released requests (never printed).
 * 0, or an exit code.
 */
int	cr_emit_tokens(struct cr_model *, const struct cr_emit_opts *);

/*
 * Write everything into the directory dirfd (the run being built; its
 * emails/ subdirectory is emails_fd).  display is the directory's name
 * for messages.  0, or a status after a message.  The customers'
 * copies of the claim emails are written by a second thread while the
 * bundle is made (mailer.h); it is joined before cr_emit_run() returns.
 */
int	cr_emit_run(struct cr_model *, const struct cr_emit_opts *,
	    int dirfd, int emails_fd, const char *display);

/*
 * The same, for a manifest decided in parts (cmd-common.c): begin with
 * the whole model that passed its budget, before it is freed (the
 * manifest's copy and the inputs' digests are written from it; *rc gets
 * 0 or a status), add each decided part (its tokens are minted and its
 * emails written), end with the counts of all and the status so far:
 * the tables from external sorts under $TMPDIR, the summary, the bundle.
 * end frees what begin returned, whatever rc; it returns the status.
 */
struct cr_emit_parts;
struct cr_decide_counts;
struct cr_emit_parts *cr_emit_parts_begin(struct cr_model *whole,
	    const struct cr_emit_opts *, int dirfd, int emails_fd,
	    const char *display, int *rc);
int	cr_emit_parts_add(struct cr_emit_parts *, struct cr_model *);
int	cr_emit_parts_end(struct cr_emit_parts *,
	    const struct cr_decide_counts *, int rc);

/* The digest that identifies a run's inputs (manifest and export). */
void	cr_emit_inputs_digest(const struct cr_model *, char out[65]);

#endif
