/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-secd's entry point and dispatch table: guest confinement and emulator launch. */
#define LOG_MODULE "secd"
#include <errno.h>
#include <getopt.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secd.pb-c.h"
#include "common/domain_xml.h"
#include "common/fileio.h"
#include "common/helperd.h"
#include "common/log.h"
#include "common/paths.h"
#include "secd/launch.h"
#include "secd/profile.h"

#ifndef VMHOST_DATADIR
#define VMHOST_DATADIR "/usr/share/vmhost"
#endif

/* CAP_NET_ADMIN only with clear_emulator_capabilities = 0, to pass on. */
static int secd_caps[] = { CAP_SETUID, CAP_SETGID, CAP_KILL, CAP_NET_ADMIN };

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

static void
secd_handle_launch(struct rpc_call *call, const void *req)
{
	const Vmhost__Secd__LaunchRequest *lr =
	    ((const Vmhost__Secd__Request *)req)->launch;
	Vmhost__Secd__Reply rep = VMHOST__SECD__REPLY__INIT;
	Vmhost__Secd__LaunchReply lrep = VMHOST__SECD__LAUNCH_REPLY__INIT;
	struct secd_launch_req rq = { lr->uuid, lr->name, lr->argv, lr->n_argv,
		lr->fd_targets, lr->n_fd_targets, NULL, 0 };
	int fds[IPC_MAX_FDS], pidfd = -1, r;
	char err[1024];
	pid_t pid = -1;

	rq.nfds = rpc_call_nfds(call);
	if (rq.nfds > IPC_MAX_FDS)
		rq.nfds = IPC_MAX_FDS;
	for (size_t i = 0; i < rq.nfds; i++)
		fds[i] = rpc_call_take_fd(call, i);
	rq.fds = fds;
	r = secd_launch(&rq, &pid, &lrep.start_time, &pidfd, err, sizeof(err));
	for (size_t i = 0; i < rq.nfds; i++)
		close(fds[i]);
	if (r < 0) {
		rpc_reply_error(call, -r, "%s", err);
		return;
	}
	lrep.pid = pid;
	rep.result_case = VMHOST__SECD__REPLY__RESULT_LAUNCH;
	rep.launch = &lrep;
	rpc_reply(call, &rep.base, &pidfd, 1);
	close(pidfd);
}

static void
secd_handle_signal(struct rpc_call *call, const void *req)
{
	const Vmhost__Secd__SignalRequest *sr =
	    ((const Vmhost__Secd__Request *)req)->signal;
	char err[512];
	int r;

	if ((r = secd_signal(sr->uuid, sr->pid, sr->signal, err,
	    sizeof(err))) < 0)
		rpc_reply_error(call, -r, "%s", err);
	else
		rpc_reply_ok(call);
}

static void
secd_handle_release(struct rpc_call *call, const void *req)
{
	const Vmhost__Secd__ReleaseRequest *rr =
	    ((const Vmhost__Secd__Request *)req)->release;
	char err[512];
	int r;

	if ((r = secd_release(rr->uuid, rr->pid, err, sizeof(err))) < 0)
		rpc_reply_error(call, -r, "%s", err);
	else
		rpc_reply_ok(call);
}

static const struct rpc_handler secd_handlers[] = {
	{ VMHOST__SECD__REQUEST__OP_STATUS, "status", secd_handle_status, 0 },
	{ VMHOST__SECD__REQUEST__OP_PING, "ping", secd_handle_ping, 0 },
	{ VMHOST__SECD__REQUEST__OP_LAUNCH, "launch", secd_handle_launch, 0 },
	{ VMHOST__SECD__REQUEST__OP_SIGNAL, "signal", secd_handle_signal, 0 },
	{ VMHOST__SECD__REQUEST__OP_RELEASE, "release", secd_handle_release,
	    0 },
};

static const struct rpc_service secd_service = {
	"secd", &vmhost__secd__request__descriptor,
	&vmhost__secd__reply__descriptor, secd_handlers,
	sizeof(secd_handlers) / sizeof(secd_handlers[0]),
};

