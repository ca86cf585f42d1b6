/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whole-file reads, atomic replacement and folder creation, for any vmhost process. */
#include "common/fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

int
fd_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync the folder holding path, so that a rename in it is durable. */
static int
dir_fsync_parent(const char *path)
{
	char *copy = strdup(path);
	int fd, r = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		r = -errno;
	else if (fsync(fd) < 0 && errno != EINVAL)
		r = -errno; /* EINVAL: the filesystem cannot sync folders */
	if (fd >= 0)
		close(fd);
	free(copy);
	return r;
}

/* Fill the open temp file: mode, data, fsync, close (fd is closed in any case). */
static int
file_fill_temp(int fd, const void *data, size_t len, mode_t mode, int sync)
{
	int r = 0;

	if (fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0)
		r = fd_write_all(fd, data, len);
	if (r == 0 && sync && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

static int
file_write_tmp_rename(const char *path, const void *data, size_t len,
    mode_t mode, int sync)
{
	size_t plen = strlen(path);
	char *tmp;
	int fd, r;

	if (plen == 0 || path[plen - 1] == '/')
		return -EINVAL;
	tmp = malloc(plen + sizeof(".tmp.XXXXXX"));
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	r = file_fill_temp(fd, data, len, mode, sync);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		goto out;
	}
	r = sync ? dir_fsync_parent(path) : 0;
out:
	free(tmp);
	return r;
}

int
file_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	return file_write_tmp_rename(path, data, len, mode, 1);
}

int
file_write_replace(const char *path, const void *data, size_t len,
    mode_t mode)
{
	return file_write_tmp_rename(path, data, len, mode, 0);
}

int
fd_read_all(int fd, size_t max, char **out, size_t *outlen)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *nb;
	ssize_t n;

	if (max > SIZE_MAX / 2)
		max = SIZE_MAX / 2;
	for (;;) {
		if (len == cap) {
			/* read one byte past max to tell "exactly max" from "more" */
			cap = cap ? cap * 2 : 4096;
			if (cap > max + 1)
				cap = max + 1;
			if (!(nb = realloc(buf, cap + 1)))
				goto fail_nomem;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			errno = EFBIG;
			goto fail;
		}
	}
	buf[len] = '\0';
	*out = buf;
	if (outlen)
		*outlen = len;
	return 0;
fail_nomem:
	errno = ENOMEM;
fail:
	free(buf);
	return -errno;
}

int
file_read_all(const char *path, size_t max, char **out, size_t *outlen)
{
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	r = fd_read_all(fd, max, out, outlen);
	close(fd);
	return r;
}

/* Create one folder of a mkdir -p walk; an existing folder is fine. */
static int
dir_make_one(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (stat(path, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* chown + chmod the folder itself, never what a symlink in its place names. */
static int
dir_set_owner(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0)
		r = -errno;
	close(fd);
	return r;
}

int
dir_ensure(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	char *copy;
	int r = 0;

	if (!path || !*path)
		return -EINVAL;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	for (char *p = copy + 1; *p && r == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		r = dir_make_one(copy, mode);
		*p = '/';
	}
	if (r == 0)
		r = dir_make_one(copy, mode);
	if (r == 0 && (uid != (uid_t)-1 || gid != (gid_t)-1))
		r = dir_set_owner(copy, mode, uid, gid);
	free(copy);
	return r;
}

int
file_remove(const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

ssize_t
fd_pread_all(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done,
		    off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

void
dir_remove_temps(const char *dir)
{
	struct dirent *de;
	DIR *dp = opendir(dir);

	if (!dp)
		return;
	while ((de = readdir(dp)))
		if (strstr(de->d_name, ".tmp.") &&
		    unlinkat(dirfd(dp), de->d_name, 0) == 0)
			log_info("removed '%s/%s' (an interrupted write)", dir,
			    de->d_name);
	closedir(dp);
}
