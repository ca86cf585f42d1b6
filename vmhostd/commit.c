/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Group commit in vmhostd: the writes of one loop turn become durable together,
 * by one append to the journal (journal.c) and one flush, then are renamed into
 * place; without a journal, by one syncfs and one fsync of their folders. The
 * batch runs in a flusher thread so that the event loop keeps serving reads
 * meanwhile; writes staged during it form the next batch. */
#define LOG_MODULE "commit"
#include "vmhostd/commit.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/fileio.h"
#include "common/log.h"
#include "vmhostd/journal.h"

#define COMMIT_BATCH_MAX	JOURNAL_BATCH_MAX	/* open temp files held at once */

struct staged {
	char *path, *tmp;
	int fd;			/* the temp file, written by the flusher */
	void *data;
	size_t len;
	mode_t mode;
	commit_done_fn done;
	void *arg;
};

struct batch {
	struct staged items[COMMIT_BATCH_MAX];
	size_t n;
	int rc[COMMIT_BATCH_MAX], rdir;
};

static struct {
	struct event_base *base;
	struct event *ev;
	struct staged items[COMMIT_BATCH_MAX];
	size_t n;
	/* the batch with the flusher thread (no allocation, no logging there) */
	struct batch fl;
	bool busy;		/* fl is the thread's or its results are not delivered */
	bool work, done, quit;	/* under mu */
	pthread_t th;
	pid_t pid;		/* the process that started the thread */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int efd;
	struct event *eev;
} q = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER,
	.efd = -1 };

static void batch_sync(struct batch *b);
static void commit_land(void);
static void batch_deliver(struct batch *b);

static void *
flusher(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t one = 1;

		pthread_mutex_lock(&q.mu);
		while (!q.work && !q.quit)
			pthread_cond_wait(&q.cv, &q.mu);
		pthread_mutex_unlock(&q.mu);
		if (!q.work)
			break;
		batch_sync(&q.fl);
		pthread_mutex_lock(&q.mu);
		q.work = false;
		q.done = true;
		pthread_cond_broadcast(&q.cv);
		pthread_mutex_unlock(&q.mu);
		if (write(q.efd, &one, sizeof(one)) < 0) {
			/* the main loop also waits on the condition */
		}
	}
	return NULL;
}

/* Wait for the thread's batch and run its callbacks. */
static void
inflight_finish(void)
{
	if (!q.busy)
		return;
	pthread_mutex_lock(&q.mu);
	while (!q.done)
		pthread_cond_wait(&q.cv, &q.mu);
	q.done = false;
	pthread_mutex_unlock(&q.mu);
	q.busy = false;
	batch_deliver(&q.fl);
}

/* Hand the staged batch to the thread when it is free. */
static void
inflight_start(void)
{
	if (q.busy || q.n == 0)
		return;
	if (q.ev)
		evtimer_del(q.ev);
	memcpy(q.fl.items, q.items, q.n * sizeof(q.items[0]));
	q.fl.n = q.n;
	q.n = 0;
	q.busy = true;
	pthread_mutex_lock(&q.mu);
	q.work = true;
	pthread_cond_signal(&q.cv);
	pthread_mutex_unlock(&q.mu);
}

static void
on_flushed(evutil_socket_t fd, short what, void *arg)
{
	uint64_t v;
	bool done;

	(void)what;
	(void)arg;
	if (read(fd, &v, sizeof(v)) < 0) {
		/* spurious: the batch may have been finished by commit_flush */
	}
	pthread_mutex_lock(&q.mu);
	done = q.done;
	pthread_mutex_unlock(&q.mu);
	if (done)
		inflight_finish();	/* never waits here */
	inflight_start();	/* what was staged meanwhile */
}

static void commit_timer(evutil_socket_t fd, short what, void *arg);

/* At exit: what the thread has lands, then it ends (joined, so nothing
 * of it is left for leak checkers). Not in a forked child. */
static void
commit_atexit(void)
{
	if (getpid() != q.pid)
		return;
	inflight_finish();
	pthread_mutex_lock(&q.mu);
	q.quit = true;
	pthread_cond_signal(&q.cv);
	pthread_mutex_unlock(&q.mu);
	pthread_join(q.th, NULL);
	journal_close();
}

