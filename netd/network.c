/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-netd's active networks: start with undo, stop, sync after restarts, tap bridges. */
#define LOG_MODULE "network"
#include "netd/network.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/random.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/paths.h"
#include "netd/bridge.h"
#include "netd/bridge_conf.h"
#include "netd/dnsmasq.h"
#include "netd/dnsmasq_conf.h"
#include "netd/firewall.h"
#include "netd/tap.h"

/* What a network holds, undone by net_teardown (bits). */
enum net_stage {
	STAGE_NONE = 0,
	STAGE_RULES = 1,	/* firewall rules applied (or being) */
	STAGE_FILES = 2,	/* dnsmasq's conf, hosts files written */
	STAGE_DNSMASQ = 4,	/* running */
};

struct net_paths {
	char conf[PATH_MAX], hosts[PATH_MAX], addn[PATH_MAX];
	char leases[PATH_MAX], pid[PATH_MAX];
	char journal[PATH_MAX];	/* the definition while netd holds it */
};

struct netd_net {
	struct netd_net *next;
	struct network_def *def;
	struct net_paths p;
	struct dnsmasq *dq;
	unsigned stage;		/* enum net_stage bits */
	int start_err;		/* a failure while dnsmasq was starting */
	char start_msg[512];
	int own_bridge;		/* delete it on undo */
	int recreated;		/* sync made the bridge anew */
	int ifindex;
	int starting;
	network_done_fn cb;
	void *arg;
};

static struct event_base *net_base;
static char *net_user;
static struct netd_net *nets;
static size_t nnets;
static char statedir[PATH_MAX], rundir[PATH_MAX];

int
network_init(struct event_base *base, const char *user)
{
	char err[512];
	int r;

	net_base = base;
	if (!(net_user = strdup(user)))
		return -ENOMEM;
	if (path_build(statedir, sizeof(statedir), DNSMASQ_STATE_DIR) < 0 ||
	    path_build(rundir, sizeof(rundir), VMHOST_HELPER_DIR_FMT,
	    "netd") < 0)
		return -ENAMETOOLONG;
	dir_remove_temps(statedir);	/* a netd killed mid-write */
	dir_remove_temps(rundir);
	if ((r = firewall_init(rundir, err, sizeof(err))) < 0) {
		log_error("%s", err);
		return r;
	}
	return bridge_nl_init();
}

static struct netd_net *
net_find(const char *name)
{
	for (struct netd_net *n = nets; n; n = n->next)
		if (strcmp(n->def->name, name) == 0)
			return n;
	return NULL;
}

static struct netd_net *
net_find_bridge(const char *bridge)
{
	for (struct netd_net *n = nets; n; n = n->next)
		if (n->def->bridge && strcmp(n->def->bridge, bridge) == 0)
			return n;
	return NULL;
}

static void
net_unlink(struct netd_net *x)
{
	for (struct netd_net **pp = &nets; *pp; pp = &(*pp)->next)
		if (*pp == x) {
			*pp = x->next;
			nnets--;
			return;
		}
}

static void
net_free(struct netd_net *n)
{
	if (!n)
		return;
	dnsmasq_free(n->dq);
	network_def_free(n->def);
	free(n);
}

void
network_shutdown(void)
{
	struct netd_net *n;

	while ((n = nets)) {
		nets = n->next;
		net_free(n);
	}
	nnets = 0;
	tap_clear();
	firewall_shutdown();
	free(net_user);
	net_user = NULL;
}

/* libvirt's rule: some IP, and DHCP somewhere or DNS not disabled. */
static int
net_needs_dnsmasq(const struct network_def *d)
{
	int dhcp = 0;

	if (d->forward == NETWORK_FORWARD_BRIDGE || d->nips == 0)
		return 0;
	for (size_t i = 0; i < d->nips; i++)
		dhcp |= d->ips[i].nranges > 0 || d->ips[i].nhosts > 0;
	return dhcp || d->dns.enable != NETWORK_TRI_NO;
}

