/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Spare files for vmhostd's journaled definition writes: no inode made or freed. */
#ifndef VMHOSTD_SPARES_H
#define VMHOSTD_SPARES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Use dir's spares (.spare.N): leftovers removed, new ones made. 0 or -errno. */
int spares_init(const char *dir);
/* path is a file of that folder. */
bool spares_in(const char *path);
/* Write data into a spare, taken until placed or released: its number,
 * -ENOENT when none is left, or -errno (the spare is then gone). */
int spares_write(const void *data, size_t len, mode_t mode);
/* Spare k becomes path, atomically; the file it replaces is the spare. */
int spares_place(int k, const char *path);
/* A spare written but not placed is a spare again. */
void spares_release(int k);
/* Make the spares that were used up (a new file took one). */
void spares_refill(void);
void spares_close(void);

#endif
