/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-netd's second socket, open to any local user: taps on bridge.conf bridges. */
#ifndef VMHOST_NETD_BRIDGE_SOCK_H
#define VMHOST_NETD_BRIDGE_SOCK_H

#include <sys/types.h>

#include "common/rpc.h"

struct event_base;

#define BRIDGE_SOCK_CONNS	64	/* connections at once, all users */
#define BRIDGE_SOCK_FRAME	4096	/* bytes per request frame */
#define BRIDGE_SOCK_TAPS	64	/* live taps per uid */
#define BRIDGE_SOCK_BURST	16	/* requests per uid at once ... */
#define BRIDGE_SOCK_RATE	4	/* ... then per second */
#define BRIDGE_SOCK_UIDS	64	/* uids whose rate is tracked */

extern const struct rpc_service netd_bridge_service;

/* Listen on /run/vmhost/netd/bridge.sock (0666, owner uid:gid unless -1). */
int bridge_sock_listen(struct event_base *base, uid_t uid, gid_t gid);
void bridge_sock_close(void);

#endif
