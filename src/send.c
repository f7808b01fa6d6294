/*
 * send.c -- `send` (see send.h): the run check, the journal, the lock, and
 * piping one email to sendmail with a timeout and retries on exit 75.
 *
 * It deliberately does not print, parse the command line, or look inside
 * an email beyond its From header (the envelope sender).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "custrelease.h"
#include "hash.h"
#include "rundir.h"
#include "send.h"
#include "xmalloc.h"

#define SEND_EMAIL_MAX	(16u * 1024 * 1024)
#define SEND_LOG_MAX	(256u * 1024 * 1024)
#define SEND_ID_MAX	128
#define SEND_HEX_LEN	64
#define SEND_TIME_LEN	20	/* YYYY-MM-DDTHH:MM:SSZ */

struct send {
	const struct cr_send_opts *o;
	struct cr_send_result	*r;
	int			 dirfd;		/* the run */
	int			 emailfd;	/* its emails/ */
	int			 logfd;		/* sent.log, -1 until needed */
	struct cr_map		*journal;	/* id -> hex (xstrdup'd) */
	char			**names;	/* emails/<id>.eml stems */
	size_t			 nnames;
};

static int
fail(struct send *s, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct send *s, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->r->err, sizeof s->r->err, fmt, ap);
	va_end(ap);
	return rc;
}

static int
valid_id(const char *p, size_t len)
{
	size_t i;

	if (len == 0 || len > SEND_ID_MAX || p[0] == '.' || p[0] == '-')
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return 0;
	}
	return 1;
}

static void
sleep_for(double seconds)
{
	struct timespec ts;

	if (seconds <= 0)
		return;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read a whole regular file (not a symlink) of at most max bytes. */
static int
slurp(int dirfd, const char *name, size_t max, char **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd, e;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > max) {
		e = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		close(fd);
		return e;
	}
	*buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size &&
	    (n = read(fd, *buf + got, (size_t)st.st_size - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			free(*buf);
			close(fd);
			return e;
		}
		got += (size_t)n;
	}
	close(fd);
	(*buf)[got] = '\0';
	*len = got;
	return 0;
}

