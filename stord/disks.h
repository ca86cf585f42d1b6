/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's disk preparation for a guest start: chains opened, checked, handed over. */
#ifndef VMHOST_STORD_DISKS_H
#define VMHOST_STORD_DISKS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define DISKS_MAX	32
#define DISKS_MAX_FDS	48	/* leaves room in a frame for the rest */

struct disks_layer {
	char path[PATH_MAX];
	bool qcow2;		/* else raw */
	bool writable;
};

struct disks_prepared {
	char target[32];
	size_t first, nlayers;	/* into layers[] and fds[] */
};

struct disks_result {
	struct disks_prepared disks[DISKS_MAX];
	size_t ndisks;
	struct disks_layer layers[DISKS_MAX_FDS];
	int fds[DISKS_MAX_FDS];
	size_t nfds;
};

/* The folders images may come from: the pool, then stord.conf's
 * allowed_dirs (NULL-terminated; system folders refused). */
int disks_set_allowed(const char *pool, char *const *dirs, char *err,
    size_t errlen);
/* 1 when the canonical @real lies in one of those folders. */
int disks_allowed_path(const char *real);
/* 1 when path is (or resolves into) a system folder. */
int disks_system_path(const char *path);
/* Open every disk of the definition: 0, or -errno with a one-line reason. */
int disks_prepare(const char *xml, struct disks_result *res, char *err,
    size_t errlen);
void disks_result_clear(struct disks_result *res);
/* Probe an undeclared image for migrate-disks: its format (qemu's name)
 * and backing file, or -errno with the reason it cannot be declared. */
int disks_probe(const char *path, bool allow_backing, const char **format,
    char *backing, size_t blen, char *err, size_t errlen);

#endif
