/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's operations on running guests: shutdown, destroy, reboot, pause, console, reconnect. */
#define LOG_MODULE "ops"
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "secd.pb-c.h"
#include "vmhost.pb-c.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/log.h"
#include "common/paths.h"
#include "vmhostd/dispatch.h"
#include "vmhostd/domains.h"
#include "vmhostd/events.h"
#include "vmhostd/lifecycle.h"
#include "vmhostd/live.h"
#include "vmhostd/qmp.h"
#include "vmhostd/runtime.h"
#include "vmhostd/session.h"
#include "vmhostd/vmhostd.h"

static void
on_simple(void *arg, struct json *ret, const char *eclass, const char *edesc)
{
	struct vm_live *lv = arg;

	(void)ret;
	(void)eclass;
	if (edesc)
		live_fail_pending(lv, EIO, edesc);
	else
		live_reply_pending(lv);
}

static void
signal_done(void *arg, const ProtobufCMessage *rep, int err, const char *msg,
    int *fds, size_t nfds)
{
	struct vm_live *lv = arg;

	(void)rep;
	(void)fds;
	(void)nfds;
	if (err) {	/* the reply comes from the exit otherwise */
		lv->stop_reason = NULL;
		live_fail_pending(lv, -err, msg);
	}
}

static void
secd_kill(struct vm_live *lv, int sig)
{
	Vmhost__Secd__Request req = VMHOST__SECD__REQUEST__INIT;
	Vmhost__Secd__SignalRequest sr;
	char err[256];
	int r;

	if (vmhostd.session) {	/* our own child, our own user */
		if ((r = session_kill(lv, sig, err, sizeof(err))) < 0) {
			lv->stop_reason = NULL;
			live_fail_pending(lv, -r, err);
		}
		return;
	}
	vmhost__secd__signal_request__init(&sr);
	sr.uuid = lv->vm->uuid;
	sr.pid = lv->pid;
	sr.signal = sig;
	req.op_case = VMHOST__SECD__REQUEST__OP_SIGNAL;
	req.signal = &sr;
	rpc_client_call(vmhostd.helpers[HELPER_SECD], &req.base, NULL, 0,
	    signal_done, lv);
}

static const char *const op_names[] = {
	[LC_SHUTDOWN] = "system_powerdown", [LC_DESTROY] = NULL,
	[LC_REBOOT] = "system_powerdown", [LC_RESET] = "system_reset",
	[LC_SUSPEND] = "stop", [LC_RESUME] = "cont",
};

void
lifecycle_op(struct vm *vm, enum lifecycle_op op, struct rpc_call *call)
{
	struct vm_live *lv = vm->live;

	if (!lv || lv->phase == LIVE_STARTING) {
		rpc_reply_error(call, EINVAL,
		    "Requested operation is not valid: domain is not running");
		return;
	}
	if (lv->pending) {
		rpc_reply_error(call, EBUSY,
		    "another operation on domain '%s' is in progress",
		    vm->def->name);
		return;
	}
	if ((op == LC_SUSPEND && vm->state == VM_PAUSED) ||
	    (op == LC_RESUME && vm->state != VM_PAUSED)) {
		rpc_reply_error(call, EINVAL,
		    "Requested operation is not valid: domain is %s",
		    op == LC_SUSPEND ? "already paused" : "not paused");
		return;
	}
	lv->pending = call;
	if (op == LC_DESTROY) {
		lv->stop_reason = "destroyed";
		secd_kill(lv, SIGKILL);
		return;
	}
	if (op == LC_REBOOT)
		lv->fake_reboot = 1;
	if (!lv->qmp || qmp_command(lv->qmp, op_names[op], NULL, on_simple,
	    lv) < 0)
		live_fail_pending(lv, EIO, "the guest's monitor is not connected");
}

void
lifecycle_console(struct vm *vm, struct rpc_call *call)
{
	Vmhost__Reply rep = VMHOST__REPLY__INIT;
	Vmhost__Empty ok = VMHOST__EMPTY__INIT;
	int fd;

	if (!vm->live || vm->live->phase == LIVE_STARTING) {
		rpc_reply_error(call, EINVAL,
		    "Requested operation is not valid: domain is not running");
		return;
	}
	fd = runtime_connect(vm->uuid, "serial.sock");
	if (fd < 0) {
		rpc_reply_error(call, -fd, "cannot reach the console of '%s': %s",
		    vm->def->name, strerror(-fd));
		return;
	}
	rep.result_case = VMHOST__REPLY__RESULT_OK;
	rep.ok = &ok;
	rpc_reply(call, &rep.base, &fd, 1);
	close(fd);
}

/* A definition's <seclabel type='none'/>: the guest opted out of a profile. */
static bool
seclabel_opted_out(const struct domain_def *d)
{
	for (size_t i = 0; i < d->nseclabels; i++) {
		if (d->seclabels[i].type == DOMAIN_SECLABEL_OFF)
			return true;
	}
	return false;
}

/* The running guest's label as libvirt shows it: its profile vmhost-UUID
 * under AppArmor, else type none. */
