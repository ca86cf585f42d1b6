/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every file path of the stack, under an optional --root prefix. */
#ifndef VMHOST_PATHS_H
#define VMHOST_PATHS_H

#include <stddef.h>

/* Set the prefix ("" or NULL for the real root). Returns 0 or -EINVAL
 * (not absolute, too long). The prefix has no trailing slash. */
int paths_set_root(const char *root);
const char *paths_root(void);

/*
 * Build root + abs (abs starts with '/', may be a printf format) into buf.
 * Returns 0 or -ENAMETOOLONG.
 */
int path_build(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Well-known paths, relative to the root (callers use path_build). */
#define VMHOST_RUN_DIR		"/run/vmhost"
#define VMHOST_SOCK		"/run/vmhost/vmhost-sock"
#define VMHOST_SOCK_RO		"/run/vmhost/vmhost-sock-ro"
#define VMHOST_HELPER_DIR_FMT	"/run/vmhost/%s"		/* netd, secd, stord */
#define VMHOST_HELPER_SOCK_FMT	"/run/vmhost/%s/%s.sock"
#define VMHOST_ETC_DIR		"/etc/vmhost"
#define VMHOST_DOMAIN_DIR	"/etc/vmhost/qemu"
#define VMHOST_NETWORK_DIR	"/etc/vmhost/networks"
#define VMHOST_LIB_DIR		"/var/lib/vmhost"
#define VMHOST_LOG_DIR		"/var/log/vmhost"
#define VMHOST_RUN_QEMU_DIR	"/run/vmhost/qemu"

#endif
