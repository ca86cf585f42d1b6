/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of secd's AppArmor profile generation and path validation (virt-aa-helper's cases and hostile paths). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secd/profile.h"
#include "tests/unit/check.h"

#define UUID "0c9c6f8e-5a1b-4c3d-9e2f-123456789abc"

static const char tmpl[] =
    "#include <tunables/global>\n"
    "profile VMHOST_TEMPLATE flags=(attach_disconnected) {\n"
    "  #include <abstractions/vmhost-qemu>\n"
    "  #include <vmhost/VMHOST_TEMPLATE.files>\n"
    "}\n";

static char tmpdir[PATH_MAX];

/* Check path as kind; returns rc, resolved path in out. */
static int
check_path(const char *path, enum aa_kind kind, char *out, size_t len)
{
	char err[512] = "";
	int rc;

	rc = aa_path_check(path, kind, out, len, err, sizeof(err));
	if (rc < 0 && !err[0])
		fprintf(stderr, "no error message for '%s'\n", path);
	if (rc < 0 && getenv("VMHOST_DEBUG"))
		fprintf(stderr, "%s: %s\n", path, err);
	return rc;
}

static int
refused(const char *path, enum aa_kind kind)
{
	char out[PATH_MAX];

	return check_path(path, kind, out, sizeof(out)) < 0;
}

/* Accepted, and resolved to want. */
static int
accepted(const char *path, enum aa_kind kind, const char *want)
{
	char out[PATH_MAX] = "";

	if (check_path(path, kind, out, sizeof(out)) < 0)
		return 0;
	if (strcmp(out, want) != 0) {
		fprintf(stderr, "'%s' resolved to '%s', want '%s'\n", path,
		    out, want);
		return 0;
	}
	return 1;
}

static void
test_uuid(void)
{
	char buf[AA_PROFILE_NAME_MAX], err[256];

	CHECK_INT(aa_profile_name(UUID, buf, sizeof(buf), err, sizeof(err)), 0);
	CHECK_STR(buf, "vmhost-" UUID);
	CHECK_INT(aa_profile_name("0C9C6F8E-5A1B-4C3D-9E2F-123456789ABC", buf,
	    sizeof(buf), err, sizeof(err)), 0);
	CHECK_STR(buf, "vmhost-" UUID);
	/* too short, too long, bad hex digit, misplaced dash, no dashes */
	CHECK_INT(aa_profile_name("0c9c6f8e-5a1b-4c3d-9e2f-123456789ab", buf,
	    sizeof(buf), err, sizeof(err)), -EINVAL);
	CHECK_INT(aa_profile_name(UUID "d", buf, sizeof(buf), err,
	    sizeof(err)), -EINVAL);
	CHECK_INT(aa_profile_name("0c9c6f8e-5a1b-4c3d-9e2f-123456789abg", buf,
	    sizeof(buf), err, sizeof(err)), -EINVAL);
	CHECK_INT(aa_profile_name("0c9c6f8e5-a1b-4c3d-9e2f-123456789abc", buf,
	    sizeof(buf), err, sizeof(err)), -EINVAL);
	CHECK_INT(aa_profile_name("0c9c6f8e05a1b04c3d09e2f0123456789abc", buf,
	    sizeof(buf), err, sizeof(err)), -EINVAL);
	CHECK_INT(aa_profile_name("", buf, sizeof(buf), err, sizeof(err)),
	    -EINVAL);
	CHECK_INT(aa_profile_name(NULL, buf, sizeof(buf), err, sizeof(err)),
	    -EINVAL);
	CHECK(strstr(err, "36 characters") != NULL);
	CHECK_INT(aa_profile_name(UUID, buf, 10, err, sizeof(err)), -ENOSPC);
}

