/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit test: the shipped CPU map loads completely and fast; bad maps are refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/check.h"
#include "vmhostd/cpu_map.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Every x86 model file named in index.xml defines a model the map has. */
static void
test_all_models(const struct cpu_map *map)
{
	char path[512], line[512], name[CPU_NAME_MAX];
	FILE *f;
	size_t files = 0;

	snprintf(path, sizeof(path), "%s/index.xml", CPU_MAP_DIR);
	f = fopen(path, "r");
	CHECK(f != NULL);
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "filename='x86_");

		if (!p || strstr(p, "x86_vendors") || strstr(p, "x86_features"))
			continue;
		if (sscanf(p, "filename='x86_%47[^']", name) != 1)
			continue;
		name[strlen(name) - 4] = '\0';	/* ".xml" */
		CHECK(cpu_map_model(map, name) != NULL);
		files++;
	}
	if (f)
		fclose(f);
	CHECK_INT(files, map->nmodels);
	CHECK_INT(map->nmodels, 58);
	CHECK_INT(map->nfeatures, 212);
	CHECK_INT(map->nvendors, 3);
}

/* No two features share a CPUID bit, so feature sets equal bit sets. */
static void
test_disjoint(const struct cpu_map *map)
{
	const struct cpu_feature *a, *b;
	size_t i, j, clashes = 0;
	int r;

	for (i = 0; i < map->nfeatures; i++) {
		for (j = i + 1; j < map->nfeatures; j++) {
			a = &map->features[i];
			b = &map->features[j];
			if (a->is_msr != b->is_msr || a->leaf != b->leaf ||
			    a->subleaf != b->subleaf)
				continue;
			for (r = 0; r < 4; r++)
				clashes += (a->mask[r] & b->mask[r]) != 0;
		}
	}
	CHECK_INT(clashes, 0);
}

static void
test_shipped(void)
{
	struct cpu_map *map = NULL;
	const struct cpu_model *m;
	char err[256];
	double best = 1e9, t;
	int i;

	for (i = 0; i < 5; i++) {
		cpu_map_free(map);
		t = now_ms();
		CHECK_INT(cpu_map_load(CPU_MAP_DIR, &map, err, sizeof(err)), 0);
		t = now_ms() - t;
		best = t < best ? t : best;
	}
	printf("map load: %.2f ms (best of 5)\n", best);
	CHECK(best < 20.0);
	test_all_models(map);
	test_disjoint(map);
	m = cpu_map_model(map, "Haswell");
	CHECK(m && m->nfeatures > 40 && m->vendor == cpu_map_vendor(map,
	    "Intel"));
	CHECK(m && cpu_model_has_signature(m, 6, 63));
	CHECK_INT(cpu_map_feature(map, "sse4_1"), cpu_map_feature(map,
	    "sse4.1"));
	CHECK_INT(cpu_map_feature(map, "no-such-feature"), -1);
	m = cpu_map_model(map, "EPYC");
	CHECK(m && cpu_fset_has(&m->removed, cpu_map_feature(map, "monitor")));
	CHECK(cpu_map_feature(map, "rdctl-no") >= 0 &&
	    map->features[cpu_map_feature(map, "rdctl-no")].is_msr);
	CHECK(!map->features[cpu_map_feature(map, "invtsc")].migratable);
	cpu_map_free(map);
}

static void
test_inherit(void)
{
	struct cpu_map *map;
	const struct cpu_model *base, *child;
	char err[256], path[512];

	snprintf(path, sizeof(path), "%s/map-inherit", CPU_TEST_DATA);
	CHECK_INT(cpu_map_load(path, &map, err, sizeof(err)), 0);
	base = cpu_map_model(map, "Base");
	child = cpu_map_model(map, "Child");
	CHECK(base && child);
	if (!base || !child)
		return;
	CHECK_INT(child->nfeatures, 4);
	CHECK(cpu_fset_subset(&base->features, &child->features));
	CHECK(cpu_model_has_signature(child, 6, 60));
	CHECK_INT(child->vendor, 0);
	CHECK(child->decode_host && !child->decode_guest);
	CHECK_INT(cpu_fset_count(&child->removed), 1);
	cpu_map_free(map);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void
expect_refused(const char *dir, const char *index, const char *model,
    const char *msg)
{
	struct cpu_map *map = NULL;
	char err[256];

	write_file(dir, "index.xml", index);
	write_file(dir, "x86_M.xml", model);
	CHECK(cpu_map_load(dir, &map, err, sizeof(err)) < 0);
	CHECK(map == NULL);
	CHECK(strstr(err, msg) != NULL);
	if (!strstr(err, msg))
		fprintf(stderr, "got: %s\n", err);
}

static void
test_refused(void)
{
	char dir[] = "/tmp/vmhost-cpu-map-XXXXXX", path[512], err[256];
	struct cpu_map *map;
	const char *idx = "<cpus><arch name='x86'><include filename='"
	    "x86_M.xml'/></arch></cpus>";

	snprintf(path, sizeof(path), "%s/map-bad", CPU_TEST_DATA);
	CHECK(cpu_map_load(path, &map, err, sizeof(err)) < 0);
	CHECK(strstr(err, "include without filename") != NULL);
	CHECK(mkdtemp(dir) != NULL);
	expect_refused(dir, "<cpus><arch name='x86'><include filename='"
	    "../x86_M.xml'/></arch></cpus>", "", "refusing include");
	expect_refused(dir, idx, "<cpus><model name='M'><feature name='x'/>"
	    "</model></cpus>", "unknown feature 'x'");
	expect_refused(dir, idx, "<cpus><model name='M'><model name='P'/>"
	    "</model></cpus>", "unknown model");
	expect_refused(dir, idx, "<cpus><feature name='f'><cpuid eax_in='1'"
	    " ecx='0x1z'/></feature></cpus>", "bad number");
	expect_refused(dir, idx, "<cpus><model name='M'>", "not well-formed");
	expect_refused(dir, "<cpus/>", "", "no <arch name='x86'>");
	snprintf(path, sizeof(path), "%s/x86_M.xml", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/index.xml", dir);
	unlink(path);
	CHECK(cpu_map_load(dir, &map, err, sizeof(err)) < 0);
	rmdir(dir);
}

int
main(void)
{
	test_shipped();
	test_inherit();
	test_refused();
	return check_done();
}
