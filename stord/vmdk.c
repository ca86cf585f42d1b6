/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's vmdk reader: sparse header, descriptor, extents, parent hint. */
#include "stord/probe_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define VMDK4_MAGIC 0x564d444bu	/* "KDMV" */
#define VMDK3_MAGIC 0x44574f43u	/* "COWD" */
#define VMDK_DESC_SIZE (20 * 512)	/* what qemu reads for the parent */
#define VMDK_PARENT_KEY "parentFileNameHint"

static bool
vmdk_text_version(const char *p, size_t n)
{
	static const char *const v[] = { "version=1\n", "version=2\n",
		"version=3\n", "version=1\r\n", "version=2\r\n",
		"version=3\r\n" };

	for (size_t i = 0; i < 6; i++)
		if (n >= strlen(v[i]) && memcmp(p, v[i], strlen(v[i])) == 0)
			return true;
	return false;
}

/* qemu's test: comments and blank lines, then a "version=N" line. */
static bool
vmdk_text_match(const char *p, const char *end)
{
	while (p < end) {
		if (*p == '#') {
			while (p < end && *p != '\n')
				p++;
			p++;
			continue;
		}
		if (*p == ' ') {
			while (p < end && *p == ' ')
				p++;
			if (p < end && *p == '\r')
				p++;
			if (p == end || *p != '\n')
				return false;
			p++;
			continue;
		}
		return vmdk_text_version(p, (size_t)(end - p));
	}
	return false;
}

static bool
vmdk_match(const struct probe_src *src)
{
	uint32_t magic = probe_le32(src->head);
	size_t n = src->size < PROBE_HEAD_LEN ? src->size : PROBE_HEAD_LEN;

	if (magic == VMDK4_MAGIC || magic == VMDK3_MAGIC)
		return true;
	return vmdk_text_match((const char *)src->head,
	    (const char *)src->head + n);
}

/* "RW 2048 FLAT "name" 0": size in sectors and the file, if any. */
static void
vmdk_extent(struct image_info *out, char *line)
{
	char *save = NULL, *access = strtok_r(line, " \t", &save);
	char *sectors = strtok_r(NULL, " \t", &save);
	char *type = strtok_r(NULL, " \t", &save);
	char *name = save ? save + strspn(save, " \t") : NULL;
	unsigned long long n;
	char *end;

	(void)access;
	if (!sectors || !type) {
		probe_reason(out, "malformed vmdk extent line");
		return;
	}
	n = strtoull(sectors, &end, 10);
	if (*end || n > (UINT64_MAX - out->virtual_size) / 512)
		probe_reason(out, "vmdk extent size out of range");
	else
		out->virtual_size += n * 512;
	if (strcmp(type, "ZERO") == 0 || !name || *name != '"')
		return;
	name++;
	name[strcspn(name, "\"")] = '\0';
	if (out->n_extents >= PROBE_EXTENTS_MAX) {
		probe_reason(out, "more than %d vmdk extents", PROBE_EXTENTS_MAX);
		return;
	}
	probe_copy_name(out, out->extents[out->n_extents], PROBE_NAME_MAX,
	    (const uint8_t *)name, strlen(name), "extent file");
	out->n_extents++;
}

static bool
vmdk_is_extent(const char *p)
{
	return strncmp(p, "RW ", 3) == 0 || strncmp(p, "RDONLY ", 7) == 0 ||
	    strncmp(p, "NOACCESS ", 9) == 0;
}

/* Walks a NUL-terminated descriptor; extents only when @want_extents. */
static void
vmdk_descriptor(struct image_info *out, char *desc, bool want_extents)
{
	char *save = NULL;

	for (char *l = strtok_r(desc, "\n", &save); l;
	    l = strtok_r(NULL, "\n", &save)) {
		l[strcspn(l, "\r")] = '\0';
		while (*l == ' ' || *l == '\t')
			l++;
		if (want_extents && vmdk_is_extent(l))
			vmdk_extent(out, l);
	}
}

/* qemu takes the parent from the first "parentFileNameHint" anywhere. */
static void
vmdk_parent(struct image_info *out, const char *desc)
{
	const char *p = strstr(desc, VMDK_PARENT_KEY);
	const char *end;

	if (!p)
		return;
	p += strlen(VMDK_PARENT_KEY);
	if (*p != '=' || p[1] != '"') {
		probe_reason(out, "malformed vmdk parent hint");
		return;
	}
	p += 2;
	end = strchr(p, '"');
	if (!end) {
		probe_reason(out, "unterminated vmdk parent hint");
		return;
	}
	if (end == p)
		return;
	out->has_backing = true;
	probe_copy_name(out, out->backing, sizeof(out->backing),
	    (const uint8_t *)p, (size_t)(end - p), "backing file");
}

