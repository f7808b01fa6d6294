/*
 * schema.h -- the tables of docs/format.md 2: their files, XML elements,
 * columns and value types, and one row of any of them as a reader hands it
 * out.  Both the CSV and the XML readers produce struct cr_row against these
 * schemas, so everything downstream (row checks, check, decide) is blind to
 * the input form.
 *
 * Column indices are the enums below; a row's values are indexed by them,
 * never by the order of a CSV header.
 */
#ifndef CR_SCHEMA_H
#define CR_SCHEMA_H

#include <stddef.h>
#include <string.h>

enum cr_table {
	CR_T_ORGANIZATIONS,
	CR_T_CUSTOMERS,
	CR_T_PRODUCTS,
	CR_T_DOMAIN_CONTACTS,
	CR_T_SHARES,
	CR_T_ACCOUNTS,
	CR_T_MANIFEST,
	CR_T_DECISIONS,		/* decisions.csv of a committed run */
	CR_T_COUNT
};
#define CR_T_EXPORT_COUNT CR_T_MANIFEST	/* the export's tables come first */

enum { ORG_ID, ORG_NAME, ORG_TYPE, ORG_RESELLER, ORG_ORGNAME, ORG_FIRSTNAME,
	ORG_LASTNAME, ORG_EMAIL, ORG_STREETADDR, ORG_STREETADDR2, ORG_ZIP,
	ORG_CITY, ORG_STATE, ORG_COUNTRY, ORG_PHONE, ORG_FAX, ORG_LANG,
	ORG_NCOLS };
enum { CUS_ID, CUS_RESELLER_ID, CUS_TYPE, CUS_FIRSTNAME, CUS_LASTNAME,
	CUS_ORGNAME, CUS_EMAIL, CUS_STREETADDR, CUS_STREETADDR2, CUS_ZIP,
	CUS_CITY, CUS_STATE, CUS_COUNTRY, CUS_PHONE, CUS_FAX, CUS_LANG,
	CUS_REFERENCE, CUS_STATUS, CUS_NCOLS };
enum { PRD_ID, PRD_CUSTOMER_ID, PRD_KIND, PRD_NAME, PRD_STATUS,
	PRD_EXPIRES_AT, PRD_NCOLS };
enum { DC_PRODUCT_ID, DC_ROLE, DC_ORG_ID, DC_FIRSTNAME, DC_LASTNAME,
	DC_ORGNAME, DC_EMAIL, DC_NCOLS };
enum { SH_PRODUCT_ID, SH_USERNAME, SH_VIA, SH_NCOLS };
enum { ACC_USERNAME, ACC_TYPE, ACC_FIRSTNAME, ACC_LASTNAME, ACC_ORGNAME,
	ACC_EMAIL, ACC_COUNTRY, ACC_NCOLS };
enum { MAN_REQUEST_ID, MAN_RESELLER_ID, MAN_CUSTOMER_ID, MAN_QUICKSHARE_TO,
	MAN_IMPORT_TO, MAN_RESELLER_CONTACTS, MAN_ON_MISMATCH, MAN_REQUESTED_BY,
	MAN_NCOLS };
enum { DEC_REQUEST_ID, DEC_LINE, DEC_CUSTOMER_ID, DEC_RESELLER_ID,
	DEC_REQUESTED_BY, DEC_OUTCOME, DEC_CODES, DEC_MESSAGE, DEC_NCOLS };

#define CR_MAX_COLS 18		/* the widest table: customers */

enum cr_coltype {
	CR_COL_TEXT,		/* any UTF-8 without NUL */
	CR_COL_ID,		/* docs/format.md 2.1 identifier */
	CR_COL_ENUM,		/* one of cr_column.values, case-sensitive */
	CR_COL_BOOL,		/* true/false/1/0/yes/no, any case */
	CR_COL_TIME		/* YYYY-MM-DDTHH:MM:SSZ */
};

#define CR_COL_NONEMPTY	0x01	/* the value must not be absent */
#define CR_COL_HEADER	0x02	/* must be in the CSV header */
#define CR_COL_ATTR	0x04	/* an attribute, not a child, in XML */

struct cr_column {
	const char		*name;
	enum cr_coltype		 type;
	unsigned		 flags;
	const char *const	*values;	/* CR_COL_ENUM: NULL-terminated */
};

struct cr_schema {
	enum cr_table		 table;
	const char		*file;		/* "customers.csv" */
	const char		*element;	/* "customer"; "release" */
	int			 required;	/* file must be in the export */
	size_t			 ncols;
	const struct cr_column	*cols;
};

const struct cr_schema	*cr_schema_get(enum cr_table);
/* The export table whose file is `basename` ("products.csv"), or NULL. */
const struct cr_schema	*cr_schema_by_file(const char *basename);
/* Column index of `name` in `s`, or -1. */
int			 cr_schema_column(const struct cr_schema *s,
			    const char *name, size_t len);

/* Flags of a row. */
#define CR_ROW_BADCOUNT	0x01	/* CSV: field count differs from header */
#define CR_ROW_NESTED	0x02	/* XML: references given by nesting */

/*
 * One row.  val[i] is the value of column i, NUL-terminated, NULL when
 * absent (missing, empty or whitespace-only: docs/format.md 2.1); len[i] its length.
 * Everything points into the reader's buffers and is valid only during the
 * callback: copy what you keep.
 */
struct cr_row {
	const struct cr_schema	*schema;
	const char		*file;
	unsigned long		 line;	/* first physical line; XML manifest:
					   1-based <release> index */
	unsigned		 flags;
	size_t			 nfields;	/* CSV: fields found */
	size_t			 nexpected;	/* CSV: header fields */
	const char *const	*val;
	const size_t		*len;
	/*
	 * XML: the id of the customer element the row sits in (products,
	 * contacts, shares), so that a consumer can pass over the rows of a
	 * customer it does not want before that customer's own row comes.
	 * NULL when not given.
	 */
	const char		*nest_customer;
	size_t			 nest_customer_len;
};

/*
 * The row callback of every reader: return 0 to go on, or a non-zero exit
 * code to stop reading (the reader returns that code).
 */
typedef int (*cr_row_fn)(void *arg, const struct cr_row *row);

/* True when s[0..len) is empty or only white space (docs/format.md 2.1 "absent"). */
int	cr_is_blank(const char *s, size_t len);

/* Two present values that are equal (NULL, an absent value, equals none). */
static inline int
cr_streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

#endif
