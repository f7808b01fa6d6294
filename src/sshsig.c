/*
 * sshsig.c -- OpenSSH Ed25519 private keys and SSHSIG signatures, the
 * wire formats only (nettle does the crypto); see sshsig.h.
 *
 * Every field is read through struct rd, which refuses a length longer
 * than what is left; the decoded key is wiped before returning.  It
 * deliberately does not read files or print.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <nettle/base64.h>
#include <nettle/eddsa.h>
#include <nettle/sha2.h>

#include "sshsig.h"
#include "xmalloc.h"

#define KEY_BEGIN	"-----BEGIN OPENSSH PRIVATE KEY-----"
#define KEY_END		"-----END OPENSSH PRIVATE KEY-----"
#define SIG_BEGIN	"-----BEGIN SSH SIGNATURE-----"
#define SIG_END		"-----END SSH SIGNATURE-----"
#define KEY_MAGIC	"openssh-key-v1"	/* and its NUL */
#define SIG_MAGIC	"SSHSIG"		/* 6 bytes, no NUL */
#define ED25519		"ssh-ed25519"
#define HASHALG		"sha512"
#define ARMOR_COLS	70
#define BLOB_MAX	512	/* a signature blob: about 200 bytes */
#define ARMOR_MAX	16384	/* a key file: about 400 bytes */

/* --- reading, every length checked ------------------------------------- */
struct rd {
	const uint8_t	*p;
	size_t		 n;
};

static int
rd_bytes(struct rd *r, size_t len, const uint8_t **out)
{
	if (len > r->n)
		return -1;
	*out = r->p;
	r->p += len;
	r->n -= len;
	return 0;
}

static int
rd_u32(struct rd *r, uint32_t *v)
{
	const uint8_t *b;

	if (rd_bytes(r, 4, &b) != 0)
		return -1;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	return 0;
}

static int
rd_string(struct rd *r, struct rd *s)
{
	uint32_t len;

	if (rd_u32(r, &len) != 0 || rd_bytes(r, len, &s->p) != 0)
		return -1;
	s->n = len;
	return 0;
}

static int
rd_is(const struct rd *s, const char *want)
{
	return s->n == strlen(want) && memcmp(s->p, want, s->n) == 0;
}

/* A string of exactly len bytes into out. */
static int
rd_fixed(struct rd *r, size_t len, uint8_t *out)
{
	struct rd s;

	if (rd_string(r, &s) != 0 || s.n != len)
		return -1;
	memcpy(out, s.p, len);
	return 0;
}

/* --- writing into a bounded buffer ------------------------------------- */
struct wr {
	uint8_t	 b[BLOB_MAX];
	size_t	 n;
};

static void
wr_raw(struct wr *w, const void *p, size_t len)
{
	if (len > sizeof w->b - w->n)
		abort();	/* the callers' sizes are fixed: a bug */
	memcpy(w->b + w->n, p, len);
	w->n += len;
}

static void
wr_string(struct wr *w, const void *p, size_t len)
{
	uint8_t l[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16),
	    (uint8_t)(len >> 8), (uint8_t)len };

	wr_raw(w, l, 4);
	wr_raw(w, p, len);
}

static void
wr_str(struct wr *w, const char *s)
{
	wr_string(w, s, strlen(s));
}

/* --- armor --------------------------------------------------------------- */

/*
 * The base64 between the lines begin and end of text, decoded into a
 * malloc'd *out; 0 or -1.
 */
static int
armor_decode(const char *text, size_t len, const char *begin,
    const char *end, uint8_t **out, size_t *outlen)
{
	struct base64_decode_ctx ctx;
	const char *b, *e, *t = text;
	size_t bl = strlen(begin), n;

	if (len > ARMOR_MAX || len < bl || memcmp(t, begin, bl) != 0 ||
	    memchr(t, '\0', len) != NULL)
		return -1;
	b = t + bl;
	for (e = b; (size_t)(e - t) + strlen(end) <= len; e++)
		if (e[-1] == '\n' && memcmp(e, end, strlen(end)) == 0)
			break;
	if ((size_t)(e - t) + strlen(end) > len)
		return -1;
	*out = xmalloc(BASE64_DECODE_LENGTH((size_t)(e - b)) + 1);
	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &n, *out, (size_t)(e - b), b) ||
	    !base64_decode_final(&ctx)) {
		free(*out);
		*out = NULL;
		return -1;
	}
	*outlen = n;
	return 0;
}

static void
armor_encode(const uint8_t *blob, size_t len, char **out, size_t *outlen)
{
	size_t b64 = BASE64_ENCODE_RAW_LENGTH(len), i, o;
	char *enc = xmalloc(b64 + 1), *a;

	base64_encode_raw(enc, len, blob);
	a = xmalloc(sizeof SIG_BEGIN + sizeof SIG_END + b64 + b64 / ARMOR_COLS
	    + 4);
	o = 0;
	memcpy(a, SIG_BEGIN "\n", sizeof SIG_BEGIN);
	o += sizeof SIG_BEGIN;
	for (i = 0; i < b64; i += ARMOR_COLS) {
		size_t l = b64 - i < ARMOR_COLS ? b64 - i : ARMOR_COLS;

		memcpy(a + o, enc + i, l);
		o += l;
		a[o++] = '\n';
	}
	memcpy(a + o, SIG_END "\n", sizeof SIG_END);
	o += sizeof SIG_END;
	free(enc);
	*out = a;
	*outlen = o;
}

