/*
 * inject.c -- an LD_PRELOAD shim for fault-injection tests (tests/faults.sh):
 * it counts the I/O calls a process makes and makes the Nth one fail, or
 * runs a command just before it (tests/parts-change.sh).
 *
 * Counted calls, by family (the names CR_INJECT_ONLY takes):
 *	read	read, pread, pread64 and their _FORTIFY_SOURCE twins
 *		__read_chk, __pread_chk, __pread64_chk
 *	write	write, pwrite, pwrite64
 *	open	open, open64, openat, openat64 and their _FORTIFY_SOURCE
 *		twins __open_2, __open64_2, __openat_2, __openat64_2
 *	close	close
 *	fsync	fsync, fdatasync, syncfs
 *	rename	rename, renameat, renameat2
 *	mkdir	mkdir, mkdirat
 *	fchmod	fchmod
 *	flock	flock
 * Calls on file descriptors 0, 1 and 2 are neither counted nor failed, so
 * a diagnostic on stderr or a summary on stdout always gets out.  Every
 * other call is counted, whatever it concerns (inputs, templates, the
 * key, OUT, the run being built): custrelease makes no I/O call that
 * does not matter to a run.  What glibc does internally (stdio buffers,
 * the dynamic loader, locale files, opendir/readdir) does not go through
 * these symbols and is not seen.
 *
 * Environment:
 *	CR_INJECT_AT=N		the Nth counted call (1-based) fails with
 *				-1 and errno; it is not performed, except
 *				close, which closes the fd and then fails,
 *				as Linux does
 *	CR_INJECT_ERRNO=E	that errno: EIO (default), ENOSPC, EDQUOT,
 *				EROFS, EINTR or a number
 *	CR_INJECT_ONLY=F,F	count only these families (default: all)
 *	CR_INJECT_COUNT=FILE	write the number of counted calls at exit
 *	CR_INJECT_LOG=FILE	append "N call target" for each counted call
 *				(target: the path, or where the fd points,
 *				from /proc/self/fd), " INJECTED" appended
 *				on the failed one
 *	CR_INJECT_PROG=NAME	count only in a process whose argv[0] ends in
 *				/NAME or is NAME (under valgrind, the
 *				launcher is preloaded too: NAME=custrelease
 *				leaves it alone)
 *	CR_INJECT_EOF=1		if the Nth call is a read, it returns 0 (end
 *				of file) instead of failing, errno untouched:
 *				the file seems to end there, as one that
 *				shrank under the reader does
 *	CR_INJECT_KILL=1	the Nth call is not performed: the process
 *				sends itself SIGKILL instead, so that the
 *				disk holds what a kill between its (N-1)th
 *				and Nth call leaves (tests/crash.sh)
 *	CR_INJECT_NOSYNC=1	fsync, fdatasync, syncfs (still counted) return 0
 *				without syncing, as eatmydata does: tests
 *				check the logic, not the disk, and a run
 *				makes some thirty of them
 *	CR_INJECT_EXEC=CMD	the Nth call does not fail: before it is
 *				performed, /bin/sh -c CMD runs and is waited
 *				for (something changes under the process at
 *				a chosen point: an input rewritten, a run
 *				committed), then the call is made as usual;
 *				CR_INJECT_ERRNO, _EOF and _KILL are ignored.
 *				CMD gets the environment without LD_PRELOAD
 *				and the CR_INJECT_* variables, stdin from
 *				/dev/null, and the process's stderr as its
 *				stdout and stderr (the process's stdout
 *				holds only what the process prints); the
 *				log line ends " EXEC".  A CMD that
 *				cannot be started, or that exits non-zero
 *				or on a signal, stops the process with
 *				"inject: CR_INJECT_EXEC ..." on fd 2 and
 *				exit status 99, which no test expects
 *
 * It deliberately does not wrap stdio, mmap, getdents, stat, unlink or
 * the raw syscall(2), and fails one call per process.  The counter is
 * atomic, but log lines of concurrent threads may interleave.
 *
 * Build: cc -shared -fPIC -o inject.so inject.c -ldl
 * Under ASan, also set ASAN_OPTIONS=verify_asan_link_order=0.
 */
