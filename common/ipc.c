/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Framed messages over unix stream sockets with SCM_RIGHTS fds, on libevent; in every process. */
#define LOG_MODULE "ipc"
#include "common/ipc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/log.h"

#define IPC_READ_CHUNK	(64u * 1024)
#define IPC_FRAMES_PER_TURN	8	/* then other peers' turn (fairness) */
#define IPC_CMSG_SPACE	CMSG_SPACE(sizeof(int) * IPC_MAX_FDS)

/*
 * Received descriptors are attached to the stream offset of the last byte
 * that came with them: Linux stops a stream read right after the segment
 * that carried descriptors, and a sender starts each frame that has
 * descriptors with a sendmsg of its own, so that byte lies in their frame.
 */
struct fd_mark {
	uint64_t pos;		/* stream offset (in or out) */
	int fds[IPC_MAX_FDS];
	size_t nfds;
};

struct ipc_conn {
	struct event_base *base;
	int fd;
	struct event *ev_read;
	struct event *ev_write;
	ipc_frame_cb on_frame;
	ipc_close_cb on_close;
	void *arg;
	struct ipc_peer peer;

	uint8_t *in;		/* unparsed input */
	size_t in_len, in_cap;
	uint64_t in_pos;	/* stream offset of in[0] */
	struct fd_mark *in_marks;
	size_t in_nmarks;

	uint8_t *out;		/* unsent output is out[out_head..out_len) */
	size_t out_head, out_len, out_cap;
	uint64_t out_pos;	/* stream offset of out[out_head] */
	struct fd_mark *out_marks;
	size_t out_nmarks;

	int in_callback;
	int dead;		/* freed while in a callback */
	int closed;		/* on_close has been called */
	int flush_close;
	uint32_t max_frame;	/* IPC_MAX_FRAME unless lowered */
	size_t out_pause;	/* stop reading above this much unsent output (0: never) */
	int paused;		/* input not read until the output drains */
	int held;		/* input not read: ipc_conn_hold_input */
	struct event *ev_more;	/* zero timer: frames the per-turn budget left */
	int read_off;		/* ev_read removed for paused or held */
};

static void ipc_conn_fail(struct ipc_conn *c, int err);

static void
marks_close(struct fd_mark *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < m[i].nfds; j++)
			if (m[i].fds[j] >= 0)
				close(m[i].fds[j]);
}

static int
marks_push(struct fd_mark **marks, size_t *n, uint64_t pos, const int *fds,
    size_t nfds)
{
	struct fd_mark *m = realloc(*marks, (*n + 1) * sizeof(**marks));

	if (!m)
		return -ENOMEM;
	*marks = m;
	m[*n].pos = pos;
	m[*n].nfds = nfds;
	memcpy(m[*n].fds, fds, nfds * sizeof(int));
	(*n)++;
	return 0;
}

static int
set_nonblock_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

int
ipc_peer_get(int fd, struct ipc_peer *out)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0)
		return -errno;
	out->pid = uc.pid;
	out->uid = uc.uid;
	out->gid = uc.gid;
	return 0;
}

static void ipc_on_read(evutil_socket_t fd, short what, void *arg);
static void ipc_on_write(evutil_socket_t fd, short what, void *arg);
static ssize_t out_send_once(struct ipc_conn *c);
static const struct timeval zero_tv = { 0, 0 };

static void
ipc_on_more(evutil_socket_t fd, short what, void *arg)
{
	struct ipc_conn *c = arg;

	(void)fd;
	(void)what;
	ipc_on_read(c->fd, EV_READ, c);
}

struct ipc_conn *
ipc_conn_new(struct event_base *base, int fd, ipc_frame_cb on_frame,
    ipc_close_cb on_close, void *arg)
{
	struct ipc_conn *c = calloc(1, sizeof(*c));

	if (!c)
		goto fail;
	c->base = base;
	c->fd = fd;
	c->on_frame = on_frame;
	c->on_close = on_close;
	c->arg = arg;
	c->max_frame = IPC_MAX_FRAME;
	if (set_nonblock_cloexec(fd) < 0)
		goto fail;
	if (ipc_peer_get(fd, &c->peer) < 0)
		c->peer.pid = 0, c->peer.uid = (uid_t)-1, c->peer.gid = (gid_t)-1;
	c->ev_read = event_new(base, fd, EV_READ | EV_PERSIST, ipc_on_read, c);
	c->ev_write = event_new(base, fd, EV_WRITE | EV_PERSIST, ipc_on_write,
	    c);
	c->ev_more = evtimer_new(base, ipc_on_more, c);
	if (!c->ev_read || !c->ev_write || !c->ev_more ||
	    event_add(c->ev_read, NULL) < 0)
		goto fail;
	return c;
fail:
	if (c) {
		if (c->ev_read)
			event_free(c->ev_read);
		if (c->ev_write)
			event_free(c->ev_write);
		if (c->ev_more)
			event_free(c->ev_more);
		free(c);
	}
	close(fd);
	return NULL;
}

