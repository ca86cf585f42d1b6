/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the JSON reader and of the QMP client against a fake monitor on a socketpair. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/json.h"
#include "tests/unit/check.h"
#include "vmhostd/qmp.h"

static struct json *
P(const char *s)
{
	char err[128];

	return json_parse(s, strlen(s), err, sizeof(err));
}

static void
test_json(void)
{
	struct json *v = P("{\"a\": [1, -2, 3.5, true, null, \"x\\u00e9\\ud83d\\ude00\\n\"], \"b\": {\"c\": \"d\"}}");
	char big[80], q[64];

	CHECK(v && v->type == JSON_OBJECT);
	CHECK_INT(json_get(v, "a")->n, 6);
	CHECK_INT(json_int(json_get(v, "a")->items[1], 0), -2);
	CHECK(json_get(v, "a")->items[2]->d == 3.5);
	CHECK_STR(json_get(v, "a")->items[5]->s, "x\xc3\xa9\xf0\x9f\x98\x80\n");
	CHECK_STR(json_str(json_get(json_get(v, "b"), "c")), "d");
	CHECK(json_get(v, "zz") == NULL && json_str(NULL) == NULL);
	json_free(v);
	/* malformed inputs: each refused, no crash */
	const char *bad[] = { "", "{", "[1,]", "{\"a\" 1}", "\"\\x\"", "tru",
		"\"\\ud800\"", "\"\\u0000\"", "1 2", "{\"a\":1,}", "\"a\nb\"",
		"99999999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		v = P(bad[i]);
		CHECK(v == NULL);
		json_free(v);
	}
	/* depth limit */
	memset(big, '[', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(P(big) == NULL);
	/* quoting escapes control bytes and quotes */
	json_quote(q, sizeof(q), "a\"b\\c\x01");
	CHECK_STR(q, "\"a\\\"b\\\\c\\u0001\"");
}

struct qstate {
	int ready, events, replies, closed;
	char last_event[32];
	struct event_base *base;
};

static void
q_ready(void *arg)
{
	((struct qstate *)arg)->ready++;
}

static void
q_event(void *arg, const char *name, struct json *data, int64_t s, int64_t u)
{
	struct qstate *st = arg;

	(void)data;
	(void)s;
	(void)u;
	st->events++;
	snprintf(st->last_event, sizeof(st->last_event), "%s", name);
}

static void
q_closed(void *arg, int err)
{
	struct qstate *st = arg;

	st->closed = err ? err : 1;
	event_base_loopbreak(st->base);
}

static void
q_reply(void *arg, struct json *ret, const char *eclass, const char *edesc)
{
	struct qstate *st = arg;

	(void)eclass;
	if (ret && !edesc)
		st->replies++;
	else if (edesc && strcmp(edesc, "monitor closed") == 0)
		st->replies += 100;
}

static const struct qmp_callbacks qcb = { q_ready, q_event, q_closed };

static void
peer_send(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		abort();
}

static void
run_briefly(struct event_base *base)
{
	struct timeval tv = { 0, 50000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static void
test_qmp(void)
{
	struct event_base *base = event_base_new();
	struct qstate st = { .base = base };
	char buf[4096];
	int sv[2];
	struct qmp *q;
	ssize_t n;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	q = qmp_new(base, sv[0], &qcb, &st);
	peer_send(sv[1], "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n");
	run_briefly(base);
	n = read(sv[1], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(strstr(buf, "\"execute\":\"qmp_capabilities\"") != NULL);
	peer_send(sv[1], "{\"return\": {}, \"id\": 1}\n");
	run_briefly(base);
	CHECK_INT(st.ready, 1);
	CHECK_INT(qmp_command(q, "query-status", NULL, q_reply, &st), 0);
	run_briefly(base);
	n = read(sv[1], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	CHECK(strstr(buf, "\"execute\":\"query-status\",\"id\":2") != NULL);
	peer_send(sv[1], "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"STOP\"}\n{\"return\": {\"status\": \"paused\"}, \"id\": 2}\n");
	run_briefly(base);
	CHECK_INT(st.events, 1);
	CHECK_STR(st.last_event, "STOP");
	CHECK_INT(st.replies, 1);
	/* a pending command when the monitor goes away gets "monitor closed" */
	qmp_command(q, "cont", NULL, q_reply, &st);
	peer_send(sv[1], "this is not json\n");
	run_briefly(base);
	CHECK(st.closed == -EPROTO);
	CHECK_INT(st.replies, 101);
	CHECK(qmp_command(q, "cont", NULL, NULL, NULL) == -ENOTCONN);
	qmp_free(q);
	close(sv[1]);
	event_base_free(base);
}

static void
test_qmp_overlong(void)
{
	struct event_base *base = event_base_new();
	struct qstate st = { .base = base };
	char *junk = malloc(QMP_MAX_LINE + 4096);
	int sv[2];
	struct qmp *q;
	size_t off = 0;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	q = qmp_new(base, sv[0], &qcb, &st);
	memset(junk, 'a', QMP_MAX_LINE + 4096);
	if (fork() == 0) {	/* a peer that never ends its line */
		while (off < QMP_MAX_LINE + 4096) {
			ssize_t n = write(sv[1], junk + off, QMP_MAX_LINE + 4096 - off);
			if (n <= 0)
				break;
			off += (size_t)n;
		}
		_exit(0);
	}
	close(sv[1]);
	event_base_dispatch(base);
	CHECK(st.closed == -EPROTO);
	qmp_free(q);
	free(junk);
	event_base_free(base);
}

int
main(void)
{
	test_json();
	test_qmp();
	test_qmp_overlong();
	return check_done();
}
