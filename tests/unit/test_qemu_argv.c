/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* QEMU argv builder: unit checks and golden files tests/data/qemu_argv/NAME.{xml,args}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "vmhostd/qemu_argv.h"

static const char *datadir = "tests/data/qemu_argv";

static const struct qemu_disk_layer chain_vda[] = {
	{ 10, 1, DOMAIN_FMT_QCOW2 }, { 11, 2, DOMAIN_FMT_QCOW2 },
	{ 12, 3, DOMAIN_FMT_RAW },
};
static const struct qemu_disk_layer chain_vdb[] = { { 13, 4, DOMAIN_FMT_RAW } };
static const struct qemu_disk_runtime chain_disks[] = {
	{ chain_vda, 3 }, { chain_vdb, 1 },
};
static const struct qemu_disk_layer cd_hda[] = { { 10, 1, DOMAIN_FMT_RAW } };
static const struct qemu_disk_layer cd_hdc[] = { { 11, 2, DOMAIN_FMT_RAW } };
static const struct qemu_disk_runtime cd_disks[] = {
	{ cd_hda, 1 }, { cd_hdc, 1 }, { NULL, 0 },
};
static const struct qemu_disk_layer hp_vda[] = { { 10, 1, DOMAIN_FMT_QCOW2 } };
static const struct qemu_disk_layer hp_sda[] = { { 11, 2, DOMAIN_FMT_RAW } };
static const struct qemu_disk_runtime hp_disks[] = {
	{ hp_vda, 1 }, { hp_sda, 1 },
};
static const int serial4[] = { 4 };
static const int chan5[] = { 5 };
static const int taps[] = { 20, -1 };

static const struct {
	const char *name;
	struct qemu_launch l;
} cases[] = {
	{ "kernel-tcg", { .qmp_fd = 3, .serial_fds = serial4,
	    .nserial_fds = 1 } },
	{ "qcow2-chain", { .qmp_fd = 3, .disks = chain_disks, .ndisks = 2 } },
	{ "two-nics", { .qmp_fd = 3, .tap_fds = taps, .ntap_fds = 2 } },
	{ "cdrom", { .qmp_fd = 3, .disks = cd_disks, .ndisks = 3 } },
	{ "commas", { .qmp_fd = 3 } },
	{ "panic-preserve", { .qmp_fd = 3, .serial_fds = serial4,
	    .nserial_fds = 1 } },
	{ "host-passthrough", { .qmp_fd = 3, .disks = hp_disks, .ndisks = 2,
	    .channel_fds = chan5, .nchannel_fds = 1 } },
};

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

static struct domain_def *
load(const char *name)
{
	char path[1024], err[256];
	struct domain_def *d = NULL;
	size_t len = 0;
	char *xml;

	snprintf(path, sizeof(path), "%s/%s.xml", datadir, name);
	xml = slurp(path, &len);
	CHECK(xml != NULL);
	if (xml && domain_parse(xml, len, &d, err, sizeof(err)) < 0)
		fprintf(stderr, "%s: %s\n", name, err);
	free(xml);
	CHECK(d != NULL);
	return d;
}

static char *
join(char **argv)
{
	size_t n = 1;
	char *s;

	for (char **p = argv; *p; p++)
		n += strlen(*p) + 1;
	s = calloc(1, n);
	for (char **p = argv; s && *p; p++) {
		strcat(s, *p);
		strcat(s, "\n");
	}
	return s;
}

static void
golden(const char *name, const struct qemu_launch *l)
{
	struct domain_def *d = load(name);
	char path[1024], err[256], **argv = NULL, *got, *want;
	size_t len = 0;

	if (!d)
		return;
	snprintf(path, sizeof(path), "%s/%s.args", datadir, name);
	CHECK(qemu_build_argv(d, l, &argv, err, sizeof(err)) == 0);
	if (!argv) {
		fprintf(stderr, "%s: %s\n", name, err);
		domain_def_free(d);
		return;
	}
	got = join(argv);
	if (getenv("VMHOST_REGEN")) {
		FILE *f = fopen(path, "w");

		fputs(got, f);
		fclose(f);
	}
	want = slurp(path, &len);
	CHECK(want && !strcmp(got, want));
	if (want && strcmp(got, want))
		fprintf(stderr, "%s: argv differs from %s:\n%s", name, path,
		    got);
	free(got), free(want);
	qemu_argv_free(argv);
	domain_def_free(d);
}

static int
has_arg(char **argv, const char *s)
{
	for (char **p = argv; *p; p++)
		if (!strcmp(*p, s))
			return 1;
	return 0;
}

