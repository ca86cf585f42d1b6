/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Domain definition parsing and validation (top-level elements), used by vmhostd. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <libxml/parser.h>

#include "common/domain_priv.h"

const char *const dx_virt_names[] = { "kvm", "qemu", NULL };
const char *const dx_action_names[] = { "destroy", "restart",
	"preserve", "rename-restart", "coredump-destroy", "coredump-restart",
	NULL };
const char *const dx_boot_names[] = { "hd", "cdrom", "network", "fd",
	NULL };
const char *const dx_cpu_mode_names[] = { "custom", "host-model",
	"host-passthrough", NULL };
const char *const dx_policy_names[] = { "force", "require", "optional",
	"disable", "forbid", NULL };
const char *const dx_offset_names[] = { "utc", "localtime", "variable",
	"timezone", "absolute", NULL };
const char *const dx_seclabel_names[] = { "dynamic", "static", "none",
	NULL };

int
domain_name_valid(const char *name, char *err, size_t errlen)
{
	struct dx x = { err, errlen, 0 };
	char q[96];

	if (!name || !*name)
		return dx_fail(&x, "domain name is empty");
	if (strlen(name) > DOMAIN_NAME_MAX)
		return dx_fail(&x, "domain name is longer than %d bytes",
		    DOMAIN_NAME_MAX);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '/')
			return dx_fail(&x, "domain name '%s' contains '/' or "
			    "a control character", dx_quote(q, sizeof(q), name));
	if (name[0] == '.')
		return dx_fail(&x, "domain name '%s' starts with '.'",
		    dx_quote(q, sizeof(q), name));
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
domain_uuid_parse(const char *s, uint8_t uuid[16])
{
	size_t len = strlen(s), j = 0;

	if (len != 32 && len != 36)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (len == 36 && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (s[i] != '-')
				return -EINVAL;
			continue;
		}
		int h = hexval(s[i]);

		if (h < 0)
			return -EINVAL;
		if (j % 2 == 0)
			uuid[j / 2] = (uint8_t)(h << 4);
		else
			uuid[j / 2] |= (uint8_t)h;
		j++;
	}
	return 0;
}

