/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Formats a network definition back to libvirt-style XML for net-dumpxml (vmhostd). */
#include <stdlib.h>
#include <sys/socket.h>

#include "common/network_buf.h"
#include "common/network_xml.h"

/* " name='value'" with the value escaped; nothing when value is NULL. */
static void
fmt_attr(struct net_buf *b, const char *name, const char *value)
{
	if (!value)
		return;
	net_buf_printf(b, " %s='", name);
	net_buf_xml(b, value);
	net_buf_puts(b, "'");
}

static void
fmt_addr(struct net_buf *b, const char *name, const struct net_addr *a)
{
	char s[NET_ADDR_STRLEN];

	if (a->family)
		fmt_attr(b, name, net_addr_format(a, s, sizeof(s)));
}

static const char *
fmt_tri(enum network_tristate t, const char *yes, const char *no)
{
	return t == NETWORK_TRI_YES ? yes : t == NETWORK_TRI_NO ? no : NULL;
}

static void
fmt_lease(struct net_buf *b, const struct network_lease *l, const char *ind)
{
	static const char *const units[] = {
		[NETWORK_LEASE_MINUTES] = "minutes",
		[NETWORK_LEASE_SECONDS] = "seconds",
		[NETWORK_LEASE_HOURS] = "hours",
	};

	if (!l->set)
		return;
	net_buf_printf(b, "%s<lease expiry='%lu'", ind, l->expiry);
	if (l->expiry)
		net_buf_printf(b, " unit='%s'", units[l->unit]);
	net_buf_puts(b, "/>\n");
}

static void
fmt_forward(struct net_buf *b, const struct network_def *n)
{
	const struct network_nat *nat = &n->nat;

	if (n->forward == NETWORK_FORWARD_NONE)
		return;
	net_buf_puts(b, "  <forward");
	fmt_attr(b, "dev", n->forward_dev);
	fmt_attr(b, "mode", network_forward_name(n->forward));
	if (!nat->present && !n->forward_iface) {
		net_buf_puts(b, "/>\n");
		return;
	}
	net_buf_puts(b, ">\n");
	if (nat->present) {
		net_buf_puts(b, "    <nat");
		fmt_attr(b, "ipv6", fmt_tri(nat->ipv6, "yes", "no"));
		net_buf_puts(b, ">\n");
		if (nat->addr_start.family) {
			net_buf_puts(b, "      <address");
			fmt_addr(b, "start", &nat->addr_start);
			fmt_addr(b, "end", &nat->addr_end);
			net_buf_puts(b, "/>\n");
		}
		if (nat->port_start)
			net_buf_printf(b, "      <port start='%u' end='%u'/>\n",
			    nat->port_start, nat->port_end);
		net_buf_puts(b, "    </nat>\n");
	}
	if (n->forward_iface) {
		net_buf_puts(b, "    <interface");
		fmt_attr(b, "dev", n->forward_iface);
		net_buf_puts(b, "/>\n");
	}
	net_buf_puts(b, "  </forward>\n");
}

static void
fmt_bridge(struct net_buf *b, const struct network_def *n)
{
	if (n->bridge_present) {
		net_buf_puts(b, "  <bridge");
		fmt_attr(b, "name", n->bridge);
		fmt_attr(b, "stp", fmt_tri(n->stp, "on", "off"));
		if (n->delay >= 0)
			net_buf_printf(b, " delay='%d'", n->delay);
		net_buf_puts(b, "/>\n");
	}
	if (n->mtu)
		net_buf_printf(b, "  <mtu size='%u'/>\n", n->mtu);
	if (n->mac)
		net_buf_printf(b, "  <mac address='%s'/>\n", n->mac);
	if (n->domain) {
		net_buf_puts(b, "  <domain");
		fmt_attr(b, "name", n->domain);
		fmt_attr(b, "localOnly", fmt_tri(n->domain_local_only, "yes",
		    "no"));
		net_buf_puts(b, "/>\n");
	}
}

static void
fmt_srv(struct net_buf *b, const struct network_dns_srv *s)
{
	net_buf_puts(b, "    <srv");
	fmt_attr(b, "service", s->service);
	fmt_attr(b, "protocol", s->protocol);
	fmt_attr(b, "domain", s->domain);
	fmt_attr(b, "target", s->target);
	if (s->port >= 0)
		net_buf_printf(b, " port='%d'", s->port);
	if (s->priority >= 0)
		net_buf_printf(b, " priority='%d'", s->priority);
	if (s->weight >= 0)
		net_buf_printf(b, " weight='%d'", s->weight);
	net_buf_puts(b, "/>\n");
}

static void
fmt_dns_host(struct net_buf *b, const struct network_dns_host *h)
{
	net_buf_puts(b, "    <host");
	fmt_addr(b, "ip", &h->ip);
	net_buf_puts(b, ">\n");
	for (size_t j = 0; j < h->nhostnames; j++) {
		net_buf_puts(b, "      <hostname>");
		net_buf_xml(b, h->hostnames[j]);
		net_buf_puts(b, "</hostname>\n");
	}
	net_buf_puts(b, "    </host>\n");
}

