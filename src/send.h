/*
 * send.h -- `send`: pipe the claim emails of one committed run to a
 * sendmail-compatible command, exactly once across reruns.
 *
 * The run directory OUT/<run_id> gets two files:
 *	sent.lock	flock(LOCK_EX|LOCK_NB) while a send runs (empty)
 *	sent.log	the journal: one line per email sendmail accepted,
 *			"<customer_id> <sha256 hex> <YYYY-MM-DDTHH:MM:SSZ>\n",
 *			appended and fsync'd before the next email is piped
 * An email is piped only when the journal has no line for it; a journal
 * line whose email has a different SHA-256 is a problem (CR_STATUS_DATA).
 * A last line without its newline (a crash mid-write) is cut off.
 *
 * It deliberately does not print: every failure is recorded in the result
 * (err, exit status of custrelease.h) for cmd-send.c to report.  It never
 * reads or changes anything of the run but emails/, sent.log and
 * sent.lock.
 */
#ifndef CR_SEND_H
#define CR_SEND_H

#include <stddef.h>

struct cr_send_opts {
	const char	*run;		/* OUT/<run_id> */
	char		**argv;		/* the sendmail command; a word "%f"
					 * becomes the envelope sender */
	double		 timeout;	/* seconds before a sendmail is killed */
	unsigned	 tries;		/* attempts on exit 75 (>= 1) */
	double		 retry_delay;	/* seconds before the 2nd try, doubled */
	double		 rate;		/* emails per minute, 0: no limit */
	int		 dry_run;	/* list, send nothing, write nothing */
	int		 delete_sent;	/* unlink each email once journaled */
	/* Called before each email is piped (or listed, in a dry run). */
	void		(*each)(void *arg, const char *id, const char *from,
			    size_t done, size_t total);
	void		*arg;
};

struct cr_send_result {
	size_t	 total;		/* emails of the run, journaled ones included */
	size_t	 sent;		/* accepted by sendmail in this call */
	size_t	 already;	/* journaled by an earlier send */
	size_t	 deleted;	/* unlinked (--delete-sent) */
	size_t	 pending;	/* not sent (dry run: would be sent) */
	char	 err[512];	/* the problem when the status is not 0 */
};

/* Send; 0 or CR_STATUS_DATA, CR_STATUS_IO or CR_STATUS_TEMPFAIL (also:
 * sendmail's temporary failure persisted). */
int	cr_send(const struct cr_send_opts *, struct cr_send_result *);

#endif