static char *
live_format(const struct vm *vm)
{
	static char model_aa[] = "apparmor", model_none[] = "none";
	struct domain_def d = *vm->def;
	struct domain_seclabel s = { 0 };
	char label[64];
	bool aa = !strcmp(helpers_secmodel(), "apparmor");

	if (aa && !seclabel_opted_out(vm->def)) {
		snprintf(label, sizeof(label), "vmhost-%s", vm->uuid);
		s.type = DOMAIN_SECLABEL_DYNAMIC;
		s.model = model_aa;
		s.relabel = DOMAIN_YES;
		s.label = label;
	} else {
		s.type = DOMAIN_SECLABEL_OFF;
		s.model = aa ? model_aa : model_none;
	}
	d.seclabels = &s;
	d.nseclabels = 1;
	return domain_format(&d, 0);
}

/* The live definition: the persistent one plus its runtime id and label. */
char *
lifecycle_live_xml(const struct vm *vm)
{
	char *xml = live_format(vm), *out, *p;
	char idattr[32];
	size_t n;

	if (!xml || vm->id < 0 || !(p = strstr(xml, "<domain ")))
		return xml;
	p += strlen("<domain ");
	n = (size_t)snprintf(idattr, sizeof(idattr), "id='%d' ", vm->id);
	if (!(out = malloc(strlen(xml) + n + 1))) {
		free(xml);
		return NULL;
	}
	memcpy(out, xml, (size_t)(p - xml));
	memcpy(out + (p - xml), idattr, n);
	strcpy(out + (p - xml) + n, p);
	free(xml);
	return out;
}

/* The emulator of a start cut short (state written, pid not yet known):
 * the process whose command line has -uuid UUID. */
static int
find_emulator(struct runtime_state *st)
{
	char path[64], *text;
	struct dirent *de;
	size_t n;
	DIR *dp;
	int pid, found = 0;

	if (!(dp = opendir("/proc")))
		return -errno;
	while (!found && (de = readdir(dp))) {
		if ((pid = atoi(de->d_name)) <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		if (file_read_all(path, 1 << 20, &text, &n) < 0)
			continue;
		for (size_t i = 0; i < n && !found; i += strlen(text + i) + 1)
			found = strcmp(text + i, "-uuid") == 0 &&
			    i + 6 <= n && strcmp(text + i + 6, st->uuid) == 0 &&
			    runtime_proc_start_time(pid, &st->start_time) == 0;
		free(text);
		if (found)
			st->pid = pid;
	}
	closedir(dp);
	return found ? 0 : -ESRCH;
}

/* Adopt a guest found in the run folder if its process is the one we started. */
static void
reconnect_one(const char *uuid)
{
	struct runtime_state st;
	struct vm_live *lv;
	struct vm *vm;
	uint64_t t;
	int pidfd, r;

	r = runtime_state_read(uuid, &st);
	if (r == -EBADMSG && st.pid == 0 && st.name[0] &&
	    find_emulator(&st) == 0) {
		log_info("guest '%s': adopting emulator pid %d of a start that "
		    "was cut short", st.name, st.pid);
		st.paused = 1;	/* launched with -S */
		r = 0;
	}
	if (r < 0 || !(vm = domains_find(uuid)))
		goto stale;
	if (runtime_proc_start_time(st.pid, &t) < 0 || t != st.start_time)
		goto stale;	/* gone, or the pid was reused */
	pidfd = pidfd_open(st.pid, 0);
	if (pidfd < 0 || !(lv = live_new(vm))) {
		if (pidfd >= 0)
			close(pidfd);
		goto stale;
	}
	lv->pid = st.pid;
	lv->start_time = st.start_time;
	lv->pidfd = pidfd;
	lv->phase = LIVE_RECONNECTING;
	vm->live = lv;
	vm->id = st.id > 0 ? st.id : domains_next_id();
	vm->state = st.paused ? VM_PAUSED : VM_RUNNING;
	vm->reason = "booted";
	if (live_watch(lv) < 0 || live_qmp_connect(lv) < 0)
		log_warn("guest '%s': monitor not reachable", vm->def->name);
	if (st.id <= 0)
		live_save(lv);	/* the pid is known now */
	return;
stale:
	log_info("removing stale run state of guest %s", uuid);
	runtime_remove(uuid);
}

void
lifecycle_reconnect_all(void)
{
	char dir[4096];
	struct dirent *de;
	DIR *dp;

	if (path_build(dir, sizeof(dir), "%s", VMHOST_RUN_QEMU_DIR) < 0 ||
	    !(dp = opendir(dir)))
		return;
	while ((de = readdir(dp)))
		if (strlen(de->d_name) == 36) {
			runtime_clean_temps(de->d_name);
			reconnect_one(de->d_name);
		}
	closedir(dp);
}

void
lifecycle_autostart(void)
{
	size_t n;
	struct vm **all = domains_sorted_names(&n);

	for (size_t i = 0; all && i < n; i++)
		if (all[i]->autostart && !all[i]->live &&
		    domains_def_load(all[i]) == 0) {
			log_info("autostarting '%s'", all[i]->name);
			lifecycle_start(all[i], false, NULL);
		}
	free(all);
}
