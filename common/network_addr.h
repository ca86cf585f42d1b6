/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IPv4/IPv6 addresses and subnets for network definitions and their generators. */
#ifndef VMHOST_NETWORK_ADDR_H
#define VMHOST_NETWORK_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_ADDR_STRLEN 46	/* INET6_ADDRSTRLEN */

struct net_addr {
	int family;		/* AF_INET, AF_INET6, or 0 when unset */
	unsigned char a[16];	/* network byte order; 4 bytes for IPv4 */
};

/* Parse s as family (AF_INET, AF_INET6, or 0 for either): 0 or -EINVAL. */
int net_addr_parse(const char *s, int family, struct net_addr *out);

/* Text form into buf (at least NET_ADDR_STRLEN); "" when unset. */
const char *net_addr_format(const struct net_addr *a, char *buf, size_t n);

/* 32 or 128 (bits of the family), 0 when unset. */
int net_addr_bits(const struct net_addr *a);

/* The address with host bits cleared after prefix. */
void net_addr_network(const struct net_addr *a, int prefix,
    struct net_addr *out);

/* The IPv4 netmask of a prefix length. */
void net_addr_netmask(int prefix, struct net_addr *out);

/* Prefix length of a contiguous IPv4 netmask, -1 when not contiguous. */
int net_addr_mask_prefix(const struct net_addr *mask);

/* Is a within net/prefix (same family)? */
bool net_addr_in_subnet(const struct net_addr *a, const struct net_addr *net,
    int prefix);

/* memcmp order within a family; families compare by number. */
int net_addr_cmp(const struct net_addr *a, const struct net_addr *b);

/* end - start + 1, saturating at INT32_MAX; 0 when start > end. */
int64_t net_addr_range_size(const struct net_addr *start,
    const struct net_addr *end);

/* Classful default prefix for an IPv4 address without netmask, -1 if none. */
int net_addr_classful_prefix(const struct net_addr *a);

#endif
