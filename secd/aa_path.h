/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Validation of the file paths that go into a guest's AppArmor profile. */
#ifndef VMHOST_SECD_AA_PATH_H
#define VMHOST_SECD_AA_PATH_H

#include <stddef.h>

/* What a file is to the guest; decides where it may live and its rule. */
enum aa_kind {
	AA_KIND_DISK = 0,	/* top image of a disk: rwk (rk if read-only) */
	AA_KIND_BACKING,	/* a layer below the top: rk */
	AA_KIND_CDROM,		/* cdrom/floppy media: rk */
	AA_KIND_KERNEL,		/* direct kernel boot: r */
	AA_KIND_INITRD,		/* direct kernel boot: r */
	AA_KIND_FIRMWARE,	/* loader (BIOS, OVMF code): rk */
	AA_KIND_NVRAM,		/* per-guest UEFI variables: rwk */
	AA_KIND_SERIAL,		/* serial/console/log file or tty: rw */
	AA_KIND_SOCKET,		/* QMP or chardev unix socket: rw */
	AA_KIND_PIDFILE,	/* emulator pid file: rwk */
	AA_KIND_TAP,		/* tap/macvtap device node: rw */
	AA_KIND_COUNT,
};

/* Longest path accepted, resolved or not (bytes, without the NUL). */
#define AA_PATH_MAX 4095

/* Short lower-case name of a kind ("disk", "kernel", ...), or "?". */
const char *aa_kind_name(enum aa_kind kind);

/*
 * Check that path may be granted to a guest as a file of this kind, and
 * write the path the rule must name into resolved (len bytes).
 *
 * The path must be absolute and free of characters that break or extend
 * AppArmor rule syntax (quotes, backslash, control bytes, globbing
 * "*?[]{}^", ","). Its longest existing prefix is resolved with
 * realpath(3) (so symlinks and ".." there are followed) and the rest is
 * appended, refusing ".." in that rest and dangling symlinks. The
 * resolved path is then checked against a table of system and daemon
 * folders (/etc, /proc, /sys, /usr, /dev, /run/vmhost, ...), with the
 * read-only allowances for kernels, initrds and firmware.
 *
 * Returns 0, or a negative errno with a one-line message in err.
 */
int aa_path_check(const char *path, enum aa_kind kind, char *resolved,
    size_t len, char *err, size_t errlen);

/*
 * Check the characters of a path (or other text put into a quoted
 * rule): 0, or -EINVAL with a message naming the offending byte.
 */
int aa_path_chars_valid(const char *path, char *err, size_t errlen);

#endif
