/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness: every stord header reader on a memfd built from the input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stord/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
put_at(int fd, const uint8_t *p, size_t n, uint64_t off)
{
	while (n > 0) {
		ssize_t w = pwrite(fd, p, n, (off_t)off);

		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
}

/*
 * Input: le16 sector of the second segment, le16 length of the first, then
 * the first segment (written at 0) and the second (written at the sector):
 * so one small input reaches headers far into the file (vhdx, iso, vpc).
 */
static int
build_file(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz_probe", MFD_CLOEXEC);
	size_t split;
	uint64_t off2;

	if (fd < 0)
		return -1;
	if (size < 4) {
		put_at(fd, data, size, 0);
		return fd;
	}
	off2 = (uint64_t)(data[0] | data[1] << 8) * 512;
	split = (size_t)(data[2] | data[3] << 8) % (size - 3);
	put_at(fd, data + 4, split, 0);
	put_at(fd, data + 4 + split, size - 4 - split, off2);
	return fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_info info;
	char err[128];
	int fd = build_file(data, size);

	if (fd < 0)
		return 0;
	probe_fd(fd, &info, err, sizeof(err));
	for (int f = PROBE_FMT_RAW; f < PROBE_FMT_COUNT; f++)
		probe_fd_as(fd, (enum probe_format)f, &info, err, sizeof(err));
	close(fd);
	return 0;
}
