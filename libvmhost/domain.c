/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvmhost: the domain and event calls of the client API, in the client's process. */
#include "vmhost/vmhost.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmhost.pb-c.h"
#include "libvmhost/conn.h"

static const char *const state_names[] = {
	"no state", "running", "idle", "paused", "in shutdown", "shut off",
	"crashed",
};

const char *
vmhost_domain_state_name(int state)
{
	if (state < 0 || (size_t)state >= sizeof(state_names) /
	    sizeof(*state_names))
		return "unknown";
	return state_names[state];
}

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

static void
summary_copy(struct vmhost_domain_summary *o, const Vmhost__DomainSummary *s)
{
	memset(o, 0, sizeof(*o));
	o->id = -1;
	if (!s)
		return;
	COPY(o->name, s->name);
	COPY(o->uuid, s->uuid);
	COPY(o->reason, s->reason);
	o->id = s->id;
	o->state = (int)s->state;
	o->autostart = s->autostart;
}

/* A key is required; the daemon says "domain not found" for a wrong one. */
static int
key_check(vmhost_conn *c, const char *key)
{
	if (!c)
		return -1;
	if (!key || !*key) {
		conn_set_error(c, "no domain given");
		return -1;
	}
	return 0;
}

/* Call op with body; the reply must carry a DomainSummary. */
static int
call_summary(vmhost_conn *c, uint32_t op, void *body,
    struct vmhost_domain_summary *out)
{
	Vmhost__Reply *rep = conn_call(c, op, body, NULL, 0, NULL, NULL);

	if (!rep)
		return -1;
	if (out)
		summary_copy(out, rep->result_case ==
		    VMHOST__REPLY__RESULT_DOMAIN ? rep->domain : NULL);
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

/* Call op with body; the reply's text (malloc'd, "" when none) or NULL. */
static char *
call_text(vmhost_conn *c, uint32_t op, void *body)
{
	Vmhost__Reply *rep = conn_call(c, op, body, NULL, 0, NULL, NULL);
	char *text;

	if (!rep)
		return NULL;
	text = strdup(rep->result_case == VMHOST__REPLY__RESULT_TEXT &&
	    rep->text && rep->text->text ? rep->text->text : "");
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	if (!text)
		conn_set_error(c, "out of memory");
	return text;
}

int
vmhost_domain_define(vmhost_conn *c, const char *xml, unsigned flags,
    struct vmhost_domain_summary *out)
{
	Vmhost__DomainDefineRequest r;

	if (!c)
		return -1;
	if (!xml) {
		conn_set_error(c, "no XML given");
		return -1;
	}
	vmhost__domain_define_request__init(&r);
	r.xml = (char *)(uintptr_t)xml;
	r.validate = !!(flags & VMHOST_DEFINE_VALIDATE);
	return call_summary(c, VMHOST__REQUEST__OP_DOMAIN_DEFINE, &r, out);
}

int
vmhost_domain_undefine(vmhost_conn *c, const char *key, char *name,
    size_t namelen)
{
	Vmhost__DomainRef r;
	char *text;

	if (key_check(c, key) < 0)
		return -1;
	vmhost__domain_ref__init(&r);
	r.key = (char *)(uintptr_t)key;
	if (!(text = call_text(c, VMHOST__REQUEST__OP_DOMAIN_UNDEFINE, &r)))
		return -1;
	if (name && namelen)
		snprintf(name, namelen, "%s", *text ? text : key);
	free(text);
	return 0;
}

char *
vmhost_domain_xml(vmhost_conn *c, const char *key, unsigned flags)
{
	Vmhost__DomainXmlRequest r;

	if (key_check(c, key) < 0)
		return NULL;
	vmhost__domain_xml_request__init(&r);
	r.key = (char *)(uintptr_t)key;
	r.inactive = !!(flags & VMHOST_XML_INACTIVE);
	return call_text(c, VMHOST__REQUEST__OP_DOMAIN_XML, &r);
}

int
vmhost_domain_list(vmhost_conn *c, unsigned flags,
    struct vmhost_domain_summary **out, size_t *n)
{
	Vmhost__DomainListRequest r = VMHOST__DOMAIN_LIST_REQUEST__INIT;
	Vmhost__DomainListReply *l;
	Vmhost__Reply *rep;
	size_t cnt;

