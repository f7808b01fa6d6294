/*
 * libcsv-pass.c -- the benchmark's baseline: one bare, single-threaded
 * libcsv pass over CSV files, in the mode custrelease uses (strict, strict
 * at the end, unquoted spaces kept), fed in 64 KiB blocks with read(2).
 * It counts fields and records and prints them with the bytes read:
 *
 *	libcsv-pass FILE...	->  "files N bytes B rows R fields F"
 *
 * It deliberately does nothing else: no header mapping, no UTF-8 check,
 * no copy of a field, no line counting.  That is the speed to compare
 * custrelease against (docs/performance.md).  Exit 1 on a parse or read
 * error, 2 on usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#define PASS_BLOCK	(64 * 1024)

struct pass_counts {
	unsigned long long	rows;
	unsigned long long	fields;
};

static void
pass_field(void *s, size_t len, void *arg)
{
	(void)s;
	(void)len;
	((struct pass_counts *)arg)->fields++;
}

static void
pass_record(int c, void *arg)
{
	(void)c;
	((struct pass_counts *)arg)->rows++;
}

/* No byte is a space: unquoted fields are kept as they are. */
static int
pass_nospace(unsigned char c)
{
	(void)c;
	return 0;
}

static int
pass_file(const char *path, struct pass_counts *n, unsigned long long *bytes)
{
	static char buf[PASS_BLOCK];
	struct csv_parser p;
	ssize_t got;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "libcsv-pass: %s: %s\n", path, strerror(errno));
		return 1;
	}
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_space_func(&p, pass_nospace);
	csv_set_blk_size(&p, PASS_BLOCK);
	for (;;) {
		got = read(fd, buf, sizeof buf);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			fprintf(stderr, "libcsv-pass: %s: %s\n", path,
			    strerror(errno));
			rc = 1;
			break;
		}
		if (got == 0)
			break;
		*bytes += (unsigned long long)got;
		if (csv_parse(&p, buf, (size_t)got, pass_field, pass_record,
		    n) != (size_t)got) {
			fprintf(stderr, "libcsv-pass: %s: %s\n", path,
			    csv_strerror(csv_error(&p)));
			rc = 1;
			break;
		}
	}
	if (rc == 0 && csv_fini(&p, pass_field, pass_record, n) != 0) {
		fprintf(stderr, "libcsv-pass: %s: %s\n", path,
		    csv_strerror(csv_error(&p)));
		rc = 1;
	}
	csv_free(&p);
	close(fd);
	return rc;
}

int
main(int argc, char **argv)
{
	struct pass_counts n = { 0, 0 };
	unsigned long long bytes = 0;
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: libcsv-pass FILE...\n");
		return 2;
	}
	for (i = 1; i < argc; i++)
		rc |= pass_file(argv[i], &n, &bytes);
	printf("files %d bytes %llu rows %llu fields %llu\n", argc - 1, bytes,
	    n.rows, n.fields);
	return rc;
}
