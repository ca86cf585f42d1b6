/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-secd's guest cgroups (v1 folders, v2 folder) and their device ACL: the v1 list and a v2 eBPF program, set up as root. */
#define LOG_MODULE "cgroup"
#include "secd/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/magic.h>

#include "common/fileio.h"
#include "common/log.h"

/* v1 controllers a guest gets a folder in. */
static const char *const cg_ctrls[] = { "cpu", "memory", "devices", "pids" };
#define NCTRL	(sizeof(cg_ctrls) / sizeof(cg_ctrls[0]))
#define V2	NCTRL			/* index of the v2 folder in fds[] */

const char *const cg_default_acl[] = {
	"/dev/null", "/dev/full", "/dev/zero", "/dev/random", "/dev/urandom",
	"/dev/ptmx", "/dev/kvm", "/dev/userfaultfd",
	"/dev/net/tun", "/dev/vhost-net", "/dev/vhost-vsock", NULL,
};

static struct {
	bool v1[NCTRL];
	bool v2;
	bool probed;
} cg;

/* The v2 hierarchy: beside v1 (hybrid) or alone. NULL when absent. */
static const char *
cg_v2_root(void)
{
	struct statfs s;

	if (statfs(CG_ROOT "/unified", &s) == 0 &&
	    s.f_type == CGROUP2_SUPER_MAGIC)
		return CG_ROOT "/unified";
	if (statfs(CG_ROOT, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC)
		return CG_ROOT;
	return NULL;
}

/* ---- the ACL ---- */

int
cg_acl_rules(const char *const *acl, struct cg_dev_rule *rules, size_t max,
    char *err, size_t errlen)
{
	struct stat st;
	size_t n = 0;

	if (!acl)
		acl = cg_default_acl;
	for (; *acl; acl++) {
		if ((*acl)[0] != '/') {
			snprintf(err, errlen, "cgroup_device_acl: '%s' is not an absolute path",
			    *acl);
			return -EINVAL;
		}
		if (stat(*acl, &st) < 0)
			continue;	/* libvirt skips absent devices too */
		if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) {
			snprintf(err, errlen, "cgroup_device_acl: '%s' is not a device",
			    *acl);
			return -EINVAL;
		}
		if (n + 1 >= max) {
			snprintf(err, errlen, "cgroup_device_acl: more than %zu devices",
			    max - 1);
			return -E2BIG;
		}
		rules[n++] = (struct cg_dev_rule){ S_ISCHR(st.st_mode) ? 'c' : 'b',
			major(st.st_rdev), minor(st.st_rdev),
			CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE };
	}
	/* pty slaves for <serial type='pty'> (libvirt allows them too) */
	rules[n++] = (struct cg_dev_rule){ 'c', 136, -1,
		CG_ACC_READ | CG_ACC_WRITE };
	return (int)n;
}

/* ---- the v2 program ---- */

static struct bpf_insn
insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct bpf_insn i = { .code = code, .dst_reg = dst & 0xf,
		.src_reg = src & 0xf, .off = off, .imm = imm };

	return i;
}

#define LDX_W(dst, src, off)	insn(BPF_LDX | BPF_W | BPF_MEM, dst, src, off, 0)
#define ALU32_K(op, dst, imm)	insn(BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV32_X(dst, src)	insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define JNE_K(dst, imm, off)	insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define MOV64_K(dst, imm)	insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define EXIT()			insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* One rule: jumps to the next rule on a mismatch, returns 1 on a match. */
static size_t
bpf_rule(const struct cg_dev_rule *r, struct bpf_insn *out)
{
	struct bpf_insn b[8];
	size_t n = 0;
	unsigned all = CG_ACC_MKNOD | CG_ACC_READ | CG_ACC_WRITE;

	b[n++] = JNE_K(2, r->type == 'c' ? BPF_DEVCG_DEV_CHAR :
	    BPF_DEVCG_DEV_BLOCK, 0);
	if ((r->access & all) != all) {
		b[n++] = MOV32_X(1, 3);
		b[n++] = ALU32_K(BPF_AND, 1, (int32_t)(~r->access & all));
		b[n++] = JNE_K(1, 0, 0);
	}
	if (r->major >= 0)
		b[n++] = JNE_K(4, (int32_t)r->major, 0);
	if (r->minor >= 0)
		b[n++] = JNE_K(5, (int32_t)r->minor, 0);
	b[n++] = MOV64_K(0, 1);
	b[n++] = EXIT();
	/* every jump goes past the end of this rule */
	for (size_t i = 0; i < n; i++) {
		if (BPF_CLASS(b[i].code) == BPF_JMP && BPF_OP(b[i].code) == BPF_JNE)
			b[i].off = (int16_t)(n - i - 1);
	}
	memcpy(out, b, n * sizeof(*b));
	return n;
}

