/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's cache of the domain definition files (VMHOST_LIB_DIR/domains.cache), read at start, written by vmhostd. */
#define LOG_MODULE "domains"
#include "vmhostd/domains_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <zlib.h>

#include "common/domain_xml.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/paths.h"

#define DCACHE_FILE	VMHOST_LIB_DIR "/domains.cache"
#define DCACHE_MAGIC	"VMHDOMC\n"
#define DCACHE_VERSION	1
#define DCACHE_MAX	(512u << 20)	/* 100,000 domains of ~5 KiB */

/*
 * The file: this header; count index records (struct dcache_rec), in file
 * name order; the file names, each with a NUL (names_len bytes); then the
 * texts (texts_len bytes), each where its record says. Native byte order:
 * the cache never leaves the host and belongs to one binary (key). crc is
 * zlib's crc32 of the header before it, the records and the names; each
 * text has its own, checked when it is read (on first use).
 */
struct dcache_head {
	char magic[8];
	uint32_t version, count;
	uint64_t dev;		/* of the definition folder */
	uint64_t key[5];	/* the vmhostd binary and libxml2: the parser */
	uint64_t names_len, texts_len;
	uint32_t crc, zero;
};
_Static_assert(sizeof(struct dcache_head) == 88, "no padding in the header");

struct dcache_rec {
	uint64_t ino, size;
	int64_t mtime_ns, ctime_ns;
	uint8_t uuid[16];
	uint64_t text_off;	/* from the start of the file */
	uint32_t name_off;	/* in the names */
	uint32_t text_crc;
};
_Static_assert(sizeof(struct dcache_rec) == 64, "no padding in a record");

/* The parser that made the entries' uuids: this binary and libxml2.
 * -errno when the binary cannot be told (no /proc): no cache then. */
static int
dcache_key(uint64_t key[5])
{
	struct stat st;

	if (stat("/proc/self/exe", &st) < 0)
		return -errno;
	key[0] = (uint64_t)st.st_dev;
	key[1] = (uint64_t)st.st_ino;
	key[2] = (uint64_t)st.st_size;
	key[3] = (uint64_t)st.st_mtim.tv_sec * 1000000000u +
	    (uint64_t)st.st_mtim.tv_nsec;
	key[4] = (uint64_t)atoi(xmlParserVersion);
	return 0;
}

bool
dcache_fid_of(const struct stat *st, const struct timespec *before,
    struct dcache_fid *fid)
{
	/* one tick of the file system's clock at most; whole seconds on
	 * file systems that keep no fraction */
	int64_t margin = st->st_ctim.tv_nsec ? 100000000 : 2000000000;
	int64_t t = (int64_t)before->tv_sec * 1000000000 + before->tv_nsec;

	fid->ino = (uint64_t)st->st_ino;
	fid->size = (uint64_t)st->st_size;
	fid->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 +
	    st->st_mtim.tv_nsec;
	fid->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 +
	    st->st_ctim.tv_nsec;
	return fid->ctime_ns <= t - margin;
}

bool
dcache_fid_eq(const struct dcache_fid *a, const struct dcache_fid *b)
{
	return a->ino == b->ino && a->size == b->size &&
	    a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

uint64_t
dcache_hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 1469598103934665603ull;

	while (len--)
		h = (h ^ *p++) * 1099511628211ull;
	return h;
}

/* The header: NULL, or why the cache is refused. */
static const char *
head_check(const struct dcache_head *h, uint64_t dev, uint64_t file_len)
{
	uint64_t key[5];

	if (memcmp(h->magic, DCACHE_MAGIC, sizeof(h->magic)) != 0)
		return "not a definition cache";
	if (h->version != DCACHE_VERSION)
		return "another format version";
	if (h->count > DCACHE_MAX / sizeof(struct dcache_rec) ||
	    h->names_len > DCACHE_MAX || h->texts_len > DCACHE_MAX ||
	    file_len != sizeof(*h) + h->count * sizeof(struct dcache_rec) +
	    h->names_len + h->texts_len)
		return "truncated";
	if (dcache_key(key) < 0)
		return "cannot identify this vmhostd binary";
	if (memcmp(key, h->key, sizeof(key)) != 0)
		return "made by another vmhostd build";
	if (h->dev != dev)
		return "made for another folder";
	return NULL;
}

