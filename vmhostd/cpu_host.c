/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Detects the host CPU in vmhostd, unprivileged: CPUID, /proc/cpuinfo, topology. */
#include "vmhostd/cpu_host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#endif

#include "vmhostd/cpu_compare.h"

#define CPUINFO_MAX (4 * 1024 * 1024)

const struct cpu_leaf *
cpu_data_leaf(const struct cpu_data *d, uint32_t leaf, uint32_t subleaf)
{
	size_t i;

	for (i = 0; i < d->nleaves; i++) {
		if (d->leaves[i].leaf == leaf && d->leaves[i].subleaf == subleaf)
			return &d->leaves[i];
	}
	return NULL;
}

static const struct cpu_msr *
cpu_data_msr(const struct cpu_data *d, uint32_t index)
{
	size_t i;

	for (i = 0; i < d->nmsrs; i++) {
		if (d->msrs[i].index == index)
			return &d->msrs[i];
	}
	return NULL;
}

static int
cpu_data_add(struct cpu_data *d, const struct cpu_leaf *l)
{
	if (cpu_data_leaf(d, l->leaf, l->subleaf))
		return 0;
	if (d->nleaves == CPU_DATA_MAX_LEAVES)
		return -E2BIG;
	d->leaves[d->nleaves++] = *l;
	return 0;
}

#if defined(__x86_64__) || defined(__i386__)
static void
live_leaf(struct cpu_data *d, uint32_t leaf, uint32_t subleaf)
{
	struct cpu_leaf l = { .leaf = leaf, .subleaf = subleaf };

	__cpuid_count(leaf, subleaf, l.reg[CPU_EAX], l.reg[CPU_EBX],
	    l.reg[CPU_ECX], l.reg[CPU_EDX]);
	(void)cpu_data_add(d, &l);
}

/* A feature MSR as KVM reports it (no root needed, unlike /dev/cpu/N/msr). */
static void
live_msr(struct cpu_data *d, int kvm, uint32_t index)
{
	uint64_t buf[(sizeof(struct kvm_msrs) +
	    sizeof(struct kvm_msr_entry)) / 8 + 1] = { 0 };
	struct kvm_msrs *req = (struct kvm_msrs *)buf;

	if (cpu_data_msr(d, index) || d->nmsrs == CPU_DATA_MAX_MSRS)
		return;
	req->nmsrs = 1;
	req->entries[0].index = index;
	if (ioctl(kvm, KVM_GET_MSRS, req) != 1)
		return;
	d->msrs[d->nmsrs].index = index;
	d->msrs[d->nmsrs].eax = (uint32_t)req->entries[0].data;
	d->msrs[d->nmsrs].edx = (uint32_t)(req->entries[0].data >> 32);
	d->nmsrs++;
}

static void
live_msrs(const struct cpu_map *map, struct cpu_data *d)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	size_t i;

	if (kvm < 0)
		return;
	for (i = 0; i < map->nfeatures; i++) {
		if (map->features[i].is_msr)
			live_msr(d, kvm, map->features[i].leaf);
	}
	close(kvm);
}

int
cpu_data_read_live(const struct cpu_map *map, struct cpu_data *d)
{
	uint32_t max, maxext, leaf;
	const struct cpu_feature *f;
	size_t i;

	memset(d, 0, sizeof(*d));
	live_leaf(d, 0, 0);
	max = d->leaves[0].reg[CPU_EAX];
	for (leaf = 1; leaf <= max && leaf < 0x20; leaf++)
		live_leaf(d, leaf, 0);
	live_leaf(d, 0x80000000, 0);
	maxext = d->leaves[d->nleaves - 1].reg[CPU_EAX];
	if (maxext < 0x80000000 || maxext > 0x80000040)
		maxext = 0x80000000;
	for (leaf = 0x80000001; leaf <= maxext; leaf++)
		live_leaf(d, leaf, 0);
	for (i = 0; map && i < map->nfeatures; i++) {
		f = &map->features[i];
		if (f->is_msr)
			continue;
		if ((f->leaf < 0x80000000 && f->leaf <= max) ||
		    (f->leaf >= 0x80000000 && f->leaf <= maxext))
			live_leaf(d, f->leaf, f->subleaf);
	}
	if (map)
		live_msrs(map, d);
	return 0;
}
#else
int
cpu_data_read_live(const struct cpu_map *map, struct cpu_data *d)
{
	(void)map;
	memset(d, 0, sizeof(*d));
	return -ENOTSUP;
}
#endif

