/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Write-ahead journal of a folder's definition files: one append, one flush. */
#ifndef VMHOSTD_JOURNAL_H
#define VMHOSTD_JOURNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define JOURNAL_BATCH_MAX	256	/* records in one append */

struct journal_rec {
	const char *path;	/* a file of the journal's folder */
	const void *data;
	size_t len;
	mode_t mode;
	uint64_t gen;		/* set by journal_append, for journal_cancel */
	uint32_t seq;
};

/*
 * Open (or create) the journal of dir: dir/.journal.0 and dir/.journal.1.
 * Writes it holds from an earlier run that had not reached their files
 * are replayed first (files whose content differs are rewritten), made
 * durable, and the journal emptied. Returns the number of files
 * rewritten, or -errno with a logged reason: then there is no journal
 * and callers write their files durably themselves.
 */
int journal_open(const char *dir);

/* The journal is open. */
int journal_active(void);

/*
 * Make n records (n <= JOURNAL_BATCH_MAX) durable with one append and one
 * flush; the caller then puts the files in place. -EFBIG when they cannot
 * fit in one journal file, -EXDEV when a path is not a file of its
 * folder, else 0 or -errno (then nothing is durable).
 * No allocation, no logging: for the flusher thread.
 */
int journal_append(struct journal_rec *recs, size_t n);

/* Record that an appended record did not reach its file: replays skip it. */
int journal_cancel(const struct journal_rec *rec);

/*
 * Every journaled write is in place: flush the folder and empty the
 * journal. Needed before any change to the folder that is not journaled
 * (a replay would otherwise undo it). 0 or -errno.
 */
int journal_checkpoint(void);

/* Checkpoint and close (at exit). */
void journal_close(void);

#endif
