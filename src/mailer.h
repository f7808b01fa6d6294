/*
 * mailer.h -- the claim emails of a run.  What the emails of the released
 * requests need is copied out of the model first (a few hundred bytes an
 * email), so that the model can be freed before the bundle is made.  The
 * caller then renders each bundle copy, redacted, on its own thread; a
 * second thread, the mailer, follows it and writes each customer's copy,
 * with its token, to emails/<customer_id>.eml.  Creating thousands of
 * small files is mostly kernel time, which then overlaps the bundle.
 *
 * The mailer renders an email only once its redacted copy has rendered,
 * so a field the renderer refuses is reported once, by the caller, and the
 * mailer's own failures are I/O errors (recorded by it, returned by join).
 *
 * The tokens copied here are wiped by cr_mailer_free().  It deliberately
 * does not choose names beyond <customer_id>.eml, sync, or commit: the
 * run directory does.
 */
#ifndef CR_MAILER_H
#define CR_MAILER_H

#include <stddef.h>

struct cr_model;
struct cr_emit_opts;
struct cr_outfile;
struct cr_mailer;

/*
 * The emails of m's released requests, in manifest order, to be written
 * into the directory emails_fd (display: the run directory, for
 * messages).  The model may go once this returns.
 */
struct cr_mailer *cr_mailer_new(const struct cr_model *m,
		    const struct cr_emit_opts *, int emails_fd,
		    const char *display);
size_t		 cr_mailer_count(const struct cr_mailer *);
const char	*cr_mailer_customer_id(const struct cr_mailer *, size_t i);

/* Start the mailer thread: 0, or CR_STATUS_IO after a message. */
int		 cr_mailer_start(struct cr_mailer *);
/*
 * Render email i (in order: 0, 1, ...) redacted into out, then let the
 * mailer write the customer's copy.  0, or cr_email_render()'s code.
 */
int		 cr_mailer_redacted(struct cr_mailer *, size_t i,
		    struct cr_outfile *out);
/*
 * Wait for the mailer to write every email handed to it (failed = 1: only
 * the one it is writing).  Its status: 0, or CR_STATUS_IO after it
 * recorded why.  0 when it was never started.
 */
int		 cr_mailer_join(struct cr_mailer *, int failed);
/* Join (as failed) if need be, wipe the tokens, free. */
void		 cr_mailer_free(struct cr_mailer *);
/*
 * For cr_err_at_fatal(), with the mailer as arg: stop and join its
 * writer before the run being built is removed, so that it makes no file
 * there meanwhile (unless the fatal error is on the writer itself).
 */
void		 cr_mailer_stop_fatal(void *);

#endif
