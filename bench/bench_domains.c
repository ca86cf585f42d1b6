/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Domain benchmark client: define N, list all, undefine N through libvmhost, in one process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmhost/vmhost.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
domain_xml(char *buf, size_t len, int i)
{
	snprintf(buf, len,
	    "<domain type='qemu'><name>bench-%05d</name>"
	    "<memory unit='MiB'>128</memory><vcpu>1</vcpu>"
	    "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
	    "<devices><disk type='file' device='disk'>"
	    "<driver name='qemu' type='qcow2'/>"
	    "<source file='/var/lib/vmhost/images/bench-%05d.qcow2'/>"
	    "<target dev='vda' bus='virtio'/></disk>"
	    "<interface type='network'><source network='default'/>"
	    "<model type='virtio'/></interface>"
	    "<serial type='pty'/></devices></domain>", i, i);
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	const char *what = argc > 2 ? argv[2] : "all";
	char err[512], xml[2048];
	vmhost_conn *c = vmhost_open(NULL, 0, err, sizeof(err));
	struct vmhost_domain_summary *list = NULL;
	size_t count = 0;
	double t0;

	if (!c) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	if (!strcmp(what, "all") || !strcmp(what, "define")) {
		t0 = now_ms();
		for (int i = 0; i < n; i++) {
			domain_xml(xml, sizeof(xml), i);
			if (vmhost_domain_define(c, xml, 0, NULL) < 0) {
				fprintf(stderr, "error: %s\n", vmhost_error(c));
				return 1;
			}
		}
		printf("define %d: %.1f ms\n", n, now_ms() - t0);
	}
	if (!strcmp(what, "all") || !strcmp(what, "list")) {
		t0 = now_ms();
		if (vmhost_domain_list(c, VMHOST_LIST_ALL, &list, &count) < 0)
			return 1;
		printf("list all in process (%zu): %.2f ms\n", count, now_ms() - t0);
		vmhost_domain_list_free(list);
	}
	if (!strcmp(what, "all") || !strcmp(what, "undefine")) {
		t0 = now_ms();
		for (int i = 0; i < n; i++) {
			snprintf(xml, sizeof(xml), "bench-%05d", i);
			if (vmhost_domain_undefine(c, xml, NULL, 0) < 0) {
				fprintf(stderr, "error: %s\n", vmhost_error(c));
				return 1;
			}
		}
		printf("undefine %d: %.1f ms\n", n, now_ms() - t0);
	}
	vmhost_close(c);
	return 0;
}
