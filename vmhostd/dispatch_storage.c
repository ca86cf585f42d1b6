/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's pool volume verbs: each request checked for shape, passed to vmhost-stord, its answer passed back. */
#define LOG_MODULE "storage"
#include "vmhostd/dispatch_storage.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stord.pb-c.h"
#include "vmhost.pb-c.h"
#include "vmhostd/vmhostd.h"

/* stord's VolInfo as the client's (same fields; strings borrowed). */
static void
vol_copy(const Vmhost__Stord__VolInfo *s, Vmhost__VolInfo *d)
{
	vmhost__vol_info__init(d);
	d->name = s->name;
	d->path = s->path;
	d->type = s->type;
	d->capacity = s->capacity;
	d->allocation = s->allocation;
	d->format = s->format;
	d->probed = s->probed;
	d->backing = s->backing;
	d->backing_format = s->backing_format;
	d->encryption = s->encryption;
	d->n_reasons = s->n_reasons;
	d->reasons = s->reasons;
}

static void
reply_vol_list(struct rpc_call *call, const Vmhost__Stord__VolListReply *l)
{
	Vmhost__Reply rep = VMHOST__REPLY__INIT;
	Vmhost__VolListReply lr;
	Vmhost__VolInfo *v = calloc(l->n_vols ? l->n_vols : 1, sizeof(*v));
	Vmhost__VolInfo **vp = calloc(l->n_vols ? l->n_vols : 1, sizeof(*vp));
	size_t k = 0;

	if (!v || !vp) {
		rpc_reply_error(call, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < l->n_vols; i++) {
		if (!access_may(call, "storage.read", l->vols[i]->name))
			continue;	/* acl.conf: only what the caller may read */
		vol_copy(l->vols[i], &v[k]);
		vp[k] = &v[k];
		k++;
	}
	vmhost__vol_list_reply__init(&lr);
	lr.n_vols = k;
	lr.vols = vp;
	rep.result_case = VMHOST__REPLY__RESULT_VOL_LIST;
	rep.vol_list = &lr;
	rpc_reply(call, &rep.base, NULL, 0);
out:
	free(v);
	free(vp);
}

static void
stord_answered(void *arg, const ProtobufCMessage *msg, int err,
    const char *errmsg, int *fds, size_t nfds)
{
	struct rpc_call *call = arg;
	const Vmhost__Stord__Reply *r = (const Vmhost__Stord__Reply *)msg;
	Vmhost__Reply rep = VMHOST__REPLY__INIT;
	Vmhost__VolInfo v;

	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	if (err || !r) {
		rpc_reply_error(call, err ? -err : EIO, "%s", errmsg ? errmsg :
		    "no answer from vmhost-stord");
	} else if (r->result_case == VMHOST__STORD__REPLY__RESULT_VOL &&
	    r->vol) {
		vol_copy(r->vol, &v);
		rep.result_case = VMHOST__REPLY__RESULT_VOL;
		rep.vol = &v;
		rpc_reply(call, &rep.base, NULL, 0);
	} else if (r->result_case == VMHOST__STORD__REPLY__RESULT_VOL_LIST &&
	    r->vol_list) {
		reply_vol_list(call, r->vol_list);
	} else {
		rpc_reply_ok(call);
	}
}

static void
stord_forward(struct rpc_call *call, uint32_t op, void *body)
{
	Vmhost__Stord__Request req = VMHOST__STORD__REQUEST__INIT;

	if (rpc_msg_set_op(&req.base, op, body) < 0) {
		rpc_reply_error(call, EINVAL, "bad storage request");
		return;
	}
	rpc_client_call(vmhostd.helpers[HELPER_STORD], &req.base, NULL, 0,
	    stord_answered, call);
}

/* Names are checked by stord (the receiver); only their presence here. */
static int
need_name(struct rpc_call *call, const char *name)
{
	if (name && *name)
		return 0;
	rpc_reply_error(call, EINVAL, "no volume given");
	return -1;
}

void
vmhostd_handle_vol_create(struct rpc_call *call, const void *req)
{
	const Vmhost__VolCreateRequest *r =
	    ((const Vmhost__Request *)req)->vol_create;
	Vmhost__Stord__VolCreateRequest s;

	if (need_name(call, r->name) < 0)
		return;
	vmhost__stord__vol_create_request__init(&s);
	s.name = r->name;
	s.capacity = r->capacity;
	s.format = r->format;
	s.backing_vol = r->backing_vol;
	s.backing_format = r->backing_format;
	stord_forward(call, VMHOST__STORD__REQUEST__OP_VOL_CREATE, &s);
}

void
vmhostd_handle_vol_list(struct rpc_call *call, const void *req)
{
	Vmhost__Empty e;

	(void)req;
	vmhost__empty__init(&e);
	stord_forward(call, VMHOST__STORD__REQUEST__OP_VOL_LIST, &e);
}

void
vmhostd_handle_vol_info(struct rpc_call *call, const void *req)
{
	const Vmhost__VolInfoRequest *r =
	    ((const Vmhost__Request *)req)->vol_info;
	Vmhost__Stord__VolInfoRequest s;

	if (need_name(call, r->name) < 0)
		return;
	vmhost__stord__vol_info_request__init(&s);
	s.name = r->name;
	s.probe = r->probe;
	stord_forward(call, VMHOST__STORD__REQUEST__OP_VOL_INFO, &s);
}

void
vmhostd_handle_vol_delete(struct rpc_call *call, const void *req)
{
	const Vmhost__VolRef *r = ((const Vmhost__Request *)req)->vol_delete;
	Vmhost__Stord__VolRef s;

	if (need_name(call, r->name) < 0)
		return;
	vmhost__stord__vol_ref__init(&s);
	s.name = r->name;
	stord_forward(call, VMHOST__STORD__REQUEST__OP_VOL_DELETE, &s);
}

void
vmhostd_handle_vol_resize(struct rpc_call *call, const void *req)
{
	const Vmhost__VolResizeRequest *r =
	    ((const Vmhost__Request *)req)->vol_resize;
	Vmhost__Stord__VolResizeRequest s;

	if (need_name(call, r->name) < 0)
		return;
	vmhost__stord__vol_resize_request__init(&s);
	s.name = r->name;
	s.capacity = r->capacity;
	s.shrink = r->shrink;
	stord_forward(call, VMHOST__STORD__REQUEST__OP_VOL_RESIZE, &s);
}
