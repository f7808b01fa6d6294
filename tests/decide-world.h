/*
 * decide-world.h -- the fixture of the unit tests of what the read stage
 * (load.c) and the decide stage (decide.c) keep in the model,
 * test-decide-load.c: the export, manifest and history rows as C string
 * macros (CSV and XML forms), one case as struct tables, load() to write
 * it to a temporary folder (CSV) or file (XML), load it and cr_decide()
 * it with a language resolver that knows en, fr and es only, and the
 * helpers the tests assert with.  A test program runs its tests in a
 * cmocka group with group_setup() and group_teardown() (the temporary
 * folder).  The decision rules themselves are not tested in C: they are
 * the data cases of tests/rules/ (tests/rules.sh).
 */
#ifndef DECIDE_WORLD_H
#define DECIDE_WORLD_H

#include <stddef.h>

#include "decide.h"
#include "hash.h"
#include "model.h"

/* -- Inputs ---------------------------------------------------------- */

#define H_ORG	"id,name,type,reseller,orgname,firstname,lastname,email," \
    "streetaddr,streetaddr2,zip,city,state,country,phone,fax,lang\n"
#define H_CUS	"id,reseller_id,type,firstname,lastname,orgname,email," \
    "streetaddr,streetaddr2,zip,city,state,country,phone,fax,lang," \
    "reference,status\n"
#define H_PRD	"id,customer_id,kind,name,status,expires_at\n"
#define H_DC	"product_id,role,org_id,firstname,lastname,orgname,email\n"
#define H_SH	"product_id,username,via\n"
#define H_ACC	"username,type,firstname,lastname,orgname,email,country\n"
#define H_MAN	"request_id,reseller_id,customer_id,quickshare_to,import_to," \
    "reseller_contacts,on_mismatch,requested_by\n"
#define H_DEC	"request_id,line,customer_id,reseller_id,requested_by," \
    "outcome,codes,message\n"

/* CSV rows. */
#define ORG(id, res, email) id ",n-" id ",company," res ",Org " id \
    ",Marie,Dupont," email ",1 rue A,,33000,Bordeaux,,FR,+33.556123456,,fr\n"
#define CUSF(id, org, first, last, email, phone, lang, status) id "," org \
    ",individual," first "," last ",," email ",8 rue X,,33000,Bordeaux,,FR," \
    phone ",," lang ",REF," status "\n"
#define CUS(id, org, lang, status) CUSF(id, org, "Zoé", "Martin", \
    id "@cust.example", "+33.612345678", lang, status)
#define PRD(id, cid, kind, name) id "," cid "," kind "," name \
    ",active,2027-01-01T00:00:00Z\n"
#define DC(pid, role, org, email) pid "," role "," org ",Ann,Lee,," email "\n"
#define SH(pid, user, via) pid "," user "," via "\n"
#define ACC(user, first, last, email, country) user ",individual," first \
    "," last ",," email "," country "\n"
#define REQ(rid, org, cid, qs, imp, rc, om) rid "," org "," cid "," qs "," \
    imp "," rc "," om ",tester\n"

/* The same values in the XML form; children come before the fields. */
#define XHEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
    "<export xmlns=\"urn:custrelease:export:1\">\n"
#define XTAIL "</export>\n"
#define XDOC(body) XHEAD body XTAIL
#define XORG_OPEN(id, res) "<organization id=\"" id "\" type=\"company\" " \
    "reseller=\"" res "\">\n"
#define XORG_END(id, email) "<name>n-" id "</name><orgname>Org " id \
    "</orgname><firstname>Marie</firstname><lastname>Dupont</lastname>" \
    "<email>" email "</email><streetaddr>1 rue A</streetaddr><zip>33000" \
    "</zip><city>Bordeaux</city><country>FR</country><phone>+33.556123456" \
    "</phone><lang>fr</lang></organization>\n"
#define XORG(id, res, email, body) XORG_OPEN(id, res) body XORG_END(id, email)
#define XCUSF(id, first, last, email, phone, lang, status, body) \
    "<customer id=\"" id "\" type=\"individual\" status=\"" status "\">\n" \
    body "<firstname>" first "</firstname><lastname>" last "</lastname>" \
    "<email>" email "</email><streetaddr>8 rue X</streetaddr><zip>33000" \
    "</zip><city>Bordeaux</city><country>FR</country><phone>" phone \
    "</phone><lang>" lang "</lang><reference>REF</reference></customer>\n"
#define XCUS(id, lang, status, body) XCUSF(id, "Zoé", "Martin", \
    id "@cust.example", "+33.612345678", lang, status, body)
#define XPRD(id, kind, name, body) "<product id=\"" id "\" kind=\"" kind \
    "\" status=\"active\">" body "<name>" name "</name><expires_at>" \
    "2027-01-01T00:00:00Z</expires_at></product>\n"
#define XDC(role, org, email) "<contact role=\"" role "\" org_id=\"" org \
    "\"><firstname>Ann</firstname><lastname>Lee</lastname><email>" email \
    "</email></contact>"
#define XSH(user, via) "<share username=\"" user "\" via=\"" via "\"/>"
#define XACC(user, first, last, email, country) "<account username=\"" user \
    "\" type=\"individual\"><firstname>" first "</firstname><lastname>" \
    last "</lastname><email>" email "</email><country>" country \
    "</country></account>\n"

/* One case: rows without headers; NULL optional tables are absent. */
struct tables {
	const char	*orgs, *cus, *prd, *dc, *sh, *acc;
	const char *const *xml;	/* the XML form instead of the tables:
				   its parts, NULL-terminated */
	const char	*manifest;
	const char	*history;	/* rows of a committed decisions.csv */
};

struct world {
	struct cr_model	 m;
	char		 dir[256];
	char		*diag;
	size_t		 diaglen;
};

/* Calls of the language resolver that load() hands to cr_decide(). */
extern int lang_calls;

/* The cmocka group's setup and teardown: the temporary folder. */
int	group_setup(void **);
int	group_teardown(void **);

/* Write the case to disk, load it and decide it; unload() frees it. */
void	load(struct world *, const struct tables *);
void	unload(struct world *);

/*
 * Request i has this outcome, exactly these codes, and a message holding
 * every one of the NULL-terminated substrings (an empty message when
 * there are no codes).
 */
void	expect_req(const char *, int, struct world *, size_t,
	    enum cr_outcome, const char *, ...);

#define EXPECT(w, i, outcome, ...) \
	expect_req(__FILE__, __LINE__, (w), (i), (outcome), __VA_ARGS__, \
	    (const char *)NULL)

#define INCONSISTENT(w, i, why) EXPECT((w), (i), CR_REJECTED, \
	"E_EXPORT_INCONSISTENT", "the export is inconsistent: " why)

/* The kept customer or product of that id. */
struct cr_customer	*customer(struct world *, const char *);
struct cr_product	*product(struct world *, const char *);
/* The number of entries of a map, 0 for none. */
size_t			 count(const struct cr_map *);

/* "p-1:admin,p-1:tech" for the contact replacements of request i. */
const char	*updates_str(struct world *, size_t, char *, size_t);
/* "p-1,p-2" for the quickshare grants of request i. */
const char	*grants_str(struct world *, size_t, char *, size_t);

/* The two resellers most cases use. */
#define ORGS \
    ORG("org-a", "true", "ops@reseller.example") \
    ORG("org-b", "true", "support@other.example")

#endif
