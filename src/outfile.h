/*
 * outfile.h -- one buffered output file of a run: a 64 KiB buffer in front
 * of write(2), a running SHA-256 and byte count of what was written, and a
 * sticky error.  The first failing write is remembered; later writes are
 * no-ops; cr_outfile_close() reports it once as
 *
 *	custrelease: NAME:0: write error: <strerror>
 *
 * and returns CR_STATUS_IO.  Callers therefore write without checking
 * and look at one status, at close.
 *
 * It deliberately does not format records (write.h does), choose names or
 * directories (rundir.h does) or retry anything but EINTR and short writes.
 *
 * The only system calls are openat, fchmod, write, fsync and close (and
 * unlinkat, for a scratch file, which the fault-injection shim does not
 * fail), so the shim sees every byte of a run pass through them.
 */
#ifndef CR_OUTFILE_H
#define CR_OUTFILE_H

#include <stddef.h>
#include <stdint.h>

struct cr_outfile;

#define CR_OUTFILE_BUFSIZE	(64 * 1024)

/*
 * Create `name` in directory `dirfd` (openat O_WRONLY|O_CREAT|O_EXCL|
 * O_CLOEXEC|O_NOFOLLOW, then mode 0600 whatever the umask).  `display` is
 * the path used in messages (NULL: `name`).  On failure records
 * "DISPLAY:0: cannot create: <strerror>" (err.h) and returns NULL;
 * the caller returns CR_STATUS_IO.
 */
struct cr_outfile *cr_outfile_open(int dirfd, const char *name,
		    const char *display);
/*
 * Write to an fd the caller owns (stdout): close flushes but neither
 * fsyncs nor closes the fd.
 */
struct cr_outfile *cr_outfile_fdopen(int fd, const char *display);
/* Write to a growable memory buffer; never fails. */
struct cr_outfile *cr_outfile_mem(const char *display);
/*
 * A scratch file of a run: `name` created in dirfd (0600, O_EXCL,
 * O_NOFOLLOW) for reading and writing, and unlinked at once, so that no
 * exit path leaves it behind: its fd, or -1 with errno.  When the unlink
 * fails the fd is closed but the empty file stays: callers make these in
 * the run being built, which a failure removes whole.
 */
int		 cr_outfile_unlinked(int dirfd, const char *name);

void		 cr_outfile_write(struct cr_outfile *, const void *, size_t);
void		 cr_outfile_putc(struct cr_outfile *, int);
void		 cr_outfile_puts(struct cr_outfile *, const char *);
void		 cr_outfile_printf(struct cr_outfile *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* 0, or CR_STATUS_IO once a write has failed (nothing recorded yet). */
int		 cr_outfile_status(const struct cr_outfile *);
const char	*cr_outfile_name(const struct cr_outfile *);
/* Bytes accepted so far (buffered or written). */
uint64_t	 cr_outfile_bytes(const struct cr_outfile *);
/* Hex SHA-256 of every byte accepted so far: 64 characters and a NUL. */
void		 cr_outfile_sha256_hex(const struct cr_outfile *, char out[65]);
/*
 * Skip the running SHA-256 of a file (before its first byte): for files
 * nobody asks the digest of, where it is a quarter of the cost of writing
 * them.  cr_outfile_sha256_hex() is then meaningless.
 */
void		 cr_outfile_nodigest(struct cr_outfile *);

/*
 * Memory outfiles: the bytes so far (NUL-terminated; the NUL is not
 * counted in *len).  Valid until the next write or the close.  NULL for a
 * file.  cr_outfile_mem_take() hands the buffer over: the caller frees
 * it, and the outfile is empty afterwards.  cr_outfile_mem_finish() hands
 * the buffer over and frees the outfile in one call (NULL for a file,
 * which is then discarded).  A memory buffer starts at 1 KiB and doubles.
 */
const char	*cr_outfile_mem_data(const struct cr_outfile *, size_t *len);
char		*cr_outfile_mem_take(struct cr_outfile *, size_t *len);
char		*cr_outfile_mem_finish(struct cr_outfile *, size_t *len);

/*
 * Flush, fsync (files from cr_outfile_open only), close and free.  Returns
 * 0, or CR_STATUS_IO after recording the first error of the file's life.
 * NULL is a no-op that returns 0.
 */
int		 cr_outfile_close(struct cr_outfile *);
/*
 * Whether cr_outfile_close() fsyncs (the default).  A caller that syncs the
 * whole file system once before its commit (cr_rundir_commit does, with
 * syncfs) turns it off: one fsync per file costs milliseconds each.
 */
void		 cr_outfile_sync_on_close(int);
/*
 * Close and free without flushing, syncing or reporting: for failure
 * paths, where the run is abandoned and the file removed with it.
 */
void		 cr_outfile_discard(struct cr_outfile *);

#endif
