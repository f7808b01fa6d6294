/*
 * model.h -- what a run knows once it has read its inputs (load.c), and
 * what it decided (decide.c): the manifest's requests, the part of the
 * export they touch, and the history of committed runs in OUT.
 *
 * Memory follows the manifest, not the export: only the organizations,
 * customers, products (with their contacts and shares) and accounts that
 * a request names are kept.  Two export-wide sets are the exception, both
 * small per row: every organization id (dangling customer references) and
 * a 64-bit hash of every product id (duplicates across customers).
 *
 * The model owns everything in it; cr_model_free() releases it all.
 */
#ifndef CR_MODEL_H
#define CR_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "codes.h"
#include "schema.h"


enum cr_outcome { CR_RELEASED, CR_SKIPPED, CR_REJECTED };

const char	*cr_outcome_name(enum cr_outcome);

/* One kept row of the export or the manifest. */
struct cr_rec {
	char		**val;		/* schema->ncols values, NULL = absent */
	const char	 *file;		/* interned in the model */
	unsigned long	  line;
	char		 *problem;	/* first row problem, or NULL */
	unsigned	  dups;		/* other rows with the same key */
};

struct cr_product {
	struct cr_rec	  r;
	size_t		  seq;		/* kept products before it */
	int		  earlier;	/* an earlier row had its id (load.c) */
	struct cr_rec	**contacts;
	size_t		  ncontacts;
	struct cr_rec	**shares;
	size_t		  nshares;
};

struct cr_customer {
	struct cr_rec		  r;
	struct cr_product	**products;	/* in export order */
	size_t			  nproducts;
	int			  dangling;	/* reseller_id names no org */
	size_t			  released_by;	/* position in req + 1, this run */
};

struct cr_update {			/* a contact replaced before release */
	struct cr_product	*product;
	struct cr_rec		*contact;
};

struct cr_request {
	struct cr_rec		 r;		/* the manifest row */
	size_t			 index;		/* manifest order, from 0 */
	char			*bad;		/* E_BAD_REQUEST details */
	/* decided */
	enum cr_outcome		 outcome;
	uint32_t		 codes;		/* 1 << enum cr_code */
	char			*message;
	/* effects of a release */
	struct cr_customer	*customer;
	struct cr_rec		*org;
	struct cr_rec		*import_account;	/* matched import_to */
	int			 change_owner;
	const char		*lang;		/* template language */
	struct cr_product	**grants;	/* quickshare grants */
	size_t			 ngrants;
	struct cr_update	*updates;	/* contact replacements */
	size_t			 nupdates;
	char			 token[48];	/* claim token (never logged) */
	char			 token_sha256[65];
};

struct cr_model;

/* A request whose request_id an earlier row of the manifest has. */
struct cr_dup {
	size_t		index;		/* the request, in manifest order */
	size_t		first;		/* the first row with its request_id */
	unsigned long	line;		/* that row's line */
};

struct cr_model_input {
	char	*name;
	char	 sha256[65];
};

/*
 * One look-up remembered while the export is read (load.c): rows that
 * follow each other repeat their keys (a product's contacts its id, a
 * customer's products its id, every row its file name).  Valid while the
 * map is the same and holds as many keys (no key added, no slot moved).
 */
#define CR_MEMO_KEY	48
struct cr_memo {
	const struct cr_map	*map;		/* NULL: empty */
	size_t			 count;		/* the map's, then */
	void			**slot;		/* a look-up's answer */
	const char		*interned;	/* an interning's answer */
	size_t			 len;
	char			 key[CR_MEMO_KEY];
};
enum { CR_MEMO_CUSTOMERS, CR_MEMO_PRODUCTS, CR_MEMO_FILE, CR_MEMO_ROLE,
    CR_MEMO_ORG, CR_MEMO_EMAIL, CR_MEMO_N };

/* Everything load.c fills and decide.c reads. */
struct cr_model {
	struct cr_request	*req;
	size_t			 nreq, reqcap;	/* reqcap: allocated */
	char			*manifest_path;
	int			 manifest_fd;	/* the manifest read once, */
	int			 has_manifest_fd; /* kept open for the bundle */
	char			*manifest_name;	/* base name, for the bundle */
	char			 manifest_sha256[65];
	int			 manifest_xml;
	struct cr_model_input	*inputs;	/* export files read */
	size_t			 ninputs;
	int			 export_xml;

	struct cr_map		*req_first;	/* request_id -> first index + 1 */
	struct cr_map		*touched_orgs;	/* ids the manifest names */
	struct cr_map		*touched_customers;
	struct cr_map		*touched_accounts;

