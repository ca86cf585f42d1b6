/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Starting helper programs and watching them from a libevent loop via pidfds, in any daemon. */
#include "common/spawn.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define LOG_MODULE "spawn"
#include "common/log.h"

struct child {
	pid_t pid;
	int pidfd;
	int outfd;		/* read end of the capture pipe, -1 when done */
	struct event *ev_exit;
	struct event *ev_out;
	char *buf;
	size_t len, cap, max;
	int exited, eof, status, in_cb, capture;
	child_exit_cb cb;
	void *arg;
};

/* In the child between fork and exec: only async-signal-safe calls here. */
static void __attribute__((noreturn))
spawn_child_exec(char *const argv[], char *const envp[], int nullfd,
    int outfd, int errfd)
{
	static char *const empty_env[] = { NULL };
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t all;
	int e;

	/* move our fds above 2 so the dup2s below cannot clobber them */
	nullfd = fcntl(nullfd, F_DUPFD_CLOEXEC, 3);
	outfd = outfd >= 0 ? fcntl(outfd, F_DUPFD_CLOEXEC, 3) : STDOUT_FILENO;
	errfd = fcntl(errfd, F_DUPFD_CLOEXEC, 3);
	if (nullfd < 0 || outfd < 0 || errfd < 0 ||
	    dup2(nullfd, STDIN_FILENO) < 0 ||
	    (outfd != STDOUT_FILENO && dup2(outfd, STDOUT_FILENO) < 0))
		goto fail;
	/* everything else above 2 closes at exec (errfd reports a failed exec) */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		for (int fd = 3; fd < 65536; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	execve(argv[0], argv, envp ? envp : empty_env);
fail:
	e = errno;
	if (write(errfd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/*
 * fork and exec argv with stdin on /dev/null and stdout on outfd (-1:
 * ours). Returns the pid, or -errno when the program could not be run.
 */
static pid_t
spawn_fork_exec(char *const argv[], char *const envp[], int outfd)
{
	int errpipe[2], nullfd, e = 0;
	pid_t pid;
	ssize_t n;

	if (!argv || !argv[0] || argv[0][0] != '/')
		return -EINVAL;
	nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nullfd < 0)
		return -errno;
	if (pipe2(errpipe, O_CLOEXEC) < 0) {
		e = errno;
		close(nullfd);
		return -e;
	}
	pid = fork();
	if (pid == 0)
		spawn_child_exec(argv, envp, nullfd, outfd, errpipe[1]);
	if (pid < 0)
		e = errno;
	close(nullfd);
	close(errpipe[1]);
	if (pid > 0) {
		do
			n = read(errpipe[0], &e, sizeof(e));
		while (n < 0 && errno == EINTR);
		if (n == (ssize_t)sizeof(e)) /* exec failed: reap the child */
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
		else
			e = 0;
	}
	close(errpipe[0]);
	return e ? -e : pid;
}

static void
child_free(struct child *ch)
{
	if (!ch)
		return;
	if (ch->ev_exit)
		event_free(ch->ev_exit);
	if (ch->ev_out)
		event_free(ch->ev_out);
	if (ch->pidfd >= 0)
		close(ch->pidfd);
	if (ch->outfd >= 0)
		close(ch->outfd);
	free(ch->buf);
	free(ch);
}

static void
child_maybe_done(struct child *ch)
{
	if (!ch->exited || !ch->eof)
		return;
	ch->in_cb = 1;
	if (ch->capture)
		ch->cb(ch, ch->status, ch->buf ? ch->buf : "", ch->len, ch->arg);
	else
		ch->cb(ch, ch->status, NULL, 0, ch->arg);
	child_free(ch);
}

static void
child_on_exit(evutil_socket_t fd, short what, void *arg)
{
	struct child *ch = arg;
	pid_t r;

	(void)fd;
	(void)what;
	do
		r = waitpid(ch->pid, &ch->status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		event_add(ch->ev_exit, NULL); /* not yet: watch again */
		return;
	}
	if (r < 0) {
		/* SIGCHLD ignored or reaped elsewhere: status is lost */
		log_warn("waitpid %ld: %s", (long)ch->pid, strerror(errno));
		ch->status = W_EXITCODE(255, 0);
	}
	ch->exited = 1;
	event_del(ch->ev_exit);
	if (ch->pidfd >= 0)
		close(ch->pidfd);
	ch->pidfd = -1;
	child_maybe_done(ch);
}

/* Keep up to ch->max bytes; room for the NUL is always kept. */
static int
child_buf_room(struct child *ch)
{
	size_t want;
	char *nb;

	if (ch->len < ch->cap)
		return 0;
	want = ch->cap ? ch->cap * 2 : 4096;
	if (want > ch->max)
		want = ch->max;
	nb = realloc(ch->buf, want + 1);
	if (!nb)
		return -ENOMEM;
	nb[ch->len] = '\0';
	ch->buf = nb;
	ch->cap = want;
	return 0;
}

static void
child_on_output(evutil_socket_t fd, short what, void *arg)
{
	struct child *ch = arg;
	char scratch[4096];
	ssize_t n;

	(void)what;
	for (;;) {
		if (ch->len < ch->max && child_buf_room(ch) == 0) {
			n = read(fd, ch->buf + ch->len, ch->cap - ch->len);
			if (n > 0) {
				ch->len += (size_t)n;
				ch->buf[ch->len] = '\0';
			}
		} else {
			n = read(fd, scratch, sizeof(scratch)); /* over max: drop */
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;
	}
	event_del(ch->ev_out);
	close(ch->outfd);
	ch->outfd = -1;
	ch->eof = 1;
	child_maybe_done(ch);
}

/* Register the pidfd and capture pipe of a started child on base. */
static int
child_watch(struct child *ch, struct event_base *base)
{
	ch->pidfd = pidfd_open(ch->pid, 0);
	if (ch->pidfd < 0 && errno != ENOSYS)
		return -errno;
	if (ch->pidfd >= 0) {
		ch->ev_exit = event_new(base, ch->pidfd, EV_READ, child_on_exit,
		    ch);
		if (!ch->ev_exit || event_add(ch->ev_exit, NULL) < 0)
			return -ENOMEM;
	} else {
		/* No pidfds (old kernels, valgrind): SIGCHLD, checked once now
		 * in case the child is already gone. */
		ch->ev_exit = evsignal_new(base, SIGCHLD, child_on_exit, ch);
		if (!ch->ev_exit || event_add(ch->ev_exit, NULL) < 0)
			return -ENOMEM;
		event_active(ch->ev_exit, EV_SIGNAL, 1);
	}
	if (ch->outfd < 0)
		return 0;
	ch->ev_out = event_new(base, ch->outfd, EV_READ | EV_PERSIST,
	    child_on_output, ch);
	if (!ch->ev_out || event_add(ch->ev_out, NULL) < 0)
		return -ENOMEM;
	return 0;
}

struct child *
child_spawn(struct event_base *base, char *const argv[], char *const envp[],
    size_t capture_max, child_exit_cb cb, void *arg)
{
	struct child *ch;
	int pfd[2] = { -1, -1 }, r;

	if (!base || !cb) {
		errno = EINVAL;
		return NULL;
	}
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return NULL;
	if (capture_max > SIZE_MAX / 2)
		capture_max = SIZE_MAX / 2;
	*ch = (struct child){ .pidfd = -1, .outfd = -1, .max = capture_max,
		.capture = capture_max > 0, .eof = capture_max == 0,
		.cb = cb, .arg = arg };
	if (ch->capture && pipe2(pfd, O_CLOEXEC) < 0) {
		r = -errno;
		goto fail;
	}
	r = spawn_fork_exec(argv, envp, pfd[1]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	ch->outfd = pfd[0];
	if (r < 0)
		goto fail;
	ch->pid = r;
	if (ch->outfd >= 0)
		fcntl(ch->outfd, F_SETFL, O_NONBLOCK);
	if ((r = child_watch(ch, base)) < 0) {
		kill(ch->pid, SIGKILL);
		while (waitpid(ch->pid, NULL, 0) < 0 && errno == EINTR)
			;
		goto fail;
	}
	log_debug("started %s as %ld", argv[0], (long)ch->pid);
	return ch;
fail:
	child_free(ch);
	errno = -r;
	return NULL;
}

pid_t
child_pid(const struct child *ch)
{
	return ch ? ch->pid : -1;
}

void
child_forget(struct child *ch)
{
	if (!ch || ch->in_cb)
		return; /* inside the callback the child is freed afterwards */
	child_free(ch);
}

/* Read the pipe to EOF, keeping up to max bytes (the rest is drained). */
static int
run_read_output(int fd, size_t max, char **out)
{
	struct child acc = { .max = max };
	char scratch[4096];
	ssize_t n;

	if (child_buf_room(&acc) < 0)
		return -ENOMEM;
	for (;;) {
		if (acc.len < acc.max && child_buf_room(&acc) == 0)
			n = read(fd, acc.buf + acc.len, acc.cap - acc.len);
		else
			n = read(fd, scratch, sizeof(scratch));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (acc.len < acc.max)
			acc.len += (size_t)n;
	}
	acc.buf[acc.len] = '\0';
	*out = acc.buf;
	return 0;
}

static int
spawn_wait(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int
run_capture(char *const argv[], char **out, size_t max)
{
	int pfd[2] = { -1, -1 }, status = 0, r = 0, w;
	pid_t pid;

	if (max > SIZE_MAX / 2)
		max = SIZE_MAX / 2;
	if (out) {
		*out = NULL;
		if (pipe2(pfd, O_CLOEXEC) < 0)
			return -errno;
	}
	pid = spawn_fork_exec(argv, NULL, pfd[1]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	if (pid > 0 && out)
		r = run_read_output(pfd[0], max, out);
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pid < 0)
		return pid;
	w = spawn_wait(pid, &status);
	if (w < 0 && r == 0)
		r = w;
	if (r < 0 && out) {
		free(*out);
		*out = NULL;
	}
	return r < 0 ? r : status;
}
