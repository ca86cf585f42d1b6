/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's loading of the domain definitions at start: the folder, the definition cache, the loader threads. */
#define LOG_MODULE "domains"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/paths.h"
#include "vmhostd/domains_cache.h"
#include "vmhostd/domains_priv.h"

/*
 * Loading at start. The folder is listed and sorted by file name; the
 * definition cache (domains_cache.c) gives, per file identity, the name,
 * uuid and text of every file vmhostd parsed before. LOAD_THREADS workers
 * stat each file: when it is the cached one, its text is kept to be parsed
 * on first use (domains_def_load); when not (new, edited by hand, no
 * cache), it is read and parsed (the same domain_parse as a define: a bad
 * file is refused with a log line). Then the files are taken in name
 * order, one by one, in this thread, and the cache is rewritten if it
 * missed a file or held one that is gone.
 */
#define LOAD_THREADS		4

struct load_item {
	char *file;
	const struct dcache_entry *ce;	/* the cache's entry of this name */
	bool hit;			/* ce is the file as it is now */
	struct domain_def *d;		/* parsed (not a hit) */
	char *xml;			/* the text read (not a hit) */
	size_t xml_len;
	struct dcache_fid fid;		/* of the text read, when fid_ok */
	bool fid_ok;
	char *err;			/* why it is refused, when neither */
};

static struct {
	const char *dir;
	int dfd;
	struct timespec before;		/* every read is after it */
	struct load_item *items;
	size_t n, cap;
	atomic_size_t next;
	struct dcache cache;
	struct dcache_entry *out;	/* the new cache */
	size_t nout, nhit;
	uint64_t dev;			/* of the folder */
	bool dirty;			/* the cache is to be written at exit */
} load;

static void
load_add(const char *file)
{
	struct load_item *it;

	if (load.n == load.cap) {
		size_t cap = load.cap ? 2 * load.cap : 1024;

		if (!(it = realloc(load.items, cap * sizeof(*it))))
			return;
		load.items = it;
		load.cap = cap;
	}
	it = &load.items[load.n];
	memset(it, 0, sizeof(*it));
	if ((it->file = strdup(file)))
		load.n++;
}

/* The cached text, if the file is still the one it was read from. */
static bool
load_hit(struct load_item *it)
{
	struct dcache_fid fid;
	struct stat st;

	if (!it->ce || fstatat(load.dfd, it->file, &st, 0) < 0)
		return false;
	dcache_fid_of(&st, &load.before, &fid);
	if (!dcache_fid_eq(&fid, &it->ce->fid))
		return false;
	it->fid = fid;
	it->fid_ok = it->hit = true;
	return true;
}

/* Read and parse one file (a worker: no log, no store). */
static void
load_parse(struct load_item *it)
{
	char err[512];
	struct stat st;
	int fd;

	if (load_hit(it))
		return;
	fd = openat(load.dfd, it->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 ||
	    fd_read_all(fd, DOMAIN_XML_MAX_SIZE, &it->xml, &it->xml_len) < 0) {
		it->err = strdup("unreadable");
	} else if (domain_parse(it->xml, it->xml_len, &it->d, err,
	    sizeof(err)) < 0) {
		it->d = NULL;
		it->err = strdup(err);
	} else {
		it->fid_ok = dcache_fid_of(&st, &load.before, &it->fid) &&
		    it->fid.size == it->xml_len && !it->d->uuid_generated;
	}
	if (fd >= 0)
		close(fd);
}

static void *
load_worker(void *arg)
{
	size_t i;

	(void)arg;
	while ((i = atomic_fetch_add(&load.next, 1)) < load.n)
		load_parse(&load.items[i]);
	return NULL;
}

/* A domain from its cached text: parsed when first used. */
static struct vm *
vm_new_cached(struct load_item *it, const char *name)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	domain_uuid_format(it->ce->uuid, vm->uuid);
	vm->text_off = it->ce->text_off;
	vm->text_crc = it->ce->text_crc;
	vm->state = VM_SHUTOFF;
	vm->reason = "unknown";
	vm->id = -1;
	vm->persistent = true;
	return vm;
}

/* Take one file; its name must be the name inside it (NAME.xml). */
static void
load_take(struct load_item *it)
{
	char err[512], uuid[37], name[DOMAIN_NAME_MAX + 1];
	size_t n = strlen(it->file) - 4;
	struct vm *vm = NULL, *same;

	if (!it->hit && !it->d) {
		log_error("skipping '%s/%s': %s", load.dir, it->file,
		    it->err ? it->err : "out of memory");
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)n, it->file);
	domain_uuid_format(it->hit ? it->ce->uuid : it->d->uuid, uuid);
	if (n > DOMAIN_NAME_MAX || (it->d && strcmp(it->d->name, name) != 0) ||
	    domains_conflict(name, uuid, &same, err, sizeof(err)) < 0 || same) {
		log_error("skipping '%s/%s': name or uuid clash", load.dir,
		    it->file);
		return;
	}
	vm = it->hit ? vm_new_cached(it, name) : domains_vm_new(it->d);
	if (!vm || domains_insert(vm) < 0) {
		free(vm);
		return;
	}
	it->d = NULL;
	vm->fid = it->fid;
	vm->fid_ok = it->fid_ok;
	if (vm->fid_ok && load.out) {
		struct dcache_entry *e = &load.out[load.nout++];

		*e = (struct dcache_entry){ .file = it->file, .fid = it->fid,
			.xml = it->xml };
		memcpy(e->uuid, it->hit ? it->ce->uuid : vm->def->uuid, 16);
	}
	load.nhit += it->hit;
}

