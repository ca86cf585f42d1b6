/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Integration test of vmhostd's QMP client against real QEMU: connected and listening monitor sockets, reconnects, a killed QEMU, and a serial log through an fdset. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/json.h"
#include "tests/unit/check.h"
#include "vmhostd/qmp.h"

#define QEMU "qemu-system-x86_64"
#define WAIT_SECS 20

struct ctx {
	struct event_base *base;
	struct qmp *q;
	int ready, closed, closed_err, replied, shutdown, timed_out;
	struct json *ret;	/* copy of the last "return" */
	char eclass[64], edesc[256];
	char events[1024];
};

static char tmpdir[] = "/tmp/vmhost-qmp-XXXXXX";

static void
on_ready(void *arg)
{
	((struct ctx *)arg)->ready = 1;
}

static void
on_event(void *arg, const char *name, struct json *data, int64_t s,
    int64_t us)
{
	struct ctx *c = arg;
	const char *reason = json_str(json_get(data, "reason"));
	size_t n = strlen(c->events);

	snprintf(c->events + n, sizeof(c->events) - n, "%s%s%s;", name,
	    reason ? ":" : "", reason ? reason : "");
	CHECK(s > 1600000000 && us >= 0 && us < 1000000);
	if (strcmp(name, "SHUTDOWN") == 0)
		c->shutdown = 1;
}

static void
on_closed(void *arg, int err)
{
	struct ctx *c = arg;

	c->closed = 1;
	c->closed_err = err;
}

static const struct qmp_callbacks cbs = { on_ready, on_event, on_closed };

static void
on_reply(void *arg, struct json *ret, const char *eclass, const char *edesc)
{
	struct ctx *c = arg;
	char *text = ret ? json_write(ret, NULL) : NULL;

	json_free(c->ret);
	c->ret = text ? json_parse(text, strlen(text), NULL, 0) : NULL;
	free(text);
	snprintf(c->eclass, sizeof(c->eclass), "%s", eclass ? eclass : "");
	snprintf(c->edesc, sizeof(c->edesc), "%s", edesc ? edesc : "");
	c->replied = 1;
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	((struct ctx *)arg)->timed_out = 1;
}

/* Run the loop until *flag is set; 0, or -ETIMEDOUT after secs. */
static int
run_until(struct ctx *c, const int *flag, int secs)
{
	struct event *t = evtimer_new(c->base, on_timeout, c);
	struct timeval tv = { secs, 0 };

	c->timed_out = 0;
	evtimer_add(t, &tv);
	while (!*flag && !c->timed_out)
		event_base_loop(c->base, EVLOOP_ONCE);
	event_free(t);
	return *flag ? 0 : -ETIMEDOUT;
}

/* One command, answered: its "return" (owned by c), or NULL on error. */
static struct json *
call(struct ctx *c, const char *cmd, struct json *args)
{
	c->replied = 0;
	c->eclass[0] = c->edesc[0] = '\0';
	if (qmp_command(c->q, cmd, args, on_reply, c) < 0 ||
	    run_until(c, &c->replied, WAIT_SECS) < 0) {
		fprintf(stderr, "%s: no reply\n", cmd);
		return NULL;
	}
	if (c->edesc[0])
		fprintf(stderr, "%s: %s: %s\n", cmd, c->eclass, c->edesc);
	return c->ret;
}

static const char *
status(struct ctx *c)
{
	return json_str(json_get(call(c, "query-status", NULL), "status"));
}

/* fork+exec QEMU with fds[i] as descriptor 3+i, the rest of argv after
 * the common options. */
