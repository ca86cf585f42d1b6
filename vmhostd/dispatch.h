/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's handlers, as named in the dispatch table, and the reply helpers they share. */
#ifndef VMHOSTD_DISPATCH_H
#define VMHOSTD_DISPATCH_H

#include "vmhost.pb-c.h"
#include "common/rpc.h"
#include "vmhostd/domains.h"

const char *vm_state_name(enum vm_state s);
void vm_summary(const struct vm *vm, Vmhost__DomainSummary *s);
void reply_summary(struct rpc_call *call, const struct vm *vm);
void reply_text(struct rpc_call *call, const char *text);
struct vm *vm_lookup(struct rpc_call *call, const char *key);

#define HANDLER(n) void vmhostd_handle_##n(struct rpc_call *call, const void *req)
HANDLER(domain_define);
HANDLER(domain_undefine);
HANDLER(domain_xml);
HANDLER(domain_list);
HANDLER(domain_info);
HANDLER(domain_autostart);
HANDLER(domain_desc);
HANDLER(domain_start);
HANDLER(domain_shutdown);
HANDLER(domain_destroy);
HANDLER(domain_reboot);
HANDLER(domain_reset);
HANDLER(domain_suspend);
HANDLER(domain_resume);
HANDLER(domain_console);
HANDLER(event_wait);
HANDLER(migrate_disks);
#undef HANDLER

#endif
