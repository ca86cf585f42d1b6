/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal state and helpers shared by vmhostd's qemu_argv*.c (not an API). */
#ifndef VMHOST_QEMU_ARGV_PRIV_H
#define VMHOST_QEMU_ARGV_PRIV_H

#include "vmhostd/qemu_argv.h"

/* One option being composed. */
struct sb {
	char *p;
	size_t len, cap;
	int oom;
};

/* The argv being built and the first error. */
struct qa {
	char **v;
	size_t n, cap;
	int oom;
	char *err;
	size_t errlen;
	int failed;
	const struct domain_def *d;
	const struct qemu_launch *l;
	bool kvm, q35;
	bool usb;		/* a usb controller exists */
	bool serial_logged;	/* the serial log -add-fd is out */
	int boot_hd, boot_cd, boot_net; /* bootindex from <os><boot> */
};

void sb_printf(struct sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* ",key=value" with value's commas doubled. */
void sb_kv(struct sb *b, const char *key, const char *value);
/* ",bus=...,addr=..." for a pci <address>; nothing when absent. */
int sb_pci_addr(struct qa *a, struct sb *b, const struct domain_address *ad);
int qa_fail(struct qa *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void qa_push(struct qa *a, char *s);
void qa_add(struct qa *a, const char *s);
/* Push opt, then the composed option (its leading ',' dropped). */
void qa_opt(struct qa *a, const char *opt, struct sb *b);
unsigned long qa_num(const char *s, unsigned long dflt);

/* Devices (qemu_argv_dev.c); 0 or -EINVAL with the message set. */
int add_disks(struct qa *a);
int add_nets(struct qa *a);
int add_serials(struct qa *a);
int add_consoles(struct qa *a);
int add_channels(struct qa *a);
int add_inputs(struct qa *a);
int add_balloon_rng(struct qa *a);

#endif
