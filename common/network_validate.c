/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Semantic checks of a parsed network definition: names, subnets, DHCP, DNS (vmhostd). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "common/network_priv.h"

/* dnsmasq options that would run code or move files: never passed through. */
static const char *const net_dnsmasq_denied[] = {
	"dhcp-script", "dhcp-luascript", "dhcp-scriptuser", "conf-file",
	"conf-dir", "conf-script", "servers-file", "user", "group",
	"pid-file", "dhcp-leasefile", "dhcp-hostsdir", "dhcp-optsdir",
	"hostsdir", "addn-hosts", "dhcp-hostsfile", "dhcp-optsfile",
	"resolv-file", "log-facility", "interface", "except-interface",
	"listen-address", "bind-interfaces", "bind-dynamic", "tftp-root",
	"dumpfile", NULL,
};

int
network_check_name(const char *name, char *err, size_t errlen)
{
	struct net_err e = { err, errlen };
	char b[64];

	if (!name || !name[0])
		return net_fail(&e, "network name is empty");
	if (strlen(name) > NETWORK_NAME_MAX)
		return net_fail(&e, "network name longer than %d bytes",
		    NETWORK_NAME_MAX);
	if (name[0] == '.')
		return net_fail(&e, "network name '%s' starts with '.'",
		    net_esc(b, sizeof(b), name));
	for (const unsigned char *s = (const unsigned char *)name; *s; s++)
		if (*s == '/' || *s < 0x20 || *s == 0x7f)
			return net_fail(&e, "network name '%s' contains '/' or "
			    "a control character", net_esc(b, sizeof(b), name));
	return 0;
}

bool
network_ifname_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > NETWORK_IFNAME_MAX || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return false;
	return true;
}

int
net_mac_canon(const char *s, char out[18])
{
	unsigned v[6];
	int used = 0;

	if (strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 17; i++)
		if ((i % 3 == 2) ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return -EINVAL;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3],
	    &v[4], &v[5], &used) != 6 || used != 17)
		return -EINVAL;
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", v[0], v[1], v[2],
	    v[3], v[4], v[5]);
	return 0;
}

bool
net_hostname_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return false;
	return true;
}

static int
net_check_hostname(struct net_err *e, const char *what, const char *s)
{
	char b[64];

	if (s && !net_hostname_valid(s))
		return net_fail(e, "invalid %s '%s'", what,
		    net_esc(b, sizeof(b), s));
	return 0;
}

static int
net_check_forward(const struct network_def *n, struct net_err *e)
{
	char b[64];

	if (n->forward_dev && !network_ifname_valid(n->forward_dev))
		return net_fail(e, "invalid forward dev '%s'",
		    net_esc(b, sizeof(b), n->forward_dev));
	if (n->forward_iface && !network_ifname_valid(n->forward_iface))
		return net_fail(e, "invalid forward interface '%s'",
		    net_esc(b, sizeof(b), n->forward_iface));
	if (n->forward_dev && n->forward_iface &&
	    strcmp(n->forward_dev, n->forward_iface) != 0)
		return net_fail(e, "forward dev and <interface dev> differ");
	if (n->nat.present && n->forward != NETWORK_FORWARD_NAT)
		return net_fail(e, "<nat> is only for forward mode 'nat'");
	if (n->nat.addr_start.family &&
	    net_addr_cmp(&n->nat.addr_start, &n->nat.addr_end) > 0)
		return net_fail(e, "<nat><address> start is after end");
	if (n->forward == NETWORK_FORWARD_BRIDGE &&
	    (n->nips || n->mac || n->domain || n->dns.present || !n->bridge))
		return net_fail(e, "forward mode 'bridge' takes only <bridge "
		    "name> (no <ip>, <mac>, <domain> or <dns>)");
	return 0;
}

static int
net_check_bridge(const struct network_def *n, struct net_err *e)
{
	char b[64];
	unsigned char first;

	if (n->bridge && strlen(n->bridge) > NETWORK_IFNAME_MAX)
		return net_fail(e, "bridge name '%s' is longer than %d bytes",
		    net_esc(b, sizeof(b), n->bridge), NETWORK_IFNAME_MAX);
	if (n->bridge && !network_ifname_valid(n->bridge))
		return net_fail(e, "invalid bridge name '%s' (allowed: letters, "
		    "digits, '_', '.', '-')", net_esc(b, sizeof(b), n->bridge));
	if (n->mac && sscanf(n->mac, "%2hhx", &first) == 1 && (first & 1))
		return net_fail(e, "bridge MAC address '%s' is multicast",
		    n->mac);
	return net_check_hostname(e, "domain name", n->domain);
}

