/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-netd's entry point and dispatch table: bridges, NAT, dnsmasq and taps. */
#define LOG_MODULE "netd"
#include <errno.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netd.pb-c.h"
#include "common/fileio.h"
#include "common/helperd.h"
#include "common/log.h"
#include "common/paths.h"
#include "netd/bridge_sock.h"
#include "netd/dnsmasq_conf.h"
#include "netd/firewall.h"
#include "netd/network.h"
#include "netd/tap.h"

#define NETD_ERR_MAX 1024

static const int netd_caps[] = { CAP_NET_ADMIN, CAP_NET_RAW, CAP_NET_BIND_SERVICE };

/* Strings from the peer: present and at most max bytes. */
static int
netd_str_ok(const char *s, size_t max)
{
	return s && strnlen(s, max + 1) <= max;
}

/* Handlers get the whole Request; the dispatch key picked its op. */
static const Vmhost__Netd__Request *
netd_req(const void *req)
{
	return req;
}

static void
netd_handle_status(struct rpc_call *call, const void *req)
{
	Vmhost__Netd__Reply rep;
	Vmhost__DaemonStatus st;

	(void)req;
	vmhost__netd__reply__init(&rep);
	daemon_status_fill(&st, "vmhost-netd");
	rep.result_case = VMHOST__NETD__REPLY__RESULT_STATUS;
	rep.status = &st;
	rpc_reply(call, &rep.base, NULL, 0);
}

static void
netd_handle_ping(struct rpc_call *call, const void *req)
{
	(void)req;
	rpc_reply_ok(call);
}

static void
netd_start_done(void *arg, int err, const char *msg, const char *bridge,
    pid_t pid)
{
	struct rpc_call *call = arg;
	Vmhost__Netd__Reply rep;
	Vmhost__Netd__NetworkStartReply sr;

	if (err < 0) {
		rpc_reply_error(call, -err, "%s", msg);
		return;
	}
	vmhost__netd__reply__init(&rep);
	vmhost__netd__network_start_reply__init(&sr);
	sr.bridge = (char *)(uintptr_t)bridge;
	sr.dnsmasq_pid = (int32_t)pid;
	rep.result_case = VMHOST__NETD__REPLY__RESULT_NETWORK_START;
	rep.network_start = &sr;
	rpc_reply(call, &rep.base, NULL, 0);
}

static int
netd_network_req_ok(struct rpc_call *call, const char *name, const char *xml)
{
	if (netd_str_ok(name, NETWORK_NAME_MAX) &&
	    netd_str_ok(xml, NETWORK_XML_MAX))
		return 1;
	rpc_reply_error(call, EINVAL, "network name or definition missing or too long");
	return 0;
}

static void
netd_handle_network_start(struct rpc_call *call, const void *req)
{
	const Vmhost__Netd__NetworkStartRequest *r = netd_req(req)->network_start;

	if (netd_network_req_ok(call, r->name, r->xml))
		network_start(r->name, r->xml, netd_start_done, call);
}

static void
netd_handle_network_stop(struct rpc_call *call, const void *req)
{
	const Vmhost__Netd__NetworkStopRequest *r = netd_req(req)->network_stop;
	char err[NETD_ERR_MAX];
	int e;

	if (!netd_network_req_ok(call, r->name, r->xml))
		return;
	if ((e = network_stop(r->name, r->xml, err, sizeof(err))) < 0)
		rpc_reply_error(call, -e, "%s", err);
	else
		rpc_reply_ok(call);
}

static void
netd_handle_sync(struct rpc_call *call, const void *req)
{
	const Vmhost__Netd__NetworkSyncRequest *r = netd_req(req)->sync;
	char err[NETD_ERR_MAX], first[NETD_ERR_MAX + 128] = "";
	int e, code = 0;

	for (size_t i = 0; i < r->n_active; i++) {
		const Vmhost__Netd__NetworkStartRequest *a = r->active[i];

		if (!netd_str_ok(a->name, NETWORK_NAME_MAX) ||
		    !netd_str_ok(a->xml, NETWORK_XML_MAX))
			continue;
		if ((e = network_sync_one(a->name, a->xml, err,
		    sizeof(err))) < 0) {
			log_error("sync of network '%s': %s", a->name, err);
			if (!code) {
				code = -e;
				snprintf(first, sizeof(first),
				    "network '%s': %s", a->name, err);
			}
		}
	}
	if (r->complete) {
		const char **names = calloc(r->n_active + 1, sizeof(*names));
		size_t k = 0;

		for (size_t i = 0; names && i < r->n_active; i++)
			if (netd_str_ok(r->active[i]->name, NETWORK_NAME_MAX))
				names[k++] = r->active[i]->name;
		if (names)
			network_sync_prune(names, k);
		free(names);
	}
	if (code)
		rpc_reply_error(call, code, "%s", first);
	else
		rpc_reply_ok(call);
}

