/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One network's dnsmasq: started detached, watched by pidfd, restarted, adopted after netd restarts. */
#ifndef VMHOST_NETD_DNSMASQ_H
#define VMHOST_NETD_DNSMASQ_H

#include <sys/types.h>

#define DNSMASQ_BIN "/usr/sbin/dnsmasq"
#define DNSMASQ_RESTART_MAX 8		/* restarts in a row before giving up */
#define DNSMASQ_START_TIMEOUT_MS 10000

struct event_base;
struct dnsmasq;

/* Called once per dnsmasq_start: err 0, or -errno with a message. */
typedef void (*dnsmasq_started_fn)(void *arg, int err, const char *msg);

struct dnsmasq_paths {
	const char *conf;	/* --conf-file (it names pid-file=) */
	const char *pidfile;
	const char *leasefile;	/* --dhcp-leasefile */
	const char *user;	/* --user, netd's own user */
};

/* Copy the paths; nothing runs yet. NULL on ENOMEM. */
struct dnsmasq *dnsmasq_new(struct event_base *base, const char *name,
    const struct dnsmasq_paths *p);

/* Watch a dnsmasq already running with this conf (after netd restarted),
 * found by its pid file and /proc/PID/cmdline. 0, or -ESRCH. */
int dnsmasq_adopt(struct dnsmasq *d);

/*
 * Start dnsmasq (it daemonizes; its launcher is watched, not waited for)
 * as netd's user with NET_ADMIN, NET_RAW and NET_BIND_SERVICE ambient.
 * cb (may be NULL) runs once it runs or failed. 0, or -errno now.
 */
int dnsmasq_start(struct dnsmasq *d, dnsmasq_started_fn cb, void *arg);

/* The running daemon's pid, 0 when none. */
pid_t dnsmasq_pid(const struct dnsmasq *d);
/* Is it running or being started? */
int dnsmasq_busy(const struct dnsmasq *d);

/* Stop watching; dnsmasq keeps running (netd exit). NULL is fine. A
 * pending start callback is not called. */
void dnsmasq_free(struct dnsmasq *d);

/* Send it SIGTERM now (no wait; a pending start is abandoned), so that it
 * exits while the caller does other work. NULL is fine. */
void dnsmasq_stop_begin(struct dnsmasq *d);

/* Terminate it (SIGTERM unless dnsmasq_stop_begin sent it, then SIGKILL
 * after 2 s), remove its pid file, and free d. A pending start callback
 * is not called. */
void dnsmasq_stop(struct dnsmasq *d);

#endif
