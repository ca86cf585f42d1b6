/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's write-ahead journal of a folder's definition files: one append, one flush. */
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
 * flush. -EFBIG when they cannot fit in one journal file, -EXDEV when a
 * path is not a file of its folder, else 0 or -errno (then nothing is
 * durable). On 0 the caller puts the files in place, then calls
 * journal_placed. For the flusher thread: no logging.
 */
int journal_append(struct journal_rec *recs, size_t n);

/*
 * The appended records' files are in place, but for nfailed of them: the
 * journal's thread writes those again from the journal (each second until
 * it works; the journal stays live meanwhile).
 */
void journal_placed(size_t nfailed);

/*
 * Every journaled write in place, flush the folder and empty the journal
 * (done by the journal's thread, waited for). Needed before any change to
 * the folder that is not journaled (a replay would otherwise undo it).
 * 0 or -errno.
 */
int journal_checkpoint(void);

/* Checkpoint and close (at exit). */
void journal_close(void);

#endif
