/*
 * rundir.h -- the OUT directory protocol of docs/format.md 4 and 5: the lock, the
 * committed runs, and the build-then-rename of one new run.
 *
 * Layout of OUT:
 *	OUT/<run_id>/			a committed run (the only thing that
 *					counts; run_id: YYYYMMDDTHHMMSSZ-xxxxxxxx)
 *	OUT/.tmp-<run_id>-<pid>/	a run being built; left by a killed
 *					run, removed by the next cr_rundir_cleanup
 *	OUT/.failed-<run_id>-<pid>/	a run moved back out of the way after
 *					its commit could not be made durable;
 *					kept as evidence, never read
 *	OUT/.history-index/		the history index (history.h), a cache
 *
 * Protocol of `run`:
 *	cr_rundir_lock(out, 1, &rd)	flock(LOCK_EX|LOCK_NB) on OUT's fd
 *	cr_rundir_cleanup(rd)		remove stale .tmp-* entries
 *	cr_rundir_foreach_run(...)	read the committed runs
 *	cr_rundir_begin(rd, id, &fd)	mkdir .tmp-<id>-<pid>, write files
 *	cr_rundir_mkdir(rd, "emails")	(files through outfile.h, all closed)
 *	cr_rundir_commit(rd)		fsync, rename to <id>, fsync OUT
 *	cr_rundir_close(rd)		unlock; aborts an uncommitted run
 * `plan --out` uses cr_rundir_lock(out, 0, &rd): read-only, no lock, and a
 * missing OUT is an empty history.
 *
 * It deliberately does not read or write the files of a run (outfile.h,
 * the record writers and the history reader do), nor decide whether a
 * committed run with the same id is a no-op or an error.
 *
 * Every function that can fail records "PATH:0: what:
 * <strerror>" and returns CR_STATUS_IO, CR_STATUS_CANTCREAT or
 * CR_STATUS_TEMPFAIL; 0 on success.
 */
#ifndef CR_RUNDIR_H
#define CR_RUNDIR_H

struct cr_rundir;

#define CR_RUN_ID_LEN	25	/* "YYYYMMDDTHHMMSSZ-xxxxxxxx" */

/*
 * Open OUT.  create=1: make OUT (the last component only, mode 0700) if
 * missing -- failure is CR_STATUS_CANTCREAT -- and take the lock, or return
 * CR_STATUS_TEMPFAIL.  The lock dies with the process (or cr_rundir_close).
 * create=0: open read-only, no lock; a missing OUT gives a handle with no
 * runs.
 */
int		 cr_rundir_lock(const char *out, int create,
		    struct cr_rundir **rd);
/* Remove the .tmp-* entries of killed runs (never following symlinks). */
int		 cr_rundir_cleanup(struct cr_rundir *);

/*
 * Remove dirfd/name and, if it is a directory, everything below it, at
 * any depth, never following a symlink (a symlink is removed, not
 * entered).  0 (also when name is gone), or -1 with errno set; records
 * nothing.
 */
int		 cr_rundir_rmtree(int dirfd, const char *name);

/* 1 when name is YYYYMMDDTHHMMSSZ-xxxxxxxx (8 lowercase hex digits). */
int		 cr_rundir_is_run_id(const char *name);

/*
 * Call fn(arg, run_id) for each committed run (a directory, not a
 * symlink, named by a run id), in ascending bytewise order.  A non-zero
 * return from fn stops the walk and is returned.
 */
int		 cr_rundir_foreach_run(struct cr_rundir *,
		    int (*fn)(void *arg, const char *run_id), void *arg);
/* 1 when OUT/<run_id> is a committed run. */
int		 cr_rundir_has_run(struct cr_rundir *, const char *run_id);

/* OUT's directory fd (-1 when a read-only OUT is missing) and path. */
int		 cr_rundir_fd(const struct cr_rundir *);
const char	*cr_rundir_path(const struct cr_rundir *);

/*
 * Start the run: make OUT/.tmp-<run_id>-<pid> (0700) and return its fd in
 * *tmpfd.  The fd belongs to rd: do not close it.  Only with create=1.
 */
int		 cr_rundir_begin(struct cr_rundir *, const char *run_id,
		    int *tmpfd);
/*
 * Make a subdirectory `name` (one component, 0700) of the run being built
 * and return its fd (owned by rd) in *fd.
 */
int		 cr_rundir_mkdir(struct cr_rundir *, const char *name, int *fd);
/*
 * Display path of a name inside the run being built ("OUT/.tmp-.../name"),
 * for outfile messages.  Freed by the caller.
 */
char		*cr_rundir_display(const struct cr_rundir *, const char *name);

/*
 * The commit.  Every outfile of the run must have been closed (each close
 * fsyncs its file).  fsyncs the subdirectories and the run directory,
 * renames it to OUT/<run_id> (the commit point) and fsyncs OUT.  If that
 * last fsync fails the run is renamed to OUT/.failed-<run_id>-<pid> and
 * CR_STATUS_IO returned: nothing counts as committed.
 */
int		 cr_rundir_commit(struct cr_rundir *);
/* Remove the run being built, if any (any failure before the commit). */
void		 cr_rundir_abort(struct cr_rundir *);
/*
 * The same on a fatal exit (cr_err_at_fatal) while threads may still write
 * into the run being built: its fds stay open, so that no fd number is
 * reused under them; a file they make meanwhile may keep the directory,
 * for the next run's clean-up.  Nothing is freed: the process ends.
 */
void		 cr_rundir_abort_fatal(struct cr_rundir *);
/* Abort an uncommitted run, release the lock, free.  NULL is a no-op. */
void		 cr_rundir_close(struct cr_rundir *);

#endif
