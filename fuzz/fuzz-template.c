/*
 * fuzz-template.c -- libFuzzer target for the template parser and
 * renderer (template.c) behind the email writer (email.c).
 *
 * template.h has no parse-from-buffer function, so each input is written
 * as a template directory (en.subject, en.txt and, when present, en.html:
 * the input's first three NUL-separated parts) in a temporary directory
 * made once, and loaded with cr_templates_load().  A template the loader
 * accepts must then render a fixed, valid claim email (every list and
 * condition non-empty) without refusal, into a message that passes
 * fuzz_check_message().  A refusal at load time is fine.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "email.h"
#include "fuzz.h"
#include "outfile.h"
#include "template.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char tmpdir[4096];
static const char *const parts[3] = { "en.subject", "en.txt", "en.html" };

static void
cleanup(void)
{
	char path[4200];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", tmpdir, parts[i]);
		unlink(path);
	}
	rmdir(tmpdir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *t = getenv("TMPDIR");

	/* tmpfs when there is one: ext4 flushes a truncated file on close. */
	if (t == NULL || *t == '\0')
		t = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(tmpdir, sizeof tmpdir, "%s/fuzz-template.XXXXXX", t);
	if (mkdtemp(tmpdir) == NULL) {
		perror("fuzz-template: mkdtemp");
		exit(1);
	}
	atexit(cleanup);
	return 0;
}

static void
put(const char *name, const uint8_t *p, size_t n)
{
	char path[4200];
	ssize_t w;
	int fd;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	/* A new file, not a truncated one: no flush on close (ext4). */
	if (unlink(path) != 0 && errno != ENOENT)
		abort();
	if (p == NULL)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	while (n > 0) {
		w = write(fd, p, n);
		if (w <= 0)
			abort();
		p += w;
		n -= (size_t)w;
	}
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct cr_email_product prod[] = {
		{ "domain", "exemple.fr" }, { "certificate", "www.ex.fr" },
		{ "hosting", "h-1" }, { "mailbox", "a@ex.fr" },
		{ "other", "x" },
	};
	static const struct cr_email_share share[] = {
		{ "exemple.fr", "acme-admin" },
	};
	static const struct cr_email_contact cont[] = {
		{ "exemple.fr", "admin", "ops@acme.example", "z@ex.fr" },
		{ "exemple.fr", "tech", "ops@acme.example", "z@ex.fr" },
		{ "exemple.fr", "bill", "ops@acme.example", "z@ex.fr" },
	};
	struct cr_email m = {
		.run_id = "20261201T020000Z-1a2b", .request_id = "rq-1",
		.customer_id = "c-1001", .firstname = "Zoé & <Ann>",
		.lastname = "O'Brien \"Jr\"", .email = "zoe@exämple.fr",
		.reseller = "ACME Hébergement", .from =
		"ACME <noreply@acme.example>", .claim_url =
		"https://claim.example/c?t=", .token = "abcDEF-_0123456789",
		.run_time = 1796090400, .expires = 1797300000,
		.import_account = "zoe.martin", .change_owner_required = 1,
		.products = prod, .nproducts = 5, .shares = share,
		.nshares = 1, .contacts = cont, .ncontacts = 3,
	};
	const uint8_t *p[3] = { NULL, NULL, NULL };
	size_t n[3] = { 0, 0, 0 }, i, k = 0, start = 0, len;
	struct cr_templates *ts;
	struct cr_outfile *o;
	char *msg;
	int defaulted, rc;

	fuzz_quiet();
	for (i = 0; i <= size && k < 3; i++) {
		if (i == size || data[i] == '\0') {
			p[k] = data + start;
			n[k++] = i - start;
			start = i + 1;
		}
	}
	for (i = 0; i < 3; i++)
		put(parts[i], p[i], n[i]);
	ts = cr_templates_load(tmpdir);
	if (ts == NULL)
		return 0;
	m.lang = cr_templates_resolve(ts, "EN-gb", &defaulted);
	FUZZ_ASSERT(m.lang != NULL && strcmp(m.lang, "en") == 0);
	o = cr_outfile_mem("fuzz.eml");
	rc = cr_email_render(ts, &m, 0, o);
	FUZZ_ASSERT(rc == 0);
	msg = cr_outfile_mem_take(o, &len);
	cr_outfile_discard(o);
	fuzz_check_message(msg, len);
	free(msg);
	/* The same with no lists and no conditions set. */
	m.nproducts = m.nshares = m.ncontacts = 0;
	m.import_account = NULL;
	m.change_owner_required = 0;
	o = cr_outfile_mem("fuzz.eml");
	rc = cr_email_render(ts, &m, 1, o);
	FUZZ_ASSERT(rc == 0);
	msg = cr_outfile_mem_take(o, &len);
	cr_outfile_discard(o);
	fuzz_check_message(msg, len);
	free(msg);
	cr_templates_free(ts);
	return 0;
}
