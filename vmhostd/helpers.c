/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's links to the three helpers: connect, reconnect, and ask all of them at once. */
#define LOG_MODULE "helpers"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "common.pb-c.h"
#include "netd.pb-c.h"
#include "secd.pb-c.h"
#include "stord.pb-c.h"
#include "common/log.h"
#include "common/paths.h"
#include "vmhostd/lifecycle.h"
#include "vmhostd/networks.h"
#include "vmhostd/vmhostd.h"

/* Field numbers shared by the three helper services. */
#define HELPER_OP_STATUS	10
#define HELPER_OP_PING		11

static const struct rpc_service helper_svcs[HELPER_COUNT] = {
	{ "netd", &vmhost__netd__request__descriptor,
	  &vmhost__netd__reply__descriptor, NULL, 0 },
	{ "secd", &vmhost__secd__request__descriptor,
	  &vmhost__secd__reply__descriptor, NULL, 0 },
	{ "stord", &vmhost__stord__request__descriptor,
	  &vmhost__stord__reply__descriptor, NULL, 0 },
};

const char *
helper_name(enum helper_id id)
{
	return helper_svcs[id].name;
}

/* Autostart once secd, which launches guests, is there the first time. */
static void
autostart_now(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	lifecycle_autostart();
}

static char secmodel[16] = "none";

const char *
helpers_secmodel(void)
{
	return secmodel;
}

static void
on_secd_model(void *arg, const ProtobufCMessage *rep, int err,
    const char *msg, int *fds, size_t nfds)
{
	const Vmhost__Secd__Reply *r = (const Vmhost__Secd__Reply *)rep;

	(void)arg;
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	if (err || !r || r->result_case != VMHOST__SECD__REPLY__RESULT_STATUS) {
		log_warn("cannot ask vmhost-secd for its security model: %s",
		    msg ? msg : "no status");
		return;
	}
	snprintf(secmodel, sizeof(secmodel), "%s",
	    r->status->security_model && !strcmp(r->status->security_model,
	    "apparmor") ? "apparmor" : "none");
	log_info("security model: %s", secmodel);
}

/* Autostart once secd, which launches guests, is there the first time;
 * from the loop, since this runs before vmhostd.helpers[] is filled in.
 * Each connection asks for the security model (a new secd may differ). */
static void
secd_up(struct rpc_client *cl, void *arg)
{
	static int done;
	Vmhost__Secd__Request req = VMHOST__SECD__REQUEST__INIT;
	Vmhost__Empty empty = VMHOST__EMPTY__INIT;

	(void)arg;
	req.op_case = VMHOST__SECD__REQUEST__OP_STATUS;
	req.status = &empty;
	rpc_client_call(cl, &req.base, NULL, 0, on_secd_model, NULL);
	if (!done) {
		done = 1;
		event_base_once(vmhostd.base, -1, EV_TIMEOUT, autostart_now,
		    NULL, NULL);
	}
}

static void
netd_up(struct rpc_client *cl, void *arg)
{
	(void)arg;
	networks_netd_up(cl);
}

int
helpers_start(struct event_base *base)
{
	char path[4096];

	for (int i = 0; i < HELPER_COUNT; i++) {
		const char *n = helper_svcs[i].name;

		if (path_build(path, sizeof(path), VMHOST_HELPER_SOCK_FMT, n,
		    n) < 0)
			return -ENAMETOOLONG;
		vmhostd.helpers[i] = rpc_client_new(base, &helper_svcs[i], path,
		    i == HELPER_SECD ? secd_up :
		    i == HELPER_NETD ? netd_up : NULL, NULL);
		if (!vmhostd.helpers[i])
			return -ENOMEM;
	}
	return 0;
}

void
helpers_stop(void)
{
	for (int i = 0; i < HELPER_COUNT; i++) {
		rpc_client_free(vmhostd.helpers[i]);
		vmhostd.helpers[i] = NULL;
	}
}

/* Send an Empty-bodied request op to helper id. */
static int
helper_call_empty(enum helper_id id, uint32_t op, rpc_reply_fn cb, void *arg)
{
	const ProtobufCMessageDescriptor *d = helper_svcs[id].request;
	Vmhost__Empty empty = VMHOST__EMPTY__INIT;
	uint64_t storage[32];
	ProtobufCMessage *req = (ProtobufCMessage *)storage;

	protobuf_c_message_init(d, storage);
	rpc_msg_set_op(req, op, &empty);
	return rpc_client_call(vmhostd.helpers[id], req, NULL, 0, cb, arg);
}

