/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IPv4/IPv6 address arithmetic for network definitions, used by vmhostd and netd. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "common/network_addr.h"

int
net_addr_parse(const char *s, int family, struct net_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (!s)
		return -EINVAL;
	if ((family == 0 || family == AF_INET) &&
	    inet_pton(AF_INET, s, out->a) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if ((family == 0 || family == AF_INET6) &&
	    inet_pton(AF_INET6, s, out->a) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	return -EINVAL;
}

const char *
net_addr_format(const struct net_addr *a, char *buf, size_t n)
{
	if (n == 0)
		return buf;
	buf[0] = '\0';
	if (a->family && !inet_ntop(a->family, a->a, buf, (socklen_t)n))
		buf[0] = '\0';
	return buf;
}

int
net_addr_bits(const struct net_addr *a)
{
	if (a->family == AF_INET)
		return 32;
	if (a->family == AF_INET6)
		return 128;
	return 0;
}

void
net_addr_network(const struct net_addr *a, int prefix, struct net_addr *out)
{
	int bits = net_addr_bits(a);

	*out = *a;
	for (int i = 0; i < bits / 8; i++) {
		int keep = prefix - i * 8;

		if (keep <= 0)
			out->a[i] = 0;
		else if (keep < 8)
			out->a[i] &= (unsigned char)(0xff << (8 - keep));
	}
}

void
net_addr_netmask(int prefix, struct net_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = AF_INET;
	memset(out->a, 0xff, 4);
	net_addr_network(out, prefix, out);
}

int
net_addr_mask_prefix(const struct net_addr *mask)
{
	int prefix = 0;
	bool ended = false;

	if (mask->family != AF_INET)
		return -1;
	for (int i = 0; i < 32; i++) {
		bool bit = mask->a[i / 8] & (0x80 >> (i % 8));

		if (bit && ended)
			return -1;
		if (bit)
			prefix++;
		else
			ended = true;
	}
	return prefix;
}

bool
net_addr_in_subnet(const struct net_addr *a, const struct net_addr *net,
    int prefix)
{
	struct net_addr x, y;

	if (a->family != net->family || a->family == 0)
		return false;
	net_addr_network(a, prefix, &x);
	net_addr_network(net, prefix, &y);
	return memcmp(x.a, y.a, sizeof(x.a)) == 0;
}

int
net_addr_cmp(const struct net_addr *a, const struct net_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->a, b->a, sizeof(a->a));
}

int64_t
net_addr_range_size(const struct net_addr *start, const struct net_addr *end)
{
	int bytes = net_addr_bits(start) / 8;
	int64_t diff = 0;

	if (start->family != end->family || net_addr_cmp(start, end) > 0)
		return 0;
	for (int i = 0; i < bytes; i++) {
		diff = diff * 256 + (end->a[i] - start->a[i]);
		/* start <= end: the first differing byte is positive */
		if (diff >= INT32_MAX)
			return INT32_MAX;
	}
	return diff + 1 > INT32_MAX ? INT32_MAX : diff + 1;
}

int
net_addr_classful_prefix(const struct net_addr *a)
{
	if (a->family != AF_INET)
		return -1;
	if (a->a[0] < 128)
		return 8;
	if (a->a[0] < 192)
		return 16;
	if (a->a[0] < 224)
		return 24;
	return -1;
}
