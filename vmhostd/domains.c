/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's domain store: definitions by name and uuid, atomically persisted, with autostart links. */
#define LOG_MODULE "domains"
#include "vmhostd/domains.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/paths.h"
#include "vmhostd/commit.h"
#include "vmhostd/domains_priv.h"

#define DOMAINS_MAX		100000	/* every resource a user controls has a limit */

static struct {
	struct vm **by_name, **by_uuid;
	size_t nbuckets, count;
	int next_id;
	struct vm **sorted;	/* every vm by name, kept until one comes or goes */
	size_t nsorted;
	bool sorted_ok;
	uint64_t dev;		/* of the definition folder */
	bool cache_dirty;	/* a definition file changed since the cache */
	int cache_fd;		/* the cache read at start: texts not parsed yet */
} store = { .cache_fd = -1 };

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static size_t
bucket(const char *key)
{
	return (size_t)(hash_str(key) & (store.nbuckets - 1));
}

static void
index_add(struct vm *vm)
{
	size_t b = bucket(vm->name);

	vm->next_name = store.by_name[b];
	store.by_name[b] = vm;
	b = bucket(vm->uuid);
	vm->next_uuid = store.by_uuid[b];
	store.by_uuid[b] = vm;
}

static void
index_del(struct vm *vm)
{
	struct vm **pp;

	for (pp = &store.by_name[bucket(vm->name)]; *pp;
	    pp = &(*pp)->next_name)
		if (*pp == vm) {
			*pp = vm->next_name;
			break;
		}
	for (pp = &store.by_uuid[bucket(vm->uuid)]; *pp; pp = &(*pp)->next_uuid)
		if (*pp == vm) {
			*pp = vm->next_uuid;
			break;
		}
}

/* Double the buckets when the load passes 1. */
static int
index_grow(void)
{
	size_t old = store.nbuckets;
	struct vm **on = store.by_name, *all = NULL, *vm, *next;

	if (store.count < old)
		return 0;
	for (size_t b = 0; b < old; b++)
		for (vm = on[b]; vm; vm = next) {
			next = vm->next_name;
			vm->next_name = all;
			all = vm;
		}
	free(store.by_name);
	free(store.by_uuid);
	store.nbuckets = old * 2;
	store.by_name = calloc(store.nbuckets, sizeof(*store.by_name));
	store.by_uuid = calloc(store.nbuckets, sizeof(*store.by_uuid));
	if (!store.by_name || !store.by_uuid)
		return -ENOMEM;
	for (vm = all; vm; vm = next) {
		next = vm->next_name;
		index_add(vm);
	}
	return 0;
}

int
domains_init(void)
{
	store.nbuckets = 1024;
	store.by_name = calloc(store.nbuckets, sizeof(*store.by_name));
	store.by_uuid = calloc(store.nbuckets, sizeof(*store.by_uuid));
	store.next_id = 1;
	return store.by_name && store.by_uuid ? 0 : -ENOMEM;
}

size_t
domains_count(void)
{
	return store.count;
}

int
domains_next_id(void)
{
	return store.next_id++;
}

struct vm *
domains_by_name(const char *name)
{
	for (struct vm *vm = store.by_name[bucket(name)]; vm; vm = vm->next_name)
		if (strcmp(vm->name, name) == 0)
			return vm;
	return NULL;
}

static struct vm *
find_uuid(const char *uuid)
{
	for (struct vm *vm = store.by_uuid[bucket(uuid)]; vm; vm = vm->next_uuid)
		if (strcmp(vm->uuid, uuid) == 0)
			return vm;
	return NULL;
}

static struct vm *
find_key(const char *key)
{
	uint8_t raw[16];
	char canon[37], *end;
	struct vm *vm;
	long id;

	if (!key || !*key)
		return NULL;
	if ((vm = domains_by_name(key)))
		return vm;
	if (domain_uuid_parse(key, raw) == 0) {
		domain_uuid_format(raw, canon);
		if ((vm = find_uuid(canon)))
			return vm;
	}
	id = strtol(key, &end, 10);
	if (*end || id <= 0)
		return NULL;
	for (size_t b = 0; b < store.nbuckets; b++)
		for (vm = store.by_name[b]; vm; vm = vm->next_name)
			if (vm->id == id)
				return vm;
	return NULL;
}

