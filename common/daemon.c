/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Common main-function steps of the four vmhost daemons: options, drop, signals, loop. */
#define LOG_MODULE "daemon"
#include "common/daemon.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "common.pb-c.h"
#include "common/log.h"
#include "common/paths.h"

static const struct option long_opts[] = {
	{ "root", required_argument, NULL, 'r' },
	{ "config", required_argument, NULL, 'f' },
	{ "check-config", no_argument, NULL, 'C' },
	{ "foreground", no_argument, NULL, 'F' },
	{ "print-profile", required_argument, NULL, 'P' },
	{ "setup-cgroups", no_argument, NULL, 'G' },
	{ "session", no_argument, NULL, 'S' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
usage(const char *prog, const char *extra, int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f, "Usage: %s [--root DIR] [--config FILE] [--check-config] [--foreground]%s\n"
	    "  --root DIR       prefix every path with DIR (tests, demos)\n"
	    "  --config FILE    configuration file (default under /etc/vmhost)\n"
	    "  --check-config   parse the configuration, report, and exit\n"
	    "  --foreground     stay in the foreground (the default)\n"
	    "Environment: VMHOST_DEBUG=1 for debug output; VMHOST_LOG=LEVEL[,module:LEVEL...]\n",
	    prog, extra ? extra : "");
	exit(status);
}

void
daemon_parse_args(int argc, char **argv, struct daemon_opts *o,
    const char *usage_extra)
{
	int c;

	o->root = "";
	o->foreground = 1;
	while ((c = getopt_long(argc, argv, "r:f:CFh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'r': o->root = optarg; break;
		case 'f': o->config = optarg; break;
		case 'C': o->check_config = 1; break;
		case 'F': o->foreground = 1; break;
		case 'P': o->print_profile = optarg; break;
		case 'G': o->setup_cgroups = 1; break;
		case 'S': o->session = 1; break;
		case 'V': printf("%s %s\n", o->prog, VMHOST_VERSION); exit(0);
		case 'h': usage(o->prog, usage_extra, 0); break;
		default: usage(o->prog, usage_extra, 2);
		}
	}
	if (optind < argc)
		o->extra = argv[optind];
}

int
daemon_setup(struct daemon_opts *o)
{
	log_init(o->prog);
	if (paths_set_root(o->root) < 0) {
		log_error("--root must be an absolute path: '%s'", o->root);
		return -EINVAL;
	}
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

void
daemon_drop(const struct priv_spec *spec)
{
	struct proc_status st;
	char eff[512], bnd[512];

	if (priv_drop(spec) < 0)
		exit(1);
	if (proc_status_read(0, &st) < 0)
		log_fatal("cannot read /proc/self/status");
	log_info("running as uid %u gid %u, capabilities %s, bounding %s, no_new_privs %d",
	    (unsigned)st.uid, (unsigned)st.gid,
	    cap_mask_names(st.cap_eff, eff, sizeof(eff)),
	    cap_mask_names(st.cap_bnd, bnd, sizeof(bnd)), st.no_new_privs);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	log_info("signal %d: exiting", (int)sig);
	event_base_loopexit(arg, NULL);
}

int
daemon_run(struct event_base *base)
{
	struct event *term = evsignal_new(base, SIGTERM, on_signal, base);
	struct event *intr = evsignal_new(base, SIGINT, on_signal, base);

	if (!term || !intr || event_add(term, NULL) < 0 ||
	    event_add(intr, NULL) < 0)
		log_fatal("cannot install signal handlers");
	event_base_dispatch(base);
	event_free(term);
	event_free(intr);
	return 0;
}

void
daemon_status_fill(Vmhost__DaemonStatus *st, const char *name)
{
	static char user[64];
	struct proc_status ps;
	struct passwd *pw;

	vmhost__daemon_status__init(st);
	st->name = (char *)(uintptr_t)name;
	st->version = (char *)(uintptr_t)VMHOST_VERSION;
	st->pid = (int32_t)getpid();
	if (proc_status_read(0, &ps) == 0) {
		st->uid = ps.uid;
		st->gid = ps.gid;
		st->cap_eff = ps.cap_eff;
		st->cap_prm = ps.cap_prm;
		st->cap_bnd = ps.cap_bnd;
		st->cap_amb = ps.cap_amb;
		st->no_new_privs = ps.no_new_privs != 0;
	}
	pw = getpwuid(st->uid);
	snprintf(user, sizeof(user), "%s", pw ? pw->pw_name : "?");
	st->user = user;
	st->connected = 1;
}

int
daemon_front_uid(uid_t *uid, gid_t *gid)
{
	return priv_lookup_user(VMHOST_USER, uid, gid);
}