/* Entry i from its record: NULL, or why it is refused. */
static const char *
entry_take(struct dcache *c, const struct dcache_head *h, size_t i)
{
	const struct dcache_rec *r =
	    (const struct dcache_rec *)(uintptr_t)(c->index + sizeof(*h)) + i;
	const char *names = c->index + sizeof(*h) + h->count * sizeof(*r);
	uint64_t texts = sizeof(*h) + h->count * sizeof(*r) + h->names_len;
	struct dcache_entry *e = &c->e[i];
	size_t len;

	if (r->name_off >= h->names_len)
		return "bad entry";
	e->file = names + r->name_off;
	len = strnlen(e->file, h->names_len - r->name_off);
	if (len == h->names_len - r->name_off || len < 5 ||
	    len > DOMAIN_NAME_MAX + 4 || e->file[0] == '.' ||
	    strchr(e->file, '/') || strcmp(e->file + len - 4, ".xml") != 0 ||
	    (i && strcmp(c->e[i - 1].file, e->file) >= 0) ||
	    r->size > DOMAIN_XML_MAX_SIZE || r->text_off < texts ||
	    r->text_off + r->size > texts + h->texts_len)
		return "bad entry";
	e->fid = (struct dcache_fid){ r->ino, r->size, r->mtime_ns,
		r->ctime_ns };
	memcpy(e->uuid, r->uuid, sizeof(e->uuid));
	e->text_off = r->text_off;
	e->text_crc = r->text_crc;
	return NULL;
}

static int
pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done,
		    (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* Header, records and names read and checked: NULL, or why not. */
static const char *
index_read(struct dcache *c, uint64_t dev, struct dcache_head *h)
{
	const char *why;
	struct stat st;
	size_t len;
	uLong crc;

	if (fstat(c->fd, &st) < 0 || !S_ISREG(st.st_mode))
		return "not a regular file";
	if (pread_all(c->fd, h, sizeof(*h), 0) < 0)
		return "truncated";
	if ((why = head_check(h, dev, (uint64_t)st.st_size)))
		return why;
	len = sizeof(*h) + h->count * sizeof(struct dcache_rec) + h->names_len;
	if (!(c->index = malloc(len)) ||
	    !(c->e = calloc(h->count + 1, sizeof(*c->e))))
		return "out of memory";
	if (pread_all(c->fd, c->index, len, 0) < 0)
		return "truncated";
	crc = crc32(0, (const Bytef *)c->index, offsetof(struct dcache_head,
	    crc));
	crc = crc32(crc, (const Bytef *)c->index + sizeof(*h),
	    (uInt)(len - sizeof(*h)));
	if (crc != h->crc)
		return "checksum mismatch";
	for (size_t i = 0; i < h->count; i++)
		if ((why = entry_take(c, h, i)))
			return why;
	return NULL;
}

void
dcache_read(struct dcache *c, uint64_t dev)
{
	struct dcache_head h;
	char path[4096];
	const char *why;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (path_build(path, sizeof(path), "%s.tmp", DCACHE_FILE) < 0)
		return;
	unlink(path);		/* a write cut short */
	path[strlen(path) - 4] = '\0';
	if ((c->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		if (errno != ENOENT)
			log_warn("ignoring the definition cache '%s': %s", path,
			    strerror(errno));
		return;
	}
	if ((why = index_read(c, dev, &h))) {
		log_warn("ignoring the definition cache '%s': %s (the "
		    "definitions are read from their files)", path, why);
		dcache_free(c, false);
		return;
	}
	c->n = h.count;
}

int
dcache_text(int fd, uint64_t off, size_t len, uint32_t crc, char **out)
{
	char *buf = malloc(len + 1);
	int r;

	*out = NULL;
	if (!buf)
		return -ENOMEM;
	if ((r = pread_all(fd, buf, len, off)) == 0 &&
	    crc32(0, (const Bytef *)buf, (uInt)len) != crc)
		r = -EBADMSG;
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

void
dcache_free(struct dcache *c, bool keep_fd)
{
	if (c->fd >= 0 && !keep_fd)
		close(c->fd);
	free(c->e);
	free(c->index);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dcache_entry *)a)->file,
	    ((const struct dcache_entry *)b)->file);
}

