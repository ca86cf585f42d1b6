/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness: bytes from a peer through vmhost-secd's frame decoder, unpack, dispatch table and handlers (sandboxed, see fuzz_rpc.h). */

/* secd's table and handlers are static in its main.c: compile them here. */
#define main secd_program_main
int secd_program_main(int argc, char **argv);
#include "secd/main.c"
#undef main

#include "tests/fuzz/fuzz_rpc.h"

/*
 * A launch that passes every check forks; the child cannot take the
 * emulator's identity (no CAP_SETUID/SETGID in the sandbox) and reports
 * that step, so no emulator ever runs. No cgroup folder is writable by
 * the fuzz uid, so none is made; signals reach only an emulator of the
 * fuzz uid, and there is none.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct daemon_opts o = { .prog = "vmhost-secd" };

	fuzz_rpc_setup(argc, argv, "fuzz_rpc_secd");
	if (secd_before_drop(fuzz_base, &o) < 0 ||
	    secd_after_drop(fuzz_base, &o) < 0)
		fuzz_die("secd set-up");
	fuzz_rpc_listen(&secd_service, 0, NULL, NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_rpc_peer(data, size);
	return 0;
}
