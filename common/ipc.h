/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Framed messages over unix sockets with fd passing, on libevent; used by every process. */
#ifndef VMHOST_IPC_H
#define VMHOST_IPC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct event_base;

/* A frame: 4-byte big-endian length, then that many bytes of message. */
#define IPC_MAX_FRAME		(16u * 1024 * 1024)
#define IPC_MAX_FDS		64	/* descriptors riding on one frame */
#define IPC_MAX_OUTPUT		(64u * 1024 * 1024) /* unsent bytes per peer */

struct ipc_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
};

struct ipc_conn;

/*
 * Called with one complete frame. fds (nfds of them) belong to the
 * callee: close or keep each. The conn may be freed inside the callback
 * (ipc_conn_free) but must not be used afterwards.
 */
typedef void (*ipc_frame_cb)(struct ipc_conn *c, const uint8_t *msg,
    size_t len, int *fds, size_t nfds, void *arg);
/*
 * Called once when the connection ends: EOF (err 0), an error (-errno),
 * a frame over the limit (-EMSGSIZE), output over the limit (-ENOBUFS).
 * The callback must call ipc_conn_free(c).
 */
typedef void (*ipc_close_cb)(struct ipc_conn *c, int err, void *arg);

/* Takes ownership of fd (made non-blocking, close-on-exec). */
struct ipc_conn *ipc_conn_new(struct event_base *base, int fd,
    ipc_frame_cb on_frame, ipc_close_cb on_close, void *arg);
void ipc_conn_free(struct ipc_conn *c);
/* Queue one frame (and fds, which are dup'ed: the caller keeps its own).
 * Returns 0, -EMSGSIZE, -ENOBUFS (peer not reading), -ENOMEM. */
int ipc_conn_send(struct ipc_conn *c, const uint8_t *msg, size_t len,
    const int *fds, size_t nfds);
/* Lower the incoming frame limit of one connection (a public socket). */
void ipc_conn_set_max_frame(struct ipc_conn *c, uint32_t max);
uint32_t ipc_conn_max_frame(const struct ipc_conn *c);
/* Stop reading a peer while more than bytes of output wait for it (it does
 * not read its replies), resume below half: its requests wait in the
 * kernel's buffers, not in our memory. 0 (default): never. */
void ipc_conn_set_output_pause(struct ipc_conn *c, size_t bytes);
/* Stop (hold 1) or resume (0) reading and delivering the peer's frames,
 * e.g. while it has as many calls in flight as it may. */
void ipc_conn_hold_input(struct ipc_conn *c, int hold);
const struct ipc_peer *ipc_conn_peer(const struct ipc_conn *c);
int ipc_conn_fd(const struct ipc_conn *c);
size_t ipc_conn_pending_output(const struct ipc_conn *c);
/* Close after everything queued has been written. */
void ipc_conn_close_after_flush(struct ipc_conn *c);

/*
 * Create a listening unix socket at path (unlinking a stale one), with
 * mode and, unless -1, owner uid/gid. Returns fd or -errno.
 */
int ipc_listen(const char *path, mode_t mode, uid_t uid, gid_t gid);
/* Blocking connect; returns a blocking fd or -errno. */
int ipc_connect(const char *path);
/* Peer credentials by SO_PEERCRED. 0 or -errno. */
int ipc_peer_get(int fd, struct ipc_peer *out);

/*
 * Blocking helpers for clients (CLI, libvmhost, tests). On a blocking fd,
 * send one frame with optional fds, or receive one into a malloc'd buffer.
 * ipc_recv_frame returns -ECONNRESET on EOF, -EMSGSIZE over max, -EBADMSG
 * on a truncated frame; received fds go in fds (up to *nfds, set to count;
 * extras are closed).
 */
int ipc_send_frame(int fd, const uint8_t *msg, size_t len, const int *fds,
    size_t nfds);
int ipc_recv_frame(int fd, size_t max, uint8_t **msg, size_t *len, int *fds,
    size_t *nfds);

#endif
