/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the JSON reader/writer and of the QMP client against fake monitors on socketpairs. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/json.h"
#include "tests/unit/check.h"
#include "vmhostd/qmp.h"

static char perr[160];

static struct json *
P(const char *s)
{
	return json_parse(s, strlen(s), perr, sizeof(perr));
}

/* Parse, write, and compare with the expected compact text. */
static void
check_round(const char *in, const char *want)
{
	struct json *v = P(in), *w;
	char *out = v ? json_write(v, NULL) : NULL, *again;

	CHECK_STR(out, want);
	w = out ? P(out) : NULL;
	again = w ? json_write(w, NULL) : NULL;
	CHECK_STR(again, want);
	if (!v)
		fprintf(stderr, "  parse of %s: %s\n", in, perr);
	json_free(v);
	json_free(w);
	free(out);
	free(again);
}

/* Refused, with an error naming the reason. */
static void
check_bad(const char *in, size_t len, const char *reason)
{
	struct json *v = json_parse(in, len, perr, sizeof(perr));

	CHECK(v == NULL);
	CHECK(strstr(perr, reason) != NULL);
	if (!strstr(perr, reason))
		fprintf(stderr, "  input %.40s: got '%s', want '%s'\n", in, perr,
		    reason);
	json_free(v);
}

static void
test_round_trips(void)
{
	check_round(" { \"a\" : [ 1 , -2 , 3.5 , true , false , null ] } ",
	    "{\"a\":[1,-2,3.5,true,false,null]}");
	check_round("{}", "{}");
	check_round("[]", "[]");
	check_round("[[],{},\"\"]", "[[],{},\"\"]");
	check_round("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\\"\\\\/\\b\\f\\n\\r\\t\"");
	check_round("\"\\u0001\\u001f\\u007f\"", "\"\\u0001\\u001f\\u007f\"");
	check_round("\"\\u00e9\\u20ac\\ud83d\\ude00\"",
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	check_round("\"\xc3\xa9\xf4\x8f\xbf\xbf\"", "\"\xc3\xa9\xf4\x8f\xbf\xbf\"");
	check_round("1.0", "1.0");
	check_round("0.1", "0.1");
	check_round("0.30000000000000004", "0.30000000000000004");
	check_round("[1e300,-2.5E-7]", "[1e+300,-2.5e-07]");
	check_round("-0", "0");
	check_round("1E2", "100.0");
	check_round("9223372036854775807", "9223372036854775807");
	check_round("-9223372036854775808", "-9223372036854775808");
	check_round("{\"QMP\":{\"version\":{\"qemu\":{\"micro\":22}}}}",
	    "{\"QMP\":{\"version\":{\"qemu\":{\"micro\":22}}}}");
}

static void
test_values(void)
{
	struct json *v = P("{\"a\": [1, 2.5, \"s\", true], \"a\": 7, \"n\": null}");
	struct json *a = json_get(v, "a");

	CHECK(v && v->type == JSON_OBJECT && json_len(v) == 3);
	CHECK_INT(json_len(a), 4);	/* duplicate key: the first wins */
	CHECK_INT(json_int(json_at(a, 0), -1), 1);
	CHECK(json_double(json_at(a, 0), 0) == 1.0);
	CHECK(json_double(json_at(a, 1), 0) == 2.5);
	CHECK_INT(json_int(json_at(a, 1), -1), -1);	/* a double is no int */
	CHECK_STR(json_str(json_at(a, 2)), "s");
	CHECK_INT(json_bool(json_at(a, 3), 0), 1);
	CHECK(json_at(a, 4) == NULL && json_at(v, 0) == NULL);
	CHECK(json_get(v, "n") && json_get(v, "n")->type == JSON_NULL);
	CHECK(json_get(v, "zz") == NULL && json_get(a, "a") == NULL);
	CHECK(json_str(NULL) == NULL && json_int(NULL, 5) == 5 &&
	    json_len(NULL) == 0 && json_bool(NULL, 2) == 2);
	json_free(v);
	json_free(NULL);
}

static void
test_numbers(void)
{
	struct json *v;

	v = P("9223372036854775808");	/* past int64: a double */
	CHECK(v && v->type == JSON_DOUBLE && v->d == 9223372036854775808.0);
	json_free(v);
	v = P("-123456789012345678901234567890");
	CHECK(v && v->type == JSON_DOUBLE && v->d < -1.2e29);
	json_free(v);
	v = P("1.7976931348623157e308");
	CHECK(v && v->type == JSON_DOUBLE && isfinite(v->d));
	json_free(v);
	v = P("1e-400");		/* underflow is zero, not an error */
	CHECK(v && v->type == JSON_DOUBLE && v->d == 0.0);
	json_free(v);
	check_bad("1e309", 5, "number out of range");
	check_bad("-1e999", 6, "number out of range");
	const char *bad[] = { "01", "-", "1.", ".5", "+1", "1e", "1e+",
		"0x10", "NaN", "Infinity", "-Infinity", "1.e5", "--1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		v = P(bad[i]);
		CHECK(v == NULL && perr[0]);
		json_free(v);
	}
	char longnum[JSON_MAX_NUMBER + 2];
	memset(longnum, '1', sizeof(longnum) - 1);
	longnum[sizeof(longnum) - 1] = '\0';
	check_bad(longnum, strlen(longnum), "number longer than 512");
	longnum[JSON_MAX_NUMBER] = '\0';
	longnum[0] = '0';
	longnum[1] = '.';
	v = P(longnum);
	CHECK(v && v->type == JSON_DOUBLE);
	if (!v)
		fprintf(stderr, "  %s\n", perr);
	json_free(v);
}

static void
test_malformed(void)
{
	static const struct { const char *in, *reason; } t[] = {
		{ "", "at byte 0: unexpected end of input" },
		{ "   ", "at byte 3: unexpected end of input" },
		{ "{", "expected a string as object key" },
		{ "[1", "unexpected end of input, expected ',' or ']'" },
		{ "[1,]", "at byte 3: unexpected character ']'" },
		{ "[1 2]", "expected ',' or ']'" },
		{ "{\"a\" 1}", "expected ':' after an object key" },
		{ "{\"a\":1,}", "expected a string as object key" },
		{ "{1:2}", "expected a string as object key" },
		{ "{\"a\":1 \"b\":2}", "expected ',' or '}'" },
		{ "\"abc", "unterminated string" },
		{ "\"\\x\"", "invalid escape '\\x'" },
		{ "\"\\u12\"", "invalid \\u escape" },
		{ "\"\\u12g4\"", "invalid \\u escape" },
		{ "\"\\ud800\"", "unpaired high surrogate \\ud800" },
		{ "\"\\ud800\\u0041\"", "unpaired high surrogate" },
		{ "\"\\udc00\"", "lone low surrogate \\udc00" },
		{ "\"\\u0000\"", "\\u0000 is not allowed" },
		{ "\"a\nb\"", "control character 0x0a in a string" },
		{ "\"\xc0\x80\"", "invalid UTF-8" },		/* overlong NUL */
		{ "\"\xed\xa0\x80\"", "invalid UTF-8" },	/* surrogate */
		{ "\"\xf4\x90\x80\x80\"", "invalid UTF-8" },	/* > U+10FFFF */
		{ "\"\xe2\x82\"", "invalid UTF-8" },		/* truncated */
		{ "\"\xff\"", "invalid UTF-8" },
		{ "tru", "invalid literal (expected 'true')" },
		{ "nul", "invalid literal (expected 'null')" },
		{ "1 2", "at byte 2: trailing characters after the value" },
		{ "{}x", "trailing characters" },
		{ "'a'", "unexpected character '''" },
		{ "\x01", "unexpected byte 0x01" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
		check_bad(t[i].in, strlen(t[i].in), t[i].reason);
	check_bad("\"a\0b\"", 5, "control character 0x00");
	check_bad("1\0", 2, "trailing characters");
}

static char *
nested(int depth, char open, char close)
{
	char *s = malloc((size_t)depth * 2 + 1);

	memset(s, open, (size_t)depth);
	memset(s + depth, close, (size_t)depth);
	s[depth * 2] = '\0';
	return s;
}

static void
test_limits(void)
{
	char *s = nested(JSON_MAX_DEPTH, '[', ']'), *big;
	struct json *v = P(s);

	CHECK(v != NULL);	/* exactly at the limit */
	free(s);
	s = nested(JSON_MAX_DEPTH + 1, '[', ']');
	check_bad(s, strlen(s), "at byte 64: nested deeper than 64");
	free(s);
	s = nested(100000, '[', ']');	/* no stack overflow */
	check_bad(s, strlen(s), "nested deeper than 64");
	free(s);
	json_free(v);
	/* a document of exactly JSON_MAX_SIZE bytes, and one byte more */
	big = malloc(JSON_MAX_SIZE + 2);
	memset(big, 'a', JSON_MAX_SIZE + 1);
	big[0] = '"';
	big[JSON_MAX_SIZE - 1] = '"';
	v = json_parse(big, JSON_MAX_SIZE, perr, sizeof(perr));
	CHECK(v && strlen(json_str(v)) == JSON_MAX_SIZE - 2);
	json_free(v);
	big[JSON_MAX_SIZE - 1] = 'a';
	big[JSON_MAX_SIZE] = '"';
	check_bad(big, JSON_MAX_SIZE + 1, "over the 1048576-byte limit");
	free(big);
}

static void
test_builder(void)
{
	struct json *o = json_new_object(), *a = json_new_array(), *deep;
	char *out;
	size_t len = 0;

	CHECK_INT(json_set_str(o, "name", "q\"\\\n\x01\x7f\xc3\xa9"), 0);
	CHECK_INT(json_set_int(o, "n", -5), 0);
	CHECK_INT(json_set_bool(o, "b", 1), 0);
	CHECK_INT(json_set_int(o, "n", INT64_MAX), 0);	/* replaced */
	CHECK_INT(json_append(a, json_new_double(0.5)), 0);
	CHECK_INT(json_append(a, json_new_null()), 0);
	CHECK_INT(json_append(a, json_new_str("x")), 0);
	CHECK_INT(json_set(o, "a", a), 0);
	CHECK_INT(json_append(o, json_new_int(1)), -EINVAL);
	CHECK_INT(json_set(a, "k", json_new_int(1)), -EINVAL);
	CHECK_INT(json_set(o, "k", NULL), -ENOMEM);
	CHECK_INT(json_set_str(o, "k", NULL), -EINVAL);
	CHECK(json_new_str(NULL) == NULL);
	out = json_write(o, &len);
	CHECK_STR(out, "{\"name\":\"q\\\"\\\\\\n\\u0001\\u007f\xc3\xa9\","
	    "\"n\":9223372036854775807,\"b\":true,\"a\":[0.5,null,\"x\"]}");
	CHECK(out && len == strlen(out));
	free(out);
	/* what the writer cannot write */
	CHECK_INT(json_set_str(o, "bad", "\xff"), 0);
	errno = 0;
	CHECK(json_write(o, NULL) == NULL && errno == EILSEQ);
	json_free(o);
	o = json_new_double(NAN);
	CHECK(json_write(o, NULL) == NULL && errno == EDOM);
	json_free(o);
	o = json_new_double(-INFINITY);
	CHECK(json_write(o, NULL) == NULL && errno == EDOM);
	json_free(o);
	deep = json_new_array();
	for (int i = 0; i < JSON_MAX_DEPTH; i++) {
		o = json_new_array();
		json_append(o, deep);
		deep = o;
	}
	CHECK(json_write(deep, NULL) == NULL && errno == ELOOP);
	json_free(deep);
}

static void
test_quote(void)
{
	char q[64], small[6];

	CHECK_INT(json_quote(q, sizeof(q), "a\"b\\c\x01\t"), 17);
	CHECK_STR(q, "\"a\\\"b\\\\c\\u0001\\t\"");
	CHECK_INT(json_quote(q, sizeof(q), "x\xffy"), 7);	/* U+FFFD */
	CHECK_STR(q, "\"x\xef\xbf\xbdy\"");
	CHECK_INT(json_quote(small, sizeof(small), "abcdefgh"), 10);
	CHECK_STR(small, "\"abcd");
	CHECK_INT(json_quote(NULL, 0, "ab"), 4);
}

/* --- QMP against a fake monitor ------------------------------------ */

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, \"capabilities\": [\"oob\"]}}\r\n"

struct qctx {
	char log[4096];
	struct qmp *q;
	int free_in_reply;	/* qmp_free from the reply callback */
	int free_in_event;
	int cmd_in_closed;	/* qmp_command result from closed */
};

static void qlog(struct qctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
qlog(struct qctx *c, const char *fmt, ...)
{
	size_t n = strlen(c->log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->log + n, sizeof(c->log) - n, fmt, ap);
	va_end(ap);
}

static void
q_ready(void *arg)
{
	qlog(arg, "ready;");
}

static void
q_event(void *arg, const char *name, struct json *data, int64_t s, int64_t u)
{
	struct qctx *c = arg;
	const char *reason = json_str(json_get(data, "reason"));

	qlog(c, "event:%s:%lld.%lld%s%s;", name, (long long)s, (long long)u,
	    reason ? ":" : "", reason ? reason : "");
	if (c->free_in_event) {
		qmp_free(c->q);
		c->q = NULL;
	}
}

static void
q_closed(void *arg, int err)
{
	struct qctx *c = arg;

	c->cmd_in_closed = qmp_command(c->q, "cont", NULL, NULL, NULL);
	qlog(c, "closed:%d;", err);
}

static void
q_reply(void *arg, struct json *ret, const char *eclass, const char *edesc)
{
	struct qctx *c = arg;
	char *text = ret ? json_write(ret, NULL) : NULL;

	if (ret)
		qlog(c, "ok:%s;", text);
	else
		qlog(c, "err:%s:%s;", eclass, edesc);
	free(text);
	if (c->free_in_reply) {
		qmp_free(c->q);
		c->q = NULL;
	}
}

static const struct qmp_callbacks qcb = { q_ready, q_event, q_closed };

struct peer {
	struct event_base *base;
	int fd;
	struct qctx c;
};

static void
peer_open(struct peer *p)
{
	int sv[2];

	memset(p, 0, sizeof(*p));
	p->base = event_base_new();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		abort();
	p->fd = sv[1];
	p->c.q = qmp_new(p->base, sv[0], &qcb, &p->c);
}

static void
peer_close(struct peer *p)
{
	qmp_free(p->c.q);
	if (p->fd >= 0)
		close(p->fd);
	event_base_free(p->base);
}

/* Let the client run until nothing is left to do right now. */
static void
pump(struct peer *p)
{
	for (int i = 0; i < 8; i++)
		event_base_loop(p->base, EVLOOP_NONBLOCK);
}

static void
peer_send(struct peer *p, const char *s)
{
	if (write(p->fd, s, strlen(s)) != (ssize_t)strlen(s))
		abort();
	pump(p);
}

/* What the client wrote since the last call. */
static const char *
peer_recv(struct peer *p)
{
	static char buf[65536];
	size_t n = 0;
	ssize_t r;

	pump(p);
	while (n < sizeof(buf) - 1 && poll(&(struct pollfd){ p->fd, POLLIN, 0 },
	    1, 0) == 1 && (r = read(p->fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	return buf;
}

/* The normal conversation, commands queued before the greeting. */
static void
test_qmp_flow(void)
{
	struct peer p;

	peer_open(&p);
	CHECK(p.c.q != NULL && !qmp_is_ready(p.c.q));
	CHECK_INT(qmp_command(p.c.q, "query-status", NULL, q_reply, &p.c), 0);
	CHECK_STR(peer_recv(&p), "");	/* nothing before the greeting */
	peer_send(&p, GREETING);
	CHECK_STR(peer_recv(&p), "{\"execute\":\"qmp_capabilities\",\"id\":2}\n"
	    "{\"execute\":\"query-status\",\"id\":1}\n");
	peer_send(&p, "{\"return\": {}, \"id\": 2}\r\n");
	CHECK(qmp_is_ready(p.c.q));
	peer_send(&p, "{\"timestamp\": {\"seconds\": 17, \"microseconds\": 42},"
	    " \"event\": \"STOP\"}\r\n\r\n"
	    "{\"return\": {\"status\": \"paused\", \"running\": false}, \"id\": 1}\r\n");
	CHECK_STR(p.c.log, "ready;event:STOP:17.42;"
	    "ok:{\"status\":\"paused\",\"running\":false};");
	p.c.log[0] = '\0';
	/* out-of-order replies, an error reply, an unknown id */
	CHECK_INT(qmp_command(p.c.q, "a", NULL, q_reply, &p.c), 0);
	CHECK_INT(qmp_command(p.c.q, "b", NULL, q_reply, &p.c), 0);
	CHECK_INT(qmp_command(p.c.q, "c", NULL, NULL, NULL), 0);
	peer_recv(&p);
	peer_send(&p, "{\"error\": {\"class\": \"CommandNotFound\", \"desc\":"
	    " \"The command b has not been found\"}, \"id\": 4}\n"
	    "{\"return\": 5, \"id\": 3}\n{\"return\": {}, \"id\": 5}\n"
	    "{\"return\": {}, \"id\": 99}\n");
	CHECK_STR(p.c.log, "err:CommandNotFound:The command b has not been found;"
	    "ok:5;");
	p.c.log[0] = '\0';
	/* a SHUTDOWN and the end: pending commands fail before closed */
	CHECK_INT(qmp_command(p.c.q, "quit", NULL, q_reply, &p.c), 0);
	peer_send(&p, "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, "
	    "\"event\": \"SHUTDOWN\", \"data\": {\"guest\": false, "
	    "\"reason\": \"host-qmp-quit\"}}\n");
	CHECK_STR(peer_recv(&p), "{\"execute\":\"quit\",\"id\":6}\n");
	close(p.fd);
	p.fd = -1;
	pump(&p);
	CHECK_STR(p.c.log, "event:SHUTDOWN:1.2:host-qmp-quit;"
	    "err:MonitorClosed:monitor closed;closed:0;");
	CHECK_INT(p.c.cmd_in_closed, -ENOTCONN);
	CHECK_INT(qmp_command(p.c.q, "cont", NULL, NULL, NULL), -ENOTCONN);
	CHECK(!qmp_is_ready(p.c.q));
	peer_close(&p);
}

/* Arguments go out escaped, and bad commands are refused up front. */
static void
test_qmp_args(void)
{
	struct peer p;
	struct json *args = json_new_object(), *sent;
	const char *line;

	peer_open(&p);
	peer_send(&p, GREETING);
	peer_recv(&p);
	json_set_str(args, "path", "/tmp/a \"b\"\n\\c\x1b");
	json_set_int(args, "size", -1);
	CHECK_INT(qmp_command(p.c.q, "x-test", args, NULL, NULL), 0);
	line = peer_recv(&p);
	CHECK(strchr(line, '\n') == line + strlen(line) - 1);
	sent = json_parse(line, strlen(line), perr, sizeof(perr));
	CHECK_STR(json_str(json_get(sent, "execute")), "x-test");
	CHECK_STR(json_str(json_get(json_get(sent, "arguments"), "path")),
	    "/tmp/a \"b\"\n\\c\x1b");
	CHECK_INT(json_int(json_get(json_get(sent, "arguments"), "size"), 0), -1);
	json_free(sent);
	CHECK_INT(qmp_command(p.c.q, "x", json_new_array(), NULL, NULL), -EINVAL);
	CHECK_INT(qmp_command(p.c.q, "", NULL, NULL, NULL), -EINVAL);
	CHECK_INT(qmp_command(p.c.q, NULL, NULL, NULL, NULL), -EINVAL);
	CHECK_INT(qmp_command(p.c.q, "\xff", NULL, NULL, NULL), -EINVAL);
	args = json_new_object();
	json_set_str(args, "s", "\xc3");
	CHECK_INT(qmp_command(p.c.q, "x", args, q_reply, &p.c), -EINVAL);
	CHECK_INT(qmp_command(NULL, "x", json_new_object(), NULL, NULL), -EINVAL);
	CHECK_STR(peer_recv(&p), "");
	CHECK_STR(p.c.log, "");
	peer_close(&p);
}

/* A peer that never reads: commands are refused past QMP_MAX_OUTPUT. */
static void
test_qmp_backlog(void)
{
	struct peer p;
	char *blob = malloc(65536);
	int r = 0, n = 0;

	memset(blob, 'x', 65535);
	blob[65535] = '\0';
	peer_open(&p);
	peer_send(&p, GREETING);
	while (n < 1000) {
		struct json *a = json_new_object();

		json_set_str(a, "blob", blob);
		if ((r = qmp_command(p.c.q, "x", a, q_reply, &p.c)) < 0)
			break;
		n++;
		pump(&p);
	}
	CHECK_INT(r, -ENOBUFS);
	CHECK(n > 200 && n < 300);
	peer_close(&p);		/* pending dropped, no callbacks */
	CHECK_STR(p.c.log, "");
	free(blob);
}

/* Every line that is not QMP closes the client with -EPROTO. */
static void
test_qmp_garbage(void)
{
	static const char *lines[] = {
		"this is not json\n",
		"[1, 2]\n",
		"{\"return\": {}, \"id\": 1}\n",	/* before the greeting */
		"\"QMP\"\n",
	};
	static const char *after[] = {
		"{\"event\": 5}\n",
		"{\"return\": {}}\n",
		"{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error\"}}\n",
		"{\"id\": 1}\n",
		"{\"QMP\": {}}\n",
		"{\"return\": {}, \"id\": 1\n",
		"\xff\xfe\n",
	};
	struct peer p;

	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++) {
		peer_open(&p);
		qmp_command(p.c.q, "cont", NULL, q_reply, &p.c);
		peer_send(&p, lines[i]);
		CHECK_STR(p.c.log, "err:MonitorClosed:monitor closed;closed:-71;");
		CHECK_STR(peer_recv(&p), "");	/* socket closed, nothing sent */
		peer_close(&p);
	}
	for (size_t i = 0; i < sizeof(after) / sizeof(*after); i++) {
		peer_open(&p);
		peer_send(&p, GREETING);
		peer_send(&p, "{\"return\": {}, \"id\": 1}\n");
		peer_send(&p, after[i]);
		CHECK_STR(p.c.log, "ready;closed:-71;");
		peer_close(&p);
	}
}

/* Overlong lines, with and without their newline, and split lines. */
static void
test_qmp_lines(void)
{
	size_t big = QMP_MAX_LINE + 2;
	char *junk = malloc(big + 1);
	struct peer p;
	size_t off = 0;

	memset(junk, ' ', big);
	junk[big] = '\0';
	for (int nl = 0; nl < 2; nl++) {
		peer_open(&p);
		fcntl(p.fd, F_SETFL, O_NONBLOCK);
		junk[big - 1] = nl ? '\n' : ' ';
		for (off = 0; off < big && !strstr(p.c.log, "closed");) {
			ssize_t r = write(p.fd, junk + off, big - off);

			off += r > 0 ? (size_t)r : 0;
			pump(&p);
		}
		CHECK_STR(p.c.log, "closed:-71;");
		peer_close(&p);
	}
	free(junk);
	/* a greeting byte by byte, then two messages in one write */
	peer_open(&p);
	for (const char *s = GREETING; *s; s++) {
		char one[2] = { *s, 0 };

		peer_send(&p, one);
	}
	peer_send(&p, "{\"return\": {}, \"id\": 1}\n{\"event\": \"RESUME\"}\n");
	CHECK_STR(p.c.log, "ready;event:RESUME:0.0;");
	peer_close(&p);
}

/* The monitor refuses qmp_capabilities. */
static void
test_qmp_refused(void)
{
	struct peer p;

	peer_open(&p);
	peer_send(&p, GREETING);
	peer_send(&p, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}, \"id\": 1}\n");
	CHECK_STR(p.c.log, "closed:-71;");
	peer_close(&p);
}

/* qmp_free from inside callbacks: nothing runs after it, nothing leaks. */
static void
test_qmp_free_inside(void)
{
	struct peer p;

	peer_open(&p);
	p.c.free_in_reply = 1;
	peer_send(&p, GREETING);
	qmp_command(p.c.q, "a", NULL, q_reply, &p.c);
	qmp_command(p.c.q, "b", NULL, q_reply, &p.c);
	peer_send(&p, "{\"return\": {}, \"id\": 1}\n{\"return\": 1, \"id\": 2}\n"
	    "{\"return\": 2, \"id\": 3}\n");
	CHECK_STR(p.c.log, "ready;ok:1;");
	CHECK(p.c.q == NULL);
	peer_close(&p);

	peer_open(&p);
	p.c.free_in_event = 1;
	peer_send(&p, GREETING "{\"return\": {}, \"id\": 1}\n"
	    "{\"event\": \"RESET\"}\n{\"event\": \"STOP\"}\n");
	CHECK_STR(p.c.log, "ready;event:RESET:0.0;");
	peer_close(&p);

	/* from a "monitor closed" error while closing: closed not called */
	peer_open(&p);
	p.c.free_in_reply = 1;
	qmp_command(p.c.q, "a", NULL, q_reply, &p.c);
	qmp_command(p.c.q, "b", NULL, q_reply, &p.c);
	close(p.fd);
	p.fd = -1;
	pump(&p);
	CHECK_STR(p.c.log, "err:MonitorClosed:monitor closed;");
	peer_close(&p);

	/* freed with commands pending: no callbacks */
	peer_open(&p);
	qmp_command(p.c.q, "a", NULL, q_reply, &p.c);
	peer_close(&p);
	CHECK_STR(p.c.log, "");
}

static void
test_qmp_handle_line(void)
{
	struct peer p;
	char err[128];

	peer_open(&p);
	CHECK_INT(qmp_handle_line(p.c.q, "{\"x\":1}", 7, err, sizeof(err)),
	    -EPROTO);
	CHECK_STR(err, "expected the QMP greeting");
	CHECK_INT(qmp_handle_line(p.c.q, "{", 1, err, sizeof(err)), -EPROTO);
	CHECK(strstr(err, "at byte 1") != NULL);
	CHECK_INT(qmp_handle_line(p.c.q, " \r", 2, err, sizeof(err)), 0);
	CHECK_INT(qmp_handle_line(p.c.q, GREETING, strlen(GREETING), err,
	    sizeof(err)), 0);
	CHECK_INT(qmp_handle_line(p.c.q, "{\"return\":{}}", 13, err,
	    sizeof(err)), -EPROTO);
	CHECK_STR(err, "reply without our id");
	CHECK(qmp_new(p.base, -1, &qcb, NULL) == NULL);
	peer_close(&p);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);	/* as every daemon does */
	test_round_trips();
	test_values();
	test_numbers();
	test_malformed();
	test_limits();
	test_builder();
	test_quote();
	test_qmp_flow();
	test_qmp_args();
	test_qmp_backlog();
	test_qmp_garbage();
	test_qmp_lines();
	test_qmp_refused();
	test_qmp_free_inside();
	test_qmp_handle_line();
	return check_done();
}
