/*
 * stream.h -- one input byte stream (a file, an archive member, a memory
 * buffer in tests) that the readers pull from.  A stream counts its bytes,
 * hashes them with SHA-256 as they pass (the input digests of docs/format.md 4 cost
 * no second read) and enforces a size cap (archive bombs).
 *
 * Ownership: a stream does not own what its read function reads from; the
 * creator closes that.  cr_stream_free() frees the stream only.
 */
#ifndef CR_STREAM_H
#define CR_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cr_stream;

/*
 * A source's read function: like read(2), returns bytes read, 0 at end, or
 * -1 with errno set (an I/O error: the stream records it, status
 * CR_STATUS_IO), or -1 with errno 0 (bad data, e.g. a corrupt archive: the
 * source recorded why itself, status CR_STATUS_DATA).
 */
typedef ssize_t (*cr_stream_read_fn)(void *ctx, void *buf, size_t n);

struct cr_stream *cr_stream_new(const char *name, cr_stream_read_fn fn,
		    void *ctx);
struct cr_stream *cr_stream_fd(int fd, const char *name);
struct cr_stream *cr_stream_mem(const void *buf, size_t len,
		    const char *name);
void		 cr_stream_free(struct cr_stream *);

/*
 * Read ahead on a thread of its own: the source's read function and the
 * SHA-256 then run beside the caller's parsing, a few 256 KiB chunks ahead
 * (1 MiB of buffers).  Call before the first read.  The source must be
 * left alone by everything else until the stream ends or is freed (which
 * stops and joins the thread), and its read function may record nothing
 * but an error.  Returns 0, or -1 when no thread could be started (the
 * stream then reads in the caller, as before).
 */
int		 cr_stream_set_readahead(struct cr_stream *);

/* Stop with an input error once more than `limit` bytes come (0: none). */
void		 cr_stream_set_limit(struct cr_stream *, uint64_t limit);
/* Called with the bytes read so far after every read (progress line). */
void		 cr_stream_set_progress(struct cr_stream *,
		    void (*fn)(void *, uint64_t), void *arg);

/*
 * Read up to n bytes.  Returns the count, 0 at the end, -1 on failure,
 * having recorded "NAME:0: ..." (err.h) and set the status that
 * cr_stream_status() returns (CR_STATUS_IO for a read error,
 * CR_STATUS_DATA for a stream over its limit).
 */
ssize_t		 cr_stream_read(struct cr_stream *, void *buf, size_t n);
int		 cr_stream_status(const struct cr_stream *);
const char	*cr_stream_name(const struct cr_stream *);
uint64_t	 cr_stream_bytes(const struct cr_stream *);
/* Read to the end (so the digest covers the whole input); 0 or status. */
int		 cr_stream_drain(struct cr_stream *);
/*
 * Hex SHA-256 of every byte read so far: 64 characters and a NUL.  With
 * read-ahead, only at the end of the stream (after cr_stream_drain).
 */
void		 cr_stream_sha256_hex(const struct cr_stream *, char out[65]);

#endif