void
commit_init(struct event_base *base, const char *journal_dir)
{
	pthread_attr_t at;

	if (journal_dir)
		journal_open(journal_dir);	/* else, or failing: no journal */
	q.base = base;
	q.ev = evtimer_new(base, commit_timer, NULL);
	if (!q.ev)
		log_fatal("out of memory");
	q.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q.efd < 0)
		log_fatal("eventfd: %s", strerror(errno));
	q.eev = event_new(base, q.efd, EV_READ | EV_PERSIST, on_flushed, NULL);
	if (!q.eev || event_add(q.eev, NULL) < 0)
		log_fatal("out of memory");
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 256 * 1024);
	if (pthread_create(&q.th, &at, flusher, NULL) != 0)
		log_fatal("cannot start the commit thread");
	pthread_attr_destroy(&at);
	q.pid = getpid();
	atexit(commit_atexit);
}

size_t
commit_pending(void)
{
	return q.n + (q.busy ? q.fl.n : 0);
}

/* Keep a copy of what to write; the files are made by the flush (the
 * event loop does no disk I/O for a staged write). */
static int
stage_file(struct staged *s, const char *path, const void *data, size_t len,
    mode_t mode)
{
	size_t plen = strlen(path);

	if (plen == 0 || path[plen - 1] == '/')
		return -EINVAL;
	s->path = strdup(path);
	s->tmp = malloc(plen + sizeof(".tmp.XXXXXX"));
	s->data = malloc(len ? len : 1);
	if (!s->path || !s->tmp || !s->data) {
		free(s->path);
		free(s->tmp);
		free(s->data);
		return -ENOMEM;
	}
	memcpy(s->tmp, path, plen);
	memcpy(s->tmp + plen, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
	memcpy(s->data, data, len);
	s->len = len;
	s->mode = mode;
	s->fd = -1;
	return 0;
}

/* The temp file beside the path, written, not yet flushed (no allocation). */
static int
temp_write(struct staged *s)
{
	int r = 0;

	if ((s->fd = mkostemp(s->tmp, O_CLOEXEC)) < 0)
		return -errno;
	if (s->mode != 0600 && fchmod(s->fd, s->mode) < 0)	/* made 0600 */
		r = -errno;
	if (r == 0)
		r = fd_write_all(s->fd, s->data, s->len);
	if (r == 0)
		return 0;
	close(s->fd);
	unlink(s->tmp);
	s->fd = -1;
	return r;
}

int
commit_stage(const char *path, const void *data, size_t len, mode_t mode,
    commit_done_fn done, void *arg)
{
	struct timeval now = { 0, 0 };
	struct staged *s;
	int r;

	if (q.n == COMMIT_BATCH_MAX)
		commit_land();
	s = &q.items[q.n];
	if ((r = stage_file(s, path, data, len, mode)) < 0)
		return r;
	s->done = done;
	s->arg = arg;
	if (q.n++ == 0 && q.ev)
		evtimer_add(q.ev, &now);
	return 0;
}

/* fsync the folder of path once per distinct folder among items[0..n). */
static int
sync_folders(const struct staged *items, size_t n)
{
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		char *slash = strrchr(items[i].path, '/');
		size_t dlen = slash ? (size_t)(slash - items[i].path) : 0;
		char dir[4096];
		bool seen = false;
		int fd;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strncmp(items[j].path, items[i].path, dlen + 1) == 0 &&
			    !strchr(items[j].path + dlen + 1, '/');
		if (seen || dlen == 0 || dlen >= sizeof(dir))
			continue;
		memcpy(dir, items[i].path, dlen);
		dir[dlen] = '\0';
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || (fsync(fd) < 0 && errno != EINVAL))
			r = -errno;
		if (fd >= 0)
			close(fd);
	}
	return r;
}

/* One flush for the data of every temp file written: fsync when alone,
 * else syncfs. */
static int
sync_data(const struct staged *items, size_t n)
{
	int fd = -1, nfd = 0;

	for (size_t i = 0; i < n; i++)
		if (items[i].fd >= 0 && nfd++ == 0)
			fd = items[i].fd;
	if (nfd == 0)
		return 0;
	if (nfd == 1)
		return fsync(fd) < 0 ? -errno : 0;
	return syncfs(fd) < 0 ? -errno : 0;
}

/* Without the journal: flush, rename, flush the folders. */
static void
batch_direct(struct batch *b)
{
	size_t n = b->n, failed = 0;
	int rdata;

	rdata = sync_data(b->items, n);
	for (size_t i = 0; i < n; i++) {
		struct staged *s = &b->items[i];

		if (s->fd < 0) {	/* not written: rc says why */
			failed++;
			continue;
		}
		b->rc[i] = rdata;
		if (close(s->fd) < 0 && b->rc[i] == 0)
			b->rc[i] = -errno;
		s->fd = -1;
		if (b->rc[i] == 0 && rename(s->tmp, s->path) < 0)
			b->rc[i] = -errno;
		if (b->rc[i] < 0) {
			unlink(s->tmp);
			failed++;
		}
	}
	b->rdir = failed < n ? sync_folders(b->items, n) : 0;
}

