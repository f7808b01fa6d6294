/*
 * err.h -- how library code reports a failure: it records what failed in
 * the error handle and returns a status; it never prints and never picks
 * an exit code.  The command layer (cmd-diag.c) alone turns records into
 * lines on stderr and statuses into exit codes (docs/format.md 5).
 *
 * The model is libarchive's archive_set_error with graded returns, with
 * one difference: the handle is the process's, not one per object, the
 * way libgit2 keeps its last error per thread.  A handle per object would
 * have to be threaded through every reader, writer and check, most of
 * which have no object to hang it on.  So:
 *
 *  - cr_err_set(), cr_err_warn() and cr_err_note() record.  errno is
 *    saved in the record at once, and left as it was.
 *  - Each record goes to the sink the command installed (cmd-diag.c
 *    prints it at once, so a long run's warnings keep their place beside
 *    the progress line, and check's problems stream however many there
 *    are).  With no sink, a record is only kept.
 *  - The calling thread's last failure stays readable (cr_err_last) until
 *    its next one, for a caller that handles a failure itself.
 *  - cr_err_hold() keeps the calling thread's records from the sink until
 *    cr_err_release(): a caller that tries something and copes with its
 *    failure (the history index, verify re-reading a manifest) holds.
 *
 * The handle holds one record per thread: nothing here grows.  Messages
 * must never hold a claim token or a key; field values go through
 * cr_diag_quote() first.
 */
#ifndef CR_ERR_H
#define CR_ERR_H

#include <stddef.h>

/*
 * What a library call returns: 0, or what failed.  The order matters:
 * a caller that has two keeps the larger.  cmd-diag.c maps each to an
 * exit code (cr_cmd_exit_code).
 */
enum cr_status {
	CR_STATUS_OK = 0,
	CR_STATUS_REJECTED,	/* done; a request rejected, or check problems */
	CR_STATUS_USAGE,	/* a bad option value, key, URL or template */
	CR_STATUS_DATA,		/* the input is wrong; nothing written */
	CR_STATUS_CANTCREAT,	/* OUT cannot be created */
	CR_STATUS_IO,		/* the system failed a read or a write */
	CR_STATUS_TEMPFAIL	/* later: OUT is locked, or the MTA failed for now */
};

enum cr_grade {
	CR_GRADE_NOTE,		/* a line of its own, no file */
	CR_GRADE_WARN,		/* something odd; the call goes on */
	CR_GRADE_FAILED		/* the call fails */
};

#define CR_ERR_FILE_MAX	512
#define CR_ERR_MSG_MAX	1024

struct cr_errrec {
	enum cr_grade	 grade;
	int		 errnum;	/* errno when recorded */
	int		 has_file;
	unsigned long	 line;		/* 0: no line applies */
	char		 file[CR_ERR_FILE_MAX];	/* the name the user gave */
	char		 msg[CR_ERR_MSG_MAX];
};

typedef void	cr_err_sink(void *arg, const struct cr_errrec *);

/* The command layer's: where records go (NULL: nowhere). */
void	cr_err_set_sink(cr_err_sink *, void *arg);

/* Record a failure of FILE at LINE (FILE NULL: none; LINE 0: none). */
void	cr_err_set(const char *file, unsigned long line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	cr_err_warn(const char *file, unsigned long line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	cr_err_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The calling thread's last failure; grade CR_GRADE_NOTE and "" if none. */
const struct cr_errrec *cr_err_last(void);
void	cr_err_clear(void);

/*
 * The conditions library code does not return from: out of memory, and a
 * spill file (memory moved to disk: verify-stream.c) that cannot be
 * written.  cr_err_fatal() calls the handler the command installed with
 * the status (cmd-diag.c exits with its code); abort() without one.  The
 * caller records why first; cr_err_nomem() records "out of memory".
 */
void	cr_err_set_fatal(void (*fatal)(int status));
/*
 * What cr_err_fatal() runs before the handler, e.g. removing the run being
 * built, or the replay's directory of claim tokens: fn pushes one (at
 * most 4 at once), NULL pops the last; they run innermost first.
 */
void	cr_err_at_fatal(void (*fn)(void *), void *arg);
void	cr_err_fatal(int status) __attribute__((noreturn));
void	cr_err_nomem(void) __attribute__((noreturn));

/* Keep this thread's records from the sink; calls nest. */
void	cr_err_hold(void);
void	cr_err_release(void);
/* Hand the last failure (if any) to the sink: one that was held. */
void	cr_err_resend(void);

/*
 * Make a field value safe and short for a message: at most `max` bytes of
 * the value, control bytes and invalid UTF-8 written as \xHH, a trailing
 * "..." when cut.  Returns `buf`.
 */
char	*cr_diag_quote(char *buf, size_t bufsize, const char *value,
	    size_t len, size_t max);

#endif
