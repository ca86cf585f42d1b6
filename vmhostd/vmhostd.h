/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's process-wide state and the functions its files share. */
#ifndef VMHOSTD_H
#define VMHOSTD_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/rpc.h"

struct event_base;
struct Vmhost__DaemonStatus;

enum helper_id { HELPER_NETD, HELPER_SECD, HELPER_STORD, HELPER_COUNT };

struct vmhostd {
	struct event_base *base;
	struct rpc_server *srv_rw, *srv_ro;
	struct rpc_client *helpers[HELPER_COUNT];
	int session;		/* vmhostd --session (an ordinary user's) */
	uid_t uid;		/* our own user (vmhost; the user in session) */
	gid_t gid;		/* group vmhost: members may use the rw socket */
	char qemu_binary[256];
	char qemu_version[64];
};

extern struct vmhostd vmhostd;
extern const struct rpc_service vmhostd_service;

/* helpers.c */
int helpers_start(struct event_base *base);
void helpers_stop(void);
const char *helper_name(enum helper_id id);
/* secd's security model ("apparmor" or "none"), asked at each connection. */
const char *helpers_secmodel(void);

/*
 * Ask every helper for its status; cb gets HELPER_COUNT statuses (a
 * helper that could not be asked has connected = 0 and error set).
 */
typedef void (*helpers_status_cb)(void *arg,
    struct Vmhost__DaemonStatus *const *st);
void helpers_status(helpers_status_cb cb, void *arg);
/* Round trip through every helper: cb(arg, 0) or cb(arg, -errno, msg). */
typedef void (*helpers_ping_cb)(void *arg, int err, const char *msg);
void helpers_ping(helpers_ping_cb cb, void *arg);

/* access.c */
int access_check_rw(const struct ipc_peer *peer, void *ctx, char *msg,
    size_t len);
/* Read acl.conf (ROOT/etc/vmhost/acl.conf); 0, or < 0 with the error logged. */
int access_init(void);
/* SIGHUP: read it again; a bad file is logged and the old rules stay. */
void access_reload(void);
void access_free(void);
/* rpc_authorize_fn for both sockets: acl.conf on every call. */
int access_authorize(struct rpc_call *call, const struct rpc_handler *h,
    const ProtobufCMessage *req, char *msg, size_t len);
/* Silent check, for filtering lists: may this call's peer do op on object? */
bool access_may(struct rpc_call *call, const char *op, const char *object);

/* emulator.c */
void emulator_probe(struct event_base *base);

#endif
