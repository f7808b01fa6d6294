/*
 * fuzz-email.c -- libFuzzer target for the claim email renderer
 * (email.c) with the real templates (template.c, templates/).
 *
 * Input: byte 0 flags (1 redact, 2 change_owner_required, 4 pass the lang
 * field as is instead of through cr_templates_resolve()), byte 1 the
 * number of products (low 3 bits) and shares (bits 3-5), byte 2 the
 * number of contact updates (low 3 bits), bytes 3-10 and 11-18 run_time
 * and expires (int64, little-endian), then NUL-separated fields: run_id,
 * request_id, customer_id, firstname, lastname, email, lang, reseller,
 * from, claim_url, token, import_account, then kind and name per product,
 * name and username per share, name, role, old_email and new_email per
 * contact update.  A field the input does not reach is NULL.
 *
 * A refusal (CR_STATUS_DATA, nothing written) is fine.  On success the
 * message must pass fuzz_check_message(), render to the same bytes a
 * second time, and with redact set not depend on the token at all.
 *
 * The templates come from $CUSTRELEASE_TEMPLATES, else from the directory
 * run.sh compiles in as FUZZ_TEMPLATES_DIR.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custrelease.h"
#include "email.h"
#include "fuzz.h"
#include "outfile.h"
#include "template.h"
#include "xmalloc.h"

#ifndef FUZZ_TEMPLATES_DIR
#define FUZZ_TEMPLATES_DIR	"templates"
#endif

#define HDR		19
#define NFIXED		12
#define MAXITEMS	7

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct cr_templates *templates;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("CUSTRELEASE_TEMPLATES");

	if (dir == NULL || *dir == '\0')
		dir = FUZZ_TEMPLATES_DIR;
	templates = cr_templates_load(dir);
	if (templates == NULL) {
		fprintf(stderr, "fuzz-email: cannot load the templates of "
		    "%s (set CUSTRELEASE_TEMPLATES)\n", dir);
		exit(1);
	}
	return 0;
}

static int64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return (int64_t)v;
}

/* Render m; returns the status, the message (or NULL) in *msg. */
static int
render(const struct cr_email *m, int redact, char **msg, size_t *len)
{
	struct cr_outfile *o = cr_outfile_mem("fuzz.eml");
	int rc;

	rc = cr_email_render(templates, m, redact, o);
	FUZZ_ASSERT(rc == 0 || rc == CR_STATUS_DATA);
	if (rc != 0)
		FUZZ_ASSERT(cr_outfile_bytes(o) == 0);
	*msg = cr_outfile_mem_take(o, len);
	cr_outfile_discard(o);
	if (rc != 0) {
		free(*msg);
		*msg = NULL;
	}
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cr_email_product prod[MAXITEMS];
	struct cr_email_share share[MAXITEMS];
	struct cr_email_contact cont[MAXITEMS];
	const char *f[NFIXED + 4 * 3 * MAXITEMS] = { NULL };
	struct cr_email m;
	char *buf, *msg, *msg2;
	size_t i, n = 0, nf, start, len, len2;
	int rc, rc2, defaulted, redact;

	if (size < HDR)
		return 0;
	fuzz_quiet();
	memset(&m, 0, sizeof m);
	memset(prod, 0, sizeof prod);
	memset(share, 0, sizeof share);
	memset(cont, 0, sizeof cont);
	redact = data[0] & 1;
	m.change_owner_required = (data[0] & 2) != 0;
	m.nproducts = data[1] & 7;
	m.nshares = (data[1] >> 3) & 7;
	m.ncontacts = data[2] & 7;
	m.run_time = (time_t)le64(data + 3);
	m.expires = (time_t)le64(data + 11);
	nf = NFIXED + 2 * m.nproducts + 2 * m.nshares + 4 * m.ncontacts;

	buf = xmemdup0(data + HDR, size - HDR);
	len = size - HDR;
	for (i = start = 0; i <= len && n < nf; i++) {
		if (i == len || buf[i] == '\0') {
			f[n++] = buf + start;
			start = i + 1;
		}
	}
	m.run_id = f[0];
	m.request_id = f[1];
	m.customer_id = f[2];
	m.firstname = f[3];
	m.lastname = f[4];
	m.email = f[5];
	m.lang = f[6];
	m.reseller = f[7];
	m.from = f[8];
	m.claim_url = f[9];
	m.token = f[10];
	m.import_account = f[11];
	n = NFIXED;
	for (i = 0; i < m.nproducts; i++) {
		prod[i].kind = f[n++];
		prod[i].name = f[n++];
	}
	for (i = 0; i < m.nshares; i++) {
		share[i].name = f[n++];
		share[i].username = f[n++];
	}
	for (i = 0; i < m.ncontacts; i++) {
		cont[i].name = f[n++];
		cont[i].role = f[n++];
		cont[i].old_email = f[n++];
		cont[i].new_email = f[n++];
	}
	m.products = prod;
	m.shares = share;
	m.contacts = cont;
	if (!(data[0] & 4)) {
		m.lang = cr_templates_resolve(templates, m.lang, &defaulted);
		FUZZ_ASSERT(m.lang != NULL);
		FUZZ_ASSERT(cr_templates_has(templates, m.lang,
		    CR_TEMPLATE_TEXT));
	}
	if (m.from != NULL)
		(void)cr_email_check_from(m.from);

	rc = render(&m, redact, &msg, &len);
	if (rc == 0) {
		FUZZ_ASSERT(cr_email_check_from(m.from) == 0);
		fuzz_check_message(msg, len);
		/* The same input gives the same bytes. */
		rc2 = render(&m, redact, &msg2, &len2);
		FUZZ_ASSERT(rc2 == 0 && len2 == len &&
		    memcmp(msg, msg2, len) == 0);
		free(msg2);
		if (redact) {
			/* A redacted message owes nothing to the token. */
			m.token = "FuzzOtherToken-_0123456789abcdefghijklmnop";
			rc2 = render(&m, redact, &msg2, &len2);
			FUZZ_ASSERT(rc2 == 0 && len2 == len &&
			    memcmp(msg, msg2, len) == 0);
			free(msg2);
		}
		free(msg);
	}
	free(buf);
	return 0;
}
