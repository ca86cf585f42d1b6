/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* protobuf-c services over ipc: listening servers with dispatch tables, and async clients. */
#ifndef VMHOST_RPC_H
#define VMHOST_RPC_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "common/ipc.h"

struct event_base;
struct rpc_server;
struct rpc_call;
struct rpc_client;

/*
 * Every service's Request has `uint32 serial = 1` and one oneof `op`;
 * every Reply has `uint32 serial = 1`, `Error error = 2` in its oneof
 * `result`. The oneof case number is the operation, the dispatch key.
 */

enum rpc_flags {
	RPC_READONLY = 1 << 0,	/* allowed on a read-only listener */
};

/* A handler only unpacks, calls and replies (rpc_reply / rpc_reply_error),
 * now or later; it must reply exactly once. */
typedef void (*rpc_handler_fn)(struct rpc_call *call, const void *req);

struct rpc_handler {
	uint32_t op;		/* the oneof case of the request */
	const char *name;	/* for logs and ACLs, e.g. "domain.start" */
	rpc_handler_fn fn;
	unsigned flags;
};

struct rpc_service {
	const char *name;	/* "vmhost", "netd", ... */
	const ProtobufCMessageDescriptor *request;
	const ProtobufCMessageDescriptor *reply;
	const struct rpc_handler *handlers;
	size_t nhandlers;
};

/* Decide whether a peer may use this listener: 0, or -EPERM with a
 * message for the peer in msg. */
typedef int (*rpc_peer_check_fn)(const struct ipc_peer *peer, void *ctx,
    char *msg, size_t msglen);

/* Decide whether this call may run (after the read-only filter, before
 * the handler): 0, or -EPERM with a one-line message for the peer in msg.
 * Every call of every listener with it set goes through it. */
typedef int (*rpc_authorize_fn)(struct rpc_call *call,
    const struct rpc_handler *h, const ProtobufCMessage *req, char *msg,
    size_t msglen);

struct rpc_listen_opts {
	const char *path;
	mode_t mode;
	uid_t uid;		/* (uid_t)-1: leave */
	gid_t gid;
	int readonly;		/* only RPC_READONLY handlers */
	rpc_peer_check_fn check;
	void *ctx;		/* passed to check and to handlers (rpc_call_ctx) */
	rpc_authorize_fn authorize;	/* per call, optional */
	uint32_t max_frame;	/* 0: IPC_MAX_FRAME; lower for public sockets */
};

/* Listen with an already bound fd (or opts->path when fd < 0). */
struct rpc_server *rpc_server_new(struct event_base *base,
    const struct rpc_service *svc, const struct rpc_listen_opts *opts,
    int fd);
void rpc_server_free(struct rpc_server *s);
size_t rpc_server_nclients(const struct rpc_server *s);

/* Inside a handler. */
void *rpc_call_ctx(const struct rpc_call *call);
const struct ipc_peer *rpc_call_peer(const struct rpc_call *call);
const char *rpc_call_name(const struct rpc_call *call);
int rpc_call_readonly(const struct rpc_call *call);
/* One pointer per connection for the service (e.g. the peer's groups,
 * read once); free()d when the connection closes. NULL once it has. */
void **rpc_call_conn_data(struct rpc_call *call);
/* Descriptors that came with the request (owned by the call; take one
 * with rpc_call_take_fd, the rest are closed when the call ends). */
size_t rpc_call_nfds(const struct rpc_call *call);
int rpc_call_take_fd(struct rpc_call *call, size_t i);
/* Is the client still there (for long asynchronous handlers)? */
int rpc_call_alive(const struct rpc_call *call);
/* Send a reply (a message of the service's Reply type whose result is
 * set; serial is filled in) with optional fds, and end the call. */
void rpc_reply(struct rpc_call *call, ProtobufCMessage *reply,
    const int *fds, size_t nfds);
void rpc_reply_error(struct rpc_call *call, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reply with an Empty "ok" result. */
void rpc_reply_ok(struct rpc_call *call);

/*
 * Async client with reconnection (vmhostd -> helpers). The client connects
 * to path when it appears and whenever the connection drops, retrying
 * with backoff. on_up is called on each (re)connection.
 */
typedef void (*rpc_reply_fn)(void *arg, const ProtobufCMessage *reply,
    int err, const char *errmsg, int *fds, size_t nfds);
typedef void (*rpc_up_fn)(struct rpc_client *cl, void *arg);

struct rpc_client *rpc_client_new(struct event_base *base,
    const struct rpc_service *svc, const char *path, rpc_up_fn on_up,
    void *arg);
void rpc_client_free(struct rpc_client *cl);
int rpc_client_connected(const struct rpc_client *cl);
/*
 * Send req (serial filled in). cb gets the unpacked reply (freed after cb
 * returns) or err < 0 with errmsg: the helper is down, went away, or
 * answered with an Error (err = -code, errmsg its message).
 * fds in the reply belong to cb. cl may be NULL (a helper a session
 * daemon does not use): cb gets -ENOTCONN at once.
 * Returns 0, or calls cb at once with the
 * error and returns it.
 */
int rpc_client_call(struct rpc_client *cl, ProtobufCMessage *req,
    const int *fds, size_t nfds, rpc_reply_fn cb, void *arg);

/* Blocking client for tools and tests: send req, wait for one reply. */
int rpc_sync_call(int fd, const struct rpc_service *svc, ProtobufCMessage *req,
    const int *fds, size_t nfds, ProtobufCMessage **reply, int *rfds,
    size_t *nrfds);

/* Generic access to a message's serial, oneof case, and Error result. */
uint32_t rpc_msg_case(const ProtobufCMessage *m);
void rpc_msg_set_serial(ProtobufCMessage *m, uint32_t serial);
uint32_t rpc_msg_serial(const ProtobufCMessage *m);
/* If reply's result is an Error, return its code (>0) and message. */
int rpc_msg_error(const ProtobufCMessage *reply, const char **message);
/* Set a message-typed oneof member by field number (case and pointer). */
int rpc_msg_set_op(ProtobufCMessage *m, uint32_t op, void *value);
/* The message-typed oneof member op if it is the one set, else NULL. */
void *rpc_msg_get_op(const ProtobufCMessage *m, uint32_t op);

#endif
