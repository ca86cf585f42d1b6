/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's network calls to vmhost-netd: start, stop, sync after a reconnection, autostart, live updates, leases. */
#define LOG_MODULE "networks"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netd.pb-c.h"
#include "common/log.h"
#include "vmhostd/networks.h"
#include "vmhostd/vmhostd.h"

/* netd's client; on_up runs inside rpc_client_new, before vmhostd.helpers
 * has it, so the first connection hands it over. */
static struct rpc_client *netd_cl;

static struct rpc_client *
netd(void)
{
	return vmhostd.helpers[HELPER_NETD] ? vmhostd.helpers[HELPER_NETD] :
	    netd_cl;
}

/* One call in flight for one network. */
struct net_op {
	struct net *net;
	char name[NETWORK_NAME_MAX + 1];
	char *xml;			/* what was sent */
	struct network_def *def;	/* live update: installed on success */
	net_done_fn done;
	void *arg;
};

static struct net_op *
op_new(struct net *n, const struct network_def *d, net_done_fn done,
    void *arg)
{
	struct net_op *op = calloc(1, sizeof(*op));

	if (op && !(op->xml = network_format(d))) {
		free(op);
		op = NULL;
	}
	if (!op) {
		done(arg, NULL, -ENOMEM, "out of memory");
		return NULL;
	}
	op->net = n;
	snprintf(op->name, sizeof(op->name), "%s", n->def->name);
	op->done = done;
	op->arg = arg;
	n->busy = true;
	return op;
}

static void
op_finish(struct net_op *op, int err, const char *msg)
{
	struct net_summary s;

	networks_summary(op->net, &s);
	op->done(op->arg, &s, err, msg);
	network_def_free(op->def);
	free(op->xml);
	free(op);
}

static void
close_fds(int *fds, size_t nfds)
{
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
}

static void
on_started(void *arg, const ProtobufCMessage *rep, int err, const char *msg,
    int *fds, size_t nfds)
{
	struct net_op *op = arg;
	const Vmhost__Netd__Reply *r = (const Vmhost__Netd__Reply *)rep;
	const Vmhost__Netd__NetworkStartReply *sr;
	char esc[256];

	close_fds(fds, nfds);
	op->net->busy = false;
	sr = r && r->result_case == VMHOST__NETD__REPLY__RESULT_NETWORK_START ?
	    r->network_start : NULL;
	if (err < 0 || !sr) {
		op_finish(op, err < 0 ? err : -EPROTO, err < 0 ? msg :
		    "vmhost-netd sent an unexpected reply");
		return;
	}
	networks_mark_active(op->net, sr->bridge, sr->dnsmasq_pid);
	log_info("network '%s' started (bridge %s, dnsmasq pid %d)",
	    str_escape(esc, sizeof(esc), op->name), op->net->bridge,
	    sr->dnsmasq_pid);
	op_finish(op, 0, NULL);
}

void
networks_start(struct net *n, net_done_fn done, void *arg)
{
	Vmhost__Netd__Request req;
	Vmhost__Netd__NetworkStartRequest sr;
	char err[512];
	struct net_op *op;
	int r;

	if ((r = networks_check_start(n, err, sizeof(err))) < 0) {
		done(arg, NULL, r, err);
		return;
	}
	if (!(op = op_new(n, networks_config(n), done, arg)))
		return;
	vmhost__netd__request__init(&req);
	vmhost__netd__network_start_request__init(&sr);
	sr.name = op->name;
	sr.xml = op->xml;
	req.op_case = VMHOST__NETD__REQUEST__OP_NETWORK_START;
	req.network_start = &sr;
	rpc_client_call(netd(), &req.base, NULL, 0,
	    on_started, op);
}

static void
on_stopped(void *arg, const ProtobufCMessage *rep, int err, const char *msg,
    int *fds, size_t nfds)
{
	struct net_op *op = arg;
	struct net_summary s;
	char esc[256];

	(void)rep;
	close_fds(fds, nfds);
	op->net->busy = false;
	if (err < 0) {
		op_finish(op, err, msg);
		return;
	}
	log_info("network '%s' stopped", str_escape(esc, sizeof(esc),
	    op->name));
	op->net->active = false;
	networks_summary(op->net, &s);
	networks_mark_inactive(op->net);	/* may free a transient one */
	op->done(op->arg, &s, 0, NULL);
	free(op->xml);
	free(op);
}

