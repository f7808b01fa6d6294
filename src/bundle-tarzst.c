/*
 * bundle-tarzst.c -- the tar.zst bundle format: pax restricted tar,
 * zstd level 3 (faster than gzip -1, smaller than gzip -6).  Only the
 * writer's setup; see bundle-format.h.
 */
#include "config.h"

#include <archive.h>

#include "bundle-format.h"

static int
tarzst_setup(struct archive *a)
{
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_add_filter_zstd(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "zstd:compression-level=3")
	    != ARCHIVE_OK)
		return -1;
	return 0;
}

const struct cr_bundle_format cr_bundle_format_tarzst = {
	.name = "tar.zst",
	.local_times = 0,
	.setup = tarzst_setup,
};
