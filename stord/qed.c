/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's qed header reader: size, cluster size, backing file. */
#include "stord/probe_priv.h"

#include <string.h>

#define QED_MAGIC 0x00444551u
#define QED_F_BACKING_FILE 0x1u
#define QED_F_NEED_CHECK 0x2u
#define QED_F_BACKING_NO_PROBE 0x4u
#define QED_F_KNOWN 0x7u
#define QED_HEADER_LEN 64

static bool
qed_match(const struct probe_src *src)
{
	return probe_le32(src->head) == QED_MAGIC;
}

static void
qed_check(struct image_info *out, uint32_t table_size, uint32_t header_size)
{
	uint32_t cs = out->cluster_size;

	if (cs < 4096 || cs > (64u << 20) || (cs & (cs - 1)))
		probe_reason(out, "cluster size %u out of range", cs);
	if (table_size < 1 || table_size > 16 ||
	    (table_size & (table_size - 1)))
		probe_reason(out, "table size %u out of range", table_size);
	if (header_size < 1 || header_size > 16)
		probe_reason(out, "header size %u clusters out of range",
		    header_size);
	if (out->incompatible & ~(uint64_t)QED_F_KNOWN)
		probe_reason(out, "unknown incompatible feature bits 0x%llx",
		    (unsigned long long)(out->incompatible &
		    ~(uint64_t)QED_F_KNOWN));
	if (out->virtual_size % 512 || out->virtual_size > INT64_MAX / 2)
		probe_reason(out, "virtual size %llu is absurd",
		    (unsigned long long)out->virtual_size);
}

static int
qed_backing(const struct probe_src *src, struct image_info *out,
    uint64_t header_bytes)
{
	uint8_t name[PROBE_NAME_MAX];
	uint32_t off = probe_le32(src->head + 56);
	uint32_t len = probe_le32(src->head + 60);
	int r;

	out->has_backing = true;
	if (out->incompatible & QED_F_BACKING_NO_PROBE)
		strcpy(out->backing_format, "raw");
	if ((uint64_t)off + len > header_bytes)
		probe_reason(out, "backing file name outside the header");
	if (len > PROBE_NAME_MAX - 1) {
		probe_reason(out, "backing file name too long (%u bytes)", len);
		return 0;
	}
	if (!probe_in_file(src, off, len)) {
		probe_reason(out, "header offset beyond end of file");
		return 0;
	}
	r = probe_read(src, off, name, len);
	if (r < 0)
		return r;
	probe_copy_name(out, out->backing, sizeof(out->backing), name, len,
	    "backing file");
	return 0;
}

static int
qed_read(const struct probe_src *src, struct image_info *out)
{
	const uint8_t *h = src->head;
	uint32_t header_size = probe_le32(h + 12);

	out->cluster_size = probe_le32(h + 4);
	out->incompatible = probe_le64(h + 16);
	out->compatible = probe_le64(h + 24);
	out->autoclear = probe_le64(h + 32);
	out->virtual_size = probe_le64(h + 48);
	if (src->size < QED_HEADER_LEN)
		probe_reason(out, "qed header truncated");
	qed_check(out, probe_le32(h + 8), header_size);
	if (!probe_in_file(src, probe_le64(h + 40), out->cluster_size))
		probe_reason(out, "L1 table offset beyond end of file");
	if (out->incompatible & QED_F_BACKING_FILE)
		return qed_backing(src, out,
		    (uint64_t)header_size * out->cluster_size);
	return 0;
}

const struct probe_reader probe_qed_reader = {
	.fmt = PROBE_FMT_QED,
	.match = qed_match,
	.read = qed_read,
};
