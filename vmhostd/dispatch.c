/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's client API: the dispatch table and its handlers. */
#define LOG_MODULE "dispatch"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmhost.pb-c.h"
#include "common/daemon.h"
#include "common/log.h"
#include "vmhostd/capabilities.h"
#include "vmhostd/dispatch.h"
#include "vmhostd/dispatch_network.h"
#include "vmhostd/dispatch_storage.h"
#include "vmhostd/vmhostd.h"

static void
vmhostd_handle_ping(struct rpc_call *call, const void *req)
{
	(void)req;
	rpc_reply_ok(call);
}

static void
vmhostd_handle_hostname(struct rpc_call *call, const void *req)
{
	Vmhost__Reply rep = VMHOST__REPLY__INIT;
	Vmhost__HostnameReply hr;
	char name[256];

	(void)req;
	vmhost__hostname_reply__init(&hr);
	if (gethostname(name, sizeof(name)) < 0) {
		rpc_reply_error(call, errno, "cannot read the host name: %s",
		    strerror(errno));
		return;
	}
	name[sizeof(name) - 1] = '\0';
	hr.hostname = name;
	rep.result_case = VMHOST__REPLY__RESULT_HOSTNAME;
	rep.hostname = &hr;
	rpc_reply(call, &rep.base, NULL, 0);
}

static void
version_reply(void *arg, Vmhost__DaemonStatus *const *st)
{
	struct rpc_call *call = arg;
	Vmhost__Reply rep = VMHOST__REPLY__INIT;
	Vmhost__VersionReply vr;

	vmhost__version_reply__init(&vr);
	if (!st) {
		rpc_reply_error(call, ENOMEM, "out of memory");
		return;
	}
	vr.daemon = (char *)(uintptr_t)VMHOST_VERSION;
	vr.qemu = vmhostd.qemu_version;
	vr.qemu_binary = vmhostd.qemu_binary;
	vr.n_helpers = HELPER_COUNT;
	vr.helpers = (Vmhost__DaemonStatus **)(uintptr_t)st;
	rep.result_case = VMHOST__REPLY__RESULT_VERSION;
	rep.version = &vr;
	rpc_reply(call, &rep.base, NULL, 0);
}

static void
vmhostd_handle_version(struct rpc_call *call, const void *req)
{
	(void)req;
	helpers_status(version_reply, call);
}

static void
daemons_reply(void *arg, Vmhost__DaemonStatus *const *st)
{
	struct rpc_call *call = arg;
	Vmhost__Reply rep = VMHOST__REPLY__INIT;
	Vmhost__DaemonsReply dr = VMHOST__DAEMONS_REPLY__INIT;
	Vmhost__DaemonStatus self, *all[1 + HELPER_COUNT];

	if (!st) {
		rpc_reply_error(call, ENOMEM, "out of memory");
		return;
	}
	daemon_status_fill(&self, "vmhostd");
	all[0] = &self;
	for (int i = 0; i < HELPER_COUNT; i++)
		all[1 + i] = st[i];
	dr.n_daemons = 1 + HELPER_COUNT;
	dr.daemons = all;
	rep.result_case = VMHOST__REPLY__RESULT_DAEMONS;
	rep.daemons = &dr;
	rpc_reply(call, &rep.base, NULL, 0);
}

static void
vmhostd_handle_daemons(struct rpc_call *call, const void *req)
{
	(void)req;
	helpers_status(daemons_reply, call);
}

static void
helper_ping_done(void *arg, int err, const char *msg)
{
	struct rpc_call *call = arg;

	if (err)
		rpc_reply_error(call, -err, "%s", msg);
	else
		rpc_reply_ok(call);
}

static void
vmhostd_handle_helper_ping(struct rpc_call *call, const void *req)
{
	(void)req;
	helpers_ping(helper_ping_done, call);
}

