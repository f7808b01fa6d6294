/*
 * bundle-format.h -- the archive forms an audit bundle can take, one file
 * each (bundle-targz.c, bundle-tarzst.c, bundle-zip.c), looked up by name
 * from one table (bundle-format.c), the way libarchive keeps each
 * archive_write_set_format_*.c apart.
 *
 * A format only sets up a libarchive writer (container, filter, options)
 * and says whether it stores local times; what goes into the bag and in
 * which order is bundle.c's.  Adding a format is adding a file that
 * defines one struct cr_bundle_format and naming it in the table.
 * The structs are static, constant and never freed.
 */
#ifndef CR_BUNDLE_FORMAT_H
#define CR_BUNDLE_FORMAT_H

#include <stddef.h>

struct archive;

struct cr_bundle_format {
	const char	*name;		/* --bundle-format and the file's
					   extension: "tar.gz" */
	int		 local_times;	/* stores local times (zip's DOS
					   times): written with TZ=UTC */
	/* Set format, filters and options on a new writer; 0 or -1. */
	int		(*setup)(struct archive *a);
};

extern const struct cr_bundle_format cr_bundle_format_targz;
extern const struct cr_bundle_format cr_bundle_format_tarzst;
extern const struct cr_bundle_format cr_bundle_format_zip;

/* The format called `name`, or NULL. */
const struct cr_bundle_format *cr_bundle_format_find(const char *name);

/* The i-th format of the table (0 is the default), or NULL past its end. */
const struct cr_bundle_format *cr_bundle_format_at(size_t i);

/* The known names for a message: "tar.gz, tar.zst or zip". */
const char	*cr_bundle_format_names(void);

#endif
