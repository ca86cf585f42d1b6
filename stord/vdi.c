/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's VirtualBox vdi header reader: size and block layout. */
#include "stord/probe_priv.h"

#define VDI_SIGNATURE 0xbeda107fu
#define VDI_VERSION_1_1 0x00010001u
#define VDI_BLOCK_SIZE (1u << 20)
#define VDI_BLOCKS_MAX 0x3fffffffu

static bool
vdi_match(const struct probe_src *src)
{
	return src->size >= PROBE_HEAD_LEN &&
	    probe_le32(src->head + 0x40) == VDI_SIGNATURE;
}

static void
vdi_check_layout(const struct probe_src *src, struct image_info *out,
    uint32_t blocks)
{
	const uint8_t *h = src->head;
	uint32_t bmap = probe_le32(h + 0x154);
	uint32_t data = probe_le32(h + 0x158);

	if (bmap % 512 || data % 512)
		probe_reason(out, "unaligned block map or data offset");
	if (!probe_in_file(src, bmap, (uint64_t)blocks * 4))
		probe_reason(out, "block map beyond end of file");
	if (data > src->size)
		probe_reason(out, "header offset beyond end of file");
}

static int
vdi_read(const struct probe_src *src, struct image_info *out)
{
	const uint8_t *h = src->head;
	uint32_t type = probe_le32(h + 0x4c);
	uint32_t blocks = probe_le32(h + 0x180);

	out->version = probe_le32(h + 0x44);
	out->virtual_size = probe_le64(h + 0x170);
	out->cluster_size = probe_le32(h + 0x178);
	if (out->version != VDI_VERSION_1_1)
		probe_reason(out, "unsupported vdi version 0x%08x",
		    out->version);
	if (type != 1 && type != 2)
		probe_reason(out, "unsupported vdi image type %u", type);
	if (probe_le32(h + 0x168) != 512)
		probe_reason(out, "sector size is not 512");
	if (out->cluster_size != VDI_BLOCK_SIZE)
		probe_reason(out, "block size %u is not 1 MiB",
		    out->cluster_size);
	if (blocks > VDI_BLOCKS_MAX)
		probe_reason(out, "too many blocks (%u)", blocks);
	if (out->virtual_size > (uint64_t)blocks * VDI_BLOCK_SIZE)
		probe_reason(out, "virtual size exceeds the block map");
	vdi_check_layout(src, out, blocks);
	return 0;
}

const struct probe_reader probe_vdi_reader = {
	.fmt = PROBE_FMT_VDI,
	.match = vdi_match,
	.read = vdi_read,
};