static const struct rpc_handler vmhostd_handlers[] = {
	{ VMHOST__REQUEST__OP_VERSION, "connect.version",
	  vmhostd_handle_version, RPC_READONLY },
	{ VMHOST__REQUEST__OP_HOSTNAME, "connect.hostname",
	  vmhostd_handle_hostname, RPC_READONLY },
	{ VMHOST__REQUEST__OP_DAEMONS, "connect.daemons",
	  vmhostd_handle_daemons, RPC_READONLY },
	{ VMHOST__REQUEST__OP_PING, "connect.ping", vmhostd_handle_ping,
	  RPC_READONLY },
	{ VMHOST__REQUEST__OP_HELPER_PING, "connect.helper-ping",
	  vmhostd_handle_helper_ping, 0 },
#define D(op, name, fn, fl) { VMHOST__REQUEST__OP_##op, name, vmhostd_handle_##fn, fl }
	D(DOMAIN_DEFINE, "domain.define", domain_define, 0),
	D(DOMAIN_UNDEFINE, "domain.undefine", domain_undefine, 0),
	D(DOMAIN_XML, "domain.read", domain_xml, RPC_READONLY),
	D(DOMAIN_LIST, "domain.list", domain_list, RPC_READONLY),
	D(DOMAIN_INFO, "domain.read", domain_info, RPC_READONLY),
	D(DOMAIN_AUTOSTART, "domain.autostart", domain_autostart, 0),
	D(DOMAIN_DESC, "domain.desc", domain_desc, 0),
	D(DOMAIN_START, "domain.start", domain_start, 0),
	D(DOMAIN_SHUTDOWN, "domain.shutdown", domain_shutdown, 0),
	D(DOMAIN_DESTROY, "domain.destroy", domain_destroy, 0),
	D(DOMAIN_REBOOT, "domain.reboot", domain_reboot, 0),
	D(DOMAIN_RESET, "domain.reset", domain_reset, 0),
	D(DOMAIN_SUSPEND, "domain.suspend", domain_suspend, 0),
	D(DOMAIN_RESUME, "domain.resume", domain_resume, 0),
	D(DOMAIN_CONSOLE, "domain.console", domain_console, 0),
	D(EVENT_WAIT, "domain.events", event_wait, RPC_READONLY),
	D(MIGRATE_DISKS, "domain.migrate-disks", migrate_disks, 0),
	D(VOL_CREATE, "storage.vol-create", vol_create, 0),
	D(VOL_LIST, "storage.list", vol_list, RPC_READONLY),
	D(VOL_INFO, "storage.read", vol_info, RPC_READONLY),
	D(VOL_DELETE, "storage.vol-delete", vol_delete, 0),
	D(VOL_RESIZE, "storage.vol-resize", vol_resize, 0),
	D(NETWORK_DEFINE, "network.define", network_define, 0),
	D(NETWORK_UNDEFINE, "network.undefine", network_undefine, 0),
	D(NETWORK_START, "network.start", network_start, 0),
	D(NETWORK_DESTROY, "network.destroy", network_destroy, 0),
	D(NETWORK_AUTOSTART, "network.autostart", network_autostart, 0),
	D(NETWORK_LIST, "network.list", network_list, RPC_READONLY),
	D(NETWORK_INFO, "network.read", network_info, RPC_READONLY),
	D(NETWORK_XML, "network.read", network_xml, RPC_READONLY),
	D(NETWORK_LEASES, "network.read", network_leases, RPC_READONLY),
	D(NETWORK_UPDATE, "network.update", network_update, 0),
	D(CAPABILITIES, "connect.capabilities", capabilities, RPC_READONLY),
	D(DOMCAPABILITIES, "connect.capabilities", domcapabilities,
	  RPC_READONLY),
	D(CPU_COMPARE, "connect.cpu-compare", cpu_compare, RPC_READONLY),
	D(CPU_BASELINE, "connect.cpu-baseline", cpu_baseline, RPC_READONLY),
#undef D
};

const struct rpc_service vmhostd_service = {
	"vmhost", &vmhost__request__descriptor, &vmhost__reply__descriptor,
	vmhostd_handlers, sizeof(vmhostd_handlers) / sizeof(vmhostd_handlers[0]),
};
