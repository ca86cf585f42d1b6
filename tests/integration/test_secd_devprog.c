/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* secd's device ACL pieces against the real kernel (root): ACL rules from paths, and the hand-built eBPF device program's semantics in scratch v2 cgroups. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "secd/cgroup.h"
#include "tests/unit/check.h"

#define V2 "/sys/fs/cgroup/unified"

static char tmpdir[] = "/tmp/secd-devprog.XXXXXX";

static void
acl_rules(void)
{
	struct cg_dev_rule r[CG_MAX_RULES];
	const char *rel[] = { "dev/null", NULL };
	const char *file[] = { "/dev/null", "/etc/passwd", NULL };
	const char *missing[] = { "/dev/vmhost-no-such-device", "/dev/zero", NULL };
	const char *many[CG_MAX_RULES + 2];
	char err[256] = "", blk[128];
	const char *block[] = { blk, NULL };
	int n;

	n = cg_acl_rules(NULL, r, CG_MAX_RULES, err, sizeof(err));
	CHECK(n >= 3);
	if (n >= 3) {
		CHECK(r[0].type == 'c' && r[0].major == 1 && r[0].minor == 3 &&
		    r[0].access == (CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE));
		CHECK(r[n - 1].type == 'c' && r[n - 1].major == 136 &&
		    r[n - 1].minor == -1 &&
		    r[n - 1].access == (CG_ACC_READ | CG_ACC_WRITE));
	}
	CHECK_INT(cg_acl_rules(rel, r, CG_MAX_RULES, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "'dev/null' is not an absolute path") != NULL);
	CHECK_INT(cg_acl_rules(file, r, CG_MAX_RULES, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "'/etc/passwd' is not a device") != NULL);
	CHECK_INT(cg_acl_rules(missing, r, CG_MAX_RULES, err, sizeof(err)), 2);
	CHECK(r[0].major == 1 && r[0].minor == 5);
	for (size_t i = 0; i < CG_MAX_RULES + 1; i++)
		many[i] = "/dev/null";
	many[CG_MAX_RULES + 1] = NULL;
	CHECK_INT(cg_acl_rules(many, r, CG_MAX_RULES, err, sizeof(err)), -E2BIG);
	snprintf(blk, sizeof(blk), "%s/blk", tmpdir);
	CHECK(mknod(blk, S_IFBLK | 0600, makedev(7, 0)) == 0);
	CHECK_INT(cg_acl_rules(block, r, CG_MAX_RULES, err, sizeof(err)), 2);
	CHECK(r[0].type == 'b' && r[0].major == 7 && r[0].minor == 0);
}

static int
sys_bpf(int cmd, union bpf_attr *a)
{
	return (int)syscall(SYS_bpf, cmd, a, sizeof(*a));
}

/* A scratch v2 folder with the program for rules attached; its path in dir. */
static int
scratch_cgroup(const struct cg_dev_rule *rules, size_t n, char *dir,
    size_t len)
{
	static struct bpf_insn p[8 + 8 * CG_MAX_RULES];
	static int seq;
	union bpf_attr a;
	int prog, cg, r;

	snprintf(dir, len, V2 "/vmhost-devprog-%d-%d", (int)getpid(), seq++);
	if (mkdir(dir, 0755) < 0)
		return -errno;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)p;
	a.insn_cnt = (uint32_t)cg_bpf_build(rules, n, p);
	a.license = (uint64_t)(uintptr_t)"GPL";
	if ((prog = sys_bpf(BPF_PROG_LOAD, &a)) < 0)
		return -errno;
	if ((cg = open(dir, O_RDONLY | O_DIRECTORY)) < 0) {
		close(prog);
		return -errno;
	}
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cg;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	r = sys_bpf(BPF_PROG_ATTACH, &a) < 0 ? -errno : 0;
	close(cg);
	close(prog);
	return r;
}

