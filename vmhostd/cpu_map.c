/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Loads the x86 CPU model map (libvirt cpu_map files) in vmhostd at start-up. */
#include "vmhostd/cpu_map.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define CPU_MAP_FILE_MAX (1024 * 1024)

struct map_ctx {
	struct cpu_map *map;
	const char *file;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3)))
map_fail(struct map_ctx *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->err && c->errlen)
		snprintf(c->err, c->errlen, "%s: %s", c->file, msg);
	return -EINVAL;
}

/* The value of attribute name when it is plain text, else NULL. */
const char *
cpu_xml_attr(const xmlNode *n, const char *name)
{
	const xmlAttr *a = xmlHasProp(n, (const xmlChar *)name);

	if (!a || !a->children || a->children->next ||
	    a->children->type != XML_TEXT_NODE)
		return NULL;
	return (const char *)a->children->content;
}

bool
cpu_xml_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static int
copy_name(struct map_ctx *c, char *dst, size_t len, const char *src,
    const char *what)
{
	if (!src || !*src)
		return map_fail(c, "%s without a name", what);
	if (strlen(src) >= len)
		return map_fail(c, "%s name too long", what);
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

static int
parse_u32(struct map_ctx *c, const xmlNode *n, const char *name,
    uint32_t *out, bool required)
{
	const char *s = cpu_xml_attr(n, name);
	unsigned long long v;
	char *end;

	*out = 0;
	if (!s)
		return required ? map_fail(c, "missing attribute %s", name) : 0;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v > UINT32_MAX)
		return map_fail(c, "bad number in attribute %s", name);
	*out = (uint32_t)v;
	return 0;
}

/* Read a whole file of at most CPU_MAP_FILE_MAX bytes and parse it safely. */
xmlDoc *
cpu_xml_read_file(const char *path, char *err, size_t errlen)
{
	struct stat st;
	xmlDoc *doc = NULL;
	char *buf = NULL;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot read: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CPU_MAP_FILE_MAX) {
		snprintf(err, errlen, "not a regular file of at most 1 MiB");
		goto out;
	}
	if (!(buf = malloc((size_t)st.st_size + 1)))
		goto out;
	n = read(fd, buf, (size_t)st.st_size);
	if (n != st.st_size) {
		snprintf(err, errlen, "short read");
		goto out;
	}
	/* No network, no entity substitution, no DTD loading. */
	doc = xmlReadMemory(buf, (int)n, path, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		snprintf(err, errlen, "not well-formed XML");
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return doc;
}

static xmlDoc *
map_read_xml(struct map_ctx *c, const char *path)
{
	char msg[256] = "out of memory";
	xmlDoc *doc = cpu_xml_read_file(path, msg, sizeof(msg));

	if (!doc)
		map_fail(c, "%s", msg);
	return doc;
}

static int
parse_vendor(struct map_ctx *c, const xmlNode *n)
{
	struct cpu_map *m = c->map;
	struct cpu_vendor *v;

	if (m->nvendors == CPU_MAP_MAX_VENDORS)
		return map_fail(c, "too many vendors");
	v = &m->vendors[m->nvendors];
	if (copy_name(c, v->name, sizeof(v->name), cpu_xml_attr(n, "name"),
	    "vendor") < 0 ||
	    copy_name(c, v->string, sizeof(v->string), cpu_xml_attr(n, "string"),
	    "vendor string") < 0)
		return -EINVAL;
	if (strlen(v->string) != 12)
		return map_fail(c, "vendor string must be 12 characters");
	m->nvendors++;
	return 0;
}

static int
parse_feature_data(struct map_ctx *c, const xmlNode *n, struct cpu_feature *f)
{
	static const char *const regs[] = { "eax", "ebx", "ecx", "edx" };
	int r;

	f->is_msr = cpu_xml_is(n, "msr");
	if (parse_u32(c, n, f->is_msr ? "index" : "eax_in", &f->leaf, true) < 0)
		return -EINVAL;
	if (!f->is_msr && parse_u32(c, n, "ecx_in", &f->subleaf, false) < 0)
		return -EINVAL;
	for (r = 0; r < 4; r++) {
		if (parse_u32(c, n, regs[r], &f->mask[r], false) < 0)
			return -EINVAL;
	}
	if (!f->mask[0] && !f->mask[1] && !f->mask[2] && !f->mask[3])
		return map_fail(c, "feature '%s' has no bits", f->name);
	return 0;
}