void
networks_stop(struct net *n, net_done_fn done, void *arg)
{
	Vmhost__Netd__Request req;
	Vmhost__Netd__NetworkStopRequest sr;
	char err[512], esc[256];
	struct net_op *op;
	int r;

	if ((r = networks_check_idle(n, err, sizeof(err))) < 0) {
		done(arg, NULL, r, err);
		return;
	}
	if (!n->active) {
		snprintf(err, sizeof(err), "network '%s' is not active",
		    str_escape(esc, sizeof(esc), n->def->name));
		done(arg, NULL, -EINVAL, err);
		return;
	}
	if (!(op = op_new(n, n->def, done, arg)))
		return;
	vmhost__netd__request__init(&req);
	vmhost__netd__network_stop_request__init(&sr);
	sr.name = op->name;
	sr.xml = op->xml;
	req.op_case = VMHOST__NETD__REQUEST__OP_NETWORK_STOP;
	req.network_stop = &sr;
	rpc_client_call(netd(), &req.base, NULL, 0,
	    on_stopped, op);
}

/*
 * A NetworkSync naming every active network with its running definition;
 * over is (n, d): n's definition replaced by d (a live update). The
 * strings are malloc'd into xmls. Returns the count, -ENOMEM.
 */
static int
sync_build(Vmhost__Netd__NetworkSyncRequest *sync,
    Vmhost__Netd__NetworkStartRequest **items, char **xmls, size_t max,
    const struct net *over, const struct network_def *d)
{
	struct net **all;
	size_t count, k = 0;

	if (!(all = networks_sorted(&count)))
		return -ENOMEM;
	for (size_t i = 0; i < count && k < max; i++) {
		const struct network_def *def = all[i]->def;

		if (!all[i]->active)
			continue;
		if (all[i] == over)
			def = d;
		if (!(xmls[k] = network_format(def))) {
			free(all);
			return -ENOMEM;
		}
		vmhost__netd__network_start_request__init(items[k]);
		items[k]->name = def->name;
		items[k]->xml = xmls[k];
		k++;
	}
	free(all);
	vmhost__netd__network_sync_request__init(sync);
	sync->n_active = k;
	sync->active = items;
	return (int)k;
}

/* Send a sync; cb as for rpc_client_call. */
static void
sync_send(const struct net *over, const struct network_def *d, bool complete,
    rpc_reply_fn cb, void *arg)
{
	Vmhost__Netd__Request req;
	Vmhost__Netd__NetworkSyncRequest sync;
	Vmhost__Netd__NetworkStartRequest *store = NULL, **items = NULL;
	char **xmls = NULL;
	int k = -ENOMEM;

	if ((store = calloc(NETWORKS_MAX, sizeof(*store))) &&
	    (items = calloc(NETWORKS_MAX, sizeof(*items))) &&
	    (xmls = calloc(NETWORKS_MAX, sizeof(*xmls)))) {
		for (size_t i = 0; i < NETWORKS_MAX; i++)
			items[i] = &store[i];
		k = sync_build(&sync, items, xmls, NETWORKS_MAX, over, d);
	}
	if (k < 0) {
		cb(arg, NULL, -ENOMEM, "out of memory", NULL, 0);
	} else {
		vmhost__netd__request__init(&req);
		sync.complete = complete;
		req.op_case = VMHOST__NETD__REQUEST__OP_SYNC;
		req.sync = &sync;
		rpc_client_call(netd(), &req.base, NULL,
		    0, cb, arg);
	}
	for (size_t i = 0; xmls && i < NETWORKS_MAX && xmls[i]; i++)
		free(xmls[i]);
	free(xmls);
	free(items);
	free(store);
}

static void
autostarted(void *arg, const struct net_summary *s, int err, const char *msg)
{
	char esc[256];

	(void)s;
	if (err < 0)
		log_error("cannot autostart network '%s': %s",
		    str_escape(esc, sizeof(esc), arg), msg);
	free(arg);
}

/* Start every autostart network that is not active. */
static void
autostart_all(void)
{
	struct net **all;
	size_t count;

	if (!(all = networks_sorted(&count)))
		return;
	for (size_t i = 0; i < count; i++) {
		char *name;

		if (!all[i]->autostart || all[i]->active || all[i]->busy ||
		    !(name = strdup(all[i]->def->name)))
			continue;
		networks_start(all[i], autostarted, name);
	}
	free(all);
}

static void
on_synced(void *arg, const ProtobufCMessage *rep, int err, const char *msg,
    int *fds, size_t nfds)
{
	static int autostart_done;

	(void)arg;
	(void)rep;
	close_fds(fds, nfds);
	if (err < 0)
		log_warn("vmhost-netd did not take the active networks: %s",
		    msg);
	else
		log_debug("vmhost-netd synchronised");
	/* once per vmhostd start, as libvirt: a network the admin stopped
	 * is not restarted because netd restarted */
	if (!autostart_done) {
		autostart_done = 1;
		autostart_all();
	}
}