static void
test_names(void)
{
	static const char bad[] = "/[]{}?^,\"*";
	char err[256], name[300];
	size_t i;

	CHECK_INT(aa_guest_name_valid("web", err, sizeof(err)), 0);
	CHECK_INT(aa_guest_name_valid("web-01.example_x y", err, sizeof(err)),
	    0);
	for (i = 0; i < strlen(bad); i++) {
		snprintf(name, sizeof(name), "gu%cest", bad[i]);
		CHECK_INT(aa_guest_name_valid(name, err, sizeof(err)), -EINVAL);
	}
	CHECK_INT(aa_guest_name_valid("a\nb", err, sizeof(err)), -EINVAL);
	CHECK_INT(aa_guest_name_valid("a\tb", err, sizeof(err)), -EINVAL);
	CHECK_INT(aa_guest_name_valid("", err, sizeof(err)), -EINVAL);
	CHECK_INT(aa_guest_name_valid(NULL, err, sizeof(err)), -EINVAL);
	memset(name, 'a', 256);
	name[256] = '\0';
	CHECK_INT(aa_guest_name_valid(name, err, sizeof(err)), -EINVAL);
}

static void
test_system_paths(void)
{
	CHECK(refused("/etc/passwd", AA_KIND_DISK));
	CHECK(refused("/etc/passwd", AA_KIND_BACKING));
	CHECK(refused("/etc/passwd", AA_KIND_KERNEL));
	CHECK(refused("/etc/passwd", AA_KIND_SERIAL));
	CHECK(refused("/boot/vmlinuz", AA_KIND_DISK));
	CHECK(refused("/boot/disk.img", AA_KIND_DISK));
	CHECK(refused("/boot/disk.img", AA_KIND_BACKING));
	CHECK(refused("/boot/disk.iso", AA_KIND_CDROM));
	CHECK(refused("/boot/x.log", AA_KIND_SERIAL));
	CHECK(accepted("/boot/vmlinuz-test", AA_KIND_KERNEL,
	    "/boot/vmlinuz-test"));
	CHECK(accepted("/boot/initrd.img-test", AA_KIND_INITRD,
	    "/boot/initrd.img-test"));
	CHECK(refused("/bin/sh", AA_KIND_DISK));
	CHECK(refused("/sbin/x", AA_KIND_DISK));
	CHECK(refused("/lib/x", AA_KIND_DISK));
	CHECK(refused("/lib64/x", AA_KIND_KERNEL));
	CHECK(refused("/usr/bin/qemu-system-x86_64", AA_KIND_FIRMWARE));
	CHECK(refused("/usr/share/doc/x", AA_KIND_FIRMWARE));
	CHECK(refused("/root/disk.img", AA_KIND_DISK));
	CHECK(refused("/sys/kernel/x", AA_KIND_DISK));
	CHECK(refused("/proc/1/mem", AA_KIND_DISK));
	CHECK(refused("/proc/self/..", AA_KIND_DISK));
	CHECK(refused("/proc/self/root", AA_KIND_DISK));
	CHECK(refused("/proc/self/root/etc/passwd", AA_KIND_DISK));
	CHECK(refused("/", AA_KIND_DISK));
	CHECK(refused("/etc/vmhost/qemu.conf", AA_KIND_DISK));
	CHECK(refused("/var/lib/vmhost/dnsmasq/default.conf", AA_KIND_DISK));
	CHECK(refused("/run/vmhost/vmhost-sock", AA_KIND_SOCKET));
	CHECK(refused("/run/vmhost/qemu/web.qcow2", AA_KIND_DISK));
	CHECK(refused("/run/other.sock", AA_KIND_SOCKET));
	CHECK(refused("/var/run/vmhost/vmhost-sock", AA_KIND_SOCKET));
	CHECK(accepted("/run/vmhost/qemu/web.monitor", AA_KIND_SOCKET,
	    "/run/vmhost/qemu/web.monitor"));
	CHECK(accepted("/var/run/vmhost/qemu/web.pid", AA_KIND_PIDFILE,
	    "/run/vmhost/qemu/web.pid"));
	CHECK(refused("/etc/passwd/x", AA_KIND_DISK));
}

