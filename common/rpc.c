/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* protobuf-c services over ipc: dispatch-table servers and reconnecting clients; in every daemon. */
#define LOG_MODULE "rpc"
#include "common/rpc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "common.pb-c.h"
#include "common/log.h"

#define RPC_MAX_INFLIGHT	64	/* unanswered calls per client */
#define RPC_OUTPUT_PAUSE	(1024 * 1024)	/* unread replies before a client is not read */

/* ---- generic message access ---- */

static const ProtobufCFieldDescriptor *
field_by_id(const ProtobufCMessageDescriptor *d, unsigned id)
{
	return protobuf_c_message_descriptor_get_field(d, id);
}

uint32_t
rpc_msg_case(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;

	for (unsigned i = 0; i < d->n_fields; i++)
		if (d->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
			return *(const uint32_t *)((const char *)m +
			    d->fields[i].quantifier_offset);
	return 0;
}

void
rpc_msg_set_serial(ProtobufCMessage *m, uint32_t serial)
{
	const ProtobufCFieldDescriptor *f = field_by_id(m->descriptor, 1);

	if (f && f->type == PROTOBUF_C_TYPE_UINT32)
		*(uint32_t *)((char *)m + f->offset) = serial;
}

uint32_t
rpc_msg_serial(const ProtobufCMessage *m)
{
	const ProtobufCFieldDescriptor *f = field_by_id(m->descriptor, 1);

	if (f && f->type == PROTOBUF_C_TYPE_UINT32)
		return *(const uint32_t *)((const char *)m + f->offset);
	return 0;
}

int
rpc_msg_error(const ProtobufCMessage *reply, const char **message)
{
	const ProtobufCFieldDescriptor *f = field_by_id(reply->descriptor, 2);
	const Vmhost__Error *e;

	if (!f || rpc_msg_case(reply) != 2)
		return 0;
	e = *(Vmhost__Error *const *)((const char *)reply + f->offset);
	if (!e)
		return 0;
	if (message)
		*message = e->message;
	return e->code > 0 ? e->code : EIO;
}

/* Build an Error reply in place (storage provided by the caller). */
static ProtobufCMessage *
error_reply(const ProtobufCMessageDescriptor *d, void *storage,
    Vmhost__Error *err)
{
	const ProtobufCFieldDescriptor *f = field_by_id(d, 2);
	ProtobufCMessage *m = storage;

	protobuf_c_message_init(d, storage);
	*(uint32_t *)((char *)m + f->quantifier_offset) = 2;
	*(Vmhost__Error **)((char *)m + f->offset) = err;
	return m;
}

static int
send_message(struct ipc_conn *c, const ProtobufCMessage *m, const int *fds,
    size_t nfds)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	uint8_t stackbuf[4096], *buf = stackbuf;
	int r;

	if (len > IPC_MAX_FRAME)
		return -EMSGSIZE;
	if (len > sizeof(stackbuf) && !(buf = malloc(len)))
		return -ENOMEM;
	protobuf_c_message_pack(m, buf);
	r = ipc_conn_send(c, buf, len, fds, nfds);
	if (buf != stackbuf)
		free(buf);
	return r;
}

/* ---- server ---- */

struct rpc_server {
	struct event_base *base;
	const struct rpc_service *svc;
	struct rpc_listen_opts opts;
	int fd;
	struct event *ev;
	struct rpc_sconn *conns;
	size_t nconns;
};

struct rpc_sconn {
	struct rpc_server *srv;
	struct ipc_conn *conn;
	struct rpc_sconn *prev, *next;
	struct rpc_call *calls;
	size_t ncalls;
	void *data;			/* rpc_call_conn_data */
};

struct rpc_call {
	struct rpc_sconn *sc;		/* NULL once the client has gone */
	struct rpc_call *prev, *next;
	const struct rpc_handler *h;
	ProtobufCMessage *req;
	uint32_t serial;
	int fds[IPC_MAX_FDS];
	size_t nfds;
};

