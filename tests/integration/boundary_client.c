/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test peer for privilege_boundary.sh: one request to a helper as whoever runs it; prints "ok ..." or "error: MSG". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netd.pb-c.h"
#include "secd.pb-c.h"
#include "stord.pb-c.h"
#include "common/ipc.h"
#include "common/rpc.h"

/*
 *   boundary_client SOCK ping netd|secd|stord
 *   boundary_client SOCK launch UUID NFDS ARGV...   (secd; fds 3.. are
 *       NFDS socketpair ends, the first one the monitor)
 *   boundary_client SOCK signal UUID PID SIGNO      (secd)
 *   boundary_client SOCK release UUID PID           (secd)
 *   boundary_client SOCK tap-remove IFNAME OWNER    (netd)
 *   boundary_client SOCK probe PATH                 (stord)
 * Other requests: test_netd (taps, networks) and stord_client (prepare,
 * chown, release), which the boundary test calls as they are.
 */

static const struct rpc_service svcs[] = {
	{ "netd", &vmhost__netd__request__descriptor,
	  &vmhost__netd__reply__descriptor, NULL, 0 },
	{ "secd", &vmhost__secd__request__descriptor,
	  &vmhost__secd__reply__descriptor, NULL, 0 },
	{ "stord", &vmhost__stord__request__descriptor,
	  &vmhost__stord__reply__descriptor, NULL, 0 },
};

/* Field number of "ping" (Empty) in every helper's Request. */
#define OP_PING 11

static const struct rpc_service *
svc_named(const char *name)
{
	for (size_t i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++)
		if (!strcmp(svcs[i].name, name))
			return &svcs[i];
	fprintf(stderr, "unknown service '%s'\n", name);
	exit(2);
}

/* One call; prints the error and returns NULL, or returns the reply. */
static ProtobufCMessage *
call(const char *sock, const struct rpc_service *svc, ProtobufCMessage *req,
    const int *fds, size_t nfds, int *rfds, size_t *nrfds)
{
	ProtobufCMessage *rep = NULL;
	const char *msg = NULL;
	size_t none = 0;
	int s = ipc_connect(sock), r;

	if (s < 0) {
		printf("error: connect: %s\n", strerror(-s));
		return NULL;
	}
	r = rpc_sync_call(s, svc, req, fds, nfds, &rep, rfds,
	    nrfds ? nrfds : &none);
	close(s);
	if (r < 0) {
		printf("error: call: %s\n", strerror(-r));
		return NULL;
	}
	if (rpc_msg_error(rep, &msg)) {
		printf("error: %s\n", msg ? msg : "");
		protobuf_c_message_free_unpacked(rep, NULL);
		return NULL;
	}
	return rep;
}

static int
done(ProtobufCMessage *rep, const char *what)
{
	if (!rep)
		return 1;
	printf("ok %s\n", what);
	protobuf_c_message_free_unpacked(rep, NULL);
	return 0;
}

static int
cmd_ping(const char *sock, const char *name)
{
	const struct rpc_service *svc = svc_named(name);
	ProtobufCMessage *req = calloc(1, svc->request->sizeof_message);
	Vmhost__Empty empty = VMHOST__EMPTY__INIT;
	int r;

	protobuf_c_message_init(svc->request, req);
	rpc_msg_set_op(req, OP_PING, &empty);
	r = done(call(sock, svc, req, NULL, 0, NULL, NULL), "ping");
	free(req);
	return r;
}

