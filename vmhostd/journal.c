/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's write-ahead journal of definition files: a batch of writes is
 * durable after one append and one fdatasync; the journal's thread flushes
 * the folder and empties a journal file once it is full. */
#define LOG_MODULE "journal"
#include "vmhostd/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"

/*
 * Two files of JOURNAL_SIZE bytes each, written in place (preallocated:
 * an overwrite flushes faster than an append). Each starts with a header
 * saying whether it is live, its generation and a random nonce; records
 * follow at JOURNAL_HEAD. A record counts only with the magic, the
 * header's generation and nonce, the next sequence number and its CRC,
 * so a torn tail or an earlier generation's leftovers end a scan.
 *
 * The flusher thread appends a batch to the active file, then puts the
 * batch's files in place (commit.c) before anyone is told. When the
 * active file is full the other takes over and the journal's thread
 * flushes the folder (syncfs) and marks the full file empty. A file that
 * could not be put in place is written again from the journal by that
 * thread, retried each second; until then its journal file stays live
 * (and is replayed at the next start). The replay applies the live files
 * in generation order, the last record of each path.
 */
#define JOURNAL_SIZE	(4u << 20)
#define JOURNAL_HEAD	4096u
#define JOURNAL_MAGIC	"VMHJRNL1"
#define REC_MAGIC	0x524d4856u	/* "VHMR" */
#define REC_PUT		1u

struct jhead {
	char magic[8];
	uint64_t gen, nonce;
	uint32_t live, crc;
};

struct jrec {
	uint32_t magic, crc;
	uint64_t gen, nonce;
	uint32_t seq, type, mode, plen;
	uint64_t dlen;
};

enum jstate { J_FREE, J_ACTIVE, J_FULL };

static struct {
	int dirfd, fd[2];
	struct jhead head[2];	/* under mu once the thread runs */
	enum jstate st[2];	/* under mu */
	int ferr[2];		/* under mu: why file k could not be emptied */
	bool apply_failed[2];	/* under mu: a file of k is not in place */
	uint32_t used;		/* the flusher's: bytes of the active file */
	uint32_t seq;		/* the flusher's: its next record */
	int active;
	bool open, quit;	/* quit under mu */
	char dir[PATH_MAX];
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* held from an append until its files are in place, and by the
	 * thread while it writes files from the journal */
	pthread_mutex_t place;
	bool ckpt_req;		/* under mu */
	uint64_t ckpt_done;
	int ckpt_rc;
	/* the flusher's */
	struct jrec hdrs[JOURNAL_BATCH_MAX];
	struct iovec iov[3 * JOURNAL_BATCH_MAX];
} j = { .dirfd = -1, .fd = { -1, -1 }, .mu = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER, .place = PTHREAD_MUTEX_INITIALIZER };

static uint32_t crc_table[256];

static void
crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)	/* CRC-32C, reflected */
			c = (c >> 1) ^ (c & 1 ? 0x82f63b78u : 0);
		crc_table[i] = c;
	}
}

