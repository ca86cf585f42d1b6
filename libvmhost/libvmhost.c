/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvmhost: connection, URIs and the calls of the client API, in the client's process. */
#include "vmhost/vmhost.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmhost.pb-c.h"
#include "common/ipc.h"
#include "common/rpc.h"
#include "libvmhost/conn.h"

static const struct rpc_service client_svc = {
	"vmhost", &vmhost__request__descriptor, &vmhost__reply__descriptor,
	NULL, 0,
};

const char *
vmhost_client_version(void)
{
	return VMHOST_VERSION;
}

void
conn_set_error(vmhost_conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

const char *
vmhost_error(const vmhost_conn *c)
{
	return c ? c->err : "no connection";
}

const char *
vmhost_uri(const vmhost_conn *c)
{
	return c->uri;
}

void
vmhost_close(vmhost_conn *c)
{
	if (!c)
		return;
	conn_transport_close(c);
	free(c);
}

/*
 * Send a request whose op is an Empty or the given message, and wait for
 * the reply. Returns the reply (free with protobuf_c_message_free_unpacked)
 * or NULL with the error set.
 */
Vmhost__Reply *
conn_call(vmhost_conn *c, uint32_t op, void *body, const int *fds,
    size_t nfds, int *rfds, size_t *nrfds)
{
	Vmhost__Request req = VMHOST__REQUEST__INIT;
	Vmhost__Empty empty = VMHOST__EMPTY__INIT;
	ProtobufCMessage *rep = NULL;
	const char *msg = NULL;
	int r, code;

	if (c->fd < 0) {
		conn_set_error(c, "not connected");
		return NULL;
	}
	rpc_msg_set_op(&req.base, op, body ? body : &empty);
	r = rpc_sync_call(c->fd, &client_svc, &req.base, fds, nfds, &rep, rfds,
	    nrfds);
	if (r < 0) {
		conn_set_error(c, "%s", r == -ECONNRESET || r == -EPIPE ?
		    "the daemon closed the connection" : strerror(-r));
		conn_transport_close(c);
		return NULL;
	}
	if ((code = rpc_msg_error(rep, &msg))) {
		conn_set_error(c, "%s", msg && *msg ? msg : strerror(code));
		protobuf_c_message_free_unpacked(rep, NULL);
		errno = code;
		return NULL;
	}
	return (Vmhost__Reply *)rep;
}

int
vmhost_ping(vmhost_conn *c)
{
	Vmhost__Reply *rep = conn_call(c, VMHOST__REQUEST__OP_PING, NULL,
	    NULL, 0, NULL, NULL);

	if (!rep)
		return -1;
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

int
vmhost_helper_ping(vmhost_conn *c)
{
	Vmhost__Reply *rep = conn_call(c, VMHOST__REQUEST__OP_HELPER_PING, NULL,
	    NULL, 0, NULL, NULL);

	if (!rep)
		return -1;
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

int
vmhost_hostname(vmhost_conn *c, char *buf, size_t len)
{
	Vmhost__Reply *rep = conn_call(c, VMHOST__REQUEST__OP_HOSTNAME, NULL,
	    NULL, 0, NULL, NULL);

	if (!rep)
		return -1;
	snprintf(buf, len, "%s", rep->hostname && rep->hostname->hostname ?
	    rep->hostname->hostname : "");
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

static void
daemon_info_copy(struct vmhost_daemon_info *o, const Vmhost__DaemonStatus *s)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", s->name ? s->name : "");
	snprintf(o->version, sizeof(o->version), "%s",
	    s->version ? s->version : "");
	snprintf(o->user, sizeof(o->user), "%s", s->user ? s->user : "");
	snprintf(o->error, sizeof(o->error), "%s", s->error ? s->error : "");
	o->pid = s->pid;
	o->uid = s->uid;
	o->gid = s->gid;
	o->cap_eff = s->cap_eff;
	o->cap_prm = s->cap_prm;
	o->cap_bnd = s->cap_bnd;
	o->cap_amb = s->cap_amb;
	o->no_new_privs = s->no_new_privs;
	o->connected = s->connected;
}

int
vmhost_version(vmhost_conn *c, struct vmhost_version_info *out)
{
	Vmhost__Reply *rep = conn_call(c, VMHOST__REQUEST__OP_VERSION, NULL,
	    NULL, 0, NULL, NULL);
	Vmhost__VersionReply *v;

	if (!rep)
		return -1;
	memset(out, 0, sizeof(*out));
	snprintf(out->client, sizeof(out->client), "%s", VMHOST_VERSION);
	if ((v = rep->version)) {
		snprintf(out->daemon, sizeof(out->daemon), "%s", v->daemon);
		snprintf(out->qemu, sizeof(out->qemu), "%s", v->qemu);
		snprintf(out->qemu_binary, sizeof(out->qemu_binary), "%s",
		    v->qemu_binary);
		for (size_t i = 0; i < v->n_helpers && i < VMHOST_MAX_DAEMONS;
		    i++)
			daemon_info_copy(&out->helpers[out->nhelpers++],
			    v->helpers[i]);
	}
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

int
vmhost_daemons(vmhost_conn *c, struct vmhost_daemon_info *out, size_t max,
    size_t *n)
{
	Vmhost__Reply *rep = conn_call(c, VMHOST__REQUEST__OP_DAEMONS, NULL,
	    NULL, 0, NULL, NULL);

	*n = 0;
	if (!rep)
		return -1;
	if (rep->daemons)
		for (size_t i = 0; i < rep->daemons->n_daemons && *n < max; i++)
			daemon_info_copy(&out[(*n)++], rep->daemons->daemons[i]);
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}
