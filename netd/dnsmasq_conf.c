/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Generates a network's dnsmasq config, DHCP hosts file and DNS hosts file, as libvirt does (netd). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/network_buf.h"
#include "netd/dnsmasq_conf.h"

/* Everything one generation run writes to. */
struct dq {
	const struct network_def *n;
	struct net_buf conf, hosts, addn;
	char hostsfile[4096], addnhosts[4096];
	int64_t leases;
	size_t nhosts;
};

static bool
dq_want_dns(const struct network_def *n)
{
	return n->dns.enable != NETWORK_TRI_NO;
}

int
dnsmasq_state_path(const char *statedir, const char *name, const char *suffix,
    char *out, size_t len)
{
	struct net_buf b = { 0 };
	char *s;
	int r = 0;

	net_buf_printf(&b, "%s/", statedir);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (strchr("\"&'<>", *p))
			net_buf_xml(&b, (const char[]){ (char)*p, 0 });
		else if (strchr("#\\, ", *p) || *p < 0x20 || *p == 0x7f)
			net_buf_printf(&b, "%%%02X", *p);
		else
			net_buf_printf(&b, "%c", *p);
	}
	net_buf_printf(&b, ".%s", suffix);
	if (!(s = net_buf_finish(&b)))
		return -ENOMEM;
	if (strlen(s) >= len)
		r = -ENAMETOOLONG;
	else
		memcpy(out, s, strlen(s) + 1);
	free(s);
	return r;
}

static void
dq_forwarders(struct dq *q)
{
	const struct network_dns *d = &q->n->dns;
	char a[NET_ADDR_STRLEN];
	bool no_resolv = false;

	if (!dq_want_dns(q->n))
		return;
	for (size_t i = 0; i < d->nforwarders; i++) {
		const struct network_dns_forwarder *f = &d->forwarders[i];

		net_buf_puts(&q->conf, "server=");
		if (f->domain)
			net_buf_printf(&q->conf, "/%s/", f->domain);
		if (f->addr.family)
			net_buf_printf(&q->conf, "%s\n",
			    net_addr_format(&f->addr, a, sizeof(a)));
		else
			net_buf_puts(&q->conf, "#\n");	/* system resolver */
		no_resolv |= f->addr.family && !f->domain;
	}
	if (no_resolv)
		net_buf_puts(&q->conf, "no-resolv\n");
}

static void
dq_domain(struct dq *q)
{
	const struct network_def *n = q->n;

	if (!n->domain)
		return;
	if (n->domain_local_only == NETWORK_TRI_YES)
		net_buf_printf(&q->conf, "local=/%s/\n", n->domain);
	net_buf_printf(&q->conf, "domain=%s\nexpand-hosts\n", n->domain);
}

/* local=/<reverse zone>/ for an <ip localPtr='yes'>. */
static void
dq_local_ptr(struct dq *q, const struct network_ip *ip)
{
	struct net_addr net;
	int i;

	net_addr_network(&ip->address, ip->prefix, &net);
	net_buf_puts(&q->conf, "local=/");
	if (net.family == AF_INET) {
		for (i = ip->prefix / 8 - 1; i >= 0; i--)
			net_buf_printf(&q->conf, "%u.", net.a[i]);
		net_buf_puts(&q->conf, "in-addr.arpa/\n");
		return;
	}
	for (i = ip->prefix / 4 - 1; i >= 0; i--)
		net_buf_printf(&q->conf, "%x.", i % 2 ? net.a[i / 2] & 0xf :
		    net.a[i / 2] >> 4);
	net_buf_puts(&q->conf, "ip6.arpa/\n");
}

static void
dq_dns_scope(struct dq *q)
{
	const struct network_def *n = q->n;

	if (!dq_want_dns(n))
		return;
	for (size_t i = 0; i < n->nips; i++)
		if (n->ips[i].local_ptr == NETWORK_TRI_YES)
			dq_local_ptr(q, &n->ips[i]);
	if (n->dns.forward_plain_names == NETWORK_TRI_NO)
		net_buf_puts(&q->conf, "domain-needed\nlocal=//\n");
}

