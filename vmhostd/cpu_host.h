/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Host CPU: raw CPUID data (live or recorded) and what vmhostd makes of it. */
#ifndef VMHOST_CPU_HOST_H
#define VMHOST_CPU_HOST_H

#include <stdio.h>

#include "vmhostd/cpu_map.h"

#define CPU_DATA_MAX_LEAVES 256
#define CPU_DATA_MAX_MSRS 16

struct cpu_leaf {
	uint32_t leaf;
	uint32_t subleaf;
	uint32_t reg[4];	/* indexed by enum cpu_reg */
};

struct cpu_msr {
	uint32_t index;
	uint32_t eax;
	uint32_t edx;
};

/* Raw CPUID answers: from the CPU, or from a libvirt-format dump. */
struct cpu_data {
	size_t nleaves;
	struct cpu_leaf leaves[CPU_DATA_MAX_LEAVES];
	size_t nmsrs;
	struct cpu_msr msrs[CPU_DATA_MAX_MSRS];
};

/*
 * Execute CPUID for every leaf the map uses (and leaves 0..0x1f, 0x8000xxxx);
 * feature MSRs come from /dev/kvm when it can be opened, else stay absent.
 */
int cpu_data_read_live(const struct cpu_map *map, struct cpu_data *d);
/* Parse a <cpudata arch='x86'> dump (libvirt tests/cputestdata format). */
int cpu_data_parse_file(const char *path, struct cpu_data *d, char *err,
    size_t errlen);
/* Write d in the same format. */
int cpu_data_format(const struct cpu_data *d, FILE *f);
const struct cpu_leaf *cpu_data_leaf(const struct cpu_data *d, uint32_t leaf,
    uint32_t subleaf);
/* Every map feature whose bits are all set in d. */
void cpu_data_features(const struct cpu_map *map, const struct cpu_data *d,
    struct cpu_fset *out);

struct cpu_topology {
	unsigned sockets;
	unsigned dies;
	unsigned cores;		/* per die */
	unsigned threads;	/* per core */
};

struct cpu_host {
	int vendor;			/* map vendor index, or -1 */
	char vendor_string[16];		/* CPUID leaf 0, e.g. "GenuineIntel" */
	unsigned family, model_id, stepping;	/* CPUID signature */
	struct cpu_fset cpuid;		/* every map feature CPUID reports */
	struct cpu_fset features;	/* what the host really offers */
	struct cpu_fset dropped;	/* in cpuid, not in features */
	bool tsx_quirk;			/* hle/rtm dropped: TSX known broken */
	bool kernel_checked;		/* features cross-checked with the kernel */
	const struct cpu_model *model;	/* best matching model, or NULL */
	struct cpu_fset extra;		/* features beyond that model */
	struct cpu_topology topo;
};

/* Vendor, signature, features and model from raw data (no kernel check). */
int cpu_host_from_data(const struct cpu_map *map, const struct cpu_data *d,
    struct cpu_host *h);
/*
 * Drop features CPUID reports but the kernel does not (the "flags" line of
 * /proc/cpuinfo, given as flags), then decode again.  Names the kernel never
 * prints are kept.
 */
void cpu_host_check_flags(const struct cpu_map *map, struct cpu_host *h,
    const char *flags);
/* The Linux flag name of a map feature, or NULL when Linux does not print it. */
const char *cpu_linux_flag(const struct cpu_map *map, int feature, char *buf,
    size_t len);
/* Topology from /proc/cpuinfo text and the number of online CPUs. */
void cpu_host_parse_topology(const char *cpuinfo, unsigned ncpus,
    struct cpu_topology *t);
/* Live host: CPUID, then /proc/cpuinfo flags and topology.  0 or -errno. */
int cpu_host_detect(const struct cpu_map *map, struct cpu_host *h, char *err,
    size_t errlen);
/* The host <cpu> element for capabilities; *out is malloc'd. */
int cpu_host_format(const struct cpu_map *map, const struct cpu_host *h,
    char **out);

#endif