static void
test_firmware_and_devices(void)
{
	CHECK(accepted("/usr/share/OVMF/OVMF_CODE.fd", AA_KIND_FIRMWARE,
	    "/usr/share/OVMF/OVMF_CODE.fd"));
	CHECK(accepted("/usr/share/qemu/bios-256k.bin", AA_KIND_FIRMWARE,
	    "/usr/share/qemu/bios-256k.bin") ||
	    access("/usr/share/qemu/bios-256k.bin", F_OK) == 0);
	CHECK(accepted("/usr/share/seabios/bios.bin", AA_KIND_FIRMWARE,
	    "/usr/share/seabios/bios.bin"));
	CHECK(refused("/usr/share/OVMF/OVMF_VARS.fd", AA_KIND_DISK));
	CHECK(refused("/usr/share/OVMF/OVMF_VARS.fd", AA_KIND_NVRAM));
	CHECK(refused("/dev/null", AA_KIND_DISK));
	CHECK(refused("/dev/mem", AA_KIND_SERIAL));
	CHECK(refused("/dev/kvm", AA_KIND_TAP));
	CHECK(refused("/dev/sdz-vmhost-missing", AA_KIND_DISK));
	CHECK(refused("/dev/shm/disk.img", AA_KIND_DISK));
	CHECK(refused("/dev/ttyS0-missing", AA_KIND_SERIAL));
	if (access("/dev/net/tun", F_OK) == 0)
		CHECK(accepted("/dev/net/tun", AA_KIND_TAP, "/dev/net/tun"));
	if (access("/dev/loop0", F_OK) == 0) {
		CHECK(accepted("/dev/loop0", AA_KIND_DISK, "/dev/loop0"));
		CHECK(refused("/dev/loop0", AA_KIND_SERIAL));
	}
}

static void
test_hostile(void)
{
	char big[5000];

	CHECK(refused("/tmp/a\"b", AA_KIND_DISK));
	CHECK(refused("/tmp/a\nb", AA_KIND_DISK));
	CHECK(refused("/tmp/a\rb", AA_KIND_DISK));
	CHECK(refused("/tmp/a\x7f", AA_KIND_DISK));
	CHECK(refused("/tmp/**", AA_KIND_DISK));
	CHECK(refused("/tmp/a*", AA_KIND_DISK));
	CHECK(refused("/tmp/a?", AA_KIND_DISK));
	CHECK(refused("/tmp/a[1]", AA_KIND_DISK));
	CHECK(refused("/tmp/a{b,c}", AA_KIND_DISK));
	CHECK(refused("/tmp/a{", AA_KIND_DISK));
	CHECK(refused("/tmp/a^b", AA_KIND_DISK));
	CHECK(refused("/tmp/a\\b", AA_KIND_DISK));
	CHECK(refused("/tmp/a,b", AA_KIND_DISK));
	CHECK(refused("/tmp/@{HOME}/x", AA_KIND_DISK));
	CHECK(refused("/tmp/a\", /** rwk, \"", AA_KIND_DISK));
	CHECK(refused("/tmp/a\" rwk,\n  /** rwk,\n  \"/b", AA_KIND_DISK));
	CHECK(refused("disk.img", AA_KIND_DISK));
	CHECK(refused("./disk.img", AA_KIND_DISK));
	CHECK(refused("../disk.img", AA_KIND_DISK));
	CHECK(refused("", AA_KIND_DISK));
	CHECK(refused(NULL, AA_KIND_DISK));
	CHECK(refused("/vmhost-test-missing/../etc/passwd", AA_KIND_DISK));
	CHECK(refused("/vmhost-test-missing/a/../../x", AA_KIND_DISK));
	CHECK(refused("/tmp/x", AA_KIND_COUNT));
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	CHECK(refused(big, AA_KIND_DISK));
}

