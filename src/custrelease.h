/*
 * custrelease.h -- what every module of custrelease shares: the status a
 * library call returns (err.h) and the bounds of docs/behaviour.md.  The
 * exit codes are the command layer's (cmd.h).
 *
 * It deliberately holds no data model: see schema.h for the tables, row.h
 * for one row as the readers hand it out.
 */
#ifndef CUSTRELEASE_H
#define CUSTRELEASE_H

#include "err.h"	/* enum cr_status: what a library call returns */

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

#endif
