/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's running guests: launch through secd, drive over QMP, watch the emulator's pidfd. */
#define LOG_MODULE "lifecycle"
#include "vmhostd/lifecycle.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <event2/event.h>

#include "secd.pb-c.h"
#include "vmhost.pb-c.h"
#include "common/json.h"
#include "common/log.h"
#include "vmhostd/dispatch.h"
#include "vmhostd/events.h"
#include "vmhostd/live.h"
#include "vmhostd/qmp.h"
#include "vmhostd/runtime.h"
#include "vmhostd/session.h"
#include "vmhostd/vmhostd.h"

static void live_stopped(struct vm_live *lv);

int
lifecycle_pid(const struct vm *vm)
{
	return vm->live ? vm->live->pid : 0;
}

static void
vm_set_state(struct vm *vm, enum vm_state st, const char *reason)
{
	vm->state = st;
	vm->reason = reason;
}

void
live_save(struct vm_live *lv)
{
	struct runtime_state st = { 0 };

	snprintf(st.uuid, sizeof(st.uuid), "%s", lv->vm->uuid);
	snprintf(st.name, sizeof(st.name), "%s", lv->vm->def->name);
	st.pid = lv->pid;
	st.start_time = lv->start_time;
	st.id = lv->vm->id;
	st.paused = lv->vm->state == VM_PAUSED;
	if (runtime_state_write(&st) < 0)
		log_warn("cannot record the state of '%s'", lv->vm->def->name);
}

/* Answer the call waiting on this guest, if any, with an error. */
void
live_fail_pending(struct vm_live *lv, int code, const char *msg)
{
	struct rpc_call *call = lv->pending;

	lv->pending = NULL;
	if (call)
		rpc_reply_error(call, code, "%s", msg);
}

void
live_reply_pending(struct vm_live *lv)
{
	struct rpc_call *call = lv->pending;

	lv->pending = NULL;
	if (call)
		reply_summary(call, lv->vm);
}

/* ---- the emulator's exit ---- */

static void
on_pidfd(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	live_stopped(arg);
}

static void
release_done(void *arg, const ProtobufCMessage *rep, int err, const char *msg,
    int *fds, size_t nfds)
{
	(void)arg;
	(void)rep;
	(void)fds;
	(void)nfds;
	if (err)
		log_debug("secd release: %s", msg);
}

static void
secd_release(const char *uuid, int pid)
{
	Vmhost__Secd__Request req = VMHOST__SECD__REQUEST__INIT;
	Vmhost__Secd__ReleaseRequest rel;

	vmhost__secd__release_request__init(&rel);
	rel.uuid = (char *)(uintptr_t)uuid;
	rel.pid = pid;
	req.op_case = VMHOST__SECD__REQUEST__OP_RELEASE;
	req.release = &rel;
	rpc_client_call(vmhostd.helpers[HELPER_SECD], &req.base, NULL, 0,
	    release_done, NULL);
}

void
live_free(struct vm_live *lv)
{
	if (lv->qmp)
		qmp_free(lv->qmp);
	if (lv->ev_exit)
		event_free(lv->ev_exit);
	if (lv->pidfd >= 0)
		close(lv->pidfd);
	free(lv);
}

/* The emulator is gone: undo everything, report, and forget it. */
static void
live_stopped(struct vm_live *lv)
{
	struct vm *vm = lv->vm;
	char tail[512], msg[768];
	const char *reason = lv->stop_reason ? lv->stop_reason :
	    (lv->guest_shutdown ? "shutdown" : "crashed");

	log_info("guest '%s' (pid %d) stopped: %s", vm->def->name, lv->pid,
	    reason);
	if (lv->shutdown_us) {
		struct timeval tv;

		gettimeofday(&tv, NULL);
		log_info("guest '%s': poweroff seen as shut off after %.1f ms",
		    vm->def->name, (double)((int64_t)tv.tv_sec * 1000000 +
		    tv.tv_usec - lv->shutdown_us) / 1000.0);
	}
	if (lv->phase == LIVE_STARTING) {
		runtime_log_tail(vm->def->name, tail, sizeof(tail));
		snprintf(msg, sizeof(msg), "QEMU exited while starting '%s'%s%s",
		    vm->def->name, tail[0] ? ": " : "", tail);
		live_fail_pending(lv, EIO, msg);
		reason = "failed";
	}
	if (vmhostd.session)
		session_reap(lv->pid);
	else
		secd_release(vm->uuid, lv->pid);
	runtime_remove(vm->uuid);
	vm->live = NULL;
	vm->id = -1;
	vm_set_state(vm, VM_SHUTOFF, reason);
	if (vm->next_def) {
		domain_def_free(vm->def);
		vm->def = vm->next_def;
		vm->next_def = NULL;
	}
	events_emit(vm, "Stopped", strcmp(reason, "shutdown") == 0 ? "Shutdown" :
	    strcmp(reason, "destroyed") == 0 ? "Destroyed" :
	    strcmp(reason, "failed") == 0 ? "Failed" : "Crashed");
	live_reply_pending(lv);
	live_free(lv);
	if (!vm->persistent)
		domains_remove(vm);
}

