/*
 * template-private.h -- what template.c (loading, checking) and
 * template-render.c (rendering) share: the placeholder table and the
 * parsed form of a template.  Nothing outside those two files includes it.
 *
 * A template is a flat array of nodes; a section node records the index
 * of the first node after it, so rendering is a walk over index ranges.
 * Every node's placeholder was resolved at load time.  Everything here
 * belongs to the struct cr_templates it hangs from.
 */
#ifndef CR_TEMPLATE_PRIVATE_H
#define CR_TEMPLATE_PRIVATE_H

#include <stddef.h>

#include "template.h"

/* ---- the placeholders ---- */

enum tv_scope { TS_TOP, TS_PRODUCT, TS_SHARE, TS_CONTACT };
enum tv_type { TT_STR, TT_BOOL, TT_LIST, TT_ENUM };

enum tv_id {
	V_FIRSTNAME, V_LASTNAME, V_EMAIL, V_RESELLER, V_CLAIM_LINK,
	V_EXPIRES_ISO, V_EXPIRES_DAY, V_EXPIRES_MONTH, V_EXPIRES_YEAR,
	V_EXPIRES_TIME, V_EXPIRES_WEEKDAY, V_IMPORT_ACCOUNT, V_CHANGE_OWNER,
	V_PRODUCTS, V_PRODUCT_COUNT, V_SHARES, V_CONTACTS, V_REQUEST_ID,
	V_CUSTOMER_ID, V_RUN_ID, V_SUBJECT,
	V_P_KIND, V_P_NAME, V_S_NAME, V_S_USERNAME, V_C_NAME, V_C_ROLE,
	V_C_OLD_EMAIL, V_C_NEW_EMAIL,
	V_COUNT
};

struct tvar {
	const char		*name;
	unsigned char		 scope;		/* enum tv_scope */
	unsigned char		 type;		/* enum tv_type */
	unsigned char		 item;		/* lists: scope of an item */
	const char *const	*values;	/* enums */
};

/* Indexed by enum tv_id; enums list their values, NULL-terminated. */
extern const struct tvar template_vars[V_COUNT];

/* ---- parsed templates ---- */

enum tnode_kind { TN_TEXT, TN_VAR, TN_LOOP, TN_IF, TN_IFNOT };

struct tnode {
	unsigned char	 kind;		/* enum tnode_kind */
	unsigned char	 var;		/* enum tv_id */
	size_t		 off, len;	/* TN_TEXT: bytes of tmpl.text */
	size_t		 end;		/* sections: first node after */
	char		**map;		/* TN_VAR of an enum: text per value */
};

struct tmpl {
	char		*text;		/* the file, CRLF made LF */
	struct tnode	*nodes;
	size_t		 n, cap;
};

struct tlang {
	char		*name;		/* lower case */
	struct tmpl	 part[3];	/* enum cr_template_part */
	unsigned char	 have[3];
};

struct cr_templates {
	struct tlang	*langs;
	size_t		 n;
};

/* The language `name` (len bytes, lower case) if it has a .txt, or NULL. */
const struct tlang	*template_find(const struct cr_templates *,
			    const char *name, size_t len);

#endif /* CR_TEMPLATE_PRIVATE_H */
