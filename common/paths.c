/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The --root prefix in front of every well-known path, shared by all vmhost processes. */
#include "common/paths.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PATHS_ROOT_MAX 1024

static char paths_root_buf[PATHS_ROOT_MAX];

int
paths_set_root(const char *root)
{
	size_t len;

	if (!root || !*root) {
		paths_root_buf[0] = '\0';
		return 0;
	}
	if (root[0] != '/')
		return -EINVAL;
	len = strlen(root);
	while (len > 0 && root[len - 1] == '/')
		len--;
	if (len >= sizeof(paths_root_buf))
		return -EINVAL;
	memcpy(paths_root_buf, root, len);
	paths_root_buf[len] = '\0';
	return 0;
}

const char *
paths_root(void)
{
	return paths_root_buf;
}

int
path_build(char *buf, size_t len, const char *fmt, ...)
{
	size_t rlen = strlen(paths_root_buf);
	va_list ap;
	int n;

	if (len <= rlen) {
		if (len)
			buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(buf, paths_root_buf, rlen);
	va_start(ap, fmt);
	n = vsnprintf(buf + rlen, len - rlen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - rlen) {
		buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}
