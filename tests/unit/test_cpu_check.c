/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit test: guest <cpu> checks, cpu-compare and cpu-baseline on recorded hosts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "vmhostd/cpu_compare.h"

#define INCOMPAT "guest and host CPU are not compatible: "

static struct cpu_map *map;
static struct cpu_def defs[8];

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

static void
load_host(const char *file, struct cpu_host *h)
{
	static struct cpu_data d;
	char path[512], err[256];

	snprintf(path, sizeof(path), "%s/%s", CPU_TEST_DATA, file);
	CHECK_INT(cpu_data_parse_file(path, &d, err, sizeof(err)), 0);
	CHECK_INT(cpu_host_from_data(map, &d, h), 0);
}

/* Parse one <cpu> from a string. */
static const struct cpu_def *
guest(const char *xml)
{
	char err[256];

	if (cpu_def_parse(xml, strlen(xml), defs, 1, err, sizeof(err)) != 1) {
		fprintf(stderr, "parse: %s\n", err);
		return NULL;
	}
	return &defs[0];
}

static int
check(const struct cpu_host *h, const char *xml, struct cpu_result *r)
{
	const struct cpu_def *g = guest(xml);

	return g ? cpu_check_guest(map, h, g, r) : -999;
}

/* The libvirt README's case: TSX gone, Haswell pinned with fallback forbid. */
static void
test_haswell_notsx(void)
{
	struct cpu_host h;
	struct cpu_result r;

	load_host("x86_64-cpuid-Xeon-E5-2650-v3.xml", &h);
	CHECK_INT(check(&h, "<cpu mode='custom' match='exact'><model "
	    "fallback='forbid'>Haswell</model></cpu>", &r), -ENOTSUP);
	CHECK_STR(r.error, INCOMPAT "Host CPU does not provide required "
	    "features: hle, rtm");
	CHECK(strstr(r.hint, "<model>Haswell-noTSX</model>") != NULL);
	CHECK(strstr(r.hint, "mode='host-model'") != NULL);
	CHECK(strstr(r.hint, "<feature policy='disable' name='hle'/>"
	    "<feature policy='disable' name='rtm'/>") != NULL);
	CHECK_INT(check(&h, "<cpu><model fallback='forbid'>Haswell</model>"
	    "<feature policy='disable' name='hle'/><feature policy='disable'"
	    " name='rtm'/></cpu>", &r), 0);
	CHECK_INT(check(&h, "<cpu><model>Haswell</model><feature "
	    "policy='optional' name='hle'/><feature policy='optional' "
	    "name='rtm'/></cpu>", &r), 0);
	CHECK_INT(check(&h, "<cpu><model>Haswell-noTSX</model></cpu>", &r), 0);
	CHECK_STR(r.error, "");
	CHECK_INT(check(&h, "<cpu mode='host-model'/>", &r), 0);
}

static void
test_tsx_variants(void)
{
	struct cpu_host h;
	struct cpu_result r;
	const char *haswell = "<cpu><model fallback='forbid'>Haswell</model>"
	    "</cpu>";

	/* TSX bits set on a stepping whose TSX is broken: ignored. */
	load_host("vmhost-cpuid-Xeon-E5-2650-v3-TSX.xml", &h);
	CHECK(h.tsx_quirk);
	CHECK_STR(h.model ? h.model->name : "", "Haswell-noTSX");
	CHECK_INT(check(&h, haswell, &r), -ENOTSUP);
	CHECK_STR(r.error, INCOMPAT "Host CPU does not provide required "
	    "features: hle, rtm");
	/* A Haswell whose TSX works. */
	load_host("vmhost-cpuid-Haswell-TSX-synthetic.xml", &h);
	CHECK(!h.tsx_quirk);
	CHECK_STR(h.model ? h.model->name : "", "Haswell");
	CHECK_INT(check(&h, haswell, &r), 0);
	/* Broadwell after the TSX microcode update. */
	load_host("vmhost-cpuid-Xeon-E5-2650-v4-noTSX.xml", &h);
	CHECK_STR(h.model ? h.model->name : "", "Broadwell-noTSX");
	CHECK_INT(check(&h, "<cpu><model fallback='forbid'>Broadwell</model>"
	    "</cpu>", &r), -ENOTSUP);
	CHECK_STR(r.error, INCOMPAT "Host CPU does not provide required "
	    "features: hle, rtm");
	CHECK(strstr(r.hint, "<model>Broadwell-noTSX</model>") != NULL);
	load_host("x86_64-cpuid-Xeon-E5-2650-v4.xml", &h);
	CHECK_INT(check(&h, "<cpu><model>Broadwell</model></cpu>", &r), 0);
}

