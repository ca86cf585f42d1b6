/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-probe-tool: test driver printing stord's probe and chain answers as JSON. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stord/chain.h"
#include "stord/probe.h"
#include "stord/qcow2_create.h"

static void
json_str(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void
json_info(const struct image_info *in)
{
	printf("{\"format\": ");
	json_str(probe_format_name(in->format));
	printf(", \"qemu_format\": ");
	json_str(probe_qemu_format_name(in));
	printf(", \"virtual_size\": %" PRIu64 ", \"file_size\": %" PRIu64
	    ", \"cluster_size\": %u, \"version\": %u, \"encrypted\": %s",
	    in->virtual_size, in->file_size, in->cluster_size, in->version,
	    in->encrypted ? "true" : "false");
	printf(", \"encryption\": ");
	json_str(in->encryption);
	printf(", \"backing\": ");
	json_str(in->has_backing ? in->backing : NULL);
	printf(", \"backing_format\": ");
	json_str(in->backing_format[0] ? in->backing_format : NULL);
	printf(", \"data_file\": ");
	json_str(in->has_data_file ? in->data_file : NULL);
	printf(", \"incompatible\": %" PRIu64 ", \"compatible\": %" PRIu64
	    ", \"autoclear\": %" PRIu64 ", \"extended_l2\": %s",
	    in->incompatible, in->compatible, in->autoclear,
	    in->extended_l2 ? "true" : "false");
	printf(", \"compression\": ");
	json_str(in->compression);
	printf(", \"extents\": [");
	for (unsigned i = 0; i < in->n_extents; i++) {
		printf(i ? ", " : "");
		json_str(in->extents[i]);
	}
	printf("], \"reasons\": [");
	for (unsigned i = 0; i < in->n_reasons; i++) {
		printf(i ? ", " : "");
		json_str(in->reasons[i]);
	}
	printf("]}");
}

static int
cmd_probe(int argc, char **argv)
{
	struct image_info info;
	char err[256];
	const char *as = NULL;
	int fd, r;

	if (argc >= 3 && strcmp(argv[0], "--as") == 0) {
		as = argv[1];
		argv += 2;
		argc -= 2;
	}
	if (argc != 1)
		return 64;
	fd = open(argv[0], O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		printf("{\"error\": \"open: %s\"}\n", strerror(errno));
		return 1;
	}
	r = as ? probe_fd_as(fd, probe_format_parse(as), &info, err,
	    sizeof(err)) : probe_fd(fd, &info, err, sizeof(err));
	close(fd);
	if (r < 0) {
		printf("{\"error\": ");
		json_str(err);
		printf("}\n");
		return 1;
	}
	json_info(&info);
	putchar('\n');
	return 0;
}

static void
json_chain(const struct chain *c)
{
	printf("{\"ok\": true, \"layers\": [");
	for (size_t i = 0; i < c->n; i++) {
		const struct chain_layer *l = &c->layers[i];

		printf(i ? ", {\"path\": " : "{\"path\": ");
		json_str(l->path);
		printf(", \"real\": ");
		json_str(l->real);
		printf(", \"probed\": %s, \"info\": ",
		    l->probed ? "true" : "false");
		json_info(&l->info);
		putchar('}');
	}
	printf("]}\n");
}

static int
cmd_chain(int argc, char **argv)
{
	const char *allowed[16];
	struct chain_opts o = { .allowed = allowed };
	struct chain c;
	char err[512];
	int i;

	for (i = 0; i < argc - 1; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 2 < argc)
			o.top_format = argv[++i];
		else if (strcmp(argv[i], "--probe") == 0)
			o.allow_probe = true;
		else if (strcmp(argv[i], "--allow-outside") == 0)
			o.allow_outside = true;
		else if (strcmp(argv[i], "--depth") == 0 && i + 2 < argc)
			o.max_depth = (unsigned)atoi(argv[++i]);
		else if (strcmp(argv[i], "--allow") == 0 && i + 2 < argc &&
		    o.n_allowed < 16)
			allowed[o.n_allowed++] = argv[++i];
		else
			return 64;
	}
	if (i != argc - 1)
		return 64;
	if (chain_resolve(argv[i], &o, &c, err, sizeof(err)) < 0) {
		printf("{\"ok\": false, \"error\": ");
		json_str(err);
		printf("}\n");
		return 2;
	}
	json_chain(&c);
	chain_free(&c);
	return 0;
}

static int
cmd_create(int argc, char **argv)
{
	char err[256];
	int fd, r;

	if (argc != 2 && argc != 4)
		return 64;
	fd = open(argv[0], O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	r = qcow2_create_fd(fd, strtoull(argv[1], NULL, 10),
	    argc == 4 ? argv[2] : NULL, argc == 4 ? argv[3] : NULL, err,
	    sizeof(err));
	close(fd);
	if (r < 0) {
		fprintf(stderr, "create: %s\n", err);
		unlink(argv[0]);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int r = 64;

	if (argc >= 2 && strcmp(argv[1], "probe") == 0)
		r = cmd_probe(argc - 2, argv + 2);
	else if (argc >= 2 && strcmp(argv[1], "chain") == 0)
		r = cmd_chain(argc - 2, argv + 2);
	else if (argc >= 2 && strcmp(argv[1], "create") == 0)
		r = cmd_create(argc - 2, argv + 2);
	if (r == 64)
		fprintf(stderr, "usage: vmhost-probe-tool probe [--as FMT] FILE"
		    " | chain [--format F] [--probe] [--allow DIR]..."
		    " [--allow-outside] [--depth N] FILE"
		    " | create FILE SIZE [BACKING FMT]\n");
	return r;
}
