/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-netd's bridge socket: any local user gets a tap on a bridge.conf bridge (qemu-bridge-helper's job). */
#define LOG_MODULE "bridge-sock"
#include "netd/bridge_sock.h"

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netd.pb-c.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/paths.h"
#include "netd/bridge.h"
#include "netd/bridge_conf.h"
#include "netd/tap.h"

#define BS_ERR_MAX 512

/* Token buckets per uid: a burst, then a steady rate. */
struct bs_bucket {
	uid_t uid;
	double tokens;
	struct timespec last;
	int warned;	/* its refusal logged once per run of refusals */
};

static struct bs_bucket buckets[BRIDGE_SOCK_UIDS];
static size_t nbuckets;
static struct rpc_server *bs_srv;

static double
bs_elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* 1 when uid may make one more request now; 0 refused (log it), -1
 * refused again (already logged). */
static int
bs_rate_ok(uid_t uid)
{
	struct timespec now;
	struct bs_bucket *b = NULL;
	size_t oldest = 0;

	clock_gettime(CLOCK_MONOTONIC, &now);
	for (size_t i = 0; i < nbuckets && !b; i++)
		if (buckets[i].uid == uid)
			b = &buckets[i];
	if (!b) {
		for (size_t i = 1; i < nbuckets; i++)
			if (bs_elapsed(&buckets[i].last, &buckets[oldest].last) > 0)
				oldest = i;
		b = nbuckets < BRIDGE_SOCK_UIDS ? &buckets[nbuckets++] :
		    &buckets[oldest];
		*b = (struct bs_bucket){ uid, BRIDGE_SOCK_BURST, now, 0 };
	}
	b->tokens += bs_elapsed(&b->last, &now) * BRIDGE_SOCK_RATE;
	if (b->tokens > BRIDGE_SOCK_BURST)
		b->tokens = BRIDGE_SOCK_BURST;
	b->last = now;
	if (b->tokens < 1)
		return b->warned++ ? -1 : 0;
	b->tokens -= 1;
	b->warned = 0;
	return 1;
}

