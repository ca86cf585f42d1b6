/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Client side of the secd launch test, run as uid vmhost against a real vmhost-secd: launch, identity, signals, refusals. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secd.pb-c.h"
#include "common/fileio.h"
#include "common/ipc.h"
#include "common/priv.h"
#include "common/rpc.h"
#include "secd/emulator_policy.h"
#include "tests/unit/check.h"

#define UUID_A "8f2d4d1e-3c55-4f4b-9a52-0d6f3f3c0b01"
#define UUID_B "8f2d4d1e-3c55-4f4b-9a52-0d6f3f3c0b02"
#define QEMU "/usr/bin/qemu-system-x86_64"
/* protobuf-c and argv want char *: literals cast through uintptr_t. */
#define S(lit) ((char *)(uintptr_t)(lit))

static const struct rpc_service secd_svc = {
	"secd", &vmhost__secd__request__descriptor,
	&vmhost__secd__reply__descriptor, NULL, 0,
};

static const char *root;
static int secd_pid;
static uid_t qemu_uid;
static gid_t kvm_gid;
static char errmsg[1024];
static const char *launch_xml;	/* LaunchRequest.domain_xml, NULL: empty */

/* One request on a fresh connection; the reply's error message in errmsg.
 * Returns 0, the Error code (> 0), or -errno. */
static int
call(Vmhost__Secd__Request *req, const int *fds, size_t nfds,
    Vmhost__Secd__Reply **rep, int *rfds, size_t *nrfds)
{
	char path[4096];
	const char *m = NULL;
	ProtobufCMessage *r = NULL;
	size_t dummy = 0;
	int fd, code;

	errmsg[0] = '\0';
	snprintf(path, sizeof(path), "%s/run/vmhost/secd/secd.sock", root);
	if ((fd = ipc_connect(path)) < 0)
		return fd;
	if (!nrfds)
		nrfds = &dummy;
	code = rpc_sync_call(fd, &secd_svc, &req->base, fds, nfds, &r, rfds,
	    nrfds);
	close(fd);
	if (code < 0)
		return code;
	if ((code = rpc_msg_error(r, &m)) > 0)
		snprintf(errmsg, sizeof(errmsg), "%s", m ? m : "");
	if (rep && code == 0)
		*rep = (Vmhost__Secd__Reply *)r;
	else
		protobuf_c_message_free_unpacked(r, NULL);
	return code;
}

struct launched {
	int pid;
	uint64_t start_time;
	int pidfd;
};

static int
launch(const char *uuid, char **argv, const int32_t *targets,
    size_t ntargets, const int *fds, size_t nfds, struct launched *out)
{
	Vmhost__Secd__Request req = VMHOST__SECD__REQUEST__INIT;
	Vmhost__Secd__LaunchRequest lr;
	Vmhost__Secd__Reply *rep = NULL;
	int rfds[4];
	size_t n = 4, argc = 0;
	int r;

	while (argv[argc])
		argc++;
	vmhost__secd__launch_request__init(&lr);
	lr.uuid = (char *)(uintptr_t)uuid;
	lr.name = S("secd-test");
	lr.argv = argv;
	lr.n_argv = argc;
	lr.fd_targets = (int32_t *)(uintptr_t)targets;
	lr.n_fd_targets = ntargets;
	if (launch_xml)
		lr.domain_xml = (char *)(uintptr_t)launch_xml;
	req.op_case = VMHOST__SECD__REQUEST__OP_LAUNCH;
	req.launch = &lr;
	r = call(&req, fds, nfds, &rep, rfds, &n);
	if (r == 0 && (rep->result_case != VMHOST__SECD__REPLY__RESULT_LAUNCH ||
	    n != 1))
		r = -EPROTO;
	if (r == 0 && out) {
		out->pid = rep->launch->pid;
		out->start_time = rep->launch->start_time;
		out->pidfd = rfds[0];
	} else if (r == 0) {
		close(rfds[0]);
	}
	if (rep)
		protobuf_c_message_free_unpacked(&rep->base, NULL);
	return r;
}

static int
sig(const char *uuid, int pid, int signo)
{
	Vmhost__Secd__Request req = VMHOST__SECD__REQUEST__INIT;
	Vmhost__Secd__SignalRequest sr;

	vmhost__secd__signal_request__init(&sr);
	sr.uuid = (char *)(uintptr_t)uuid;
	sr.pid = pid;
	sr.signal = signo;
	req.op_case = VMHOST__SECD__REQUEST__OP_SIGNAL;
	req.signal = &sr;
	return call(&req, NULL, 0, NULL, NULL, NULL);
}