static void
call_unlink(struct rpc_call *call)
{
	struct rpc_sconn *sc = call->sc;

	if (!sc)
		return;
	if (call->prev)
		call->prev->next = call->next;
	else
		sc->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	if (sc->ncalls-- == RPC_MAX_INFLIGHT)
		ipc_conn_hold_input(sc->conn, 0);	/* read it again */
	call->sc = NULL;
}

static void
call_free(struct rpc_call *call)
{
	call_unlink(call);
	for (size_t i = 0; i < call->nfds; i++)
		if (call->fds[i] >= 0)
			close(call->fds[i]);
	if (call->req)
		protobuf_c_message_free_unpacked(call->req, NULL);
	free(call);
}

static void
sconn_free(struct rpc_sconn *sc)
{
	struct rpc_server *s = sc->srv;

	while (sc->calls)
		call_unlink(sc->calls);	/* calls live on until replied */
	if (sc->prev)
		sc->prev->next = sc->next;
	else
		s->conns = sc->next;
	if (sc->next)
		sc->next->prev = sc->prev;
	s->nconns--;
	ipc_conn_free(sc->conn);
	free(sc->data);
	free(sc);
}

void *
rpc_call_ctx(const struct rpc_call *call)
{
	return call->sc ? call->sc->srv->opts.ctx : NULL;
}

const struct ipc_peer *
rpc_call_peer(const struct rpc_call *call)
{
	static const struct ipc_peer gone = { 0, (uid_t)-1, (gid_t)-1 };

	return call->sc ? ipc_conn_peer(call->sc->conn) : &gone;
}

const char *
rpc_call_name(const struct rpc_call *call)
{
	return call->h ? call->h->name : "?";
}

int
rpc_call_readonly(const struct rpc_call *call)
{
	return call->sc ? call->sc->srv->opts.readonly : 1;
}

void **
rpc_call_conn_data(struct rpc_call *call)
{
	return call->sc ? &call->sc->data : NULL;
}

size_t
rpc_call_nfds(const struct rpc_call *call)
{
	return call->nfds;
}

int
rpc_call_take_fd(struct rpc_call *call, size_t i)
{
	int fd;

	if (i >= call->nfds)
		return -1;
	fd = call->fds[i];
	call->fds[i] = -1;
	return fd;
}

int
rpc_call_alive(const struct rpc_call *call)
{
	return call->sc != NULL;
}

void
rpc_reply(struct rpc_call *call, ProtobufCMessage *reply, const int *fds,
    size_t nfds)
{
	int r;

	if (!call)
		return;
	if (call->sc) {
		rpc_msg_set_serial(reply, call->serial);
		r = send_message(call->sc->conn, reply, fds, nfds);
		if (r == -ENOBUFS) {
			log_warn("client pid %d is not reading its replies: dropped",
			    (int)ipc_conn_peer(call->sc->conn)->pid);
			ipc_conn_close_after_flush(call->sc->conn);
		} else if (r < 0) {
			log_warn("reply to %s: %s", rpc_call_name(call),
			    strerror(-r));
		}
	}
	call_free(call);
}

void
rpc_reply_error(struct rpc_call *call, int code, const char *fmt, ...)
{
	const ProtobufCMessageDescriptor *d;
	Vmhost__Error err;
	char msg[1024];
	uint64_t storage[64];
	va_list ap;

	vmhost__error__init(&err);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!call) {		/* an internal caller (autostart): just log */
		log_error("%s", msg);
		return;
	}
	if (!call->sc) {
		call_free(call);
		return;
	}
	d = call->sc->srv->svc->reply;
	if (d->sizeof_message > sizeof(storage)) {
		call_free(call);
		return;
	}
	err.code = code > 0 ? code : (code < 0 ? -code : EIO);
	err.message = msg;
	rpc_reply(call, error_reply(d, storage, &err), NULL, 0);
}

