/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Element handlers filling struct network_def from a <network> tree (vmhostd). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/network_priv.h"

#define ATTRS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int
net_lease_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_lease *l = obj;
	unsigned long v;
	bool present;
	char *unit;
	int r;

	if ((r = net_dup(n, l->set, e)) < 0 ||
	    (r = net_attrs_only(n, ATTRS("expiry", "unit"), e)) < 0 ||
	    (r = net_attr_uint(n, "expiry", 0xffffffffUL, &v, &present, e)) < 0 ||
	    (r = net_attr(n, "unit", &unit, e)) < 0)
		return r;
	if (!present)
		r = net_fail(e, "missing attribute 'expiry' in <lease>");
	else if (!unit || strcmp(unit, "minutes") == 0)
		l->unit = NETWORK_LEASE_MINUTES;
	else if (strcmp(unit, "seconds") == 0)
		l->unit = NETWORK_LEASE_SECONDS;
	else if (strcmp(unit, "hours") == 0)
		l->unit = NETWORK_LEASE_HOURS;
	else
		r = net_fail(e, "invalid unit in <lease> (expected seconds, "
		    "minutes or hours)");
	free(unit);
	l->set = r == 0;
	l->expiry = v;
	return r;
}

static const struct net_elem net_lease_tab[] = {
	{ "lease", NULL, net_lease_elem },
	{ NULL, NULL, NULL },
};

static int
net_range_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_ip *ip = obj;
	struct network_dhcp_range *rg = NET_PUSH(ip->ranges, ip->nranges);
	int r;

	if (!rg)
		return net_push_failed(n, ip->nranges, e);
	if ((r = net_attrs_only(n, ATTRS("start", "end"), e)) < 0 ||
	    (r = net_attr_addr(n, "start", ip->address.family, true,
	    &rg->start, e)) < 0 ||
	    (r = net_attr_addr(n, "end", ip->address.family, true,
	    &rg->end, e)) < 0)
		return r;
	return net_children(n, net_lease_tab, &rg->lease, e);
}

static int
net_dhcp_host_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_ip *ip = obj;
	struct network_dhcp_host *h = NET_PUSH(ip->hosts, ip->nhosts);
	int r;

	if (!h)
		return net_push_failed(n, ip->nhosts, e);
	if ((r = net_attrs_only(n, ATTRS("mac", "id", "name", "ip"), e)) < 0 ||
	    (r = net_attr_mac(n, "mac", &h->mac, e)) < 0 ||
	    (r = net_attr(n, "id", &h->id, e)) < 0 ||
	    (r = net_attr(n, "name", &h->name, e)) < 0 ||
	    (r = net_attr_addr(n, "ip", ip->address.family, false,
	    &h->ip, e)) < 0)
		return r;
	return net_children(n, net_lease_tab, &h->lease, e);
}

static int
net_bootp_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_ip *ip = obj;
	int r;

	if ((r = net_dup(n, ip->bootp_file != NULL, e)) < 0 ||
	    (r = net_attrs_only(n, ATTRS("file", "server"), e)) < 0 ||
	    (r = net_attr_required(n, "file", &ip->bootp_file, e)) < 0 ||
	    (r = net_attr_addr(n, "server", AF_INET, false,
	    &ip->bootp_server, e)) < 0)
		return r;
	return net_children(n, NULL, NULL, e);
}

static const struct net_elem net_dhcp_tab[] = {
	{ "range", NULL, net_range_elem },
	{ "host", NULL, net_dhcp_host_elem },
	{ "bootp", NULL, net_bootp_elem },
	{ NULL, NULL, NULL },
};

static int
net_dhcp_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_ip *ip = obj;
	int r;

	if ((r = net_dup(n, ip->has_dhcp, e)) < 0 ||
	    (r = net_attrs_only(n, ATTRS(NULL), e)) < 0)
		return r;
	ip->has_dhcp = true;
	return net_children(n, net_dhcp_tab, ip, e);
}

static int
net_tftp_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_ip *ip = obj;
	int r;

	if ((r = net_dup(n, ip->tftp_root != NULL, e)) < 0 ||
	    (r = net_attrs_only(n, ATTRS("root"), e)) < 0 ||
	    (r = net_attr_required(n, "root", &ip->tftp_root, e)) < 0)
		return r;
	return net_children(n, NULL, NULL, e);
}

