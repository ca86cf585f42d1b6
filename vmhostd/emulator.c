/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Finding the QEMU binary and its version, asynchronously, in vmhostd. */
#define LOG_MODULE "emulator"
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/spawn.h"
#include "vmhostd/vmhostd.h"

static const char *const qemu_candidates[] = {
	"/usr/bin/qemu-system-x86_64",
	"/usr/local/bin/qemu-system-x86_64",
	"/usr/libexec/qemu-kvm",
};

static void
on_version(struct child *ch, int status, const char *out, size_t outlen,
    void *arg)
{
	const char *p;
	char ver[64];

	(void)ch;
	(void)outlen;
	(void)arg;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !out) {
		log_warn("'%s --version' failed", vmhostd.qemu_binary);
		return;
	}
	p = strstr(out, "version ");
	if (!p || sscanf(p + 8, "%63[0-9.]", ver) != 1) {
		log_warn("cannot read the QEMU version from '%s'",
		    vmhostd.qemu_binary);
		return;
	}
	snprintf(vmhostd.qemu_version, sizeof(vmhostd.qemu_version), "%s",
	    ver);
	log_debug("QEMU %s at %s", ver, vmhostd.qemu_binary);
}

void
emulator_probe(struct event_base *base)
{
	for (size_t i = 0; i < sizeof(qemu_candidates) / sizeof(*qemu_candidates);
	    i++) {
		char *argv[] = { (char *)(uintptr_t)qemu_candidates[i],
			(char *)(uintptr_t)"--version", NULL };

		if (access(qemu_candidates[i], X_OK) != 0)
			continue;
		snprintf(vmhostd.qemu_binary, sizeof(vmhostd.qemu_binary), "%s",
		    qemu_candidates[i]);
		if (!child_spawn(base, argv, NULL, 4096, on_version, NULL))
			log_warn("cannot run '%s': %m", qemu_candidates[i]);
		return;
	}
	log_warn("no QEMU binary found (install qemu-system-x86)");
}
