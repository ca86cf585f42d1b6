/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The shared main of the three helper daemons (netd, secd, stord). */
#ifndef VMHOST_HELPERD_H
#define VMHOST_HELPERD_H

#include <stddef.h>

#include "common/daemon.h"
#include "common/rpc.h"

struct event_base;

struct helperd {
	const char *name;	/* "netd": socket /run/vmhost/netd/netd.sock */
	const char *prog;	/* "vmhost-netd" */
	const char *user;	/* "vmhost-net" */
	const int *caps;
	size_t ncaps;
	int inheritable;	/* keep caps inheritable (children with ambient caps) */
	const struct rpc_service *svc;
	/* Optional: before the drop (privileged preparation); after it
	 * (state, timers). Return 0 or -errno. */
	int (*before_drop)(struct event_base *base, struct daemon_opts *o);
	int (*after_drop)(struct event_base *base, struct daemon_opts *o);
	const char *usage_extra;
};

/* Parse options, make the folders and socket, drop, serve until SIGTERM. */
int helperd_main(int argc, char **argv, const struct helperd *h);

#endif
