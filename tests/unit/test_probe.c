/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of stord's header readers and qcow2 writer on crafted memfds. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stord/probe.h"
#include "stord/qcow2_create.h"
#include "tests/unit/check.h"

static struct image_info info;
static char err[256];

static int
mem(const void *buf, size_t len, uint64_t total)
{
	int fd = memfd_create("probe", MFD_CLOEXEC);

	if (fd < 0 || pwrite(fd, buf, len, 0) != (ssize_t)len ||
	    (total && ftruncate(fd, (off_t)total) < 0))
		abort();
	return fd;
}

static void
be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
be64(uint8_t *p, uint64_t v)
{
	be32(p, (uint32_t)(v >> 32));
	be32(p + 4, (uint32_t)v);
}

static bool
has_reason(const char *needle)
{
	for (unsigned i = 0; i < info.n_reasons; i++)
		if (strstr(info.reasons[i], needle))
			return true;
	return false;
}

static int
probe_mem(const void *buf, size_t len, uint64_t total)
{
	int fd = mem(buf, len, total);
	int r = probe_fd(fd, &info, err, sizeof(err));

	close(fd);
	return r;
}

static void
test_create(void)
{
	int fd = memfd_create("q", MFD_CLOEXEC);

	CHECK_INT(qcow2_create_fd(fd, 10 << 20, "base.raw", "raw", err,
	    sizeof(err)), 0);
	CHECK_INT(probe_fd(fd, &info, err, sizeof(err)), 0);
	CHECK_INT(info.format, PROBE_FMT_QCOW2);
	CHECK_INT(info.version, 3);
	CHECK_INT(info.virtual_size, 10 << 20);
	CHECK_INT(info.cluster_size, 65536);
	CHECK_STR(info.backing, "base.raw");
	CHECK_STR(info.backing_format, "raw");
	CHECK_INT(info.n_reasons, 0);
	CHECK_INT(qcow2_create_fd(fd, 1 << 20, NULL, NULL, err, sizeof(err)),
	    -EEXIST);
	close(fd);
	fd = memfd_create("q", MFD_CLOEXEC);
	CHECK_INT(qcow2_create_fd(fd, 1000, "b", NULL, err, sizeof(err)),
	    -EINVAL);
	CHECK_INT(qcow2_create_fd(fd, 1ull << 60, NULL, NULL, err,
	    sizeof(err)), -EFBIG);
	CHECK_INT(qcow2_create_fd(fd, 1000, NULL, NULL, err, sizeof(err)), 0);
	CHECK_INT(probe_fd(fd, &info, err, sizeof(err)), 0);
	CHECK_INT(info.virtual_size, 1024);
	CHECK(!info.has_backing);
	close(fd);
}

static void
qcow2_base(uint8_t *h, uint32_t version)
{
	memset(h, 0, 4096);
	be32(h, 0x514649fb);
	be32(h + 4, version);
	be32(h + 20, 16);
	be64(h + 24, 1 << 20);
	be64(h + 48, 65536);
	be32(h + 56, 1);
	if (version == 3) {
		be32(h + 96, 4);
		be32(h + 100, 104);
	}
}

static void
test_qcow2_hostile(void)
{
	static uint8_t h[4096];

	qcow2_base(h, 3);
	be64(h + 8, 512);
	be32(h + 16, 5000);
	be64(h + 72, 0x100);
	CHECK_INT(probe_mem(h, sizeof(h), 1 << 18), 0);
	CHECK(has_reason("backing file name too long"));
	CHECK(has_reason("unknown incompatible feature bits 0x100"));
	CHECK(info.has_backing);
	qcow2_base(h, 3);
	be32(h + 20, 40);
	CHECK_INT(probe_mem(h, sizeof(h), 0), 0);
	CHECK(has_reason("cluster bits 40"));
	qcow2_base(h, 3);
	be32(h + 36, 16);
	be64(h + 40, 1ull << 40);
	CHECK_INT(probe_mem(h, sizeof(h), 1 << 18), 0);
	CHECK(has_reason("L1 table offset beyond end of file"));
	qcow2_base(h, 3);
	be32(h + 104, 0xe2792aca);
	be32(h + 108, 0xfffffff0);
	CHECK_INT(probe_mem(h, sizeof(h), 1 << 18), 0);
	CHECK(has_reason("overruns"));
	qcow2_base(h, 2);
	be64(h + 8, 65530);
	be32(h + 16, 20);
	CHECK_INT(probe_mem(h, sizeof(h), 1 << 18), 0);
	CHECK(has_reason("outside the first cluster"));
	/* Truncated: only the magic and version survive. */
	CHECK_INT(probe_mem(h, 8, 0), 0);
	CHECK_INT(info.format, PROBE_FMT_QCOW2);
	CHECK(info.n_reasons > 0);
}

