/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Load generator: N clients, one connection each, speaking the client protocol
 * directly (4-byte big-endian length + vmhost.Request), multiplexed with epoll
 * in J threads. Closed loop: each client has one call in flight. Mix: W% writes
 * (redefinition of one of the client's own domains with a new description,
 * durable through group commit before its reply), the rest reads in thirds:
 * dominfo, domstate (both the domain_info call) and dumpxml of a random domain.
 * Each domain is written by one client only, so the last value each client got
 * acknowledged must be what dumpxml returns and what the file holds at the end
 * ("lost updates" otherwise).
 *
 * Extra peers: --stuck K clients that send requests and never read a reply;
 * --flood K clients that pipeline redefinitions of their own domains far past
 * the in-flight cap while reading replies; --flood-reads K the same with
 * dumpxml (answered at once: bounded by the per-turn share, not the cap).
 *
 * Output: "key value" lines (for scripts); errors on stderr.
 * Exit status 1 on any error of a normal client, a lost update, or a broken
 * connection of a normal client.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmhost.pb-c.h"
#include "bench_wire.h"

enum op { OP_INFO, OP_STATE, OP_XML, OP_WRITE, OP_LIST };
enum kind { K_NORMAL, K_STUCK, K_FLOOD };

#define FLOOD_DOMAINS	16
#define FLOOD_WINDOW	1024	/* calls a flooder keeps in flight */
#define RBUF_MIN	(64 * 1024)

static struct {
	const char *sock, *prefix, *dir;
	int clients, threads, domains, write_pct, seconds, stuck, flood;
	int define, check, list_calls, pid, restart_n, stuck_list, flood_reads;
	char **restart_cmd;
} opt = {
	.prefix = "bench", .clients = 100, .threads = 1, .domains = 1000,
	.write_pct = 20, .seconds = 10,
};

static unsigned uuid_tag;
static atomic_int stop_flag;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
connect_sock(void)
{
	return bench_connect(opt.sock);
}

#define io_all bench_io_all

/* ---- requests ---- */

static void
dom_name(char *buf, size_t len, int i)
{
	if (i >= 90000)
		snprintf(buf, len, "%s-flood-%02d", opt.prefix, i - 90000);
	else
		snprintf(buf, len, "%s-%05d", opt.prefix, i);
}

static void
dom_xml(char *xml, size_t len, int i, const char *desc)
{
	char name[128];

	dom_name(name, sizeof(name), i);
	snprintf(xml, len,
	    "<domain type='qemu'><name>%s</name>"
	    "<uuid>%08x-0000-4000-8000-%012d</uuid>"
	    "<description>%s</description>"
	    "<memory unit='MiB'>128</memory><vcpu>1</vcpu>"
	    "<os><type arch='x86_64' machine='pc'>hvm</type></os>"
	    "<devices><disk type='file' device='disk'>"
	    "<driver name='qemu' type='qcow2'/>"
	    "<source file='/var/lib/vmhost/images/%s.qcow2'/>"
	    "<target dev='vda' bus='virtio'/></disk>"
	    "<serial type='pty'/></devices></domain>", name, uuid_tag, i, desc,
	    name);
}

/* Pack one request with its length prefix into buf; bytes or -1. */
static int
pack_req(uint8_t *buf, size_t cap, uint32_t serial, enum op op, int dom,
    const char *desc)
{
	Vmhost__Request req;
	Vmhost__DomainRef ref;
	Vmhost__DomainXmlRequest xr;
	Vmhost__DomainDefineRequest dr;
	Vmhost__DomainListRequest lr;
	char name[128], xml[1024];
	size_t len;

	vmhost__request__init(&req);
	req.serial = serial;
	dom_name(name, sizeof(name), dom);
	switch (op) {
	case OP_INFO:
	case OP_STATE:
		vmhost__domain_ref__init(&ref);
		ref.key = name;
		req.op_case = VMHOST__REQUEST__OP_DOMAIN_INFO;
		req.domain_info = &ref;
		break;
	case OP_XML:
		vmhost__domain_xml_request__init(&xr);
		xr.key = name;
		req.op_case = VMHOST__REQUEST__OP_DOMAIN_XML;
		req.domain_xml = &xr;
		break;
	case OP_WRITE:
		vmhost__domain_define_request__init(&dr);
		dom_xml(xml, sizeof(xml), dom, desc);
		dr.xml = xml;
		req.op_case = VMHOST__REQUEST__OP_DOMAIN_DEFINE;
		req.domain_define = &dr;
		break;
	case OP_LIST:
		vmhost__domain_list_request__init(&lr);
		lr.all = 1;
		req.op_case = VMHOST__REQUEST__OP_DOMAIN_LIST;
		req.domain_list = &lr;
		break;
	}
	len = vmhost__request__get_packed_size(&req);
	if (len + 4 > cap)
		return -1;
	vmhost__request__pack(&req, buf + 4);
	buf[0] = (uint8_t)(len >> 24);
	buf[1] = (uint8_t)(len >> 16);
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
	return (int)len + 4;
}