struct gather {
	int left;
	int err;
	char errmsg[256];
	Vmhost__DaemonStatus st[HELPER_COUNT];
	Vmhost__DaemonStatus *stp[HELPER_COUNT];
	char *strs[HELPER_COUNT][3];
	helpers_status_cb status_cb;
	helpers_ping_cb ping_cb;
	void *arg;
};

struct gather_slot {
	struct gather *g;
	enum helper_id id;
};

static void
gather_done(struct gather *g)
{
	if (--g->left > 0)
		return;
	if (g->status_cb)
		g->status_cb(g->arg, g->stp);
	else
		g->ping_cb(g->arg, g->err, g->errmsg);
	for (int i = 0; i < HELPER_COUNT; i++)
		for (int j = 0; j < 3; j++)
			free(g->strs[i][j]);
	free(g);
}

static void
status_copy(Vmhost__DaemonStatus *st, char **strs,
    const Vmhost__DaemonStatus *got)
{
	st->pid = got->pid;
	st->uid = got->uid;
	st->gid = got->gid;
	st->cap_eff = got->cap_eff;
	st->cap_prm = got->cap_prm;
	st->cap_bnd = got->cap_bnd;
	st->cap_amb = got->cap_amb;
	st->no_new_privs = got->no_new_privs;
	st->connected = 1;
	st->version = strs[1] = strdup(got->version ? got->version : "");
	st->user = strs[2] = strdup(got->user ? got->user : "");
	if (!st->version || !st->user)
		st->version = st->user = (char *)(uintptr_t)"";
}

static void
on_status(void *arg, const ProtobufCMessage *rep, int err, const char *msg,
    int *fds, size_t nfds)
{
	struct gather_slot *s = arg;
	struct gather *g = s->g;
	Vmhost__DaemonStatus *st = &g->st[s->id], *got;
	char **strs = g->strs[s->id];

	(void)err;
	(void)fds;
	(void)nfds;
	got = rep ? rpc_msg_get_op(rep, HELPER_OP_STATUS) : NULL;
	if (got) {
		status_copy(st, strs, got);
	} else {
		st->connected = 0;
		st->error = strs[1] = strdup(msg ? msg : "no answer");
	}
	free(s);
	gather_done(g);
}

static struct gather *
gather_new(void *arg)
{
	struct gather *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->arg = arg;
	g->left = HELPER_COUNT;
	for (int i = 0; i < HELPER_COUNT; i++) {
		vmhost__daemon_status__init(&g->st[i]);
		g->st[i].name = g->strs[i][0] = malloc(32);
		if (g->st[i].name)
			snprintf(g->st[i].name, 32, "vmhost-%s", helper_name(i));
		g->stp[i] = &g->st[i];
	}
	return g;
}

void
helpers_status(helpers_status_cb cb, void *arg)
{
	struct gather *g = gather_new(arg);

	if (!g) {
		cb(arg, NULL);
		return;
	}
	g->status_cb = cb;
	for (int i = 0; i < HELPER_COUNT; i++) {
		struct gather_slot *s = malloc(sizeof(*s));

		if (!s) {
			gather_done(g);
			continue;
		}
		s->g = g;
		s->id = (enum helper_id)i;
		helper_call_empty(s->id, HELPER_OP_STATUS, on_status, s);
	}
}

static void
on_ping(void *arg, const ProtobufCMessage *rep, int err, const char *msg,
    int *fds, size_t nfds)
{
	struct gather *g = arg;

	(void)rep;
	(void)fds;
	(void)nfds;
	if (err && !g->err) {
		g->err = err;
		snprintf(g->errmsg, sizeof(g->errmsg), "%s", msg ? msg : "");
	}
	gather_done(g);
}

void
helpers_ping(helpers_ping_cb cb, void *arg)
{
	struct gather *g = gather_new(arg);

	if (!g) {
		cb(arg, -ENOMEM, "out of memory");
		return;
	}
	g->ping_cb = cb;
	for (int i = 0; i < HELPER_COUNT; i++)
		helper_call_empty((enum helper_id)i, HELPER_OP_PING, on_ping, g);
}
