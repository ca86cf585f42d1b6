/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The vmhost CLI's network verbs (net-*), with virsh's output formats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/fileio.h"

#define NET_XML_FILE_MAX (10 * 1024 * 1024)
#define ARGS_MAX 8
#define COLS_MAX 6

/* One verb's arguments: positionals, flags, and --mac VALUE style options. */
struct net_args {
	const char *pos[ARGS_MAX];
	int npos;
	unsigned flags;		/* bit i: opts[i] given */
	const char *value;	/* of the option that takes one */
};

struct net_opt {
	const char *name;
	int takes_value;
};

/* One line: what is wrong (or nothing), then the verb's usage. */
static int
verb_usage(const char *verb, const char *what)
{
	for (unsigned i = 0; i < cli_network_nverbs; i++) {
		const char *syn = cli_network_verbs[i].synopsis;

		if (strcmp(cli_network_verbs[i].name, verb) != 0)
			continue;
		if (what)
			return cli_error("%s (usage: vmhost %s %s)", what,
			    verb, syn);
		return cli_error("usage: vmhost %s %s", verb, syn);
	}
	return 1;
}

/* Parse argv[1..]; needs npos_min..npos_max positionals. 0 or usage. */
static int
args_parse(int argc, char **argv, const struct net_opt *opts, int min,
    int max, struct net_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		int k = -1;

		if (strncmp(argv[i], "--", 2) != 0 || !argv[i][2]) {
			if (a->npos >= max || a->npos >= ARGS_MAX)
				return verb_usage(argv[0], "too many arguments");
			a->pos[a->npos++] = argv[i];
			continue;
		}
		for (int j = 0; opts && opts[j].name; j++)
			if (strcmp(argv[i] + 2, opts[j].name) == 0)
				k = j;
		if (k < 0) {
			char what[256];

			snprintf(what, sizeof(what), "unknown option '%.100s'",
			    argv[i]);
			return verb_usage(argv[0], what);
		}
		a->flags |= 1u << k;
		if (opts[k].takes_value) {
			if (++i >= argc)
				return verb_usage(argv[0], "an option needs a value");
			a->value = argv[i];
		}
	}
	return a->npos < min ? verb_usage(argv[0], NULL) : 0;
}

/* virsh's table: columns as wide as their widest cell, 3 spaces apart. */
struct table {
	const char *cells[COLS_MAX];
	size_t ncols, width[COLS_MAX];
};

static void
table_widths(struct table *t, const char *const *cells)
{
	for (size_t j = 0; j < t->ncols; j++)
		if (strlen(cells[j]) > t->width[j])
			t->width[j] = strlen(cells[j]);
}

static void
table_row(const struct table *t, const char *const *cells)
{
	for (size_t j = 0; j < t->ncols; j++) {
		if (j + 1 < t->ncols)
			printf(" %-*s  ", (int)t->width[j], cells[j]);
		else
			printf(" %s", cells[j]);
	}
	printf("\n");
}

/* Print header and rows (rows[i * ncols + j]), then virsh's blank line. */
static void
table_print(struct table *t, const char *const *rows, size_t nrows)
{
	size_t dashes = 0;

	table_widths(t, t->cells);
	for (size_t i = 0; i < nrows; i++)
		table_widths(t, rows + i * t->ncols);
	table_row(t, t->cells);
	for (size_t j = 0; j < t->ncols; j++)
		dashes += t->width[j] + 3;
	for (size_t i = 0; i < dashes; i++)
		putchar('-');
	printf("\n");
	for (size_t i = 0; i < nrows; i++)
		table_row(t, rows + i * t->ncols);
	printf("\n");
}

static int
cmd_net_define(struct cli *cli, int argc, char **argv)
{
	struct vmhost_network_summary s;
	struct net_args a;
	char *xml = NULL;
	size_t len;
	int r;

	if (args_parse(argc, argv, NULL, 1, 1, &a))
		return 2;
	if ((r = file_read_all(a.pos[0], NET_XML_FILE_MAX, &xml, &len)) < 0)
		return cli_error("cannot read '%s': %s", a.pos[0],
		    strerror(-r));
	if (!cli_conn(cli)) {
		free(xml);
		return 1;
	}
	r = vmhost_network_define(cli->conn, xml, &s);
	free(xml);
	if (r < 0)
		return cli_conn_error(cli);
	printf("Network %s defined from %s\n\n", s.name, a.pos[0]);
	return 0;
}

/* A verb taking NAME and printing "Network NAME <done>". */
static int
net_simple(struct cli *cli, int argc, char **argv,
    int (*fn)(vmhost_conn *, const char *, struct vmhost_network_summary *),
    const char *done)
{
	struct vmhost_network_summary s;
	struct net_args a;

	if (args_parse(argc, argv, NULL, 1, 1, &a))
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (fn(cli->conn, a.pos[0], &s) < 0)
		return cli_conn_error(cli);
	printf("Network %s %s\n\n", s.name, done);
	return 0;
}

