/*
 * history.h -- the history index of OUT: which request ids and customer ids
 * the committed runs released, looked up by key, so that what a run spends
 * on its history follows its manifest, not the number of committed runs or
 * their rows (docs/format.md 4.3).
 *
 * The committed decisions.csv files stay the truth.  The index is a cache
 * beside them, in OUT/.history-index/: segments, each covering a run of
 * consecutive committed runs, named <first_run_id>.idx.  A segment names
 * the runs it covers with the size and modification time of their
 * decisions.csv; only a chain of segments that covers the oldest committed
 * runs, one after the other, with those files unchanged, is used.  Every
 * committed run after that chain is read from its decisions.csv, as if
 * there were no index.  A missing, stale or damaged index therefore costs
 * time, never a wrong answer; cr_history_update rebuilds it.
 *
 * It deliberately does not decide anything: it answers "which released
 * rows name this key", first the oldest; the model (load.c) keeps the
 * first answer, as it does for rows read from decisions.csv.
 *
 * Nothing here prints.  A function that fails returns -1 with a message,
 * naming the file under OUT, in the handle (cr_history_error).
 */
#ifndef CR_HISTORY_H
#define CR_HISTORY_H

#include <stddef.h>

struct cr_rundir;
struct cr_history;

/* Key kinds: a released request id (value: its customer id), and a
 * released customer id (value: the request id that released it). */
#define CR_HIST_REQUEST		'R'
#define CR_HIST_CUSTOMER	'C'

struct cr_row;

/*
 * Whether a row of a committed decisions.csv released its customer: its
 * outcome is "released" and it names a request id and a customer id.
 * The history (load.c) and the index (history.c) count exactly these.
 */
int		 cr_history_row_released(const struct cr_row *);

/*
 * Open the index of rd's OUT.  runs[0..nruns) are the committed runs in
 * ascending order (cr_rundir_foreach_run); the handle copies them.  It
 * never writes and never fails: an index it cannot use covers no run.
 */
struct cr_history *cr_history_open(struct cr_rundir *, char *const *runs,
		    size_t nruns);
void		 cr_history_free(struct cr_history *);

/* How many of the oldest runs the index covers. */
size_t		 cr_history_covered(const struct cr_history *);

/*
 * The keys a caller asks about.  foreach() calls back once per wanted key;
 * wants() says whether a key is wanted (for segments read whole, when
 * there are more keys than a binary search per key is worth); found() gets
 * each released row that names a wanted key, oldest segment first.  The
 * key and value passed to found() live until it returns.
 */
struct cr_history_query {
	size_t	  nkeys;
	void	(*foreach)(void *arg, void (*each)(void *, int kind,
		    const char *key, size_t len), void *eacharg);
	int	(*wants)(void *arg, int kind, const char *key, size_t len);
	void	(*found)(void *arg, int kind, const char *key, size_t len,
		    const char *value, size_t vlen);
	void	 *arg;
};

/*
 * Answer q from the covered runs.  0, or -1 when a segment turns out to
 * be damaged: the index then covers only the runs before that segment;
 * the caller forgets what found() gave and asks again (each -1 drops at
 * least one segment), then reads the runs after the covered ones.
 */
int		 cr_history_query(struct cr_history *,
		    const struct cr_history_query *);

/*
 * Make the index cover every committed run: the runs of the handle and
 * then new_run_id (NULL: none), as `run` calls it once its run is
 * committed, under the lock.  Segments that are not part of the covered
 * chain are removed, the uncovered runs are indexed, and small segments
 * are merged.  0, or -1 with the reason in cr_history_error(); the index
 * is then left as it was or partly built, never wrong.
 */
int		 cr_history_update(struct cr_history *, const char *new_run_id);

/* The message of the last failure. */
const char	*cr_history_error(const struct cr_history *);

/* The index directory's name under OUT. */
#define CR_HISTORY_DIR	".history-index"

#endif
