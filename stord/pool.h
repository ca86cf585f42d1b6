/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's directory pool: volumes in /var/lib/vmhost/images, created, listed, resized, removed. */
#ifndef VMHOST_STORD_POOL_H
#define VMHOST_STORD_POOL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stord/probe.h"

#define POOL_NAME_MAX	200
#define POOL_VOLS_MAX	1024
/* The largest volume stord creates or grows to: qcow2's own limit. */
#define POOL_SIZE_MAX	(1ull << 51)
/* The format stord records on the volumes it creates. */
#define POOL_XATTR_FORMAT "user.vmhost.format"

struct pool_vol {
	char name[POOL_NAME_MAX + 1];
	char path[PATH_MAX];
	uint64_t capacity;	/* virtual size (file size when raw/unknown) */
	uint64_t allocation;	/* bytes on disk */
	char format[16];	/* recorded, or guessed when probed; "" none */
	bool probed;
	struct image_info info;	/* headers, when read (recorded or probed) */
};

/* 0 when @name is a safe volume name (no '/', no leading '.', no control
 * bytes, 1..200 bytes), else -EINVAL with the reason in @err. */
int pool_name_check(const char *name, char *err, size_t errlen);

/*
 * Every call works in the pool folder @dir and returns 0 or a negative errno
 * with a one-line reason in @err.  Volumes are opened with O_NOFOLLOW below
 * an O_DIRECTORY descriptor of @dir: a symlink is never a volume.
 */
int pool_vol_create(const char *dir, const char *name, uint64_t capacity,
    const char *format, const char *backing, const char *backing_format,
    struct pool_vol *out, char *err, size_t errlen);
/* Reads a volume; with @probe its format is guessed from its header (only
 * the header: nothing it names is opened). */
int pool_vol_info(const char *dir, const char *name, bool probe,
    struct pool_vol *out, char *err, size_t errlen);
/* Sorted names of the volumes (malloc'd array of malloc'd strings). */
int pool_vol_list(const char *dir, char ***names, size_t *n, char *err,
    size_t errlen);
void pool_names_free(char **names, size_t n);
int pool_vol_delete(const char *dir, const char *name, char *err,
    size_t errlen);
/* Raw volumes only; a smaller size needs @shrink. */
int pool_vol_resize(const char *dir, const char *name, uint64_t capacity,
    bool shrink, struct pool_vol *out, char *err, size_t errlen);

#endif