static int
cmd_net_undefine(struct cli *cli, int argc, char **argv)
{
	return net_simple(cli, argc, argv, vmhost_network_undefine,
	    "has been undefined");
}

static int
cmd_net_start(struct cli *cli, int argc, char **argv)
{
	return net_simple(cli, argc, argv, vmhost_network_start, "started");
}

static int
cmd_net_destroy(struct cli *cli, int argc, char **argv)
{
	return net_simple(cli, argc, argv, vmhost_network_destroy,
	    "destroyed");
}

static int
cmd_net_autostart(struct cli *cli, int argc, char **argv)
{
	static const struct net_opt opts[] = { { "disable", 0 }, { NULL, 0 } };
	struct vmhost_network_summary s;
	struct net_args a;
	int off;

	if (args_parse(argc, argv, opts, 1, 1, &a))
		return 2;
	off = a.flags & 1;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_network_set_autostart(cli->conn, a.pos[0], !off, &s) < 0)
		return cli_conn_error(cli);
	printf("Network %s %s as autostarted\n\n", s.name, off ? "unmarked" :
	    "marked");
	return 0;
}

static const char *
yes_no(int v)
{
	return v ? "yes" : "no";
}

static int
cmd_net_list(struct cli *cli, int argc, char **argv)
{
	static const struct net_opt opts[] = { { "all", 0 }, { "inactive", 0 },
	    { "autostart", 0 }, { "no-autostart", 0 }, { "name", 0 },
	    { "uuid", 0 }, { NULL, 0 } };
	struct table t = { { "Name", "State", "Autostart", "Persistent" }, 4,
	    { 0 } };
	struct vmhost_network_summary *nets;
	const char **rows;
	struct net_args a;
	size_t n;

	if (args_parse(argc, argv, opts, 0, 0, &a))
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_network_list(cli->conn, a.flags & 0xf, &nets, &n) < 0)
		return cli_conn_error(cli);
	if (a.flags & (1u << 4 | 1u << 5)) {	/* --name, --uuid */
		for (size_t i = 0; i < n; i++)
			printf("%s\n", a.flags & (1u << 5) ? nets[i].uuid :
			    nets[i].name);
		free(nets);
		return 0;
	}
	if (!(rows = calloc(n * 4 + 1, sizeof(*rows)))) {
		free(nets);
		return cli_error("out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		rows[i * 4] = nets[i].name;
		rows[i * 4 + 1] = nets[i].active ? "active" : "inactive";
		rows[i * 4 + 2] = yes_no(nets[i].autostart);
		rows[i * 4 + 3] = yes_no(nets[i].persistent);
	}
	table_print(&t, rows, n);
	free(rows);
	free(nets);
	return 0;
}

static int
cmd_net_info(struct cli *cli, int argc, char **argv)
{
	struct vmhost_network_summary s;
	struct net_args a;

	if (args_parse(argc, argv, NULL, 1, 1, &a))
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_network_info(cli->conn, a.pos[0], &s) < 0)
		return cli_conn_error(cli);
	printf("%-15s %s\n", "Name:", s.name);
	printf("%-15s %s\n", "UUID:", s.uuid);
	printf("%-15s %s\n", "Active:", yes_no(s.active));
	printf("%-15s %s\n", "Persistent:", yes_no(s.persistent));
	printf("%-15s %s\n", "Autostart:", yes_no(s.autostart));
	printf("%-15s %s\n", "Bridge:", s.bridge);
	return 0;
}

static int
cmd_net_dumpxml(struct cli *cli, int argc, char **argv)
{
	static const struct net_opt opts[] = { { "inactive", 0 }, { NULL, 0 } };
	struct net_args a;
	char *xml;

	if (args_parse(argc, argv, opts, 1, 1, &a))
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (!(xml = vmhost_network_xml(cli->conn, a.pos[0],
	    a.flags & 1 ? VMHOST_NETWORK_XML_INACTIVE : 0)))
		return cli_conn_error(cli);
	fputs(xml, stdout);
	free(xml);
	return 0;
}

/* net-uuid NAME, net-name UUID. */
static int
net_ident(struct cli *cli, int argc, char **argv, int want_uuid)
{
	struct vmhost_network_summary s;
	struct net_args a;

	if (args_parse(argc, argv, NULL, 1, 1, &a))
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_network_info(cli->conn, a.pos[0], &s) < 0)
		return cli_conn_error(cli);
	printf("%s\n", want_uuid ? s.uuid : s.name);
	return 0;
}

static int
cmd_net_uuid(struct cli *cli, int argc, char **argv)
{
	return net_ident(cli, argc, argv, 1);
}

static int
cmd_net_name(struct cli *cli, int argc, char **argv)
{
	return net_ident(cli, argc, argv, 0);
}

