/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's qcow2 (v2/v3) header reader: features, extensions, backing. */
#include "stord/probe_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define QCOW2_MAGIC 0x514649fbu
#define QCOW2_V2_HEADER 72
#define QCOW2_V3_HEADER 104
#define QCOW2_EXT_BACKING_FMT 0xe2792acau
#define QCOW2_EXT_DATA_FILE 0x44415441u
#define QCOW2_EXT_CRYPTO 0x0537be77u
#define QCOW2_INCOMPAT_DIRTY 0x1u
#define QCOW2_INCOMPAT_CORRUPT 0x2u
#define QCOW2_INCOMPAT_DATA_FILE 0x4u
#define QCOW2_INCOMPAT_COMPRESSION 0x8u
#define QCOW2_INCOMPAT_EXTL2 0x10u
#define QCOW2_INCOMPAT_KNOWN 0x1fu
#define QCOW2_AUTOCLEAR_KNOWN 0x3u

struct qcow2_hdr {
	uint32_t version;
	uint64_t backing_off;
	uint32_t backing_len;
	uint32_t cluster_bits;
	uint32_t crypt;
	uint32_t l1_size;
	uint64_t l1_off;
	uint64_t refcount_off;
	uint32_t refcount_clusters;
	uint64_t snapshots_off;
	uint32_t nb_snapshots;
	uint32_t refcount_order;
	uint32_t header_len;
	uint8_t compression;
	uint64_t ext_end;
};

static bool
qcow2_match(const struct probe_src *src)
{
	return probe_be32(src->head) == QCOW2_MAGIC &&
	    probe_be32(src->head + 4) >= 2;
}

static void
qcow2_decode(const uint8_t *h, struct qcow2_hdr *q, struct image_info *out)
{
	memset(q, 0, sizeof(*q));
	q->version = probe_be32(h + 4);
	q->backing_off = probe_be64(h + 8);
	q->backing_len = probe_be32(h + 16);
	q->cluster_bits = probe_be32(h + 20);
	out->virtual_size = probe_be64(h + 24);
	q->crypt = probe_be32(h + 32);
	q->l1_size = probe_be32(h + 36);
	q->l1_off = probe_be64(h + 40);
	q->refcount_off = probe_be64(h + 48);
	q->refcount_clusters = probe_be32(h + 56);
	q->nb_snapshots = probe_be32(h + 60);
	q->snapshots_off = probe_be64(h + 64);
	q->refcount_order = 4;
	q->header_len = QCOW2_V2_HEADER;
	if (q->version >= 3) {
		out->incompatible = probe_be64(h + 72);
		out->compatible = probe_be64(h + 80);
		out->autoclear = probe_be64(h + 88);
		q->refcount_order = probe_be32(h + 96);
		q->header_len = probe_be32(h + 100);
		if (q->header_len > QCOW2_V3_HEADER)
			q->compression = h[104];
	}
	out->version = q->version;
}

static void
qcow2_check_table(const struct probe_src *src, struct image_info *out,
    const char *what, uint64_t off, uint64_t bytes)
{
	if (off & (out->cluster_size - 1))
		probe_reason(out, "%s offset 0x%llx is not cluster aligned",
		    what, (unsigned long long)off);
	else if (!probe_in_file(src, off, bytes))
		probe_reason(out, "%s offset beyond end of file", what);
}

static void
qcow2_check_geometry(const struct probe_src *src, const struct qcow2_hdr *q,
    struct image_info *out)
{
	if (q->version > 3)
		probe_reason(out, "unsupported qcow2 version %u", q->version);
	if (out->virtual_size > INT64_MAX / 2)
		probe_reason(out, "virtual size %llu is absurd",
		    (unsigned long long)out->virtual_size);
	if (q->version >= 3 && (q->header_len < QCOW2_V3_HEADER ||
	    q->header_len > out->cluster_size))
		probe_reason(out, "header length %u out of range",
		    q->header_len);
	if (q->refcount_order > 6)
		probe_reason(out, "refcount order %u out of range",
		    q->refcount_order);
	if (q->l1_size > (32u << 20) / 8)
		probe_reason(out, "L1 table too large (%u entries)",
		    q->l1_size);
	else if (q->l1_size)
		qcow2_check_table(src, out, "L1 table", q->l1_off,
		    (uint64_t)q->l1_size * 8);
	if (q->refcount_clusters > (8u << 20) / out->cluster_size)
		probe_reason(out, "refcount table too large (%u clusters)",
		    q->refcount_clusters);
	else
		qcow2_check_table(src, out, "refcount table", q->refcount_off,
		    (uint64_t)q->refcount_clusters * out->cluster_size);
	if (q->nb_snapshots > 65536)
		probe_reason(out, "too many snapshots (%u)", q->nb_snapshots);
	else if (q->nb_snapshots)
		qcow2_check_table(src, out, "snapshot table",
		    q->snapshots_off, 40ull * q->nb_snapshots);
}

static void
qcow2_check_features(const struct qcow2_hdr *q, struct image_info *out)
{
	uint64_t unknown = out->incompatible & ~(uint64_t)QCOW2_INCOMPAT_KNOWN;

	if (unknown)
		probe_reason(out, "unknown incompatible feature bits 0x%llx",
		    (unsigned long long)unknown);
	if (out->incompatible & QCOW2_INCOMPAT_CORRUPT)
		probe_reason(out, "image is marked corrupt");
	out->extended_l2 = out->incompatible & QCOW2_INCOMPAT_EXTL2;
	if (out->extended_l2 && q->cluster_bits < 14)
		probe_reason(out, "extended L2 with clusters below 16 KiB");
	if (q->compression == 0 &&
	    (out->incompatible & QCOW2_INCOMPAT_COMPRESSION))
		probe_reason(out, "compression type bit set for zlib");
	if (q->compression != 0 &&
	    !(out->incompatible & QCOW2_INCOMPAT_COMPRESSION))
		probe_reason(out, "compression type %u without its feature bit",
		    q->compression);
	if (q->compression > 1)
		probe_reason(out, "unknown compression type %u",
		    q->compression);
	strcpy(out->compression, q->compression == 1 ? "zstd" : "zlib");
	if (out->autoclear & ~(uint64_t)QCOW2_AUTOCLEAR_KNOWN)
		probe_reason(out, "unknown autoclear feature bits 0x%llx",
		    (unsigned long long)(out->autoclear &
		    ~(uint64_t)QCOW2_AUTOCLEAR_KNOWN));
}

