/*
 * validate.h -- docs/format.md 3 "Contact validation" and "Import match":
 * whether a customer's own contact record is valid (field by field, every
 * problem reported) and whether an existing account matches a customer.
 *
 * It deliberately decides no outcome and knows no request codes: the
 * caller turns problems into E_CONTACT_INVALID and a failed match into
 * E_CONTACT_MISMATCH or W_CHANGE_OWNER_REQUIRED.  It reads no file: the
 * ISO 3166 tables are generated into iso3166.c (tools/gen-iso3166.py),
 * the E.164 country calling codes live in e164.c.
 *
 * Every function takes NUL-terminated strings of any bytes: invalid UTF-8
 * is a problem, never a crash.  NULL means absent.
 */
#ifndef CR_VALIDATE_H
#define CR_VALIDATE_H

#include <stddef.h>

/* A contact record; NULL (or empty, or white space only) = absent. */
struct cr_contact {
	const char	*type;		/* individual | company | ... */
	const char	*firstname;
	const char	*lastname;
	const char	*orgname;
	const char	*email;
	const char	*streetaddr;
	const char	*streetaddr2;
	const char	*zip;
	const char	*city;
	const char	*state;
	const char	*country;
	const char	*phone;
	const char	*fax;
	const char	*lang;		/* only checked for UTF-8 and controls */
};

/*
 * One problem: `field` is the column name ("phone"), `message` one
 * sentence naming field and value and saying what was expected, e.g.
 *	phone "+33 6 12": expected +CC.NUMBER
 * Values are quoted with cr_diag_quote(), so a message never holds a raw
 * control byte.  Both strings are valid only during the call.
 */
typedef void (*cr_problem_fn)(void *arg, const char *field,
    const char *message);

/*
 * Validate a customer's own record (docs/format.md 3).  Calls `fn` (when not NULL)
 * once per problem, at most once per field, fields in the order of the
 * struct; returns the number of problems (0 = valid).
 */
int		 cr_validate_contact(const struct cr_contact *,
		    cr_problem_fn fn, void *arg);

/*
 * Single validators: NULL when valid, else a static reason without the
 * value ("expected +CC.NUMBER").  email, phone and country are required:
 * NULL gives "required".  state and zip are optional: NULL is valid.
 * cr_check_state checks against `country` only when `country` is itself
 * valid; cr_check_zip checks the format only for US CA GB FR DE NL JP.
 */
const char	*cr_check_email(const char *);
const char	*cr_check_phone(const char *);
const char	*cr_check_country(const char *);
const char	*cr_check_state(const char *country, const char *state);
const char	*cr_check_zip(const char *country, const char *zip);

/*
 * Import-match equality of one value: equal after NFC, full case folding
 * and white-space collapsing (Unicode White_Space runs become one space,
 * trimmed at both ends).  An absent value (NULL, or nothing left after
 * trimming) or invalid UTF-8 never equals anything, not even itself.
 */
int		 cr_match_equal(const char *, const char *);

/*
 * The whole import match of docs/format.md 3: firstname, lastname and orgname equal
 * per cr_match_equal (absent on both sides counts as equal, so two
 * individuals without orgname can match), email equal per cr_match_equal
 * (absent never matches), country exactly equal (absent never matches).
 */
int		 cr_import_match(const struct cr_contact *customer,
		    const struct cr_contact *account);

/*
 * Email equality for E_EMAIL_IS_RESELLER and the reseller-as-contact test:
 * local parts equal ignoring ASCII case; domains equal ignoring ASCII case,
 * or with equal A-labels when both convert (IDNA 2008, non-transitional).
 * NULL never equals anything.
 */
int		 cr_email_equal(const char *, const char *);

/*
 * The address as it may go in a mail header: the domain as its A-label.
 * Allocated (free() it); NULL when cr_check_email() rejects the address.
 */
char		*cr_email_ascii(const char *);

/* Table look-ups (iso3166.c, generated; e164.c).  Exact case. */
extern const char cr_iso3166_source[];	/* "iso-codes 4.15.0-1" */
extern const char cr_e164_source[];
int		 cr_iso3166_alpha2_known(const char *);	/* "GB" */
int		 cr_iso3166_2_known(const char *);	/* "FR-NAQ" */
int		 cr_e164_cc_assigned(const char *cc, size_t len);	/* "33" */

#endif
