/*
 * seen.h -- a write-once list of 64-bit hashes that does not live in
 * memory: "did this id occur in some other row of the export?" asked of a
 * few thousand ids after reading millions of rows.
 *
 * Hashes are appended to a bounded buffer; a full buffer is written to an
 * unnamed temporary file (O_TMPFILE, else mkstemp and unlink at once) in
 * $TMPDIR (default /tmp), 8 bytes a hash.  Reading them back is one
 * sequential pass.  Memory stays at the buffer whatever the export's size;
 * the disk holds 8 bytes per hash until cr_seen_free().  A small list never
 * touches the disk.
 *
 * It deliberately does not deduplicate or look anything up: the caller
 * tests each hash of the pass against its own small set.
 */
#ifndef CR_SEEN_H
#define CR_SEEN_H

#include <stddef.h>
#include <stdint.h>

struct cr_seen;

/* bufcount: hashes kept in memory before the first spill (0: default). */
struct cr_seen	*cr_seen_new(size_t bufcount);
void		 cr_seen_free(struct cr_seen *);

/*
 * Append a hash.  A failing spill is remembered (and recorded once); later
 * calls are no-ops and cr_seen_foreach() returns CR_STATUS_IO.
 */
void		 cr_seen_add(struct cr_seen *, uint64_t);
uint64_t	 cr_seen_count(const struct cr_seen *);
/* 0, or CR_STATUS_IO once a spill has failed. */
int		 cr_seen_status(const struct cr_seen *);

/*
 * Call fn for every hash, in the order added.  Returns 0, CR_STATUS_IO
 * after a write or read error (recorded), or fn's first non-zero return.
 */
int		 cr_seen_foreach(struct cr_seen *,
		    int (*fn)(void *arg, uint64_t), void *arg);

#endif