/* Each file meets its cache entry (both sorted by name). */
static void
load_match(void)
{
	size_t j = 0;

	for (size_t i = 0; i < load.n && j < load.cache.n; i++) {
		int c;

		while (j < load.cache.n &&
		    (c = strcmp(load.cache.e[j].file, load.items[i].file)) < 0)
			j++;
		if (j < load.cache.n && c == 0)
			load.items[i].ce = &load.cache.e[j++];
	}
}

static void
load_free(void)
{
	for (size_t i = 0; i < load.n; i++) {
		domain_def_free(load.items[i].d);
		free(load.items[i].xml);
		free(load.items[i].err);
		free(load.items[i].file);
	}
	free(load.items);
	free(load.out);
	/* the texts of the hits stay in the cache read */
	domains_loaded(load.dev, load.nhit > 0 ? load.cache.fd : -1,
	    load.dirty);
	dcache_free(&load.cache, load.nhit > 0);
	memset(&load, 0, sizeof(load));
}

static void
load_run(void)
{
	pthread_t th[LOAD_THREADS];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nth = 0;

	xmlInitParser();	/* once, before threads parse */
	atomic_store(&load.next, 0);
	if (ncpu > LOAD_THREADS)
		ncpu = LOAD_THREADS;
	while (load.n >= 256 && (long)nth + 1 < ncpu &&
	    pthread_create(&th[nth], NULL, load_worker, NULL) == 0)
		nth++;
	load_worker(NULL);
	while (nth > 0)
		pthread_join(th[--nth], NULL);
	load.out = calloc(load.n + 1, sizeof(*load.out));
	for (size_t i = 0; i < load.n; i++)
		load_take(&load.items[i]);
	/* the cache is rewritten when there is none, or it missed a file or
	 * has one too many: now if every text is in memory (none from it),
	 * else at exit */
	load.dirty = !load.out || load.cache.fd < 0 ||
	    load.nout != load.nhit || load.nhit != load.cache.n;
	if (load.dirty && load.out && load.nhit == 0 &&
	    dcache_write(load.out, load.nout, load.dev) == 0)
		load.dirty = false;
}

/* Autostart: a link NAME.xml in autostart/ whose target exists (one look
 * at the folder, not one lookup per domain). */
static void
load_autostart(void)
{
	char dir[4096], name[DOMAIN_NAME_MAX + 1];
	struct dirent *de;
	struct vm *vm;
	DIR *dp;

	if (path_build(dir, sizeof(dir), "%s/autostart", VMHOST_DOMAIN_DIR) < 0 ||
	    !(dp = opendir(dir)))
		return;
	while ((de = readdir(dp))) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.' || n < 5 || n - 4 > DOMAIN_NAME_MAX ||
		    strcmp(de->d_name + n - 4, ".xml") != 0)
			continue;
		memcpy(name, de->d_name, n - 4);
		name[n - 4] = '\0';
		if ((vm = domains_by_name(name)) &&
		    faccessat(dirfd(dp), de->d_name, F_OK, 0) == 0)
			vm->autostart = true;
	}
	closedir(dp);
}

static int
item_cmp(const void *a, const void *b)
{
	return strcmp(((const struct load_item *)a)->file,
	    ((const struct load_item *)b)->file);
}

int
domains_load(void)
{
	char dir[4096];
	struct dirent *de;
	struct timespec t0, t1;
	struct stat st;
	size_t cached;
	DIR *dp;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_REALTIME, &load.before);
	if (path_build(dir, sizeof(dir), "%s", VMHOST_DOMAIN_DIR) < 0 ||
	    !(dp = opendir(dir)))
		return -errno;
	while ((de = readdir(dp))) {
		size_t n = strlen(de->d_name);

		/* a temp file of a write cut short (commit.c, fileio.c):
		 * the definition is the old file; the temp goes */
		if (strstr(de->d_name, ".xml.tmp.") &&
		    unlinkat(dirfd(dp), de->d_name, 0) == 0)
			log_info("removed '%s/%s' (an interrupted write)", dir,
			    de->d_name);
		if (de->d_name[0] == '.' || n < 5 ||
		    strcmp(de->d_name + n - 4, ".xml") != 0)
			continue;
		load_add(de->d_name);
	}
	load.dir = dir;
	load.dfd = dirfd(dp);
	if (fstat(load.dfd, &st) == 0)
		load.dev = (uint64_t)st.st_dev;
	if (load.n > 1)	/* items is NULL when the folder holds none */
		qsort(load.items, load.n, sizeof(*load.items), item_cmp);
	dcache_read(&load.cache, load.dev);
	load_match();
	load_run();
	cached = load.nhit;
	load_free();
	closedir(dp);
	load_autostart();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info("%zu domains defined (%zu from the cache; read in %ld ms)",
	    domains_count(), cached, (long)((t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000));
	return 0;
}