size_t
cg_bpf_build(const struct cg_dev_rule *rules, size_t nrules, void *buf)
{
	struct bpf_insn *p = buf;
	size_t n = 0;

	/* r2 = device type, r3 = access, r4 = major, r5 = minor
	 * (struct bpf_cgroup_dev_ctx: access_type = access << 16 | type) */
	p[n++] = LDX_W(2, 1, 0);
	p[n++] = ALU32_K(BPF_AND, 2, 0xffff);
	p[n++] = LDX_W(3, 1, 0);
	p[n++] = ALU32_K(BPF_RSH, 3, 16);
	p[n++] = LDX_W(4, 1, 4);
	p[n++] = LDX_W(5, 1, 8);
	for (size_t i = 0; i < nrules; i++)
		n += bpf_rule(&rules[i], p + n);
	p[n++] = MOV64_K(0, 0);
	p[n++] = EXIT();
	return n;
}

static int
sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int
bpf_prog_load(const struct bpf_insn *p, size_t n)
{
	static char vlog[8192];
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)p;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t)"GPL";
	a.log_buf = (uint64_t)(uintptr_t)vlog;
	a.log_size = sizeof(vlog);
	a.log_level = 1;
	vlog[0] = '\0';
	if ((fd = sys_bpf(BPF_PROG_LOAD, &a)) < 0) {
		int e = errno;

		vlog[sizeof(vlog) - 1] = '\0';
		log_error("cannot load the guests' device program: %s%s%.200s",
		    strerror(e), vlog[0] ? ": " : "", vlog);
		return -e;
	}
	return fd;
}

static int
bpf_prog_tag(int fd, uint8_t tag[BPF_TAG_SIZE])
{
	struct bpf_prog_info info;
	union bpf_attr a;

	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uint64_t)(uintptr_t)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0)
		return -errno;
	memcpy(tag, info.tag, BPF_TAG_SIZE);
	return 0;
}

/* The programs attached to cgfd itself: their fds (ours to close). */
static size_t
bpf_attached(int cgfd, int *fds, size_t max)
{
	uint32_t ids[16];
	union bpf_attr a;
	size_t n = 0;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)cgfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uint64_t)(uintptr_t)ids;
	a.query.prog_cnt = 16;
	if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
		return 0;
	for (uint32_t i = 0; i < a.query.prog_cnt && i < 16 && n < max; i++) {
		union bpf_attr g;

		memset(&g, 0, sizeof(g));
		g.prog_id = ids[i];
		if ((fds[n] = sys_bpf(BPF_PROG_GET_FD_BY_ID, &g)) >= 0)
			n++;
	}
	return n;
}

static int
bpf_attach(int cgfd, int progfd, bool attach)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cgfd;
	a.attach_bpf_fd = (uint32_t)progfd;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = attach ? BPF_F_ALLOW_MULTI : 0;
	return sys_bpf(attach ? BPF_PROG_ATTACH : BPF_PROG_DETACH, &a) < 0 ?
	    -errno : 0;
}

/*
 * Attach the program for rules to dir (BPF_F_ALLOW_MULTI: every folder
 * below runs it). One with the same instructions attached already is
 * kept; others are detached once the new one is in place.
 */
