/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's configuration and its pool and ownership handlers. */
#ifndef VMHOST_STORD_SERVICE_H
#define VMHOST_STORD_SERVICE_H

#include <stddef.h>

#include "common/rpc.h"

#define STORD_CONF	"/etc/vmhost/stord.conf"
#define STORD_STATE_DIR	"/var/lib/vmhost/stord"

/* stord.conf (under --root unless @file is given): allowed_dirs checked
 * and handed to the disk code. 0 or -errno with @err. */
int stord_config_load(const char *file, char *err, size_t errlen);
/* The pool folder, under --root. */
const char *stord_pool_dir(void);
/* Remembered owners, from the state folder (after the drop). */
int stord_owner_init(char *err, size_t errlen);

void stord_handle_vol_create(struct rpc_call *call, const void *req);
void stord_handle_vol_list(struct rpc_call *call, const void *req);
void stord_handle_vol_info(struct rpc_call *call, const void *req);
void stord_handle_vol_delete(struct rpc_call *call, const void *req);
void stord_handle_vol_resize(struct rpc_call *call, const void *req);
void stord_handle_chown(struct rpc_call *call, const void *req);
void stord_handle_chown_release(struct rpc_call *call, const void *req);

#endif
