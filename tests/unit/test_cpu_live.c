/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit test on the live host: CPUID detection agrees with /proc/cpuinfo. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "vmhostd/cpu_compare.h"

static struct cpu_map *map;

/* The "flags" line of /proc/cpuinfo, padded with spaces, or NULL. */
static char *
kernel_flags(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char *line = NULL, *out = NULL;
	size_t cap = 0;

	while (f && getline(&line, &cap, f) > 0) {
		if (strncmp(line, "flags", 5) == 0 && strchr(line, ':')) {
			line[strcspn(line, "\n")] = '\0';
			if (asprintf(&out, " %s ", strchr(line, ':') + 1) < 0)
				out = NULL;
			break;
		}
	}
	free(line);
	if (f)
		fclose(f);
	return out;
}

/* Every feature we report that Linux names must be in the kernel's flags. */
static void
test_consistent(const struct cpu_host *h, const char *flags)
{
	char buf[CPU_NAME_MAX], pat[CPU_NAME_MAX + 2];
	const char *lname;
	size_t i, checked = 0;

	for (i = 0; i < map->nfeatures; i++) {
		if (!cpu_fset_has(&h->features, (int)i))
			continue;
		lname = cpu_linux_flag(map, (int)i, buf, sizeof(buf));
		if (!lname)
			continue;
		snprintf(pat, sizeof(pat), " %s ", lname);
		CHECK(strstr(flags, pat) != NULL);
		checked++;
	}
	CHECK(checked > 10);
}

static void
print_host(const struct cpu_host *h)
{
	char buf[4096];
	char *xml = NULL;

	cpu_fset_join(map, &h->dropped, " ", buf, sizeof(buf));
	printf("dropped (CPUID says yes, kernel/quirk says no): %s\n", buf);
	CHECK_INT(cpu_host_format(map, h, &xml), 0);
	if (xml)
		printf("%s", xml);
	free(xml);
}

static int
record(void)
{
	static struct cpu_data d;
	char *flags = kernel_flags();

	cpu_data_read_live(map, &d);
	printf("<!-- recorded by test_cpu_live in record mode -->\n");
	cpu_data_format(&d, stdout);
	fprintf(stderr, "flags:%s\n", flags ? flags : "");
	free(flags);
	return 0;
}

int
main(int argc, char **argv)
{
	char err[256];
	struct cpu_host h;
	struct cpu_result r;
	struct cpu_def guest = { .mode = CPU_MODE_HOST_MODEL };
	char *flags;

	if (cpu_map_load(CPU_MAP_DIR, &map, err, sizeof(err)) < 0) {
		fprintf(stderr, "map: %s\n", err);
		return 1;
	}
	if (argc > 1 && strcmp(argv[1], "--record") == 0)
		return record();
	CHECK_INT(cpu_host_detect(map, &h, err, sizeof(err)), 0);
	CHECK(h.model != NULL);
	CHECK(h.kernel_checked);
	CHECK(cpu_fset_count(&h.features) > 10);
	CHECK(h.topo.sockets >= 1 && h.topo.cores >= 1 && h.topo.threads >= 1);
	flags = kernel_flags();
	CHECK(flags != NULL);
	if (flags)
		test_consistent(&h, flags);
	CHECK_INT(cpu_check_guest(map, &h, &guest, &r), 0);
	print_host(&h);
	free(flags);
	cpu_map_free(map);
	return check_done();
}
