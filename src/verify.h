/*
 * verify.h -- what the parts of `custrelease verify` share: verify-read.c
 * reads the archive as a stream, verify-bag.c checks the bag (RFC 8493:
 * completeness, checksums, Payload-Oxum, tag manifest), verify-records.c
 * checks that the run's records agree with each other and with
 * summary.json, verify-sig.c, verify-chain.c and verify-replay.c the
 * signature, the chain and the replay; cmd-verify.c calls them in turn.
 * Every problem is printed as
 *
 *	custrelease: BUNDLE: FILE: problem
 *
 * with FILE the path inside the bag, and counted.
 *
 * Not a public interface: nothing else includes it.
 */
#ifndef CR_VERIFY_H
#define CR_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "bag.h"

struct cr_map;
struct vs_run;
struct vs_sort;

/* A bag's place in the chain of nights (chain.h), as verify reads it. */
struct cr_verify_link {
	char	run_id[26];	/* External-Identifier */
	char	prev[26];	/* "": none (the first in its OUT) */
	char	prev_tm[65];	/* "": unknown */
	char	tm[65];		/* sha256 of its own tagmanifest-sha256.txt */
	int	present;	/* bag-info.txt holds Previous-Run-Id */
};

/* One regular file of the bag, as it streamed past. */
struct cr_verify_file {
	char		*path;		/* relative to the bag directory */
	uint64_t	 size;
	char		 sha256[CR_BAG_SHA256_HEX];
	char		 sha512[CR_BAG_SHA512_HEX];
	char		*data;		/* kept contents, NULL if not kept */
	size_t		 len;
	int		 toobig;	/* over the cap: not kept */
	int		 redacted;	/* an email holding REDACTED */
	char		*to;		/* an email: its To address, or NULL */
	int		 spooled;	/* a record file over the memory
					   budget: its bytes in fd */
	int		 fd;		/* (an unlinked temporary file) */
	uint64_t	 entry;		/* its place in the archive, from 1 */
};

/*
 * The files under data/emails/ (a million in a large migration) are not
 * kept in files/order: each is one record of a sorted run on disk
 * (verify-stream.h), so that their number costs no memory.  Its fields:
 */
enum {
	VE_PATH,	/* sorted by path, then by place: one per path */
	VE_ENTRY,	/* its place in the archive (vs_row) */
	VE_SIZE,	/* its size (vs_row) */
	VE_SHA256, VE_SHA512,
	VE_FLAGS,	/* "e" an emails/ID.eml, "r" holds REDACTED, "b" too
			   big to read, "t" has a To header: any of them */
	VE_TO,		/* its To address, or "" */
	VE_NFIELDS
};

struct cr_verify {
	const char		*bundle;	/* as the user named it */
	unsigned long		 problems;
	const char		*ext_id;	/* External-Identifier, or NULL */
	const char		*bagging_date;	/* or NULL */
	struct cr_map		*files;		/* path -> cr_verify_file */
	struct cr_map		*listed;	/* paths in manifest-sha256.txt */
	struct cr_verify_file	**order;	/* archive order */
	uint64_t		 expanded;	/* bytes out of the archive */
	int			 directory;	/* an extracted bag */
	size_t			 nfiles, cap;
	char			 signature[384];	/* the verdict line */
	struct cr_verify_link	 link;		/* from bag-info.txt */
	char			 replay[128];	/* what a replay compared */
	struct cr_verify_defer	*defer;		/* problems held back */
	struct vs_sort		*esort;		/* emails, while reading */
	struct vs_run		*emails;	/* emails, sorted (VE_*) */
	uint64_t		 email_octets;	/* their sizes added up */
	unsigned long		 nemails;	/* how many */
};

/* The sorted emails (VE_*): an empty run before cr_verify_read made it. */
const struct vs_run *cr_verify_emails(const struct cr_verify *);

/* Problems printed (all are counted); cmd-verify.c says how many more. */
#define CR_VERIFY_SHOWN_MAX	100

