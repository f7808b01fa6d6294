/*
 * check.c -- the cross-row rules of docs/format.md 2.1 for `check` and for --strict:
 * every row through rowcheck.c, then duplicate keys (ids, usernames,
 * request_ids, a product's contact roles) and dangling references
 * (customer -> organization, product -> customer, contact and share ->
 * product; manifest ids the export lacks).  Problems go to the caller's
 * callback (cmd-check.c prints them), or, strict, the first one in the
 * export is an input error (a manifest row's problems are listed all the
 * same, docs/format.md 2.1).
 *
 * It keeps the ids of organizations, customers, products and accounts:
 * memory grows with the export.  XML rows (CR_ROW_NESTED) carry their
 * references by nesting, so those are not looked up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "custrelease.h"
#include "err.h"
#include "hash.h"
#include "rowcheck.h"
#include "schema.h"
#include "xmalloc.h"

struct cr_check {
	int			 strict;
	cr_check_problem_fn	*problem;
	void			*problem_arg;
	struct cr_map		*ids[CR_T_COUNT];	/* id -> first line */
	struct cr_map		*contact_roles;		/* product\0role */
	unsigned long		 rows[CR_T_COUNT];
	unsigned long		 problems[CR_T_COUNT];
	int			 strict_failed;
};

static void
check_problem(struct cr_check *c, const struct cr_row *row, const char *msg)
{
	c->problems[row->schema->table]++;
	/* --strict is about the export: a manifest row stays a problem */
	if (c->strict && row->schema->table != CR_T_MANIFEST) {
		cr_err_set(row->file, row->line, "%s", msg);
		c->strict_failed = 1;
		return;
	}
	if (c->problem != NULL)
		c->problem(c->problem_arg, row->file, row->line, msg);
}

static void
check_rowproblem(void *arg, const struct cr_row *row, int column,
    const char *msg)
{
	check_problem(arg, row, msg);
}

/* Key column of each table whose values must be unique. */
static int
check_key_column(enum cr_table t)
{
	switch (t) {
	case CR_T_ORGANIZATIONS: return ORG_ID;
	case CR_T_CUSTOMERS: return CUS_ID;
	case CR_T_PRODUCTS: return PRD_ID;
	case CR_T_ACCOUNTS: return ACC_USERNAME;
	case CR_T_MANIFEST: return MAN_REQUEST_ID;
	default: return -1;
	}
}

static void
check_unique(struct cr_check *c, const struct cr_row *row, int col)
{
	enum cr_table t = row->schema->table;
	char msg[256], q[96];
	void **slot;

	if (row->val[col] == NULL)
		return;
	if (c->ids[t] == NULL)
		c->ids[t] = cr_map_new();
	if (cr_map_put(c->ids[t], row->val[col], row->len[col], &slot, NULL)) {
		*slot = (void *)(uintptr_t)row->line;
		return;
	}
	snprintf(msg, sizeof msg, "duplicate %s \"%s\" (first at line %lu)",
	    row->schema->cols[col].name, cr_diag_quote(q, sizeof q,
	    row->val[col], row->len[col], 64), (unsigned long)(uintptr_t)*slot);
	check_problem(c, row, msg);
}

/* Report when column col of row names no row of table `to`. */
static void
check_ref(struct cr_check *c, const struct cr_row *row, int col,
    enum cr_table to, const char *what)
{
	char msg[256], q[96];

	if (row->val[col] == NULL)
		return;
	if (c->ids[to] != NULL &&
	    cr_map_get(c->ids[to], row->val[col], row->len[col]) != NULL)
		return;
	snprintf(msg, sizeof msg, "%s \"%s\": no such %s",
	    row->schema->cols[col].name, cr_diag_quote(q, sizeof q,
	    row->val[col], row->len[col], 64), what);
	check_problem(c, row, msg);
}

