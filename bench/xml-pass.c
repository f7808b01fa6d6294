/*
 * xml-pass.c -- the benchmark's XML baseline: one bare xmlTextReader pass
 * over an XML file, with the parser options custrelease uses (no network,
 * CDATA merged into text, no entity expansion, no DTD loading), reading
 * the file through a read(2) callback of its own, in the sizes libxml2
 * asks for, as custrelease does.
 * It counts nodes and elements:
 *
 *	xml-pass FILE	->  "bytes B nodes N elements E"
 *
 * It deliberately looks at no name, attribute or value: that is the
 * speed to compare custrelease's XML form against (docs/performance.md).
 * Exit 1 when the document is not well-formed or cannot be read, 2 on
 * usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

struct pass_io {
	int			fd;
	unsigned long long	bytes;
};

static int
pass_read(void *arg, char *buf, int len)
{
	struct pass_io *io = arg;
	ssize_t got;

	do
		got = read(io->fd, buf, (size_t)len);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -1;
	io->bytes += (unsigned long long)got;
	return (int)got;
}

static int
pass_close(void *arg)
{
	(void)arg;
	return 0;
}

int
main(int argc, char **argv)
{
	struct pass_io io = { -1, 0 };
	xmlTextReaderPtr r;
	unsigned long long nodes = 0, elements = 0;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: xml-pass FILE\n");
		return 2;
	}
	io.fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (io.fd < 0) {
		fprintf(stderr, "xml-pass: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	LIBXML_TEST_VERSION
	r = xmlReaderForIO(pass_read, pass_close, &io, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOCDATA);
	if (r == NULL) {
		fprintf(stderr, "xml-pass: %s: cannot start the reader\n",
		    argv[1]);
		close(io.fd);
		return 1;
	}
	while ((rc = xmlTextReaderRead(r)) == 1) {
		nodes++;
		if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT)
			elements++;
	}
	xmlFreeTextReader(r);
	close(io.fd);
	xmlCleanupParser();
	if (rc != 0) {
		fprintf(stderr, "xml-pass: %s: not well-formed\n", argv[1]);
		return 1;
	}
	printf("bytes %llu nodes %llu elements %llu\n", io.bytes, nodes,
	    elements);
	return 0;
}
