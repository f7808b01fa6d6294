/*
 * token.h -- claim tokens (docs/format.md 4.1): the HMAC-SHA-256 token of a
 * request under the --token-key key, or 32 random bytes without a key,
 * both written base64url without padding (43 characters), and the hex
 * SHA-256 that customers.csv records in place of the token.
 *
 * Crypto is nettle's; nothing here hand-rolls a hash.  It deliberately
 * prints no token and no key, ever: messages name the key file only.
 */
#ifndef CR_TOKEN_H
#define CR_TOKEN_H

#include <stddef.h>

#define CR_TOKEN_KEY_MIN	32	/* bytes */
#define CR_TOKEN_LEN		43	/* characters, without the NUL */

/*
 * Read the key file: its bytes less ONE trailing newline.  Returns 0 and
 * an allocated key (free it with cr_token_key_free()); CR_STATUS_USAGE
 * after a message when the path is wrong (missing, not readable, a
 * folder) or the file holds fewer than CR_TOKEN_KEY_MIN bytes (or more
 * than 1 MiB); CR_STATUS_IO when reading it failed.
 */
int	cr_token_key_load(const char *path, unsigned char **key, size_t *len);
/* Wipe and free a key from cr_token_key_load().  NULL is a no-op. */
void	cr_token_key_free(unsigned char *key, size_t len);

/*
 * base64url (no padding) of HMAC-SHA-256(key, request_id 0x00
 * customer_id): 43 characters and a NUL.
 */
void	cr_token_make(const unsigned char *key, size_t keylen,
	    const char *request_id, const char *customer_id,
	    char out[CR_TOKEN_LEN + 1]);
/*
 * 32 bytes from getrandom(2), encoded the same way.  Returns 0, or
 * CR_STATUS_IO after a message.
 */
int	cr_token_random(char out[CR_TOKEN_LEN + 1]);

/* Hex SHA-256 of len bytes: 64 lower-case digits and a NUL. */
void	cr_sha256_hex(const void *, size_t, char out[65]);

#endif
