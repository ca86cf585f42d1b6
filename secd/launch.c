/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-secd: starting emulators as the qemu.conf user without capabilities, in their cgroups; signals; reaping. */
#define LOG_MODULE "secd"
#include "secd/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cap-ng.h>
#include <sys/apparmor.h>
#include <event2/event.h>

#include "common/conf.h"
#include "common/daemon.h"
#include "common/domain_xml.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/paths.h"
#include "common/priv.h"
#include "secd/cgroup.h"
#include "secd/confine.h"
#include "secd/emulator_policy.h"
#include "secd/profile.h"
#include "secd/users.h"

static struct {
	struct secd_conf conf;
	uid_t uid;
	gid_t gid;
	bool aa_active;		/* AppArmor enabled and security_driver apparmor */
	struct event *ev_chld;
} sl = { .uid = (uid_t)-1, .gid = (gid_t)-1 };

static const struct conf_key secd_conf_schema[] = {
	{ "user", CONF_STRING, offsetof(struct secd_conf, user), 0, 0 },
	{ "group", CONF_STRING, offsetof(struct secd_conf, group), 0, 0 },
	{ "security_driver", CONF_STRING,
	    offsetof(struct secd_conf, security_driver), 0, 0 },
	{ "clear_emulator_capabilities", CONF_BOOL,
	    offsetof(struct secd_conf, clear_emulator_capabilities), 0, 0 },
	{ "cgroup_device_acl", CONF_STRLIST,
	    offsetof(struct secd_conf, cgroup_device_acl), 0, 0 },
	{ "dynamic_users", CONF_BOOL, offsetof(struct secd_conf, dynamic_users),
	    0, 0 },
	{ "dynamic_users_range", CONF_STRING,
	    offsetof(struct secd_conf, dynamic_users_range), 0, 0 },
	{ "seccomp_sandbox", CONF_BOOL,
	    offsetof(struct secd_conf, seccomp_sandbox), 0, 0 },
	{ "emulators", CONF_STRLIST, offsetof(struct secd_conf, emulators),
	    0, 0 },
};
#define NCONF (sizeof(secd_conf_schema) / sizeof(secd_conf_schema[0]))

static int
secd_conf_check(struct secd_conf *c, char *err, size_t errlen)
{
	size_t n = 0;

	if (strcmp(c->security_driver, "apparmor") &&
	    strcmp(c->security_driver, "none")) {
		snprintf(err, errlen, "qemu.conf: security_driver must be \"apparmor\" or \"none\"");
		return -EINVAL;
	}
	if (c->dynamic_users && du_range_parse(c->dynamic_users_range ?
	    c->dynamic_users_range : DU_DEFAULT_RANGE, &c->du_lo, &c->du_hi,
	    err, errlen) < 0)
		return -EINVAL;
	for (size_t i = 0; c->cgroup_device_acl && c->cgroup_device_acl[i]; i++) {
		if (c->cgroup_device_acl[i][0] != '/' || i >= CG_MAX_RULES - 1) {
			snprintf(err, errlen, "qemu.conf: cgroup_device_acl must be at most %d absolute paths",
			    CG_MAX_RULES - 1);
			return -EINVAL;
		}
	}
	for (; c->emulators && c->emulators[n]; n++) {
		if (c->emulators[n][0] != '/' || n >= POLICY_MAX_EMULATORS) {
			snprintf(err, errlen, "qemu.conf: emulators must be at most %d absolute paths",
			    POLICY_MAX_EMULATORS);
			return -EINVAL;
		}
	}
	return 0;
}

int
secd_conf_load(const char *path, struct secd_conf *c, char *err, size_t errlen)
{
	char buf[4096];
	int r;

	memset(c, 0, sizeof(*c));
	c->clear_emulator_capabilities = 1;
	c->seccomp_sandbox = 1;
	if (!path) {
		if (path_build(buf, sizeof(buf), VMHOST_ETC_DIR "/qemu.conf") < 0)
			return -ENAMETOOLONG;
		path = buf;
	}
	if ((r = conf_load(path, 1, secd_conf_schema, NCONF, c, err,
	    errlen)) < 0)
		return r;
	if ((!c->user && !(c->user = strdup(VMHOST_QEMU_USER))) ||
	    (!c->group && !(c->group = strdup(VMHOST_QEMU_GROUP))) ||
	    (!c->security_driver && !(c->security_driver = strdup("apparmor"))))
		return -ENOMEM;
	return secd_conf_check(c, err, errlen);
}

