/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Lifecycle events: a numbered ring that clients read with long polls. */
#ifndef VMHOSTD_EVENTS_H
#define VMHOSTD_EVENTS_H

#include <stdint.h>

struct event_base;
struct rpc_call;
struct vm;

void events_init(struct event_base *base);
/* Record an event for vm ("Started", "Booted") and wake waiting clients. */
void events_emit(const struct vm *vm, const char *event, const char *detail);
/* Reply now with events after seq, or wait up to timeout_ms for one. */
void events_wait(struct rpc_call *call, uint64_t after, uint32_t timeout_ms,
    const char *domain);

#endif
