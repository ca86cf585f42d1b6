/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The shared main of vmhost-netd, -secd and -stord: folders, socket, peer check, drop, loop. */
#define LOG_MODULE "helperd"
#include "common/helperd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/paths.h"
#include "common/priv.h"

static uid_t front_uid = (uid_t)-1;

/* Helpers serve exactly one peer: vmhostd's uid. */
static int
helperd_check_peer(const struct ipc_peer *peer, void *ctx, char *msg,
    size_t len)
{
	(void)ctx;
	if (peer->uid == front_uid)
		return 0;
	snprintf(msg, len, "peer uid %u is not vmhostd's (uid %u): refused",
	    (unsigned)peer->uid, (unsigned)front_uid);
	return -EPERM;
}

/* /run/vmhost (0755) and /run/vmhost/NAME (0750, USER:vmhost). */
static int
helperd_dirs(const struct helperd *h, uid_t uid, gid_t group)
{
	char path[4096];
	int r;

	if (path_build(path, sizeof(path), VMHOST_RUN_DIR) < 0)
		return -ENAMETOOLONG;
	if ((r = dir_ensure(path, 0755, (uid_t)-1, (gid_t)-1)) < 0)
		return r;
	if (path_build(path, sizeof(path), VMHOST_HELPER_DIR_FMT, h->name) < 0)
		return -ENAMETOOLONG;
	if (getuid() == 0)
		return dir_ensure(path, 0750, uid, group);
	return dir_ensure(path, 0750, (uid_t)-1, (gid_t)-1);
}

static struct rpc_server *
helperd_listen(struct event_base *base, const struct helperd *h, uid_t uid,
    gid_t group)
{
	struct rpc_listen_opts lo = { 0 };
	char path[4096];

	if (path_build(path, sizeof(path), VMHOST_HELPER_SOCK_FMT, h->name,
	    h->name) < 0)
		return NULL;
	lo.path = path;
	lo.mode = 0660;
	lo.uid = getuid() == 0 ? uid : (uid_t)-1;
	lo.gid = group;
	lo.check = helperd_check_peer;
	return rpc_server_new(base, h->svc, &lo, -1);
}

int
helperd_main(int argc, char **argv, const struct helperd *h)
{
	struct daemon_opts o = { .prog = h->prog };
	struct priv_spec spec = { h->user, NULL, h->caps, h->ncaps,
		h->inheritable };
	struct event_base *base;
	struct rpc_server *srv;
	uid_t uid;
	gid_t gid, group;
	int r;

	daemon_parse_args(argc, argv, &o, h->usage_extra);
	if (daemon_setup(&o) < 0)
		return 1;
	if (o.check_config)
		return 0;	/* helpers read no configuration yet */
	if (priv_lookup_user(h->user, &uid, &gid) < 0 ||
	    daemon_front_uid(&front_uid, NULL) < 0 ||
	    priv_lookup_group(VMHOST_GROUP, &group) < 0)
		log_fatal("users '%s' and '%s' and group '%s' must exist (run scripts/setup)",
		    h->user, VMHOST_USER, VMHOST_GROUP);
	if ((r = helperd_dirs(h, uid, group)) < 0)
		log_fatal("cannot create %s/run/vmhost/%s: %s", paths_root(),
		    h->name, strerror(-r));
	if (!(base = event_base_new()))
		log_fatal("cannot create the event loop");
	if (h->before_drop && h->before_drop(base, &o) < 0)
		return 1;
	if (!(srv = helperd_listen(base, h, uid, group)))
		return 1;
	daemon_drop(&spec);
	if (h->after_drop && h->after_drop(base, &o) < 0)
		return 1;
	log_info("%s %s ready", h->prog, VMHOST_VERSION);
	daemon_run(base);
	rpc_server_free(srv);
	event_base_free(base);
	return 0;
}
