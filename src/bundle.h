/*
 * bundle.h -- the audit bundle of a run (docs/format.md 4.2): a BagIt 1.0 bag
 * (RFC 8493) named audit-<run_id>/, written as one reproducible tar.gz
 * (pax restricted, gzip without timestamp), tar.zst or zip with
 * libarchive.
 *
 * It deliberately does not decide what goes into the payload (the run
 * does: cmd-run.c hands every file over, emails already redacted) nor
 * where the archive is committed (rundir.h): it writes one file into a
 * directory it is given.  Checking a bundle is `custrelease verify`
 * (cmd-verify.c); the helpers both share are in bag.h.
 */
#ifndef CR_BUNDLE_H
#define CR_BUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct cr_sshkey;
struct vs_run;

/*
 * One payload file, given in memory (data, len); or, when data is NULL,
 * as the file `name` of the directory `dirfd`; or, when data and name are
 * both NULL and len > 0, as the len bytes at `off` of the open file `fd`
 * (a spool of many payload files, read with pread(2); the caller keeps it
 * open).  Files are read a block at a time, so that a large payload never
 * needs to be in memory: twice, once by a thread of the writer's own that
 * hashes them while the reports are made and the archive begins (only the
 * manifests, which come last, wait for it), once to archive them.  They
 * must not change while the bundle is written.
 */
struct cr_bundle_entry {
	const char	*path;	/* inside data/: "decisions.csv", "emails/c-1.eml" */
	const void	*data;
	size_t		 len;
	int		 dirfd;	/* with data == NULL and name != NULL */
	const char	*name;
	int		 fd;	/* with data == NULL and name == NULL */
	uint64_t	 off;
};

/*
 * Write the bag audit-<run_id>/ into dirfd/<name> (created with O_EXCL,
 * mode 0600, fsynced and closed), in the format named `format` (NULL:
 * tar.gz; the formats and their names are in bundle-format.h).
 *
 * `entries` are the payload files under data/, in any order; the writer
 * adds data/report.txt and data/report.html (from decisions.csv,
 * ownership.csv and summary.json among the entries, written to a spool
 * file it makes in dirfd and unlinks at once, ".audit-spool"), bagit.txt,
 * bag-info.txt, manifest-sha256.txt, manifest-sha512.txt,
 * tagmanifest-sha256.txt and tagmanifest-sha512.txt.
 *
 * Every archive entry: sorted by path, mtime = run_time (no atime or
 * ctime), owner root (0/0), files 0644, directories 0755: the same
 * arguments give a byte-identical file.  The caller must have called
 * setlocale(LC_CTYPE, "C.UTF-8") (libarchive needs it for UTF-8 names).
 *
 * Returns 0; CR_STATUS_IO after a write error (recorded; the partial file
 * is left for the caller to remove with its run directory);
 * CR_STATUS_DATA for a payload name the bag refuses (a '%', CR, LF, '..',
 * a duplicate or a report.* name: a bug upstream) or a decisions.csv that
 * cannot be read; CR_STATUS_USAGE for an unknown format.
 */
int	cr_bundle_write(int dirfd, const char *name, const char *format,
	    const char *run_id, time_t run_time,
	    const struct cr_bundle_entry *entries, size_t n);
/* The bag's BagIt profile (docs/bagit-profile.json), named in bag-info.txt. */
#define CR_BUNDLE_PROFILE_ID	"urn:custrelease:bagit-profile:audit-bundle:1"

/* The SSHSIG namespace of a bundle's signature (ssh-keygen -Y -n). */
#define CR_BUNDLE_SIG_NAMESPACE	"custrelease"

/*
 * Many payload files of one directory (a run's claim emails), listed in a
 * sorted file instead of memory, so that a bundle of any number of them
 * costs the same memory: `list` holds one record (verify-stream.h) per
 * file, the fields its path inside data/ ("emails/c-1.eml": `dir`, then a
 * name without '/'), vs_row(off) and vs_row(len), the len bytes at off of
 * the open file fd; sorted by path, each path once.  n and octets are the
 * count and the sum of the lengths (bag-info.txt needs them first).  Each
 * file is read once, while the archive is written, and hashed as it is
 * copied; a record out of order or a bad name is CR_STATUS_DATA.
 */
struct cr_bundle_many {
	const char		*dir;		/* "emails/" */
	int			 fd;
	const struct vs_run	*list;
	size_t			 n;
	uint64_t		 octets;
};

/* What a run adds to cr_bundle_write's defaults. */
struct cr_bundle_opts {
	/* the path of dirfd as the user knows it ("OUT/.tmp-..."): every
	   message names its file under it, never a bare name; NULL: none */
	const char		*dir;
	const char		*format;	/* NULL: tar.gz */
	/* sign tagmanifest-sha256.txt into tagmanifest-sha256.txt.sig (an
	   SSHSIG, namespace "custrelease"); NULL: unsigned */
	const struct cr_sshkey	*signing_key;
	/*
	 * The run's predecessor in OUT, for bag-info.txt: prev_run_id ""
	 * writes "Previous-Run-Id: none", NULL (not a run: a test bag)
	 * writes neither line; prev_tagmanifest_sha256 NULL or "" writes
	 * "unknown".  keep_tags: also write copies of bag-info.txt and
	 * tagmanifest-sha256.txt into dirfd, for the next run (chain.h).
	 */
	const char		*prev_run_id;
	const char		*prev_tagmanifest_sha256;
	int			 keep_tags;
	const struct cr_bundle_many *many;	/* NULL: none */
};

int	cr_bundle_write_opts(int dirfd, const char *name, const char *run_id,
	    time_t run_time, const struct cr_bundle_entry *entries, size_t n,
	    const struct cr_bundle_opts *);

#endif
