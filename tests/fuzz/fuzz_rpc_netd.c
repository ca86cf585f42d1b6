/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness: bytes from a peer through vmhost-netd's frame decoder, unpack, dispatch table and handlers (sandboxed, see fuzz_rpc.h). */

/* netd's table and handlers are static in its main.c: compile them here. */
#define main netd_program_main
int netd_program_main(int argc, char **argv);
#include "netd/main.c"
#undef main

#include "tests/fuzz/fuzz_rpc.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct daemon_opts o = { .prog = "vmhost-netd" };
	char dir[4096];

	fuzz_rpc_setup(argc, argv, "fuzz_rpc_netd");
	if (path_build(dir, sizeof(dir), VMHOST_HELPER_DIR_FMT, "netd") < 0 ||
	    dir_ensure(dir, 0750, (uid_t)-1, (gid_t)-1) < 0 ||
	    netd_before_drop(fuzz_base, &o) < 0)
		fuzz_die("netd folders");
	/* netd_after_drop without the passwd look-up of the fuzz uid. */
	if (network_init(fuzz_base, VMHOST_NET_USER) < 0)
		fuzz_die("network_init");
	fuzz_rpc_listen(&netd_service, 0, NULL, NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_rpc_peer(data, size);
	return 0;
}
