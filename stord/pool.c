/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's directory pool: volumes created natively (sparse raw, qcow2), read, resized, removed. */
#define LOG_MODULE "pool"
#include "stord/pool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/log.h"
#include "stord/qcow2_create.h"

#define VOL_OPEN_FLAGS (O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK)

static const char *
quote(const char *s, char *buf, size_t n)
{
	return str_escape(buf, n, s);
}

int
pool_name_check(const char *name, char *err, size_t errlen)
{
	char q[96];
	size_t n = name ? strlen(name) : 0;

	if (n == 0) {
		snprintf(err, errlen, "a volume needs a name");
		return -EINVAL;
	}
	if (n > POOL_NAME_MAX) {
		snprintf(err, errlen, "volume name longer than %d bytes",
		    POOL_NAME_MAX);
		return -ENAMETOOLONG;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/' || c < 0x20 || c == 0x7f) {
			snprintf(err, errlen, "volume name '%s' may not contain '/' or control characters",
			    quote(name, q, sizeof(q)));
			return -EINVAL;
		}
	}
	if (name[0] == '.') {
		snprintf(err, errlen, "volume name '%s' may not start with '.'",
		    quote(name, q, sizeof(q)));
		return -EINVAL;
	}
	return 0;
}

static int
pool_open_dir(const char *dir, char *err, size_t errlen)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		snprintf(err, errlen, "pool folder '%s' cannot be opened: %s",
		    dir, strerror(errno));
	return fd < 0 ? -errno : fd;
}