static void
ipc_conn_destroy(struct ipc_conn *c)
{
	event_free(c->ev_read);
	event_free(c->ev_write);
	event_free(c->ev_more);
	if (c->fd >= 0)
		close(c->fd);
	marks_close(c->in_marks, c->in_nmarks);
	marks_close(c->out_marks, c->out_nmarks);
	free(c->in_marks);
	free(c->out_marks);
	free(c->in);
	free(c->out);
	free(c);
}

void
ipc_conn_free(struct ipc_conn *c)
{
	if (!c)
		return;
	if (c->in_callback) {
		c->dead = 1;
		event_del(c->ev_read);
		event_del(c->ev_write);
		event_del(c->ev_more);
		return;
	}
	ipc_conn_destroy(c);
}

void
ipc_conn_set_max_frame(struct ipc_conn *c, uint32_t max)
{
	if (max && max < IPC_MAX_FRAME)
		c->max_frame = max;
}

void
ipc_conn_set_output_pause(struct ipc_conn *c, size_t bytes)
{
	c->out_pause = bytes;
}

/* Read the peer or not, after paused and held; frames already buffered
 * are delivered from a later turn of the loop, never from here. */
static void
in_update(struct ipc_conn *c)
{
	int want = !c->paused && !c->held;

	if (c->dead || c->closed || c->flush_close)
		return;
	if (want && c->read_off) {
		c->read_off = 0;
		event_add(c->ev_read, NULL);
		evtimer_add(c->ev_more, &zero_tv);	/* the frames kept */
	} else if (!want && !c->read_off) {
		c->read_off = 1;
		event_del(c->ev_read);
	}
}

void
ipc_conn_hold_input(struct ipc_conn *c, int hold)
{
	if (c->held != !!hold) {
		c->held = !!hold;
		in_update(c);
	}
}

uint32_t
ipc_conn_max_frame(const struct ipc_conn *c)
{
	return c->max_frame;
}

const struct ipc_peer *
ipc_conn_peer(const struct ipc_conn *c)
{
	return &c->peer;
}

int
ipc_conn_fd(const struct ipc_conn *c)
{
	return c->fd;
}

size_t
ipc_conn_pending_output(const struct ipc_conn *c)
{
	return c->out_len - c->out_head;
}

static int
out_reserve(struct ipc_conn *c, size_t add)
{
	size_t need;
	uint8_t *p;

	if (c->out_head > 0 && c->out_head == c->out_len) {
		c->out_head = c->out_len = 0;
	} else if (c->out_head > c->out_cap / 2) {
		memmove(c->out, c->out + c->out_head, c->out_len - c->out_head);
		c->out_len -= c->out_head;
		c->out_head = 0;
	}
	need = c->out_len + add;
	if (need <= c->out_cap)
		return 0;
	if (need < 2 * c->out_cap)
		need = 2 * c->out_cap;
	p = realloc(c->out, need);
	if (!p)
		return -ENOMEM;
	c->out = p;
	c->out_cap = need;
	return 0;
}

