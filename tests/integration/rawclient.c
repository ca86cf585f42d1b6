/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test peer that speaks raw frames to a vmhost socket: hostile and malformed input on purpose. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netd.pb-c.h"
#include "vmhost.pb-c.h"
#include "common/ipc.h"
#include "common/rpc.h"

static const struct rpc_service client_svc = {
	"vmhost", &vmhost__request__descriptor, &vmhost__reply__descriptor,
	NULL, 0,
};
static const struct rpc_service netd_svc = {
	"netd", &vmhost__netd__request__descriptor,
	&vmhost__netd__reply__descriptor, NULL, 0,
};

static int
fail(const char *what, const char *detail)
{
	printf("FAIL: %s: %s\n", what, detail);
	return 1;
}

/* Read one reply frame; print its error message. 0: got an Error
 * containing want; 1 otherwise. */
static int
expect_error(int fd, const struct rpc_service *svc, const char *what,
    const char *want)
{
	uint8_t *buf;
	size_t len;
	ProtobufCMessage *rep;
	const char *msg = "";
	int r = ipc_recv_frame(fd, IPC_MAX_FRAME, &buf, &len, NULL, NULL);

	if (r < 0)
		return fail(what, strerror(-r));
	rep = protobuf_c_message_unpack(svc->reply, NULL, len, buf);
	free(buf);
	if (!rep)
		return fail(what, "reply does not unpack");
	if (!rpc_msg_error(rep, &msg) || !strstr(msg, want)) {
		printf("FAIL: %s: got '%s', want '%s'\n", what, msg, want);
		return 1;
	}
	printf("ok: %s: error: %s\n", what, msg);
	protobuf_c_message_free_unpacked(rep, NULL);
	return 0;
}

/* The daemon must hang up (EOF) after a protocol violation. */
static int
expect_eof(int fd, const char *what)
{
	char c;
	ssize_t n = read(fd, &c, 1);

	if (n != 0)
		return fail(what, "connection not closed by the daemon");
	printf("ok: %s: connection closed\n", what);
	return 0;
}

static int
send_raw(int fd, const void *p, size_t n)
{
	return write(fd, p, n) == (ssize_t)n ? 0 : -errno;
}

static int
t_oversize(int fd)
{
	const uint8_t hdr[4] = { 0x7f, 0xff, 0xff, 0xff };

	send_raw(fd, hdr, 4);
	return expect_error(fd, &client_svc, "oversized frame", "16 MiB") ||
	    expect_eof(fd, "oversized frame");
}

static int
t_truncated(int fd)
{
	const uint8_t part[8] = { 0, 0, 0, 100, 8, 1, 0x62, 0 };

	send_raw(fd, part, sizeof(part));
	shutdown(fd, SHUT_WR);
	return expect_eof(fd, "truncated frame");
}

static int
t_random(int fd)
{
	uint8_t junk[4096];
	int rfd = open("/dev/urandom", O_RDONLY);

	if (rfd < 0 || read(rfd, junk, sizeof(junk)) != (ssize_t)sizeof(junk))
		return fail("random", "no /dev/urandom");
	close(rfd);
	junk[0] = 0x40;	/* a length over the cap, so the outcome is fixed */
	send_raw(fd, junk, sizeof(junk));
	return expect_error(fd, &client_svc, "random bytes", "16 MiB") ||
	    expect_eof(fd, "random bytes");
}

static int
t_garbage(int fd)
{
	/* a well-framed message that is not protobuf: field 0 is invalid */
	const uint8_t f[9] = { 0, 0, 0, 5, 0x00, 0xff, 0xff, 0xff, 0xff };

	send_raw(fd, f, sizeof(f));
	return expect_error(fd, &client_svc, "malformed message", "malformed") ||
	    expect_eof(fd, "malformed message");
}