static int
net_paths_build(struct net_paths *p, const char *name)
{
	if (dnsmasq_state_path(statedir, name, "conf", p->conf,
	    sizeof(p->conf)) < 0 ||
	    dnsmasq_state_path(statedir, name, "hostsfile", p->hosts,
	    sizeof(p->hosts)) < 0 ||
	    dnsmasq_state_path(statedir, name, "addnhosts", p->addn,
	    sizeof(p->addn)) < 0 ||
	    dnsmasq_state_path(statedir, name, "leases", p->leases,
	    sizeof(p->leases)) < 0 ||
	    dnsmasq_state_path(rundir, name, "pid", p->pid,
	    sizeof(p->pid)) < 0 ||
	    dnsmasq_state_path(rundir, name, "net", p->journal,
	    sizeof(p->journal)) < 0)
		return -ENAMETOOLONG;
	return 0;
}

/* A record for def (taken over), not yet in the list. */
static struct netd_net *
net_new(struct network_def *def, char *err, size_t errlen)
{
	struct netd_net *n = calloc(1, sizeof(*n));
	struct dnsmasq_paths dp;

	if (!n || net_paths_build(&n->p, def->name) < 0) {
		snprintf(err, errlen, "out of memory or path too long");
		free(n);
		network_def_free(def);
		return NULL;
	}
	n->def = def;
	dp = (struct dnsmasq_paths){ n->p.conf, n->p.pid, n->p.leases,
		net_user };
	if (net_needs_dnsmasq(def) &&
	    !(n->dq = dnsmasq_new(net_base, def->name, &dp))) {
		snprintf(err, errlen, "out of memory");
		net_free(n);
		return NULL;
	}
	return n;
}

/* What netd accepts from a definition, beyond network_parse's checks. */
static int
net_check_def(const struct network_def *d, const char *name, char *err,
    size_t errlen)
{
	if (strcmp(d->name, name) != 0) {
		snprintf(err, errlen, "the definition names network '%s', not '%s'",
		    d->name, name);
		return -EINVAL;
	}
	if (!d->bridge || !network_ifname_valid(d->bridge)) {
		snprintf(err, errlen, "network '%s' has no usable bridge name",
		    name);
		return -EINVAL;
	}
	if (tap_name_ok(d->bridge)) {
		snprintf(err, errlen, "bridge name '%s' is reserved for taps",
		    d->bridge);
		return -EINVAL;
	}
	return 0;
}

/* Against the other active networks: name, bridge, subnets. */
static int
net_check_active(const struct network_def *d, char *err, size_t errlen)
{
	if (net_find(d->name)) {
		snprintf(err, errlen, "network '%s' is already active",
		    d->name);
		return -EEXIST;
	}
	if (nnets >= NETD_NETWORKS_MAX) {
		snprintf(err, errlen, "too many active networks (%d)",
		    NETD_NETWORKS_MAX);
		return -ENOSPC;
	}
	for (struct netd_net *o = nets; o; o = o->next) {
		if (strcmp(o->def->bridge, d->bridge) == 0) {
			snprintf(err, errlen, "bridge '%s' is already used by network '%s'",
			    d->bridge, o->def->name);
			return -EEXIST;
		}
		if (network_subnets_overlap(o->def, d)) {
			snprintf(err, errlen, "network '%s' overlaps the subnet of active network '%s'",
			    d->name, o->def->name);
			return -EEXIST;
		}
	}
	return 0;
}

static int
net_parse(const char *name, const char *xml, struct network_def **out,
    char *err, size_t errlen)
{
	int r;

	*out = NULL;
	if ((r = network_check_name(name, err, errlen)) < 0)
		return r;
	if ((r = network_parse(xml, strlen(xml), out, err, errlen)) < 0)
		return r;
	if ((r = net_check_def(*out, name, err, errlen)) < 0) {
		network_def_free(*out);
		*out = NULL;
	}
	return r;
}

static void
net_bridge_mac(const struct network_def *d, unsigned char mac[6])
{
	unsigned v[6];

	if (d->mac && sscanf(d->mac, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1],
	    &v[2], &v[3], &v[4], &v[5]) == 6) {
		for (int i = 0; i < 6; i++)
			mac[i] = (unsigned char)v[i];
		return;
	}
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0x00;
	if (getrandom(mac + 3, 3, 0) != 3)
		memset(mac + 3, 0x42, 3);
}