static void
dq_listen(struct dq *q, const char *pidfile)
{
	if (pidfile)
		net_buf_printf(&q->conf, "pid-file=%s\n", pidfile);
	/* bind-dynamic + interface=: answer only on the bridge, and leave
	 * a system dnsmasq bound to lo with bind-interfaces alone */
	net_buf_printf(&q->conf, "except-interface=lo\nbind-dynamic\n"
	    "interface=%s\n", q->n->bridge);
	if (q->n->forward == NETWORK_FORWARD_NONE)
		/* isolated: no default route, no upstream DNS, and RA with
		 * a zero router lifetime */
		net_buf_puts(&q->conf, "dhcp-option=3\nno-resolv\n"
		    "ra-param=*,0,0\n");
}

static void
dq_srv(struct dq *q, const struct network_dns_srv *s)
{
	net_buf_printf(&q->conf, "srv-host=_%s._%s", s->service, s->protocol);
	if (s->domain)
		net_buf_printf(&q->conf, ".%s", s->domain);
	if (s->target) {
		net_buf_printf(&q->conf, ",%s", s->target);
		/* positional: a later field needs the earlier ones */
		if (s->port >= 0 || s->priority > 0 || s->weight > 0)
			net_buf_printf(&q->conf, ",%d", s->port >= 0 ?
			    s->port : 1);
		if (s->priority > 0 || s->weight > 0)
			net_buf_printf(&q->conf, ",%d", s->priority > 0 ?
			    s->priority : 0);
		if (s->weight > 0)
			net_buf_printf(&q->conf, ",%d", s->weight);
	}
	net_buf_puts(&q->conf, "\n");
}

static void
dq_records(struct dq *q)
{
	const struct network_dns *d = &q->n->dns;

	if (!dq_want_dns(q->n))
		return;
	for (size_t i = 0; i < d->ntxts; i++)
		net_buf_printf(&q->conf, "txt-record=%s,%s\n", d->txts[i].name,
		    d->txts[i].value);
	for (size_t i = 0; i < d->nsrvs; i++)
		dq_srv(q, &d->srvs[i]);
}

static void
dq_tftp(struct dq *q)
{
	for (size_t i = 0; i < q->n->nips; i++) {
		const struct network_ip *ip = &q->n->ips[i];

		if (ip->address.family == AF_INET && ip->tftp_root)
			net_buf_printf(&q->conf, "enable-tftp\ntftp-root=%s\n",
			    ip->tftp_root);
	}
}

/* ",1h" style suffix: dnsmasq's lease time; nothing when unset. */
static void
dq_lease(struct net_buf *b, const struct network_lease *l)
{
	static const char units[] = {
		[NETWORK_LEASE_MINUTES] = 'm',
		[NETWORK_LEASE_SECONDS] = 's',
		[NETWORK_LEASE_HOURS] = 'h',
	};

	if (!l->set)
		return;
	if (l->expiry == 0)
		net_buf_puts(b, ",infinite");
	else
		net_buf_printf(b, ",%lu%c", l->expiry, units[l->unit]);
}