static const struct net_elem net_ip_tab[] = {
	{ "dhcp", NULL, net_dhcp_elem },
	{ "tftp", NULL, net_tftp_elem },
	{ NULL, NULL, NULL },
};

static int
net_ip_family(xmlNode *n, struct network_ip *ip, struct net_err *e)
{
	char *fam;
	int family = 0, r;

	if ((r = net_attr(n, "family", &fam, e)) < 0)
		return r;
	if (fam && strcmp(fam, "ipv4") == 0)
		family = AF_INET;
	else if (fam && strcmp(fam, "ipv6") == 0)
		family = AF_INET6;
	else if (fam)
		r = net_fail(e, "invalid family in <ip> (expected ipv4 or "
		    "ipv6)");
	ip->has_family = fam != NULL;
	free(fam);
	if (r == 0)
		r = net_attr_addr(n, "address", family, true, &ip->address, e);
	return r;
}

static int
net_ip_prefix(xmlNode *n, struct network_ip *ip, struct net_err *e)
{
	struct net_addr mask;
	unsigned long prefix;
	int r;

	if ((r = net_attr_addr(n, "netmask", AF_INET, false, &mask, e)) < 0 ||
	    (r = net_attr_uint(n, "prefix", (unsigned long)
	    net_addr_bits(&ip->address), &prefix, &ip->has_prefix, e)) < 0)
		return r;
	ip->has_netmask = mask.family != 0;
	if (ip->has_netmask && ip->has_prefix)
		return net_fail(e, "<ip> has both netmask and prefix");
	if (ip->has_netmask && ip->address.family != AF_INET)
		return net_fail(e, "netmask in <ip> is for IPv4 only");
	if (ip->has_netmask &&
	    (ip->prefix = net_addr_mask_prefix(&mask)) < 0)
		return net_fail(e, "netmask in <ip> is not contiguous");
	if (ip->has_prefix)
		ip->prefix = (int)prefix;
	else if (!ip->has_netmask && ip->address.family == AF_INET6)
		ip->prefix = 64;
	else if (!ip->has_netmask &&
	    (ip->prefix = net_addr_classful_prefix(&ip->address)) < 0)
		return net_fail(e, "<ip> needs a netmask or prefix");
	return 0;
}

static int
net_ip_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_def *def = obj;
	struct network_ip *ip = NET_PUSH(def->ips, def->nips);
	int r;

	if (!ip)
		return net_push_failed(n, def->nips, e);
	if ((r = net_attrs_only(n, ATTRS("address", "netmask", "prefix",
	    "family", "localPtr"), e)) < 0 ||
	    (r = net_ip_family(n, ip, e)) < 0 ||
	    (r = net_ip_prefix(n, ip, e)) < 0 ||
	    (r = net_attr_tri(n, "localPtr", "yes", "no", &ip->local_ptr,
	    e)) < 0)
		return r;
	return net_children(n, net_ip_tab, ip, e);
}

static int
net_nat_address_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_nat *nat = obj;
	int r;

	if ((r = net_dup(n, nat->addr_start.family != 0, e)) < 0 ||
	    (r = net_attrs_only(n, ATTRS("start", "end"), e)) < 0 ||
	    (r = net_attr_addr(n, "start", AF_INET, true, &nat->addr_start,
	    e)) < 0 ||
	    (r = net_attr_addr(n, "end", AF_INET, true, &nat->addr_end, e)) < 0)
		return r;
	return net_children(n, NULL, NULL, e);
}

static int
net_nat_port_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_nat *nat = obj;
	unsigned long s, t;
	bool ps, pt;
	int r;

	if ((r = net_dup(n, nat->port_start != 0, e)) < 0 ||
	    (r = net_attrs_only(n, ATTRS("start", "end"), e)) < 0 ||
	    (r = net_attr_uint(n, "start", 65535, &s, &ps, e)) < 0 ||
	    (r = net_attr_uint(n, "end", 65535, &t, &pt, e)) < 0)
		return r;
	if (!ps || !pt || s == 0 || s > t)
		return net_fail(e, "<port> needs 1 <= start <= end <= 65535");
	nat->port_start = (unsigned)s;
	nat->port_end = (unsigned)t;
	return net_children(n, NULL, NULL, e);
}

static const struct net_elem net_nat_tab[] = {
	{ "address", NULL, net_nat_address_elem },
	{ "port", NULL, net_nat_port_elem },
	{ NULL, NULL, NULL },
};