static int
parse_alias(struct map_ctx *c, const xmlNode *n, int feature)
{
	struct cpu_map *m = c->map;
	struct cpu_alias *a;
	const char *src = cpu_xml_attr(n, "source");

	if (m->naliases == CPU_MAP_MAX_ALIASES)
		return map_fail(c, "too many aliases");
	a = &m->aliases[m->naliases];
	if (copy_name(c, a->name, sizeof(a->name), cpu_xml_attr(n, "name"),
	    "alias") < 0 ||
	    copy_name(c, a->source, sizeof(a->source), src ? src : "qemu",
	    "alias source") < 0)
		return -EINVAL;
	a->feature = feature;
	m->naliases++;
	return 0;
}

static int
parse_feature(struct map_ctx *c, const xmlNode *n)
{
	struct cpu_map *m = c->map;
	struct cpu_feature *f;
	const char *mig = cpu_xml_attr(n, "migratable");
	const xmlNode *k;
	int ndata = 0;

	if (m->nfeatures == CPU_MAP_MAX_FEATURES)
		return map_fail(c, "too many features");
	f = &m->features[m->nfeatures];
	if (copy_name(c, f->name, sizeof(f->name), cpu_xml_attr(n, "name"),
	    "feature") < 0)
		return -EINVAL;
	if (cpu_map_feature(m, f->name) >= 0)
		return map_fail(c, "feature '%s' defined twice", f->name);
	f->migratable = !mig || strcmp(mig, "no") != 0;
	for (k = n->children; k; k = k->next) {
		if (cpu_xml_is(k, "cpuid") || cpu_xml_is(k, "msr")) {
			if (++ndata > 1)
				return map_fail(c, "feature '%s': more than one "
				    "cpuid/msr", f->name);
			if (parse_feature_data(c, k, f) < 0)
				return -EINVAL;
		} else if (cpu_xml_is(k, "alias") &&
		    parse_alias(c, k, (int)m->nfeatures) < 0) {
			return -EINVAL;
		}
	}
	if (!ndata)
		return map_fail(c, "feature '%s' has no cpuid or msr", f->name);
	m->nfeatures++;
	return 0;
}

static int
parse_signature(struct map_ctx *c, const xmlNode *n, struct cpu_model *md)
{
	uint32_t fam, mod;

	if (md->nsigs == CPU_MODEL_MAX_SIGS)
		return map_fail(c, "model '%s': too many signatures", md->name);
	if (parse_u32(c, n, "family", &fam, true) < 0 ||
	    parse_u32(c, n, "model", &mod, true) < 0)
		return -EINVAL;
	md->sigs[md->nsigs].family = fam;
	md->sigs[md->nsigs].model = mod;
	md->nsigs++;
	return 0;
}

static int
parse_model_ref(struct map_ctx *c, const xmlNode *n, struct cpu_model *md)
{
	const char *name = cpu_xml_attr(n, "name");
	const struct cpu_model *parent = name ? cpu_map_model(c->map, name) :
	    NULL;

	if (!parent)
		return map_fail(c, "model '%s' inherits from an unknown model",
		    md->name);
	md->vendor = parent->vendor;
	md->nsigs = parent->nsigs;
	memcpy(md->sigs, parent->sigs, sizeof(md->sigs));
	md->features = parent->features;
	md->removed = parent->removed;
	return 0;
}

static int
parse_model_child(struct map_ctx *c, const xmlNode *k, struct cpu_model *md)
{
	const char *name = cpu_xml_attr(k, "name");
	int i;

	if (cpu_xml_is(k, "model"))
		return parse_model_ref(c, k, md);
	if (cpu_xml_is(k, "signature"))
		return parse_signature(c, k, md);
	if (cpu_xml_is(k, "decode")) {
		md->decode_host = !cpu_xml_attr(k, "host") ||
		    strcmp(cpu_xml_attr(k, "host"), "on") == 0;
		md->decode_guest = !cpu_xml_attr(k, "guest") ||
		    strcmp(cpu_xml_attr(k, "guest"), "on") == 0;
	} else if (cpu_xml_is(k, "vendor")) {
		md->vendor = name ? cpu_map_vendor(c->map, name) : -1;
		if (md->vendor < 0)
			return map_fail(c, "model '%s': unknown vendor",
			    md->name);
	} else if (cpu_xml_is(k, "feature")) {
		i = name ? cpu_map_feature(c->map, name) : -1;
		if (i < 0)
			return map_fail(c, "model '%s': unknown feature '%s'",
			    md->name, name ? name : "");
		cpu_fset_add(&md->features, i);
		if (cpu_xml_attr(k, "removed") &&
		    strcmp(cpu_xml_attr(k, "removed"), "yes") == 0)
			cpu_fset_add(&md->removed, i);
	}
	return 0;
}

