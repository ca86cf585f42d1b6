/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Growable text buffer used to format network XML, dnsmasq configs and rulesets. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/network_buf.h"

static bool
net_buf_reserve(struct net_buf *b, size_t more)
{
	size_t want;
	char *s;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	want = b->cap ? b->cap : 256;
	while (want < b->len + more + 1)
		want *= 2;
	s = realloc(b->s, want);
	if (!s) {
		b->oom = true;
		return false;
	}
	b->s = s;
	b->cap = want;
	return true;
}

void
net_buf_printf(struct net_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (!net_buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
net_buf_puts(struct net_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (!net_buf_reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

void
net_buf_xml(struct net_buf *b, const char *s)
{
	char one[2] = { 0, 0 };

	for (; *s; s++) {
		switch (*s) {
		case '&': net_buf_puts(b, "&amp;"); break;
		case '<': net_buf_puts(b, "&lt;"); break;
		case '>': net_buf_puts(b, "&gt;"); break;
		case '"': net_buf_puts(b, "&quot;"); break;
		case '\'': net_buf_puts(b, "&apos;"); break;
		default:
			one[0] = *s;
			net_buf_puts(b, one);
		}
	}
}

char *
net_buf_finish(struct net_buf *b)
{
	char *s;

	if (!b->oom && !b->s)
		net_buf_reserve(b, 0);
	if (b->oom) {
		net_buf_reset(b);
		return NULL;
	}
	b->s[b->len] = '\0';
	s = b->s;
	memset(b, 0, sizeof(*b));
	return s;
}

void
net_buf_reset(struct net_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}
