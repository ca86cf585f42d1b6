/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The vmhost CLI's storage verbs: pool volumes and migrate-disks. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"

/* Parses a verb's options; prints the usage line on error. */
static int
vol_args(const char *usage, const struct cli_opt *opts, size_t npos,
    int argc, char **argv, struct cli_args *a)
{
	char err[256] = "";

	if (cli_args_parse(opts, npos, argc, argv, a, err, sizeof(err)) < 0)
		cli_error("%s", err);
	else if (a->npos != npos)
		cli_error("wrong number of arguments");
	else
		return 0;
	fprintf(stderr, "usage: vmhost %s\n", usage);
	return -1;
}

static int
size_arg(const char *text, uint64_t *out)
{
	if (vmhost_size_parse(text, out) == 0)
		return 0;
	cli_error("invalid size '%s': a whole number with an optional unit (b, K, M, G, T, P, E; KiB or KB...)",
	    text);
	return -1;
}

static const char *
human(uint64_t v, char *buf, size_t len)
{
	static const char *const u[] = { "bytes", "KiB", "MiB", "GiB", "TiB",
	    "PiB", "EiB" };
	double d = (double)v;
	unsigned i = 0;

	while (d >= 1024 && i + 1 < sizeof(u) / sizeof(*u)) {
		d /= 1024;
		i++;
	}
	snprintf(buf, len, "%.2f %s", d, u[i]);
	return buf;
}

static void
vol_print(const struct vmhost_vol_info *v, int bytes)
{
	char b[64];

	printf("%-15s %s\n", "Name:", v->name);
	printf("%-15s %s\n", "Type:", v->type);
	if (bytes) {
		printf("%-15s %" PRIu64 " bytes\n", "Capacity:", v->capacity);
		printf("%-15s %" PRIu64 " bytes\n", "Allocation:",
		    v->allocation);
	} else {
		printf("%-15s %s\n", "Capacity:", human(v->capacity, b,
		    sizeof(b)));
		printf("%-15s %s\n", "Allocation:", human(v->allocation, b,
		    sizeof(b)));
	}
	printf("%-15s %s%s\n", "Format:", v->format[0] ? v->format :
	    "none recorded (used as raw; --probe guesses)",
	    v->probed ? " (probed)" : "");
	if (v->backing[0])
		printf("%-15s %s%s%s%s\n", "Backing:", v->backing,
		    v->backing_format[0] ? " (" : "", v->backing_format,
		    v->backing_format[0] ? ")" : "");
	if (v->encryption[0])
		printf("%-15s %s\n", "Encryption:", v->encryption);
	for (unsigned i = 0; i < v->n_reasons; i++)
		printf("%-15s %s\n", "Distrust:", v->reasons[i]);
}

static int
cmd_vol_create_as(struct cli *cli, int argc, char **argv)
{
	const char *format = "raw", *bvol = NULL, *bfmt = NULL;
	int prealloc = 0;
	struct cli_opt opts[] = { { "format", NULL, &format },
	    { "backing-vol", NULL, &bvol },
	    { "backing-vol-format", NULL, &bfmt },
	    { "prealloc-metadata", &prealloc, NULL }, { NULL, NULL, NULL } };
	struct vmhost_vol_info v;
	struct cli_args a;
	uint64_t size;

	if (vol_args("vol-create-as NAME SIZE [--format raw|qcow2] [--backing-vol VOL --backing-vol-format FMT]",
	    opts, 2, argc, argv, &a) < 0)
		return 2;
	if (size_arg(a.pos[1], &size) < 0)
		return 2;
	if (prealloc)
		return cli_error("--prealloc-metadata is not supported");
	if (!cli_conn(cli))
		return 1;
	if (vmhost_vol_create(cli->conn, a.pos[0], size, format, bvol, bfmt,
	    &v) < 0)
		return cli_conn_error(cli);
	printf("Vol %s created\n", v.name);
	return 0;
}

static int
cmd_vol_list(struct cli *cli, int argc, char **argv)
{
	struct cli_opt opts[] = { { NULL, NULL, NULL } };
	struct vmhost_vol_info *v;
	struct cli_args a;
	size_t n, w = 4;

	if (vol_args("vol-list", opts, 0, argc, argv, &a) < 0)
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_vol_list(cli->conn, &v, &n) < 0)
		return cli_conn_error(cli);
	for (size_t i = 0; i < n; i++)
		if (cli_text_width(v[i].name) > w)
			w = cli_text_width(v[i].name);
	printf(" %-*s   %s\n", (int)w, "Name", "Path");
	for (size_t i = 0; i < w + 40; i++)
		putchar('-');
	putchar('\n');
	for (size_t i = 0; i < n; i++)
		printf(" %-*s   %s\n", (int)w, v[i].name, v[i].path);
	putchar('\n');
	free(v);
	return 0;
}

