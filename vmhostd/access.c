/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Who may use vmhostd: the read-write socket's peer check, and acl.conf applied to every call of both sockets. */
#define LOG_MODULE "access"
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmhost.pb-c.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/paths.h"
#include "vmhostd/acl.h"
#include "vmhostd/domains.h"
#include "vmhostd/networks.h"
#include "vmhostd/vmhostd.h"

#define ACCESS_GROUPS_MAX 1024	/* supplementary groups of a peer we take in */

static struct acl *access_acl;	/* NULL: no acl.conf, everything allowed */
static char access_path[4096];
static const char *access_ops[128];	/* distinct handler names */
static size_t access_nops;

/* What we know of a connection's peer, read once on its first call. */
struct access_peer {
	uid_t uid;
	gid_t gid;
	int groups_err;			/* 0, or why the groups are unknown */
	size_t ngroups;
	char user[64];			/* "" until a deny needs it */
	gid_t groups[];
};

/* The whole Groups: line of /proc/PID/status (priv.c's reader keeps 64). */
static struct access_peer *
peer_read(const struct ipc_peer *ip)
{
	char path[64], *text = NULL, *line, *end;
	struct access_peer *p;
	size_t len = 0;
	int r;

	p = calloc(1, sizeof(*p) + ACCESS_GROUPS_MAX * sizeof(gid_t));
	if (!p)
		return NULL;
	p->uid = ip->uid;
	p->gid = ip->gid;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)ip->pid);
	if ((r = file_read_all(path, 1u << 20, &text, &len)) < 0) {
		p->groups_err = r;
		return p;
	}
	line = strstr(text, "\nGroups:");
	p->groups_err = line ? 0 : -ENODATA;
	for (char *s = line ? line + 8 : NULL; s && *s != '\n' && *s;) {
		unsigned long g = strtoul(s, &end, 10);

		if (end == s)
			break;
		if (p->ngroups == ACCESS_GROUPS_MAX) {
			p->groups_err = -E2BIG;
			break;
		}
		p->groups[p->ngroups++] = (gid_t)g;
		s = end;
	}
	free(text);
	return p;
}

/* Primary or supplementary (every one, as the kernel holds them now). */
static int
peer_in_group(const struct ipc_peer *peer, gid_t gid)
{
	struct access_peer *p;
	int in = 0;

	if (peer->gid == gid)
		return 1;
	if (!(p = peer_read(peer)))
		return 0;
	for (size_t i = 0; i < p->ngroups && !in; i++)
		in = p->groups[i] == gid;
	free(p);
	return in;
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

static struct access_peer *
call_peer(struct rpc_call *call)
{
	void **slot = rpc_call_conn_data(call);

	if (!slot)
		return NULL;
	if (!*slot)
		*slot = peer_read(rpc_call_peer(call));
	return *slot;
}

static const char *
peer_user(struct access_peer *p)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (!p->user[0]) {
		if (getpwuid_r(p->uid, &pw, buf, sizeof(buf), &res) == 0 && res)
			snprintf(p->user, sizeof(p->user), "%s", pw.pw_name);
		else
			snprintf(p->user, sizeof(p->user), "%u",
			    (unsigned)p->uid);
	}
	return p->user;
}

static const char *
domain_object(const char *key)
{
	struct vm *vm = key && *key ? domains_find(key) : NULL;

	return vm ? vm->def->name : key ? key : "";
}

static const char *
network_object(const char *key)
{
	struct net *n = key && *key ? networks_find(key) : NULL;

	return n ? n->def->name : key ? key : "";
}

/* The name a definition would have; "" when it does not parse. */
static const char *
defined_name(const char *xml, int domain, char *buf, size_t len)
{
	struct domain_def *d = NULL;
	struct network_def *n = NULL;
	char err[256];

	buf[0] = '\0';
	if (!xml)
		return buf;
	if (domain && domain_parse(xml, strlen(xml), &d, err, sizeof(err)) == 0)
		snprintf(buf, len, "%s", d->name);
	if (!domain && network_parse(xml, strlen(xml), &n, err, sizeof(err)) == 0)
		snprintf(buf, len, "%s", n->name);
	domain_def_free(d);
	network_def_free(n);
	return buf;
}

#define C(op) case VMHOST__REQUEST__OP_##op
#define F(m, f) (r->m ? r->m->f : "")
#define DOM(m, f) domain_object(F(m, f))
#define NET(m, f) network_object(F(m, f))

/* The object a request acts on, as a name; "" for none (host, lists). */
static const char *
request_object(const Vmhost__Request *r, char *buf, size_t len)
{
	switch (r->op_case) {
	C(DOMAIN_DEFINE): return defined_name(F(domain_define, xml), 1, buf, len);
	C(DOMAIN_UNDEFINE): return DOM(domain_undefine, key);
	C(DOMAIN_XML): return DOM(domain_xml, key);
	C(DOMAIN_INFO): return DOM(domain_info, key);
	C(DOMAIN_AUTOSTART): return DOM(domain_autostart, key);
	C(DOMAIN_DESC): return DOM(domain_desc, key);
	C(DOMAIN_START): return DOM(domain_start, key);
	C(DOMAIN_SHUTDOWN): return DOM(domain_shutdown, key);
	C(DOMAIN_DESTROY): return DOM(domain_destroy, key);
	C(DOMAIN_REBOOT): return DOM(domain_reboot, key);
	C(DOMAIN_RESET): return DOM(domain_reset, key);
	C(DOMAIN_SUSPEND): return DOM(domain_suspend, key);
	C(DOMAIN_RESUME): return DOM(domain_resume, key);
	C(DOMAIN_CONSOLE): return DOM(domain_console, key);
	C(EVENT_WAIT): return DOM(event_wait, domain);
	C(MIGRATE_DISKS): return DOM(migrate_disks, domain);
	C(NETWORK_DEFINE): return defined_name(F(network_define, xml), 0, buf, len);
	C(NETWORK_UNDEFINE): return NET(network_undefine, key);
	C(NETWORK_START): return NET(network_start, key);
	C(NETWORK_DESTROY): return NET(network_destroy, key);
	C(NETWORK_AUTOSTART): return NET(network_autostart, key);
	C(NETWORK_INFO): return NET(network_info, key);
	C(NETWORK_XML): return NET(network_xml, key);
	C(NETWORK_LEASES): return NET(network_leases, key);
	C(NETWORK_UPDATE): return NET(network_update, key);
	C(VOL_CREATE): return F(vol_create, name);
	C(VOL_INFO): return F(vol_info, name);
	C(VOL_DELETE): return F(vol_delete, name);
	C(VOL_RESIZE): return F(vol_resize, name);
	default:
		return "";	/* host-wide calls and lists */
	}
}

