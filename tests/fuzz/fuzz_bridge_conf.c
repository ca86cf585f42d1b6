/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness for netd/bridge_conf.c: the first line is the bridge asked for, the rest bridge.conf. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netd/bridge_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nl = memchr(data, '\n', size);
	char bridge[16], err[256];
	size_t blen = nl ? (size_t)(nl - text) : size;
	int r;

	if (blen > 15)
		blen = 15;
	memcpy(bridge, text, blen);
	bridge[blen] = '\0';
	if (nl) {
		size -= (size_t)(nl - text) + 1;
		text = nl + 1;
	} else {
		text += size;
		size = 0;
	}
	err[0] = '\0';
	r = bridge_conf_check_text(text, size, bridge, err, sizeof(err));
	if (r != 0 && r != 1 && r != -EINVAL && r != -ENOMEM && r != -EFBIG)
		abort();
	if (r < 0 && (!err[0] || !memchr(err, '\0', sizeof(err))))
		abort();	/* every refusal says why */
	if (r == 1 && !memmem(text, size, "allow", 5))
		abort();	/* nothing is allowed without an allow */
	return 0;
}
