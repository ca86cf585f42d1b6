/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvmhost: the ssh:// transport, an ssh child relaying the protocol to a remote socket. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libvmhost/conn.h"

#define SSH_SOCK_SYSTEM		"/run/vmhost/vmhost-sock"
#define SSH_STDERR_WAIT_MS	2000	/* for ssh's last words after EOF */

enum ssh_proxy { SSH_PROXY_AUTO, SSH_PROXY_NATIVE, SSH_PROXY_NETCAT };

struct ssh_uri {
	char user[256];
	char host[256];
	char port[8];
	char keyfile[1024];
	char socket[1024];
	char netcat[256];
	enum ssh_proxy proxy;
	int no_verify;
};

/* Percent-decode src[0..n) into dst; refuses control bytes and NULs. */
static int
ssh_decode(const char *src, size_t n, char *dst, size_t len)
{
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)src[i];
		unsigned v;

		if (ch == '%') {
			if (i + 2 >= n || !isxdigit((unsigned char)src[i + 1]) ||
			    !isxdigit((unsigned char)src[i + 2]) ||
			    sscanf(src + i + 1, "%2x", &v) != 1)
				return -EINVAL;
			ch = (unsigned char)v;
			i += 2;
		}
		if (ch < 0x20 || ch == 0x7f || j + 1 >= len)
			return -EINVAL;
		dst[j++] = (char)ch;
	}
	dst[j] = '\0';
	return 0;
}

/* One key=value parameter of the query. */
static int
ssh_uri_param(struct ssh_uri *u, const char *kv, size_t n, char *err,
    size_t errlen)
{
	const char *eq = memchr(kv, '=', n);
	char key[32], val[1024];
	size_t kn = eq ? (size_t)(eq - kv) : n;

	if (!eq || kn == 0 || kn >= sizeof(key) ||
	    ssh_decode(eq + 1, n - kn - 1, val, sizeof(val)) < 0) {
		snprintf(err, errlen, "bad parameter '%.*s' in ssh URI",
		    (int)(n > 100 ? 100 : n), kv);
		return -EINVAL;
	}
	memcpy(key, kv, kn);
	key[kn] = '\0';
	if (strcmp(key, "socket") == 0 && val[0] == '/')
		snprintf(u->socket, sizeof(u->socket), "%s", val);
	else if (strcmp(key, "keyfile") == 0 && val[0])
		snprintf(u->keyfile, sizeof(u->keyfile), "%s", val);
	else if (strcmp(key, "netcat") == 0 && val[0] && val[0] != '-' &&
	    strlen(val) < sizeof(u->netcat))
		snprintf(u->netcat, sizeof(u->netcat), "%s", val);
	else if (strcmp(key, "no_verify") == 0 && (!strcmp(val, "0") ||
	    !strcmp(val, "1")))
		u->no_verify = val[0] == '1';
	else if (strcmp(key, "proxy") == 0 && !strcmp(val, "auto"))
		u->proxy = SSH_PROXY_AUTO;
	else if (strcmp(key, "proxy") == 0 && !strcmp(val, "native"))
		u->proxy = SSH_PROXY_NATIVE;
	else if (strcmp(key, "proxy") == 0 && !strcmp(val, "netcat"))
		u->proxy = SSH_PROXY_NETCAT;
	else {
		snprintf(err, errlen, "bad parameter '%.*s' in ssh URI (known: socket=/PATH, keyfile=, netcat=, no_verify=0|1, proxy=auto|native|netcat)",
		    (int)(n > 100 ? 100 : n), kv);
		return -EINVAL;
	}
	return 0;
}

