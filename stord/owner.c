/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's remembered owners: chown to a guest's user and back, kept in a state file across restarts. */
#define LOG_MODULE "owner"
#include "stord/owner.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"

#define UUID_LEN 36

struct owner_entry {
	char path[PATH_MAX];
	unsigned long long dev, ino;
	uid_t uid;
	gid_t gid;
	mode_t mode;
	size_t nholders;
	char holders[OWNER_HOLDERS_MAX][UUID_LEN + 1];
};

static struct {
	char state[PATH_MAX];
	struct owner_entry *e;
	size_t n;
} own;

static int
uuid_ok(const char *u)
{
	if (!u || strlen(u) != UUID_LEN)
		return 0;
	for (size_t i = 0; i < UUID_LEN; i++)
		if (!(u[i] == '-' || (u[i] >= '0' && u[i] <= '9') ||
		    (u[i] >= 'a' && u[i] <= 'f') || (u[i] >= 'A' && u[i] <= 'F')))
			return 0;
	return 1;
}

static int
owner_parse_line(char *line, struct owner_entry *e)
{
	unsigned long uid, gid, mode;
	char holders[2400];	/* OWNER_HOLDERS_MAX uuids and commas */
	int off = 0;

	memset(e, 0, sizeof(*e));
	if (sscanf(line, "%lu %lu %lo %llu %llu %2368s %n", &uid, &gid, &mode,
	    &e->dev, &e->ino, holders, &off) != 6 || off == 0 ||
	    line[off] != '/')
		return -EINVAL;
	snprintf(e->path, sizeof(e->path), "%s", line + off);
	e->uid = (uid_t)uid;
	e->gid = (gid_t)gid;
	e->mode = (mode_t)mode & 07777;
	for (char *s = holders, *tok; (tok = strsep(&s, ",")) != NULL;) {
		if (!uuid_ok(tok) || e->nholders >= OWNER_HOLDERS_MAX)
			continue;
		snprintf(e->holders[e->nholders++], UUID_LEN + 1, "%s", tok);
	}
	return e->nholders ? 0 : -EINVAL;
}

int
owner_init(const char *state_path, char *err, size_t errlen)
{
	char *text = NULL, *s, *line;
	size_t len;
	int r;

	snprintf(own.state, sizeof(own.state), "%s", state_path);
	if (!(own.e = calloc(OWNER_ENTRIES_MAX, sizeof(*own.e)))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	own.n = 0;
	r = file_read_all(state_path, 16 << 20, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		snprintf(err, errlen, "cannot read %s: %s", state_path,
		    strerror(-r));
		return r;
	}
	for (s = text; (line = strsep(&s, "\n")) != NULL;) {
		if (!*line || own.n >= OWNER_ENTRIES_MAX)
			continue;
		if (owner_parse_line(line, &own.e[own.n]) == 0)
			own.n++;
		else
			log_warn("%s: a line that does not parse was dropped",
			    state_path);
	}
	free(text);
	if (own.n)
		log_info("%zu image%s given to guests, original owners remembered",
		    own.n, own.n == 1 ? "" : "s");
	return 0;
}

void
owner_fini(void)
{
	free(own.e);
	own.e = NULL;
	own.n = 0;
}

static int
owner_save(void)
{
	size_t cap = own.n * (PATH_MAX + 128 + OWNER_HOLDERS_MAX * 37) + 1;
	char *buf = malloc(cap), *p = buf;
	int r;

	if (!buf)
		return -ENOMEM;
	*p = '\0';
	for (size_t i = 0; i < own.n; i++) {
		const struct owner_entry *e = &own.e[i];

		p += sprintf(p, "%lu %lu %lo %llu %llu ", (unsigned long)e->uid,
		    (unsigned long)e->gid, (unsigned long)e->mode, e->dev,
		    e->ino);
		for (size_t h = 0; h < e->nholders; h++)
			p += sprintf(p, "%s%s", h ? "," : "", e->holders[h]);
		p += sprintf(p, " %s\n", e->path);
	}
	r = file_write_atomic(own.state, buf, (size_t)(p - buf), 0600);
	free(buf);
	if (r < 0)
		log_error("cannot write %s: %s", own.state, strerror(-r));
	return r;
}

static struct owner_entry *
owner_find(unsigned long long dev, unsigned long long ino)
{
	for (size_t i = 0; i < own.n; i++)
		if (own.e[i].dev == dev && own.e[i].ino == ino)
			return &own.e[i];
	return NULL;
}

static int
holder_index(const struct owner_entry *e, const char *uuid)
{
	for (size_t h = 0; h < e->nholders; h++)
		if (strcmp(e->holders[h], uuid) == 0)
			return (int)h;
	return -1;
}

/* Opens @path (no symlinks) as a regular file: its fd and canonical name. */
static int
owner_open(const char *path, char *real, struct stat *st, char *err,
    size_t errlen)
{
	char q[256];
	int fd;

	if (!realpath(path, real) || strchr(real, '\n')) {
		snprintf(err, errlen, "'%s' cannot be resolved",
		    str_escape(q, sizeof(q), path));
		return -ENOENT;
	}
	fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
	    O_NOCTTY);
	if (fd < 0 || fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "'%s' is not a regular file that can be opened",
		    str_escape(q, sizeof(q), real));
		if (fd >= 0)
			close(fd);
		return -EINVAL;
	}
	/* realpath cannot see through a hard link: another name of the
	 * same file may be /etc/shadow. */
	if (st->st_nlink > 1) {
		snprintf(err, errlen, "'%s' has more than one hard link (it may be a file from outside the image folders): not given",
		    str_escape(q, sizeof(q), real));
		close(fd);
		return -EPERM;
	}
	return fd;
}