/* The receiver validates: only our tap names, only allowed bridges. */
static int
netd_tap_check(const Vmhost__Netd__TapRequest *r, struct tap_req *t,
    char *err, size_t errlen)
{
	unsigned mtu = 0;
	int e;

	if (!netd_str_ok(r->ifname, 15) || !netd_str_ok(r->bridge, 15) ||
	    !netd_str_ok(r->mac, 17) ||
	    !netd_str_ok(r->owner, TAP_OWNER_MAX - 1)) {
		snprintf(err, errlen, "tap request fields missing or too long");
		return -EINVAL;
	}
	if (*r->ifname && !tap_name_ok(r->ifname)) {
		snprintf(err, errlen, "interface name '%s' is not allowed: netd creates only vnetN and vmtap* taps",
		    r->ifname);
		return -EPERM;
	}
	*t = (struct tap_req){ .ifname = r->ifname, .mac = r->mac,
	    .mtu = r->mtu, .owner = r->owner };
	if (*r->bridge && (e = network_bridge_allowed(r->bridge, &t->master,
	    &mtu, err, errlen)) < 0)
		return e;
	if (!t->mtu)
		t->mtu = mtu;
	if (t->mtu > 65535) {
		snprintf(err, errlen, "MTU %u is too large", t->mtu);
		return -EINVAL;
	}
	return 0;
}

static void
netd_handle_tap_create(struct rpc_call *call, const void *req)
{
	Vmhost__Netd__Reply rep;
	Vmhost__Netd__TapReply tr;
	struct tap_req t;
	char err[NETD_ERR_MAX], name[16];
	int fd;

	if ((fd = netd_tap_check(netd_req(req)->tap_create, &t, err, sizeof(err))) < 0 ||
	    (fd = tap_create(&t, name, sizeof(name), err, sizeof(err))) < 0) {
		rpc_reply_error(call, -fd, "%s", err);
		return;
	}
	vmhost__netd__reply__init(&rep);
	vmhost__netd__tap_reply__init(&tr);
	tr.ifname = name;
	rep.result_case = VMHOST__NETD__REPLY__RESULT_TAP;
	rep.tap = &tr;
	rpc_reply(call, &rep.base, &fd, 1);	/* the fd is dup'ed */
	close(fd);
}

static void
netd_handle_tap_remove(struct rpc_call *call, const void *req)
{
	const Vmhost__Netd__TapRemoveRequest *r = netd_req(req)->tap_remove;
	char err[NETD_ERR_MAX];
	int e;

	if (!netd_str_ok(r->ifname, 15) ||
	    !netd_str_ok(r->owner, TAP_OWNER_MAX - 1)) {
		rpc_reply_error(call, EINVAL, "tap name or owner missing or too long");
		return;
	}
	if ((e = tap_remove(r->ifname, r->owner, err, sizeof(err))) < 0)
		rpc_reply_error(call, -e, "%s", err);
	else
		rpc_reply_ok(call);
}

static void
netd_lease_fill(Vmhost__Netd__Lease *m, struct netd_lease *l,
    const char *bridge)
{
	vmhost__netd__lease__init(m);
	m->mac = l->mac;
	m->ip = l->ip;
	m->hostname = l->hostname;
	m->client_id = l->client_id;
	m->expiry = l->expiry;
	m->iface = (char *)(uintptr_t)bridge;
	m->type = (char *)(uintptr_t)(l->ipv6 ? "ipv6" : "ipv4");
}

