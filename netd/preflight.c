/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-netd's checks before a network starts, each failure with its cause named. */
#define LOG_MODULE "preflight"
#include "netd/network.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "netd/bridge.h"

struct listener {
	const char *addr;	/* "0.0.0.0" or "[::]" */
	unsigned port;
	const char *proto;	/* "udp" or "tcp" */
	unsigned uid;
	unsigned long inode;
};

/* Servers a DNS or DHCP port is usually held by. */
static const char *const known_servers[] = { "dnsmasq", "named", "unbound",
	"systemd-resolve", "dhcpd", "kea-dhcp4", "pdns_server", NULL };

/* Does /proc/PID/fd hold socket inode? (readable only for our own uid) */
static int
proc_has_socket(long pid, unsigned long inode)
{
	char dir[64], path[384], link[64], want[64];
	struct dirent *e;
	DIR *d;
	ssize_t n;
	int found = 0;

	snprintf(dir, sizeof(dir), "/proc/%ld/fd", pid);
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	if (!(d = opendir(dir)))
		return -errno;
	while (!found && (e = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			found = strcmp(link, want) == 0;
		}
	}
	closedir(d);
	return found;
}

static void
proc_comm(long pid, char *out, size_t len)
{
	char path[64], *buf = NULL;

	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	snprintf(out, len, "?");
	if (file_read_all(path, 256, &buf, NULL) == 0) {
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(out, len, "%s", buf);
	}
	free(buf);
}

static int
proc_uid(long pid)
{
	char path[64], *buf = NULL, *p;
	int uid = -1;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if (file_read_all(path, 64 * 1024, &buf, NULL) == 0 &&
	    !strstr(buf, "\nState:\tZ") && (p = strstr(buf, "\nUid:")))
		uid = atoi(p + 5);	/* zombies (-1) hold no socket */
	free(buf);
	return uid;
}

/* "dnsmasq (pid 12)", or a guess among known servers of that uid. */
static void
listener_owner(const struct listener *l, char *out, size_t len)
{
	char comm[64], guess[128] = "";
	struct dirent *e;
	int nguess = 0;
	long pid;
	DIR *d = opendir("/proc");

	snprintf(out, len, "a process of uid %u (socket inode %lu)", l->uid,
	    l->inode);
	while (d && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = strtol(e->d_name, NULL, 10);
		if (proc_has_socket(pid, l->inode) == 1) {
			proc_comm(pid, comm, sizeof(comm));
			snprintf(out, len, "%s (pid %ld)", comm, pid);
			nguess = -1;
			break;
		}
		proc_comm(pid, comm, sizeof(comm));
		for (size_t i = 0; known_servers[i]; i++)
			if (strcmp(comm, known_servers[i]) == 0 &&
			    proc_uid(pid) == (int)l->uid && ++nguess == 1)
				snprintf(guess, sizeof(guess), "%s (pid %ld)",
				    comm, pid);
	}
	if (d)
		closedir(d);
	if (nguess == 1)
		snprintf(out, len, "a process of uid %u, probably %s", l->uid,
		    guess);
}

/* Find a foreign wildcard listener on port in /proc/net/FILE. */
static int
scan_proc_net(const char *file, unsigned port, struct listener *l)
{
	char path[64], line[512], addr[40];
	unsigned p, st, uid;
	unsigned long inode;
	int tcp = strncmp(file, "tcp", 3) == 0, found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/net/%s", file);
	if (!(f = fopen(path, "re")))
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*d: %39[0-9A-Fa-f]:%x %*s %x %*s %*s %*s %u %*d %lu",
		    addr, &p, &st, &uid, &inode) != 5 || p != port ||
		    strspn(addr, "0") != strlen(addr) ||
		    (tcp && st != 0x0a) || uid == (unsigned)getuid())
			continue;	/* ours: our own dnsmasqs */
		l->uid = uid;
		l->inode = inode;
		found = 1;
	}
	fclose(f);
	return found;
}

static int
check_port(const char *file, unsigned port, char *err, size_t errlen)
{
	struct listener l = { strchr(file, '6') ? "[::]" : "0.0.0.0", port,
		strncmp(file, "tcp", 3) == 0 ? "tcp" : "udp", 0, 0 };
	char owner[512];

	if (!scan_proc_net(file, port, &l))
		return 0;
	listener_owner(&l, owner, sizeof(owner));
	snprintf(err, errlen, "address %s:%u (%s) is already in use by %s: a server listening on every address keeps the network's dnsmasq from binding; set bind-interfaces (and interface= or listen-address=) in its configuration",
	    l.addr, port, l.proto, owner);
	log_warn("%s", err);
	return -EADDRINUSE;
}

static int
check_ports(const struct network_def *d, char *err, size_t errlen)
{
	static const char *const dns[] = { "udp", "tcp", "udp6", "tcp6" };
	int dhcp = 0, r;

	if (d->nips == 0)
		return 0;
	for (size_t i = 0; i < d->nips; i++)
		dhcp |= d->ips[i].address.family == AF_INET &&
		    (d->ips[i].nranges || d->ips[i].nhosts);
	for (size_t i = 0; d->dns.enable != NETWORK_TRI_NO && i < 4; i++)
		if ((r = check_port(dns[i], 53, err, errlen)) < 0)
			return r;
	return dhcp ? check_port("udp", 67, err, errlen) : 0;
}

static int
check_routes(const struct network_def *d, char *err, size_t errlen)
{
	char via[64], a[NET_ADDR_STRLEN];
	struct net_addr net;
	int r;

	for (size_t i = 0; i < d->nips; i++) {
		net_addr_network(&d->ips[i].address, d->ips[i].prefix, &net);
		r = route_conflict(&net, d->ips[i].prefix, 0, via, sizeof(via));
		if (r < 0)
			return 0;	/* unknown: let the kernel decide */
		if (r > 0) {
			snprintf(err, errlen, "subnet %s/%d is already routed via %s",
			    net_addr_format(&net, a, sizeof(a)),
			    d->ips[i].prefix, via);
			return -EADDRINUSE;
		}
	}
	return 0;
}

int
network_preflight(const struct network_def *d, char *err, size_t errlen)
{
	struct link_info li;
	int r;

	if (link_lookup(d->bridge, &li) == 0) {
		snprintf(err, errlen, "bridge name '%s' is already in use by another interface",
		    d->bridge);
		return -EEXIST;
	}
	if ((r = check_routes(d, err, errlen)) < 0)
		return r;
	return check_ports(d, err, errlen);
}
