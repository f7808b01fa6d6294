/*
 * token.c -- claim tokens and their digests (see token.h): HMAC-SHA-256,
 * SHA-256 and base64url all come from nettle, random bytes from
 * getrandom(2).
 *
 * It deliberately keeps no state and prints no secret: a key or token
 * never reaches a message, and a key is wiped before it is freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/base64.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>

#include "custrelease.h"
#include "err.h"
#include "token.h"
#include "xmalloc.h"

#define TOKEN_KEY_MAX	(1024 * 1024)	/* bytes: a key file, not a dump */
#define TOKEN_RAW	32		/* bytes behind a token */

/* base64url without padding of 32 bytes: exactly 43 characters. */
static void
token_encode(const uint8_t raw[TOKEN_RAW], char out[CR_TOKEN_LEN + 1])
{
	struct base64_encode_ctx ctx;
	char buf[BASE64_ENCODE_LENGTH(TOKEN_RAW) + BASE64_ENCODE_FINAL_LENGTH];
	size_t n;

	base64url_encode_init(&ctx);
	n = base64_encode_update(&ctx, buf, TOKEN_RAW, raw);
	n += base64_encode_final(&ctx, buf + n);
	while (n > 0 && buf[n - 1] == '=')
		n--;
	/* 32 bytes are 256 bits: 42 full sextets and 4 bits. */
	memcpy(out, buf, CR_TOKEN_LEN);
	out[CR_TOKEN_LEN] = '\0';
}

/*
 * Open the key file, without blocking on a FIFO nobody writes to: its
 * reads then see the end at once, so that a pipe such as <(vault read
 * ...) still works and an idle one does not hold a nightly run.  The fd,
 * or -1 after a message with *rc the exit code.
 */
static int
token_key_open(const char *path, int *rc)
{
	struct stat st;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = errno;
		cr_err_set(path, 0, "cannot read token key: %s", strerror(err));
		/* a wrong path is a usage error, a failing disk is not */
		*rc = err == ENOENT || err == EACCES || err == ENOTDIR ||
		    err == ELOOP || err == ENAMETOOLONG || err == EISDIR ?
		    CR_STATUS_USAGE : CR_STATUS_IO;
		return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
		err = errno;
		close(fd);
		cr_err_set(path, 0, "cannot read token key: %s", strerror(err));
		*rc = CR_STATUS_IO;
		return -1;
	}
	/*
	 * Whoever can replace the key can compute every claim token of the
	 * next run: say so (a readable key is left to operations.md, as
	 * the samples' key is 0644 in a checkout).
	 */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		cr_err_warn(path, 0, "token key is writable by group or others: "
		    "whoever can change it can compute the claim tokens");
	return fd;
}

/* Forget a partly read key. */
static void
token_key_wipe(unsigned char *buf, size_t n)
{
	explicit_bzero(buf, n);
	free(buf);
}

/*
 * Read the whole file (at most TOKEN_KEY_MAX bytes) into *buf, growing
 * it by hand so that no copy of the key is left behind.  0, or an exit
 * code after a message.
 */
static int
token_key_read(const char *path, int fd, unsigned char **bufp, size_t *np,
    size_t *sizep)
{
	unsigned char *buf, *nbuf;
	size_t size = 4096, n = 0;
	ssize_t r;
	int err;

	buf = xmalloc(size);
	for (;;) {
		if (n == size) {
			if (size >= TOKEN_KEY_MAX) {
				token_key_wipe(buf, n);
				cr_err_set(path, 0, "token key file is larger "
				    "than %d bytes", TOKEN_KEY_MAX);
				return CR_STATUS_USAGE;
			}
			nbuf = xmalloc(size * 2);
			memcpy(nbuf, buf, n);
			token_key_wipe(buf, n);
			buf = nbuf;
			size *= 2;
		}
		r = read(fd, buf + n, size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errno;
			token_key_wipe(buf, n);
			cr_err_set(path, 0, "cannot read token key: %s",
			    strerror(err));
			return err == EISDIR ? CR_STATUS_USAGE : CR_STATUS_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*bufp = buf;
	*np = n;
	*sizep = size;
	return 0;
}

int
cr_token_key_load(const char *path, unsigned char **key, size_t *len)
{
	unsigned char *buf;
	size_t n, size;
	int fd, rc;

	*key = NULL;
	*len = 0;
	if ((fd = token_key_open(path, &rc)) < 0)
		return rc;
	rc = token_key_read(path, fd, &buf, &n, &size);
	close(fd);
	if (rc != 0)
		return rc;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n < CR_TOKEN_KEY_MIN) {
		token_key_wipe(buf, size);
		cr_err_set(path, 0, "token key is %zu bytes, at least %d are "
		    "needed (e.g. head -c 32 /dev/urandom | base64 > FILE)",
		    n, CR_TOKEN_KEY_MIN);
		return CR_STATUS_USAGE;
	}
	*key = buf;
	*len = n;
	return 0;
}

void
cr_token_key_free(unsigned char *key, size_t len)
{
	if (key == NULL)
		return;
	explicit_bzero(key, len);
	free(key);
}

void
cr_token_make(const unsigned char *key, size_t keylen,
    const char *request_id, const char *customer_id,
    char out[CR_TOKEN_LEN + 1])
{
	struct hmac_sha256_ctx ctx;
	uint8_t mac[SHA256_DIGEST_SIZE];
	static const uint8_t nul = 0;

	hmac_sha256_set_key(&ctx, keylen, key);
	hmac_sha256_update(&ctx, strlen(request_id),
	    (const uint8_t *)request_id);
	hmac_sha256_update(&ctx, 1, &nul);
	hmac_sha256_update(&ctx, strlen(customer_id),
	    (const uint8_t *)customer_id);
	hmac_sha256_digest(&ctx, sizeof mac, mac);
	token_encode(mac, out);
	explicit_bzero(&ctx, sizeof ctx);
	explicit_bzero(mac, sizeof mac);
}

int
cr_token_random(char out[CR_TOKEN_LEN + 1])
{
	uint8_t raw[TOKEN_RAW];
	size_t n = 0;
	ssize_t r;

	while (n < sizeof raw) {
		r = getrandom(raw + n, sizeof raw - n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cr_err_set(NULL, 0, "getrandom: %s", strerror(errno));
			return CR_STATUS_IO;
		}
		n += (size_t)r;
	}
	token_encode(raw, out);
	explicit_bzero(raw, sizeof raw);
	return 0;
}

void
cr_sha256_hex(const void *p, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	size_t i;

	sha256_init(&ctx);
	sha256_update(&ctx, len, p);
	sha256_digest(&ctx, sizeof d, d);
	for (i = 0; i < sizeof d; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 0xf];
	}
	out[64] = '\0';
}