static int
net_nat_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_def *def = obj;
	int r;

	if ((r = net_dup(n, def->nat.present, e)) < 0 ||
	    (r = net_attrs_only(n, ATTRS("ipv6"), e)) < 0 ||
	    (r = net_attr_tri(n, "ipv6", "yes", "no", &def->nat.ipv6, e)) < 0)
		return r;
	def->nat.present = true;
	return net_children(n, net_nat_tab, &def->nat, e);
}

static int
net_forward_iface_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_def *def = obj;
	int r;

	if (def->forward_iface)
		return net_fail(e, "more than one <interface> in <forward> "
		    "is not supported");
	if ((r = net_attrs_only(n, ATTRS("dev"), e)) < 0 ||
	    (r = net_attr_required(n, "dev", &def->forward_iface, e)) < 0)
		return r;
	return net_children(n, NULL, NULL, e);
}

static const struct net_elem net_forward_tab[] = {
	{ "nat", NULL, net_nat_elem },
	{ "interface", NULL, net_forward_iface_elem },
	{ NULL, NULL, NULL },
};

static int
net_forward_mode(const char *mode, enum network_forward *out)
{
	static const char *const names[] = {
		[NETWORK_FORWARD_NAT] = "nat",
		[NETWORK_FORWARD_ROUTE] = "route",
		[NETWORK_FORWARD_OPEN] = "open",
		[NETWORK_FORWARD_BRIDGE] = "bridge",
	};

	*out = NETWORK_FORWARD_NAT;	/* <forward/> means nat */
	if (!mode)
		return 0;
	for (size_t i = NETWORK_FORWARD_NAT; i < sizeof(names) / sizeof(*names);
	    i++)
		if (strcmp(mode, names[i]) == 0) {
			*out = (enum network_forward)i;
			return 0;
		}
	return -EINVAL;
}

static int
net_forward_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_def *def = obj;
	char *mode, b[64];
	int r;

	if ((r = net_dup(n, def->forward_present, e)) < 0 ||
	    (r = net_attrs_only(n, ATTRS("mode", "dev"), e)) < 0 ||
	    (r = net_attr(n, "dev", &def->forward_dev, e)) < 0 ||
	    (r = net_attr(n, "mode", &mode, e)) < 0)
		return r;
	def->forward_present = true;
	if (net_forward_mode(mode, &def->forward) < 0)
		r = net_fail(e, "unsupported forward mode '%s' (supported: "
		    "nat, route, open, bridge)", net_esc(b, sizeof(b), mode));
	free(mode);
	if (r < 0)
		return r;
	return net_children(n, net_forward_tab, def, e);
}

static int
net_bridge_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_def *def = obj;
	unsigned long delay;
	bool present;
	int r;

	if ((r = net_dup(n, def->bridge_present, e)) < 0 ||
	    (r = net_attrs_only(n, ATTRS("name", "stp", "delay"), e)) < 0 ||
	    (r = net_attr(n, "name", &def->bridge, e)) < 0 ||
	    (r = net_attr_tri(n, "stp", "on", "off", &def->stp, e)) < 0 ||
	    (r = net_attr_uint(n, "delay", 3600, &delay, &present, e)) < 0)
		return r;
	def->bridge_present = true;
	def->delay = present ? (int)delay : -1;
	return net_children(n, NULL, NULL, e);
}

static int
net_mac_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_def *def = obj;
	int r;

	if ((r = net_dup(n, def->mac != NULL, e)) < 0 ||
	    (r = net_attrs_only(n, ATTRS("address"), e)) < 0 ||
	    (r = net_attr_mac(n, "address", &def->mac, e)) < 0)
		return r;
	if (!def->mac)
		return net_fail(e, "missing attribute 'address' in <mac>");
	return net_children(n, NULL, NULL, e);
}

static int
net_domain_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_def *def = obj;
	int r;

	if ((r = net_dup(n, def->domain != NULL, e)) < 0 ||
	    (r = net_attrs_only(n, ATTRS("name", "localOnly"), e)) < 0 ||
	    (r = net_attr_required(n, "name", &def->domain, e)) < 0 ||
	    (r = net_attr_tri(n, "localOnly", "yes", "no",
	    &def->domain_local_only, e)) < 0)
		return r;
	return net_children(n, NULL, NULL, e);
}