void
rpc_reply_ok(struct rpc_call *call)
{
	const ProtobufCMessageDescriptor *d;
	const ProtobufCFieldDescriptor *f;
	Vmhost__Empty empty = VMHOST__EMPTY__INIT;
	uint64_t storage[64];
	ProtobufCMessage *m = (ProtobufCMessage *)storage;

	if (!call)
		return;
	if (!call->sc) {
		call_free(call);
		return;
	}
	d = call->sc->srv->svc->reply;
	f = field_by_id(d, 3);
	protobuf_c_message_init(d, storage);
	*(uint32_t *)((char *)m + f->quantifier_offset) = 3;
	*(Vmhost__Empty **)((char *)m + f->offset) = &empty;
	rpc_reply(call, m, NULL, 0);
}

/* Answer a peer that is not served, then hang up. */
static void
sconn_refuse(struct rpc_sconn *sc, int code, const char *msg)
{
	const ProtobufCMessageDescriptor *d = sc->srv->svc->reply;
	Vmhost__Error err;
	uint64_t storage[64];

	vmhost__error__init(&err);
	err.code = code;
	err.message = (char *)(uintptr_t)msg;
	send_message(sc->conn, error_reply(d, storage, &err), NULL, 0);
	ipc_conn_close_after_flush(sc->conn);
}

static const struct rpc_handler *
handler_find(const struct rpc_service *svc, uint32_t op)
{
	for (size_t i = 0; i < svc->nhandlers; i++)
		if (svc->handlers[i].op == op)
			return &svc->handlers[i];
	return NULL;
}

static struct rpc_call *
call_new(struct rpc_sconn *sc, ProtobufCMessage *req, int *fds, size_t nfds)
{
	struct rpc_call *call = calloc(1, sizeof(*call));

	if (!call)
		return NULL;
	call->sc = sc;
	call->req = req;
	call->serial = rpc_msg_serial(req);
	memcpy(call->fds, fds, nfds * sizeof(int));
	call->nfds = nfds;
	call->next = sc->calls;
	if (sc->calls)
		sc->calls->prev = call;
	sc->calls = call;
	sc->ncalls++;
	return call;
}

static void
server_on_frame(struct ipc_conn *c, const uint8_t *msg, size_t len, int *fds,
    size_t nfds, void *arg)
{
	struct rpc_sconn *sc = arg;
	const struct rpc_service *svc = sc->srv->svc;
	const struct rpc_handler *h;
	ProtobufCMessage *req;
	struct rpc_call *call;

	(void)c;
	req = protobuf_c_message_unpack(svc->request, NULL, len, msg);
	if (!req) {
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		log_warn("peer pid %d: malformed %s message of %zu bytes: connection dropped",
		    (int)ipc_conn_peer(sc->conn)->pid, svc->name, len);
		sconn_refuse(sc, EBADMSG, "malformed message");
		return;
	}
	call = call_new(sc, req, fds, nfds);
	if (!call) {
		protobuf_c_message_free_unpacked(req, NULL);
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		return;
	}
	/* A client with as many calls in flight as it may is not read until
	 * one is answered: its further requests wait in the kernel's buffers
	 * (the EBUSY reply below stays for safety). */
	if (sc->ncalls == RPC_MAX_INFLIGHT)
		ipc_conn_hold_input(sc->conn, 1);
	h = handler_find(svc, rpc_msg_case(req));
	if (!h) {
		rpc_reply_error(call, EOPNOTSUPP, "unknown request type %u",
		    rpc_msg_case(req));
		return;
	}
	call->h = h;
	if (sc->srv->opts.readonly && !(h->flags & RPC_READONLY)) {
		rpc_reply_error(call, EPERM,
		    "operation '%s' is not allowed on a read-only connection",
		    h->name);
		return;
	}
	if (sc->ncalls > RPC_MAX_INFLIGHT) {
		rpc_reply_error(call, EBUSY, "too many requests in flight");
		return;
	}
	if (sc->srv->opts.authorize) {
		char why[512] = "access denied";

		if (sc->srv->opts.authorize(call, h, req, why, sizeof(why)) < 0) {
			rpc_reply_error(call, EPERM, "%s", why);
			return;
		}
	}
	log_debug("%s: %s from pid %d", svc->name, h->name,
	    (int)ipc_conn_peer(sc->conn)->pid);
	h->fn(call, req);
}

