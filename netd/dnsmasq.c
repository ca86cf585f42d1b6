/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running one dnsmasq per network for vmhost-netd: foreground start ready at its pid file, pidfd watch, restart with backoff, adoption. */
#define LOG_MODULE "dnsmasq"
#include "netd/dnsmasq.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/fileio.h"
#include "common/log.h"

struct dnsmasq {
	struct event_base *base;
	char *name, *conf, *pidfile, *leasefile, *user;
	pid_t pid;			/* the daemon, 0 when none */
	int pidfd;
	struct event *ev_exit;
	pid_t lpid;			/* starting, not ready yet; 0: none */
	int lpidfd, errfd, inofd;
	struct event *ev_launch, *ev_ready, *ev_timeout, *ev_restart;
	char errbuf[1024];
	size_t errlen;
	unsigned failures;		/* restarts in a row that failed */
	int terminating;		/* SIGTERM sent by dnsmasq_stop_begin */
	time_t started;
	dnsmasq_started_fn cb;
	void *arg;
};

static void dnsmasq_on_exit(evutil_socket_t fd, short what, void *arg);
static void dnsmasq_on_launch(evutil_socket_t fd, short what, void *arg);
static void dnsmasq_on_restart(evutil_socket_t fd, short what, void *arg);

struct dnsmasq *
dnsmasq_new(struct event_base *base, const char *name,
    const struct dnsmasq_paths *p)
{
	struct dnsmasq *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->base = base;
	d->pidfd = d->lpidfd = d->errfd = d->inofd = -1;
	d->name = strdup(name);
	d->conf = strdup(p->conf);
	d->pidfile = strdup(p->pidfile);
	d->leasefile = strdup(p->leasefile);
	d->user = strdup(p->user);
	d->ev_restart = evtimer_new(base, dnsmasq_on_restart, d);
	if (!d->name || !d->conf || !d->pidfile || !d->leasefile ||
	    !d->user || !d->ev_restart) {
		dnsmasq_free(d);
		return NULL;
	}
	return d;
}

pid_t
dnsmasq_pid(const struct dnsmasq *d)
{
	return d ? d->pid : 0;
}

int
dnsmasq_busy(const struct dnsmasq *d)
{
	return d && (d->pid > 0 || d->lpid > 0 ||
	    evtimer_pending(d->ev_restart, NULL));
}

/* Is pid a dnsmasq whose arguments name our conf file? */
static int
dnsmasq_is_ours(const struct dnsmasq *d, pid_t pid)
{
	char path[64], want[4200], *buf = NULL;
	size_t len, off;
	int ok = 0;

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	snprintf(want, sizeof(want), "--conf-file=%s", d->conf);
	if (file_read_all(path, 64 * 1024, &buf, &len) < 0)
		return 0;
	off = strnlen(buf, len);	/* argv[0] */
	if (off < 7 || strcmp(buf + off - 7, "dnsmasq") != 0)
		goto out;
	for (off = 0; off < len && !ok; off += strnlen(buf + off, len - off) + 1)
		ok = strcmp(buf + off, want) == 0;
out:
	free(buf);
	return ok;
}

static pid_t
dnsmasq_read_pidfile(const char *path)
{
	char *buf = NULL;
	long pid;

	if (file_read_all(path, 64, &buf, NULL) < 0)
		return 0;
	pid = strtol(buf, NULL, 10);
	free(buf);
	return pid > 1 && pid < (1L << 22) ? (pid_t)pid : 0;
}

/* Watch pid through a pidfd (fd, or -1 to open one). 0 or -errno. */
static int
dnsmasq_watch(struct dnsmasq *d, pid_t pid, int fd)
{
	if (fd < 0 && (fd = (int)pidfd_open(pid, 0)) < 0)
		return -errno;
	if (!dnsmasq_is_ours(d, pid)) {	/* gone, and its pid reused */
		close(fd);
		return -ESRCH;
	}
	d->ev_exit = event_new(d->base, fd, EV_READ, dnsmasq_on_exit, d);
	if (!d->ev_exit || event_add(d->ev_exit, NULL) < 0) {
		close(fd);
		return -ENOMEM;
	}
	d->pidfd = fd;
	d->pid = pid;
	d->started = time(NULL);
	return 0;
}

