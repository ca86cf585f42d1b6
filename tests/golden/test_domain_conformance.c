/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Conformance: every libvirt qemuxml2argvdata input is accepted and round-trips, or is refused by name. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "common/domain_xml.h"
#include "tests/unit/check.h"

static int accepted, refused;

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)n + 1))) {
		*len = fread(p, 1, (size_t)n, f);
		p[*len] = '\0';
	}
	fclose(f);
	return p;
}

/* The i-th (0-based) string value of an XPath expression, or NULL. */
static char *
xp(xmlXPathContext *ctx, const char *expr, int i)
{
	xmlXPathObject *o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	char *s = NULL;

	if (o && o->nodesetval && i < o->nodesetval->nodeNr) {
		xmlChar *v = xmlNodeGetContent(o->nodesetval->nodeTab[i]);

		s = strdup((char *)v);
		xmlFree(v);
	}
	xmlXPathFreeObject(o);
	return s;
}

static int
xp_count(xmlXPathContext *ctx, const char *expr)
{
	xmlXPathObject *o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	int n = o && o->nodesetval ? o->nodesetval->nodeNr : 0;

	xmlXPathFreeObject(o);
	return n;
}

/* What the input said is what the definition holds. */
static void
check_values(const char *name, const char *xml, size_t len,
    const struct domain_def *d)
{
	xmlDoc *doc = xmlReadMemory(xml, (int)len, name, NULL, XML_PARSE_NONET);
	xmlXPathContext *ctx = xmlXPathNewContext(doc);
	char *s, *u, buf[40], expr[96];
	uint64_t kib = 0;

	CHECK_STR(d->name, (s = xp(ctx, "/domain/name", 0)));
	free(s);
	domain_uuid_format(d->uuid, buf);
	s = xp(ctx, "/domain/uuid", 0);
	if (s && strlen(s) == 36)
		CHECK(strcasecmp(s, buf) == 0);
	free(s);
	s = xp(ctx, "/domain/memory", 0);
	u = xp(ctx, "/domain/memory/@unit", 0);
	CHECK(domain_memory_parse(s, u, &kib) == 0 && kib == d->memory_kib);
	free(s), free(u);
	if ((s = xp(ctx, "/domain/vcpu", 0)))
		CHECK_INT(d->vcpus, atoi(s));
	free(s);
	CHECK_INT(d->ndisks, xp_count(ctx, "/domain/devices/disk"));
	for (size_t i = 0; i < d->ndisks; i++) {
		s = xp(ctx, "/domain/devices/disk/target/@dev", (int)i);
		CHECK_STR(d->disks[i].target_dev, s);
		free(s);
		snprintf(expr, sizeof(expr), "/domain/devices/disk[%zu]/source/"
		    "@*[name()='file' or name()='dev']", i + 1);
		s = xp(ctx, expr, 0);
		CHECK((!s && !d->disks[i].source) ||
		    (s && d->disks[i].source && !strcmp(s, d->disks[i].source)));
		free(s);
	}
	CHECK_INT(d->ninterfaces, xp_count(ctx, "/domain/devices/interface"));
	for (size_t i = 0; i < d->ninterfaces; i++) {
		snprintf(expr, sizeof(expr),
		    "/domain/devices/interface[%zu]/mac/@address", i + 1);
		if (!(s = xp(ctx, expr, 0)))
			continue;
		domain_mac_format(d->interfaces[i].mac, buf);
		CHECK(strcasecmp(s, buf) == 0);
		free(s);
	}
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
}

static void
check_round_trip(const char *name, const struct domain_def *d)
{
	char err[512];
	struct domain_def *d2 = NULL;
	char *f1 = domain_format(d, 0), *f2 = NULL;
	int rc = domain_parse(f1, strlen(f1), &d2, err, sizeof(err));

	if (rc != 0)
		fprintf(stderr, "%s: formatted XML refused: %s\n", name, err);
	CHECK(rc == 0);
	if (d2)
		f2 = domain_format(d2, 0);
	CHECK(f2 && !strcmp(f1, f2));
	if (f2 && strcmp(f1, f2))
		fprintf(stderr, "%s: round trip differs\n%s\n---\n%s\n", name,
		    f1, f2);
	free(f1), free(f2);
	domain_def_free(d2);
}

static void
check_one(const char *dir, const char *file)
{
	char path[8192], base[256], err[512];
	struct domain_def *d = NULL;
	struct stat st;
	size_t len = 0;
	char *xml;
	int rc, must_fail;

	snprintf(base, sizeof(base), "%.*s", (int)(strlen(file) - 4), file);
	snprintf(path, sizeof(path), "%s/%s.x86_64-latest.err", dir, base);
	must_fail = stat(path, &st) == 0;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (!(xml = slurp(path, &len))) {
		CHECK(!"read input");
		return;
	}
	rc = domain_parse(xml, len, &d, err, sizeof(err));
	if (rc == 0) {
		accepted++;
		printf("accepted %s\n", base);
		if (must_fail)
			fprintf(stderr, "%s: accepted, libvirt refuses it\n",
			    base);
		CHECK(!must_fail);
		check_values(base, xml, len, d);
		check_round_trip(base, d);
	} else {
		refused++;
		printf("refused  %s: %s\n", base, err);
		/* the message names what was refused, on one line */
		CHECK(strchr(err, '\'') || strchr(err, '<'));
		CHECK(!strchr(err, '\n'));
	}
	domain_def_free(d);
	free(xml);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	char dir[2048], *names[1024];
	size_t n = 0;
	DIR *dp;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%s/qemuxml2argvdata",
	    argc > 1 ? argv[1] : "tests/data/domain");
	if (!(dp = opendir(dir))) {
		perror(dir);
		return 1;
	}
	while ((e = readdir(dp)) && n < 1024) {
		size_t l = strlen(e->d_name);

		if (l > 4 && !strcmp(e->d_name + l - 4, ".xml"))
			names[n++] = strdup(e->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		check_one(dir, names[i]);
		free(names[i]);
	}
	printf("conformance: %d inputs, %d accepted, %d refused\n",
	    accepted + refused, accepted, refused);
	CHECK(accepted + refused > 200);
	return check_done();
}
