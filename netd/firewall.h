/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Applying a network's nftables rules and forwarding sysctls (vmhost-netd). */
#ifndef VMHOST_NETD_FIREWALL_H
#define VMHOST_NETD_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/network_xml.h"

/* Install n's chains in table inet vmhost (idempotent). 0 or -errno with
 * nft's message in err. */
int firewall_apply(const struct network_def *n, char *err, size_t errlen);

/* Remove bridge's chains (and the table with last_network). 0 or -errno. */
int firewall_remove(const char *bridge, bool last_network);

/* Does n need rules at all (modes nat, route, none)? */
bool firewall_needed(const struct network_def *n);

/* Turn on IPv4 (and, when n has IPv6, IPv6) forwarding for nat/route
 * networks, in netd's namespace. 0 or -errno. */
int forwarding_enable(const struct network_def *n);

#endif
