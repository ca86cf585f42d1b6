/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's start of a guest, step by step: run files, taps from netd, disks from stord, launch by secd. */
#define LOG_MODULE "start"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "netd.pb-c.h"
#include "secd.pb-c.h"
#include "common/ipc.h"
#include "common/log.h"
#include "vmhostd/capabilities.h"
#include "vmhostd/dispatch.h"
#include "vmhostd/events.h"
#include "vmhostd/lifecycle.h"
#include "vmhostd/live.h"
#include "vmhostd/networks.h"
#include "vmhostd/qemu_argv.h"
#include "vmhostd/runtime.h"
#include "vmhostd/session.h"
#include "vmhostd/start.h"
#include "vmhostd/vmhostd.h"

/* Descriptor numbers inside the emulator; taps and disks follow FD_NEXT. */
enum { FD_LOG_OUT = 1, FD_LOG_ERR = 2, FD_QMP = 3, FD_SERIAL = 4,
	FD_SERIAL_LOG = 5, FD_NEXT = 6 };
#define SERIAL_LOG_FDSET 1

/* Every descriptor for the emulator, with its number there. */
int
sc_add_fd(struct start_ctx *sc, int fd, int target)
{
	if (sc->nfds >= START_MAX_FDS) {
		close(fd);
		return -EMFILE;
	}
	sc->fds[sc->nfds] = fd;
	sc->targets[sc->nfds++] = target;
	return target;
}

static void
sc_free(struct start_ctx *sc)
{
	for (size_t i = 0; i < sc->nfds; i++)
		if (sc->fds[i] >= 0 && (i == 0 || sc->fds[i] != sc->fds[i - 1]))
			close(sc->fds[i]);
	free(sc->layers);
	free(sc->disks);
	free(sc);
}

/* Give up: undo what was made, answer the caller. */
void
start_fail(struct start_ctx *sc, int code, const char *msg)
{
	struct vm_live *lv = sc->lv;
	struct vm *vm = lv->vm;

	log_info("start of '%s' failed: %s", vm->def->name, msg);
	runtime_remove(vm->uuid);
	live_fail_pending(lv, code, msg);
	vm->live = NULL;
	live_free(lv);
	sc_free(sc);
}

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
	return caps_check_domain(d, err, errlen);
}

static void start_launched(struct start_ctx *sc, int pid,
    uint64_t start_time, int pidfd);

static void
launch_done(void *arg, const ProtobufCMessage *rep, int err, const char *msg,
    int *fds, size_t nfds)
{
	struct start_ctx *sc = arg;
	const Vmhost__Secd__Reply *r = (const Vmhost__Secd__Reply *)rep;

	if (err || !r || r->result_case != VMHOST__SECD__REPLY__RESULT_LAUNCH ||
	    nfds < 1) {
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		start_fail(sc, err ? -err : EIO,
		    msg ? msg : "vmhost-secd did not return the emulator");
		return;
	}
	for (size_t i = 1; i < nfds; i++)
		close(fds[i]);
	start_launched(sc, r->launch->pid, r->launch->start_time, fds[0]);
}

/* The emulator runs: watch it, talk QMP, record it. */
static void
start_launched(struct start_ctx *sc, int pid, uint64_t start_time, int pidfd)
{
	struct vm_live *lv = sc->lv;
	struct vm *vm = lv->vm;

	sc_free(sc);		/* QEMU holds its own copies now */
	lv->pid = pid;
	lv->start_time = start_time;
	lv->pidfd = pidfd;
	vm->id = domains_next_id();
	log_info("guest '%s' launched: pid %d", vm->def->name, lv->pid);
	if (live_watch(lv) < 0 || live_qmp_connect(lv) < 0)
		log_error("guest '%s': cannot watch the emulator", vm->def->name);
	live_save(lv);
}

static int
build_argv(struct start_ctx *sc, char ***argv, char *err, size_t errlen)
{
	static const int serial_fd = FD_SERIAL;
	const struct domain_def *d = sc->lv->vm->def;
	struct qemu_launch l = { 0 };

	l.emulator = vmhostd.qemu_binary[0] ? vmhostd.qemu_binary : NULL;
	l.qmp_fd = FD_QMP;
	l.chardev_listen = true;
	l.serial_log_fd = FD_SERIAL_LOG;
	l.serial_log_fdset = SERIAL_LOG_FDSET;
	l.always_no_shutdown = true;
	l.serial_fds = &serial_fd;
	l.nserial_fds = d->nserials ? 1 : 0;
	l.console_fds = &serial_fd;
	l.nconsole_fds = d->nserials ? 0 : (d->nconsoles ? 1 : 0);
	l.tap_fds = sc->tap_targets;
	l.ntap_fds = d->ninterfaces;
	l.disks = sc->disks;
	l.ndisks = sc->disks ? d->ndisks : 0;
	l.now = time(NULL);
	return qemu_build_argv(d, &l, argv, err, errlen);
}

