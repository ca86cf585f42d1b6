/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tap devices for guests, created in vmhost-netd and handed to vmhostd as descriptors. */
#define LOG_MODULE "tap"
#include "netd/tap.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "netd/bridge.h"

struct tap {
	char name[IFNAMSIZ];
	int ifindex;
	char owner[TAP_OWNER_MAX];
};

static struct tap *taps;
static size_t ntaps;

bool
tap_name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n >= IFNAMSIZ)
		return false;
	if (strncmp(s, "vnet", 4) == 0 && n > 4)
		return strspn(s + 4, "0123456789") == n - 4;
	if (strncmp(s, "vmtap", 5) != 0)
		return false;
	for (const char *p = s + 5; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return false;
	return true;
}

/* fe:xx:xx:xx:xx:xx from the guest's MAC (libvirt's rule). */
static int
tap_mac(const char *guest, unsigned char mac[6])
{
	unsigned v[6];
	char end;

	if (sscanf(guest, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2],
	    &v[3], &v[4], &v[5], &end) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (unsigned char)v[i];
	mac[0] = 0xfe;
	return 0;
}

/* Drop records of taps that went away (their QEMU exited). */
static void
tap_prune(void)
{
	struct link_info li;
	size_t j = 0;

	for (size_t i = 0; i < ntaps; i++)
		if (link_lookup(taps[i].name, &li) == 0 &&
		    li.ifindex == taps[i].ifindex)
			taps[j++] = taps[i];
	ntaps = j;
}

static int
tap_record(const char *name, const char *owner)
{
	struct link_info li;
	struct tap *nt;

	tap_prune();
	if (ntaps >= TAP_MAX || link_lookup(name, &li) < 0)
		return -ENOSPC;
	if (!(nt = realloc(taps, (ntaps + 1) * sizeof(*taps))))
		return -ENOMEM;
	taps = nt;
	memset(&taps[ntaps], 0, sizeof(taps[ntaps]));
	snprintf(taps[ntaps].name, IFNAMSIZ, "%s", name);
	snprintf(taps[ntaps].owner, TAP_OWNER_MAX, "%s", owner ? owner : "");
	taps[ntaps++].ifindex = li.ifindex;
	return 0;
}

/* Open /dev/net/tun as a new tap named want (a "vnet%d" pattern works). */
static int
tap_open(const char *want, char *name, size_t namelen, char *err,
    size_t errlen)
{
	struct ifreq ifr = { 0 };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open /dev/net/tun: %s",
		    strerror(errno));
		return -errno;
	}
	ifr.ifr_flags = (short)(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL);
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", want);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot create tap '%s': %s", want,
		    strerror(e));
		close(fd);
		return -e;
	}
	snprintf(name, namelen, "%s", ifr.ifr_name);
	return fd;
}

/* The tap's owner for the kernel (a session user's taps carry its uid). */
static int
tap_set_owner(int fd, const char *name, uid_t uid, char *err, size_t errlen)
{
	if (ioctl(fd, TUNSETOWNER, (unsigned long)uid) == 0)
		return 0;
	snprintf(err, errlen, "cannot give tap '%s' to uid %u: %s", name,
	    (unsigned)uid, strerror(errno));
	return -errno;
}

int
tap_create(const struct tap_req *r, char *name, size_t namelen, char *err,
    size_t errlen)
{
	const char *want = r->ifname && *r->ifname ? r->ifname : "vnet%d";
	unsigned char mac[6];
	struct link_info li;
	int fd, e;

	if (r->mac && *r->mac && tap_mac(r->mac, mac) < 0) {
		snprintf(err, errlen, "invalid MAC address for a tap");
		return -EINVAL;
	}
	if (strcmp(want, "vnet%d") != 0 && link_lookup(want, &li) == 0) {
		snprintf(err, errlen, "interface '%s' already exists", want);
		return -EEXIST;
	}
	if ((fd = tap_open(want, name, namelen, err, errlen)) < 0)
		return fd;
	if (r->set_uid && (e = tap_set_owner(fd, name, r->uid, err,
	    errlen)) < 0) {
		close(fd);
		return e;
	}
	e = link_configure(name, r->mac && *r->mac ? mac : NULL, r->mtu,
	    r->master, true);
	if (e == 0)
		e = tap_record(name, r->owner);
	if (e < 0) {
		snprintf(err, errlen, "cannot set up tap '%s': %s", name,
		    strerror(-e));
		close(fd);	/* not persistent: closing removes it */
		return e;
	}
	log_info("tap '%s' created (owner '%s')", name,
	    r->owner ? r->owner : "");
	return fd;
}

int
tap_remove(const char *ifname, const char *owner, char *err, size_t errlen)
{
	struct link_info li;
	int r;

	if (!tap_name_ok(ifname)) {
		snprintf(err, errlen, "'%s' is not a tap name of vmhost",
		    ifname);
		return -EINVAL;
	}
	tap_prune();
	for (size_t i = 0; i < ntaps; i++)
		if (strcmp(taps[i].name, ifname) == 0 && owner && *owner &&
		    strcmp(taps[i].owner, owner) != 0) {
			snprintf(err, errlen, "tap '%s' belongs to another guest",
			    ifname);
			return -EPERM;
		}
	if (link_lookup(ifname, &li) < 0)
		return 0;	/* gone with its last descriptor */
	if (strcmp(li.kind, "tun") != 0) {
		snprintf(err, errlen, "'%s' is not a tap", ifname);
		return -EINVAL;
	}
	if ((r = link_delete(ifname)) < 0)
		snprintf(err, errlen, "cannot delete tap '%s': %s", ifname,
		    strerror(-r));
	tap_prune();
	return r;
}

static void
tap_remove_slave(const char *name, const char *kind, void *arg)
{
	(void)arg;
	if (strcmp(kind, "tun") == 0 && tap_name_ok(name))
		link_delete(name);
}

void
tap_remove_on_bridge(int master)
{
	if (master > 0)
		link_foreach_slave(master, tap_remove_slave, NULL);
	tap_prune();
}

size_t
tap_count_owner(const char *owner)
{
	size_t n = 0;

	tap_prune();
	for (size_t i = 0; i < ntaps; i++)
		n += strcmp(taps[i].owner, owner) == 0;
	return n;
}

void
tap_clear(void)
{
	free(taps);
	taps = NULL;
	ntaps = 0;
}