/* Opens volume @name of the pool: a regular file, never a symlink. */
static int
vol_open(const char *dir, const char *name, int flags, char *err,
    size_t errlen)
{
	struct stat st;
	char q[96];
	int dfd, fd, e;

	if ((e = pool_name_check(name, err, errlen)) < 0)
		return e;
	if ((dfd = pool_open_dir(dir, err, errlen)) < 0)
		return dfd;
	fd = openat(dfd, name, flags | VOL_OPEN_FLAGS);
	e = errno;
	close(dfd);
	if (fd < 0) {
		snprintf(err, errlen, "volume '%s' %s", quote(name, q,
		    sizeof(q)), e == ENOENT ? "not found" : e == ELOOP ?
		    "is a symlink, not a volume" : strerror(e));
		return -e;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "volume '%s' is not a regular file",
		    quote(name, q, sizeof(q)));
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/* The format stord recorded when it created the volume; UNKNOWN if none. */
static enum probe_format
vol_recorded(int fd)
{
	char v[16];
	ssize_t n = fgetxattr(fd, POOL_XATTR_FORMAT, v, sizeof(v) - 1);

	if (n <= 0)
		return PROBE_FMT_UNKNOWN;
	v[n] = '\0';
	return probe_format_parse(v);
}

static int
vol_fill(int fd, const char *dir, const char *name, bool probe,
    struct pool_vol *out, char *err, size_t errlen)
{
	enum probe_format fmt = vol_recorded(fd);
	struct stat st;
	int r = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	snprintf(out->path, sizeof(out->path), "%s/%s", dir, name);
	if (fstat(fd, &st) < 0)
		return -errno;
	out->capacity = (uint64_t)st.st_size;
	out->allocation = (uint64_t)st.st_blocks * 512;
	if (probe) {
		r = probe_fd(fd, &out->info, err, errlen);
		out->probed = r == 0;
	} else if (fmt != PROBE_FMT_UNKNOWN) {
		r = probe_fd_as(fd, fmt, &out->info, err, errlen);
	} else {
		return 0;	/* nothing recorded, nothing guessed: raw */
	}
	if (r < 0)
		return r;
	snprintf(out->format, sizeof(out->format), "%s",
	    probe_qemu_format_name(&out->info));
	out->capacity = out->info.virtual_size;
	return 0;
}

int
pool_vol_info(const char *dir, const char *name, bool probe,
    struct pool_vol *out, char *err, size_t errlen)
{
	int fd = vol_open(dir, name, O_RDONLY, err, errlen), r;

	if (fd < 0)
		return fd;
	r = vol_fill(fd, dir, name, probe, out, err, errlen);
	close(fd);
	return r;
}

/* The backing volume: declared format checked against its header, and
 * its size when the new volume takes it. */
static int
backing_check(const char *dir, const char *backing, const char *bfmt,
    uint64_t *size, char *err, size_t errlen)
{
	enum probe_format f = probe_format_parse(bfmt ? bfmt : "");
	struct image_info *info;
	char q[96];
	int fd, r;

	if (!bfmt || !*bfmt) {
		snprintf(err, errlen, "a backing volume needs its format (--backing-vol-format): formats are never guessed");
		return -EINVAL;
	}
	if (f != PROBE_FMT_RAW && f != PROBE_FMT_QCOW2) {
		snprintf(err, errlen, "backing format '%s' is not raw or qcow2",
		    quote(bfmt, q, sizeof(q)));
		return -EINVAL;
	}
	if ((fd = vol_open(dir, backing, O_RDONLY, err, errlen)) < 0)
		return fd;
	if (!(info = calloc(1, sizeof(*info)))) {
		close(fd);
		return -ENOMEM;
	}
	r = probe_fd_as(fd, f, info, err, errlen);
	if (r == 0 && *size == 0)
		*size = info->virtual_size;
	free(info);
	close(fd);
	return r;
}

static int
create_check(const char *dir, const char *name, uint64_t *capacity,
    const char *format, const char *backing, const char *bfmt, char *err,
    size_t errlen)
{
	bool qcow2 = format && strcmp(format, "qcow2") == 0;
	char q[96];
	int r;

	if ((r = pool_name_check(name, err, errlen)) < 0)
		return r;
	if (!qcow2 && (!format || strcmp(format, "raw"))) {
		snprintf(err, errlen, "volume format '%s' is not raw or qcow2",
		    quote(format ? format : "", q, sizeof(q)));
		return -EINVAL;
	}
	if (backing && *backing) {
		if (!qcow2) {
			snprintf(err, errlen, "only a qcow2 volume can have a backing volume");
			return -EINVAL;
		}
		if (strcmp(backing, name) == 0) {
			snprintf(err, errlen, "a volume cannot back itself");
			return -EINVAL;
		}
		if ((r = backing_check(dir, backing, bfmt, capacity, err,
		    errlen)) < 0)
			return r;
	}
	if (*capacity == 0 || *capacity > POOL_SIZE_MAX) {
		snprintf(err, errlen, "volume size must be between 1 byte and %llu bytes (2 PiB)",
		    (unsigned long long)POOL_SIZE_MAX);
		return -EINVAL;
	}
	*capacity = (*capacity + 511) & ~511ull;
	return 0;
}

static int
create_write(int fd, uint64_t capacity, const char *format,
    const char *backing, const char *bfmt, char *err, size_t errlen)
{
	int r;

	if (strcmp(format, "qcow2") == 0)
		r = qcow2_create_fd(fd, capacity, backing && *backing ?
		    backing : NULL, bfmt, err, errlen);
	else if (ftruncate(fd, (off_t)capacity) < 0)
		r = -errno;
	else
		r = 0;
	if (r < 0 && !*err)
		snprintf(err, errlen, "cannot write the volume: %s",
		    strerror(-r));
	if (r == 0 && fsetxattr(fd, POOL_XATTR_FORMAT, format,
	    strlen(format), 0) < 0)
		log_warn("cannot record the format of a volume: %s",
		    strerror(errno));
	if (r == 0 && fsync(fd) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot sync the volume: %s",
		    strerror(errno));
	}
	return r;
}

int
pool_vol_create(const char *dir, const char *name, uint64_t capacity,
    const char *format, const char *backing, const char *backing_format,
    struct pool_vol *out, char *err, size_t errlen)
{
	char q[96];
	int dfd, fd, r;

	err[0] = '\0';
	if ((r = create_check(dir, name, &capacity, format, backing,
	    backing_format, err, errlen)) < 0)
		return r;
	if ((dfd = pool_open_dir(dir, err, errlen)) < 0)
		return dfd;
	fd = openat(dfd, name, O_RDWR | O_CREAT | O_EXCL | VOL_OPEN_FLAGS,
	    0600);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "volume '%s' %s", quote(name, q,
		    sizeof(q)), r == -EEXIST ? "already exists" :
		    strerror(-r));
		close(dfd);
		return r;
	}
	r = create_write(fd, capacity, format, backing, backing_format, err,
	    errlen);
	if (r == 0)
		r = vol_fill(fd, dir, name, false, out, err, errlen);
	if (r < 0)
		unlinkat(dfd, name, 0);
	else
		fsync(dfd);
	close(fd);
	close(dfd);
	if (r == 0)
		log_info("volume '%s' created (%s, %llu bytes)", out->name,
		    format, (unsigned long long)out->capacity);
	return r;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