static void
server_on_close(struct ipc_conn *c, int err, void *arg)
{
	struct rpc_sconn *sc = arg;

	(void)c;
	if (err == -EMSGSIZE) {
		char m[64];

		if (ipc_conn_max_frame(sc->conn) == IPC_MAX_FRAME)
			snprintf(m, sizeof(m), "message exceeds the 16 MiB limit");
		else
			snprintf(m, sizeof(m), "message exceeds the %u byte limit",
			    ipc_conn_max_frame(sc->conn));
		sconn_refuse(sc, EMSGSIZE, m);
		/* close_after_flush ends in another on_close with err 0 */
		return;
	}
	if (err == -EBADMSG)
		log_warn("peer pid %d: truncated frame: connection dropped",
		    (int)ipc_conn_peer(sc->conn)->pid);
	else if (err < 0)
		log_debug("peer pid %d: %s", (int)ipc_conn_peer(sc->conn)->pid,
		    strerror(-err));
	sconn_free(sc);
}

static void
server_on_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct rpc_server *s = arg;
	struct rpc_sconn *sc;
	char msg[256] = "";
	int fd;

	(void)what;
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	sc = calloc(1, sizeof(*sc));
	if (!sc) {
		close(fd);
		return;
	}
	sc->srv = s;
	sc->conn = ipc_conn_new(s->base, fd, server_on_frame, server_on_close,
	    sc);
	if (!sc->conn) {
		free(sc);
		return;
	}
	ipc_conn_set_max_frame(sc->conn, s->opts.max_frame);
	ipc_conn_set_output_pause(sc->conn, RPC_OUTPUT_PAUSE);
	sc->next = s->conns;
	if (s->conns)
		s->conns->prev = sc;
	s->conns = sc;
	s->nconns++;
	if (s->opts.check && s->opts.check(ipc_conn_peer(sc->conn), s->opts.ctx,
	    msg, sizeof(msg)) < 0) {
		log_warn("%s: refused peer pid %d uid %u: %s", s->svc->name,
		    (int)ipc_conn_peer(sc->conn)->pid,
		    (unsigned)ipc_conn_peer(sc->conn)->uid, msg);
		sconn_refuse(sc, EPERM, msg);
	}
}

struct rpc_server *
rpc_server_new(struct event_base *base, const struct rpc_service *svc,
    const struct rpc_listen_opts *opts, int fd)
{
	struct rpc_server *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->base = base;
	s->svc = svc;
	s->opts = *opts;
	if (fd < 0)
		fd = ipc_listen(opts->path, opts->mode, opts->uid, opts->gid);
	if (fd < 0) {
		log_error("cannot listen on '%s': %s", opts->path,
		    strerror(-fd));
		free(s);
		return NULL;
	}
	s->fd = fd;
	s->ev = event_new(base, fd, EV_READ | EV_PERSIST, server_on_accept, s);
	if (!s->ev || event_add(s->ev, NULL) < 0) {
		rpc_server_free(s);
		return NULL;
	}
	return s;
}

