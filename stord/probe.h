/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Disk image header readers of vmhost-stord: pread on an open fd, libc only. */
#ifndef VMHOST_STORD_PROBE_H
#define VMHOST_STORD_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest header read in one go; no reader allocates more than this. */
#define PROBE_READ_MAX (64 * 1024)
/* qemu refuses backing file names longer than 1023 bytes. */
#define PROBE_NAME_MAX 1024
#define PROBE_EXTENTS_MAX 8
#define PROBE_REASONS_MAX 8
#define PROBE_REASON_LEN 120

enum probe_format {
	PROBE_FMT_UNKNOWN = 0,
	PROBE_FMT_RAW,
	PROBE_FMT_QCOW2,
	PROBE_FMT_QED,
	PROBE_FMT_VMDK,
	PROBE_FMT_VDI,
	PROBE_FMT_VPC,
	PROBE_FMT_VHDX,
	PROBE_FMT_LUKS,
	PROBE_FMT_ISO,
	/* Recognised only to refuse them: qemu would probe these too. */
	PROBE_FMT_QCOW,
	PROBE_FMT_BOCHS,
	PROBE_FMT_CLOOP,
	PROBE_FMT_PARALLELS,
	PROBE_FMT_DMG,
	PROBE_FMT_COUNT
};

struct image_info {
	enum probe_format format;
	uint64_t file_size;
	uint64_t virtual_size;
	uint32_t cluster_size;	/* 0 when the format has none */
	uint32_t version;	/* format's own header version */
	bool encrypted;
	char encryption[16];	/* "aes", "luks" or "" */
	bool has_backing;
	char backing[PROBE_NAME_MAX];	/* raw bytes from the header */
	char backing_format[32];	/* "" when the header declares none */
	bool has_data_file;
	char data_file[PROBE_NAME_MAX];
	/* qcow2 (and qed) feature words, host order. */
	uint64_t incompatible;
	uint64_t compatible;
	uint64_t autoclear;
	bool extended_l2;
	char compression[8];	/* "zlib", "zstd" or "" */
	bool vpc_fixed;		/* footer only: qemu probes it as raw */
	/* Files a vmdk descriptor names (relative as written). */
	unsigned n_extents;
	char extents[PROBE_EXTENTS_MAX][PROBE_NAME_MAX];
	/* Why the header should not be trusted; empty when all is well. */
	unsigned n_reasons;
	char reasons[PROBE_REASONS_MAX][PROBE_REASON_LEN];
};

/*
 * Reads the headers of the image behind @fd (pread only, the file offset is
 * untouched) and guesses its format the way qemu's probe would.  Returns 0
 * with @out filled (odd values become out->reasons), or a negative errno with
 * a one-line message in @err when the file cannot be read at all.
 */
int probe_fd(int fd, struct image_info *out, char *err, size_t errlen);

/*
 * Reads @fd as the declared format @fmt without guessing: a raw image is
 * never reinterpreted.  Returns -EINVAL (and @err) when the header does not
 * match the declared format.
 */
int probe_fd_as(int fd, enum probe_format fmt, struct image_info *out,
    char *err, size_t errlen);

/* "qcow2", "iso", ...; "unknown" for anything out of range. */
const char *probe_format_name(enum probe_format fmt);
/* The name qemu-img reports: "raw" for iso and for fixed vpc. */
const char *probe_qemu_format_name(const struct image_info *info);
/* Parses qemu's format names ("raw", "qcow2", ...); UNKNOWN if none. */
enum probe_format probe_format_parse(const char *name);
/* Formats stord lets a disk be declared as (no refused/legacy ones). */
bool probe_format_supported(enum probe_format fmt);

#endif
