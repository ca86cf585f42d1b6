/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's network handlers, as named in the dispatch table. */
#ifndef VMHOSTD_DISPATCH_NETWORK_H
#define VMHOSTD_DISPATCH_NETWORK_H

#include "common/rpc.h"

#define HANDLER(n) void vmhostd_handle_##n(struct rpc_call *call, const void *req)
HANDLER(network_define);
HANDLER(network_undefine);
HANDLER(network_start);
HANDLER(network_destroy);
HANDLER(network_autostart);
HANDLER(network_list);
HANDLER(network_info);
HANDLER(network_xml);
HANDLER(network_leases);
HANDLER(network_update);
#undef HANDLER

#endif
