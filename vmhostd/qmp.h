/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's QMP client: greeting, capabilities, commands matched by id, events; never blocks. */
#ifndef VMHOSTD_QMP_H
#define VMHOSTD_QMP_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct json;
struct qmp;

#define QMP_MAX_LINE	(1u << 20)	/* a longer input line is a protocol error */
#define QMP_MAX_OUTPUT	(16u << 20)	/* unsent bytes before commands are refused */
#define QMP_ERROR_CLOSED "monitor closed"	/* error_desc of unanswered commands */

/*
 * Every callback may call qmp_command, and qmp_free (after which no
 * callback of this qmp runs again). json values passed to callbacks belong
 * to the client and live only until the callback returns.
 */
struct qmp_callbacks {
	/* Greeting read and qmp_capabilities accepted. */
	void (*ready)(void *arg);
	/* An event (SHUTDOWN, RESET, STOP, RESUME, POWERDOWN, GUEST_PANICKED,
	 * ...); data may be NULL; the time is QEMU's timestamp. */
	void (*event)(void *arg, const char *name, struct json *data,
	    int64_t seconds, int64_t micros);
	/* The connection ended, after every pending command got its error:
	 * 0 on EOF, -EPROTO for a line that is not QMP (or over QMP_MAX_LINE,
	 * or a refused qmp_capabilities), else -errno of the socket
	 * (-ECONNRESET is usual when QEMU quits). Called once. */
	void (*closed)(void *arg, int err);
};

/* ret: the "return" value on success; else NULL with error_class and
 * error_desc (QEMU's, or "MonitorClosed" / QMP_ERROR_CLOSED). */
typedef void (*qmp_reply_fn)(void *arg, struct json *ret,
    const char *error_class, const char *error_desc);

/*
 * Start a client on fd, a connected stream socket to QEMU's monitor (made
 * non-blocking here); the client owns fd, and closes it on failure too.
 * Nothing is sent before QEMU's greeting; qmp_capabilities goes first.
 * NULL when out of memory.
 */
struct qmp *qmp_new(struct event_base *base, int fd,
    const struct qmp_callbacks *cb, void *arg);

/*
 * Close the connection and free everything. Pending commands are dropped
 * WITHOUT their callbacks, and closed is not called: the owner is the one
 * going away. Accepts NULL; safe inside any callback of this qmp.
 */
void qmp_free(struct qmp *q);

/*
 * Queue cmd with args (a JSON object, or NULL; owned by the client from
 * here on, freed on failure too). fn (may be NULL) runs exactly once
 * unless qmp_free comes first. Commands issued before the greeting wait
 * for qmp_capabilities. 0, or -EINVAL (no cmd, args not an object or not
 * writable as JSON), -ENOTCONN (closed), -ENOBUFS (QMP_MAX_OUTPUT unsent
 * bytes already), -ENOMEM; fn is not called on failure.
 */
int qmp_command(struct qmp *q, const char *cmd, struct json *args,
    qmp_reply_fn fn, void *arg);

/* Whether qmp_capabilities has been accepted and the monitor is open. */
int qmp_is_ready(const struct qmp *q);

/*
 * Handle one line as if it came from the monitor (tests and fuzzing; the
 * socket path uses the same code): 0, or -EPROTO for a line that is not a
 * QMP message in this state, with the reason in err. The socket path
 * closes the client on -EPROTO; this function leaves that to its caller.
 */
int qmp_handle_line(struct qmp *q, const char *line, size_t len, char *err,
    size_t errlen);

#endif
