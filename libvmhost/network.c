/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvmhost: the virtual network calls of the client API, in the client's process. */
#include "vmhost/vmhost.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmhost.pb-c.h"
#include "libvmhost/conn.h"

#define S(x) ((char *)(uintptr_t)((x) ? (x) : ""))

static void
summary_copy(struct vmhost_network_summary *o, const Vmhost__NetworkSummary *s)
{
	memset(o, 0, sizeof(*o));
	if (!s)
		return;
	snprintf(o->name, sizeof(o->name), "%s", S(s->name));
	snprintf(o->uuid, sizeof(o->uuid), "%s", S(s->uuid));
	snprintf(o->bridge, sizeof(o->bridge), "%s", S(s->bridge));
	o->active = s->active;
	o->autostart = s->autostart;
	o->persistent = s->persistent;
}

/* Call op with body; a NetworkSummary reply into out (may be NULL). */
static int
call_summary(vmhost_conn *c, uint32_t op, void *body,
    struct vmhost_network_summary *out)
{
	Vmhost__Reply *rep = conn_call(c, op, body, NULL, 0, NULL, NULL);

	if (!rep)
		return -1;
	if (rep->result_case != VMHOST__REPLY__RESULT_NETWORK) {
		conn_set_error(c, "unexpected reply from the daemon");
		protobuf_c_message_free_unpacked(&rep->base, NULL);
		return -1;
	}
	if (out)
		summary_copy(out, rep->network);
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

static int
call_ref(vmhost_conn *c, uint32_t op, const char *key,
    struct vmhost_network_summary *out)
{
	Vmhost__NetworkRef r;

	vmhost__network_ref__init(&r);
	r.key = S(key);
	return call_summary(c, op, &r, out);
}

int
vmhost_network_define(vmhost_conn *c, const char *xml,
    struct vmhost_network_summary *out)
{
	Vmhost__NetworkDefineRequest r;

	vmhost__network_define_request__init(&r);
	r.xml = S(xml);
	return call_summary(c, VMHOST__REQUEST__OP_NETWORK_DEFINE, &r, out);
}

int
vmhost_network_undefine(vmhost_conn *c, const char *key,
    struct vmhost_network_summary *out)
{
	return call_ref(c, VMHOST__REQUEST__OP_NETWORK_UNDEFINE, key, out);
}

int
vmhost_network_start(vmhost_conn *c, const char *key,
    struct vmhost_network_summary *out)
{
	return call_ref(c, VMHOST__REQUEST__OP_NETWORK_START, key, out);
}

int
vmhost_network_destroy(vmhost_conn *c, const char *key,
    struct vmhost_network_summary *out)
{
	return call_ref(c, VMHOST__REQUEST__OP_NETWORK_DESTROY, key, out);
}

int
vmhost_network_info(vmhost_conn *c, const char *key,
    struct vmhost_network_summary *out)
{
	return call_ref(c, VMHOST__REQUEST__OP_NETWORK_INFO, key, out);
}

int
vmhost_network_set_autostart(vmhost_conn *c, const char *key, int on,
    struct vmhost_network_summary *out)
{
	Vmhost__NetworkAutostartRequest r;

	vmhost__network_autostart_request__init(&r);
	r.key = S(key);
	r.disable = !on;
	return call_summary(c, VMHOST__REQUEST__OP_NETWORK_AUTOSTART, &r, out);
}

int
vmhost_network_list(vmhost_conn *c, unsigned flags,
    struct vmhost_network_summary **nets, size_t *n)
{
	Vmhost__NetworkListRequest r;
	Vmhost__Reply *rep;
	const Vmhost__NetworkListReply *lr;

