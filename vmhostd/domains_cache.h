/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's cache of the domain definition files: name, uuid and text by file identity. */
#ifndef VMHOSTD_DOMAINS_CACHE_H
#define VMHOSTD_DOMAINS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

/*
 * What stat(2) says of a definition file. A write changes mtime and ctime,
 * a replacement (rename) the inode; no user can set ctime. A cache entry
 * stands for the file only while all four are the same.
 */
struct dcache_fid {
	uint64_t ino, size;
	int64_t mtime_ns, ctime_ns;
};

struct dcache_entry {
	const char *file;	/* NAME.xml */
	struct dcache_fid fid;	/* fid.size is the text's length */
	uint8_t uuid[16];	/* what domain_parse found in the text */
	uint64_t text_off;	/* read: where the text is in the cache file */
	uint32_t text_crc;
	const char *xml;	/* write: the text */
};

/* A cache read: its index in memory, the texts left in the file (fd). */
struct dcache {
	int fd;
	char *index;		/* the entries' names point into it */
	struct dcache_entry *e;	/* sorted by file name (strcmp) */
	size_t n;
};

/*
 * The identity of a file read after the moment before. False when the
 * file changed so shortly before it that a change after the read could
 * leave the same times (timestamps are coarse): such a file is not cached.
 */
bool dcache_fid_of(const struct stat *st, const struct timespec *before,
    struct dcache_fid *fid);
bool dcache_fid_eq(const struct dcache_fid *a, const struct dcache_fid *b);
/* A 64-bit hash of a text (FNV-1a), to recognise a file vmhostd wrote. */
uint64_t dcache_hash(const void *data, size_t len);

/*
 * Read the index of the cache made for the definition folder on device
 * dev by this very vmhostd binary. Anything else (absent, truncated,
 * another build, a bad checksum or entry) gives an empty cache (fd -1),
 * with one log line.
 */
void dcache_read(struct dcache *c, uint64_t dev);
/* Free the index; the file stays open if keep_fd (for dcache_text). */
void dcache_free(struct dcache *c, bool keep_fd);
/*
 * Read a text of the cache open as fd (the file read at start: a newer
 * cache replaces it by rename, so its texts stay). 0, or -EBADMSG when the
 * text is not the one written (checksum), -errno.
 */
int dcache_text(int fd, uint64_t off, size_t len, uint32_t crc, char **out);
/* Replace the cache file with these entries (sorted here). 0 or -errno, logged. */
int dcache_write(struct dcache_entry *e, size_t n, uint64_t dev);

#endif
