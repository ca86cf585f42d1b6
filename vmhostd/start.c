/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's start of a guest: run folder, sockets, log, QEMU argv, launch through secd. */
#define LOG_MODULE "start"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "secd.pb-c.h"
#include "common/log.h"
#include "vmhostd/dispatch.h"
#include "vmhostd/events.h"
#include "vmhostd/lifecycle.h"
#include "vmhostd/live.h"
#include "vmhostd/qemu_argv.h"
#include "vmhostd/runtime.h"
#include "vmhostd/vmhostd.h"

/* Descriptor numbers inside the emulator. */
enum { FD_LOG_OUT = 1, FD_LOG_ERR = 2, FD_QMP = 3, FD_SERIAL = 4,
	FD_SERIAL_LOG = 5 };
#define SERIAL_LOG_FDSET 1

struct start_ctx {
	struct vm_live *lv;
	int fds[5];		/* qmp, serial, log (x3) as sent */
};

static int
start_check(const struct vm *vm, char *err, size_t errlen)
{
	const struct domain_def *d = vm->def;

	if (vm->live) {
		snprintf(err, errlen, "Requested operation is not valid: domain is already running");
		return -EBUSY;
	}
	if (d->virt == DOMAIN_VIRT_KVM && access("/dev/kvm", F_OK) != 0) {
		snprintf(err, errlen, "domain type 'kvm' needs /dev/kvm, which this host lacks (use type='qemu' for TCG)");
		return -ENODEV;
	}
	for (size_t i = 0; i < d->ninterfaces; i++) {
		if (d->interfaces[i].type != DOMAIN_NET_USER) {
			snprintf(err, errlen, "interface %zu: only type 'user' interfaces can start yet (taps from vmhost-netd are not wired in)",
			    i);
			return -ENOTSUP;
		}
	}
	return 0;
}

static void
launch_done(void *arg, const ProtobufCMessage *rep, int err, const char *msg,
    int *fds, size_t nfds)
{
	struct start_ctx *sc = arg;
	struct vm_live *lv = sc->lv;
	const Vmhost__Secd__Reply *r = (const Vmhost__Secd__Reply *)rep;
	struct vm *vm = lv->vm;

	free(sc);
	if (err || !r || r->result_case != VMHOST__SECD__REPLY__RESULT_LAUNCH ||
	    nfds < 1) {
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		live_fail_pending(lv, err ? -err : EIO,
		    msg ? msg : "vmhost-secd did not return the emulator");
		runtime_remove(vm->uuid);
		vm->live = NULL;
		live_free(lv);
		return;
	}
	for (size_t i = 1; i < nfds; i++)
		close(fds[i]);
	lv->pid = r->launch->pid;
	lv->start_time = r->launch->start_time;
	lv->pidfd = fds[0];
	vm->id = domains_next_id();
	log_info("guest '%s' launched: pid %d", vm->def->name, lv->pid);
	if (live_watch(lv) < 0 || live_qmp_connect(lv) < 0)
		log_error("guest '%s': cannot watch the emulator", vm->def->name);
	live_save(lv);
}

static int
build_argv(struct vm *vm, char ***argv, char *err, size_t errlen)
{
	struct qemu_launch l = { 0 };

	l.emulator = vmhostd.qemu_binary[0] ? vmhostd.qemu_binary : NULL;
	l.qmp_fd = FD_QMP;
	l.chardev_listen = true;
	l.serial_log_fd = FD_SERIAL_LOG;
	l.serial_log_fdset = SERIAL_LOG_FDSET;
	l.always_no_shutdown = true;
	{
		static int serial_fd = FD_SERIAL;

		l.serial_fds = &serial_fd;
		l.nserial_fds = vm->def->nserials ? 1 : 0;
		l.console_fds = &serial_fd;
		l.nconsole_fds = vm->def->nserials ? 0 :
		    (vm->def->nconsoles ? 1 : 0);
	}
	l.now = time(NULL);
	return qemu_build_argv(vm->def, &l, argv, err, errlen);
}

/* Ask secd to launch argv with our descriptors. */
static int
send_launch(struct start_ctx *sc, char **argv, char *err, size_t errlen)
{
	Vmhost__Secd__Request req = VMHOST__SECD__REQUEST__INIT;
	Vmhost__Secd__LaunchRequest lr;
	int32_t targets[5] = { FD_QMP, FD_SERIAL, FD_LOG_OUT, FD_LOG_ERR,
		FD_SERIAL_LOG };
	struct vm *vm = sc->lv->vm;
	size_t argc = 0;
	char *xml = domain_format(vm->def, 0);

	while (argv[argc])
		argc++;
	vmhost__secd__launch_request__init(&lr);
	lr.uuid = vm->uuid;
	lr.name = vm->def->name;
	lr.domain_xml = xml ? xml : (char *)(uintptr_t)"";
	lr.n_argv = argc;
	lr.argv = argv;
	lr.n_fd_targets = 5;
	lr.fd_targets = targets;
	req.op_case = VMHOST__SECD__REQUEST__OP_LAUNCH;
	req.launch = &lr;
	rpc_client_call(vmhostd.helpers[HELPER_SECD], &req.base, sc->fds, 5,
	    launch_done, sc);
	free(xml);
	(void)err;
	(void)errlen;
	return 0;
}

/* Make the sockets and log; fds[] filled in order of the targets. */
static int
prepare_files(struct vm *vm, int fds[5], char *err, size_t errlen)
{
	int r;

	if ((r = runtime_make(vm->uuid)) < 0 ||
	    (fds[0] = runtime_listen(vm->uuid, "qmp.sock")) < 0 ||
	    (fds[1] = runtime_listen(vm->uuid, "serial.sock")) < 0 ||
	    (fds[2] = runtime_log_open(vm->def->name)) < 0) {
		r = r < 0 ? r : fds[0] < 0 ? fds[0] : fds[1] < 0 ? fds[1] :
		    fds[2];
		snprintf(err, errlen, "cannot prepare the run files of '%s': %s",
		    vm->def->name, strerror(-r));
		return r;
	}
	fds[3] = fds[2];
	fds[4] = fds[2];
	return 0;
}

void
lifecycle_start(struct vm *vm, bool paused, struct rpc_call *call)
{
	struct start_ctx *sc = NULL;
	char err[1024], **argv = NULL;
	int fds[5] = { -1, -1, -1, -1, -1 }, r;

	if ((r = start_check(vm, err, sizeof(err))) < 0 ||
	    (r = build_argv(vm, &argv, err, sizeof(err))) < 0 ||
	    (r = prepare_files(vm, fds, err, sizeof(err))) < 0)
		goto fail;
	if (!(sc = calloc(1, sizeof(*sc))) || !(sc->lv = live_new(vm))) {
		snprintf(err, sizeof(err), "out of memory");
		r = -ENOMEM;
		goto fail;
	}
	memcpy(sc->fds, fds, sizeof(fds));
	sc->lv->pending = call;
	sc->lv->start_paused = paused;
	vm->live = sc->lv;
	send_launch(sc, argv, err, sizeof(err));
	for (int i = 0; i < 3; i++)
		close(fds[i]);	/* QEMU has its own copies now */
	qemu_argv_free(argv);
	return;
fail:
	if (sc)
		free(sc->lv);
	free(sc);
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (fds[0] >= 0 || fds[1] >= 0)
		runtime_remove(vm->uuid);
	qemu_argv_free(argv);
	rpc_reply_error(call, -r, "%s", err);
}
