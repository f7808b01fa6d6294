/*
 * floor.c -- the floor a run's output sets on this disk: re-create the
 * files of a committed run (every claim email in one directory, and every
 * other file) with the same sizes, write their bytes, and make them
 * durable the way `run` commits (one syncfs, then an fsync of each
 * directory), and nothing else: no input read, no decision, no
 * compression, no digest.  bench/migration.sh prints it beside `run`.
 *
 *	floor RUN_DIR DEST_DIR
 *
 * DEST_DIR must not exist.  Prints "floor: N files, B bytes, S s".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 16];
static int dirs[256];		/* every directory made, to fsync at the end */
static int ndirs;
static unsigned long nfiles;
static unsigned long long nbytes;

static void
die(const char *what, const char *name)
{
	fprintf(stderr, "floor: %s: %s: %s\n", what, name, strerror(errno));
	exit(1);
}

/* Create name in dirfd with size bytes written, as run writes a file. */
static void
make_file(int dirfd, const char *name, off_t size)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600);
	ssize_t w;
	size_t n;

	if (fd < 0)
		die("cannot create", name);
	while (size > 0) {
		n = size > (off_t)sizeof buf ? sizeof buf : (size_t)size;
		if ((w = write(fd, buf, n)) < 0)
			die("cannot write", name);
		size -= w;
		nbytes += (unsigned long long)w;
	}
	if (close(fd) != 0)
		die("cannot close", name);
	nfiles++;
}

/* Copy the shape of src (sizes only) into the new directory dst. */
static void
copy_tree(int srcfd, int dstparent, const char *dstname)
{
	DIR *d;
	struct dirent *e;
	struct stat st;
	int dst, sub;

	if (mkdirat(dstparent, dstname, 0700) != 0)
		die("cannot make", dstname);
	if ((dst = openat(dstparent, dstname, O_RDONLY | O_DIRECTORY)) < 0)
		die("cannot open", dstname);
	if ((d = fdopendir(srcfd)) == NULL)
		die("cannot read", dstname);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			die("cannot stat", e->d_name);
		if (S_ISDIR(st.st_mode)) {
			sub = openat(dirfd(d), e->d_name, O_RDONLY |
			    O_DIRECTORY);
			if (sub < 0)
				die("cannot open", e->d_name);
			copy_tree(sub, dst, e->d_name);
		} else if (S_ISREG(st.st_mode))
			make_file(dst, e->d_name, st.st_size);
	}
	closedir(d);
	if (ndirs == (int)(sizeof dirs / sizeof dirs[0])) {
		errno = EMFILE;
		die("too many directories", dstname);
	}
	dirs[ndirs++] = dst;
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	int src;

	if (argc != 3) {
		fputs("usage: floor RUN_DIR DEST_DIR\n", stderr);
		return 2;
	}
	memset(buf, 'x', sizeof buf);
	if ((src = open(argv[1], O_RDONLY | O_DIRECTORY)) < 0)
		die("cannot open", argv[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	copy_tree(src, AT_FDCWD, argv[2]);
	/* as cr_rundir_commit: one syncfs, then each directory */
	if (syncfs(dirs[0]) != 0)
		die("cannot sync", argv[2]);
	while (ndirs > 0)
		if (fsync(dirs[--ndirs]) != 0 || close(dirs[ndirs]) != 0)
			die("cannot sync a directory of", argv[2]);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("floor: %lu files, %llu bytes, %.2f s\n", nfiles, nbytes,
	    (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
