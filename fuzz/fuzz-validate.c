/*
 * fuzz-validate.c -- libFuzzer target for the contact validators and the
 * import match (validate.c, iso3166.c, e164.c).
 *
 * Input: NUL-separated fields.  The first 14 fill a struct cr_contact in
 * the order of its members (type, firstname, ... lang), the next 14 a
 * second one (the account of an import match); a field the input does not
 * reach is absent (NULL).  Besides "no crash, no leak", it checks what
 * validate.h promises: one problem per field at most, the count returned
 * equal to the calls made, no raw control byte in a message, symmetric
 * equalities, and cr_email_ascii() succeeding exactly when
 * cr_check_email() accepts, with a printable ASCII result that is itself
 * accepted.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "validate.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NFIELDS	14
static const char *const field_names[NFIELDS] = {
	"type", "firstname", "lastname", "orgname", "email", "streetaddr",
	"streetaddr2", "zip", "city", "state", "country", "phone", "fax",
	"lang"
};

struct problems {
	int		 calls;
	int		 last;		/* index of the last field named */
};

static void
on_problem(void *arg, const char *field, const char *message)
{
	struct problems *pr = arg;
	const unsigned char *p;
	int i;

	FUZZ_ASSERT(field != NULL && message != NULL);
	for (i = 0; i < NFIELDS; i++)
		if (strcmp(field, field_names[i]) == 0)
			break;
	FUZZ_ASSERT(i < NFIELDS);
	/* At most once per field, in the order of the struct. */
	FUZZ_ASSERT(i > pr->last);
	pr->last = i;
	for (p = (const unsigned char *)message; *p != '\0'; p++)
		FUZZ_ASSERT(*p >= 0x20 && *p != 0x7f);
	pr->calls++;
}

static void
contact_fill(struct cr_contact *c, char **f)
{
	c->type = f[0];
	c->firstname = f[1];
	c->lastname = f[2];
	c->orgname = f[3];
	c->email = f[4];
	c->streetaddr = f[5];
	c->streetaddr2 = f[6];
	c->zip = f[7];
	c->city = f[8];
	c->state = f[9];
	c->country = f[10];
	c->phone = f[11];
	c->fax = f[12];
	c->lang = f[13];
}

static void
check_email(const char *e)
{
	const char *why = cr_check_email(e);
	char *a = cr_email_ascii(e);
	const char *p;

	FUZZ_ASSERT((a != NULL) == (why == NULL));
	if (a == NULL)
		return;
	for (p = a; *p != '\0'; p++)
		FUZZ_ASSERT(*p > 0x20 && *p < 0x7f);
	FUZZ_ASSERT(cr_check_email(a) == NULL);
	FUZZ_ASSERT(cr_email_equal(e, a));
	free(a);
}

static void
check_contact(const struct cr_contact *c)
{
	struct problems pr = { 0, -1 };
	int n;

	n = cr_validate_contact(c, on_problem, &pr);
	FUZZ_ASSERT(n == pr.calls);
	FUZZ_ASSERT(cr_validate_contact(c, NULL, NULL) == n);
	(void)cr_check_phone(c->phone);
	(void)cr_check_phone(c->fax);
	(void)cr_check_country(c->country);
	(void)cr_check_state(c->country, c->state);
	(void)cr_check_zip(c->country, c->zip);
	check_email(c->email);
	if (c->country != NULL) {
		(void)cr_iso3166_alpha2_known(c->country);
		(void)cr_e164_cc_assigned(c->country, strlen(c->country));
	}
	if (c->state != NULL)
		(void)cr_iso3166_2_known(c->state);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *f[2 * NFIELDS] = { NULL }, *buf;
	struct cr_contact a = { 0 }, b = { 0 };
	size_t i, n = 0, start = 0;
	int eq;

	fuzz_quiet();
	buf = xmemdup0(data, size);
	for (i = 0; i <= size && n < 2 * NFIELDS; i++) {
		if (i == size || buf[i] == '\0') {
			f[n++] = buf + start;
			start = i + 1;
		}
	}
	contact_fill(&a, f);
	contact_fill(&b, f + NFIELDS);
	check_contact(&a);
	check_contact(&b);

	eq = cr_import_match(&a, &b);
	FUZZ_ASSERT(eq == cr_import_match(&b, &a));
	for (i = 0; i < NFIELDS; i++) {
		eq = cr_match_equal(f[i], f[i + NFIELDS]);
		FUZZ_ASSERT(eq == cr_match_equal(f[i + NFIELDS], f[i]));
		eq = cr_email_equal(f[i], f[i + NFIELDS]);
		FUZZ_ASSERT(eq == cr_email_equal(f[i + NFIELDS], f[i]));
	}
	/* Equality of a value with itself: valid ones only, but no crash. */
	(void)cr_match_equal(a.firstname, a.firstname);
	(void)cr_email_equal(a.email, a.email);
	free(buf);
	return 0;
}