static void
test_qcow2_features(void)
{
	static uint8_t h[4096];
	size_t o = 112;

	qcow2_base(h, 3);
	be32(h + 100, 112);
	h[104] = 1;
	be64(h + 72, 0x4 | 0x8 | 0x10);
	be32(h + 32, 2);
	be32(h + o, 0x44415441);
	be32(h + o + 4, 6);
	memcpy(h + o + 8, "d.data", 6);
	CHECK_INT(probe_mem(h, sizeof(h), 1 << 18), 0);
	CHECK_STR(info.data_file, "d.data");
	CHECK_STR(info.compression, "zstd");
	CHECK(info.extended_l2);
	CHECK(info.encrypted);
	CHECK_STR(info.encryption, "luks");
	CHECK_INT(info.n_reasons, 0);
}

static void
test_raw_stays_raw(void)
{
	static uint8_t h[4096];
	int fd;

	qcow2_base(h, 3);
	be64(h + 8, 512);
	be32(h + 16, 11);
	memcpy(h + 512, "/etc/shadow", 11);
	fd = mem(h, sizeof(h), 1 << 18);
	CHECK_INT(probe_fd_as(fd, PROBE_FMT_RAW, &info, err, sizeof(err)), 0);
	CHECK_INT(info.format, PROBE_FMT_RAW);
	CHECK(!info.has_backing);
	CHECK_INT(info.virtual_size, 1 << 18);
	CHECK_INT(probe_fd(fd, &info, err, sizeof(err)), 0);
	CHECK_STR(info.backing, "/etc/shadow");
	CHECK_INT(probe_fd_as(fd, PROBE_FMT_VMDK, &info, err, sizeof(err)),
	    -EINVAL);
	close(fd);
}

static void
test_vmdk(void)
{
	static const char desc[] = "# Disk DescriptorFile\nversion=1\n"
	    "CID=1\nparentCID=2\ncreateType=\"monolithicFlat\"\n"
	    "parentFileNameHint=\"base.vmdk\"\n"
	    "RW 2048 FLAT \"a-flat.vmdk\" 0\nRDONLY 10 ZERO\n"
	    "RW 4 SPARSE  \"/abs/b.vmdk\"\n";
	static uint8_t h[8192];

	CHECK_INT(probe_mem(desc, sizeof(desc) - 1, 0), 0);
	CHECK_INT(info.format, PROBE_FMT_VMDK);
	CHECK_INT(info.virtual_size, (2048 + 10 + 4) * 512);
	CHECK_INT(info.n_extents, 2);
	CHECK_STR(info.extents[0], "a-flat.vmdk");
	CHECK_STR(info.extents[1], "/abs/b.vmdk");
	CHECK_STR(info.backing, "base.vmdk");
	/* Sparse header of capacity 0: qemu opens the embedded extents. */
	memset(h, 0, sizeof(h));
	memcpy(h, "KDMV", 4);
	h[4] = 1;
	h[20] = 128;
	h[28] = 1;
	h[36] = 2;
	memcpy(h + 512, "RW 8 FLAT \"/etc/shadow\" 0\n", 26);
	CHECK_INT(probe_mem(h, sizeof(h), 0), 0);
	CHECK_INT(info.n_extents, 1);
	CHECK_STR(info.extents[0], "/etc/shadow");
}

