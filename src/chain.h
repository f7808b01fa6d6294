/*
 * chain.h -- the chain of nights in one OUT.  Every committed run's bag
 * records its predecessor in bag-info.txt (Previous-Run-Id and
 * Previous-Tagmanifest-SHA256), and its run directory keeps copies of
 * that bag-info.txt and of the bag's tagmanifest-sha256.txt, so that the
 * next run links to it without opening its bundle.
 *
 * The predecessor of a new run is the head of OUT: the committed run that
 * no other committed run names as its predecessor (the greatest run id
 * when several do not: runs from before the chain, or a fork).  It reads
 * two small files per committed run and prints nothing; the caller
 * reports.
 */
#ifndef CR_CHAIN_H
#define CR_CHAIN_H

#include "rundir.h"

/* The copies a committed run keeps of its bag's tag files. */
#define CR_CHAIN_BAG_INFO	"bag-info.txt"
#define CR_CHAIN_TAGMANIFEST	"tagmanifest-sha256.txt"

struct cr_chain_link {
	char	run_id[CR_RUN_ID_LEN + 1];	/* "" when OUT has no run */
	char	tagmanifest_sha256[65];		/* "" when unknown */
};

/*
 * The head of rd's committed runs into *head: 0, or CR_STATUS_IO when a
 * copy exists but cannot be read (errno in *err).
 */
int	cr_chain_head(struct cr_rundir *rd, struct cr_chain_link *head,
	    int *err);

/* The value of "Key: value" in a bag-info text, copied; 0 or -1. */
int	cr_chain_bag_info(const char *text, size_t len, const char *key,
	    char *out, size_t size);

#endif
