/*
 * schema.c -- the column tables of docs/format.md 2.2 to 2.4, written once.
 * Validation of values against them lives in rowcheck.c; nothing here reads
 * or checks data.
 */
#include <string.h>

#include "schema.h"

static const char *const ctype_values[] = {
	"individual", "company", "association", "publicbody", NULL };
static const char *const status_values[] = {
	"active", "suspended", "released", NULL };
static const char *const kind_values[] = {
	"domain", "certificate", "hosting", "mailbox", NULL };
static const char *const role_values[] = {
	"owner", "admin", "tech", "bill", NULL };
static const char *const via_values[] = { "quickshare", "team", NULL };
static const char *const contacts_values[] = { "replace", "keep", NULL };
static const char *const mismatch_values[] = {
	"new-account", "reject", NULL };

#define H	CR_COL_HEADER
#define NE	CR_COL_NONEMPTY
#define A	CR_COL_ATTR
#define TEXT(n)	{ n, CR_COL_TEXT, H, NULL }

/* Contact columns shared by organizations, customers, accounts. */
static const struct cr_column org_cols[ORG_NCOLS] = {
	[ORG_ID] = { "id", CR_COL_ID, H | NE | A, NULL },
	[ORG_NAME] = TEXT("name"),
	[ORG_TYPE] = { "type", CR_COL_ENUM, H | A, ctype_values },
	[ORG_RESELLER] = { "reseller", CR_COL_BOOL, H | A, NULL },
	[ORG_ORGNAME] = TEXT("orgname"),
	[ORG_FIRSTNAME] = TEXT("firstname"),
	[ORG_LASTNAME] = TEXT("lastname"),
	[ORG_EMAIL] = TEXT("email"),
	[ORG_STREETADDR] = TEXT("streetaddr"),
	[ORG_STREETADDR2] = TEXT("streetaddr2"),
	[ORG_ZIP] = TEXT("zip"),
	[ORG_CITY] = TEXT("city"),
	[ORG_STATE] = TEXT("state"),
	[ORG_COUNTRY] = TEXT("country"),
	[ORG_PHONE] = TEXT("phone"),
	[ORG_FAX] = TEXT("fax"),
	[ORG_LANG] = TEXT("lang"),
};

static const struct cr_column cus_cols[CUS_NCOLS] = {
	[CUS_ID] = { "id", CR_COL_ID, H | NE | A, NULL },
	[CUS_RESELLER_ID] = { "reseller_id", CR_COL_ID, H | NE, NULL },
	[CUS_TYPE] = { "type", CR_COL_ENUM, H | A, ctype_values },
	[CUS_FIRSTNAME] = TEXT("firstname"),
	[CUS_LASTNAME] = TEXT("lastname"),
	[CUS_ORGNAME] = TEXT("orgname"),
	[CUS_EMAIL] = TEXT("email"),
	[CUS_STREETADDR] = TEXT("streetaddr"),
	[CUS_STREETADDR2] = TEXT("streetaddr2"),
	[CUS_ZIP] = TEXT("zip"),
	[CUS_CITY] = TEXT("city"),
	[CUS_STATE] = TEXT("state"),
	[CUS_COUNTRY] = TEXT("country"),
	[CUS_PHONE] = TEXT("phone"),
	[CUS_FAX] = TEXT("fax"),
	[CUS_LANG] = TEXT("lang"),
	[CUS_REFERENCE] = TEXT("reference"),
	[CUS_STATUS] = { "status", CR_COL_ENUM, H | A, status_values },
};

static const struct cr_column prd_cols[PRD_NCOLS] = {
	[PRD_ID] = { "id", CR_COL_ID, H | NE | A, NULL },
	[PRD_CUSTOMER_ID] = { "customer_id", CR_COL_ID, H | NE, NULL },
	[PRD_KIND] = { "kind", CR_COL_ENUM, H | NE | A, kind_values },
	[PRD_NAME] = { "name", CR_COL_TEXT, H | NE, NULL },
	[PRD_STATUS] = { "status", CR_COL_TEXT, H | A, NULL },
	[PRD_EXPIRES_AT] = { "expires_at", CR_COL_TIME, H, NULL },
};

static const struct cr_column dc_cols[DC_NCOLS] = {
	[DC_PRODUCT_ID] = { "product_id", CR_COL_ID, H | NE, NULL },
	[DC_ROLE] = { "role", CR_COL_ENUM, H | NE | A, role_values },
	[DC_ORG_ID] = { "org_id", CR_COL_ID, H | A, NULL },
	[DC_FIRSTNAME] = TEXT("firstname"),
	[DC_LASTNAME] = TEXT("lastname"),
	[DC_ORGNAME] = TEXT("orgname"),
	[DC_EMAIL] = TEXT("email"),
};