static int
net_check_range(const struct network_ip *ip,
    const struct network_dhcp_range *rg, struct net_err *e)
{
	char s[NET_ADDR_STRLEN], t[NET_ADDR_STRLEN];

	net_addr_format(&rg->start, s, sizeof(s));
	net_addr_format(&rg->end, t, sizeof(t));
	if (!net_addr_in_subnet(&rg->start, &ip->address, ip->prefix) ||
	    !net_addr_in_subnet(&rg->end, &ip->address, ip->prefix))
		return net_fail(e, "DHCP range %s - %s is outside the subnet "
		    "of %s/%d", s, t, net_addr_format(&ip->address, s,
		    sizeof(s)), ip->prefix);
	if (net_addr_cmp(&rg->start, &rg->end) > 0)
		return net_fail(e, "DHCP range start %s is after end %s", s, t);
	return 0;
}

static int
net_check_host(const struct network_ip *ip, const struct network_dhcp_host *h,
    struct net_err *e)
{
	char s[NET_ADDR_STRLEN], b[64];
	bool v6 = ip->address.family == AF_INET6;

	if (!h->ip.family)
		return net_fail(e, "DHCP <host> needs an ip");
	if (!net_addr_in_subnet(&h->ip, &ip->address, ip->prefix))
		return net_fail(e, "DHCP host ip %s is outside the subnet",
		    net_addr_format(&h->ip, s, sizeof(s)));
	if (v6 && h->mac)
		return net_fail(e, "DHCP <host mac> is for IPv4; IPv6 hosts use "
		    "id or name");
	if (!v6 && h->id)
		return net_fail(e, "DHCP <host id> is for IPv6");
	if (!h->mac && !h->id && !h->name)
		return net_fail(e, "DHCP <host> needs %s or name",
		    v6 ? "id" : "mac");
	if (h->id && (strlen(h->id) > 260 ||
	    strspn(h->id, "0123456789abcdefABCDEF:") != strlen(h->id)))
		return net_fail(e, "invalid DHCP host id '%s'",
		    net_esc(b, sizeof(b), h->id));
	return net_check_hostname(e, "DHCP host name", h->name);
}

static int
net_check_ptr(const struct network_ip *ip, struct net_err *e)
{
	int unit = ip->address.family == AF_INET ? 8 : 4;

	if (ip->local_ptr == NETWORK_TRI_YES && ip->prefix % unit)
		return net_fail(e, "localPtr needs a prefix that is a multiple "
		    "of %d", unit);
	return 0;
}

static int
net_check_ip(const struct network_def *n, const struct network_ip *ip,
    struct net_err *e)
{
	char b[64];
	int r;

	if (ip->has_family && ip->has_netmask && ip->address.family != AF_INET)
		return net_fail(e, "netmask is for IPv4 only");
	if (ip->address.family == AF_INET6 && (ip->tftp_root || ip->bootp_file))
		return net_fail(e, "<tftp> and <bootp> are for IPv4 only");
	if (ip->tftp_root && ip->tftp_root[0] != '/')
		return net_fail(e, "tftp root '%s' is not an absolute path",
		    net_esc(b, sizeof(b), ip->tftp_root));
	if (ip->bootp_file && strchr(ip->bootp_file, ','))
		return net_fail(e, "bootp file name contains ','");
	if (ip->has_dhcp && n->forward == NETWORK_FORWARD_BRIDGE)
		return net_fail(e, "DHCP needs a network with a bridge of its own");
	for (size_t i = 0; i < ip->nranges; i++)
		if ((r = net_check_range(ip, &ip->ranges[i], e)) < 0)
			return r;
	for (size_t i = 0; i < ip->nhosts; i++)
		if ((r = net_check_host(ip, &ip->hosts[i], e)) < 0)
			return r;
	return net_check_ptr(ip, e);
}

