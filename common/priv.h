/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Dropping to a daemon's user and exact capability set (libcap-ng), and reading it back. */
#ifndef VMHOST_PRIV_H
#define VMHOST_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct priv_spec {
	const char *user;	/* e.g. "vmhost-net" */
	const char *group;	/* primary group, NULL: the user's own */
	const int *caps;	/* CAP_* numbers kept in effective+permitted */
	size_t ncaps;
	int inheritable;	/* also keep caps inheritable (for ambient use by children) */
};

/*
 * As root: switch to user/group (supplementary groups of the user),
 * keep exactly caps, clear the bounding set, set no_new_privs.
 * As the user already (systemd User= + AmbientCapabilities=): check that
 * every cap needed is permitted, drop all others from effective,
 * permitted, inheritable and ambient, set no_new_privs.
 * Any other uid: error. Returns 0 or -errno with the reason logged.
 */
int priv_drop(const struct priv_spec *spec);

/* Resolve a user or group name. 0 or -ENOENT. */
int priv_lookup_user(const char *name, uid_t *uid, gid_t *gid);
int priv_lookup_group(const char *name, gid_t *gid);

/* What /proc/PID/status says (pid 0: self). 0 or -errno. */
struct proc_status {
	uid_t uid;
	gid_t gid;
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	int no_new_privs;
	gid_t groups[64];
	size_t ngroups;
};
int proc_status_read(pid_t pid, struct proc_status *out);

/* Format a capability mask as "cap_net_admin,cap_net_raw" (or "none"). */
const char *cap_mask_names(uint64_t mask, char *buf, size_t len);

#endif
