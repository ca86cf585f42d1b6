/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Spare files for vmhostd's journaled definition writes (the flusher thread's):
 * a new definition is written into a spare and renamed over its file, and the
 * file it replaces becomes the spare, so that no inode is made or freed. */
#include "vmhostd/spares.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"

/*
 * Making a file and freeing one are what a definition write costs on ext4
 * (a new inode is searched past recently freed ones; a freed block may be
 * discarded at once): 100-600 µs here, against 30 µs for this. Placing
 * spare k as NAME.xml exchanges the two names (renameat2 RENAME_EXCHANGE:
 * atomic for readers), so the old file is the next spare. A new NAME.xml
 * takes the spare, made again later. Only with the journal: the spare's
 * content is overwritten in place, so after a power loss a renamed file may
 * show older blocks until the journal's replay writes it again. The spares
 * a run leaves are the next run's; one is used only while it is a regular
 * file with one link (no other name may see what is written into it).
 */
#define SPARES		64

static struct {
	bool on;
	char dir[PATH_MAX];
	enum { SP_NONE, SP_FREE, SP_TAKEN } st[SPARES];
	int next;
	pthread_mutex_t mu;	/* the flusher refills while the loop may write */
} sp = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* By path, not by a folder descriptor: a folder mounted over while
 * vmhostd runs is the one written. */
static void
spare_name(char *buf, size_t len, int k)
{
	snprintf(buf, len, "%s/.spare.%d", sp.dir, k);
}

/* Make spare k (empty, 0600). */
static int
spare_make(int k)
{
	char name[PATH_MAX + 16];
	int fd;

	spare_name(name, sizeof(name), k);
	fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return -errno;
	close(fd);
	sp.st[k] = SP_FREE;
	return 0;
}

int
spares_init(const char *dir)
{
	struct dirent *de;
	DIR *d;

	if (snprintf(sp.dir, sizeof(sp.dir), "%s", dir) >= (int)sizeof(sp.dir))
		return -ENAMETOOLONG;
	if (!(d = opendir(dir)))
		return -errno;
	while ((de = readdir(d))) {	/* the last run's: used again */
		char *end;
		long k;

		if (strncmp(de->d_name, ".spare.", 7) != 0)
			continue;
		k = strtol(de->d_name + 7, &end, 10);
		if (*end == '\0' && end != de->d_name + 7 && k >= 0 &&
		    k < SPARES)
			sp.st[k] = SP_FREE;	/* checked when used */
		else
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
	sp.on = true;
	spares_refill();
	return 0;
}

void
spares_refill(void)
{
	pthread_mutex_lock(&sp.mu);
	for (int k = 0; k < SPARES && sp.on; k++)
		if (sp.st[k] == SP_NONE && spare_make(k) < 0)
			break;	/* a full disk: writes make temp files */
	pthread_mutex_unlock(&sp.mu);
}

bool
spares_in(const char *path)
{
	size_t dl = strlen(sp.dir);

	return sp.on && strncmp(path, sp.dir, dl) == 0 &&
	    path[dl] == '/' && path[dl + 1] != '\0' && path[dl + 1] != '.' &&
	    !strchr(path + dl + 1, '/');
}

static int
spare_write(const void *data, size_t len, mode_t mode)
{
	char name[PATH_MAX + 16];
	struct stat st;
	int k, fd, r = 0;

	for (k = 0; k < SPARES && sp.st[sp.next] != SP_FREE; k++)
		sp.next = (sp.next + 1) % SPARES;
	if (!sp.on || k == SPARES)
		return -ENOENT;
	k = sp.next;
	sp.next = (sp.next + 1) % SPARES;
	sp.st[k] = SP_TAKEN;	/* until placed or given back */
	spare_name(name, sizeof(name), k);
	fd = open(name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_nlink != 1) {
		if (fd >= 0)
			close(fd);
		if (fd >= 0 || errno != ENOENT)
			unlink(name);
		sp.st[k] = SP_NONE;
		return -ENOENT;
	}
	if ((st.st_mode & 07777) != mode && fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0)
		r = fd_write_all(fd, data, len);
	if (r == 0 && (off_t)len != st.st_size && ftruncate(fd, (off_t)len) < 0)
		r = -errno;
	close(fd);
	if (r < 0) {
		unlink(name);	/* a half-written spare goes */
		sp.st[k] = SP_NONE;
		return r;
	}
	return k;
}

int
spares_write(const void *data, size_t len, mode_t mode)
{
	int r;

	pthread_mutex_lock(&sp.mu);
	r = spare_write(data, len, mode);
	pthread_mutex_unlock(&sp.mu);
	return r;
}

static int
spare_place(int k, const char *path)
{
	char name[PATH_MAX + 16];

	if (!spares_in(path))
		return -EXDEV;
	spare_name(name, sizeof(name), k);
	if (renameat2(AT_FDCWD, name, AT_FDCWD, path, RENAME_EXCHANGE) == 0) {
		sp.st[k] = SP_FREE;	/* the old file is the spare now */
		return 0;
	}
	/* no file yet (or no RENAME_EXCHANGE here): the spare becomes it */
	if (rename(name, path) < 0) {
		sp.st[k] = SP_FREE;	/* still a spare */
		return -errno;
	}
	sp.st[k] = SP_NONE;
	return 0;
}

int
spares_place(int k, const char *path)
{
	int r;

	pthread_mutex_lock(&sp.mu);
	r = spare_place(k, path);
	pthread_mutex_unlock(&sp.mu);
	return r;
}

void
spares_release(int k)
{
	pthread_mutex_lock(&sp.mu);
	if (k >= 0 && k < SPARES && sp.st[k] == SP_TAKEN)
		sp.st[k] = SP_FREE;
	pthread_mutex_unlock(&sp.mu);
}

void
spares_close(void)
{
	sp.on = false;
}
