/*
 * fuzz-sshsig.c -- libFuzzer target for the OpenSSH parsers: the private
 * key (cr_sshkey_parse), the armored signature (cr_sshsig_parse), a public
 * key's base64 (cr_sshkey_parse_public) and an allowed_signers text
 * (cr_signers_find).
 *
 * Input: byte 0 chooses the parser (mod 4), the rest is its text.  A
 * parsed key must sign, and its signature must parse and verify; a parsed
 * signature must not verify over a message it was not made for.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "signers.h"
#include "sshsig.h"

static void
fuzz_key(const char *text, size_t len)
{
	struct cr_sshkey k;
	struct cr_sshsig s;
	char *sig;
	size_t slen;

	if (cr_sshkey_parse(text, len, &k) != CR_SSHKEY_OK)
		return;
	cr_sshsig_sign(&k, "custrelease", "m", 1, &sig, &slen);
	FUZZ_ASSERT(cr_sshsig_parse(sig, slen, &s) == 0);
	FUZZ_ASSERT(cr_sshsig_verify(&s, "custrelease", "m", 1) == 0);
	FUZZ_ASSERT(cr_sshsig_verify(&s, "custrelease", "n", 1) != 0);
	free(sig);
	cr_sshkey_wipe(&k);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t pub[CR_SSHKEY_PUB];
	const char *text = (const char *)data + 1;
	struct cr_sshsig s;
	uint8_t k[CR_SSHKEY_PUB];
	char who[64];

	fuzz_quiet();
	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		fuzz_key(text, size - 1);
		break;
	case 1:
		if (cr_sshsig_parse(text, size - 1, &s) == 0)
			FUZZ_ASSERT(strlen(s.ns) < sizeof s.ns);
		break;
	case 2:
		(void)cr_sshkey_parse_public(text, size - 1, k);
		break;
	default:
		if (cr_signers_find(text, size - 1, pub, "custrelease", 0, who,
		    sizeof who))
			FUZZ_ASSERT(strlen(who) < sizeof who);
		break;
	}
	return 0;
}
