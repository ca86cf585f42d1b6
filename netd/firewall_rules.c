/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Builds the nftables ruleset (table inet vmhost) that gives one network its NAT and filtering (netd). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/network_buf.h"
#include "netd/firewall_rules.h"

#define FW_T "inet " FIREWALL_TABLE

/* Base chains of one network: name prefix, hook, declaration. */
static const struct fw_chain {
	const char *prefix;
	const char *decl;
} fw_chains[] = {
	{ "in", "type filter hook input priority filter; policy accept;" },
	{ "out", "type filter hook output priority filter; policy accept;" },
	{ "fwd", "type filter hook forward priority filter; policy accept;" },
	{ "nat", "type nat hook postrouting priority srcnat; policy accept;" },
};

enum { FW_IN, FW_OUT, FW_FWD, FW_NAT };

struct fw {
	const struct network_def *n;
	struct net_buf b;
};

static void
fw_chain_add(struct net_buf *b, int c, const char *br)
{
	net_buf_printf(b, "add chain %s %s_%s { %s }\n", FW_T,
	    fw_chains[c].prefix, br, fw_chains[c].decl);
}

static void
fw_chain_open(struct fw *f, int c)
{
	fw_chain_add(&f->b, c, f->n->bridge);
	net_buf_printf(&f->b, "flush chain %s %s_%s\n", FW_T,
	    fw_chains[c].prefix, f->n->bridge);
}

/* "add rule inet vmhost CHAIN_BR " then the caller's match and verdict. */
static void
fw_rule(struct fw *f, int c, const char *rule)
{
	net_buf_printf(&f->b, "add rule %s %s_%s %s\n", FW_T,
	    fw_chains[c].prefix, f->n->bridge, rule);
}

static bool
fw_has_family(const struct network_def *n, int family)
{
	for (size_t i = 0; i < n->nips; i++)
		if (n->ips[i].address.family == family)
			return true;
	return false;
}

static bool
fw_has_tftp(const struct network_def *n)
{
	for (size_t i = 0; i < n->nips; i++)
		if (n->ips[i].tftp_root)
			return true;
	return false;
}

/* One accept per protocol: dir is "iifname" (input) or "oifname". */
static void
fw_port(struct fw *f, int c, const char *fam, const char *proto, int port)
{
	char r[160];

	snprintf(r, sizeof(r), "%s%s\"%s\" %s dport %d accept", fam,
	    c == FW_IN ? "iifname " : "oifname ", f->n->bridge, proto, port);
	fw_rule(f, c, r);
}

/* Host services for the guests: DHCP, DNS, DHCPv6, TFTP. */
static void
fw_services(struct fw *f)
{
	static const char *const v4 = "meta nfproto ipv4 ";
	static const char *const v6 = "meta nfproto ipv6 ";
	bool has4 = fw_has_family(f->n, AF_INET);

	fw_chain_open(f, FW_IN);
	fw_chain_open(f, FW_OUT);
	for (int c = FW_IN; c <= FW_OUT; c++) {
		if (has4) {
			fw_port(f, c, v4, "udp", c == FW_IN ? 67 : 68);
			fw_port(f, c, v4, "tcp", c == FW_IN ? 67 : 68);
		}
		fw_port(f, c, "", "udp", 53);
		fw_port(f, c, "", "tcp", 53);
		if (fw_has_family(f->n, AF_INET6))
			fw_port(f, c, v6, "udp", c == FW_IN ? 547 : 546);
		if (has4 && fw_has_tftp(f->n))
			fw_port(f, c, v4, "udp", 69);
	}
}

static void
fw_subnet(const struct network_ip *ip, char *out, size_t n)
{
	char a[NET_ADDR_STRLEN];
	struct net_addr net;

	net_addr_network(&ip->address, ip->prefix, &net);
	snprintf(out, n, "%s/%d", net_addr_format(&net, a, sizeof(a)),
	    ip->prefix);
}

static bool
fw_masquerades(const struct network_def *n, const struct network_ip *ip)
{
	if (n->forward != NETWORK_FORWARD_NAT)
		return false;
	return ip->address.family == AF_INET || n->nat.ipv6 == NETWORK_TRI_YES;
}

/* Forward accepts for one subnet: outbound from it, inbound to it. */
static void
fw_forward_ip(struct fw *f, const struct network_ip *ip)
{
	const char *fam = ip->address.family == AF_INET ? "ip" : "ip6";
	const char *dev = f->n->forward_dev;
	char s[80], r[320];

	fw_subnet(ip, s, sizeof(s));
	snprintf(r, sizeof(r), "iifname \"%s\"%s%s%s %s saddr %s accept",
	    f->n->bridge, dev ? " oifname \"" : "", dev ? dev : "",
	    dev ? "\"" : "", fam, s);
	fw_rule(f, FW_FWD, r);
	snprintf(r, sizeof(r), "%s%s%soifname \"%s\" %s daddr %s%s accept",
	    dev ? "iifname \"" : "", dev ? dev : "", dev ? "\" " : "",
	    f->n->bridge, fam, s, fw_masquerades(f->n, ip) ?
	    " ct state established,related" : "");
	fw_rule(f, FW_FWD, r);
}

