/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What vmhost-secd accepts in a launch or signal request: emulator allow-list, argv and fd checks. */
#ifndef VMHOST_SECD_EMULATOR_POLICY_H
#define VMHOST_SECD_EMULATOR_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define POLICY_MAX_ARGS		512		/* argv elements, argv[0] included */
#define POLICY_MAX_ARGV_BYTES	(64 * 1024)	/* sum of strlen + 1 */
#define POLICY_MAX_FDS		64		/* descriptors handed to one emulator */
#define POLICY_MAX_FD_TARGET	1023		/* highest descriptor number */
#define POLICY_MAX_EMULATORS	16		/* entries of the allow-list */

/* The default allow-list (qemu.conf `emulators` replaces it). */
extern const char *const policy_default_emulators[];

/* A guest uuid: 36 characters, lowercase hex, dashes at 8-4-4-4-12. */
int policy_uuid_valid(const char *uuid, char *err, size_t errlen);

/*
 * argv[0] of a launch: absolute, its realpath equal to the realpath of an
 * entry of allow (NULL-terminated), a regular file owned by root and
 * writable by nobody else. resolved gets the realpath. 0 or -errno.
 */
int policy_emulator_check(const char *path, const char *const *allow,
    char *resolved, size_t len, char *err, size_t errlen);

/*
 * The descriptors of a launch: as many targets as descriptors received,
 * at most POLICY_MAX_FDS, each in 1..POLICY_MAX_FD_TARGET, all different.
 */
int policy_fd_targets_check(const int32_t *targets, size_t ntargets,
    size_t nfds, char *err, size_t errlen);

/*
 * The options of an emulator's argv (argc elements, argv[0] the binary):
 * size caps, no option that changes the emulator's user, root or
 * process model (-runas, -run-with, -chroot, -daemonize), opens a debug
 * door (-gdb, -s, -plugin), a monitor outside a chardev (-monitor, -qmp),
 * reads configuration files (-readconfig, -writeconfig); -sandbox must
 * be "on" and not allow privilege elevation; every descriptor named by
 * -add-fd, -chardev, -netdev, -device or -object must be a target.
 */
int policy_argv_check(char *const *argv, size_t argc, const int32_t *targets,
    size_t ntargets, char *err, size_t errlen);

/*
 * Is pid an emulator of guest uuid? Its real uid is emu_uid, its
 * binary is allow-listed (/proc/PID/exe when readable, else argv[0]),
 * and its argv holds "-uuid UUID". It is not pid 1 nor secd itself.
 */
int policy_proc_is_emulator(pid_t pid, const char *uuid, uid_t emu_uid,
    const char *const *allow, char *err, size_t errlen);

#endif