/* [user@]host[:port] between "ssh://" and the path. */
static int
ssh_uri_authority(struct ssh_uri *u, const char *a, size_t n, char *err,
    size_t errlen)
{
	const char *at = memchr(a, '@', n), *h, *colon = NULL, *end = a + n;
	char port[16];

	if (at && ssh_decode(a, (size_t)(at - a), u->user, sizeof(u->user)) < 0)
		goto bad;
	h = at ? at + 1 : a;
	if (*h == '[') {	/* [v6addr]:port */
		const char *rb = memchr(h, ']', (size_t)(end - h));

		if (!rb)
			goto bad;
		if (ssh_decode(h + 1, (size_t)(rb - h - 1), u->host,
		    sizeof(u->host)) < 0)
			goto bad;
		colon = rb + 1 < end ? rb + 1 : NULL;
		if (colon && *colon != ':')
			goto bad;
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
		if (ssh_decode(h, (size_t)((colon ? colon : end) - h), u->host,
		    sizeof(u->host)) < 0)
			goto bad;
	}
	if (!u->host[0] || u->host[0] == '-' || (at && !u->user[0]) ||
	    u->user[0] == '-')
		goto bad;
	if (colon) {
		char *e;
		long p;

		if (ssh_decode(colon + 1, (size_t)(end - colon - 1), port,
		    sizeof(port)) < 0)
			goto bad;
		p = strtol(port, &e, 10);
		if (!port[0] || *e || p < 1 || p > 65535)
			goto bad;
		snprintf(u->port, sizeof(u->port), "%ld", p);
	}
	return 0;
bad:
	snprintf(err, errlen, "bad host part '%.*s' in ssh URI (want [user@]host[:port])",
	    (int)(n > 200 ? 200 : n), a);
	return -EINVAL;
}

/* ssh://[user@]host[:port]/[system][?k=v&...] */
static int
ssh_uri_parse(const char *uri, unsigned flags, struct ssh_uri *u, char *err,
    size_t errlen)
{
	const char *a = uri + 6, *path, *q;
	size_t n;

	memset(u, 0, sizeof(*u));
	snprintf(u->netcat, sizeof(u->netcat), "nc");
	n = strcspn(a, "/?");
	if (ssh_uri_authority(u, a, n, err, errlen) < 0)
		return -EINVAL;
	path = a + n;
	q = strchr(path, '?');
	n = q ? (size_t)(q - path) : strlen(path);
	if (!((n == 0) || (n == 1 && path[0] == '/') ||
	    (n == 7 && strncmp(path, "/system", 7) == 0))) {
		snprintf(err, errlen, "unsupported path '%.*s' in ssh URI (use /system, and socket=PATH for another socket)",
		    (int)(n > 200 ? 200 : n), path);
		return -EINVAL;
	}
	for (q = q ? q + 1 : NULL; q && *q;) {
		n = strcspn(q, "&");
		if (n && ssh_uri_param(u, q, n, err, errlen) < 0)
			return -EINVAL;
		q += n + (q[n] == '&');
	}
	if (!u->socket[0])
		snprintf(u->socket, sizeof(u->socket), "%s", SSH_SOCK_SYSTEM);
	n = strlen(u->socket);
	if ((flags & VMHOST_OPEN_READONLY) &&
	    (n < 3 || strcmp(u->socket + n - 3, "-ro") != 0)) {
		if (n + 4 > sizeof(u->socket)) {
			snprintf(err, errlen, "socket path too long");
			return -ENAMETOOLONG;
		}
		strcat(u->socket, "-ro");
	}
	return 0;
}

/* Append s to buf single-quoted for a POSIX shell. */
static void
ssh_quote(char *buf, size_t len, const char *s)
{
	size_t j = strlen(buf);

	if (j + 1 < len)
		buf[j++] = '\'';
	for (; *s && j + 5 < len; s++) {
		if (*s == '\'') {
			memcpy(buf + j, "'\\''", 4);
			j += 4;
		} else {
			buf[j++] = *s;
		}
	}
	if (j + 1 < len)
		buf[j++] = '\'';
	buf[j] = '\0';
}

