/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* iptables-restore inputs for netd's fallback: the nftables rules of firewall_rules.c in libvirt's chain layout. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/network_buf.h"
#include "netd/firewall_ipt.h"

enum { K_INP, K_OUT, K_FWX, K_FWI, K_FWO, K_PRT, K_N };

static const struct ipt_kind {
	const char *name;	/* VMHOST_<name>, VMH_<name>_<br> */
	const char *table;
	const char *builtin;
} kinds[K_N] = {
	{ "INP", "filter", "INPUT" },
	{ "OUT", "filter", "OUTPUT" },
	{ "FWX", "filter", "FORWARD" },
	{ "FWI", "filter", "FORWARD" },
	{ "FWO", "filter", "FORWARD" },
	{ "PRT", "nat", "POSTROUTING" },
};

/* What iptables-save shows of ours, for one bridge. */
struct ipt_state {
	bool top[K_N], net[K_N];	/* chain exists */
	int top_jumps[K_N];		/* -A BUILTIN -j VMHOST_X */
	int net_jumps[K_N];		/* -A VMHOST_X -j VMH_X_br */
	int top_other[K_N];		/* other rules in VMHOST_X */
};

struct ipt {
	const struct network_def *n;
	const char *br;
	int family;
	struct net_buf b;
};

static void
top_name(char *out, size_t len, int k)
{
	snprintf(out, len, FW_IPT_TOP_PREFIX "%s", kinds[k].name);
}

static void
net_name(char *out, size_t len, int k, const char *br)
{
	snprintf(out, len, FW_IPT_NET_PREFIX "%s_%s", kinds[k].name, br);
}

/* "-A CHAIN -j TARGET" exactly? */
static bool
is_jump(const char *rest, const char *target)
{
	size_t tl = strlen(target);

	return strncmp(rest, "-j ", 3) == 0 &&
	    strncmp(rest + 3, target, tl) == 0 &&
	    (rest[3 + tl] == '\0' || rest[3 + tl] == ' ');
}

static void
state_line(struct ipt_state *st, const char *table, const char *line,
    const char *br)
{
	char top[32], net[48], chain[64];
	const char *rest;
	size_t cl;

	for (int k = 0; k < K_N; k++) {
		if (strcmp(table, kinds[k].table) != 0)
			continue;
		top_name(top, sizeof(top), k);
		net_name(net, sizeof(net), k, br);
		if (line[0] == ':') {
			cl = strcspn(line + 1, " ");
			snprintf(chain, sizeof(chain), "%.*s", (int)cl, line + 1);
			st->top[k] |= strcmp(chain, top) == 0;
			st->net[k] |= strcmp(chain, net) == 0;
			continue;
		}
		if (strncmp(line, "-A ", 3) != 0)
			continue;
		cl = strcspn(line + 3, " ");
		snprintf(chain, sizeof(chain), "%.*s", (int)cl, line + 3);
		rest = line + 3 + cl + (line[3 + cl] == ' ');
		if (strcmp(chain, kinds[k].builtin) == 0 && is_jump(rest, top))
			st->top_jumps[k]++;
		else if (strcmp(chain, top) == 0 && is_jump(rest, net))
			st->net_jumps[k]++;
		else if (strcmp(chain, top) == 0)
			st->top_other[k]++;
	}
}

static void
state_parse(struct ipt_state *st, const char *saved, const char *br)
{
	char table[16] = "", line[1024];
	const char *p = saved ? saved : "";

	memset(st, 0, sizeof(*st));
	while (*p) {
		size_t l = strcspn(p, "\n");

		snprintf(line, sizeof(line), "%.*s", (int)(l < sizeof(line) ?
		    l : sizeof(line) - 1), p);
		if (line[0] == '*')
			snprintf(table, sizeof(table), "%.15s", line + 1);
		else if (table[0])
			state_line(st, table, line, br);
		p += l + (p[l] == '\n');
	}
}

/* Does a word of saved start with prefix? */
static bool
has_word(const char *saved, const char *prefix)
{
	const char *p = saved ? saved : "";

	while ((p = strstr(p, prefix)))
		if (p == saved || p[-1] == ':' || p[-1] == ' ')
			return true;
		else
			p++;
	return false;
}

bool
firewall_ipt_has_ours(const char *saved)
{
	return has_word(saved, FW_IPT_NET_PREFIX) ||
	    has_word(saved, FW_IPT_TOP_PREFIX);
}

