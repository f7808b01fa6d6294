/*
 * email.h -- one claim email (docs/format.md 4.1) as a complete RFC 5322 +
 * MIME message: CRLF line ends, header lines folded at 78 columns, display
 * names and non-ASCII subjects as RFC 2047 encoded-words, domains as
 * A-labels, text parts quoted-printable (lines of at most 76), and a
 * multipart/alternative with a text/html part when the language has an
 * HTML template.  The same input gives the same bytes.
 *
 * It deliberately neither chooses the token (token.h), nor the language
 * (cr_templates_resolve), nor where the file goes: it renders into an
 * outfile the caller opened.  It never prints a token.
 */
#ifndef CR_EMAIL_H
#define CR_EMAIL_H

#include <stddef.h>
#include <time.h>

struct cr_templates;
struct cr_outfile;

struct cr_email_product {
	const char	*kind;		/* domain | certificate | hosting |
					   mailbox */
	const char	*name;
};

struct cr_email_share {			/* a quickshare grant made */
	const char	*name;		/* the product (domain) name */
	const char	*username;
};

struct cr_email_contact {		/* a contact replacement made */
	const char	*name;		/* the product (domain) name */
	const char	*role;		/* admin | tech | bill */
	const char	*old_email;
	const char	*new_email;
};

struct cr_email {
	const char	*run_id, *request_id, *customer_id;
	const char	*firstname, *lastname;
	const char	*email;		/* customer; may hold an IDN domain */
	const char	*lang;		/* from cr_templates_resolve() */
	const char	*reseller;	/* reseller orgname, else its name */
	const char	*from;		/* --from: "addr" or "Name <addr>" */
	const char	*claim_url, *token;	/* link = claim_url + token */
	time_t		 run_time;	/* the Date header */
	time_t		 expires;	/* claim expiry */
	const char	*import_account; /* matched import_to, or NULL */
	int		 change_owner_required;	/* W_CHANGE_OWNER_REQUIRED */
	const struct cr_email_product	*products;
	size_t				 nproducts;
	const struct cr_email_share	*shares;
	size_t				 nshares;
	const struct cr_email_contact	*contacts;
	size_t				 ncontacts;
};

/* What replaces the token in the audit bundle's copy (redact = 1). */
#define CR_EMAIL_REDACTED	"REDACTED"

/*
 * Render the whole message into `out` (nothing is written on failure).
 * redact = 1 writes CR_EMAIL_REDACTED in place of the token.  Returns 0,
 * or CR_STATUS_DATA after a message when a field holds a control
 * character or invalid UTF-8, an address does not convert to ASCII, or
 * the claim URL or token is not printable ASCII; the message names the
 * customer and the field, never the token.
 */
int	cr_email_render(const struct cr_templates *, const struct cr_email *,
	    int redact, struct cr_outfile *out);
/*
 * Check a --from value ("addr" or "Display Name <addr>") as the renderer
 * will use it: 0, or CR_STATUS_USAGE after a message.
 */
int	cr_email_check_from(const char *from);

/*
 * The length of the control character (Unicode Cc: C0, DEL, C1) UTF-8
 * encoded at s: 1 or 2 bytes, or 0 when s starts with something else or
 * ends.  A field holding one is refused by the renderer; the mailer turns
 * those of the values docs/format.md 3 does not check into spaces.
 */
size_t	cr_email_cc_len(const char *s);

#endif