static void
check_contact_role(struct cr_check *c, const struct cr_row *row)
{
	char key[256], msg[256], q[96];
	size_t n;
	void **slot;

	if (row->val[DC_PRODUCT_ID] == NULL || row->val[DC_ROLE] == NULL ||
	    row->len[DC_PRODUCT_ID] + row->len[DC_ROLE] + 1 > sizeof key)
		return;
	n = row->len[DC_PRODUCT_ID];
	memcpy(key, row->val[DC_PRODUCT_ID], n);
	key[n++] = '\0';
	memcpy(key + n, row->val[DC_ROLE], row->len[DC_ROLE]);
	n += row->len[DC_ROLE];
	if (c->contact_roles == NULL)
		c->contact_roles = cr_map_new();
	if (cr_map_put(c->contact_roles, key, n, &slot, NULL)) {
		*slot = (void *)(uintptr_t)row->line;
		return;
	}
	snprintf(msg, sizeof msg, "duplicate contact role \"%s\" for product "
	    "\"%s\" (first at line %lu)", row->val[DC_ROLE],
	    cr_diag_quote(q, sizeof q, row->val[DC_PRODUCT_ID],
	    row->len[DC_PRODUCT_ID], 64), (unsigned long)(uintptr_t)*slot);
	check_problem(c, row, msg);
}

int
cr_check_row(void *arg, const struct cr_row *row)
{
	struct cr_check *c = arg;
	enum cr_table t = row->schema->table;
	int key = check_key_column(t);
	int refs = !(row->flags & (CR_ROW_NESTED | CR_ROW_BADCOUNT));

	c->rows[t]++;
	cr_rowcheck(row, check_rowproblem, c);
	if (key >= 0)
		check_unique(c, row, key);
	switch (t) {
	case CR_T_CUSTOMERS:
		if (refs)
			check_ref(c, row, CUS_RESELLER_ID, CR_T_ORGANIZATIONS,
			    "organization");
		break;
	case CR_T_PRODUCTS:
		if (refs)
			check_ref(c, row, PRD_CUSTOMER_ID, CR_T_CUSTOMERS,
			    "customer");
		break;
	case CR_T_DOMAIN_CONTACTS:
		if (refs)
			check_ref(c, row, DC_PRODUCT_ID, CR_T_PRODUCTS,
			    "product");
		check_contact_role(c, row);
		break;
	case CR_T_SHARES:
		if (refs)
			check_ref(c, row, SH_PRODUCT_ID, CR_T_PRODUCTS,
			    "product");
		break;
	case CR_T_MANIFEST:
		if (row->flags & CR_ROW_BADCOUNT)
			break;
		check_ref(c, row, MAN_RESELLER_ID, CR_T_ORGANIZATIONS,
		    "organization in the export");
		check_ref(c, row, MAN_CUSTOMER_ID, CR_T_CUSTOMERS,
		    "customer in the export");
		check_ref(c, row, MAN_QUICKSHARE_TO, CR_T_ACCOUNTS,
		    "account in the export");
		check_ref(c, row, MAN_IMPORT_TO, CR_T_ACCOUNTS,
		    "account in the export");
		break;
	default:
		break;
	}
	return c->strict_failed ? CR_STATUS_DATA : 0;
}

struct cr_check *
cr_check_new(int strict, cr_check_problem_fn *problem, void *arg)
{
	struct cr_check *c = xcalloc(1, sizeof *c);

	c->strict = strict;
	c->problem = problem;
	c->problem_arg = arg;
	return c;
}

void
cr_check_free(struct cr_check *c)
{
	int t;

	if (c == NULL)
		return;
	for (t = 0; t < CR_T_COUNT; t++)
		cr_map_free(c->ids[t]);
	cr_map_free(c->contact_roles);
	free(c);
}

unsigned long
cr_check_rows(const struct cr_check *c, enum cr_table t)
{
	return c->rows[t];
}

unsigned long
cr_check_problems(const struct cr_check *c, enum cr_table t)
{
	return c->problems[t];
}