static int
dump_u32(const xmlNode *n, const char *name, uint32_t *out)
{
	const char *s = cpu_xml_attr(n, name);
	unsigned long long v;
	char *end;

	*out = 0;
	if (!s)
		return 0;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int
dump_entry(struct cpu_data *d, const xmlNode *n)
{
	struct cpu_leaf l = { 0 };
	struct cpu_msr m = { 0 };

	if (cpu_xml_is(n, "msr")) {
		if (!cpu_xml_attr(n, "index") || dump_u32(n, "index", &m.index) ||
		    dump_u32(n, "eax", &m.eax) || dump_u32(n, "edx", &m.edx))
			return -EINVAL;
		if (d->nmsrs == CPU_DATA_MAX_MSRS)
			return -E2BIG;
		d->msrs[d->nmsrs++] = m;
		return 0;
	}
	if (!cpu_xml_attr(n, "eax_in") || dump_u32(n, "eax_in", &l.leaf) ||
	    dump_u32(n, "ecx_in", &l.subleaf) ||
	    dump_u32(n, "eax", &l.reg[CPU_EAX]) ||
	    dump_u32(n, "ebx", &l.reg[CPU_EBX]) ||
	    dump_u32(n, "ecx", &l.reg[CPU_ECX]) ||
	    dump_u32(n, "edx", &l.reg[CPU_EDX]))
		return -EINVAL;
	return cpu_data_add(d, &l);
}

int
cpu_data_parse_file(const char *path, struct cpu_data *d, char *err,
    size_t errlen)
{
	char msg[256] = "out of memory";
	xmlDoc *doc;
	const xmlNode *root, *n;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	if (!(doc = cpu_xml_read_file(path, msg, sizeof(msg)))) {
		snprintf(err, errlen, "%s: %s", path, msg);
		return -EINVAL;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !cpu_xml_is(root, "cpudata"))
		rc = -EINVAL;
	for (n = root ? root->children : NULL; n && rc == 0; n = n->next) {
		if (cpu_xml_is(n, "cpuid") || cpu_xml_is(n, "msr"))
			rc = dump_entry(d, n);
	}
	if (rc == 0 && !cpu_data_leaf(d, 0, 0))
		rc = -EINVAL;
	if (rc < 0)
		snprintf(err, errlen, "%s: not a <cpudata> CPUID dump with "
		    "leaf 0 and at most %d leaves", path, CPU_DATA_MAX_LEAVES);
	xmlFreeDoc(doc);
	return rc;
}

int
cpu_data_format(const struct cpu_data *d, FILE *f)
{
	const struct cpu_leaf *l;
	size_t i;

	fprintf(f, "<cpudata arch='x86'>\n");
	for (i = 0; i < d->nleaves; i++) {
		l = &d->leaves[i];
		fprintf(f, "  <cpuid eax_in='0x%08x' ecx_in='0x%02x' "
		    "eax='0x%08x' ebx='0x%08x' ecx='0x%08x' edx='0x%08x'/>\n",
		    l->leaf, l->subleaf, l->reg[CPU_EAX], l->reg[CPU_EBX],
		    l->reg[CPU_ECX], l->reg[CPU_EDX]);
	}
	for (i = 0; i < d->nmsrs; i++)
		fprintf(f, "  <msr index='0x%x' edx='0x%08x' eax='0x%08x'/>\n",
		    d->msrs[i].index, d->msrs[i].edx, d->msrs[i].eax);
	fprintf(f, "</cpudata>\n");
	return ferror(f) ? -EIO : 0;
}

static bool
feature_present(const struct cpu_feature *f, const struct cpu_data *d)
{
	const struct cpu_leaf *l;
	const struct cpu_msr *m;
	int r;

	if (f->is_msr) {
		m = cpu_data_msr(d, f->leaf);
		return m && (m->eax & f->mask[CPU_EAX]) == f->mask[CPU_EAX] &&
		    (m->edx & f->mask[CPU_EDX]) == f->mask[CPU_EDX];
	}
	if (!(l = cpu_data_leaf(d, f->leaf, f->subleaf)))
		return false;
	for (r = 0; r < 4; r++) {
		if ((l->reg[r] & f->mask[r]) != f->mask[r])
			return false;
	}
	return true;
}

void
cpu_data_features(const struct cpu_map *map, const struct cpu_data *d,
    struct cpu_fset *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < map->nfeatures; i++) {
		if (feature_present(&map->features[i], d))
			cpu_fset_add(out, (int)i);
	}
}

