/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading a network's dnsmasq lease file for vmhost-netd's Leases request. */
#define LOG_MODULE "leases"
#include "netd/network.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "common/fileio.h"

/* The prefix of def's subnet holding ip, or the family's full length. */
static int
lease_prefix(const struct network_def *def, const struct net_addr *ip)
{
	for (size_t i = 0; i < def->nips; i++)
		if (net_addr_in_subnet(ip, &def->ips[i].address,
		    def->ips[i].prefix))
			return def->ips[i].prefix;
	return net_addr_bits(ip);
}

/* One line: "expiry mac ip hostname clientid" (IPv6: iaid for mac). */
static int
lease_parse(char *line, int v6, const struct network_def *def,
    struct netd_lease *l)
{
	char *f[5], *save = NULL;
	struct net_addr ip;
	int i;

	for (i = 0; i < 5; i++)
		if (!(f[i] = strtok_r(i ? NULL : line, " \t", &save)))
			break;
	if (i < 4 || net_addr_parse(f[2], v6 ? AF_INET6 : AF_INET, &ip) < 0)
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	l->expiry = strtoll(f[0], NULL, 10);
	l->ipv6 = v6;
	if (!v6)
		snprintf(l->mac, sizeof(l->mac), "%s", f[1]);
	snprintf(l->ip, sizeof(l->ip), "%s/%d", f[2], lease_prefix(def, &ip));
	if (strcmp(f[3], "*") != 0)
		snprintf(l->hostname, sizeof(l->hostname), "%s", f[3]);
	if (i == 5 && strcmp(f[4], "*") != 0)
		snprintf(l->client_id, sizeof(l->client_id), "%s", f[4]);
	return 0;
}

static int
lease_push(struct netd_lease **out, size_t *n, const struct netd_lease *l)
{
	struct netd_lease *nv;

	if (*n >= NETD_LEASES_MAX)
		return -E2BIG;
	if (!(nv = realloc(*out, (*n + 1) * sizeof(**out))))
		return -ENOMEM;
	*out = nv;
	(*out)[(*n)++] = *l;
	return 0;
}

int
leases_read(const char *path, const struct network_def *def, const char *mac,
    struct netd_lease **out, size_t *n)
{
	char *text = NULL, *save = NULL;
	struct netd_lease l;
	int v6 = 0, r = 0;

	*out = NULL;
	*n = 0;
	if ((r = file_read_all(path, 16 * 1024 * 1024, &text, NULL)) < 0)
		return r == -ENOENT ? 0 : r;
	for (char *line = strtok_r(text, "\n", &save); line && r == 0;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "duid ", 5) == 0) {
			v6 = 1;
			continue;
		}
		if (lease_parse(line, v6, def, &l) < 0 ||
		    (mac && *mac && strcasecmp(l.mac, mac) != 0))
			continue;
		r = lease_push(out, n, &l);
	}
	free(text);
	if (r < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return r;
}