static int
release(const char *uuid, int pid)
{
	Vmhost__Secd__Request req = VMHOST__SECD__REQUEST__INIT;
	Vmhost__Secd__ReleaseRequest rr;

	vmhost__secd__release_request__init(&rr);
	rr.uuid = (char *)(uintptr_t)uuid;
	rr.pid = pid;
	req.op_case = VMHOST__SECD__REQUEST__OP_RELEASE;
	req.release = &rr;
	return call(&req, NULL, 0, NULL, NULL, NULL);
}

/* A refused launch: error code > 0 and the message holds want. */
#define CHECK_REFUSED(expr, want) \
	do { \
		int r_ = (expr); \
		CHECK(r_ > 0); \
		if (!strstr(errmsg, (want))) { \
			check_failed++; \
			fprintf(stderr, "%s:%d: error '%s' lacks '%s'\n", \
			    __FILE__, __LINE__, errmsg, (want)); \
		} else { \
			check_passed++; \
			printf("refused as expected: %s\n", errmsg); \
		} \
	} while (0)

/* The monitor argv with uuid; extra (NULL-terminated) inserted before -S. */
static void
guest_argv(char **argv, const char *uuid, char *const *extra)
{
	static const char *const base[] = { QEMU, "-machine", "none",
		"-nodefaults", "-display", "none", "-uuid", NULL, "-chardev",
		"socket,id=mon,fd=3", "-mon", "chardev=mon,mode=control",
		"-sandbox",
		"on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
		NULL };
	size_t n = 0;

	for (size_t i = 0; i < 14; i++) {
		argv[n++] = (char *)(uintptr_t)(base[i] ? base[i] : uuid);
	}
	for (size_t i = 0; extra && extra[i]; i++)
		argv[n++] = extra[i];
	argv[n++] = S("-S");
	argv[n] = NULL;
}

static int
wait_readable(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, ms) == 1;
}

static int
gone(int pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d", pid);
	for (int i = 0; i < 200; i++) {
		if (access(path, F_OK) < 0)
			return 1;
		usleep(10000);
	}
	return 0;
}