int
ipc_conn_send(struct ipc_conn *c, const uint8_t *msg, size_t len,
    const int *fds, size_t nfds)
{
	int dup_fds[IPC_MAX_FDS];
	uint64_t pos;
	size_t i;
	int r;

	if (c->dead || c->closed)
		return -EPIPE;
	if (len > IPC_MAX_FRAME || nfds > IPC_MAX_FDS)
		return -EMSGSIZE;
	if (ipc_conn_pending_output(c) + len + 4 > IPC_MAX_OUTPUT)
		return -ENOBUFS;
	if ((r = out_reserve(c, len + 4)) < 0)
		return r;
	pos = c->out_pos + (c->out_len - c->out_head);
	for (i = 0; i < nfds; i++) {
		dup_fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
		if (dup_fds[i] < 0) {
			r = -errno;
			while (i-- > 0)
				close(dup_fds[i]);
			return r;
		}
	}
	if (nfds && (r = marks_push(&c->out_marks, &c->out_nmarks, pos,
	    dup_fds, nfds)) < 0) {
		for (i = 0; i < nfds; i++)
			close(dup_fds[i]);
		return r;
	}
	c->out[c->out_len++] = (uint8_t)(len >> 24);
	c->out[c->out_len++] = (uint8_t)(len >> 16);
	c->out[c->out_len++] = (uint8_t)(len >> 8);
	c->out[c->out_len++] = (uint8_t)len;
	if (len)
		memcpy(c->out + c->out_len, msg, len);
	c->out_len += len;
	/* Alone in the buffer, without descriptors: sent now (a request and
	 * its reply cost no poll for writability); what is left, or an
	 * error, is for the write event. */
	if (c->out_nmarks == 0 && c->out_head + len + 4 == c->out_len) {
		ssize_t n = out_send_once(c);

		if (n > 0 && c->out_head == c->out_len)
			return 0;
	}
	event_add(c->ev_write, NULL);
	return 0;
}

void
ipc_conn_close_after_flush(struct ipc_conn *c)
{
	c->flush_close = 1;
	event_del(c->ev_read);
	/* closed from the loop, never under the caller (which may be
	 * delivering a frame of c) */
	event_add(c->ev_write, NULL);
}

/* One sendmsg: bytes up to the next marked frame, or a marked frame's
 * first bytes with its descriptors. Returns bytes sent or -errno. */
static ssize_t
out_send_once(struct ipc_conn *c)
{
	size_t avail = c->out_len - c->out_head;
	struct iovec iov = { c->out + c->out_head, avail };
	union { char buf[IPC_CMSG_SPACE]; struct cmsghdr align; } u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct fd_mark *m = c->out_nmarks ? &c->out_marks[0] : NULL;
	ssize_t n;

	if (m && m->pos > c->out_pos && m->pos - c->out_pos < avail)
		iov.iov_len = m->pos - c->out_pos;
	if (m && m->pos == c->out_pos) {
		struct cmsghdr *cm;

		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * m->nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * m->nfds);
		memcpy(CMSG_DATA(cm), m->fds, sizeof(int) * m->nfds);
		/* The whole frame in this sendmsg, nothing of the next. */
		if (c->out_nmarks > 1 && c->out_marks[1].pos - m->pos < avail)
			iov.iov_len = c->out_marks[1].pos - m->pos;
	}
	n = sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	if (mh.msg_control) {
		marks_close(m, 1);
		memmove(c->out_marks, c->out_marks + 1,
		    (--c->out_nmarks) * sizeof(*m));
	}
	c->out_head += (size_t)n;
	c->out_pos += (uint64_t)n;
	return n;
}

static void
ipc_on_write(evutil_socket_t fd, short what, void *arg)
{
	struct ipc_conn *c = arg;
	ssize_t n;

	(void)fd;
	(void)what;
	while (c->out_head < c->out_len) {
		n = out_send_once(c);
		if (n == -EAGAIN || n == -EINTR)
			break;
		if (n < 0) {
			ipc_conn_fail(c, (int)n);
			return;
		}
	}
	if (c->out_head == c->out_len) {
		event_del(c->ev_write);
		if (c->flush_close) {
			ipc_conn_fail(c, 0);
			return;
		}
	}
	/* A peer that reads again is read again, from the frames kept. */
	if (c->paused && ipc_conn_pending_output(c) <= c->out_pause / 2) {
		c->paused = 0;
		in_update(c);
	}
}

static void
ipc_conn_fail(struct ipc_conn *c, int err)
{
	if (c->closed)
		return;
	/* After an oversized frame the peer may still be told why. */
	if (err != -EMSGSIZE)
		c->closed = 1;
	event_del(c->ev_read);
	event_del(c->ev_write);
	event_del(c->ev_more);
	c->in_callback++;
	c->on_close(c, err, c->arg);
	c->in_callback--;
	if (c->dead)
		ipc_conn_destroy(c);
}

