/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvmhost: the pool volume calls of the client API, and size parsing, in the client's process. */
#include "vmhost/vmhost.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vmhost.pb-c.h"
#include "libvmhost/conn.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

static void
vol_copy(struct vmhost_vol_info *o, const Vmhost__VolInfo *v)
{
	memset(o, 0, sizeof(*o));
	if (!v)
		return;
	COPY(o->name, v->name);
	COPY(o->path, v->path);
	COPY(o->type, v->type);
	o->capacity = v->capacity;
	o->allocation = v->allocation;
	COPY(o->format, v->format);
	o->probed = v->probed;
	COPY(o->backing, v->backing);
	COPY(o->backing_format, v->backing_format);
	COPY(o->encryption, v->encryption);
	for (size_t i = 0; i < v->n_reasons && i < 8; i++)
		COPY(o->reasons[o->n_reasons++], v->reasons[i]);
}

static int
name_check(vmhost_conn *c, const char *name)
{
	if (!c)
		return -1;
	if (!name || !*name) {
		conn_set_error(c, "no volume given");
		return -1;
	}
	return 0;
}

/* Call op; copy the reply's volume into out. */
static int
call_vol(vmhost_conn *c, uint32_t op, void *body, struct vmhost_vol_info *out)
{
	Vmhost__Reply *rep = conn_call(c, op, body, NULL, 0, NULL, NULL);

	if (!rep)
		return -1;
	if (out)
		vol_copy(out, rep->result_case == VMHOST__REPLY__RESULT_VOL ?
		    rep->vol : NULL);
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

int
vmhost_vol_create(vmhost_conn *c, const char *name, uint64_t capacity,
    const char *format, const char *backing_vol, const char *backing_format,
    struct vmhost_vol_info *out)
{
	Vmhost__VolCreateRequest r;

	if (name_check(c, name) < 0)
		return -1;
	vmhost__vol_create_request__init(&r);
	r.name = (char *)(uintptr_t)name;
	r.capacity = capacity;
	r.format = (char *)(uintptr_t)(format ? format : "raw");
	r.backing_vol = (char *)(uintptr_t)(backing_vol ? backing_vol : "");
	r.backing_format = (char *)(uintptr_t)(backing_format ?
	    backing_format : "");
	return call_vol(c, VMHOST__REQUEST__OP_VOL_CREATE, &r, out);
}

int
vmhost_vol_list(vmhost_conn *c, struct vmhost_vol_info **vols, size_t *n)
{
	Vmhost__Empty e;
	Vmhost__Reply *rep;
	const Vmhost__VolListReply *l;

	*vols = NULL;
	*n = 0;
	vmhost__empty__init(&e);
	if (!(rep = conn_call(c, VMHOST__REQUEST__OP_VOL_LIST, &e, NULL, 0,
	    NULL, NULL)))
		return -1;
	l = rep->result_case == VMHOST__REPLY__RESULT_VOL_LIST ?
	    rep->vol_list : NULL;
	if (l && l->n_vols && !(*vols = calloc(l->n_vols, sizeof(**vols)))) {
		protobuf_c_message_free_unpacked(&rep->base, NULL);
		conn_set_error(c, "out of memory");
		return -1;
	}
	for (size_t i = 0; l && i < l->n_vols; i++)
		vol_copy(&(*vols)[i], l->vols[i]);
	*n = l ? l->n_vols : 0;
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

int
vmhost_vol_info(vmhost_conn *c, const char *name, unsigned flags,
    struct vmhost_vol_info *out)
{
	Vmhost__VolInfoRequest r;

	if (name_check(c, name) < 0)
		return -1;
	vmhost__vol_info_request__init(&r);
	r.name = (char *)(uintptr_t)name;
	r.probe = !!(flags & VMHOST_VOL_PROBE);
	return call_vol(c, VMHOST__REQUEST__OP_VOL_INFO, &r, out);
}

int
vmhost_vol_delete(vmhost_conn *c, const char *name)
{
	Vmhost__VolRef r;

	if (name_check(c, name) < 0)
		return -1;
	vmhost__vol_ref__init(&r);
	r.name = (char *)(uintptr_t)name;
	return call_vol(c, VMHOST__REQUEST__OP_VOL_DELETE, &r, NULL);
}

int
vmhost_vol_resize(vmhost_conn *c, const char *name, uint64_t capacity,
    unsigned flags, struct vmhost_vol_info *out)
{
	Vmhost__VolResizeRequest r;

	if (name_check(c, name) < 0)
		return -1;
	vmhost__vol_resize_request__init(&r);
	r.name = (char *)(uintptr_t)name;
	r.capacity = capacity;
	r.shrink = !!(flags & VMHOST_VOL_SHRINK);
	return call_vol(c, VMHOST__REQUEST__OP_VOL_RESIZE, &r, out);
}

/* virsh's units: b, k/K/KiB (1024), KB (1000), and so on up to E. */
static int
unit_scale(const char *u, uint64_t *scale)
{
	static const char units[] = "bkmgtpe";
	const char *p;
	uint64_t base = 1024;

	*scale = 1;
	if (!*u)
		return 0;
	if (!(p = strchr(units, tolower((unsigned char)u[0]))))
		return -1;
	if (u[1] == '\0' || strcasecmp(u + 1, "iB") == 0)
		base = 1024;
	else if (strcasecmp(u + 1, "B") == 0 && p != units)
		base = 1000;
	else
		return -1;
	if (p == units && u[1])
		return -1;	/* "bB", "biB" */
	for (long i = 0; i < p - units; i++)
		*scale *= base;
	return 0;
}

int
vmhost_size_parse(const char *text, uint64_t *bytes)
{
	unsigned long long v;
	uint64_t scale;
	char *end;

	if (!text || !isdigit((unsigned char)text[0]))
		return -1;	/* no sign, no space, no "-1" */
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text || unit_scale(end, &scale) < 0)
		return -1;
	if (v && scale > UINT64_MAX / v)
		return -1;
	*bytes = (uint64_t)v * scale;
	return 0;
}