void
secd_conf_free(struct secd_conf *c)
{
	conf_free(secd_conf_schema, NCONF, c);
}

const char *
secd_security_model(void)
{
	return sl.aa_active ? "apparmor" : "none";
}

const char *const *
secd_emulators(void)
{
	if (sl.conf.emulators && sl.conf.emulators[0])
		return (const char *const *)sl.conf.emulators;
	return policy_default_emulators;
}

int
secd_conf_users(const struct secd_conf *c, uid_t *uid, gid_t *gid, char *err,
    size_t errlen)
{
	gid_t ugid;

	if (priv_lookup_user(c->user, uid, &ugid) < 0 ||
	    priv_lookup_group(c->group, gid) < 0) {
		snprintf(err, errlen, "qemu.conf: emulator user '%s' or group '%s' does not exist",
		    c->user, c->group);
		return -ENOENT;
	}
	if (*uid == 0 && strcmp(c->user, "root")) {
		snprintf(err, errlen, "qemu.conf: emulator user '%s' has uid 0: write user = \"root\" to mean it",
		    c->user);
		return -EPERM;
	}
	return 0;
}

int
secd_launch_init(const char *conf_path)
{
	char err[512];
	int r;

	if ((r = secd_conf_load(conf_path, &sl.conf, err, sizeof(err))) < 0) {
		log_error("%s", err);
		return r;
	}
	if ((r = secd_conf_users(&sl.conf, &sl.uid, &sl.gid, err,
	    sizeof(err))) < 0) {
		log_error("%s", err);
		return r;
	}
	if (sl.conf.dynamic_users)
		log_info("emulators run as one dynamic uid each (%u-%u), group %s (gid %u)",
		    (unsigned)sl.conf.du_lo, (unsigned)sl.conf.du_hi,
		    sl.conf.group, (unsigned)sl.gid);
	else
		log_info("emulators run as %s:%s (uid %u gid %u)", sl.conf.user,
		    sl.conf.group, (unsigned)sl.uid, (unsigned)sl.gid);
	return 0;
}

int
secd_cgroups_setup(pid_t pid)
{
	uid_t uid;
	gid_t gid;

	if (priv_lookup_user(VMHOST_SEC_USER, &uid, &gid) < 0) {
		log_error("user '%s' does not exist (run scripts/setup)",
		    VMHOST_SEC_USER);
		return -ENOENT;
	}
	if (!strcmp(sl.conf.security_driver, "apparmor") && aa_is_enabled() == 1)
		confine_setup_dir(uid, gid);
	return cg_setup((const char *const *)sl.conf.cgroup_device_acl, uid,
	    gid, pid);
}

/* Children whose exit someone waits for (apparmor_parser). */
#define MAX_WATCH	64
static struct {
	pid_t pid;
	void (*cb)(void *arg, int status);
	void *arg;
} watches[MAX_WATCH];

int
secd_watch_child(pid_t pid, void (*cb)(void *arg, int status), void *arg)
{
	for (size_t i = 0; i < MAX_WATCH; i++) {
		if (watches[i].pid == 0) {
			watches[i].pid = pid;
			watches[i].cb = cb;
			watches[i].arg = arg;
			return 0;
		}
	}
	kill(pid, SIGKILL);
	return -EAGAIN;
}

static bool
watched_exit(pid_t pid, int status)
{
	for (size_t i = 0; i < MAX_WATCH; i++) {
		if (watches[i].pid == pid) {
			watches[i].pid = 0;
			watches[i].cb(watches[i].arg, status);
			return true;
		}
	}
	return false;
}

/* Reap every exited child: the emulators are watched by vmhostd's pidfds;
 * a watched child's status goes to its callback. */
static void
on_sigchld(evutil_socket_t sig, short what, void *arg)
{
	int status;
	pid_t pid;

	(void)sig;
	(void)what;
	(void)arg;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (watched_exit(pid, status))
			continue;
		if (WIFSIGNALED(status))
			log_info("emulator pid %d killed by signal %d", (int)pid,
			    WTERMSIG(status));
		else
			log_info("emulator pid %d exited with status %d",
			    (int)pid, WEXITSTATUS(status));
	}
}

static void
apparmor_probe(void)
{
	char reason[256];

	if (!strcmp(sl.conf.security_driver, "none")) {
		log_info("guests run with host protection only (security_driver = \"none\")");
		return;
	}
	if (!aa_enabled(reason, sizeof(reason))) {
		log_info("guests run with host protection only (%s)", reason);
		return;
	}
	sl.aa_active = true;
	log_info("guests run in their AppArmor profiles (vmhost-UUID, loaded with apparmor_parser)");
}

