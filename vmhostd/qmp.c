/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's QMP client on a libevent bufferevent: one JSON object per line each way, never blocking. */
#define LOG_MODULE "qmp"
#include "vmhostd/qmp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "common/json.h"
#include "common/log.h"

struct qmp_pending {
	struct qmp_pending *next;
	int64_t id;
	qmp_reply_fn fn;
	void *arg;
};

enum qmp_state { QMP_GREETING, QMP_NEGOTIATING, QMP_READY, QMP_CLOSED };

struct qmp {
	struct bufferevent *bev;
	struct evbuffer *held;	/* commands issued before the greeting */
	const struct qmp_callbacks *cb;
	void *arg;
	struct qmp_pending *head, *tail;	/* in the order sent */
	int64_t next_id;
	enum qmp_state state;
	size_t scanned;		/* input bytes known to hold no newline */
	int depth;		/* our frames on the stack (callbacks may free) */
	int dead;		/* qmp_free was called inside a callback */
};

static int proto_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
proto_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EPROTO;
}

static void
qmp_drop_pending(struct qmp *q)
{
	struct qmp_pending *p;

	while ((p = q->head)) {
		q->head = p->next;
		free(p);
	}
	q->tail = NULL;
}

static void
qmp_destroy(struct qmp *q)
{
	qmp_drop_pending(q);
	if (q->bev)
		bufferevent_free(q->bev);
	if (q->held)
		evbuffer_free(q->held);
	free(q);
}

static void
qmp_enter(struct qmp *q)
{
	q->depth++;
}

/* Leaving our outermost frame: finish a deferred free or close. */
static void
qmp_leave(struct qmp *q)
{
	if (--q->depth > 0)
		return;
	if (q->dead) {
		qmp_destroy(q);
	} else if (q->state == QMP_CLOSED && q->bev) {
		bufferevent_free(q->bev);	/* closes the socket */
		q->bev = NULL;
	}
}

/* Every pending command gets its error, in the order sent. */
static void
qmp_fail_all(struct qmp *q)
{
	struct qmp_pending *p;

	while (!q->dead && (p = q->head)) {
		if (!(q->head = p->next))
			q->tail = NULL;
		if (p->fn)
			p->fn(p->arg, NULL, "MonitorClosed", QMP_ERROR_CLOSED);
		free(p);
	}
}

/* Only from inside qmp_enter/qmp_leave, which frees the bufferevent. */
static void
qmp_close(struct qmp *q, int err)
{
	if (q->state == QMP_CLOSED || q->dead)
		return;
	q->state = QMP_CLOSED;
	bufferevent_disable(q->bev, EV_READ | EV_WRITE);
	qmp_fail_all(q);
	if (!q->dead && q->cb->closed)
		q->cb->closed(q->arg, err);
}

static struct qmp_pending *
pending_take(struct qmp *q, int64_t id)
{
	struct qmp_pending **pp, *p, *prev = NULL;

	for (pp = &q->head; (p = *pp); prev = p, pp = &p->next) {
		if (p->id != id)
			continue;
		*pp = p->next;
		if (q->tail == p)
			q->tail = prev;
		return p;
	}
	return NULL;
}

static void
pending_add(struct qmp *q, struct qmp_pending *p, int first)
{
	if (first) {
		p->next = q->head;
		q->head = p;
		if (!q->tail)
			q->tail = p;
		return;
	}
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
}

/* {"execute": cmd, "arguments": args, "id": id} and a newline; takes args. */
static int
qmp_format(const char *cmd, struct json *args, int64_t id, char **line,
    size_t *len)
{
	struct json *msg = json_new_object();
	char *text = NULL;
	int r = -ENOMEM;

	if (!msg || (args && json_set(msg, "arguments", args) < 0)) {
		if (!msg)
			json_free(args);
		goto out;
	}
	if (json_set_str(msg, "execute", cmd) < 0 ||
	    json_set_int(msg, "id", id) < 0)
		goto out;
	if (!(text = json_write(msg, len))) {
		r = errno == ENOMEM ? -ENOMEM : -EINVAL;
		goto out;
	}
	if (!(*line = realloc(text, *len + 2)))
		goto out;
	text = NULL;
	(*line)[(*len)++] = '\n';
	(*line)[*len] = '\0';
	r = 0;
out:
	free(text);
	json_free(msg);
	return r;
}

/* Queue a command; until the greeting, in q->held (first: the
 * capabilities command, which goes out ahead of those). */
