/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Between vmhostd's domain store (domains.c) and its loading at start (domains_load.c). */
#ifndef VMHOSTD_DOMAINS_PRIV_H
#define VMHOSTD_DOMAINS_PRIV_H

#include "vmhostd/domains.h"

struct vm *domains_by_name(const char *name);
/* A new domain of d (not in the store yet). */
struct vm *domains_vm_new(struct domain_def *d);
/* Put vm in the store (indexes, count). 0 or -ENOMEM. */
int domains_insert(struct vm *vm);
/* Name or uuid taken by another domain: -EEXIST and a message; else 0, and
 * *same is the domain of both, if any. */
int domains_conflict(const char *name, const char *uuid, struct vm **same,
    char *err, size_t errlen);
/* What the load leaves: the folder's device, the cache file holding the
 * texts not parsed yet (-1: none), whether the cache is to be rewritten. */
void domains_loaded(uint64_t dev, int cache_fd, bool cache_dirty);

#endif