static pid_t
spawn_qemu(const int *fds, int nfds, const char *const *args)
{
	const char *argv[40] = { QEMU, "-nodefaults", "-display", "none" };
	int n = 4, hi[8];
	pid_t pid;

	for (int i = 0; args[i] && n < 39; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if ((pid = fork()) != 0)
		return pid;
	for (int i = 0; i < nfds; i++)	/* out of the way of 3.. first */
		hi[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 100);
	for (int i = 0; i < nfds; i++)
		if (dup2(hi[i], 3 + i) < 0)
			_exit(126);
	execvp(QEMU, (char *const *)(uintptr_t)argv);
	_exit(127);
}

/* Wait for QEMU to exit (it was told to quit); its exit status. */
static int
reap(pid_t pid)
{
	int st = -1;

	for (int i = 0; i < WAIT_SECS * 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		usleep(100000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static void
ctx_init(struct ctx *c, struct event_base *base)
{
	memset(c, 0, sizeof(*c));
	c->base = base;
}

static void
ctx_done(struct ctx *c)
{
	qmp_free(c->q);
	c->q = NULL;
	json_free(c->ret);
	c->ret = NULL;
}

/* quit: the return (or not, QEMU may close first), SHUTDOWN, closed. */
static void
quit_and_check(struct ctx *c, pid_t pid)
{
	CHECK_INT(qmp_command(c->q, "quit", NULL, NULL, NULL), 0);
	CHECK_INT(run_until(c, &c->closed, WAIT_SECS), 0);
	CHECK(strstr(c->events, "SHUTDOWN:host-qmp-quit;") != NULL);
	CHECK(c->closed_err == 0 || c->closed_err == -ECONNRESET);
	printf("  quit: events '%s', closed(%d)\n", c->events, c->closed_err);
	CHECK_INT(reap(pid), 0);
}

/* A socketpair end as QEMU's monitor: fd=3, no server=on. */
static void
test_connected(struct event_base *base)
{
	static const char *const args[] = { "-machine", "none", "-S",
		"-chardev", "socket,id=mon,fd=3",
		"-mon", "chardev=mon,mode=control", NULL };
	struct ctx c;
	struct json *v;
	int sv[2];
	pid_t pid;

	ctx_init(&c, base);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	pid = spawn_qemu(&sv[1], 1, args);
	close(sv[1]);
	c.q = qmp_new(base, sv[0], &cbs, &c);
	CHECK_INT(run_until(&c, &c.ready, WAIT_SECS), 0);
	CHECK_STR(status(&c), "prelaunch");
	v = call(&c, "query-version", NULL);
	CHECK_INT(json_int(json_get(json_get(v, "qemu"), "major"), 0), 7);
	CHECK_INT(json_int(json_get(json_get(v, "qemu"), "minor"), 0), 2);
	CHECK(call(&c, "cont", NULL) != NULL);
	CHECK_STR(status(&c), "running");
	CHECK(strstr(c.events, "RESUME;") != NULL);
	CHECK(call(&c, "no-such-command", NULL) == NULL);
	CHECK_STR(c.eclass, "CommandNotFound");
	v = json_new_object();
	json_set_str(v, "path", "/machine");
	CHECK_INT(json_len(call(&c, "qom-list", v)) > 0, 1);
	quit_and_check(&c, pid);
	ctx_done(&c);
}

static int
listen_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 4) < 0)
		abort();
	return fd;
}

static int
connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("connect");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One session on a listening monitor: ready, status; quit if asked. */
static void
session(struct ctx *c, const char *path, const char *want, pid_t quit_pid)
{
	int fd = connect_unix(path);

	CHECK(fd >= 0);
	c->ready = c->closed = 0;
	c->events[0] = '\0';
	c->q = qmp_new(c->base, fd, &cbs, c);
	CHECK_INT(run_until(c, &c->ready, WAIT_SECS), 0);
	CHECK_STR(status(c), want);
	if (quit_pid > 0)
		quit_and_check(c, quit_pid);
	ctx_done(c);	/* disconnect; QEMU goes back to listening */
}

/* A listening socket as fd=3 with server=on,wait=off: connect (even
 * before QEMU accepts), disconnect, reconnect, as vmhostd does after a
 * restart. */
static void
test_listening(struct event_base *base)
{
	static const char *const args[] = { "-machine", "none", "-S",
		"-chardev", "socket,id=mon,fd=3,server=on,wait=off",
		"-mon", "chardev=mon,mode=control", NULL };
	char path[128];
	struct ctx c;
	pid_t pid;
	int lfd;

	ctx_init(&c, base);
	snprintf(path, sizeof(path), "%s/qmp.sock", tmpdir);
	lfd = listen_unix(path);
	pid = spawn_qemu(&lfd, 1, args);
	close(lfd);
	session(&c, path, "prelaunch", 0);	/* QEMU may not be up yet */
	session(&c, path, "prelaunch", 0);
	session(&c, path, "prelaunch", pid);
	unlink(path);
}

/* QEMU killed under us: the pending command fails, closed is called. */
static void
test_killed(struct event_base *base)
{
	static const char *const args[] = { "-machine", "none", "-S",
		"-chardev", "socket,id=mon,fd=3",
		"-mon", "chardev=mon,mode=control", NULL };
	struct ctx c;
	int sv[2], st;
	pid_t pid;

	ctx_init(&c, base);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	pid = spawn_qemu(&sv[1], 1, args);
	close(sv[1]);
	c.q = qmp_new(base, sv[0], &cbs, &c);
	CHECK_INT(run_until(&c, &c.ready, WAIT_SECS), 0);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	CHECK(call(&c, "query-status", NULL) == NULL);
	CHECK_STR(c.edesc, QMP_ERROR_CLOSED);
	CHECK_INT(c.closed, 1);
	printf("  killed: closed(%d)\n", c.closed_err);
	ctx_done(&c);
}

/* A 64 KiB BIOS that prints a line on COM1 and halts. */
static void
write_bios(const char *path, const char *msg)
{
	static const unsigned char code[] = {
		0x0e, 0x1f,		/* push cs; pop ds */
		0xbe, 0x20, 0x00,	/* mov si, msg (0x20) */
		0xba, 0xf8, 0x03,	/* mov dx, 0x3f8 */
		0xac,			/* l: lodsb */
		0x84, 0xc0,		/* test al, al */
		0x74, 0x03,		/* jz h */
		0xee,			/* out dx, al */
		0xeb, 0xf8,		/* jmp l */
		0xf4,			/* h: hlt */
		0xeb, 0xfd,		/* jmp h */
	};
	static unsigned char rom[65536];
	FILE *f = fopen(path, "wb");

	memcpy(rom, code, sizeof(code));
	memcpy(rom + 0x20, msg, strlen(msg) + 1);
	memcpy(rom + 0xfff0, "\xea\x00\x00\x00\xf0", 5); /* jmp f000:0000 */
	if (!f || fwrite(rom, sizeof(rom), 1, f) != 1 || fclose(f) != 0)
		abort();
}

static size_t
file_has(const char *path, const char *needle)
{
	char buf[4096] = "";
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

/* The serial console logged to a descriptor through -add-fd and
 * logfile=/dev/fdset/1, with nobody connected to the serial socket. */
static void
test_serial_logfile(struct event_base *base)
{
	char bios[128], log[128], sock[128], chardev[256];
	const char *const args[] = { "-machine", "pc", "-accel", "tcg",
		"-bios", bios,
		"-chardev", "socket,id=mon,fd=3", "-mon", "chardev=mon,mode=control",
		"-add-fd", "fd=5,set=1",
		"-chardev", chardev, "-serial", "chardev:charserial0", NULL };
	struct ctx c;
	int fds[3], sv[2];
	pid_t pid;

	snprintf(bios, sizeof(bios), "%s/bios.bin", tmpdir);
	snprintf(log, sizeof(log), "%s/serial.log", tmpdir);
	snprintf(sock, sizeof(sock), "%s/serial.sock", tmpdir);
	snprintf(chardev, sizeof(chardev), "socket,id=charserial0,fd=4,"
	    "server=on,wait=off,logfile=/dev/fdset/1,logappend=on");
	write_bios(bios, "vmhost serial ok\r\n");
	ctx_init(&c, base);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	fds[0] = sv[1];
	fds[1] = listen_unix(sock);
	fds[2] = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	pid = spawn_qemu(fds, 3, args);
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	c.q = qmp_new(base, sv[0], &cbs, &c);
	CHECK_INT(run_until(&c, &c.ready, WAIT_SECS), 0);
	CHECK_STR(status(&c), "running");
	for (int i = 0; i < WAIT_SECS * 10 && !file_has(log, "serial ok"); i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(100000);
	}
	CHECK(file_has(log, "vmhost serial ok\r\n"));
	quit_and_check(&c, pid);
	ctx_done(&c);
	unlink(bios);
	unlink(log);
	unlink(sock);
}

int
main(void)
{
	struct event_base *base;

	signal(SIGPIPE, SIG_IGN);
	if (system(QEMU " --version >/dev/null 2>&1") != 0) {
		printf("SKIP: %s not found\n", QEMU);
		return 77;
	}
	if (!mkdtemp(tmpdir))
		return 1;
	base = event_base_new();
	printf("connected socket fd:\n");
	test_connected(base);
	printf("listening socket fd, reconnects:\n");
	test_listening(base);
	printf("QEMU killed:\n");
	test_killed(base);
	printf("serial logfile through an fdset:\n");
	test_serial_logfile(base);
	event_base_free(base);
	rmdir(tmpdir);
	return check_done();
}