static int
t_unknown(int fd)
{
	/* serial 7, then field 99 (length-delimited, empty): an op we lack */
	const uint8_t f[9] = { 0, 0, 0, 5, 0x08, 0x07, 0x9a, 0x06, 0x00 };

	send_raw(fd, f, sizeof(f));
	if (expect_error(fd, &client_svc, "unknown type", "unknown request type"))
		return 1;
	/* the connection stays usable */
	send_raw(fd, (const uint8_t[]){ 0, 0, 0, 4, 0x08, 0x08, 0x6a, 0x00 }, 8);
	{
		uint8_t *buf;
		size_t len;

		if (ipc_recv_frame(fd, IPC_MAX_FRAME, &buf, &len, NULL, NULL) < 0)
			return fail("unknown type", "no reply to the ping after it");
		free(buf);
	}
	printf("ok: unknown type: connection still serves\n");
	return 0;
}

static int
t_helper(int fd)
{
	Vmhost__Netd__Request req = VMHOST__NETD__REQUEST__INIT;
	Vmhost__Empty e = VMHOST__EMPTY__INIT;
	ProtobufCMessage *rep = NULL;
	const char *msg = "";
	int r;

	rpc_msg_set_op(&req.base, VMHOST__NETD__REQUEST__OP_STATUS, &e);
	r = rpc_sync_call(fd, &netd_svc, &req.base, NULL, 0, &rep, NULL, NULL);
	if (r < 0)
		return fail("helper peer check", strerror(-r));
	if (!rpc_msg_error(rep, &msg) || !strstr(msg, "refused"))
		return fail("helper peer check", "helper answered a stranger");
	printf("ok: helper peer check: error: %s\n", msg);
	protobuf_c_message_free_unpacked(rep, NULL);
	return expect_eof(fd, "helper peer check");
}

static int
t_fds(int fd)
{
	Vmhost__Request req = VMHOST__REQUEST__INIT;
	Vmhost__Empty e = VMHOST__EMPTY__INIT;
	ProtobufCMessage *rep = NULL;
	int fds[3] = { 0, 1, 2 }, r;

	/* descriptors nobody asked for are closed by the daemon, not kept */
	rpc_msg_set_op(&req.base, VMHOST__REQUEST__OP_PING, &e);
	r = rpc_sync_call(fd, &client_svc, &req.base, fds, 3, &rep, NULL, NULL);
	if (r < 0 || rpc_msg_error(rep, NULL))
		return fail("unsolicited fds", "ping with fds failed");
	protobuf_c_message_free_unpacked(rep, NULL);
	printf("ok: unsolicited fds: served\n");
	return 0;
}

static int
t_flood(int fd)
{
	const uint8_t ping[8] = { 0, 0, 0, 4, 0x08, 0x01, 0x6a, 0x00 };
	int n = 5000, got = 0;

	for (int i = 0; i < n; i++)
		if (send_raw(fd, ping, sizeof(ping)) < 0)
			break;
	shutdown(fd, SHUT_WR);
	for (;;) {
		uint8_t *buf;
		size_t len;

		if (ipc_recv_frame(fd, IPC_MAX_FRAME, &buf, &len, NULL, NULL) < 0)
			break;
		free(buf);
		got++;
	}
	if (got != n)
		return fail("flood", "replies lost");
	printf("ok: flood: %d requests, %d replies\n", n, got);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int fd);
} tests[] = {
	{ "oversize", t_oversize }, { "truncated", t_truncated },
	{ "random", t_random }, { "garbage", t_garbage },
	{ "unknown", t_unknown }, { "helper", t_helper }, { "fds", t_fds },
	{ "flood", t_flood },
};

int
main(int argc, char **argv)
{
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: rawclient TEST SOCKET\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(tests) / sizeof(*tests); i++) {
		if (strcmp(tests[i].name, argv[1]) != 0)
			continue;
		fd = ipc_connect(argv[2]);
		if (fd < 0)
			return fail(argv[1], strerror(-fd));
		return tests[i].fn(fd);
	}
	fprintf(stderr, "rawclient: unknown test '%s'\n", argv[1]);
	return 2;
}
