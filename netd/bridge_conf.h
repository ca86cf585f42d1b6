/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bridge.conf in qemu-bridge-helper's format (vmhost-netd). */
#ifndef VMHOST_NETD_BRIDGE_CONF_H
#define VMHOST_NETD_BRIDGE_CONF_H

#include <stddef.h>

#define BRIDGE_CONF_MAX		(1024 * 1024)	/* bytes per file */
#define BRIDGE_CONF_DEPTH	8		/* nested includes */

/*
 * Read path as qemu-bridge-helper reads its ACL file: lines "allow NAME",
 * "allow all", "deny NAME", "deny all", "include FILE" (a regular file;
 * errors in it ignored, nesting limited), '#' comment lines; a deny
 * matching the bridge wins over any allow, whatever the order. An unknown
 * command or a line without an argument fails the whole file, as in qemu.
 * Returns 1 allowed, 0 not allowed, or -errno with err (unreadable,
 * malformed): the caller refuses then.
 */
int bridge_conf_check(const char *path, const char *bridge, char *err,
    size_t errlen);

/* The same on a buffer (NULs end lines early), include lines ignored:
 * for tests and the fuzzer. */
int bridge_conf_check_text(const char *text, size_t len, const char *bridge,
    char *err, size_t errlen);

/* 1 when bridge_conf_check says allowed; a malformed file is logged. */
int bridge_conf_allows(const char *path, const char *bridge);

#endif
