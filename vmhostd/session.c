/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd --session: an ordinary user's own daemon (XDG folders, taps from netd's bridge socket, QEMU and disks opened itself). */
#define LOG_MODULE "session"
#include "vmhostd/session.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "netd.pb-c.h"
#include "common/log.h"
#include "common/paths.h"
#include "stord/disks.h"
#include "vmhostd/lifecycle.h"
#include "vmhostd/live.h"
#include "vmhostd/runtime.h"
#include "vmhostd/start.h"
#include "vmhostd/vmhostd.h"

static const struct rpc_service bridge_svc = {
	"netd-bridge", &vmhost__netd__bridge_request__descriptor,
	&vmhost__netd__bridge_reply__descriptor, NULL, 0,
};

static struct rpc_client *bridge_cl;

/* Folders a session's guests' images may lie in (besides system ones). */
static int
session_disk_dirs(const char *home, char *err, size_t errlen)
{
	static char d0[] = "/tmp", d1[] = "/var/tmp", d2[] = "/srv",
	    d3[] = "/mnt", d4[] = "/media";
	static char *const dirs[] = { d0, d1, d2, d3, d4, NULL };

	return disks_set_allowed(home, dirs, err, errlen);
}

int
session_init(void)
{
	struct paths_session s;
	const char *home = getenv("HOME");
	char err[512];
	int r;

	if (getuid() == 0 || geteuid() == 0) {
		log_error("vmhostd --session runs as an ordinary user, not root (root runs the system instance)");
		return -EPERM;
	}
	if ((r = paths_session_dirs(&s)) < 0) {
		log_error("--session needs HOME (or the XDG_* folders) set to absolute paths: %s",
		    strerror(-r));
		return r;
	}
	paths_set_session(&s);
	vmhostd.session = 1;
	vmhostd.uid = getuid();
	vmhostd.gid = getgid();
	if ((r = session_disk_dirs(home && *home == '/' ? home : s.data, err,
	    sizeof(err))) < 0) {
		log_error("%s", err);
		return r;
	}
	log_info("session for uid %u: definitions in %s, run state in %s, logs in %s/log",
	    (unsigned)getuid(), s.config, s.runtime, s.cache);
	return 0;
}

/* Only the user itself (and root) may use a session's socket. */
static int
session_check_peer(const struct ipc_peer *peer, void *ctx, char *msg,
    size_t len)
{
	(void)ctx;
	if (peer->uid == 0 || peer->uid == vmhostd.uid)
		return 0;
	snprintf(msg, len, "access denied: this is the session daemon of uid %u",
	    (unsigned)vmhostd.uid);
	return -EPERM;
}

int
session_listen(rpc_authorize_fn authorize)
{
	struct rpc_listen_opts rw = { 0 };
	char path[4096];

	if (path_build(path, sizeof(path), VMHOST_SOCK) < 0)
		return -ENAMETOOLONG;
	rw.path = path;
	rw.mode = 0600;
	rw.uid = (uid_t)-1;
	rw.gid = (gid_t)-1;
	rw.check = session_check_peer;
	rw.authorize = authorize;
	vmhostd.srv_rw = rpc_server_new(vmhostd.base, &vmhostd_service, &rw, -1);
	if (!vmhostd.srv_rw)
		return -EIO;
	log_info("session socket %s (URI vmhost:///session)", path);
	return 0;
}

/* No privilege to drop; no_new_privs all the same, for the emulators. */
void
session_secure(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		log_warn("cannot set no_new_privs: %m");
	log_info("session daemon running as uid %u gid %u, no_new_privs 1",
	    (unsigned)getuid(), (unsigned)getgid());
}

static void
autostart_now(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	lifecycle_autostart();
}

int
session_helpers_start(struct event_base *base)
{
	char path[4096];

	if (path_build_system(path, sizeof(path), VMHOST_BRIDGE_SOCK) < 0)
		return -ENAMETOOLONG;
	if (!(bridge_cl = rpc_client_new(base, &bridge_svc, path, NULL, NULL)))
		return -ENOMEM;
	event_base_once(base, -1, EV_TIMEOUT, autostart_now, NULL, NULL);
	return 0;
}

void
session_helpers_stop(void)
{
	rpc_client_free(bridge_cl);
	bridge_cl = NULL;
}