static int
bpf_install(const char *dir, const struct cg_dev_rule *rules, size_t nrules)
{
	struct bpf_insn p[8 + 8 * CG_MAX_RULES];
	uint8_t tag[BPF_TAG_SIZE], old_tag[BPF_TAG_SIZE];
	int cgfd, progfd = -1, old[16], r = 0;
	size_t nold, n = cg_bpf_build(rules, nrules, p);
	bool same = false;

	if ((cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		r = -errno;
		log_error("cannot open %s: %s", dir, strerror(errno));
		return r;
	}
	nold = bpf_attached(cgfd, old, 16);
	if ((progfd = r = bpf_prog_load(p, n)) < 0 ||
	    (r = bpf_prog_tag(progfd, tag)) < 0)
		goto out;
	for (size_t i = 0; i < nold; i++) {
		if (bpf_prog_tag(old[i], old_tag) == 0 &&
		    !memcmp(tag, old_tag, sizeof(tag)))
			same = true;
	}
	if (same && nold == 1)
		goto out;
	if ((r = bpf_attach(cgfd, progfd, true)) < 0) {
		log_error("cannot attach the device program to %s: %s", dir,
		    strerror(-r));
		goto out;
	}
	for (size_t i = 0; i < nold; i++)
		bpf_attach(cgfd, old[i], false);
	log_info("device program (%zu rules, %zu instructions) attached to %s",
	    nrules, n, dir);
out:
	for (size_t i = 0; i < nold; i++)
		close(old[i]);
	if (progfd >= 0)
		close(progfd);
	close(cgfd);
	return r < 0 ? r : 0;
}

/* ---- setup as root ---- */

static int
mkdir_owned(const char *dir, uid_t owner, gid_t group)
{
	static const char *const files[] = { "cgroup.procs", "cgroup.threads",
		"cgroup.subtree_control", "tasks" };
	char path[PATH_MAX + 32];

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		log_warn("cannot create %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (chown(dir, owner, group) < 0) {
		log_warn("cannot chown %s: %s", dir, strerror(errno));
		return -errno;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (chown(path, owner, group) < 0 && errno != ENOENT)
			log_warn("cannot chown %s: %s", path, strerror(errno));
	}
	return 0;
}

static bool
has_subdirs(const char *dir)
{
	struct dirent *e;
	bool found = false;
	DIR *d;

	if (!(d = opendir(dir)))
		return false;
	while (!found && (e = readdir(d)))
		found = e->d_type == DT_DIR && strcmp(e->d_name, ".") &&
		    strcmp(e->d_name, "..");
	closedir(d);
	return found;
}

static int
write_str(const char *path, const char *s)
{
	int fd, r = 0;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		r = -errno;
	close(fd);
	return r;
}

static void
rule_text(const struct cg_dev_rule *r, char *buf, size_t len)
{
	char maj[24] = "*", min[24] = "*";

	if (r->major >= 0)
		snprintf(maj, sizeof(maj), "%lld", (long long)r->major);
	if (r->minor >= 0)
		snprintf(min, sizeof(min), "%lld", (long long)r->minor);
	snprintf(buf, len, "%c %s:%s %s%s%s", r->type, maj, min,
	    r->access & CG_ACC_READ ? "r" : "", r->access & CG_ACC_WRITE ? "w" : "",
	    r->access & CG_ACC_MKNOD ? "m" : "");
}

/* v1: deny all, then allow each rule, on devices/vmhost. The kernel
 * refuses to change a parent's default while it has children. */
static void
v1_acl_write(const struct cg_dev_rule *rules, size_t n)
{
	const char *dir = CG_ROOT "/devices/" CG_PARENT;
	char line[64];
	int r;

	if (has_subdirs(dir)) {
		log_info("%s has guest folders: its device list is kept as it is",
		    dir);
		return;
	}
	if ((r = write_str(CG_ROOT "/devices/" CG_PARENT "/devices.deny", "a")) < 0) {
		log_warn("cannot write %s/devices.deny: %s", dir, strerror(-r));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		rule_text(&rules[i], line, sizeof(line));
		if ((r = write_str(CG_ROOT "/devices/" CG_PARENT "/devices.allow",
		    line)) < 0)
			log_warn("cannot allow '%s' on %s: %s", line, dir,
			    strerror(-r));
	}
	log_info("device list of %s: %zu devices allowed, others denied", dir, n);
}

static int
v2_setup(const struct cg_dev_rule *rules, size_t n, uid_t owner, gid_t group,
    pid_t pid)
{
	const char *root = cg_v2_root();
	char dir[PATH_MAX], path[PATH_MAX + 32], num[24];
	int r;

	if (!root) {
		log_info("no cgroup v2 hierarchy: guests get v1 cgroups only");
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s/" CG_PARENT, root);
	if ((r = mkdir_owned(dir, owner, group)) < 0)
		return r;
	snprintf(dir, sizeof(dir), "%s/" CG_PARENT "/secd", root);
	if ((r = mkdir_owned(dir, owner, group)) < 0)
		return r;
	snprintf(dir, sizeof(dir), "%s/" CG_PARENT "/guests", root);
	if ((r = mkdir_owned(dir, owner, group)) < 0 ||
	    (r = bpf_install(dir, rules, n)) < 0)
		return r;
	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "%s/" CG_PARENT "/secd/cgroup.procs", root);
	snprintf(num, sizeof(num), "%d", (int)pid);
	if ((r = write_str(path, num)) < 0)
		log_error("cannot move pid %d into %s: %s", (int)pid, path,
		    strerror(-r));
	return r;
}

int
cg_setup(const char *const *acl, uid_t owner, gid_t group, pid_t pid)
{
	struct cg_dev_rule rules[CG_MAX_RULES];
	char dir[PATH_MAX], err[256];
	int n;

	if ((n = cg_acl_rules(acl, rules, CG_MAX_RULES, err, sizeof(err))) < 0) {
		log_error("%s", err);
		return n;
	}
	for (size_t i = 0; i < NCTRL; i++) {
		snprintf(dir, sizeof(dir), CG_ROOT "/%s", cg_ctrls[i]);
		if (access(dir, F_OK) < 0)
			continue;
		snprintf(dir, sizeof(dir), CG_ROOT "/%s/" CG_PARENT, cg_ctrls[i]);
		if (mkdir_owned(dir, owner, group) == 0 &&
		    !strcmp(cg_ctrls[i], "devices"))
			v1_acl_write(rules, (size_t)n);
	}
	return v2_setup(rules, (size_t)n, owner, group, pid);
}

/* ---- after the drop ---- */

/* Is secd in the v2 vmhost/secd, with vmhost/guests writable? */
static bool
v2_usable(void)
{
	const char *root = cg_v2_root();
	char *text = NULL, *line, *save, dir[PATH_MAX];
	size_t len;
	bool in = false;

	if (!root || file_read_all("/proc/self/cgroup", 65536, &text, &len) < 0)
		return false;
	for (line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save))
		in = in || !strcmp(line, "0::/" CG_PARENT "/secd");
	free(text);
	snprintf(dir, sizeof(dir), "%s/" CG_PARENT "/guests", root);
	return in && access(dir, W_OK | X_OK) == 0;
}