static int
net_check_ips(const struct network_def *n, struct net_err *e)
{
	int dhcp4 = 0, dhcp6 = 0, r;

	for (size_t i = 0; i < n->nips; i++) {
		const struct network_ip *ip = &n->ips[i];

		if ((r = net_check_ip(n, ip, e)) < 0)
			return r;
		if (ip->nranges || ip->nhosts)
			*(ip->address.family == AF_INET ? &dhcp4 : &dhcp6) += 1;
		for (size_t j = 0; j < i; j++)
			if (net_addr_in_subnet(&ip->address, &n->ips[j].address,
			    ip->prefix < n->ips[j].prefix ? ip->prefix :
			    n->ips[j].prefix))
				return net_fail(e, "two <ip> subnets of the "
				    "network overlap");
	}
	if (dhcp4 > 1 || dhcp6 > 1)
		return net_fail(e, "DHCP on more than one %s <ip> is not "
		    "supported", dhcp4 > 1 ? "IPv4" : "IPv6");
	return 0;
}

static int
net_check_srv(const struct network_dns_srv *s, struct net_err *e)
{
	char b[64];

	if (strcmp(s->protocol, "tcp") != 0 && strcmp(s->protocol, "udp") != 0)
		return net_fail(e, "DNS SRV protocol '%s' (expected tcp or udp)",
		    net_esc(b, sizeof(b), s->protocol));
	if (strlen(s->service) > 15 || !net_hostname_valid(s->service) ||
	    strchr(s->service, '.'))
		return net_fail(e, "invalid DNS SRV service '%s'",
		    net_esc(b, sizeof(b), s->service));
	if (!s->target && (s->port >= 0 || s->priority >= 0 || s->weight >= 0))
		return net_fail(e, "DNS SRV port, priority and weight need a "
		    "target");
	if (net_check_hostname(e, "DNS SRV domain", s->domain) < 0)
		return -EINVAL;
	return net_check_hostname(e, "DNS SRV target", s->target);
}

static int
net_check_dns(const struct network_dns *d, struct net_err *e)
{
	char b[64];
	int r;

	for (size_t i = 0; i < d->nhosts; i++)
		for (size_t j = 0; j < d->hosts[i].nhostnames; j++)
			if ((r = net_check_hostname(e, "DNS hostname",
			    d->hosts[i].hostnames[j])) < 0)
				return r;
	for (size_t i = 0; i < d->ntxts; i++)
		if (!net_hostname_valid(d->txts[i].name))
			return net_fail(e, "invalid DNS TXT name '%s'",
			    net_esc(b, sizeof(b), d->txts[i].name));
	for (size_t i = 0; i < d->nsrvs; i++)
		if ((r = net_check_srv(&d->srvs[i], e)) < 0)
			return r;
	for (size_t i = 0; i < d->nforwarders; i++)
		if ((r = net_check_hostname(e, "DNS forwarder domain",
		    d->forwarders[i].domain)) < 0)
			return r;
	return 0;
}

static int
net_check_dnsmasq(const struct network_def *n, struct net_err *e)
{
	char b[64];

	for (size_t i = 0; i < n->ndnsmasq_options; i++) {
		const char *o = n->dnsmasq_options[i];
		size_t k = strcspn(o, "=");

		if (!o[0] || o[0] == '#' || isspace((unsigned char)o[0]))
			return net_fail(e, "invalid dnsmasq option '%s'",
			    net_esc(b, sizeof(b), o));
		for (const char *const *d = net_dnsmasq_denied; *d; d++)
			if (strlen(*d) == k && strncmp(o, *d, k) == 0)
				return net_fail(e, "dnsmasq option '%s' is not "
				    "allowed", *d);
	}
	return 0;
}

int
network_validate(const struct network_def *n, char *err, size_t errlen)
{
	struct net_err e = { err, errlen };
	int r;

	if ((r = network_check_name(n->name, err, errlen)) < 0 ||
	    (r = net_check_forward(n, &e)) < 0 ||
	    (r = net_check_bridge(n, &e)) < 0 ||
	    (r = net_check_ips(n, &e)) < 0 ||
	    (r = net_check_dns(&n->dns, &e)) < 0 ||
	    (r = net_check_dnsmasq(n, &e)) < 0)
		return r;
	return 0;
}