/* Collect the descriptors of marks inside [start, end) into fds. */
static size_t
in_take_fds(struct ipc_conn *c, uint64_t start, uint64_t end, int *fds)
{
	size_t n = 0, keep = 0;

	for (size_t i = 0; i < c->in_nmarks; i++) {
		struct fd_mark *m = &c->in_marks[i];

		if (m->pos >= start && m->pos < end) {
			for (size_t j = 0; j < m->nfds; j++) {
				if (n < IPC_MAX_FDS)
					fds[n++] = m->fds[j];
				else
					close(m->fds[j]);
			}
		} else {
			c->in_marks[keep++] = *m;
		}
	}
	c->in_nmarks = keep;
	return n;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Deliver every complete frame; returns -1 when the conn went away. */
static int
in_deliver(struct ipc_conn *c)
{
	size_t off = 0;
	int rc = 0, budget = IPC_FRAMES_PER_TURN;

	c->in_callback++;
	while (!c->dead && !c->closed && !c->flush_close && !c->held &&
	    c->in_len - off >= 4) {
		/* Backpressure: a peer that does not read its replies is not
		 * read either; its requests wait in the kernel's buffers. */
		if (c->out_pause && ipc_conn_pending_output(c) > c->out_pause) {
			c->paused = 1;
			in_update(c);
			break;
		}
		/* A peer with many frames queued gets a turn, then the others
		 * theirs: the rest are delivered from a later callback. */
		if (budget-- == 0) {
			/* after the loop's next poll: new requests of others
			 * come before this peer's next share */
			evtimer_add(c->ev_more, &zero_tv);
			break;
		}
		uint32_t len = be32(c->in + off);
		int fds[IPC_MAX_FDS];
		size_t nfds;
		uint64_t start = c->in_pos + off;

		if (len > c->max_frame) {
			log_warn("peer pid %d uid %u: frame of %u bytes exceeds the %u byte limit",
			    (int)c->peer.pid, (unsigned)c->peer.uid, len,
			    c->max_frame);
			ipc_conn_fail(c, -EMSGSIZE);
			break;
		}
		if (c->in_len - off - 4 < len)
			break;
		nfds = in_take_fds(c, start, start + 4 + len, fds);
		off += 4 + (size_t)len;
		c->on_frame(c, c->in + off - len, len, fds, nfds, c->arg);
	}
	if (!c->dead && c->out_pause && ipc_conn_pending_output(c) > c->out_pause) {
		c->paused = 1;
		in_update(c);
	}
	c->in_callback--;
	if (c->dead) {
		ipc_conn_destroy(c);
		return -1;
	}
	if (off) {
		memmove(c->in, c->in + off, c->in_len - off);
		c->in_len -= off;
		c->in_pos += off;
	}
	return rc;
}

static int
in_reserve(struct ipc_conn *c)
{
	size_t need = c->in_len + IPC_READ_CHUNK;
	uint8_t *p;

	if (need <= c->in_cap)
		return 0;
	if (need < 2 * c->in_cap)
		need = 2 * c->in_cap;
	if (need > IPC_MAX_FRAME + 4 + IPC_READ_CHUNK)
		need = IPC_MAX_FRAME + 4 + IPC_READ_CHUNK;
	if (need <= c->in_cap)
		return 0;
	p = realloc(c->in, need);
	if (!p)
		return -ENOMEM;
	c->in = p;
	c->in_cap = need;
	return 0;
}

/* One recvmsg into the input buffer: bytes read, 0 on EOF, or -errno. */
static ssize_t
in_recv_once(struct ipc_conn *c)
{
	union { char buf[IPC_CMSG_SPACE]; struct cmsghdr align; } u;
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	ssize_t n;
	int r;

	if ((r = in_reserve(c)) < 0)
		return r;
	iov.iov_base = c->in + c->in_len;
	iov.iov_len = c->in_cap - c->in_len;
	n = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t nfds;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		nfds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (n == 0 || marks_push(&c->in_marks, &c->in_nmarks,
		    c->in_pos + c->in_len + (size_t)n - 1,
		    (int *)CMSG_DATA(cm), nfds) < 0) {
			for (size_t i = 0; i < nfds; i++)
				close(((int *)CMSG_DATA(cm))[i]);
		}
	}
	if (mh.msg_flags & MSG_CTRUNC)
		return -ETOOMANYREFS;
	c->in_len += (size_t)n;
	return n;
}