/* -D/-F/-X lines removing kind k of st (net chain; top when emptied). */
static void
remove_kind(struct net_buf *b, const struct ipt_state *st, int k,
    const char *br)
{
	char top[32], net[48];

	top_name(top, sizeof(top), k);
	net_name(net, sizeof(net), k, br);
	for (int i = 0; st->top[k] && i < st->net_jumps[k]; i++)
		net_buf_printf(b, "-D %s -j %s\n", top, net);
	if (st->net[k])
		net_buf_printf(b, "-F %s\n-X %s\n", net, net);
	if (st->top[k] && st->top_other[k] == 0) {
		for (int i = 0; i < st->top_jumps[k]; i++)
			net_buf_printf(b, "-D %s -j %s\n", kinds[k].builtin, top);
		net_buf_printf(b, "-X %s\n", top);
	}
}

static bool
kind_touched(const struct ipt_state *st, int k)
{
	return st->net[k] || (st->top[k] && st->top_other[k] == 0);
}

int
firewall_ipt_remove_text(const char *bridge, int family, const char *saved,
    char **out)
{
	struct ipt_state st;
	struct net_buf b = { 0 };

	(void)family;
	*out = NULL;
	if (!network_ifname_valid(bridge))
		return -EINVAL;
	state_parse(&st, saved, bridge);
	for (int t = 0; t < 2; t++) {
		const char *table = t == 0 ? "filter" : "nat";
		bool any = false;

		for (int k = 0; k < K_N; k++)
			any |= strcmp(kinds[k].table, table) == 0 &&
			    kind_touched(&st, k);
		if (!any)
			continue;
		net_buf_printf(&b, "*%s\n", table);
		for (int k = 0; k < K_N; k++)
			if (strcmp(kinds[k].table, table) == 0)
				remove_kind(&b, &st, k, bridge);
		net_buf_puts(&b, "COMMIT\n");
	}
	*out = net_buf_finish(&b);
	return *out ? 0 : -ENOMEM;
}

/* ---- the rules, mirroring firewall_rules.c ---- */

static bool
has_family(const struct network_def *n, int family)
{
	for (size_t i = 0; i < n->nips; i++)
		if (n->ips[i].address.family == family)
			return true;
	return false;
}

static bool
has_tftp(const struct network_def *n)
{
	for (size_t i = 0; i < n->nips; i++)
		if (n->ips[i].tftp_root)
			return true;
	return false;
}

static void __attribute__((format(printf, 3, 4)))
rule(struct ipt *f, int k, const char *fmt, ...)
{
	char net[48], r[512];
	va_list ap;

	net_name(net, sizeof(net), k, f->br);
	va_start(ap, fmt);
	vsnprintf(r, sizeof(r), fmt, ap);
	va_end(ap);
	net_buf_printf(&f->b, "--append %s %s\n", net, r);
}

static void
port(struct ipt *f, int k, const char *proto, int p)
{
	char pp[64];

	snprintf(pp, sizeof(pp), "--protocol %s --destination-port %d", proto,
	    p);
	rule(f, k, "--%s-interface %s %s --jump ACCEPT", k == K_INP ? "in" :
	    "out", f->br, pp);
}

static void
services(struct ipt *f)
{
	bool v4 = f->family == 4;
	bool has4 = has_family(f->n, AF_INET), has6 = has_family(f->n, AF_INET6);

	for (int k = K_INP; k <= K_OUT; k++) {
		if (v4 && has4) {
			port(f, k, "udp", k == K_INP ? 67 : 68);
			port(f, k, "tcp", k == K_INP ? 67 : 68);
		}
		port(f, k, "udp", 53);
		port(f, k, "tcp", 53);
		if (!v4 && has6)
			port(f, k, "udp", k == K_INP ? 547 : 546);
		if (v4 && has4 && has_tftp(f->n))
			port(f, k, "udp", 69);
	}
}

static void
subnet(const struct network_ip *ip, char *out, size_t n)
{
	char a[NET_ADDR_STRLEN];
	struct net_addr net;

	net_addr_network(&ip->address, ip->prefix, &net);
	snprintf(out, n, "%s/%d", net_addr_format(&net, a, sizeof(a)),
	    ip->prefix);
}