bool
secd_aa_active(void)
{
	return sl.aa_active;
}

int
secd_launch_ready(struct event_base *base)
{
	sl.ev_chld = evsignal_new(base, SIGCHLD, on_sigchld, NULL);
	if (!sl.ev_chld || event_add(sl.ev_chld, NULL) < 0) {
		log_error("cannot watch SIGCHLD");
		return -ENOMEM;
	}
	on_sigchld(SIGCHLD, 0, NULL);
	if (sl.conf.dynamic_users &&
	    du_init(sl.conf.du_lo, sl.conf.du_hi) < 0)
		return -ENOMEM;
	cg_probe(true);
	apparmor_probe();
	if (!sl.conf.clear_emulator_capabilities)
		log_warn("clear_emulator_capabilities = 0: emulators keep CAP_NET_ADMIN");
	return 0;
}

int
proc_start_time(pid_t pid, uint64_t *out)
{
	char path[64], *buf = NULL, *p, *end;
	size_t n;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((r = file_read_all(path, 4096, &buf, &n)) < 0)
		return r;
	r = -EINVAL;
	if (!(p = strrchr(buf, ')')))
		goto out;
	p++;
	/* After the comm come fields 3 (state) .. 22 (starttime). */
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		goto out;
	errno = 0;
	*out = strtoull(p + 1, &end, 10);
	if (!errno && end != p + 1)
		r = 0;
out:
	free(buf);
	return r;
}

/* What the child reports through its pipe when a step fails. */
struct child_err {
	int err;
	char step[32];
};

struct launch_plan {
	const char *path;		/* the resolved emulator */
	char *const *argv;		/* NULL-terminated */
	const int *fds;
	const int32_t *targets;
	size_t nfds;
	int *cg_fds;
	int errfd;
	uid_t uid;			/* the emulator's */
	const char *profile;		/* AppArmor profile, NULL: none */
};

static void __attribute__((noreturn))
child_fail(int errfd, const char *step, int err)
{
	struct child_err ce = { .err = err };
	ssize_t n;

	snprintf(ce.step, sizeof(ce.step), "%s", step);
	n = write(errfd, &ce, sizeof(ce));
	(void)n;
	_exit(127);
}

static bool
is_target(const struct launch_plan *p, int fd)
{
	for (size_t i = 0; i < p->nfds; i++) {
		if (p->targets[i] == fd)
			return true;
	}
	return false;
}

/*
 * Descriptors: copies above every target first (targets may overlap the
 * originals), then onto the targets; stdin and stdout/stderr that are
 * not targets on /dev/null; every other descriptor closed, or
 * close-on-exec (the error pipe stays open until exec).
 */
static int
child_fds(struct launch_plan *p)
{
	int high[POLICY_MAX_FDS], base = 3, null;

	for (size_t i = 0; i < p->nfds; i++)
		base = p->targets[i] >= base ? p->targets[i] + 1 : base;
	if ((p->errfd = fcntl(p->errfd, F_DUPFD_CLOEXEC, base)) < 0)
		return -1;
	for (size_t i = 0; i < p->nfds; i++) {
		if ((high[i] = fcntl(p->fds[i], F_DUPFD_CLOEXEC, base)) < 0)
			return -1;
	}
	for (size_t i = 0; i < p->nfds; i++) {
		if (dup2(high[i], p->targets[i]) < 0)
			return -1;
	}
	if ((null = open("/dev/null", O_RDWR)) < 0 || dup2(null, 0) < 0 ||
	    (!is_target(p, 1) && dup2(null, 1) < 0) ||
	    (!is_target(p, 2) && dup2(null, 2) < 0))
		return -1;
	if (null > 2)
		close(null);
	for (int fd = 3; fd < base; fd++) {
		if (!is_target(p, fd))
			close(fd);
	}
	return close_range((unsigned)base, ~0U, CLOSE_RANGE_CLOEXEC);
}

