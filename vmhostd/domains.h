/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's domains: definitions indexed by name and uuid, their state and persistence. */
#ifndef VMHOSTD_DOMAINS_H
#define VMHOSTD_DOMAINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/domain_xml.h"
#include "vmhostd/domains_cache.h"

/* States as virsh shows them (values match the protocol's DomainState). */
enum vm_state {
	VM_NOSTATE = 0,
	VM_RUNNING = 1,
	VM_BLOCKED = 2,
	VM_PAUSED = 3,
	VM_SHUTDOWN = 4,
	VM_SHUTOFF = 5,
	VM_CRASHED = 6,
};

struct vm_live;

struct vm {
	/*
	 * The persistent (or transient) definition. NULL only for a domain
	 * taken from the definition cache and not used since the start (text
	 * holds it): domains_find and domains_sorted parse it before they
	 * hand the domain out; only domains_sorted_names does not.
	 */
	struct domain_def *def;
	struct domain_def *next_def;	/* redefined while running: used at next start */
	char name[DOMAIN_NAME_MAX + 1];	/* def->name, which never changes */
	char uuid[37];
	uint64_t text_off;		/* def NULL: its text in the cache */
	uint32_t text_crc;
	/* for the cache: the definition file is known to be the text of def
	 * while it is fid (fid_ok), or while its text has written_hash
	 * (written: vmhostd wrote it) */
	struct dcache_fid fid;
	bool fid_ok, written;
	uint64_t written_hash;
	enum vm_state state;
	const char *reason;		/* static string: "booted", "destroyed", ... */
	int id;				/* -1 when inactive */
	bool autostart;
	bool persistent;		/* false once undefined while running */
	struct vm_live *live;		/* lifecycle.c: the running emulator */
	struct vm *next_name, *next_uuid; /* hash chains */
};

int domains_init(void);
/* Load every definition under the domain folder; bad files are logged and skipped. */
int domains_load(void);
size_t domains_count(void);

/* By name, then uuid (with or without dashes), then numeric id. */
struct vm *domains_find(const char *key);

/* A define's end: vm when durable, NULL with a one-line message on failure. */
typedef void (*domains_define_fn)(void *arg, struct vm *vm, int rc,
    const char *err);

/*
 * Define from XML: new, or a redefinition of the same name and uuid.
 * Checked and staged at once (the store shows it from now on); done is
 * called when the file is durable (commit.c groups the flushes of one loop
 * turn), or with the error, the store back as it was. Returns 0 (done
 * follows), or -errno with a one-line message in err (done is not called).
 */
int domains_define(const char *xml, size_t len, domains_define_fn done,
    void *arg, char *err, size_t errlen);
/* Remove the definition; a running domain becomes transient. */
int domains_undefine(struct vm *vm, char *err, size_t errlen);
int domains_set_autostart(struct vm *vm, bool on, char *err, size_t errlen);
/* Persist d and make it vm's definition (takes ownership; d may be vm->def). */
int domains_save(struct vm *vm, struct domain_def *d, char *err, size_t errlen);
/* Forget a transient domain that stopped. */
void domains_remove(struct vm *vm);

/* Every domain, sorted: running by id, then the rest by name. Caller frees the array. */
struct vm **domains_sorted(size_t *n);
/*
 * The same without parsing the definitions not used yet: of each domain
 * only name, uuid, id, state, reason and autostart may be read, or the
 * definition after domains_def_load.
 */
struct vm **domains_sorted_names(size_t *n);
/*
 * Make vm->def be there (parse the cached text). 0, or -errno logged:
 * on -EBADMSG (the text is not the domain's) vm was freed, like a bad
 * file at start.
 */
int domains_def_load(struct vm *vm);
/* Write the definition cache if a definition changed since it was made. */
void domains_cache_save(void);

/* The next runtime id. */
int domains_next_id(void);

#endif
