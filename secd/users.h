/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-secd's dynamic users: one uid per running guest from qemu.conf's range, kept in secd's run state. */
#ifndef VMHOST_SECD_USERS_H
#define VMHOST_SECD_USERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DU_DEFAULT_RANGE	"200000-265535"
#define DU_MAX_RANGE		(1u << 20)	/* uids in a range */

/* "LO-HI": 0 < LO <= HI < 2^31 - 1, at most DU_MAX_RANGE uids, and no
 * user of the password database inside. 0 or -EINVAL, err set. */
int du_range_parse(const char *text, uid_t *lo, uid_t *hi, char *err,
    size_t errlen);

/* Use the range; read the state file (ROOT/run/vmhost/secd/users),
 * keeping the entries whose emulator still runs. 0 or -errno. */
int du_init(uid_t lo, uid_t hi);

/*
 * A uid for guest uuid: the lowest of the range held by no other guest
 * and by no running process. -EAGAIN when none is free. Not saved until
 * du_started.
 */
int du_alloc(const char *uuid, uid_t *uid, char *err, size_t errlen);
/* The guest's emulator runs: remember pid/start_time, save the state. */
void du_started(const char *uuid, pid_t pid, uint64_t start_time);
/* The uid of guest uuid (held until du_release). 0 or -ENOENT. */
int du_uid_of(const char *uuid, uid_t *uid);
/* Give the guest's uid back (and save). */
void du_release(const char *uuid);

#endif