struct vm *
domains_find(const char *key)
{
	struct vm *vm = find_key(key);

	return vm && domains_def_load(vm) == 0 ? vm : NULL;
}

static int
def_path(char *buf, size_t len, const char *name, int autostart)
{
	return path_build(buf, len, "%s/%s%s.xml", VMHOST_DOMAIN_DIR,
	    autostart ? "autostart/" : "", name);
}

/* Write d's definition file: at once and fsync'd (w NULL), or staged for
 * the group commit, which calls define_committed(w) when it is durable.
 * *hash: the text's, for the cache (domains_cache_save). */
static void define_committed(void *arg, int rc, bool in_place);

static int
def_write_as(const struct domain_def *d, void *w, uint64_t *hash, char *err,
    size_t errlen)
{
	char path[4096], *xml;
	int r;

	if (def_path(path, sizeof(path), d->name, 0) < 0) {
		snprintf(err, errlen, "path too long");
		return -ENAMETOOLONG;
	}
	if (!(xml = domain_format(d, 0))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	*hash = dcache_hash(xml, strlen(xml));
	r = w ? commit_stage(path, xml, strlen(xml), 0600, define_committed, w) :
	    file_write_atomic(path, xml, strlen(xml), 0600);
	free(xml);
	if (r < 0)
		snprintf(err, errlen, "cannot save the definition of '%s': %s",
		    d->name, strerror(-r));
	return r;
}

/* The file now holds a text vmhostd wrote: the cache takes it by its hash. */
static void
vm_written(struct vm *vm, uint64_t hash)
{
	vm->written = true;
	vm->written_hash = hash;
	vm->fid_ok = false;
	store.cache_dirty = true;
}

static int
def_write(struct vm *vm, const struct domain_def *d, char *err, size_t errlen)
{
	uint64_t hash;
	int r;

	if ((r = def_write_as(d, NULL, &hash, err, errlen)) == 0)
		vm_written(vm, hash);
	return r;
}

struct vm *
domains_vm_new(struct domain_def *d)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	vm->def = d;
	snprintf(vm->name, sizeof(vm->name), "%s", d->name);
	domain_uuid_format(d->uuid, vm->uuid);
	vm->state = VM_SHUTOFF;
	vm->reason = "unknown";
	vm->id = -1;
	vm->persistent = true;
	return vm;
}

int
domains_insert(struct vm *vm)
{
	int r;

	if ((r = index_grow()) < 0)
		return r;
	index_add(vm);
	store.count++;
	store.sorted_ok = false;
	return 0;
}

/* Conflicts libvirt reports the same way. */
int
domains_conflict(const char *name, const char *uuid, struct vm **same,
    char *err, size_t errlen)
{
	struct vm *byname = domains_by_name(name), *byuuid = find_uuid(uuid);
	char esc[256];

	*same = NULL;
	if (byname && strcmp(byname->uuid, uuid) != 0) {
		snprintf(err, errlen, "domain '%s' already exists with uuid %s",
		    str_escape(esc, sizeof(esc), name), byname->uuid);
		return -EEXIST;
	}
	if (byuuid && byuuid != byname) {
		snprintf(err, errlen, "domain '%s' is already defined with uuid %s",
		    str_escape(esc, sizeof(esc), byuuid->name), uuid);
		return -EEXIST;
	}
	*same = byname;
	return 0;
}

struct define_wait {
	domains_define_fn done;
	void *arg;
	char uuid[37];
	char name[DOMAIN_NAME_MAX + 1];	/* for the error (escaped) */
	struct domain_def *old;		/* replaced definition, freed once durable */
	bool isnew, old_was_next;
	uint64_t hash;			/* of the text written */
};

/* Undo a define whose file did not reach the disk. */
static void
define_undo(struct define_wait *w)
{
	struct vm *vm = find_uuid(w->uuid);

	if (!vm)
		return;
	if (w->isnew) {
		if (vm->live)
			vm->persistent = false;	/* started meanwhile: runs transient */
		else
			domains_remove(vm);
		return;
	}
	if (w->old_was_next) {
		domain_def_free(vm->next_def);
		vm->next_def = w->old;
	} else {
		index_del(vm);
		domain_def_free(vm->def);
		vm->def = w->old;
		index_add(vm);
	}
	w->old = NULL;
}

