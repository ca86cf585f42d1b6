/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's domain handlers: each unpacks, calls the store or the lifecycle, and replies. */
#define LOG_MODULE "dispatch"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmhost.pb-c.h"
#include "common/log.h"
#include "vmhostd/capabilities.h"
#include "vmhostd/dispatch.h"
#include "vmhostd/domains.h"
#include "vmhostd/events.h"
#include "vmhostd/lifecycle.h"
#include "vmhostd/vmhostd.h"

static const char *const state_names[] = {
	"no state", "running", "idle", "paused", "in shutdown", "shut off",
	"crashed",
};

const char *
vm_state_name(enum vm_state s)
{
	return (unsigned)s < sizeof(state_names) / sizeof(*state_names) ?
	    state_names[s] : "unknown";
}

void
vm_summary(const struct vm *vm, Vmhost__DomainSummary *s)
{
	vmhost__domain_summary__init(s);
	s->name = (char *)(uintptr_t)vm->name;
	s->uuid = (char *)(uintptr_t)vm->uuid;
	s->id = vm->id;
	s->state = (Vmhost__DomainState)vm->state;
	s->autostart = vm->autostart;
	s->reason = (char *)(uintptr_t)vm->reason;
}

void
reply_summary(struct rpc_call *call, const struct vm *vm)
{
	Vmhost__Reply rep = VMHOST__REPLY__INIT;
	Vmhost__DomainSummary s;

	vm_summary(vm, &s);
	rep.result_case = VMHOST__REPLY__RESULT_DOMAIN;
	rep.domain = &s;
	rpc_reply(call, &rep.base, NULL, 0);
}

void
reply_text(struct rpc_call *call, const char *text)
{
	Vmhost__Reply rep = VMHOST__REPLY__INIT;
	Vmhost__TextReply t;

	vmhost__text_reply__init(&t);
	t.text = (char *)(uintptr_t)text;
	rep.result_case = VMHOST__REPLY__RESULT_TEXT;
	rep.text = &t;
	rpc_reply(call, &rep.base, NULL, 0);
}

/* Look a domain up or reply with libvirt's wording; NULL when replied. */
struct vm *
vm_lookup(struct rpc_call *call, const char *key)
{
	struct vm *vm = domains_find(key);
	char esc[256];

	if (!vm)
		rpc_reply_error(call, ENOENT,
		    "failed to get domain '%s': domain not found",
		    str_escape(esc, sizeof(esc), key ? key : ""));
	return vm;
}

static void
define_done(void *arg, struct vm *vm, int rc, const char *err)
{
	struct rpc_call *call = arg;

	if (rc < 0) {
		rpc_reply_error(call, -rc, "%s", err);
		return;
	}
	events_emit(vm, "Defined", "Added");
	reply_summary(call, vm);
}

void
vmhostd_handle_domain_define(struct rpc_call *call, const void *req)
{
	const Vmhost__DomainDefineRequest *r =
	    ((const Vmhost__Request *)req)->domain_define;
	char err[1024];
	int rc;

	if (r->validate && (rc = caps_check_domain_xml(r->xml, strlen(r->xml),
	    err, sizeof(err))) < 0) {
		rpc_reply_error(call, -rc, "%s", err);
		return;
	}
	/* the reply goes when the definition is durable (commit.c) */
	rc = domains_define(r->xml, strlen(r->xml), define_done, call, err,
	    sizeof(err));
	if (rc < 0)
		rpc_reply_error(call, -rc, "%s", err);
}

void
vmhostd_handle_domain_undefine(struct rpc_call *call, const void *req)
{
	const Vmhost__DomainRef *r = ((const Vmhost__Request *)req)->domain_undefine;
	struct vm *vm = vm_lookup(call, r->key);
	char err[1024], name[DOMAIN_NAME_MAX + 1];
	struct domain_def gone_def = { .name = name };
	struct vm gone = { .def = &gone_def };	/* what the event names */
	int rc;

	if (!vm)
		return;
	snprintf(name, sizeof(name), "%s", vm->def->name);
	memcpy(gone.uuid, vm->uuid, sizeof(gone.uuid));
	/* vm may be freed by the undefine: the event uses the copy, and only
	 * once the definition is really gone */
	if ((rc = domains_undefine(vm, err, sizeof(err))) < 0) {
		rpc_reply_error(call, -rc, "%s", err);
		return;
	}
	events_emit(&gone, "Undefined", "Removed");
	reply_text(call, name);
}