static int
parse_model(struct map_ctx *c, const xmlNode *n)
{
	struct cpu_map *m = c->map;
	struct cpu_model *md;
	const xmlNode *k;

	if (m->nmodels == CPU_MAP_MAX_MODELS)
		return map_fail(c, "too many models");
	md = &m->models[m->nmodels];
	memset(md, 0, sizeof(*md));
	md->vendor = -1;
	md->decode_host = md->decode_guest = true;
	if (copy_name(c, md->name, sizeof(md->name), cpu_xml_attr(n, "name"),
	    "model") < 0)
		return -EINVAL;
	if (cpu_map_model(m, md->name))
		return map_fail(c, "model '%s' defined twice", md->name);
	for (k = n->children; k; k = k->next) {
		if (parse_model_child(c, k, md) < 0)
			return -EINVAL;
	}
	md->nfeatures = cpu_fset_count(&md->features);
	m->nmodels++;
	return 0;
}

static int
parse_data_file(struct map_ctx *c, const char *dir, const char *name)
{
	char path[4096];
	xmlDoc *doc;
	const xmlNode *root, *n;
	int rc = 0;

	c->file = name;
	if (strchr(name, '/') || name[0] == '.' ||
	    strncmp(name, "x86_", 4) != 0)
		return map_fail(c, "refusing include file name");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(doc = map_read_xml(c, path)))
		return -EINVAL;
	root = xmlDocGetRootElement(doc);
	if (!root || !cpu_xml_is(root, "cpus"))
		rc = map_fail(c, "root element is not <cpus>");
	for (n = root ? root->children : NULL; n && rc == 0; n = n->next) {
		if (cpu_xml_is(n, "vendor"))
			rc = parse_vendor(c, n);
		else if (cpu_xml_is(n, "feature"))
			rc = parse_feature(c, n);
		else if (cpu_xml_is(n, "model"))
			rc = parse_model(c, n);
	}
	xmlFreeDoc(doc);
	return rc;
}

static int
parse_index(struct map_ctx *c, const char *dir)
{
	char path[4096];
	xmlDoc *doc;
	const xmlNode *root, *arch = NULL, *n;
	const char *name;
	int rc = 0;

	c->file = "index.xml";
	snprintf(path, sizeof(path), "%s/index.xml", dir);
	if (!(doc = map_read_xml(c, path)))
		return -EINVAL;
	root = xmlDocGetRootElement(doc);
	for (n = root ? root->children : NULL; n; n = n->next) {
		name = cpu_xml_attr(n, "name");
		if (cpu_xml_is(n, "arch") && name && strcmp(name, "x86") == 0)
			arch = n;
	}
	if (!arch)
		rc = map_fail(c, "no <arch name='x86'>");
	for (n = arch ? arch->children : NULL; n && rc == 0; n = n->next) {
		if (!cpu_xml_is(n, "include"))
			continue;
		name = cpu_xml_attr(n, "filename");
		rc = name ? parse_data_file(c, dir, name) :
		    map_fail(c, "include without filename");
	}
	xmlFreeDoc(doc);
	return rc;
}

int
cpu_map_load(const char *dir, struct cpu_map **out, char *err, size_t errlen)
{
	struct map_ctx c = { .err = err, .errlen = errlen, .file = dir };
	int rc;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (!(c.map = calloc(1, sizeof(*c.map))))
		return -ENOMEM;
	rc = parse_index(&c, dir);
	c.file = "index.xml";	/* names from the index are freed by now */
	if (rc == 0 && (!c.map->nfeatures || !c.map->nmodels))
		rc = map_fail(&c, "no features or no models");
	if (rc < 0) {
		cpu_map_free(c.map);
		return rc;
	}
	*out = c.map;
	return 0;
}

void
cpu_map_free(struct cpu_map *map)
{
	free(map);
}