/* Default signal handling and an empty mask, as a fresh process has. */
static void
child_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The emulator's identity: qemu.conf user and group, no capability. */
static void
child_identity(int errfd, uid_t uid)
{
	if (setgroups(1, &sl.gid) < 0)
		child_fail(errfd, "setgroups", errno);
	if (setgid(sl.gid) < 0)
		child_fail(errfd, "setgid", errno);
	if (setuid(uid) < 0)
		child_fail(errfd, "setuid", errno);
	capng_clear(CAPNG_SELECT_BOTH);
	/* clear_emulator_capabilities = 0: CAP_NET_ADMIN and nothing else,
	 * ambient so that it survives the exec (as libvirt keeps it for
	 * ethernet interfaces with an ifup script). */
	if (!sl.conf.clear_emulator_capabilities)
		capng_update(CAPNG_ADD, CAPNG_PERMITTED | CAPNG_INHERITABLE,
		    CAP_NET_ADMIN);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		child_fail(errfd, "clear capabilities", EPERM);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		child_fail(errfd, "clear ambient capabilities", errno);
	if (!sl.conf.clear_emulator_capabilities &&
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0, 0) < 0)
		child_fail(errfd, "keep CAP_NET_ADMIN", errno);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(errfd, "set no_new_privs", errno);
}

static void __attribute__((noreturn))
launch_child(struct launch_plan *p)
{
	static char lc_all[] = "LC_ALL=C";
	char *const envp[] = { lc_all, NULL };

	child_signals();
	if (setsid() < 0)
		child_fail(p->errfd, "setsid", errno);
	if (cg_join(p->cg_fds) < 0)
		child_fail(p->errfd, "join its cgroup", errno);
	if (child_fds(p) < 0)
		child_fail(p->errfd, "set up descriptors", errno);
	child_identity(p->errfd, p->uid);
	/* Into the guest's profile at exec (from unconfined, which
	 * no_new_privs allows: the profile only narrows). */
	if (p->profile && aa_change_onexec(p->profile) < 0)
		child_fail(p->errfd, "change to its AppArmor profile", errno);
	umask(0077);
	if (chdir("/") < 0)
		child_fail(p->errfd, "chdir", errno);
	execve(p->path, p->argv, envp);
	child_fail(p->errfd, "exec", errno);
}

/* Every check of a launch request, in order. */
static int
launch_check(const struct secd_launch_req *rq, char *path, size_t len,
    char *err, size_t errlen)
{
	int r;

	if ((r = policy_uuid_valid(rq->uuid, err, errlen)) < 0 ||
	    (r = domain_name_valid(rq->name, err, errlen)) < 0 ||
	    (r = policy_fd_targets_check(rq->targets, rq->ntargets, rq->nfds,
	    err, errlen)) < 0 ||
	    (r = policy_argv_check(rq->argv, rq->argc, rq->targets,
	    rq->ntargets, err, errlen)) < 0 ||
	    (r = policy_emulator_check(rq->argv[0], secd_emulators(), path,
	    len, err, errlen)) < 0)
		return r < 0 ? r : -EINVAL;
	return 0;
}

/* Wait for exec (the pipe closes) or the child's report of a failed step. */
static int
launch_wait(pid_t pid, int rfd, const char *path, char *err, size_t errlen)
{
	struct child_err ce;
	ssize_t n;

	do
		n = read(rfd, &ce, sizeof(ce));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	waitpid(pid, NULL, 0);
	if (n != (ssize_t)sizeof(ce)) {
		snprintf(err, errlen, "cannot start the emulator: lost its report");
		return -EIO;
	}
	ce.step[sizeof(ce.step) - 1] = '\0';
	if (!strcmp(ce.step, "exec"))
		snprintf(err, errlen, "cannot exec '%s': %s", path,
		    strerror(ce.err));
	else
		snprintf(err, errlen, "cannot start the emulator '%s': %s: %s",
		    path, ce.step, strerror(ce.err));
	return -ce.err;
}

static int
launch_fork(const struct secd_launch_req *rq, const char *path, int cg_fds[],
    uid_t uid, pid_t *pidp, char *err, size_t errlen)
{
	struct launch_plan p = { path, NULL, rq->fds, rq->targets, rq->nfds,
		cg_fds, -1, uid, rq->profile };
	char **argv;
	int pfd[2], r;
	pid_t pid;

	if (!(argv = calloc(rq->argc + 1, sizeof(*argv))))
		return -ENOMEM;
	memcpy(argv, rq->argv, rq->argc * sizeof(*argv));
	p.argv = argv;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot start the emulator: pipe: %s",
		    strerror(errno));
		free(argv);
		return r;
	}
	p.errfd = pfd[1];
	if ((pid = fork()) == 0)
		launch_child(&p);
	r = pid < 0 ? -errno : 0;
	close(pfd[1]);
	if (pid < 0)
		snprintf(err, errlen, "cannot start the emulator: fork: %s",
		    strerror(-r));
	else
		r = launch_wait(pid, pfd[0], path, err, errlen);
	close(pfd[0]);
	free(argv);
	*pidp = pid;
	return r;
}

