/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's entry point and dispatch table: disk image probing and ownership. */
#define LOG_MODULE "stord"
#include <linux/capability.h>

#include "stord.pb-c.h"
#include "common/helperd.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/paths.h"
#include "common/priv.h"
#include "stord/disks.h"
#include "stord/offline.h"
#include "stord/owner.h"
#include "stord/service.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static void
stord_handle_prepare_disks(struct rpc_call *call, const void *req)
{
	const Vmhost__Stord__PrepareDisksRequest *r =
	    ((const Vmhost__Stord__Request *)req)->prepare_disks;
	Vmhost__Stord__Reply rep = VMHOST__STORD__REPLY__INIT;
	Vmhost__Stord__PrepareDisksReply pr;
	Vmhost__Stord__PreparedDisk pd[DISKS_MAX], *pdp[DISKS_MAX];
	Vmhost__Stord__PreparedLayer pl[DISKS_MAX_FDS], *plp[DISKS_MAX_FDS];
	struct disks_result *res = calloc(1, sizeof(*res));
	char err[1024];
	int rc;

	if (!res) {
		rpc_reply_error(call, ENOMEM, "out of memory");
		return;
	}
	if ((rc = disks_prepare(r->domain_xml, res, err, sizeof(err))) < 0) {
		rpc_reply_error(call, -rc, "%s", err);
		free(res);
		return;
	}
	for (size_t i = 0; i < res->nfds; i++) {
		vmhost__stord__prepared_layer__init(&pl[i]);
		pl[i].path = res->layers[i].path;
		pl[i].format = (char *)(uintptr_t)(res->layers[i].qcow2 ?
		    "qcow2" : "raw");
		pl[i].writable = res->layers[i].writable;
		plp[i] = &pl[i];
	}
	for (size_t i = 0; i < res->ndisks; i++) {
		vmhost__stord__prepared_disk__init(&pd[i]);
		pd[i].target = res->disks[i].target;
		pd[i].n_layers = res->disks[i].nlayers;
		pd[i].layers = &plp[res->disks[i].first];
		pdp[i] = &pd[i];
	}
	vmhost__stord__prepare_disks_reply__init(&pr);
	pr.n_disks = res->ndisks;
	pr.disks = pdp;
	rep.result_case = VMHOST__STORD__REPLY__RESULT_PREPARE_DISKS;
	rep.prepare_disks = &pr;
	rpc_reply(call, &rep.base, res->fds, res->nfds);
	disks_result_clear(res);
	free(res);
}

static void
stord_handle_release_disks(struct rpc_call *call, const void *req)
{
	(void)req;
	rpc_reply_ok(call);	/* descriptors need no undoing */
}

static void
stord_handle_probe(struct rpc_call *call, const void *req)
{
	const Vmhost__Stord__ProbeRequest *r =
	    ((const Vmhost__Stord__Request *)req)->probe;
	Vmhost__Stord__Reply rep = VMHOST__STORD__REPLY__INIT;
	Vmhost__Stord__ProbeReply pr;
	char err[1024] = "", backing[1100] = "";
	const char *fmt = "";

	vmhost__stord__probe_reply__init(&pr);
	if (disks_probe(r->path, r->allow_backing, &fmt, backing,
	    sizeof(backing), err, sizeof(err)) < 0)
		pr.reason = err;
	pr.format = (char *)(uintptr_t)fmt;
	pr.backing = backing;
	rep.result_case = VMHOST__STORD__REPLY__RESULT_PROBE;
	rep.probe = &pr;
	rpc_reply(call, &rep.base, NULL, 0);
}

/* The image pool and the state folder, owned by vmhost-stor; the
 * configuration, read while root. */
