/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The vmhost CLI's host CPU verbs: capabilities, domcapabilities, cpu-compare, cpu-baseline (virsh's wording). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "common/fileio.h"

#define CPU_XML_MAX (1u << 20)	/* bytes of XML read from a file */

/* Parse a verb's options; -1 after printing a usage error. */
static int
cpu_parse(const struct cli_verb *v, const struct cli_opt *opts,
    size_t maxpos, int argc, char **argv, struct cli_args *a)
{
	char err[256];

	if (cli_args_parse(opts, maxpos, argc, argv, a, err, sizeof(err)) < 0) {
		cli_error("%s (usage: vmhost %s %s)", err, v->name,
		    v->synopsis);
		return -1;
	}
	return 0;
}

/* The FILE argument of cpu-compare/cpu-baseline, read; NULL after an error. */
static char *
cpu_file(const struct cli_verb *v, const struct cli_args *a, const char *file)
{
	char *xml = NULL;
	size_t len;
	int rc;

	if (a->npos)
		file = a->pos[0];
	if (!file) {
		cli_error("command '%s' requires a FILE (usage: vmhost %s %s)",
		    v->name, v->name, v->synopsis);
		return NULL;
	}
	if ((rc = file_read_all(file, CPU_XML_MAX, &xml, &len)) < 0) {
		cli_error("Failed to read file '%s' to compare: %s", file,
		    strerror(-rc));
		return NULL;
	}
	return xml;
}

static int
print_text(struct cli *cli, char *text)
{
	if (!text)
		return cli_conn_error(cli);
	fputs(text, stdout);
	free(text);
	return 0;
}

static int
cmd_capabilities(struct cli *cli, int argc, char **argv)
{
	if (cli_no_args(&cli_cpu_verbs[0], argc, argv) < 0)
		return 2;
	if (!cli_conn(cli))
		return 1;
	return print_text(cli, vmhost_capabilities(cli->conn));
}

static int
cmd_domcapabilities(struct cli *cli, int argc, char **argv)
{
	const char *virttype = NULL, *arch = NULL, *machine = NULL;
	const char *emulator = NULL;
	struct cli_opt opts[] = {
		{ "virttype", NULL, &virttype }, { "arch", NULL, &arch },
		{ "machine", NULL, &machine }, { "emulatorbin", NULL, &emulator },
		{ NULL, NULL, NULL },
	};
	struct cli_args a;

	if (cpu_parse(&cli_cpu_verbs[1], opts, 0, argc, argv, &a) < 0)
		return 2;
	(void)emulator;		/* one emulator: the one vmhostd found */
	if (!cli_conn(cli))
		return 1;
	return print_text(cli, vmhost_domcapabilities(cli->conn, virttype,
	    arch, machine));
}

static int
compare_print(const char *file, const struct vmhost_cpu_compare_result *r,
    int error)
{
	switch (r->result) {
	case VMHOST_CPU_IDENTICAL:
		printf("CPU described in %s is identical to the CPU provided by hypervisor on the host\n",
		    file);
		return 0;
	case VMHOST_CPU_SUPERSET:
		printf("The CPU provided by hypervisor on the host is a superset of CPU described in %s\n",
		    file);
		return 0;
	default:
		break;
	}
	if (error) {
		cli_error("Failed to compare host CPU with CPU described in %s",
		    file);
		cli_error("%s", r->message);
	} else {
		printf("CPU described in %s is incompatible with the CPU provided by hypervisor on the host\n",
		    file);
		if (r->message[0])
			printf("%s\n", r->message);
	}
	if (r->hint[0])
		fprintf(stderr, "%s\n", r->hint);
	return 1;
}

static int
cmd_cpu_compare(struct cli *cli, int argc, char **argv)
{
	struct vmhost_cpu_compare_result r;
	const char *file = NULL;
	int error = 0, rc;
	struct cli_opt opts[] = {
		{ "file", NULL, &file }, { "error", &error, NULL },
		{ NULL, NULL, NULL },
	};
	struct cli_args a;
	char *xml;

	if (cpu_parse(&cli_cpu_verbs[2], opts, 1, argc, argv, &a) < 0)
		return 2;
	if (!(xml = cpu_file(&cli_cpu_verbs[2], &a, file)))
		return 1;
	if (a.npos)
		file = a.pos[0];
	if (!cli_conn(cli)) {
		free(xml);
		return 1;
	}
	rc = vmhost_cpu_compare(cli->conn, xml, &r);
	free(xml);
	if (rc < 0)
		return cli_conn_error(cli);
	return compare_print(file, &r, error);
}

static int
cmd_cpu_baseline(struct cli *cli, int argc, char **argv)
{
	const char *file = NULL;
	struct cli_opt opts[] = {
		{ "file", NULL, &file }, { NULL, NULL, NULL },
	};
	struct cli_args a;
	char *xml, *out;

	if (cpu_parse(&cli_cpu_verbs[3], opts, 1, argc, argv, &a) < 0)
		return 2;
	if (!(xml = cpu_file(&cli_cpu_verbs[3], &a, file)))
		return 1;
	if (!cli_conn(cli)) {
		free(xml);
		return 1;
	}
	out = vmhost_cpu_baseline(cli->conn, xml);
	free(xml);
	return print_text(cli, out);
}

const struct cli_verb cli_cpu_verbs[] = {
	{ "capabilities", "",
	  "Print the host's capabilities as XML: its CPU (model, vendor, topology, features), security model, and the guests QEMU offers (machine types, domain types).",
	  cmd_capabilities, 0 },
	{ "domcapabilities", "[--virttype qemu|kvm] [--arch x86_64] [--machine M]",
	  "Print what this host offers a guest as XML: CPU modes, and for mode 'custom' every model with usable='yes' or 'no' (and what blocks it).",
	  cmd_domcapabilities, 0 },
	{ "cpu-compare", "FILE [--error]",
	  "Compare the host CPU with the <cpu> in FILE (a CPU, a domain or a capabilities XML): identical, superset, or incompatible with the missing features (exit status 1).",
	  cmd_cpu_compare, 0 },
	{ "cpu-baseline", "FILE",
	  "Print the baseline <cpu> (best model and common features) of the <cpu> elements in FILE, e.g. several hosts' capabilities.",
	  cmd_cpu_baseline, 0 },
};
const unsigned cli_cpu_nverbs = sizeof(cli_cpu_verbs) / sizeof(cli_cpu_verbs[0]);