	*nets = NULL;
	*n = 0;
	vmhost__network_list_request__init(&r);
	r.all = !!(flags & VMHOST_NETWORK_LIST_ALL);
	r.inactive = !!(flags & VMHOST_NETWORK_LIST_INACTIVE);
	r.autostart = !!(flags & VMHOST_NETWORK_LIST_AUTOSTART);
	r.no_autostart = !!(flags & VMHOST_NETWORK_LIST_NO_AUTOSTART);
	if (!(rep = conn_call(c, VMHOST__REQUEST__OP_NETWORK_LIST, &r, NULL, 0,
	    NULL, NULL)))
		return -1;
	lr = rep->result_case == VMHOST__REPLY__RESULT_NETWORK_LIST ?
	    rep->network_list : NULL;
	if (lr && lr->n_networks &&
	    !(*nets = calloc(lr->n_networks, sizeof(**nets)))) {
		conn_set_error(c, "out of memory");
		protobuf_c_message_free_unpacked(&rep->base, NULL);
		return -1;
	}
	for (size_t i = 0; lr && i < lr->n_networks; i++)
		summary_copy(&(*nets)[(*n)++], lr->networks[i]);
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

char *
vmhost_network_xml(vmhost_conn *c, const char *key, unsigned flags)
{
	Vmhost__NetworkXmlRequest r;
	Vmhost__Reply *rep;
	char *xml;

	vmhost__network_xml_request__init(&r);
	r.key = S(key);
	r.inactive = !!(flags & VMHOST_NETWORK_XML_INACTIVE);
	if (!(rep = conn_call(c, VMHOST__REQUEST__OP_NETWORK_XML, &r, NULL, 0,
	    NULL, NULL)))
		return NULL;
	xml = strdup(rep->result_case == VMHOST__REPLY__RESULT_TEXT &&
	    rep->text ? S(rep->text->text) : "");
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	if (!xml)
		conn_set_error(c, "out of memory");
	return xml;
}

static void
lease_copy(struct vmhost_network_lease *o, const Vmhost__NetworkLease *l)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->expiry, sizeof(o->expiry), "%s", S(l->expiry));
	snprintf(o->mac, sizeof(o->mac), "%s", S(l->mac));
	snprintf(o->type, sizeof(o->type), "%s", S(l->type));
	snprintf(o->ip, sizeof(o->ip), "%s", S(l->ip));
	snprintf(o->hostname, sizeof(o->hostname), "%s", S(l->hostname));
	snprintf(o->client_id, sizeof(o->client_id), "%s", S(l->client_id));
}

int
vmhost_network_leases(vmhost_conn *c, const char *key, const char *mac,
    struct vmhost_network_lease **leases, size_t *n)
{
	Vmhost__NetworkLeasesRequest r;
	const Vmhost__NetworkLeasesReply *lr;
	Vmhost__Reply *rep;

	*leases = NULL;
	*n = 0;
	vmhost__network_leases_request__init(&r);
	r.key = S(key);
	r.mac = S(mac);
	if (!(rep = conn_call(c, VMHOST__REQUEST__OP_NETWORK_LEASES, &r, NULL,
	    0, NULL, NULL)))
		return -1;
	lr = rep->result_case == VMHOST__REPLY__RESULT_NETWORK_LEASES ?
	    rep->network_leases : NULL;
	if (lr && lr->n_leases &&
	    !(*leases = calloc(lr->n_leases, sizeof(**leases)))) {
		conn_set_error(c, "out of memory");
		protobuf_c_message_free_unpacked(&rep->base, NULL);
		return -1;
	}
	for (size_t i = 0; lr && i < lr->n_leases; i++)
		lease_copy(&(*leases)[(*n)++], lr->leases[i]);
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

int
vmhost_network_update(vmhost_conn *c, const char *key, const char *command,
    const char *section, const char *xml, unsigned flags,
    struct vmhost_network_summary *out)
{
	Vmhost__NetworkUpdateRequest r;

	vmhost__network_update_request__init(&r);
	r.key = S(key);
	r.command = S(command);
	r.section = S(section);
	r.xml = S(xml);
	r.live = !!(flags & VMHOST_NETWORK_UPDATE_LIVE);
	r.config = !!(flags & VMHOST_NETWORK_UPDATE_CONFIG);
	return call_summary(c, VMHOST__REQUEST__OP_NETWORK_UPDATE, &r, out);
}
