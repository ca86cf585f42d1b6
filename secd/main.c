/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-secd's entry point and dispatch table: guest confinement and emulator launch. */
#define LOG_MODULE "secd"
#include <linux/capability.h>

#include "secd.pb-c.h"
#include "common/helperd.h"
#include "common/log.h"

static const int secd_caps[] = { CAP_SETUID, CAP_SETGID, CAP_KILL };

static void
secd_handle_status(struct rpc_call *call, const void *req)
{
	Vmhost__Secd__Reply rep = VMHOST__SECD__REPLY__INIT;
	Vmhost__DaemonStatus st;

	(void)req;
	daemon_status_fill(&st, "vmhost-secd");
	rep.result_case = VMHOST__SECD__REPLY__RESULT_STATUS;
	rep.status = &st;
	rpc_reply(call, &rep.base, NULL, 0);
}

static void
secd_handle_ping(struct rpc_call *call, const void *req)
{
	(void)req;
	rpc_reply_ok(call);
}

static const struct rpc_handler secd_handlers[] = {
	{ VMHOST__SECD__REQUEST__OP_STATUS, "status", secd_handle_status, 0 },
	{ VMHOST__SECD__REQUEST__OP_PING, "ping", secd_handle_ping, 0 },
};

static const struct rpc_service secd_service = {
	"secd", &vmhost__secd__request__descriptor,
	&vmhost__secd__reply__descriptor, secd_handlers,
	sizeof(secd_handlers) / sizeof(secd_handlers[0]),
};

int
main(int argc, char **argv)
{
	static const struct helperd h = {
		.name = "secd",
		.prog = "vmhost-secd",
		.user = "vmhost-sec",
		.caps = secd_caps,
		.ncaps = sizeof(secd_caps) / sizeof(secd_caps[0]),
		.inheritable = 0,
		.svc = &secd_service,
	};

	return helperd_main(argc, argv, &h);
}