static void
qcow2_check_crypt(const struct qcow2_hdr *q, struct image_info *out)
{
	switch (q->crypt) {
	case 0:
		return;
	case 1:
		strcpy(out->encryption, "aes");
		probe_reason(out, "legacy AES encryption (unsupported by qemu)");
		break;
	case 2:
		strcpy(out->encryption, "luks");
		if (q->version < 3)
			probe_reason(out, "luks encryption in a v2 image");
		break;
	default:
		probe_reason(out, "unknown encryption method %u", q->crypt);
		break;
	}
	out->encrypted = true;
}

static void
qcow2_ext_one(const struct probe_src *src, struct image_info *out,
    uint32_t type, const uint8_t *data, uint32_t len)
{
	switch (type) {
	case QCOW2_EXT_BACKING_FMT:
		probe_copy_name(out, out->backing_format,
		    sizeof(out->backing_format), data, len, "backing format");
		break;
	case QCOW2_EXT_DATA_FILE:
		out->has_data_file = true;
		probe_copy_name(out, out->data_file, sizeof(out->data_file),
		    data, len, "data file");
		break;
	case QCOW2_EXT_CRYPTO:
		if (len < 16 || !probe_in_file(src, probe_be64(data),
		    probe_be64(data + 8)))
			probe_reason(out, "encryption header beyond end of file");
		break;
	default:
		break;
	}
}

/* Walks the extensions in buf[start, end); buf holds the first cluster. */
static void
qcow2_extensions(const struct probe_src *src, struct image_info *out,
    const uint8_t *buf, uint64_t start, uint64_t end)
{
	uint64_t off = start;

	while (off <= end && end - off >= 8) {
		uint32_t type = probe_be32(buf + off);
		uint32_t len = probe_be32(buf + off + 4);

		if (type == 0)
			return;
		off += 8;
		if (len > end - off) {
			probe_reason(out, "header extension 0x%08x overruns "
			    "the header", type);
			return;
		}
		qcow2_ext_one(src, out, type, buf + off, len);
		off += ((uint64_t)len + 7) & ~7ull;
	}
}

static int
qcow2_backing(const struct probe_src *src, const struct qcow2_hdr *q,
    struct image_info *out)
{
	uint8_t name[PROBE_NAME_MAX];
	int r;

	if (q->backing_off == 0 || q->backing_len == 0)
		return 0;
	out->has_backing = true;
	if (q->backing_len > PROBE_NAME_MAX - 1) {
		probe_reason(out, "backing file name too long (%u bytes)",
		    q->backing_len);
		return 0;
	}
	if (q->backing_off > out->cluster_size ||
	    q->backing_len > out->cluster_size - q->backing_off)
		probe_reason(out, "backing file name outside the first cluster");
	if (!probe_in_file(src, q->backing_off, q->backing_len)) {
		probe_reason(out, "header offset beyond end of file");
		return 0;
	}
	r = probe_read(src, q->backing_off, name, q->backing_len);
	if (r < 0)
		return r;
	probe_copy_name(out, out->backing, sizeof(out->backing), name,
	    q->backing_len, "backing file");
	return 0;
}

static int
qcow2_read(const struct probe_src *src, struct image_info *out)
{
	struct qcow2_hdr q;
	uint8_t *buf = NULL;
	uint64_t ext_start, ext_end;
	int r = 0;

	qcow2_decode(src->head, &q, out);
	if (q.cluster_bits < 9 || q.cluster_bits > 21) {
		probe_reason(out, "cluster bits %u out of range", q.cluster_bits);
		return 0;
	}
	out->cluster_size = 1u << q.cluster_bits;
	if (src->size < q.header_len)
		probe_reason(out, "qcow2 header truncated");
	qcow2_check_geometry(src, &q, out);
	qcow2_check_features(&q, out);
	qcow2_check_crypt(&q, out);
	ext_start = q.header_len;
	ext_end = out->cluster_size;
	if (q.backing_off && q.backing_off < ext_end)
		ext_end = q.backing_off;
	if (ext_end > PROBE_READ_MAX)
		ext_end = PROBE_READ_MAX;
	buf = malloc(PROBE_READ_MAX);
	if (!buf)
		return -ENOMEM;
	r = probe_read(src, 0, buf, (size_t)ext_end);
	if (r < 0)
		goto out;
	if (ext_start < ext_end)
		qcow2_extensions(src, out, buf, ext_start, ext_end);
	if ((out->incompatible & QCOW2_INCOMPAT_DATA_FILE) &&
	    !out->has_data_file)
		probe_reason(out, "external data file bit without a file name");
	if (!(out->incompatible & QCOW2_INCOMPAT_DATA_FILE) &&
	    out->has_data_file)
		probe_reason(out, "data file name without its feature bit");
	r = qcow2_backing(src, &q, out);
out:
	free(buf);
	return r;
}

const struct probe_reader probe_qcow2_reader = {
	.fmt = PROBE_FMT_QCOW2,
	.match = qcow2_match,
	.read = qcow2_read,
};