int
cpu_map_feature(const struct cpu_map *map, const char *name)
{
	size_t i;

	for (i = 0; i < map->nfeatures; i++) {
		if (strcmp(map->features[i].name, name) == 0)
			return (int)i;
	}
	for (i = 0; i < map->naliases; i++) {
		if (strcmp(map->aliases[i].name, name) == 0)
			return map->aliases[i].feature;
	}
	return -1;
}

int
cpu_map_vendor(const struct cpu_map *map, const char *name)
{
	size_t i;

	for (i = 0; i < map->nvendors; i++) {
		if (strcmp(map->vendors[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

int
cpu_map_vendor_by_string(const struct cpu_map *map, const char *string)
{
	size_t i;

	for (i = 0; i < map->nvendors; i++) {
		if (strcmp(map->vendors[i].string, string) == 0)
			return (int)i;
	}
	return -1;
}

const struct cpu_model *
cpu_map_model(const struct cpu_map *map, const char *name)
{
	size_t i;

	for (i = 0; i < map->nmodels; i++) {
		if (strcmp(map->models[i].name, name) == 0)
			return &map->models[i];
	}
	return NULL;
}

bool
cpu_model_has_signature(const struct cpu_model *m, unsigned family,
    unsigned model)
{
	size_t i;

	for (i = 0; i < m->nsigs; i++) {
		if (m->sigs[i].family == family && m->sigs[i].model == model)
			return true;
	}
	return false;
}

void
cpu_model_required(const struct cpu_model *m, struct cpu_fset *out)
{
	*out = m->features;
	cpu_fset_andnot(out, &m->removed);
}

void
cpu_fset_add(struct cpu_fset *s, int i)
{
	if (i >= 0 && i < CPU_MAP_MAX_FEATURES)
		s->w[i / 64] |= UINT64_C(1) << (i % 64);
}

void
cpu_fset_del(struct cpu_fset *s, int i)
{
	if (i >= 0 && i < CPU_MAP_MAX_FEATURES)
		s->w[i / 64] &= ~(UINT64_C(1) << (i % 64));
}

bool
cpu_fset_has(const struct cpu_fset *s, int i)
{
	if (i < 0 || i >= CPU_MAP_MAX_FEATURES)
		return false;
	return (s->w[i / 64] >> (i % 64)) & 1;
}

void
cpu_fset_or(struct cpu_fset *d, const struct cpu_fset *s)
{
	size_t i;

	for (i = 0; i < CPU_MAP_MAX_FEATURES / 64; i++)
		d->w[i] |= s->w[i];
}

void
cpu_fset_and(struct cpu_fset *d, const struct cpu_fset *s)
{
	size_t i;

	for (i = 0; i < CPU_MAP_MAX_FEATURES / 64; i++)
		d->w[i] &= s->w[i];
}

void
cpu_fset_andnot(struct cpu_fset *d, const struct cpu_fset *s)
{
	size_t i;

	for (i = 0; i < CPU_MAP_MAX_FEATURES / 64; i++)
		d->w[i] &= ~s->w[i];
}

bool
cpu_fset_subset(const struct cpu_fset *a, const struct cpu_fset *b)
{
	size_t i;

	for (i = 0; i < CPU_MAP_MAX_FEATURES / 64; i++) {
		if (a->w[i] & ~b->w[i])
			return false;
	}
	return true;
}

bool
cpu_fset_equal(const struct cpu_fset *a, const struct cpu_fset *b)
{
	return memcmp(a->w, b->w, sizeof(a->w)) == 0;
}

bool
cpu_fset_empty(const struct cpu_fset *s)
{
	return cpu_fset_count(s) == 0;
}

size_t
cpu_fset_count(const struct cpu_fset *s)
{
	size_t i, n = 0;

	for (i = 0; i < CPU_MAP_MAX_FEATURES / 64; i++)
		n += (size_t)__builtin_popcountll(s->w[i]);
	return n;
}

size_t
cpu_fset_join(const struct cpu_map *map, const struct cpu_fset *s,
    const char *sep, char *buf, size_t len)
{
	size_t i, used = 0;
	int n;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < map->nfeatures; i++) {
		if (!cpu_fset_has(s, (int)i))
			continue;
		n = snprintf(buf + (used < len ? used : len),
		    used < len ? len - used : 0, "%s%s", used ? sep : "",
		    map->features[i].name);
		used += (size_t)n;
	}
	return used;
}