static bool
masquerades(const struct network_def *n, const struct network_ip *ip)
{
	if (n->forward != NETWORK_FORWARD_NAT)
		return false;
	return ip->address.family == AF_INET || n->nat.ipv6 == NETWORK_TRI_YES;
}

static int
ip_family(const struct network_ip *ip)
{
	return ip->address.family == AF_INET ? 4 : 6;
}

static void
forward(struct ipt *f)
{
	const char *dev = f->n->forward_dev;
	char s[80], m[160];

	rule(f, K_FWX, "--in-interface %s --out-interface %s --jump ACCEPT",
	    f->br, f->br);
	if (f->n->forward == NETWORK_FORWARD_NAT ||
	    f->n->forward == NETWORK_FORWARD_ROUTE)
		for (size_t i = 0; i < f->n->nips; i++) {
			const struct network_ip *ip = &f->n->ips[i];

			if (ip_family(ip) != f->family)
				continue;
			subnet(ip, s, sizeof(s));
			snprintf(m, sizeof(m), "%s%s%s--source %s", dev ?
			    "--out-interface " : "", dev ? dev : "",
			    dev ? " " : "", s);
			rule(f, K_FWO, "--in-interface %s %s --jump ACCEPT",
			    f->br, m);
			snprintf(m, sizeof(m), "%s%s%s--destination %s%s",
			    dev ? "--in-interface " : "", dev ? dev : "",
			    dev ? " " : "", s, masquerades(f->n, ip) ?
			    " --match conntrack --ctstate ESTABLISHED,RELATED" :
			    "");
			rule(f, K_FWI, "--out-interface %s %s --jump ACCEPT",
			    f->br, m);
		}
	rule(f, K_FWO, "--in-interface %s --jump REJECT", f->br);
	rule(f, K_FWI, "--out-interface %s --jump REJECT", f->br);
}

/* --jump MASQUERADE/SNAT and its options; ports with a protocol. */
static void
nat_target(const struct network_nat *nat, int family, bool proto, char *out,
    size_t n)
{
	char a[NET_ADDR_STRLEN], b[NET_ADDR_STRLEN], ports[32] = "";
	unsigned p0 = nat->port_start ? nat->port_start : 1024;
	unsigned p1 = nat->port_start ? nat->port_end : 65535;

	if (!nat->addr_start.family || family != 4) {
		if (proto)
			snprintf(ports, sizeof(ports), " --to-ports %u-%u",
			    p0, p1);
		snprintf(out, n, "--jump MASQUERADE%s", ports);
		return;
	}
	if (proto)
		snprintf(ports, sizeof(ports), ":%u-%u", p0, p1);
	net_addr_format(&nat->addr_start, a, sizeof(a));
	net_addr_format(&nat->addr_end, b, sizeof(b));
	if (strcmp(a, b) == 0)
		snprintf(out, n, "--jump SNAT --to-source %s%s", a, ports);
	else
		snprintf(out, n, "--jump SNAT --to-source %s-%s%s", a, b,
		    ports);
}

static void
nat_ip(struct ipt *f, const struct network_ip *ip)
{
	static const char *const protos[] = { "tcp", "udp", NULL };
	const char *dev = f->n->forward_dev;
	char s[80], o[64] = "", t[128], m[400];

	subnet(ip, s, sizeof(s));
	if (dev)
		snprintf(o, sizeof(o), "--out-interface %s ", dev);
	if (f->family == 4) {
		rule(f, K_PRT, "--source %s --destination 224.0.0.0/24 "
		    "--jump RETURN", s);
		rule(f, K_PRT, "--source %s --destination 255.255.255.255/32 "
		    "--jump RETURN", s);
	} else {
		rule(f, K_PRT, "--source %s --destination ff02::/16 "
		    "--jump RETURN", s);
	}
	for (int i = 0; protos[i]; i++) {
		nat_target(&f->n->nat, f->family, true, t, sizeof(t));
		snprintf(m, sizeof(m), "--protocol %s %s--source %s "
		    "! --destination %s %s", protos[i], o, s, s, t);
		rule(f, K_PRT, "%s", m);
	}
	nat_target(&f->n->nat, f->family, false, t, sizeof(t));
	snprintf(m, sizeof(m), "%s--source %s ! --destination %s %s", o, s, s,
	    t);
	rule(f, K_PRT, "%s", m);
}

