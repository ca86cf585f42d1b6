/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's network handlers: each unpacks, calls the network store or netd, and replies. */
#define LOG_MODULE "dispatch"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmhost.pb-c.h"
#include "common/log.h"
#include "vmhostd/dispatch.h"
#include "vmhostd/dispatch_network.h"
#include "vmhostd/networks.h"
#include "vmhostd/vmhostd.h"

#define REQ(field) (((const Vmhost__Request *)req)->field)

static void
summary_msg(const struct net_summary *s, Vmhost__NetworkSummary *m)
{
	vmhost__network_summary__init(m);
	m->name = (char *)(uintptr_t)s->name;
	m->uuid = (char *)(uintptr_t)s->uuid;
	m->active = s->active;
	m->autostart = s->autostart;
	m->persistent = s->persistent;
	m->bridge = (char *)(uintptr_t)s->bridge;
}

static void
reply_net(struct rpc_call *call, const struct net_summary *s)
{
	Vmhost__Reply rep = VMHOST__REPLY__INIT;
	Vmhost__NetworkSummary m;

	summary_msg(s, &m);
	rep.result_case = VMHOST__REPLY__RESULT_NETWORK;
	rep.network = &m;
	rpc_reply(call, &rep.base, NULL, 0);
}

static void
reply_net_now(struct rpc_call *call, const struct net *n)
{
	struct net_summary s;

	networks_summary(n, &s);
	reply_net(call, &s);
}

/* Look a network up or reply with libvirt's wording; NULL when replied. */
static struct net *
net_lookup(struct rpc_call *call, const char *key)
{
	struct net *n = networks_find(key);
	char esc[256];

	if (!n)
		rpc_reply_error(call, ENOENT,
		    "failed to get network '%s': network not found",
		    str_escape(esc, sizeof(esc), key ? key : ""));
	return n;
}

/* net_done_fn for calls that answer a client. */
static void
net_done(void *arg, const struct net_summary *s, int err, const char *msg)
{
	struct rpc_call *call = arg;

	if (err < 0 || !s)
		rpc_reply_error(call, err < 0 ? -err : EIO, "%s",
		    msg ? msg : "failed");
	else
		reply_net(call, s);
}

void
vmhostd_handle_network_define(struct rpc_call *call, const void *req)
{
	const Vmhost__NetworkDefineRequest *r = REQ(network_define);
	char err[1024], esc[256];
	struct net *n;
	int rc;

	rc = networks_define(r->xml, strlen(r->xml), &n, err, sizeof(err));
	if (rc < 0) {
		rpc_reply_error(call, -rc, "%s", err);
		return;
	}
	log_info("network '%s' defined", str_escape(esc, sizeof(esc),
	    n->def->name));
	reply_net_now(call, n);
}

void
vmhostd_handle_network_undefine(struct rpc_call *call, const void *req)
{
	struct net *n = net_lookup(call, REQ(network_undefine)->key);
	struct net_summary s;
	char err[1024], esc[256];
	int rc;

	if (!n)
		return;
	networks_summary(n, &s);
	if ((rc = networks_undefine(n, err, sizeof(err))) < 0) {
		rpc_reply_error(call, -rc, "%s", err);
		return;
	}
	log_info("network '%s' undefined", str_escape(esc, sizeof(esc),
	    s.name));
	s.persistent = false;
	s.autostart = false;
	reply_net(call, &s);
}

void
vmhostd_handle_network_start(struct rpc_call *call, const void *req)
{
	struct net *n = net_lookup(call, REQ(network_start)->key);

	if (n)
		networks_start(n, net_done, call);
}

void
vmhostd_handle_network_destroy(struct rpc_call *call, const void *req)
{
	struct net *n = net_lookup(call, REQ(network_destroy)->key);

	if (n)
		networks_stop(n, net_done, call);
}

void
vmhostd_handle_network_autostart(struct rpc_call *call, const void *req)
{
	const Vmhost__NetworkAutostartRequest *r = REQ(network_autostart);
	struct net *n = net_lookup(call, r->key);
	char err[1024];
	int rc;

	if (!n)
		return;
	if ((rc = networks_set_autostart(n, !r->disable, err,
	    sizeof(err))) < 0) {
		rpc_reply_error(call, -rc, "%s", err);
		return;
	}
	reply_net_now(call, n);
}

static bool
list_match(const Vmhost__NetworkListRequest *r, const struct net *n)
{
	if (!r->all && !r->inactive && !n->active)
		return false;
	if (r->inactive && !r->all && n->active)
		return false;
	if (r->autostart && !n->autostart)
		return false;
	return !(r->no_autostart && n->autostart);
}

