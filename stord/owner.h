/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's remembered owners: images given to a guest's user and given back, counted per guest. */
#ifndef VMHOST_STORD_OWNER_H
#define VMHOST_STORD_OWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define OWNER_ENTRIES_MAX 1024
#define OWNER_HOLDERS_MAX 64

/*
 * The state file (one line per image: original uid, gid, mode, device,
 * inode, the guests holding it, the canonical path) is rewritten
 * atomically before every ownership change, so a stord restart (or a crash
 * between the save and the chown) never loses an original owner.
 * Loads @state_path (missing: empty).  Returns 0 or -errno with @err.
 */
int owner_init(const char *state_path, char *err, size_t errlen);
void owner_fini(void);

/*
 * Gives the regular file @path (already checked by the caller: allowed
 * folder, not a system file) to @uid:@gid for guest @uuid, owner read and
 * write added to its mode, remembering the original owner and mode the
 * first time.  A second guest may share it only with the same uid:gid.
 */
int owner_take(const char *uuid, const char *path, uid_t uid, gid_t gid,
    char *err, size_t errlen);
/*
 * Guest @uuid lets go of @path (NULL or "": of everything it holds); an
 * image nobody holds any more gets its original owner and mode back,
 * provided it is still the same file (device and inode).
 */
int owner_release(const char *uuid, const char *path, char *err,
    size_t errlen);
/* Is the file at @path (canonical) given to some guest? */
bool owner_held(const char *path);
size_t owner_count(void);

#endif