/* Blocking call on fd; the unpacked reply or NULL. */
static Vmhost__Reply *
call_sync(int fd, enum op op, int dom)
{
	static uint32_t serial;
	uint8_t buf[2048], hdr[4], *rb;
	Vmhost__Reply *rep;
	uint32_t len;
	int n = pack_req(buf, sizeof(buf), ++serial, op, dom, "");

	if (n < 0 || io_all(fd, buf, (size_t)n, 1) < 0 ||
	    io_all(fd, hdr, 4, 0) < 0)
		return NULL;
	len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3];
	if (len > (1u << 26) || !(rb = malloc(len ? len : 1)))
		return NULL;
	if (io_all(fd, rb, len, 0) < 0) {
		free(rb);
		return NULL;
	}
	rep = vmhost__reply__unpack(NULL, len, rb);
	free(rb);
	return rep;
}

/* ---- clients ---- */

struct lat {
	double *v;
	size_t n, cap;
};

static void
lat_add(struct lat *l, double ms)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4096;
		if (!(l->v = realloc(l->v, l->cap * sizeof(*l->v)))) {
			perror("realloc");
			exit(2);
		}
	}
	l->v[l->n++] = ms;
}

struct client {
	int fd, id, kind;
	bool dead, want_out;
	uint8_t ob[2048];	/* the unsent rest of a frame */
	size_t olen, ooff;
	uint8_t *rb;
	size_t rlen, rcap;
	/* normal: the call in flight */
	bool busy;
	long done;		/* calls answered */
	enum op op;
	int dom;
	uint32_t serial, seq;
	double t0;
	/* flood: outstanding writes by serial (ring) */
	uint32_t f_sent, f_got;
	int f_dom[FLOOD_WINDOW];
	uint32_t f_seq[FLOOD_WINDOW];
	unsigned rnd;
};

struct worker {
	pthread_t th;
	int ep;
	struct client **cl;
	size_t n;
	struct lat rd, wr;
	long ops, reads, writes, errors, broken;
	long f_ok, f_busy, f_err, fr_ok, fr_err;
	char first_error[256];
};

static uint32_t *last_seq;	/* per domain: last acknowledged write's seq */
static uint32_t *last_client;
static uint32_t flood_last[64][FLOOD_DOMAINS];

