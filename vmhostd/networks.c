/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's network store: definitions by name and uuid, atomically persisted, autostart links, state of active networks. */
#define LOG_MODULE "networks"
#include "vmhostd/networks.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/paths.h"

/* The running definitions of active networks, so a restarted vmhostd knows. */
#define NETWORKS_RUN_DIR	VMHOST_RUN_DIR "/network"
#define NETWORKS_LIB_DIR	VMHOST_LIB_DIR "/network"
#define NETWORKS_DEFAULT_MARK	NETWORKS_LIB_DIR "/default-created"

/* data/networks/default.xml (libvirt 9.0.0, LGPL-2.1-or-later). */
static const char default_xml[] =
    "<network>\n"
    "  <name>default</name>\n"
    "  <bridge name='virbr0'/>\n"
    "  <forward/>\n"
    "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
    "    <dhcp>\n"
    "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
    "    </dhcp>\n"
    "  </ip>\n"
    "</network>\n";

static struct {
	struct net *head;
	size_t count;
} store;

int
networks_init(void)
{
	char path[4096];
	int r;

	if (path_build(path, sizeof(path), "%s", NETWORKS_RUN_DIR) < 0)
		return -ENAMETOOLONG;
	if ((r = dir_ensure(path, 0700, (uid_t)-1, (gid_t)-1)) < 0) {
		log_error("cannot create '%s': %s", path, strerror(-r));
		return r;
	}
	if (path_build(path, sizeof(path), "%s", NETWORKS_LIB_DIR) < 0)
		return -ENAMETOOLONG;
	if ((r = dir_ensure(path, 0700, (uid_t)-1, (gid_t)-1)) < 0)
		log_error("cannot create '%s': %s", path, strerror(-r));
	return r;
}

static struct net *
find_name(const char *name)
{
	for (struct net *n = store.head; n; n = n->next)
		if (strcmp(n->def->name, name) == 0)
			return n;
	return NULL;
}

static struct net *
find_uuid(const char *uuid)
{
	for (struct net *n = store.head; n; n = n->next)
		if (strcmp(n->uuid, uuid) == 0)
			return n;
	return NULL;
}

/* uuid with or without dashes, any case, into the canonical form. */
static int
uuid_canon(const char *key, char out[37])
{
	unsigned char raw[16];
	size_t k = 0;

	for (const char *p = key; *p && k < 32; p++) {
		int v;

		if (*p == '-')
			continue;
		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			v = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			v = *p - 'A' + 10;
		else
			return -EINVAL;
		raw[k / 2] = (unsigned char)(k % 2 ? raw[k / 2] | v : v << 4);
		k++;
	}
	if (k != 32 || strlen(key) > 36)
		return -EINVAL;
	network_uuid_format(raw, out);
	return 0;
}

struct net *
networks_find(const char *key)
{
	char canon[37];
	struct net *n;

	if (!key || !*key)
		return NULL;
	if ((n = find_name(key)))
		return n;
	if (uuid_canon(key, canon) == 0)
		return find_uuid(canon);
	return NULL;
}

const struct network_def *
networks_config(const struct net *n)
{
	return n->next_def ? n->next_def : n->def;
}

static int
def_path(char *buf, size_t len, const char *name, int autostart)
{
	return path_build(buf, len, "%s/%s%s.xml", VMHOST_NETWORK_DIR,
	    autostart ? "autostart/" : "", name);
}

static int
status_path(char *buf, size_t len, const char *name)
{
	return path_build(buf, len, "%s/%s.xml", NETWORKS_RUN_DIR, name);
}