/* libvirt's signature: family and model include their extended fields. */
static void
data_signature(const struct cpu_data *d, struct cpu_host *h)
{
	const struct cpu_leaf *l = cpu_data_leaf(d, 1, 0);
	uint32_t eax = l ? l->reg[CPU_EAX] : 0;

	h->family = ((eax >> 20) & 0xff) + ((eax >> 8) & 0xf);
	h->model_id = ((eax >> 12) & 0xf0) + ((eax >> 4) & 0xf);
	h->stepping = eax & 0xf;
}

static void
data_vendor(const struct cpu_map *map, const struct cpu_data *d,
    struct cpu_host *h)
{
	const struct cpu_leaf *l = cpu_data_leaf(d, 0, 0);

	memset(h->vendor_string, 0, sizeof(h->vendor_string));
	if (l) {
		memcpy(h->vendor_string, &l->reg[CPU_EBX], 4);
		memcpy(h->vendor_string + 4, &l->reg[CPU_EDX], 4);
		memcpy(h->vendor_string + 8, &l->reg[CPU_ECX], 4);
	}
	h->vendor = cpu_map_vendor_by_string(map, h->vendor_string);
}

/*
 * Haswell parts (and early Haswell-EP steppings) whose TSX was disabled by
 * microcode may still report hle/rtm; like libvirt, do not trust them.
 */
static bool
tsx_is_broken(const struct cpu_map *map, const struct cpu_host *h)
{
	if (h->vendor < 0 || strcmp(map->vendors[h->vendor].name, "Intel"))
		return false;
	return h->family == 6 && ((h->model_id == 63 && h->stepping < 4) ||
	    h->model_id == 60 || h->model_id == 69 || h->model_id == 70);
}

static void
host_decode(const struct cpu_map *map, struct cpu_host *h)
{
	struct cpu_decoded dec;

	h->model = NULL;
	h->extra = h->features;
	if (cpu_decode(map, &h->features, h->vendor, h->family, h->model_id,
	    true, &dec) == 0) {
		h->model = dec.model;
		h->extra = dec.extra;
	}
}

int
cpu_host_from_data(const struct cpu_map *map, const struct cpu_data *d,
    struct cpu_host *h)
{
	int i;

	memset(h, 0, sizeof(*h));
	data_vendor(map, d, h);
	data_signature(d, h);
	cpu_data_features(map, d, &h->cpuid);
	h->features = h->cpuid;
	if (tsx_is_broken(map, h)) {
		i = cpu_map_feature(map, "hle");
		h->tsx_quirk = cpu_fset_has(&h->features, i);
		cpu_fset_del(&h->features, i);
		i = cpu_map_feature(map, "rtm");
		h->tsx_quirk |= cpu_fset_has(&h->features, i);
		cpu_fset_del(&h->features, i);
	}
	h->dropped = h->cpuid;
	cpu_fset_andnot(&h->dropped, &h->features);
	host_decode(map, h);
	return h->model ? 0 : -ENOENT;
}

