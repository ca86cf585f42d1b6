/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's entry point: folders and client sockets, drop to user vmhost, helpers, loop. */
#define LOG_MODULE "vmhostd"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/daemon.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/paths.h"
#include "vmhostd/capabilities.h"
#include "vmhostd/commit.h"
#include "vmhostd/domains.h"
#include "vmhostd/events.h"
#include "vmhostd/lifecycle.h"
#include "vmhostd/networks.h"
#include "vmhostd/session.h"
#include "vmhostd/vmhostd.h"

struct vmhostd vmhostd;

/* Folders vmhostd owns, made while still root. */
static const struct {
	const char *path;
	mode_t mode;
} vmhostd_dirs[] = {
	{ VMHOST_RUN_DIR, 0755 },
	{ VMHOST_RUN_QEMU_DIR, 0750 },
	{ VMHOST_ETC_DIR, 0755 },
	{ VMHOST_DOMAIN_DIR, 0700 },
	{ VMHOST_NETWORK_DIR, 0700 },
	{ VMHOST_NETWORK_DIR "/autostart", 0700 },
	{ VMHOST_DOMAIN_DIR "/autostart", 0700 },
	{ VMHOST_LIB_DIR, 0755 },
	{ VMHOST_LOG_DIR, 0755 },
	{ VMHOST_LOG_DIR "/qemu", 0750 },
};

static int
vmhostd_make_dirs(void)
{
	char path[4096];
	int r;

	for (size_t i = 0; i < sizeof(vmhostd_dirs) / sizeof(*vmhostd_dirs);
	    i++) {
		if (path_build(path, sizeof(path), "%s", vmhostd_dirs[i].path) < 0)
			return -ENAMETOOLONG;
		r = dir_ensure(path, vmhostd_dirs[i].mode,
		    getuid() == 0 ? vmhostd.uid : (uid_t)-1,
		    getuid() == 0 ? vmhostd.gid : (gid_t)-1);
		if (r < 0) {
			log_error("cannot create '%s': %s", path, strerror(-r));
			return r;
		}
	}
	return 0;
}

static int
vmhostd_listen(void)
{
	struct rpc_listen_opts rw = { 0 }, ro = { 0 };
	char prw[4096], pro[4096];

	if (path_build(prw, sizeof(prw), VMHOST_SOCK) < 0 ||
	    path_build(pro, sizeof(pro), VMHOST_SOCK_RO) < 0)
		return -ENAMETOOLONG;
	rw.path = prw;
	rw.mode = 0660;
	rw.uid = getuid() == 0 ? vmhostd.uid : (uid_t)-1;
	rw.gid = vmhostd.gid;
	rw.check = access_check_rw;
	rw.authorize = access_authorize;
	ro.path = pro;
	ro.mode = 0666;
	ro.uid = rw.uid;
	ro.gid = vmhostd.gid;
	ro.readonly = 1;
	ro.authorize = access_authorize;
	vmhostd.srv_rw = rpc_server_new(vmhostd.base, &vmhostd_service, &rw, -1);
	vmhostd.srv_ro = rpc_server_new(vmhostd.base, &vmhostd_service, &ro, -1);
	return vmhostd.srv_rw && vmhostd.srv_ro ? 0 : -EIO;
}

/* SIGHUP: read acl.conf again. */
static void
on_sighup(evutil_socket_t sig, short what, void *arg)
{
	(void)sig, (void)what, (void)arg;
	access_reload();
}

int
main(int argc, char **argv)
{
	struct daemon_opts o = { .prog = "vmhostd" };
	struct priv_spec spec = { VMHOST_USER, VMHOST_GROUP, NULL, 0, 0 };
	struct event *hup;
	char jdir[4096];

	daemon_parse_args(argc, argv, &o, " [--session]");
	if (daemon_setup(&o) < 0 || (o.session && session_init() < 0))
		return 1;
	if (access_init() < 0)
		return 1;
	if (o.check_config)
		return 0;
	if (!vmhostd.session &&
	    (priv_lookup_user(VMHOST_USER, &vmhostd.uid, NULL) < 0 ||
	    priv_lookup_group(VMHOST_GROUP, &vmhostd.gid) < 0))
		log_fatal("user and group '%s' must exist (run scripts/setup)",
		    VMHOST_USER);
	if (!(vmhostd.base = event_base_new()))
		log_fatal("cannot create the event loop");
	if (vmhostd_make_dirs() < 0 || (vmhostd.session ?
	    session_listen(access_authorize) : vmhostd_listen()) < 0)
		return 1;
	if (vmhostd.session)
		session_secure();
	else
		daemon_drop(&spec);
	events_init(vmhostd.base);
	if (path_build(jdir, sizeof(jdir), "%s", VMHOST_DOMAIN_DIR) < 0)
		log_fatal("the domain folder's path is too long");
	commit_init(vmhostd.base, jdir);
	if (domains_init() < 0)
		log_fatal("out of memory");
	domains_load();
	if (networks_init() < 0)
		log_fatal("cannot create the network state folders");
	networks_load();
	if (!vmhostd.session)
		networks_default_create();
	lifecycle_reconnect_all();
	if ((vmhostd.session ? session_helpers_start(vmhostd.base) :
	    helpers_start(vmhostd.base)) < 0)
		log_fatal("cannot set up the helper connections");
	emulator_probe(vmhostd.base);
	caps_init(vmhostd.base);
	if (!(hup = evsignal_new(vmhostd.base, SIGHUP, on_sighup, NULL)) ||
	    evsignal_add(hup, NULL) < 0)
		log_fatal("cannot install the SIGHUP handler");
	log_info("vmhostd %s ready", VMHOST_VERSION);
	daemon_run(vmhostd.base);
	event_free(hup);
	access_free();
	commit_flush();		/* staged definitions land before we go */
	domains_cache_save();	/* after them: the next start reads no file */
	helpers_stop();
	session_helpers_stop();
	caps_free();
	rpc_server_free(vmhostd.srv_rw);
	rpc_server_free(vmhostd.srv_ro);
	event_base_free(vmhostd.base);
	return 0;
}
