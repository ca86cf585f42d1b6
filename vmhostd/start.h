/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state of a guest start in progress, shared by start.c and start_disks.c. */
#ifndef VMHOSTD_START_H
#define VMHOSTD_START_H

#include <stddef.h>
#include <stdint.h>

#include "vmhostd/qemu_argv.h"

#define START_MAX_FDS	64	/* what one message may carry */
#define START_MAX_IFS	16

struct vm_live;

struct start_ctx {
	struct vm_live *lv;
	int fds[START_MAX_FDS];		/* everything the emulator gets */
	int32_t targets[START_MAX_FDS];	/* its number there */
	size_t nfds;
	int tap_targets[START_MAX_IFS];	/* per interface, -1 for user */
	size_t next_if;
	struct qemu_disk_runtime *disks;	/* per definition disk */
	struct qemu_disk_layer *layers;
};

/* Disk layers are numbered from here in the emulator (after taps). */
#define FD_DISKS_BASE 40
#define START_DISK_FDSET_FIRST 2	/* fdset 1 is the serial log */

int sc_add_fd(struct start_ctx *sc, int fd, int target);
void start_fail(struct start_ctx *sc, int code, const char *msg);
void start_disks(struct start_ctx *sc);
void start_launch(struct start_ctx *sc);
/* The next interface's tap fd arrived (ours now): record it, go on. */
void start_tap_add(struct start_ctx *sc, int fd);

#endif
