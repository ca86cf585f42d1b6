/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-secd's emulators: qemu.conf, launch as the emulator user, cgroups, signals, reaping. */
#ifndef VMHOST_SECD_LAUNCH_H
#define VMHOST_SECD_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "secd/cgroup.h"

struct event_base;

/* The parts of qemu.conf that secd reads (every key of the schema is
 * accepted, so that one qemu.conf serves vmhostd and secd). */
struct secd_conf {
	char *user;			/* default vmhost-qemu */
	char *group;			/* default kvm */
	char *security_driver;		/* "apparmor" (default) or "none" */
	int clear_emulator_capabilities; /* default 1 */
	char **cgroup_device_acl;	/* device ACL (NULL: cg_default_acl) */
	int dynamic_users;		/* one uid per guest (secd/users.c) */
	char *dynamic_users_range;	/* "LO-HI", default DU_DEFAULT_RANGE */
	uid_t du_lo, du_hi;		/* the range, parsed */
	int seccomp_sandbox;		/* vmhostd's (-sandbox on) */
	char **emulators;		/* allow-list; default policy_default_emulators */
};

/* Read qemu.conf (path NULL: ROOT/etc/vmhost/qemu.conf; missing is fine)
 * into c with defaults filled in, and check it. 0 or -errno, err set. */
int secd_conf_load(const char *path, struct secd_conf *c, char *err,
    size_t errlen);
void secd_conf_free(struct secd_conf *c);

/* Before the drop: load qemu.conf, resolve the emulator user and group. */
/* The emulator user and group of c resolved; uid 0 only when the user is
 * spelled "root". 0 or -errno, err set. */
int secd_conf_users(const struct secd_conf *c, uid_t *uid, gid_t *gid,
    char *err, size_t errlen);
int secd_launch_init(const char *conf_path);
/* As root, after secd_launch_init: the guests' cgroup folders, device ACL
 * and v2 device program (secd/cgroup.c) from qemu.conf; pid (0: none)
 * moved into the v2 vmhost/secd; with AppArmor in force, the profile
 * folder for secd. 0 or -errno, logged. */
int secd_cgroups_setup(pid_t pid);
/* After the drop: reap children on SIGCHLD, probe cgroups and AppArmor. */
int secd_launch_ready(struct event_base *base);
/* Call cb(arg, waitpid status) when child pid exits (secd reaps every
 * child on SIGCHLD). 0 or -EAGAIN (too many: pid is killed). */
int secd_watch_child(pid_t pid, void (*cb)(void *arg, int status),
    void *arg);
/* Is AppArmor in force for guests (enabled, security_driver apparmor)? */
bool secd_aa_active(void);
/* "apparmor" when guests are confined by profiles, else "none". */
const char *secd_security_model(void);
/* The emulator allow-list in force (NULL-terminated). */
const char *const *secd_emulators(void);

struct secd_launch_req {
	const char *uuid, *name;
	char *const *argv;
	size_t argc;
	const int32_t *targets;
	size_t ntargets;
	const int *fds;			/* the descriptors received (still ours) */
	size_t nfds;
	const char *profile;		/* AppArmor profile to exec into; NULL:
					 * none (AppArmor not in force, or the
					 * guest opted out) */
	const struct cg_limits *limits;	/* <memtune>/<cputune>; NULL: none */
};

/*
 * Check the request and start the emulator. On success *pid, its
 * *start_time and a *pidfd (ours to close). 0 or -errno, err set.
 */
int secd_launch(const struct secd_launch_req *rq, pid_t *pid,
    uint64_t *start_time, int *pidfd, char *err, size_t errlen);
/* SIGTERM or SIGKILL to an emulator of uuid. 0 or -errno, err set. */
int secd_signal(const char *uuid, pid_t pid, int sig, char *err,
    size_t errlen);
/* After the emulator exited: remove its cgroups. 0 or -errno, err set. */
int secd_release(const char *uuid, pid_t pid, char *err, size_t errlen);

/* Field 22 of /proc/PID/stat (start time in clock ticks). 0 or -errno. */
int proc_start_time(pid_t pid, uint64_t *out);

#endif
