/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CPU descriptions (<cpu>), decoding to a model, guest check, compare, baseline. */
#ifndef VMHOST_CPU_COMPARE_H
#define VMHOST_CPU_COMPARE_H

#include "vmhostd/cpu_host.h"
#include "vmhostd/cpu_map.h"

#define CPU_DEF_MAX_FEATURES 256
#define CPU_MSG_MAX 2048

enum cpu_mode {
	CPU_MODE_CUSTOM,
	CPU_MODE_HOST_MODEL,
	CPU_MODE_HOST_PASSTHROUGH,
};

enum cpu_match {
	CPU_MATCH_EXACT,
	CPU_MATCH_MINIMUM,
	CPU_MATCH_STRICT,
};

enum cpu_policy {
	CPU_POLICY_REQUIRE,	/* also a host description's plain <feature> */
	CPU_POLICY_FORCE,
	CPU_POLICY_OPTIONAL,
	CPU_POLICY_DISABLE,
	CPU_POLICY_FORBID,
};

struct cpu_def_feature {
	char name[CPU_NAME_MAX];
	enum cpu_policy policy;
};

/* A <cpu> element: a guest's request, or a host description. */
struct cpu_def {
	enum cpu_mode mode;
	enum cpu_match match;
	char model[CPU_NAME_MAX];	/* empty: no model */
	bool fallback_forbid;
	char vendor[16];		/* empty: any vendor */
	size_t nfeatures;
	struct cpu_def_feature features[CPU_DEF_MAX_FEATURES];
};

/*
 * Parse every <cpu> element of an XML document (a bare <cpu>, or <cpu>s
 * inside any other element, as virsh accepts), at most max of them.
 * Returns how many were found, or a negative errno with a message in err.
 */
int cpu_def_parse(const char *xml, size_t len, struct cpu_def *defs,
    size_t max, char *err, size_t errlen);
/* Format a custom <cpu> (as cpu-baseline prints); *out is malloc'd. */
int cpu_def_format(const struct cpu_def *def, char **out);

/* Result of decoding a feature set to a model. */
struct cpu_decoded {
	const struct cpu_model *model;
	struct cpu_fset extra;		/* present, not in the model */
	struct cpu_fset missing;	/* in the model, not present */
};

/*
 * Choose the model that describes have best, as libvirt does: newest models
 * first, same vendor, fewest extra+missing features, a model whose signature
 * matches family/model (family 0: unknown) preferred.  for_host: only models
 * marked decode host='on' and with nothing missing; otherwise models marked
 * guest='on', missing ones allowed.  0, or -ENOENT when no model fits.
 */
int cpu_decode(const struct cpu_map *map, const struct cpu_fset *have,
    int vendor, unsigned family, unsigned model, bool for_host,
    struct cpu_decoded *out);

struct cpu_result {
	char error[CPU_MSG_MAX];	/* empty when compatible */
	char hint[CPU_MSG_MAX];		/* how to fix it, or empty */
	struct cpu_fset missing;	/* required, absent on the host */
	struct cpu_fset forbidden;	/* forbidden, present on the host */
	struct cpu_fset extra;		/* strict match: host has more */
};

/*
 * Can the guest's <cpu> run on this host?  0 when it can; -EINVAL for an
 * invalid definition ("unknown CPU model 'X'"); -ENOTSUP when the host cannot
 * run it: r->error is then "guest and host CPU are not compatible: ..." and
 * r->hint names a fix.  host-model and host-passthrough always pass.
 */
int cpu_check_guest(const struct cpu_map *map, const struct cpu_host *host,
    const struct cpu_def *guest, struct cpu_result *r);

enum cpu_cmp {
	CPU_CMP_ERROR = -1,
	CPU_CMP_INCOMPATIBLE = 0,
	CPU_CMP_IDENTICAL = 1,
	CPU_CMP_SUPERSET = 2,
};

/* virsh cpu-compare: the host against a <cpu>; r->error says why not. */
enum cpu_cmp cpu_compare(const struct cpu_map *map,
    const struct cpu_host *host, const struct cpu_def *def,
    struct cpu_result *r);
const char *cpu_cmp_str(enum cpu_cmp c);

/*
 * virsh cpu-baseline: the best model and features common to n host
 * descriptions.  0, or a negative errno with a message in err.
 */
int cpu_baseline(const struct cpu_map *map, const struct cpu_def *defs,
    size_t n, struct cpu_def *out, char *err, size_t errlen);

/* For domcapabilities: can the host run this model, and what blocks it. */
struct cpu_usable {
	const struct cpu_model *model;
	bool usable;
	struct cpu_fset blockers;
};
/* Fill out[] with every guest model of the map; returns the count. */
size_t cpu_usable_models(const struct cpu_map *map,
    const struct cpu_host *host, struct cpu_usable *out, size_t max);

#endif
