/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd --session starts, signals and reaps its emulators itself: they run as the session's user. */
#define LOG_MODULE "session"
#include "vmhostd/session.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "vmhostd/live.h"
#include "vmhostd/runtime.h"

#define SESSION_MAX_TARGET 1024

struct plan {
	char *const *argv;
	const int *fds;
	const int32_t *targets;
	size_t nfds;
	int errfd;
};

static void __attribute__((noreturn))
child_fail(int errfd, int err)
{
	ssize_t n = write(errfd, &err, sizeof(err));

	(void)n;
	_exit(127);
}

static bool
is_target(const struct plan *p, int fd)
{
	for (size_t i = 0; i < p->nfds; i++)
		if (p->targets[i] == fd)
			return true;
	return false;
}

/* Copies above every target, then onto the targets; 0-2 on /dev/null
 * unless targets; every other descriptor closed on exec. */
static int
child_fds(struct plan *p)
{
	int high[START_MAX_FDS], base = 3, null;

	for (size_t i = 0; i < p->nfds; i++)
		base = p->targets[i] >= base ? p->targets[i] + 1 : base;
	if ((p->errfd = fcntl(p->errfd, F_DUPFD_CLOEXEC, base)) < 0)
		return -1;
	for (size_t i = 0; i < p->nfds; i++)
		if ((high[i] = fcntl(p->fds[i], F_DUPFD_CLOEXEC, base)) < 0)
			return -1;
	for (size_t i = 0; i < p->nfds; i++)
		if (dup2(high[i], p->targets[i]) < 0)
			return -1;
	if ((null = open("/dev/null", O_RDWR)) < 0 || dup2(null, 0) < 0 ||
	    (!is_target(p, 1) && dup2(null, 1) < 0) ||
	    (!is_target(p, 2) && dup2(null, 2) < 0))
		return -1;
	if (null > 2)
		close(null);
	for (int fd = 3; fd < base; fd++)
		if (!is_target(p, fd))
			close(fd);
	return close_range((unsigned)base, ~0U, CLOSE_RANGE_CLOEXEC);
}

static void __attribute__((noreturn))
child_run(struct plan *p)
{
	static char lc_all[] = "LC_ALL=C";
	char *const envp[] = { lc_all, NULL };
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (setsid() < 0 || child_fds(p) < 0)
		child_fail(p->errfd, errno);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(p->errfd, errno);
	umask(0077);
	if (chdir("/") < 0)
		child_fail(p->errfd, errno);
	execve(p->argv[0], p->argv, envp);
	child_fail(p->errfd, errno);
}

static int
launch_check(char *const *argv, const int32_t *targets, size_t nfds,
    char *err, size_t errlen)
{
	if (!argv || !argv[0] || argv[0][0] != '/') {
		snprintf(err, errlen, "the emulator path must be absolute");
		return -EINVAL;
	}
	for (size_t i = 0; i < nfds; i++)
		if (targets[i] < 1 || targets[i] > SESSION_MAX_TARGET) {
			snprintf(err, errlen, "descriptor number %d out of range",
			    (int)targets[i]);
			return -EINVAL;
		}
	return 0;
}

int
session_launch(char *const *argv, const int *fds, const int32_t *targets,
    size_t nfds, pid_t *pidp, uint64_t *start_time, int *pidfd, char *err,
    size_t errlen)
{
	struct plan p = { argv, fds, targets, nfds, -1 };
	int pfd[2], r, cerr;
	ssize_t n;
	pid_t pid;

	*pidfd = -1;
	if ((r = launch_check(argv, targets, nfds, err, errlen)) < 0)
		return r;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "cannot start the emulator: pipe: %m");
		return -errno;
	}
	p.errfd = pfd[1];
	if ((pid = fork()) == 0)
		child_run(&p);
	r = pid < 0 ? -errno : 0;
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		snprintf(err, errlen, "cannot start the emulator: fork: %s",
		    strerror(-r));
		return r;
	}
	do
		n = read(pfd[0], &cerr, sizeof(cerr));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n > 0) {
		waitpid(pid, NULL, 0);
		snprintf(err, errlen, "cannot start the emulator '%s': %s",
		    argv[0], n == sizeof(cerr) ? strerror(cerr) : "lost its report");
		return n == sizeof(cerr) ? -cerr : -EIO;
	}
	if ((*pidfd = pidfd_open(pid, 0)) < 0 ||
	    runtime_proc_start_time(pid, start_time) < 0) {
		r = -errno;
		if (*pidfd >= 0)
			close(*pidfd);
		*pidfd = -1;
		waitpid(pid, NULL, 0);
		snprintf(err, errlen, "emulator pid %d exited at once", (int)pid);
		return r < 0 ? r : -ESRCH;
	}
	*pidp = pid;
	log_info("emulator pid %d started as uid %u", (int)pid,
	    (unsigned)getuid());
	return 0;
}

int
session_kill(struct vm_live *lv, int sig, char *err, size_t errlen)
{
	if (lv->pidfd >= 0 && pidfd_send_signal(lv->pidfd, sig, NULL, 0) == 0)
		return 0;
	if (errno == ESRCH)
		return 0;	/* already gone: its exit is on the way */
	snprintf(err, errlen, "cannot signal emulator pid %d: %m", lv->pid);
	return -errno;
}

void
session_reap(pid_t pid)
{
	int status;

	if (pid > 0 && waitpid(pid, &status, WNOHANG) == pid)
		log_debug("emulator pid %d reaped (status %d)", (int)pid,
		    status);
}