/* Create (unless adopting an existing one), address and bring up. */
static int
net_bridge_up(struct netd_net *n, int adopt, char *err, size_t errlen)
{
	const struct network_def *d = n->def;
	struct bridge_spec b = { .name = d->bridge, .mtu = d->mtu,
		.stp = d->stp != NETWORK_TRI_NO,
		.delay = d->delay > 0 ? (unsigned)d->delay : 0 };
	struct link_info li;
	int r = 0;

	net_bridge_mac(d, b.mac);
	if (!adopt && (r = bridge_create(&b)) < 0) {
		snprintf(err, errlen, "cannot create bridge '%s': %s",
		    d->bridge, strerror(-r));
		return r;
	}
	n->own_bridge = 1;
	for (size_t i = 0; i < d->nips && r == 0; i++)
		r = bridge_add_addr(d->bridge, &d->ips[i].address,
		    d->ips[i].prefix);
	if (r == 0)
		r = link_configure(d->bridge, NULL, 0, 0, true);
	if (r == 0)
		r = link_lookup(d->bridge, &li);
	if (r < 0) {
		snprintf(err, errlen, "cannot set up bridge '%s': %s",
		    d->bridge, strerror(-r));
		return r;
	}
	n->ifindex = li.ifindex;
	return 0;
}

static int
net_write_files(struct netd_net *n, char *err, size_t errlen)
{
	struct dnsmasq_conf c = { 0 };
	int r;

	if (!n->dq)
		return 0;
	if ((r = dnsmasq_conf_build(n->def, statedir, n->p.pid, &c, err,
	    errlen)) < 0)
		return r;
	/* rewritten from the definition on every start and sync: atomic
	 * (dnsmasq never reads half a file) but not fsync'd */
	n->stage |= STAGE_FILES;
	r = file_write_replace(n->p.conf, c.conf, strlen(c.conf), 0644);
	if (r == 0)
		r = c.hostsfile ? file_write_replace(n->p.hosts, c.hostsfile,
		    strlen(c.hostsfile), 0644) : file_remove(n->p.hosts);
	if (r == 0)
		r = c.addnhosts ? file_write_replace(n->p.addn, c.addnhosts,
		    strlen(c.addnhosts), 0644) : file_remove(n->p.addn);
	if (r < 0)
		snprintf(err, errlen, "cannot write %s: %s", n->p.conf,
		    strerror(-r));
	dnsmasq_conf_clear(&c);
	return r;
}

/* The bridge, forwarding and dnsmasq's files: all dnsmasq needs. */
static int
net_bring_up(struct netd_net *n, int adopt, char *err, size_t errlen)
{
	int r;

	if (n->def->forward == NETWORK_FORWARD_BRIDGE)
		return 0;	/* the host's bridge: nothing of ours */
	if ((r = net_bridge_up(n, adopt, err, errlen)) < 0)
		return r;
	if ((r = forwarding_enable(n->def)) < 0) {
		snprintf(err, errlen, "cannot enable forwarding: %s",
		    strerror(-r));
		return r;
	}
	return net_write_files(n, err, errlen);
}

static int
net_rules(struct netd_net *n, char *err, size_t errlen)
{
	if (n->def->forward == NETWORK_FORWARD_BRIDGE)
		return 0;
	n->stage |= STAGE_RULES;
	return firewall_apply(n->def, err, errlen);
}

/* Does another active network still have rules in the table? */
static int
net_others_have_rules(const struct netd_net *self)
{
	for (const struct netd_net *o = nets; o; o = o->next)
		if (o != self && firewall_needed(o->def) &&
		    o->def->forward != NETWORK_FORWARD_BRIDGE)
			return 1;
	return 0;
}

struct net_fw_job {
	const char *bridge;
	bool last;
};

static void *
net_fw_remove_thread(void *arg)
{
	struct net_fw_job *j = arg;

	firewall_remove(j->bridge, j->last);
	return NULL;
}

/*
 * Undo whatever stage n reached (n is not in the list any more). The
 * slow parts overlap: dnsmasq gets SIGTERM first and exits meanwhile; the
 * rules go in a thread while this one deletes the bridge (the kernel's
 * RTM_DELLINK waits for an RCU barrier, tens of ms); then dnsmasq's exit
 * is awaited. All of it is done when this returns.
 */
