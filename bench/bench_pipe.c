/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pipelined defines on one connection: W calls in flight, each reply sent when durable. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vmhost.pb-c.h"
#include "bench_wire.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
connect_uri(const char *uri)
{
	return bench_connect(uri && !strncmp(uri, "unix://", 7) ? uri + 7 :
	    "/run/vmhost/vmhost-sock");
}

#define io_all bench_io_all

static const char *prefix = "pipe";
static int version;

static unsigned
prefix_hash(void)
{
	unsigned h = 2166136261u;

	for (const char *p = prefix; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

static int
send_define(int fd, int i)
{
	Vmhost__Request req;
	Vmhost__DomainDefineRequest dr;
	char xml[1024];
	unsigned char buf[2048];
	uint32_t len;

	snprintf(xml, sizeof(xml),
	    "<domain type='qemu'><name>%s-%05d</name>"
	    "<uuid>%08x-0000-4000-8000-%012d</uuid>"
	    "<description>version %d</description>"
	    "<memory unit='MiB'>128</memory><vcpu>1</vcpu>"
	    "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
	    "<devices><disk type='file' device='disk'>"
	    "<driver name='qemu' type='qcow2'/>"
	    "<source file='/var/lib/vmhost/images/pipe-%05d.qcow2'/>"
	    "<target dev='vda' bus='virtio'/></disk>"
	    "<serial type='pty'/></devices></domain>", prefix, i, prefix_hash(),
	    i, version, i);
	vmhost__request__init(&req);
	vmhost__domain_define_request__init(&dr);
	dr.xml = xml;
	req.serial = (uint32_t)i + 1;
	req.op_case = VMHOST__REQUEST__OP_DOMAIN_DEFINE;
	req.domain_define = &dr;
	len = (uint32_t)vmhost__request__get_packed_size(&req);
	if (len + 4 > sizeof(buf))
		return -1;
	vmhost__request__pack(&req, buf + 4);
	*(uint32_t *)(void *)buf = htonl(len);
	return io_all(fd, buf, len + 4, 1);
}

/* 0 for a good reply, 1 for an error reply, -1 when the connection broke. */
static int
read_reply(int fd)
{
	unsigned char hdr[4], *buf;
	Vmhost__Reply *rep;
	uint32_t len;
	int r;

	if (io_all(fd, hdr, 4, 0) < 0)
		return -1;
	memcpy(&len, hdr, 4);
	len = ntohl(len);
	if (len > (1u << 24) || !(buf = malloc(len ? len : 1)))
		return -1;
	if (io_all(fd, buf, len, 0) < 0 ||
	    !(rep = vmhost__reply__unpack(NULL, len, buf))) {
		free(buf);
		return -1;
	}
	r = rep->result_case == VMHOST__REPLY__RESULT_ERROR;
	if (r)
		fprintf(stderr, "error: %s\n", rep->error->message);
	vmhost__reply__free_unpacked(rep, NULL);
	free(buf);
	return r;
}

int
main(int argc, char **argv)
{
	/* bench_pipe [N [WINDOW [PREFIX [VERSION]]]]: names PREFIX-00000..,
	 * uuids fixed by index, so a second run redefines */
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	int window = argc > 2 ? atoi(argv[2]) : 32;
	int fd = connect_uri(getenv("VMHOST_DEFAULT_URI"));
	int sent = 0, got = 0, errors = 0;
	double t0;

	if (argc > 3)
		prefix = argv[3];
	if (argc > 4)
		version = atoi(argv[4]);
	if (fd < 0 || n < 0 || window < 1 || strlen(prefix) > 64) {
		perror("connect");
		return 1;
	}
	t0 = now_ms();
	while (got < n) {
		while (sent < n && sent - got < window)
			if (send_define(fd, sent++) < 0) {
				fprintf(stderr, "error: send failed\n");
				return 1;
			}
		int r = read_reply(fd);
		if (r < 0) {
			fprintf(stderr, "error: connection broke after %d replies\n", got);
			return 1;
		}
		errors += r;
		got++;
	}
	printf("define %d pipelined (%d in flight): %.1f ms, %d errors\n", n,
	    window, now_ms() - t0, errors);
	return errors ? 1 : 0;
}
