/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness: the JSON reader, and the QMP client's line handling. */
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/json.h"
#include "vmhostd/qmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct qmp_callbacks no_cb;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event_base *base;
	struct json *v;
	struct qmp *q;
	char err[128];
	int sv[2];

	v = json_parse((const char *)data, size, err, sizeof(err));
	json_free(v);
	if (!base)
		base = event_base_new();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 0;
	q = qmp_new(base, sv[0], &no_cb, NULL);
	qmp_handle_line(q, (const char *)data, size);
	qmp_free(q);
	close(sv[1]);
	return 0;
}
