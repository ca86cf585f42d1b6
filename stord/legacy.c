/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's recognisers for formats qemu probes but vmhost refuses. */
#include "stord/probe_priv.h"

#include <string.h>

#define QCOW_MAGIC 0x514649fbu
#define CLOOP_HEAD "#!/bin/sh\n#V2.0 Format\nmodprobe cloop file=$0 && " \
    "mount -r -t iso9660 /dev/cloop $1\n"

static bool
qcow_match(const struct probe_src *src)
{
	return probe_be32(src->head) == QCOW_MAGIC &&
	    probe_be32(src->head + 4) == 1;
}

static int
legacy_refuse(struct image_info *out)
{
	probe_reason(out, "format %s is not supported by vmhost",
	    probe_format_name(out->format));
	return 0;
}

/* qcow v1 names a backing file too: report it so it is never followed. */
static int
qcow_read(const struct probe_src *src, struct image_info *out)
{
	uint8_t name[PROBE_NAME_MAX];
	uint64_t off = probe_be64(src->head + 8);
	uint32_t len = probe_be32(src->head + 16);
	int r;

	out->version = 1;
	out->virtual_size = probe_be64(src->head + 24);
	out->encrypted = probe_be32(src->head + 36) != 0;
	legacy_refuse(out);
	if (off == 0 || len == 0)
		return 0;
	out->has_backing = true;
	if (len > PROBE_NAME_MAX - 1 || !probe_in_file(src, off, len)) {
		probe_reason(out, "backing file name out of range");
		return 0;
	}
	r = probe_read(src, off, name, len);
	if (r < 0)
		return r;
	probe_copy_name(out, out->backing, sizeof(out->backing), name, len,
	    "backing file");
	return 0;
}

static bool
bochs_match(const struct probe_src *src)
{
	return memcmp(src->head, "Bochs Virtual HD Image", 23) == 0;
}

static bool
cloop_match(const struct probe_src *src)
{
	return memcmp(src->head, CLOOP_HEAD, sizeof(CLOOP_HEAD) - 1) == 0;
}

static bool
parallels_match(const struct probe_src *src)
{
	return (memcmp(src->head, "WithoutFreeSpace", 16) == 0 ||
	    memcmp(src->head, "WithouFreSpacExt", 16) == 0) &&
	    probe_le32(src->head + 16) == 2;
}

static int
legacy_read(const struct probe_src *src, struct image_info *out)
{
	(void)src;
	return legacy_refuse(out);
}

const struct probe_reader probe_qcow_reader = {
	.fmt = PROBE_FMT_QCOW, .match = qcow_match, .read = qcow_read,
};
const struct probe_reader probe_bochs_reader = {
	.fmt = PROBE_FMT_BOCHS, .match = bochs_match, .read = legacy_read,
};
const struct probe_reader probe_cloop_reader = {
	.fmt = PROBE_FMT_CLOOP, .match = cloop_match, .read = legacy_read,
};
const struct probe_reader probe_parallels_reader = {
	.fmt = PROBE_FMT_PARALLELS, .match = parallels_match,
	.read = legacy_read,
};
