/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Virtual network definitions (libvirt's <network> dialect): parse, format, validate. */
#ifndef VMHOST_NETWORK_XML_H
#define VMHOST_NETWORK_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "common/network_addr.h"

#define NETWORK_XML_MAX (1024 * 1024)	/* bytes of XML accepted */
#define NETWORK_XML_MAX_DEPTH 16	/* element nesting accepted */
#define NETWORK_NAME_MAX 100		/* bytes; the name is a file name */
#define NETWORK_IFNAME_MAX 15		/* IFNAMSIZ - 1 */
#define NETWORK_DNSMASQ_NS "http://libvirt.org/schemas/network/dnsmasq/1.0"

enum network_tristate { NETWORK_TRI_DEFAULT = 0, NETWORK_TRI_YES, NETWORK_TRI_NO };

enum network_forward {
	NETWORK_FORWARD_NONE = 0,	/* isolated: no <forward> */
	NETWORK_FORWARD_NAT,
	NETWORK_FORWARD_ROUTE,
	NETWORK_FORWARD_OPEN,
	NETWORK_FORWARD_BRIDGE,
};

enum network_lease_unit {
	NETWORK_LEASE_MINUTES = 0,	/* libvirt's default unit */
	NETWORK_LEASE_SECONDS,
	NETWORK_LEASE_HOURS,
};

struct network_lease {
	bool set;
	unsigned long expiry;		/* 0: infinite */
	enum network_lease_unit unit;
};

struct network_dhcp_range {
	struct net_addr start, end;
	struct network_lease lease;
};

struct network_dhcp_host {
	char *mac;			/* IPv4: mac and/or name */
	char *id;			/* IPv6: DUID and/or name */
	char *name;
	struct net_addr ip;
	struct network_lease lease;
};

struct network_ip {
	struct net_addr address;
	int prefix;			/* always set after parsing */
	bool has_netmask;		/* given as netmask= (kept for format) */
	bool has_prefix;		/* given as prefix= */
	bool has_family;		/* family= given */
	enum network_tristate local_ptr;
	bool has_dhcp;			/* a <dhcp> element, maybe empty */
	struct network_dhcp_range *ranges;
	size_t nranges;
	struct network_dhcp_host *hosts;
	size_t nhosts;
	char *bootp_file;
	struct net_addr bootp_server;	/* family 0 when absent */
	char *tftp_root;
};

struct network_dns_host {
	struct net_addr ip;
	char **hostnames;
	size_t nhostnames;
};

struct network_dns_txt {
	char *name, *value;
};

struct network_dns_srv {
	char *service, *protocol, *domain, *target;
	int port, priority, weight;	/* -1: absent */
};

struct network_dns_forwarder {
	struct net_addr addr;		/* family 0 when absent */
	char *domain;
};

struct network_dns {
	bool present;
	enum network_tristate enable;
	enum network_tristate forward_plain_names;
	struct network_dns_host *hosts;
	size_t nhosts;
	struct network_dns_txt *txts;
	size_t ntxts;
	struct network_dns_srv *srvs;
	size_t nsrvs;
	struct network_dns_forwarder *forwarders;
	size_t nforwarders;
};

struct network_nat {
	bool present;
	struct net_addr addr_start, addr_end;	/* family 0 when absent */
	unsigned port_start, port_end;		/* 0 when absent */
	enum network_tristate ipv6;
};

struct network_def {
	char *name;
	bool has_uuid;			/* false: network_parse made one */
	unsigned char uuid[16];
	bool forward_present;
	enum network_forward forward;
	char *forward_dev;
	char *forward_iface;		/* <forward><interface dev/> */
	struct network_nat nat;
	bool bridge_present;
	char *bridge;			/* NULL: vmhostd picks virbrN */
	enum network_tristate stp;
	int delay;			/* -1: absent */
	char *mac;			/* canonical lowercase */
	char *domain;
	enum network_tristate domain_local_only;
	struct network_dns dns;
	unsigned mtu;			/* 0: absent */
	struct network_ip *ips;
	size_t nips;
	char **dnsmasq_options;		/* xmlns:dnsmasq passthrough */
	size_t ndnsmasq_options;
};

/*
 * Parse and validate a <network> document of len bytes (at most
 * NETWORK_XML_MAX). No DOCTYPE, entity or external access; libxml2 messages
 * never reach stderr. A missing uuid is generated. On failure returns
 * -EINVAL (or -ENOMEM) with a one-line, escaped message in err.
 */
int network_parse(const char *xml, size_t len, struct network_def **out,
    char *err, size_t errlen);

/* The definition as XML (libvirt's layout); malloc'd, NULL on ENOMEM. */
char *network_format(const struct network_def *n);

void network_def_free(struct network_def *n);

/* Validation on its own (network_parse calls it): 0 or -EINVAL with err. */
int network_validate(const struct network_def *n, char *err, size_t errlen);

/* 1 when some subnet of a overlaps one of b (same family), else 0. */
int network_subnets_overlap(const struct network_def *a,
    const struct network_def *b);

/* "nat", "route", "open", "bridge", or "none" for isolated. */
const char *network_forward_name(enum network_forward f);

/* Names safe as file names: 0 or -EINVAL with err (also used by vmhostd). */
int network_check_name(const char *name, char *err, size_t errlen);

/* Interface names: 1..15 bytes of [A-Za-z0-9_.-], not "." or "..". */
bool network_ifname_valid(const char *s);

/* uuid as 36 characters plus NUL. */
void network_uuid_format(const unsigned char uuid[16], char out[37]);

/* The IPv4 <ip> carrying DHCP, or the IPv6 one; NULL when none. */
const struct network_ip *network_dhcp_ip(const struct network_def *n,
    int family);

#endif
