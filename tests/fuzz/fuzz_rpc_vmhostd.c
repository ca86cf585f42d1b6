/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness: bytes from a client through vmhostd's frame decoder, unpack, dispatch table and handlers (sandboxed, see fuzz_rpc.h). */

/* vmhostd's process state and folders are in its main.c: compile it here. */
#define main vmhostd_program_main
int vmhostd_program_main(int argc, char **argv);
#include "vmhostd/main.c"
#undef main

#include "tests/fuzz/fuzz_rpc.h"

/*
 * vmhostd holds no privilege itself: its handlers run in-process on a
 * scratch root (definitions written under it) with the helpers' sockets
 * absent, so every call to netd, secd or stord fails at once with "not
 * running" and no guest, tap or chown can happen. The listener has
 * vmhostd's own peer check and acl hook (no acl.conf: all allowed); the
 * fuzz gid stands for group vmhost, so the peer is a read-write client.
 * The steps mirror vmhostd's main() after the drop.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_rpc_setup(argc, argv, "fuzz_rpc_vmhostd");
	vmhostd.base = fuzz_base;
	vmhostd.uid = getuid();
	vmhostd.gid = getgid();
	if (access_init() < 0 || vmhostd_make_dirs() < 0)
		fuzz_die("vmhostd access rules or folders");
	events_init(vmhostd.base);
	commit_init(vmhostd.base, NULL);
	if (domains_init() < 0 || networks_init() < 0)
		fuzz_die("vmhostd state");
	domains_load();
	networks_load();
	if (helpers_start(vmhostd.base) < 0)
		fuzz_die("helper links");
	emulator_probe(vmhostd.base);
	caps_init(vmhostd.base);
	fuzz_rpc_listen(&vmhostd_service, 0, access_check_rw,
	    access_authorize);
	vmhostd.srv_rw = fuzz_srv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_rpc_peer(data, size);
	return 0;
}
