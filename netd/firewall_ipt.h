/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* iptables-restore inputs giving one network the same rules as its nftables table (netd's fallback). */
#ifndef VMHOST_FIREWALL_IPT_H
#define VMHOST_FIREWALL_IPT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/network_xml.h"

/*
 * Chains, as libvirt lays them out: top chains jumped to from the built-in
 * ones (inserted first, so a host's own DROP rules come after), each
 * jumping to one chain per network, named after the bridge:
 *
 *   filter INPUT       -> VMHOST_INP -> VMH_INP_<br>   DHCP/DNS/TFTP accepts
 *   filter OUTPUT      -> VMHOST_OUT -> VMH_OUT_<br>   replies to the guests
 *   filter FORWARD     -> VMHOST_FWX -> VMH_FWX_<br>   intra-bridge accept
 *                      -> VMHOST_FWI -> VMH_FWI_<br>   inbound accepts, reject
 *                      -> VMHOST_FWO -> VMH_FWO_<br>   outbound accepts, reject
 *   nat    POSTROUTING -> VMHOST_PRT -> VMH_PRT_<br>   masquerade (mode nat)
 *
 * FWX, FWI, FWO in this order for all networks together mean what the
 * nftables base chains mean: traffic between two networks is rejected.
 */
#define FW_IPT_TOP_PREFIX "VMHOST_"
#define FW_IPT_NET_PREFIX "VMH_"

/*
 * iptables-restore --noflush input installing n's rules for family 4 or 6
 * (ip6tables), given `saved`, that family's current iptables-save output
 * (NULL or "" when nothing is there): the network's chains are declared
 * (so flushed: applying twice leaves one copy), the top chains and jumps
 * created only where missing. Modes open and bridge give no rules ("").
 * Returns 0, -EINVAL with err (bad bridge name), or -ENOMEM.
 */
int firewall_ipt_apply_text(const struct network_def *n, int family,
    const char *saved, char **out, char *err, size_t errlen);

/*
 * Input removing exactly bridge's chains and jumps for that family, and a
 * top chain (with its jump from the built-in chain) once nothing else is
 * in it; "" when nothing of it is in `saved`. Returns 0, -EINVAL, -ENOMEM.
 */
int firewall_ipt_remove_text(const char *bridge, int family,
    const char *saved, char **out);

/* Does `saved` hold any chain of ours (VMHOST_* or VMH_*)? */
bool firewall_ipt_has_ours(const char *saved);

#endif