static void
test_escape(void)
{
	char *s = qemu_opt_escape("a,b,,c");

	CHECK_STR(s, "a,,b,,,,c");
	free(s);
	s = qemu_opt_escape("");
	CHECK_STR(s, "");
	free(s);
}

/* What the builder refuses, or how it maps types. */
static void
test_errors(void)
{
	struct domain_def *d = load("kernel-tcg");
	struct qemu_launch l = { .qmp_fd = 3, .serial_fds = serial4,
		.nserial_fds = 1 };
	char err[256], **argv = NULL;

	if (!d)
		return;
	l.qmp_fd = -1;
	CHECK(qemu_build_argv(d, &l, &argv, err, sizeof(err)) < 0);
	CHECK(argv == NULL && strstr(err, "QMP"));
	l.qmp_fd = 3, l.nserial_fds = 0;
	CHECK(qemu_build_argv(d, &l, &argv, err, sizeof(err)) < 0);
	l.nserial_fds = 1, l.no_sandbox = true;
	CHECK(qemu_build_argv(d, &l, &argv, err, sizeof(err)) == 0);
	CHECK(argv && !has_arg(argv, "-sandbox") && has_arg(argv, "-S"));
	CHECK(argv && has_arg(argv, "pc,accel=tcg,usb=off,dump-guest-core=off,"
	    "acpi=off"));
	qemu_argv_free(argv);
	d->virt = DOMAIN_VIRT_KVM;
	d->cpu.mode = DOMAIN_CPU_HOST_MODEL;
	CHECK(qemu_build_argv(d, &l, &argv, err, sizeof(err)) == 0);
	CHECK(argv && has_arg(argv, "host"));
	qemu_argv_free(argv);
	d->virt = DOMAIN_VIRT_QEMU;
	CHECK(qemu_build_argv(d, &l, &argv, err, sizeof(err)) == 0);
	CHECK(argv && has_arg(argv, "max"));
	qemu_argv_free(argv);
	domain_def_free(d);
	/* on_crash: coredump and rename are refused by name; restart and
	 * preserve make QEMU pause on a panic; a pci panic device */
	d = load("panic-preserve");
	l = (struct qemu_launch){ .qmp_fd = 3, .serial_fds = serial4,
		.nserial_fds = 1 };
	CHECK(d && qemu_build_argv(d, &l, &argv, err, sizeof(err)) == 0);
	CHECK(argv && has_arg(argv, "panic=pause") &&
	    has_arg(argv, "pvpanic,id=panic0,ioport=1285"));
	qemu_argv_free(argv);
	if (d) {
		d->on_crash = DOMAIN_ACTION_COREDUMP_DESTROY;
		CHECK(qemu_build_argv(d, &l, &argv, err, sizeof(err)) < 0);
		CHECK(strstr(err, "on_crash 'coredump-destroy' is not supported"));
		d->on_crash = DOMAIN_ACTION_DESTROY;
		free(d->panic_model);
		d->panic_model = strdup("pvpanic");
		d->panic_addr.type = DOMAIN_ADDR_NONE;
		CHECK(qemu_build_argv(d, &l, &argv, err, sizeof(err)) == 0);
		CHECK(argv && has_arg(argv, "pvpanic-pci,id=panic0") &&
		    !has_arg(argv, "panic=pause"));
		qemu_argv_free(argv);
	}
	domain_def_free(d);
	/* a tap interface without a tap fd */
	d = load("two-nics");
	l = (struct qemu_launch){ .qmp_fd = 3 };
	CHECK(d && qemu_build_argv(d, &l, &argv, err, sizeof(err)) < 0);
	CHECK(strstr(err, "tap fd") != NULL);
	domain_def_free(d);
	/* declared qcow2 but stord found raw */
	d = load("qcow2-chain");
	static const struct qemu_disk_layer raw[] = { { 10, 1,
		DOMAIN_FMT_RAW } };
	static const struct qemu_disk_runtime rt[] = { { raw, 1 } };
	l = (struct qemu_launch){ .qmp_fd = 3, .disks = rt, .ndisks = 1 };
	CHECK(d && qemu_build_argv(d, &l, &argv, err, sizeof(err)) < 0);
	CHECK(strstr(err, "format") != NULL);
	domain_def_free(d);
}

int
main(int argc, char **argv)
{
	if (argc > 1)
		datadir = argv[1];
	test_escape();
	test_errors();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		golden(cases[i].name, &cases[i].l);
	return check_done();
}