void
vmhostd_handle_network_list(struct rpc_call *call, const void *req)
{
	const Vmhost__NetworkListRequest *r = REQ(network_list);
	Vmhost__Reply rep = VMHOST__REPLY__INIT;
	Vmhost__NetworkListReply lr;
	Vmhost__NetworkSummary *msgs = NULL, **ptrs = NULL;
	struct net_summary *sums = NULL;
	size_t count = 0, k = 0;
	struct net **all = networks_sorted(&count);

	vmhost__network_list_reply__init(&lr);
	if (!all || !(sums = calloc(count + 1, sizeof(*sums))) ||
	    !(msgs = calloc(count + 1, sizeof(*msgs))) ||
	    !(ptrs = calloc(count + 1, sizeof(*ptrs)))) {
		rpc_reply_error(call, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		if (!list_match(r, all[i]) ||
		    !access_may(call, "network.read", all[i]->def->name))
			continue;	/* acl.conf: only what the caller may read */
		networks_summary(all[i], &sums[k]);
		summary_msg(&sums[k], &msgs[k]);
		ptrs[k] = &msgs[k];
		k++;
	}
	lr.n_networks = k;
	lr.networks = ptrs;
	rep.result_case = VMHOST__REPLY__RESULT_NETWORK_LIST;
	rep.network_list = &lr;
	rpc_reply(call, &rep.base, NULL, 0);
out:
	free(all);
	free(sums);
	free(msgs);
	free(ptrs);
}

void
vmhostd_handle_network_info(struct rpc_call *call, const void *req)
{
	struct net *n = net_lookup(call, REQ(network_info)->key);

	if (n)
		reply_net_now(call, n);
}

void
vmhostd_handle_network_xml(struct rpc_call *call, const void *req)
{
	const Vmhost__NetworkXmlRequest *r = REQ(network_xml);
	struct net *n = net_lookup(call, r->key);
	char *xml;

	if (!n)
		return;
	xml = network_format(r->inactive ? networks_config(n) : n->def);
	if (!xml) {
		rpc_reply_error(call, ENOMEM, "out of memory");
		return;
	}
	reply_text(call, xml);
	free(xml);
}

static void
leases_done(void *arg, const struct net_lease_row *rows, size_t count,
    int err, const char *msg)
{
	struct rpc_call *call = arg;
	Vmhost__Reply rep = VMHOST__REPLY__INIT;
	Vmhost__NetworkLeasesReply lr;
	Vmhost__NetworkLease *ls = NULL, **ptrs = NULL;

	if (err < 0) {
		rpc_reply_error(call, -err, "%s", msg);
		return;
	}
	if (count && (!(ls = calloc(count, sizeof(*ls))) ||
	    !(ptrs = calloc(count, sizeof(*ptrs))))) {
		rpc_reply_error(call, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		vmhost__network_lease__init(&ls[i]);
		ls[i].expiry = (char *)(uintptr_t)rows[i].expiry;
		ls[i].mac = (char *)(uintptr_t)rows[i].mac;
		ls[i].type = (char *)(uintptr_t)rows[i].type;
		ls[i].ip = (char *)(uintptr_t)rows[i].ip;
		ls[i].hostname = (char *)(uintptr_t)rows[i].hostname;
		ls[i].client_id = (char *)(uintptr_t)rows[i].client_id;
		ptrs[i] = &ls[i];
	}
	vmhost__network_leases_reply__init(&lr);
	lr.n_leases = count;
	lr.leases = ptrs;
	rep.result_case = VMHOST__REPLY__RESULT_NETWORK_LEASES;
	rep.network_leases = &lr;
	rpc_reply(call, &rep.base, NULL, 0);
out:
	free(ls);
	free(ptrs);
}

/* aa:bb:cc:dd:ee:ff, any case. */
static bool
mac_valid(const char *s)
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

void
vmhostd_handle_network_leases(struct rpc_call *call, const void *req)
{
	const Vmhost__NetworkLeasesRequest *r = REQ(network_leases);
	struct net *n = net_lookup(call, r->key);
	char esc[64], mac[18];

	if (!n)
		return;
	if (r->mac && *r->mac && !mac_valid(r->mac)) {
		rpc_reply_error(call, EINVAL, "invalid MAC address '%s'",
		    str_escape(esc, sizeof(esc), r->mac));
		return;
	}
	snprintf(mac, sizeof(mac), "%s", r->mac ? r->mac : "");
	for (char *p = mac; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	networks_leases(n, mac, leases_done, call);
}

/* net-update on the persistent definition; 0 or replied. */
static int
update_config(struct rpc_call *call, struct net *n,
    const Vmhost__NetworkUpdateRequest *r)
{
	struct network_def *d;
	char err[1024], esc[256];
	int rc;

	if (!n->persistent) {
		rpc_reply_error(call, EINVAL, "network '%s' is transient: it "
		    "has no persistent config to update",
		    str_escape(esc, sizeof(esc), n->def->name));
		return -EINVAL;
	}
	if ((rc = networks_update_def(networks_config(n), r->command,
	    r->section, r->xml, &d, err, sizeof(err))) < 0 ||
	    (rc = networks_save_config(n, d, err, sizeof(err))) < 0) {
		rpc_reply_error(call, -rc, "%s", err);
		return rc;
	}
	return 0;
}

void
vmhostd_handle_network_update(struct rpc_call *call, const void *req)
{
	const Vmhost__NetworkUpdateRequest *r = REQ(network_update);
	struct net *n = net_lookup(call, r->key);
	struct network_def *d;
	bool live, config;
	char err[1024], esc[256];
	int rc;

	if (!n)
		return;
	if ((rc = networks_check_idle(n, err, sizeof(err))) < 0) {
		rpc_reply_error(call, -rc, "%s", err);
		return;
	}
	live = r->live || (!r->config && n->active);	/* none: current */
	config = r->config || (!r->live && !n->active);
	if (live && !n->active) {
		rpc_reply_error(call, EINVAL, "network '%s' is not active: "
		    "there is no live state to update",
		    str_escape(esc, sizeof(esc), n->def->name));
		return;
	}
	/* check the live change first so a refusal changes nothing */
	if (live && (rc = networks_update_def(n->def, r->command, r->section,
	    r->xml, &d, err, sizeof(err))) < 0) {
		rpc_reply_error(call, -rc, "%s", err);
		return;
	}
	if (config && update_config(call, n, r) < 0) {
		if (live)
			network_def_free(d);
		return;
	}
	if (live)
		networks_update_live(n, d, net_done, call);
	else
		reply_net_now(call, n);
}
