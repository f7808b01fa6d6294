/*
 * sshsig.h -- OpenSSH Ed25519 keys and SSHSIG signatures, as ssh-keygen
 * writes and reads them: an unencrypted "openssh-key-v1" private key, and
 * an armored signature (-----BEGIN SSH SIGNATURE-----) over a message,
 * hashed with sha512, in a namespace.  Crypto is nettle's (Ed25519,
 * sha512, sha256, base64); this file only parses and builds the wire
 * formats, every length checked against what is left.
 *
 * It deliberately does not read files, print, or know of bundles; it
 * handles no other key type, no encrypted key and no certificate.
 * Ownership: the caller owns every buffer; *armored from cr_sshsig_sign
 * is malloc'd and the caller frees it.  A struct cr_sshkey holds the
 * private seed: wipe it with cr_sshkey_wipe.
 */
#ifndef CR_SSHSIG_H
#define CR_SSHSIG_H

#include <stddef.h>
#include <stdint.h>

#define CR_SSHKEY_PUB	32
#define CR_SSHSIG_SIG	64
/* "SHA256:" and 43 characters of unpadded base64, and a NUL */
#define CR_SSHKEY_FPR	51

struct cr_sshkey {
	uint8_t	pub[CR_SSHKEY_PUB];
	uint8_t	seed[32];	/* the private half */
};

struct cr_sshsig {
	uint8_t	pub[CR_SSHKEY_PUB];
	char	ns[64];		/* the namespace, NUL-terminated */
	uint8_t	sig[CR_SSHSIG_SIG];
};

/* What parsing a private key found wrong. */
enum cr_sshkey_problem {
	CR_SSHKEY_OK = 0,
	CR_SSHKEY_MALFORMED,	/* not an OpenSSH private key */
	CR_SSHKEY_ENCRYPTED,	/* protected by a passphrase */
	CR_SSHKEY_NOT_ED25519	/* another key type */
};

/* Parse the text of an OpenSSH private key file into *k. */
enum cr_sshkey_problem cr_sshkey_parse(const char *text, size_t len,
	    struct cr_sshkey *k);
void	cr_sshkey_wipe(struct cr_sshkey *k);

/*
 * The public key of the base64 text of an authorized_keys or
 * allowed_signers line (its third field, "AAAAC3NzaC1lZDI1NTE5..."): 0, or
 * -1 when it is not an Ed25519 public key.
 */
int	cr_sshkey_parse_public(const char *b64, size_t len,
	    uint8_t pub[CR_SSHKEY_PUB]);

/* "SHA256:..." as ssh-keygen -l prints it, into fpr[CR_SSHKEY_FPR]. */
void	cr_sshkey_fingerprint(const uint8_t pub[CR_SSHKEY_PUB], char *fpr);

/* Sign msg in namespace ns; *armored (malloc'd, *alen bytes). */
void	cr_sshsig_sign(const struct cr_sshkey *k, const char *ns,
	    const void *msg, size_t len, char **armored, size_t *alen);

/* Parse an armored Ed25519/sha512 signature; 0, or -1 (malformed). */
int	cr_sshsig_parse(const char *text, size_t len, struct cr_sshsig *s);

/* 0 when s is a valid signature of msg in namespace ns, else -1. */
int	cr_sshsig_verify(const struct cr_sshsig *s, const char *ns,
	    const void *msg, size_t len);

#endif
