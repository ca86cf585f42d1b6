/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-secd's guest cgroups: v1 folders, the v2 folder, the device ACL (v1 list, v2 eBPF program). */
#ifndef VMHOST_SECD_CGROUP_H
#define VMHOST_SECD_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CG_ROOT		"/sys/fs/cgroup"
#define CG_PARENT	"vmhost"
/* cpu, memory, devices, pids (v1) and the v2 folder. */
#define CG_NFDS		5

/* libvirt's cgroup_device_acl plus the tap and vhost devices. */
extern const char *const cg_default_acl[];

/* One rule of the device ACL (type 'c' or 'b'; -1 major/minor is '*'). */
struct cg_dev_rule {
	char type;
	int64_t major, minor;
	unsigned access;	/* CG_ACC_* */
};
#define CG_ACC_MKNOD	1
#define CG_ACC_READ	2
#define CG_ACC_WRITE	4
#define CG_MAX_RULES	64

/*
 * The rules of an ACL (paths, NULL-terminated; NULL for the default):
 * each existing character or block device with rwm, plus the pty slaves
 * (c 136:* rw). Missing paths are skipped. n rules or -errno, err set.
 */
int cg_acl_rules(const char *const *acl, struct cg_dev_rule *rules,
    size_t max, char *err, size_t errlen);

/*
 * The eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE) allowing exactly rules:
 * insns must have room for 8 + 8 * n instructions (struct bpf_insn).
 * Returns the number of instructions.
 */
size_t cg_bpf_build(const struct cg_dev_rule *rules, size_t n, void *insns);

/*
 * As root, once: CTRL/vmhost (v1) and the v2 vmhost, vmhost/guests and
 * vmhost/secd folders owned by owner; the v1 device list written on
 * devices/vmhost (while it has no guest folders), the eBPF device program
 * attached to the v2 vmhost/guests (replacing a different one); then pid
 * (0: none) moved into the v2 vmhost/secd. 0 or -errno, logged.
 */
int cg_setup(const char *const *acl, uid_t owner, gid_t group, pid_t pid);

/* After the drop: the folders secd can use now (probed again at each
 * launch, so a move made later by systemd's ExecStartPost= counts). */
void cg_probe(bool verbose);

/* The guest's folders made and their cgroup.procs opened (fds[i] -1
 * where unused); -EBUSY when one holds processes. err set. */
int cg_prepare(const char *uuid, int fds[CG_NFDS], char *err, size_t errlen);
void cg_close(int fds[CG_NFDS]);
/* In the child: join every opened folder. 0 or -errno. */
int cg_join(const int fds[CG_NFDS]);
/* A definition's <memtune> and <cputune> (0: not given). */
struct cg_limits {
	uint64_t mem_hard, mem_soft, memsw_hard;	/* bytes */
	unsigned long long shares, period;
	long long quota;				/* -1: none */
};

/* After cg_prepare: write the limits into the guest's v1 memory and cpu
 * folders. A limit given without its controller, or one the kernel
 * refuses, is an error naming it. 0 or -errno, err set. */
int cg_apply_limits(const char *uuid, const struct cg_limits *l, char *err,
    size_t errlen);
/* Remove the guest's empty folders. */
void cg_release(const char *uuid, pid_t pid);

#endif