static void
test_resolution(void)
{
	char p[PATH_MAX + 64], want[PATH_MAX + 64], out[8];

	CHECK(accepted("/vmhost-test-missing/images/disk.img", AA_KIND_DISK,
	    "/vmhost-test-missing/images/disk.img"));
	CHECK(accepted("//vmhost-test-missing//./images/a b.img",
	    AA_KIND_DISK, "/vmhost-test-missing/images/a b.img"));
	CHECK(accepted("/tmp/../tmp/vmhost-test-missing.img", AA_KIND_DISK,
	    "/tmp/vmhost-test-missing.img"));
	CHECK(accepted("/tmp/it's #1 (\xc3\xa9).img", AA_KIND_DISK,
	    "/tmp/it's #1 (\xc3\xa9).img"));
	snprintf(p, sizeof(p), "%s/sub/../disk.img", tmpdir);
	snprintf(want, sizeof(want), "%s/disk.img", tmpdir);
	CHECK(accepted(p, AA_KIND_DISK, want));
	snprintf(p, sizeof(p), "%s/link-dir/new.img", tmpdir);
	snprintf(want, sizeof(want), "%s/sub/new.img", tmpdir);
	CHECK(accepted(p, AA_KIND_DISK, want));
	snprintf(p, sizeof(p), "%s/disk.img", tmpdir);
	CHECK_INT(aa_path_check(p, AA_KIND_DISK, out, sizeof(out), NULL, 0),
	    -ENAMETOOLONG);
}

static void
test_symlinks(void)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/shadow-link", tmpdir);
	CHECK(refused(p, AA_KIND_DISK));
	snprintf(p, sizeof(p), "%s/etc-link/vmhost-new-file", tmpdir);
	CHECK(refused(p, AA_KIND_DISK));
	snprintf(p, sizeof(p), "%s/dangling", tmpdir);
	CHECK(refused(p, AA_KIND_DISK));
	snprintf(p, sizeof(p), "%s/quote-link", tmpdir);
	CHECK(refused(p, AA_KIND_DISK));
	snprintf(p, sizeof(p), "%s/proc-link", tmpdir);
	CHECK(refused(p, AA_KIND_DISK));
}

static void
make_fixture(void)
{
	char p[PATH_MAX + 64], q[PATH_MAX + 64];
	int ok = 1;

	strcpy(tmpdir, "/tmp/vmhost-aa-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(p, sizeof(p), "%s/sub", tmpdir);
	ok &= mkdir(p, 0700) == 0;
	snprintf(q, sizeof(q), "%s/link-dir", tmpdir);
	ok &= symlink(p, q) == 0;
	snprintf(q, sizeof(q), "%s/shadow-link", tmpdir);
	ok &= symlink("/etc/shadow", q) == 0;
	snprintf(q, sizeof(q), "%s/etc-link", tmpdir);
	ok &= symlink("/etc", q) == 0;
	snprintf(q, sizeof(q), "%s/dangling", tmpdir);
	ok &= symlink("/vmhost-test-missing/target", q) == 0;
	snprintf(q, sizeof(q), "%s/proc-link", tmpdir);
	ok &= symlink("/proc/self/environ", q) == 0;
	snprintf(p, sizeof(p), "%s/sub/a\"b", tmpdir);
	ok &= mkdir(p, 0700) == 0;
	snprintf(q, sizeof(q), "%s/quote-link", tmpdir);
	ok &= symlink(p, q) == 0;
	if (!ok) {
		perror("fixture");
		exit(2);
	}
}

static void
drop_fixture(void)
{
	static const char *const names[] = { "link-dir", "shadow-link",
		"etc-link", "dangling", "proc-link", "quote-link", "sub/a\"b",
		"sub" };
	char p[PATH_MAX + 64];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tmpdir, names[i]);
		if (unlink(p) < 0)
			rmdir(p);
	}
	rmdir(tmpdir);
}

static const struct aa_file web_files[] = {
	{ "/srv/vmhost-test/images/web.qcow2", AA_KIND_DISK, false },
	{ "/srv/vmhost-test/images/base.qcow2", AA_KIND_BACKING, false },
	{ "/srv/vmhost-test/images/data disk.raw", AA_KIND_DISK, true },
	{ NULL, AA_KIND_CDROM, false },
	{ "", AA_KIND_CDROM, false },
	{ "/srv/vmhost-test/iso/install.iso", AA_KIND_CDROM, false },
	{ "/boot/vmlinuz-test", AA_KIND_KERNEL, false },
	{ "/boot/initrd.img-test", AA_KIND_INITRD, false },
	{ "/usr/share/OVMF/OVMF_CODE.fd", AA_KIND_FIRMWARE, false },
	{ "/var/lib/vmhost/qemu/nvram/web_VARS.fd", AA_KIND_NVRAM, false },
	{ "/var/log/vmhost/qemu/web-serial0.log", AA_KIND_SERIAL, false },
	{ "/run/vmhost/qemu/web.monitor", AA_KIND_SOCKET, false },
	{ "/run/vmhost/qemu/web.pid", AA_KIND_PIDFILE, false },
	/* the same image named twice: once as a backing layer */
	{ "/srv/vmhost-test/images/web.qcow2", AA_KIND_BACKING, false },
};