static int
net_mtu_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_def *def = obj;
	unsigned long v;
	bool present;
	int r;

	if ((r = net_dup(n, def->mtu != 0, e)) < 0 ||
	    (r = net_attrs_only(n, ATTRS("size"), e)) < 0 ||
	    (r = net_attr_uint(n, "size", 65535, &v, &present, e)) < 0)
		return r;
	if (!present || v < 68)
		return net_fail(e, "<mtu> needs a size from 68 to 65535");
	def->mtu = (unsigned)v;
	return net_children(n, NULL, NULL, e);
}

static int
net_name_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_def *def = obj;
	int r;

	if ((r = net_dup(n, def->name != NULL, e)) < 0)
		return r;
	return net_text(n, &def->name, e);
}

static int
net_uuid_parse(const char *s, unsigned char out[16])
{
	size_t k = 0;

	for (size_t i = 0; s[i] && k < 32; i++) {
		char h[3] = { 0, 0, 0 };

		if (s[i] == '-' && (k == 8 || k == 12 || k == 16 || k == 20))
			continue;
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i + 1] ||
		    !strchr("0123456789abcdefABCDEF", s[i + 1]))
			return -EINVAL;
		h[0] = s[i];
		h[1] = s[++i];
		out[k / 2] = (unsigned char)strtoul(h, NULL, 16);
		k += 2;
	}
	if (k != 32 || strlen(s) > 36)
		return -EINVAL;
	return 0;
}

static int
net_uuid_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_def *def = obj;
	char *text = NULL, b[64];
	int r;

	if ((r = net_dup(n, def->has_uuid, e)) < 0 ||
	    (r = net_text(n, &text, e)) < 0)
		return r;
	if (net_uuid_parse(text, def->uuid) < 0)
		r = net_fail(e, "invalid uuid '%s'", net_esc(b, sizeof(b), text));
	def->has_uuid = r == 0;
	free(text);
	return r;
}

static int
net_dns_hostname_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_dns_host *h = obj;
	char **slot = NET_PUSH(h->hostnames, h->nhostnames);

	if (!slot)
		return net_push_failed(n, h->nhostnames, e);
	return net_text(n, slot, e);
}

static const struct net_elem net_dns_host_tab[] = {
	{ "hostname", NULL, net_dns_hostname_elem },
	{ NULL, NULL, NULL },
};

static int
net_dns_host_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_dns *dns = obj;
	struct network_dns_host *h = NET_PUSH(dns->hosts, dns->nhosts);
	int r;

	if (!h)
		return net_push_failed(n, dns->nhosts, e);
	if ((r = net_attrs_only(n, ATTRS("ip"), e)) < 0 ||
	    (r = net_attr_addr(n, "ip", 0, true, &h->ip, e)) < 0 ||
	    (r = net_children(n, net_dns_host_tab, h, e)) < 0)
		return r;
	if (h->nhostnames == 0)
		return net_fail(e, "<host> in <dns> needs a <hostname>");
	return 0;
}

static int
net_dns_txt_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_dns *dns = obj;
	struct network_dns_txt *t = NET_PUSH(dns->txts, dns->ntxts);
	int r;

	if (!t)
		return net_push_failed(n, dns->ntxts, e);
	if ((r = net_attrs_only(n, ATTRS("name", "value"), e)) < 0 ||
	    (r = net_attr_required(n, "name", &t->name, e)) < 0 ||
	    (r = net_attr_required(n, "value", &t->value, e)) < 0)
		return r;
	return net_children(n, NULL, NULL, e);
}

static int
net_srv_number(xmlNode *n, const char *name, int *out, struct net_err *e)
{
	unsigned long v;
	bool present;
	int r;

	*out = -1;
	if ((r = net_attr_uint(n, name, 65535, &v, &present, e)) < 0)
		return r;
	if (present)
		*out = (int)v;
	return 0;
}

static int
net_dns_srv_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_dns *dns = obj;
	struct network_dns_srv *s = NET_PUSH(dns->srvs, dns->nsrvs);
	int r;

	if (!s)
		return net_push_failed(n, dns->nsrvs, e);
	if ((r = net_attrs_only(n, ATTRS("service", "protocol", "domain",
	    "target", "port", "priority", "weight"), e)) < 0 ||
	    (r = net_attr_required(n, "service", &s->service, e)) < 0 ||
	    (r = net_attr_required(n, "protocol", &s->protocol, e)) < 0 ||
	    (r = net_attr(n, "domain", &s->domain, e)) < 0 ||
	    (r = net_attr(n, "target", &s->target, e)) < 0 ||
	    (r = net_srv_number(n, "port", &s->port, e)) < 0 ||
	    (r = net_srv_number(n, "priority", &s->priority, e)) < 0 ||
	    (r = net_srv_number(n, "weight", &s->weight, e)) < 0)
		return r;
	return net_children(n, NULL, NULL, e);
}