static uint32_t
crc_add(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

static uint32_t
head_crc(const struct jhead *h)
{
	return ~crc_add(~0u, h, offsetof(struct jhead, crc));
}

static uint32_t
rec_crc(const struct jrec *r, const void *path, const void *data)
{
	struct jrec h = *r;
	uint32_t c;

	h.crc = 0;
	c = crc_add(~0u, &h, sizeof(h));
	c = crc_add(c, path, r->plen);
	return ~crc_add(c, data, (size_t)r->dlen);
}

/* Write the whole iovec at off (retrying short writes). 0 or -errno. */
static int
pwritev_all(int fd, struct iovec *iov, int cnt, off_t off)
{
	while (cnt > 0) {
		ssize_t n = pwritev(fd, iov, cnt, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += n;
		while (cnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

static int
head_write(int k, bool live, bool sync)
{
	struct jhead *h = &j.head[k];
	ssize_t n;

	memcpy(h->magic, JOURNAL_MAGIC, sizeof(h->magic));
	h->live = live;
	h->crc = head_crc(h);
	n = pwrite(j.fd[k], h, sizeof(*h), 0);
	if (n != (ssize_t)sizeof(*h))
		return n < 0 ? -errno : -EIO;
	return sync && fdatasync(j.fd[k]) < 0 ? -errno : 0;
}

/* Everything written into the folder so far is durable. */
static int
flush_folder(void)
{
	if (syncfs(j.dirfd) < 0 || fsync(j.dirfd) < 0)
		return -errno;
	return 0;
}

/* A record found by a replay (pointing into its file's buffer). */
struct rp {
	int file;		/* the journal file that holds it */
	uint32_t mode;
	bool skip;
	const char *path, *data;
	size_t plen, dlen;
};

struct replay {
	struct jhead head[2];	/* as they were when it began */
	struct rp *v;
	size_t n, cap;
	char *buf[2];
	size_t applied;
};

static int
rp_add(struct replay *p, const struct rp *r)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		struct rp *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = *r;
	return 0;
}

/* The records of file k's live generation, in order, up to the first
 * that does not check out (the active file may be written meanwhile: a
 * record being written fails its CRC). */
static int
scan_file(struct replay *p, int k)
{
	const struct jhead *hd = &p->head[k];
	size_t off = JOURNAL_HEAD, len;
	uint32_t seq = 0;
	ssize_t n;
	char *b;
	int r;

	if (!(b = p->buf[k] = malloc(JOURNAL_SIZE)))
		return -ENOMEM;
	if ((n = fd_pread_all(j.fd[k], b, JOURNAL_SIZE, 0)) < 0)
		return (int)n;
	len = (size_t)n;
	while (off + sizeof(struct jrec) <= len) {
		struct jrec h;
		struct rp e = { .file = k };

		memcpy(&h, b + off, sizeof(h));
		if (h.magic != REC_MAGIC || h.gen != hd->gen ||
		    h.nonce != hd->nonce || h.seq != seq ||
		    h.type != REC_PUT || h.plen > PATH_MAX ||
		    h.plen > len - off - sizeof(h) ||
		    h.dlen > len - off - sizeof(h) - h.plen)
			break;
		e.path = b + off + sizeof(h);
		e.data = e.path + h.plen;
		if (rec_crc(&h, e.path, e.data) != h.crc)
			break;
		e.mode = h.mode;
		e.plen = h.plen;
		e.dlen = (size_t)h.dlen;
		if ((r = rp_add(p, &e)) < 0)
			return r;
		off += sizeof(h) + h.plen + (size_t)h.dlen;
		seq++;
	}
	return 0;
}

static const struct rp *rp_sorted;

static bool
same_path(const struct rp *a, const struct rp *b)
{
	return a->plen == b->plen && memcmp(a->path, b->path, a->plen) == 0;
}

/* By path, then by order in the journal. */
static int
rp_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const struct rp *e = &rp_sorted[x], *f = &rp_sorted[y];
	int c = memcmp(e->path, f->path, e->plen < f->plen ? e->plen : f->plen);

	if (c == 0 && e->plen != f->plen)
		c = e->plen < f->plen ? -1 : 1;
	if (c == 0)
		c = x < y ? -1 : x > y;
	return c;
}

/* Of the puts of one path, only the last is applied. */
static int
mark_skips(struct replay *p)
{
	size_t *order;
	bool kept = false;

	if (p->n < 2)
		return 0;
	if (!(order = malloc(p->n * sizeof(*order))))
		return -ENOMEM;
	{
		for (size_t i = 0; i < p->n; i++)
			order[i] = i;
		rp_sorted = p->v;
		qsort(order, p->n, sizeof(*order), rp_cmp);
		for (size_t i = p->n; i-- > 0;) {	/* the last of each path */
			struct rp *e = &p->v[order[i]];

			if (i + 1 < p->n && !same_path(e, &p->v[order[i + 1]]))
				kept = false;
			if (e->skip)
				continue;
			e->skip = kept;
			kept = true;
		}
		free(order);
	}
	return 0;
}

/* Put one record's content in its file unless it is there already. */
static int
apply(struct replay *p, const struct rp *e)
{
	size_t dl = strlen(j.dir), curlen = 0;
	char path[PATH_MAX + 1], *cur = NULL, q[128];
	int r;

	memcpy(path, e->path, e->plen);
	path[e->plen] = '\0';
	if (strlen(path) != e->plen || e->plen <= dl + 1 ||
	    strncmp(path, j.dir, dl) != 0 || path[dl] != '/' ||
	    path[dl + 1] == '.' || strchr(path + dl + 1, '/')) {
		log_warn("journal record for '%s' is outside '%s': skipped",
		    str_escape(q, sizeof(q), path), j.dir);
		return 0;
	}
	if (file_read_all(path, e->dlen, &cur, &curlen) == 0 &&
	    curlen == e->dlen && memcmp(cur, e->data, e->dlen) == 0) {
		free(cur);
		return 0;
	}
	free(cur);
	if ((r = file_write_replace(path, e->data, e->dlen, e->mode & 07777)) < 0)
		return r;
	p->applied++;
	log_debug("replayed '%s' from the journal", path);
	return 0;
}


/* Apply the records of the live files (older generation first; only those
 * of file only, unless it is -1) whose file does not hold them yet. The
 * number of files written, or -errno. */
static int
replay(int only)
{
	struct replay p = { 0 };
	int order[2] = { 0, 1 }, r = 0;

	pthread_mutex_lock(&j.mu);
	memcpy(p.head, j.head, sizeof(p.head));
	pthread_mutex_unlock(&j.mu);
	if (p.head[1].live && (!p.head[0].live || p.head[1].gen < p.head[0].gen))
		order[0] = 1, order[1] = 0;
	for (int i = 0; i < 2 && r == 0; i++)
		if (p.head[order[i]].live)
			r = scan_file(&p, order[i]);
	if (r == 0)
		r = mark_skips(&p);
	for (size_t i = 0; i < p.n && r == 0; i++)
		if (!p.v[i].skip && (only < 0 || p.v[i].file == only))
			r = apply(&p, &p.v[i]);
	free(p.v);
	free(p.buf[0]);
	free(p.buf[1]);
	return r < 0 ? r : (int)p.applied;
}

/* The journal's thread: write file k's records that are not in place
 * from the journal (the flusher waits meanwhile). */
static int
rewrite(int k)
{
	bool failed;
	int r = 0;

	pthread_mutex_lock(&j.mu);
	failed = j.apply_failed[k];
	pthread_mutex_unlock(&j.mu);
	if (!failed)
		return 0;
	pthread_mutex_lock(&j.place);
	r = replay(k);
	pthread_mutex_unlock(&j.place);
	if (r < 0)
		return r;
	pthread_mutex_lock(&j.mu);
	j.apply_failed[k] = false;
	pthread_mutex_unlock(&j.mu);
	log_info("wrote %d definition file(s) again from the journal", r);
	return 0;
}

/* The journal's thread: file k's records are in place (written again
 * where they were not): flush, then mark it empty. */
static int
empty_file(int k)
{
	int r = rewrite(k);

	if (r == 0)
		r = flush_folder();
	if (r == 0)
		r = head_write(k, false, true);
	pthread_mutex_lock(&j.mu);
	j.ferr[k] = r;
	if (r == 0)
		j.st[k] = J_FREE;
	pthread_cond_broadcast(&j.cv);
	pthread_mutex_unlock(&j.mu);
	return r;
}

/* The journal's thread, the flusher idle: every live file emptied. */
static int
empty_all(void)
{
	int r = 0;

	for (int k = 0; k < 2 && r == 0; k++)
		if (j.head[k].live)
			r = empty_file(k);
	return r;
}

/* Under mu: a full file not tried yet (k), or (*retry) work that failed. */
static int
thread_work(bool *retry)
{
	*retry = false;
	for (int k = 0; k < 2; k++) {
		if (j.st[k] == J_FULL && j.ferr[k] == 0)
			return k;
		if ((j.st[k] == J_FULL && j.ferr[k] < 0) ||
		    (j.st[k] == J_ACTIVE && j.apply_failed[k]))
			*retry = true;
	}
	return -1;
}

/* Once a second: empty a full file again, or write files of the active
 * one again. */
static void
thread_retry(void)
{
	for (int k = 0; k < 2; k++) {
		enum jstate st;

		pthread_mutex_lock(&j.mu);
		st = j.st[k];
		pthread_mutex_unlock(&j.mu);
		if (st == J_FULL)
			empty_file(k);
		else if (st == J_ACTIVE)
			rewrite(k);
	}
}

static void *
journal_thread(void *arg)
{
	struct timespec next = { 0, 0 };

	(void)arg;
	pthread_mutex_lock(&j.mu);
	for (;;) {
		bool retry;
		int k = thread_work(&retry);

		if (k >= 0) {
			pthread_mutex_unlock(&j.mu);
			empty_file(k);
			pthread_mutex_lock(&j.mu);
		} else if (j.ckpt_req) {
			j.ckpt_req = false;
			pthread_mutex_unlock(&j.mu);
			k = empty_all();
			pthread_mutex_lock(&j.mu);
			j.ckpt_rc = k;
			j.ckpt_done++;
			pthread_cond_broadcast(&j.cv);
		} else if (j.quit) {
			break;
		} else if (retry) {
			if (pthread_cond_timedwait(&j.cv, &j.mu, &next) == 0)
				continue;
			pthread_mutex_unlock(&j.mu);
			thread_retry();
			pthread_mutex_lock(&j.mu);
			clock_gettime(CLOCK_REALTIME, &next);
			next.tv_sec++;
		} else {
			pthread_cond_wait(&j.cv, &j.mu);
		}
	}
	pthread_mutex_unlock(&j.mu);
	return NULL;
}

/* Make file k the active one, with a new generation (header not flushed:
 * the batch's fdatasync covers it). */
static int
start_file(int k)
{
	struct jhead *h = &j.head[k];
	uint64_t nonce = 0;
	int r;

	if (getrandom(&nonce, sizeof(nonce), GRND_NONBLOCK) < 0)
		nonce = (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL);
	pthread_mutex_lock(&j.mu);	/* the thread's replay reads heads */
	h->gen = (j.head[0].gen > j.head[1].gen ? j.head[0].gen :
	    j.head[1].gen) + 1;
	h->nonce = nonce;
	r = head_write(k, true, false);
	j.st[k] = J_ACTIVE;
	pthread_mutex_unlock(&j.mu);
	j.active = k;
	j.used = JOURNAL_HEAD;
	j.seq = 0;
	return r;
}

/* Room for need more bytes: the active file, or the other one once the
 * thread has emptied it (the error that keeps it full, if any). */
static int
make_room(uint32_t need)
{
	int k = j.active, r;

	pthread_mutex_lock(&j.mu);
	if (j.st[k] == J_ACTIVE && j.used + need <= JOURNAL_SIZE) {
		pthread_mutex_unlock(&j.mu);
		return 0;
	}
	if (j.st[k] == J_ACTIVE) {
		j.st[k] = J_FULL;
		j.ferr[k] = 0;
		pthread_cond_broadcast(&j.cv);
		k = 1 - k;
	}
	while (j.st[k] == J_FULL && j.ferr[k] == 0)
		pthread_cond_wait(&j.cv, &j.mu);
	r = j.st[k] == J_FULL ? j.ferr[k] : 0;
	pthread_mutex_unlock(&j.mu);
	return r < 0 ? r : start_file(k);
}

int
journal_append(struct journal_rec *recs, size_t n)
{
	uint64_t total = 0;
	size_t dl = strlen(j.dir);
	int cnt = 0, r;

	if (!j.open)
		return -ENOTCONN;
	if (n == 0 || n > JOURNAL_BATCH_MAX)
		return n ? -E2BIG : 0;
	for (size_t i = 0; i < n; i++) {
		struct jrec *h = &j.hdrs[i];
		size_t plen = strlen(recs[i].path);

		if (plen <= dl + 1 || strncmp(recs[i].path, j.dir, dl) != 0 ||
		    recs[i].path[dl] != '/' || strchr(recs[i].path + dl + 1, '/'))
			return -EXDEV;	/* not a file of the folder */
		*h = (struct jrec){ .magic = REC_MAGIC, .type = REC_PUT,
		    .mode = recs[i].mode, .plen = (uint32_t)plen,
		    .dlen = recs[i].len };
		total += sizeof(*h) + plen + recs[i].len;
	}
	if (total > JOURNAL_SIZE - JOURNAL_HEAD)
		return -EFBIG;
	if ((r = make_room((uint32_t)total)) < 0)
		return r;
	pthread_mutex_lock(&j.place);	/* not while waiting for room */
	for (size_t i = 0; i < n; i++) {
		struct jrec *h = &j.hdrs[i];

		h->gen = j.head[j.active].gen;
		h->nonce = j.head[j.active].nonce;
		h->seq = j.seq + (uint32_t)i;
		h->crc = rec_crc(h, recs[i].path, recs[i].data);
		j.iov[cnt++] = (struct iovec){ h, sizeof(*h) };
		j.iov[cnt++] = (struct iovec){ (void *)(uintptr_t)recs[i].path,
		    h->plen };
		j.iov[cnt++] = (struct iovec){ (void *)(uintptr_t)recs[i].data,
		    h->dlen };
	}
	r = pwritev_all(j.fd[j.active], j.iov, cnt, j.used);
	if (r == 0 && fdatasync(j.fd[j.active]) < 0)
		r = -errno;
	j.used += (uint32_t)total;
	if (r == 0) {
		j.seq += (uint32_t)n;
		return 0;	/* place held until journal_placed */
	}
	j.used = JOURNAL_SIZE;	/* a torn record: the other file next */
	pthread_mutex_unlock(&j.place);
	return r;
}

void
journal_placed(size_t nfailed)
{
	if (nfailed > 0) {
		pthread_mutex_lock(&j.mu);
		j.apply_failed[j.active] = true;
		pthread_cond_broadcast(&j.cv);
		pthread_mutex_unlock(&j.mu);
	}
	pthread_mutex_unlock(&j.place);
}

int
journal_checkpoint(void)
{
	uint64_t want;
	int r;

	if (!j.open)
		return 0;
	pthread_mutex_lock(&j.mu);
	if (j.st[0] == J_FREE && j.st[1] == J_FREE) {
		pthread_mutex_unlock(&j.mu);
		return 0;
	}
	want = j.ckpt_done + 1;
	j.ckpt_req = true;
	pthread_cond_broadcast(&j.cv);
	while (j.ckpt_done < want)
		pthread_cond_wait(&j.cv, &j.mu);
	r = j.ckpt_rc;
	pthread_mutex_unlock(&j.mu);
	return r;
}

/* Open or make journal file k: full size, its header read or written.
 * 1 when it was made, 0 when it was there, or -errno. */
static int
open_file(int k)
{
	static const char zero[65536];
	char name[16];
	struct stat st;
	ssize_t n;

	snprintf(name, sizeof(name), ".journal.%d", k);
	j.fd[k] = openat(j.dirfd, name, O_RDWR | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (j.fd[k] < 0 || fstat(j.fd[k], &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1)
		return -EPERM;
	n = pread(j.fd[k], &j.head[k], sizeof(j.head[k]), 0);
	if (st.st_size == JOURNAL_SIZE && n == (ssize_t)sizeof(j.head[k]) &&
	    memcmp(j.head[k].magic, JOURNAL_MAGIC, 8) == 0 &&
	    j.head[k].crc == head_crc(&j.head[k]))
		return 0;
	if (st.st_size > 0)
		log_warn("'%s/%s' is not a journal: made anew", j.dir, name);
	memset(&j.head[k], 0, sizeof(j.head[k]));
	for (off_t o = 0; o < JOURNAL_SIZE; o += (off_t)sizeof(zero))
		if (pwrite(j.fd[k], zero, sizeof(zero), o) !=
		    (ssize_t)sizeof(zero))
			return errno ? -errno : -EIO;
	if (ftruncate(j.fd[k], JOURNAL_SIZE) < 0 || fsync(j.fd[k]) < 0)
		return -errno;
	n = head_write(k, false, true);
	return n < 0 ? (int)n : 1;
}

static void
close_files(void)
{
	for (int k = 0; k < 2; k++) {
		if (j.fd[k] >= 0)
			close(j.fd[k]);
		j.fd[k] = -1;
	}
	if (j.dirfd >= 0)
		close(j.dirfd);
	j.dirfd = -1;
}

/* Without a journal: the files made here go (not one that is live). */
static void
open_failed(const char *dir, int r)
{
	log_warn("no journal in '%s' (%s): definitions are flushed one batch at a time", dir, strerror(-r));
	for (int k = 0; k < 2; k++) {
		char name[16];

		snprintf(name, sizeof(name), ".journal.%d", k);
		if (j.fd[k] >= 0 && !j.head[k].live)
			unlinkat(j.dirfd, name, 0);
	}
	close_files();
}

int
journal_open(const char *dir)
{
	pthread_attr_t at;
	bool made = false;
	int r = 0, n;

	crc_init();
	j.quit = j.ckpt_req = false;
	j.apply_failed[0] = j.apply_failed[1] = false;
	j.ferr[0] = j.ferr[1] = 0;
	if (snprintf(j.dir, sizeof(j.dir), "%s", dir) >= (int)sizeof(j.dir))
		return -ENAMETOOLONG;
	j.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (j.dirfd < 0)
		r = -errno;
	for (int k = 0; k < 2 && r >= 0; k++)
		if ((r = open_file(k)) > 0)
			made = true;
	if (r >= 0 && made && fsync(j.dirfd) < 0)
		r = -errno;
	if (r < 0) {
		open_failed(dir, r);
		return r;
	}
	if ((n = replay(-1)) < 0 || (n > 0 && (r = flush_folder()) < 0))
		log_fatal("cannot replay the journal of '%s': %s", dir,
		    strerror(n < 0 ? -n : -r));
	for (int k = 0; k < 2; k++)
		if (j.head[k].live && (r = head_write(k, false, true)) < 0)
			log_fatal("cannot empty the journal of '%s': %s", dir,
			    strerror(-r));
	if (n > 0)
		log_info("replayed %d definition file(s) from the journal of '%s'", n, dir);
	j.st[0] = j.st[1] = J_FREE;
	j.active = 0;
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 128 * 1024);
	if (pthread_create(&j.th, &at, journal_thread, NULL) != 0)
		log_fatal("cannot start the journal's thread");
	pthread_attr_destroy(&at);
	j.open = true;
	return n;
}

int
journal_active(void)
{
	return j.open;
}

void
journal_close(void)
{
	int r;

	if (!j.open)
		return;
	if ((r = journal_checkpoint()) < 0)
		log_error("cannot empty the journal of '%s': %s (it is replayed at the next start)", j.dir, strerror(-r));
	pthread_mutex_lock(&j.mu);
	j.quit = true;
	pthread_cond_broadcast(&j.cv);
	pthread_mutex_unlock(&j.mu);
	pthread_join(j.th, NULL);
	j.open = false;
	close_files();
}