/* Reads len bytes at off as a NUL-terminated string into a new buffer. */
static int
vmdk_read_text(const struct probe_src *src, uint64_t off, size_t len,
    char **text)
{
	char *buf = malloc(len + 1);
	int r;

	if (!buf)
		return -ENOMEM;
	r = probe_read(src, off, buf, len);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[len] = '\0';
	*text = buf;
	return 0;
}

static int
vmdk_parent_at(const struct probe_src *src, struct image_info *out,
    uint64_t off)
{
	char *desc = NULL;
	int r = vmdk_read_text(src, off, VMDK_DESC_SIZE, &desc);

	if (r == 0) {
		vmdk_parent(out, desc);
		/* qemu reads the CID from here and refuses the file without. */
		if (!strstr(desc, "CID"))
			probe_reason(out, "vmdk descriptor without CID "
			    "(an extent, not an image)");
	}
	free(desc);
	return r;
}

static int
vmdk_text_read(const struct probe_src *src, struct image_info *out)
{
	size_t len = src->size > PROBE_READ_MAX ? PROBE_READ_MAX :
	    (size_t)src->size;
	char *desc = NULL;
	int r;

	if (src->size > PROBE_READ_MAX)
		probe_reason(out, "vmdk descriptor larger than 64 KiB");
	r = vmdk_read_text(src, 0, len, &desc);
	if (r < 0)
		return r;
	out->virtual_size = 0;
	vmdk_descriptor(out, desc, true);
	free(desc);
	return vmdk_parent_at(src, out, 0);
}

/* A sparse header with capacity 0 defers to its embedded descriptor. */
static int
vmdk_embedded(const struct probe_src *src, struct image_info *out,
    uint64_t desc_sector, uint64_t desc_sectors)
{
	char *desc = NULL;
	uint64_t off, len;
	int r;

	if (desc_sector > UINT64_MAX / 512 || desc_sectors > UINT64_MAX / 512)
		goto bad;
	off = desc_sector * 512;
	len = desc_sectors * 512;
	if (len > PROBE_READ_MAX)
		len = PROBE_READ_MAX;
	if (!probe_in_file(src, off, len))
		goto bad;
	r = vmdk_read_text(src, off, (size_t)len, &desc);
	if (r < 0)
		return r;
	vmdk_descriptor(out, desc, true);
	free(desc);
	return 0;
bad:
	probe_reason(out, "header offset beyond end of file");
	return 0;
}

static int
vmdk_sparse_read(const struct probe_src *src, struct image_info *out)
{
	const uint8_t *h = src->head;
	uint64_t capacity = probe_le64(h + 12);
	uint64_t grain = probe_le64(h + 20);
	int r = 0;

	out->version = probe_le32(h + 4);
	if (out->version < 1 || out->version > 3)
		probe_reason(out, "unsupported vmdk version %u", out->version);
	if (grain == 0 || grain > 1u << 16 || (grain & (grain - 1)))
		probe_reason(out, "vmdk grain size %llu out of range",
		    (unsigned long long)grain);
	else
		out->cluster_size = (uint32_t)grain * 512;
	if (capacity > INT64_MAX / 512)
		probe_reason(out, "virtual size is absurd");
	out->virtual_size = capacity * 512;
	if (capacity == 0 && probe_le64(h + 28)) {
		r = vmdk_embedded(src, out, probe_le64(h + 28),
		    probe_le64(h + 36));
		if (r < 0)
			return r;
	}
	return vmdk_parent_at(src, out, 512);
}

static int
vmdk_read(const struct probe_src *src, struct image_info *out)
{
	uint32_t magic = probe_le32(src->head);

	if (magic == VMDK3_MAGIC) {
		out->version = 3;
		probe_reason(out, "vmdk3 (COWD) images are not supported");
		return 0;
	}
	if (magic == VMDK4_MAGIC)
		return vmdk_sparse_read(src, out);
	return vmdk_text_read(src, out);
}

const struct probe_reader probe_vmdk_reader = {
	.fmt = PROBE_FMT_VMDK,
	.match = vmdk_match,
	.read = vmdk_read,
};
