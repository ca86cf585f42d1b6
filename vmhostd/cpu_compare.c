/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Decodes CPUs to models and checks guest <cpu> against the host, in vmhostd. */
#include "vmhostd/cpu_compare.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define CPU_INCOMPAT "guest and host CPU are not compatible: "

static const char *const policy_names[] = {
	[CPU_POLICY_REQUIRE] = "require", [CPU_POLICY_FORCE] = "force",
	[CPU_POLICY_OPTIONAL] = "optional", [CPU_POLICY_DISABLE] = "disable",
	[CPU_POLICY_FORBID] = "forbid",
};

/* libvirt's x86DecodeUseCandidate: 1 take it, 0 keep the current one. */
static int
decode_better(const struct cpu_model *cur, size_t cur_n,
    const struct cpu_model *cand, size_t cand_n, unsigned family,
    unsigned model)
{
	bool cur_sig, cand_sig;

	if (!cur)
		return 1;
	cur_sig = family && cpu_model_has_signature(cur, family, model);
	cand_sig = family && cpu_model_has_signature(cand, family, model);
	if (cur_sig && !cand_sig)
		return 0;
	if (cur_n > cand_n)
		return 1;
	return cand_sig && !cur_sig;
}

int
cpu_decode(const struct cpu_map *map, const struct cpu_fset *have,
    int vendor, unsigned family, unsigned model, bool for_host,
    struct cpu_decoded *out)
{
	const struct cpu_model *m;
	struct cpu_fset extra, missing, removed;
	size_t i, best_n = 0, n;

	memset(out, 0, sizeof(*out));
	for (i = map->nmodels; i-- > 0;) {
		m = &map->models[i];
		if ((for_host && !m->decode_host) ||
		    (!for_host && !m->decode_guest))
			continue;
		if (vendor >= 0 && m->vendor >= 0 && vendor != m->vendor)
			continue;
		/* removed features are listed explicitly, as libvirt does */
		extra = *have;
		cpu_fset_andnot(&extra, &m->features);
		removed = m->removed;
		cpu_fset_and(&removed, have);
		cpu_fset_or(&extra, &removed);
		missing = m->features;
		cpu_fset_andnot(&missing, have);
		if (for_host && !cpu_fset_empty(&missing))
			continue;
		n = cpu_fset_count(&extra) + cpu_fset_count(&missing);
		if (!decode_better(out->model, best_n, m, n, family, model))
			continue;
		out->model = m;
		out->extra = extra;
		out->missing = missing;
		best_n = n;
	}
	return out->model ? 0 : -ENOENT;
}

/* Copy a user value into a message with control bytes and quotes escaped. */
static void
quote_value(char *dst, size_t len, const char *src)
{
	size_t o = 0;
	const unsigned char *s = (const unsigned char *)src;

	for (; *s && o + 5 < len; s++) {
		if (*s < 0x20 || *s == 0x7f || *s == '\'' || *s == '\\')
			o += (size_t)snprintf(dst + o, len - o, "\\x%02x", *s);
		else
			dst[o++] = (char)*s;
	}
	dst[o] = '\0';
}

static int
def_error(struct cpu_result *r, const char *pre, const char *value,
    const char *post)
{
	char q[CPU_NAME_MAX * 4 + 8];

	quote_value(q, sizeof(q), value);
	snprintf(r->error, sizeof(r->error), "%s%s%s", pre, q, post);
	return -EINVAL;
}

/* Sets of a definition: what it needs, and what it forbids. */
struct def_sets {
	const struct cpu_model *model;
	struct cpu_fset want;		/* model + require, minus disable */
	struct cpu_fset forced;		/* force: no host support needed */
	struct cpu_fset optional;
	struct cpu_fset forbid;
	int vendor;
};

static int
def_feature_sets(const struct cpu_map *map, const struct cpu_def *def,
    struct def_sets *s, struct cpu_result *r)
{
	const struct cpu_def_feature *f;
	size_t i;
	int idx;

