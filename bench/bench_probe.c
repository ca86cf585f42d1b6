/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Benchmark: images probed per second by stord's reader vs `qemu-img info`. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stord/probe.h"

extern char **environ;

/* qemu-img create arguments of the corpus, one image each. */
static const char *const corpus[][8] = {
	{ "raw.img", "-f", "raw", NULL },
	{ "v2.qcow2", "-f", "qcow2", "-o", "compat=0.10", NULL },
	{ "v3.qcow2", "-f", "qcow2", NULL },
	{ "back.qcow2", "-f", "qcow2", "-b", "v3.qcow2", "-F", "qcow2", NULL },
	{ "a.qed", "-f", "qed", NULL },
	{ "a.vmdk", "-f", "vmdk", NULL },
	{ "flat.vmdk", "-f", "vmdk", "-o", "subformat=monolithicFlat", NULL },
	{ "a.vdi", "-f", "vdi", NULL },
	{ "dyn.vpc", "-f", "vpc", NULL },
	{ "fixed.vpc", "-f", "vpc", "-o", "subformat=fixed", NULL },
	{ "a.vhdx", "-f", "vhdx", NULL },
};
#define NIMG (sizeof(corpus) / sizeof(corpus[0]))

static int
run(char *const argv[], const char *dir, bool quiet)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st = 0;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addchdir_np(&fa, dir);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
		    0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0)
		return -1;
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return 0;
}

static int
make_corpus(const char *dir)
{
	for (size_t i = 0; i < NIMG; i++) {
		const char *argv[16] = { "qemu-img", "create", "-q" };
		size_t n = 3;

		for (size_t j = 1; corpus[i][j]; j++)
			argv[n++] = corpus[i][j];
		argv[n++] = corpus[i][0];
		argv[n++] = "16M";
		if (run((char *const *)(uintptr_t)argv, dir, true) < 0)
			return -1;
	}
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
bench_native(int dfd, unsigned rounds)
{
	struct image_info info;
	char err[256];
	double t0 = now();

	for (unsigned r = 0; r < rounds; r++) {
		for (size_t i = 0; i < NIMG; i++) {
			int fd = openat(dfd, corpus[i][0],
			    O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

			if (fd < 0 || probe_fd(fd, &info, err, sizeof(err)) < 0)
				return -1;
			close(fd);
		}
	}
	return (double)rounds * NIMG / (now() - t0);
}

static double
bench_qemu(const char *dir, unsigned rounds)
{
	double t0 = now();

	for (unsigned r = 0; r < rounds; r++) {
		for (size_t i = 0; i < NIMG; i++) {
			const char *argv[] = { "qemu-img", "info", "-U",
				"--output=json", corpus[i][0], NULL };

			if (run((char *const *)(uintptr_t)argv, dir, true) < 0)
				return -1;
		}
	}
	return (double)rounds * NIMG / (now() - t0);
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/vmhost-bench-probe-XXXXXX";
	unsigned rounds = argc > 1 ? (unsigned)atoi(argv[1]) : 5;
	double native, qemu;
	int dfd, rc = 1;

	if (!mkdtemp(dir) || make_corpus(dir) < 0) {
		fprintf(stderr, "bench_probe: cannot build the corpus\n");
		return 1;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	native = bench_native(dfd, rounds * 2000);
	qemu = bench_qemu(dir, rounds);
	if (native > 0 && qemu > 0) {
		printf("corpus: %zu images (%s)\n", NIMG, dir);
		printf("stord probe_fd:  %.0f images/s\n", native);
		printf("qemu-img info:   %.1f images/s\n", qemu);
		printf("ratio:           %.0fx (target 20x)\n", native / qemu);
		rc = 0;
	}
	for (size_t i = 0; i < NIMG; i++)
		unlinkat(dfd, corpus[i][0], 0);
	unlinkat(dfd, "flat-flat.vmdk", 0);
	close(dfd);
	rmdir(dir);
	return rc;
}