/* Map names that Linux prints differently; NULL: Linux never prints it. */
static const struct {
	const char *map;
	const char *kernel;
} linux_names[] = {
	{ "pclmuldq", "pclmulqdq" }, { "tsc-deadline", "tsc_deadline_timer" },
	{ "ds", "dts" }, { "cr8legacy", "cr8_legacy" },
	{ "invtsc", "nonstop_tsc" }, { "pause-filter", "pausefilter" },
	{ "avx512vbmi2", "avx512_vbmi2" }, { "avx512vnni", "avx512_vnni" },
	{ "avx512bitalg", "avx512_bitalg" }, { "sgxlc", "sgx_lc" },
	{ "mbm_total", "cqm_mbm_total" }, { "mbm_local", "cqm_mbm_local" },
	{ "osxsave", NULL }, { "spec-ctrl", NULL }, { "stibp", NULL },
	{ "ssbd", NULL }, { "ibpb", NULL }, { "ibrs", NULL },
	{ "amd-stibp", NULL }, { "amd-ssbd", NULL }, { "amd-no-ssb", NULL },
	{ "core-capability", NULL }, { "pcommit", NULL }, { "cvt16", NULL },
	{ "intel-pt-lip", NULL }, { "xfd", NULL }, { "pks", NULL },
	{ "sgx1", NULL }, { "sgx2", NULL }, { "sgx-exinfo", NULL },
	{ "sgx-debug", NULL }, { "sgx-mode64", NULL },
	{ "sgx-provisionkey", NULL }, { "sgx-tokenkey", NULL },
	{ "sgx-kss", NULL }, { "tsx-ldtrk", NULL }, { "ia64", NULL },
};

const char *
cpu_linux_flag(const struct cpu_map *map, int feature, char *buf, size_t len)
{
	const struct cpu_feature *f = &map->features[feature];
	size_t i;
	char *p;

	if (f->is_msr)
		return NULL;
	for (i = 0; i < sizeof(linux_names) / sizeof(linux_names[0]); i++) {
		if (strcmp(linux_names[i].map, f->name) == 0)
			return linux_names[i].kernel;
	}
	for (i = 0; i < map->naliases; i++) {
		if (map->aliases[i].feature == feature &&
		    strcmp(map->aliases[i].source, "linux") == 0)
			return map->aliases[i].name;
	}
	snprintf(buf, len, "%s", f->name);
	for (p = buf; *p; p++) {
		if (*p == '-' || *p == '.')
			*p = '_';
	}
	return buf;
}

static bool
flags_have(const char *flags, const char *name)
{
	size_t n = strlen(name);
	const char *p = flags;

	while ((p = strstr(p, name))) {
		if ((p == flags || p[-1] == ' ' || p[-1] == '\t') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return true;
		p += n;
	}
	return false;
}

void
cpu_host_check_flags(const struct cpu_map *map, struct cpu_host *h,
    const char *flags)
{
	const char *lname;
	char buf[CPU_NAME_MAX];
	size_t i;

	for (i = 0; i < map->nfeatures; i++) {
		if (!cpu_fset_has(&h->features, (int)i))
			continue;
		lname = cpu_linux_flag(map, (int)i, buf, sizeof(buf));
		if (lname && !flags_have(flags, lname)) {
			cpu_fset_del(&h->features, (int)i);
			cpu_fset_add(&h->dropped, (int)i);
		}
	}
	h->kernel_checked = true;
	host_decode(map, h);
}

/* Value of the first "key<tabs>: value" line at or after p, or 0. */
static unsigned
cpuinfo_uint(const char *p, const char *key)
{
	const char *v;
	size_t n = strlen(key);

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, n) || (p[n] != ' ' && p[n] != '\t' &&
		    p[n] != ':'))
			continue;
		v = strchr(p, ':');
		return v ? (unsigned)strtoul(v + 1, NULL, 10) : 0;
	}
	return 0;
}

static unsigned
cpuinfo_count_sockets(const char *info)
{
	unsigned long seen[64] = { 0 };
	unsigned n = 0, id;
	const char *p = info;

	while ((p = strstr(p, "physical id"))) {
		id = cpuinfo_uint(p, "physical id");
		if (id < 64 * 64 && !(seen[id / 64] & (1UL << (id % 64)))) {
			seen[id / 64] |= 1UL << (id % 64);
			n++;
		}
		p += 11;
	}
	return n;
}

