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
};

/* Problems printed (all are counted); cmd-verify.c says how many more. */
#define CR_VERIFY_SHOWN_MAX	100

void	cr_verify_problem(struct cr_verify *, const char *file,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
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
 * The records as verify-records.c parsed them (NULL when unreadable), and
 * its look-ups: a key to its first row + 1.
 */
struct cr_verify_tables {
	const struct cr_bag_table	*dec, *own, *cust, *shares, *cu;
	const struct cr_map		*released;	/* request_id of a
							   released dec row */
	const struct cr_map		*products;	/* own's product_id */
	const struct cr_map		*customers;	/* cust's customer_id */
};
/* The records against the bag's manifest (verify-manifest.c). */
void	cr_verify_manifest(struct cr_verify *,
	    const struct cr_verify_tables *);

#endif