	for (i = 0; i < def->nfeatures; i++) {
		f = &def->features[i];
		if ((idx = cpu_map_feature(map, f->name)) < 0)
			return def_error(r, "unknown CPU feature: ", f->name,
			    "");
		cpu_fset_del(&s->want, idx);
		if (f->policy == CPU_POLICY_REQUIRE)
			cpu_fset_add(&s->want, idx);
		else if (f->policy == CPU_POLICY_FORCE)
			cpu_fset_add(&s->forced, idx);
		else if (f->policy == CPU_POLICY_OPTIONAL)
			cpu_fset_add(&s->optional, idx);
		else if (f->policy == CPU_POLICY_FORBID)
			cpu_fset_add(&s->forbid, idx);
	}
	return 0;
}

static int
def_sets(const struct cpu_map *map, const struct cpu_def *def,
    struct def_sets *s, struct cpu_result *r)
{
	memset(s, 0, sizeof(*s));
	s->vendor = -1;
	if (def->model[0]) {
		if (!(s->model = cpu_map_model(map, def->model)))
			return def_error(r, "unknown CPU model '",
			    def->model, "'");
		cpu_model_required(s->model, &s->want);
	}
	if (def->vendor[0] &&
	    (s->vendor = cpu_map_vendor(map, def->vendor)) < 0)
		return def_error(r, "unknown CPU vendor '", def->vendor,
		    "'");
	return def_feature_sets(map, def, s, r);
}

/* "guest and host CPU are not compatible: <what>: a, b". */
static void
incompatible(const struct cpu_map *map, struct cpu_result *r,
    const char *what, const struct cpu_fset *s)
{
	char names[CPU_MSG_MAX - 128];

	cpu_fset_join(map, s, ", ", names, sizeof(names));
	snprintf(r->error, sizeof(r->error), CPU_INCOMPAT "%s: %s", what,
	    names);
}

/*
 * The largest model the host runs whose features are all in the requested
 * one (Haswell -> Haswell-noTSX): the nearest safe step down.
 */
static const struct cpu_model *
fallback_model(const struct cpu_map *map, const struct cpu_host *host,
    const struct def_sets *s)
{
	const struct cpu_model *m, *best = NULL;
	struct cpu_fset need, asked, mreq;
	size_t i;

	cpu_model_required(s->model, &asked);
	for (i = 0; i < map->nmodels; i++) {
		m = &map->models[i];
		cpu_model_required(m, &mreq);
		if (!m->decode_guest || m == s->model ||
		    m->vendor != s->model->vendor ||
		    !cpu_fset_subset(&mreq, &asked))
			continue;
		need = s->want;
		cpu_fset_andnot(&need, &asked);
		cpu_fset_or(&need, &mreq);
		if (!cpu_fset_subset(&need, &host->features))
			continue;
		if (!best || m->nfeatures > best->nfeatures)
			best = m;
	}
	return best;
}

static void
missing_hint(const struct cpu_map *map, const struct cpu_host *host,
    const struct def_sets *s, struct cpu_result *r)
{
	const struct cpu_model *fb = s->model ? fallback_model(map, host, s) :
	    NULL;
	char dis[CPU_MSG_MAX - 256];
	size_t i, o = 0;

	dis[0] = '\0';
	for (i = 0; i < map->nfeatures && o < sizeof(dis); i++) {
		if (cpu_fset_has(&r->missing, (int)i))
			o += (size_t)snprintf(dis + o, sizeof(dis) - o,
			    "<feature policy='disable' name='%s'/>",
			    map->features[i].name);
	}
	if (fb)
		snprintf(r->hint, sizeof(r->hint), "hint: use <model>%s</model> "
		    "(this host runs it), or <cpu mode='host-model'>, or add %s",
		    fb->name, dis);
	else
		snprintf(r->hint, sizeof(r->hint), "hint: use <cpu "
		    "mode='host-model'>, or add %s", dis);
}

