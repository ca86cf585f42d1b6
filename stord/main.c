/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's entry point and dispatch table: disk image probing and ownership. */
#define LOG_MODULE "stord"
#include <linux/capability.h>

#include "stord.pb-c.h"
#include "common/helperd.h"
#include "common/log.h"

static const int stord_caps[] = { CAP_CHOWN, CAP_FOWNER, CAP_DAC_READ_SEARCH };

static void
stord_handle_status(struct rpc_call *call, const void *req)
{
	Vmhost__Stord__Reply rep = VMHOST__STORD__REPLY__INIT;
	Vmhost__DaemonStatus st;

	(void)req;
	daemon_status_fill(&st, "vmhost-stord");
	rep.result_case = VMHOST__STORD__REPLY__RESULT_STATUS;
	rep.status = &st;
	rpc_reply(call, &rep.base, NULL, 0);
}

static void
stord_handle_ping(struct rpc_call *call, const void *req)
{
	(void)req;
	rpc_reply_ok(call);
}

static const struct rpc_handler stord_handlers[] = {
	{ VMHOST__STORD__REQUEST__OP_STATUS, "status", stord_handle_status, 0 },
	{ VMHOST__STORD__REQUEST__OP_PING, "ping", stord_handle_ping, 0 },
};

static const struct rpc_service stord_service = {
	"stord", &vmhost__stord__request__descriptor,
	&vmhost__stord__reply__descriptor, stord_handlers,
	sizeof(stord_handlers) / sizeof(stord_handlers[0]),
};

int
main(int argc, char **argv)
{
	static const struct helperd h = {
		.name = "stord",
		.prog = "vmhost-stord",
		.user = "vmhost-stor",
		.caps = stord_caps,
		.ncaps = sizeof(stord_caps) / sizeof(stord_caps[0]),
		.inheritable = 0,
		.svc = &stord_service,
	};

	return helperd_main(argc, argv, &h);
}