static const char *const dumps[] = {
	"x86_64-cpuid-Cooperlake.xml", "x86_64-cpuid-Core-i7-8700.xml",
	"x86_64-cpuid-EPYC-7502-32-Core.xml",
	"x86_64-cpuid-EPYC-7601-32-Core.xml",
	"x86_64-cpuid-Ice-Lake-Server.xml", "x86_64-cpuid-Xeon-E5-2650-v3.xml",
	"x86_64-cpuid-Xeon-E5-2650-v4.xml", "x86_64-cpuid-Xeon-Gold-6148.xml",
	"x86_64-cpuid-Xeon-Platinum-8268.xml",
	"vmhost-cpuid-Xeon-E5-2650-v4-noTSX.xml",
	"vmhost-cpuid-Xeon-E5-2650-v3-TSX.xml",
	"vmhost-cpuid-Haswell-TSX-synthetic.xml",
	"vmhost-cpuid-live-AMD-EPYC-family26-nested.xml",
};

/* host-model and host-passthrough never fail the check. */
static void
test_host_modes(void)
{
	struct cpu_host h;
	struct cpu_result r;
	size_t i;

	for (i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++) {
		load_host(dumps[i], &h);
		CHECK_INT(check(&h, "<cpu mode='host-model'/>", &r), 0);
		CHECK_INT(check(&h, "<cpu mode='host-passthrough' "
		    "match='strict'><feature policy='forbid' name='fpu'/>"
		    "</cpu>", &r), 0);
	}
}

static void
test_policies(void)
{
	struct cpu_host h;
	struct cpu_result r;
	char want[2048], names[1024];

	load_host("x86_64-cpuid-Xeon-E5-2650-v3.xml", &h);
	CHECK_INT(check(&h, "<cpu><model>Haswell-noTSX</model><feature "
	    "policy='forbid' name='vmx'/></cpu>", &r), -ENOTSUP);
	CHECK_STR(r.error, INCOMPAT "Host CPU provides forbidden features: vmx");
	CHECK_INT(check(&h, "<cpu><model>Haswell-noTSX</model><feature "
	    "policy='forbid' name='avx512f'/></cpu>", &r), 0);
	CHECK_INT(check(&h, "<cpu><model>Haswell-noTSX</model><feature "
	    "policy='require' name='avx512f'/></cpu>", &r), -ENOTSUP);
	CHECK_STR(r.error, INCOMPAT "Host CPU does not provide required "
	    "features: avx512f");
	CHECK(strstr(r.hint, "<model>") == NULL);
	CHECK_INT(check(&h, "<cpu><model>Haswell-noTSX</model><feature "
	    "policy='force' name='avx512f'/></cpu>", &r), 0);
	CHECK_INT(check(&h, "<cpu match='strict'><model>Haswell-noTSX</model>"
	    "</cpu>", &r), -ENOTSUP);
	CHECK(strstr(r.error, "Host CPU does not strictly match guest CPU: "
	    "Extra features: vme, ") != NULL);
	CHECK_INT(check(&h, "<cpu match='minimum'><model>Haswell-noTSX</model>"
	    "</cpu>", &r), 0);
	CHECK_INT(check(&h, "<cpu><model>Haswell-noTSX</model><vendor>AMD"
	    "</vendor></cpu>", &r), -ENOTSUP);
	CHECK_STR(r.error, INCOMPAT "Host CPU vendor does not match required "
	    "CPU vendor AMD");
	/* Several missing features come in map order, comma and space. */
	CHECK_INT(check(&h, "<cpu><model>Skylake-Client</model></cpu>", &r),
	    -ENOTSUP);
	cpu_fset_join(map, &r.missing, ", ", names, sizeof(names));
	snprintf(want, sizeof(want), INCOMPAT "Host CPU does not provide "
	    "required features: %s", names);
	CHECK_STR(r.error, want);
	CHECK(strstr(r.error, "hle, rtm, ") != NULL);
}