/* --- keys ------------------------------------------------------------------ */

/* The public key blob: string "ssh-ed25519", string pub[32]. */
static int
pubblob_parse(struct rd *blob, uint8_t *pub, int *other_type)
{
	struct rd type;

	if (rd_string(blob, &type) != 0)
		return -1;
	if (!rd_is(&type, ED25519)) {
		*other_type = 1;
		return -1;
	}
	if (rd_fixed(blob, CR_SSHKEY_PUB, pub) != 0 || blob->n != 0)
		return -1;
	return 0;
}

static void
pubblob_write(struct wr *w, const uint8_t *pub)
{
	struct wr b = { .n = 0 };

	wr_str(&b, ED25519);
	wr_string(&b, pub, CR_SSHKEY_PUB);
	wr_string(w, b.b, b.n);
}

/*
 * The private section: check1 == check2, "ssh-ed25519", the public key
 * again, seed||pub (64 bytes), a comment, padding 1, 2, 3...
 */
static enum cr_sshkey_problem
privsect_parse(struct rd *r, struct cr_sshkey *k)
{
	struct rd type, comment;
	uint8_t both[64], derived[CR_SSHKEY_PUB], pub[CR_SSHKEY_PUB];
	uint32_t c1, c2;
	size_t i;
	enum cr_sshkey_problem p = CR_SSHKEY_MALFORMED;

	if (rd_u32(r, &c1) != 0 || rd_u32(r, &c2) != 0 || c1 != c2)
		return CR_SSHKEY_MALFORMED;
	if (rd_string(r, &type) != 0)
		return CR_SSHKEY_MALFORMED;
	if (!rd_is(&type, ED25519))
		return CR_SSHKEY_NOT_ED25519;
	if (rd_fixed(r, CR_SSHKEY_PUB, pub) != 0 ||
	    rd_fixed(r, sizeof both, both) != 0 ||
	    rd_string(r, &comment) != 0 || r->n >= 8)
		goto out;
	for (i = 0; i < r->n; i++)
		if (r->p[i] != i + 1)
			goto out;
	ed25519_sha512_public_key(derived, both);
	if (memcmp(pub, k->pub, CR_SSHKEY_PUB) != 0 ||
	    memcmp(both + 32, pub, CR_SSHKEY_PUB) != 0 ||
	    memcmp(derived, pub, CR_SSHKEY_PUB) != 0)
		goto out;
	memcpy(k->seed, both, sizeof k->seed);
	p = CR_SSHKEY_OK;
out:
	explicit_bzero(both, sizeof both);
	return p;
}

static enum cr_sshkey_problem
key_blob_parse(struct rd *r, struct cr_sshkey *k)
{
	struct rd cipher, kdf, kdfopts, pub, priv;
	const uint8_t *magic;
	uint32_t nkeys;
	int other = 0;

	if (rd_bytes(r, sizeof KEY_MAGIC, &magic) != 0 ||
	    memcmp(magic, KEY_MAGIC, sizeof KEY_MAGIC) != 0 ||
	    rd_string(r, &cipher) != 0 || rd_string(r, &kdf) != 0 ||
	    rd_string(r, &kdfopts) != 0)
		return CR_SSHKEY_MALFORMED;
	if (!rd_is(&cipher, "none") || !rd_is(&kdf, "none"))
		return CR_SSHKEY_ENCRYPTED;
	if (kdfopts.n != 0 || rd_u32(r, &nkeys) != 0 || nkeys != 1 ||
	    rd_string(r, &pub) != 0)
		return CR_SSHKEY_MALFORMED;
	if (pubblob_parse(&pub, k->pub, &other) != 0)
		return other ? CR_SSHKEY_NOT_ED25519 : CR_SSHKEY_MALFORMED;
	if (rd_string(r, &priv) != 0 || r->n != 0 || priv.n % 8 != 0)
		return CR_SSHKEY_MALFORMED;
	return privsect_parse(&priv, k);
}

enum cr_sshkey_problem
cr_sshkey_parse(const char *text, size_t len, struct cr_sshkey *k)
{
	enum cr_sshkey_problem p;
	struct rd r;
	uint8_t *blob;
	size_t n;

	memset(k, 0, sizeof *k);
	if (armor_decode(text, len, KEY_BEGIN, KEY_END, &blob, &n) != 0)
		return CR_SSHKEY_MALFORMED;
	r.p = blob;
	r.n = n;
	p = key_blob_parse(&r, k);
	explicit_bzero(blob, n);
	free(blob);
	if (p != CR_SSHKEY_OK)
		cr_sshkey_wipe(k);
	return p;
}

void
cr_sshkey_wipe(struct cr_sshkey *k)
{
	explicit_bzero(k, sizeof *k);
}

