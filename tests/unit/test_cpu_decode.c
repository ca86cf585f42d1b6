/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit test: recorded CPUID dumps decode to libvirt 9.0.0's host CPU model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "vmhostd/cpu_compare.h"

static const char *const hosts[] = {
	"Cooperlake", "Core-i7-8700", "EPYC-7502-32-Core", "EPYC-7601-32-Core",
	"Ice-Lake-Server", "Xeon-E5-2650-v3", "Xeon-E5-2650-v4",
	"Xeon-Gold-6148", "Xeon-Platinum-8268",
};

static struct cpu_map *map;

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = malloc(1 << 20);

	*len = f && buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	if (f)
		fclose(f);
	if (buf)
		buf[*len] = '\0';
	return buf;
}

/* Expected host CPU (libvirt's -host.xml) as model + feature set. */
static int
expected_host(const char *name, struct cpu_def *def, struct cpu_fset *set)
{
	char path[512], err[256];
	size_t len, i;
	char *xml;
	int rc;

	snprintf(path, sizeof(path), "%s/x86_64-cpuid-%s-host.xml",
	    CPU_TEST_DATA, name);
	xml = slurp(path, &len);
	rc = xml ? cpu_def_parse(xml, len, def, 1, err, sizeof(err)) : -1;
	free(xml);
	if (rc != 1) {
		fprintf(stderr, "%s: %s\n", path, err);
		return -1;
	}
	memset(set, 0, sizeof(*set));
	for (i = 0; i < def->nfeatures; i++)
		cpu_fset_add(set, cpu_map_feature(map, def->features[i].name));
	return 0;
}

static void
report_diff(const char *name, const struct cpu_fset *got,
    const struct cpu_fset *want)
{
	struct cpu_fset a = *got, b = *want;
	char buf[2048];

	cpu_fset_andnot(&a, want);
	cpu_fset_andnot(&b, got);
	cpu_fset_join(map, &a, " ", buf, sizeof(buf));
	fprintf(stderr, "%s: extra features not in libvirt's: %s\n", name, buf);
	cpu_fset_join(map, &b, " ", buf, sizeof(buf));
	fprintf(stderr, "%s: libvirt's features we miss: %s\n", name, buf);
}

static void
test_host(const char *name, int *model_ok)
{
	static struct cpu_data data;
	struct cpu_host host;
	struct cpu_def def;
	struct cpu_fset want;
	char path[512], err[256];

	snprintf(path, sizeof(path), "%s/x86_64-cpuid-%s.xml", CPU_TEST_DATA,
	    name);
	CHECK_INT(cpu_data_parse_file(path, &data, err, sizeof(err)), 0);
	CHECK_INT(cpu_host_from_data(map, &data, &host), 0);
	if (expected_host(name, &def, &want) < 0 || !host.model) {
		CHECK(0);
		return;
	}
	CHECK_STR(host.model->name, def.model);
	CHECK_STR(map->vendors[host.vendor].name, def.vendor);
	*model_ok += strcmp(host.model->name, def.model) == 0;
	CHECK(cpu_fset_equal(&host.extra, &want));
	if (!cpu_fset_equal(&host.extra, &want))
		report_diff(name, &host.extra, &want);
	printf("%-20s -> %-22s (libvirt: %s)\n", name, host.model->name,
	    def.model);
}

int
main(void)
{
	char err[256];
	size_t i;
	int model_ok = 0;

	if (cpu_map_load(CPU_MAP_DIR, &map, err, sizeof(err)) < 0) {
		fprintf(stderr, "map: %s\n", err);
		return 1;
	}
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		test_host(hosts[i], &model_ok);
	printf("%d of %zu dumps decode to libvirt's model\n", model_ok,
	    sizeof(hosts) / sizeof(hosts[0]));
	cpu_map_free(map);
	return check_done();
}