int
session_check_domain(const struct domain_def *d, char *err, size_t errlen)
{
	for (size_t i = 0; i < d->ninterfaces; i++) {
		switch (d->interfaces[i].type) {
		case DOMAIN_NET_BRIDGE:
		case DOMAIN_NET_USER:
			break;
		case DOMAIN_NET_NETWORK:
			snprintf(err, errlen, "interface type 'network' is not supported by a session daemon (vmhost:///session): use type='bridge' on a bridge allowed by /etc/vmhost/bridge.conf, or type='user'");
			return -ENOTSUP;
		default:
			snprintf(err, errlen, "interface type '%s' is not supported by a session daemon (vmhost:///session): use type='bridge' or type='user'",
			    d->interfaces[i].type == DOMAIN_NET_ETHERNET ?
			    "ethernet" : "none");
			return -ENOTSUP;
		}
	}
	return 0;
}

/* ---- taps from netd's bridge socket ---- */

static void
tap_done(void *arg, const ProtobufCMessage *rep, int err, const char *msg,
    int *fds, size_t nfds)
{
	struct start_ctx *sc = arg;
	const Vmhost__Netd__BridgeReply *r = (const Vmhost__Netd__BridgeReply *)rep;

	if (err || !r || r->result_case != VMHOST__NETD__BRIDGE_REPLY__RESULT_TAP ||
	    nfds != 1) {
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		if (err == -ENOTCONN)
			start_fail(sc, ENOTCONN, "vmhost-netd's bridge socket is not reachable: a session guest on a bridge needs the system vmhost-netd running");
		else
			start_fail(sc, err ? -err : EIO,
			    msg ? msg : "vmhost-netd did not return a tap");
		return;
	}
	log_info("'%s': tap %s from vmhost-netd", sc->lv->vm->def->name,
	    r->tap->ifname);
	start_tap_add(sc, fds[0]);
}

void
session_tap(struct start_ctx *sc, const char *bridge, const char *mac)
{
	Vmhost__Netd__BridgeRequest req = VMHOST__NETD__BRIDGE_REQUEST__INIT;
	Vmhost__Netd__BridgeTapRequest tr;

	vmhost__netd__bridge_tap_request__init(&tr);
	tr.bridge = (char *)(uintptr_t)bridge;
	tr.mac = (char *)(uintptr_t)mac;
	req.op_case = VMHOST__NETD__BRIDGE_REQUEST__OP_TAP;
	req.tap = &tr;
	rpc_client_call(bridge_cl, &req.base, NULL, 0, tap_done, sc);
}

/* ---- disks, opened here with stord's code, as the user ---- */

static int
session_disks_map(struct start_ctx *sc, struct disks_result *res)
{
	const struct domain_def *d = sc->lv->vm->def;
	int fdset = START_DISK_FDSET_FIRST;
	size_t nl = 0;

	if (!(sc->disks = calloc(d->ndisks, sizeof(*sc->disks))) ||
	    !(sc->layers = calloc(res->nfds + 1, sizeof(*sc->layers))))
		return -ENOMEM;
	for (size_t i = 0; i < d->ndisks; i++) {
		const struct disks_prepared *pd = NULL;

		for (size_t j = 0; d->disks[i].source && j < res->ndisks; j++)
			if (strcmp(res->disks[j].target, d->disks[i].target_dev) == 0)
				pd = &res->disks[j];
		if (!pd)
			continue;	/* empty cdrom */
		sc->disks[i].layers = &sc->layers[nl];
		sc->disks[i].nlayers = pd->nlayers;
		for (size_t k = 0; k < pd->nlayers; k++, nl++) {
			int target = FD_DISKS_BASE + (int)sc->nfds;

			if (sc_add_fd(sc, res->fds[pd->first + k], target) < 0)
				return -EMFILE;
			res->fds[pd->first + k] = -1;
			sc->layers[nl].fd = target;
			sc->layers[nl].fdset = fdset++;
			sc->layers[nl].format = res->layers[pd->first + k].qcow2 ?
			    DOMAIN_FMT_QCOW2 : DOMAIN_FMT_RAW;
		}
	}
	return 0;
}

void
session_disks(struct start_ctx *sc)
{
	struct disks_result *res = calloc(1, sizeof(*res));
	char err[1024], *xml = domain_format(sc->lv->vm->def, 0);
	int r;

	if (!res || !xml) {
		free(res);
		free(xml);
		start_fail(sc, ENOMEM, "out of memory");
		return;
	}
	r = disks_prepare(xml, res, err, sizeof(err));
	free(xml);
	if (r == 0 && (r = session_disks_map(sc, res)) < 0)
		snprintf(err, sizeof(err), "cannot hand the disks to the emulator");
	disks_result_clear(res);
	free(res);
	if (r < 0) {
		start_fail(sc, -r, err);
		return;
	}
	start_launch(sc);
}
