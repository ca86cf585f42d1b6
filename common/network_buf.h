/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A growable text buffer for the network formatters and config generators. */
#ifndef VMHOST_NETWORK_BUF_H
#define VMHOST_NETWORK_BUF_H

#include <stdbool.h>
#include <stddef.h>

/* Zero-initialise; an allocation failure sticks until net_buf_finish. */
struct net_buf {
	char *s;
	size_t len, cap;
	bool oom;
};

void net_buf_printf(struct net_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void net_buf_puts(struct net_buf *b, const char *s);
/* s with & < > " ' as XML entities. */
void net_buf_xml(struct net_buf *b, const char *s);
/* The text (malloc'd, "" when empty), or NULL after a failure. */
char *net_buf_finish(struct net_buf *b);
void net_buf_reset(struct net_buf *b);

#endif
