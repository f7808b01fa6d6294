/*
 * decide-world.c -- the fixture of test-decide-load.c (see
 * decide-world.h): the temporary folder, writing and loading one case,
 * deciding it with a language resolver that knows en, fr and es only,
 * and the helpers the tests assert with.
 */
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "decide.h"
#include "diag.h"
#include "export.h"
#include "hash.h"
#include "model.h"
#include "rundir.h"

#include "decide-world.h"

static char tmproot[200];
static int ncase;
int lang_calls;

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
group_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(tmproot, sizeof tmproot, "%s/test-decide-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	return mkdtemp(tmproot) == NULL ? -1 : 0;
}

int
group_teardown(void **state)
{
	(void)state;
	return nftw(tmproot, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
put_file(const char *dir, const char *name, const char *head,
    const char *body)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(head, f);
	fputs(body, f);
	assert_int_equal(fclose(f), 0);
}

static void
put_parts(const char *dir, const char *name, const char *const *parts)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	while (*parts != NULL)
		fputs(*parts++, f);
	assert_int_equal(fclose(f), 0);
}

/* docs/format.md 3 "lang" with templates for en, fr and es only. */
static const char *
test_lang(void *arg, const char *lang, int *defaulted)
{
	static const char *const known[] = { "en", "fr", "es" };
	char buf[16];
	size_t b = 0, e, n = 0, i;

	(*(int *)arg)++;
	*defaulted = 0;
	if (lang == NULL)
		return "en";
	e = strlen(lang);
	while (b < e && (lang[b] == ' ' || lang[b] == '\t'))
		b++;
	while (e > b && (lang[e - 1] == ' ' || lang[e - 1] == '\t'))
		e--;
	if (b == e)
		return "en";
	while (b + n < e && n < sizeof buf - 1 && lang[b + n] != '-') {
		buf[n] = lang[b + n];
		if (buf[n] >= 'A' && buf[n] <= 'Z')
			buf[n] = (char)(buf[n] - 'A' + 'a');
		n++;
	}
	buf[n] = '\0';
	for (i = 0; i < 3; i++) {
		if (strcmp(buf, known[i]) == 0)
			return known[i];
	}
	*defaulted = 1;
	return "en";
}

/* Write the case to disk, load it and decide it. */
void
load(struct world *w, const struct tables *t)
{
	struct cr_decide_opts o;
	struct cr_export *e;
	struct cr_rundir *rd;
	char path[512];
	FILE *diag;

	memset(w, 0, sizeof *w);
	snprintf(w->dir, sizeof w->dir, "%s/case-%d", tmproot, ++ncase);
	assert_int_equal(mkdir(w->dir, 0700), 0);
	diag = open_memstream(&w->diag, &w->diaglen);
	assert_non_null(diag);
	cr_diag_set_stream(diag);

	put_file(w->dir, "manifest.csv", H_MAN, t->manifest);
	snprintf(path, sizeof path, "%s/manifest.csv", w->dir);
	assert_int_equal(cr_model_load_manifest(&w->m, path), 0);
	if (t->history != NULL) {
		snprintf(path, sizeof path, "%s/out", w->dir);
		assert_int_equal(mkdir(path, 0700), 0);
		snprintf(path, sizeof path, "%s/out/20261201T020000Z-0123abcd",
		    w->dir);
		assert_int_equal(mkdir(path, 0700), 0);
		put_file(path, "decisions.csv", H_DEC, t->history);
		snprintf(path, sizeof path, "%s/out", w->dir);
		assert_int_equal(cr_rundir_lock(path, 0, &rd), 0);
		assert_int_equal(cr_model_load_history(&w->m, rd, NULL), 0);
		cr_rundir_close(rd);
	} else
		assert_int_equal(cr_model_load_history(&w->m, NULL, NULL), 0);

	if (t->xml != NULL) {
		put_parts(w->dir, "export.xml", t->xml);
		snprintf(path, sizeof path, "%s/export.xml", w->dir);
	} else {
		snprintf(path, sizeof path, "%s/export", w->dir);
		assert_int_equal(mkdir(path, 0700), 0);
		put_file(path, "organizations.csv", H_ORG, t->orgs);
		put_file(path, "customers.csv", H_CUS, t->cus);
		put_file(path, "products.csv", H_PRD, t->prd ? t->prd : "");
		if (t->dc != NULL)
			put_file(path, "domain_contacts.csv", H_DC, t->dc);
		if (t->sh != NULL)
			put_file(path, "shares.csv", H_SH, t->sh);
		if (t->acc != NULL)
			put_file(path, "accounts.csv", H_ACC, t->acc);
	}
	assert_int_equal(cr_export_open(path, &e), 0);
	assert_int_equal(cr_model_load_export(&w->m, e, 0), 0);
	assert_int_equal(w->m.export_xml, t->xml != NULL);
	cr_export_free(e);

	memset(&o, 0, sizeof o);
	o.resolve_lang = test_lang;
	o.lang_arg = &lang_calls;
	cr_decide(&w->m, &o);
	cr_diag_set_stream(NULL);
	fclose(diag);
	/* well-formed inputs: no warning (an unknown XML name would give one) */
	if (w->diaglen != 0)
		fail_msg("unexpected diagnostics: %s", w->diag);
}

