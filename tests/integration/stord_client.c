/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test peer of vmhost-stord (run as vmhostd's uid): prepare-disks with descriptor access modes, chown and release. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stord.pb-c.h"
#include "common/fileio.h"
#include "common/ipc.h"
#include "common/rpc.h"

static const struct rpc_service stord_svc = {
	"stord", &vmhost__stord__request__descriptor,
	&vmhost__stord__reply__descriptor, NULL, 0,
};

/* One call; prints "error: MSG" and returns NULL on an Error. */
static Vmhost__Stord__Reply *
call(const char *sock, Vmhost__Stord__Request *req, int *fds, size_t *nfds)
{
	ProtobufCMessage *rep = NULL;
	const char *msg;
	size_t none = 0;
	int s = ipc_connect(sock), r;

	if (s < 0) {
		printf("error: connect: %s\n", strerror(-s));
		return NULL;
	}
	r = rpc_sync_call(s, &stord_svc, &req->base, NULL, 0, &rep, fds,
	    nfds ? nfds : &none);
	close(s);
	if (r < 0) {
		printf("error: call: %s\n", strerror(-r));
		return NULL;
	}
	if (rpc_msg_error(rep, &msg)) {
		printf("error: %s\n", msg);
		protobuf_c_message_free_unpacked(rep, NULL);
		return NULL;
	}
	return (Vmhost__Stord__Reply *)rep;
}

/* Per layer: "TARGET LAYER PATH FORMAT rw|ro FDMODE", FDMODE from fcntl. */
static int
prepare(const char *sock, const char *xmlfile)
{
	Vmhost__Stord__Request req = VMHOST__STORD__REQUEST__INIT;
	Vmhost__Stord__PrepareDisksRequest pr;
	Vmhost__Stord__Reply *rep;
	int fds[64];
	size_t nfds = sizeof(fds) / sizeof(fds[0]), k = 0;	/* in: room */
	char *xml;
	size_t len;

	if (file_read_all(xmlfile, 1 << 20, &xml, &len) < 0)
		return printf("error: cannot read %s\n", xmlfile), 1;
	vmhost__stord__prepare_disks_request__init(&pr);
	pr.uuid = (char *)(uintptr_t)"00000000-0000-0000-0000-000000000001";
	pr.domain_xml = xml;
	req.op_case = VMHOST__STORD__REQUEST__OP_PREPARE_DISKS;
	req.prepare_disks = &pr;
	rep = call(sock, &req, fds, &nfds);
	free(xml);
	if (!rep)
		return 1;
	for (size_t d = 0; d < rep->prepare_disks->n_disks; d++) {
		const Vmhost__Stord__PreparedDisk *pd =
		    rep->prepare_disks->disks[d];

		for (size_t l = 0; l < pd->n_layers; l++, k++) {
			int fl = k < nfds ? fcntl(fds[k], F_GETFL) : -1;

			printf("%s %zu %s %s %s %s\n", pd->target, l,
			    pd->layers[l]->path, pd->layers[l]->format,
			    pd->layers[l]->writable ? "rw" : "ro", fl < 0 ?
			    "nofd" : (fl & O_ACCMODE) == O_RDWR ? "O_RDWR" :
			    (fl & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : "other");
		}
	}
	printf("fds %zu layers %zu\n", nfds, k);
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

static int
chown_call(const char *sock, int argc, char **argv)
{
	Vmhost__Stord__Request req = VMHOST__STORD__REQUEST__INIT;
	Vmhost__Stord__ChownRequest c;
	Vmhost__Stord__ChownReleaseRequest rel;
	Vmhost__Stord__Reply *rep;

	if (strcmp(argv[2], "chown") == 0 && argc == 7) {
		vmhost__stord__chown_request__init(&c);
		c.uuid = argv[3];
		c.path = argv[4];
		c.uid = (uint32_t)strtoul(argv[5], NULL, 10);
		c.gid = (uint32_t)strtoul(argv[6], NULL, 10);
		req.op_case = VMHOST__STORD__REQUEST__OP_CHOWN;
		req.chown = &c;
	} else if (strcmp(argv[2], "release") == 0 && argc >= 4) {
		vmhost__stord__chown_release_request__init(&rel);
		rel.uuid = argv[3];
		rel.path = argc > 4 ? argv[4] : (char *)(uintptr_t)"";
		req.op_case = VMHOST__STORD__REQUEST__OP_CHOWN_RELEASE;
		req.chown_release = &rel;
	} else {
		return printf("usage: SOCK chown UUID PATH UID GID | release UUID [PATH]\n"), 2;
	}
	if (!(rep = call(sock, &req, NULL, NULL)))
		return 1;
	printf("ok\n");
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[2], "prepare") == 0)
		return prepare(argv[1], argv[3]);
	if (argc >= 4)
		return chown_call(argv[1], argc, argv);
	printf("usage: stord_client SOCK prepare XMLFILE | chown ... | release ...\n");
	return 2;
}
