/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Links, bridges, addresses and routes through libnl-route-3 (vmhost-netd). */
#ifndef VMHOST_NETD_BRIDGE_H
#define VMHOST_NETD_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/network_addr.h"

struct link_info {
	int ifindex;
	int master;		/* ifindex of the bridge it is enslaved to, 0 */
	unsigned mtu;
	bool up;
	char kind[16];		/* "bridge", "tun", "" for a plain device */
};

struct bridge_spec {
	const char *name;
	unsigned char mac[6];
	unsigned mtu;		/* 0: kernel default */
	bool stp;
	unsigned delay;		/* forward delay, seconds */
};

/* Open the shared netlink socket (lazily done by every call too). */
int bridge_nl_init(void);

/* 0 and *out filled, -ENODEV when name does not exist, other -errno. */
int link_lookup(const char *name, struct link_info *out);
/* Interface name of ifindex into buf (IFNAMSIZ); 0 or -ENODEV. */
int link_name(int ifindex, char *buf, size_t len);

/* Create a bridge (it must not exist), down, without addresses. */
int bridge_create(const struct bridge_spec *b);
int bridge_add_addr(const char *bridge, const struct net_addr *a, int prefix);
/* Set up, and optionally MAC, MTU and master (0: leave). */
int link_configure(const char *name, const unsigned char *mac, unsigned mtu,
    int master, bool up);
/* Delete a link by name; 0 also when it does not exist. */
int link_delete(const char *name);

/* Call fn for each link enslaved to master (name, kind). */
int link_foreach_slave(int master,
    void (*fn)(const char *name, const char *kind, void *arg), void *arg);

/*
 * Is net/prefix (or a subnet inside it) already routed through a link
 * other than except_ifindex? 1 with the link's name in via, 0, or -errno.
 */
int route_conflict(const struct net_addr *net, int prefix, int except_ifindex,
    char *via, size_t vialen);

#endif