static void
net_teardown(struct netd_net *n)
{
	const char *br = n->def->bridge;
	struct net_fw_job job = { br, false };
	pthread_t th;
	bool rules = (n->stage & STAGE_RULES) && firewall_needed(n->def);
	bool threaded = false;

	if (rules) {
		job.last = !net_others_have_rules(n);
		threaded = n->own_bridge &&
		    pthread_create(&th, NULL, net_fw_remove_thread, &job) == 0;
	}
	if (n->dq)
		dnsmasq_stop_begin(n->dq);
	if (n->stage & STAGE_FILES) {
		file_remove(n->p.conf);
		file_remove(n->p.hosts);
		file_remove(n->p.addn);
	}
	if (rules && !threaded)
		firewall_remove(br, job.last);
	if (n->own_bridge) {
		tap_remove_on_bridge(n->ifindex);
		link_delete(br);
	}
	if (threaded)
		pthread_join(th, NULL);
	if (n->dq) {
		dnsmasq_stop(n->dq);	/* waits for the exit */
		n->dq = NULL;
	}
	n->stage = STAGE_NONE;
	n->own_bridge = 0;
	file_remove(n->p.journal);
}

static void
net_started(void *arg, int err, const char *msg)
{
	struct netd_net *n = arg;
	network_done_fn cb = n->cb;
	void *cbarg = n->arg;

	n->starting = 0;
	n->cb = NULL;
	if (err == 0 && n->start_err < 0) {	/* the rules failed meanwhile */
		err = n->start_err;
		msg = n->start_msg;
	}
	if (err < 0) {
		net_unlink(n);
		net_teardown(n);
		cb(cbarg, err, msg, NULL, 0);
		net_free(n);
		return;
	}
	n->stage |= STAGE_DNSMASQ;
	log_info("network '%s' started on '%s'", n->def->name, n->def->bridge);
	cb(cbarg, 0, NULL, n->def->bridge, dnsmasq_pid(n->dq));
}

/* The forward mode='bridge' case: the host's bridge must exist. */
static int
net_check_host_bridge(const struct network_def *d, char *err, size_t errlen)
{
	struct link_info li;

	if (link_lookup(d->bridge, &li) < 0 || strcmp(li.kind, "bridge")) {
		snprintf(err, errlen, "bridge '%s' of network '%s' does not exist",
		    d->bridge, d->name);
		return -ENODEV;
	}
	return 0;
}

void
network_start(const char *name, const char *xml, network_done_fn cb,
    void *arg)
{
	struct network_def *d = NULL;
	struct netd_net *n;
	char err[1024] = "";
	int r;

	if ((r = net_parse(name, xml, &d, err, sizeof(err))) < 0 ||
	    (r = net_check_active(d, err, sizeof(err))) < 0 ||
	    (r = d->forward == NETWORK_FORWARD_BRIDGE ?
	    net_check_host_bridge(d, err, sizeof(err)) :
	    network_preflight(d, err, sizeof(err))) < 0) {
		network_def_free(d);
		cb(arg, r, err, NULL, 0);
		return;
	}
	if (!(n = net_new(d, err, sizeof(err)))) {
		cb(arg, -ENOMEM, err, NULL, 0);
		return;
	}
	/* what a netd killed from here on leaves is undone from this at
	 * the next complete sync (network_sync_prune) */
	if ((r = file_write_replace(n->p.journal, xml, strlen(xml), 0600)) < 0) {
		snprintf(err, sizeof(err), "cannot record network '%s' in "
		    "netd's run folder: %s", name, strerror(-r));
		net_free(n);
		cb(arg, r, err, NULL, 0);
		return;
	}
	n->cb = cb;
	n->arg = arg;
	n->starting = 1;
	n->next = nets;
	nets = n;
	nnets++;
	/* dnsmasq loads while the rules go in; the reply waits for both */
	if ((r = net_bring_up(n, 0, err, sizeof(err))) == 0 && n->dq &&
	    (r = dnsmasq_start(n->dq, net_started, n)) < 0)
		snprintf(err, sizeof(err), "cannot start dnsmasq: %s",
		    strerror(-r));
	if (r == 0 && (r = net_rules(n, err, sizeof(err))) < 0 && n->dq) {
		/* dnsmasq is starting: fail once it has (then it is known
		 * and killed by the teardown) */
		n->start_err = r;
		snprintf(n->start_msg, sizeof(n->start_msg), "%s", err);
		return;
	}
	if (r < 0 || !n->dq)
		net_started(n, r, err);
}