void
cg_probe(bool verbose)
{
	char path[PATH_MAX], names[128] = "";
	bool changed = !cg.probed, v2;
	size_t n = 0;

	for (size_t i = 0; i < NCTRL; i++) {
		bool ok;

		snprintf(path, sizeof(path), CG_ROOT "/%s/" CG_PARENT, cg_ctrls[i]);
		ok = access(path, W_OK | X_OK) == 0;
		changed = changed || ok != cg.v1[i];
		cg.v1[i] = ok;
		if (ok)
			snprintf(names + strlen(names), sizeof(names) - strlen(names),
			    "%s%s", n++ ? "," : "", cg_ctrls[i]);
	}
	v2 = v2_usable();
	changed = changed || v2 != cg.v2;
	cg.v2 = v2;
	cg.probed = true;
	if (!verbose && !changed)
		return;
	if (n)
		log_info("guests get their own cgroups (v1: %s) under " CG_ROOT "/CTRL/" CG_PARENT,
		    names);
	else
		log_warn("no writable " CG_ROOT "/CTRL/" CG_PARENT " folder: guests get no v1 cgroup of their own (see docs/vmhost-secd.md)");
	if (cg.v2)
		log_info("guests get their own cgroup v2 folders under %s/" CG_PARENT "/guests (device program)",
		    cg_v2_root());
	else
		log_info("guests get no cgroup v2 folder (secd is not in the v2 " CG_PARENT "/secd: start it as root or run --setup-cgroups PID)");
}

/* Does a cgroup folder hold processes? */
static bool
cg_busy(const char *dir)
{
	char path[PATH_MAX + 16], *buf = NULL;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (file_read_all(path, 4096, &buf, &n) < 0)
		return false;
	free(buf);
	return n > 0;
}