static void
dq_ranges(struct dq *q, const struct network_ip *ip)
{
	char s[NET_ADDR_STRLEN], t[NET_ADDR_STRLEN], m[NET_ADDR_STRLEN];
	struct net_addr mask;

	for (size_t i = 0; i < ip->nranges; i++) {
		const struct network_dhcp_range *r = &ip->ranges[i];

		net_buf_printf(&q->conf, "dhcp-range=%s,%s,",
		    net_addr_format(&r->start, s, sizeof(s)),
		    net_addr_format(&r->end, t, sizeof(t)));
		if (ip->address.family == AF_INET6) {
			net_buf_printf(&q->conf, "%d", ip->prefix);
		} else {
			net_addr_netmask(ip->prefix, &mask);
			net_buf_puts(&q->conf,
			    net_addr_format(&mask, m, sizeof(m)));
		}
		dq_lease(&q->conf, &r->lease);
		net_buf_puts(&q->conf, "\n");
		q->leases += net_addr_range_size(&r->start, &r->end);
		if (q->leases > INT32_MAX)
			q->leases = INT32_MAX;
	}
	if (ip->nranges || !ip->nhosts)
		return;
	/* static hosts only: a range that enables DHCP for them */
	net_buf_printf(&q->conf, "dhcp-range=%s,static",
	    net_addr_format(&ip->address, s, sizeof(s)));
	if (ip->address.family == AF_INET6)
		net_buf_printf(&q->conf, ",%d", ip->prefix);
	net_buf_puts(&q->conf, "\n");
}

static void
dq_host_line(struct dq *q, const struct network_ip *ip,
    const struct network_dhcp_host *h)
{
	char a[NET_ADDR_STRLEN];

	net_addr_format(&h->ip, a, sizeof(a));
	if (ip->address.family == AF_INET6) {
		if (h->id)
			net_buf_printf(&q->hosts, "id:%s,", h->id);
		if (h->name)
			net_buf_printf(&q->hosts, "%s,", h->name);
		net_buf_printf(&q->hosts, "[%s]", a);
	} else if (h->mac) {
		net_buf_printf(&q->hosts, "%s,%s", h->mac, a);
		if (h->name)
			net_buf_printf(&q->hosts, ",%s", h->name);
	} else {
		net_buf_printf(&q->hosts, "%s,%s", h->name, a);
	}
	dq_lease(&q->hosts, &h->lease);
	net_buf_puts(&q->hosts, "\n");
	q->nhosts++;
}

static void
dq_dhcp_ip(struct dq *q, const struct network_ip *ip)
{
	char a[NET_ADDR_STRLEN];

	dq_ranges(q, ip);
	for (size_t i = 0; i < ip->nhosts; i++)
		dq_host_line(q, ip, &ip->hosts[i]);
	if (ip->address.family != AF_INET)
		return;
	net_buf_puts(&q->conf, "dhcp-no-override\ndhcp-authoritative\n");
	if (ip->bootp_file && ip->bootp_server.family)
		net_buf_printf(&q->conf, "dhcp-boot=%s,,%s\n", ip->bootp_file,
		    net_addr_format(&ip->bootp_server, a, sizeof(a)));
	else if (ip->bootp_file)
		net_buf_printf(&q->conf, "dhcp-boot=%s\n", ip->bootp_file);
}

static void
dq_addnhosts(struct dq *q)
{
	const struct network_dns *d = &q->n->dns;
	char a[NET_ADDR_STRLEN];

	for (size_t i = 0; i < d->nhosts; i++) {
		net_buf_puts(&q->addn,
		    net_addr_format(&d->hosts[i].ip, a, sizeof(a)));
		for (size_t j = 0; j < d->hosts[i].nhostnames; j++)
			net_buf_printf(&q->addn, "\t%s",
			    d->hosts[i].hostnames[j]);
		net_buf_puts(&q->addn, "\n");
	}
}

/* Router advertisements: for the DHCPv6 subnet, or RA-only for the rest. */
static void
dq_ra(struct dq *q, bool dhcp6)
{
	char a[NET_ADDR_STRLEN];

	if (dhcp6) {
		net_buf_puts(&q->conf, "enable-ra\n");
		return;
	}
	for (size_t i = 0; i < q->n->nips; i++)
		if (q->n->ips[i].address.family == AF_INET6)
			net_buf_printf(&q->conf, "dhcp-range=%s,ra-only\n",
			    net_addr_format(&q->n->ips[i].address, a,
			    sizeof(a)));
}