static void
ipc_on_read(evutil_socket_t fd, short what, void *arg)
{
	struct ipc_conn *c = arg;
	ssize_t n;

	(void)fd;
	(void)what;
	if (c->paused || c->held || c->closed || c->flush_close || c->dead)
		return;
	/* Frames left by the per-turn budget go first: no read meanwhile. */
	if (c->in_len < 4 || c->in_len - 4 < be32(c->in)) {
		n = in_recv_once(c);
		if (n == -EAGAIN || n == -EINTR)
			return;
		if (n < 0) {
			ipc_conn_fail(c, (int)n);
			return;
		}
		if (n == 0) {	/* the replies already queued still go */
			if (c->in_len)
				ipc_conn_fail(c, -EBADMSG);
			else
				ipc_conn_close_after_flush(c);
			return;
		}
	}
	in_deliver(c);
}

int
ipc_listen(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (unlink(path) < 0 && errno != ENOENT)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	if (chmod(path, mode) < 0)
		goto fail;
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) < 0)
		goto fail;
	if (listen(fd, 128) < 0)
		goto fail;
	return fd;
fail:
	r = -errno;
	close(fd);
	return r;
}

int
ipc_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int
ipc_send_frame(int fd, const uint8_t *msg, size_t len, const int *fds,
    size_t nfds)
{
	uint8_t hdr[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16),
		(uint8_t)(len >> 8), (uint8_t)len };
	struct iovec iov[2] = { { hdr, 4 }, { (void *)(uintptr_t)msg, len } };
	union { char buf[IPC_CMSG_SPACE]; struct cmsghdr align; } u;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	size_t total = 4 + len, sent = 0;
	ssize_t n;

	if (len > IPC_MAX_FRAME || nfds > IPC_MAX_FDS)
		return -EMSGSIZE;
	if (nfds) {
		struct cmsghdr *cm;

		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	while (sent < total) {
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		sent += (size_t)n;
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
		while (n > 0 && mh.msg_iovlen > 0) {
			size_t k = (size_t)n < mh.msg_iov[0].iov_len ?
			    (size_t)n : mh.msg_iov[0].iov_len;

			mh.msg_iov[0].iov_base = (char *)mh.msg_iov[0].iov_base + k;
			mh.msg_iov[0].iov_len -= k;
			n -= (ssize_t)k;
			if (mh.msg_iov[0].iov_len == 0) {
				mh.msg_iov++;
				mh.msg_iovlen--;
			}
		}
	}
	return 0;
}

/* Read exactly len bytes, collecting descriptors. 0, -ECONNRESET on EOF
 * before any byte, -EBADMSG on EOF inside, or -errno. */
static int
recv_exact(int fd, uint8_t *buf, size_t len, int *fds, size_t *nfds,
    size_t maxfds, int started)
{
	size_t got = 0;

	while (got < len) {
		union { char b[IPC_CMSG_SPACE]; struct cmsghdr align; } u;
		struct iovec iov = { buf + got, len - got };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = u.b, .msg_controllen = sizeof(u.b) };
		struct cmsghdr *cm;
		ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int *p = (int *)CMSG_DATA(cm);

			if (cm->cmsg_type != SCM_RIGHTS)
				continue;
			for (size_t i = 0; i < k; i++) {
				if (fds && *nfds < maxfds)
					fds[(*nfds)++] = p[i];
				else
					close(p[i]);
			}
		}
		if (n == 0)
			return (got || started) ? -EBADMSG : -ECONNRESET;
		got += (size_t)n;
	}
	return 0;
}

int
ipc_recv_frame(int fd, size_t max, uint8_t **msg, size_t *len, int *fds,
    size_t *nfds)
{
	size_t maxfds = nfds ? *nfds : 0, got = 0;
	uint8_t hdr[4];
	uint32_t n;
	uint8_t *buf;
	int r;

	if (nfds)
		*nfds = 0;
	*msg = NULL;
	r = recv_exact(fd, hdr, 4, fds, nfds ? nfds : &got, maxfds, 0);
	if (r < 0)
		return r;
	n = be32(hdr);
	if (n > max || n > IPC_MAX_FRAME)
		return -EMSGSIZE;
	buf = malloc(n ? n : 1);
	if (!buf)
		return -ENOMEM;
	r = recv_exact(fd, buf, n, fds, nfds ? nfds : &got, maxfds, 1);
	if (r < 0) {
		free(buf);
		return r;
	}
	*msg = buf;
	*len = n;
	return 0;
}
