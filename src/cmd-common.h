/*
 * cmd-common.h -- what `run` and `plan` share: the options that shape a
 * run (time, claim link, templates, token key), checked before anything is
 * decided (a bad one is a usage error, exit 2), and the read stage with
 * its progress line.  Nothing here writes.
 */
#ifndef CR_CMD_COMMON_H
#define CR_CMD_COMMON_H

#include <stddef.h>
#include <time.h>

#include "cmd.h"
#include "model.h"
#include "sshsig.h"

#define CR_DEFAULT_CLAIM_URL	"https://claim.invalid/claim?token="
#define CR_DEFAULT_FROM		"Customer release <no-reply@claim.invalid>"
#define CR_DEFAULT_TTL		14

/*
 * The run times accepted (docs/format.md 4): from 1980-01-01T00:00:00Z, the
 * earliest time a zip entry can hold, to the last second whose claim expiry
 * (run time + TTL days) still has a four-digit year.
 */
#define CR_RUN_TIME_MIN		315532800LL	/* 1980-01-01T00:00:00Z */
#define CR_RUN_TIME_MAX		253402300799LL	/* 9999-12-31T23:59:59Z */

struct cr_templates;
struct cr_rundir;

struct cr_runcfg {
	time_t			 now;
	long			 ttl_days;
	const char		*claim_url;
	const char		*from;
	const char		*bundle_format;
	struct cr_templates	*templates;
	unsigned char		*key;		/* NULL: random tokens */
	size_t			 keylen;
	struct cr_sshkey	 signing_key;	/* --signing-key, if signing */
	int			 signing;
	size_t			 budget;	/* of the model (--memory); 0:
						   none */
};

void	cr_runcfg_free(struct cr_runcfg *);

/*
 * The start of run and plan: no stray operand, the options (usage errors),
 * then the manifest into m (zeroed here).  0 or an exit code; on failure
 * cfg and m are still to be freed by the caller.
 */
int	cr_runcfg_begin(const struct cr_cmd *, const struct cr_options *,
	    struct cr_runcfg *, struct cr_model *);

struct cr_decide_counts;
/* Decide every request of m (languages from cfg's templates) and count. */
void	cr_runcfg_decide(struct cr_runcfg *, struct cr_model *,
	    struct cr_decide_counts *);

/* Read the export into m, with a progress line on a terminal. */
int	cr_runcfg_load_export(const struct cr_options *, struct cr_model *);

/*
 * A manifest that did not fit the budget (whole->over, after its load),
 * decided part by part: fn with each part's decided model (its requests
 * in manifest order; the parts in no order), the counts of all in *n,
 * the number of parts decided in *nparts.
 * The manifest's open file moves out of whole, which is freed (zeroed).
 * 0, fn's non-zero return, or an exit status.
 */
typedef int (*cr_part_fn)(void *arg, struct cr_model *part);
int	cr_runcfg_parts(struct cr_runcfg *, const struct cr_options *,
	    struct cr_model *whole, struct cr_rundir *,
	    struct cr_decide_counts *, size_t *nparts, cr_part_fn, void *);

#endif
