/*
 * signkey.h -- the bundle signing key of `run --signing-key FILE`: an
 * unencrypted OpenSSH Ed25519 private key as `ssh-keygen -t ed25519 -N ''`
 * writes it, read once and parsed by sshsig.c.  The file's bytes are wiped
 * as soon as they are parsed; the key itself lives in the caller's struct
 * cr_sshkey, which the caller wipes (cr_sshkey_wipe).  It never prints a
 * byte of the file.
 */
#ifndef CR_SIGNKEY_H
#define CR_SIGNKEY_H

#include "sshsig.h"

/*
 * Load FILE into *k: 0; CR_STATUS_USAGE after a message for a file that is
 * missing, too large, not an OpenSSH key, protected by a passphrase or
 * not Ed25519; CR_STATUS_IO for a read error.
 */
int	cr_signing_key_load(const char *path, struct cr_sshkey *k);

#endif