/* Session mode: vmhostd runs the emulator itself, as its own user. */
static void
start_launch_session(struct start_ctx *sc, char **argv)
{
	uint64_t start_time = 0;
	char err[1024];
	pid_t pid;
	int pidfd, r;

	r = session_launch(argv, sc->fds, sc->targets, sc->nfds, &pid,
	    &start_time, &pidfd, err, sizeof(err));
	if (r < 0) {
		start_fail(sc, -r, err);
		return;
	}
	start_launched(sc, pid, start_time, pidfd);
}

/* The last step: secd launches the emulator with every descriptor. */
void
start_launch(struct start_ctx *sc)
{
	Vmhost__Secd__Request req = VMHOST__SECD__REQUEST__INIT;
	Vmhost__Secd__LaunchRequest lr;
	struct vm *vm = sc->lv->vm;
	char err[1024], **argv = NULL, *xml;
	size_t argc = 0;
	struct runtime_state st = { 0 };
	int r;

	/* recorded before the launch (pid 0: starting), so that a vmhostd
	 * killed before it learns the pid finds the emulator at restart
	 * (reconnect_one), and a run folder without room fails the start */
	snprintf(st.uuid, sizeof(st.uuid), "%s", vm->uuid);
	snprintf(st.name, sizeof(st.name), "%s", vm->def->name);
	if ((r = runtime_state_write(&st)) < 0) {
		snprintf(err, sizeof(err), "cannot record the state of '%s': %s",
		    vm->def->name, strerror(-r));
		start_fail(sc, -r, err);
		return;
	}
	if ((r = build_argv(sc, &argv, err, sizeof(err))) < 0) {
		start_fail(sc, -r, err);
		return;
	}
	while (argv[argc])
		argc++;
	if (vmhostd.session) {
		start_launch_session(sc, argv);
		qemu_argv_free(argv);
		return;
	}
	xml = domain_format(vm->def, 0);
	vmhost__secd__launch_request__init(&lr);
	lr.uuid = vm->uuid;
	lr.name = vm->def->name;
	lr.domain_xml = xml ? xml : (char *)(uintptr_t)"";
	lr.n_argv = argc;
	lr.argv = argv;
	lr.n_fd_targets = sc->nfds;
	lr.fd_targets = sc->targets;
	req.op_case = VMHOST__SECD__REQUEST__OP_LAUNCH;
	req.launch = &lr;
	rpc_client_call(vmhostd.helpers[HELPER_SECD], &req.base, sc->fds,
	    sc->nfds, launch_done, sc);
	free(xml);
	qemu_argv_free(argv);
}

/* ---- taps ---- */

static void start_taps(struct start_ctx *sc);

static void
tap_done(void *arg, const ProtobufCMessage *rep, int err, const char *msg,
    int *fds, size_t nfds)
{
	struct start_ctx *sc = arg;
	const Vmhost__Netd__Reply *r = (const Vmhost__Netd__Reply *)rep;

	if (err || !r || r->result_case != VMHOST__NETD__REPLY__RESULT_TAP ||
	    nfds != 1) {
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		start_fail(sc, err ? -err : EIO,
		    msg ? msg : "vmhost-netd did not return a tap");
		return;
	}
	log_debug("'%s': tap %s", sc->lv->vm->def->name, r->tap->ifname);
	start_tap_add(sc, fds[0]);
}

void
start_tap_add(struct start_ctx *sc, int fd)
{
	int target = sc_add_fd(sc, fd, FD_NEXT + (int)sc->nfds);

	if (target < 0) {
		start_fail(sc, EMFILE, "too many descriptors for one guest");
		return;
	}
	sc->tap_targets[sc->next_if++] = target;
	start_taps(sc);
}

