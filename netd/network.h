/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-netd's active networks: start, stop, sync, tap bridges and leases. */
#ifndef VMHOST_NETD_NETWORK_H
#define VMHOST_NETD_NETWORK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/network_xml.h"

#define NETD_NETWORKS_MAX 256	/* active networks */
#define NETD_LEASES_MAX 65536	/* lease lines read */

struct event_base;

/* Once after the drop: the loop, netd's user name (dnsmasq's --user). */
int network_init(struct event_base *base, const char *user);
/* Forget every network (dnsmasq keeps running). */
void network_shutdown(void);

/* err 0 with the bridge and dnsmasq pid (0: none), or -errno + msg. */
typedef void (*network_done_fn)(void *arg, int err, const char *msg,
    const char *bridge, pid_t dnsmasq_pid);

/*
 * Parse, validate, preflight, then bridge, addresses, forwarding, rules,
 * dnsmasq files and dnsmasq; any failure undoes the steps before. cb is
 * called exactly once, maybe before this returns.
 */
void network_start(const char *name, const char *xml, network_done_fn cb,
    void *arg);

/* Tear down (also a network netd does not know, from its definition):
 * 0 or -errno with err. */
int network_stop(const char *name, const char *xml, char *err,
    size_t errlen);

/* Adopt or repair one network vmhostd believes active. 0 or -errno. */
int network_sync_one(const char *name, const char *xml, char *err,
    size_t errlen);

/* After a complete sync (names: every network vmhostd holds active): stop
 * the held networks not named, and undo what a start or stop cut short by
 * netd's death left of the others (their definitions are kept in the run
 * folder while held). */
void network_sync_prune(const char *const *names, size_t count);

/* May a tap go on bridge? Its ifindex and MTU; 0 or -EPERM with err. */
int network_bridge_allowed(const char *bridge, int *ifindex, unsigned *mtu,
    char *err, size_t errlen);

struct netd_lease {
	char mac[18];
	char ip[NET_ADDR_STRLEN + 4];
	char hostname[256];
	char client_id[256];
	int64_t expiry;
	int ipv6;
};

/* Leases of active network name (mac: "" or NULL for all). malloc'd
 * array in *out, its bridge in bridge (16 bytes). 0 or -errno + err. */
int network_leases(const char *name, const char *mac,
    struct netd_lease **out, size_t *n, char *bridge, char *err,
    size_t errlen);

/* preflight.c: named causes before anything is created (bridge name
 * taken, subnet routed, DNS/DHCP port held). 0 or -errno with err. */
int network_preflight(const struct network_def *d, char *err,
    size_t errlen);

/* leases.c: parse a dnsmasq lease file for network def. */
int leases_read(const char *path, const struct network_def *def,
    const char *mac, struct netd_lease **out, size_t *n);

#endif