void
cpu_host_parse_topology(const char *cpuinfo, unsigned ncpus,
    struct cpu_topology *t)
{
	unsigned siblings = cpuinfo_uint(cpuinfo, "siblings");
	unsigned cores = cpuinfo_uint(cpuinfo, "cpu cores");

	t->dies = 1;
	t->sockets = cpuinfo_count_sockets(cpuinfo);
	if (!t->sockets)
		t->sockets = 1;
	if (!cores || !siblings || siblings % cores) {
		t->cores = ncpus / t->sockets ? ncpus / t->sockets : 1;
		t->threads = 1;
		return;
	}
	t->cores = cores;
	t->threads = siblings / cores;
}

static char *
read_cpuinfo(void)
{
	char *buf = malloc(CPUINFO_MAX);
	size_t used = 0;
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	if ((fd = open("/proc/cpuinfo", O_RDONLY | O_CLOEXEC)) < 0) {
		free(buf);
		return NULL;
	}
	while (used < CPUINFO_MAX - 1 &&
	    (n = read(fd, buf + used, CPUINFO_MAX - 1 - used)) > 0)
		used += (size_t)n;
	close(fd);
	buf[used] = '\0';
	return buf;
}

/* The first "flags" line, with its end terminated, or NULL. */
static const char *
cpuinfo_flags(char *info)
{
	char *p = info, *colon, *nl;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, "flags", 5) || (p[5] != ' ' && p[5] != '\t'))
			continue;
		colon = strchr(p, ':');
		if (!colon)
			return NULL;
		if ((nl = strchr(colon, '\n')))
			*nl = '\0';
		return colon + 1;
	}
	return NULL;
}

int
cpu_host_detect(const struct cpu_map *map, struct cpu_host *h, char *err,
    size_t errlen)
{
	struct cpu_data *d = malloc(sizeof(*d));
	char *info = NULL;
	const char *flags;
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	int rc;

	if (!d)
		return -ENOMEM;
	if ((rc = cpu_data_read_live(map, d)) < 0) {
		snprintf(err, errlen, "CPUID is not available on this host");
		goto out;
	}
	rc = cpu_host_from_data(map, d, h);
	info = read_cpuinfo();
	if (info) {
		cpu_host_parse_topology(info, ncpus > 0 ? (unsigned)ncpus : 1,
		    &h->topo);
		if ((flags = cpuinfo_flags(info)))
			cpu_host_check_flags(map, h, flags);
	}
	rc = h->model ? 0 : -ENOENT;
	if (rc < 0)
		snprintf(err, errlen, "no CPU model of the map fits this host");
out:
	free(info);
	free(d);
	return rc;
}

static void
format_features(FILE *f, const struct cpu_map *map, const struct cpu_fset *s)
{
	size_t i;

	for (i = 0; i < map->nfeatures; i++) {
		if (cpu_fset_has(s, (int)i))
			fprintf(f, "    <feature name='%s'/>\n",
			    map->features[i].name);
	}
}

int
cpu_host_format(const struct cpu_map *map, const struct cpu_host *h,
    char **out)
{
	size_t len;
	FILE *f = open_memstream(out, &len);

	if (!f)
		return -ENOMEM;
	fprintf(f, "  <cpu>\n    <arch>x86_64</arch>\n");
	if (h->model)
		fprintf(f, "    <model>%s</model>\n", h->model->name);
	if (h->vendor >= 0)
		fprintf(f, "    <vendor>%s</vendor>\n",
		    map->vendors[h->vendor].name);
	fprintf(f, "    <signature family='%u' model='%u' stepping='%u'/>\n",
	    h->family, h->model_id, h->stepping);
	if (h->topo.sockets)
		fprintf(f, "    <topology sockets='%u' dies='%u' cores='%u' "
		    "threads='%u'/>\n", h->topo.sockets, h->topo.dies,
		    h->topo.cores, h->topo.threads);
	format_features(f, map, h->model ? &h->extra : &h->features);
	fprintf(f, "  </cpu>\n");
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}