/* errno of open(path, flags) (0: opened) from a child inside dir. */
static int
open_in(const char *dir, const char *path, int flags)
{
	char procs[512];
	int status, fd;
	pid_t pid;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	if ((pid = fork()) == 0) {
		if ((fd = open(procs, O_WRONLY)) < 0 || write(fd, "0", 1) != 1)
			_exit(200);
		close(fd);
		if ((fd = open(path, flags)) < 0)
			_exit(errno);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* errno of mknod of a character node (0: made) from a child inside dir. */
static int
mknod_in(const char *dir, unsigned maj, unsigned min)
{
	char path[256];
	int r;

	snprintf(path, sizeof(path), "%s/node-%u-%u", tmpdir, maj, min);
	unlink(path);
	if (fork() == 0) {
		char procs[512];
		int fd;

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
		if ((fd = open(procs, O_WRONLY)) < 0 || write(fd, "0", 1) != 1)
			_exit(200);
		_exit(mknod(path, S_IFCHR | 0600, makedev(maj, min)) < 0 ?
		    errno : 0);
	}
	wait(&r);
	unlink(path);
	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

static void
program_semantics(void)
{
	const unsigned rwm = CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE;
	struct cg_dev_rule null_only[] = { { 'c', 1, 3, rwm } };
	struct cg_dev_rule zero_read[] = { { 'c', 1, 5, CG_ACC_READ } };
	struct cg_dev_rule mem_any[] = { { 'c', 1, -1, rwm } };
	struct cg_dev_rule chars[] = { { 'c', -1, -1, rwm } };
	char dir[5][256], blk[300];
	int ok[5];

	snprintf(blk, sizeof(blk), "%s/blk", tmpdir);
	ok[0] = scratch_cgroup(null_only, 1, dir[0], sizeof(dir[0]));
	ok[1] = scratch_cgroup(zero_read, 1, dir[1], sizeof(dir[1]));
	ok[2] = scratch_cgroup(mem_any, 1, dir[2], sizeof(dir[2]));
	ok[3] = scratch_cgroup(chars, 1, dir[3], sizeof(dir[3]));
	ok[4] = scratch_cgroup(NULL, 0, dir[4], sizeof(dir[4]));
	for (int i = 0; i < 5; i++)
		CHECK_INT(ok[i], 0);
	/* c 1:3 rwm: /dev/null only, mknod of it too */
	CHECK_INT(open_in(dir[0], "/dev/null", O_RDWR), 0);
	CHECK_INT(open_in(dir[0], "/dev/zero", O_RDONLY), EPERM);
	CHECK_INT(open_in(dir[0], "/dev/full", O_WRONLY), EPERM);
	CHECK_INT(mknod_in(dir[0], 1, 3), 0);
	CHECK_INT(mknod_in(dir[0], 1, 5), EPERM);
	/* c 1:5 r: read only, no mknod */
	CHECK_INT(open_in(dir[1], "/dev/zero", O_RDONLY), 0);
	CHECK_INT(open_in(dir[1], "/dev/zero", O_WRONLY), EPERM);
	CHECK_INT(open_in(dir[1], "/dev/zero", O_RDWR), EPERM);
	CHECK_INT(mknod_in(dir[1], 1, 5), EPERM);
	CHECK_INT(open_in(dir[1], "/dev/null", O_RDONLY), EPERM);
	/* c 1:* rwm: every minor of major 1, not 5:2 */
	CHECK_INT(open_in(dir[2], "/dev/null", O_RDWR), 0);
	CHECK_INT(open_in(dir[2], "/dev/zero", O_RDWR), 0);
	CHECK_INT(open_in(dir[2], "/dev/full", O_RDWR), 0);
	CHECK_INT(open_in(dir[2], "/dev/ptmx", O_RDWR), EPERM);
	/* c *:* rwm: characters yes, a block node no (outside it is not EPERM) */
	CHECK_INT(open_in(dir[3], "/dev/ptmx", O_RDWR), 0);
	CHECK_INT(open_in(dir[3], blk, O_RDONLY), EPERM);
	CHECK(open_in("/sys/fs/cgroup/unified", blk, O_RDONLY) != EPERM);
	/* no rule: nothing, not even /dev/null */
	CHECK_INT(open_in(dir[4], "/dev/null", O_RDONLY), EPERM);
	CHECK_INT(open_in(dir[4], "/dev/urandom", O_RDONLY), EPERM);
	for (int i = 0; i < 5; i++)
		CHECK(rmdir(dir[i]) == 0);
}

int
main(void)
{
	char blk[300];

	if (geteuid() != 0) {
		fprintf(stderr, "test_secd_devprog: needs root (BPF, cgroups)\n");
		return 1;
	}
	if (!mkdtemp(tmpdir))
		return 1;
	acl_rules();
	program_semantics();
	snprintf(blk, sizeof(blk), "%s/blk", tmpdir);
	unlink(blk);
	rmdir(tmpdir);
	return check_done();
}