static void
fmt_dns(struct net_buf *b, const struct network_dns *d)
{
	if (!d->present)
		return;
	net_buf_puts(b, "  <dns");
	fmt_attr(b, "enable", fmt_tri(d->enable, "yes", "no"));
	fmt_attr(b, "forwardPlainNames", fmt_tri(d->forward_plain_names, "yes",
	    "no"));
	if (!d->nforwarders && !d->ntxts && !d->nsrvs && !d->nhosts) {
		net_buf_puts(b, "/>\n");
		return;
	}
	net_buf_puts(b, ">\n");
	for (size_t i = 0; i < d->nforwarders; i++) {
		net_buf_puts(b, "    <forwarder");
		fmt_attr(b, "domain", d->forwarders[i].domain);
		fmt_addr(b, "addr", &d->forwarders[i].addr);
		net_buf_puts(b, "/>\n");
	}
	for (size_t i = 0; i < d->ntxts; i++) {
		net_buf_puts(b, "    <txt");
		fmt_attr(b, "name", d->txts[i].name);
		fmt_attr(b, "value", d->txts[i].value);
		net_buf_puts(b, "/>\n");
	}
	for (size_t i = 0; i < d->nsrvs; i++)
		fmt_srv(b, &d->srvs[i]);
	for (size_t i = 0; i < d->nhosts; i++)
		fmt_dns_host(b, &d->hosts[i]);
	net_buf_puts(b, "  </dns>\n");
}

static void
fmt_dhcp(struct net_buf *b, const struct network_ip *ip)
{
	net_buf_puts(b, "    <dhcp>\n");
	for (size_t i = 0; i < ip->nranges; i++) {
		const struct network_dhcp_range *r = &ip->ranges[i];

		net_buf_puts(b, "      <range");
		fmt_addr(b, "start", &r->start);
		fmt_addr(b, "end", &r->end);
		net_buf_puts(b, r->lease.set ? ">\n" : "/>\n");
		fmt_lease(b, &r->lease, "        ");
		if (r->lease.set)
			net_buf_puts(b, "      </range>\n");
	}
	for (size_t i = 0; i < ip->nhosts; i++) {
		const struct network_dhcp_host *h = &ip->hosts[i];

		net_buf_puts(b, "      <host");
		fmt_attr(b, "mac", h->mac);
		fmt_attr(b, "id", h->id);
		fmt_attr(b, "name", h->name);
		fmt_addr(b, "ip", &h->ip);
		net_buf_puts(b, h->lease.set ? ">\n" : "/>\n");
		fmt_lease(b, &h->lease, "        ");
		if (h->lease.set)
			net_buf_puts(b, "      </host>\n");
	}
	if (ip->bootp_file) {
		net_buf_puts(b, "      <bootp");
		fmt_attr(b, "file", ip->bootp_file);
		fmt_addr(b, "server", &ip->bootp_server);
		net_buf_puts(b, "/>\n");
	}
	net_buf_puts(b, "    </dhcp>\n");
}

static void
fmt_ip(struct net_buf *b, const struct network_ip *ip)
{
	char s[NET_ADDR_STRLEN];
	struct net_addr mask;

	net_buf_puts(b, "  <ip");
	if (ip->has_family)
		fmt_attr(b, "family",
		    ip->address.family == AF_INET6 ? "ipv6" : "ipv4");
	fmt_addr(b, "address", &ip->address);
	if (ip->has_netmask) {
		net_addr_netmask(ip->prefix, &mask);
		fmt_attr(b, "netmask", net_addr_format(&mask, s, sizeof(s)));
	} else if (ip->has_prefix) {
		net_buf_printf(b, " prefix='%d'", ip->prefix);
	}
	fmt_attr(b, "localPtr", fmt_tri(ip->local_ptr, "yes", "no"));
	if (!ip->tftp_root && !ip->has_dhcp) {
		net_buf_puts(b, "/>\n");
		return;
	}
	net_buf_puts(b, ">\n");
	if (ip->tftp_root) {
		net_buf_puts(b, "    <tftp");
		fmt_attr(b, "root", ip->tftp_root);
		net_buf_puts(b, "/>\n");
	}
	if (ip->has_dhcp)
		fmt_dhcp(b, ip);
	net_buf_puts(b, "  </ip>\n");
}

static void
fmt_dnsmasq(struct net_buf *b, const struct network_def *n)
{
	if (!n->ndnsmasq_options)
		return;
	net_buf_puts(b, "  <dnsmasq:options>\n");
	for (size_t i = 0; i < n->ndnsmasq_options; i++) {
		net_buf_puts(b, "    <dnsmasq:option");
		fmt_attr(b, "value", n->dnsmasq_options[i]);
		net_buf_puts(b, "/>\n");
	}
	net_buf_puts(b, "  </dnsmasq:options>\n");
}

char *
network_format(const struct network_def *n)
{
	struct net_buf b = { 0 };
	char uuid[37];

	net_buf_puts(&b, "<network");
	if (n->ndnsmasq_options)
		fmt_attr(&b, "xmlns:dnsmasq", NETWORK_DNSMASQ_NS);
	net_buf_puts(&b, ">\n  <name>");
	net_buf_xml(&b, n->name);
	network_uuid_format(n->uuid, uuid);
	net_buf_printf(&b, "</name>\n  <uuid>%s</uuid>\n", uuid);
	fmt_forward(&b, n);
	fmt_bridge(&b, n);
	fmt_dns(&b, &n->dns);
	for (size_t i = 0; i < n->nips; i++)
		fmt_ip(&b, &n->ips[i]);
	fmt_dnsmasq(&b, n);
	net_buf_puts(&b, "</network>\n");
	return net_buf_finish(&b);
}
