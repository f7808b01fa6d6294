/*
 * conffile.h -- `--config FILE`: the options a nightly job keeps fixed, as
 * `key = value` lines (keys are the long option names).  The command line
 * wins over the file.  It reads no other place and knows no defaults.
 */
#ifndef CR_CONFFILE_H
#define CR_CONFFILE_H

#include "cmd.h"

/*
 * Fill the options still unset in o from FILE, those of `taken` (the
 * command's cr_opt bits) only.  0, or CR_STATUS_USAGE after
 * "custrelease: FILE:LINE: ..." (unknown key, bad line, unreadable file).
 * The strings stay valid until cr_config_free().
 */
int	cr_config_apply(const char *path, unsigned taken,
	    struct cr_options *o);
void	cr_config_free(void);

#endif
