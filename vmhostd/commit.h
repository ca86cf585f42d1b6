/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Group commit of atomic file replacements: many writes, one flush, replies after. */
#ifndef VMHOSTD_COMMIT_H
#define VMHOSTD_COMMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct event_base;

/* Called once per staged write: rc 0 when durable; rc < 0 on failure, with
 * in_place false when path still holds what it held before (the temp file
 * is gone), true when the new file is in place but its folder's flush
 * failed. */
typedef void (*commit_done_fn)(void *arg, int rc, bool in_place);

/* journal_dir: the folder whose files get a write-ahead journal (journal.c),
 * or NULL; any other path is written with the folder flushes. */
void commit_init(struct event_base *base, const char *journal_dir);

/* Queue a write of data to a temp file beside path and its rename (a copy
 * of data is kept; the file is made by the flush, in the flusher thread).
 * Returns 0 when queued (done is called later, always, with the write's
 * error if it failed), or -errno when nothing was staged (done is not
 * called). Writes staged during one turn of the event loop share one
 * flush; the first staged write arms a zero timeout that commits them. */
int commit_stage(const char *path, const void *data, size_t len, mode_t mode,
    commit_done_fn done, void *arg);

/* Commit what is queued now and let the journal land in the files, before
 * another change to the same folders (or at exit). 0, or -errno (logged):
 * then that change must not be made, a replay would undo it. */
int commit_flush(void);

/* Staged writes not yet committed. */
size_t commit_pending(void);

#endif
