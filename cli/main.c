/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost, the command-line client: global options, verb lookup, help. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
	const struct cli_verb *verbs;
	const unsigned *n;
	const char *group;
} verb_groups[] = {
	{ cli_host_verbs, &cli_host_nverbs, "Host and daemons" },
	{ cli_domain_verbs, &cli_domain_nverbs, "Domains" },
	{ cli_network_verbs, &cli_network_nverbs, "Networks" },
	{ cli_storage_verbs, &cli_storage_nverbs, "Storage" },
	{ cli_cpu_verbs, &cli_cpu_nverbs, "Host capabilities and CPUs" },
	{ cli_proxy_verbs, &cli_proxy_nverbs, "Remote access" },
};

static const struct cli_verb *
verb_find(const char *name)
{
	for (size_t g = 0; g < sizeof(verb_groups) / sizeof(*verb_groups); g++)
		for (unsigned i = 0; i < *verb_groups[g].n; i++)
			if (strcmp(verb_groups[g].verbs[i].name, name) == 0)
				return &verb_groups[g].verbs[i];
	return NULL;
}

static void
usage(FILE *f)
{
	fprintf(f, "Usage: vmhost [-c URI] [-r] VERB [ARGS...]\n"
	    "  -c, --connect URI   vmhostd to talk to (default $VMHOST_DEFAULT_URI or %s)\n"
	    "  -r, --readonly      use the read-only socket\n"
	    "  -h, --help          this text; 'vmhost help VERB' or 'vmhost VERB --help' for a verb\n"
	    "  -v, --version       the client's version\n"
	    "Environment: VMHOST_DEBUG=1 for debug output.\n",
	    VMHOST_URI_SYSTEM);
	for (size_t g = 0; g < sizeof(verb_groups) / sizeof(*verb_groups); g++) {
		fprintf(f, "\n%s:\n", verb_groups[g].group);
		for (unsigned i = 0; i < *verb_groups[g].n; i++)
			fprintf(f, "  %-18s %s\n", verb_groups[g].verbs[i].name,
			    verb_groups[g].verbs[i].synopsis);
	}
}

static int
verb_help(const struct cli_verb *v)
{
	printf("Usage: vmhost %s %s\n\n%s\n", v->name, v->synopsis, v->help);
	return 0;
}

static int
verb_run(struct cli *cli, int argc, char **argv)
{
	const struct cli_verb *v;

	if (strcmp(argv[0], "help") == 0) {
		if (argc < 2) {
			usage(stdout);
			return 0;
		}
		if (!(v = verb_find(argv[1])))
			return cli_error("unknown verb '%s'", argv[1]);
		return verb_help(v);
	}
	if (!(v = verb_find(argv[0])))
		return cli_error("unknown verb '%s' (see 'vmhost --help')",
		    argv[0]);
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return verb_help(v);
	return v->run(cli, argc, argv);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "connect", required_argument, NULL, 'c' },
		{ "readonly", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { 0 };
	int c, rc, first;

	while ((c = getopt_long(argc, argv, "+c:rhv", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cli.uri = optarg; break;
		case 'r': cli.readonly = 1; break;
		case 'h': usage(stdout); return 0;
		case 'v': printf("%s\n", vmhost_client_version()); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	first = optind;
	optind = 0;	/* verbs parse their own options */
	rc = verb_run(&cli, argc - first, argv + first);
	vmhost_close(cli.conn);
	return rc;
}