#define _GNU_SOURCE
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	INJ_READ = 1 << 0,
	INJ_WRITE = 1 << 1,
	INJ_OPEN = 1 << 2,
	INJ_CLOSE = 1 << 3,
	INJ_FSYNC = 1 << 4,
	INJ_RENAME = 1 << 5,
	INJ_MKDIR = 1 << 6,
	INJ_FCHMOD = 1 << 7,
	INJ_FLOCK = 1 << 8,
	INJ_ALL = (1 << 9) - 1
};

/* glibc's _FORTIFY_SOURCE entry points, which its headers do not declare. */
ssize_t	__read_chk(int, void *, size_t, size_t);
ssize_t	__pread_chk(int, void *, size_t, off_t, size_t);
ssize_t	__pread64_chk(int, void *, size_t, off_t, size_t);
int	__open_2(const char *, int);
int	__open64_2(const char *, int);
int	__openat_2(int, const char *, int);
int	__openat64_2(int, const char *, int);

static const struct {
	const char	*name;
	int		 family;
} inject_families[] = {
	{ "read", INJ_READ }, { "write", INJ_WRITE }, { "open", INJ_OPEN },
	{ "close", INJ_CLOSE }, { "fsync", INJ_FSYNC },
	{ "rename", INJ_RENAME }, { "mkdir", INJ_MKDIR },
	{ "fchmod", INJ_FCHMOD }, { "flock", INJ_FLOCK }
};

static const struct {
	const char	*name;
	int		 value;
} inject_errnos[] = {
	{ "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EDQUOT", EDQUOT },
	{ "EROFS", EROFS }, { "EINTR", EINTR }
};

static int		inject_ready;
static unsigned long	inject_at;		/* 0: never */
static int		inject_errno = EIO;
static int		inject_only = INJ_ALL;
static unsigned long	inject_count;
static int		inject_logfd = -1;
static int		inject_nosync;
static int		inject_eof;	/* CR_INJECT_EOF: reads end early */
static int		inject_kill;	/* CR_INJECT_KILL: SIGKILL, not fail */
static int		inject_off;		/* CR_INJECT_PROG: not us */
static char		*inject_countfile;
static char		*inject_exec;	/* CR_INJECT_EXEC: run, not fail */