void
cr_sshkey_fingerprint(const uint8_t pub[CR_SSHKEY_PUB], char *fpr)
{
	struct sha256_ctx c;
	struct wr b = { .n = 0 };
	uint8_t d[SHA256_DIGEST_SIZE];
	char enc[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE) + 1];
	size_t n = BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE);

	wr_str(&b, ED25519);
	wr_string(&b, pub, CR_SSHKEY_PUB);
	sha256_init(&c);
	sha256_update(&c, b.n, b.b);
	sha256_digest(&c, sizeof d, d);
	base64_encode_raw(enc, sizeof d, d);
	while (n > 0 && enc[n - 1] == '=')
		n--;
	memcpy(fpr, "SHA256:", 7);
	memcpy(fpr + 7, enc, n);
	fpr[7 + n] = '\0';
}

/* --- signatures ------------------------------------------------------------ */

/* What Ed25519 signs: the magic, namespace, reserved, hash, H(msg). */
static void
signed_data(struct wr *w, const char *ns, const void *msg, size_t len)
{
	struct sha512_ctx c;
	uint8_t h[SHA512_DIGEST_SIZE];

	sha512_init(&c);
	sha512_update(&c, len, msg);
	sha512_digest(&c, sizeof h, h);
	wr_raw(w, SIG_MAGIC, 6);
	wr_str(w, ns);
	wr_string(w, "", 0);
	wr_str(w, HASHALG);
	wr_string(w, h, sizeof h);
}

void
cr_sshsig_sign(const struct cr_sshkey *k, const char *ns, const void *msg,
    size_t len, char **armored, size_t *alen)
{
	struct wr d = { .n = 0 }, sig = { .n = 0 }, blob = { .n = 0 };
	uint8_t s[CR_SSHSIG_SIG];
	static const uint8_t version[4] = { 0, 0, 0, 1 };

	signed_data(&d, ns, msg, len);
	ed25519_sha512_sign(k->pub, k->seed, d.n, d.b, s);
	wr_str(&sig, ED25519);
	wr_string(&sig, s, sizeof s);
	wr_raw(&blob, SIG_MAGIC, 6);
	wr_raw(&blob, version, 4);
	pubblob_write(&blob, k->pub);
	wr_str(&blob, ns);
	wr_string(&blob, "", 0);
	wr_str(&blob, HASHALG);
	wr_string(&blob, sig.b, sig.n);
	armor_encode(blob.b, blob.n, armored, alen);
}

static int
sig_blob_parse(struct rd *r, struct cr_sshsig *s)
{
	struct rd pub, ns, reserved, hash, sig, type;
	const uint8_t *magic;
	uint32_t version;
	int other = 0;

	if (rd_bytes(r, 6, &magic) != 0 || memcmp(magic, SIG_MAGIC, 6) != 0 ||
	    rd_u32(r, &version) != 0 || version != 1 ||
	    rd_string(r, &pub) != 0 || pubblob_parse(&pub, s->pub, &other) ||
	    rd_string(r, &ns) != 0 || ns.n == 0 || ns.n >= sizeof s->ns ||
	    memchr(ns.p, '\0', ns.n) != NULL ||
	    rd_string(r, &reserved) != 0 || rd_string(r, &hash) != 0 ||
	    !rd_is(&hash, HASHALG) || rd_string(r, &sig) != 0 || r->n != 0)
		return -1;
	if (rd_string(&sig, &type) != 0 || !rd_is(&type, ED25519) ||
	    rd_fixed(&sig, CR_SSHSIG_SIG, s->sig) != 0 || sig.n != 0)
		return -1;
	memcpy(s->ns, ns.p, ns.n);
	s->ns[ns.n] = '\0';
	return 0;
}

int
cr_sshsig_parse(const char *text, size_t len, struct cr_sshsig *s)
{
	struct rd r;
	uint8_t *blob;
	size_t n;
	int rc;

	memset(s, 0, sizeof *s);
	if (armor_decode(text, len, SIG_BEGIN, SIG_END, &blob, &n) != 0)
		return -1;
	r.p = blob;
	r.n = n;
	rc = sig_blob_parse(&r, s);
	free(blob);
	return rc;
}

int
cr_sshsig_verify(const struct cr_sshsig *s, const char *ns, const void *msg,
    size_t len)
{
	struct wr d = { .n = 0 };

	if (strcmp(s->ns, ns) != 0)
		return -1;
	signed_data(&d, ns, msg, len);
	return ed25519_sha512_verify(s->pub, d.n, d.b, s->sig) ? 0 : -1;
}

int
cr_sshkey_parse_public(const char *b64, size_t len, uint8_t pub[CR_SSHKEY_PUB])
{
	struct base64_decode_ctx ctx;
	uint8_t blob[BLOB_MAX];
	struct rd r;
	size_t n;
	int other = 0;

	if (len == 0 || len > BASE64_ENCODE_LENGTH(BLOB_MAX) ||
	    BASE64_DECODE_LENGTH(len) > sizeof blob)
		return -1;
	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &n, blob, len, b64) ||
	    !base64_decode_final(&ctx))
		return -1;
	r.p = blob;
	r.n = n;
	return pubblob_parse(&r, pub, &other);
}
