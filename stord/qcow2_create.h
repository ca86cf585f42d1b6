/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Native qcow2 (v3) image creation of vmhost-stord. */
#ifndef VMHOST_STORD_QCOW2_CREATE_H
#define VMHOST_STORD_QCOW2_CREATE_H

#include <stddef.h>
#include <stdint.h>

#define QCOW2_CREATE_CLUSTER_BITS 16
/* L1 of at most 32 MiB, qemu's limit: 2 PiB with 64 KiB clusters. */
#define QCOW2_CREATE_SIZE_MAX (1ull << 51)

/*
 * Writes an empty compat 1.1 qcow2 of @size bytes (rounded up to 512) into
 * the empty file @fd: header, one refcount table and block, a zeroed L1.
 * @backing (at most 1023 bytes) needs @backing_fmt, which is recorded in
 * the backing format extension so the layer below is never probed.  The
 * caller creates the file (O_EXCL), takes the size from the backing image
 * when it wants to, and fsyncs.  Returns 0 or a negative errno with @err.
 */
int qcow2_create_fd(int fd, uint64_t size, const char *backing,
    const char *backing_fmt, char *err, size_t errlen);

#endif