int
live_watch(struct vm_live *lv)
{
	lv->ev_exit = event_new(vmhostd.base, lv->pidfd, EV_READ, on_pidfd, lv);
	if (!lv->ev_exit || event_add(lv->ev_exit, NULL) < 0)
		return -ENOMEM;
	return 0;
}

/* ---- QMP ---- */

static void
on_cont(void *arg, struct json *ret, const char *eclass, const char *edesc)
{
	struct vm_live *lv = arg;

	(void)ret;
	(void)eclass;
	if (edesc) {
		live_fail_pending(lv, EIO, edesc);
		return;
	}
	vm_set_state(lv->vm, VM_RUNNING, lv->phase == LIVE_STARTING ?
	    "booted" : "unpaused");
	if (lv->phase == LIVE_STARTING)
		events_emit(lv->vm, "Started", "Booted");
	else
		events_emit(lv->vm, "Resumed", "Unpaused");
	lv->phase = LIVE_RUNNING;
	live_save(lv);
	live_reply_pending(lv);
}

static void
on_status(void *arg, struct json *ret, const char *eclass, const char *edesc)
{
	struct vm_live *lv = arg;
	const char *st = ret ? json_str(json_get(ret, "status")) : NULL;

	(void)eclass;
	(void)edesc;
	if (st && strcmp(st, "guest-panicked") == 0)	/* on_crash preserve */
		vm_set_state(lv->vm, VM_CRASHED, "panicked");
	else
		vm_set_state(lv->vm, st && strcmp(st, "running") == 0 ?
		    VM_RUNNING : VM_PAUSED, st && strcmp(st, "running") == 0 ?
		    "booted" : "user");
	lv->phase = LIVE_RUNNING;
	log_info("guest '%s' (pid %d) reconnected: %s", lv->vm->def->name,
	    lv->pid, st ? st : "unknown");
}

static void
qmp_ready(void *arg)
{
	struct vm_live *lv = arg;

	if (lv->phase == LIVE_RECONNECTING) {
		qmp_command(lv->qmp, "query-status", NULL, on_status, lv);
		return;
	}
	if (lv->start_paused) {
		vm_set_state(lv->vm, VM_PAUSED, "user");
		events_emit(lv->vm, "Started", "Booted");
		events_emit(lv->vm, "Suspended", "Paused");
		lv->phase = LIVE_RUNNING;
		live_save(lv);
		live_reply_pending(lv);
		return;
	}
	qmp_command(lv->qmp, "cont", NULL, on_cont, lv);
}

/* The second half of a reboot: reset done, running again. */
static void
on_rebooted(void *arg, struct json *ret, const char *eclass,
    const char *edesc)
{
	struct vm_live *lv = arg;

	(void)ret;
	(void)eclass;
	(void)edesc;
	lv->fake_reboot = 0;
	vm_set_state(lv->vm, VM_RUNNING, "booted");
}

/* A guest panic seen through the panic device: on_crash decides. QEMU pauses
 * on a panic (-action panic=pause for restart and preserve; -no-shutdown
 * does it too), so it waits for us; action "poweroff" ends in SHUTDOWN. */