	*out = NULL;
	*n = 0;
	if (!c)
		return -1;
	r.all = !!(flags & VMHOST_LIST_ALL);
	r.running = !!(flags & VMHOST_LIST_RUNNING);
	r.shutoff = !!(flags & VMHOST_LIST_SHUTOFF);
	r.paused = !!(flags & VMHOST_LIST_PAUSED);
	if (!(rep = conn_call(c, VMHOST__REQUEST__OP_DOMAIN_LIST, &r, NULL, 0,
	    NULL, NULL)))
		return -1;
	l = rep->result_case == VMHOST__REPLY__RESULT_DOMAIN_LIST ?
	    rep->domain_list : NULL;
	cnt = l ? l->n_domains : 0;
	/* one more than needed, so an empty list is not a NULL */
	if (!(*out = calloc(cnt + 1, sizeof(**out)))) {
		protobuf_c_message_free_unpacked(&rep->base, NULL);
		conn_set_error(c, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < cnt; i++)
		summary_copy(&(*out)[i], l->domains[i]);
	*n = cnt;
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

void
vmhost_domain_list_free(struct vmhost_domain_summary *list)
{
	free(list);
}

static void
info_copy(struct vmhost_domain_info *o, const Vmhost__DomainInfo *i)
{
	memset(o, 0, sizeof(*o));
	summary_copy(&o->summary, i ? i->summary : NULL);
	if (!i)
		return;
	COPY(o->os_type, i->os_type);
	COPY(o->virt_type, i->virt_type);
	COPY(o->security_model, i->security_model);
	COPY(o->security_label, i->security_label);
	o->max_memory_kib = i->max_memory_kib;
	o->memory_kib = i->memory_kib;
	o->vcpus = i->vcpus;
	o->cpu_time_ns = i->cpu_time_ns;
	o->persistent = i->persistent;
	o->pid = i->pid;
}

int
vmhost_domain_info(vmhost_conn *c, const char *key,
    struct vmhost_domain_info *out)
{
	Vmhost__DomainRef r;
	Vmhost__Reply *rep;

	if (key_check(c, key) < 0)
		return -1;
	vmhost__domain_ref__init(&r);
	r.key = (char *)(uintptr_t)key;
	if (!(rep = conn_call(c, VMHOST__REQUEST__OP_DOMAIN_INFO, &r, NULL, 0,
	    NULL, NULL)))
		return -1;
	info_copy(out, rep->result_case == VMHOST__REPLY__RESULT_DOMAIN_INFO ?
	    rep->domain_info : NULL);
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

int
vmhost_domain_autostart(vmhost_conn *c, const char *key, int enable,
    struct vmhost_domain_summary *out)
{
	Vmhost__DomainAutostartRequest r;

	if (key_check(c, key) < 0)
		return -1;
	vmhost__domain_autostart_request__init(&r);
	r.key = (char *)(uintptr_t)key;
	r.disable = !enable;
	return call_summary(c, VMHOST__REQUEST__OP_DOMAIN_AUTOSTART, &r, out);
}

char *
vmhost_domain_desc_get(vmhost_conn *c, const char *key, int title)
{
	Vmhost__DomainDescRequest r;

	if (key_check(c, key) < 0)
		return NULL;
	vmhost__domain_desc_request__init(&r);
	r.key = (char *)(uintptr_t)key;
	r.title = !!title;
	return call_text(c, VMHOST__REQUEST__OP_DOMAIN_DESC, &r);
}

int
vmhost_domain_desc_set(vmhost_conn *c, const char *key, int title,
    const char *text)
{
	Vmhost__DomainDescRequest r;
	char *res;

	if (key_check(c, key) < 0)
		return -1;
	vmhost__domain_desc_request__init(&r);
	r.key = (char *)(uintptr_t)key;
	r.title = !!title;
	r.set = 1;
	r.text = (char *)(uintptr_t)(text ? text : "");
	if (!(res = call_text(c, VMHOST__REQUEST__OP_DOMAIN_DESC, &r)))
		return -1;
	free(res);
	return 0;
}

int
vmhost_domain_start(vmhost_conn *c, const char *key, unsigned flags,
    struct vmhost_domain_summary *out)
{
	Vmhost__DomainStartRequest r;

	if (key_check(c, key) < 0)
		return -1;
	vmhost__domain_start_request__init(&r);
	r.key = (char *)(uintptr_t)key;
	r.paused = !!(flags & VMHOST_START_PAUSED);
	return call_summary(c, VMHOST__REQUEST__OP_DOMAIN_START, &r, out);
}

static int
domain_op(vmhost_conn *c, uint32_t op, const char *key,
    struct vmhost_domain_summary *out)
{
	Vmhost__DomainRef r;

	if (key_check(c, key) < 0)
		return -1;
	vmhost__domain_ref__init(&r);
	r.key = (char *)(uintptr_t)key;
	return call_summary(c, op, &r, out);
}

int
vmhost_domain_shutdown(vmhost_conn *c, const char *key,
    struct vmhost_domain_summary *out)
{
	return domain_op(c, VMHOST__REQUEST__OP_DOMAIN_SHUTDOWN, key, out);
}

int
vmhost_domain_destroy(vmhost_conn *c, const char *key,
    struct vmhost_domain_summary *out)
{
	return domain_op(c, VMHOST__REQUEST__OP_DOMAIN_DESTROY, key, out);
}

int
vmhost_domain_reboot(vmhost_conn *c, const char *key,
    struct vmhost_domain_summary *out)
{
	return domain_op(c, VMHOST__REQUEST__OP_DOMAIN_REBOOT, key, out);
}

int
vmhost_domain_reset(vmhost_conn *c, const char *key,
    struct vmhost_domain_summary *out)
{
	return domain_op(c, VMHOST__REQUEST__OP_DOMAIN_RESET, key, out);
}

int
vmhost_domain_suspend(vmhost_conn *c, const char *key,
    struct vmhost_domain_summary *out)
{
	return domain_op(c, VMHOST__REQUEST__OP_DOMAIN_SUSPEND, key, out);
}

int
vmhost_domain_resume(vmhost_conn *c, const char *key,
    struct vmhost_domain_summary *out)
{
	return domain_op(c, VMHOST__REQUEST__OP_DOMAIN_RESUME, key, out);
}

int
vmhost_domain_console(vmhost_conn *c, const char *key)
{
	Vmhost__DomainRef r;
	Vmhost__Reply *rep;
	int fd = -1;
	size_t nfd = 1;

	if (key_check(c, key) < 0)
		return -1;
	vmhost__domain_ref__init(&r);
	r.key = (char *)(uintptr_t)key;
	rep = conn_call(c, VMHOST__REQUEST__OP_DOMAIN_CONSOLE, &r, NULL, 0,
	    &fd, &nfd);
	if (!rep) {
		/* an error reply carries no descriptor, but be sure */
		if (nfd == 1 && fd >= 0)
			close(fd);
		return -1;
	}
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	if (nfd != 1 || fd < 0) {
		conn_set_error(c, "vmhostd sent no console socket");
		return -1;
	}
	return fd;
}

static void
event_copy(struct vmhost_event *o, const Vmhost__Event *e)
{
	memset(o, 0, sizeof(*o));
	o->seq = e->seq;
	COPY(o->domain, e->domain);
	COPY(o->uuid, e->uuid);
	COPY(o->event, e->event);
	COPY(o->detail, e->detail);
	o->time_us = e->time_us;
}

int
vmhost_events_wait(vmhost_conn *c, uint64_t after, unsigned timeout_ms,
    const char *domain, struct vmhost_event **evs, size_t *n, uint64_t *last)
{
	Vmhost__EventWaitRequest r;
	Vmhost__EventsReply *er;
	Vmhost__Reply *rep;
	size_t cnt;

	*evs = NULL;
	*n = 0;
	*last = after;
	if (!c)
		return -1;
	vmhost__event_wait_request__init(&r);
	r.after = after;
	r.timeout_ms = timeout_ms;
	r.domain = (char *)(uintptr_t)(domain ? domain : "");
	if (!(rep = conn_call(c, VMHOST__REQUEST__OP_EVENT_WAIT, &r, NULL, 0,
	    NULL, NULL)))
		return -1;
	er = rep->result_case == VMHOST__REPLY__RESULT_EVENTS ? rep->events :
	    NULL;
	cnt = er ? er->n_events : 0;
	if (!(*evs = calloc(cnt + 1, sizeof(**evs)))) {
		protobuf_c_message_free_unpacked(&rep->base, NULL);
		conn_set_error(c, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < cnt; i++)
		event_copy(&(*evs)[i], er->events[i]);
	*n = cnt;
	if (er && er->last > after)
		*last = er->last;
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

void
vmhost_events_free(struct vmhost_event *evs)
{
	free(evs);
}

char *
vmhost_migrate_disks(vmhost_conn *c, const char *domain, unsigned flags)
{
	Vmhost__MigrateDisksRequest r;

	vmhost__migrate_disks_request__init(&r);
	r.domain = (char *)(uintptr_t)(domain ? domain : "");
	r.dry_run = !!(flags & VMHOST_MIGRATE_DRY_RUN);
	r.allow_backing = !!(flags & VMHOST_MIGRATE_ALLOW_BACKING);
	return call_text(c, VMHOST__REQUEST__OP_MIGRATE_DISKS, &r);
}
