/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-secd's dynamic users: a uid per running guest from qemu.conf's range, persisted in ROOT/run/vmhost/secd/users. */
#define LOG_MODULE "users"
#include "secd/users.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/paths.h"
#include "common/priv.h"
#include "secd/launch.h"

#define DU_MAX_GUESTS	4096
#define DU_STATE	"/run/vmhost/secd/users"

struct du_entry {
	char uuid[37];
	uid_t uid;
	pid_t pid;		/* 0 until started */
	uint64_t start_time;
};

static struct {
	uid_t lo, hi;
	struct du_entry *e;
	size_t n;
} du;

static int
parse_uid(const char *s, const char *end, uid_t *out)
{
	unsigned long long v = 0;

	if (s == end || end - s > 10)
		return -EINVAL;
	for (; s < end; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v >= 0x7fffffffULL)
		return -EINVAL;
	*out = (uid_t)v;
	return 0;
}

int
du_range_parse(const char *text, uid_t *lo, uid_t *hi, char *err,
    size_t errlen)
{
	const char *dash = strchr(text, '-');
	struct passwd *pw;
	int r = 0;

	if (!dash || parse_uid(text, dash, lo) < 0 ||
	    parse_uid(dash + 1, dash + 1 + strlen(dash + 1), hi) < 0 ||
	    *lo == 0 || *hi < *lo || *hi - *lo >= DU_MAX_RANGE) {
		snprintf(err, errlen, "qemu.conf: dynamic_users_range must be \"LO-HI\" with 0 < LO <= HI < 2147483647 and at most %u uids",
		    DU_MAX_RANGE);
		return -EINVAL;
	}
	setpwent();
	while (r == 0 && (pw = getpwent())) {
		if (pw->pw_uid >= *lo && pw->pw_uid <= *hi) {
			snprintf(err, errlen, "qemu.conf: dynamic_users_range %s holds uid %u of user '%s'",
			    text, (unsigned)pw->pw_uid, pw->pw_name);
			r = -EINVAL;
		}
	}
	endpwent();
	return r;
}

static int
state_path(char *buf, size_t len)
{
	return path_build(buf, len, DU_STATE);
}

static void
du_save(void)
{
	char path[4096], *text;
	size_t off = 0;
	int r;

	if (state_path(path, sizeof(path)) < 0 ||
	    !(text = malloc(du.n * 96 + 1)))
		return;
	text[0] = '\0';
	for (size_t i = 0; i < du.n; i++) {
		if (du.e[i].pid <= 0)
			continue;
		off += (size_t)snprintf(text + off, 96, "%u %s %d %" PRIu64 "\n",
		    (unsigned)du.e[i].uid, du.e[i].uuid, (int)du.e[i].pid,
		    du.e[i].start_time);
	}
	if ((r = file_write_atomic(path, text, off, 0600)) < 0)
		log_warn("cannot save %s: %s", path, strerror(-r));
	free(text);
}

/* A zombie holds its uid in /proc but can no longer act with it (and a
 * re-parented emulator stays one where pid 1 does not reap). */
static bool
proc_zombie(const char *pid)
{
	char path[300], *text = NULL, *p;
	size_t n;
	bool z = false;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if (file_read_all(path, 4096, &text, &n) < 0)
		return true;
	if ((p = strrchr(text, ')')) && p[1] == ' ')
		z = p[2] == 'Z' || p[2] == 'X';
	free(text);
	return z;
}

/* Does the entry's emulator still run (same process, same uid)? */
static bool
du_alive(const struct du_entry *e)
{
	struct proc_status st;
	uint64_t start;
	char pid[24];

	snprintf(pid, sizeof(pid), "%d", (int)e->pid);
	return e->pid > 0 && !proc_zombie(pid) &&
	    proc_start_time(e->pid, &start) == 0 &&
	    start == e->start_time && proc_status_read(e->pid, &st) == 0 &&
	    st.uid == e->uid;
}

static void
du_remove(size_t i)
{
	du.e[i] = du.e[--du.n];
}

/* One line of the state file: "UID UUID PID START". */
static void
du_load_line(const char *line)
{
	struct du_entry e = { 0 };
	unsigned uid;
	int pid;

	if (du.n >= DU_MAX_GUESTS ||
	    sscanf(line, "%u %36s %d %" SCNu64, &uid, e.uuid, &pid,
	    &e.start_time) != 4)
		return;
	e.uid = uid;
	e.pid = pid;
	if (e.uid < du.lo || e.uid > du.hi || !du_alive(&e)) {
		log_info("dynamic uid %u of guest %s is free (its emulator is gone)",
		    uid, e.uuid);
		return;
	}
	du.e[du.n++] = e;
	log_info("guest %s keeps dynamic uid %u (emulator pid %d)", e.uuid,
	    uid, pid);
}

