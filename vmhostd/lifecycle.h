/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running guests: start through stord/netd/secd, QMP, watching, stopping, reconnecting. */
#ifndef VMHOSTD_LIFECYCLE_H
#define VMHOSTD_LIFECYCLE_H

#include <stdbool.h>

struct rpc_call;
struct vm;

enum lifecycle_op {
	LC_SHUTDOWN,	/* ACPI power button: the guest's choice */
	LC_DESTROY,	/* secd kills the emulator */
	LC_REBOOT,	/* ACPI reboot request... QEMU: system_reset after powerdown? */
	LC_RESET,	/* hard reset */
	LC_SUSPEND,	/* pause the vCPUs */
	LC_RESUME,
};

/* Each replies to call when done (or fails). */
void lifecycle_start(struct vm *vm, bool paused, struct rpc_call *call);
void lifecycle_op(struct vm *vm, enum lifecycle_op op, struct rpc_call *call);
void lifecycle_console(struct vm *vm, struct rpc_call *call);
/* After a restart: find guests still running from /run/vmhost/qemu. */
void lifecycle_reconnect_all(void);
/* Start every autostart domain that is not running. */
void lifecycle_autostart(void);
/* The live definition (what dumpxml shows for a running guest); malloc'd. */
char *lifecycle_live_xml(const struct vm *vm);
int lifecycle_pid(const struct vm *vm);

#endif
