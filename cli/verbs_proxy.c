/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The vmhost CLI's proxy verb: stdin/stdout <-> a local vmhostd socket, for ssh:// clients. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/ipc.h"

#define PROXY_SOCK_SYSTEM	"/run/vmhost/vmhost-sock"

/* Copy what one read gives from in to out. 1 on EOF, 0, or -errno. */
static int
proxy_copy(int in, int out)
{
	char buf[65536];
	ssize_t n, w;

	n = read(in, buf, sizeof(buf));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0)
		return 1;
	for (ssize_t off = 0; off < n; off += w) {
		w = write(out, buf + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			w = 0;
		else if (w < 0)
			return -errno;
	}
	return 0;
}

/*
 * Relay bytes both ways until the daemon hangs up. Descriptors the daemon
 * sends ride on no byte stream: they are dropped (console needs local).
 * stdin's EOF is passed on as a half-close, so replies still come back.
 */
static int
proxy_relay(int sock)
{
	struct pollfd p[2] = { { 0, POLLIN, 0 }, { sock, POLLIN, 0 } };
	int r;

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[1].revents) {
			if ((r = proxy_copy(sock, 1)) != 0)
				return r > 0 ? 0 : r;
		}
		if (p[0].revents) {
			r = proxy_copy(0, sock);
			if (r < 0)
				return r;
			if (r > 0) {
				shutdown(sock, SHUT_WR);
				p[0].fd = -1;
			}
		}
	}
}

static int
cmd_proxy(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "readonly", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	char path[1024];
	const char *sock = NULL;
	int c, fd, r, ro = cli->readonly;

	while ((c = getopt_long(argc, argv, "+s:r", opts, NULL)) != -1) {
		switch (c) {
		case 's': sock = optarg; break;
		case 'r': ro = 1; break;
		default:
			fprintf(stderr, "Usage: vmhost proxy %s\n",
			    cli_proxy_verbs[0].synopsis);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "Usage: vmhost proxy %s\n",
		    cli_proxy_verbs[0].synopsis);
		return 2;
	}
	snprintf(path, sizeof(path), "%s%s", sock ? sock : PROXY_SOCK_SYSTEM,
	    ro && !sock ? "-ro" : "");
	signal(SIGPIPE, SIG_IGN);
	fd = ipc_connect(path);
	/* no "error: " prefix: an ssh client quotes this line in its own */
	if (fd < 0) {
		fprintf(stderr, "vmhost proxy: cannot connect to '%s': %s%s\n",
		    path, strerror(-fd), fd == -ENOENT || fd == -ECONNREFUSED ?
		    " (is vmhostd running?)" : fd == -EACCES ?
		    " (not in group 'vmhost'? try -r for read-only)" : "");
		return 1;
	}
	r = proxy_relay(fd);
	close(fd);
	if (r < 0 && r != -EPIPE && r != -ECONNRESET)
		return cli_error("vmhost proxy: %s", strerror(-r));
	return 0;
}

const struct cli_verb cli_proxy_verbs[] = {
	{ "proxy", "[--socket PATH] [-r]",
	    "Relay stdin and stdout to vmhostd's socket (default /run/vmhost/vmhost-sock, or\n"
	    "vmhost-sock-ro with -r), byte for byte. ssh:// connections run it on the remote\n"
	    "host (proxy=native or auto). Descriptors do not cross it: 'console' needs a local\n"
	    "connection.",
	    cmd_proxy, CLI_NO_CONN },
};
const unsigned cli_proxy_nverbs = sizeof(cli_proxy_verbs) /
    sizeof(*cli_proxy_verbs);
