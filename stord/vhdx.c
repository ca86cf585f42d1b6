/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's vhdx reader: region table, metadata, virtual disk size. */
#include "stord/probe_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define VHDX_REGION_OFF1 (192 * 1024)
#define VHDX_REGION_OFF2 (256 * 1024)
#define VHDX_REGION_LEN (64 * 1024)
#define VHDX_REGION_ENTRIES_MAX 2047
#define VHDX_META_ENTRIES_MAX 2047
#define VHDX_PARAMS_HAS_PARENT 0x2u

/* GUIDs as stored on disk (first three fields little-endian). */
static const uint8_t guid_metadata[16] = {
	0x06, 0xa2, 0x7c, 0x8b, 0x90, 0x47, 0x9a, 0x4b,
	0xb8, 0xfe, 0x57, 0x5f, 0x05, 0x0f, 0x88, 0x6e };
static const uint8_t guid_disk_size[16] = {
	0x24, 0x42, 0xa5, 0x2f, 0x1b, 0xcd, 0x76, 0x48,
	0xb2, 0x11, 0x5d, 0xbe, 0xd8, 0x3b, 0xf4, 0xb8 };
static const uint8_t guid_file_params[16] = {
	0x37, 0x67, 0xa1, 0xca, 0x36, 0xfa, 0x43, 0x4d,
	0xb3, 0xb6, 0x33, 0xf0, 0xaa, 0x44, 0xe7, 0x6b };

static bool
vhdx_match(const struct probe_src *src)
{
	return memcmp(src->head, "vhdxfile", 8) == 0;
}

/* Finds the metadata region; returns its offset and length, or false. */
static bool
vhdx_region(const uint8_t *t, struct image_info *out, uint64_t *off,
    uint32_t *len)
{
	uint32_t n = probe_le32(t + 8);

	if (memcmp(t, "regi", 4) != 0)
		return false;
	if (n > VHDX_REGION_ENTRIES_MAX) {
		probe_reason(out, "too many vhdx regions (%u)", n);
		return false;
	}
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = t + 16 + 32 * i;

		if (memcmp(e, guid_metadata, 16) == 0) {
			*off = probe_le64(e + 16);
			*len = probe_le32(e + 24);
			return true;
		}
	}
	return false;
}

/* Reads one metadata item we need; @moff/@mlen: the metadata region. */
static int
vhdx_item(const struct probe_src *src, struct image_info *out,
    const uint8_t *e, uint64_t moff, uint32_t mlen)
{
	uint32_t off = probe_le32(e + 16);
	uint32_t len = probe_le32(e + 20);
	bool size = memcmp(e, guid_disk_size, 16) == 0;
	bool params = memcmp(e, guid_file_params, 16) == 0;
	uint8_t v[8];
	int r;

	if (!size && !params)
		return 0;
	if (off > mlen || len > mlen - off || len < 8 ||
	    !probe_in_file(src, moff + off, 8)) {
		probe_reason(out, "vhdx metadata item beyond its region");
		return 0;
	}
	r = probe_read(src, moff + off, v, sizeof(v));
	if (r < 0 || size) {
		out->virtual_size = probe_le64(v);
		return r;
	}
	out->cluster_size = probe_le32(v);
	if (probe_le32(v + 4) & VHDX_PARAMS_HAS_PARENT) {
		out->has_backing = true;
		probe_reason(out, "differencing vhdx: qemu refuses parents");
	}
	return 0;
}

static int
vhdx_metadata(const struct probe_src *src, struct image_info *out,
    uint8_t *m, uint64_t off, uint32_t len)
{
	uint32_t tlen = len > VHDX_REGION_LEN ? VHDX_REGION_LEN : len;
	uint16_t n;
	int r;

	if (tlen < 32 || !probe_in_file(src, off, tlen)) {
		probe_reason(out, "header offset beyond end of file");
		return 0;
	}
	r = probe_read(src, off, m, tlen);
	if (r < 0)
		return r;
	n = probe_le16(m + 10);
	if (memcmp(m, "metadata", 8) != 0 || n > VHDX_META_ENTRIES_MAX ||
	    32 + 32ull * n > tlen) {
		probe_reason(out, "vhdx metadata table is damaged");
		return 0;
	}
	for (uint16_t i = 0; i < n && r == 0; i++)
		r = vhdx_item(src, out, m + 32 + 32 * i, off, len);
	return r;
}

static int
vhdx_read(const struct probe_src *src, struct image_info *out)
{
	uint8_t *buf = malloc(VHDX_REGION_LEN);
	uint64_t off = 0;
	uint32_t len = 0;
	int r;

	if (!buf)
		return -ENOMEM;
	out->virtual_size = 0;
	r = probe_read(src, VHDX_REGION_OFF1, buf, VHDX_REGION_LEN);
	if (r == 0 && !vhdx_region(buf, out, &off, &len))
		r = probe_read(src, VHDX_REGION_OFF2, buf, VHDX_REGION_LEN);
	if (r == 0 && (len || vhdx_region(buf, out, &off, &len)))
		r = vhdx_metadata(src, out, buf, off, len);
	else if (r == 0)
		probe_reason(out, "vhdx region table missing");
	free(buf);
	return r;
}

const struct probe_reader probe_vhdx_reader = {
	.fmt = PROBE_FMT_VHDX,
	.match = vhdx_match,
	.read = vhdx_read,
};