/* Launch a monitor-only guest: QMP greeting, identity, session. */
static int
launch_good(const char *uuid, struct launched *g, int *qmp)
{
	int32_t targets[3] = { 3, 1, 2 };
	char *argv[40], buf[512] = "", path[128];
	int sp[2], logfd, fds[3], r;
	struct proc_status st;
	ssize_t n;

	snprintf(path, sizeof(path), "/tmp/secd-test-log.XXXXXX");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0 ||
	    (logfd = mkstemp(path)) < 0)
		return -errno;
	unlink(path);
	guest_argv(argv, uuid, NULL);
	fds[0] = sp[1];
	fds[1] = fds[2] = logfd;
	r = launch(uuid, argv, targets, 3, fds, 3, g);
	close(sp[1]);
	close(logfd);
	CHECK_INT(r, 0);
	if (r) {
		fprintf(stderr, "launch: %s\n", errmsg);
		close(sp[0]);
		return r;
	}
	CHECK(wait_readable(sp[0], 5000));
	n = read(sp[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(strstr(buf, "\"QMP\"") != NULL);
	CHECK(proc_status_read(g->pid, &st) == 0);
	CHECK_INT(st.uid, qemu_uid);
	CHECK_INT(st.gid, kvm_gid);
	CHECK(st.ngroups == 1 && st.groups[0] == st.gid);
	CHECK_INT(st.cap_eff, 0);
	CHECK_INT(st.cap_prm, 0);
	CHECK_INT(st.cap_inh, 0);
	CHECK_INT(st.cap_bnd, 0);
	CHECK_INT(st.cap_amb, 0);
	CHECK_INT(st.no_new_privs, 1);
	CHECK_INT(getsid(g->pid), g->pid);
	CHECK(g->start_time > 0);
	*qmp = sp[0];
	return 0;
}

/* A refused launch of the good argv with one change. */
static void
refusals(void)
{
	int32_t t3[1] = { 3 }, t33[2] = { 3, 3 }, t0[1] = { 0 };
	char *argv[40], *big[600], tmpq[] = "/tmp/secd-qemu-copy";
	char *runas[] = { S("-runas"), S("root"), NULL };
	char *sandbox[] = { S("-sandbox"), S("off"), NULL };
	char *fd9[] = { S("-chardev"), S("socket,id=x,fd=9"), NULL };
	char *addfd[] = { S("-add-fd"), S("fd=7,set=1"), NULL };
	char *qmp[] = { S("-qmp"), S("unix:/tmp/q.sock,server=on"), NULL };
	char *mon[] = { S("-monitor"), S("stdio"), NULL };
	char *gdb[] = { S("--gdb"), S("tcp::1234"), NULL };
	char *plug[] = { S("-plugin"), S("/tmp/x.so"), NULL };
	char *dmn[] = { S("-daemonize"), NULL };
	char *chr[] = { S("-chroot"), S("/tmp"), NULL };
	char *elev[] = { S("-sandbox"), S("on,elevateprivileges=allow"), NULL };
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), two[2] = { fd, fd };
	char cmd[256];

	guest_argv(argv, UUID_B, NULL);
	argv[0] = S("/bin/sh");
	CHECK_REFUSED(launch(UUID_B, argv, t3, 1, &fd, 1, NULL), "is not on the allow-list");
	snprintf(cmd, sizeof(cmd), "cp " QEMU " %s && chmod 755 %s", tmpq, tmpq);
	CHECK(system(cmd) == 0);
	argv[0] = tmpq;
	CHECK_REFUSED(launch(UUID_B, argv, t3, 1, &fd, 1, NULL), "is not on the allow-list");
	unlink(tmpq);
	/* Allow-listed by the test's qemu.conf, but not executable by the
	 * emulator user: the child's report reaches the reply. */
	snprintf(cmd, sizeof(cmd), "%s/qemu-noexec", root);
	argv[0] = cmd;
	CHECK_REFUSED(launch(UUID_B, argv, t3, 1, &fd, 1, NULL), "': Permission denied");
	argv[0] = S("qemu-system-x86_64");
	CHECK_REFUSED(launch(UUID_B, argv, t3, 1, &fd, 1, NULL), "not an absolute path");
#define REFUSE_EXTRA(extra, want) \
	do { \
		guest_argv(argv, UUID_B, extra); \
		CHECK_REFUSED(launch(UUID_B, argv, t3, 1, &fd, 1, NULL), want); \
	} while (0)
	REFUSE_EXTRA(runas, "option -runas refused");
	REFUSE_EXTRA(sandbox, "-sandbox 'off' refused");
	REFUSE_EXTRA(elev, "without elevated privileges");
	REFUSE_EXTRA(fd9, "descriptor 9 was not passed");
	REFUSE_EXTRA(addfd, "descriptor 7 was not passed");
	REFUSE_EXTRA(qmp, "option -qmp");
	REFUSE_EXTRA(mon, "option -monitor 'stdio' refused");
	REFUSE_EXTRA(gdb, "option -gdb refused");
	REFUSE_EXTRA(plug, "option -plugin refused");
	REFUSE_EXTRA(dmn, "option -daemonize refused");
	REFUSE_EXTRA(chr, "option -chroot refused");
	guest_argv(argv, UUID_B, NULL);
	CHECK_REFUSED(launch("8F2D4D1E-3C55-4F4B-9A52-0D6F3F3C0B02", argv, t3, 1, &fd, 1, NULL), "malformed uuid");
	CHECK_REFUSED(launch("../../etc", argv, t3, 1, &fd, 1, NULL), "malformed uuid");
	CHECK_REFUSED(launch(UUID_B, argv, t3, 1, NULL, 0, NULL), "1 descriptor targets for 0 descriptors");
	CHECK_REFUSED(launch(UUID_B, argv, t33, 2, two, 2, NULL), "given twice");
	CHECK_REFUSED(launch(UUID_B, argv, t0, 1, &fd, 1, NULL), "out of range");
	for (size_t i = 0; i < 599; i++)
		big[i] = S(i ? "-S" : QEMU);
	big[599] = NULL;
	CHECK_REFUSED(launch(UUID_B, big, NULL, 0, NULL, 0, NULL), "argv has 599 elements");
	/* The definition that comes with a launch: its uuid must be the
	 * guest's; model apparmor is refused on a host without it; broken
	 * XML is an error. */
	guest_argv(argv, UUID_B, NULL);
	launch_xml = "<domain type='qemu'><name>x</name><uuid>" UUID_A
	    "</uuid><memory>65536</memory><os><type>hvm</type></os></domain>";
	CHECK_REFUSED(launch(UUID_B, argv, t3, 1, &fd, 1, NULL),
	    "the definition's uuid " UUID_A " is not the guest's " UUID_B);
	launch_xml = "<domain type='qemu'><name>x</name><uuid>" UUID_B
	    "</uuid><memory>65536</memory><os><type>hvm</type></os>"
	    "<seclabel type='dynamic' model='apparmor'/></domain>";
	CHECK_REFUSED(launch(UUID_B, argv, t3, 1, &fd, 1, NULL),
	    "security model 'apparmor' is not active on this host");
	launch_xml = "<domain type='qemu'><name>x</name><uuid>" UUID_B;
	CHECK(launch(UUID_B, argv, t3, 1, &fd, 1, NULL) > 0);
	launch_xml = NULL;
	close(fd);
}

