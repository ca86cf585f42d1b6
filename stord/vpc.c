/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's vpc (VHD) reader: fixed footer at the end, dynamic header. */
#include "stord/probe_priv.h"

#include <string.h>

#define VHD_FOOTER 512
#define VHD_FIXED 2
#define VHD_DYNAMIC 3
#define VHD_DIFFERENCING 4
#define VHD_MAX_GEOMETRY (65535ull * 16 * 255)
#define VHD_DYN_HEADER 1024

static bool
vpc_cookie(const uint8_t *p)
{
	return memcmp(p, "conectix", 8) == 0;
}

static bool
vpc_match(const struct probe_src *src)
{
	return vpc_cookie(src->head);
}

bool
probe_vpc_fixed_footer(const struct probe_src *src)
{
	uint8_t f[VHD_FOOTER];

	if (src->size < VHD_FOOTER ||
	    probe_read(src, src->size - VHD_FOOTER, f, sizeof(f)) < 0)
		return false;
	return vpc_cookie(f) && probe_be32(f + 60) == VHD_FIXED;
}

/* qemu trusts CHS geometry unless a known creator wrote the byte size. */
static uint64_t
vpc_size(const uint8_t *f)
{
	const uint8_t *app = f + 28;
	uint64_t chs = (uint64_t)probe_be16(f + 56) * f[58] * f[59];
	bool use_chs = memcmp(app, "win ", 4) && memcmp(app, "qem2", 4) &&
	    memcmp(app, "d2v ", 4) && memcmp(app, "CTXS", 4) &&
	    memcmp(app, "tap", 4);

	if (!use_chs || chs == VHD_MAX_GEOMETRY)
		return probe_be64(f + 48) / 512 * 512;
	return chs * 512;
}

static int
vpc_dynamic(const struct probe_src *src, const uint8_t *f,
    struct image_info *out)
{
	uint8_t d[VHD_DYN_HEADER];
	uint64_t off = probe_be64(f + 16);
	uint64_t bat;
	uint32_t entries, bs;
	int r;

	if (!probe_in_file(src, off, sizeof(d))) {
		probe_reason(out, "header offset beyond end of file");
		return 0;
	}
	r = probe_read(src, off, d, sizeof(d));
	if (r < 0)
		return r;
	if (memcmp(d, "cxsparse", 8) != 0) {
		probe_reason(out, "dynamic disk header signature missing");
		return 0;
	}
	bat = probe_be64(d + 16);
	entries = probe_be32(d + 28);
	bs = probe_be32(d + 32);
	out->cluster_size = bs;
	if (bs < 512 || (bs & (bs - 1)))
		probe_reason(out, "block size %u is not a power of two", bs);
	else if (out->virtual_size > (uint64_t)entries * bs)
		probe_reason(out, "block table too small for the disk");
	if (!probe_in_file(src, bat, (uint64_t)entries * 4))
		probe_reason(out, "block table beyond end of file");
	return 0;
}

static int
vpc_read(const struct probe_src *src, struct image_info *out)
{
	uint8_t f[VHD_FOOTER];
	uint32_t type;
	int r;

	memcpy(f, src->head, sizeof(f));
	if (!vpc_cookie(f)) {
		out->vpc_fixed = true;
		r = probe_read(src, src->size - VHD_FOOTER, f, sizeof(f));
		if (r < 0)
			return r;
	}
	type = probe_be32(f + 60);
	out->version = probe_be32(f + 12);
	out->virtual_size = vpc_size(f);
	if (type == VHD_DIFFERENCING)
		probe_reason(out, "differencing VHD: qemu ignores its parent");
	else if (type != VHD_FIXED && type != VHD_DYNAMIC)
		probe_reason(out, "unknown VHD disk type %u", type);
	if (type == VHD_FIXED && out->virtual_size > src->size)
		probe_reason(out, "fixed VHD larger than its file");
	if (type != VHD_FIXED)
		return vpc_dynamic(src, f, out);
	return 0;
}

const struct probe_reader probe_vpc_reader = {
	.fmt = PROBE_FMT_VPC,
	.match = vpc_match,
	.read = vpc_read,
};