int
cpu_check_guest(const struct cpu_map *map, const struct cpu_host *host,
    const struct cpu_def *guest, struct cpu_result *r)
{
	struct def_sets s;

	memset(r, 0, sizeof(*r));
	if (guest->mode != CPU_MODE_CUSTOM)
		return 0;
	if (def_sets(map, guest, &s, r) < 0)
		return -EINVAL;
	if (s.vendor >= 0 && s.vendor != host->vendor) {
		def_error(r, CPU_INCOMPAT "Host CPU vendor does not match "
		    "required CPU vendor ", guest->vendor, "");
		return -ENOTSUP;
	}
	r->missing = s.want;
	cpu_fset_andnot(&r->missing, &host->features);
	r->forbidden = s.forbid;
	cpu_fset_and(&r->forbidden, &host->features);
	if (!cpu_fset_empty(&r->missing)) {
		incompatible(map, r, "Host CPU does not provide required "
		    "features", &r->missing);
		missing_hint(map, host, &s, r);
		return -ENOTSUP;
	}
	if (!cpu_fset_empty(&r->forbidden)) {
		incompatible(map, r, "Host CPU provides forbidden features",
		    &r->forbidden);
		snprintf(r->hint, sizeof(r->hint), "hint: remove the "
		    "policy='forbid' features, or run the guest on another host");
		return -ENOTSUP;
	}
	if (guest->match != CPU_MATCH_STRICT)
		return 0;
	r->extra = host->features;
	cpu_fset_andnot(&r->extra, &s.want);
	cpu_fset_andnot(&r->extra, &s.optional);
	cpu_fset_andnot(&r->extra, &s.forced);
	if (cpu_fset_empty(&r->extra))
		return 0;
	incompatible(map, r, "Host CPU does not strictly match guest CPU: "
	    "Extra features", &r->extra);
	snprintf(r->hint, sizeof(r->hint), "hint: use match='exact' or "
	    "match='minimum'");
	return -ENOTSUP;
}

enum cpu_cmp
cpu_compare(const struct cpu_map *map, const struct cpu_host *host,
    const struct cpu_def *def, struct cpu_result *r)
{
	struct def_sets s;
	struct cpu_fset want;
	int rc;

	if (def->mode != CPU_MODE_CUSTOM) {
		memset(r, 0, sizeof(*r));
		return CPU_CMP_IDENTICAL;
	}
	rc = cpu_check_guest(map, host, def, r);
	if (rc == -EINVAL)
		return CPU_CMP_ERROR;
	if (rc < 0)
		return CPU_CMP_INCOMPATIBLE;
	(void)def_sets(map, def, &s, r);
	want = s.want;
	cpu_fset_or(&want, &s.forced);
	return cpu_fset_equal(&want, &host->features) ? CPU_CMP_IDENTICAL :
	    CPU_CMP_SUPERSET;
}

const char *
cpu_cmp_str(enum cpu_cmp c)
{
	switch (c) {
	case CPU_CMP_INCOMPATIBLE:
		return "incompatible";
	case CPU_CMP_IDENTICAL:
		return "identical";
	case CPU_CMP_SUPERSET:
		return "superset";
	case CPU_CMP_ERROR:
		break;
	}
	return "error";
}

/* Fill out with the decoded common set (model + require/disable features). */
static int
baseline_result(const struct cpu_map *map, const struct cpu_decoded *dec,
    int vendor, struct cpu_def *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->mode = CPU_MODE_CUSTOM;
	out->match = CPU_MATCH_EXACT;
	snprintf(out->model, sizeof(out->model), "%s", dec->model->name);
	if (vendor >= 0)
		snprintf(out->vendor, sizeof(out->vendor), "%s",
		    map->vendors[vendor].name);
	for (i = 0; i < map->nfeatures; i++) {
		bool req = cpu_fset_has(&dec->extra, (int)i);

		if (!req && !cpu_fset_has(&dec->missing, (int)i))
			continue;
		if (out->nfeatures == CPU_DEF_MAX_FEATURES)
			return -E2BIG;
		snprintf(out->features[out->nfeatures].name, CPU_NAME_MAX,
		    "%s", map->features[i].name);
		out->features[out->nfeatures++].policy = req ?
		    CPU_POLICY_REQUIRE : CPU_POLICY_DISABLE;
	}
	return 0;
}

int
cpu_baseline(const struct cpu_map *map, const struct cpu_def *defs,
    size_t n, struct cpu_def *out, char *err, size_t errlen)
{
	struct cpu_result r;
	struct def_sets s;
	struct cpu_fset common;
	struct cpu_decoded dec;
	int vendor = -1;
	size_t i;

	if (n == 0) {
		snprintf(err, errlen, "no CPU description to compute a baseline");
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (def_sets(map, &defs[i], &s, &r) < 0) {
			snprintf(err, errlen, "%s", r.error);
			return -EINVAL;
		}
		if (i && vendor != s.vendor) {
			snprintf(err, errlen, "CPU vendors do not match");
			return -EINVAL;
		}
		vendor = s.vendor;
		if (i == 0)
			common = s.want;
		else
			cpu_fset_and(&common, &s.want);
	}
	if (cpu_decode(map, &common, vendor, 0, 0, false, &dec) < 0) {
		snprintf(err, errlen, "no CPU model fits the common features");
		return -ENOENT;
	}
	return baseline_result(map, &dec, vendor, out);
}

