/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The vmhost CLI's host verbs: version, uri, hostname, sysinfo-daemons, ping. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/priv.h"

static int
cmd_version(struct cli *cli, int argc, char **argv)
{
	struct vmhost_version_info v;

	if (cli_no_args(&cli_host_verbs[0], argc, argv) < 0)
		return 2;
	printf("Compiled against library: vmhost %s\n", VMHOST_VERSION);
	printf("Using library: vmhost %s\n", vmhost_client_version());
	if (!cli_conn(cli))
		return 1;
	if (vmhost_version(cli->conn, &v) < 0)
		return cli_conn_error(cli);
	printf("Running against daemon: %s\n", v.daemon);
	if (v.qemu[0])
		printf("Running hypervisor: QEMU %s (%s)\n", v.qemu,
		    v.qemu_binary);
	else
		printf("Running hypervisor: none found\n");
	for (size_t i = 0; i < v.nhelpers; i++) {
		if (v.helpers[i].connected)
			printf("Helper %s: %s\n", v.helpers[i].name,
			    v.helpers[i].version);
		else
			printf("Helper %s: down (%s)\n", v.helpers[i].name,
			    v.helpers[i].error);
	}
	return 0;
}

static int
cmd_uri(struct cli *cli, int argc, char **argv)
{
	if (cli_no_args(&cli_host_verbs[1], argc, argv) < 0)
		return 2;
	if (!cli_conn(cli))
		return 1;
	printf("%s\n", vmhost_uri(cli->conn));
	return 0;
}

static int
cmd_hostname(struct cli *cli, int argc, char **argv)
{
	char name[256];

	if (cli_no_args(&cli_host_verbs[2], argc, argv) < 0)
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_hostname(cli->conn, name, sizeof(name)) < 0)
		return cli_conn_error(cli);
	printf("%s\n", name);
	return 0;
}

static void
print_daemon(const struct vmhost_daemon_info *d)
{
	char eff[512], bnd[512], amb[256];

	if (!d->connected) {
		printf("%-14s down: %s\n", d->name, d->error);
		return;
	}
	printf("%-14s pid %-7d user %-12s uid %-6u gid %-6u no_new_privs %d\n",
	    d->name, d->pid, d->user, d->uid, d->gid, d->no_new_privs);
	printf("%-14s   effective: %s\n", "",
	    cap_mask_names(d->cap_eff, eff, sizeof(eff)));
	printf("%-14s   bounding:  %s\n", "",
	    cap_mask_names(d->cap_bnd, bnd, sizeof(bnd)));
	printf("%-14s   ambient:   %s\n", "",
	    cap_mask_names(d->cap_amb, amb, sizeof(amb)));
}

static int
cmd_sysinfo_daemons(struct cli *cli, int argc, char **argv)
{
	struct vmhost_daemon_info d[VMHOST_MAX_DAEMONS];
	size_t n;

	if (cli_no_args(&cli_host_verbs[3], argc, argv) < 0)
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_daemons(cli->conn, d, VMHOST_MAX_DAEMONS, &n) < 0)
		return cli_conn_error(cli);
	for (size_t i = 0; i < n; i++)
		print_daemon(&d[i]);
	return 0;
}

static int
cmd_ping(struct cli *cli, int argc, char **argv)
{
	int helpers = argc > 1 && strcmp(argv[1], "--helpers") == 0;

	if (argc > 2 || (argc == 2 && !helpers))
		return cli_error("usage: vmhost ping [--helpers]");
	if (!cli_conn(cli))
		return 1;
	if ((helpers ? vmhost_helper_ping(cli->conn) :
	    vmhost_ping(cli->conn)) < 0)
		return cli_conn_error(cli);
	printf("ok\n");
	return 0;
}

const struct cli_verb cli_host_verbs[] = {
	{ "version", "",
	  "Print the client's, the daemon's and each helper's version, and the QEMU found.",
	  cmd_version, 0 },
	{ "uri", "", "Print the URI of the connection.", cmd_uri, 0 },
	{ "hostname", "", "Print the host name of the machine vmhostd runs on.",
	  cmd_hostname, 0 },
	{ "sysinfo-daemons", "",
	  "Show each daemon's pid, user, capabilities and no_new_privs, as each daemon reads them from /proc.",
	  cmd_sysinfo_daemons, 0 },
	{ "ping", "[--helpers]",
	  "Round trip to vmhostd, or with --helpers through every helper (needs the read-write socket).",
	  cmd_ping, 0 },
};
const unsigned cli_host_nverbs = sizeof(cli_host_verbs) / sizeof(cli_host_verbs[0]);