/* With the journal: the temp files written, one append and one flush make
 * their content durable, then they are renamed into place. -EFBIG,
 * -ENOTCONN or -EXDEV when the journal cannot take them (the temp files
 * are left as they are), else 0 with each write's rc set. */
static int
batch_journal(struct batch *b)
{
	struct journal_rec recs[COMMIT_BATCH_MAX];
	size_t idx[COMMIT_BATCH_MAX], m = 0, failed = 0;
	int r;

	for (size_t i = 0; i < b->n; i++) {
		struct staged *s = &b->items[i];

		if (s->fd < 0)
			continue;	/* not written: rc says why */
		recs[m] = (struct journal_rec){ .path = s->path,
		    .data = s->data, .len = s->len, .mode = s->mode };
		idx[m++] = i;
	}
	b->rdir = 0;
	if (m == 0)
		return 0;
	r = journal_append(recs, m);
	if (r == -EFBIG || r == -ENOTCONN || r == -EXDEV)
		return r;
	for (size_t k = 0; k < m; k++) {
		struct staged *s = &b->items[idx[k]];

		close(s->fd);	/* its content is in the journal */
		s->fd = -1;
		b->rc[idx[k]] = r;
		if (r < 0)
			unlink(s->tmp);
		else if (rename(s->tmp, s->path) < 0) {
			unlink(s->tmp);	/* durable: the journal writes it */
			failed++;
		}
	}
	if (r == 0)
		journal_placed(failed);
	return 0;
}

/* Write the temp files, make them durable, put them in place: no
 * allocation, no logging (the thread, or commit_land). A batch that is not
 * journaled lets the journal land in the files first (checkpoint), since
 * replaying older records after it would undo it. */
static void
batch_sync(struct batch *b)
{
	int r;

	for (size_t i = 0; i < b->n; i++)
		b->rc[i] = temp_write(&b->items[i]);
	if (batch_journal(b) == 0)
		return;
	if ((r = journal_checkpoint()) < 0)
		for (size_t i = 0; i < b->n; i++)
			if (b->items[i].fd >= 0) {
				close(b->items[i].fd);
				b->items[i].fd = -1;
				unlink(b->items[i].tmp);
				b->rc[i] = r;
			}
	batch_direct(b);
}

/* Log the outcome and call every done callback (the event loop's thread). */
static void
batch_deliver(struct batch *b)
{
	struct staged items[COMMIT_BATCH_MAX];
	int rc[COMMIT_BATCH_MAX], rdir = b->rdir;
	size_t n = b->n, failed = 0;

	for (size_t i = 0; i < n; i++)
		failed += b->rc[i] < 0;
	for (size_t i = 0; i < n && (failed || rdir < 0); i++)
		if (b->rc[i] < 0 || i == n - 1) {
			log_error("cannot commit %zu of %zu file(s): %s",
			    rdir < 0 ? n : failed, n,
			    strerror(b->rc[i] < 0 ? -b->rc[i] : -rdir));
			break;
		}
	if (!failed && rdir == 0)
		log_debug("committed %zu file(s) with one flush", n);
	memcpy(items, b->items, n * sizeof(items[0]));
	memcpy(rc, b->rc, n * sizeof(rc[0]));
	b->n = 0;	/* done callbacks may stage again: a new batch */
	for (size_t i = 0; i < n; i++) {
		/* in place but not known durable: the caller keeps it, says so */
		items[i].done(items[i].arg, rc[i] < 0 ? rc[i] : rdir, rc[i] == 0);
		free(items[i].path);
		free(items[i].tmp);
		free(items[i].data);
	}
}

/* Synchronous: the thread's batch lands, then what is staged, here. */
static void
commit_land(void)
{
	static struct batch b;	/* not reentered: callbacks only stage */

	inflight_finish();
	if (q.n == 0)
		return;
	if (q.ev)
		evtimer_del(q.ev);
	memcpy(b.items, q.items, q.n * sizeof(q.items[0]));
	b.n = q.n;
	q.n = 0;
	batch_sync(&b);
	batch_deliver(&b);
}

int
commit_flush(void)
{
	int r;

	commit_land();
	if ((r = journal_checkpoint()) < 0)
		log_error("cannot flush the journaled definitions: %s (the journal keeps them)", strerror(-r));
	return r;
}

static void
commit_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (q.eev)
		inflight_start();	/* when busy: started once that batch lands */
	else
		commit_land();
}