static void
sha256_hex(const char *buf, size_t len, char hex[SEND_HEX_LEN + 1])
{
	struct sha256_ctx c;
	unsigned char d[SHA256_DIGEST_SIZE];
	size_t i;

	sha256_init(&c);
	sha256_update(&c, len, (const uint8_t *)buf);
	sha256_digest(&c, sizeof d, d);
	for (i = 0; i < sizeof d; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* ---- the run ------------------------------------------------------------ */

static int
open_run(struct send *s)
{
	const char *run = s->o->run, *base;
	char *copy = xstrdup(run);
	size_t n = strlen(copy);
	struct stat st;
	int ok;

	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	base = strrchr(copy, '/');
	base = base == NULL ? copy : base + 1;
	if (strncmp(base, ".tmp-", 5) == 0 || strncmp(base, ".failed-", 8) == 0)
		ok = fail(s, CR_STATUS_DATA, "%s: an uncommitted run "
		    "(.tmp-* or .failed-*) is never sent", run);
	else if (!cr_rundir_is_run_id(base))
		ok = fail(s, CR_STATUS_DATA, "%s: not a committed run "
		    "(OUT/YYYYMMDDTHHMMSSZ-xxxxxxxx)", run);
	else if (lstat(copy, &st) != 0 || !S_ISDIR(st.st_mode))
		ok = fail(s, CR_STATUS_DATA, "%s: not a committed run "
		    "directory", run);
	else
		ok = 0;
	free(copy);
	if (ok != 0)
		return ok;
	s->dirfd = open(run, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->dirfd < 0)
		return fail(s, CR_STATUS_IO, "%s: %s", run, strerror(errno));
	if (faccessat(s->dirfd, "summary.json", F_OK,
	    AT_SYMLINK_NOFOLLOW) != 0)
		return fail(s, CR_STATUS_DATA, "%s: not a committed run "
		    "(no summary.json)", run);
	s->emailfd = openat(s->dirfd, "emails",
	    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->emailfd < 0 && errno != ENOENT)
		return fail(s, CR_STATUS_IO, "%s/emails: %s", run,
		    strerror(errno));
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The stems of emails/<id>.eml, sorted; other entries are ignored. */
static int
list_emails(struct send *s)
{
	struct dirent *de;
	size_t cap = 0, len;
	DIR *d;
	int fd;

	if (s->emailfd < 0)
		return 0;
	if ((fd = dup(s->emailfd)) < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return fail(s, CR_STATUS_IO, "%s/emails: %s", s->o->run,
		    strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".eml") != 0 ||
		    !valid_id(de->d_name, len - 4))
			continue;
		if (s->nnames == cap) {
			cap = cap ? 2 * cap : 64;
			s->names = xreallocarray(s->names, cap,
			    sizeof *s->names);
		}
		s->names[s->nnames] = xstrdup(de->d_name);
		s->names[s->nnames++][len - 4] = '\0';
	}
	closedir(d);
	if (s->nnames > 1)
		qsort(s->names, s->nnames, sizeof *s->names, cmp_names);
	return 0;
}

/* ---- the journal -------------------------------------------------------- */

static int
hexword(const char *p, size_t len)
{
	size_t i;

	if (len != SEND_HEX_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
}

/* One complete line (without its newline) into the map; 0 or -1. */
static int
journal_line(struct send *s, const char *p, size_t len)
{
	const char *sp1 = memchr(p, ' ', len), *sp2;
	void **slot;

	if (sp1 == NULL || !valid_id(p, (size_t)(sp1 - p)))
		return -1;
	sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - p));
	if (sp2 == NULL || !hexword(sp1 + 1, (size_t)(sp2 - sp1 - 1)) ||
	    (size_t)(p + len - sp2 - 1) != SEND_TIME_LEN)
		return -1;
	if (cr_map_put(s->journal, p, (size_t)(sp1 - p), &slot, NULL) != 1)
		return -1;		/* the same email twice */
	*slot = xmalloc(SEND_HEX_LEN + 1);
	memcpy(*slot, sp1 + 1, SEND_HEX_LEN);
	((char *)*slot)[SEND_HEX_LEN] = '\0';
	return 0;
}

/*
 * Read sent.log.  A last line without its newline is a write cut short by
 * a crash: ignored, and cut off (when writable) before anything is
 * appended.  Returns the length of the complete lines in *good.
 */
static int
journal_read(struct send *s, size_t *good)
{
	char *buf, *p, *nl;
	size_t len, lineno = 0;
	int e;

	*good = 0;
	e = slurp(s->dirfd, "sent.log", SEND_LOG_MAX, &buf, &len);
	if (e == ENOENT)
		return 0;
	if (e != 0)
		return fail(s, e == EFBIG || e == EINVAL ? CR_STATUS_DATA :
		    CR_STATUS_IO, "%s/sent.log: %s", s->o->run, strerror(e));
	for (p = buf; (nl = memchr(p, '\n', len - (size_t)(p - buf))) != NULL;
	    p = nl + 1) {
		lineno++;
		if (journal_line(s, p, (size_t)(nl - p)) != 0) {
			free(buf);
			return fail(s, CR_STATUS_DATA, "%s/sent.log:%zu: "
			    "damaged journal line (or an email listed twice)",
			    s->o->run, lineno);
		}
	}
	*good = (size_t)(p - buf);
	free(buf);
	return 0;
}

/* Open sent.log for appending, cutting a torn last line off. */
static int
journal_open(struct send *s, size_t good)
{
	struct stat st;
	int created = 0;

	s->logfd = openat(s->dirfd, "sent.log", O_WRONLY | O_APPEND |
	    O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (s->logfd >= 0)
		created = 1;
	else if (errno == EEXIST)
		s->logfd = openat(s->dirfd, "sent.log", O_WRONLY | O_APPEND |
		    O_NOFOLLOW | O_CLOEXEC);
	if (s->logfd < 0 || fstat(s->logfd, &st) != 0)
		return fail(s, CR_STATUS_IO, "%s/sent.log: %s", s->o->run,
		    strerror(errno));
	if ((size_t)st.st_size != good &&
	    (ftruncate(s->logfd, (off_t)good) != 0 || fsync(s->logfd) != 0))
		return fail(s, CR_STATUS_IO, "%s/sent.log: %s", s->o->run,
		    strerror(errno));
	if (created && (fsync(s->logfd) != 0 || fsync(s->dirfd) != 0))
		return fail(s, CR_STATUS_IO, "%s/sent.log: %s", s->o->run,
		    strerror(errno));
	return 0;
}

static int
journal_append(struct send *s, const char *id, const char *hex)
{
	char line[SEND_ID_MAX + SEND_HEX_LEN + SEND_TIME_LEN + 4];
	struct tm tm;
	struct stat st;
	time_t t = time(NULL);
	int n;
	ssize_t w;

	gmtime_r(&t, &tm);
	n = snprintf(line, sizeof line, "%s %s ", id, hex);
	n += (int)strftime(line + n, sizeof line - (size_t)n,
	    "%Y-%m-%dT%H:%M:%SZ\n", &tm);
	if (fstat(s->logfd, &st) != 0)
		return fail(s, CR_STATUS_IO, "%s/sent.log: %s", s->o->run,
		    strerror(errno));
	w = write(s->logfd, line, (size_t)n);
	if (w == n && fsync(s->logfd) == 0)
		return 0;
	n = w < 0 ? errno : (w != n ? ENOSPC : errno);
	if (ftruncate(s->logfd, st.st_size) == 0)
		(void)fsync(s->logfd);
	return fail(s, CR_STATUS_IO, "%s/sent.log: cannot record %s.eml "
	    "(sendmail accepted it; a rerun sends it again): %s", s->o->run,
	    id, strerror(n));
}

/* ---- piping ------------------------------------------------------------- */

/* The envelope sender: the address of the From header, or NULL. */
static char *
envelope_from(const char *msg, size_t len)
{
	const char *p = msg, *end = msg + len, *eol, *lt, *gt, *a;
	size_t n, i;
	char *out;

	while (p < end && *p != '\n' && *p != '\r') {
		eol = memchr(p, '\n', (size_t)(end - p));
		eol = eol == NULL ? end : eol;
		if ((size_t)(eol - p) > 5 && strncasecmp(p, "From:", 5) == 0) {
			lt = memchr(p, '<', (size_t)(eol - p));
			gt = lt == NULL ? NULL : memchr(lt, '>',
			    (size_t)(eol - lt));
			a = lt == NULL ? p + 5 : lt + 1;
			n = lt == NULL ? (size_t)(eol - a) : (gt == NULL ? 0 :
			    (size_t)(gt - a));
			while (lt == NULL && n > 0 && (*a == ' ' || *a == '\t'))
				a++, n--;
			while (lt == NULL && n > 0 && (a[n - 1] == '\r' ||
			    a[n - 1] == ' ' || a[n - 1] == '\t'))
				n--;
			if (n == 0 || n > 254 || a[0] == '-' ||
			    memchr(a, '@', n) == NULL)
				return NULL;
			for (i = 0; i < n; i++)
				if ((unsigned char)a[i] <= ' ' ||
				    (unsigned char)a[i] >= 127 ||
				    strchr("<>()[],;:\\\"", a[i]) != NULL)
					return NULL;
			out = xmalloc(n + 1);
			memcpy(out, a, n);
			out[n] = '\0';
			return out;
		}
		p = eol + 1;
	}
	return NULL;
}

struct pipe_result {
	int	 status;	/* waitpid status */
	int	 short_read;	/* sendmail did not read everything */
	int	 timed_out;
	int	 reaped;	/* status already collected */
};

/* The child reads p[0]; the parent keeps it too (*rfd), so that bytes
 * left unread after the child exits can be counted (FIONREAD). */
static pid_t
spawn(char **argv, int *wfd, int *rfd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		if (dup2(p[0], 0) < 0 || dup2(2, 1) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	*rfd = p[0];
	*wfd = p[1];
	(void)fcntl(p[1], F_SETFL, O_NONBLOCK);
	return pid;
}

/* Write buf to fd before deadline; 0, or -1 with short_read/timed_out. */
static int
feed(int fd, pid_t pid, const char *buf, size_t len, double deadline,
    struct pipe_result *pr)
{
	struct pollfd pfd = { fd, POLLOUT, 0 };
	size_t off = 0;
	ssize_t n;
	double left;

	while (off < len) {
		left = deadline - now_mono();
		if (left <= 0) {
			pr->timed_out = 1;
			return -1;
		}
		if (poll(&pfd, 1, left > 0.05 ? 50 : (int)(left * 1000) + 1) < 0
		    && errno != EINTR)
			return pr->short_read = 1, -1;
		if (!(pfd.revents & POLLOUT) && waitpid(pid, &pr->status,
		    WNOHANG) == pid)
			return pr->reaped = 1, pr->short_read = 1, -1;
		n = write(fd, buf + off, len - off);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return pr->short_read = 1, -1;
		off += (size_t)n;
	}
	return 0;
}

static void
reap(pid_t pid, double deadline, struct pipe_result *pr)
{
	pid_t w;

	if (pr->reaped)
		return;
	for (;;) {
		w = waitpid(pid, &pr->status, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			return;
		if (now_mono() >= deadline) {
			pr->timed_out = 1;
			kill(pid, SIGKILL);
			while (waitpid(pid, &pr->status, 0) < 0 &&
			    errno == EINTR)
				;
			return;
		}
		sleep_for(0.005);
	}
}

static int
pipe_once(struct send *s, char **argv, const char *buf, size_t len,
    struct pipe_result *pr)
{
	double deadline = now_mono() + s->o->timeout;
	pid_t pid;
	int fd, rfd, left = 0;

	memset(pr, 0, sizeof *pr);
	if ((pid = spawn(argv, &fd, &rfd)) < 0)
		return -1;
	if (feed(fd, pid, buf, len, deadline, pr) != 0 && pr->timed_out)
		deadline = now_mono();
	close(fd);
	reap(pid, deadline, pr);
	if (ioctl(rfd, FIONREAD, &left) == 0 && left > 0)
		pr->short_read = 1;
	close(rfd);
	return 0;
}

/* argv with "%f" replaced by from (a new array of borrowed strings). */
static char **
build_argv(char **tmpl, char *from)
{
	size_t n = 0, i;
	char **argv;

	while (tmpl[n] != NULL)
		n++;
	argv = xreallocarray(NULL, n + 1, sizeof *argv);
	for (i = 0; i < n; i++)
		argv[i] = strcmp(tmpl[i], "%f") == 0 ? from : tmpl[i];
	argv[n] = NULL;
	return argv;
}

/* Pipe one email, retrying exit 75; 0 when sendmail accepted it. */
static int
deliver(struct send *s, const char *id, const char *buf, size_t len,
    char *from)
{
	char **argv = build_argv(s->o->argv, from);
	struct pipe_result pr;
	double delay = s->o->retry_delay;
	unsigned t;
	int rc = 0;

	for (t = 1;; t++) {
		if (pipe_once(s, argv, buf, len, &pr) != 0) {
			rc = fail(s, CR_STATUS_IO, "%s.eml: cannot start %s: "
			    "%s", id, argv[0], strerror(errno));
			break;
		}
		if (pr.timed_out) {
			rc = fail(s, CR_STATUS_TEMPFAIL, "%s.eml: %s did not finish "
			    "within %g s and was killed", id, argv[0],
			    s->o->timeout);
			break;
		}
		if (WIFEXITED(pr.status) && WEXITSTATUS(pr.status) == 75) {
			if (t < s->o->tries) {
				sleep_for(delay);
				delay *= 2;
				continue;
			}
			rc = fail(s, CR_STATUS_TEMPFAIL, "%s.eml: %s failed "
			    "temporarily (exit 75) %u times; send again later",
			    id, argv[0], t);
		} else if (WIFSIGNALED(pr.status))
			rc = fail(s, CR_STATUS_IO, "%s.eml: %s killed by "
			    "signal %d", id, argv[0], WTERMSIG(pr.status));
		else if (WEXITSTATUS(pr.status) != 0)
			rc = fail(s, CR_STATUS_IO, "%s.eml: %s failed "
			    "(exit %d)", id, argv[0], WEXITSTATUS(pr.status));
		else if (pr.short_read)
			rc = fail(s, CR_STATUS_IO, "%s.eml: %s did not read "
			    "the whole email", id, argv[0]);
		break;
	}
	free(argv);
	return rc;
}

/* ---- the walk ----------------------------------------------------------- */

/* An email with a journal line: check it did not change; delete it. */
static int
journaled(struct send *s, const char *id, const char *name,
    const char *want)
{
	char hex[SEND_HEX_LEN + 1], *buf;
	size_t len;
	int e;

	s->r->already++;
	e = slurp(s->emailfd, name, SEND_EMAIL_MAX, &buf, &len);
	if (e == ENOENT)
		return 0;
	if (e != 0)
		return fail(s, CR_STATUS_IO, "%s/emails/%s: %s", s->o->run,
		    name, strerror(e));
	sha256_hex(buf, len, hex);
	free(buf);
	if (strcmp(hex, want) != 0)
		return fail(s, CR_STATUS_DATA, "%s/emails/%s: changed since "
		    "it was sent (its SHA-256 differs from sent.log's)",
		    s->o->run, name);
	(void)id;
	if (s->o->delete_sent && !s->o->dry_run) {
		if (unlinkat(s->emailfd, name, 0) != 0)
			return fail(s, CR_STATUS_IO, "%s/emails/%s: %s",
			    s->o->run, name, strerror(errno));
		s->r->deleted++;
	}
	return 0;
}

static int
send_one(struct send *s, const char *id, const char *name, size_t done)
{
	char hex[SEND_HEX_LEN + 1], *buf, *from;
	size_t len;
	int e, rc;

	e = slurp(s->emailfd, name, SEND_EMAIL_MAX, &buf, &len);
	if (e != 0)
		return fail(s, CR_STATUS_IO, "%s/emails/%s: %s", s->o->run,
		    name, strerror(e));
	if ((from = envelope_from(buf, len)) == NULL) {
		free(buf);
		return fail(s, CR_STATUS_DATA, "%s/emails/%s: no usable "
		    "From address", s->o->run, name);
	}
	if (s->o->each != NULL)
		s->o->each(s->o->arg, id, from, done, s->r->total);
	rc = 0;
	if (!s->o->dry_run) {
		sha256_hex(buf, len, hex);
		rc = deliver(s, id, buf, len, from);
		if (rc == 0)
			rc = journal_append(s, id, hex);
		if (rc == 0)
			s->r->sent++;
		if (rc == 0 && s->o->delete_sent) {
			if (unlinkat(s->emailfd, name, 0) != 0)
				rc = fail(s, CR_STATUS_IO, "%s/emails/%s: %s",
				    s->o->run, name, strerror(errno));
			else
				s->r->deleted++;
		}
	}
	if (rc != 0 || s->o->dry_run)
		s->r->pending++;
	free(from);
	free(buf);
	return rc;
}

static int
walk(struct send *s)
{
	char name[SEND_ID_MAX + 8];
	void **slot;
	size_t i;
	int rc = 0;

	s->r->total = s->nnames;
	for (i = 0; i < s->nnames && rc == 0; i++) {
		snprintf(name, sizeof name, "%s.eml", s->names[i]);
		slot = cr_map_get(s->journal, s->names[i],
		    strlen(s->names[i]));
		if (slot != NULL) {
			rc = journaled(s, s->names[i], name, *slot);
			continue;
		}
		if (s->o->rate > 0 && s->r->sent > 0 && !s->o->dry_run)
			sleep_for(60.0 / s->o->rate);
		rc = send_one(s, s->names[i], name,
		    s->r->sent + s->r->already);
	}
	/* journal lines whose email is gone (--delete-sent) */
	if (rc == 0) {
		s->r->total += cr_map_count(s->journal) - s->r->already;
		s->r->already = cr_map_count(s->journal);
	}
	return rc;
}

static int
lock_run(struct send *s, int *fd)
{
	*fd = openat(s->dirfd, "sent.lock", O_RDWR | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (*fd < 0)
		return fail(s, CR_STATUS_IO, "%s/sent.lock: %s", s->o->run,
		    strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0)
		return fail(s, errno == EWOULDBLOCK ? CR_STATUS_TEMPFAIL :
		    CR_STATUS_IO, "%s/sent.lock: %s", s->o->run,
		    errno == EWOULDBLOCK ? "another send holds the lock" :
		    strerror(errno));
	return 0;
}

static void
free_value(void *arg, const char *key, void *value)
{
	(void)arg;
	(void)key;
	free(value);
}

int
cr_send(const struct cr_send_opts *o, struct cr_send_result *r)
{
	struct send s = { o, r, -1, -1, -1, NULL, NULL, 0 };
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	size_t good, i;
	int rc, lockfd = -1;

	memset(r, 0, sizeof *r);
	s.journal = cr_map_new();
	rc = open_run(&s);
	if (rc == 0 && !o->dry_run)
		rc = lock_run(&s, &lockfd);
	if (rc == 0)
		rc = journal_read(&s, &good);
	if (rc == 0 && !o->dry_run)
		rc = journal_open(&s, good);
	if (rc == 0)
		rc = list_emails(&s);
	if (rc == 0)
		rc = walk(&s);
	for (i = 0; i < s.nnames; i++)
		free(s.names[i]);
	free(s.names);
	cr_map_foreach(s.journal, free_value, NULL);
	cr_map_free(s.journal);
	if (s.logfd >= 0)
		close(s.logfd);
	if (s.emailfd >= 0)
		close(s.emailfd);
	if (s.dirfd >= 0)
		close(s.dirfd);
	if (lockfd >= 0)
		close(lockfd);
	signal(SIGPIPE, old);
	return rc;
}
