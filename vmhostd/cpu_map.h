/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The x86 CPU model map (libvirt cpu_map format): features, vendors, models. */
#ifndef VMHOST_CPU_MAP_H
#define VMHOST_CPU_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPU_MAP_MAX_FEATURES 512
#define CPU_MAP_MAX_ALIASES 128
#define CPU_MAP_MAX_VENDORS 8
#define CPU_MAP_MAX_MODELS 256
#define CPU_MODEL_MAX_SIGS 16
#define CPU_NAME_MAX 48

/* A set of features: bit i is feature i of the map, in the map's order. */
struct cpu_fset {
	uint64_t w[CPU_MAP_MAX_FEATURES / 64];
};

/* Registers of one CPUID answer, in this order; an MSR uses eax and edx. */
enum cpu_reg { CPU_EAX, CPU_EBX, CPU_ECX, CPU_EDX };

struct cpu_feature {
	char name[CPU_NAME_MAX];
	bool is_msr;		/* leaf is then the MSR index */
	bool migratable;
	uint32_t leaf;		/* CPUID eax_in, or MSR index */
	uint32_t subleaf;	/* CPUID ecx_in */
	uint32_t mask[4];	/* indexed by enum cpu_reg */
};

struct cpu_alias {
	char name[CPU_NAME_MAX];
	char source[8];		/* "qemu" or "linux" */
	int feature;
};

struct cpu_vendor {
	char name[16];		/* "Intel" */
	char string[16];	/* "GenuineIntel" (CPUID leaf 0) */
};

struct cpu_signature {
	unsigned family;
	unsigned model;
};

struct cpu_model {
	char name[CPU_NAME_MAX];
	int vendor;		/* index in cpu_map.vendors, or -1 */
	bool decode_host;
	bool decode_guest;
	size_t nsigs;
	struct cpu_signature sigs[CPU_MODEL_MAX_SIGS];
	struct cpu_fset features;	/* all of them, as libvirt's model data */
	struct cpu_fset removed;	/* removed='yes': QEMU dropped them */
	size_t nfeatures;
};

struct cpu_map {
	size_t nfeatures;
	struct cpu_feature features[CPU_MAP_MAX_FEATURES];
	size_t naliases;
	struct cpu_alias aliases[CPU_MAP_MAX_ALIASES];
	size_t nvendors;
	struct cpu_vendor vendors[CPU_MAP_MAX_VENDORS];
	size_t nmodels;		/* in index.xml order: older models first */
	struct cpu_model models[CPU_MAP_MAX_MODELS];
};

/*
 * Load DIR/index.xml and the x86 files it includes.  0, or a negative errno
 * with a one-line message in err.  Free the map with cpu_map_free.
 */
int cpu_map_load(const char *dir, struct cpu_map **out, char *err,
    size_t errlen);
void cpu_map_free(struct cpu_map *map);

/* Lookups: index (feature, vendor) or NULL/-1 when unknown. */
int cpu_map_feature(const struct cpu_map *map, const char *name);
int cpu_map_vendor(const struct cpu_map *map, const char *name);
int cpu_map_vendor_by_string(const struct cpu_map *map, const char *string);
const struct cpu_model *cpu_map_model(const struct cpu_map *map,
    const char *name);
bool cpu_model_has_signature(const struct cpu_model *m, unsigned family,
    unsigned model);
/* What a guest using the model needs from the host: features - removed. */
void cpu_model_required(const struct cpu_model *m, struct cpu_fset *out);

/* Feature sets. */
void cpu_fset_add(struct cpu_fset *s, int i);
void cpu_fset_del(struct cpu_fset *s, int i);
bool cpu_fset_has(const struct cpu_fset *s, int i);
void cpu_fset_or(struct cpu_fset *d, const struct cpu_fset *s);
void cpu_fset_and(struct cpu_fset *d, const struct cpu_fset *s);
void cpu_fset_andnot(struct cpu_fset *d, const struct cpu_fset *s);
bool cpu_fset_subset(const struct cpu_fset *a, const struct cpu_fset *b);
bool cpu_fset_equal(const struct cpu_fset *a, const struct cpu_fset *b);
bool cpu_fset_empty(const struct cpu_fset *s);
size_t cpu_fset_count(const struct cpu_fset *s);
/*
 * Write the names of the set, in map order, joined by sep, into buf.
 * Returns the length it needed (like snprintf); buf is always terminated.
 */
size_t cpu_fset_join(const struct cpu_map *map, const struct cpu_fset *s,
    const char *sep, char *buf, size_t len);

/* Safe XML reading shared by the cpu files (no network, no entities). */
struct _xmlDoc;
struct _xmlNode;
struct _xmlDoc *cpu_xml_read_file(const char *path, char *err,
    size_t errlen);
const char *cpu_xml_attr(const struct _xmlNode *n, const char *name);
bool cpu_xml_is(const struct _xmlNode *n, const char *name);

#endif