int
secd_launch(const struct secd_launch_req *rq, pid_t *pidp,
    uint64_t *start_time, int *pidfd, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int cg_fds[CG_NFDS], r;
	bool prepared = false, allocated = false;
	pid_t pid = -1;
	uid_t uid = sl.uid;

	*pidfd = -1;
	for (size_t i = 0; i < CG_NFDS; i++)
		cg_fds[i] = -1;
	if ((r = launch_check(rq, path, sizeof(path), err, errlen)) < 0 ||
	    (r = cg_prepare(rq->uuid, cg_fds, err, errlen)) < 0)
		goto out;
	prepared = true;
	if (rq->limits &&
	    (r = cg_apply_limits(rq->uuid, rq->limits, err, errlen)) < 0)
		goto out;
	if (sl.conf.dynamic_users &&
	    (r = du_alloc(rq->uuid, &uid, err, errlen)) < 0)
		goto out;
	allocated = sl.conf.dynamic_users;
	if ((r = launch_fork(rq, path, cg_fds, uid, &pid, err, errlen)) < 0)
		goto out;
	if ((*pidfd = pidfd_open(pid, 0)) < 0 ||
	    proc_start_time(pid, start_time) < 0) {
		r = -errno;
		snprintf(err, errlen, "emulator pid %d of '%s' exited at once",
		    (int)pid, rq->name);
		if (*pidfd >= 0)
			close(*pidfd);
		*pidfd = -1;
		goto out;
	}
	*pidp = pid;
	if (sl.conf.dynamic_users)
		du_started(rq->uuid, pid, *start_time);
	log_info("guest %s: emulator pid %d started as uid %u gid %u, %s%s",
	    rq->uuid, (int)pid, (unsigned)uid, (unsigned)sl.gid,
	    rq->profile ? "AppArmor profile " : "host protection only",
	    rq->profile ? rq->profile : "");
out:
	cg_close(cg_fds);
	if (r < 0 && allocated)
		du_release(rq->uuid);
	if (r < 0 && prepared)
		cg_release(rq->uuid, pid);	/* the folders it made, now empty */
	if (r < 0) {
		char q[64];

		log_warn("launch of guest '%s' refused or failed: %s",
		    str_escape(q, sizeof(q), rq->uuid), err);
	}
	return r;
}

int
secd_signal(const char *uuid, pid_t pid, int sig, char *err, size_t errlen)
{
	uid_t uid = sl.uid;
	int pidfd, r;

	if ((r = policy_uuid_valid(uuid, err, errlen)) < 0)
		return r;
	if (sig != SIGTERM && sig != SIGKILL) {
		snprintf(err, errlen, "signal %d refused: only SIGTERM (%d) and SIGKILL (%d)",
		    sig, SIGTERM, SIGKILL);
		return -EPERM;
	}
	/* Hold the process first, so that the pid checked is the pid signalled. */
	if (pid <= 0 || (pidfd = pidfd_open(pid, 0)) < 0) {
		snprintf(err, errlen, "pid %d does not exist", (int)pid);
		return -ESRCH;
	}
	if (sl.conf.dynamic_users && du_uid_of(uuid, &uid) < 0) {
		snprintf(err, errlen, "pid %d is not the emulator of guest %s (no dynamic uid is held for it)",
		    (int)pid, uuid);
		r = -EPERM;
	} else {
		r = policy_proc_is_emulator(pid, uuid, uid, secd_emulators(),
		    err, errlen);
	}
	if (r == 0 && pidfd_send_signal(pidfd, sig, NULL, 0) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot signal pid %d: %s", (int)pid,
		    strerror(errno));
	}
	close(pidfd);
	if (r == 0)
		log_info("guest %s: signal %d sent to emulator pid %d", uuid,
		    sig, (int)pid);
	else
		log_warn("signal %d for guest %s refused: %s", sig, uuid, err);
	return r;
}

int
secd_release(const char *uuid, pid_t pid, char *err, size_t errlen)
{
	int r;

	if ((r = policy_uuid_valid(uuid, err, errlen)) < 0)
		return r;
	cg_release(uuid, pid);
	if (sl.conf.dynamic_users)
		du_release(uuid);
	return 0;
}
