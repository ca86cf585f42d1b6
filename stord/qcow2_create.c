/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's qcow2 writer: a fresh v3 image, checked by qemu-img in tests. */
#include "stord/qcow2_create.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stord/probe.h"

#define CS (1u << QCOW2_CREATE_CLUSTER_BITS)
#define QCOW2_MAGIC 0x514649fbu
#define QCOW2_HEADER_LEN 112
#define QCOW2_EXT_BACKING_FMT 0xe2792acau

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static int
write_all(int fd, const void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done,
		    (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/* Header, backing format extension, end marker, then the backing name. */
static void
build_header(uint8_t *h, uint64_t size, uint32_t l1_size,
    const char *backing, const char *fmt)
{
	size_t off = QCOW2_HEADER_LEN;

	put_be32(h, QCOW2_MAGIC);
	put_be32(h + 4, 3);
	put_be32(h + 20, QCOW2_CREATE_CLUSTER_BITS);
	put_be64(h + 24, size);
	put_be32(h + 36, l1_size);
	put_be64(h + 40, 3ull * CS);
	put_be64(h + 48, CS);
	put_be32(h + 56, 1);
	put_be32(h + 96, 4);
	put_be32(h + 100, QCOW2_HEADER_LEN);
	if (backing) {
		put_be32(h + off, QCOW2_EXT_BACKING_FMT);
		put_be32(h + off + 4, (uint32_t)strlen(fmt));
		memcpy(h + off + 8, fmt, strlen(fmt));
		off += 8 + ((strlen(fmt) + 7) & ~(size_t)7);
		off += 8; /* end of extensions: type 0, length 0 */
		put_be64(h + 8, off);
		put_be32(h + 16, (uint32_t)strlen(backing));
		memcpy(h + off, backing, strlen(backing));
	}
}

static int
check_args(int fd, uint64_t size, const char *backing, const char *fmt,
    char *err, size_t errlen)
{
	struct stat st;
	enum probe_format f = probe_format_parse(fmt);

	if (size > QCOW2_CREATE_SIZE_MAX) {
		snprintf(err, errlen, "size %llu is too large",
		    (unsigned long long)size);
		return -EFBIG;
	}
	if (backing && (!*backing || strlen(backing) > PROBE_NAME_MAX - 1)) {
		snprintf(err, errlen, "backing file name empty or too long");
		return -EINVAL;
	}
	if (backing && (!probe_format_supported(f) || f == PROBE_FMT_ISO)) {
		snprintf(err, errlen, "backing file needs a known format");
		return -EINVAL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size != 0) {
		snprintf(err, errlen, "target is not an empty regular file");
		return -EEXIST;
	}
	return 0;
}

static int
write_refcounts(int fd, uint64_t clusters, uint8_t *buf)
{
	memset(buf, 0, CS);
	put_be64(buf, 2ull * CS);
	int r = write_all(fd, buf, 8, CS);

	if (r < 0)
		return r;
	memset(buf, 0, CS);
	for (uint64_t i = 0; i < clusters; i++) {
		buf[2 * i] = 0;
		buf[2 * i + 1] = 1;
	}
	return write_all(fd, buf, (size_t)clusters * 2, 2ull * CS);
}

int
qcow2_create_fd(int fd, uint64_t size, const char *backing,
    const char *backing_fmt, char *err, size_t errlen)
{
	uint64_t per_l1 = (uint64_t)CS * (CS / 8);
	uint64_t l1_size, clusters;
	uint8_t *buf = NULL;
	int r;

	r = check_args(fd, size, backing, backing_fmt, err, errlen);
	if (r < 0)
		return r;
	size = (size + 511) & ~511ull;
	l1_size = (size + per_l1 - 1) / per_l1;
	clusters = 3 + (l1_size * 8 + CS - 1) / CS;
	buf = calloc(1, CS);
	if (!buf)
		return -ENOMEM;
	build_header(buf, size, (uint32_t)l1_size, backing, backing_fmt);
	r = write_all(fd, buf, CS, 0);
	if (r == 0)
		r = write_refcounts(fd, clusters, buf);
	if (r == 0 && ftruncate(fd, (off_t)(clusters * CS)) < 0)
		r = -errno;
	if (r < 0)
		snprintf(err, errlen, "cannot write qcow2 image: %s",
		    strerror(-r));
	free(buf);
	return r;
}