static int
stord_before_drop(struct event_base *base, struct daemon_opts *o)
{
	char path[4096], err[1024];
	uid_t uid;
	gid_t gid;
	int root = getuid() == 0, r;

	(void)base;
	if (priv_lookup_user(VMHOST_STOR_USER, &uid, &gid) < 0)
		return -ENOENT;
	if ((r = stord_config_load(o->config, err, sizeof(err))) < 0) {
		log_error("%s", err);
		return r;
	}
	if ((r = dir_ensure(stord_pool_dir(), 0711, root ? uid : (uid_t)-1,
	    root ? gid : (gid_t)-1)) < 0 ||
	    path_build(path, sizeof(path), "%s", STORD_STATE_DIR) < 0 ||
	    (r = dir_ensure(path, 0700, root ? uid : (uid_t)-1,
	    root ? gid : (gid_t)-1)) < 0) {
		log_error("cannot create the pool and state folders: %s",
		    strerror(r < 0 ? -r : ENAMETOOLONG));
		return r < 0 ? r : -ENAMETOOLONG;
	}
	return 0;
}

static int
stord_after_drop(struct event_base *base, struct daemon_opts *o)
{
	char err[1024];
	int r;

	(void)base;
	(void)o;
	if ((r = stord_owner_init(err, sizeof(err))) < 0)
		log_error("%s", err);
	return r;
}

/* --check-config: stord.conf parsed and its folders checked. */
static int
stord_check_config(int argc, char **argv)
{
	struct daemon_opts o = { .prog = "vmhost-stord" };
	char err[1024];

	daemon_parse_args(argc, argv, &o, NULL);
	if (daemon_setup(&o) < 0)
		return 1;
	if (stord_config_load(o.config, err, sizeof(err)) < 0) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	printf("configuration OK\n");
	return 0;
}

/* --migrate-disks [--dry-run] [--allow-backing] [--root DIR] [--config FILE] */
static int
stord_offline(int argc, char **argv)
{
	struct daemon_opts o = { .prog = "vmhost-stord" };
	bool dry_run = false, allow_backing = false;
	char *args[64], err[1024];
	int n = 0;

	for (int i = 0; i < argc && n < 63; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			dry_run = true;
		else if (strcmp(argv[i], "--allow-backing") == 0)
			allow_backing = true;
		else if (strcmp(argv[i], "--migrate-disks"))
			args[n++] = argv[i];
	}
	args[n] = NULL;
	daemon_parse_args(n, args, &o, NULL);
	if (daemon_setup(&o) < 0)
		return 1;
	if (stord_config_load(o.config, err, sizeof(err)) < 0) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	return offline_migrate_disks(dry_run, allow_backing);
}

static const struct rpc_handler stord_handlers[] = {
	{ VMHOST__STORD__REQUEST__OP_PREPARE_DISKS, "prepare-disks",
	  stord_handle_prepare_disks, 0 },
	{ VMHOST__STORD__REQUEST__OP_RELEASE_DISKS, "release-disks",
	  stord_handle_release_disks, 0 },
	{ VMHOST__STORD__REQUEST__OP_PROBE, "probe", stord_handle_probe, 0 },
	{ VMHOST__STORD__REQUEST__OP_VOL_CREATE, "vol-create",
	  stord_handle_vol_create, 0 },
	{ VMHOST__STORD__REQUEST__OP_VOL_LIST, "vol-list",
	  stord_handle_vol_list, 0 },
	{ VMHOST__STORD__REQUEST__OP_VOL_INFO, "vol-info",
	  stord_handle_vol_info, 0 },
	{ VMHOST__STORD__REQUEST__OP_VOL_DELETE, "vol-delete",
	  stord_handle_vol_delete, 0 },
	{ VMHOST__STORD__REQUEST__OP_VOL_RESIZE, "vol-resize",
	  stord_handle_vol_resize, 0 },
	{ VMHOST__STORD__REQUEST__OP_CHOWN, "chown", stord_handle_chown, 0 },
	{ VMHOST__STORD__REQUEST__OP_CHOWN_RELEASE, "chown-release",
	  stord_handle_chown_release, 0 },
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
		.before_drop = stord_before_drop,
		.after_drop = stord_after_drop,
		.usage_extra = " [--migrate-disks [--dry-run] [--allow-backing]]",
	};

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--check-config") == 0)
			return stord_check_config(argc, argv);
		else if (strcmp(argv[i], "--migrate-disks") == 0)
			return stord_offline(argc, argv);

	return helperd_main(argc, argv, &h);
}