void
rpc_server_free(struct rpc_server *s)
{
	if (!s)
		return;
	while (s->conns)
		sconn_free(s->conns);
	if (s->ev)
		event_free(s->ev);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

size_t
rpc_server_nclients(const struct rpc_server *s)
{
	return s->nconns;
}

/* ---- async client ---- */

struct pending {
	struct pending *next;
	uint32_t serial;
	rpc_reply_fn cb;
	void *arg;
};

struct rpc_client {
	struct event_base *base;
	const struct rpc_service *svc;
	char *path;
	struct ipc_conn *conn;
	struct event *retry;
	int backoff_ms;
	uint32_t serial;
	struct pending *pending;
	rpc_up_fn on_up;
	void *arg;
};

static void client_connect(struct rpc_client *cl);

static void
client_fail_all(struct rpc_client *cl, int err, const char *msg)
{
	struct pending *p;

	while ((p = cl->pending)) {
		cl->pending = p->next;
		p->cb(p->arg, NULL, err, msg, NULL, 0);
		free(p);
	}
}

static void
client_schedule(struct rpc_client *cl)
{
	struct timeval tv = { cl->backoff_ms / 1000,
		(cl->backoff_ms % 1000) * 1000 };

	evtimer_add(cl->retry, &tv);
	if (cl->backoff_ms < 500)
		cl->backoff_ms *= 2;
}

static void
client_on_frame(struct ipc_conn *c, const uint8_t *msg, size_t len, int *fds,
    size_t nfds, void *arg)
{
	struct rpc_client *cl = arg;
	struct pending **pp, *p;
	ProtobufCMessage *rep;
	const char *emsg = NULL;
	uint32_t serial;
	int code;

	(void)c;
	rep = protobuf_c_message_unpack(cl->svc->reply, NULL, len, msg);
	if (!rep) {
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		log_warn("%s sent a malformed reply", cl->svc->name);
		return;
	}
	serial = rpc_msg_serial(rep);
	for (pp = &cl->pending; (p = *pp) && p->serial != serial; pp = &p->next)
		;
	if (!p) {
		code = rpc_msg_error(rep, &emsg);
		log_warn("%s: reply to unknown request %u%s%s", cl->svc->name,
		    serial, code ? ": " : "", code ? emsg : "");
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
	} else {
		*pp = p->next;
		code = rpc_msg_error(rep, &emsg);
		if (code)
			p->cb(p->arg, NULL, -code, emsg, fds, nfds);
		else
			p->cb(p->arg, rep, 0, NULL, fds, nfds);
		free(p);
	}
	protobuf_c_message_free_unpacked(rep, NULL);
}

static void
client_on_close(struct ipc_conn *c, int err, void *arg)
{
	struct rpc_client *cl = arg;
	char msg[128];

	(void)err;
	ipc_conn_free(c);
	cl->conn = NULL;
	log_warn("connection to %s lost", cl->svc->name);
	snprintf(msg, sizeof(msg), "vmhost-%s went away during the call",
	    cl->svc->name);
	client_fail_all(cl, -ECONNRESET, msg);
	cl->backoff_ms = 20;
	client_schedule(cl);
}

static void
client_on_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	client_connect(arg);
}

static void
client_connect(struct rpc_client *cl)
{
	int fd = ipc_connect(cl->path);

	if (fd < 0) {
		client_schedule(cl);
		return;
	}
	cl->conn = ipc_conn_new(cl->base, fd, client_on_frame, client_on_close,
	    cl);
	if (!cl->conn) {
		client_schedule(cl);
		return;
	}
	cl->backoff_ms = 20;
	log_info("connected to vmhost-%s", cl->svc->name);
	if (cl->on_up)
		cl->on_up(cl, cl->arg);
}

struct rpc_client *
rpc_client_new(struct event_base *base, const struct rpc_service *svc,
    const char *path, rpc_up_fn on_up, void *arg)
{
	struct rpc_client *cl = calloc(1, sizeof(*cl));

	if (!cl)
		return NULL;
	cl->base = base;
	cl->svc = svc;
	cl->path = strdup(path);
	cl->on_up = on_up;
	cl->arg = arg;
	cl->backoff_ms = 20;
	cl->retry = evtimer_new(base, client_on_retry, cl);
	if (!cl->path || !cl->retry) {
		rpc_client_free(cl);
		return NULL;
	}
	client_connect(cl);
	return cl;
}

void
rpc_client_free(struct rpc_client *cl)
{
	if (!cl)
		return;
	client_fail_all(cl, -ECANCELED, "shutting down");
	if (cl->conn)
		ipc_conn_free(cl->conn);
	if (cl->retry)
		event_free(cl->retry);
	free(cl->path);
	free(cl);
}

