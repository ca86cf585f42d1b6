/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every vmhost daemon's main does the same way: options, folders, drop, signals, loop. */
#ifndef VMHOST_DAEMON_H
#define VMHOST_DAEMON_H

#include <sys/types.h>

#include "common/priv.h"

struct event_base;
struct Vmhost__DaemonStatus;

struct daemon_opts {
	const char *prog;		/* "vmhost-netd" */
	const char *root;		/* --root, "" for / */
	const char *config;		/* --config FILE or NULL for the default */
	int check_config;		/* --check-config */
	int foreground;			/* always on; --daemon forks (not yet) */
	const char *extra;		/* first non-option argument, if any */
	const char *print_profile;	/* secd --print-profile FILE */
	int setup_cgroups;		/* secd --setup-cgroups [PID] */
	int session;			/* vmhostd --session */
};

/* Parse the common options; prints --help / --version and exits. */
void daemon_parse_args(int argc, char **argv, struct daemon_opts *o,
    const char *usage_extra);

/* Before the drop: log_init, --root, signals ignored (SIGPIPE). */
int daemon_setup(struct daemon_opts *o);

/* Drop to spec and log what the process now holds. Exits on failure. */
void daemon_drop(const struct priv_spec *spec);

/* Run the loop until SIGTERM or SIGINT. */
int daemon_run(struct event_base *base);

/* Fill st (strings point to static storage) from /proc/self/status. */
void daemon_status_fill(struct Vmhost__DaemonStatus *st, const char *name);

/* The uid of the user vmhostd runs as ("vmhost"), for helpers' peer checks. */
int daemon_front_uid(uid_t *uid, gid_t *gid);

/* The front daemon's user and group; the emulator's default user. */
#define VMHOST_USER		"vmhost"
#define VMHOST_GROUP		"vmhost"
#define VMHOST_NET_USER		"vmhost-net"
#define VMHOST_SEC_USER		"vmhost-sec"
#define VMHOST_STOR_USER	"vmhost-stor"
#define VMHOST_QEMU_USER	"vmhost-qemu"
#define VMHOST_QEMU_GROUP	"kvm"

#endif