/* Which kinds the network's mode uses. */
static void
kinds_used(const struct network_def *n, bool used[K_N])
{
	bool filt = n->forward != NETWORK_FORWARD_OPEN &&
	    n->forward != NETWORK_FORWARD_BRIDGE;

	for (int k = 0; k < K_N; k++)
		used[k] = filt;
	used[K_PRT] = n->forward == NETWORK_FORWARD_NAT;
}

/* Declarations and jumps for the used kinds of one table. */
static void
apply_table_head(struct ipt *f, const struct ipt_state *st,
    const bool used[K_N], const char *table)
{
	char top[32], net[48];
	bool fwd_missing = false;

	for (int k = 0; k < K_N; k++) {
		if (!used[k] || strcmp(kinds[k].table, table) != 0)
			continue;
		top_name(top, sizeof(top), k);
		net_name(net, sizeof(net), k, f->br);
		if (!st->top[k])
			net_buf_printf(&f->b, ":%s - [0:0]\n", top);
		net_buf_printf(&f->b, ":%s - [0:0]\n", net);
	}
	for (int k = 0; k < K_N; k++) {
		if (!used[k] || strcmp(kinds[k].table, table) != 0)
			continue;
		top_name(top, sizeof(top), k);
		if (k >= K_FWX && k <= K_FWO)
			fwd_missing |= !st->top[k] || st->top_jumps[k] == 0;
		else if (!st->top[k] || st->top_jumps[k] == 0)
			net_buf_printf(&f->b, "-I %s 1 -j %s\n",
			    kinds[k].builtin, top);
	}
	if (fwd_missing) {	/* FWX, FWI, FWO first in FORWARD, in order */
		for (int k = K_FWO; k >= K_FWX; k--) {
			top_name(top, sizeof(top), k);
			for (int i = 0; st->top[k] && i < st->top_jumps[k]; i++)
				net_buf_printf(&f->b, "-D FORWARD -j %s\n", top);
		}
		for (int k = K_FWO; k >= K_FWX; k--) {
			top_name(top, sizeof(top), k);
			net_buf_printf(&f->b, "-I FORWARD 1 -j %s\n", top);
		}
	}
	for (int k = 0; k < K_N; k++) {
		if (!used[k] || strcmp(kinds[k].table, table) != 0)
			continue;
		top_name(top, sizeof(top), k);
		net_name(net, sizeof(net), k, f->br);
		if (!st->top[k] || st->net_jumps[k] == 0)
			net_buf_printf(&f->b, "-A %s -j %s\n", top, net);
	}
}

int
firewall_ipt_apply_text(const struct network_def *n, int family,
    const char *saved, char **out, char *err, size_t errlen)
{
	struct ipt f = { .n = n, .br = n->bridge, .family = family };
	struct ipt_state st;
	bool used[K_N], any;

	*out = NULL;
	if (!n->bridge || !network_ifname_valid(n->bridge) ||
	    (n->forward_dev && !network_ifname_valid(n->forward_dev)) ||
	    (family != 4 && family != 6)) {
		snprintf(err, errlen, "network has no valid bridge name");
		return -EINVAL;
	}
	state_parse(&st, saved, n->bridge);
	kinds_used(n, used);
	for (int t = 0; t < 2; t++) {
		const char *table = t == 0 ? "filter" : "nat";

		any = false;
		for (int k = 0; k < K_N; k++)
			any |= strcmp(kinds[k].table, table) == 0 &&
			    (used[k] || st.net[k]);
		if (!any)
			continue;
		net_buf_printf(&f.b, "*%s\n", table);
		/* a kind this mode no longer uses goes (a live mode change) */
		for (int k = 0; k < K_N; k++)
			if (!used[k] && st.net[k] &&
			    strcmp(kinds[k].table, table) == 0)
				remove_kind(&f.b, &st, k, n->bridge);
		apply_table_head(&f, &st, used, table);
		if (t == 0 && used[K_INP]) {
			services(&f);
			forward(&f);
		}
		if (t == 1 && used[K_PRT])
			for (size_t i = 0; i < n->nips; i++)
				if (ip_family(&n->ips[i]) == family &&
				    masquerades(n, &n->ips[i]))
					nat_ip(&f, &n->ips[i]);
		net_buf_puts(&f.b, "COMMIT\n");
	}
	if (!(*out = net_buf_finish(&f.b))) {
		snprintf(err, errlen, "out of memory building firewall rules");
		return -ENOMEM;
	}
	return 0;
}
