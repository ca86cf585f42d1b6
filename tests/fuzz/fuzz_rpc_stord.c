/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness: bytes from a peer through vmhost-stord's frame decoder, unpack, dispatch table and handlers (sandboxed, see fuzz_rpc.h). */

/* stord's table and handlers are static in its main.c: compile them here. */
#define main stord_program_main
int stord_program_main(int argc, char **argv);
#include "stord/main.c"
#undef main

#include "tests/fuzz/fuzz_rpc.h"

/* The pool is the scratch root's; volumes an input created are removed
 * after it, so that each input starts from an empty pool. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct daemon_opts o = { .prog = "vmhost-stord" };

	fuzz_rpc_setup(argc, argv, "fuzz_rpc_stord");
	if (stord_before_drop(fuzz_base, &o) < 0 ||
	    stord_after_drop(fuzz_base, &o) < 0)
		fuzz_die("stord set-up");
	fuzz_rpc_listen(&stord_service, 0, NULL, NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_rpc_peer(data, size);
	fuzz_empty_dir(stord_pool_dir());
	return 0;
}
