/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The vmhost CLI's console relay: stdin <-> a guest's serial socket, raw tty, ^] to leave. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

#define CONSOLE_ESCAPE 0x1d	/* ^] */

static volatile sig_atomic_t console_signalled;

static void
on_signal(int sig)
{
	console_signalled = sig;
}

struct console {
	int sock;
	int in;			/* stdin, or -1 once it ended */
	int tty;		/* stdin is a terminal we put in raw mode */
	struct termios saved;
	struct sigaction old[5];
	int done;		/* escape seen or the socket closed */
};

static const int console_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE,
};

static void
signals_set(struct console *k)
{
	struct sigaction sa, ign;

	memset(&sa, 0, sizeof(sa));
	memset(&ign, 0, sizeof(ign));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll returns EINTR */
	ign.sa_handler = SIG_IGN;	/* a closed pipe is an error, not death */
	sigemptyset(&sa.sa_mask);
	sigemptyset(&ign.sa_mask);
	for (size_t i = 0; i < 5; i++)
		sigaction(console_signals[i],
		    console_signals[i] == SIGPIPE ? &ign : &sa, &k->old[i]);
}

static void
signals_restore(struct console *k)
{
	for (size_t i = 0; i < 5; i++)
		sigaction(console_signals[i], &k->old[i], NULL);
}

static int
tty_raw(struct console *k)
{
	struct termios raw;

	if (tcgetattr(k->in, &k->saved) < 0)
		return -errno;
	raw = k->saved;
	cfmakeraw(&raw);
	if (tcsetattr(k->in, TCSAFLUSH, &raw) < 0)
		return -errno;
	k->tty = 1;
	return 0;
}

static int
write_all(int fd, const char *buf, size_t len, int sock)
{
	while (len) {
		ssize_t w = sock ? send(fd, buf, len, MSG_NOSIGNAL) :
		    write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* stdin -> socket, up to the escape character. */
static int
from_stdin(struct console *k)
{
	char buf[4096], *esc;
	ssize_t r = read(k->in, buf, sizeof(buf));
	size_t n;

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (r == 0) {
		/* keep showing the guest's output after our input ended */
		k->in = -1;
		return 0;
	}
	n = (size_t)r;
	if ((esc = memchr(buf, CONSOLE_ESCAPE, n))) {
		n = (size_t)(esc - buf);
		k->done = 1;
	}
	return n ? write_all(k->sock, buf, n, 1) : 0;
}

/* socket -> stdout; the socket closing ends the session. */
static int
from_guest(struct console *k)
{
	char buf[8192];
	ssize_t r = read(k->sock, buf, sizeof(buf));

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (r == 0) {
		k->done = 1;
		return 0;
	}
	return write_all(STDOUT_FILENO, buf, (size_t)r, 0);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
relay(struct console *k, unsigned long timeout_s)
{
	long long deadline = timeout_s ? now_ms() + (long long)timeout_s * 1000 :
	    0;
	struct pollfd p[2];
	int r, wait;

	while (!k->done && !console_signalled) {
		wait = -1;
		if (deadline) {
			long long left = deadline - now_ms();

			if (left <= 0)
				break;
			wait = left > 60000 ? 60000 : (int)left;
		}
		p[0] = (struct pollfd){ .fd = k->sock, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = k->in, .events = POLLIN };
		r = poll(p, k->in >= 0 ? 2 : 1, wait);
		if (r < 0 && errno != EINTR)
			return cli_error("console: poll: %s", strerror(errno));
		if (r <= 0)
			continue;
		if (p[0].revents && from_guest(k) < 0)
			return cli_error("console: %s", strerror(errno));
		if (k->in >= 0 && p[1].revents && from_stdin(k) < 0)
			return cli_error("console: %s", strerror(errno));
	}
	return 0;
}

int
cli_console_run(int fd, unsigned long timeout_s, int read_only)
{
	struct console k = { .sock = fd, .in = read_only ? -1 : STDIN_FILENO };
	int rc, r;

	fflush(stdout);
	console_signalled = 0;
	signals_set(&k);
	if (k.in >= 0 && isatty(k.in) && (r = tty_raw(&k)) < 0) {
		signals_restore(&k);
		return cli_error("cannot put the terminal in raw mode: %s",
		    strerror(-r));
	}
	rc = relay(&k, timeout_s);
	if (k.tty) {
		tcsetattr(k.in, TCSAFLUSH, &k.saved);
		fputc('\n', stdout);
	}
	signals_restore(&k);
	return rc;
}