list_add(char ***names, size_t *n, const char *name)
{
	char **p = realloc(*names, (*n + 1) * sizeof(**names));

	if (!p)
		return -ENOMEM;
	*names = p;
	if (!(p[*n] = strdup(name)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

int
pool_vol_list(const char *dir, char ***names, size_t *n, char *err,
    size_t errlen)
{
	struct dirent *e;
	struct stat st;
	char junk[8];
	DIR *d;
	int dfd, r = 0;

	*names = NULL;
	*n = 0;
	if ((dfd = pool_open_dir(dir, err, errlen)) < 0)
		return dfd;
	if (!(d = fdopendir(dfd))) {
		close(dfd);
		return -errno;
	}
	while ((e = readdir(d)) && r == 0 && *n < POOL_VOLS_MAX) {
		if (pool_name_check(e->d_name, junk, sizeof(junk)) < 0 ||
		    fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		r = list_add(names, n, e->d_name);
	}
	closedir(d);
	if (r < 0) {
		pool_names_free(*names, *n);
		*names = NULL;
		*n = 0;
		snprintf(err, errlen, "out of memory");
		return r;
	}
	if (*n > 1)	/* an empty pool has no array: qsort(NULL) is UB */
		qsort(*names, *n, sizeof(**names), name_cmp);
	return 0;
}

void
pool_names_free(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

int
pool_vol_delete(const char *dir, const char *name, char *err, size_t errlen)
{
	int fd = vol_open(dir, name, O_RDONLY, err, errlen), dfd, r = 0;
	char q[96];

	if (fd < 0)
		return fd;
	close(fd);
	if ((dfd = pool_open_dir(dir, err, errlen)) < 0)
		return dfd;
	if (unlinkat(dfd, name, 0) < 0) {
		r = -errno;
		snprintf(err, errlen, "volume '%s' cannot be removed: %s",
		    quote(name, q, sizeof(q)), strerror(errno));
	} else {
		fsync(dfd);
		log_info("volume '%s' deleted", quote(name, q, sizeof(q)));
	}
	close(dfd);
	return r;
}

/* Only raw volumes: recorded raw, or (nothing recorded) not looking like
 * anything else, so that a header is never cut through. */
static int
resize_check(int fd, const char *name, char *err, size_t errlen)
{
	enum probe_format f = vol_recorded(fd);
	struct image_info *info;
	char q[96];
	int r;

	if (f == PROBE_FMT_UNKNOWN) {
		if (!(info = calloc(1, sizeof(*info))))
			return -ENOMEM;
		r = probe_fd(fd, info, err, errlen);
		f = r < 0 ? PROBE_FMT_UNKNOWN : info->format;
		free(info);
		if (r < 0)
			return r;
	}
	if (f == PROBE_FMT_RAW)
		return 0;
	snprintf(err, errlen, "volume '%s' is %s: vol-resize changes raw volumes only",
	    quote(name, q, sizeof(q)), probe_format_name(f));
	return -EOPNOTSUPP;
}

int
pool_vol_resize(const char *dir, const char *name, uint64_t capacity,
    bool shrink, struct pool_vol *out, char *err, size_t errlen)
{
	struct stat st;
	int fd, r;

	if (capacity == 0 || capacity > POOL_SIZE_MAX) {
		snprintf(err, errlen, "volume size must be between 1 byte and %llu bytes (2 PiB)",
		    (unsigned long long)POOL_SIZE_MAX);
		return -EINVAL;
	}
	capacity = (capacity + 511) & ~511ull;
	if ((fd = vol_open(dir, name, O_RDWR, err, errlen)) < 0)
		return fd;
	if ((r = resize_check(fd, name, err, errlen)) < 0)
		goto out;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (capacity < (uint64_t)st.st_size && !shrink) {
		snprintf(err, errlen, "%llu bytes is smaller than the volume (%llu bytes): shrinking loses data and needs --shrink",
		    (unsigned long long)capacity,
		    (unsigned long long)st.st_size);
		r = -EINVAL;
		goto out;
	}
	if (ftruncate(fd, (off_t)capacity) < 0 || fsync(fd) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot resize the volume: %s",
		    strerror(errno));
		goto out;
	}
	r = vol_fill(fd, dir, name, false, out, err, errlen);
out:
	close(fd);
	return r;
}
