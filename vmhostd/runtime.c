/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A running guest's files in vmhostd: its run folder, listening sockets, log, and state record. */
#define LOG_MODULE "runtime"
#include "vmhostd/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/paths.h"

int
runtime_path(char *buf, size_t len, const char *uuid, const char *file)
{
	return path_build(buf, len, "%s/%s%s%s", VMHOST_RUN_QEMU_DIR, uuid,
	    file ? "/" : "", file ? file : "");
}

int
runtime_make(const char *uuid)
{
	char dir[4096];

	if (runtime_path(dir, sizeof(dir), uuid, NULL) < 0)
		return -ENAMETOOLONG;
	return dir_ensure(dir, 0750, (uid_t)-1, (gid_t)-1);
}

/* A listening socket that QEMU will own; vmhostd connects to it by path. */
int
runtime_listen(const char *uuid, const char *file)
{
	char path[4096];

	if (runtime_path(path, sizeof(path), uuid, file) < 0)
		return -ENAMETOOLONG;
	return ipc_listen(path, 0600, (uid_t)-1, (gid_t)-1);
}

int
runtime_connect(const char *uuid, const char *file)
{
	char path[4096];

	if (runtime_path(path, sizeof(path), uuid, file) < 0)
		return -ENAMETOOLONG;
	return ipc_connect(path);
}

int
runtime_log_open(const char *name)
{
	char path[4096];
	int fd;

	if (path_build(path, sizeof(path), "%s/qemu/%s.log", VMHOST_LOG_DIR,
	    name) < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0640);
	return fd < 0 ? -errno : fd;
}

/* The last line QEMU wrote to the log (for a start that failed). */
void
runtime_log_tail(const char *name, char *buf, size_t len)
{
	char path[4096], *text = NULL, *end, *start;
	size_t n;

	buf[0] = '\0';
	if (path_build(path, sizeof(path), "%s/qemu/%s.log", VMHOST_LOG_DIR,
	    name) < 0 || file_read_all(path, 16u << 20, &text, &n) < 0)
		return;
	end = text + n;
	while (end > text && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	*end = '\0';
	start = strrchr(text, '\n');
	start = start ? start + 1 : text;
	str_escape(buf, len, start);
	free(text);
}

int
runtime_state_write(const struct runtime_state *st)
{
	char path[4096], text[1024];
	int n;

	if (runtime_path(path, sizeof(path), st->uuid, "state") < 0)
		return -ENAMETOOLONG;
	n = snprintf(text, sizeof(text),
	    "name=%s\npid=%d\nstart_time=%" PRIu64 "\nid=%d\npaused=%d\n",
	    st->name, st->pid, st->start_time, st->id, st->paused);
	return file_write_atomic(path, text, (size_t)n, 0600);
}

static void
state_line(struct runtime_state *st, const char *line)
{
	unsigned long long v;
	int i;

	if (strncmp(line, "name=", 5) == 0)
		snprintf(st->name, sizeof(st->name), "%s", line + 5);
	else if (sscanf(line, "pid=%d", &i) == 1)
		st->pid = i;
	else if (sscanf(line, "start_time=%llu", &v) == 1)
		st->start_time = v;
	else if (sscanf(line, "id=%d", &i) == 1)
		st->id = i;
	else if (sscanf(line, "paused=%d", &i) == 1)
		st->paused = i;
}

int
runtime_state_read(const char *uuid, struct runtime_state *st)
{
	char path[4096], *text, *line, *save;
	size_t n;
	int r;

	memset(st, 0, sizeof(*st));
	snprintf(st->uuid, sizeof(st->uuid), "%s", uuid);
	if (runtime_path(path, sizeof(path), uuid, "state") < 0)
		return -ENAMETOOLONG;
	if ((r = file_read_all(path, 4096, &text, &n)) < 0)
		return r;
	for (line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save))
		state_line(st, line);
	free(text);
	return st->pid > 0 && st->name[0] ? 0 : -EBADMSG;
}

/* Temp files of state writes cut short (a vmhostd killed between the
 * temp file and its rename): the state is the old file; they go. */
void
runtime_clean_temps(const char *uuid)
{
	char path[4096];

	if (runtime_path(path, sizeof(path), uuid, NULL) == 0)
		dir_remove_temps(path);
}

/* Remove the run folder and what is in it. */
void
runtime_remove(const char *uuid)
{
	static const char *const files[] = { "state", "qmp.sock",
		"serial.sock", "live.xml" };
	char path[4096];

	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
		if (runtime_path(path, sizeof(path), uuid, files[i]) == 0)
			file_remove(path);
	if (runtime_path(path, sizeof(path), uuid, NULL) == 0 &&
	    rmdir(path) < 0 && errno != ENOENT)
		log_warn("cannot remove '%s': %m", path);
}

/* Field 22 of /proc/PID/stat: start time in clock ticks since boot. */
int
runtime_proc_start_time(int pid, uint64_t *out)
{
	char path[64], *text = NULL, *p;
	size_t n;
	int field = 2;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (file_read_all(path, 4096, &text, &n) < 0)
		return -ESRCH;
	p = strrchr(text, ')');	/* the name may hold spaces */
	if (!p) {
		free(text);
		return -EBADMSG;
	}
	for (p++; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	*out = strtoull(p, NULL, 10);
	free(text);
	return 0;
}
