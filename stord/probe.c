/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's format probe: picks a header reader for an open fd, qemu's way. */
#include "stord/probe_priv.h"

#include <errno.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const format_names[PROBE_FMT_COUNT] = {
	[PROBE_FMT_UNKNOWN] = "unknown",
	[PROBE_FMT_RAW] = "raw",
	[PROBE_FMT_QCOW2] = "qcow2",
	[PROBE_FMT_QED] = "qed",
	[PROBE_FMT_VMDK] = "vmdk",
	[PROBE_FMT_VDI] = "vdi",
	[PROBE_FMT_VPC] = "vpc",
	[PROBE_FMT_VHDX] = "vhdx",
	[PROBE_FMT_LUKS] = "luks",
	[PROBE_FMT_ISO] = "iso",
	[PROBE_FMT_QCOW] = "qcow",
	[PROBE_FMT_BOCHS] = "bochs",
	[PROBE_FMT_CLOOP] = "cloop",
	[PROBE_FMT_PARALLELS] = "parallels",
	[PROBE_FMT_DMG] = "dmg",
};

/* Order matters only for the hints (iso, fixed vpc), tried last. */
static const struct probe_reader *const readers[] = {
	&probe_qcow2_reader, &probe_qed_reader, &probe_vmdk_reader,
	&probe_vdi_reader, &probe_vpc_reader, &probe_vhdx_reader,
	&probe_luks_reader, &probe_qcow_reader, &probe_bochs_reader,
	&probe_cloop_reader, &probe_parallels_reader, &probe_iso_reader,
};

const char *
probe_format_name(enum probe_format fmt)
{
	if ((unsigned)fmt >= PROBE_FMT_COUNT)
		return "unknown";
	return format_names[fmt];
}

const char *
probe_qemu_format_name(const struct image_info *info)
{
	if (info->format == PROBE_FMT_ISO ||
	    (info->format == PROBE_FMT_VPC && info->vpc_fixed))
		return "raw";
	return probe_format_name(info->format);
}

enum probe_format
probe_format_parse(const char *name)
{
	for (int i = 1; i < PROBE_FMT_COUNT; i++)
		if (name && strcmp(name, format_names[i]) == 0)
			return (enum probe_format)i;
	return PROBE_FMT_UNKNOWN;
}

bool
probe_format_supported(enum probe_format fmt)
{
	return fmt >= PROBE_FMT_RAW && fmt <= PROBE_FMT_ISO;
}

bool
probe_in_file(const struct probe_src *src, uint64_t off, uint64_t len)
{
	return off <= src->size && len <= src->size - off;
}

int
probe_read(const struct probe_src *src, uint64_t off, void *buf, size_t len)
{
	size_t done = 0;

	if (len > PROBE_READ_MAX || off > INT64_MAX - PROBE_READ_MAX)
		return -EFBIG;
	memset(buf, 0, len);
	while (done < len) {
		ssize_t n = pread(src->fd, (char *)buf + done, len - done,
		    (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return 0;
}

void
probe_reason(struct image_info *out, const char *fmt, ...)
{
	va_list ap;

	if (out->n_reasons >= PROBE_REASONS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(out->reasons[out->n_reasons++], PROBE_REASON_LEN, fmt, ap);
	va_end(ap);
}

void
probe_copy_name(struct image_info *out, char *dst, size_t dstlen,
    const uint8_t *src, size_t len, const char *what)
{
	bool odd = false;

	if (len >= dstlen) {
		probe_reason(out, "%s name too long (%zu bytes)", what, len);
		len = dstlen - 1;
	}
	for (size_t i = 0; i < len; i++)
		if (src[i] < 0x20 || src[i] == 0x7f)
			odd = true;
	if (odd)
		probe_reason(out, "%s name holds control bytes", what);
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static int
src_open(struct probe_src *src, int fd, char *err, size_t errlen)
{
	struct stat st;
	int r;

	src->fd = fd;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot stat image: %s", strerror(-r));
		return r;
	}
	if (S_ISREG(st.st_mode)) {
		src->size = (uint64_t)st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &src->size) < 0) {
			r = -errno;
			snprintf(err, errlen, "cannot size block device: %s",
			    strerror(-r));
			return r;
		}
	} else {
		snprintf(err, errlen, "not a regular file or block device");
		return -EINVAL;
	}
	r = probe_read(src, 0, src->head, sizeof(src->head));
	if (r < 0)
		snprintf(err, errlen, "cannot read image: %s", strerror(-r));
	return r;
}

static void
info_init(struct image_info *out, const struct probe_src *src,
    enum probe_format fmt)
{
	memset(out, 0, sizeof(*out));
	out->format = fmt;
	out->file_size = src->size;
	out->virtual_size = src->size;
}

static int
run_reader(const struct probe_reader *rd, const struct probe_src *src,
    struct image_info *out, char *err, size_t errlen)
{
	int r;

	info_init(out, src, rd->fmt);
	r = rd->read(src, out);
	if (r < 0)
		snprintf(err, errlen, "cannot read %s header: %s",
		    probe_format_name(rd->fmt), strerror(-r));
	return r;
}

int
probe_fd(int fd, struct image_info *out, char *err, size_t errlen)
{
	struct probe_src src;
	int r;

	r = src_open(&src, fd, err, errlen);
	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
		if (readers[i]->match(&src))
			return run_reader(readers[i], &src, out, err, errlen);
	info_init(out, &src, PROBE_FMT_RAW);
	if (probe_vpc_fixed_footer(&src))
		return run_reader(&probe_vpc_reader, &src, out, err, errlen);
	return 0;
}

int
probe_fd_as(int fd, enum probe_format fmt, struct image_info *out,
    char *err, size_t errlen)
{
	struct probe_src src;
	int r;

	r = src_open(&src, fd, err, errlen);
	if (r < 0)
		return r;
	if (fmt == PROBE_FMT_RAW) {
		info_init(out, &src, PROBE_FMT_RAW);
		return 0;
	}
	for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		if (readers[i]->fmt != fmt)
			continue;
		if (!readers[i]->match(&src) &&
		    !(fmt == PROBE_FMT_VPC && probe_vpc_fixed_footer(&src))) {
			snprintf(err, errlen, "not a %s image",
			    probe_format_name(fmt));
			return -EINVAL;
		}
		return run_reader(readers[i], &src, out, err, errlen);
	}
	snprintf(err, errlen, "format %s is not supported",
	    probe_format_name(fmt));
	return -ENOTSUP;
}