static void
fw_forward(struct fw *f)
{
	char r[160];

	fw_chain_open(f, FW_FWD);
	snprintf(r, sizeof(r), "iifname \"%s\" oifname \"%s\" accept",
	    f->n->bridge, f->n->bridge);
	fw_rule(f, FW_FWD, r);
	if (f->n->forward == NETWORK_FORWARD_NAT ||
	    f->n->forward == NETWORK_FORWARD_ROUTE)
		for (size_t i = 0; i < f->n->nips; i++)
			fw_forward_ip(f, &f->n->ips[i]);
	snprintf(r, sizeof(r), "iifname \"%s\" reject", f->n->bridge);
	fw_rule(f, FW_FWD, r);
	snprintf(r, sizeof(r), "oifname \"%s\" reject", f->n->bridge);
	fw_rule(f, FW_FWD, r);
}

/* The translation: masquerade, or snat to <nat><address> (IPv4); ports if proto. */
static void
fw_nat_target(const struct network_nat *nat, int family, bool proto,
    char *out, size_t n)
{
	char a[NET_ADDR_STRLEN], b[NET_ADDR_STRLEN], ports[32] = "";
	unsigned p0 = nat->port_start ? nat->port_start : 1024;
	unsigned p1 = nat->port_start ? nat->port_end : 65535;

	if (proto)
		snprintf(ports, sizeof(ports), ":%u-%u", p0, p1);
	if (!nat->addr_start.family || family != AF_INET) {
		snprintf(out, n, "masquerade%s%s", proto ? " to " : "", ports);
		return;
	}
	net_addr_format(&nat->addr_start, a, sizeof(a));
	net_addr_format(&nat->addr_end, b, sizeof(b));
	if (strcmp(a, b) == 0)
		snprintf(out, n, "snat ip to %s%s", a, ports);
	else
		snprintf(out, n, "snat ip to %s-%s%s", a, b, ports);
}

static void
fw_nat_ip(struct fw *f, const struct network_ip *ip)
{
	static const char *const protos[] = { "tcp", "udp", NULL };
	const char *fam = ip->address.family == AF_INET ? "ip" : "ip6";
	const char *dev = f->n->forward_dev;
	char s[80], o[64] = "", t[128], r[400];

	fw_subnet(ip, s, sizeof(s));
	if (dev)
		snprintf(o, sizeof(o), " oifname \"%s\"", dev);
	/* multicast and broadcast stay unmasqueraded, as in libvirt */
	if (ip->address.family == AF_INET) {
		snprintf(r, sizeof(r), "ip saddr %s ip daddr 224.0.0.0/24 "
		    "return", s);
		fw_rule(f, FW_NAT, r);
		snprintf(r, sizeof(r), "ip saddr %s ip daddr "
		    "255.255.255.255/32 return", s);
		fw_rule(f, FW_NAT, r);
	} else {
		snprintf(r, sizeof(r), "ip6 saddr %s ip6 daddr ff02::/16 "
		    "return", s);
		fw_rule(f, FW_NAT, r);
	}
	for (int i = 0; protos[i]; i++) {
		fw_nat_target(&f->n->nat, ip->address.family, true, t,
		    sizeof(t));
		snprintf(r, sizeof(r), "meta l4proto %s%s %s saddr %s %s daddr "
		    "!= %s %s", protos[i], o, fam, s, fam, s, t);
		fw_rule(f, FW_NAT, r);
	}
	fw_nat_target(&f->n->nat, ip->address.family, false, t, sizeof(t));
	snprintf(r, sizeof(r), "%s%s%s saddr %s %s daddr != %s %s",
	    dev ? o + 1 : "", dev ? " " : "", fam, s, fam, s, t);
	fw_rule(f, FW_NAT, r);
}

static void
fw_nat(struct fw *f)
{
	fw_chain_open(f, FW_NAT);
	for (size_t i = 0; i < f->n->nips; i++)
		if (fw_masquerades(f->n, &f->n->ips[i]))
			fw_nat_ip(f, &f->n->ips[i]);
}

int
firewall_rules_build(const struct network_def *n, char **out, char *err,
    size_t errlen)
{
	struct fw f = { .n = n };

	*out = NULL;
	if (!n->bridge || !network_ifname_valid(n->bridge) ||
	    (n->forward_dev && !network_ifname_valid(n->forward_dev))) {
		snprintf(err, errlen, "network has no valid bridge name");
		return -EINVAL;
	}
	net_buf_printf(&f.b, "# vmhost-netd: network %s on bridge %s\n"
	    "add table %s\n", n->name, n->bridge, FW_T);
	if (n->forward != NETWORK_FORWARD_OPEN &&
	    n->forward != NETWORK_FORWARD_BRIDGE) {
		fw_services(&f);
		fw_forward(&f);
	}
	if (n->forward == NETWORK_FORWARD_NAT)
		fw_nat(&f);
	if (!(*out = net_buf_finish(&f.b))) {
		snprintf(err, errlen, "out of memory building firewall rules");
		return -ENOMEM;
	}
	return 0;
}

int
firewall_rules_delete(const char *bridge, bool last_network, char **out)
{
	struct net_buf b = { 0 };

	*out = NULL;
	if (!network_ifname_valid(bridge))
		return -EINVAL;
	/* add (a no-op when present) then flush and delete: never fails
	 * on a chain that is already gone */
	net_buf_printf(&b, "add table %s\n", FW_T);
	for (int c = FW_IN; c <= FW_NAT; c++) {
		fw_chain_add(&b, c, bridge);
		net_buf_printf(&b, "flush chain %s %s_%s\n"
		    "delete chain %s %s_%s\n", FW_T, fw_chains[c].prefix,
		    bridge, FW_T, fw_chains[c].prefix, bridge);
	}
	if (last_network)
		net_buf_printf(&b, "delete table %s\n", FW_T);
	*out = net_buf_finish(&b);
	return *out ? 0 : -ENOMEM;
}