/* Signals: only SIGTERM/SIGKILL, only to an emulator of that uuid. */
static void
signal_refusals(const struct launched *g)
{
	CHECK_REFUSED(sig(UUID_A, 1, SIGKILL), "pid 1 is not the emulator of guest " UUID_A);
	CHECK_REFUSED(sig(UUID_A, secd_pid, SIGKILL), "is not the emulator of guest");
	CHECK_REFUSED(sig(UUID_A, getpid(), SIGKILL), "is not the emulator of guest");
	CHECK_REFUSED(sig(UUID_B, g->pid, SIGKILL), "is not the emulator of guest " UUID_B);
	CHECK_REFUSED(sig(UUID_A, g->pid, SIGSTOP), "only SIGTERM");
	CHECK_REFUSED(sig(UUID_A, g->pid, 0), "only SIGTERM");
	CHECK_REFUSED(sig("nonsense", g->pid, SIGKILL), "malformed uuid");
	CHECK(kill(g->pid, 0) == 0 || errno == EPERM);
}

/* The guest's devices list is the one the setup wrote on the parent. */
static void
acl_check(const char *uuid)
{
	char path[256], *parent = NULL, *guest = NULL;
	size_t n;

	if (file_read_all("/sys/fs/cgroup/devices/vmhost/devices.list", 65536,
	    &parent, &n) < 0 || strstr(parent, "a *:* rwm")) {
		printf("skip: no device ACL on /sys/fs/cgroup/devices/vmhost\n");
		free(parent);
		return;
	}
	snprintf(path, sizeof(path), "/sys/fs/cgroup/devices/vmhost/%s/devices.list",
	    uuid);
	CHECK(file_read_all(path, 65536, &guest, &n) == 0);
	CHECK(guest && strcmp(guest, parent) == 0);
	CHECK(guest && !strstr(guest, "b "));	/* no block device allowed */
	free(parent);
	free(guest);
}