static int
parse_str(const char *xml, char *err)
{
	return cpu_def_parse(xml, strlen(xml), defs, 1, err, 256);
}

static void
test_invalid(void)
{
	struct cpu_host h;
	struct cpu_result r;
	struct cpu_def g = { .mode = CPU_MODE_CUSTOM };
	char err[256];

	load_host("x86_64-cpuid-Xeon-E5-2650-v3.xml", &h);
	CHECK_INT(check(&h, "<cpu><model>Foo</model></cpu>", &r), -EINVAL);
	CHECK_STR(r.error, "unknown CPU model 'Foo'");
	CHECK_INT(check(&h, "<cpu><model>Haswell</model><feature name='nope'/>"
	    "</cpu>", &r), -EINVAL);
	CHECK_STR(r.error, "unknown CPU feature: nope");
	/* A model name from elsewhere (not parsed) is quoted safely. */
	snprintf(g.model, sizeof(g.model), "Bad'\n");
	CHECK_INT(cpu_check_guest(map, &h, &g, &r), -EINVAL);
	CHECK_STR(r.error, "unknown CPU model 'Bad\\x27\\x0a'");
	CHECK(parse_str("<cpu><model>a b</model></cpu>", err) < 0);
	CHECK(strstr(err, "invalid CPU model name") != NULL);
	CHECK(parse_str("<cpu><bogus/></cpu>", err) < 0);
	CHECK_STR(err, "unsupported element <bogus> in <cpu>");
	CHECK(parse_str("<cpu><model>Haswell</model><feature policy='x' "
	    "name='fpu'/></cpu>", err) < 0);
	CHECK_STR(err, "invalid CPU policy 'x'");
	CHECK(parse_str("<cpu><feature name='fpu'/></cpu>", err) < 0);
	CHECK(parse_str("<cpu>", err) < 0);
	CHECK(parse_str("<domain/>", err) ==
	    -ENOENT);
}

static int
parse_file(const char *file, struct cpu_def *out, size_t max)
{
	char path[512], err[256];
	size_t len;
	char *xml;
	int n;

	snprintf(path, sizeof(path), "%s/%s", CPU_TEST_DATA, file);
	xml = slurp(path, &len);
	n = xml ? cpu_def_parse(xml, len, out, max, err, sizeof(err)) : -1;
	free(xml);
	return n;
}

static void
test_compare(void)
{
	static const char *const names[] = { "Cooperlake", "Core-i7-8700",
		"EPYC-7502-32-Core", "EPYC-7601-32-Core", "Ice-Lake-Server",
		"Xeon-E5-2650-v3", "Xeon-E5-2650-v4", "Xeon-Gold-6148",
		"Xeon-Platinum-8268" };
	struct cpu_host h;
	struct cpu_result r;
	char file[256];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(file, sizeof(file), "x86_64-cpuid-%s.xml", names[i]);
		load_host(file, &h);
		snprintf(file, sizeof(file), "x86_64-cpuid-%s-host.xml",
		    names[i]);
		CHECK_INT(parse_file(file, defs, 1), 1);
		CHECK_INT(cpu_compare(map, &h, &defs[0], &r),
		    CPU_CMP_IDENTICAL);
	}
	load_host("x86_64-cpuid-Xeon-E5-2650-v3.xml", &h);
	CHECK_INT(cpu_compare(map, &h, guest("<cpu><model>Haswell-noTSX"
	    "</model></cpu>"), &r), CPU_CMP_SUPERSET);
	CHECK_INT(cpu_compare(map, &h, guest("<cpu><model>Haswell</model>"
	    "</cpu>"), &r), CPU_CMP_INCOMPATIBLE);
	CHECK_STR(r.error, INCOMPAT "Host CPU does not provide required "
	    "features: hle, rtm");
	CHECK_INT(cpu_compare(map, &h, guest("<cpu><model>Nope</model>"
	    "</cpu>"), &r), CPU_CMP_ERROR);
	CHECK_STR(cpu_cmp_str(CPU_CMP_SUPERSET), "superset");
	/* The Broadwell host description against the Haswell host. */
	CHECK_INT(parse_file("x86_64-cpuid-Xeon-E5-2650-v4-host.xml", defs, 1),
	    1);
	CHECK_INT(cpu_compare(map, &h, &defs[0], &r), CPU_CMP_INCOMPATIBLE);
}