static void
dq_tail(struct dq *q, bool dhcp)
{
	const struct network_def *n = q->n;

	if (q->leases > 0)
		net_buf_printf(&q->conf, "dhcp-lease-max=%lld\n",
		    (long long)q->leases);
	if (dhcp)
		net_buf_printf(&q->conf, "dhcp-hostsfile=%s\n", q->hostsfile);
	if (dq_want_dns(n))
		net_buf_printf(&q->conf, "addn-hosts=%s\n", q->addnhosts);
	if (n->mtu)
		net_buf_printf(&q->conf, "dhcp-option=option:mtu,%u\n", n->mtu);
	dq_ra(q, network_dhcp_ip(n, AF_INET6) != NULL);
	for (size_t i = 0; i < n->ndnsmasq_options; i++)
		net_buf_printf(&q->conf, "%s\n", n->dnsmasq_options[i]);
}

static void
dq_body(struct dq *q, const char *pidfile)
{
	const struct network_ip *v4 = network_dhcp_ip(q->n, AF_INET);
	const struct network_ip *v6 = network_dhcp_ip(q->n, AF_INET6);
	char uuid[37];

	network_uuid_format(q->n->uuid, uuid);
	net_buf_printf(&q->conf, "##WARNING:  THIS IS AN AUTO-GENERATED FILE. "
	    "CHANGES TO IT ARE LIKELY TO BE\n##OVERWRITTEN AND LOST. Changes "
	    "to this configuration should be made using:\n##    vmhost "
	    "net-edit (network uuid %s)\n##\n## dnsmasq conf file created "
	    "by vmhost-netd\nstrict-order\n", uuid);
	if (!dq_want_dns(q->n))
		net_buf_puts(&q->conf, "port=0\n");
	dq_forwarders(q);
	dq_domain(q);
	dq_dns_scope(q);
	dq_listen(q, pidfile);
	dq_records(q);
	dq_tftp(q);
	if (v4)
		dq_dhcp_ip(q, v4);
	if (v6)
		dq_dhcp_ip(q, v6);
	if (dq_want_dns(q->n))
		dq_addnhosts(q);
	dq_tail(q, v4 || v6);
}

int
dnsmasq_conf_build(const struct network_def *n, const char *statedir,
    const char *pidfile, struct dnsmasq_conf *out, char *err, size_t errlen)
{
	struct dq q = { .n = n };
	bool dhcp = network_dhcp_ip(n, AF_INET) || network_dhcp_ip(n, AF_INET6);

	memset(out, 0, sizeof(*out));
	if (!n->bridge || n->forward == NETWORK_FORWARD_BRIDGE) {
		snprintf(err, errlen, "network has no bridge of its own");
		return -EINVAL;
	}
	if (dnsmasq_state_path(statedir, n->name, "hostsfile", q.hostsfile,
	    sizeof(q.hostsfile)) < 0 || dnsmasq_state_path(statedir, n->name,
	    "addnhosts", q.addnhosts, sizeof(q.addnhosts)) < 0) {
		snprintf(err, errlen, "dnsmasq state path too long");
		return -EINVAL;
	}
	dq_body(&q, pidfile);
	out->conf = net_buf_finish(&q.conf);
	out->hostsfile = dhcp ? net_buf_finish(&q.hosts) : NULL;
	out->addnhosts = dq_want_dns(n) ? net_buf_finish(&q.addn) : NULL;
	out->nhosts = q.nhosts;
	net_buf_reset(&q.hosts);
	net_buf_reset(&q.addn);
	if (!out->conf || (dhcp && !out->hostsfile) ||
	    (dq_want_dns(n) && !out->addnhosts)) {
		dnsmasq_conf_clear(out);
		snprintf(err, errlen, "out of memory building dnsmasq config");
		return -ENOMEM;
	}
	return 0;
}

void
dnsmasq_conf_clear(struct dnsmasq_conf *c)
{
	if (!c)
		return;
	free(c->conf);
	free(c->hostsfile);
	free(c->addnhosts);
	memset(c, 0, sizeof(*c));
}
