/*
 * fuzz-common.c -- helpers shared by the libFuzzer targets (see fuzz.h).
 * It deliberately contains no LLVMFuzzerTestOneInput: each target has its
 * own file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "cmd.h"
#include "custrelease.h"
#include "diag.h"
#include "fuzz.h"
#include "read.h"
#include "rowcheck.h"

void
fuzz_quiet(void)
{
	static FILE *devnull;

	if (devnull != NULL || getenv("FUZZ_VERBOSE") != NULL)
		return;
	devnull = fopen("/dev/null", "w");
	if (devnull != NULL)
		cr_diag_set_stream(devnull);
}

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", file, line,
	    what);
	fflush(stderr);
	abort();
}

static ssize_t
fuzz_chunk_read(void *ctx, void *buf, size_t n)
{
	struct fuzz_chunks *c = ctx;

	if (n > c->step)
		n = c->step;
	if (n > c->len - c->pos)
		n = c->len - c->pos;
	if (n > 0)
		memcpy(buf, c->data + c->pos, n);
	c->pos += n;
	return (ssize_t)n;
}

struct cr_stream *
fuzz_stream(struct fuzz_chunks *c, const uint8_t *data, size_t len,
    unsigned mode, const char *name)
{
	if (mode == 0)
		return cr_stream_mem(data, len, name);
	c->data = data;
	c->len = len;
	c->pos = 0;
	c->step = mode < 128 ? mode : (size_t)(mode - 127) * 509;
	return cr_stream_new(name, fuzz_chunk_read, c);
}

static void
fuzz_problem(void *arg, const struct cr_row *row, int column,
    const char *message)
{
	struct fuzz_rows *fr = arg;
	const unsigned char *p;

	FUZZ_ASSERT(message != NULL);
	FUZZ_ASSERT(column >= -1 && column < (int)row->schema->ncols);
	/* Messages quote values with cr_diag_quote(): no raw controls. */
	for (p = (const unsigned char *)message; *p != '\0'; p++)
		FUZZ_ASSERT(*p >= 0x20 && *p != 0x7f);
	fr->problems++;
}

int
fuzz_row(void *arg, const struct cr_row *row)
{
	struct fuzz_rows *fr = arg;
	const struct cr_schema *s = row->schema;
	size_t i, k;
	int n;

	FUZZ_ASSERT(s != NULL);
	if (fr->schema != NULL)
		FUZZ_ASSERT(s == fr->schema);
	FUZZ_ASSERT(s->ncols <= CR_MAX_COLS);
	FUZZ_ASSERT(row->val != NULL && row->len != NULL);
	FUZZ_ASSERT(row->file != NULL);
	(void)strlen(row->file);
	for (i = 0; i < s->ncols; i++) {
		if (row->val[i] == NULL)
			continue;
		/* NUL-terminated at len, no NUL inside. */
		FUZZ_ASSERT(row->val[i][row->len[i]] == '\0');
		FUZZ_ASSERT(strlen(row->val[i]) == row->len[i]);
		/* Absent (empty, blank) values are NULL. */
		FUZZ_ASSERT(row->len[i] > 0);
		FUZZ_ASSERT(!cr_is_blank(row->val[i], row->len[i]));
		FUZZ_ASSERT(row->len[i] <= CR_FIELD_MAX);
		for (k = 0; k < row->len[i]; k++)
			fr->sum += (unsigned char)row->val[i][k];
		fr->bytes += row->len[i];
	}
	n = cr_rowcheck(row, fuzz_problem, fr);
	FUZZ_ASSERT(n >= 0);
	fr->rows++;
	return 0;
}

void
fuzz_check_rc(int rc)
{
	FUZZ_ASSERT(rc == 0 || rc == CR_STATUS_DATA);
}

static int
fuzz_header_known(const char *line, size_t len)
{
	static const char *const names[] = {
		"Date:", "From:", "To:", "Subject:", "Message-ID:",
		"MIME-Version:", "Auto-Submitted:", "Content-Language:",
		"Content-Type:", "Content-Transfer-Encoding:", NULL
	};
	size_t i, n;

	for (i = 0; names[i] != NULL; i++) {
		n = strlen(names[i]);
		if (len >= n && memcmp(line, names[i], n) == 0)
			return 1;
	}
	return 0;
}

void
fuzz_check_message(const char *msg, size_t len)
{
	size_t b = 0, e;
	int in_header = 1;

	FUZZ_ASSERT(len >= 2 && msg[len - 2] == '\r' && msg[len - 1] == '\n');
	while (b < len) {
		for (e = b; e < len && msg[e] != '\r' && msg[e] != '\n'; e++) {
			FUZZ_ASSERT(msg[e] != '\0');
			FUZZ_ASSERT((unsigned char)msg[e] < 0x80);
			FUZZ_ASSERT((unsigned char)msg[e] >= 0x20 ||
			    msg[e] == '\t');
			FUZZ_ASSERT(msg[e] != 0x7f);
		}
		/* Every line ends in CRLF: no bare CR, no bare LF. */
		FUZZ_ASSERT(e + 1 < len && msg[e] == '\r' &&
		    msg[e + 1] == '\n');
		FUZZ_ASSERT(e - b <= 998);
		if (in_header) {
			if (e == b)
				in_header = 0;
			else if (msg[b] != ' ' && msg[b] != '\t')
				FUZZ_ASSERT(fuzz_header_known(msg + b, e - b));
			else
				/* A continuation holds more than blanks. */
				FUZZ_ASSERT(strspn(msg + b, " \t") < e - b);
		} else
			FUZZ_ASSERT(e - b <= 76);
		b = e + 2;
	}
	FUZZ_ASSERT(!in_header);
}

static char fuzz_path[4096];

static void
fuzz_input_cleanup(void)
{
	if (fuzz_path[0] != '\0')
		unlink(fuzz_path);
}

const char *
fuzz_input_file(const char *name, const uint8_t *data, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	size_t off = 0;
	ssize_t w;
	int fd;

	if (fuzz_path[0] == '\0') {
		snprintf(fuzz_path, sizeof fuzz_path, "%s/%s.XXXXXX",
		    tmp != NULL && *tmp != '\0' ? tmp : "/tmp", name);
		if ((fd = mkstemp(fuzz_path)) < 0)
			abort();
		close(fd);
		atexit(fuzz_input_cleanup);
	}
	fd = open(fuzz_path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		abort();
	while (off < len) {
		if ((w = write(fd, data + off, len - off)) <= 0)
			abort();
		off += (size_t)w;
	}
	close(fd);
	return fuzz_path;
}