#define SSH_HAVE_VMHOST "command -v vmhost >/dev/null 2>&1"
#define SSH_RUN_PROXY "exec vmhost proxy --socket \"$S\""
/* nc -q 0 quits when the client hangs up (Debian's netcat-openbsd waits otherwise). */
#define SSH_RUN_NETCAT \
	"Q=; if \"$N\" -q </dev/null 2>&1 | grep -q 'requires an argument'; then Q='-q 0'; fi; " \
	"exec \"$N\" $Q -U \"$S\""

/* The remote shell script for the proxy mode, with S and N set first. */
static void
ssh_remote_script(const struct ssh_uri *u, char *buf, size_t len)
{
	const char *nomsg, *noumsg;
	size_t j;

	snprintf(buf, len, "S=");
	ssh_quote(buf, len, u->socket);
	j = strlen(buf);
	snprintf(buf + j, len - j, "; N=");
	ssh_quote(buf, len, u->netcat);
	j = strlen(buf);
	if (u->proxy == SSH_PROXY_NATIVE) {
		snprintf(buf + j, len - j, "; if ! " SSH_HAVE_VMHOST "; then echo \"vmhost-remote: no vmhost on the remote PATH (proxy=native needs it installed there)\" >&2; exit 127; fi; " SSH_RUN_PROXY);
		return;
	}
	if (u->proxy == SSH_PROXY_AUTO) {
		nomsg = "no vmhost proxy and no netcat '$N' (install vmhost or netcat-openbsd)";
		noumsg = "no vmhost proxy and no netcat with -U (GNU netcat lacks it: install netcat-openbsd)";
		snprintf(buf + j, len - j, "; if " SSH_HAVE_VMHOST "; then " SSH_RUN_PROXY "; fi");
		j = strlen(buf);
	} else {
		nomsg = "netcat '$N' not found on the remote host (install netcat-openbsd, or use proxy=native)";
		noumsg = "netcat '$N' has no -U (GNU netcat lacks it: install netcat-openbsd)";
	}
	snprintf(buf + j, len - j, "; if ! command -v \"$N\" >/dev/null 2>&1; then echo \"vmhost-remote: %s\" >&2; exit 127; fi; "
	    "if ! \"$N\" -h </dev/null 2>&1 | grep -q -- -U; then echo \"vmhost-remote: %s\" >&2; exit 127; fi; "
	    SSH_RUN_NETCAT, nomsg, noumsg);
}

/* The ssh command line; strings point into u and cmd. Returns argc. */
static int
ssh_argv(const struct ssh_uri *u, const char *cmd, const char **argv)
{
	int n = 0;

	argv[n++] = "ssh";
	argv[n++] = "-T";
	argv[n++] = "-e";
	argv[n++] = "none";
	if (u->port[0]) {
		argv[n++] = "-p";
		argv[n++] = u->port;
	}
	if (u->user[0]) {
		argv[n++] = "-l";
		argv[n++] = u->user;
	}
	if (u->keyfile[0]) {
		argv[n++] = "-i";
		argv[n++] = u->keyfile;
	}
	if (u->no_verify) {
		argv[n++] = "-o";
		argv[n++] = "StrictHostKeyChecking=no";
		argv[n++] = "-o";
		argv[n++] = "UserKnownHostsFile=/dev/null";
		argv[n++] = "-o";
		argv[n++] = "LogLevel=ERROR";
	}
	argv[n++] = "--";
	argv[n++] = u->host;
	argv[n++] = cmd;
	argv[n] = NULL;
	return n;
}

