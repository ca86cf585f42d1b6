/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Round-trip benchmark: libvmhost -> vmhostd (-> helpers) per call, beside the unix-socket floor. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmhost/vmhost.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void
pin(pid_t pid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(pid, sizeof(set), &set) < 0)
		perror("sched_setaffinity");
}

/* Ping-pong of 8-byte messages over a socketpair between two processes. */
static double
floor_us(int cpu_a, int cpu_b, int n)
{
	int sv[2];
	char buf[8] = { 0 };
	double t0, t1;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		pin(0, cpu_b);
		close(sv[0]);
		while (read(sv[1], buf, sizeof(buf)) == (ssize_t)sizeof(buf))
			if (write(sv[1], buf, sizeof(buf)) != (ssize_t)sizeof(buf))
				break;
		_exit(0);
	}
	pin(0, cpu_a);
	close(sv[1]);
	t0 = now_us();
	for (int i = 0; i < n; i++) {
		if (write(sv[0], buf, sizeof(buf)) != (ssize_t)sizeof(buf) ||
		    read(sv[0], buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			break;
	}
	t1 = now_us();
	close(sv[0]);
	waitpid(pid, NULL, 0);
	return (t1 - t0) / n;
}

static double
calls_us(vmhost_conn *c, int helpers, int n)
{
	double t0 = now_us();

	for (int i = 0; i < n; i++) {
		if ((helpers ? vmhost_helper_ping(c) : vmhost_ping(c)) < 0) {
			fprintf(stderr, "error: %s\n", vmhost_error(c));
			return -1;
		}
	}
	return (now_us() - t0) / n;
}

/* Median of k runs of f. */
static double
median3(double a, double b, double c)
{
	if (a > b) { double t = a; a = b; b = t; }
	if (b > c) { double t = b; b = c; c = t; }
	if (a > b) { double t = a; a = b; b = t; }
	return b;
}

int
main(int argc, char **argv)
{
	/* argv: vmhostd pid, then helper pids (to pin them beside the client) */
	int n = 20000;
	char err[512];
	vmhost_conn *c = vmhost_open(NULL, 0, err, sizeof(err));
	double f_same, f_cross, d_same, d_cross, h_same, h_cross;

	if (!c) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	f_same = median3(floor_us(0, 0, n), floor_us(0, 0, n), floor_us(0, 0, n));
	f_cross = median3(floor_us(0, 1, n), floor_us(0, 1, n), floor_us(0, 1, n));
	for (int i = 1; i < argc; i++)
		pin(atoi(argv[i]), 0);
	pin(0, 0);
	d_same = median3(calls_us(c, 0, n), calls_us(c, 0, n), calls_us(c, 0, n));
	h_same = median3(calls_us(c, 1, n / 4), calls_us(c, 1, n / 4),
	    calls_us(c, 1, n / 4));
	for (int i = 1; i < argc; i++)
		pin(atoi(argv[i]), 1);
	d_cross = median3(calls_us(c, 0, n), calls_us(c, 0, n), calls_us(c, 0, n));
	h_cross = median3(calls_us(c, 1, n / 4), calls_us(c, 1, n / 4),
	    calls_us(c, 1, n / 4));
	printf("unix-socket ping-pong floor:    same CPU %7.1f us   across CPUs %7.1f us\n",
	    f_same, f_cross);
	printf("libvmhost -> vmhostd call:      same CPU %7.1f us   across CPUs %7.1f us   (%.1fx / %.1fx the floor)\n",
	    d_same, d_cross, d_same / f_same, d_cross / f_cross);
	printf("  ... -> every helper and back: same CPU %7.1f us   across CPUs %7.1f us   (3 helpers per call)\n",
	    h_same, h_cross);
	printf("libvirt 9 reference: 115-159 us per trivial call inside one virsh\n");
	vmhost_close(c);
	return 0;
}
