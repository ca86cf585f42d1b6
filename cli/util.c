/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The vmhost CLI's shared helpers: the connection and error printing. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"

int
cli_error(const char *fmt, ...)
{
	char msg[2048], esc[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* never print control bytes from a daemon or a definition raw */
	for (size_t i = 0, j = 0; i < sizeof(esc); i++) {
		unsigned char ch = (unsigned char)msg[j];

		if (!ch || j >= sizeof(msg)) {
			esc[i] = '\0';
			break;
		}
		if ((ch < 0x20 || ch == 0x7f) && i + 4 < sizeof(esc)) {
			i += (size_t)snprintf(esc + i, 5, "\\x%02x", ch) - 1;
		} else {
			esc[i] = (char)ch;
		}
		j++;
	}
	esc[sizeof(esc) - 1] = '\0';
	fprintf(stderr, "error: %s\n", esc);
	return 1;
}

vmhost_conn *
cli_conn(struct cli *cli)
{
	char err[1024];

	if (cli->conn)
		return cli->conn;
	cli->conn = vmhost_open(cli->uri,
	    cli->readonly ? VMHOST_OPEN_READONLY : 0, err, sizeof(err));
	if (!cli->conn)
		cli_error("%s", err);
	return cli->conn;
}

int
cli_conn_error(struct cli *cli)
{
	return cli_error("%s", vmhost_error(cli->conn));
}

int
cli_no_args(const struct cli_verb *v, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		cli_error("'%s' takes no arguments (usage: vmhost %s %s)",
		    v->name, v->name, v->synopsis);
		return -1;
	}
	return 0;
}
