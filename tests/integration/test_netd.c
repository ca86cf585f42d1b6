/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test client of vmhost-netd (run as vmhostd's user by test_netd.sh): one request per invocation. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netd.pb-c.h"
#include "common/fileio.h"
#include "common/ipc.h"
#include "common/rpc.h"
#include "netd/dnsmasq_conf.h"

static const struct rpc_service netd_svc = {
	"netd", &vmhost__netd__request__descriptor,
	&vmhost__netd__reply__descriptor, NULL, 0,
};

static char *
slurp(const char *path)
{
	char *s = NULL;

	if (file_read_all(path, 1 << 20, &s, NULL) < 0) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	return s;
}

/* Send req; print "error: MSG" and exit 1 on an Error reply. */
static Vmhost__Netd__Reply *
call(const char *sock, Vmhost__Netd__Request *req, int *fd)
{
	ProtobufCMessage *rep = NULL;
	const char *msg;
	int rfds[16], s, r;
	size_t nrfds = 16;

	if ((s = ipc_connect(sock)) < 0) {
		printf("error: connect: %s\n", strerror(-s));
		exit(1);
	}
	r = rpc_sync_call(s, &netd_svc, &req->base, NULL, 0, &rep, rfds,
	    &nrfds);
	close(s);
	if (r < 0 || !rep) {
		printf("error: call failed: %s\n", strerror(-r));
		exit(1);
	}
	if (rpc_msg_error(rep, &msg) > 0) {
		printf("error: %s\n", msg);
		exit(1);
	}
	for (size_t i = 0; i < nrfds; i++) {
		if (fd && i == 0)
			*fd = rfds[0];
		else
			close(rfds[i]);
	}
	return (Vmhost__Netd__Reply *)rep;
}

static int
cmd_start(const char *sock, char **av)
{
	Vmhost__Netd__Request req;
	Vmhost__Netd__NetworkStartRequest sr;
	Vmhost__Netd__Reply *rep;

	vmhost__netd__request__init(&req);
	vmhost__netd__network_start_request__init(&sr);
	sr.name = av[0];
	sr.xml = slurp(av[1]);
	req.op_case = VMHOST__NETD__REQUEST__OP_NETWORK_START;
	req.network_start = &sr;
	rep = call(sock, &req, NULL);
	printf("bridge=%s pid=%d\n", rep->network_start->bridge,
	    rep->network_start->dnsmasq_pid);
	return 0;
}

static int
cmd_stop(const char *sock, char **av)
{
	Vmhost__Netd__Request req;
	Vmhost__Netd__NetworkStopRequest sr;

	vmhost__netd__request__init(&req);
	vmhost__netd__network_stop_request__init(&sr);
	sr.name = av[0];
	sr.xml = slurp(av[1]);
	req.op_case = VMHOST__NETD__REQUEST__OP_NETWORK_STOP;
	req.network_stop = &sr;
	call(sock, &req, NULL);
	printf("ok\n");
	return 0;
}

static int
cmd_sync(const char *sock, int ac, char **av)
{
	Vmhost__Netd__Request req;
	Vmhost__Netd__NetworkSyncRequest sr;
	Vmhost__Netd__NetworkStartRequest a[8], *pa[8];
	size_t n = 0;

	vmhost__netd__request__init(&req);
	vmhost__netd__network_sync_request__init(&sr);
	for (int i = 0; i + 1 < ac && n < 8; i += 2, n++) {
		vmhost__netd__network_start_request__init(&a[n]);
		a[n].name = av[i];
		a[n].xml = slurp(av[i + 1]);
		pa[n] = &a[n];
	}
	sr.n_active = n;
	sr.active = pa;
	req.op_case = VMHOST__NETD__REQUEST__OP_SYNC;
	req.sync = &sr;
	call(sock, &req, NULL);
	printf("ok\n");
	return 0;
}

/* tap BRIDGE MAC IFNAME HOLD: print the name, hold the fd HOLD seconds. */
static int
cmd_tap(const char *sock, char **av)
{
	Vmhost__Netd__Request req;
	Vmhost__Netd__TapRequest tr;
	Vmhost__Netd__Reply *rep;
	int fd = -1;

	vmhost__netd__request__init(&req);
	vmhost__netd__tap_request__init(&tr);
	tr.bridge = av[0];
	tr.mac = av[1];
	tr.ifname = av[2];
	tr.owner = (char *)(uintptr_t)"test-owner";
	req.op_case = VMHOST__NETD__REQUEST__OP_TAP_CREATE;
	req.tap_create = &tr;
	rep = call(sock, &req, &fd);
	printf("ifname=%s fd=%s\n", rep->tap->ifname, fd >= 0 ? "yes" : "no");
	fflush(stdout);
	if (fd >= 0)
		sleep((unsigned)atoi(av[3]));
	return fd >= 0 ? 0 : 1;
}

static int
cmd_leases(const char *sock, char **av)
{
	Vmhost__Netd__Request req;
	Vmhost__Netd__LeasesRequest lr;
	Vmhost__Netd__Reply *rep;

	vmhost__netd__request__init(&req);
	vmhost__netd__leases_request__init(&lr);
	lr.name = av[0];
	lr.mac = av[1] ? av[1] : (char *)(uintptr_t)"";
	req.op_case = VMHOST__NETD__REQUEST__OP_LEASES;
	req.leases = &lr;
	rep = call(sock, &req, NULL);
	for (size_t i = 0; i < rep->leases->n_leases; i++) {
		Vmhost__Netd__Lease *l = rep->leases->leases[i];

		printf("%s %s %s %s %s\n", l->mac, l->ip, l->hostname,
		    l->type, l->iface);
	}
	printf("%zu leases\n", rep->leases->n_leases);
	return 0;
}

/* conf NAME XML STATEDIR PIDFILE: what netd should have written. */
static int
cmd_conf(char **av)
{
	struct network_def *d = NULL;
	struct dnsmasq_conf c = { 0 };
	char err[512];
	char *xml = slurp(av[1]);

	if (network_parse(xml, strlen(xml), &d, err, sizeof(err)) < 0 ||
	    dnsmasq_conf_build(d, av[2], av[3], &c, err, sizeof(err)) < 0) {
		printf("error: %s\n", err);
		return 1;
	}
	fputs(c.conf, stdout);
	dnsmasq_conf_clear(&c);
	network_def_free(d);
	return 0;
}

int
main(int ac, char **av)
{
	if (ac >= 6 && strcmp(av[1], "conf") == 0)
		return cmd_conf(av + 2);
	if (ac < 3) {
		fprintf(stderr, "usage: test_netd conf NAME XML STATEDIR PIDFILE | SOCK start|stop NAME XML | SOCK sync NAME XML... | SOCK tap BR MAC IFNAME HOLD | SOCK leases NAME [MAC]\n");
		return 2;
	}
	if (strcmp(av[2], "start") == 0 && ac == 5)
		return cmd_start(av[1], av + 3);
	if (strcmp(av[2], "stop") == 0 && ac == 5)
		return cmd_stop(av[1], av + 3);
	if (strcmp(av[2], "sync") == 0)
		return cmd_sync(av[1], ac - 3, av + 3);
	if (strcmp(av[2], "tap") == 0 && ac == 7)
		return cmd_tap(av[1], av + 3);
	if (strcmp(av[2], "leases") == 0 && ac >= 4)
		return cmd_leases(av[1], av + 3);
	fprintf(stderr, "bad arguments\n");
	return 2;
}