static int
net_dns_forwarder_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_dns *dns = obj;
	struct network_dns_forwarder *f =
	    NET_PUSH(dns->forwarders, dns->nforwarders);
	int r;

	if (!f)
		return net_push_failed(n, dns->nforwarders, e);
	if ((r = net_attrs_only(n, ATTRS("addr", "domain"), e)) < 0 ||
	    (r = net_attr_addr(n, "addr", 0, false, &f->addr, e)) < 0 ||
	    (r = net_attr(n, "domain", &f->domain, e)) < 0)
		return r;
	if (!f->addr.family && !f->domain)
		return net_fail(e, "<forwarder> needs addr or domain");
	return net_children(n, NULL, NULL, e);
}

static const struct net_elem net_dns_tab[] = {
	{ "host", NULL, net_dns_host_elem },
	{ "txt", NULL, net_dns_txt_elem },
	{ "srv", NULL, net_dns_srv_elem },
	{ "forwarder", NULL, net_dns_forwarder_elem },
	{ NULL, NULL, NULL },
};

static int
net_dns_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_def *def = obj;
	struct network_dns *dns = &def->dns;
	int r;

	if ((r = net_dup(n, dns->present, e)) < 0 ||
	    (r = net_attrs_only(n, ATTRS("enable", "forwardPlainNames"),
	    e)) < 0 ||
	    (r = net_attr_tri(n, "enable", "yes", "no", &dns->enable, e)) < 0 ||
	    (r = net_attr_tri(n, "forwardPlainNames", "yes", "no",
	    &dns->forward_plain_names, e)) < 0)
		return r;
	dns->present = true;
	return net_children(n, net_dns_tab, dns, e);
}

static int
net_dnsmasq_option_elem(xmlNode *n, void *obj, struct net_err *e)
{
	struct network_def *def = obj;
	char **slot = NET_PUSH(def->dnsmasq_options, def->ndnsmasq_options);
	int r;

	if (!slot)
		return net_push_failed(n, def->ndnsmasq_options, e);
	if ((r = net_attrs_only(n, ATTRS("value"), e)) < 0 ||
	    (r = net_attr_required(n, "value", slot, e)) < 0)
		return r;
	return net_children(n, NULL, NULL, e);
}

static const struct net_elem net_dnsmasq_tab[] = {
	{ "option", NETWORK_DNSMASQ_NS, net_dnsmasq_option_elem },
	{ NULL, NULL, NULL },
};

static int
net_dnsmasq_options_elem(xmlNode *n, void *obj, struct net_err *e)
{
	int r;

	if ((r = net_attrs_only(n, ATTRS(NULL), e)) < 0)
		return r;
	return net_children(n, net_dnsmasq_tab, obj, e);
}

static const struct net_elem net_root_tab[] = {
	{ "name", NULL, net_name_elem },
	{ "uuid", NULL, net_uuid_elem },
	{ "forward", NULL, net_forward_elem },
	{ "bridge", NULL, net_bridge_elem },
	{ "mac", NULL, net_mac_elem },
	{ "domain", NULL, net_domain_elem },
	{ "dns", NULL, net_dns_elem },
	{ "mtu", NULL, net_mtu_elem },
	{ "ip", NULL, net_ip_elem },
	{ "options", NETWORK_DNSMASQ_NS, net_dnsmasq_options_elem },
	{ NULL, NULL, NULL },
};

int
network_parse_root(xmlNode *root, struct network_def *def, struct net_err *e)
{
	char b[64];
	int r;

	if (root->ns || strcmp(net_name(root), "network") != 0)
		return net_fail(e, "expected <network>, got <%s>",
		    net_esc(b, sizeof(b), net_name(root)));
	def->delay = -1;
	if ((r = net_attrs_only(root, ATTRS(NULL), e)) < 0 ||
	    (r = net_children(root, net_root_tab, def, e)) < 0)
		return r;
	if (!def->name)
		return net_fail(e, "missing <name> in <network>");
	return 0;
}
