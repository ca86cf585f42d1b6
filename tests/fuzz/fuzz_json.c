/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness: the JSON reader and writer (round trips must be stable), and the QMP client's line handling, directly and through a socket. */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/json.h"
#include "common/log.h"
#include "vmhostd/qmp.h"

#define GREETING "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct event_base *base;

/* Whatever parses must write, and write the same after a re-parse. */
static void
fuzz_round_trip(const char *text, size_t size)
{
	struct json *v = json_parse(text, size, NULL, 0), *w;
	char *a, *b;
	size_t alen, blen;

	if (!v)
		return;
	if (!(a = json_write(v, &alen)))
		abort();
	if (!(w = json_parse(a, alen, NULL, 0)) || !(b = json_write(w, &blen)))
		abort();
	if (alen != blen || memcmp(a, b, alen) != 0)
		abort();
	(void)json_str(json_get(v, "return"));
	(void)json_int(json_at(v, 0), 0);
	json_free(v);
	json_free(w);
	free(a);
	free(b);
}

static void
on_event(void *arg, const char *name, struct json *data, int64_t s,
    int64_t us)
{
	(void)arg;
	(void)s;
	(void)us;
	if (strlen(name) == 0 && json_str(json_get(data, "reason")))
		abort();	/* an event always has a name; never reached */
}

static void
on_reply(void *arg, struct json *ret, const char *eclass, const char *edesc)
{
	struct qmp *q = arg;

	if (!ret && (!eclass || !edesc))
		abort();
	if (ret && json_len(ret) == 1)	/* sometimes: issue another */
		qmp_command(q, "query-status", NULL, NULL, NULL);
}

static void
on_ready(void *arg)
{
	(void)arg;
}

static void
on_closed(void *arg, int err)
{
	(void)arg;
	(void)err;
}

static const struct qmp_callbacks cbs = { on_ready, on_event, on_closed };

static struct qmp *
fuzz_client(int *peer)
{
	struct qmp *q;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		abort();
	*peer = sv[1];
	if (!(q = qmp_new(base, sv[0], &cbs, NULL)))
		abort();
	for (int i = 0; i < 3; i++)
		qmp_command(q, "x", NULL, on_reply, q);
	return q;
}

/* Each line as qmp_handle_line, until the first protocol error. */
static void
fuzz_lines(const char *text, size_t size)
{
	const char *p = text, *end = text + size, *nl;
	struct qmp *q;
	int peer;

	q = fuzz_client(&peer);
	if (qmp_handle_line(q, GREETING, strlen(GREETING), NULL, 0) < 0)
		abort();
	for (; p < end; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end;
		if (qmp_handle_line(q, p, (size_t)(nl - p), NULL, 0) < 0)
			break;
	}
	qmp_free(q);
	close(peer);
}

/* The same bytes through the socket, the way QEMU's would arrive. */
static void
fuzz_socket(const char *text, size_t size)
{
	struct qmp *q;
	int peer;

	q = fuzz_client(&peer);
	if (write(peer, GREETING, strlen(GREETING)) < 0 ||
	    write(peer, text, size) < 0)
		abort();
	close(peer);	/* EOF after the input */
	for (int i = 0; i < 4; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	qmp_free(q);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	log_set_spec("fatal");	/* protocol errors would flood the output */
	base = event_base_new();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;

	fuzz_round_trip(text, size);
	if (size && (data[0] & 1))
		fuzz_socket(text, size);
	else
		fuzz_lines(text, size);
	return 0;
}