static void
define_committed(void *arg, int rc, bool in_place)
{
	struct define_wait *w = arg;
	struct vm *vm = find_uuid(w->uuid);
	char err[512];

	if (rc < 0 && !in_place) {
		snprintf(err, sizeof(err), "cannot save the definition of '%s': %s",
		    w->name, strerror(-rc));
		define_undo(w);
		w->done(w->arg, NULL, rc, err);
	} else if (rc < 0) {
		if (vm)
			vm_written(vm, w->hash);
		snprintf(err, sizeof(err),
		    "the definition of '%s' is saved but its folder could not be flushed: %s",
		    w->name, strerror(-rc));
		w->done(w->arg, NULL, rc, err);
	} else {
		if (vm)
			vm_written(vm, w->hash);
		w->done(w->arg, vm, 0, NULL);
	}
	domain_def_free(w->old);
	free(w);
}

/* The staged definition takes effect in the store (in memory). */
static void
define_apply(struct vm *vm, struct domain_def *d, struct define_wait *w)
{
	if (vm->live) {		/* takes effect at the next start */
		w->old = vm->next_def;
		w->old_was_next = true;
		vm->next_def = d;
	} else {
		w->old = vm->def;
		index_del(vm);
		vm->def = d;
		index_add(vm);
	}
	vm->persistent = true;
}

int
domains_define(const char *xml, size_t len, domains_define_fn done, void *arg,
    char *err, size_t errlen)
{
	struct domain_def *d = NULL;
	struct define_wait *w = NULL;
	struct vm *vm, *nvm = NULL;
	int r;

	if ((r = domain_parse(xml, len, &d, err, errlen)) < 0)
		return r;
	if (!(w = calloc(1, sizeof(*w))) || index_grow() < 0 ||
	    !(nvm = domains_vm_new(d))) {
		snprintf(err, errlen, "out of memory");
		r = -ENOMEM;
		goto fail;
	}
	domain_uuid_format(d->uuid, w->uuid);
	if ((r = domains_conflict(d->name, w->uuid, &vm, err, errlen)) < 0)
		goto fail;
	if (vm && (r = domains_def_load(vm)) < 0) {	/* the undo needs it */
		snprintf(err, errlen, "cannot read the current definition of "
		    "'%s': %s", w->uuid, strerror(-r));
		goto fail;
	}
	if (!vm && store.count >= DOMAINS_MAX) {
		snprintf(err, errlen, "too many domains (limit %d)", DOMAINS_MAX);
		r = -ENOSPC;
		goto fail;
	}
	w->done = done;
	str_escape(w->name, sizeof(w->name), d->name);
	w->arg = arg;
	w->isnew = !vm;
	if ((r = def_write_as(d, w, &w->hash, err, errlen)) < 0)
		goto fail;
	if (vm) {
		free(nvm);
		define_apply(vm, d, w);
	} else {
		index_add(nvm);
		store.count++;
		store.sorted_ok = false;
	}
	return 0;
fail:
	free(nvm);
	free(w);
	domain_def_free(d);
	return r;
}

int
domains_save(struct vm *vm, struct domain_def *d, char *err, size_t errlen)
{
	int r = 0;

	if ((r = commit_flush()) < 0)	/* staged defines land before this write */
		snprintf(err, errlen, "cannot flush the definitions: %s",
		    strerror(-r));
	else if (vm->persistent)
		r = def_write(vm, d, err, errlen);
	if (r < 0) {
		if (d != vm->def)
			domain_def_free(d);
		return r;
	}
	if (d != vm->def) {
		domain_def_free(vm->def);
		vm->def = d;
	}
	return 0;
}

void
domains_remove(struct vm *vm)
{
	index_del(vm);
	store.count--;
	store.sorted_ok = false;
	store.cache_dirty = true;
	domain_def_free(vm->def);
	domain_def_free(vm->next_def);
	free(vm);
}