void	cr_verify_problem(struct cr_verify *, const char *file,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * Problems found out of order (verify-records.c, verify-manifest.c): from
 * cr_verify_defer() on, each problem is counted at once but printed only
 * at cr_verify_flush(), in the order of the place cr_verify_at() gave
 * (section, row, check; then as found), so that checks made in any order
 * print as the checks of a row-by-row pass would.  Only the problems that
 * could be printed (CR_VERIFY_SHOWN_MAX in all) are held.
 */
void	cr_verify_defer(struct cr_verify *);
void	cr_verify_at(struct cr_verify *, unsigned sec, uint64_t row,
	    unsigned check);
void	cr_verify_flush(struct cr_verify *);
/*
 * The kept contents of a file, in memory or spooled: 1 and *src, or 0
 * when not kept (too big, or not a file verify keeps).
 */
struct cr_bag_src;
int	cr_verify_src(const struct cr_verify_file *, struct cr_bag_src *);
/* A spooled file read into memory (f->data) for the replay: 0 or -1. */
int	cr_verify_load(struct cr_verify_file *);
/* The file at `path` (relative to the bag), or NULL. */
struct cr_verify_file *cr_verify_find(const struct cr_verify *,
	    const char *path);
/* What verify --allowed-signers and --require-signature ask for. */
struct cr_verify_sig_opts {
	const char	*allowed;	/* allowed_signers text, or NULL */
	size_t		 allowed_len;
	const char	*allowed_path;	/* its name, for messages */
	int		 require;	/* unsigned is a problem */
};
/* The bag's signature (verify-sig.c): problems, and v->signature. */
void	cr_verify_signature(struct cr_verify *,
	    const struct cr_verify_sig_opts *);

/*
 * verify --chain (verify-chain.c): the links of n bags, in any order, put
 * in chain order (by run id; runs of the same second by their links) and
 * checked: each names the bag before it and that bag's tag manifest.
 * Every break is a call of problem(arg, run_id, message), the first break
 * first.  Returns the number of breaks.
 */
unsigned long cr_verify_chain(struct cr_verify_link *links, size_t n,
	    void (*problem)(void *arg, const char *run_id, const char *msg),
	    void *arg);

/*
 * Read the archive (or extracted bag) v->bundle into v, every file hashed,
 * the records and tag files kept (verify-read.c): 0, or 65 / 74 after a
 * message.  *top: the bag directory's name, to free.  cr_verify_free()
 * releases what v holds (not v->bundle).
 */
int	cr_verify_read(struct cr_verify *, char **top);
/*
 * The BagIt checks (verify-bag.c) of a bag read into v, whose top
 * directory is `top`: problems, v->ext_id, v->bagging_date, v->link.
 */
void	cr_verify_bag(struct cr_verify *, const char *top);
void	cr_verify_free(struct cr_verify *, char *top);

/* What verify --export asks for (verify-replay.c). */
struct cr_verify_replay {
	const char	*export_path;
	const char	*token_key;	/* NULL: tokens not compared */
	const char	*templates;	/* NULL: the built-in templates */
};
/*
 * Decide the bag's manifest again against the export, with the options of
 * its summary.json, and compare every payload file with the bag's: each
 * difference a problem naming the file, line and both values.  0, or an
 * exit code when the replay could not run.
 */
int	cr_verify_replay(struct cr_verify *, const struct cr_verify_replay *);

/* The consistency checks of the records (verify-records.c). */
void	cr_verify_records(struct cr_verify *);

/*
 * What verify-records.c found of the records, for verify-manifest.c: the
 * files whose tables were readable (CSV with the columns), and sorted
 * indexes (struct vs_run, verify-stream.h) of the first row of each key:
 *  - released: request_id, row, customer_id, reseller_id, codes, the
 *    csv line, the manifest line (decisions.csv's released rows);
 *  - products: product_id, row, request_id, customer_id, name, kind,
 *    line (ownership.csv);
 *  - customers: customer_id, row, email, line (customers.csv).
 */
struct vs_run;
struct cr_verify_tables {
	const struct cr_verify_file	*dec, *own, *cust, *shares, *cu;
	const struct vs_run		*released, *products, *customers;
};
/* The records against the bag's manifest (verify-manifest.c). */
void	cr_verify_manifest(struct cr_verify *,
	    const struct cr_verify_tables *);

#endif