/* The emulator is in its own cgroups when the setup made them. */
static void
cgroup_checks(const struct launched *g, const char *uuid)
{
	char path[256], want[128], *line = NULL;
	size_t cap = 0;
	int found = 0;
	FILE *f;

	if (access("/sys/fs/cgroup/cpu/vmhost", W_OK) < 0 &&
	    access("/sys/fs/cgroup/cpu/vmhost", F_OK) < 0) {
		printf("skip: no /sys/fs/cgroup/cpu/vmhost\n");
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/cgroup", g->pid);
	snprintf(want, sizeof(want), ":/vmhost/%s", uuid);
	if (!(f = fopen(path, "r")))
		return;
	while (getline(&line, &cap, f) > 0)
		found += strstr(line, want) != NULL;
	free(line);
	fclose(f);
	CHECK(found >= 3);	/* cpu, memory, devices, pids */
	acl_check(uuid);
}

static int
mode_main(void)
{
	struct launched g;
	int qmp, r;
	char dir[128];

	refusals();
	if ((r = launch_good(UUID_A, &g, &qmp)) < 0)
		return check_done();
	cgroup_checks(&g, UUID_A);
	if (access("/sys/fs/cgroup/cpu/vmhost", W_OK) == 0 ||
	    access("/sys/fs/cgroup/cpu/vmhost", F_OK) == 0) {
		int32_t t3[1] = { 3 };
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		char *argv[40];

		guest_argv(argv, UUID_A, NULL);
		CHECK_REFUSED(launch(UUID_A, argv, t3, 1, &null, 1, NULL),
		    "already has processes");
		close(null);
	}
	signal_refusals(&g);
	CHECK_INT(sig(UUID_A, g.pid, SIGKILL), 0);
	CHECK(wait_readable(g.pidfd, 5000));
	CHECK(gone(g.pid));	/* reaped by secd: no zombie left */
	CHECK_INT(release(UUID_A, g.pid), 0);
	snprintf(dir, sizeof(dir), "/sys/fs/cgroup/cpu/vmhost/%s", UUID_A);
	CHECK(access(dir, F_OK) < 0);
	close(g.pidfd);
	close(qmp);
	/* SIGTERM works too. */
	if (launch_good(UUID_A, &g, &qmp) == 0) {
		CHECK_INT(sig(UUID_A, g.pid, SIGTERM), 0);
		CHECK(wait_readable(g.pidfd, 5000));
		CHECK(gone(g.pid));
		CHECK_INT(release(UUID_A, g.pid), 0);
		close(g.pidfd);
		close(qmp);
	}
	return check_done();
}

/* Launch a guest that must outlive a restart of secd: print its pid. */
static int
mode_before_restart(void)
{
	struct launched g;
	int qmp;

	if (launch_good(UUID_B, &g, &qmp) == 0) {
		printf("guest %d %llu\n", g.pid, (unsigned long long)g.start_time);
		close(qmp);
		close(g.pidfd);
	}
	return check_done();
}

/* After secd was killed and started again: the guest runs; stop it. */
static int
mode_after_restart(int pid, unsigned long long start)
{
	uint64_t now = 0;
	char path[64];
	int pidfd;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	CHECK((f = fopen(path, "r")) != NULL);
	if (f) {
		CHECK(fscanf(f, "%*d (%*[^)]) %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		    (unsigned long long *)&now) == 1);
		fclose(f);
	}
	CHECK_INT(now, start);	/* the same process, still there */
	CHECK((pidfd = pidfd_open(pid, 0)) >= 0);
	CHECK(!wait_readable(pidfd, 0));
	CHECK_INT(sig(UUID_B, pid, SIGKILL), 0);
	CHECK(wait_readable(pidfd, 5000));
	CHECK_INT(release(UUID_B, pid), 0);
	close(pidfd);
	return check_done();
}

/* vmhostd's golden argv files (one argument a line) pass the policy. */
static int
mode_policy(int n, char **files)
{
	static const int32_t targets[] = { 1, 2, 3, 4, 5, 10, 11, 12, 13, 20 };
	char err[512], *argv[POLICY_MAX_ARGS + 1], *line = NULL;
	size_t cap = 0;

	for (int i = 0; i < n; i++) {
		FILE *f = fopen(files[i], "r");
		size_t argc = 0;
		ssize_t len;

		CHECK(f != NULL);
		if (!f)
			continue;
		while (argc < POLICY_MAX_ARGS &&
		    (len = getline(&line, &cap, f)) > 0) {
			line[len - 1] = line[len - 1] == '\n' ? '\0' : line[len - 1];
			argv[argc++] = strdup(line);
		}
		fclose(f);
		argv[argc] = NULL;
		err[0] = '\0';
		CHECK_INT(policy_argv_check(argv, argc, targets, 10, err,
		    sizeof(err)), 0);
		if (err[0])
			fprintf(stderr, "%s: %s\n", files[i], err);
		/* Without the descriptors, the same argv is refused. */
		CHECK(policy_argv_check(argv, argc, targets, 0, err,
		    sizeof(err)) < 0);
		for (size_t j = 0; j < argc; j++)
			free(argv[j]);
	}
	free(line);
	return check_done();
}

int
main(int argc, char **argv)
{
	gid_t g;

	if (argc >= 3 && !strcmp(argv[1], "policy"))
		return mode_policy(argc - 2, argv + 2);

	if (argc < 4) {
		fprintf(stderr, "usage: %s main|before-restart|after-restart ROOT SECD_PID [PID START]\n",
		    argv[0]);
		return 2;
	}
	root = argv[2];
	secd_pid = atoi(argv[3]);
	if (priv_lookup_user("vmhost-qemu", &qemu_uid, &g) < 0 ||
	    priv_lookup_group("kvm", &kvm_gid) < 0) {
		fprintf(stderr, "users vmhost-qemu and group kvm must exist\n");
		return 2;
	}
	if (!strcmp(argv[1], "main"))
		return mode_main();
	if (!strcmp(argv[1], "before-restart"))
		return mode_before_restart();
	if (!strcmp(argv[1], "after-restart") && argc == 6)
		return mode_after_restart(atoi(argv[4]),
		    strtoull(argv[5], NULL, 10));
	return 2;
}
