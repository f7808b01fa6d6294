/*
 * fuzz.h -- what the libFuzzer targets of fuzz/ share: silencing the
 * diagnostics, a stream that hands the input out in chunks of a size the
 * input chooses (so the readers' buffer boundaries get exercised), a row
 * callback that touches every value and checks the struct cr_row contract,
 * and a checked abort for broken invariants.
 *
 * It is not part of the program and is built only by fuzz/run.sh.
 */
#ifndef CR_FUZZ_H
#define CR_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"
#include "stream.h"

/* Diagnostics to /dev/null, unless FUZZ_VERBOSE is set (replaying). */
void	fuzz_quiet(void);

/*
 * Abort with a message when `cond` is false: an invariant of a documented
 * contract broke.  libFuzzer records the input as a crash.
 */
#define FUZZ_ASSERT(cond)						\
	((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))
void	fuzz_fail(const char *file, int line, const char *what)
	    __attribute__((noreturn));

/* Chunked source state for fuzz_stream(); lives on the caller's stack. */
struct fuzz_chunks {
	const uint8_t	*data;
	size_t		 len;
	size_t		 pos;
	size_t		 step;
};

/*
 * A stream over data[0..len): `mode` 0 is cr_stream_mem (one read gives
 * everything asked for); 1..127 reads of at most `mode` bytes; 128..255
 * reads of at most (mode - 127) * 509 bytes.
 */
struct cr_stream *fuzz_stream(struct fuzz_chunks *, const uint8_t *data,
		    size_t len, unsigned mode, const char *name);

/*
 * A cr_row_fn: checks the row against the contract of schema.h (values
 * NUL-terminated at len, no NUL inside, absent = NULL, never blank),
 * reads every byte of every value and runs cr_rowcheck() on the row.
 * `arg` is a struct fuzz_rows.
 */
struct fuzz_rows {
	const struct cr_schema	*schema;	/* expected; NULL: any */
	unsigned long		 rows;
	unsigned long		 problems;
	size_t			 bytes;
	unsigned		 sum;
};
int	fuzz_row(void *arg, const struct cr_row *row);

/*
 * Check a rendered claim email against what email.h promises: 7-bit
 * ASCII, CRLF line ends only, header lines of known fields or folded
 * continuations (no injected header), no line over 998 bytes, body lines
 * (quoted-printable) of at most 76.
 */
void	fuzz_check_message(const char *msg, size_t len);

/*
 * The input as a file, for the code under test that reads a path: one
 * temporary file under $TMPDIR named after `name`, made at the first call
 * and removed at exit, rewritten with data[0..len) at each call; its path.
 */
const char	*fuzz_input_file(const char *name, const uint8_t *data,
		    size_t len);

/* A reader's return value must be 0 or CR_STATUS_DATA on memory input. */
void	fuzz_check_rc(int rc);

#endif