/* Stop a network netd does not hold (netd restarted, no sync yet). */
static int
net_stop_unknown(const char *name, const char *xml, char *err, size_t errlen)
{
	struct network_def *d = NULL;
	struct netd_net *n;
	struct link_info li;
	int r;

	if ((r = net_parse(name, xml, &d, err, errlen)) < 0) {
		snprintf(err, errlen, "network '%s' is not active", name);
		return -ENOENT;
	}
	if (!(n = net_new(d, err, errlen)))
		return -ENOMEM;
	if (n->dq && dnsmasq_adopt(n->dq) < 0)
		file_remove(n->p.pid);
	if (d->forward != NETWORK_FORWARD_BRIDGE) {
		n->stage = STAGE_FILES | STAGE_RULES;
		if (link_lookup(d->bridge, &li) == 0 &&
		    strcmp(li.kind, "bridge") == 0) {
			n->own_bridge = 1;
			n->ifindex = li.ifindex;
		}
	}
	net_teardown(n);
	net_free(n);
	log_info("network '%s' stopped (it was not held by this netd)", name);
	return 0;
}

int
network_stop(const char *name, const char *xml, char *err, size_t errlen)
{
	struct netd_net *n = net_find(name);

	if (!n)
		return net_stop_unknown(name, xml, err, errlen);
	if (n->starting) {
		snprintf(err, errlen, "network '%s' is still starting", name);
		return -EBUSY;
	}
	net_unlink(n);
	net_teardown(n);
	net_free(n);
	log_info("network '%s' stopped", name);
	return 0;
}

/* Adopt n's bridge, rules, files and dnsmasq; start what is missing. */
static int
net_adopt(struct netd_net *n, char *err, size_t errlen)
{
	struct link_info li;
	int exists, r;

	exists = link_lookup(n->def->bridge, &li) == 0;
	if (exists && strcmp(li.kind, "bridge") != 0 &&
	    n->def->forward != NETWORK_FORWARD_BRIDGE) {
		snprintf(err, errlen, "bridge name '%s' is already in use by another interface",
		    n->def->bridge);
		return -EEXIST;
	}
	n->recreated = !exists;
	if ((r = net_bring_up(n, exists, err, errlen)) < 0 ||
	    (r = net_rules(n, err, errlen)) < 0)
		return r;
	if (n->dq && dnsmasq_adopt(n->dq) < 0 &&
	    (r = dnsmasq_start(n->dq, NULL, NULL)) < 0) {
		snprintf(err, errlen, "cannot start dnsmasq: %s", strerror(-r));
		return r;
	}
	n->stage |= STAGE_DNSMASQ;
	log_info("network '%s' %s", n->def->name,
	    exists ? "adopted" : "recreated");
	return 0;
}

/*
 * A held network synced with a changed definition (a live net-update of its
 * DHCP hosts, the only live change vmhostd sends): the new definition is
 * kept, dnsmasq's files rewritten and dnsmasq sent SIGHUP, which rereads its
 * hosts files (as libvirt does). The bridge and rules stay as started.
 */
static int
net_live_update(struct netd_net *n, const char *xml, char *err, size_t errlen)
{
	struct network_def *d = NULL, *old = n->def;
	char *a = NULL, *b = NULL;
	pid_t pid;
	int r;

	if (!xml || !xml[0] || !n->dq)
		return 0;
	if ((r = net_parse(old->name, xml, &d, err, errlen)) < 0)
		return r;
	a = network_format(old);
	b = network_format(d);
	if (!a || !b || strcmp(a, b) == 0) {
		network_def_free(d);
		r = a && b ? 0 : -ENOMEM;
		goto out;
	}
	n->def = d;
	if ((r = net_write_files(n, err, errlen)) < 0) {
		n->def = old;
		network_def_free(d);
		goto out;
	}
	network_def_free(old);
	if ((r = file_write_replace(n->p.journal, xml, strlen(xml), 0600)) < 0)
		log_warn("cannot write %s: %s", n->p.journal, strerror(-r));
	r = 0;
	if ((pid = dnsmasq_pid(n->dq)) > 0 && kill(pid, SIGHUP) < 0)
		log_warn("network '%s': cannot signal dnsmasq %d: %s",
		    n->def->name, (int)pid, strerror(errno));
	log_info("network '%s' updated live: dnsmasq rereads its hosts",
	    n->def->name);
out:
	free(a);
	free(b);
	return r;
}

