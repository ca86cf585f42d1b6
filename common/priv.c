/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Dropping a daemon to its user and exact capabilities with libcap-ng; reading /proc status back. */
#define LOG_MODULE "priv"
#include "common/priv.h"

#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cap-ng.h>

#include "common/log.h"

int
priv_lookup_user(const char *name, uid_t *uid, gid_t *gid)
{
	struct passwd *pw = getpwnam(name);

	if (!pw)
		return -ENOENT;
	if (uid)
		*uid = pw->pw_uid;
	if (gid)
		*gid = pw->pw_gid;
	return 0;
}

int
priv_lookup_group(const char *name, gid_t *gid)
{
	struct group *gr = getgrnam(name);

	if (!gr)
		return -ENOENT;
	*gid = gr->gr_gid;
	return 0;
}

static void
caps_select(const struct priv_spec *spec)
{
	capng_type_t t = CAPNG_EFFECTIVE | CAPNG_PERMITTED;

	if (spec->inheritable)
		t |= CAPNG_INHERITABLE;
	capng_clear(CAPNG_SELECT_BOTH);
	for (size_t i = 0; i < spec->ncaps; i++)
		capng_update(CAPNG_ADD, t, (unsigned)spec->caps[i]);
}

static int
priv_drop_root(const struct priv_spec *spec, uid_t uid, gid_t gid)
{
	int r;

	caps_select(spec);
	r = capng_change_id((int)uid, (int)gid,
	    CAPNG_INIT_SUPP_GRP | CAPNG_CLEAR_BOUNDING | CAPNG_CLEAR_AMBIENT);
	if (r < 0) {
		log_error("cannot switch to user '%s' keeping %zu capabilities (libcap-ng error %d)",
		    spec->user, spec->ncaps, r);
		return -EPERM;
	}
	return 0;
}

static int
priv_drop_user(const struct priv_spec *spec)
{
	capng_get_caps_process();
	for (size_t i = 0; i < spec->ncaps; i++) {
		if (!capng_have_capability(CAPNG_PERMITTED,
		    (unsigned)spec->caps[i])) {
			log_error("running as '%s' without capability cap_%s: start as root or grant it (AmbientCapabilities=)",
			    spec->user,
			    capng_capability_to_name((unsigned)spec->caps[i]));
			return -EPERM;
		}
	}
	caps_select(spec);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0) {
		log_error("cannot reduce capabilities");
		return -EPERM;
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return 0;
}

int
priv_drop(const struct priv_spec *spec)
{
	uid_t uid;
	gid_t gid;
	int r;

	if (priv_lookup_user(spec->user, &uid, &gid) < 0) {
		log_error("user '%s' does not exist (run the setup script)",
		    spec->user);
		return -ENOENT;
	}
	if (spec->group && priv_lookup_group(spec->group, &gid) < 0) {
		log_error("group '%s' does not exist", spec->group);
		return -ENOENT;
	}
	if (getuid() == 0 && geteuid() == 0)
		r = priv_drop_root(spec, uid, gid);
	else if (getuid() == uid && geteuid() == uid)
		r = priv_drop_user(spec);
	else {
		log_error("started as uid %u: run as root or as user '%s'",
		    (unsigned)getuid(), spec->user);
		return -EPERM;
	}
	if (r < 0)
		return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		r = -errno;
		log_error("cannot set no_new_privs: %s", strerror(errno));
		return r;
	}
	return 0;
}

static void
status_line(struct proc_status *st, const char *line)
{
	unsigned long long v;
	unsigned a;

	if (sscanf(line, "Uid: %u", &a) == 1)
		st->uid = a;
	else if (sscanf(line, "Gid: %u", &a) == 1)
		st->gid = a;
	else if (sscanf(line, "CapInh: %llx", &v) == 1)
		st->cap_inh = v;
	else if (sscanf(line, "CapPrm: %llx", &v) == 1)
		st->cap_prm = v;
	else if (sscanf(line, "CapEff: %llx", &v) == 1)
		st->cap_eff = v;
	else if (sscanf(line, "CapBnd: %llx", &v) == 1)
		st->cap_bnd = v;
	else if (sscanf(line, "CapAmb: %llx", &v) == 1)
		st->cap_amb = v;
	else if (sscanf(line, "NoNewPrivs: %u", &a) == 1)
		st->no_new_privs = (int)a;
	else if (strncmp(line, "Groups:", 7) == 0) {
		const char *p = line + 7;
		char *end;

		for (;;) {
			unsigned long g = strtoul(p, &end, 10);

			if (end == p || st->ngroups >= 64)
				break;
			st->groups[st->ngroups++] = (gid_t)g;
			p = end;
		}
	}
}

int
proc_status_read(pid_t pid, struct proc_status *out)
{
	char path[64], line[512];
	FILE *f;

	memset(out, 0, sizeof(*out));
	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		status_line(out, line);
	fclose(f);
	return 0;
}

const char *
cap_mask_names(uint64_t mask, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < 64 && off < len; i++) {
		const char *n;

		if (!(mask & (1ull << i)))
			continue;
		n = capng_capability_to_name(i);
		off += (size_t)snprintf(buf + off, len - off, "%scap_%s",
		    off ? "," : "", n ? n : "unknown");
	}
	if (!mask)
		snprintf(buf, len, "none");
	return buf;
}
