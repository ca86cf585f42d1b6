/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Who may use vmhostd's read-write socket: root, vmhost itself, members of group vmhost. */
#define LOG_MODULE "access"
#include <errno.h>
#include <stdio.h>

#include "common/log.h"
#include "common/priv.h"
#include "vmhostd/vmhostd.h"

static int
peer_in_group(const struct ipc_peer *peer, gid_t gid)
{
	struct proc_status st;

	if (peer->gid == gid)
		return 1;
	/* The peer's supplementary groups, as the kernel holds them now. */
	if (proc_status_read(peer->pid, &st) < 0)
		return 0;
	for (size_t i = 0; i < st.ngroups; i++)
		if (st.groups[i] == gid)
			return 1;
	return 0;
}

int
access_check_rw(const struct ipc_peer *peer, void *ctx, char *msg, size_t len)
{
	(void)ctx;
	if (peer->uid == 0 || peer->uid == vmhostd.uid ||
	    peer_in_group(peer, vmhostd.gid))
		return 0;
	snprintf(msg, len,
	    "access denied: uid %u is not root nor in group 'vmhost' (use the read-only socket, -r)",
	    (unsigned)peer->uid);
	return -EPERM;
}