/* The baseline runs on every host it was computed from. */
static void
check_baseline_runs(const struct cpu_def *base, const char *const *hosts,
    size_t n)
{
	struct cpu_host h;
	struct cpu_result r;
	size_t i;

	for (i = 0; i < n; i++) {
		load_host(hosts[i], &h);
		CHECK_INT(cpu_check_guest(map, &h, base, &r), 0);
		if (r.error[0])
			fprintf(stderr, "%s: %s\n", hosts[i], r.error);
	}
}

static void
test_baseline(void)
{
	static struct cpu_def in[4], out, back;
	const char *intel[] = { "x86_64-cpuid-Xeon-E5-2650-v3.xml",
		"x86_64-cpuid-Xeon-E5-2650-v4.xml",
		"x86_64-cpuid-Xeon-Gold-6148.xml" };
	const char *amd[] = { "x86_64-cpuid-EPYC-7601-32-Core.xml",
		"x86_64-cpuid-EPYC-7502-32-Core.xml" };
	char err[256];
	char *xml = NULL;

	CHECK_INT(parse_file("x86_64-cpuid-Xeon-E5-2650-v3-host.xml", &in[0],
	    1), 1);
	CHECK_INT(parse_file("x86_64-cpuid-Xeon-E5-2650-v4-host.xml", &in[1],
	    1), 1);
	CHECK_INT(parse_file("x86_64-cpuid-Xeon-Gold-6148-host.xml", &in[2],
	    1), 1);
	CHECK_INT(cpu_baseline(map, in, 3, &out, err, sizeof(err)), 0);
	CHECK_STR(out.model, "Haswell-noTSX");
	CHECK_STR(out.vendor, "Intel");
	check_baseline_runs(&out, intel, 3);
	CHECK_INT(cpu_def_format(&out, &xml), 0);
	printf("baseline of v3, v4, Gold-6148:\n%s", xml ? xml : "");
	CHECK_INT(cpu_def_parse(xml, strlen(xml), &back, 1, err, sizeof(err)),
	    1);
	CHECK_STR(back.model, out.model);
	CHECK_INT(back.nfeatures, out.nfeatures);
	free(xml);
	CHECK_INT(parse_file("x86_64-cpuid-EPYC-7601-32-Core-host.xml", &in[0],
	    1), 1);
	CHECK_INT(parse_file("x86_64-cpuid-EPYC-7502-32-Core-host.xml", &in[1],
	    1), 1);
	CHECK_INT(cpu_baseline(map, in, 2, &out, err, sizeof(err)), 0);
	CHECK_STR(out.model, "EPYC");
	check_baseline_runs(&out, amd, 2);
	CHECK(cpu_baseline(map, in + 1, 2, &out, err, sizeof(err)) < 0);
	CHECK_STR(err, "CPU vendors do not match");
	CHECK(cpu_baseline(map, in, 0, &out, err, sizeof(err)) < 0);
}