size_t
cpu_usable_models(const struct cpu_map *map, const struct cpu_host *host,
    struct cpu_usable *out, size_t max)
{
	const struct cpu_model *m;
	size_t i, n = 0;

	for (i = 0; i < map->nmodels && n < max; i++) {
		m = &map->models[i];
		if (!m->decode_guest)
			continue;
		out[n].model = m;
		cpu_model_required(m, &out[n].blockers);
		cpu_fset_andnot(&out[n].blockers, &host->features);
		out[n].usable = cpu_fset_empty(&out[n].blockers);
		n++;
	}
	return n;
}

int
cpu_def_format(const struct cpu_def *def, char **out)
{
	size_t i, len;
	FILE *f = open_memstream(out, &len);

	if (!f)
		return -ENOMEM;
	fprintf(f, "<cpu mode='custom' match='%s'>\n",
	    def->match == CPU_MATCH_MINIMUM ? "minimum" :
	    def->match == CPU_MATCH_STRICT ? "strict" : "exact");
	if (def->model[0])
		fprintf(f, "  <model fallback='%s'>%s</model>\n",
		    def->fallback_forbid ? "forbid" : "allow", def->model);
	if (def->vendor[0])
		fprintf(f, "  <vendor>%s</vendor>\n", def->vendor);
	for (i = 0; i < def->nfeatures; i++)
		fprintf(f, "  <feature policy='%s' name='%s'/>\n",
		    policy_names[def->features[i].policy],
		    def->features[i].name);
	fprintf(f, "</cpu>\n");
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

#define CPU_XML_MAX (1024 * 1024)
#define CPU_XML_DEPTH 16

struct parse_ctx {
	struct cpu_def *defs;
	size_t max, n;
	char *err;
	size_t errlen;
};

/* Model, vendor and feature names: letters, digits, '.', '_', '-'. */
static int
copy_ident(struct parse_ctx *c, char *dst, size_t len, const char *src,
    const char *what)
{
	char q[CPU_NAME_MAX * 4 + 8];
	size_t i;

	for (i = 0; src && src[i]; i++) {
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._-", src[i]))
			break;
	}
	if (!src || !src[0] || src[i] || i >= len) {
		quote_value(q, sizeof(q), src ? src : "");
		snprintf(c->err, c->errlen, "invalid CPU %s name '%s'", what, q);
		return -EINVAL;
	}
	memcpy(dst, src, i + 1);
	return 0;
}

static int
parse_enum(struct parse_ctx *c, const xmlNode *n, const char *attr,
    const char *const *names, int count, int dflt)
{
	const char *v = cpu_xml_attr(n, attr);
	char q[64];
	int i;

	if (!v)
		return dflt;
	for (i = 0; i < count; i++) {
		if (names[i] && strcmp(v, names[i]) == 0)
			return i;
	}
	quote_value(q, sizeof(q), v);
	snprintf(c->err, c->errlen, "invalid CPU %s '%s'", attr, q);
	return -EINVAL;
}

static int
parse_cpu_feature(struct parse_ctx *c, const xmlNode *n, struct cpu_def *d)
{
	struct cpu_def_feature *f;
	int pol;

	if (d->nfeatures == CPU_DEF_MAX_FEATURES) {
		snprintf(c->err, c->errlen, "too many CPU features");
		return -E2BIG;
	}
	f = &d->features[d->nfeatures];
	if (copy_ident(c, f->name, sizeof(f->name), cpu_xml_attr(n, "name"),
	    "feature") < 0)
		return -EINVAL;
	pol = parse_enum(c, n, "policy", policy_names, 5, CPU_POLICY_REQUIRE);
	if (pol < 0)
		return -EINVAL;
	f->policy = (enum cpu_policy)pol;
	d->nfeatures++;
	return 0;
}

static int
parse_text(struct parse_ctx *c, const xmlNode *n, char *dst, size_t len,
    const char *what)
{
	xmlChar *text = xmlNodeGetContent(n);
	int rc = copy_ident(c, dst, len, (const char *)text, what);

	xmlFree(text);
	return rc;
}

static int
parse_cpu_child(struct parse_ctx *c, const xmlNode *k, struct cpu_def *d)
{
	static const char *const fallback[] = { "allow", "forbid" };
	static const char *const ignored[] = { "arch", "topology", "signature",
		"microcode", "counter", "maxphysaddr", "cache", "numa", "pages",
		"migration_features", NULL };
	const char *const *p;
	int fb;

	if (cpu_xml_is(k, "model")) {
		if ((fb = parse_enum(c, k, "fallback", fallback, 2, 0)) < 0)
			return -EINVAL;
		d->fallback_forbid = fb == 1;
		return parse_text(c, k, d->model, sizeof(d->model), "model");
	}
	if (cpu_xml_is(k, "vendor"))
		return parse_text(c, k, d->vendor, sizeof(d->vendor), "vendor");
	if (cpu_xml_is(k, "feature"))
		return parse_cpu_feature(c, k, d);
	for (p = ignored; *p; p++) {
		if (cpu_xml_is(k, *p))
			return 0;
	}
	if (k->type != XML_ELEMENT_NODE)
		return 0;
	snprintf(c->err, c->errlen, "unsupported element <%.40s> in <cpu>",
	    (const char *)k->name);
	return -EINVAL;
}

static int
parse_cpu(struct parse_ctx *c, const xmlNode *n, struct cpu_def *d)
{
	static const char *const modes[] = { "custom", "host-model",
		"host-passthrough" };
	static const char *const matches[] = { "exact", "minimum", "strict" };
	const xmlNode *k;
	int v;

	memset(d, 0, sizeof(*d));
	if ((v = parse_enum(c, n, "mode", modes, 3, CPU_MODE_CUSTOM)) < 0)
		return -EINVAL;
	d->mode = (enum cpu_mode)v;
	if ((v = parse_enum(c, n, "match", matches, 3, CPU_MATCH_EXACT)) < 0)
		return -EINVAL;
	d->match = (enum cpu_match)v;
	for (k = n->children; k; k = k->next) {
		if (parse_cpu_child(c, k, d) < 0)
			return -EINVAL;
	}
	if (d->mode == CPU_MODE_CUSTOM && !d->model[0] && d->nfeatures) {
		snprintf(c->err, c->errlen, "CPU features given without a model");
		return -EINVAL;
	}
	return 0;
}

static int
parse_walk(struct parse_ctx *c, const xmlNode *n, int depth)
{
	if (depth > CPU_XML_DEPTH) {
		snprintf(c->err, c->errlen, "XML nested too deeply");
		return -EINVAL;
	}
	for (; n; n = n->next) {
		if (!cpu_xml_is(n, "cpu")) {
			if (n->type == XML_ELEMENT_NODE &&
			    parse_walk(c, n->children, depth + 1) < 0)
				return -EINVAL;
			continue;
		}
		if (c->n == c->max) {
			snprintf(c->err, c->errlen, "more than %zu <cpu> "
			    "elements", c->max);
			return -E2BIG;
		}
		if (parse_cpu(c, n, &c->defs[c->n]) < 0)
			return -EINVAL;
		c->n++;
	}
	return 0;
}

int
cpu_def_parse(const char *xml, size_t len, struct cpu_def *defs, size_t max,
    char *err, size_t errlen)
{
	struct parse_ctx c = { .defs = defs, .max = max, .err = err,
		.errlen = errlen };
	xmlDoc *doc;
	int rc;

	if (len > CPU_XML_MAX) {
		snprintf(err, errlen, "CPU description larger than 1 MiB");
		return -E2BIG;
	}
	doc = xmlReadMemory(xml, (int)len, "cpu.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		snprintf(err, errlen, "CPU description is not well-formed XML");
		return -EINVAL;
	}
	rc = parse_walk(&c, xmlDocGetRootElement(doc), 0);
	xmlFreeDoc(doc);
	if (rc == 0 && c.n == 0) {
		snprintf(err, errlen, "no <cpu> element found");
		rc = -ENOENT;
	}
	return rc < 0 ? rc : (int)c.n;
}
