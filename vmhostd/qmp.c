/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's QMP client on a libevent bufferevent: one JSON object per line each way. */
#define LOG_MODULE "qmp"
#include "vmhostd/qmp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "common/json.h"
#include "common/log.h"

struct qmp_pending {
	struct qmp_pending *next;
	uint64_t id;
	qmp_reply_fn fn;
	void *arg;
};

struct qmp {
	struct bufferevent *bev;
	const struct qmp_callbacks *cb;
	void *arg;
	struct qmp_pending *pending;
	uint64_t next_id;
	int greeted;
	int closed;
	int in_cb;
	int dead;
};

static const struct qmp_callbacks qmp_no_callbacks;

static void
qmp_fail_all(struct qmp *q)
{
	struct qmp_pending *p;

	while ((p = q->pending)) {
		q->pending = p->next;
		if (p->fn)
			p->fn(p->arg, NULL, "GenericError", "monitor closed");
		free(p);
	}
}

static void
qmp_close(struct qmp *q, int err)
{
	if (q->closed)
		return;
	q->closed = 1;
	bufferevent_disable(q->bev, EV_READ | EV_WRITE);
	q->in_cb++;
	qmp_fail_all(q);
	if (q->cb->closed)
		q->cb->closed(q->arg, err);
	q->in_cb--;
}

static void
on_capabilities(void *arg, struct json *ret, const char *eclass,
    const char *edesc)
{
	struct qmp *q = arg;

	(void)ret;
	(void)eclass;
	if (edesc) {
		log_warn("qmp_capabilities refused: %s", edesc);
		qmp_close(q, -EPROTO);
		return;
	}
	if (q->cb->ready)
		q->cb->ready(q->arg);
}

static int
qmp_reply(struct qmp *q, struct json *msg)
{
	struct json *idv = json_get(msg, "id"), *ret = json_get(msg, "return");
	struct json *err = json_get(msg, "error");
	struct qmp_pending **pp, *p;
	uint64_t id = (uint64_t)json_int(idv, -1);

	for (pp = &q->pending; (p = *pp) && p->id != id; pp = &p->next)
		;
	if (!p)
		return idv ? 0 : -EPROTO;	/* unknown id: ignore */
	*pp = p->next;
	if (p->fn) {
		if (err)
			p->fn(p->arg, NULL, json_str(json_get(err, "class")),
			    json_str(json_get(err, "desc")) ?
			    json_str(json_get(err, "desc")) : "error");
		else
			p->fn(p->arg, ret, NULL, NULL);
	}
	free(p);
	return 0;
}

int
qmp_handle_line(struct qmp *q, const char *line, size_t len)
{
	char err[128];
	struct json *msg = json_parse(line, len, err, sizeof(err)), *ev, *ts;
	int r = 0;

	if (!msg || msg->type != JSON_OBJECT) {
		json_free(msg);
		return -EPROTO;
	}
	if (json_get(msg, "QMP") && !q->greeted) {
		q->greeted = 1;
		r = qmp_command(q, "qmp_capabilities", NULL, on_capabilities, q);
	} else if ((ev = json_get(msg, "event")) && json_str(ev)) {
		ts = json_get(msg, "timestamp");
		if (q->cb->event)
			q->cb->event(q->arg, json_str(ev), json_get(msg, "data"),
			    json_int(json_get(ts, "seconds"), 0),
			    json_int(json_get(ts, "microseconds"), 0));
	} else if (json_get(msg, "return") || json_get(msg, "error")) {
		r = qmp_reply(q, msg);
	} else {
		r = -EPROTO;
	}
	json_free(msg);
	return r;
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct qmp *q = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n;
	char *line;

	q->in_cb++;
	while (!q->closed && (line = evbuffer_readln(in, &n,
	    EVBUFFER_EOL_LF))) {
		if (n && qmp_handle_line(q, line, n) < 0) {
			log_warn("monitor sent a line that is not QMP: dropped the connection");
			qmp_close(q, -EPROTO);
		}
		free(line);
	}
	if (!q->closed && evbuffer_get_length(in) > QMP_MAX_LINE) {
		log_warn("monitor line over %u bytes: dropped the connection",
		    QMP_MAX_LINE);
		qmp_close(q, -EPROTO);
	}
	q->in_cb--;
	if (q->dead && !q->in_cb)
		qmp_free(q);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct qmp *q = arg;

	(void)bev;
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	qmp_close(q, (what & BEV_EVENT_ERROR) ? -EIO : 0);
	if (q->dead && !q->in_cb)
		qmp_free(q);
}

struct qmp *
qmp_new(struct event_base *base, int fd, const struct qmp_callbacks *cb,
    void *arg)
{
	struct qmp *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	evutil_make_socket_nonblocking(fd);
	q->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!q->bev) {
		free(q);
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
	struct qmp_pending *p;

	if (!q)
		return;
	if (q->in_cb) {		/* freed from a callback: finish later */
		q->dead = 1;
		q->cb = &qmp_no_callbacks;
		return;
	}
	while ((p = q->pending)) {
		q->pending = p->next;
		free(p);
	}
	bufferevent_free(q->bev);
	free(q);
}

int
qmp_command(struct qmp *q, const char *cmd, const char *args,
    qmp_reply_fn fn, void *arg)
{
	struct qmp_pending *p;
	char name[128];

	if (q->closed || q->dead)
		return -ENOTCONN;
	if (!(p = calloc(1, sizeof(*p))))
		return -ENOMEM;
	p->id = q->next_id++;
	p->fn = fn;
	p->arg = arg;
	json_quote(name, sizeof(name), cmd);
	evbuffer_add_printf(bufferevent_get_output(q->bev),
	    "{\"execute\":%s%s%s,\"id\":%llu}\n", name,
	    args ? ",\"arguments\":" : "", args ? args : "",
	    (unsigned long long)p->id);
	p->next = q->pending;
	q->pending = p;
	return 0;
}