#undef C
#undef F
#undef DOM
#undef NET

static bool
peer_allowed(struct access_peer *p, const char *op, const char *object,
    const struct acl_rule **rule)
{
	struct acl_subject s = { p->uid, p->gid, p->groups, p->ngroups };

	return acl_check(access_acl, &s, op, object, rule);
}

int
access_authorize(struct rpc_call *call, const struct rpc_handler *h,
    const ProtobufCMessage *req, char *msg, size_t len)
{
	char name[DOMAIN_NAME_MAX + 64], eo[256], ew[128], where[64];
	const struct acl_rule *rule;
	struct access_peer *p;
	const char *object;

	if (!access_acl)
		return 0;	/* the hot path without acl.conf */
	if (!(p = call_peer(call)) || p->groups_err) {
		snprintf(msg, len, "access denied: cannot read your groups (%s)",
		    strerror(p ? -p->groups_err : ENOMEM));
		log_warn("denied: uid %u pid %d: %s: groups unknown: %s",
		    (unsigned)rpc_call_peer(call)->uid,
		    (int)rpc_call_peer(call)->pid, h->name,
		    strerror(p ? -p->groups_err : ENOMEM));
		return -EPERM;
	}
	object = request_object((const Vmhost__Request *)req, name,
	    sizeof(name));
	if (peer_allowed(p, h->name, object, &rule))
		return 0;
	if (rule)
		snprintf(where, sizeof(where), "acl.conf:%u", rule->line);
	else if (access_acl->default_line)
		snprintf(where, sizeof(where), "acl.conf:%u, default",
		    access_acl->default_line);
	else
		snprintf(where, sizeof(where), "acl.conf, default");
	str_escape(ew, sizeof(ew), peer_user(p));
	str_escape(eo, sizeof(eo), object);
	log_warn("denied: user '%s' uid %u pid %d: %s%s%s%s (%s)", ew,
	    (unsigned)p->uid, (int)rpc_call_peer(call)->pid, h->name,
	    *object ? " '" : "", eo, *object ? "'" : "", where);
	if (*object)
		snprintf(msg, len, "access denied: user '%s' may not %s '%s' (%s)",
		    ew, h->name, eo, where);
	else
		snprintf(msg, len, "access denied: user '%s' may not %s (%s)",
		    ew, h->name, where);
	return -EPERM;
}

bool
access_may(struct rpc_call *call, const char *op, const char *object)
{
	struct access_peer *p;

	if (!access_acl)
		return true;
	if (!(p = call_peer(call)) || p->groups_err)
		return false;
	return peer_allowed(p, op, object, NULL);
}

static int
access_read(struct acl **out)
{
	struct acl_resolver res = { 0 };
	char err[1024];
	int r;

	res.ops = access_ops;
	res.nops = access_nops;
	if ((r = acl_load(access_path, &res, out, err, sizeof(err))) < 0)
		log_error("%s", err);
	return r;
}

int
access_init(void)
{
	const struct rpc_service *svc = &vmhostd_service;
	struct acl *a = NULL;

	for (size_t i = 0; i < svc->nhandlers; i++) {
		size_t k = 0;

		while (k < access_nops && strcmp(access_ops[k],
		    svc->handlers[i].name))
			k++;
		if (k < access_nops)
			continue;
		if (access_nops == sizeof(access_ops) / sizeof(*access_ops))
			log_fatal("more than %zu operation names: raise access_ops",
			    access_nops);
		access_ops[access_nops++] = svc->handlers[i].name;
	}
	if (path_build(access_path, sizeof(access_path), "%s/acl.conf",
	    VMHOST_ETC_DIR) < 0)
		return -ENAMETOOLONG;
	if (access_read(&a) < 0)
		return -EINVAL;
	access_acl = a;
	if (a)
		log_info("%s: %zu rule%s, default %s", access_path, a->nrules,
		    a->nrules == 1 ? "" : "s", a->default_allow ? "allow" : "deny");
	return 0;
}

void
access_reload(void)
{
	struct acl *a = NULL;

	if (access_read(&a) < 0) {
		log_error("%s: not reloaded, the rules in force stay", access_path);
		return;
	}
	acl_free(access_acl);
	access_acl = a;
	if (a)
		log_info("%s reloaded: %zu rule%s, default %s", access_path,
		    a->nrules, a->nrules == 1 ? "" : "s",
		    a->default_allow ? "allow" : "deny");
	else
		log_info("%s reloaded: no file, everything allowed", access_path);
}

void
access_free(void)
{
	acl_free(access_acl);
	access_acl = NULL;
}