void
vmhostd_handle_domain_xml(struct rpc_call *call, const void *req)
{
	const Vmhost__DomainXmlRequest *r =
	    ((const Vmhost__Request *)req)->domain_xml;
	struct vm *vm = vm_lookup(call, r->key);
	char *xml;

	if (!vm)
		return;
	if (vm->live && !r->inactive)
		xml = lifecycle_live_xml(vm);
	else
		xml = domain_format(vm->next_def ? vm->next_def : vm->def, 0);
	if (!xml) {
		rpc_reply_error(call, ENOMEM, "out of memory");
		return;
	}
	reply_text(call, xml);
	free(xml);
}

static int
list_match(const Vmhost__DomainListRequest *r, const struct vm *vm)
{
	if (!r->all && !vm->live)
		return 0;
	if (!r->running && !r->shutoff && !r->paused)
		return 1;
	return (r->running && vm->state == VM_RUNNING) ||
	    (r->paused && vm->state == VM_PAUSED) ||
	    (r->shutoff && vm->state == VM_SHUTOFF);
}

void
vmhostd_handle_domain_list(struct rpc_call *call, const void *req)
{
	const Vmhost__DomainListRequest *r =
	    ((const Vmhost__Request *)req)->domain_list;
	Vmhost__Reply rep = VMHOST__REPLY__INIT;
	Vmhost__DomainListReply lr = VMHOST__DOMAIN_LIST_REPLY__INIT;
	Vmhost__DomainSummary *sums = NULL, **ptrs = NULL;
	size_t n = 0, k = 0;
	struct vm **all = domains_sorted_names(&n);	/* no definition needed */

	if (!all || !(sums = calloc(n + 1, sizeof(*sums))) ||
	    !(ptrs = calloc(n + 1, sizeof(*ptrs)))) {
		rpc_reply_error(call, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (!list_match(r, all[i]) ||
		    !access_may(call, "domain.read", all[i]->name))
			continue;	/* acl.conf: only what the caller may read */
		vm_summary(all[i], &sums[k]);
		ptrs[k] = &sums[k];
		k++;
	}
	lr.n_domains = k;
	lr.domains = ptrs;
	rep.result_case = VMHOST__REPLY__RESULT_DOMAIN_LIST;
	rep.domain_list = &lr;
	rpc_reply(call, &rep.base, NULL, 0);
out:
	free(all);
	free(sums);
	free(ptrs);
}

void
vmhostd_handle_domain_info(struct rpc_call *call, const void *req)
{
	const Vmhost__DomainRef *r = ((const Vmhost__Request *)req)->domain_info;
	Vmhost__Reply rep = VMHOST__REPLY__INIT;
	Vmhost__DomainInfo info;
	Vmhost__DomainSummary s;
	struct vm *vm = vm_lookup(call, r->key);

	if (!vm)
		return;
	vmhost__domain_info__init(&info);
	vm_summary(vm, &s);
	info.summary = &s;
	info.os_type = vm->def->os.type ? vm->def->os.type : (char *)(uintptr_t)"hvm";
	info.max_memory_kib = vm->def->memory_kib;
	info.memory_kib = vm->def->current_memory_kib ?
	    vm->def->current_memory_kib : vm->def->memory_kib;
	info.vcpus = vm->def->vcpus_current ? vm->def->vcpus_current :
	    vm->def->vcpus;
	info.persistent = vm->persistent;
	info.pid = lifecycle_pid(vm);
	info.virt_type = vm->def->virt == DOMAIN_VIRT_KVM ? (char *)(uintptr_t)"kvm" :
	    (char *)(uintptr_t)"qemu";
	info.security_model = (char *)(uintptr_t)"none";
	info.security_label = (char *)(uintptr_t)"";
	rep.result_case = VMHOST__REPLY__RESULT_DOMAIN_INFO;
	rep.domain_info = &info;
	rpc_reply(call, &rep.base, NULL, 0);
}

void
vmhostd_handle_domain_autostart(struct rpc_call *call, const void *req)
{
	const Vmhost__DomainAutostartRequest *r =
	    ((const Vmhost__Request *)req)->domain_autostart;
	struct vm *vm = vm_lookup(call, r->key);
	char err[1024];
	int rc;

	if (!vm)
		return;
	if (!vm->persistent) {
		rpc_reply_error(call, EINVAL,
		    "cannot set autostart for a transient domain");
		return;
	}
	if ((rc = domains_set_autostart(vm, !r->disable, err, sizeof(err))) < 0) {
		rpc_reply_error(call, -rc, "%s", err);
		return;
	}
	reply_summary(call, vm);
}

void
vmhostd_handle_domain_desc(struct rpc_call *call, const void *req)
{
	const Vmhost__DomainDescRequest *r =
	    ((const Vmhost__Request *)req)->domain_desc;
	struct vm *vm = vm_lookup(call, r->key);
	char **field, *old, err[1024];
	int rc;

	if (!vm)
		return;
	field = r->title ? &vm->def->title : &vm->def->description;
	if (!r->set) {
		reply_text(call, *field ? *field : "");
		return;
	}
	if (r->title && strpbrk(r->text, "\n\r")) {
		rpc_reply_error(call, EINVAL, "a title must be one line");
		return;
	}
	old = *field;
	if (!(*field = strdup(r->text))) {
		*field = old;
		rpc_reply_error(call, ENOMEM, "out of memory");
		return;
	}
	if ((rc = domains_save(vm, vm->def, err, sizeof(err))) < 0) {
		free(*field);
		*field = old;
		rpc_reply_error(call, -rc, "%s", err);
		return;
	}
	free(old);
	reply_text(call, *field);
}

#define REF(field) (((const Vmhost__Request *)req)->field)

void
vmhostd_handle_domain_start(struct rpc_call *call, const void *req)
{
	const Vmhost__DomainStartRequest *r = REF(domain_start);
	struct vm *vm = vm_lookup(call, r->key);

	if (vm)
		lifecycle_start(vm, r->paused, call);
}

static void
domain_op(struct rpc_call *call, const Vmhost__DomainRef *r,
    enum lifecycle_op op)
{
	struct vm *vm = vm_lookup(call, r->key);

	if (vm)
		lifecycle_op(vm, op, call);
}

void
vmhostd_handle_domain_shutdown(struct rpc_call *call, const void *req)
{
	domain_op(call, REF(domain_shutdown), LC_SHUTDOWN);
}

void
vmhostd_handle_domain_destroy(struct rpc_call *call, const void *req)
{
	domain_op(call, REF(domain_destroy), LC_DESTROY);
}

void
vmhostd_handle_domain_reboot(struct rpc_call *call, const void *req)
{
	domain_op(call, REF(domain_reboot), LC_REBOOT);
}

void
vmhostd_handle_domain_reset(struct rpc_call *call, const void *req)
{
	domain_op(call, REF(domain_reset), LC_RESET);
}

void
vmhostd_handle_domain_suspend(struct rpc_call *call, const void *req)
{
	domain_op(call, REF(domain_suspend), LC_SUSPEND);
}

void
vmhostd_handle_domain_resume(struct rpc_call *call, const void *req)
{
	domain_op(call, REF(domain_resume), LC_RESUME);
}

void
vmhostd_handle_domain_console(struct rpc_call *call, const void *req)
{
	struct vm *vm = vm_lookup(call, REF(domain_console)->key);

	if (vm)
		lifecycle_console(vm, call);
}

void
vmhostd_handle_event_wait(struct rpc_call *call, const void *req)
{
	const Vmhost__EventWaitRequest *r = REF(event_wait);

	events_wait(call, r->after, r->timeout_ms > 600000 ? 600000 :
	    r->timeout_ms, r->domain);
}