/* Fork ssh with stdin/stdout on one end of a socketpair, stderr on a pipe. */
static int
ssh_spawn(const char **argv, int *sock, int *errfd, pid_t *pid)
{
	int sv[2], ep[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if (pipe2(ep, O_CLOEXEC) < 0) {
		int e = -errno;

		close(sv[0]);
		close(sv[1]);
		return e;
	}
	(void)fcntl(ep[0], F_SETPIPE_SZ, 1 << 20);	/* chatter later: room */
	*pid = fork();
	if (*pid == 0) {
		if (dup2(sv[1], 0) < 0 || dup2(sv[1], 1) < 0 ||
		    dup2(ep[1], 2) < 0)
			_exit(127);
		for (int i = 0; i < 3; i++)
			(void)fcntl(i, F_SETFD, 0);
		execvp(argv[0], (char *const *)(uintptr_t)argv);
		dprintf(2, "cannot run ssh: %s\n", strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	close(ep[1]);
	if (*pid < 0) {
		int e = -errno;

		close(sv[0]);
		close(ep[0]);
		return e;
	}
	*sock = sv[0];
	*errfd = ep[0];
	return 0;
}

/* Feed stderr bytes, keeping the last non-empty line in c->transport_line. */
static void
ssh_stderr_feed(vmhost_conn *c, char *cur, size_t *ncur, const char *buf,
    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || buf[i] == '\r') {
			if (*ncur) {
				cur[*ncur] = '\0';
				snprintf(c->transport_line,
				    sizeof(c->transport_line), "%s", cur);
			}
			*ncur = 0;
		} else if (*ncur + 1 < sizeof(c->transport_line)) {
			cur[(*ncur)++] = buf[i];
		}
	}
}

static long
ssh_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/*
 * After the socket is closed: read ssh's stderr to EOF (bounded), ask it
 * to go if it is still there, and reap it.
 */
void
ssh_transport_reap(vmhost_conn *c)
{
	char cur[sizeof(c->transport_line)], buf[4096];
	long deadline = ssh_now_ms() + SSH_STDERR_WAIT_MS;
	size_t ncur = 0;

	while (c->transport_err >= 0) {
		struct pollfd p = { c->transport_err, POLLIN, 0 };
		long left = deadline - ssh_now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		n = read(c->transport_err, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		ssh_stderr_feed(c, cur, &ncur, buf, (size_t)n);
	}
	ssh_stderr_feed(c, cur, &ncur, "\n", 1);
	if (c->transport_err >= 0)
		close(c->transport_err);
	c->transport_err = -1;
	if (c->transport_pid > 0) {
		if (waitpid(c->transport_pid, NULL, WNOHANG) == 0) {
			kill(c->transport_pid, SIGTERM);
			waitpid(c->transport_pid, NULL, 0);
		}
		c->transport_pid = 0;
	}
}

/* Open: spawn ssh, then one ping, so a dead end is reported here. */
vmhost_conn *
ssh_open(const char *uri, unsigned flags, char *err, size_t errlen)
{
	char script[4096], cmd[8192];
	const char *argv[32];
	struct ssh_uri u;
	vmhost_conn *c;
	int r;

	if (strlen(uri) >= sizeof(c->uri)) {
		snprintf(err, errlen, "URI too long");
		return NULL;
	}
	if (ssh_uri_parse(uri, flags, &u, err, errlen) < 0)
		return NULL;
	ssh_remote_script(&u, script, sizeof(script));
	snprintf(cmd, sizeof(cmd), "sh -c ");
	ssh_quote(cmd, sizeof(cmd), script);
	if (strlen(script) + 8 >= sizeof(script) ||
	    strlen(cmd) + 8 >= sizeof(cmd)) {	/* cut short: never run */
		snprintf(err, errlen, "ssh URI parameters too long");
		return NULL;
	}
	ssh_argv(&u, cmd, argv);
	if (!(c = calloc(1, sizeof(*c)))) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->flags = flags;
	snprintf(c->uri, sizeof(c->uri), "%s", uri);
	r = ssh_spawn(argv, &c->fd, &c->transport_err, &c->transport_pid);
	if (r < 0) {
		snprintf(err, errlen, "cannot start ssh: %s", strerror(-r));
		free(c);
		return NULL;
	}
	if (vmhost_ping(c) < 0) {
		/* still connected: the daemon itself refused */
		int refused = c->fd >= 0;

		conn_transport_close(c);
		snprintf(err, errlen, "cannot connect to %.300s: %.600s", uri,
		    !refused && c->transport_line[0] ? c->transport_line :
		    c->err);
		free(c);
		return NULL;
	}
	return c;
}
