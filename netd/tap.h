/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tap devices for guests, handed out as descriptors, and bridge.conf (vmhost-netd). */
#ifndef VMHOST_NETD_TAP_H
#define VMHOST_NETD_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define TAP_MAX 4096		/* taps recorded at once */
#define TAP_OWNER_MAX 64	/* bytes of an owner (a guest uuid) */

/* netd's own tap names: "vnetN" or "vmtap" + [A-Za-z0-9_.-]*, <= 15 bytes. */
bool tap_name_ok(const char *s);

struct tap_req {
	const char *ifname;	/* "" or NULL: vnetN picked by the kernel */
	const char *mac;	/* the guest's MAC; the tap gets fe:xx:.. */
	unsigned mtu;		/* 0: the bridge's */
	const char *owner;
	int master;		/* bridge ifindex, 0 for none */
	int set_uid;		/* TUNSETOWNER uid (a session user's tap) */
	uid_t uid;
};

/*
 * Create a non-persistent tap (IFF_TAP, IFF_NO_PI, IFF_VNET_HDR), set its
 * MAC and MTU, enslave it, bring it up. Returns its fd (the tap goes when
 * the last fd closes) with the name in name, or -errno with err.
 */
int tap_create(const struct tap_req *r, char *name, size_t namelen,
    char *err, size_t errlen);

/* Delete a tap of ours (no-op when already gone). 0 or -errno with err. */
int tap_remove(const char *ifname, const char *owner, char *err,
    size_t errlen);

/* Delete every tap of ours enslaved to bridge master. */
void tap_remove_on_bridge(int master);

/* Taps of ours that still exist with this owner string. */
size_t tap_count_owner(const char *owner);

/* Forget everything (netd exit). */
void tap_clear(void);

#endif
