/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsing of a domain's <cpu> and <clock> (round-tripped; checked later), in vmhostd. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/domain_priv.h"

/* ---- <cpu> ---- */

#define CPU_T __typeof__(((struct domain_def *)0)->cpu)
static const struct dx_attr cpu_attrs[] = {
	DX_ENUMA("mode", CPU_T, mode, dx_cpu_mode_names),
	DX_ATTR("match", DX_IDENT, CPU_T, match),
	DX_ATTR("check", DX_IDENT, CPU_T, check),
	DX_ATTR("migratable", DX_IDENT, CPU_T, migratable),
};
static const struct dx_attr cpu_model_attrs[] = {
	DX_ATTR("fallback", DX_IDENT, CPU_T, model_fallback),
	DX_ATTR("vendor_id", DX_STR, CPU_T, model_vendor_id),
};
struct topo_elem {
	char *sockets, *dies, *cores, *threads;
};
static const struct dx_attr topo_attrs[] = {
	DX_ATTR("sockets", DX_UINT, struct topo_elem, sockets),
	DX_ATTR("dies", DX_UINT, struct topo_elem, dies),
	DX_ATTR("cores", DX_UINT, struct topo_elem, cores),
	DX_ATTR("threads", DX_UINT, struct topo_elem, threads),
};
static const struct dx_attr maxphys_attrs[] = {
	DX_ATTR("mode", DX_IDENT, CPU_T, maxphysaddr_mode),
	DX_ATTR("bits", DX_UINT, CPU_T, maxphysaddr_bits),
};
static const struct dx_attr cpu_feature_attrs[] = {
	DX_ENUMA("policy", struct domain_cpu_feature, policy, dx_policy_names),
	DX_ATTR("name", DX_IDENT, struct domain_cpu_feature, name),
};

static int
p_cpu_model(struct dx *x, xmlNode *n, void *obj)
{
	CPU_T *c = obj;
	int rc = dx_attrs(x, n, cpu_model_attrs, DX_N(cpu_model_attrs), c);

	c->has_model = true;
	if (rc == 0 && xmlNodeIsText(n->children) && !n->children->next &&
	    xmlIsBlankNode(n->children))
		return 0;
	if (rc == 0 && n->children)
		rc = dx_text(x, n, DX_IDENT, false, &c->model);
	return rc;
}

static int
p_cpu_vendor(struct dx *x, xmlNode *n, void *obj)
{
	return dx_text_attrs(x, n, NULL, 0, NULL, DX_IDENT,
	    &((CPU_T *)obj)->vendor);
}

static unsigned
topo_num(const char *s, int *bad)
{
	unsigned long long v = 1;

	if (s && (dx_uint(s, &v) < 0 || v == 0 || v > DOMAIN_MAX_VCPUS))
		*bad = 1;
	return (unsigned)v;
}

static int
p_cpu_topology(struct dx *x, xmlNode *n, void *obj)
{
	CPU_T *c = obj;
	struct topo_elem t = { 0 };
	int bad = 0, rc = dx_leaf(x, n, topo_attrs, DX_N(topo_attrs), &t);

	if (rc == 0 && (!t.sockets || !t.cores || !t.threads))
		rc = dx_fail(x, "<topology> needs sockets, cores and threads");
	c->sockets = topo_num(t.sockets, &bad);
	c->dies = topo_num(t.dies, &bad);
	c->cores = topo_num(t.cores, &bad);
	c->threads = topo_num(t.threads, &bad);
	if (rc == 0 && bad)
		rc = dx_fail(x, "invalid number in <topology>");
	if (!t.dies)
		c->dies = 0;
	free(t.sockets), free(t.dies), free(t.cores), free(t.threads);
	return rc;
}

static int
p_cpu_maxphys(struct dx *x, xmlNode *n, void *obj)
{
	return dx_leaf(x, n, maxphys_attrs, DX_N(maxphys_attrs), obj);
}

