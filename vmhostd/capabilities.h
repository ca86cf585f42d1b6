/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's view of the host: CPU map and host CPU, QEMU machine types, capabilities XML. */
#ifndef VMHOSTD_CAPABILITIES_H
#define VMHOSTD_CAPABILITIES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/rpc.h"
#include "vmhostd/cpu_compare.h"

struct event_base;
struct domain_def;

/*
 * Load the CPU map from DATADIR/cpu_map (the environment's VMHOST_DATADIR,
 * else the build's), detect the host CPU, and start `QEMU -machine help`
 * (once, asynchronously).  Failures are logged; CPU checks are then skipped.
 */
void caps_init(struct event_base *base);
void caps_free(void);

/* The map and host CPU, or NULL when they could not be loaded. */
const struct cpu_map *caps_cpu_map(void);
const struct cpu_host *caps_cpu_host(void);

/* Whether the emulator's group can open /dev/kvm read-write. */
bool caps_kvm_usable(void);

/* <capabilities> XML; *out malloc'd.  0 or -errno. */
int caps_capabilities_xml(char **out);
/* <domainCapabilities> for virttype ("" for the best); 0 or -errno + err. */
int caps_domcapabilities_xml(const char *virttype, const char *machine,
    char **out, char *err, size_t errlen);

/*
 * The start-time CPU check of a definition: 0 when its <cpu> can run here
 * (or has none, or is host-model/host-passthrough); else a negative errno
 * and "guest and host CPU are not compatible: ...; hint: ..." in err.
 */
int caps_check_domain(const struct domain_def *d, char *err, size_t errlen);
/* The same over a domain's XML text (define --validate). */
int caps_check_domain_xml(const char *xml, size_t len, char *err,
    size_t errlen);

/* dispatch_cpu.c */
void vmhostd_handle_capabilities(struct rpc_call *call, const void *req);
void vmhostd_handle_domcapabilities(struct rpc_call *call, const void *req);
void vmhostd_handle_cpu_compare(struct rpc_call *call, const void *req);
void vmhostd_handle_cpu_baseline(struct rpc_call *call, const void *req);

#endif