int
du_init(uid_t lo, uid_t hi)
{
	char path[4096], *text = NULL, *line, *save;
	size_t len;
	int r;

	du.lo = lo;
	du.hi = hi;
	if (!(du.e = calloc(DU_MAX_GUESTS, sizeof(*du.e))))
		return -ENOMEM;
	if (state_path(path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	if ((r = file_read_all(path, DU_MAX_GUESTS * 96, &text, &len)) < 0 &&
	    r != -ENOENT)
		log_warn("cannot read %s: %s", path, strerror(-r));
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	    line = strtok_r(NULL, "\n", &save))
		du_load_line(line);
	free(text);
	du_save();
	log_info("dynamic users: uids %u-%u, group from qemu.conf; %zu in use",
	    (unsigned)lo, (unsigned)hi, du.n);
	return 0;
}

/* The uids of the range that some live process holds now (real uid), as
 * a bitmap over the range. */
static uint8_t *
du_busy_map(void)
{
	size_t bits = (size_t)(du.hi - du.lo) + 1;
	uint8_t *map = calloc((bits + 7) / 8, 1);
	struct proc_status st;
	struct dirent *d;
	DIR *p;

	if (!map || !(p = opendir("/proc")))
		return map;
	while ((d = readdir(p))) {
		if (!isdigit((unsigned char)d->d_name[0]) ||
		    proc_status_read(atoi(d->d_name), &st) < 0)
			continue;
		if (st.uid >= du.lo && st.uid <= du.hi && !proc_zombie(d->d_name))
			map[(st.uid - du.lo) / 8] |= (uint8_t)(1u << ((st.uid - du.lo) % 8));
	}
	closedir(p);
	for (size_t i = 0; i < du.n; i++)
		map[(du.e[i].uid - du.lo) / 8] |= (uint8_t)(1u << ((du.e[i].uid - du.lo) % 8));
	return map;
}

int
du_alloc(const char *uuid, uid_t *uid, char *err, size_t errlen)
{
	uint8_t *map;

	/* An entry whose emulator is gone (release never came) is free. */
	for (size_t i = 0; i < du.n;) {
		bool alive = du.e[i].pid > 0 && du_alive(&du.e[i]);

		if (alive && !strcmp(du.e[i].uuid, uuid)) {
			snprintf(err, errlen, "guest %s runs already (pid %d, uid %u)",
			    uuid, (int)du.e[i].pid, (unsigned)du.e[i].uid);
			return -EBUSY;
		}
		if (!alive)
			du_remove(i);
		else
			i++;
	}
	if (du.n >= DU_MAX_GUESTS || !(map = du_busy_map())) {
		snprintf(err, errlen, "too many guests with dynamic users");
		return -EAGAIN;
	}
	for (uid_t u = du.lo; ; u++) {
		if (!(map[(u - du.lo) / 8] & (1u << ((u - du.lo) % 8)))) {
			free(map);
			du.e[du.n] = (struct du_entry){ .uid = u };
			snprintf(du.e[du.n++].uuid, sizeof(du.e[0].uuid), "%s", uuid);
			*uid = u;
			return 0;
		}
		if (u == du.hi)
			break;
	}
	free(map);
	snprintf(err, errlen, "no free uid in dynamic_users_range %u-%u",
	    (unsigned)du.lo, (unsigned)du.hi);
	return -EAGAIN;
}

static struct du_entry *
du_find(const char *uuid)
{
	for (size_t i = 0; i < du.n; i++) {
		if (!strcmp(du.e[i].uuid, uuid))
			return &du.e[i];
	}
	return NULL;
}

void
du_started(const char *uuid, pid_t pid, uint64_t start_time)
{
	struct du_entry *e = du_find(uuid);

	if (!e)
		return;
	e->pid = pid;
	e->start_time = start_time;
	du_save();
}

int
du_uid_of(const char *uuid, uid_t *uid)
{
	struct du_entry *e = du_find(uuid);

	if (!e)
		return -ENOENT;
	*uid = e->uid;
	return 0;
}

void
du_release(const char *uuid)
{
	struct du_entry *e = du_find(uuid);

	if (!e)
		return;
	log_info("guest %s: dynamic uid %u released", uuid, (unsigned)e->uid);
	du_remove((size_t)(e - du.e));
	du_save();
}