static int
qmp_send(struct qmp *q, const char *cmd, struct json *args, qmp_reply_fn fn,
    void *arg, int first)
{
	struct evbuffer *out = bufferevent_get_output(q->bev);
	size_t queued = evbuffer_get_length(out) + evbuffer_get_length(q->held);
	struct qmp_pending *p = calloc(1, sizeof(*p));
	size_t len = 0;
	char *line = NULL;
	int r;

	if (!p) {
		json_free(args);
		return -ENOMEM;
	}
	if ((r = qmp_format(cmd, args, q->next_id, &line, &len)) < 0)
		goto out;
	r = -ENOBUFS;
	if (queued + len > QMP_MAX_OUTPUT)
		goto out;
	r = -ENOMEM;
	if (evbuffer_add(q->state == QMP_GREETING ? q->held : out, line,
	    len) < 0)
		goto out;
	p->id = q->next_id++;
	p->fn = fn;
	p->arg = arg;
	pending_add(q, p, first);
	p = NULL;
	r = 0;
out:
	free(line);
	free(p);
	return r;
}

int
qmp_command(struct qmp *q, const char *cmd, struct json *args,
    qmp_reply_fn fn, void *arg)
{
	if (!q || !cmd || !*cmd || (args && args->type != JSON_OBJECT)) {
		json_free(args);
		return -EINVAL;
	}
	if (q->state == QMP_CLOSED || q->dead) {
		json_free(args);
		return -ENOTCONN;
	}
	return qmp_send(q, cmd, args, fn, arg, 0);
}

int
qmp_is_ready(const struct qmp *q)
{
	return q && !q->dead && q->state == QMP_READY;
}

static void
on_capabilities(void *arg, struct json *ret, const char *eclass,
    const char *edesc)
{
	struct qmp *q = arg;
	char e[128];

	(void)eclass;
	if (!ret) {
		if (q->state == QMP_CLOSED)
			return;
		log_warn("monitor refused qmp_capabilities: %s",
		    str_escape(e, sizeof(e), edesc));
		qmp_close(q, -EPROTO);
		return;
	}
	q->state = QMP_READY;
	if (q->cb->ready)
		q->cb->ready(q->arg);
}

static int
qmp_greeting(struct qmp *q, struct json *msg, char *err, size_t errlen)
{
	int r;

	if (!json_get(msg, "QMP") || json_get(msg, "QMP")->type != JSON_OBJECT)
		return proto_err(err, errlen, "expected the QMP greeting");
	q->state = QMP_NEGOTIATING;
	r = qmp_send(q, "qmp_capabilities", NULL, on_capabilities, q, 1);
	if (r < 0 || evbuffer_add_buffer(bufferevent_get_output(q->bev),
	    q->held) < 0)
		return proto_err(err, errlen, "cannot queue qmp_capabilities: %s",
		    strerror(r < 0 ? -r : ENOMEM));
	return 0;
}

static int
qmp_reply(struct qmp *q, struct json *msg, char *err, size_t errlen)
{
	struct json *idv = json_get(msg, "id"), *e = json_get(msg, "error");
	const char *class = json_str(json_get(e, "class"));
	const char *desc = json_str(json_get(e, "desc"));
	struct qmp_pending *p;
	char d[128];

	if (!idv || idv->type != JSON_INT)
		return proto_err(err, errlen, "reply without our id%s%s",
		    desc ? ": " : "", desc ? str_escape(d, sizeof(d), desc) : "");
	if (!(p = pending_take(q, idv->i))) {
		log_debug("reply to unknown id %lld ignored", (long long)idv->i);
		return 0;
	}
	if (p->fn && e)
		p->fn(p->arg, NULL, class ? class : "GenericError",
		    desc ? desc : "unknown error");
	else if (p->fn)
		p->fn(p->arg, json_get(msg, "return"), NULL, NULL);
	free(p);
	return 0;
}

static int
qmp_event(struct qmp *q, struct json *msg, char *err, size_t errlen)
{
	const char *name = json_str(json_get(msg, "event"));
	struct json *ts = json_get(msg, "timestamp");

	if (!name)
		return proto_err(err, errlen, "event name is not a string");
	if (q->cb->event)
		q->cb->event(q->arg, name, json_get(msg, "data"),
		    json_int(json_get(ts, "seconds"), 0),
		    json_int(json_get(ts, "microseconds"), 0));
	return 0;
}

static int
blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