static const char web_rules[] =
    "# Files of guest web (vmhost-" UUID "), written by vmhost-secd.\n"
    "# Regenerated whenever the guest's files change: do not edit.\n"
    "  \"/boot/initrd.img-test\" r,\n"
    "  \"/boot/vmlinuz-test\" r,\n"
    "  \"/run/vmhost/qemu/web.monitor\" rw,\n"
    "  \"/run/vmhost/qemu/web.pid\" rwk,\n"
    "  \"/srv/vmhost-test/images/base.qcow2\" rk,\n"
    "  \"/srv/vmhost-test/images/data disk.raw\" rk,\n"
    "  \"/srv/vmhost-test/images/web.qcow2\" rwk,\n"
    "  \"/srv/vmhost-test/iso/install.iso\" rk,\n"
    "  \"/usr/share/OVMF/OVMF_CODE.fd\" rk,\n"
    "  \"/var/lib/vmhost/qemu/nvram/web_VARS.fd\" rwk,\n"
    "  \"/var/log/vmhost/qemu/web-serial0.log\" rw,\n";

static void
test_generate(void)
{
	struct aa_guest g = { UUID, "web", web_files,
		sizeof(web_files) / sizeof(web_files[0]) };
	char *profile = NULL, *rules = NULL, err[512] = "";

	CHECK_INT(aa_profile_generate(&g, tmpl, &profile, &rules, err,
	    sizeof(err)), 0);
	CHECK_STR(rules, web_rules);
	CHECK(profile && strstr(profile, "profile vmhost-" UUID " flags="));
	CHECK(profile && strstr(profile,
	    "#include <vmhost/vmhost-" UUID ".files>"));
	CHECK(profile && !strstr(profile, "VMHOST_TEMPLATE"));
	CHECK(rules && !strstr(rules, "/srv/vmhost-test/images/other.qcow2"));
	free(profile);
	free(rules);
}

static int
generate_fails(const struct aa_guest *g, const char *t, const char *msg)
{
	static char sentinel[] = "x";
	char *profile = sentinel, *rules = sentinel, err[512] = "";
	int rc;

	rc = aa_profile_generate(g, t, &profile, &rules, err, sizeof(err));
	if (rc == 0) {
		free(profile);
		free(rules);
		return 0;
	}
	if (profile || rules || !strstr(err, msg)) {
		fprintf(stderr, "rc %d, err '%s', want '%s'\n", rc, err, msg);
		return 0;
	}
	return 1;
}

static void
test_generate_errors(void)
{
	struct aa_file hostile[] = {
		{ "/srv/vmhost-test/images/web.qcow2", AA_KIND_DISK, false },
		{ "/tmp/a\", /** rwk, \"", AA_KIND_DISK, false },
	};
	struct aa_file passwd[] = { { "/etc/passwd", AA_KIND_DISK, false } };
	struct aa_file nulldisk[] = { { NULL, AA_KIND_DISK, false } };
	struct aa_guest g = { UUID, "web", hostile, 2 };

	CHECK(generate_fails(&g, tmpl, "file 1: path has '\"'"));
	g.files = passwd;
	g.nfiles = 1;
	CHECK(generate_fails(&g, tmpl,
	    "under /etc: refused as a guest's disk"));
	g.files = nulldisk;
	CHECK(generate_fails(&g, tmpl, "disk path is empty"));
	g.nfiles = 0;
	CHECK(generate_fails(&g, "profile x {}\n", "template lacks"));
	CHECK(generate_fails(&g, NULL, "no profile template"));
	g.name = "we/b";
	CHECK(generate_fails(&g, tmpl, "guest name has '/'"));
	g.name = "web";
	g.uuid = "0c9c6f8e-5a1b-4c3d-9e2f-123456789ab";
	CHECK(generate_fails(&g, tmpl, "uuid"));
	g.uuid = UUID;
	g.nfiles = AA_FILES_MAX + 1;
	CHECK(generate_fails(&g, tmpl, "more than"));
}

