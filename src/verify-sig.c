/*
 * verify-sig.c -- the signature of a bag: tagmanifest-sha256.txt.sig, an
 * SSHSIG (namespace "custrelease") over the exact bytes of
 * tagmanifest-sha256.txt, which covers bag-info.txt and both payload
 * manifests.  With an allowed_signers text, the key must be listed there
 * for that namespace at the bundle's run time.  Problems go through
 * cr_verify_problem; the one-line verdict is left in v->signature for the
 * command to print.  It reads no file and knows no record.
 */
#include <stdio.h>
#include <string.h>

#include "bundle.h"
#include "err.h"
#include "rowcheck.h"
#include "signers.h"
#include "sshsig.h"
#include "verify.h"

#define SIG_FILE	"tagmanifest-sha256.txt.sig"

/* The run time of the bag: the time at the start of its run id. */
static time_t
sig_run_time(const struct cr_verify *v)
{
	char iso[24];
	const char *id = v->ext_id;
	time_t t;

	if (id == NULL || strlen(id) < 16)
		return 0;
	snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", id, id + 4,
	    id + 6, id + 9, id + 11, id + 13);
	return cr_parse_time(iso, &t) == 0 ? t : 0;
}

/* A good signature by fpr: listed, or not checked. */
static void
sig_listed(struct cr_verify *v, const struct cr_verify_sig_opts *o,
    const struct cr_sshsig *sig, const char *fpr)
{
	char who[256], q[300];

	if (o->allowed == NULL) {
		snprintf(v->signature, sizeof v->signature, "signed by %s, "
		    "not checked (no --allowed-signers)", fpr);
		return;
	}
	if (cr_signers_find(o->allowed, o->allowed_len, sig->pub,
	    CR_BUNDLE_SIG_NAMESPACE, sig_run_time(v), who, sizeof who)) {
		snprintf(v->signature, sizeof v->signature, "good, by %s (%s)",
		    cr_diag_quote(q, sizeof q, who, strlen(who), 200), fpr);
		return;
	}
	snprintf(v->signature, sizeof v->signature, "signed by %s, a key "
	    "that the allowed signers do not list", fpr);
	cr_verify_problem(v, SIG_FILE, "made by %s, which %s does not allow "
	    "to sign in namespace \"%s\" at the run time", fpr,
	    o->allowed_path, CR_BUNDLE_SIG_NAMESPACE);
}

void
cr_verify_signature(struct cr_verify *v, const struct cr_verify_sig_opts *o)
{
	const struct cr_verify_file *s = cr_verify_find(v, SIG_FILE);
	const struct cr_verify_file *tm = cr_verify_find(v,
	    "tagmanifest-sha256.txt");
	struct cr_sshsig sig;
	char fpr[CR_SSHKEY_FPR];

	if (s == NULL) {
		snprintf(v->signature, sizeof v->signature, "unsigned");
		if (o->require)
			cr_verify_problem(v, SIG_FILE, "missing: the bundle is "
			    "not signed, and a signature is required");
		return;
	}
	if (s->data == NULL || cr_sshsig_parse(s->data, s->len, &sig) != 0) {
		snprintf(v->signature, sizeof v->signature, "unreadable");
		cr_verify_problem(v, SIG_FILE, "not an SSH signature by an "
		    "Ed25519 key with sha512");
		return;
	}
	cr_sshkey_fingerprint(sig.pub, fpr);
	if (tm == NULL || tm->data == NULL ||
	    cr_sshsig_verify(&sig, CR_BUNDLE_SIG_NAMESPACE, tm->data,
	    tm->len) != 0) {
		snprintf(v->signature, sizeof v->signature, "BAD (key %s)",
		    fpr);
		cr_verify_problem(v, SIG_FILE, "does not verify: not a "
		    "signature of tagmanifest-sha256.txt in namespace \"%s\"",
		    CR_BUNDLE_SIG_NAMESPACE);
		return;
	}
	sig_listed(v, o, &sig, fpr);
}