static int
cmd_net_dhcp_leases(struct cli *cli, int argc, char **argv)
{
	static const struct net_opt opts[] = { { "mac", 1 }, { NULL, 0 } };
	struct table t = { { "Expiry Time", "MAC address", "Protocol",
	    "IP address", "Hostname", "Client ID or DUID" }, 6, { 0 } };
	struct vmhost_network_lease *ls;
	const char **rows;
	struct net_args a;
	size_t n;

	if (args_parse(argc, argv, opts, 1, 1, &a))
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_network_leases(cli->conn, a.pos[0], a.value, &ls, &n) < 0)
		return cli_conn_error(cli);
	if (!(rows = calloc(n * 6 + 1, sizeof(*rows)))) {
		free(ls);
		return cli_error("out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		const char *cells[6] = { ls[i].expiry, ls[i].mac, ls[i].type,
		    ls[i].ip, ls[i].hostname, ls[i].client_id };

		memcpy(&rows[i * 6], cells, sizeof(cells));
	}
	table_print(&t, rows, n);
	free(rows);
	free(ls);
	return 0;
}

static int
cmd_net_update(struct cli *cli, int argc, char **argv)
{
	static const struct net_opt opts[] = { { "live", 0 }, { "config", 0 },
	    { "current", 0 }, { NULL, 0 } };
	struct vmhost_network_summary s;
	struct net_args a;
	char *xml = NULL;
	size_t len;
	unsigned fl = 0;
	int r, live, config;

	if (args_parse(argc, argv, opts, 4, 4, &a))
		return 2;
	if ((a.flags & 4) && (a.flags & 3))
		return cli_error("--current cannot be used with --live or "
		    "--config");
	/* the XML itself when it starts with '<', else a file holding it */
	if (a.pos[3][0] != '<' && (r = file_read_all(a.pos[3],
	    NET_XML_FILE_MAX, &xml, &len)) < 0)
		return cli_error("cannot read '%s': %s", a.pos[3],
		    strerror(-r));
	fl |= a.flags & 1 ? VMHOST_NETWORK_UPDATE_LIVE : 0;
	fl |= a.flags & 2 ? VMHOST_NETWORK_UPDATE_CONFIG : 0;
	r = cli_conn(cli) ? vmhost_network_update(cli->conn, a.pos[0],
	    a.pos[1], a.pos[2], xml ? xml : a.pos[3], fl, &s) : -2;
	free(xml);
	if (r == -2)
		return 1;
	if (r < 0)
		return cli_conn_error(cli);
	live = (a.flags & 1) || (!(a.flags & 2) && s.active);
	config = (a.flags & 2) || (!(a.flags & 1) && !s.active);
	printf("Updated network %s %s%s%s\n\n", s.name,
	    config ? "persistent config" : "", config && live ? " and " : "",
	    live ? "live state" : "");
	return 0;
}

const struct cli_verb cli_network_verbs[] = {
	{ "net-define", "FILE",
	  "Define (or redefine) a virtual network from an XML file; without a bridge name it gets virbrN.",
	  cmd_net_define, 0 },
	{ "net-undefine", "NETWORK",
	  "Remove a network's definition; an active network runs on, transient, until destroyed.",
	  cmd_net_undefine, 0 },
	{ "net-start", "NETWORK",
	  "Start an inactive network: vmhost-netd creates its bridge, addresses, NAT rules and dnsmasq.",
	  cmd_net_start, 0 },
	{ "net-destroy", "NETWORK",
	  "Stop an active network: its bridge, rules and dnsmasq are removed.",
	  cmd_net_destroy, 0 },
	{ "net-autostart", "NETWORK [--disable]",
	  "Start the network when the stack starts (or, with --disable, no longer).",
	  cmd_net_autostart, 0 },
	{ "net-list", "[--all] [--inactive] [--autostart] [--no-autostart] [--name] [--uuid]",
	  "List the active networks; --inactive the inactive ones, --all both; --autostart and --no-autostart filter further.",
	  cmd_net_list, 0 },
	{ "net-info", "NETWORK",
	  "Show a network's name, uuid, state, persistence, autostart and bridge.",
	  cmd_net_info, 0 },
	{ "net-dumpxml", "NETWORK [--inactive]",
	  "Print a network's definition as XML: the running one, or with --inactive the one the next start uses.",
	  cmd_net_dumpxml, 0 },
	{ "net-uuid", "NETWORK", "Print a network's uuid.", cmd_net_uuid, 0 },
	{ "net-name", "UUID", "Print the name of the network with this uuid.",
	  cmd_net_name, 0 },
	{ "net-dhcp-leases", "NETWORK [--mac MAC]",
	  "Show the DHCP leases dnsmasq gave out on an active network, or only those of one MAC address.",
	  cmd_net_dhcp_leases, 0 },
	{ "net-update", "NETWORK COMMAND SECTION XML [--live] [--config] [--current]",
	  "Change part of a network: COMMAND add, add-first, add-last, delete or modify; SECTION ip-dhcp-host; XML the element (e.g. \"<host mac='52:54:00:00:00:01' name='vm1' ip='192.168.122.10'/>\") or a file holding it. --live changes the running network (dnsmasq rereads its hosts), --config the persistent definition; neither (--current): live when active, else config.",
	  cmd_net_update, 0 },
};
const unsigned cli_network_nverbs =
    sizeof(cli_network_verbs) / sizeof(cli_network_verbs[0]);