int
domains_undefine(struct vm *vm, char *err, size_t errlen)
{
	char path[4096];
	int r;

	if ((r = commit_flush()) < 0) {	/* a staged define of it lands first */
		snprintf(err, errlen, "cannot flush the definitions: %s",
		    strerror(-r));
		return r;
	}
	if (vm->autostart && domains_set_autostart(vm, false, err, errlen) < 0)
		return -EIO;
	if (def_path(path, sizeof(path), vm->name, 0) < 0)
		return -ENAMETOOLONG;
	if ((r = file_remove(path)) < 0) {
		snprintf(err, errlen, "cannot remove '%s': %s", path,
		    strerror(-r));
		return r;
	}
	if (vm->live) {
		vm->persistent = false;	/* runs on, transient */
		return 0;
	}
	domains_remove(vm);
	return 0;
}

int
domains_set_autostart(struct vm *vm, bool on, char *err, size_t errlen)
{
	char link[4096], target[4096];
	int r = 0;

	if ((r = commit_flush()) < 0) {	/* the link's target is durable first */
		snprintf(err, errlen, "cannot flush the definitions: %s",
		    strerror(-r));
		return r;
	}
	if (def_path(link, sizeof(link), vm->name, 1) < 0)
		return -ENAMETOOLONG;
	if (on) {
		snprintf(target, sizeof(target), "../%s.xml", vm->name);
		if (symlink(target, link) < 0 && errno != EEXIST)
			r = -errno;
	} else {
		r = file_remove(link);
	}
	if (r < 0) {
		snprintf(err, errlen, "cannot %s autostart of '%s': %s",
		    on ? "set" : "unset", vm->name, strerror(-r));
		return r;
	}
	vm->autostart = on;
	return 0;
}

void
domains_loaded(uint64_t dev, int cache_fd, bool cache_dirty)
{
	store.dev = dev;
	store.cache_fd = cache_fd;
	store.cache_dirty = cache_dirty;
}

/*
 * The cached text of vm: from the cache read at start, or, if someone
 * changed that under us, from the definition file while it is the file
 * the cache described.
 */
