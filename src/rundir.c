/*
 * rundir.c -- the locked OUT directory and the atomic commit of a run;
 * see rundir.h for the layout and the protocol.  It does not read or
 * write the files inside a run.
 *
 * Everything below OUT is reached through OUT's directory fd with the *at
 * calls and O_NOFOLLOW, so a symlink planted in OUT is never followed.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "custrelease.h"
#include "err.h"
#include "rundir.h"
#include "xmalloc.h"

#define RUNDIR_TMP_PREFIX	".tmp-"
#define RUNDIR_FAILED_PREFIX	".failed-"

struct rundir_sub {
	char	*name;
	int	 fd;
};

struct cr_rundir {
	char			*path;		/* OUT as given */
	int			 fd;		/* OUT, or -1 if missing (ro) */
	int			 writable;	/* create=1: locked */
	char			*run_id;	/* of the run being built */
	char			*tmpname;	/* .tmp-<run_id>-<pid>, or NULL */
	int			 tmpfd;
	struct rundir_sub	*subs;
	size_t			 nsubs;
};

/* "OUT/name", for messages. */
static char *
rundir_join(const char *dir, const char *name)
{
	size_t len = strlen(dir);
	char *p;

	if (len > 0 && dir[len - 1] == '/')
		xasprintf(&p, "%s%s", dir, name);
	else
		xasprintf(&p, "%s/%s", dir, name);
	return p;
}

static int
rundir_fail(const char *dir, const char *name, const char *what, int status)
{
	int errnum = errno;
	char *p = name != NULL ? rundir_join(dir, name) : NULL;

	cr_err_set(p != NULL ? p : dir, 0, "%s: %s", what, strerror(errnum));
	free(p);
	return status;
}

static void
rundir_free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * The names in directory fd, without "." and "..", in readdir order.
 * Opens the directory afresh, so fd's own position is never shared.
 * Returns 0, or -1 with errno set.
 */
static int
rundir_list(int fd, char ***namesp, size_t *np)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int lfd, errnum;

	lfd = openat(fd, ".", O_RDONLY|O_DIRECTORY|O_CLOEXEC);
	if (lfd < 0)
		return -1;
	if ((d = fdopendir(lfd)) == NULL) {
		errnum = errno;
		close(lfd);
		errno = errnum;
		return -1;
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			names = xreallocarray(names, cap, sizeof *names);
		}
		names[n++] = xstrdup(de->d_name);
	}
	errnum = errno;
	closedir(d);
	if (errnum != 0) {
		rundir_free_names(names, n);
		errno = errnum;
		return -1;
	}
	*namesp = names;
	*np = n;
	return 0;
}

/*
 * Remove name in fd when it is a file, a symlink or an empty directory.
 * 1: removed (or gone), 0: a directory that is not empty, -1: errno set.
 */