static int
secd_before_drop(struct event_base *base, struct daemon_opts *o)
{
	int r;

	(void)base;
	if ((r = secd_launch_init(o->config)) < 0)
		return r;
	/* Started as root: the one-time cgroup work, and secd itself into
	 * the v2 vmhost/secd (so that it can move its children). */
	if (getuid() == 0 && geteuid() == 0)
		secd_cgroups_setup(getpid());
	return 0;
}

static int
secd_after_drop(struct event_base *base, struct daemon_opts *o)
{
	(void)o;
	return secd_launch_ready(base);
}

/* Add one file to the guest's list (files has room for AA_FILES_MAX). */
static int
guest_add(struct aa_file *files, size_t *n, const char *path,
    enum aa_kind kind, bool readonly)
{
	if (!path)
		return 0;
	if (*n >= AA_FILES_MAX)
		return -E2BIG;
	files[*n].path = path;
	files[*n].kind = kind;
	files[*n].readonly = readonly;
	(*n)++;
	return 0;
}

static int
guest_add_chardevs(struct aa_file *files, size_t *n,
    const struct domain_chardev *c, size_t nc)
{
	int r = 0;

	for (size_t i = 0; i < nc && r == 0; i++) {
		if (c[i].type == DOMAIN_CHR_FILE)
			r = guest_add(files, n, c[i].source_path,
			    AA_KIND_SERIAL, false);
		else if (c[i].type == DOMAIN_CHR_UNIX)
			r = guest_add(files, n, c[i].source_path,
			    AA_KIND_SOCKET, false);
	}
	return r;
}

/* The files of a definition, as the profile sees them. */
static int
guest_files(const struct domain_def *d, struct aa_file *files, size_t *n)
{
	int r = 0;

	*n = 0;
	for (size_t i = 0; i < d->ndisks && r == 0; i++) {
		const struct domain_disk *k = &d->disks[i];

		r = guest_add(files, n, k->source,
		    k->device == DOMAIN_DISK_CDROM ? AA_KIND_CDROM :
		    AA_KIND_DISK, k->readonly);
	}
	if (r == 0)
		r = guest_add(files, n, d->os.kernel, AA_KIND_KERNEL, true);
	if (r == 0)
		r = guest_add(files, n, d->os.initrd, AA_KIND_INITRD, true);
	if (r == 0)
		r = guest_add_chardevs(files, n, d->serials, d->nserials);
	if (r == 0)
		r = guest_add_chardevs(files, n, d->consoles, d->nconsoles);
	if (r == 0)
		r = guest_add_chardevs(files, n, d->channels, d->nchannels);
	return r;
}

/* ROOT/etc/vmhost/apparmor/TEMPLATE when the administrator put one there,
 * else the shipped one. */
static void
template_path(char *buf, size_t len)
{
	if (path_build(buf, len, VMHOST_ETC_DIR "/apparmor/TEMPLATE") == 0 &&
	    access(buf, R_OK) == 0)
		return;
	snprintf(buf, len, "%s/apparmor/TEMPLATE", VMHOST_DATADIR);
}

/* --print-profile DOMAIN.xml: the profile and .files secd would write. */
static int
secd_print_profile(const char *file)
{
	struct aa_file *files = NULL;
	struct domain_def *d = NULL;
	struct aa_guest g = { 0 };
	char *xml = NULL, err[1024], uuid[37], tmpl[4096];
	size_t len, n = 0;
	int r;

	if ((r = file_read_all(file, 4 * 1024 * 1024, &xml, &len)) < 0) {
		fprintf(stderr, "error: cannot read '%s': %s\n", file,
		    strerror(-r));
		return 1;
	}
	r = domain_parse(xml, len, &d, err, sizeof(err));
	if (r == 0 && !(files = calloc(AA_FILES_MAX, sizeof(*files))))
		r = -ENOMEM;
	if (r == 0 && (r = guest_files(d, files, &n)) < 0)
		snprintf(err, sizeof(err), "too many files (at most %d)",
		    AA_FILES_MAX);
	if (r == 0) {
		for (int i = 0, o = 0; i < 16; i++)
			o += snprintf(uuid + o, sizeof(uuid) - (size_t)o, "%s%02x",
			    (i == 4 || i == 6 || i == 8 || i == 10) ? "-" : "",
			    d->uuid[i]);
		g = (struct aa_guest){ uuid, d->name, files, n };
		template_path(tmpl, sizeof(tmpl));
		r = aa_print_profile(&g, tmpl, stdout, err, sizeof(err));
	}
	if (r < 0)
		fprintf(stderr, "error: %s\n", err);
	free(files);
	domain_def_free(d);
	free(xml);
	return r < 0 ? 1 : 0;
}