void
networks_netd_up(struct rpc_client *cl)
{
	netd_cl = cl;
	sync_send(NULL, NULL, true, on_synced, NULL);
}

static void
on_live_synced(void *arg, const ProtobufCMessage *rep, int err,
    const char *msg, int *fds, size_t nfds)
{
	struct net_op *op = arg;
	struct network_def *d = op->def;
	char buf[512];
	int r;

	(void)rep;
	close_fds(fds, nfds);
	op->net->busy = false;
	if (err < 0) {
		op_finish(op, err, msg);
		return;
	}
	op->def = NULL;
	if ((r = networks_save_live(op->net, d, buf, sizeof(buf))) < 0) {
		op_finish(op, r, buf);
		return;
	}
	op_finish(op, 0, NULL);
}

void
networks_update_live(struct net *n, struct network_def *d,
    net_done_fn done, void *arg)
{
	char err[512];
	struct net_op *op;
	int r;

	if ((r = networks_check_idle(n, err, sizeof(err))) < 0) {
		network_def_free(d);
		done(arg, NULL, r, err);
		return;
	}
	if (!(op = op_new(n, d, done, arg))) {
		network_def_free(d);
		return;
	}
	op->def = d;
	sync_send(n, d, false, on_live_synced, op);
}

struct leases_op {
	net_leases_fn done;
	void *arg;
};

static void
lease_row(struct net_lease_row *o, const Vmhost__Netd__Lease *l)
{
	time_t t = (time_t)l->expiry;
	struct tm tm;

	memset(o, 0, sizeof(*o));
	if (l->expiry > 0 && localtime_r(&t, &tm))
		strftime(o->expiry, sizeof(o->expiry), "%Y-%m-%d %H:%M:%S",
		    &tm);
	else
		snprintf(o->expiry, sizeof(o->expiry), "%s",
		    l->expiry == 0 ? "never" : "-");
	snprintf(o->mac, sizeof(o->mac), "%s", l->mac ? l->mac : "");
	snprintf(o->type, sizeof(o->type), "%s", l->type && *l->type ?
	    l->type : "ipv4");
	snprintf(o->ip, sizeof(o->ip), "%s", l->ip ? l->ip : "");
	snprintf(o->hostname, sizeof(o->hostname), "%s",
	    l->hostname && *l->hostname ? l->hostname : "-");
	snprintf(o->client_id, sizeof(o->client_id), "%s",
	    l->client_id && *l->client_id ? l->client_id : "-");
}

static void
on_leases(void *arg, const ProtobufCMessage *rep, int err, const char *msg,
    int *fds, size_t nfds)
{
	struct leases_op *op = arg;
	const Vmhost__Netd__Reply *r = (const Vmhost__Netd__Reply *)rep;
	const Vmhost__Netd__LeasesReply *lr;
	struct net_lease_row *rows = NULL;
	size_t n = 0;

	close_fds(fds, nfds);
	lr = r && r->result_case == VMHOST__NETD__REPLY__RESULT_LEASES ?
	    r->leases : NULL;
	if (err < 0 || !lr) {
		op->done(op->arg, NULL, 0, err < 0 ? err : -EPROTO, err < 0 ?
		    msg : "vmhost-netd sent an unexpected reply");
		free(op);
		return;
	}
	if (lr->n_leases && !(rows = calloc(lr->n_leases, sizeof(*rows)))) {
		op->done(op->arg, NULL, 0, -ENOMEM, "out of memory");
		free(op);
		return;
	}
	for (n = 0; n < lr->n_leases; n++)
		lease_row(&rows[n], lr->leases[n]);
	op->done(op->arg, rows, n, 0, NULL);
	free(rows);
	free(op);
}

void
networks_leases(struct net *n, const char *mac, net_leases_fn done,
    void *arg)
{
	Vmhost__Netd__Request req;
	Vmhost__Netd__LeasesRequest lr;
	struct leases_op *op;
	char err[512], esc[256];

	if (!n->active) {
		snprintf(err, sizeof(err), "network '%s' is not active",
		    str_escape(esc, sizeof(esc), n->def->name));
		done(arg, NULL, 0, -EINVAL, err);
		return;
	}
	if (!(op = calloc(1, sizeof(*op)))) {
		done(arg, NULL, 0, -ENOMEM, "out of memory");
		return;
	}
	op->done = done;
	op->arg = arg;
	vmhost__netd__request__init(&req);
	vmhost__netd__leases_request__init(&lr);
	lr.name = n->def->name;
	lr.mac = (char *)(uintptr_t)(mac ? mac : "");
	req.op_case = VMHOST__NETD__REQUEST__OP_LEASES;
	req.leases = &lr;
	rpc_client_call(netd(), &req.base, NULL, 0,
	    on_leases, op);
}
