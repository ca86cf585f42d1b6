/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the CLI's console relay over a socketpair: escape, guest EOF, timeout, read-only. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "cli/cli.h"

static int saved_in = -1, saved_out = -1;

/* stdin from the bytes given (or /dev/null), stdout into a temp file. */
static int
redirect(const char *input, size_t len)
{
	char path[] = "/tmp/test_cli_console.XXXXXX";
	int p[2], out;

	fflush(stdout);
	saved_in = dup(STDIN_FILENO);
	saved_out = dup(STDOUT_FILENO);
	if (input) {
		if (pipe(p) < 0 || write(p[1], input, len) != (ssize_t)len)
			abort();
		close(p[1]);
		dup2(p[0], STDIN_FILENO);
		close(p[0]);
	} else {
		int n = open("/dev/null", O_RDONLY);

		dup2(n, STDIN_FILENO);
		close(n);
	}
	if ((out = mkstemp(path)) < 0)
		abort();
	unlink(path);
	dup2(out, STDOUT_FILENO);
	return out;
}

/* Restore stdin and stdout; what the relay wrote goes in buf. */
static void
restore(int out, char *buf, size_t len)
{
	ssize_t r;

	fflush(stdout);
	dup2(saved_in, STDIN_FILENO);
	dup2(saved_out, STDOUT_FILENO);
	close(saved_in);
	close(saved_out);
	r = pread(out, buf, len - 1, 0);
	buf[r > 0 ? r : 0] = '\0';
	close(out);
}

static void
test_escape(void)
{
	static const char in[] = "ls\r\x1dnot sent";
	char got[64] = "", out[64];
	int sp[2], o, rc;
	ssize_t r;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
		abort();
	o = redirect(in, sizeof(in) - 1);
	rc = cli_console_run(sp[0], 5, 0);
	restore(o, out, sizeof(out));
	CHECK_INT(rc, 0);
	fcntl(sp[1], F_SETFL, O_NONBLOCK);
	r = read(sp[1], got, sizeof(got) - 1);
	got[r > 0 ? r : 0] = '\0';
	CHECK_STR(got, "ls\r");
	close(sp[0]);
	close(sp[1]);
}

static void
test_guest_eof(void)
{
	char out[64];
	int sp[2], o, rc;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
		abort();
	if (write(sp[1], "VMHOST-GUEST-READY\r\n", 20) != 20)
		abort();
	close(sp[1]);
	/* stdin ends at once; the output is still shown until the guest's EOF */
	o = redirect(NULL, 0);
	rc = cli_console_run(sp[0], 5, 0);
	restore(o, out, sizeof(out));
	CHECK_INT(rc, 0);
	CHECK_STR(out, "VMHOST-GUEST-READY\r\n");
	close(sp[0]);
}

static void
test_timeout_read_only(void)
{
	char out[64], got[16];
	struct timespec a, b;
	int sp[2], o, rc;
	double secs;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
		abort();
	o = redirect("typed", 5);
	clock_gettime(CLOCK_MONOTONIC, &a);
	rc = cli_console_run(sp[0], 1, 1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	restore(o, out, sizeof(out));
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	CHECK_INT(rc, 0);
	CHECK(secs >= 0.9 && secs < 3);
	CHECK_STR(out, "");
	fcntl(sp[1], F_SETFL, O_NONBLOCK);
	CHECK(read(sp[1], got, sizeof(got)) < 0);	/* nothing was sent */
	close(sp[0]);
	close(sp[1]);
}

int
main(void)
{
	test_escape();
	test_guest_eof();
	test_timeout_read_only();
	return check_done();
}