/* The header, records and names of entries e (sorted), texts laid out
 * after them in the same order. */
static int
index_build(const struct dcache_entry *e, size_t n, uint64_t dev,
    char **out, size_t *len)
{
	struct dcache_head h = { .version = DCACHE_VERSION, .dev = dev };
	struct dcache_rec *r;
	uint64_t text_off;
	char *buf, *names;
	uLong crc;

	for (size_t i = 0; i < n; i++) {
		h.names_len += strlen(e[i].file) + 1;
		h.texts_len += e[i].fid.size;
	}
	*len = sizeof(h) + n * sizeof(*r) + h.names_len;
	if (h.names_len + h.texts_len > DCACHE_MAX)
		return -EFBIG;
	if (!(buf = malloc(*len)))
		return -ENOMEM;
	r = (struct dcache_rec *)(uintptr_t)(buf + sizeof(h));
	names = buf + sizeof(h) + n * sizeof(*r);
	text_off = *len;
	for (size_t i = 0; i < n; i++, r++) {
		size_t flen = strlen(e[i].file) + 1;

		*r = (struct dcache_rec){ e[i].fid.ino, e[i].fid.size,
			e[i].fid.mtime_ns, e[i].fid.ctime_ns, { 0 }, text_off,
			(uint32_t)(names - (buf + sizeof(h) + n * sizeof(*r))),
			(uint32_t)crc32(0, (const Bytef *)e[i].xml,
			(uInt)e[i].fid.size) };
		memcpy(r->uuid, e[i].uuid, sizeof(r->uuid));
		memcpy(names, e[i].file, flen);
		names += flen;
		text_off += e[i].fid.size;
	}
	memcpy(h.magic, DCACHE_MAGIC, sizeof(h.magic));
	h.count = (uint32_t)n;
	if (dcache_key(h.key) < 0) {
		free(buf);
		return -ENOENT;
	}
	memcpy(buf, &h, sizeof(h));
	crc = crc32(0, (const Bytef *)buf, offsetof(struct dcache_head, crc));
	h.crc = (uint32_t)crc32(crc, (const Bytef *)buf + sizeof(h),
	    (uInt)(*len - sizeof(h)));
	memcpy(buf, &h, sizeof(h));
	*out = buf;
	return 0;
}

/* Written to a temp file and renamed over the cache, without fsync: a
 * cache lost or torn by a crash fails its checksums. */
static int
cache_replace(const char *path, const char *index, size_t len,
    const struct dcache_entry *e, size_t n)
{
	char tmp[4096];
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return -errno;
	r = fd_write_all(fd, index, len);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = fd_write_all(fd, e[i].xml, e[i].fid.size);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

int
dcache_write(struct dcache_entry *e, size_t n, uint64_t dev)
{
	char path[4096], *index = NULL;
	size_t len;
	int r;

	if (path_build(path, sizeof(path), "%s", DCACHE_FILE) < 0)
		return -ENAMETOOLONG;
	if (n > 1)	/* e may be NULL when there is none */
		qsort(e, n, sizeof(*e), entry_cmp);
	if ((r = index_build(e, n, dev, &index, &len)) == 0)
		r = cache_replace(path, index, len, e, n);
	free(index);
	if (r < 0)
		log_warn("cannot write the definition cache '%s': %s", path,
		    strerror(-r));
	else
		log_debug("definition cache '%s': %zu entries", path, n);
	return r;
}
