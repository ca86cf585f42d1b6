/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The running emulator behind a domain, shared by vmhostd's lifecycle files. */
#ifndef VMHOSTD_LIVE_H
#define VMHOSTD_LIVE_H

#include <stdint.h>

#include "vmhostd/domains.h"

struct event;
struct qmp;
struct rpc_call;

enum live_phase {
	LIVE_STARTING,		/* launched, QMP not yet resumed it */
	LIVE_RUNNING,		/* running or paused */
	LIVE_RECONNECTING,	/* found after a vmhostd restart */
};

struct vm_live {
	struct vm *vm;
	enum live_phase phase;
	int pid;
	uint64_t start_time;
	int pidfd;
	struct event *ev_exit;
	struct qmp *qmp;
	struct rpc_call *pending;	/* the client call waiting on this guest */
	const char *stop_reason;	/* "destroyed", ...; NULL: decided at exit */
	int guest_shutdown;		/* QMP said SHUTDOWN */
	int start_paused;
	int64_t shutdown_us;		/* QEMU's SHUTDOWN event time (µs since the epoch) */
	int fake_reboot;		/* reboot: powerdown, then reset instead of quit */
};

struct vm_live *live_new(struct vm *vm);
void live_free(struct vm_live *lv);
int live_watch(struct vm_live *lv);
int live_qmp_connect(struct vm_live *lv);
void live_save(struct vm_live *lv);
void live_fail_pending(struct vm_live *lv, int code, const char *msg);
void live_reply_pending(struct vm_live *lv);

#endif
