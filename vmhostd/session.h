/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd --session: what differs from the system instance, behind vmhostd.session. */
#ifndef VMHOSTD_SESSION_H
#define VMHOSTD_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/domain_xml.h"
#include "common/rpc.h"
#include "vmhostd/start.h"

struct event_base;
struct vm_live;

/* After option parsing: refuse root, XDG folders mapped (paths.h),
 * vmhostd.session set, the user's own uid. 0 or -errno (logged). */
int session_init(void);
/* The one client socket, $XDG_RUNTIME_DIR/vmhost/vmhost-sock (0600). */
int session_listen(rpc_authorize_fn authorize);
/* No privilege to drop: no_new_privs, and a log line. */
void session_secure(void);
/* Instead of the three helpers: netd's bridge socket; autostart. */
int session_helpers_start(struct event_base *base);
void session_helpers_stop(void);

/* Interfaces a session can give a guest (bridge, user); else -ENOTSUP. */
int session_check_domain(const struct domain_def *d, char *err,
    size_t errlen);
/* A tap on bridge from netd's bridge socket; goes on with start_tap_add. */
void session_tap(struct start_ctx *sc, const char *bridge, const char *mac);
/* Open the disks (stord's code, as the user); goes on with start_launch. */
void session_disks(struct start_ctx *sc);

/* Fork and exec the emulator as ourselves with fds on their targets.
 * 0 with pid, start time and a pidfd, or -errno with err. */
int session_launch(char *const *argv, const int *fds, const int32_t *targets,
    size_t nfds, pid_t *pid, uint64_t *start_time, int *pidfd, char *err,
    size_t errlen);
/* Signal a guest's emulator through its pidfd. 0 or -errno with err. */
int session_kill(struct vm_live *lv, int sig, char *err, size_t errlen);
/* Collect an exited emulator that is our child (no zombie left). */
void session_reap(pid_t pid);

#endif