static int
qmp_dispatch(struct qmp *q, const char *line, size_t len, char *err,
    size_t errlen)
{
	struct json *msg;
	int r;

	if (q->state == QMP_CLOSED || q->dead)
		return 0;
	if (blank(line, len))
		return 0;
	if (!(msg = json_parse(line, len, err, errlen)))
		return -EPROTO;
	if (msg->type != JSON_OBJECT)
		r = proto_err(err, errlen, "message is not a JSON object");
	else if (q->state == QMP_GREETING)
		r = qmp_greeting(q, msg, err, errlen);
	else if (json_get(msg, "event"))
		r = qmp_event(q, msg, err, errlen);
	else if (json_get(msg, "return") || json_get(msg, "error"))
		r = qmp_reply(q, msg, err, errlen);
	else
		r = proto_err(err, errlen, "neither a reply nor an event");
	json_free(msg);
	return r;
}

int
qmp_handle_line(struct qmp *q, const char *line, size_t len, char *err,
    size_t errlen)
{
	int r;

	if (err && errlen)
		err[0] = '\0';
	qmp_enter(q);
	r = qmp_dispatch(q, line, len, err, errlen);
	qmp_leave(q);
	return r;
}

static void
qmp_protocol_error(struct qmp *q, const char *why)
{
	char e[192];

	log_warn("monitor sent something that is not QMP (%s): closing it",
	    str_escape(e, sizeof(e), why));
	qmp_close(q, -EPROTO);
}

/* Each complete line in turn; a line over QMP_MAX_LINE ends it all. */
static void
qmp_read_lines(struct qmp *q, struct evbuffer *in)
{
	struct evbuffer_ptr from, eol;
	size_t eol_len = 0;
	char err[160];

	while (q->state != QMP_CLOSED && !q->dead) {
		evbuffer_ptr_set(in, &from, q->scanned, EVBUFFER_PTR_SET);
		eol = evbuffer_search_eol(in, &from, &eol_len, EVBUFFER_EOL_LF);
		if (eol.pos < 0) {
			q->scanned = evbuffer_get_length(in);
			if (q->scanned > QMP_MAX_LINE)
				qmp_protocol_error(q, "line over QMP_MAX_LINE");
			return;
		}
		q->scanned = 0;
		if ((size_t)eol.pos > QMP_MAX_LINE) {
			qmp_protocol_error(q, "line over QMP_MAX_LINE");
			return;
		}
		err[0] = '\0';
		if (qmp_dispatch(q, (const char *)evbuffer_pullup(in,
		    eol.pos + (ssize_t)eol_len), (size_t)eol.pos, err,
		    sizeof(err)) < 0)
			qmp_protocol_error(q, err);
		if (q->state != QMP_CLOSED && !q->dead)
			evbuffer_drain(in, (size_t)eol.pos + eol_len);
	}
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct qmp *q = arg;

	qmp_enter(q);
	qmp_read_lines(q, bufferevent_get_input(bev));
	qmp_leave(q);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct qmp *q = arg;
	int err = 0;

	(void)bev;
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	if (what & BEV_EVENT_ERROR)
		err = EVUTIL_SOCKET_ERROR() ? -EVUTIL_SOCKET_ERROR() : -EIO;
	log_debug("monitor connection ended: %s", err ? strerror(-err) : "EOF");
	qmp_enter(q);
	qmp_close(q, err);
	qmp_leave(q);
}

struct qmp *
qmp_new(struct event_base *base, int fd, const struct qmp_callbacks *cb,
    void *arg)
{
	struct qmp *q = fd < 0 ? NULL : calloc(1, sizeof(*q));

	if (!q || evutil_make_socket_nonblocking(fd) < 0 ||
	    !(q->held = evbuffer_new()) ||
	    !(q->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE))) {
		if (q && q->held)
			evbuffer_free(q->held);
		free(q);
		close(fd);
		return NULL;
	}
	q->cb = cb;
	q->arg = arg;
	q->next_id = 1;
	bufferevent_setcb(q->bev, on_read, NULL, on_event, q);
	bufferevent_enable(q->bev, EV_READ | EV_WRITE);
	return q;
}

void
qmp_free(struct qmp *q)
{
	if (!q)
		return;
	if (q->depth > 0) {	/* inside one of our callbacks: finish later */
		q->dead = 1;
		qmp_drop_pending(q);
		if (q->bev)
			bufferevent_disable(q->bev, EV_READ | EV_WRITE);
		return;
	}
	qmp_destroy(q);
}
