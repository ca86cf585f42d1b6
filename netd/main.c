/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-netd's entry point and dispatch table: bridges, NAT, dnsmasq and taps. */
#define LOG_MODULE "netd"
#include <linux/capability.h>

#include "netd.pb-c.h"
#include "common/helperd.h"
#include "common/log.h"

static const int netd_caps[] = { CAP_NET_ADMIN, CAP_NET_RAW, CAP_NET_BIND_SERVICE };

static void
netd_handle_status(struct rpc_call *call, const void *req)
{
	Vmhost__Netd__Reply rep = VMHOST__NETD__REPLY__INIT;
	Vmhost__DaemonStatus st;

	(void)req;
	daemon_status_fill(&st, "vmhost-netd");
	rep.result_case = VMHOST__NETD__REPLY__RESULT_STATUS;
	rep.status = &st;
	rpc_reply(call, &rep.base, NULL, 0);
}

static void
netd_handle_ping(struct rpc_call *call, const void *req)
{
	(void)req;
	rpc_reply_ok(call);
}

static const struct rpc_handler netd_handlers[] = {
	{ VMHOST__NETD__REQUEST__OP_STATUS, "status", netd_handle_status, 0 },
	{ VMHOST__NETD__REQUEST__OP_PING, "ping", netd_handle_ping, 0 },
};

static const struct rpc_service netd_service = {
	"netd", &vmhost__netd__request__descriptor,
	&vmhost__netd__reply__descriptor, netd_handlers,
	sizeof(netd_handlers) / sizeof(netd_handlers[0]),
};

int
main(int argc, char **argv)
{
	static const struct helperd h = {
		.name = "netd",
		.prog = "vmhost-netd",
		.user = "vmhost-net",
		.caps = netd_caps,
		.ncaps = sizeof(netd_caps) / sizeof(netd_caps[0]),
		.inheritable = 1,
		.svc = &netd_service,
	};

	return helperd_main(argc, argv, &h);
}
