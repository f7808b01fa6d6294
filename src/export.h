/*
 * export.h -- an organization export as a whole (docs/format.md 2.2, 2.3): a folder
 * of CSV files, an archive of them (zip, tar, tar.gz, tar.xz, tar.zst), an
 * XML document, or an archive holding one.  cr_export_read() streams every
 * table through the readers of read.h; it never extracts to disk and never
 * holds a file in memory.
 *
 * CSV tables are handed out in dependency order -- organizations and
 * accounts, then customers, products, then domain_contacts and shares -- so
 * a consumer always sees the row a reference points to before the
 * reference.  An archive whose members come in another order is read more
 * than once (each member is parsed once).  XML rows come in document order
 * with CR_ROW_NESTED.
 *
 * Every file is hashed as it is read: after a successful read,
 * cr_export_input() lists the files with their SHA-256.
 */
#ifndef CR_EXPORT_H
#define CR_EXPORT_H

#include <stdint.h>

#include "read.h"
#include "schema.h"

struct cr_export;

/* Opens and inspects PATH (reads no table yet).  0 or an exit code. */
int		 cr_export_open(const char *path, struct cr_export **);
void		 cr_export_free(struct cr_export *);

int		 cr_export_is_xml(const struct cr_export *);
/* Called after each read with (bytes read so far, total, or 0). */
void		 cr_export_set_progress(struct cr_export *,
		    void (*)(void *, uint64_t done, uint64_t total), void *);

/*
 * Row filters for the next cr_export_read (read.h), one per table
 * (CR_T_EXPORT_COUNT entries, indexed by enum cr_table; keep NULL: none),
 * applied to the XML form too.  The array must outlive the read.
 */
void		 cr_export_set_filters(struct cr_export *,
		    const struct cr_row_filter *);

/* Reads every table; 0, an exit code, or what the callback returned. */
int		 cr_export_read(struct cr_export *, cr_row_fn, void *arg);

/* After cr_export_read: the files read, in read order, with digests. */
size_t		 cr_export_ninputs(const struct cr_export *);
const char	*cr_export_input_name(const struct cr_export *, size_t);
const char	*cr_export_input_sha256(const struct cr_export *, size_t);
/* Whether the table's file was present (optional tables may be absent). */
int		 cr_export_has_table(const struct cr_export *, enum cr_table);

/*
 * Reads one manifest (CSV or XML by its name or first byte) from its
 * source exactly once: a path, or "-" for standard input.  What is not a
 * regular file (a pipe, a FIFO) is spooled first into an unnamed 0600
 * file under $TMPDIR; a directory is an input error (65).  The digest of
 * its bytes lands in sha256 (65 bytes) when not NULL.  With keep_fd, the
 * caller gets the open regular file (offset unspecified; read it with
 * pread) and owns it; otherwise it is closed.
 */
int		 cr_manifest_read(const char *path, cr_row_fn, void *arg,
		    char *sha256, int *is_xml, int *keep_fd);
/*
 * Read again a manifest that cr_manifest_read() kept open (keep_fd), from
 * its start: the same rows to fn, its digest in sha256.
 */
int		 cr_manifest_reread(int fd, const char *name, int xml,
		    cr_row_fn, void *arg, char *sha256);
/* Open the manifest as above: a regular file's fd, or -1 (*status set). */
int		 cr_manifest_open(const char *path, int *status);
/* The name messages give the manifest: "stdin" for "-". */
const char	*cr_manifest_display(const char *path);

#endif
