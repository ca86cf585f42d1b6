/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's start step for disks: stord opens each image chain and hands the descriptors over. */
#define LOG_MODULE "start"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stord.pb-c.h"
#include "common/log.h"
#include "vmhostd/live.h"
#include "vmhostd/session.h"
#include "vmhostd/start.h"
#include "vmhostd/vmhostd.h"

#define DISK_FDSET_FIRST 2	/* fdset 1 is the serial log */

static const Vmhost__Stord__PreparedDisk *
prepared_for(const Vmhost__Stord__PrepareDisksReply *pr, const char *target,
    size_t *first)
{
	size_t off = 0;

	for (size_t i = 0; i < pr->n_disks; i++) {
		if (strcmp(pr->disks[i]->target, target) == 0) {
			*first = off;
			return pr->disks[i];
		}
		off += pr->disks[i]->n_layers;
	}
	return NULL;
}

/* Turn stord's answer into per-disk layers with their numbers in QEMU. */
static int
disks_map(struct start_ctx *sc, const Vmhost__Stord__PrepareDisksReply *pr,
    int *fds, size_t nfds)
{
	const struct domain_def *d = sc->lv->vm->def;
	int fdset = DISK_FDSET_FIRST;
	size_t nl = 0;

	if (!(sc->disks = calloc(d->ndisks, sizeof(*sc->disks))) ||
	    !(sc->layers = calloc(nfds + 1, sizeof(*sc->layers))))
		return -ENOMEM;
	for (size_t i = 0; i < d->ndisks; i++) {
		const Vmhost__Stord__PreparedDisk *pd;
		size_t first;

		if (!d->disks[i].source ||
		    !(pd = prepared_for(pr, d->disks[i].target_dev, &first)))
			continue;	/* empty cdrom: nothing to open */
		if (first + pd->n_layers > nfds)
			return -EBADMSG;
		sc->disks[i].layers = &sc->layers[nl];
		sc->disks[i].nlayers = pd->n_layers;
		for (size_t k = 0; k < pd->n_layers; k++, nl++) {
			int target = FD_DISKS_BASE + (int)sc->nfds;

			if (sc_add_fd(sc, fds[first + k], target) < 0)
				return -EMFILE;
			fds[first + k] = -1;
			sc->layers[nl].fd = target;
			sc->layers[nl].fdset = fdset++;
			sc->layers[nl].format =
			    strcmp(pd->layers[k]->format, "qcow2") == 0 ?
			    DOMAIN_FMT_QCOW2 : DOMAIN_FMT_RAW;
		}
	}
	return 0;
}

static void
prepared(void *arg, const ProtobufCMessage *rep, int err, const char *msg,
    int *fds, size_t nfds)
{
	struct start_ctx *sc = arg;
	const Vmhost__Stord__Reply *r = (const Vmhost__Stord__Reply *)rep;
	int rc;

	if (err || !r ||
	    r->result_case != VMHOST__STORD__REPLY__RESULT_PREPARE_DISKS) {
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		start_fail(sc, err ? -err : EIO,
		    msg ? msg : "vmhost-stord did not prepare the disks");
		return;
	}
	rc = disks_map(sc, r->prepare_disks, fds, nfds);
	for (size_t i = 0; i < nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (rc < 0) {
		start_fail(sc, -rc, "cannot hand the disks to the emulator");
		return;
	}
	start_launch(sc);
}

void
start_disks(struct start_ctx *sc)
{
	const struct domain_def *d = sc->lv->vm->def;
	Vmhost__Stord__Request req = VMHOST__STORD__REQUEST__INIT;
	Vmhost__Stord__PrepareDisksRequest pr;
	char *xml;
	size_t n = 0;

	for (size_t i = 0; i < d->ndisks; i++)
		n += d->disks[i].source != NULL;
	if (!n) {
		if (d->ndisks &&
		    !(sc->disks = calloc(d->ndisks, sizeof(*sc->disks)))) {
			start_fail(sc, ENOMEM, "out of memory");
			return;
		}
		start_launch(sc);
		return;
	}
	if (vmhostd.session) {
		session_disks(sc);	/* no stord: opened here, as the user */
		return;
	}
	if (!(xml = domain_format(d, 0))) {
		start_fail(sc, ENOMEM, "out of memory");
		return;
	}
	vmhost__stord__prepare_disks_request__init(&pr);
	pr.uuid = sc->lv->vm->uuid;
	pr.domain_xml = xml;
	req.op_case = VMHOST__STORD__REQUEST__OP_PREPARE_DISKS;
	req.prepare_disks = &pr;
	rpc_client_call(vmhostd.helpers[HELPER_STORD], &req.base, NULL, 0,
	    prepared, sc);
	free(xml);
}
