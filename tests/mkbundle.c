/*
 * mkbundle.c -- test helper: write an audit bundle from a directory of
 * payload files with cr_bundle_write(), so that tests/verify.sh can make
 * bundles (good and tampered) without a whole `custrelease run`.
 *
 *	mkbundle [-f tar.gz|zip] RUN_ID EPOCH PAYLOAD_DIR OUTPUT
 *
 * Every regular file under PAYLOAD_DIR (one level of subdirectories, as
 * emails/) becomes a payload file data/<relative path>.  OUTPUT must not
 * exist.  Exit status: cr_bundle_write()'s, 2 for a usage error, or 74
 * (with a message) when a temporary file cannot be written.
 *
 * It is a test tool: it reads whole files into memory and does not check
 * what it is given beyond what the writer checks.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "err.h"
#include "xmalloc.h"

struct files {
	struct cr_bundle_entry	*e;
	size_t			 n, cap;
};

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, got;

	if (f == NULL) {
		fprintf(stderr, "mkbundle: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	*len = 0;
	do {
		if (cap - *len < 4096) {
			cap = cap ? 2 * cap : 8192;
			buf = xrealloc(buf, cap);
		}
		got = fread(buf + *len, 1, cap - *len, f);
		*len += got;
	} while (got > 0);
	fclose(f);
	return buf;
}

static void
walk(struct files *fs, const char *root, const char *rel, int depth)
{
	char dirpath[2 * PATH_MAX + 2], path[2 * PATH_MAX + 2], name[PATH_MAX];
	struct dirent *d;
	struct stat st;
	DIR *dir;

	snprintf(dirpath, sizeof dirpath, "%s%s%s", root, *rel ? "/" : "",
	    rel);
	if ((dir = opendir(dirpath)) == NULL) {
		fprintf(stderr, "mkbundle: %s: %s\n", dirpath, strerror(errno));
		exit(2);
	}
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(name, sizeof name, "%s%s%s", rel, *rel ? "/" : "",
		    d->d_name);
		snprintf(path, sizeof path, "%s/%s", root, name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth < 2)
				walk(fs, root, name, depth + 1);
			continue;
		}
		if (fs->n == fs->cap) {
			fs->cap = fs->cap ? 2 * fs->cap : 32;
			fs->e = xreallocarray(fs->e, fs->cap, sizeof *fs->e);
		}
		fs->e[fs->n].path = xstrdup(name);
		fs->e[fs->n].data = slurp(path, &fs->e[fs->n].len);
		fs->n++;
	}
	closedir(dir);
}

/* A temporary file that cannot be written (cr_err_fatal): said, exit 74. */
static void
mk_fatal(int status)
{
	const struct cr_errrec *e = cr_err_last();

	(void)status;
	fprintf(stderr, "mkbundle: %s:%lu: %s\n", e->has_file ? e->file : "",
	    e->line, e->msg);
	_exit(74);
}

int
main(int argc, char **argv)
{
	const char *format = "tar.gz", *out, *slash;
	struct files fs = { NULL, 0, 0 };
	char *dir;
	size_t i;
	int dirfd, rc;

	setlocale(LC_CTYPE, "C.UTF-8");
	cr_err_set_fatal(mk_fatal);
	if (argc == 7 && strcmp(argv[1], "-f") == 0) {
		format = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 5) {
		fprintf(stderr, "usage: mkbundle [-f tar.gz|zip] RUN_ID EPOCH "
		    "PAYLOAD_DIR OUTPUT\n");
		return 2;
	}
	walk(&fs, argv[3], "", 0);
	out = argv[4];
	slash = strrchr(out, '/');
	dir = slash != NULL ? xmemdup0(out, (size_t)(slash - out) + 1) :
	    xstrdup(".");
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		fprintf(stderr, "mkbundle: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	rc = cr_bundle_write(dirfd, slash != NULL ? slash + 1 : out, format,
	    argv[1], (time_t)strtoll(argv[2], NULL, 10), fs.e, fs.n);
	close(dirfd);
	for (i = 0; i < fs.n; i++) {
		free((char *)fs.e[i].path);
		free((void *)fs.e[i].data);
	}
	free(fs.e);
	free(dir);
	return rc;
}
