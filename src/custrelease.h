/*
 * custrelease.h -- what every module of custrelease shares: the exit codes
 * of docs/format.md 5 (one enum, as jq keeps them), the graded status of a
 * library call, and the version.
 *
 * It deliberately holds no data model: see schema.h for the tables, row.h
 * for one row as the readers hand it out.
 */
#ifndef CUSTRELEASE_H
#define CUSTRELEASE_H

/* Process exit codes (docs/format.md 5).  Every command returns one of them. */
enum cr_exit {
	CR_EXIT_OK = 0,		/* committed; every request released or skipped */
	CR_EXIT_REJECTED = 1,	/* committed; at least one rejected (check: problems) */
	CR_EXIT_USAGE = 2,	/* bad command line, key, URL, template */
	CR_EXIT_DATAERR = 65,	/* input data error: nothing written */
	CR_EXIT_CANTCREAT = 73,	/* output directory cannot be created */
	CR_EXIT_IOERR = 74,	/* read or write failed: nothing committed */
	CR_EXIT_LOCKED = 75	/* another run holds the lock on OUT */
};

/*
 * Archive bombs: the most an archive of `size` bytes may expand to, an
 * export (export.c) or a bundle (cmd-verify.c): 64 MiB plus 100 times
 * its size.  Real exports and bundles compress 5 to 20 times.
 */
#define CR_EXPAND_MAX(size)	(64ULL * 1024 * 1024 + 100ULL * (size))

/*
 * The most requests one manifest may hold, hence the most claim emails a
 * bundle holds; verify accepts that many entries plus the records and tag
 * files (CR_BAG_ENTRIES_MAX), and no more.  A larger migration is split
 * into several runs (docs/behaviour.md "Bounds").
 */
#define CR_REQUESTS_MAX		1000000UL
#define CR_BAG_ENTRIES_MAX	(CR_REQUESTS_MAX + 64)

/*
 * Library calls return 0 on success or one of the non-zero exit codes
 * above, having already printed their diagnostic (diag.h).  A caller that
 * gets a non-zero value stops and hands it up unchanged: the exit code is
 * decided where the fault is seen, once.
 */

#endif