	struct cr_map		*orgs;		/* id -> struct cr_rec * */
	struct cr_map		*org_ids;	/* every organization id */
	struct cr_map		*customers;	/* id -> struct cr_customer * */
	struct cr_map		*products;	/* id -> struct cr_product * */
	struct cr_seen		*product_ids;	/* hash of every product id of
						   a row not kept (seen.h) */
	struct cr_product	**extras;	/* a touched customer's product
						   whose id another customer's
						   product has: not in products */
	size_t			 nextras;
	size_t			 nkept;		/* products kept, with extras */
	struct cr_map		*accounts;	/* username -> struct cr_rec * */

	struct cr_map		*hist_applied;	/* request_id -> customer_id */
	struct cr_map		*hist_released;	/* customer_id -> request_id */
	unsigned		 hist_runs;

	struct cr_map		*child_problems;	/* customer_id -> why
						   a product row of it that is
						   not kept is broken */
	struct cr_map		*files;		/* interned file names */
	struct cr_arena		*rows;		/* kept rows (xmalloc.h) */
	struct cr_map		*strings;	/* contacts' values, interned */
	struct cr_pending {			/* XML children of a product */
		struct cr_rec	*rec;		/* before the product's row */
		int		 contact;	/* else a share */
	}			*pending;
	size_t			 npending;
	struct cr_check		*strict;	/* --strict: check.c engine */

	/*
	 * A memory budget (--memory): loading stops keeping rows once what
	 * it keeps passes it (over), but reads its input to the end, so
	 * that every error and warning of it comes out once; the manifest is
	 * then decided a part at a time (cmd-common.c): the requests whose
	 * customer_id hashes to part_res modulo part_mod, with the
	 * manifest's duplicate request ids found beforehand
	 * (cr_model_scan_manifest).
	 */
	size_t			 budget;	/* bytes; 0: none */
	int			 over;
	uint64_t		 part_mod, part_res;	/* mod 0: every row */
	size_t			 nrows;		/* manifest rows, kept or not */
	size_t			 nin;		/* rows of the part, kept or not */
	uint64_t		 part_hash;	/* of the part's first row */
	int			 part_mixed;	/* rows of other hashes too */
	const struct cr_dup	*dups;		/* by index (parts only) */
	size_t			 ndups;
	unsigned		 tick;
	struct cr_memo		 memo[CR_MEMO_N];
};


struct cr_rundir;
struct cr_export;
struct cr_history;

/*
 * Read the manifest (at most a few hundred thousand rows: kept whole),
 * the history of the committed runs of rd (may be NULL), then stream the
 * export keeping only what the manifest touches.  0 or an exit code.
 */
int	cr_model_load_manifest(struct cr_model *, const char *path);
/*
 * The same from the open manifest of an earlier load (fd, read from its
 * start; xml as that load found), for one part: CR_STATUS_DATA when its
 * digest is no longer `sha256`.  The caller keeps fd.
 */
int	cr_model_reload_manifest(struct cr_model *, int fd, int xml,
	    const char *sha256);
/*
 * Before a manifest is decided in parts: every row whose request_id an
 * earlier row has, by index (*dups, the caller frees), and the number of
 * rows.  Memory: a sorter of bounded size (verify-stream.h) and 24 bytes
 * a duplicate.  0 or an exit status.
 */
int	cr_model_scan_manifest(int fd, const char *name, int xml,
	    const char *sha256, struct cr_dup **dups, size_t *ndups,
	    size_t *nrows);
/* The first request with q's request_id (q's own index if none) and its
   line. */
size_t	cr_model_first(const struct cr_model *, const struct cr_request *q,
	    unsigned long *line);
/*
 * The history: *hist (when not NULL) gets the history index handle
 * (history.h), for cr_history_update once the run is committed; the
 * caller frees it.
 */
int	cr_model_load_history(struct cr_model *, struct cr_rundir *,
	    struct cr_history **hist);
/* 0 or an exit status; m->over when its budget was passed. */
int	cr_model_load_export(struct cr_model *, struct cr_export *,
	    int strict);
void	cr_model_free(struct cr_model *);
/*
 * Once decided, free what only loading and deciding use (the look-up
 * maps, the history, the product-id check): the requests and the records
 * they point to stay, for the write stage.
 */
void	cr_model_drop_indexes(struct cr_model *);

/* The value of column col of a record, or NULL. */
static inline const char *
cr_rec_get(const struct cr_rec *r, int col)
{
	return r->val[col];
}

#endif