int
dnsmasq_adopt(struct dnsmasq *d)
{
	pid_t pid = dnsmasq_read_pidfile(d->pidfile);

	if (d->pid > 0)
		return 0;
	if (pid <= 0 || dnsmasq_watch(d, pid, -1) < 0)
		return -ESRCH;
	log_info("adopted dnsmasq of network '%s' (pid %ld)", d->name,
	    (long)pid);
	return 0;
}

static void
dnsmasq_unwatch(struct dnsmasq *d)
{
	if (d->ev_exit)
		event_free(d->ev_exit);
	d->ev_exit = NULL;
	if (d->pidfd >= 0)
		close(d->pidfd);
	d->pidfd = -1;
	d->pid = 0;
}

/* Back off 0.5 s, 1 s, 2 s ... 30 s; after DNSMASQ_RESTART_MAX, stop. */
static void
dnsmasq_schedule_restart(struct dnsmasq *d)
{
	unsigned ms = 500u << (d->failures < 6 ? d->failures : 6);
	struct timeval tv;

	if (d->failures >= DNSMASQ_RESTART_MAX) {
		log_error("dnsmasq of network '%s' failed %u times in a row: not restarting it (a sync or a restart of the network tries again)",
		    d->name, d->failures);
		return;
	}
	if (ms > 30000)
		ms = 30000;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	log_warn("restarting dnsmasq of network '%s' in %u ms", d->name, ms);
	evtimer_add(d->ev_restart, &tv);
}

static void
dnsmasq_on_exit(evutil_socket_t fd, short what, void *arg)
{
	struct dnsmasq *d = arg;

	(void)fd;
	(void)what;
	log_warn("dnsmasq of network '%s' (pid %ld) exited", d->name,
	    (long)d->pid);
	waitpid(d->pid, NULL, WNOHANG);	/* our child, unless adopted */
	if (time(NULL) - d->started > 60)
		d->failures = 0;	/* it ran a while: a fresh series */
	dnsmasq_unwatch(d);
	file_remove(d->pidfile);
	dnsmasq_schedule_restart(d);
}

static void
dnsmasq_on_restart(evutil_socket_t fd, short what, void *arg)
{
	struct dnsmasq *d = arg;

	(void)fd;
	(void)what;
	d->failures++;
	if (dnsmasq_start(d, NULL, NULL) < 0)
		dnsmasq_schedule_restart(d);
}

/* In the child: dnsmasq's stdio, ambient capabilities, exec. Only
 * async-signal-safe calls. */
static void __attribute__((noreturn))
dnsmasq_child(char *const argv[], int errfd)
{
	static const int caps[] = { CAP_NET_ADMIN, CAP_NET_RAW,
		CAP_NET_BIND_SERVICE };
	static const char msg[] = "cannot raise the ambient capabilities\n";
	static char *const envp[] = { NULL };
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;
	int nullfd = open("/dev/null", O_RDWR);

	if (nullfd < 0 || dup2(nullfd, 0) < 0 || dup2(nullfd, 1) < 0 ||
	    dup2(errfd, 2) < 0)
		_exit(126);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,
		    (unsigned long)caps[i], 0, 0) < 0) {
			if (write(2, msg, sizeof(msg) - 1) < 0)
				_exit(126);
			_exit(126);
		}
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();	/* out of netd's session and process group */
	close_range(3, ~0U, 0);
	execve(argv[0], argv, envp);
	_exit(127);
}

/* fork dnsmasq in the foreground with stderr on a pipe; d->lpid, d->errfd
 * set. */
static int
dnsmasq_fork(struct dnsmasq *d)
{
	char conf[4200], lease[4200], user[300], fg[] = "--keep-in-foreground";
	char *argv[] = { (char *)(uintptr_t)DNSMASQ_BIN, fg, conf, lease, user,
		NULL };
	sigset_t all, old;
	int p[2];
	pid_t pid;

	snprintf(conf, sizeof(conf), "--conf-file=%s", d->conf);
	snprintf(lease, sizeof(lease), "--dhcp-leasefile=%s", d->leasefile);
	snprintf(user, sizeof(user), "--user=%s", d->user);
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	/* vfork: this process waits the few syscalls until the exec instead
	 * of copying its page tables, and the child runs at once (on a busy
	 * host a forked child may wait for a CPU); signals stay blocked
	 * until the child has reset its handlers */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if ((pid = vfork()) == 0)
		dnsmasq_child(argv, p[1]);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -errno;
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	d->lpid = pid;
	d->errfd = p[0];
	return 0;
}