/* Linux's dev_valid_name, and within IFNAMSIZ. */
static int
bs_name_ok(const char *s)
{
	size_t n = strnlen(s, IFNAMSIZ);

	if (n == 0 || n >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || (unsigned char)*s <= ' ' ||
		    (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* Every check before a tap is made; 0 or -errno with err. */
static int
bs_check(const Vmhost__Netd__BridgeTapRequest *r, uid_t uid, int *master,
    unsigned *mtu, char *err, size_t errlen)
{
	char conf[PATH_MAX], q[64], owner[TAP_OWNER_MAX], why[256];
	struct link_info li;
	int ok;

	if (!r->bridge || !bs_name_ok(r->bridge)) {
		snprintf(err, errlen, "bridge name '%s' is not a valid interface name (1 to 15 bytes, no '/', ':' or blanks)",
		    str_escape(q, sizeof(q), r->bridge ? r->bridge : ""));
		return -EINVAL;
	}
	if (!r->mac || strnlen(r->mac, 18) > 17) {
		snprintf(err, errlen, "MAC address too long");
		return -EINVAL;
	}
	snprintf(owner, sizeof(owner), "uid:%u", (unsigned)uid);
	if (tap_count_owner(owner) >= BRIDGE_SOCK_TAPS) {
		snprintf(err, errlen, "uid %u already holds %d taps (the limit)",
		    (unsigned)uid, BRIDGE_SOCK_TAPS);
		return -EDQUOT;
	}
	if (path_build(conf, sizeof(conf), VMHOST_BRIDGE_CONF) < 0)
		return -ENAMETOOLONG;
	if ((ok = bridge_conf_check(conf, r->bridge, why, sizeof(why))) < 0 &&
	    ok != -ENOENT) {
		snprintf(err, errlen, "bridge '%s' is not allowed by /etc/vmhost/bridge.conf (%s)",
		    r->bridge, why);
		return -EACCES;
	}
	if (ok <= 0) {
		snprintf(err, errlen, "bridge '%s' is not allowed by /etc/vmhost/bridge.conf",
		    r->bridge);
		return -EACCES;
	}
	if (link_lookup(r->bridge, &li) < 0) {
		snprintf(err, errlen, "bridge '%s' does not exist", r->bridge);
		return -ENODEV;
	}
	if (strcmp(li.kind, "bridge") != 0) {
		snprintf(err, errlen, "interface '%s' is not a bridge", r->bridge);
		return -ENOTSUP;
	}
	*master = li.ifindex;
	*mtu = li.mtu;
	return 0;
}

static void
bs_reply_tap(struct rpc_call *call, const char *name, int fd)
{
	Vmhost__Netd__BridgeReply rep;
	Vmhost__Netd__TapReply tr;

	vmhost__netd__bridge_reply__init(&rep);
	vmhost__netd__tap_reply__init(&tr);
	tr.ifname = (char *)(uintptr_t)name;
	rep.result_case = VMHOST__NETD__BRIDGE_REPLY__RESULT_TAP;
	rep.tap = &tr;
	rpc_reply(call, &rep.base, &fd, 1);	/* the fd is dup'ed */
}

static void
netd_handle_bridge_tap(struct rpc_call *call, const void *req)
{
	const Vmhost__Netd__BridgeTapRequest *r =
	    ((const Vmhost__Netd__BridgeRequest *)req)->tap;
	const struct ipc_peer *p = rpc_call_peer(call);
	char err[BS_ERR_MAX], name[IFNAMSIZ], owner[TAP_OWNER_MAX];
	struct tap_req t = { 0 };
	unsigned mtu = 0;
	int fd;

	if ((fd = bs_rate_ok(p->uid)) <= 0) {
		if (fd == 0)
			log_warn("taps for uid %u (pid %d) refused: too many requests (more than %d at once, %d a second); not logged again until one passes",
			    (unsigned)p->uid, (int)p->pid, BRIDGE_SOCK_BURST,
			    BRIDGE_SOCK_RATE);
		rpc_reply_error(call, EBUSY, "too many tap requests from uid %u: slow down",
		    (unsigned)p->uid);
		return;
	}
	snprintf(owner, sizeof(owner), "uid:%u", (unsigned)p->uid);
	t = (struct tap_req){ .ifname = "", .mac = r->mac, .owner = owner,
	    .set_uid = 1, .uid = p->uid };
	if ((fd = bs_check(r, p->uid, &t.master, &mtu, err, sizeof(err))) < 0 ||
	    (t.mtu = mtu, fd = tap_create(&t, name, sizeof(name), err,
	    sizeof(err))) < 0) {
		log_warn("tap for uid %u pid %d refused: %s", (unsigned)p->uid,
		    (int)p->pid, err);
		rpc_reply_error(call, -fd, "%s", err);
		return;
	}
	log_info("tap '%s' on bridge '%s' granted to uid %u pid %d", name,
	    r->bridge, (unsigned)p->uid, (int)p->pid);
	bs_reply_tap(call, name, fd);
	close(fd);	/* the caller's copy keeps the tap */
}

static const struct rpc_handler bs_handlers[] = {
	{ VMHOST__NETD__BRIDGE_REQUEST__OP_TAP, "bridge.tap",
	  netd_handle_bridge_tap, 0 },
};

const struct rpc_service netd_bridge_service = {
	"netd-bridge", &vmhost__netd__bridge_request__descriptor,
	&vmhost__netd__bridge_reply__descriptor, bs_handlers,
	sizeof(bs_handlers) / sizeof(bs_handlers[0]),
};

/* Any local user, but a bounded number of connections at once. */
static int
bs_peer_check(const struct ipc_peer *peer, void *ctx, char *msg, size_t len)
{
	(void)ctx;
	if (!bs_srv || rpc_server_nclients(bs_srv) <= BRIDGE_SOCK_CONNS)
		return 0;
	(void)peer;	/* rpc logs the refusal with the peer */
	snprintf(msg, len, "too many connections to the bridge socket (limit %d)",
	    BRIDGE_SOCK_CONNS);
	return -EBUSY;
}

int
bridge_sock_listen(struct event_base *base, uid_t uid, gid_t gid)
{
	struct rpc_listen_opts lo = { 0 };
	char path[PATH_MAX];

	if (path_build(path, sizeof(path), VMHOST_BRIDGE_SOCK) < 0)
		return -ENAMETOOLONG;
	lo.path = path;
	lo.mode = 0666;
	lo.uid = uid;
	lo.gid = gid;
	lo.check = bs_peer_check;
	lo.max_frame = BRIDGE_SOCK_FRAME;
	if (!(bs_srv = rpc_server_new(base, &netd_bridge_service, &lo, -1)))
		return -EIO;
	log_info("bridge socket %s: taps on bridges of %s%s for any local user",
	    path, paths_root(), VMHOST_BRIDGE_CONF);
	return 0;
}

void
bridge_sock_close(void)
{
	rpc_server_free(bs_srv);
	bs_srv = NULL;
}