void
unload(struct world *w)
{
	cr_model_free(&w->m);
	free(w->diag);
}

/* "E_A;E_B" as a bit set of codes. */
static uint32_t
codes_of(const char *list)
{
	uint32_t mask = 0;
	const char *p = list, *semi;
	size_t n;
	int c, found;

	while (*p != '\0') {
		semi = strchr(p, ';');
		n = semi ? (size_t)(semi - p) : strlen(p);
		for (found = 0, c = 0; c < CR_CODE_COUNT; c++) {
			if (strlen(cr_code_name(c)) == n &&
			    strncmp(cr_code_name(c), p, n) == 0) {
				mask |= 1U << c;
				found = 1;
			}
		}
		if (!found)
			fail_msg("unknown code in \"%s\"", list);
		p += n + (semi != NULL);
	}
	return mask;
}

static const char *
codes_str(uint32_t mask, char *buf, size_t size)
{
	int c;

	buf[0] = '\0';
	for (c = 0; c < CR_CODE_COUNT; c++) {
		if (mask & (1U << c)) {
			if (buf[0] != '\0')
				strncat(buf, ";", size - strlen(buf) - 1);
			strncat(buf, cr_code_name(c), size - strlen(buf) - 1);
		}
	}
	return buf;
}

/*
 * Request i has this outcome, exactly these codes, and a message holding
 * every one of the NULL-terminated substrings (an empty message when
 * there are no codes).
 */
void
expect_req(const char *file, int line, struct world *w, size_t i,
    enum cr_outcome outcome, const char *codes, ...)
{
	struct cr_request *q;
	const char *sub;
	char b1[512], b2[512];
	va_list ap;
	int bad = 0;

	if (i >= w->m.nreq) {
		print_error("%s:%d: no request %zu\n", file, line, i);
		_fail(file, line);
	}
	q = &w->m.req[i];
	assert_non_null(q->message);
	if (q->outcome != outcome || q->codes != codes_of(codes))
		bad = 1;
	if (codes[0] == '\0' && q->message[0] != '\0')
		bad = 1;
	va_start(ap, codes);
	while ((sub = va_arg(ap, const char *)) != NULL) {
		if (strstr(q->message, sub) == NULL) {
			print_error("%s:%d: message lacks \"%s\"\n", file, line,
			    sub);
			bad = 1;
		}
	}
	va_end(ap);
	if (bad) {
		print_error("%s:%d: request %zu (%s): want %s [%s], got %s "
		    "[%s] \"%s\"\n", file, line, i, q->r.val[MAN_REQUEST_ID],
		    cr_outcome_name(outcome), codes_str(codes_of(codes), b1,
		    sizeof b1), cr_outcome_name(q->outcome),
		    codes_str(q->codes, b2, sizeof b2), q->message);
		_fail(file, line);
	}
}

struct cr_customer *
customer(struct world *w, const char *id)
{
	void **slot = w->m.customers ? cr_map_get(w->m.customers, id,
	    strlen(id)) : NULL;

	assert_non_null(slot);
	return *slot;
}

struct cr_product *
product(struct world *w, const char *id)
{
	void **slot = w->m.products ? cr_map_get(w->m.products, id,
	    strlen(id)) : NULL;

	assert_non_null(slot);
	return *slot;
}

size_t
count(const struct cr_map *map)
{
	return map ? cr_map_count(map) : 0;
}

/* "p-1:admin,p-1:tech" for the contact replacements of request i. */
const char *
updates_str(struct world *w, size_t i, char *buf, size_t size)
{
	struct cr_request *q = &w->m.req[i];
	size_t k;

	buf[0] = '\0';
	for (k = 0; k < q->nupdates; k++) {
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s:%s",
		    k ? "," : "", q->updates[k].product->r.val[PRD_ID],
		    q->updates[k].contact->val[DC_ROLE]);
	}
	return buf;
}

/* "p-1,p-2" for the quickshare grants of request i. */
const char *
grants_str(struct world *w, size_t i, char *buf, size_t size)
{
	struct cr_request *q = &w->m.req[i];
	size_t k;

	buf[0] = '\0';
	for (k = 0; k < q->ngrants; k++) {
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
		    k ? "," : "", q->grants[k]->r.val[PRD_ID]);
	}
	return buf;
}