static int
runtime_ok(const char *path)
{
	struct aa_file f = { path, AA_KIND_SOCKET, false };
	struct aa_guest g = { UUID, "web", &f, 1 };
	char *profile = NULL, *rules = NULL, err[512];
	int rc;

	rc = aa_profile_generate(&g, tmpl, &profile, &rules, err, sizeof(err));
	free(profile);
	free(rules);
	return rc == 0;
}

/* Under /run/vmhost/qemu, only the guest's own files. */
static void
test_runtime_owner(void)
{
	CHECK(runtime_ok("/run/vmhost/qemu/web.monitor"));
	CHECK(runtime_ok("/run/vmhost/qemu/web/qmp.sock"));
	CHECK(runtime_ok("/run/vmhost/qemu/" UUID "/qmp.sock"));
	CHECK(runtime_ok("/tmp/vmhost-test-missing/db.monitor"));
	CHECK(!runtime_ok("/run/vmhost/qemu/db.monitor"));
	CHECK(!runtime_ok("/run/vmhost/qemu/web.x.monitor"));
	CHECK(!runtime_ok("/run/vmhost/qemu/webx.monitor"));
	CHECK(!runtime_ok("/run/vmhost/qemu/web"));
	CHECK(!runtime_ok("/run/vmhost/qemu/web."));
	CHECK(!runtime_ok("/run/vmhost/qemu/web/"));
	CHECK(!runtime_ok("/run/vmhost/qemu/web.xml/x"));
	CHECK(!runtime_ok("/run/vmhost/qemu/00000000-0000-4000-8000-"
	    "000000000001/qmp.sock"));
}

static void
test_print(void)
{
	struct aa_guest g = { UUID, "web", web_files, 2 };
	struct aa_file bad[] = { { "/etc/shadow", AA_KIND_DISK, false } };
	char path[PATH_MAX + 64], err[512] = "", *text = NULL;
	size_t size = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/TEMPLATE", tmpdir);
	f = fopen(path, "w");
	CHECK(f && fputs(tmpl, f) >= 0 && fclose(f) == 0);
	f = open_memstream(&text, &size);
	CHECK_INT(aa_print_profile(&g, path, f, err, sizeof(err)), 0);
	g.files = bad;
	g.nfiles = 1;
	CHECK_INT(aa_print_profile(&g, path, f, err, sizeof(err)), -EACCES);
	CHECK_INT(aa_print_profile(&g, "/vmhost-test-missing/TEMPLATE", f,
	    err, sizeof(err)), -ENOENT);
	fclose(f);
	CHECK(strncmp(text, "# /etc/apparmor.d/vmhost/vmhost-" UUID "\n",
	    strlen(UUID) + 33) == 0);
	CHECK(strstr(text, "# /etc/apparmor.d/vmhost/vmhost-" UUID
	    ".files\n# Files of guest web") != NULL);
	CHECK(strstr(text, "/etc/shadow") == NULL);
	free(text);
	unlink(path);
}

static void
test_enabled(void)
{
	char reason[256] = "";
	int on = aa_enabled(reason, sizeof(reason));

	if (access("/sys/module/apparmor", F_OK) != 0) {
		CHECK_INT(on, 0);
		CHECK_STR(reason, "AppArmor is not enabled in this kernel");
	} else {
		CHECK(on == 1 || reason[0] != '\0');
	}
}

int
main(void)
{
	make_fixture();
	test_uuid();
	test_names();
	test_system_paths();
	test_firmware_and_devices();
	test_hostile();
	test_resolution();
	test_symlinks();
	test_generate();
	test_generate_errors();
	test_runtime_owner();
	test_print();
	test_enabled();
	drop_fixture();
	return check_done();
}
