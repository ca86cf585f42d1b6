/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's pool volume handlers (served by vmhost-stord), as named in the dispatch table. */
#ifndef VMHOSTD_DISPATCH_STORAGE_H
#define VMHOSTD_DISPATCH_STORAGE_H

#include "common/rpc.h"

#define HANDLER(n) void vmhostd_handle_##n(struct rpc_call *call, const void *req)
HANDLER(vol_create);
HANDLER(vol_list);
HANDLER(vol_info);
HANDLER(vol_delete);
HANDLER(vol_resize);
#undef HANDLER

#endif
