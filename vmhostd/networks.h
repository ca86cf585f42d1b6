/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's virtual networks: definitions by name and uuid, their state, persistence and netd calls. */
#ifndef VMHOSTD_NETWORKS_H
#define VMHOSTD_NETWORKS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/network_xml.h"

#define NETWORKS_MAX 4096	/* every resource a user controls has a limit */

struct net {
	struct network_def *def;	/* running definition when active, else the config */
	struct network_def *next_def;	/* config redefined while active: used from the next start */
	char uuid[37];
	bool active;
	bool persistent;		/* false once undefined while active */
	bool autostart;
	bool busy;			/* a start, stop or live update is with netd */
	char bridge[NETWORK_IFNAME_MAX + 1];	/* as netd reported it */
	int dnsmasq_pid;
	struct net *next;
};

/* A copy of what a client sees, safe to keep after the network is gone. */
struct net_summary {
	char name[NETWORK_NAME_MAX + 1];
	char uuid[37];
	bool active, autostart, persistent;
	char bridge[NETWORK_IFNAME_MAX + 1];
};

/* networks.c: the store. */
int networks_init(void);
/* Load definitions, autostart links and the state of active networks. */
int networks_load(void);
/* First start: define 'default' (not autostarted), once in the host's life. */
void networks_default_create(void);
/* By name, then by uuid (with or without dashes). */
struct net *networks_find(const char *key);
/*
 * Define from XML: new, or a redefinition of the same name and uuid (taking
 * effect at the next start when active). A missing bridge name becomes the
 * lowest free virbrN. Returns 0 with *out, or -errno with a message.
 */
int networks_define(const char *xml, size_t len, struct net **out, char *err,
    size_t errlen);
/* Remove the definition; an active network runs on, transient. */
int networks_undefine(struct net *n, char *err, size_t errlen);
int networks_set_autostart(struct net *n, bool on, char *err, size_t errlen);
/* Every network sorted by name; caller frees the array. */
struct net **networks_sorted(size_t *count);
/* The persistent definition (the pending one while active). */
const struct network_def *networks_config(const struct net *n);
/* Replace the persistent definition with d (owned), saved first. */
int networks_save_config(struct net *n, struct network_def *d, char *err,
    size_t errlen);
/* Replace the running definition of an active network with d (owned). */
int networks_save_live(struct net *n, struct network_def *d, char *err,
    size_t errlen);
/* Refusals decided before asking netd: already active, busy, overlap. */
int networks_check_start(const struct net *n, char *err, size_t errlen);
void networks_mark_active(struct net *n, const char *bridge, int dnsmasq_pid);
/* The network stopped: the pending definition takes over, a transient one
 * is forgotten (n is freed then). */
void networks_mark_inactive(struct net *n);
void networks_summary(const struct net *n, struct net_summary *s);
/* "network 'x' is busy ..." when a netd call is in flight. */
int networks_check_idle(const struct net *n, char *err, size_t errlen);

/*
 * For the domain start path: the bridge of active network name, or -errno
 * with "network 'default' is not active (start it with: vmhost net-start
 * default)" or "network 'x' not found".
 */
int networks_bridge_for(const char *name, char *bridge, size_t len, char *err,
    size_t errlen);

/* networks_netd.c: what vmhostd asks vmhost-netd. */
typedef void (*net_done_fn)(void *arg, const struct net_summary *s, int err,
    const char *msg);
/* Start or stop n; done is called once, maybe before these return. */
void networks_start(struct net *n, net_done_fn done, void *arg);
void networks_stop(struct net *n, net_done_fn done, void *arg);
/* netd (re)connected: sync the active networks, autostart on the first time. */
struct rpc_client;
void networks_netd_up(struct rpc_client *cl);

/* Replace the running definition (d owned) and have netd reconcile. */
void networks_update_live(struct net *n, struct network_def *d,
    net_done_fn done, void *arg);

struct net_lease_row {
	char expiry[32];	/* "2026-11-22 10:00:00" (local time) */
	char mac[64];
	char type[8];
	char ip[64];
	char hostname[256];
	char client_id[512];
};
typedef void (*net_leases_fn)(void *arg, const struct net_lease_row *rows,
    size_t n, int err, const char *msg);
void networks_leases(struct net *n, const char *mac, net_leases_fn done,
    void *arg);

/* networks_update.c: net-update on a definition. */
/*
 * Apply command ("add", "add-first", "add-last", "delete", "modify") of
 * section "ip-dhcp-host" with the <host> snippet xml to a copy of def.
 * Returns 0 with the new, validated definition in *out, or -errno and err.
 */
int networks_update_def(const struct network_def *def, const char *command,
    const char *section, const char *xml, struct network_def **out, char *err,
    size_t errlen);
/* A deep copy (through format and parse); NULL with err. */
struct network_def *networks_def_copy(const struct network_def *d, char *err,
    size_t errlen);

#endif
