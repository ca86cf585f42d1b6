/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Backing chain resolution of vmhost-stord: every layer opened and checked. */
#ifndef VMHOST_STORD_CHAIN_H
#define VMHOST_STORD_CHAIN_H

#include <limits.h>

#include "stord/probe.h"

#define CHAIN_DEPTH_DEFAULT 16

struct chain_opts {
	const char *top_format;	/* declared format of the top; NULL: none */
	bool allow_probe;	/* guess undeclared formats (never a default) */
	bool allow_outside;	/* follow references out of the allowed folders */
	bool top_writable;	/* open the top O_RDWR, the rest O_RDONLY */
	unsigned max_depth;	/* most layers, top included; 0: default */
	const char *const *allowed;	/* configured folders (pools, config) */
	size_t n_allowed;
	/* Files refused even with allow_outside (system files), checked on
	 * the canonical path before anything is opened; NULL: none. */
	int (*forbidden)(const char *real);
};

struct chain_layer {
	char path[PATH_MAX];	/* as qemu names it: relative names joined */
	char real[PATH_MAX];	/* the canonical path that was opened */
	int fd;			/* O_CLOEXEC; -1 once closed */
	enum probe_format format;
	bool probed;		/* format guessed, not declared */
	struct image_info info;
};

struct chain {
	size_t n;
	struct chain_layer *layers;
};

/*
 * Resolves the chain below @top.  A layer's format is the one declared for
 * it (by @opts for the top, by the header of the layer above otherwise);
 * an undeclared format is guessed only with allow_probe and is raw
 * otherwise, and a raw layer is never read as anything else.  Relative
 * names are joined to the folder of the image naming them, as qemu does.
 * Every file (backing files, qcow2 data files, vmdk extents) must resolve
 * (realpath) inside the allowed folders, which are @opts->allowed plus the
 * folder of @top and its subfolders; one outside is refused before it is
 * opened, unless allow_outside.  Layers are opened with O_NOFOLLOW on the
 * canonical path and RESOLVE_NO_SYMLINKS where the kernel has openat2, so a
 * symlink swapped in after the check fails the open.  Loops are found by
 * (st_dev, st_ino).  Returns 0 with @out filled (free with chain_free), or
 * a negative errno with a message naming the offending file in @err.
 */
int chain_resolve(const char *top, const struct chain_opts *opts,
    struct chain *out, char *err, size_t errlen);
/* Closes every fd and frees the layers; accepts a zeroed chain. */
void chain_free(struct chain *c);

#endif