static int
rundir_unlink_one(int fd, const char *name)
{
	if (unlinkat(fd, name, 0) == 0 || errno == ENOENT)
		return 1;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	if (unlinkat(fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 1;
	return errno == ENOTEMPTY || errno == EEXIST ? 0 : -1;
}

/*
 * Empty the directory *fdp of depth *depth: remove what it holds, or move
 * *fdp down into its first directory that is not empty (*depth + 1), or,
 * once it is empty, up to its parent (*depth - 1; the caller stops at 0).
 * Returns 1 when *fdp was emptied at depth 0, 0 when it moved, -1 (errno).
 */
static int
rundir_rmtree_step(int *fdp, size_t *depth)
{
	char **names;
	size_t n, i;
	int rc = 1, next = -1, errnum = 0;

	if (rundir_list(*fdp, &names, &n) != 0)
		return -1;
	for (i = 0; i < n && rc == 1; i++) {
		rc = rundir_unlink_one(*fdp, names[i]);
		if (rc == 0)
			next = openat(*fdp, names[i],
			    O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC);
		errnum = errno;
	}
	rundir_free_names(names, n);
	if (rc < 0 || (rc == 0 && next < 0)) {
		errno = errnum;
		return -1;
	}
	if (rc == 1 && *depth == 0)
		return 1;
	if (rc == 1)		/* emptied: back up to the parent */
		next = openat(*fdp, "..", O_RDONLY|O_DIRECTORY|O_CLOEXEC);
	if (next < 0)
		return -1;
	close(*fdp);
	*fdp = next;
	*depth = rc == 0 ? *depth + 1 : *depth - 1;
	return 0;
}

/*
 * Remove dirfd/name and, if it is a directory, everything below it, at
 * any depth and with one directory open at a time: it walks down into a
 * directory that is not empty and back up through ".." once it is, never
 * following a symlink (a symlink is removed, not entered).  Returns 0
 * (also when name is gone), or -1 with errno set.
 */
int
cr_rundir_rmtree(int dirfd, const char *name)
{
	size_t depth = 0;
	int fd, rc, errnum;

	fd = openat(dirfd, name, O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno != ENOTDIR && errno != ELOOP)
			return -1;
		if (unlinkat(dirfd, name, 0) != 0 && errno != ENOENT)
			return -1;
		return 0;
	}
	while ((rc = rundir_rmtree_step(&fd, &depth)) == 0)
		;
	errnum = errno;
	close(fd);
	if (rc < 0) {
		errno = errnum;
		return -1;
	}
	if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		return -1;
	return 0;
}

/* fsync the directory that holds the new OUT, so OUT itself survives. */
static int
rundir_sync_parent(const char *out)
{
	char *copy = xstrdup(out), *parent;
	int fd, rc = 0;

	parent = dirname(copy);
	fd = open(parent, O_RDONLY|O_DIRECTORY|O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		rc = rundir_fail(parent, NULL, "cannot sync directory",
		    CR_STATUS_IO);
	}
	if (fd >= 0)
		close(fd);
	free(copy);
	return rc;
}

int
cr_rundir_lock(const char *out, int create, struct cr_rundir **rdp)
{
	struct cr_rundir *rd;
	int fd, created = 0, rc;

	*rdp = NULL;
	if (create) {
		/* chmod at once: a umask of 0777 would leave it at 000 */
		if (mkdir(out, 0700) == 0 && chmod(out, 0700) == 0)
			created = 1;
		else if (errno != EEXIST)
			return rundir_fail(out, NULL,
			    "cannot create directory", CR_STATUS_CANTCREAT);
	}
	fd = open(out, O_RDONLY|O_DIRECTORY|O_CLOEXEC);
	if (fd < 0) {
		if (!create && errno == ENOENT)
			goto done;
		return rundir_fail(out, NULL, "cannot open directory",
		    create ? CR_STATUS_CANTCREAT : CR_STATUS_IO);
	}
	if (created && fchmod(fd, 0700) != 0) {
		rc = rundir_fail(out, NULL, "cannot set mode",
		    CR_STATUS_CANTCREAT);
		close(fd);
		return rc;
	}
	if (create && flock(fd, LOCK_EX|LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK) {
			cr_err_set(out, 0, "another run holds the lock on "
			    "this directory");
			rc = CR_STATUS_TEMPFAIL;
		} else
			rc = rundir_fail(out, NULL, "cannot lock",
			    CR_STATUS_IO);
		close(fd);
		return rc;
	}
	if (created && (rc = rundir_sync_parent(out)) != 0) {
		close(fd);
		return rc;
	}
done:
	rd = xcalloc(1, sizeof *rd);
	rd->path = xstrdup(out);
	rd->fd = fd;
	rd->writable = create != 0;
	rd->tmpfd = -1;
	*rdp = rd;
	return 0;
}

int
cr_rundir_cleanup(struct cr_rundir *rd)
{
	char **names;
	size_t n, i;
	int rc = 0;

	if (!rd->writable || rd->fd < 0)
		return 0;
	if (rundir_list(rd->fd, &names, &n) != 0)
		return rundir_fail(rd->path, NULL, "cannot read directory",
		    CR_STATUS_IO);
	for (i = 0; i < n && rc == 0; i++) {
		if (strncmp(names[i], RUNDIR_TMP_PREFIX,
		    strlen(RUNDIR_TMP_PREFIX)) != 0)
			continue;
		/* Ours only while we build it; we do not build one yet. */
		if (rd->tmpname != NULL && strcmp(names[i], rd->tmpname) == 0)
			continue;
		if (cr_rundir_rmtree(rd->fd, names[i]) == 0)
			continue;
		/*
		 * OUT read-only (permissions, mount): a warning, so that a
		 * no-op rerun still succeeds; a run that needs to write
		 * fails at cr_rundir_begin with "cannot create" (73).
		 */
		if (errno == EACCES || errno == EPERM || errno == EROFS) {
			char *p = rundir_join(rd->path, names[i]);

			cr_err_warn(p, 0, "cannot remove stale temporary run: %s: "
			    "left in place", strerror(errno));
			free(p);
			continue;
		}
		rc = rundir_fail(rd->path, names[i],
		    "cannot remove stale temporary run", CR_STATUS_IO);
	}
	rundir_free_names(names, n);
	return rc;
}

static int
rundir_digits(const char *s, size_t n, int lo, int hi)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v >= lo && v <= hi;
}

