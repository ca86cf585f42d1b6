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

/*
 * The same, but never mapped to a session's folders: the system stack's
 * files (the netd bridge socket, bridge.conf) from a session vmhostd.
 */
int path_build_system(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Session mode (vmhostd --session, an ordinary user): path_build maps
 * /etc/vmhost -> config, /run/vmhost -> runtime, /var/log/vmhost ->
 * cache/log, /var/lib/vmhost -> data; --root applies to nothing else.
 */
#define PATHS_SESSION_MAX 512
struct paths_session {
	char config[PATHS_SESSION_MAX];	/* $XDG_CONFIG_HOME/vmhost (~/.config) */
	char runtime[PATHS_SESSION_MAX];/* $XDG_RUNTIME_DIR/vmhost, else cache/run */
	char cache[PATHS_SESSION_MAX];	/* $XDG_CACHE_HOME/vmhost (~/.cache) */
	char data[PATHS_SESSION_MAX];	/* $XDG_DATA_HOME/vmhost (~/.local/share) */
};
/* The folders from the environment. 0, -ENOENT (no HOME), -ENAMETOOLONG. */
int paths_session_dirs(struct paths_session *s);
/* Turn the mapping on (s) or off (NULL). */
int paths_set_session(const struct paths_session *s);
int paths_session(void);
/* The session daemon's socket (runtime/vmhost-sock) for vmhost:///session. */
int paths_session_sock(char *buf, size_t len);

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
#define VMHOST_BRIDGE_SOCK	"/run/vmhost/netd/bridge.sock"	/* any user */
#define VMHOST_BRIDGE_CONF	"/etc/vmhost/bridge.conf"

#endif
