/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvmhost: parsing connection URIs and opening the local transport. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/paths.h"
#include "libvmhost/conn.h"

/* vmhost:///session: the user's own vmhostd --session (one socket). */
static int
uri_session_path(unsigned flags, char *path, size_t len, char *err,
    size_t errlen)
{
	int r;

	if (flags & VMHOST_OPEN_READONLY) {
		snprintf(err, errlen, "vmhost:///session has no read-only socket (connect without -r)");
		return -EINVAL;
	}
	if ((r = paths_session_sock(path, len)) < 0)
		snprintf(err, errlen, "cannot find the session socket: %s",
		    r == -ENOENT ? "HOME is not set" : strerror(-r));
	return r;
}

/* The socket path for a local URI; readonly picks the "-ro" socket. */
static int
uri_local_path(const char *uri, unsigned flags, char *path, size_t len,
    char *err, size_t errlen)
{
	const char *p;
	size_t n;

	if (strcmp(uri, "vmhost:///system") == 0 || strcmp(uri, "vmhost://") == 0)
		uri = VMHOST_URI_SYSTEM;
	if (strcmp(uri, "vmhost:///session") == 0)
		return uri_session_path(flags, path, len, err, errlen);
	if (strncmp(uri, "unix://", 7) != 0) {
		snprintf(err, errlen, "unsupported URI '%.200s' (use unix:///PATH, vmhost:///system, vmhost:///session or ssh://)",
		    uri);
		return -EINVAL;
	}
	p = uri + 7;
	if (*p != '/') {
		snprintf(err, errlen, "URI '%.200s' needs an absolute socket path",
		    uri);
		return -EINVAL;
	}
	n = strcspn(p, "?");
	if (n + 4 >= len) {
		snprintf(err, errlen, "socket path too long");
		return -ENAMETOOLONG;
	}
	memcpy(path, p, n);
	path[n] = '\0';
	if ((flags & VMHOST_OPEN_READONLY) &&
	    (n < 3 || strcmp(path + n - 3, "-ro") != 0))
		strcat(path, "-ro");
	return 0;
}

/* A refusal arrives as an Error frame right after connecting; wait for
 * it only when the daemon spoke first. */
vmhost_conn *
vmhost_open(const char *uri, unsigned flags, char *err, size_t errlen)
{
	char path[1024];
	vmhost_conn *c;
	int fd;

	if (!uri || !*uri)
		uri = getenv("VMHOST_DEFAULT_URI");
	if (!uri || !*uri)
		uri = VMHOST_URI_SYSTEM;
	if (strncmp(uri, "ssh://", 6) == 0)
		return ssh_open(uri, flags, err, errlen);
	if (uri_local_path(uri, flags, path, sizeof(path), err, errlen) < 0)
		return NULL;
	fd = ipc_connect(path);
	if (fd < 0) {
		snprintf(err, errlen, "cannot connect to '%s': %s%s", path,
		    strerror(-fd), fd == -ENOENT || fd == -ECONNREFUSED ?
		    " (is vmhostd running?)" : fd == -EACCES ?
		    " (not in group 'vmhost'? try -r for read-only)" : "");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->fd = fd;
	c->transport_err = -1;
	c->flags = flags;
	snprintf(c->uri, sizeof(c->uri), "unix://%s", path);
	return c;
}

void
conn_transport_close(vmhost_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->transport_pid <= 0)
		return;
	ssh_transport_reap(c);
	/* a transport that died mid-session: say what ssh said last */
	if (c->transport_line[0] &&
	    strcmp(c->err, "the daemon closed the connection") == 0)
		conn_set_error(c, "the connection closed: %s",
		    c->transport_line);
}
