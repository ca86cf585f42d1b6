/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's QMP client: greeting, capabilities, commands matched by id, events; never blocks. */
#ifndef VMHOSTD_QMP_H
#define VMHOSTD_QMP_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct json;
struct qmp;

#define QMP_MAX_LINE (1u << 20)	/* a longer line is a protocol error */

struct qmp_callbacks {
	void (*ready)(void *arg);	/* capabilities negotiated */
	void (*event)(void *arg, const char *name, struct json *data,
	    int64_t seconds, int64_t micros);
	void (*closed)(void *arg, int err); /* EOF (0) or -errno/-EPROTO */
};

/* ret: the "return" value, or NULL with error_class/error_desc set
 * (error_desc "monitor closed" when the connection ended first). */
typedef void (*qmp_reply_fn)(void *arg, struct json *ret,
    const char *error_class, const char *error_desc);

/* Takes ownership of fd, a connected stream socket to QEMU's monitor. */
struct qmp *qmp_new(struct event_base *base, int fd,
    const struct qmp_callbacks *cb, void *arg);
/* Free: pending commands are dropped without their callbacks. */
void qmp_free(struct qmp *q);
/* Send cmd with args (raw JSON object text, or NULL); fn may be NULL.
 * 0, or -ENOTCONN / -ENOMEM (fn is not called then). */
int qmp_command(struct qmp *q, const char *cmd, const char *args,
    qmp_reply_fn fn, void *arg);
/* Feed one line as if it came from the monitor (tests and fuzzing):
 * 0, or -EPROTO for a line that is not a QMP message. */
int qmp_handle_line(struct qmp *q, const char *line, size_t len);

#endif
