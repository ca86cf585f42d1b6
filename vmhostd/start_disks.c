/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's start step for disks: image descriptors from stord, or paths when stord cannot. */
#define LOG_MODULE "start"
#include <errno.h>
#include <stdlib.h>

#include "common/log.h"
#include "vmhostd/live.h"
#include "vmhostd/start.h"

/* Until stord hands out descriptors, QEMU opens each disk by its path
 * (as the emulator user). */
void
start_disks(struct start_ctx *sc)
{
	const struct domain_def *d = sc->lv->vm->def;

	if (d->ndisks &&
	    !(sc->disks = calloc(d->ndisks, sizeof(*sc->disks)))) {
		start_fail(sc, ENOMEM, "out of memory");
		return;
	}
	start_launch(sc);
}