int
cr_rundir_is_run_id(const char *s)
{
	size_t i;

	if (strlen(s) != CR_RUN_ID_LEN)
		return 0;
	if (!rundir_digits(s, 4, 0, 9999) || !rundir_digits(s + 4, 2, 1, 12) ||
	    !rundir_digits(s + 6, 2, 1, 31) || s[8] != 'T' ||
	    !rundir_digits(s + 9, 2, 0, 23) ||
	    !rundir_digits(s + 11, 2, 0, 59) ||
	    !rundir_digits(s + 13, 2, 0, 60) ||
	    s[15] != 'Z' || s[16] != '-')
		return 0;
	for (i = 17; i < CR_RUN_ID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int
rundir_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 if OUT/name is a directory (not a symlink), 0 if not, -1 on error. */
static int
rundir_is_dir(int fd, const char *name)
{
	struct stat st;

	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -1;
	return S_ISDIR(st.st_mode) ? 1 : 0;
}

int
cr_rundir_foreach_run(struct cr_rundir *rd,
    int (*fn)(void *, const char *), void *arg)
{
	char **names;
	size_t n, i, nruns = 0;
	int rc = 0, isdir;

	if (rd->fd < 0)
		return 0;
	if (rundir_list(rd->fd, &names, &n) != 0)
		return rundir_fail(rd->path, NULL, "cannot read directory",
		    CR_STATUS_IO);
	for (i = 0; i < n; i++) {
		if (!cr_rundir_is_run_id(names[i])) {
			free(names[i]);
			continue;
		}
		isdir = rundir_is_dir(rd->fd, names[i]);
		if (isdir < 0) {
			rc = rundir_fail(rd->path, names[i], "cannot stat",
			    CR_STATUS_IO);
			free(names[i]);
			continue;
		}
		if (isdir == 0) {
			char *p = rundir_join(rd->path, names[i]);

			cr_err_warn(p, 0, "not a directory: not a run, ignored");
			free(p);
			free(names[i]);
			continue;
		}
		names[nruns++] = names[i];
	}
	if (rc == 0) {
		if (nruns > 1)
			qsort(names, nruns, sizeof *names, rundir_cmp);
		for (i = 0; i < nruns && rc == 0; i++)
			rc = fn(arg, names[i]);
	}
	rundir_free_names(names, nruns);
	return rc;
}

int
cr_rundir_has_run(struct cr_rundir *rd, const char *run_id)
{
	if (rd->fd < 0 || !cr_rundir_is_run_id(run_id))
		return 0;
	return rundir_is_dir(rd->fd, run_id) == 1;
}

int
cr_rundir_fd(const struct cr_rundir *rd)
{
	return rd->fd;
}

const char *
cr_rundir_path(const struct cr_rundir *rd)
{
	return rd->path;
}

/* mkdirat + chmod 0700 + open: the fd of the new directory, or -1. */
static int
rundir_mkdir_at(int dirfd, const char *name)
{
	int fd, errnum;

	if (mkdirat(dirfd, name, 0700) != 0)
		return -1;
	/* before the open: under a umask of 0777 the new directory is 000 */
	if (fchmodat(dirfd, name, 0700, 0) != 0)
		return -1;
	fd = openat(dirfd, name, O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fchmod(fd, 0700) != 0) {
		errnum = errno;
		close(fd);
		errno = errnum;
		return -1;
	}
	return fd;
}

int
cr_rundir_begin(struct cr_rundir *rd, const char *run_id, int *tmpfd)
{
	char *name;
	int fd;

	*tmpfd = -1;
	if (!rd->writable || rd->fd < 0 || rd->tmpname != NULL ||
	    !cr_rundir_is_run_id(run_id)) {
		cr_err_set(rd->path, 0, "internal error: cannot begin run %s",
		    run_id);
		return CR_STATUS_IO;
	}
	xasprintf(&name, RUNDIR_TMP_PREFIX "%s-%ld", run_id, (long)getpid());
	fd = rundir_mkdir_at(rd->fd, name);
	if (fd < 0 && errno == EEXIST) {
		/* Left by a killed run whose pid we now have. */
		if (cr_rundir_rmtree(rd->fd, name) == 0)
			fd = rundir_mkdir_at(rd->fd, name);
	}
	if (fd < 0) {
		int errnum = errno;

		rundir_fail(rd->path, name, "cannot create directory", 0);
		(void)cr_rundir_rmtree(rd->fd, name);
		free(name);
		/* OUT's permissions or mount: the output cannot be created */
		return errnum == EACCES || errnum == EPERM || errnum == EROFS ?
		    CR_STATUS_CANTCREAT : CR_STATUS_IO;
	}
	rd->tmpname = name;
	rd->tmpfd = fd;
	rd->run_id = xstrdup(run_id);
	*tmpfd = fd;
	return 0;
}

int
cr_rundir_mkdir(struct cr_rundir *rd, const char *name, int *fdp)
{
	int fd;
	char *disp;

	*fdp = -1;
	if (rd->tmpname == NULL || strchr(name, '/') != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    *name == '\0') {
		cr_err_set(rd->path, 0, "internal error: cannot make "
		    "directory \"%s\"", name);
		return CR_STATUS_IO;
	}
	if ((fd = rundir_mkdir_at(rd->tmpfd, name)) < 0) {
		int errnum = errno;

		disp = cr_rundir_display(rd, name);
		cr_err_set(disp, 0, "cannot create directory: %s",
		    strerror(errnum));
		free(disp);
		return CR_STATUS_IO;
	}
	rd->subs = xreallocarray(rd->subs, rd->nsubs + 1, sizeof *rd->subs);
	rd->subs[rd->nsubs].name = xstrdup(name);
	rd->subs[rd->nsubs].fd = fd;
	rd->nsubs++;
	*fdp = fd;
	return 0;
}

char *
cr_rundir_display(const struct cr_rundir *rd, const char *name)
{
	char *tmp, *p;

	if (rd->tmpname == NULL)
		return rundir_join(rd->path, name);
	tmp = rundir_join(rd->path, rd->tmpname);
	p = rundir_join(tmp, name);
	free(tmp);
	return p;
}

/* Close the fds of the run being built (they stay valid across rename). */
static void
rundir_close_tmp(struct cr_rundir *rd)
{
	size_t i;

	for (i = 0; i < rd->nsubs; i++) {
		close(rd->subs[i].fd);
		free(rd->subs[i].name);
	}
	free(rd->subs);
	rd->subs = NULL;
	rd->nsubs = 0;
	if (rd->tmpfd >= 0)
		close(rd->tmpfd);
	rd->tmpfd = -1;
}

/*
 * rename that never replaces: renameat2(RENAME_NOREPLACE), or, where the
 * file system or kernel lacks it, a check and renameat (safe under our
 * lock: nobody else creates names in OUT).
 */
static int
rundir_rename(int fd, const char *from, const char *to)
{
	struct stat st;

	if (renameat2(fd, from, fd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (fstatat(fd, to, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	if (errno != ENOENT)
		return -1;
	return renameat(fd, from, fd, to);
}

int
cr_rundir_commit(struct cr_rundir *rd)
{
	char *failed, *disp;
	size_t i;
	int rc;

	if (rd->tmpname == NULL) {
		cr_err_set(rd->path, 0, "internal error: no run to commit");
		return CR_STATUS_IO;
	}
	/* every file written in the run, in one call (outfile.h) */
	if (syncfs(rd->tmpfd) != 0)
		return rundir_fail(rd->path, rd->tmpname,
		    "cannot sync the run's files", CR_STATUS_IO);
	for (i = 0; i < rd->nsubs; i++) {
		if (fsync(rd->subs[i].fd) != 0) {
			int errnum = errno;

			disp = cr_rundir_display(rd, rd->subs[i].name);
			cr_err_set(disp, 0, "cannot sync directory: %s",
			    strerror(errnum));
			free(disp);
			return CR_STATUS_IO;
		}
	}
	if (fsync(rd->tmpfd) != 0)
		return rundir_fail(rd->path, rd->tmpname,
		    "cannot sync directory", CR_STATUS_IO);

	/* The commit point. */
	if (rundir_rename(rd->fd, rd->tmpname, rd->run_id) != 0)
		return rundir_fail(rd->path, rd->run_id, "cannot commit run",
		    CR_STATUS_IO);
	rundir_close_tmp(rd);
	free(rd->tmpname);
	rd->tmpname = NULL;

	if (fsync(rd->fd) == 0) {
		free(rd->run_id);
		rd->run_id = NULL;
		return 0;
	}

	/* Not durable: take the run back out of the way, keep it as evidence. */
	rc = rundir_fail(rd->path, NULL, "cannot sync directory",
	    CR_STATUS_IO);
	xasprintf(&failed, RUNDIR_FAILED_PREFIX "%s-%ld", rd->run_id,
	    (long)getpid());
	if (rundir_rename(rd->fd, rd->run_id, failed) != 0)
		rundir_fail(rd->path, rd->run_id,
		    "cannot move uncommitted run out of the way", 0);
	else
		(void)fsync(rd->fd);
	free(failed);
	free(rd->run_id);
	rd->run_id = NULL;
	return rc;
}

void
cr_rundir_abort(struct cr_rundir *rd)
{
	if (rd == NULL || rd->tmpname == NULL)
		return;
	rundir_close_tmp(rd);
	if (cr_rundir_rmtree(rd->fd, rd->tmpname) != 0) {
		/* The next run removes it. */
		int errnum = errno;
		char *p = rundir_join(rd->path, rd->tmpname);

		cr_err_warn(p, 0, "cannot remove temporary run: %s",
		    strerror(errnum));
		free(p);
	}
	free(rd->tmpname);
	rd->tmpname = NULL;
	free(rd->run_id);
	rd->run_id = NULL;
}

void
cr_rundir_abort_fatal(struct cr_rundir *rd)
{
	if (rd != NULL && rd->tmpname != NULL)
		(void)cr_rundir_rmtree(rd->fd, rd->tmpname);
}

void
cr_rundir_close(struct cr_rundir *rd)
{
	if (rd == NULL)
		return;
	cr_rundir_abort(rd);
	if (rd->fd >= 0)
		close(rd->fd);	/* releases the flock */
	free(rd->path);
	free(rd);
}