int
rpc_client_connected(const struct rpc_client *cl)
{
	return cl && cl->conn != NULL;
}

int
rpc_client_call(struct rpc_client *cl, ProtobufCMessage *req, const int *fds,
    size_t nfds, rpc_reply_fn cb, void *arg)
{
	struct pending *p;
	char msg[160];
	int r;

	if (!cl) {
		cb(arg, NULL, -ENOTCONN, "this helper is not used by a session daemon (vmhost:///session)",
		    NULL, 0);
		return -ENOTCONN;
	}
	if (!cl->conn) {
		snprintf(msg, sizeof(msg), "vmhost-%s is not running (no connection to %s)",
		    cl->svc->name, cl->path);
		cb(arg, NULL, -ENOTCONN, msg, NULL, 0);
		return -ENOTCONN;
	}
	if (!(p = calloc(1, sizeof(*p)))) {
		cb(arg, NULL, -ENOMEM, "out of memory", NULL, 0);
		return -ENOMEM;
	}
	if (++cl->serial == 0)
		cl->serial = 1;
	p->serial = cl->serial;
	p->cb = cb;
	p->arg = arg;
	rpc_msg_set_serial(req, p->serial);
	r = send_message(cl->conn, req, fds, nfds);
	if (r < 0) {
		snprintf(msg, sizeof(msg), "cannot send to vmhost-%s: %s",
		    cl->svc->name, strerror(-r));
		free(p);
		cb(arg, NULL, r, msg, NULL, 0);
		return r;
	}
	p->next = cl->pending;
	cl->pending = p;
	return 0;
}

/* ---- blocking client ---- */

int
rpc_sync_call(int fd, const struct rpc_service *svc, ProtobufCMessage *req,
    const int *fds, size_t nfds, ProtobufCMessage **reply, int *rfds,
    size_t *nrfds)
{
	static uint32_t serial;
	size_t len, rlen;
	uint8_t *buf, *rbuf;
	uint32_t want;
	int r;

	*reply = NULL;
	want = ++serial ? serial : ++serial;
	rpc_msg_set_serial(req, want);
	len = protobuf_c_message_get_packed_size(req);
	if (len > IPC_MAX_FRAME)
		return -EMSGSIZE;
	if (!(buf = malloc(len ? len : 1)))
		return -ENOMEM;
	protobuf_c_message_pack(req, buf);
	r = ipc_send_frame(fd, buf, len, fds, nfds);
	free(buf);
	/* A peer that refused us hung up; it may have said why first. */
	if (r < 0 && r != -EPIPE && r != -ECONNRESET)
		return r;
	for (;;) {
		r = ipc_recv_frame(fd, IPC_MAX_FRAME, &rbuf, &rlen, rfds, nrfds);
		if (r < 0)
			return r;
		*reply = protobuf_c_message_unpack(svc->reply, NULL, rlen, rbuf);
		free(rbuf);
		if (!*reply)
			return -EBADMSG;
		/* serial 0: the peer refused the connection itself */
		if (rpc_msg_serial(*reply) == want || rpc_msg_serial(*reply) == 0)
			return 0;
		protobuf_c_message_free_unpacked(*reply, NULL);
		*reply = NULL;
	}
}

int
rpc_msg_set_op(ProtobufCMessage *m, uint32_t op, void *value)
{
	const ProtobufCFieldDescriptor *f = field_by_id(m->descriptor, op);

	if (!f || !(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
	    f->type != PROTOBUF_C_TYPE_MESSAGE)
		return -EINVAL;
	*(uint32_t *)((char *)m + f->quantifier_offset) = op;
	*(void **)((char *)m + f->offset) = value;
	return 0;
}

void *
rpc_msg_get_op(const ProtobufCMessage *m, uint32_t op)
{
	const ProtobufCFieldDescriptor *f = field_by_id(m->descriptor, op);

	if (!f || f->type != PROTOBUF_C_TYPE_MESSAGE || rpc_msg_case(m) != op)
		return NULL;
	return *(void *const *)((const char *)m + f->offset);
}
