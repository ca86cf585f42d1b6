/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Applying a network's nftables rules through libnftables, and forwarding sysctls, in vmhost-netd. */
#define LOG_MODULE "firewall"
#include "netd/firewall.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "common/log.h"
#include "netd/firewall_rules.h"

/* Run an nft script; its first error line into err. */
static int
firewall_run(const char *text, char *err, size_t errlen)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *msg;
	int r;

	if (!ctx)
		return -ENOMEM;
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	r = nft_run_cmd_from_buffer(ctx, text);
	if (r != 0) {
		msg = nft_ctx_get_error_buffer(ctx);
		snprintf(err, errlen, "nftables: %.*s",
		    (int)strcspn(msg ? msg : "", "\n"), msg ? msg : "");
		log_error("%s", err);
	}
	nft_ctx_free(ctx);
	return r != 0 ? -EIO : 0;
}

bool
firewall_needed(const struct network_def *n)
{
	return n->forward == NETWORK_FORWARD_NAT ||
	    n->forward == NETWORK_FORWARD_ROUTE ||
	    n->forward == NETWORK_FORWARD_NONE;
}

int
firewall_apply(const struct network_def *n, char *err, size_t errlen)
{
	char *text = NULL;
	int r;

	if (!firewall_needed(n))
		return 0;
	if ((r = firewall_rules_build(n, &text, err, errlen)) < 0)
		return r;
	r = firewall_run(text, err, errlen);
	free(text);
	if (r == 0)
		log_debug("rules of '%s' applied", n->bridge);
	return r;
}

int
firewall_remove(const char *bridge, bool last_network)
{
	char *text = NULL, err[512];
	int r;

	if ((r = firewall_rules_delete(bridge, last_network, &text)) < 0)
		return r;
	r = firewall_run(text, err, sizeof(err));
	free(text);
	return r;
}

/*
 * /proc/sys/net is the namespace's own, and the kernel lets CAP_NET_ADMIN
 * in the namespace write it as root could (net_ctl_permissions): netd sets
 * forwarding after its drop, when a network needs it, like libvirt.
 */
static int
sysctl_write_one(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, "1\n", 2) != 2)
		r = errno ? -errno : -EIO;
	close(fd);
	return r;
}

int
forwarding_enable(const struct network_def *n)
{
	bool v6 = false;
	int r;

	if (n->forward != NETWORK_FORWARD_NAT &&
	    n->forward != NETWORK_FORWARD_ROUTE)
		return 0;
	for (size_t i = 0; i < n->nips; i++)
		v6 |= n->ips[i].address.family == AF_INET6;
	if ((r = sysctl_write_one("/proc/sys/net/ipv4/ip_forward")) < 0) {
		log_error("cannot enable IPv4 forwarding: %s", strerror(-r));
		return r;
	}
	if (v6 && (r = sysctl_write_one(
	    "/proc/sys/net/ipv6/conf/all/forwarding")) < 0) {
		log_error("cannot enable IPv6 forwarding: %s", strerror(-r));
		return r;
	}
	return 0;
}