static void
dnsmasq_launch_clear(struct dnsmasq *d)
{
	if (d->ev_launch)
		event_free(d->ev_launch);
	if (d->ev_ready)
		event_free(d->ev_ready);
	if (d->ev_timeout)
		event_free(d->ev_timeout);
	d->ev_launch = d->ev_ready = d->ev_timeout = NULL;
	if (d->lpidfd >= 0)
		close(d->lpidfd);
	if (d->errfd >= 0)
		close(d->errfd);
	if (d->inofd >= 0)
		close(d->inofd);
	d->lpidfd = d->errfd = d->inofd = -1;
	if (d->lpid > 0) {
		kill(d->lpid, SIGKILL);
		while (waitpid(d->lpid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	d->lpid = 0;
}

/* inotify on the pid file's folder, before the fork: no write missed. */
static int
dnsmasq_watch_pidfile(struct dnsmasq *d)
{
	char dir[4200];
	const char *slash = strrchr(d->pidfile, '/');

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - d->pidfile) :
	    1, slash ? d->pidfile : ".");
	if ((d->inofd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0)
		return -errno;
	if (inotify_add_watch(d->inofd, dir, IN_CLOSE_WRITE | IN_MOVED_TO) < 0)
		return -errno;
	return 0;
}

static void dnsmasq_on_ready(evutil_socket_t fd, short what, void *arg);

/*
 * dnsmasq runs in the foreground (--keep-in-foreground, own session):
 * netd's child, not killed with it (netd never signals its group; the
 * systemd unit has KillMode=process). It is ready when it has written its
 * pid file: by then it has parsed its config, bound every listening
 * socket (DHCP, DNS UDP and TCP) and opened the lease file, so a request
 * is queued and answered; right after, it points its stdio at /dev/null.
 * Exiting before that is a failure whose first stderr line is the error.
 */
int
dnsmasq_start(struct dnsmasq *d, dnsmasq_started_fn cb, void *arg)
{
	struct timeval tv = { DNSMASQ_START_TIMEOUT_MS / 1000, 0 };
	int r;

	if (d->pid > 0 || d->lpid > 0)
		return -EALREADY;
	evtimer_del(d->ev_restart);
	d->errlen = 0;
	file_remove(d->pidfile);
	if ((r = dnsmasq_watch_pidfile(d)) < 0 ||
	    (r = dnsmasq_fork(d)) < 0) {
		log_error("cannot start dnsmasq for '%s': %s", d->name,
		    strerror(-r));
		dnsmasq_launch_clear(d);
		return r;
	}
	d->lpidfd = (int)pidfd_open(d->lpid, 0);
	if (d->lpidfd >= 0)
		d->ev_launch = event_new(d->base, d->lpidfd, EV_READ,
		    dnsmasq_on_launch, d);
	d->ev_ready = event_new(d->base, d->inofd, EV_READ | EV_PERSIST,
	    dnsmasq_on_ready, d);
	d->ev_timeout = evtimer_new(d->base, dnsmasq_on_launch, d);
	if (d->lpidfd < 0 || !d->ev_launch || !d->ev_ready ||
	    !d->ev_timeout || event_add(d->ev_launch, NULL) < 0 ||
	    event_add(d->ev_ready, NULL) < 0 ||
	    evtimer_add(d->ev_timeout, &tv) < 0) {
		r = d->lpidfd < 0 ? -errno : -ENOMEM;
		dnsmasq_launch_clear(d);
		return r;
	}
	d->cb = cb;
	d->arg = arg;
	return 0;
}

/* What the launcher wrote to stderr, first line, into d->errbuf. */
static const char *
dnsmasq_stderr(struct dnsmasq *d)
{
	char *msg;
	ssize_t n;

	while (d->errlen < sizeof(d->errbuf) - 1 &&
	    (n = read(d->errfd, d->errbuf + d->errlen,
	    sizeof(d->errbuf) - 1 - d->errlen)) > 0)
		d->errlen += (size_t)n;
	d->errbuf[d->errlen] = '\0';
	msg = d->errbuf + strspn(d->errbuf, " \n");	/* dnsmasq starts with \n */
	msg[strcspn(msg, "\n")] = '\0';
	return msg;
}

/* Exited before it was ready, or the time ran out: -errno + msg. */
static int
dnsmasq_launch_result(struct dnsmasq *d, short what, char *msg, size_t len)
{
	int status = 0, r;

	if (what & EV_TIMEOUT) {
		snprintf(msg, len, "dnsmasq did not start within %d ms",
		    DNSMASQ_START_TIMEOUT_MS);
		return -ETIMEDOUT;	/* the clear kills it */
	}
	while ((r = (int)waitpid(d->lpid, &status, 0)) < 0 && errno == EINTR)
		;
	d->lpid = 0;
	snprintf(msg, len, "dnsmasq failed (%s %d): %s",
	    r < 0 || WIFEXITED(status) ? "exit status" : "signal",
	    r < 0 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) :
	    WTERMSIG(status), dnsmasq_stderr(d));
	return -EIO;
}

static void dnsmasq_launch_done(struct dnsmasq *d, int r, const char *msg);

static void
dnsmasq_on_launch(evutil_socket_t fd, short what, void *arg)
{
	struct dnsmasq *d = arg;
	char msg[1200];
	int r;

	(void)fd;
	r = dnsmasq_launch_result(d, what, msg, sizeof(msg));
	dnsmasq_launch_done(d, r, msg);
}

/* Something was written in the pid file's folder: is it our pid file? */
static void
dnsmasq_on_ready(evutil_socket_t fd, short what, void *arg)
{
	struct dnsmasq *d = arg;
	char buf[4096], msg[600] = "";
	pid_t pid = d->lpid;
	int pidfd = d->lpidfd, r;

	(void)what;
	while (read(fd, buf, sizeof(buf)) > 0)
		;	/* drain; the pid file says whether it is ours */
	if (dnsmasq_read_pidfile(d->pidfile) != pid)
		return;
	log_debug("pid file %s names %ld: ready", d->pidfile, (long)pid);
	d->lpid = 0;		/* handed over to the watch */
	d->lpidfd = -1;
	if ((r = dnsmasq_watch(d, pid, pidfd)) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		snprintf(msg, sizeof(msg), "dnsmasq wrote its pid file %s but is not running",
		    d->pidfile);
	}
	dnsmasq_launch_done(d, r, msg);
}

static void
dnsmasq_launch_done(struct dnsmasq *d, int r, const char *msg)
{
	dnsmasq_started_fn cb = d->cb;

	dnsmasq_launch_clear(d);
	d->cb = NULL;
	if (r < 0)
		log_error("network '%s': %s", d->name, msg);
	else
		log_info("dnsmasq of network '%s' runs as pid %ld", d->name,
		    (long)d->pid);
	if (r < 0 && !cb)
		dnsmasq_schedule_restart(d);	/* a restart that failed */
	if (r == 0 && !cb && d->failures)
		log_info("dnsmasq of network '%s' restarted", d->name);
	if (cb)
		cb(d->arg, r, r < 0 ? msg : NULL);
}


void
dnsmasq_free(struct dnsmasq *d)
{
	if (!d)
		return;
	dnsmasq_launch_clear(d);
	dnsmasq_unwatch(d);
	if (d->ev_restart)
		event_free(d->ev_restart);
	free(d->name);
	free(d->conf);
	free(d->pidfile);
	free(d->leasefile);
	free(d->user);
	free(d);
}

/* Wait up to ms for the pidfd to say the process exited. */
static int
dnsmasq_wait_exit(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

void
dnsmasq_stop_begin(struct dnsmasq *d)
{
	if (!d)
		return;
	dnsmasq_launch_clear(d);
	evtimer_del(d->ev_restart);
	if (d->pid > 0 && d->pidfd >= 0 && !d->terminating) {
		pidfd_send_signal(d->pidfd, SIGTERM, NULL, 0);
		d->terminating = 1;
	}
}

void
dnsmasq_stop(struct dnsmasq *d)
{
	if (!d)
		return;
	dnsmasq_stop_begin(d);
	if (d->pid > 0 && d->pidfd >= 0) {
		if (!dnsmasq_wait_exit(d->pidfd, 2000)) {
			log_warn("dnsmasq of network '%s' ignored SIGTERM: killing it",
			    d->name);
			pidfd_send_signal(d->pidfd, SIGKILL, NULL, 0);
			dnsmasq_wait_exit(d->pidfd, 1000);
		}
		waitpid(d->pid, NULL, WNOHANG);	/* our child, unless adopted */
		log_debug("stopped dnsmasq %ld", (long)d->pid);
	}
	file_remove(d->pidfile);
	dnsmasq_free(d);
}
