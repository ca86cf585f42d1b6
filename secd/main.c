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
#include <sys/wait.h>
#include <unistd.h>

#include <sys/apparmor.h>

#include "secd.pb-c.h"
#include "common/domain_xml.h"
#include "common/fileio.h"
#include "common/helperd.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/paths.h"
#include "secd/confine.h"
#include "secd/emulator_policy.h"
#include "secd/launch.h"
#include "secd/profile.h"

#ifndef VMHOST_DATADIR
#define VMHOST_DATADIR "/usr/share/vmhost"
#endif

/* SETUID, SETGID, KILL always; NET_ADMIN with clear_emulator_capabilities
 * = 0 (passed on to the emulators), MAC_ADMIN with AppArmor in force
 * (passed on to apparmor_parser). */
static int secd_caps[5] = { CAP_SETUID, CAP_SETGID, CAP_KILL };

static void
secd_handle_status(struct rpc_call *call, const void *req)
{
	Vmhost__Secd__Reply rep = VMHOST__SECD__REPLY__INIT;
	Vmhost__DaemonStatus st;

	(void)req;
	daemon_status_fill(&st, "vmhost-secd");
	st.security_model = (char *)(uintptr_t)secd_security_model();
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

/* A launch in progress (its profile may be loading). */
struct launch_ctx {
	struct rpc_call *call;
	const Vmhost__Secd__LaunchRequest *lr;
	int fds[IPC_MAX_FDS];
	size_t nfds;
	char profile[AA_PROFILE_NAME_MAX];
	struct cg_limits limits;	/* from the definition */
};

static void
launch_ctx_end(struct launch_ctx *c)
{
	for (size_t i = 0; i < c->nfds; i++)
		close(c->fds[i]);
	free(c);
}

/* The last step of a launch: start the emulator (in c->profile when set)
 * and answer. */
static void
launch_finish(struct launch_ctx *c)
{
	const Vmhost__Secd__LaunchRequest *lr = c->lr;
	Vmhost__Secd__Reply rep = VMHOST__SECD__REPLY__INIT;
	Vmhost__Secd__LaunchReply lrep = VMHOST__SECD__LAUNCH_REPLY__INIT;
	struct secd_launch_req rq = { lr->uuid, lr->name, lr->argv, lr->n_argv,
		lr->fd_targets, lr->n_fd_targets, c->fds, c->nfds,
		c->profile[0] ? c->profile : NULL, &c->limits };
	int pidfd = -1, r;
	char err[1024];
	pid_t pid = -1;

	r = secd_launch(&rq, &pid, &lrep.start_time, &pidfd, err, sizeof(err));
	if (r < 0) {
		rpc_reply_error(c->call, -r, "%s", err);
	} else {
		lrep.pid = pid;
		rep.result_case = VMHOST__SECD__REPLY__RESULT_LAUNCH;
		rep.launch = &lrep;
		rpc_reply(c->call, &rep.base, &pidfd, 1);
		close(pidfd);
	}
	launch_ctx_end(c);
}

/* The cgroup limits a definition asks for (<memtune> in KiB). */
static void
launch_limits(const struct domain_def *d, struct cg_limits *l)
{
	l->mem_hard = d->memtune.hard_kib * 1024;
	l->mem_soft = d->memtune.soft_kib * 1024;
	l->memsw_hard = d->memtune.swap_hard_kib * 1024;
	l->shares = d->cputune.shares;
	l->period = d->cputune.period;
	l->quota = d->cputune.quota;
}

/* apparmor_parser is done: launch in the profile, or report. */
static void
on_profile_loaded(void *arg, int status)
{
	struct launch_ctx *c = arg;

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		launch_finish(c);
		return;
	}
	log_warn("guest %s: apparmor_parser failed on profile %s (status %d)",
	    c->lr->uuid, c->profile, status);
	rpc_reply_error(c->call, EPERM,
	    "cannot load the AppArmor profile %s of '%s' (apparmor_parser %s %d)",
	    c->profile, c->lr->name, WIFEXITED(status) ? "exit" : "signal",
	    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	launch_ctx_end(c);
}

/*
 * A launch: the guest's profile is written and loaded first when AppArmor
 * is in force (apparmor_parser runs while the loop goes on; the reply
 * waits for it), then the emulator starts in it.
 */
static void
secd_handle_launch(struct rpc_call *call, const void *req)
{
	const Vmhost__Secd__LaunchRequest *lr =
	    ((const Vmhost__Secd__Request *)req)->launch;
	struct domain_def *d = NULL;
	struct launch_ctx *c;
	char err[1024];
	bool confine;
	int r;

	if (!(c = calloc(1, sizeof(*c)))) {
		rpc_reply_error(call, ENOMEM, "out of memory");
		return;
	}
	c->call = call;
	c->lr = lr;
	c->nfds = rpc_call_nfds(call);
	if (c->nfds > IPC_MAX_FDS)
		c->nfds = IPC_MAX_FDS;
	for (size_t i = 0; i < c->nfds; i++)
		c->fds[i] = rpc_call_take_fd(call, i);
	if ((r = policy_uuid_valid(lr->uuid, err, sizeof(err))) < 0 ||
	    (r = confine_decide(lr->uuid, lr->domain_xml, secd_aa_active(), &d,
	    &confine, err, sizeof(err))) < 0)
		goto fail;
	if (d)
		launch_limits(d, &c->limits);
	if (!confine) {
		domain_def_free(d);
		launch_finish(c);
		return;
	}
	r = confine_load(d, lr->uuid, c->profile, sizeof(c->profile),
	    on_profile_loaded, c, err, sizeof(err));
	domain_def_free(d);
	if (r == 0)
		return;
fail:
	log_warn("launch of guest %s refused: %s", lr->uuid, err);
	rpc_reply_error(call, -r, "%s", err);
	launch_ctx_end(c);
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
	if (r == 0 && (r = confine_guest_files(d, files, &n)) < 0)
		snprintf(err, sizeof(err), "too many files (at most %d)",
		    AA_FILES_MAX);
	if (r == 0) {
		for (int i = 0, o = 0; i < 16; i++)
			o += snprintf(uuid + o, sizeof(uuid) - (size_t)o, "%s%02x",
			    (i == 4 || i == 6 || i == 8 || i == 10) ? "-" : "",
			    d->uuid[i]);
		g = (struct aa_guest){ uuid, d->name, files, n };
		confine_template_path(tmpl, sizeof(tmpl));
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

	uid_t uid;
	gid_t gid;

	r = secd_conf_load(path, &c, err, sizeof(err));
	if (r == 0)
		r = secd_conf_users(&c, &uid, &gid, err, sizeof(err));
	if (r < 0)
		fprintf(stderr, "error: %s\n", r == -ENOMEM ? strerror(ENOMEM) :
		    err);
	else if (c.dynamic_users)
		printf("qemu.conf: ok (dynamic users %u-%u, group %s, security_driver %s)\n",
		    (unsigned)c.du_lo, (unsigned)c.du_hi, c.group,
		    c.security_driver);
	else
		printf("qemu.conf: ok (user %s, group %s, security_driver %s)\n",
		    c.user, c.group, c.security_driver);
	secd_conf_free(&c);
	return r < 0 ? 1 : 0;
}

/* The capabilities qemu.conf (and the kernel) call for: 3, 4 or 5. */
static size_t
secd_caps_for(const char *config)
{
	struct secd_conf c;
	char err[512];
	size_t n = 3;

	if (secd_conf_load(config, &c, err, sizeof(err)) == 0) {
		if (!c.clear_emulator_capabilities)
			secd_caps[n++] = CAP_NET_ADMIN;
		if (!strcmp(c.security_driver, "apparmor") &&
		    aa_is_enabled() == 1)
			secd_caps[n++] = CAP_MAC_ADMIN;
	}
	secd_conf_free(&c);
	return n;
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
	if (paths_set_root(o.root) == 0) {
		h.ncaps = secd_caps_for(o.config);
		h.inheritable = h.ncaps > 3;
	}
	optind = 0;
	return helperd_main(argc, argv, &h);
}
