/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness: domain XML parse -> format -> parse must be stable; argv builds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/domain_xml.h"
#include "vmhostd/qemu_argv.h"

/* Give every chardev, disk and interface an fd so the builder runs fully. */
static void
build_argv(const struct domain_def *d)
{
	static const int fds[DOMAIN_MAX_DEVICES] = { 0 };
	static const struct qemu_disk_runtime none[DOMAIN_MAX_DEVICES];
	struct qemu_launch l = {
		.qmp_fd = 3, .serial_fds = fds, .nserial_fds = DOMAIN_MAX_DEVICES,
		.console_fds = fds, .nconsole_fds = DOMAIN_MAX_DEVICES,
		.channel_fds = fds, .nchannel_fds = DOMAIN_MAX_DEVICES,
		.tap_fds = fds, .ntap_fds = DOMAIN_MAX_DEVICES,
		.disks = none, .ndisks = DOMAIN_MAX_DEVICES,
	};
	char err[256], **argv = NULL;

	if (qemu_build_argv(d, &l, &argv, err, sizeof(err)) == 0 && !argv)
		abort();
	qemu_argv_free(argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct domain_def *d = NULL, *d2 = NULL;
	char err[512], *f1, *f2;

	if (domain_parse((const char *)data, size, &d, err, sizeof(err)) < 0) {
		if (!err[0] || strchr(err, '\n'))
			abort(); /* refusals have a one-line message */
		return 0;
	}
	f1 = domain_format(d, 0);
	if (!f1 || domain_parse(f1, strlen(f1), &d2, err, sizeof(err)) < 0)
		abort(); /* what we format, we parse */
	f2 = domain_format(d2, 0);
	if (!f2 || strcmp(f1, f2) != 0)
		abort(); /* and it is stable */
	build_argv(d);
	free(f1), free(f2);
	domain_def_free(d), domain_def_free(d2);
	return 0;
}