static int
cmd_launch(const char *sock, int ac, char **av)
{
	Vmhost__Secd__Request req = VMHOST__SECD__REQUEST__INIT;
	Vmhost__Secd__LaunchRequest lr;
	Vmhost__Secd__Reply *rep;
	int32_t targets[8];
	int fds[8], peers[8], rfds[4];
	size_t nfds = (size_t)atoi(av[1]), nr = 4;

	if (nfds > 8 || ac < 3)
		return 2;
	vmhost__secd__launch_request__init(&lr);
	for (size_t i = 0; i < nfds; i++) {
		int sp[2];

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
			return 2;
		fds[i] = sp[1];
		peers[i] = sp[0];
		targets[i] = (int32_t)(3 + i);
	}
	lr.uuid = av[0];
	lr.name = (char *)(uintptr_t)"boundary";
	lr.argv = av + 2;
	lr.n_argv = (size_t)ac - 2;
	lr.fd_targets = targets;
	lr.n_fd_targets = nfds;
	req.op_case = VMHOST__SECD__REQUEST__OP_LAUNCH;
	req.launch = &lr;
	rep = (Vmhost__Secd__Reply *)call(sock, &svcs[1], &req.base, fds, nfds,
	    rfds, &nr);
	if (!rep)
		return 1;
	printf("ok launched pid %d\n", rep->launch->pid);
	for (size_t i = 0; i < nr; i++)
		close(rfds[i]);
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	(void)peers;		/* the monitor's far end closes with us */
	return 0;
}

static int
cmd_secd(const char *sock, const char *op, char **av)
{
	Vmhost__Secd__Request req = VMHOST__SECD__REQUEST__INIT;
	Vmhost__Secd__SignalRequest sr;
	Vmhost__Secd__ReleaseRequest rr;

	vmhost__secd__signal_request__init(&sr);
	vmhost__secd__release_request__init(&rr);
	if (!strcmp(op, "signal")) {
		sr.uuid = av[0];
		sr.pid = atoi(av[1]);
		sr.signal = atoi(av[2]);
		req.op_case = VMHOST__SECD__REQUEST__OP_SIGNAL;
		req.signal = &sr;
	} else {
		rr.uuid = av[0];
		rr.pid = atoi(av[1]);
		req.op_case = VMHOST__SECD__REQUEST__OP_RELEASE;
		req.release = &rr;
	}
	return done(call(sock, &svcs[1], &req.base, NULL, 0, NULL, NULL), op);
}

static int
cmd_tap_remove(const char *sock, char **av)
{
	Vmhost__Netd__Request req = VMHOST__NETD__REQUEST__INIT;
	Vmhost__Netd__TapRemoveRequest tr;

	vmhost__netd__tap_remove_request__init(&tr);
	tr.ifname = av[0];
	tr.owner = av[1];
	req.op_case = VMHOST__NETD__REQUEST__OP_TAP_REMOVE;
	req.tap_remove = &tr;
	return done(call(sock, &svcs[0], &req.base, NULL, 0, NULL, NULL),
	    "tap-remove");
}

static int
cmd_probe(const char *sock, char **av)
{
	Vmhost__Stord__Request req = VMHOST__STORD__REQUEST__INIT;
	Vmhost__Stord__ProbeRequest pr;
	Vmhost__Stord__Reply *rep;
	int r;

	vmhost__stord__probe_request__init(&pr);
	pr.path = av[0];
	req.op_case = VMHOST__STORD__REQUEST__OP_PROBE;
	req.probe = &pr;
	rep = (Vmhost__Stord__Reply *)call(sock, &svcs[2], &req.base, NULL, 0,
	    NULL, NULL);
	if (!rep)
		return 1;
	/* A probe answers with a format, or a reason it cannot be used. */
	r = rep->probe->reason && *rep->probe->reason;
	if (r)
		printf("error: %s\n", rep->probe->reason);
	else
		printf("ok format %s backing '%s'\n", rep->probe->format,
		    rep->probe->backing);
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return r;
}

int
main(int ac, char **av)
{
	if (ac == 4 && !strcmp(av[2], "ping"))
		return cmd_ping(av[1], av[3]);
	if (ac >= 6 && !strcmp(av[2], "launch"))
		return cmd_launch(av[1], ac - 3, av + 3);
	if ((ac == 6 && !strcmp(av[2], "signal")) ||
	    (ac == 5 && !strcmp(av[2], "release")))
		return cmd_secd(av[1], av[2], av + 3);
	if (ac == 5 && !strcmp(av[2], "tap-remove"))
		return cmd_tap_remove(av[1], av + 3);
	if (ac == 4 && !strcmp(av[2], "probe"))
		return cmd_probe(av[1], av + 3);
	fprintf(stderr, "usage: see the head of boundary_client.c\n");
	return 2;
}