static void
netd_handle_leases(struct rpc_call *call, const void *req)
{
	const Vmhost__Netd__LeasesRequest *r = netd_req(req)->leases;
	Vmhost__Netd__Reply rep;
	Vmhost__Netd__LeasesReply lr;
	Vmhost__Netd__Lease *msgs = NULL, **ptrs = NULL;
	struct netd_lease *ls = NULL;
	char err[NETD_ERR_MAX], bridge[16] = "";
	size_t n = 0;
	int e;

	if (!netd_str_ok(r->name, NETWORK_NAME_MAX) || !netd_str_ok(r->mac, 17)) {
		rpc_reply_error(call, EINVAL, "network name or MAC missing or too long");
		return;
	}
	if ((e = network_leases(r->name, r->mac, &ls, &n, bridge,
	    err, sizeof(err))) < 0) {
		rpc_reply_error(call, -e, "%s", err);
		return;
	}
	msgs = calloc(n ? n : 1, sizeof(*msgs));
	ptrs = calloc(n ? n : 1, sizeof(*ptrs));
	if (!msgs || !ptrs) {
		rpc_reply_error(call, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		netd_lease_fill(&msgs[i], &ls[i], bridge);
		ptrs[i] = &msgs[i];
	}
	vmhost__netd__reply__init(&rep);
	vmhost__netd__leases_reply__init(&lr);
	lr.n_leases = n;
	lr.leases = ptrs;
	rep.result_case = VMHOST__NETD__REPLY__RESULT_LEASES;
	rep.leases = &lr;
	rpc_reply(call, &rep.base, NULL, 0);
out:
	free(msgs);
	free(ptrs);
	free(ls);
}

static const struct rpc_handler netd_handlers[] = {
	{ VMHOST__NETD__REQUEST__OP_STATUS, "status", netd_handle_status, 0 },
	{ VMHOST__NETD__REQUEST__OP_PING, "ping", netd_handle_ping, 0 },
	{ VMHOST__NETD__REQUEST__OP_NETWORK_START, "network.start",
	  netd_handle_network_start, 0 },
	{ VMHOST__NETD__REQUEST__OP_NETWORK_STOP, "network.stop",
	  netd_handle_network_stop, 0 },
	{ VMHOST__NETD__REQUEST__OP_SYNC, "network.sync", netd_handle_sync, 0 },
	{ VMHOST__NETD__REQUEST__OP_TAP_CREATE, "tap.create",
	  netd_handle_tap_create, 0 },
	{ VMHOST__NETD__REQUEST__OP_TAP_REMOVE, "tap.remove",
	  netd_handle_tap_remove, 0 },
	{ VMHOST__NETD__REQUEST__OP_LEASES, "leases", netd_handle_leases, 0 },
};

static const struct rpc_service netd_service = {
	"netd", &vmhost__netd__request__descriptor,
	&vmhost__netd__reply__descriptor, netd_handlers,
	sizeof(netd_handlers) / sizeof(netd_handlers[0]),
};

/* As root, before the drop: dnsmasq's state folder, owned by our user. */
static int
netd_before_drop(struct event_base *base, struct daemon_opts *o)
{
	char path[4096];
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	int r;

	(void)o;
	if (getuid() == 0 && priv_lookup_user(VMHOST_NET_USER, &uid, &gid) < 0)
		return -ENOENT;
	if (path_build(path, sizeof(path), DNSMASQ_STATE_DIR) < 0)
		return -ENAMETOOLONG;
	if ((r = dir_ensure(path, 0755, uid, gid)) < 0) {
		log_error("cannot create %s: %s", path, strerror(-r));
		return r;
	}
	firewall_before_drop();
	/* any local user may reach bridge.sock (0666), not list the folder */
	if (path_build(path, sizeof(path), VMHOST_HELPER_DIR_FMT, "netd") == 0 &&
	    chmod(path, 0751) < 0)
		log_warn("cannot make %s traversable: %m", path);
	if ((r = bridge_sock_listen(base, uid, (gid_t)-1)) < 0)
		log_error("cannot listen on the bridge socket: %s", strerror(-r));
	return r;
}

static int
netd_after_drop(struct event_base *base, struct daemon_opts *o)
{
	struct passwd *pw = getpwuid(getuid());
	int r;

	(void)o;
	if (!pw) {
		log_error("uid %u has no user name", (unsigned)getuid());
		return -ENOENT;
	}
	if (access("/dev/net/tun", R_OK | W_OK) < 0)
		log_warn("/dev/net/tun is not readable and writable by '%s' (%s): taps cannot be created; give it mode 0666 as udev does, or an ACL for '%s'",
		    pw->pw_name, strerror(errno), pw->pw_name);
	if ((r = network_init(base, pw->pw_name)) < 0)
		log_error("cannot set up networking: %s", strerror(-r));
	return r;
}

int
main(int argc, char **argv)
{
	static const struct helperd h = {
		.name = "netd",
		.prog = "vmhost-netd",
		.user = VMHOST_NET_USER,
		.caps = netd_caps,
		.ncaps = sizeof(netd_caps) / sizeof(netd_caps[0]),
		.inheritable = 1,
		.svc = &netd_service,
		.before_drop = netd_before_drop,
		.after_drop = netd_after_drop,
	};
	int r = helperd_main(argc, argv, &h);

	bridge_sock_close();
	network_shutdown();
	return r;
}
