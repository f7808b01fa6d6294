/*
 * signers.h -- OpenSSH's allowed_signers format (ssh-keygen(1), "ALLOWED
 * SIGNERS"), as `verify --allowed-signers FILE` reads it: one key per
 * line, "principals [options] keytype base64-key [comment]", '#' comments.
 * Options understood: namespaces="..." (patterns with * and ?),
 * valid-after and valid-before (YYYYMMDD[HHMM[SS]], read as UTC, checked
 * against the bundle's run time), and cert-authority, whose lines are
 * skipped (certificates are not supported).  Only ssh-ed25519 keys match.
 *
 * It reads no file and prints nothing: it is handed the text.
 */
#ifndef CR_SIGNERS_H
#define CR_SIGNERS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sshsig.h"

/*
 * Find a line that allows key `pub` to sign in namespace ns at time
 * `when`: 1 (its principals copied into principals[size], truncated), or
 * 0 when no line does.  Malformed lines are skipped, as ssh-keygen does.
 */
int	cr_signers_find(const char *text, size_t len,
	    const uint8_t pub[CR_SSHKEY_PUB], const char *ns, time_t when,
	    char *principals, size_t size);

#endif
