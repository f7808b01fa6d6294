/*
 * bundle-zip.c -- the zip bundle format: deflate, DOS times (local time,
 * so bundle.c writes it with TZ=UTC).  Only the writer's setup; see
 * bundle-format.h.
 */
#include "config.h"

#include <archive.h>

#include "bundle-format.h"

static int
zip_setup(struct archive *a)
{
	if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "zip:compression=deflate")
	    != ARCHIVE_OK)
		return -1;
	return 0;
}

const struct cr_bundle_format cr_bundle_format_zip = {
	.name = "zip",
	.local_times = 1,
	.setup = zip_setup,
};