/* Write a definition to path atomically; durable (fsync'd) when sync. */
static int
xml_write(const char *path, const struct network_def *d, int sync, char *err,
    size_t errlen)
{
	char *xml, esc[128];
	int r;

	if (!(xml = network_format(d))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r = sync ? file_write_atomic(path, xml, strlen(xml), 0600) :
	    file_write_replace(path, xml, strlen(xml), 0600);
	free(xml);
	if (r < 0)
		snprintf(err, errlen, "cannot save the definition of network "
		    "'%s': %s", str_escape(esc, sizeof(esc), d->name),
		    strerror(-r));
	return r;
}

static int
def_write(const struct network_def *d, char *err, size_t errlen)
{
	char path[4096];

	if (def_path(path, sizeof(path), d->name, 0) < 0) {
		snprintf(err, errlen, "path too long");
		return -ENAMETOOLONG;
	}
	return xml_write(path, d, 1, err, errlen);
}

static int
status_write(const struct net *n, char *err, size_t errlen)
{
	char path[4096];

	if (status_path(path, sizeof(path), n->def->name) < 0) {
		snprintf(err, errlen, "path too long");
		return -ENAMETOOLONG;
	}
	/* runtime state under /run (a tmpfs where it matters): atomic, but
	 * no fsync; nothing of it survives a reboot anyway */
	return xml_write(path, n->def, 0, err, errlen);
}

static void
status_remove(const char *name)
{
	char path[4096];
	int r;

	if (status_path(path, sizeof(path), name) == 0 &&
	    (r = file_remove(path)) < 0)
		log_warn("cannot remove '%s': %s", path, strerror(-r));
}

static struct net *
net_new(struct network_def *d)
{
	struct net *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->def = d;
	network_uuid_format(d->uuid, n->uuid);
	n->persistent = true;
	n->next = store.head;
	store.head = n;
	store.count++;
	return n;
}

static void
net_free(struct net *n)
{
	struct net **pp;

	for (pp = &store.head; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			store.count--;
			break;
		}
	network_def_free(n->def);
	network_def_free(n->next_def);
	free(n);
}

/* Conflicts libvirt reports the same way. */
static int
define_conflict(const struct network_def *d, const char *uuid,
    struct net **same, char *err, size_t errlen)
{
	struct net *byname = find_name(d->name), *byuuid = find_uuid(uuid);
	char esc[256];

	*same = NULL;
	if (byname && strcmp(byname->uuid, uuid) != 0) {
		snprintf(err, errlen, "network '%s' already exists with uuid %s",
		    str_escape(esc, sizeof(esc), d->name), byname->uuid);
		return -EEXIST;
	}
	if (byuuid && byuuid != byname) {
		snprintf(err, errlen, "network '%s' is already defined with "
		    "uuid %s", str_escape(esc, sizeof(esc), byuuid->def->name),
		    uuid);
		return -EEXIST;
	}
	*same = byname;
	return 0;
}

/* The network other than self whose definitions use bridge br. */
static struct net *
bridge_user(const char *br, const struct net *self)
{
	for (struct net *n = store.head; n; n = n->next) {
		if (n == self)
			continue;
		if ((n->def->bridge && strcmp(n->def->bridge, br) == 0) ||
		    (n->next_def && n->next_def->bridge &&
		    strcmp(n->next_def->bridge, br) == 0))
			return n;
	}
	return NULL;
}

/* Keep self's bridge, or the lowest virbrN no network and no interface has. */
static int
bridge_assign(struct network_def *d, const struct net *self, char *err,
    size_t errlen)
{
	char br[NETWORK_IFNAME_MAX + 1];

	if (d->bridge || d->forward == NETWORK_FORWARD_BRIDGE)
		return 0;
	if (self && self->def->bridge)
		snprintf(br, sizeof(br), "%s", self->def->bridge);
	else
		for (unsigned i = 0;; i++) {
			if (i >= 1000) {
				snprintf(err, errlen, "no free bridge name "
				    "virbr0..virbr999");
				return -ENOSPC;
			}
			snprintf(br, sizeof(br), "virbr%u", i);
			if (!bridge_user(br, self) && if_nametoindex(br) == 0)
				break;
		}
	if (!(d->bridge = strdup(br))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	d->bridge_present = true;
	return 0;
}

static int
bridge_conflict(const struct network_def *d, const struct net *self,
    char *err, size_t errlen)
{
	const struct net *o;
	char esc[256];

	if (!d->bridge || d->forward == NETWORK_FORWARD_BRIDGE ||
	    !(o = bridge_user(d->bridge, self)))
		return 0;
	snprintf(err, errlen, "bridge name '%s' is already used by network "
	    "'%s'", d->bridge, str_escape(esc, sizeof(esc), o->def->name));
	return -EEXIST;
}

/* Checks before d becomes a definition; *same is the network redefined. */
static int
define_check(struct network_def *d, struct net **same, char *err,
    size_t errlen)
{
	char uuid[37];
	int r;

	network_uuid_format(d->uuid, uuid);
	if ((r = define_conflict(d, uuid, same, err, errlen)) < 0)
		return r;
	if ((*same) && (*same)->busy)
		return networks_check_idle(*same, err, errlen);
	if (!*same && store.count >= NETWORKS_MAX) {
		snprintf(err, errlen, "too many networks (limit %d)",
		    NETWORKS_MAX);
		return -ENOSPC;
	}
	if ((r = bridge_assign(d, *same, err, errlen)) < 0)
		return r;
	return bridge_conflict(d, *same, err, errlen);
}

int
networks_define(const char *xml, size_t len, struct net **out, char *err,
    size_t errlen)
{
	struct network_def *d = NULL;
	struct net *n;
	int r;

	if ((r = network_parse(xml, len, &d, err, errlen)) < 0)
		return r;
	if ((r = define_check(d, &n, err, errlen)) < 0 ||
	    (r = def_write(d, err, errlen)) < 0)
		goto fail;
	if (n && n->active) {		/* takes effect at the next start */
		network_def_free(n->next_def);
		n->next_def = d;
	} else if (n) {
		network_def_free(n->def);
		n->def = d;
	} else if (!(n = net_new(d))) {
		snprintf(err, errlen, "out of memory");
		r = -ENOMEM;
		goto fail;
	}
	n->persistent = true;
	*out = n;
	return 0;
fail:
	network_def_free(d);
	return r;
}

int
networks_check_idle(const struct net *n, char *err, size_t errlen)
{
	char esc[256];

	if (!n->busy)
		return 0;
	snprintf(err, errlen, "network '%s' is busy: a start, stop or update "
	    "is in progress", str_escape(esc, sizeof(esc), n->def->name));
	return -EBUSY;
}

int
networks_undefine(struct net *n, char *err, size_t errlen)
{
	char path[4096], esc[256];
	int r;

	if ((r = networks_check_idle(n, err, errlen)) < 0)
		return r;
	if (!n->persistent) {
		snprintf(err, errlen, "network '%s' is not persistent",
		    str_escape(esc, sizeof(esc), n->def->name));
		return -EINVAL;
	}
	if (n->autostart && (r = networks_set_autostart(n, false, err,
	    errlen)) < 0)
		return r;
	if (def_path(path, sizeof(path), n->def->name, 0) < 0)
		return -ENAMETOOLONG;
	if ((r = file_remove(path)) < 0) {
		snprintf(err, errlen, "cannot remove '%s': %s", path,
		    strerror(-r));
		return r;
	}
	if (n->active) {
		n->persistent = false;	/* runs on, transient */
		network_def_free(n->next_def);
		n->next_def = NULL;
		return 0;
	}
	net_free(n);
	return 0;
}

int
networks_set_autostart(struct net *n, bool on, char *err, size_t errlen)
{
	char link[4096], target[4096], esc[256];
	int r = 0;

	if (!n->persistent) {
		snprintf(err, errlen, "cannot set autostart for transient "
		    "network '%s'", str_escape(esc, sizeof(esc), n->def->name));
		return -EINVAL;
	}
	if (def_path(link, sizeof(link), n->def->name, 1) < 0)
		return -ENAMETOOLONG;
	if (on) {
		snprintf(target, sizeof(target), "../%s.xml", n->def->name);
		if (symlink(target, link) < 0 && errno != EEXIST)
			r = -errno;
	} else {
		r = file_remove(link);
	}
	if (r < 0) {
		snprintf(err, errlen, "cannot %s autostart of network '%s': %s",
		    on ? "set" : "unset", str_escape(esc, sizeof(esc),
		    n->def->name), strerror(-r));
		return r;
	}
	n->autostart = on;
	return 0;
}

int
networks_save_config(struct net *n, struct network_def *d, char *err,
    size_t errlen)
{
	int r;

	if (n->persistent && (r = def_write(d, err, errlen)) < 0) {
		network_def_free(d);
		return r;
	}
	if (n->active) {
		network_def_free(n->next_def);
		n->next_def = d;
	} else {
		network_def_free(n->def);
		n->def = d;
	}
	return 0;
}

int
networks_save_live(struct net *n, struct network_def *d, char *err,
    size_t errlen)
{
	struct network_def *old = n->def;
	int r;

	n->def = d;
	if ((r = status_write(n, err, errlen)) < 0) {
		n->def = old;
		network_def_free(d);
		return r;
	}
	/* the config was the running one: keep it as the pending one */
	if (n->persistent && !n->next_def)
		n->next_def = old;
	else
		network_def_free(old);
	return 0;
}

/* Active networks whose subnets overlap n's, or whose bridge is n's. */
int
networks_check_start(const struct net *n, char *err, size_t errlen)
{
	const struct network_def *d = networks_config(n);
	char esc[256], esc2[256];
	int r;

	if ((r = networks_check_idle(n, err, errlen)) < 0)
		return r;
	if (n->active) {
		snprintf(err, errlen, "network '%s' is already active",
		    str_escape(esc, sizeof(esc), d->name));
		return -EEXIST;
	}
	for (const struct net *o = store.head; o; o = o->next) {
		if (o == n || (!o->active && !o->busy))
			continue;
		if (network_subnets_overlap(d, o->def)) {
			snprintf(err, errlen, "network '%s' overlaps a subnet of "
			    "active network '%s'", str_escape(esc, sizeof(esc),
			    d->name), str_escape(esc2, sizeof(esc2),
			    o->def->name));
			return -EADDRINUSE;
		}
		if (d->bridge && o->def->bridge &&
		    strcmp(d->bridge, o->def->bridge) == 0) {
			snprintf(err, errlen, "bridge '%s' is used by active "
			    "network '%s'", d->bridge, str_escape(esc2,
			    sizeof(esc2), o->def->name));
			return -EADDRINUSE;
		}
	}
	return 0;
}

void
networks_mark_active(struct net *n, const char *bridge, int dnsmasq_pid)
{
	char err[512];

	if (n->next_def) {		/* started with the pending definition */
		network_def_free(n->def);
		n->def = n->next_def;
		n->next_def = NULL;
	}
	n->active = true;
	snprintf(n->bridge, sizeof(n->bridge), "%s", bridge && *bridge ?
	    bridge : n->def->bridge ? n->def->bridge : "");
	n->dnsmasq_pid = dnsmasq_pid;
	if (status_write(n, err, sizeof(err)) < 0)
		log_error("%s", err);
}

void
networks_mark_inactive(struct net *n)
{
	status_remove(n->def->name);
	n->active = false;
	n->bridge[0] = '\0';
	n->dnsmasq_pid = 0;
	if (!n->persistent) {
		net_free(n);
		return;
	}
	if (n->next_def) {
		network_def_free(n->def);
		n->def = n->next_def;
		n->next_def = NULL;
	}
}

void
networks_summary(const struct net *n, struct net_summary *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", n->def->name);
	memcpy(s->uuid, n->uuid, sizeof(s->uuid));
	s->active = n->active;
	s->autostart = n->autostart;
	s->persistent = n->persistent;
	snprintf(s->bridge, sizeof(s->bridge), "%s", n->active ? n->bridge :
	    networks_config(n)->bridge ? networks_config(n)->bridge : "");
}

int
networks_bridge_for(const char *name, char *bridge, size_t len, char *err,
    size_t errlen)
{
	struct net *n = find_name(name ? name : "");
	char esc[256];

	str_escape(esc, sizeof(esc), name ? name : "");
	if (!n) {
		snprintf(err, errlen, "network '%s' not found", esc);
		return -ENOENT;
	}
	if (!n->active) {
		snprintf(err, errlen, "network '%s' is not active (start it "
		    "with: vmhost net-start %s)", esc, esc);
		return -ENOTCONN;
	}
	if ((size_t)snprintf(bridge, len, "%s", n->bridge) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int
net_cmp(const void *a, const void *b)
{
	const struct net *x = *(struct net *const *)a;
	const struct net *y = *(struct net *const *)b;

	return strcmp(x->def->name, y->def->name);
}

struct net **
networks_sorted(size_t *count)
{
	struct net **all = malloc((store.count + 1) * sizeof(*all));
	size_t k = 0;

	if (!all)
		return NULL;
	for (struct net *n = store.head; n; n = n->next)
		all[k++] = n;
	qsort(all, k, sizeof(*all), net_cmp);
	*count = k;
	return all;
}

/* Read and parse path; the file name must be the name inside. */
static struct network_def *
load_def(const char *dir, const char *file)
{
	char path[4096], err[512], want[256];
	struct network_def *d = NULL;
	char *xml = NULL;
	size_t len;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >=
	    (int)sizeof(path))
		return NULL;
	if (file_read_all(path, NETWORK_XML_MAX, &xml, &len) < 0) {
		log_error("skipping '%s': unreadable", path);
	} else if (network_parse(xml, len, &d, err, sizeof(err)) < 0) {
		log_error("skipping '%s': %s", path, err);
	} else if (snprintf(want, sizeof(want), "%s.xml", d->name),
	    strcmp(want, file) != 0) {
		log_error("skipping '%s': the file name is not the network's "
		    "name", path);
		network_def_free(d);
		d = NULL;
	}
	free(xml);
	return d;
}

static void
load_one(const char *dir, const char *file)
{
	struct network_def *d = load_def(dir, file);
	struct net *same;
	char uuid[37], err[512];

	if (!d)
		return;
	network_uuid_format(d->uuid, uuid);
	if (define_conflict(d, uuid, &same, err, sizeof(err)) < 0 || same ||
	    bridge_conflict(d, NULL, err, sizeof(err)) < 0) {
		log_error("skipping '%s/%s': %s", dir, file, same ?
		    "defined twice" : err);
		network_def_free(d);
		return;
	}
	if (!net_new(d))
		network_def_free(d);
}

/* An active network's running definition, kept in the run folder. */
static void
load_status(const char *dir, const char *file)
{
	struct network_def *d = load_def(dir, file);
	struct net *n;
	char uuid[37];

	if (!d)
		return;
	network_uuid_format(d->uuid, uuid);
	n = find_name(d->name);
	if (n && strcmp(n->uuid, uuid) != 0) {
		log_error("skipping '%s/%s': another network has its name",
		    dir, file);
		network_def_free(d);
		return;
	}
	if (!n) {
		if (!(n = net_new(d))) {
			network_def_free(d);
			return;
		}
		n->persistent = false;
	} else {
		n->next_def = n->def;
		n->def = d;
	}
	n->active = true;
	snprintf(n->bridge, sizeof(n->bridge), "%s", d->bridge ? d->bridge :
	    "");
}

static void
load_dir(const char *rel, void (*fn)(const char *, const char *))
{
	char dir[4096];
	struct dirent *de;
	DIR *dp;

	if (path_build(dir, sizeof(dir), "%s", rel) < 0 ||
	    !(dp = opendir(dir)))
		return;
	while ((de = readdir(dp))) {
		size_t len = strlen(de->d_name);

		/* a temp file of a write cut short (fileio.c): the
		 * definition is the old file; the temp goes */
		if (strstr(de->d_name, ".xml.tmp.") &&
		    unlinkat(dirfd(dp), de->d_name, 0) == 0)
			log_info("removed '%s/%s' (an interrupted write)", dir,
			    de->d_name);
		if (de->d_name[0] == '.' || len < 5 ||
		    strcmp(de->d_name + len - 4, ".xml") != 0)
			continue;
		fn(dir, de->d_name);
	}
	closedir(dp);
}

int
networks_load(void)
{
	char link[4096];
	size_t nactive = 0;

	load_dir(VMHOST_NETWORK_DIR, load_one);
	load_dir(NETWORKS_RUN_DIR, load_status);
	for (struct net *n = store.head; n; n = n->next) {
		if (n->persistent && def_path(link, sizeof(link), n->def->name,
		    1) == 0 && access(link, F_OK) == 0)
			n->autostart = true;
		nactive += n->active;
	}
	log_info("%zu networks defined, %zu active", store.count, nactive);
	return 0;
}

void
networks_default_create(void)
{
	char mark[4096], err[512];
	struct net *n;
	int r;

	if (path_build(mark, sizeof(mark), "%s", NETWORKS_DEFAULT_MARK) < 0 ||
	    access(mark, F_OK) == 0)
		return;
	if (!find_name("default")) {
		if (networks_define(default_xml, sizeof(default_xml) - 1, &n,
		    err, sizeof(err)) < 0) {
			log_error("cannot define the default network: %s", err);
			return;
		}
		log_info("defined the default network (bridge %s, not "
		    "autostarted)", n->def->bridge);
	}
	if ((r = file_write_atomic(mark, "", 0, 0600)) < 0)
		log_error("cannot write '%s': %s", mark, strerror(-r));
}
