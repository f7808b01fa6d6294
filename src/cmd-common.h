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

#define CR_DEFAULT_CLAIM_URL	"https://claim.invalid/claim?token="
#define CR_DEFAULT_FROM		"Customer release <no-reply@claim.invalid>"
#define CR_DEFAULT_TTL		14

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
};

/* 0, or CR_EXIT_USAGE after a message naming the option. */
int	cr_runcfg_init(const struct cr_cmd *, const struct cr_options *,
	    struct cr_runcfg *);
void	cr_runcfg_free(struct cr_runcfg *);

/* Template language of a customer lang (a decide.h resolve_lang). */
const char *cr_runcfg_lang(void *cfg, const char *lang, int *defaulted);

/* Read the export into m, with a progress line on a terminal. */
int	cr_runcfg_load_export(const struct cr_options *, struct cr_model *);

#endif