int
network_sync_one(const char *name, const char *xml, char *err, size_t errlen)
{
	struct network_def *d = NULL;
	struct netd_net *n = net_find(name);
	int r;

	if (n) {	/* held already: a live update's hosts, repair dnsmasq */
		if (!n->starting && (r = net_live_update(n, xml, err, errlen)) < 0)
			return r;
		if (n->dq && !n->starting && !dnsmasq_busy(n->dq))
			return dnsmasq_start(n->dq, NULL, NULL);
		return 0;
	}
	if ((r = net_parse(name, xml, &d, err, errlen)) < 0 ||
	    (r = net_check_active(d, err, errlen)) < 0) {
		network_def_free(d);
		return r;
	}
	if (!(n = net_new(d, err, errlen)))
		return -ENOMEM;
	if ((r = net_adopt(n, err, errlen)) < 0) {
		if (n->recreated)	/* made now: undo; else remove nothing */
			net_teardown(n);
		net_free(n);
		return r;
	}
	n->next = nets;
	nets = n;
	nnets++;
	if ((r = file_write_replace(n->p.journal, xml, strlen(xml), 0600)) < 0)
		log_warn("cannot write %s: %s", n->p.journal, strerror(-r));
	return 0;
}

static bool
name_listed(const char *name, const char *const *names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

void
network_sync_prune(const char *const *names, size_t count)
{
	char path[PATH_MAX], err[1024], *xml;
	struct netd_net *n, *next;
	struct network_def *d;
	struct dirent *de;
	size_t len;
	DIR *dp;

	/* held, but stopped for vmhostd (it died before it recorded a start) */
	for (n = nets; n; n = next) {
		next = n->next;
		if (n->starting || name_listed(n->def->name, names, count))
			continue;
		log_info("network '%s' is not active for vmhostd: stopping it",
		    n->def->name);
		net_unlink(n);
		net_teardown(n);
		net_free(n);
	}
	/* not held: a start or stop cut short by this netd's death */
	if (!(dp = opendir(rundir)))
		return;
	while ((de = readdir(dp))) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".net") != 0 ||
		    snprintf(path, sizeof(path), "%s/%s", rundir, de->d_name) >=
		    (int)sizeof(path) ||
		    file_read_all(path, NETWORK_XML_MAX, &xml, &len) < 0)
			continue;
		d = NULL;
		if (network_parse(xml, len, &d, err, sizeof(err)) < 0) {
			file_remove(path);
		} else if (!net_find(d->name) &&
		    !name_listed(d->name, names, count)) {
			log_info("network '%s': undoing what an interrupted start "
			    "or stop left", d->name);
			if (net_stop_unknown(d->name, xml, err, sizeof(err)) < 0)
				log_warn("network '%s': %s", d->name, err);
		}
		network_def_free(d);
		free(xml);
	}
	closedir(dp);
}

int
network_bridge_allowed(const char *bridge, int *ifindex, unsigned *mtu,
    char *err, size_t errlen)
{
	char conf[PATH_MAX];
	struct link_info li;
	int ok = net_find_bridge(bridge) != NULL;

	if (!ok && path_build(conf, sizeof(conf), "%s/bridge.conf",
	    VMHOST_ETC_DIR) == 0)
		ok = bridge_conf_allows(conf, bridge);
	if (!ok) {
		snprintf(err, errlen, "bridge '%s' is not allowed (not a vmhost network and not in bridge.conf)",
		    bridge);
		return -EPERM;
	}
	if (link_lookup(bridge, &li) < 0 || strcmp(li.kind, "bridge") != 0) {
		snprintf(err, errlen, "bridge '%s' does not exist", bridge);
		return -ENODEV;
	}
	*ifindex = li.ifindex;
	*mtu = li.mtu;
	return 0;
}

int
network_leases(const char *name, const char *mac, struct netd_lease **out,
    size_t *n, char *bridge, char *err, size_t errlen)
{
	struct netd_net *net = net_find(name);
	int r;

	*out = NULL;
	*n = 0;
	if (!net || net->starting) {
		snprintf(err, errlen, "network '%s' is not active", name);
		return -ENOENT;
	}
	snprintf(bridge, 16, "%s", net->def->bridge);
	if (!net->dq)
		return 0;
	if ((r = leases_read(net->p.leases, net->def, mac, out, n)) < 0)
		snprintf(err, errlen, "cannot read the leases of '%s': %s",
		    name, strerror(-r));
	return r;
}
