/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nftables rulesets for a network's NAT, forwarding and DHCP/DNS input (netd). */
#ifndef VMHOST_FIREWALL_RULES_H
#define VMHOST_FIREWALL_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/network_xml.h"

#define FIREWALL_TABLE "vmhost"	/* table inet vmhost: ours alone */

/*
 * Text for `nft -f` that installs network n's rules in table inet vmhost:
 * base chains in_BR (input), out_BR (output), fwd_BR (forward) and, for
 * mode nat, nat_BR (postrouting), BR being the bridge. Each chain is
 * created if missing and flushed first, so applying it twice leaves one
 * copy. The same meaning as libvirt's iptables rules: DHCP/DNS/TFTP
 * accepts on the bridge, intra-bridge accept, subnet forward accepts
 * (established/related inbound for nat), other forwarding to/from the
 * bridge rejected, masquerade with libvirt's exceptions. Modes open and
 * bridge get no rules. Returns 0, -EINVAL with err, or -ENOMEM.
 */
int firewall_rules_build(const struct network_def *n, char **out, char *err,
    size_t errlen);

/*
 * Text for `nft -f` that removes exactly bridge's chains (succeeding
 * whether or not they exist); with last_network the table goes too.
 * Returns 0, -EINVAL (bad bridge name) or -ENOMEM.
 */
int firewall_rules_delete(const char *bridge, bool last_network, char **out);

#endif
