/*
 * signkey.c -- reads the signing key file (see signkey.h): at most
 * SIGNKEY_MAX bytes into a buffer that is wiped whatever happens.  It
 * deliberately handles no passphrase (a nightly job has nobody to type
 * it) and no agent.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "custrelease.h"
#include "err.h"
#include "signkey.h"

#define SIGNKEY_MAX	16384	/* an Ed25519 key file is about 400 bytes */

static int
signkey_read(const char *path, char *buf, size_t *len)
{
	struct stat st;
	ssize_t r;
	int fd, err;

	*len = 0;
	/* a FIFO without a writer must not block: opened without waiting */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
		err = errno;
		if (fd >= 0)
			close(fd);
		cr_err_set(path, 0, "cannot read signing key: %s", strerror(err));
		return err == EIO ? CR_STATUS_IO : CR_STATUS_USAGE;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		cr_err_warn(path, 0, "signing key is writable by group or others: "
		    "whoever can change it can sign bundles in your name");
	while ((r = read(fd, buf + *len, SIGNKEY_MAX - *len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || *len + (size_t)r == SIGNKEY_MAX) {
			err = r < 0 ? errno : EFBIG;
			close(fd);
			cr_err_set(path, 0, "cannot read signing key: %s",
			    err == EFBIG ? "larger than an OpenSSH Ed25519 "
			    "key file" : strerror(err));
			return err == EFBIG || err == EISDIR ? CR_STATUS_USAGE :
			    CR_STATUS_IO;
		}
		*len += (size_t)r;
	}
	close(fd);
	return 0;
}

int
cr_signing_key_load(const char *path, struct cr_sshkey *k)
{
	static const char *const why[] = {
		[CR_SSHKEY_MALFORMED] = "not an OpenSSH private key",
		[CR_SSHKEY_ENCRYPTED] = "protected by a passphrase; a nightly "
		    "job cannot type it: make an unencrypted key "
		    "(ssh-keygen -t ed25519 -N '') and protect the file",
		[CR_SSHKEY_NOT_ED25519] = "not an Ed25519 key",
	};
	char buf[SIGNKEY_MAX];
	enum cr_sshkey_problem p;
	size_t len;
	int rc;

	memset(k, 0, sizeof *k);
	rc = signkey_read(path, buf, &len);
	p = rc == 0 ? cr_sshkey_parse(buf, len, k) : CR_SSHKEY_OK;
	explicit_bzero(buf, sizeof buf);
	if (rc != 0)
		return rc;
	if (p != CR_SSHKEY_OK) {
		cr_sshkey_wipe(k);
		cr_err_set(path, 0, "signing key: %s", why[p]);
		return CR_STATUS_USAGE;
	}
	return 0;
}
