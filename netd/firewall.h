/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Applying a network's firewall rules (nftables, or iptables as fallback) and forwarding sysctls (vmhost-netd). */
#ifndef VMHOST_NETD_FIREWALL_H
#define VMHOST_NETD_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/network_xml.h"

enum firewall_backend {
	FIREWALL_NFTABLES,	/* table inet vmhost through nft -f */
	FIREWALL_IPTABLES,	/* VMHOST_* chains through {ip,ip6}tables-restore */
};

/*
 * Choose the backend: VMHOST_NETD_FIREWALL, else firewall_backend in
 * /etc/vmhost/netd.conf, else "auto" (nftables when nft is installed and
 * can talk to the kernel's nf_tables, else iptables-legacy, else iptables).
 * Values: auto, nftables, iptables (the system's alternative),
 * iptables-legacy, iptables-nft. rundir holds iptables-legacy's lock file.
 * 0, or -errno with a one-line err.
 */
int firewall_init(const char *rundir, char *err, size_t errlen);
/* As root, before the drop: open /run/xtables.lock (under --root), so
 * that iptables-legacy runs take the lock other tools take. */
void firewall_before_drop(void);
void firewall_shutdown(void);
/* "nftables", "iptables", "iptables-legacy", "iptables-nft". */
const char *firewall_backend_name(void);

/* Install n's rules (idempotent). 0 or -errno with the backend's message
 * in err. */
int firewall_apply(const struct network_def *n, char *err, size_t errlen);

/* Remove exactly bridge's rules (nftables: the table too with
 * last_network; iptables: a top chain once empty). 0 or -errno. May run
 * in a thread other than the main one. */
int firewall_remove(const char *bridge, bool last_network);

/* Does n need rules at all (modes nat, route, none)? */
bool firewall_needed(const struct network_def *n);

/* Turn on IPv4 (and, when n has IPv6, IPv6) forwarding for nat/route
 * networks, in netd's namespace. 0 or -errno. */
int forwarding_enable(const struct network_def *n);

#endif