static void
test_qed(void)
{
	static uint8_t h[4096];

	memset(h, 0, sizeof(h));
	memcpy(h, "QED", 4);
	h[5] = 0x10;	/* cluster 4096 */
	h[8] = 4;
	h[12] = 1;
	h[16] = 0x1 | 0x4;
	h[41] = 0x10;
	h[50] = 0x20;	/* 2 MiB */
	h[57] = 2;	/* name at 512 */
	h[60] = 8;
	memcpy(h + 512, "base.img", 8);
	CHECK_INT(probe_mem(h, sizeof(h), 8192), 0);
	CHECK_INT(info.format, PROBE_FMT_QED);
	CHECK_INT(info.virtual_size, 2 << 20);
	CHECK_STR(info.backing, "base.img");
	CHECK_STR(info.backing_format, "raw");
	CHECK_INT(info.n_reasons, 0);
	h[60] = 0xff;
	h[61] = 0xff;
	CHECK_INT(probe_mem(h, sizeof(h), 8192), 0);
	CHECK(has_reason("backing file name"));
}

static void
test_hints_and_legacy(void)
{
	static uint8_t b[40960];
	int p[2];

	memset(b, 0, sizeof(b));
	memcpy(b + 32768, "\001CD001\001", 7);
	b[32768 + 80] = 20;
	b[32768 + 129] = 8;
	CHECK_INT(probe_mem(b, sizeof(b), 0), 0);
	CHECK_INT(info.format, PROBE_FMT_ISO);
	CHECK_STR(probe_qemu_format_name(&info), "raw");
	memset(b, 0, sizeof(b));
	memcpy(b + sizeof(b) - 512, "conectix", 8);
	b[sizeof(b) - 512 + 63] = 2;
	b[sizeof(b) - 512 + 31] = '2';
	memcpy(b + sizeof(b) - 512 + 28, "qem2", 4);
	b[sizeof(b) - 512 + 54] = 0x80;	/* 32 KiB */
	CHECK_INT(probe_mem(b, sizeof(b), 0), 0);
	CHECK_INT(info.format, PROBE_FMT_VPC);
	CHECK(info.vpc_fixed);
	CHECK_INT(info.virtual_size, 32768);
	CHECK_STR(probe_qemu_format_name(&info), "raw");
	CHECK_INT(probe_mem("Bochs Virtual HD Image\0", 23, 0), 0);
	CHECK_INT(info.format, PROBE_FMT_BOCHS);
	CHECK(!probe_format_supported(info.format));
	CHECK(has_reason("not supported"));
	memset(b, 0, 512);
	memcpy(b, "LUKS\xba\xbe\0\1", 8);
	be32(b + 104, 100000);
	CHECK_INT(probe_mem(b, 512, 0), 0);
	CHECK(info.encrypted);
	CHECK(has_reason("payload offset beyond end of file"));
	CHECK_INT(probe_mem("", 0, 0), 0);
	CHECK_INT(info.format, PROBE_FMT_RAW);
	CHECK(pipe(p) == 0);
	CHECK_INT(probe_fd(p[0], &info, err, sizeof(err)), -EINVAL);
	close(p[0]);
	close(p[1]);
}

static void
test_names(void)
{
	CHECK_INT(probe_format_parse("qcow2"), PROBE_FMT_QCOW2);
	CHECK_INT(probe_format_parse("vpc"), PROBE_FMT_VPC);
	CHECK_INT(probe_format_parse("nope"), PROBE_FMT_UNKNOWN);
	CHECK_INT(probe_format_parse(NULL), PROBE_FMT_UNKNOWN);
	CHECK_STR(probe_format_name(PROBE_FMT_COUNT), "unknown");
	CHECK(probe_format_supported(PROBE_FMT_LUKS));
	CHECK(!probe_format_supported(PROBE_FMT_QCOW));
}

int
main(void)
{
	test_create();
	test_qcow2_hostile();
	test_qcow2_features();
	test_raw_stays_raw();
	test_vmdk();
	test_qed();
	test_hints_and_legacy();
	test_names();
	return check_done();
}
