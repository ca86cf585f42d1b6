/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whole-file reads and atomic writes (temp file, fsync, rename, fsync folder). */
#ifndef VMHOST_FILEIO_H
#define VMHOST_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Write data to path atomically: path.tmp.XXXXXX in the same folder,
 * write all, fchmod(mode), fsync, rename over path, fsync the folder.
 * On any failure the old file is untouched and the temp file removed.
 * Returns 0 or -errno.
 */
int file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode);

/*
 * The same without either fsync: readers never see a half-written file,
 * but a power loss may lose it. For files rewritten from memory on every
 * use (runtime state, generated configs). Returns 0 or -errno.
 */
int file_write_replace(const char *path, const void *data, size_t len,
    mode_t mode);

/*
 * Read a whole file of at most max bytes into a malloc'd, NUL-terminated
 * buffer. -EFBIG when larger than max. Returns 0 or -errno.
 */
int file_read_all(const char *path, size_t max, char **out, size_t *outlen);

/* Same, from an open fd (read until EOF). */
int fd_read_all(int fd, size_t max, char **out, size_t *outlen);
/* Write all of data (retrying short writes and EINTR). 0 or -errno. */
int fd_write_all(int fd, const void *data, size_t len);

/*
 * mkdir -p path with mode for every component created; then, if uid/gid
 * are not (uid_t)-1/(gid_t)-1, chown the last component and chmod it to
 * mode. Returns 0 or -errno.
 */
int dir_ensure(const char *path, mode_t mode, uid_t uid, gid_t gid);

/*
 * Read up to len bytes at off (retrying short reads and EINTR): the bytes
 * read (fewer only at end of file), or -errno.
 */
ssize_t fd_pread_all(int fd, void *buf, size_t len, off_t off);

/*
 * Remove the temp files of writes cut short (names holding ".tmp.", as
 * file_write_atomic/replace make them) from dir, one log line each.
 */
void dir_remove_temps(const char *dir);

/* unlink, ignoring ENOENT. Returns 0 or -errno. */
int file_remove(const char *path);

#endif
