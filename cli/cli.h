/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The vmhost CLI's verb table and what verbs share. */
#ifndef VMHOST_CLI_H
#define VMHOST_CLI_H

#include "vmhost/vmhost.h"

struct cli {
	const char *uri;
	int readonly;
	vmhost_conn *conn;	/* opened on first use */
};

struct cli_verb {
	const char *name;
	const char *synopsis;	/* arguments, e.g. "NAME [--inactive]" */
	const char *help;	/* one paragraph */
	int (*run)(struct cli *cli, int argc, char **argv);
	unsigned flags;
};

enum cli_verb_flags {
	CLI_NO_CONN = 1 << 0,	/* does not need a connection */
};

/* Open the connection if not yet open; NULL after printing the error. */
vmhost_conn *cli_conn(struct cli *cli);
/* Print "error: MSG" (escaping control bytes) and return 1. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "error: " + the connection's last error and return 1. */
int cli_conn_error(struct cli *cli);
/* Parse a verb's options: argv[0] is the verb. Returns 0 or prints usage. */
int cli_no_args(const struct cli_verb *v, int argc, char **argv);

extern const struct cli_verb cli_host_verbs[];
extern const unsigned cli_host_nverbs;
extern const struct cli_verb cli_domain_verbs[];
extern const unsigned cli_domain_nverbs;

/*
 * Relay stdin <-> a guest's console socket (cli/console.c) until the escape
 * character ^] on stdin, the socket closing, a signal, or timeout_s seconds
 * (0: no limit). A terminal on stdin is put in raw mode and restored.
 * read_only: never read stdin. Returns 0, or 1 after printing an error.
 */
int cli_console_run(int fd, unsigned long timeout_s, int read_only);

extern const struct cli_verb cli_cpu_verbs[];
extern const unsigned cli_cpu_nverbs;
extern const struct cli_verb cli_storage_verbs[];
extern const unsigned cli_storage_nverbs;
extern const struct cli_verb cli_network_verbs[];
extern const unsigned cli_network_nverbs;
extern const struct cli_verb cli_proxy_verbs[];
extern const unsigned cli_proxy_nverbs;

#endif
