/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by vmhost-stord's header readers (bounded pread, byte order). */
#ifndef VMHOST_STORD_PROBE_PRIV_H
#define VMHOST_STORD_PROBE_PRIV_H

#include "stord/probe.h"

/* qemu decides on the first 512 bytes (BLOCK_PROBE_BUF_SIZE). */
#define PROBE_HEAD_LEN 512

struct probe_src {
	int fd;
	uint64_t size;
	uint8_t head[PROBE_HEAD_LEN];	/* zero-padded past end of file */
};

struct probe_reader {
	enum probe_format fmt;
	bool (*match)(const struct probe_src *src);
	int (*read)(const struct probe_src *src, struct image_info *out);
};

/*
 * Reads exactly @len bytes at @off into @buf, zero-filling what lies past
 * end of file.  Returns 0, -EFBIG when the range is absurd (then the caller
 * adds a reason), or a negative errno from pread.
 */
int probe_read(const struct probe_src *src, uint64_t off, void *buf,
    size_t len);
/* True when [off, off+len) lies inside the file; overflow-safe. */
bool probe_in_file(const struct probe_src *src, uint64_t off, uint64_t len);
void probe_reason(struct image_info *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Copies a name of @len bytes; a reason when it holds NUL or control bytes. */
void probe_copy_name(struct image_info *out, char *dst, size_t dstlen,
    const uint8_t *src, size_t len, const char *what);

static inline uint16_t
probe_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t
probe_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
probe_le64(const uint8_t *p)
{
	return (uint64_t)probe_le32(p) | (uint64_t)probe_le32(p + 4) << 32;
}

static inline uint16_t
probe_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
probe_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint64_t
probe_be64(const uint8_t *p)
{
	return (uint64_t)probe_be32(p) << 32 | probe_be32(p + 4);
}

/* The readers, one file per format family. */
extern const struct probe_reader probe_qcow2_reader;
extern const struct probe_reader probe_qed_reader;
extern const struct probe_reader probe_vmdk_reader;
extern const struct probe_reader probe_vdi_reader;
extern const struct probe_reader probe_vpc_reader;
extern const struct probe_reader probe_vhdx_reader;
extern const struct probe_reader probe_luks_reader;
extern const struct probe_reader probe_iso_reader;
extern const struct probe_reader probe_qcow_reader;
extern const struct probe_reader probe_bochs_reader;
extern const struct probe_reader probe_cloop_reader;
extern const struct probe_reader probe_parallels_reader;

/* vpc: true when the last 512 bytes hold a fixed-disk footer. */
bool probe_vpc_fixed_footer(const struct probe_src *src);

#endif