/* --setup-cgroups [PID]: the root part of the cgroups (systemd's
 * ExecStartPost=+), PID moved into the v2 vmhost/secd. */
static int
secd_setup_cgroups_main(const struct daemon_opts *o)
{
	char *end;
	long pid = 0;

	if (o->extra) {
		errno = 0;
		pid = strtol(o->extra, &end, 10);
		if (errno || *end || pid <= 0 || pid > INT32_MAX) {
			fprintf(stderr, "error: --setup-cgroups: '%s' is not a pid\n",
			    o->extra);
			return 1;
		}
	}
	if (geteuid() != 0) {
		fprintf(stderr, "error: --setup-cgroups must run as root\n");
		return 1;
	}
	if (secd_launch_init(o->config) < 0 ||
	    secd_cgroups_setup((pid_t)pid) < 0)
		return 1;
	return 0;
}

/* --check-config: qemu.conf as secd reads it. */
static int
secd_check_config(const char *path)
{
	struct secd_conf c;
	char err[512];
	int r;

	r = secd_conf_load(path, &c, err, sizeof(err));
	if (r < 0)
		fprintf(stderr, "error: %s\n", r == -ENOMEM ? strerror(ENOMEM) :
		    err);
	else
		printf("qemu.conf: ok (user %s, group %s, security_driver %s)\n",
		    c.user, c.group, c.security_driver);
	secd_conf_free(&c);
	return r < 0 ? 1 : 0;
}

static bool
emulator_keeps_net_admin(const char *config)
{
	struct secd_conf c;
	char err[512];
	bool keep;

	keep = secd_conf_load(config, &c, err, sizeof(err)) == 0 &&
	    !c.clear_emulator_capabilities;
	secd_conf_free(&c);
	return keep;
}

int
main(int argc, char **argv)
{
	struct helperd h = {
		.name = "secd",
		.prog = "vmhost-secd",
		.user = "vmhost-sec",
		.caps = secd_caps,
		.ncaps = 3,
		.inheritable = 0,
		.svc = &secd_service,
		.before_drop = secd_before_drop,
		.after_drop = secd_after_drop,
		.usage_extra = " [--print-profile DOMAIN.xml] [--setup-cgroups [PID]]",
	};
	struct daemon_opts o = { .prog = h.prog };

	/* The dry runs need no user, folder or socket: handled before
	 * helperd_main, which parses the options again. */
	daemon_parse_args(argc, argv, &o, h.usage_extra);
	if (o.print_profile || o.check_config || o.setup_cgroups) {
		if (daemon_setup(&o) < 0)
			return 1;
		if (o.setup_cgroups)
			return secd_setup_cgroups_main(&o);
		return o.print_profile ? secd_print_profile(o.print_profile) :
		    secd_check_config(o.config);
	}
	/* qemu.conf decides whether the emulators keep CAP_NET_ADMIN, which
	 * secd must then hold (and keep inheritable, to raise it ambient in
	 * the child). A broken qemu.conf is reported by before_drop. */
	if (paths_set_root(o.root) == 0 && emulator_keeps_net_admin(o.config)) {
		h.ncaps = 4;
		h.inheritable = 1;
	}
	optind = 0;
	return helperd_main(argc, argv, &h);
}
