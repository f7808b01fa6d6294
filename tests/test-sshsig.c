/*
 * test-sshsig.c -- OpenSSH keys and SSHSIG signatures against fixtures
 * made by ssh-keygen (tests/data/sshsig/): a key it wrote parses, the
 * signature we make is byte for byte the one `ssh-keygen -Y sign -n
 * custrelease` made (Ed25519 is deterministic), its signature verifies
 * here, and every malformed, encrypted or other-type input is refused.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sshsig.h"

static char *
slurp(const char *name, size_t *len)
{
	char path[4096];
	const char *top = getenv("top_srcdir");
	FILE *f;
	char *buf = malloc(65536);

	snprintf(path, sizeof path, "%s/tests/data/sshsig/%s",
	    top != NULL ? top : ".", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 65535, f);
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

static void
test_key(void **state)
{
	struct cr_sshkey k;
	size_t len;
	char *t = slurp("ed25519", &len), fpr[CR_SSHKEY_FPR];

	(void)state;
	assert_int_equal(cr_sshkey_parse(t, len, &k), CR_SSHKEY_OK);
	cr_sshkey_fingerprint(k.pub, fpr);
	assert_string_equal(fpr,
	    "SHA256:oiKzgQMiewgTYFa5Sy3gJAWnpRWfRryxFnTqLlDqz44");
	cr_sshkey_wipe(&k);
	free(t);
	t = slurp("ed25519-pass", &len);
	assert_int_equal(cr_sshkey_parse(t, len, &k), CR_SSHKEY_ENCRYPTED);
	free(t);
	t = slurp("ecdsa", &len);
	assert_int_equal(cr_sshkey_parse(t, len, &k), CR_SSHKEY_NOT_ED25519);
	free(t);
	t = slurp("message", &len);
	assert_int_equal(cr_sshkey_parse(t, len, &k), CR_SSHKEY_MALFORMED);
	free(t);
}

/* Every truncation of the key and of the signature is refused. */
static void
test_truncated(void **state)
{
	struct cr_sshkey k;
	struct cr_sshsig s;
	size_t len, i;
	char *t = slurp("ed25519", &len);

	(void)state;
	for (i = 0; i + 40 < len; i++)
		assert_int_not_equal(cr_sshkey_parse(t, i, &k), CR_SSHKEY_OK);
	free(t);
	t = slurp("message.sig", &len);
	for (i = 0; i + 28 < len; i++)
		assert_int_equal(cr_sshsig_parse(t, i, &s), -1);
	free(t);
}

static void
test_sign_like_ssh_keygen(void **state)
{
	struct cr_sshkey k;
	size_t klen, mlen, slen, alen;
	char *key = slurp("ed25519", &klen), *msg = slurp("message", &mlen);
	char *want = slurp("message.sig", &slen), *got;

	(void)state;
	assert_int_equal(cr_sshkey_parse(key, klen, &k), CR_SSHKEY_OK);
	cr_sshsig_sign(&k, "custrelease", msg, mlen, &got, &alen);
	cr_sshkey_wipe(&k);
	assert_int_equal(alen, slen);
	assert_memory_equal(got, want, slen);
	free(got);
	free(key);
	free(msg);
	free(want);
}

static void
test_verify(void **state)
{
	struct cr_sshsig s;
	size_t mlen, slen;
	char *msg = slurp("message", &mlen), *sig = slurp("message.sig", &slen);
	char fpr[CR_SSHKEY_FPR];

	(void)state;
	assert_int_equal(cr_sshsig_parse(sig, slen, &s), 0);
	assert_string_equal(s.ns, "custrelease");
	cr_sshkey_fingerprint(s.pub, fpr);
	assert_string_equal(fpr,
	    "SHA256:oiKzgQMiewgTYFa5Sy3gJAWnpRWfRryxFnTqLlDqz44");
	assert_int_equal(cr_sshsig_verify(&s, "custrelease", msg, mlen), 0);
	assert_int_equal(cr_sshsig_verify(&s, "file", msg, mlen), -1);
	msg[0] ^= 1;	/* one bit of the message */
	assert_int_equal(cr_sshsig_verify(&s, "custrelease", msg, mlen), -1);
	msg[0] ^= 1;
	s.sig[5] ^= 1;	/* one bit of the signature */
	assert_int_equal(cr_sshsig_verify(&s, "custrelease", msg, mlen), -1);
	free(msg);
	free(sig);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_sign_like_ssh_keygen),
		cmocka_unit_test(test_verify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
