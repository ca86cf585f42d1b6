/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The vmhost CLI's storage verbs: migrate-disks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

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
	{ "migrate-disks", "[--dry-run] [--domain NAME] [--allow-backing]",
	  "Declare the format of every disk that has none: vmhost-stord probes each such image\n"
	  "(never by default, only here) and the definition gets <driver name='qemu' type='...'/>.\n"
	  "An image whose header names a file outside the allowed folders (backing file, data\n"
	  "file, vmdk extent) is left undeclared, and so read as raw, unless --allow-backing; such\n"
	  "a file is never opened. One line per disk; running it again changes nothing.",
	  cmd_migrate_disks, 0 },
};
const unsigned cli_storage_nverbs = sizeof(cli_storage_verbs) / sizeof(cli_storage_verbs[0]);