static int
def_text(struct vm *vm, char **xml)
{
	struct timespec any = { 0 };
	struct dcache_fid fid;
	char path[4096];
	struct stat st;
	int fd, r;

	r = dcache_text(store.cache_fd, vm->text_off, vm->fid.size,
	    vm->text_crc, xml);
	if (r == 0 || r == -ENOMEM)
		return r;
	if (def_path(path, sizeof(path), vm->name, 0) < 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return r;
	if (fstat(fd, &st) == 0) {
		dcache_fid_of(&st, &any, &fid);
		if (dcache_fid_eq(&fid, &vm->fid))
			r = fd_read_all(fd, vm->fid.size, xml, NULL);
	}
	close(fd);
	return r;
}

/* A domain from the cache: its text parsed now, as its file would be. */
int
domains_def_load(struct vm *vm)
{
	struct domain_def *d = NULL;
	char err[512], uuid[37], path[4096], *xml = NULL;
	int r;

	if (vm->def)
		return 0;
	if ((r = def_text(vm, &xml)) == -ENOMEM)
		return r;
	if (r < 0)
		snprintf(err, sizeof(err), "cannot read it: %s", strerror(-r));
	else
		r = domain_parse(xml, vm->fid.size, &d, err, sizeof(err));
	free(xml);
	if (r == -ENOMEM)
		return r;
	if (r == 0) {
		domain_uuid_format(d->uuid, uuid);
		if (strcmp(d->name, vm->name) != 0 ||
		    strcmp(uuid, vm->uuid) != 0 || d->uuid_generated) {
			snprintf(err, sizeof(err), "not the cached name and uuid");
			r = -EBADMSG;
		}
	}
	if (r < 0) {
		def_path(path, sizeof(path), vm->name, 0);
		log_error("skipping '%s' (its cached text): %s", path, err);
		domain_def_free(d);
		domains_remove(vm);
		return -EBADMSG;
	}
	vm->def = d;
	return 0;
}

/* The cache entry of vm's file, if its text is known to be vm's: the
 * file read at start (same identity), or the text vmhostd wrote (hash). */
struct save_item {
	char file[DOMAIN_NAME_MAX + 5];
	char *xml;		/* read here */
};

static int
save_one(int dfd, struct vm *vm, const struct timespec *before,
    struct save_item *si, struct dcache_entry *e)
{
	struct stat st;
	bool ok = false;
	size_t len;
	int fd;

	if (!vm->persistent || (!vm->fid_ok && !vm->written))
		return -ENOENT;
	snprintf(si->file, sizeof(si->file), "%s.xml", vm->name);
	e->file = si->file;
	if ((fd = openat(dfd, e->file, O_RDONLY | O_CLOEXEC)) >= 0) {
		if (fstat(fd, &st) == 0 && fd_read_all(fd, DOMAIN_XML_MAX_SIZE,
		    &si->xml, &len) == 0)
			ok = dcache_fid_of(&st, before, &e->fid) &&
			    e->fid.size == len &&
			    ((vm->fid_ok && dcache_fid_eq(&e->fid, &vm->fid)) ||
			    (vm->written && dcache_hash(si->xml, len) ==
			    vm->written_hash));
		close(fd);
		e->xml = si->xml;
	}
	if (ok)
		domain_uuid_parse(vm->uuid, e->uuid);
	return ok ? 0 : -ESTALE;
}

/* At exit: every file whose text is known goes in; the others (edited by
 * hand meanwhile, or too fresh) are read and parsed at the next start. */
void
domains_cache_save(void)
{
	struct save_item *si = NULL;
	struct dcache_entry *e = NULL;
	struct timespec before;
	char dir[4096];
	size_t k = 0;
	int dfd = -1;

	if (!store.cache_dirty)
		return;
	clock_gettime(CLOCK_REALTIME, &before);
	if (path_build(dir, sizeof(dir), "%s", VMHOST_DOMAIN_DIR) < 0 ||
	    (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    !(si = calloc(store.count + 1, sizeof(*si))) ||
	    !(e = calloc(store.count + 1, sizeof(*e))))
		goto out;
	for (size_t b = 0; b < store.nbuckets; b++)
		for (struct vm *vm = store.by_name[b]; vm; vm = vm->next_name) {
			if (save_one(dfd, vm, &before, &si[k], &e[k]) == 0) {
				k++;
				continue;
			}
			free(si[k].xml);
			si[k].xml = NULL;
		}
	if (dcache_write(e, k, store.dev) == 0)
		store.cache_dirty = false;
out:
	for (size_t i = 0; si && i <= k; i++)
		free(si[i].xml);
	free(si);
	free(e);
	if (dfd >= 0)
		close(dfd);
}
static int
vm_cmp(const void *a, const void *b)
{
	const struct vm *x = *(struct vm *const *)a, *y = *(struct vm *const *)b;

	if ((x->id > 0) != (y->id > 0))
		return x->id > 0 ? -1 : 1;
	if (x->id > 0)
		return x->id - y->id;
	return strcmp(x->name, y->name);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp((*(struct vm *const *)a)->name,
	    (*(struct vm *const *)b)->name);
}

/* Running domains by id, then the others by name. The order by name is
 * kept between calls (a redefinition keeps the name; only a domain that
 * comes or goes drops it), so a list costs no sort of every domain. */
struct vm **
domains_sorted_names(size_t *n)
{
	struct vm **all = malloc((store.count + 1) * sizeof(*all));
	size_t k = 0, r = 0;

	if (!all)
		return NULL;
	if (!store.sorted_ok) {
		struct vm **s = realloc(store.sorted,
		    (store.count + 1) * sizeof(*s));

		if (!s) {
			free(all);
			return NULL;
		}
		store.sorted = s;
		for (size_t b = 0; b < store.nbuckets; b++)
			for (struct vm *vm = store.by_name[b]; vm; vm = vm->next_name)
				s[k++] = vm;
		qsort(s, k, sizeof(*s), name_cmp);
		store.nsorted = k;
		store.sorted_ok = true;
	}
	for (size_t i = 0; i < store.nsorted; i++)
		if (store.sorted[i]->id > 0)
			all[r++] = store.sorted[i];
	qsort(all, r, sizeof(*all), vm_cmp);
	k = r;
	for (size_t i = 0; i < store.nsorted; i++)
		if (store.sorted[i]->id <= 0)
			all[k++] = store.sorted[i];
	*n = k;
	return all;
}

struct vm **
domains_sorted(size_t *n)
{
	struct vm *vm, *next;

	for (size_t b = 0; b < store.nbuckets; b++)
		for (vm = store.by_name[b]; vm; vm = next) {
			next = vm->next_name;	/* vm may go */
			domains_def_load(vm);
		}
	return domains_sorted_names(n);
}