static int
owner_give(struct owner_entry *e, int fd, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	int r;

	if ((r = owner_save()) < 0) {
		snprintf(err, errlen, "cannot record the original owner: %s",
		    strerror(-r));
		return r;
	}
	if (fchown(fd, uid, gid) < 0 ||
	    fchmod(fd, (e->mode & 07777) | S_IRUSR | S_IWUSR) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot give '%s' to %u:%u: %s",
		    e->path, (unsigned)uid, (unsigned)gid, strerror(errno));
		return r;
	}
	log_info("'%s' given to %u:%u (was %u:%u %04o)", e->path,
	    (unsigned)uid, (unsigned)gid, (unsigned)e->uid, (unsigned)e->gid,
	    (unsigned)e->mode);
	return 0;
}

int
owner_take(const char *uuid, const char *path, uid_t uid, gid_t gid,
    char *err, size_t errlen)
{
	struct owner_entry *e;
	char real[PATH_MAX];
	struct stat st;
	int fd, r = 0;

	if (!uuid_ok(uuid)) {
		snprintf(err, errlen, "a guest uuid is needed");
		return -EINVAL;
	}
	if ((fd = owner_open(path, real, &st, err, errlen)) < 0)
		return fd;
	if ((e = owner_find(st.st_dev, st.st_ino))) {
		if (holder_index(e, uuid) >= 0)
			goto out;
		if (st.st_uid != uid || st.st_gid != gid ||
		    e->nholders >= OWNER_HOLDERS_MAX) {
			snprintf(err, errlen, "'%s' is in use by guest %s as %u:%u",
			    real, e->holders[0], (unsigned)st.st_uid,
			    (unsigned)st.st_gid);
			r = -EBUSY;
			goto out;
		}
		snprintf(e->holders[e->nholders++], UUID_LEN + 1, "%s", uuid);
		r = owner_save();
		goto out;
	}
	if (own.n >= OWNER_ENTRIES_MAX) {
		snprintf(err, errlen, "too many images given to guests");
		r = -ENOSPC;
		goto out;
	}
	e = &own.e[own.n++];
	*e = (struct owner_entry){ .dev = st.st_dev, .ino = st.st_ino,
		.uid = st.st_uid, .gid = st.st_gid, .mode = st.st_mode & 07777,
		.nholders = 1 };
	snprintf(e->path, sizeof(e->path), "%s", real);
	snprintf(e->holders[0], UUID_LEN + 1, "%s", uuid);
	if ((r = owner_give(e, fd, uid, gid, err, errlen)) < 0) {
		own.n--;
		owner_save();
	}
out:
	close(fd);
	return r;
}

/* Nobody holds @e any more: the original owner and mode come back. */
static void
owner_restore(const struct owner_entry *e)
{
	struct stat st;
	int fd = open(e->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK |
	    O_NOCTTY);

	if (fd < 0 || fstat(fd, &st) < 0 || (unsigned long long)st.st_dev !=
	    e->dev || (unsigned long long)st.st_ino != e->ino) {
		log_warn("'%s' is gone or was replaced: its owner is not restored",
		    e->path);
	} else if (fchown(fd, e->uid, e->gid) < 0 || fchmod(fd, e->mode) < 0) {
		log_error("cannot give '%s' back to %u:%u: %s", e->path,
		    (unsigned)e->uid, (unsigned)e->gid, strerror(errno));
	} else {
		log_info("'%s' given back to %u:%u %04o", e->path,
		    (unsigned)e->uid, (unsigned)e->gid, (unsigned)e->mode);
	}
	if (fd >= 0)
		close(fd);
}

int
owner_release(const char *uuid, const char *path, char *err, size_t errlen)
{
	char real[PATH_MAX] = "";
	size_t i = 0, changed = 0;
	int h;

	if (!uuid_ok(uuid)) {
		snprintf(err, errlen, "a guest uuid is needed");
		return -EINVAL;
	}
	if (path && *path && !realpath(path, real))
		snprintf(real, sizeof(real), "%s", path);
	while (i < own.n) {
		struct owner_entry *e = &own.e[i];

		if ((real[0] && strcmp(e->path, real)) ||
		    (h = holder_index(e, uuid)) < 0) {
			i++;
			continue;
		}
		memmove(e->holders[h], e->holders[h + 1],
		    (e->nholders - (size_t)h - 1) * sizeof(e->holders[0]));
		e->nholders--;
		changed++;
		if (e->nholders) {
			i++;
			continue;
		}
		owner_restore(e);
		memmove(e, e + 1, (own.n - i - 1) * sizeof(*e));
		own.n--;
	}
	return changed ? owner_save() : 0;
}

bool
owner_held(const char *path)
{
	for (size_t i = 0; i < own.n; i++)
		if (strcmp(own.e[i].path, path) == 0)
			return true;
	return false;
}

size_t
owner_count(void)
{
	return own.n;
}
