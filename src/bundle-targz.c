/*
 * bundle-targz.c -- the tar.gz bundle format (the default): pax
 * restricted tar, gzip without a timestamp so that the same bag gives the
 * same bytes.  Only the writer's setup; see bundle-format.h.
 */
#include "config.h"

#include <archive.h>

#include "bundle-format.h"

static int
targz_setup(struct archive *a)
{
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "gzip:!timestamp") != ARCHIVE_OK)
		return -1;
	return 0;
}

const struct cr_bundle_format cr_bundle_format_targz = {
	.name = "tar.gz",
	.local_times = 0,
	.setup = targz_setup,
};