static unsigned
rnd_next(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static int
owned_count(int id)
{
	/* domains id, id + N, id + 2N, ... below the domain count */
	return id < opt.domains ? (opt.domains - 1 - id) / opt.clients + 1 : 0;
}

static void
note_error(struct worker *w, const char *what)
{
	w->errors++;
	if (!w->first_error[0])
		snprintf(w->first_error, sizeof(w->first_error), "%s", what);
}

/* 1: what was pending is sent, 0: not yet (EAGAIN), -1: broken. */
static int
flush_out(struct client *c)
{
	while (c->ooff < c->olen) {
		ssize_t s = send(c->fd, c->ob + c->ooff, c->olen - c->ooff,
		    MSG_NOSIGNAL | MSG_DONTWAIT);

		if (s < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return 0;
		if (s <= 0)
			return -1;
		c->ooff += (size_t)s;
	}
	c->olen = c->ooff = 0;
	return 1;
}

/* 1: the frame is taken (its rest maybe kept in ob), 0: not taken, -1: broken. */
static int
send_frame(struct client *c, const uint8_t *buf, int n)
{
	int r = flush_out(c);
	ssize_t s;

	if (r <= 0)
		return r;
	s = send(c->fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (s < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	if (s < 0)
		return -1;
	if (s < n) {
		memcpy(c->ob, buf + s, (size_t)(n - s));
		c->olen = (size_t)(n - s);
		c->ooff = 0;
	}
	return 1;
}

static int
normal_send(struct worker *w, struct client *c)
{
	uint8_t buf[2048];
	char desc[64] = "";
	unsigned r = rnd_next(&c->rnd) % 100;
	int n, own = owned_count(c->id);

	if ((int)r < opt.write_pct && own > 0) {
		c->op = OP_WRITE;
		c->dom = c->id + opt.clients * (int)(rnd_next(&c->rnd) % (unsigned)own);
		c->seq++;
		snprintf(desc, sizeof(desc), "load-c%d-s%u", c->id, c->seq);
	} else {
		c->op = (enum op)(rnd_next(&c->rnd) % 3);
		c->dom = (int)(rnd_next(&c->rnd) % (unsigned)opt.domains);
	}
	c->serial++;
	n = pack_req(buf, sizeof(buf), c->serial, c->op, c->dom, desc);
	c->t0 = now_ms();
	if (n < 0 || send(c->fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) != n) {
		note_error(w, "send failed");
		w->broken++;
		c->dead = true;
		return -1;
	}
	c->busy = true;
	return 0;
}

static void
normal_reply(struct worker *w, struct client *c, Vmhost__Reply *rep)
{
	double ms = now_ms() - c->t0;

	c->busy = false;
	c->done++;
	w->ops++;
	if (rep->serial != c->serial) {
		note_error(w, "reply to the wrong serial");
	} else if (rep->result_case == VMHOST__REPLY__RESULT_ERROR) {
		char m[256];

		snprintf(m, sizeof(m), "%s: %s", c->op == OP_WRITE ? "write" :
		    "read", rep->error->message);
		note_error(w, m);
	} else if (c->op == OP_WRITE) {
		last_seq[c->dom] = c->seq;
		last_client[c->dom] = (uint32_t)c->id;
	}
	if (c->op == OP_WRITE) {
		w->writes++;
		lat_add(&w->wr, ms);
	} else {
		w->reads++;
		lat_add(&w->rd, ms);
	}
}

static int
flood_index(const struct client *c)
{
	return c->id - opt.clients - opt.stuck;
}

static void
flood_fill(struct worker *w, struct client *c)
{
	uint8_t buf[2048];
	char desc[64];
	int n, r = 1, fi = flood_index(c);
	bool want;

	if ((r = flush_out(c)) < 0)
		goto broken;
	while (r > 0 && !atomic_load(&stop_flag) &&
	    c->f_sent - c->f_got < FLOOD_WINDOW) {
		uint32_t k = c->f_sent % FLOOD_WINDOW;
		int d = (int)(c->f_sent % FLOOD_DOMAINS);

		snprintf(desc, sizeof(desc), "flood-%d-s%u", c->id, c->f_sent + 1);
		if (fi >= opt.flood)	/* a reader: dumpxml of any domain */
			n = pack_req(buf, sizeof(buf), c->f_sent + 1, OP_XML,
			    (int)(rnd_next(&c->rnd) % (unsigned)opt.domains), "");
		else
			n = pack_req(buf, sizeof(buf), c->f_sent + 1, OP_WRITE,
			    90000 + fi * FLOOD_DOMAINS + d, desc);
		if ((r = send_frame(c, buf, n)) < 0)
			goto broken;
		if (r == 0)
			break;
		c->f_dom[k] = d;
		c->f_seq[k] = c->f_sent + 1;
		c->f_sent++;
	}
	want = c->olen > 0;
	if (want != c->want_out) {
		struct epoll_event ev = { .events = EPOLLIN | (want ? EPOLLOUT : 0),
			.data.ptr = c };

		epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd, &ev);
		c->want_out = want;
	}
	return;
broken:
	c->dead = true;
	epoll_ctl(w->ep, EPOLL_CTL_DEL, c->fd, NULL);
}

static void
flood_reply(struct worker *w, struct client *c, Vmhost__Reply *rep)
{
	uint32_t k = (rep->serial - 1) % FLOOD_WINDOW;

	c->f_got++;
	if (flood_index(c) >= opt.flood) {
		if (rep->result_case == VMHOST__REPLY__RESULT_TEXT)
			w->fr_ok++;
		else
			w->fr_err++;
	} else if (rep->result_case != VMHOST__REPLY__RESULT_ERROR) {
		w->f_ok++;
		if (rep->serial == c->f_seq[k])
			flood_last[flood_index(c)][c->f_dom[k]] = rep->serial;
	} else if (rep->error->code == EBUSY) {
		w->f_busy++;
	} else {
		w->f_err++;
	}
}

/* Read what is there; handle every complete reply. */
static void
client_read(struct worker *w, struct client *c)
{
	size_t off = 0;

	for (;;) {
		ssize_t n;

		if (c->rcap - c->rlen < RBUF_MIN) {
			c->rcap = c->rcap ? c->rcap * 2 : 2 * RBUF_MIN;
			if (!(c->rb = realloc(c->rb, c->rcap))) {
				perror("realloc");
				exit(2);
			}
		}
		n = read(c->fd, c->rb + c->rlen, c->rcap - c->rlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			if (c->kind == K_NORMAL) {
				note_error(w, "connection closed by vmhostd");
				w->broken++;
			}
			c->dead = true;
			epoll_ctl(w->ep, EPOLL_CTL_DEL, c->fd, NULL);
			return;
		}
		c->rlen += (size_t)n;
		if ((size_t)n < c->rcap - c->rlen + (size_t)n)
			break;
	}
	while (c->rlen - off >= 4) {
		const uint8_t *p = c->rb + off;
		uint32_t len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
		Vmhost__Reply *rep;

		if (c->rlen - off - 4 < len)
			break;
		rep = vmhost__reply__unpack(NULL, len, p + 4);
		off += 4 + len;
		if (!rep) {
			note_error(w, "reply does not unpack");
			continue;
		}
		if (c->kind == K_FLOOD)
			flood_reply(w, c, rep);
		else
			normal_reply(w, c, rep);
		vmhost__reply__free_unpacked(rep, NULL);
	}
	memmove(c->rb, c->rb + off, c->rlen - off);
	c->rlen -= off;
}

static bool
client_idle(const struct client *c)
{
	if (c->dead)
		return true;
	if (c->kind == K_FLOOD)
		return c->f_got == c->f_sent && !c->olen;
	return !c->busy;
}

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	struct epoll_event evs[128];
	double drain_end = 0;

	for (size_t i = 0; i < w->n; i++) {
		struct client *c = w->cl[i];
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

		epoll_ctl(w->ep, EPOLL_CTL_ADD, c->fd, &ev);
		if (c->kind == K_NORMAL)
			normal_send(w, c);
		else
			flood_fill(w, c);
	}
	for (;;) {
		int stopping = atomic_load(&stop_flag), idle = 1;

		if (stopping) {
			for (size_t i = 0; i < w->n && idle; i++)
				idle = client_idle(w->cl[i]);
			if (idle)
				break;
			if (!drain_end)
				drain_end = now_ms() + 30000;
			else if (now_ms() > drain_end) {
				note_error(w, "replies still missing 30 s after the end");
				break;
			}
		}
		int n = epoll_wait(w->ep, evs, 128, 100);

		for (int i = 0; i < n; i++) {
			struct client *c = evs[i].data.ptr;

			if (c->dead)
				continue;
			client_read(w, c);
			if (c->dead)
				continue;
			if (c->kind == K_FLOOD)
				flood_fill(w, c);
			else if (!c->busy && !atomic_load(&stop_flag))
				normal_send(w, c);
		}
	}
	return NULL;
}

/* ---- the daemon's side: RSS and CPU ---- */

static long
proc_rss_kib(int pid)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static double
proc_cpu_s(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (!(p = strrchr(buf, ')')) ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double
self_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* ---- phases ---- */

/* Define domains [0, n) on one connection, 64 in flight (the in-flight cap). */
static int
define_all(int n)
{
	int fd = connect_sock(), sent = 0, got = 0, errors = 0;
	uint8_t buf[2048], hdr[4], rb[4096];
	double t0 = now_ms();

	if (fd < 0) {
		perror("connect");
		return -1;
	}
	while (got < n) {
		while (sent < n && sent - got < 64) {
			uint8_t *p = buf;
			int k;

			k = pack_req(p, sizeof(buf), (uint32_t)sent + 1, OP_WRITE,
			    sent, "init");
			if (k < 0 || io_all(fd, p, (size_t)k, 1) < 0)
				return -1;
			sent++;
		}
		uint32_t len;
		Vmhost__Reply *rep;

		if (io_all(fd, hdr, 4, 0) < 0)
			return -1;
		len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
		    (uint32_t)hdr[2] << 8 | hdr[3];
		if (len > sizeof(rb) || io_all(fd, rb, len, 0) < 0 ||
		    !(rep = vmhost__reply__unpack(NULL, len, rb)))
			return -1;
		if (rep->result_case == VMHOST__REPLY__RESULT_ERROR) {
			if (!errors)
				fprintf(stderr, "define: %s\n", rep->error->message);
			errors++;
		}
		vmhost__reply__free_unpacked(rep, NULL);
		got++;
	}
	close(fd);
	printf("define_n %d\ndefine_ms %.1f\ndefine_errors %d\n", n,
	    now_ms() - t0, errors);
	return errors ? -1 : 0;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(double *v, size_t n, double p)
{
	if (!n)
		return 0;
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);

	return v[i];
}

/* Median time of k list-all calls (one client, in process); count in *n. */
static double
list_median(int k, size_t *n)
{
	int fd = connect_sock();
	double *t = calloc((size_t)k, sizeof(*t)), m;

	*n = 0;
	if (fd < 0 || !t)
		return -1;
	for (int i = 0; i < k; i++) {
		double t0 = now_ms();
		Vmhost__Reply *rep = call_sync(fd, OP_LIST, 0);

		t[i] = now_ms() - t0;
		if (!rep || rep->result_case != VMHOST__REPLY__RESULT_DOMAIN_LIST) {
			close(fd);
			free(t);
			return -1;
		}
		*n = rep->domain_list->n_domains;
		vmhost__reply__free_unpacked(rep, NULL);
	}
	close(fd);
	qsort(t, (size_t)k, sizeof(*t), cmp_d);
	m = t[k / 2];
	free(t);
	return m;
}

/* Time from exec of the restart command to a list-all that shows n domains. */
static int
restart_timed(void)
{
	double t0 = now_ms(), t;
	pid_t pid = fork();

	if (pid == 0) {
		execvp(opt.restart_cmd[0], opt.restart_cmd);
		_exit(127);
	}
	for (;;) {
		int fd = connect_sock();

		if (fd >= 0) {
			Vmhost__Reply *rep = call_sync(fd, OP_LIST, 0);
			size_t n = rep && rep->result_case ==
			    VMHOST__REPLY__RESULT_DOMAIN_LIST ?
			    rep->domain_list->n_domains : 0;

			if (rep)
				vmhost__reply__free_unpacked(rep, NULL);
			close(fd);
			if ((int)n >= opt.restart_n)
				break;
		}
		if (now_ms() - t0 > 60000) {
			fprintf(stderr, "restart: no answer with %d domains in 60 s\n",
			    opt.restart_n);
			return 1;
		}
		usleep(200);
	}
	t = now_ms() - t0;
	waitpid(pid, NULL, 0);
	printf("restart_ms %.1f\n", t);
	return 0;
}

/* Every acknowledged last write: in dumpxml and in the file. */
static long
check_lost(long *checked)
{
	int fd = connect_sock();
	long lost = 0;
	char want[160], path[4096];
	int total = opt.domains + (opt.flood > 64 ? 64 : opt.flood) * FLOOD_DOMAINS;

	*checked = 0;
	if (fd < 0)
		return -1;
	for (int j = 0; j < total; j++) {
		int dom = j < opt.domains ? j : 90000 + (j - opt.domains);
		char name[128];
		Vmhost__Reply *rep;
		char *xml = NULL;
		size_t len;
		FILE *f;

		if (j < opt.domains) {
			if (!last_seq[j])
				continue;
			snprintf(want, sizeof(want), "<description>load-c%u-s%u</description>",
			    last_client[j], last_seq[j]);
		} else {
			int fc = (j - opt.domains) / FLOOD_DOMAINS;
			int fdm = (j - opt.domains) % FLOOD_DOMAINS;

			if (!flood_last[fc][fdm])
				continue;
			snprintf(want, sizeof(want), "<description>flood-%d-s%u</description>",
			    opt.clients + opt.stuck + fc, flood_last[fc][fdm]);
		}
		(*checked)++;
		rep = call_sync(fd, OP_XML, dom);
		if (!rep || rep->result_case != VMHOST__REPLY__RESULT_TEXT ||
		    !strstr(rep->text->text, want)) {
			if (lost < 5) {
				dom_name(name, sizeof(name), dom);
				fprintf(stderr, "lost update: dumpxml %s lacks %s\n", name, want);
			}
			lost++;
		}
		if (rep)
			vmhost__reply__free_unpacked(rep, NULL);
		if (!opt.dir)
			continue;
		dom_name(name, sizeof(name), dom);
		snprintf(path, sizeof(path), "%s/%s.xml", opt.dir, name);
		if ((f = fopen(path, "r"))) {
			xml = calloc(1, 65536);
			len = xml ? fread(xml, 1, 65535, f) : 0;
			(void)len;
			fclose(f);
		}
		if (!xml || !strstr(xml, want)) {
			if (lost < 5)
				fprintf(stderr, "lost update: %s lacks %s\n", path, want);
			lost++;
		}
		free(xml);
	}
	close(fd);
	return lost;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bench_load [-c CLIENTS] [-j THREADS] [-d DOMAINS] [-t SECONDS]\n"
	    "  [-w WRITE_PCT] [-p PREFIX] [--define] [--pid VMHOSTD_PID] [--dir DEFS_DIR]\n"
	    "  [--stuck K] [--stuck-list] [--flood K] [--flood-reads K] [--list K] [--no-run]\n"
	    "  [--restart N -- COMMAND...]   (time to a list of N after COMMAND)\n"
	    "socket: $VMHOST_DEFAULT_URI (unix://PATH)\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *uri = getenv("VMHOST_DEFAULT_URI");
	struct worker *w;
	struct client *cl;
	int nall, no_run = 0;
	double t0, t1, cpu0, dcpu0 = 0, *samples_t;
	long *samples, nsamp = 0, rss_before = -1, rss_after;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--")) {
			opt.restart_cmd = argv + i + 1;
			break;
		}
#define NUM(flag, field) if (!strcmp(a, flag) && v) { field = atoi(v); i++; continue; }
		NUM("-c", opt.clients) NUM("-j", opt.threads) NUM("-d", opt.domains)
		NUM("-t", opt.seconds) NUM("-w", opt.write_pct)
		NUM("--pid", opt.pid) NUM("--stuck", opt.stuck)
		NUM("--flood", opt.flood) NUM("--list", opt.list_calls)
		NUM("--flood-reads", opt.flood_reads)
		NUM("--restart", opt.restart_n)
#undef NUM
		if (!strcmp(a, "-p") && v) { opt.prefix = v; i++; continue; }
		if (!strcmp(a, "--dir") && v) { opt.dir = v; i++; continue; }
		if (!strcmp(a, "--define")) { opt.define = 1; continue; }
		if (!strcmp(a, "--no-run")) { no_run = 1; continue; }
		if (!strcmp(a, "--stuck-list")) { opt.stuck_list = 1; continue; }
		usage();
	}
	opt.sock = uri && !strncmp(uri, "unix://", 7) ? uri + 7 :
	    "/run/vmhost/vmhost-sock";
	if (opt.clients < 1 || opt.threads < 1 || opt.domains < 1 ||
	    opt.domains >= 90000 || opt.write_pct < 0 || opt.write_pct > 100 ||
	    opt.stuck < 0 || opt.flood < 0 || opt.flood > 64 || opt.flood_reads < 0 ||
	    strlen(opt.prefix) > 64)
		usage();
	for (const char *p = opt.prefix; *p; p++)
		uuid_tag = (uuid_tag ^ (unsigned char)*p) * 16777619u + 2166136261u;
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (opt.restart_n) {
		if (!opt.restart_cmd || !opt.restart_cmd[0])
			usage();
		return restart_timed();
	}
	if (opt.define && define_all(opt.domains) < 0) {
		fprintf(stderr, "error: defining %d domains failed\n", opt.domains);
		return 1;
	}
	if (opt.list_calls > 0) {
		size_t n;
		double c0 = opt.pid ? proc_cpu_s(opt.pid) : 0;
		double m = list_median(opt.list_calls, &n);

		printf("list_all_n %zu\nlist_all_ms %.3f\nlist_all_us_per_domain %.3f\n",
		    n, m, n ? m * 1e3 / (double)n : 0);
		/* the daemon's CPU per call: less noisy on a shared machine */
		if (opt.pid)
			printf("list_all_cpu_ms %.3f\n", (proc_cpu_s(opt.pid) - c0) *
			    1e3 / opt.list_calls);
	}
	if (no_run)
		return 0;

	/* clients: normal, then stuck, then flooders */
	nall = opt.clients + opt.stuck + opt.flood + opt.flood_reads;
	last_seq = calloc((size_t)opt.domains, sizeof(*last_seq));
	last_client = calloc((size_t)opt.domains, sizeof(*last_client));
	cl = calloc((size_t)nall, sizeof(*cl));
	w = calloc((size_t)opt.threads, sizeof(*w));
	samples = calloc(100000, sizeof(*samples));
	samples_t = calloc(100000, sizeof(*samples_t));
	if (!last_seq || !last_client || !cl || !w || !samples || !samples_t)
		return 2;
	if (opt.pid)
		rss_before = proc_rss_kib(opt.pid);
	for (int i = 0; i < nall; i++) {
		cl[i].id = i;
		cl[i].kind = i < opt.clients ? K_NORMAL :
		    i < opt.clients + opt.stuck ? K_STUCK : K_FLOOD;
		cl[i].rnd = 0x9e3779b9u * (unsigned)(i + 1);
		if ((cl[i].fd = connect_sock()) < 0) {
			fprintf(stderr, "error: connect %d: %s\n", i, strerror(errno));
			return 1;
		}
		fcntl(cl[i].fd, F_SETFL, O_NONBLOCK);
	}
	for (int t = 0; t < opt.threads; t++) {
		w[t].ep = epoll_create1(EPOLL_CLOEXEC);
		w[t].cl = calloc((size_t)nall, sizeof(*w[t].cl));
	}
	for (int i = 0; i < nall; i++) {
		struct worker *x = &w[i % opt.threads];

		if (cl[i].kind != K_STUCK)
			x->cl[x->n++] = &cl[i];
	}
	cpu0 = self_cpu_s();
	if (opt.pid)
		dcpu0 = proc_cpu_s(opt.pid);
	t0 = now_ms();
	for (int t = 0; t < opt.threads; t++)
		pthread_create(&w[t].th, NULL, worker_run, &w[t]);

	/* the main thread: stuck clients keep sending, RSS sampled */
	long stuck_sent = 0;
	while (now_ms() - t0 < opt.seconds * 1e3) {
		for (int i = opt.clients; i < opt.clients + opt.stuck; i++) {
			uint8_t buf[256];
			int k, r;

			do {
				k = pack_req(buf, sizeof(buf), (uint32_t)stuck_sent + 1,
				    opt.stuck_list ? OP_LIST : OP_XML,
				    (int)(stuck_sent % opt.domains), "");
				if ((r = send_frame(&cl[i], buf, k)) > 0)
					stuck_sent++;
			} while (r > 0);
		}
		if (opt.pid && nsamp < 100000) {
			samples[nsamp] = proc_rss_kib(opt.pid);
			samples_t[nsamp++] = now_ms() - t0;
		}
		usleep(100000);
	}
	atomic_store(&stop_flag, 1);
	t1 = now_ms();
	for (int t = 0; t < opt.threads; t++)
		pthread_join(w[t].th, NULL);
	double gen_cpu = self_cpu_s() - cpu0;
	double d_cpu = opt.pid ? proc_cpu_s(opt.pid) - dcpu0 : 0;
	double secs = (t1 - t0) / 1e3;

	/* stuck clients: did the daemon keep them (throttled) or drop them? */
	long stuck_open = 0;
	for (int i = opt.clients; i < opt.clients + opt.stuck; i++) {
		struct pollfd p = { cl[i].fd, POLLRDHUP, 0 };

		if (poll(&p, 1, 0) == 0 || !(p.revents & (POLLRDHUP | POLLHUP)))
			stuck_open++;
	}
	rss_after = opt.pid ? proc_rss_kib(opt.pid) : -1;

	/* merge */
	struct worker all = { 0 };
	for (int t = 0; t < opt.threads; t++) {
		for (size_t k = 0; k < w[t].rd.n; k++)
			lat_add(&all.rd, w[t].rd.v[k]);
		for (size_t k = 0; k < w[t].wr.n; k++)
			lat_add(&all.wr, w[t].wr.v[k]);
		all.ops += w[t].ops;
		all.reads += w[t].reads;
		all.writes += w[t].writes;
		all.errors += w[t].errors;
		all.broken += w[t].broken;
		all.f_ok += w[t].f_ok;
		all.f_busy += w[t].f_busy;
		all.f_err += w[t].f_err;
		all.fr_ok += w[t].fr_ok;
		all.fr_err += w[t].fr_err;
		if (!all.first_error[0] && w[t].first_error[0])
			memcpy(all.first_error, w[t].first_error, sizeof(all.first_error));
	}
	qsort(all.rd.v, all.rd.n, sizeof(double), cmp_d);
	qsort(all.wr.v, all.wr.n, sizeof(double), cmp_d);

	long checked, lost = check_lost(&checked);
	long first_max = 0, last_max = 0, max = 0;
	for (long i = 0; i < nsamp; i++) {
		if (samples[i] > max)
			max = samples[i];
		if (i < nsamp / 3 && samples[i] > first_max)
			first_max = samples[i];
		if (i >= nsamp - nsamp / 3 && samples[i] > last_max)
			last_max = samples[i];
	}
	for (int i = 0; i < nall; i++)
		close(cl[i].fd);

	printf("clients %d\nthreads %d\ndomains %d\nwrite_pct %d\nseconds %.2f\n",
	    opt.clients, opt.threads, opt.domains, opt.write_pct, secs);
	printf("ops %ld\nops_per_s %.0f\nreads %ld\nwrites %ld\n", all.ops,
	    (double)all.ops / secs, all.reads, all.writes);
	printf("read_p50_ms %.3f\nread_p99_ms %.3f\nread_max_ms %.3f\n",
	    pct(all.rd.v, all.rd.n, 0.5), pct(all.rd.v, all.rd.n, 0.99),
	    all.rd.n ? all.rd.v[all.rd.n - 1] : 0);
	printf("write_p50_ms %.3f\nwrite_p99_ms %.3f\nwrite_max_ms %.3f\n",
	    pct(all.wr.v, all.wr.n, 0.5), pct(all.wr.v, all.wr.n, 0.99),
	    all.wr.n ? all.wr.v[all.wr.n - 1] : 0);
	long min_done = -1;
	for (int i = 0; i < opt.clients; i++)
		if (min_done < 0 || cl[i].done < min_done)
			min_done = cl[i].done;
	printf("min_client_ops %ld\n", min_done);
	printf("errors %ld\nbroken %ld\nlost_updates %ld\nchecked_updates %ld\n",
	    all.errors, all.broken, lost, checked);
	if (all.first_error[0])
		printf("first_error %s\n", all.first_error);
	printf("generator_cpu_pct %.0f\n", 100.0 * gen_cpu / secs);
	if (opt.pid) {
		printf("vmhostd_cpu_pct %.0f\n", 100.0 * d_cpu / secs);
		printf("rss_before_kib %ld\nrss_max_kib %ld\nrss_after_kib %ld\n",
		    rss_before, max, rss_after);
		printf("rss_first_third_max_kib %ld\nrss_last_third_max_kib %ld\nrss_samples %ld\n",
		    first_max, last_max, nsamp);
	}
	if (opt.stuck)
		printf("stuck_clients %d\nstuck_requests_sent %ld\nstuck_still_open %ld\n",
		    opt.stuck, stuck_sent, stuck_open);
	if (opt.flood_reads)
		printf("flood_read_clients %d\nflood_read_ok %ld\nflood_read_errors %ld\n",
		    opt.flood_reads, all.fr_ok, all.fr_err);
	if (opt.flood)
		printf("flood_clients %d\nflood_ok %ld\nflood_busy %ld\nflood_other_errors %ld\n",
		    opt.flood, all.f_ok, all.f_busy, all.f_err);
	return all.errors || all.broken || lost ? 1 : 0;
}
