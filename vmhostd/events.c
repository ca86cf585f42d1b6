/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's lifecycle events: a bounded numbered ring, read by clients with long polls. */
#define LOG_MODULE "events"
#include "vmhostd/events.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <event2/event.h>

#include "vmhost.pb-c.h"
#include "common/log.h"
#include "common/rpc.h"
#include "vmhostd/domains.h"
#include "vmhostd/vmhostd.h"

#define EVENTS_RING	4096	/* kept events; older ones are gone */
#define EVENTS_BATCH	256	/* events in one reply */
#define EVENTS_WAITERS	1024	/* clients waiting at once */

struct ev_rec {
	uint64_t seq;
	char domain[DOMAIN_NAME_MAX + 1];
	char uuid[37];
	const char *event, *detail;
	int64_t time_us;
};

struct waiter {
	struct waiter *next;
	struct rpc_call *call;
	struct event *timer;
	uint64_t after;
	char domain[DOMAIN_NAME_MAX + 1];
};

static struct {
	struct event_base *base;
	struct ev_rec ring[EVENTS_RING];
	uint64_t last;		/* seq of the newest event */
	struct waiter *waiters;
	size_t nwaiters;
} ev;

void
events_init(struct event_base *base)
{
	ev.base = base;
}

/* The domain asked for (or any), and one acl.conf lets the caller read. */
static int
matches(struct rpc_call *call, const struct ev_rec *r, const char *domain)
{
	return (!domain[0] || strcmp(r->domain, domain) == 0) &&
	    access_may(call, "domain.read", r->domain);
}

/* Reply with what there is after `after` (possibly nothing). */
static void
reply_events(struct rpc_call *call, uint64_t after, const char *domain)
{
	Vmhost__Reply rep = VMHOST__REPLY__INIT;
	Vmhost__EventsReply er = VMHOST__EVENTS_REPLY__INIT;
	Vmhost__Event evs[EVENTS_BATCH], *evp[EVENTS_BATCH];
	uint64_t first = ev.last >= EVENTS_RING ? ev.last - EVENTS_RING + 1 : 1;
	size_t n = 0;

	if (after + 1 > first)
		first = after + 1;
	for (uint64_t s = first; s <= ev.last && n < EVENTS_BATCH; s++) {
		struct ev_rec *r = &ev.ring[s % EVENTS_RING];

		er.last = s;
		if (!matches(call, r, domain))
			continue;
		vmhost__event__init(&evs[n]);
		evs[n].seq = r->seq;
		evs[n].domain = r->domain;
		evs[n].uuid = r->uuid;
		evs[n].event = (char *)(uintptr_t)r->event;
		evs[n].detail = (char *)(uintptr_t)r->detail;
		evs[n].time_us = r->time_us;
		evp[n] = &evs[n];
		n++;
	}
	if (er.last < after)
		er.last = ev.last > after ? ev.last : after;
	er.n_events = n;
	er.events = evp;
	rep.result_case = VMHOST__REPLY__RESULT_EVENTS;
	rep.events = &er;
	rpc_reply(call, &rep.base, NULL, 0);
}

static void
waiter_free(struct waiter *w)
{
	struct waiter **pp;

	for (pp = &ev.waiters; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	ev.nwaiters--;
	if (w->timer)
		event_free(w->timer);
	free(w);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct waiter *w = arg;

	(void)fd;
	(void)what;
	reply_events(w->call, w->after, w->domain);
	waiter_free(w);
}

void
events_emit(const struct vm *vm, const char *event, const char *detail)
{
	struct ev_rec *r = &ev.ring[++ev.last % EVENTS_RING];
	struct timeval tv;
	struct waiter *w, *next;

	gettimeofday(&tv, NULL);
	r->seq = ev.last;
	snprintf(r->domain, sizeof(r->domain), "%s", vm->def->name);
	memcpy(r->uuid, vm->uuid, sizeof(r->uuid));
	r->event = event;
	r->detail = detail;
	r->time_us = (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	log_debug("event %llu: '%s' %s %s", (unsigned long long)r->seq,
	    r->domain, event, detail);
	for (w = ev.waiters; w; w = next) {
		next = w->next;
		if (!matches(w->call, r, w->domain))
			continue;
		reply_events(w->call, w->after, w->domain);
		waiter_free(w);
	}
}

void
events_wait(struct rpc_call *call, uint64_t after, uint32_t timeout_ms,
    const char *domain)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	uint64_t s;
	struct waiter *w;

	for (s = after + 1; s <= ev.last; s++)
		if (matches(call, &ev.ring[s % EVENTS_RING],
		    domain ? domain : "")) {
			reply_events(call, after, domain ? domain : "");
			return;
		}
	if (!timeout_ms || ev.nwaiters >= EVENTS_WAITERS ||
	    !(w = calloc(1, sizeof(*w)))) {
		reply_events(call, after, domain ? domain : "");
		return;
	}
	w->call = call;
	w->after = after;
	snprintf(w->domain, sizeof(w->domain), "%s", domain ? domain : "");
	w->timer = evtimer_new(ev.base, on_timeout, w);
	if (!w->timer || evtimer_add(w->timer, &tv) < 0) {
		free(w);
		reply_events(call, after, domain ? domain : "");
		return;
	}
	w->next = ev.waiters;
	ev.waiters = w;
	ev.nwaiters++;
}
