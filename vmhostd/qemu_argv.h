/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* QEMU command line from a domain definition plus what vmhostd prepared at start. */
#ifndef VMHOST_QEMU_ARGV_H
#define VMHOST_QEMU_ARGV_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "common/domain_xml.h"

#define QEMU_DEFAULT_EMULATOR "/usr/bin/qemu-system-x86_64"

/*
 * One layer of a disk's backing chain, as stord opened it: layers[0] is
 * the top image (read-write unless the disk is <readonly/>), the rest its
 * backing images in order (always read-only). fd is the descriptor's
 * number in the emulator process; it goes into fdset `fdset` with
 * -add-fd, and the node opens /dev/fdset/<fdset>.
 */
struct qemu_disk_layer {
	int fd;
	int fdset;
	int format;		/* enum domain_format, as probed/declared */
};

struct qemu_disk_runtime {
	const struct qemu_disk_layer *layers;
	size_t nlayers;		/* 0: open the definition's path (tests) */
};

/*
 * Everything the argv needs beyond the definition. Arrays are indexed like
 * the definition's lists; every fd is a number valid in the child.
 */
struct qemu_launch {
	const char *emulator;	/* NULL: <emulator>, else the default */
	int qmp_fd;		/* connected QMP socket (required) */
	const int *serial_fds;	/* per <serial>: connected socket */
	size_t nserial_fds;
	const int *console_fds;	/* per <console> that is not serial 0's
				   alias (virtio, or the only serial) */
	size_t nconsole_fds;
	const int *channel_fds;	/* per <channel>: connected socket */
	size_t nchannel_fds;
	const struct qemu_disk_runtime *disks; /* per <disk> */
	size_t ndisks;
	const int *tap_fds;	/* per <interface>: tap fd, -1 for 'user' */
	size_t ntap_fds;
	time_t now;		/* for <clock offset='variable'> */
	bool no_sandbox;	/* leave out -sandbox (default: on) */
	/* vmhostd's mode: the QMP and serial fds are listening sockets that
	 * QEMU serves (server=on,wait=off), so vmhostd can reconnect after a
	 * restart; serial 0 is also logged to serial_log_fd (> 0) through
	 * fdset serial_log_fdset; -no-shutdown always, vmhostd quits QEMU. */
	bool chardev_listen;
	int serial_log_fd;
	int serial_log_fdset;
	bool always_no_shutdown;
};

/*
 * Build the NULL-terminated argv (argv[0] is the emulator path). Always
 * -S: vmhostd resumes the guest with QMP "cont" unless started paused.
 * Returns 0, or -EINVAL/-ENOMEM with a one-line message in err.
 */
int qemu_build_argv(const struct domain_def *d, const struct qemu_launch *l,
    char ***argv, char *err, size_t errlen);
void qemu_argv_free(char **argv);

/* Copy of s with every ',' doubled (QEMU's option escaping); malloc'd. */
char *qemu_opt_escape(const char *s);

#endif