static const struct cr_column sh_cols[SH_NCOLS] = {
	[SH_PRODUCT_ID] = { "product_id", CR_COL_ID, H | NE, NULL },
	[SH_USERNAME] = { "username", CR_COL_ID, H | NE | A, NULL },
	[SH_VIA] = { "via", CR_COL_ENUM, H | A, via_values },
};

static const struct cr_column acc_cols[ACC_NCOLS] = {
	[ACC_USERNAME] = { "username", CR_COL_ID, H | NE | A, NULL },
	[ACC_TYPE] = { "type", CR_COL_ENUM, H | A, ctype_values },
	[ACC_FIRSTNAME] = TEXT("firstname"),
	[ACC_LASTNAME] = TEXT("lastname"),
	[ACC_ORGNAME] = TEXT("orgname"),
	[ACC_EMAIL] = TEXT("email"),
	[ACC_COUNTRY] = TEXT("country"),
};

/* In the manifest only the first three columns must be in the header. */
static const struct cr_column man_cols[MAN_NCOLS] = {
	[MAN_REQUEST_ID] = { "request_id", CR_COL_ID, H | NE | A, NULL },
	[MAN_RESELLER_ID] = { "reseller_id", CR_COL_ID, H | NE | A, NULL },
	[MAN_CUSTOMER_ID] = { "customer_id", CR_COL_ID, H | NE | A, NULL },
	[MAN_QUICKSHARE_TO] = { "quickshare_to", CR_COL_ID, A, NULL },
	[MAN_IMPORT_TO] = { "import_to", CR_COL_ID, A, NULL },
	[MAN_RESELLER_CONTACTS] = { "reseller_contacts", CR_COL_ENUM, A,
	    contacts_values },
	[MAN_ON_MISMATCH] = { "on_mismatch", CR_COL_ENUM, A, mismatch_values },
	[MAN_REQUESTED_BY] = { "requested_by", CR_COL_TEXT, A, NULL },
};

/* Read back from committed runs: only what rerun decisions need. */
static const struct cr_column dec_cols[DEC_NCOLS] = {
	[DEC_REQUEST_ID] = { "request_id", CR_COL_TEXT, H, NULL },
	[DEC_LINE] = { "line", CR_COL_TEXT, 0, NULL },
	[DEC_CUSTOMER_ID] = { "customer_id", CR_COL_TEXT, H, NULL },
	[DEC_RESELLER_ID] = { "reseller_id", CR_COL_TEXT, 0, NULL },
	[DEC_REQUESTED_BY] = { "requested_by", CR_COL_TEXT, 0, NULL },
	[DEC_OUTCOME] = { "outcome", CR_COL_TEXT, H, NULL },
	[DEC_CODES] = { "codes", CR_COL_TEXT, 0, NULL },
	[DEC_MESSAGE] = { "message", CR_COL_TEXT, 0, NULL },
};

static const struct cr_schema schemas[CR_T_COUNT] = {
	{ CR_T_ORGANIZATIONS, "organizations.csv", "organization", 1,
	    ORG_NCOLS, org_cols },
	{ CR_T_CUSTOMERS, "customers.csv", "customer", 1, CUS_NCOLS,
	    cus_cols },
	{ CR_T_PRODUCTS, "products.csv", "product", 1, PRD_NCOLS, prd_cols },
	{ CR_T_DOMAIN_CONTACTS, "domain_contacts.csv", "contact", 0,
	    DC_NCOLS, dc_cols },
	{ CR_T_SHARES, "shares.csv", "share", 0, SH_NCOLS, sh_cols },
	{ CR_T_ACCOUNTS, "accounts.csv", "account", 0, ACC_NCOLS, acc_cols },
	{ CR_T_MANIFEST, "manifest.csv", "release", 1, MAN_NCOLS, man_cols },
	{ CR_T_DECISIONS, "decisions.csv", NULL, 1, DEC_NCOLS, dec_cols },
};

const struct cr_schema *
cr_schema_get(enum cr_table t)
{
	if ((unsigned)t >= CR_T_COUNT)
		return NULL;
	return &schemas[t];
}

const struct cr_schema *
cr_schema_by_file(const char *basename)
{
	int t;

	for (t = 0; t < CR_T_EXPORT_COUNT; t++) {
		if (strcmp(schemas[t].file, basename) == 0)
			return &schemas[t];
	}
	return NULL;
}

int
cr_schema_column(const struct cr_schema *s, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < s->ncols; i++) {
		if (strlen(s->cols[i].name) == len &&
		    memcmp(s->cols[i].name, name, len) == 0)
			return (int)i;
	}
	return -1;
}

int
cr_is_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case ' ': case '\t': case '\r': case '\n': case '\v': case '\f':
			continue;
		default:
			return 0;
		}
	}
	return 1;
}