void
domain_uuid_format(const uint8_t u[16], char buf[37])
{
	snprintf(buf, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
	    u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

static const struct {
	const char *name;
	uint64_t mult;
} mem_units[] = {
	{ "b", 1 }, { "bytes", 1 },
	{ "k", 1ull << 10 }, { "KiB", 1ull << 10 }, { "KB", 1000ull },
	{ "M", 1ull << 20 }, { "MiB", 1ull << 20 }, { "MB", 1000000ull },
	{ "G", 1ull << 30 }, { "GiB", 1ull << 30 }, { "GB", 1000000000ull },
	{ "T", 1ull << 40 }, { "TiB", 1ull << 40 },
	{ "TB", 1000000000000ull },
	{ "P", 1ull << 50 }, { "PiB", 1ull << 50 },
	{ "PB", 1000000000000000ull },
	{ "E", 1ull << 60 }, { "EiB", 1ull << 60 },
	{ "EB", 1000000000000000000ull },
};

int
domain_memory_parse(const char *value, const char *unit, uint64_t *kib)
{
	unsigned long long v;
	uint64_t mult = 0, bytes;
	char *end;

	if (!value || !*value || value[0] < '0' || value[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(value, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	if (!unit)
		unit = "KiB";
	for (size_t i = 0; i < DX_N(mem_units); i++)
		if (strcmp(unit, mem_units[i].name) == 0)
			mult = mem_units[i].mult;
	if (!mult)
		return -EINVAL;
	if (__builtin_mul_overflow(v, mult, &bytes))
		return -ERANGE;
	*kib = bytes / 1024 + (bytes % 1024 != 0);
	return 0;
}

int
dx_text_attrs(struct dx *x, xmlNode *n, const struct dx_attr *tab,
    size_t ntab, void *obj, enum dx_kind kind, char **out)
{
	int rc = dx_attrs(x, n, tab, ntab, obj);

	return rc ? rc : dx_text(x, n, kind, false, out);
}

static int
p_name(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_def *d = obj;
	int rc = dx_text_attrs(x, n, NULL, 0, NULL, DX_STR, &d->name);

	return rc ? rc : domain_name_valid(d->name, x->err, x->errlen);
}

static int
p_uuid(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_def *d = obj;
	char *s = NULL, q[96];
	int rc = dx_text_attrs(x, n, NULL, 0, NULL, DX_STR, &s);

	if (rc == 0 && domain_uuid_parse(s, d->uuid) < 0)
		rc = dx_fail(x, "invalid uuid '%s'", dx_quote(q, sizeof(q), s));
	d->uuid_generated = false;
	free(s);
	return rc;
}

static int
p_title(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_def *d = obj;

	return dx_text_attrs(x, n, NULL, 0, NULL, DX_STR, &d->title);
}

static int
p_description(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_def *d = obj;
	int rc = dx_attrs(x, n, NULL, 0, NULL);

	return rc ? rc : dx_text(x, n, DX_STR, true, &d->description);
}

struct mem_elem {
	char *unit;
};
static const struct dx_attr mem_attrs[] = {
	DX_ATTR("unit", DX_STR, struct mem_elem, unit),
};

static int
p_memsize(struct dx *x, xmlNode *n, uint64_t *kib)
{
	struct mem_elem m = { 0 };
	char *s = NULL, q[96], q2[32];
	int rc = dx_text_attrs(x, n, mem_attrs, DX_N(mem_attrs), &m, DX_STR,
	    &s);

	if (rc == 0) {
		rc = domain_memory_parse(s, m.unit, kib);
		if (rc == -ERANGE)
			rc = dx_fail(x, "<%s> of %s %s overflows", n->name,
			    dx_quote(q, sizeof(q), s),
			    dx_quote(q2, sizeof(q2), m.unit ? m.unit : "KiB"));
		else if (rc < 0)
			rc = dx_fail(x, "invalid size '%s' unit '%s' in <%s>",
			    dx_quote(q, sizeof(q), s),
			    dx_quote(q2, sizeof(q2), m.unit ? m.unit : "KiB"),
			    n->name);
		else if (*kib == 0)
			rc = dx_fail(x, "<%s> must be more than 0", n->name);
	}
	free(s);
	free(m.unit);
	return rc;
}

static int
p_memory(struct dx *x, xmlNode *n, void *obj)
{
	return p_memsize(x, n, &((struct domain_def *)obj)->memory_kib);
}

static int
p_current_memory(struct dx *x, xmlNode *n, void *obj)
{
	return p_memsize(x, n, &((struct domain_def *)obj)->current_memory_kib);
}

#define D(n) (&((struct domain_def *)obj)->n)
static int
p_hard_limit(struct dx *x, xmlNode *n, void *obj)
{
	return p_memsize(x, n, D(memtune.hard_kib));
}

static int
p_soft_limit(struct dx *x, xmlNode *n, void *obj)
{
	return p_memsize(x, n, D(memtune.soft_kib));
}

static int
p_swap_hard_limit(struct dx *x, xmlNode *n, void *obj)
{
	return p_memsize(x, n, D(memtune.swap_hard_kib));
}

static const struct dx_child memtune_children[] = {
	{ "hard_limit", p_hard_limit, 1 },
	{ "soft_limit", p_soft_limit, 1 },
	{ "swap_hard_limit", p_swap_hard_limit, 1 },
};

/* <memtune>: limits of the guest's memory cgroup (secd applies them). */
static int
p_memtune(struct dx *x, xmlNode *n, void *obj)
{
	const struct domain_def *d = obj;
	int rc = dx_attrs(x, n, NULL, 0, NULL) ?:
	    dx_children(x, n, memtune_children, DX_N(memtune_children), obj);

	if (rc == 0 && d->memtune.swap_hard_kib && d->memtune.hard_kib &&
	    d->memtune.swap_hard_kib < d->memtune.hard_kib)
		rc = dx_fail(x, "<swap_hard_limit> must not be below <hard_limit>");
	return rc;
}

/* A <cputune> number within [lo, hi] (or -1 when allowed). */
static int
p_tune_num(struct dx *x, xmlNode *n, long long lo, long long hi,
    bool minus_one, long long *out)
{
	char *s = NULL, *end, q[64];
	long long v;
	int rc = dx_attrs(x, n, NULL, 0, NULL) ?:
	    dx_text(x, n, DX_STR, false, &s);

	if (rc == 0) {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno || end == s || *end || ((v < lo || v > hi) &&
		    !(minus_one && v == -1)))
			rc = dx_fail(x, "invalid <%s> '%s' (%lld..%lld%s)", n->name,
			    dx_quote(q, sizeof(q), s), lo, hi,
			    minus_one ? ", or -1" : "");
		else
			*out = v;
	}
	free(s);
	return rc;
}

static int
p_shares(struct dx *x, xmlNode *n, void *obj)
{
	long long v = 0;
	int rc = p_tune_num(x, n, 2, 262144, false, &v);

	*D(cputune.shares) = (unsigned long long)v;
	return rc;
}

static int
p_period(struct dx *x, xmlNode *n, void *obj)
{
	long long v = 0;
	int rc = p_tune_num(x, n, 1000, 1000000, false, &v);

	*D(cputune.period) = (unsigned long long)v;
	return rc;
}

static int
p_quota(struct dx *x, xmlNode *n, void *obj)
{
	return p_tune_num(x, n, 1000, 17592186044415LL, true, D(cputune.quota));
}
#undef D

static const struct dx_child cputune_children[] = {
	{ "shares", p_shares, 1 },
	{ "period", p_period, 1 },
	{ "quota", p_quota, 1 },
};

/* <cputune>: the guest's cpu cgroup (secd applies it); pinning is refused. */
static int
p_cputune(struct dx *x, xmlNode *n, void *obj)
{
	int rc = dx_attrs(x, n, NULL, 0, NULL);

	return rc ?: dx_children(x, n, cputune_children,
	    DX_N(cputune_children), obj);
}

struct vcpu_elem {
	char *placement, *cpuset, *current;
};
static const struct dx_attr vcpu_attrs[] = {
	DX_ATTR("placement", DX_IDENT, struct vcpu_elem, placement),
	DX_ATTR("cpuset", DX_PATH, struct vcpu_elem, cpuset),
	DX_ATTR("current", DX_UINT, struct vcpu_elem, current),
};

static int
vcpu_count(struct dx *x, const char *s, unsigned *out)
{
	unsigned long long v;
	char q[64];

	if (dx_uint(s, &v) < 0 || v == 0 || v > DOMAIN_MAX_VCPUS)
		return dx_fail(x, "invalid vcpu count '%s' (1..%d)",
		    dx_quote(q, sizeof(q), s), DOMAIN_MAX_VCPUS);
	*out = (unsigned)v;
	return 0;
}

static int
p_vcpu(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_def *d = obj;
	struct vcpu_elem v = { 0 };
	char *s = NULL, q[64];
	int rc = dx_text_attrs(x, n, vcpu_attrs, DX_N(vcpu_attrs), &v,
	    DX_STR, &s);

	if (rc == 0)
		rc = vcpu_count(x, s, &d->vcpus);
	if (rc == 0 && v.current)
		rc = vcpu_count(x, v.current, &d->vcpus_current);
	if (rc == 0 && v.placement && strcmp(v.placement, "static") != 0 &&
	    strcmp(v.placement, "auto") != 0)
		rc = dx_fail(x, "invalid vcpu placement '%s'",
		    dx_quote(q, sizeof(q), v.placement));
	if (rc == 0 && v.cpuset && strspn(v.cpuset, "0123456789,-^ ") !=
	    strlen(v.cpuset))
		rc = dx_fail(x, "invalid vcpu cpuset '%s'",
		    dx_quote(q, sizeof(q), v.cpuset));
	d->vcpu_placement = v.placement;
	d->vcpu_cpuset = v.cpuset;
	free(v.current);
	free(s);
	return rc;
}

static int
p_action(struct dx *x, xmlNode *n, int *out)
{
	char *s = NULL, q[64];
	int rc = dx_text_attrs(x, n, NULL, 0, NULL, DX_STR, &s);

	if (rc == 0 && !(*out = dx_enum(dx_action_names, s)))
		rc = dx_fail(x, "invalid value '%s' in <%s>",
		    dx_quote(q, sizeof(q), s), n->name);
	free(s);
	return rc;
}

static int
p_on_poweroff(struct dx *x, xmlNode *n, void *obj)
{
	return p_action(x, n, &((struct domain_def *)obj)->on_poweroff);
}

static int
p_on_reboot(struct dx *x, xmlNode *n, void *obj)
{
	return p_action(x, n, &((struct domain_def *)obj)->on_reboot);
}

static int
p_on_crash(struct dx *x, xmlNode *n, void *obj)
{
	return p_action(x, n, &((struct domain_def *)obj)->on_crash);
}

/* ---- <os> ---- */

#define OS_T __typeof__(((struct domain_def *)0)->os)
static const struct dx_attr os_type_attrs[] = {
	DX_ATTR("arch", DX_IDENT, OS_T, arch),
	DX_ATTR("machine", DX_IDENT, OS_T, machine),
};

static int
p_os_type(struct dx *x, xmlNode *n, void *obj)
{
	OS_T *os = obj;
	char q[64];
	int rc = dx_text_attrs(x, n, os_type_attrs, DX_N(os_type_attrs), os,
	    DX_STR, &os->type);

	if (rc == 0 && strcmp(os->type, "hvm") != 0)
		rc = dx_fail(x, "unsupported os type '%s'",
		    dx_quote(q, sizeof(q), os->type));
	if (rc == 0 && os->arch && strcmp(os->arch, "x86_64") != 0 &&
	    strcmp(os->arch, "i686") != 0)
		rc = dx_fail(x, "unsupported architecture '%s'",
		    dx_quote(q, sizeof(q), os->arch));
	return rc;
}

struct boot_elem {
	int dev;
};
static const struct dx_attr boot_attrs[] = {
	DX_ENUMA("dev", struct boot_elem, dev, dx_boot_names),
};

static int
p_os_boot(struct dx *x, xmlNode *n, void *obj)
{
	OS_T *os = obj;
	struct boot_elem b = { 0 };
	int rc = dx_leaf(x, n, boot_attrs, DX_N(boot_attrs), &b);

	if (rc == 0 && !b.dev)
		rc = dx_fail(x, "<boot> needs a dev attribute");
	os->boot[os->nboot++] = b.dev;
	return rc;
}

static const struct dx_attr bootmenu_attrs[] = {
	DX_ENUMA("enable", OS_T, bootmenu, dx_yesno_names),
	DX_ATTR("timeout", DX_UINT, OS_T, bootmenu_timeout),
};

static int
p_os_bootmenu(struct dx *x, xmlNode *n, void *obj)
{
	OS_T *os = obj;
	unsigned long long t;
	int rc = dx_leaf(x, n, bootmenu_attrs, DX_N(bootmenu_attrs), os);

	if (rc == 0 && os->bootmenu_timeout &&
	    (dx_uint(os->bootmenu_timeout, &t) < 0 || t > 65535))
		rc = dx_fail(x, "<bootmenu> timeout '%s' is not in 0..65535",
		    os->bootmenu_timeout);
	return rc;
}

static int
p_os_kernel(struct dx *x, xmlNode *n, void *obj)
{
	return dx_text_attrs(x, n, NULL, 0, NULL, DX_PATH,
	    &((OS_T *)obj)->kernel);
}

static int
p_os_initrd(struct dx *x, xmlNode *n, void *obj)
{
	return dx_text_attrs(x, n, NULL, 0, NULL, DX_PATH,
	    &((OS_T *)obj)->initrd);
}

static int
p_os_cmdline(struct dx *x, xmlNode *n, void *obj)
{
	return dx_text_attrs(x, n, NULL, 0, NULL, DX_STR,
	    &((OS_T *)obj)->cmdline);
}

static const struct dx_child os_children[] = {
	{ "type", p_os_type, 1 },
	{ "kernel", p_os_kernel, 1 },
	{ "initrd", p_os_initrd, 1 },
	{ "cmdline", p_os_cmdline, 1 },
	{ "boot", p_os_boot, 4 },
	{ "bootmenu", p_os_bootmenu, 1 },
};

static int
p_os(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_def *d = obj;
	int rc = dx_attrs(x, n, NULL, 0, NULL);

	return rc ? rc : dx_children(x, n, os_children, DX_N(os_children),
	    &d->os);
}

/* ---- <features> ---- */

#define FEAT_T __typeof__(((struct domain_def *)0)->features)
static const struct dx_attr apic_attrs[] = {
	DX_ENUMA("eoi", FEAT_T, apic_eoi, dx_onoff_names),
};
struct state_elem {
	int state;
};
static const struct dx_attr state_attrs[] = {
	DX_ENUMA("state", struct state_elem, state, dx_onoff_names),
};

static int
p_feat_acpi(struct dx *x, xmlNode *n, void *obj)
{
	((FEAT_T *)obj)->acpi = true;
	return dx_leaf(x, n, NULL, 0, NULL);
}

static int
p_feat_pae(struct dx *x, xmlNode *n, void *obj)
{
	((FEAT_T *)obj)->pae = true;
	return dx_leaf(x, n, NULL, 0, NULL);
}

static int
p_feat_apic(struct dx *x, xmlNode *n, void *obj)
{
	((FEAT_T *)obj)->apic = true;
	return dx_leaf(x, n, apic_attrs, DX_N(apic_attrs), obj);
}

static int
p_feat_state(struct dx *x, xmlNode *n, int *state, bool *has)
{
	struct state_elem s = { 0 };
	int rc = dx_leaf(x, n, state_attrs, DX_N(state_attrs), &s);

	*state = s.state;
	*has = true;
	return rc;
}

static int
p_feat_pvspinlock(struct dx *x, xmlNode *n, void *obj)
{
	FEAT_T *f = obj;

	return p_feat_state(x, n, &f->pvspinlock, &f->has_pvspinlock);
}

static int
p_feat_vmport(struct dx *x, xmlNode *n, void *obj)
{
	FEAT_T *f = obj;

	return p_feat_state(x, n, &f->vmport, &f->has_vmport);
}

static int
p_feat_pmu(struct dx *x, xmlNode *n, void *obj)
{
	FEAT_T *f = obj;

	return p_feat_state(x, n, &f->pmu, &f->has_pmu);
}

static const struct dx_child feature_children[] = {
	{ "acpi", p_feat_acpi, 1 },
	{ "apic", p_feat_apic, 1 },
	{ "pae", p_feat_pae, 1 },
	{ "pvspinlock", p_feat_pvspinlock, 1 },
	{ "vmport", p_feat_vmport, 1 },
	{ "pmu", p_feat_pmu, 1 },
};

static int
p_features(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_def *d = obj;
	int rc = dx_attrs(x, n, NULL, 0, NULL);

	d->features.present = true;
	return rc ? rc : dx_children(x, n, feature_children,
	    DX_N(feature_children), &d->features);
}

/* ---- <pm>, <seclabel> ---- */

struct pm_elem {
	int enabled;
};
static const struct dx_attr pm_attrs[] = {
	DX_ENUMA("enabled", struct pm_elem, enabled, dx_yesno_names),
};

static int
p_pm_item(struct dx *x, xmlNode *n, int *out)
{
	struct pm_elem e = { 0 };
	int rc = dx_leaf(x, n, pm_attrs, DX_N(pm_attrs), &e);

	*out = e.enabled;
	return rc;
}

static int
p_pm_mem(struct dx *x, xmlNode *n, void *obj)
{
	return p_pm_item(x, n, &((struct domain_def *)obj)->pm_suspend_to_mem);
}

static int
p_pm_disk(struct dx *x, xmlNode *n, void *obj)
{
	return p_pm_item(x, n, &((struct domain_def *)obj)->pm_suspend_to_disk);
}

static const struct dx_child pm_children[] = {
	{ "suspend-to-mem", p_pm_mem, 1 },
	{ "suspend-to-disk", p_pm_disk, 1 },
};

static int
p_pm(struct dx *x, xmlNode *n, void *obj)
{
	int rc = dx_attrs(x, n, NULL, 0, NULL);

	((struct domain_def *)obj)->has_pm = true;
	return rc ? rc : dx_children(x, n, pm_children, DX_N(pm_children),
	    obj);
}

static const struct dx_attr seclabel_attrs[] = {
	DX_ENUMA("type", struct domain_seclabel, type, dx_seclabel_names),
	DX_ATTR("model", DX_IDENT, struct domain_seclabel, model),
	DX_ENUMA("relabel", struct domain_seclabel, relabel, dx_yesno_names),
};

static int
p_label(struct dx *x, xmlNode *n, void *obj)
{
	return dx_text_attrs(x, n, NULL, 0, NULL, DX_PATH,
	    &((struct domain_seclabel *)obj)->label);
}

static int
p_imagelabel(struct dx *x, xmlNode *n, void *obj)
{
	return dx_text_attrs(x, n, NULL, 0, NULL, DX_PATH,
	    &((struct domain_seclabel *)obj)->imagelabel);
}

static int
p_baselabel(struct dx *x, xmlNode *n, void *obj)
{
	return dx_text_attrs(x, n, NULL, 0, NULL, DX_PATH,
	    &((struct domain_seclabel *)obj)->baselabel);
}

static const struct dx_child seclabel_children[] = {
	{ "label", p_label, 1 },
	{ "imagelabel", p_imagelabel, 1 },
	{ "baselabel", p_baselabel, 1 },
};

static int
p_seclabel(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_def *d = obj;
	struct domain_seclabel *s;

	if (!(s = DX_PUSH(x, d->seclabels, d->nseclabels, "seclabel")))
		return -EINVAL;
	int rc = dx_attrs(x, n, seclabel_attrs, DX_N(seclabel_attrs), s);

	if (rc == 0)
		rc = dx_children(x, n, seclabel_children,
		    DX_N(seclabel_children), s);
	if (rc == 0 && !s->type)
		s->type = DOMAIN_SECLABEL_DYNAMIC;
	return rc;
}

static int
p_devices(struct dx *x, xmlNode *n, void *obj)
{
	int rc = dx_attrs(x, n, NULL, 0, NULL);

	return rc ? rc : domain_parse_devices(x, n, obj);
}

static const struct dx_child domain_children[] = {
	{ "name", p_name, 1 },
	{ "uuid", p_uuid, 1 },
	{ "title", p_title, 1 },
	{ "description", p_description, 1 },
	{ "memory", p_memory, 1 },
	{ "currentMemory", p_current_memory, 1 },
	{ "memtune", p_memtune, 1 },
	{ "vcpu", p_vcpu, 1 },
	{ "cputune", p_cputune, 1 },
	{ "os", p_os, 1 },
	{ "features", p_features, 1 },
	{ "cpu", domain_parse_cpu, 1 },
	{ "clock", domain_parse_clock, 1 },
	{ "on_poweroff", p_on_poweroff, 1 },
	{ "on_reboot", p_on_reboot, 1 },
	{ "on_crash", p_on_crash, 1 },
	{ "pm", p_pm, 1 },
	{ "devices", p_devices, 1 },
	{ "seclabel", p_seclabel, 0 },
};
static const struct dx_attr domain_attrs[] = {
	DX_ENUMA("type", struct domain_def, virt, dx_virt_names),
	DX_ATTR("id", DX_UINT, struct domain_def, id),
};

#define CPU_T __typeof__(((struct domain_def *)0)->cpu)

static int
validate_cpu(struct dx *x, const struct domain_def *d)
{
	const CPU_T *c = &d->cpu;
	unsigned long long total;

	if (c->sockets) {
		total = (unsigned long long)c->sockets * (c->dies ? c->dies : 1)
		    * c->cores * c->threads;
		if (total != d->vcpus)
			return dx_fail(x, "cpu topology gives %llu vcpus, "
			    "<vcpu> says %u", total, d->vcpus);
	}
	if (c->nfeatures && !c->model && c->mode != DOMAIN_CPU_HOST_MODEL &&
	    c->mode != DOMAIN_CPU_HOST_PASSTHROUGH)
		return dx_fail(x, "cpu features given without a cpu model");
	return 0;
}

static int
domain_validate(struct dx *x, struct domain_def *d)
{
	if (!d->virt)
		return dx_fail(x, "<domain> needs a type ('kvm' or 'qemu')");
	if (!d->name)
		return dx_fail(x, "missing <name>");
	if (!d->memory_kib)
		return dx_fail(x, "missing <memory>");
	if (d->current_memory_kib > d->memory_kib)
		return dx_fail(x, "<currentMemory> is larger than <memory>");
	if (!d->os.type)
		return dx_fail(x, "missing <type> in <os>");
	if (!d->vcpus)
		d->vcpus = 1;
	if (d->vcpus_current > d->vcpus)
		return dx_fail(x, "current vcpus %u exceed the maximum %u",
		    d->vcpus_current, d->vcpus);
	if (!d->uuid_generated && !memcmp(d->uuid, (uint8_t[16]){ 0 }, 16))
		return dx_fail(x, "uuid must not be all zeros");
	if (validate_cpu(x, d) < 0)
		return -EINVAL;
	return domain_validate_devices(x, d);
}

static int
domain_root(struct dx *x, xmlNode *root, struct domain_def *d)
{
	char q[96];
	int rc;

	if (!root || root->type != XML_ELEMENT_NODE || root->ns ||
	    strcmp((const char *)root->name, "domain") != 0)
		return dx_fail(x, "root element must be <domain>, not <%s>",
		    root ? dx_name(root, q, sizeof(q)) : "");
	xmlChar *t = xmlGetNoNsProp(root, (const xmlChar *)"type");

	if (t && !dx_enum(dx_virt_names, (char *)t))
		rc = dx_fail(x, "unknown domain type '%s'",
		    dx_quote(q, sizeof(q), (char *)t));
	else
		rc = dx_attrs(x, root, domain_attrs, DX_N(domain_attrs), d);
	xmlFree(t);
	if (rc == 0)
		rc = dx_children(x, root, domain_children,
		    DX_N(domain_children), d);
	return rc;
}

static int
random_fill(uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t k = getrandom(p, n, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -EIO;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int
domain_fill(struct dx *x, struct domain_def *d)
{
	for (size_t i = 0; i < d->ninterfaces; i++) {
		struct domain_interface *ifc = &d->interfaces[i];

		if (!ifc->mac_generated)
			continue;
		if (random_fill(ifc->mac + 3, 3) < 0)
			return dx_fail(x, "no random bytes for a MAC address");
		ifc->mac[0] = 0x52, ifc->mac[1] = 0x54, ifc->mac[2] = 0x00;
	}
	if (!d->uuid_generated)
		return 0;
	if (random_fill(d->uuid, 16) < 0)
		return dx_fail(x, "no random bytes for a uuid");
	d->uuid[6] = (uint8_t)((d->uuid[6] & 0x0f) | 0x40);
	d->uuid[8] = (uint8_t)((d->uuid[8] & 0x3f) | 0x80);
	return 0;
}

int
domain_parse(const char *xml, size_t len, struct domain_def **out,
    char *err, size_t errlen)
{
	struct dx x = { err, errlen, 0 };
	struct domain_def *d;
	xmlDoc *doc;
	int rc;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (len > DOMAIN_XML_MAX_SIZE) {
		dx_fail(&x, "document of %zu bytes is over the %u byte limit",
		    len, DOMAIN_XML_MAX_SIZE);
		return -E2BIG;
	}
	if (!(doc = dx_read(&x, xml, len)))
		return -EINVAL;
	if (!(d = calloc(1, sizeof(*d)))) {
		xmlFreeDoc(doc);
		return dx_fail(&x, "out of memory"), -ENOMEM;
	}
	d->uuid_generated = true;
	rc = domain_root(&x, xmlDocGetRootElement(doc), d);
	xmlFreeDoc(doc);
	if (rc == 0)
		rc = domain_validate(&x, d);
	if (rc == 0)
		rc = domain_fill(&x, d);
	if (rc < 0) {
		domain_def_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

static void
free_cpu_clock(struct domain_def *d)
{
	free(d->cpu.match), free(d->cpu.check), free(d->cpu.migratable);
	free(d->cpu.model), free(d->cpu.model_fallback);
	free(d->cpu.model_vendor_id), free(d->cpu.vendor);
	free(d->cpu.maxphysaddr_mode), free(d->cpu.maxphysaddr_bits);
	for (size_t i = 0; i < d->cpu.nfeatures; i++)
		free(d->cpu.features[i].name);
	free(d->cpu.features);
	free(d->clock.adjustment), free(d->clock.basis);
	free(d->clock.timezone), free(d->clock.start);
	for (size_t i = 0; i < d->clock.ntimers; i++) {
		struct domain_timer *t = &d->clock.timers[i];

		free(t->name), free(t->tickpolicy), free(t->track);
		free(t->frequency), free(t->mode), free(t->catchup_threshold);
		free(t->catchup_slew), free(t->catchup_limit);
	}
	free(d->clock.timers);
}

void
domain_def_free(struct domain_def *d)
{
	if (!d)
		return;
	free(d->id), free(d->name), free(d->title), free(d->description);
	free(d->vcpu_placement), free(d->vcpu_cpuset);
	free(d->os.type), free(d->os.arch), free(d->os.machine);
	free(d->os.kernel), free(d->os.initrd), free(d->os.cmdline);
	free(d->os.bootmenu_timeout);
	free_cpu_clock(d);
	for (size_t i = 0; i < d->nseclabels; i++) {
		free(d->seclabels[i].model), free(d->seclabels[i].label);
		free(d->seclabels[i].imagelabel);
		free(d->seclabels[i].baselabel);
	}
	free(d->seclabels);
	domain_free_devices(d);
	free(d);
}
