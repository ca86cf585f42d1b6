/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvmhost internals: the connection object and its transports. */
#ifndef LIBVMHOST_CONN_H
#define LIBVMHOST_CONN_H

#include <sys/types.h>

#include "vmhost.pb-c.h"
#include "vmhost/vmhost.h"

struct vmhost_conn {
	int fd;			/* socket to vmhostd (or to the ssh pipe) */
	pid_t transport_pid;	/* ssh child for remote URIs, else 0 */
	int transport_err;	/* read end of the ssh child's stderr, or -1 */
	char transport_line[512]; /* its last line, once it has ended */
	unsigned flags;
	char uri[1024];
	char err[1024];
};

void conn_set_error(vmhost_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void conn_transport_close(vmhost_conn *c);
/* The ssh:// transport (ssh.c). */
vmhost_conn *ssh_open(const char *uri, unsigned flags, char *err,
    size_t errlen);
void ssh_transport_reap(vmhost_conn *c);
Vmhost__Reply *conn_call(vmhost_conn *c, uint32_t op, void *body,
    const int *fds, size_t nfds, int *rfds, size_t *nrfds);

#endif
