/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's iso9660 reader: a hint only, qemu sees such a file as raw. */
#include "stord/probe_priv.h"

#include <string.h>

#define ISO_PVD_OFF (16 * 2048)
#define ISO_PVD_LEN 2048

static bool
iso_pvd(const struct probe_src *src, uint8_t *pvd)
{
	if (!probe_in_file(src, ISO_PVD_OFF, ISO_PVD_LEN) ||
	    probe_read(src, ISO_PVD_OFF, pvd, ISO_PVD_LEN) < 0)
		return false;
	return pvd[0] == 1 && memcmp(pvd + 1, "CD001", 5) == 0 && pvd[6] == 1;
}

static bool
iso_match(const struct probe_src *src)
{
	uint8_t pvd[ISO_PVD_LEN];

	return iso_pvd(src, pvd);
}

static int
iso_read(const struct probe_src *src, struct image_info *out)
{
	uint8_t pvd[ISO_PVD_LEN];
	uint64_t blocks, bsize;

	if (!iso_pvd(src, pvd))
		return 0;
	blocks = probe_le32(pvd + 80);
	bsize = probe_le16(pvd + 128);
	out->cluster_size = (uint32_t)bsize;
	if (bsize != 2048 && bsize != 512 && bsize != 1024)
		probe_reason(out, "iso block size %llu is odd",
		    (unsigned long long)bsize);
	else if (blocks * bsize > src->size)
		probe_reason(out, "iso volume larger than its file");
	return 0;
}

const struct probe_reader probe_iso_reader = {
	.fmt = PROBE_FMT_ISO,
	.match = iso_match,
	.read = iso_read,
};