static void
test_usable_and_format(void)
{
	static struct cpu_usable u[CPU_MAP_MAX_MODELS];
	struct cpu_host h;
	char *xml = NULL, names[256];
	size_t n, i;
	int seen = 0;

	load_host("x86_64-cpuid-Xeon-E5-2650-v3.xml", &h);
	n = cpu_usable_models(map, &h, u, CPU_MAP_MAX_MODELS);
	CHECK(n > 40);
	for (i = 0; i < n; i++) {
		if (strcmp(u[i].model->name, "Haswell-noTSX") == 0)
			seen += u[i].usable;
		if (strcmp(u[i].model->name, "Haswell") != 0)
			continue;
		seen += !u[i].usable;
		cpu_fset_join(map, &u[i].blockers, ",", names, sizeof(names));
		CHECK_STR(names, "hle,rtm");
	}
	CHECK_INT(seen, 2);
	h.topo = (struct cpu_topology){ 2, 1, 10, 2 };
	CHECK_INT(cpu_host_format(map, &h, &xml), 0);
	CHECK(xml && strstr(xml, "<model>Haswell-noTSX</model>"));
	CHECK(xml && strstr(xml, "<topology sockets='2' dies='1' cores='10' "
	    "threads='2'/>"));
	CHECK(xml && strstr(xml, "<feature name='invtsc'/>"));
	CHECK(xml && cpu_def_parse(xml, strlen(xml), defs, 1, names,
	    sizeof(names)) == 1);
	CHECK_STR(defs[0].model, "Haswell-noTSX");
	CHECK_INT(defs[0].nfeatures, cpu_fset_count(&h.extra));
	free(xml);
}

/* The recorded nested host: the kernel disabled RDSEED, there is no svm. */
static void
test_recorded_live(void)
{
	struct cpu_host h;
	struct cpu_result r;
	char path[512], *flags;
	size_t len;

	load_host("vmhost-cpuid-live-AMD-EPYC-family26-nested.xml", &h);
	CHECK(cpu_fset_has(&h.features, cpu_map_feature(map, "rdseed")));
	snprintf(path, sizeof(path), "%s/%s", CPU_TEST_DATA,
	    "vmhost-cpuid-live-AMD-EPYC-family26-nested.flags");
	flags = slurp(path, &len);
	CHECK(flags != NULL);
	if (!flags)
		return;
	cpu_host_check_flags(map, &h, flags);
	free(flags);
	CHECK(!cpu_fset_has(&h.features, cpu_map_feature(map, "rdseed")));
	CHECK(cpu_fset_has(&h.dropped, cpu_map_feature(map, "rdseed")));
	CHECK_INT(cpu_fset_count(&h.dropped), 1);
	CHECK_STR(h.model ? h.model->name : "", "kvm64");
	CHECK_INT(check(&h, "<cpu><model>EPYC</model></cpu>", &r), -ENOTSUP);
	CHECK_STR(r.error, INCOMPAT "Host CPU does not provide required "
	    "features: rdseed, svm");
	CHECK_INT(check(&h, "<cpu mode='host-model'/>", &r), 0);
}

static void
test_topology(void)
{
	const char *info = "processor\t: 0\nphysical id\t: 0\nsiblings\t: 8\n"
	    "cpu cores\t: 4\n\nprocessor\t: 1\nphysical id\t: 1\n"
	    "siblings\t: 8\ncpu cores\t: 4\n";
	struct cpu_topology t;

	cpu_host_parse_topology(info, 16, &t);
	CHECK_INT(t.sockets, 2);
	CHECK_INT(t.cores, 4);
	CHECK_INT(t.threads, 2);
	cpu_host_parse_topology("processor\t: 0\n", 3, &t);
	CHECK_INT(t.sockets, 1);
	CHECK_INT(t.cores, 3);
	CHECK_INT(t.threads, 1);
}

int
main(void)
{
	char err[256];

	if (cpu_map_load(CPU_MAP_DIR, &map, err, sizeof(err)) < 0) {
		fprintf(stderr, "map: %s\n", err);
		return 1;
	}
	test_haswell_notsx();
	test_tsx_variants();
	test_host_modes();
	test_policies();
	test_invalid();
	test_compare();
	test_baseline();
	test_usable_and_format();
	test_recorded_live();
	test_topology();
	cpu_map_free(map);
	return check_done();
}
