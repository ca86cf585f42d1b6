/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Group commit: staged temp files flushed together, renamed, folders fsync'd once. */
#define LOG_MODULE "commit"
#include "vmhostd/commit.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/log.h"

#define COMMIT_BATCH_MAX	256	/* open temp files held at once */

struct staged {
	char *path, *tmp;
	int fd;
	commit_done_fn done;
	void *arg;
};

static struct {
	struct event_base *base;
	struct event *ev;
	struct staged items[COMMIT_BATCH_MAX];
	size_t n;
} q;

static void commit_timer(evutil_socket_t fd, short what, void *arg);

void
commit_init(struct event_base *base)
{
	q.base = base;
	q.ev = evtimer_new(base, commit_timer, NULL);
	if (!q.ev)
		log_fatal("out of memory");
}

size_t
commit_pending(void)
{
	return q.n;
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
stage_file(struct staged *s, const char *path, const void *data, size_t len,
    mode_t mode)
{
	size_t plen = strlen(path);
	int r = 0;

	if (plen == 0 || path[plen - 1] == '/')
		return -EINVAL;
	s->path = strdup(path);
	s->tmp = malloc(plen + sizeof(".tmp.XXXXXX"));
	if (!s->path || !s->tmp) {
		r = -ENOMEM;
		goto fail;
	}
	memcpy(s->tmp, path, plen);
	memcpy(s->tmp + plen, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
	if ((s->fd = mkostemp(s->tmp, O_CLOEXEC)) < 0) {
		r = -errno;
		goto fail;
	}
	if (fchmod(s->fd, mode) < 0)
		r = -errno;
	if (r == 0)
		r = write_all(s->fd, data, len);
	if (r == 0)
		return 0;
	close(s->fd);
	unlink(s->tmp);
fail:
	free(s->path);
	free(s->tmp);
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
		commit_flush();
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
sync_folders(size_t n)
{
	int r = 0;

	for (size_t i = 0; i < n; i++) {
		char *slash = strrchr(q.items[i].path, '/');
		size_t dlen = slash ? (size_t)(slash - q.items[i].path) : 0;
		char dir[4096];
		bool seen = false;
		int fd;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strncmp(q.items[j].path, q.items[i].path, dlen + 1) == 0 &&
			    !strchr(q.items[j].path + dlen + 1, '/');
		if (seen || dlen == 0 || dlen >= sizeof(dir))
			continue;
		memcpy(dir, q.items[i].path, dlen);
		dir[dlen] = '\0';
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || (fsync(fd) < 0 && errno != EINVAL))
			r = -errno;
		if (fd >= 0)
			close(fd);
	}
	return r;
}

/* One flush for the data of every temp file: fsync when alone, else syncfs. */
static int
sync_data(size_t n)
{
	if (n == 1)
		return fsync(q.items[0].fd) < 0 ? -errno : 0;
	return syncfs(q.items[0].fd) < 0 ? -errno : 0;
}

void
commit_flush(void)
{
	struct staged batch[COMMIT_BATCH_MAX];
	int rc[COMMIT_BATCH_MAX], rdata, rdir;
	size_t n = q.n, failed = 0;

	if (n == 0)
		return;
	if (q.ev)
		evtimer_del(q.ev);
	rdata = sync_data(n);
	for (size_t i = 0; i < n; i++) {
		struct staged *s = &q.items[i];

		rc[i] = rdata;
		if (close(s->fd) < 0 && rc[i] == 0)
			rc[i] = -errno;
		if (rc[i] == 0 && rename(s->tmp, s->path) < 0)
			rc[i] = -errno;
		if (rc[i] < 0) {
			unlink(s->tmp);
			failed++;
		}
	}
	rdir = failed < n ? sync_folders(n) : 0;
	for (size_t i = 0; i < n && (failed || rdir < 0); i++)
		if (rc[i] < 0 || i == n - 1) {
			log_error("cannot commit %zu of %zu file(s): %s",
			    rdir < 0 ? n : failed, n,
			    strerror(rc[i] < 0 ? -rc[i] : -rdir));
			break;
		}
	if (!failed && rdir == 0)
		log_debug("committed %zu file(s) with one flush", n);
	memcpy(batch, q.items, n * sizeof(batch[0]));
	q.n = 0;	/* done callbacks may stage again: a new batch */
	for (size_t i = 0; i < n; i++) {
		/* in place but not known durable: the caller keeps it, says so */
		batch[i].done(batch[i].arg, rc[i] < 0 ? rc[i] : rdir, rc[i] == 0);
		free(batch[i].path);
		free(batch[i].tmp);
	}
}

static void
commit_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	commit_flush();
}