static int
p_cpu_feature(struct dx *x, xmlNode *n, void *obj)
{
	CPU_T *c = obj;
	struct domain_cpu_feature *f;

	if (!(f = DX_PUSH(x, c->features, c->nfeatures, "feature")))
		return -EINVAL;
	int rc = dx_leaf(x, n, cpu_feature_attrs, DX_N(cpu_feature_attrs), f);

	if (rc == 0 && !f->name)
		rc = dx_fail(x, "cpu <feature> needs a name");
	if (rc == 0 && !f->policy)
		f->policy = DOMAIN_CPU_REQUIRE;
	return rc;
}

static const struct dx_child cpu_children[] = {
	{ "model", p_cpu_model, 1 },
	{ "vendor", p_cpu_vendor, 1 },
	{ "topology", p_cpu_topology, 1 },
	{ "maxphysaddr", p_cpu_maxphys, 1 },
	{ "feature", p_cpu_feature, 0 },
};

int
domain_parse_cpu(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_def *d = obj;
	int rc = dx_attrs(x, n, cpu_attrs, DX_N(cpu_attrs), &d->cpu);

	d->cpu.present = true;
	return rc ? rc : dx_children(x, n, cpu_children, DX_N(cpu_children),
	    &d->cpu);
}

/* ---- <clock> ---- */

#define CLOCK_T __typeof__(((struct domain_def *)0)->clock)
static const struct dx_attr clock_attrs[] = {
	DX_ENUMA("offset", CLOCK_T, offset, dx_offset_names),
	DX_ATTR("adjustment", DX_STR, CLOCK_T, adjustment),
	DX_ATTR("basis", DX_IDENT, CLOCK_T, basis),
	DX_ATTR("timezone", DX_PATH, CLOCK_T, timezone),
	DX_ATTR("start", DX_UINT, CLOCK_T, start),
};
static const struct dx_attr timer_attrs[] = {
	DX_ATTR("name", DX_IDENT, struct domain_timer, name),
	DX_ENUMA("present", struct domain_timer, present, dx_yesno_names),
	DX_ATTR("tickpolicy", DX_IDENT, struct domain_timer, tickpolicy),
	DX_ATTR("track", DX_IDENT, struct domain_timer, track),
	DX_ATTR("frequency", DX_UINT, struct domain_timer, frequency),
	DX_ATTR("mode", DX_IDENT, struct domain_timer, mode),
};
static const struct dx_attr catchup_attrs[] = {
	DX_ATTR("threshold", DX_UINT, struct domain_timer, catchup_threshold),
	DX_ATTR("slew", DX_UINT, struct domain_timer, catchup_slew),
	DX_ATTR("limit", DX_UINT, struct domain_timer, catchup_limit),
};

static int
p_catchup(struct dx *x, xmlNode *n, void *obj)
{
	return dx_leaf(x, n, catchup_attrs, DX_N(catchup_attrs), obj);
}

static const struct dx_child timer_children[] = {
	{ "catchup", p_catchup, 1 },
};
static const char *const timer_names[] = { "rtc", "pit", "hpet", "kvmclock",
	"tsc", NULL };

static int
p_timer(struct dx *x, xmlNode *n, void *obj)
{
	CLOCK_T *c = obj;
	struct domain_timer *t;
	char q[64];

	if (!(t = DX_PUSH(x, c->timers, c->ntimers, "timer")))
		return -EINVAL;
	int rc = dx_attrs(x, n, timer_attrs, DX_N(timer_attrs), t);

	if (rc == 0)
		rc = dx_children(x, n, timer_children, DX_N(timer_children), t);
	if (rc == 0 && (!t->name || !dx_enum(timer_names, t->name)))
		rc = dx_fail(x, "unsupported timer '%s'",
		    dx_quote(q, sizeof(q), t->name ? t->name : ""));
	return rc;
}

static const struct dx_child clock_children[] = {
	{ "timer", p_timer, 0 },
};

int
domain_parse_clock(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_def *d = obj;
	int rc = dx_attrs(x, n, clock_attrs, DX_N(clock_attrs), &d->clock);

	if (rc == 0)
		rc = dx_children(x, n, clock_children, DX_N(clock_children),
		    &d->clock);
	if (rc == 0 && !d->clock.offset)
		rc = dx_fail(x, "<clock> needs an offset");
	return rc;
}

