/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's LUKS (v1/v2) header reader: payload offset and size. */
#include "stord/probe_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LUKS_MAGIC "LUKS\xba\xbe"
#define LUKS2_JSON_OFF 4096
#define LUKS1_HEADER 592

static bool
luks_match(const struct probe_src *src)
{
	uint16_t v = probe_be16(src->head + 6);

	return memcmp(src->head, LUKS_MAGIC, 6) == 0 && (v == 1 || v == 2);
}

static void
luks_payload(const struct probe_src *src, struct image_info *out,
    uint64_t off)
{
	if (off > src->size) {
		probe_reason(out, "payload offset beyond end of file");
		out->virtual_size = 0;
		return;
	}
	out->virtual_size = src->size - off;
}

/* First "offset":"N" after "segments" in the JSON area: the data start. */
static uint64_t
luks2_offset(const char *json, size_t len)
{
	const char *seg = memmem(json, len, "\"segments\"", 10);
	const char *p;

	if (!seg)
		return UINT64_MAX;
	p = memmem(seg, len - (size_t)(seg - json), "\"offset\"", 8);
	if (!p)
		return UINT64_MAX;
	p += 8;
	while (p < json + len && (*p == ' ' || *p == ':' || *p == '"'))
		p++;
	if (p >= json + len || *p < '0' || *p > '9')
		return UINT64_MAX;
	return strtoull(p, NULL, 10);
}

static int
luks2_read(const struct probe_src *src, struct image_info *out)
{
	uint64_t hdr = probe_be64(src->head + 8);
	size_t len;
	char *json;
	int r;

	probe_reason(out, "LUKS version 2 is not readable by qemu 7.2");
	if (hdr <= LUKS2_JSON_OFF || !probe_in_file(src, 0, hdr)) {
		probe_reason(out, "LUKS2 header size out of range");
		return 0;
	}
	len = hdr - LUKS2_JSON_OFF > PROBE_READ_MAX - 1 ?
	    PROBE_READ_MAX - 1 : (size_t)(hdr - LUKS2_JSON_OFF);
	json = malloc(len + 1);
	if (!json)
		return -ENOMEM;
	r = probe_read(src, LUKS2_JSON_OFF, json, len);
	if (r == 0) {
		json[len] = '\0';
		len = strlen(json);
		luks_payload(src, out, luks2_offset(json, len));
	}
	free(json);
	return r;
}

static int
luks_read(const struct probe_src *src, struct image_info *out)
{
	out->version = probe_be16(src->head + 6);
	out->encrypted = true;
	strcpy(out->encryption, "luks");
	if (out->version == 2)
		return luks2_read(src, out);
	if (src->size < LUKS1_HEADER)
		probe_reason(out, "LUKS header truncated");
	luks_payload(src, out, (uint64_t)probe_be32(src->head + 104) * 512);
	return 0;
}

const struct probe_reader probe_luks_reader = {
	.fmt = PROBE_FMT_LUKS,
	.match = luks_match,
	.read = luks_read,
};