static void
cg_dir(size_t i, const char *uuid, char *dir, size_t len)
{
	if (i == V2)
		snprintf(dir, len, "%s/" CG_PARENT "/guests/%s", cg_v2_root(), uuid);
	else
		snprintf(dir, len, CG_ROOT "/%s/" CG_PARENT "/%s", cg_ctrls[i], uuid);
}

int
cg_prepare(const char *uuid, int fds[CG_NFDS], char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];

	cg_probe(false);
	for (size_t i = 0; i < CG_NFDS; i++) {
		fds[i] = -1;
		if (i == V2 ? !cg.v2 : !cg.v1[i])
			continue;
		cg_dir(i, uuid, dir, sizeof(dir));
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			log_warn("cannot create %s: %s", dir, strerror(errno));
			continue;
		}
		if (cg_busy(dir)) {
			snprintf(err, errlen, "guest %s already has processes in %s",
			    uuid, dir);
			cg_close(fds);
			return -EBUSY;
		}
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		if ((fds[i] = open(path, O_WRONLY | O_CLOEXEC)) < 0)
			log_warn("cannot open %s: %s", path, strerror(errno));
	}
	return 0;
}

/* One limit: controller i's file in the guest folder gets value. */
static int
limit_write(size_t i, const char *uuid, const char *file, const char *what,
    unsigned long long value, bool is_signed, char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], num[32];
	int r;

	if (!cg.v1[i]) {
		snprintf(err, errlen, "cannot apply %s: guests get no %s cgroup here",
		    what, cg_ctrls[i]);
		return -ENOTSUP;
	}
	cg_dir(i, uuid, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (is_signed)
		snprintf(num, sizeof(num), "%lld", (long long)value);
	else
		snprintf(num, sizeof(num), "%llu", value);
	if ((r = write_str(path, num)) < 0)
		snprintf(err, errlen, "cannot apply %s %s (%s): %s", what, num,
		    file, strerror(-r));
	return r;
}

int
cg_apply_limits(const char *uuid, const struct cg_limits *l, char *err,
    size_t errlen)
{
	enum { CPU = 0, MEM = 1 };
	int r = 0;

	if (l->mem_hard)
		r = limit_write(MEM, uuid, "memory.limit_in_bytes",
		    "<memtune><hard_limit>", l->mem_hard, false, err, errlen);
	if (r == 0 && l->mem_soft)
		r = limit_write(MEM, uuid, "memory.soft_limit_in_bytes",
		    "<memtune><soft_limit>", l->mem_soft, false, err, errlen);
	if (r == 0 && l->memsw_hard)
		r = limit_write(MEM, uuid, "memory.memsw.limit_in_bytes",
		    "<memtune><swap_hard_limit>", l->memsw_hard, false, err,
		    errlen);
	if (r == 0 && l->shares)
		r = limit_write(CPU, uuid, "cpu.shares", "<cputune><shares>",
		    l->shares, false, err, errlen);
	if (r == 0 && l->period)
		r = limit_write(CPU, uuid, "cpu.cfs_period_us",
		    "<cputune><period>", l->period, false, err, errlen);
	if (r == 0 && l->quota)
		r = limit_write(CPU, uuid, "cpu.cfs_quota_us", "<cputune><quota>",
		    (unsigned long long)l->quota, true, err, errlen);
	return r;
}

void
cg_close(int fds[CG_NFDS])
{
	for (size_t i = 0; i < CG_NFDS; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

int
cg_join(const int fds[CG_NFDS])
{
	for (size_t i = 0; i < CG_NFDS; i++) {
		if (fds[i] >= 0 && write(fds[i], "0", 1) != 1)
			return -errno;
	}
	return 0;
}

void
cg_release(const char *uuid, pid_t pid)
{
	char dir[PATH_MAX];

	for (size_t i = 0; i < CG_NFDS; i++) {
		if (i == V2 ? !cg.v2 : !cg.v1[i])
			continue;
		cg_dir(i, uuid, dir, sizeof(dir));
		if (rmdir(dir) < 0 && errno != ENOENT)
			log_info("guest %s (pid %d): %s kept: %s", uuid, (int)pid,
			    dir, strerror(errno));
	}
}