/* Which bridge interface i goes on; "" for an unattached ethernet tap. */
static int
tap_bridge(const struct domain_interface *ifc, char *br, size_t len,
    char *err, size_t errlen)
{
	switch (ifc->type) {
	case DOMAIN_NET_NETWORK:
		return networks_bridge_for(ifc->network, br, len, err, errlen);
	case DOMAIN_NET_BRIDGE:
		snprintf(br, len, "%s", ifc->bridge ? ifc->bridge : "");
		return 0;
	default:
		br[0] = '\0';
		return 0;
	}
}

/* Ask netd for the next interface's tap, or go on to the disks. */
static void
start_taps(struct start_ctx *sc)
{
	const struct domain_def *d = sc->lv->vm->def;
	Vmhost__Netd__Request req = VMHOST__NETD__REQUEST__INIT;
	Vmhost__Netd__TapRequest tr;
	char br[64], mac[18], err[512];
	const struct domain_interface *ifc;

	while (sc->next_if < d->ninterfaces &&
	    d->interfaces[sc->next_if].type == DOMAIN_NET_USER)
		sc->tap_targets[sc->next_if++] = -1;
	if (sc->next_if >= d->ninterfaces) {
		start_disks(sc);
		return;
	}
	ifc = &d->interfaces[sc->next_if];
	if (tap_bridge(ifc, br, sizeof(br), err, sizeof(err)) < 0) {
		start_fail(sc, EINVAL, err);
		return;
	}
	domain_mac_format(ifc->mac, mac);
	if (vmhostd.session) {
		session_tap(sc, br, mac);
		return;
	}
	vmhost__netd__tap_request__init(&tr);
	tr.bridge = br;
	tr.mac = mac;
	tr.owner = sc->lv->vm->uuid;
	tr.mtu = ifc->mtu ? (uint32_t)strtoul(ifc->mtu, NULL, 10) : 0;
	req.op_case = VMHOST__NETD__REQUEST__OP_TAP_CREATE;
	req.tap_create = &tr;
	rpc_client_call(vmhostd.helpers[HELPER_NETD], &req.base, NULL, 0,
	    tap_done, sc);
}

/* ---- the run files ---- */

static int
prepare_files(struct start_ctx *sc, char *err, size_t errlen)
{
	struct vm *vm = sc->lv->vm;
	int qmp = -1, serial = -1, logfd = -1, r;

	if ((r = runtime_make(vm->uuid)) < 0 ||
	    (r = qmp = runtime_listen(vm->uuid, "qmp.sock")) < 0 ||
	    (r = serial = runtime_listen(vm->uuid, "serial.sock")) < 0 ||
	    (r = logfd = runtime_log_open(vm->def->name)) < 0) {
		if (qmp >= 0)
			close(qmp);
		if (serial >= 0)
			close(serial);
		snprintf(err, errlen, "cannot prepare the run files of '%s': %s",
		    vm->def->name, strerror(-r));
		return r;
	}
	sc_add_fd(sc, qmp, FD_QMP);
	sc_add_fd(sc, serial, FD_SERIAL);
	/* one log, three numbers: stdout, stderr, the serial logfile */
	sc_add_fd(sc, logfd, FD_LOG_OUT);
	sc->fds[sc->nfds] = logfd;
	sc->targets[sc->nfds++] = FD_LOG_ERR;
	sc->fds[sc->nfds] = logfd;
	sc->targets[sc->nfds++] = FD_SERIAL_LOG;
	return 0;
}

void
lifecycle_start(struct vm *vm, bool paused, struct rpc_call *call)
{
	struct start_ctx *sc = NULL;
	char err[1024];
	int r;

	if ((r = start_check(vm, err, sizeof(err))) < 0 ||
	    (vmhostd.session &&
	    (r = session_check_domain(vm->def, err, sizeof(err))) < 0))
		goto fail;
	if (vm->def->ninterfaces > START_MAX_IFS) {
		snprintf(err, sizeof(err), "too many interfaces (limit %d)",
		    START_MAX_IFS);
		r = -E2BIG;
		goto fail;
	}
	if (!(sc = calloc(1, sizeof(*sc))) || !(sc->lv = live_new(vm))) {
		free(sc);
		snprintf(err, sizeof(err), "out of memory");
		r = -ENOMEM;
		goto fail;
	}
	sc->lv->pending = call;
	sc->lv->start_paused = paused;
	vm->live = sc->lv;
	if ((r = prepare_files(sc, err, sizeof(err))) < 0) {
		start_fail(sc, -r, err);
		return;
	}
	start_taps(sc);
	return;
fail:
	rpc_reply_error(call, -r, "%s", err);
}
