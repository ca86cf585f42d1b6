/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvmhost: the stable C API to vmhostd; the messages behind it are an implementation detail. */
#ifndef VMHOST_VMHOST_H
#define VMHOST_VMHOST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VMHOST_API __attribute__((visibility("default")))

typedef struct vmhost_conn vmhost_conn;

enum vmhost_open_flags {
	VMHOST_OPEN_READONLY = 1 << 0,	/* the read-only socket */
};

/* The URI used when none is given: $VMHOST_DEFAULT_URI or the system socket. */
#define VMHOST_URI_SYSTEM "unix:///run/vmhost/vmhost-sock"

/*
 * Open a connection. uri: NULL (default), "unix:///PATH",
 * "vmhost:///system". On failure returns NULL with a one-line reason
 * in err.
 */
VMHOST_API vmhost_conn *vmhost_open(const char *uri, unsigned flags,
    char *err, size_t errlen);
VMHOST_API void vmhost_close(vmhost_conn *c);
/* The last error on this connection (one line), or "". */
VMHOST_API const char *vmhost_error(const vmhost_conn *c);
/* The URI this connection uses (canonical form). */
VMHOST_API const char *vmhost_uri(const vmhost_conn *c);

struct vmhost_daemon_info {
	char name[64];
	char version[32];
	char user[64];
	int pid;
	unsigned uid, gid;
	uint64_t cap_eff, cap_prm, cap_bnd, cap_amb;
	int no_new_privs;
	int connected;		/* for helpers: reachable from vmhostd now */
	char error[256];	/* why not */
};

#define VMHOST_MAX_DAEMONS 8

struct vmhost_version_info {
	char client[32];
	char daemon[32];
	char qemu[32];		/* "" when no QEMU was found */
	char qemu_binary[256];
	size_t nhelpers;
	struct vmhost_daemon_info helpers[VMHOST_MAX_DAEMONS];
};

/* Each returns 0 or -1 (see vmhost_error). */
VMHOST_API int vmhost_version(vmhost_conn *c, struct vmhost_version_info *out);
VMHOST_API int vmhost_hostname(vmhost_conn *c, char *buf, size_t len);
/* vmhostd first, then each helper. */
VMHOST_API int vmhost_daemons(vmhost_conn *c, struct vmhost_daemon_info *out,
    size_t max, size_t *n);
VMHOST_API int vmhost_ping(vmhost_conn *c);
VMHOST_API int vmhost_helper_ping(vmhost_conn *c);

/* The library's own version. */
VMHOST_API const char *vmhost_client_version(void);

#ifdef __cplusplus
}
#endif

#endif
