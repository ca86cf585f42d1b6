/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord --migrate-disks: declare disk formats in the definition files before vmhostd starts. */
#ifndef VMHOST_STORD_OFFLINE_H
#define VMHOST_STORD_OFFLINE_H

#include <stdbool.h>

/*
 * For the package upgrade step, with vmhostd stopped (refused otherwise):
 * every definition in /etc/vmhost/qemu (under --root) whose file disks
 * have no declared format gets the probed one, exactly as
 * `vmhost migrate-disks` would, and is rewritten atomically with its owner
 * and mode kept.  The probing runs in a child as vmhost-stor holding only
 * CAP_DAC_READ_SEARCH; the caller (root) only parses and writes.  Prints
 * one line per disk; returns the exit status.  Needs stord's allowed
 * folders set (stord_config_load).
 */
int offline_migrate_disks(bool dry_run, bool allow_backing);

#endif