static ssize_t	(*real_read)(int, void *, size_t);
static ssize_t	(*real___read_chk)(int, void *, size_t, size_t);
static ssize_t	(*real_pread)(int, void *, size_t, off_t);
static ssize_t	(*real_pread64)(int, void *, size_t, off_t);
static ssize_t	(*real___pread_chk)(int, void *, size_t, off_t, size_t);
static ssize_t	(*real___pread64_chk)(int, void *, size_t, off_t, size_t);
static ssize_t	(*real_write)(int, const void *, size_t);
static ssize_t	(*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t	(*real_pwrite64)(int, const void *, size_t, off_t);
static int	(*real_open)(const char *, int, ...);
static int	(*real_open64)(const char *, int, ...);
static int	(*real_openat)(int, const char *, int, ...);
static int	(*real_openat64)(int, const char *, int, ...);
static int	(*real___open_2)(const char *, int);
static int	(*real___open64_2)(const char *, int);
static int	(*real___openat_2)(int, const char *, int);
static int	(*real___openat64_2)(int, const char *, int);
static int	(*real_close)(int);
static int	(*real_fsync)(int);
static int	(*real_fdatasync)(int);
static int	(*real_syncfs)(int);
static int	(*real_rename)(const char *, const char *);
static int	(*real_renameat)(int, const char *, int, const char *);
static int	(*real_renameat2)(int, const char *, int, const char *,
		    unsigned int);
static int	(*real_mkdir)(const char *, mode_t);
static int	(*real_mkdirat)(int, const char *, mode_t);
static int	(*real_fchmod)(int, mode_t);
static int	(*real_flock)(int, int);

/* Say why on fd 2 with the raw system call, and stop. */
static void
inject_die(const char *what)
{
	char msg[256];
	int n;

	n = snprintf(msg, sizeof msg, "inject: cannot find the real %s\n",
	    what);
	if (n > 0)
		(void)syscall(SYS_write, 2, msg, (size_t)n);
	_exit(99);
}

#define INJECT_REAL(sym) do {						\
	if (real_##sym == NULL)						\
		*(void **)&real_##sym = dlsym(RTLD_NEXT, #sym);		\
	if (real_##sym == NULL)						\
		inject_die(#sym);					\
} while (0)

static void
inject_init(void)
{
	const char *s, *p;
	char *end;
	size_t i, len;

	if (inject_ready)
		return;
	inject_ready = 1;
	INJECT_REAL(open);
	INJECT_REAL(write);
	if ((s = getenv("CR_INJECT_PROG")) != NULL && *s != '\0') {
		p = strrchr(program_invocation_name, '/');
		p = p != NULL ? p + 1 : program_invocation_name;
		if (strcmp(p, s) != 0) {
			inject_off = 1;
			return;
		}
	}
	if ((s = getenv("CR_INJECT_AT")) != NULL && *s != '\0')
		inject_at = strtoul(s, NULL, 10);
	if ((s = getenv("CR_INJECT_ERRNO")) != NULL && *s != '\0') {
		for (i = 0; i < sizeof inject_errnos / sizeof *inject_errnos;
		    i++)
			if (strcmp(s, inject_errnos[i].name) == 0)
				inject_errno = inject_errnos[i].value;
		if (*s >= '0' && *s <= '9' &&
		    (inject_errno = (int)strtol(s, &end, 10)) <= 0)
			inject_errno = EIO;
	}
	if ((s = getenv("CR_INJECT_ONLY")) != NULL && *s != '\0') {
		inject_only = 0;
		while (*s != '\0') {
			p = strchr(s, ',');
			len = p != NULL ? (size_t)(p - s) : strlen(s);
			for (i = 0; i < sizeof inject_families /
			    sizeof *inject_families; i++)
				if (strlen(inject_families[i].name) == len &&
				    strncmp(s, inject_families[i].name,
				    len) == 0)
					inject_only |= inject_families[i].family;
			s += len;
			if (*s == ',')
				s++;
		}
	}
	if ((s = getenv("CR_INJECT_NOSYNC")) != NULL && strcmp(s, "1") == 0)
		inject_nosync = 1;
	if ((s = getenv("CR_INJECT_EOF")) != NULL && strcmp(s, "1") == 0)
		inject_eof = 1;
	if ((s = getenv("CR_INJECT_KILL")) != NULL && strcmp(s, "1") == 0)
		inject_kill = 1;
	if ((s = getenv("CR_INJECT_COUNT")) != NULL && *s != '\0')
		inject_countfile = strdup(s);
	if ((s = getenv("CR_INJECT_EXEC")) != NULL && *s != '\0' &&
	    (inject_exec = strdup(s)) == NULL)
		inject_die("memory for CR_INJECT_EXEC");
	if ((s = getenv("CR_INJECT_LOG")) != NULL && *s != '\0')
		inject_logfd = real_open(s,
		    O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

__attribute__((constructor)) static void
inject_start(void)
{
	inject_init();
}

__attribute__((destructor)) static void
inject_end(void)
{
	char buf[32];
	int fd, n;

	if (inject_off || inject_countfile == NULL)
		return;
	fd = real_open(inject_countfile,
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof buf, "%lu\n", inject_count);
	if (n > 0)
		(void)!real_write(fd, buf, (size_t)n);
	(void)syscall(SYS_close, fd);
}

/* Where fd points ("?" if unknown), into buf. */
static void
inject_fdpath(int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	if (fd == AT_FDCWD) {
		snprintf(buf, size, ".");
		return;
	}
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size - 1);
	if (n < 0)
		snprintf(buf, size, "fd%d?", fd);
	else
		buf[n] = '\0';
}

static void
inject_log(unsigned long n, const char *call, int fd, const char *path,
    const char *mark)
{
	char line[3 * PATH_MAX + 128], where[2 * PATH_MAX + 8];
	int len;

	if (inject_logfd < 0)
		return;
	if (path == NULL)
		inject_fdpath(fd, where, sizeof where);
	else if (path[0] == '/' || fd == AT_FDCWD)
		snprintf(where, sizeof where, "%s", path);
	else {
		char dir[PATH_MAX];

		inject_fdpath(fd, dir, sizeof dir);
		snprintf(where, sizeof where, "%s/%s", dir, path);
	}
	len = snprintf(line, sizeof line, "%lu %s %s%s\n", n, call, where,
	    mark);
	if (len > 0)
		(void)!real_write(inject_logfd, line,
		    (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
}

/* Say what went wrong with CR_INJECT_EXEC on fd 2, and stop. */
static void
inject_exec_die(unsigned long n, const char *what, int value)
{
	char msg[PATH_MAX + 256];
	int len;

	len = snprintf(msg, sizeof msg, "inject: CR_INJECT_EXEC at call %lu "
	    "(%s): %s %d\n", n, inject_exec, what, value);
	if (len > 0)
		(void)syscall(SYS_write, 2, msg,
		    (size_t)len < sizeof msg ? (size_t)len : sizeof msg - 1);
	_exit(99);
}

/*
 * CR_INJECT_EXEC: /bin/sh -c CMD in a child, without the shim's
 * variables, and wait for it; the process stops (99) unless it exits 0.
 * The environment is filtered before fork: the child of a threaded
 * process makes only async-signal-safe calls before execve.
 */
static void
inject_run_exec(unsigned long n)
{
	extern char **environ;
	char **envp, *argv[4];
	sigset_t all;
	size_t i, k, count;
	pid_t pid;
	int st, nul;

	for (count = 0; environ[count] != NULL; count++)
		continue;
	if ((envp = calloc(count + 1, sizeof *envp)) == NULL)
		inject_exec_die(n, "no memory, errno", errno);
	for (i = k = 0; i < count; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0 &&
		    strncmp(environ[i], "CR_INJECT_", 10) != 0)
			envp[k++] = environ[i];
	envp[k] = NULL;
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = inject_exec;
	argv[3] = NULL;
	pid = fork();
	if (pid < 0)
		inject_exec_die(n, "cannot fork, errno", errno);
	if (pid == 0) {
		sigemptyset(&all);
		(void)sigprocmask(SIG_SETMASK, &all, NULL);
		(void)signal(SIGPIPE, SIG_DFL);
		nul = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(2, 1) < 0)
			_exit(126);
		if (nul > 2)
			(void)syscall(SYS_close, nul);
		execve("/bin/sh", argv, envp);
		_exit(127);
	}
	free(envp);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			inject_exec_die(n, "cannot wait for it, errno", errno);
	if (WIFSIGNALED(st))
		inject_exec_die(n, "killed by signal", WTERMSIG(st));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		inject_exec_die(n, "exit status", WEXITSTATUS(st));
}

/*
 * Count one call; 1 when it is the one to fail (errno is then set).  fd:
 * the fd the call works on (or the directory fd of an *at call), path:
 * its path, NULL for fd calls.
 */
static int
inject_hit(int family, const char *call, int fd, const char *path)
{
	unsigned long n;
	int saved = errno, hit;

	inject_init();
	if (inject_off || !(inject_only & family))
		return 0;
	if (path == NULL && fd >= 0 && fd <= 2)
		return 0;
	n = __atomic_add_fetch(&inject_count, 1, __ATOMIC_SEQ_CST);
	hit = inject_at != 0 && n == inject_at;
	if (hit && inject_exec != NULL) {
		inject_log(n, call, fd, path, " EXEC");
		inject_run_exec(n);
		errno = saved;
		return 0;
	}
	inject_log(n, call, fd, path, hit ? " INJECTED" : "");
	if (hit && inject_kill)
		(void)kill(getpid(), SIGKILL);
	errno = hit && !(inject_eof && family == INJ_READ) ? inject_errno :
	    saved;
	return hit;
}

/* What a failed read returns: -1, or 0 with CR_INJECT_EOF. */
#define INJECT_READ_FAILED	(inject_eof ? 0 : -1)

/* --- read and write --------------------------------------------------- */

ssize_t
read(int fd, void *buf, size_t n)
{
	INJECT_REAL(read);
	if (inject_hit(INJ_READ, "read", fd, NULL))
		return INJECT_READ_FAILED;
	return real_read(fd, buf, n);
}

ssize_t
__read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	INJECT_REAL(__read_chk);
	if (inject_hit(INJ_READ, "read", fd, NULL))
		return INJECT_READ_FAILED;
	return real___read_chk(fd, buf, n, buflen);
}

ssize_t
pread(int fd, void *buf, size_t n, off_t off)
{
	INJECT_REAL(pread);
	if (inject_hit(INJ_READ, "pread", fd, NULL))
		return INJECT_READ_FAILED;
	return real_pread(fd, buf, n, off);
}

ssize_t
pread64(int fd, void *buf, size_t n, off_t off)
{
	INJECT_REAL(pread64);
	if (inject_hit(INJ_READ, "pread", fd, NULL))
		return INJECT_READ_FAILED;
	return real_pread64(fd, buf, n, off);
}

ssize_t
__pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	INJECT_REAL(__pread_chk);
	if (inject_hit(INJ_READ, "pread", fd, NULL))
		return INJECT_READ_FAILED;
	return real___pread_chk(fd, buf, n, off, buflen);
}

ssize_t
__pread64_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
	INJECT_REAL(__pread64_chk);
	if (inject_hit(INJ_READ, "pread", fd, NULL))
		return INJECT_READ_FAILED;
	return real___pread64_chk(fd, buf, n, off, buflen);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	INJECT_REAL(write);
	if (inject_hit(INJ_WRITE, "write", fd, NULL))
		return -1;
	return real_write(fd, buf, n);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	INJECT_REAL(pwrite);
	if (inject_hit(INJ_WRITE, "pwrite", fd, NULL))
		return -1;
	return real_pwrite(fd, buf, n, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	INJECT_REAL(pwrite64);
	if (inject_hit(INJ_WRITE, "pwrite", fd, NULL))
		return -1;
	return real_pwrite64(fd, buf, n, off);
}

/* --- open --------------------------------------------------------------- */

static mode_t
inject_mode(int flags, va_list ap)
{
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		return (mode_t)va_arg(ap, unsigned int);
	return 0;
}

int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = inject_mode(flags, ap);
	va_end(ap);
	INJECT_REAL(open);
	if (inject_hit(INJ_OPEN, "open", AT_FDCWD, path))
		return -1;
	return real_open(path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = inject_mode(flags, ap);
	va_end(ap);
	INJECT_REAL(open64);
	if (inject_hit(INJ_OPEN, "open", AT_FDCWD, path))
		return -1;
	return real_open64(path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = inject_mode(flags, ap);
	va_end(ap);
	INJECT_REAL(openat);
	if (inject_hit(INJ_OPEN, "openat", dirfd, path))
		return -1;
	return real_openat(dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = inject_mode(flags, ap);
	va_end(ap);
	INJECT_REAL(openat64);
	if (inject_hit(INJ_OPEN, "openat", dirfd, path))
		return -1;
	return real_openat64(dirfd, path, flags, mode);
}

int
__open_2(const char *path, int flags)
{
	INJECT_REAL(__open_2);
	if (inject_hit(INJ_OPEN, "open", AT_FDCWD, path))
		return -1;
	return real___open_2(path, flags);
}

int
__open64_2(const char *path, int flags)
{
	INJECT_REAL(__open64_2);
	if (inject_hit(INJ_OPEN, "open", AT_FDCWD, path))
		return -1;
	return real___open64_2(path, flags);
}

int
__openat_2(int dirfd, const char *path, int flags)
{
	INJECT_REAL(__openat_2);
	if (inject_hit(INJ_OPEN, "openat", dirfd, path))
		return -1;
	return real___openat_2(dirfd, path, flags);
}

int
__openat64_2(int dirfd, const char *path, int flags)
{
	INJECT_REAL(__openat64_2);
	if (inject_hit(INJ_OPEN, "openat", dirfd, path))
		return -1;
	return real___openat64_2(dirfd, path, flags);
}

/* --- close, sync, rename, mkdir, fchmod, flock ------------------------ */

int
close(int fd)
{
	int rc;

	INJECT_REAL(close);
	if (inject_hit(INJ_CLOSE, "close", fd, NULL)) {
		/* Linux frees the fd even when close reports an error. */
		(void)real_close(fd);
		errno = inject_errno;
		return -1;
	}
	rc = real_close(fd);
	return rc;
}

int
fsync(int fd)
{
	INJECT_REAL(fsync);
	if (inject_hit(INJ_FSYNC, "fsync", fd, NULL))
		return -1;
	return inject_nosync ? 0 : real_fsync(fd);
}

int
fdatasync(int fd)
{
	INJECT_REAL(fdatasync);
	if (inject_hit(INJ_FSYNC, "fdatasync", fd, NULL))
		return -1;
	return inject_nosync ? 0 : real_fdatasync(fd);
}

int
syncfs(int fd)
{
	INJECT_REAL(syncfs);
	if (inject_hit(INJ_FSYNC, "syncfs", fd, NULL))
		return -1;
	return inject_nosync ? 0 : real_syncfs(fd);
}

int
rename(const char *from, const char *to)
{
	INJECT_REAL(rename);
	if (inject_hit(INJ_RENAME, "rename", AT_FDCWD, from))
		return -1;
	return real_rename(from, to);
}

int
renameat(int fromfd, const char *from, int tofd, const char *to)
{
	INJECT_REAL(renameat);
	if (inject_hit(INJ_RENAME, "renameat", fromfd, from))
		return -1;
	return real_renameat(fromfd, from, tofd, to);
}

int
renameat2(int fromfd, const char *from, int tofd, const char *to,
    unsigned int flags)
{
	INJECT_REAL(renameat2);
	if (inject_hit(INJ_RENAME, "renameat2", fromfd, from))
		return -1;
	return real_renameat2(fromfd, from, tofd, to, flags);
}

int
mkdir(const char *path, mode_t mode)
{
	INJECT_REAL(mkdir);
	if (inject_hit(INJ_MKDIR, "mkdir", AT_FDCWD, path))
		return -1;
	return real_mkdir(path, mode);
}

int
mkdirat(int dirfd, const char *path, mode_t mode)
{
	INJECT_REAL(mkdirat);
	if (inject_hit(INJ_MKDIR, "mkdirat", dirfd, path))
		return -1;
	return real_mkdirat(dirfd, path, mode);
}

int
fchmod(int fd, mode_t mode)
{
	INJECT_REAL(fchmod);
	if (inject_hit(INJ_FCHMOD, "fchmod", fd, NULL))
		return -1;
	return real_fchmod(fd, mode);
}

int
flock(int fd, int op)
{
	INJECT_REAL(flock);
	if (inject_hit(INJ_FLOCK, "flock", fd, NULL))
		return -1;
	return real_flock(fd, op);
}
