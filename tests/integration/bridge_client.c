/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test peer of vmhost-netd's bridge socket: tap requests, and hostile frames on purpose. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netd.pb-c.h"
#include "common/ipc.h"
#include "common/rpc.h"

static const struct rpc_service bridge_svc = {
	"netd-bridge", &vmhost__netd__bridge_request__descriptor,
	&vmhost__netd__bridge_reply__descriptor, NULL, 0,
};

/* One tap request; prints "ifname=X" or "error: MSG". With cmd, runs it
 * (TAP=ifname in its environment) while the tap's fd is held. */
static int
do_tap(int fd, const char *bridge, const char *mac, char **cmd)
{
	Vmhost__Netd__BridgeRequest req = VMHOST__NETD__BRIDGE_REQUEST__INIT;
	Vmhost__Netd__BridgeTapRequest tr;
	ProtobufCMessage *rep = NULL;
	const Vmhost__Netd__BridgeReply *br;
	const char *msg = "";
	int rfds[4], status = 0, r;
	size_t nr = 4;
	pid_t pid;

	vmhost__netd__bridge_tap_request__init(&tr);
	tr.bridge = (char *)(uintptr_t)bridge;
	tr.mac = (char *)(uintptr_t)mac;
	req.op_case = VMHOST__NETD__BRIDGE_REQUEST__OP_TAP;
	req.tap = &tr;
	if ((r = rpc_sync_call(fd, &bridge_svc, &req.base, NULL, 0, &rep, rfds,
	    &nr)) < 0) {
		printf("error: transport: %s\n", strerror(-r));
		return 1;
	}
	if (rpc_msg_error(rep, &msg)) {
		printf("error: %s\n", msg);
		protobuf_c_message_free_unpacked(rep, NULL);
		return 1;
	}
	br = (const Vmhost__Netd__BridgeReply *)rep;
	if (br->result_case != VMHOST__NETD__BRIDGE_REPLY__RESULT_TAP || nr != 1) {
		printf("error: no tap in the reply (%zu fds)\n", nr);
		return 1;
	}
	printf("ifname=%s\n", br->tap->ifname);
	fflush(stdout);
	if (cmd && cmd[0]) {
		setenv("TAP", br->tap->ifname, 1);
		if ((pid = fork()) == 0) {
			execvp(cmd[0], cmd);
			_exit(127);
		}
		waitpid(pid, &status, 0);
	}
	close(rfds[0]);
	protobuf_c_message_free_unpacked(rep, NULL);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* Send raw bytes as one frame (or a bare length), print the answer. */
static int
do_raw(int fd, const char *kind)
{
	uint8_t junk[64], *buf = NULL;
	size_t len = 0;
	ProtobufCMessage *rep;
	const char *msg = "";
	int r;

	if (strcmp(kind, "garbage") == 0) {
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (uint8_t)(0xff - i * 7);
		r = ipc_send_frame(fd, junk, sizeof(junk), NULL, 0);
	} else if (strcmp(kind, "oversized") == 0) {
		uint8_t hdr[4] = { 0, 0x10, 0, 0 };	/* 1 MiB claimed */

		r = write(fd, hdr, 4) == 4 ? 0 : -errno;
	} else if (strcmp(kind, "netd-op") == 0) {
		/* the vmhostd-only service's request, on the public socket */
		Vmhost__Netd__Request q = VMHOST__NETD__REQUEST__INIT;
		Vmhost__Netd__NetworkStopRequest st;
		uint8_t out[256];

		vmhost__netd__network_stop_request__init(&st);
		st.name = (char *)(uintptr_t)"default";
		st.xml = (char *)(uintptr_t)"<network/>";
		q.op_case = VMHOST__NETD__REQUEST__OP_NETWORK_STOP;
		q.network_stop = &st;
		q.serial = 7;
		len = protobuf_c_message_pack(&q.base, out);
		r = ipc_send_frame(fd, out, len, NULL, 0);
	} else {
		fprintf(stderr, "unknown raw kind '%s'\n", kind);
		return 2;
	}
	if (r < 0) {
		printf("error: send: %s\n", strerror(-r));
		return 1;
	}
	if ((r = ipc_recv_frame(fd, IPC_MAX_FRAME, &buf, &len, NULL, NULL)) < 0) {
		printf("closed: %s\n", strerror(-r));
		return 1;
	}
	rep = protobuf_c_message_unpack(bridge_svc.reply, NULL, len, buf);
	free(buf);
	if (rep && rpc_msg_error(rep, &msg))
		printf("error: %s\n", msg);
	else
		printf("answer without an error\n");
	if (rep)
		protobuf_c_message_free_unpacked(rep, NULL);
	return 0;
}

/* n requests on one connection; prints how many were refused as too many. */
static int
do_flood(int fd, int n)
{
	Vmhost__Netd__BridgeRequest req = VMHOST__NETD__BRIDGE_REQUEST__INIT;
	Vmhost__Netd__BridgeTapRequest tr;
	int busy = 0, other = 0;

	vmhost__netd__bridge_tap_request__init(&tr);
	tr.bridge = (char *)(uintptr_t)"br-none";
	tr.mac = (char *)(uintptr_t)"";
	req.op_case = VMHOST__NETD__BRIDGE_REQUEST__OP_TAP;
	req.tap = &tr;
	for (int i = 0; i < n; i++) {
		ProtobufCMessage *rep = NULL;
		const char *msg = "";

		if (rpc_sync_call(fd, &bridge_svc, &req.base, NULL, 0, &rep,
		    NULL, NULL) < 0)
			break;
		if (rpc_msg_error(rep, &msg) && strstr(msg, "slow down"))
			busy++;
		else
			other++;
		protobuf_c_message_free_unpacked(rep, NULL);
	}
	printf("refused-as-too-many=%d other=%d\n", busy, other);
	return 0;
}

/* n connections at once; prints how many were refused on accept. */
static int
do_conns(const char *path, int n)
{
	int *fds = calloc((size_t)n, sizeof(int)), refused = 0, open_ = 0;

	if (!fds)
		return 1;
	for (int i = 0; i < n; i++)
		fds[i] = ipc_connect(path);
	usleep(300 * 1000);
	for (int i = 0; i < n; i++) {
		struct pollfd p = { fds[i], POLLIN, 0 };

		if (fds[i] < 0)
			refused++;
		else if (poll(&p, 1, 0) == 1)
			refused++;	/* an Error frame, then hang-up */
		else
			open_++;
	}
	printf("open=%d refused=%d\n", open_, refused);
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return 0;
}

int
main(int argc, char **argv)
{
	int fd, r;

	if (argc < 3) {
		fprintf(stderr, "usage: %s SOCK tap BRIDGE [MAC [CMD...]] | raw garbage|oversized|netd-op | flood N | conns N\n",
		    argv[0]);
		return 2;
	}
	if (strcmp(argv[2], "conns") == 0 && argc > 3)
		return do_conns(argv[1], atoi(argv[3]));
	if ((fd = ipc_connect(argv[1])) < 0) {
		printf("error: connect: %s\n", strerror(-fd));
		return 1;
	}
	if (strcmp(argv[2], "tap") == 0 && argc > 3)
		r = do_tap(fd, argv[3], argc > 4 ? argv[4] : "",
		    argc > 5 ? argv + 5 : NULL);
	else if (strcmp(argv[2], "raw") == 0 && argc > 3)
		r = do_raw(fd, argv[3]);
	else if (strcmp(argv[2], "flood") == 0 && argc > 3)
		r = do_flood(fd, atoi(argv[3]));
	else
		r = 2;
	close(fd);
	return r;
}