static void
live_panicked(struct vm_live *lv, const char *action)
{
	struct vm *vm = lv->vm;

	switch (vm->def->on_crash) {
	case DOMAIN_ACTION_PRESERVE:	/* kept for a look; destroy ends it */
		vm_set_state(vm, VM_CRASHED, "panicked");
		live_save(lv);
		break;
	case DOMAIN_ACTION_RESTART:	/* a fresh boot in the same emulator */
		log_info("guest '%s' crashed: restarting it (on_crash)",
		    vm->def->name);
		vm_set_state(vm, VM_SHUTDOWN, "crashed");
		qmp_command(lv->qmp, "system_reset", NULL, NULL, NULL);
		qmp_command(lv->qmp, "cont", NULL, on_rebooted, lv);
		events_emit(vm, "Rebooted", "Crashed");
		break;
	default:			/* destroy */
		lv->stop_reason = "crashed";
		if (action && strcmp(action, "pause") == 0) {
			vm_set_state(vm, VM_SHUTDOWN, "crashed");
			qmp_command(lv->qmp, "quit", NULL, NULL, NULL);
		}
		break;
	}
}

static void
qmp_event(void *arg, const char *name, struct json *data, int64_t sec,
    int64_t usec)
{
	struct vm_live *lv = arg;
	struct vm *vm = lv->vm;

	log_debug("'%s': QMP event %s", vm->def->name, name);
	if (strcmp(name, "SHUTDOWN") == 0) {
		const char *reason = json_str(json_get(data, "reason"));

		if (lv->fake_reboot) {	/* -no-shutdown kept QEMU alive */
			vm_set_state(vm, VM_SHUTDOWN, "reboot");
			qmp_command(lv->qmp, "system_reset", NULL, NULL, NULL);
			qmp_command(lv->qmp, "cont", NULL, on_rebooted, lv);
			events_emit(vm, "Rebooted", "Reboot");
			return;
		}
		lv->guest_shutdown = 1;
		lv->shutdown_us = sec * 1000000 + usec;
		if (reason && strcmp(reason, "guest-panic") == 0)
			lv->stop_reason = "crashed";
		vm_set_state(vm, VM_SHUTDOWN, "user");
		/* the guest is off: let the emulator go (it waits, -no-shutdown) */
		qmp_command(lv->qmp, "quit", NULL, NULL, NULL);
	} else if (strcmp(name, "STOP") == 0 && lv->phase == LIVE_RUNNING &&
	    vm->state == VM_RUNNING) {
		vm_set_state(vm, VM_PAUSED, "user");
		events_emit(vm, "Suspended", "Paused");
		live_save(lv);
	} else if (strcmp(name, "RESUME") == 0 && lv->phase == LIVE_RUNNING &&
	    vm->state == VM_PAUSED) {
		vm_set_state(vm, VM_RUNNING, "unpaused");
		events_emit(vm, "Resumed", "Unpaused");
		live_save(lv);
	} else if (strcmp(name, "RESET") == 0 && !lv->fake_reboot) {
		events_emit(vm, "Rebooted", "Reset");
	} else if (strcmp(name, "GUEST_PANICKED") == 0) {
		events_emit(vm, "Crashed", "Panicked");
		live_panicked(lv, json_str(json_get(data, "action")));
	}
}

static void
qmp_closed(void *arg, int err)
{
	struct vm_live *lv = arg;

	(void)err;
	log_debug("'%s': monitor closed", lv->vm->def->name);
	/* The pidfd says when the process is really gone. */
}

static const struct qmp_callbacks live_qmp_cb = {
	.ready = qmp_ready,
	.event = qmp_event,
	.closed = qmp_closed,
};

int
live_qmp_connect(struct vm_live *lv)
{
	int fd = runtime_connect(lv->vm->uuid, "qmp.sock");

	if (fd < 0)
		return fd;
	lv->qmp = qmp_new(vmhostd.base, fd, &live_qmp_cb, lv);
	return lv->qmp ? 0 : -ENOMEM;
}

struct vm_live *
live_new(struct vm *vm)
{
	struct vm_live *lv = calloc(1, sizeof(*lv));

	if (!lv)
		return NULL;
	lv->vm = vm;
	lv->pidfd = -1;
	return lv;
}