static int
cmd_vol_info(struct cli *cli, int argc, char **argv)
{
	int probe = 0, bytes = 0;
	struct cli_opt opts[] = { { "probe", &probe, NULL },
	    { "bytes", &bytes, NULL }, { NULL, NULL, NULL } };
	struct vmhost_vol_info v;
	struct cli_args a;

	if (vol_args("vol-info VOL [--probe] [--bytes]", opts, 1, argc, argv,
	    &a) < 0)
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_vol_info(cli->conn, a.pos[0], probe ? VMHOST_VOL_PROBE : 0,
	    &v) < 0)
		return cli_conn_error(cli);
	vol_print(&v, bytes);
	return 0;
}

static int
cmd_vol_path(struct cli *cli, int argc, char **argv)
{
	struct cli_opt opts[] = { { NULL, NULL, NULL } };
	struct vmhost_vol_info v;
	struct cli_args a;

	if (vol_args("vol-path VOL", opts, 1, argc, argv, &a) < 0)
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_vol_info(cli->conn, a.pos[0], 0, &v) < 0)
		return cli_conn_error(cli);
	printf("%s\n", v.path);
	return 0;
}

static int
cmd_vol_delete(struct cli *cli, int argc, char **argv)
{
	struct cli_opt opts[] = { { NULL, NULL, NULL } };
	struct cli_args a;

	if (vol_args("vol-delete VOL", opts, 1, argc, argv, &a) < 0)
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_vol_delete(cli->conn, a.pos[0]) < 0)
		return cli_conn_error(cli);
	printf("Vol %s deleted\n", a.pos[0]);
	return 0;
}

static int
cmd_vol_resize(struct cli *cli, int argc, char **argv)
{
	int shrink = 0;
	struct cli_opt opts[] = { { "shrink", &shrink, NULL },
	    { NULL, NULL, NULL } };
	struct vmhost_vol_info v;
	struct cli_args a;
	uint64_t size;

	if (vol_args("vol-resize VOL SIZE [--shrink]", opts, 2, argc, argv,
	    &a) < 0)
		return 2;
	if (size_arg(a.pos[1], &size) < 0)
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_vol_resize(cli->conn, a.pos[0], size,
	    shrink ? VMHOST_VOL_SHRINK : 0, &v) < 0)
		return cli_conn_error(cli);
	printf("Size of volume '%s' successfully changed to %" PRIu64 " bytes\n",
	    v.name, v.capacity);
	return 0;
}

static int
cmd_migrate_disks(struct cli *cli, int argc, char **argv)
{
	const char *domain = NULL;
	unsigned flags = 0;
	char *text;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			flags |= VMHOST_MIGRATE_DRY_RUN;
		else if (strcmp(argv[i], "--allow-backing") == 0)
			flags |= VMHOST_MIGRATE_ALLOW_BACKING;
		else if (strcmp(argv[i], "--domain") == 0 && i + 1 < argc)
			domain = argv[++i];
		else {
			cli_error("usage: vmhost migrate-disks [--dry-run] [--domain NAME] [--allow-backing]");
			return 2;
		}
	}
	if (!cli_conn(cli))
		return 1;
	if (!(text = vmhost_migrate_disks(cli->conn, domain, flags)))
		return cli_conn_error(cli);
	fputs(text, stdout);
	free(text);
	return 0;
}

const struct cli_verb cli_storage_verbs[] = {
	{ "vol-create-as", "NAME SIZE [--format raw|qcow2] [--backing-vol VOL --backing-vol-format FMT]",
	  "Create a volume in the pool /var/lib/vmhost/images: raw as a sparse file, qcow2 written\n"
	  "by vmhost-stord itself; SIZE in bytes or with a unit (512M, 10G, 1T). A qcow2 volume may\n"
	  "sit on a backing volume of the pool, whose format must be given (never guessed).",
	  cmd_vol_create_as, 0 },
	{ "vol-list", "", "List the volumes of the pool: name and path.", cmd_vol_list,
	  0 },
	{ "vol-info", "VOL [--probe] [--bytes]",
	  "Show a volume's type, capacity, allocation and recorded format. --probe guesses the\n"
	  "format from the header (only the header is read) and shows its backing file,\n"
	  "encryption and any reason not to trust it.",
	  cmd_vol_info, 0 },
	{ "vol-path", "VOL", "Print a volume's path.", cmd_vol_path, 0 },
	{ "vol-delete", "VOL", "Remove a volume from the pool.", cmd_vol_delete, 0 },
	{ "vol-resize", "VOL SIZE [--shrink]",
	  "Change the size of a raw volume; a smaller size needs --shrink (data past it is lost).",
	  cmd_vol_resize, 0 },
	{ "migrate-disks", "[--dry-run] [--domain NAME] [--allow-backing]",
	  "Declare the format of every disk that has none: vmhost-stord probes each such image\n"
	  "(never by default, only here) and the definition gets <driver name='qemu' type='...'/>.\n"
	  "An image whose header names a file outside the allowed folders (backing file, data\n"
	  "file, vmdk extent) is left undeclared, and so read as raw, unless --allow-backing; such\n"
	  "a file is never opened. One line per disk; running it again changes nothing.",
	  cmd_migrate_disks, 0 },
};
const unsigned cli_storage_nverbs = sizeof(cli_storage_verbs) / sizeof(cli_storage_verbs[0]);
