/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for common/fileio.c: atomic writes and their failure paths, reads, folders. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "tests/unit/check.h"

static char dir[] = "/tmp/test_fileio.XXXXXX";

/* Number of entries in folder d besides . and .. */
static int
count_entries(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *de;
	int n = 0;

	if (!dp)
		return -1;
	while ((de = readdir(dp)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(dp);
	return n;
}

static int
file_is(const char *path, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	int ok;

	if (file_read_all(path, 1 << 20, &buf, &len) < 0)
		return 0;
	ok = len == strlen(want) && memcmp(buf, want, len) == 0;
	free(buf);
	return ok;
}

static void
test_write_atomic(void)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/def.xml", dir);
	CHECK_INT(file_write_atomic(path, "old\n", 4, 0640), 0);
	CHECK(file_is(path, "old\n"));
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0640);
	CHECK_INT(file_write_atomic(path, "new contents\n", 13, 0600), 0);
	CHECK(file_is(path, "new contents\n"));
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	CHECK_INT(file_write_atomic(path, "", 0, 0644), 0);
	CHECK(file_is(path, ""));
	CHECK_INT(count_entries(dir), 1);
	CHECK_INT(file_write_atomic(path, "old\n", 4, 0644), 0);
}

/* Writes that fail: the old file stays as it was and no temp file is left. */
static void
test_write_failures(void)
{
	char path[256], sub[256], bad[256];
	static char big[256 * 1024];
	struct rlimit old, lim;

	snprintf(path, sizeof(path), "%s/def.xml", dir);
	snprintf(bad, sizeof(bad), "%s/missing/def.xml", dir);
	CHECK_INT(file_write_atomic(bad, "x", 1, 0644), -ENOENT);
	CHECK_INT(file_write_atomic("", "x", 1, 0644), -EINVAL);
	CHECK_INT(file_write_atomic(dir, "x", 1, 0644), 0 - EISDIR);

	/* the target is a folder: temp written, rename refused, temp removed */
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	CHECK_INT(mkdir(sub, 0755), 0);
	CHECK_INT(file_write_atomic(sub, "x", 1, 0644), -EISDIR);

	/* the write itself fails half-way (file size limit) */
	memset(big, 'a', sizeof(big));
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 4096;
	CHECK_INT(setrlimit(RLIMIT_FSIZE, &lim), 0);
	CHECK_INT(file_write_atomic(path, big, sizeof(big), 0644), -EFBIG);
	setrlimit(RLIMIT_FSIZE, &old);

	CHECK(file_is(path, "old\n"));
	CHECK_INT(count_entries(dir), 2); /* def.xml and sub only */
	CHECK_INT(count_entries(sub), 0);
	rmdir(sub);
}

static void
test_read(void)
{
	char path[256], *buf = NULL;
	size_t len = 99;
	int fds[2];

	snprintf(path, sizeof(path), "%s/data", dir);
	CHECK_INT(file_write_atomic(path, "0123456789", 10, 0644), 0);
	CHECK_INT(file_read_all(path, 10, &buf, &len), 0);
	CHECK_INT(len, 10);
	CHECK_STR(buf, "0123456789");
	free(buf);
	CHECK_INT(file_read_all(path, 9, &buf, &len), -EFBIG);
	CHECK_INT(file_read_all(path, 0, &buf, &len), -EFBIG);
	CHECK_INT(file_write_atomic(path, "", 0, 0644), 0);
	CHECK_INT(file_read_all(path, 0, &buf, &len), 0);
	CHECK_INT(len, 0);
	CHECK_STR(buf, "");
	free(buf);
	CHECK_INT(file_read_all("/nonexistent/x", 10, &buf, &len), -ENOENT);
	CHECK_INT(file_remove(path), 0);
	CHECK_INT(file_remove(path), 0);
	CHECK_INT(file_remove(dir), -EISDIR);

	/* from a pipe, larger than one read and the first buffer */
	CHECK_INT(pipe(fds), 0);
	{
		static char chunk[10000];

		memset(chunk, 'z', sizeof(chunk));
		CHECK_INT(write(fds[1], chunk, sizeof(chunk)), sizeof(chunk));
		close(fds[1]);
		CHECK_INT(fd_read_all(fds[0], sizeof(chunk), &buf, &len), 0);
		CHECK_INT(len, sizeof(chunk));
		CHECK(buf && buf[len] == '\0' && buf[len - 1] == 'z');
		free(buf);
		close(fds[0]);
	}
}

static void
test_dir_ensure(void)
{
	char path[256], file[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	CHECK_INT(dir_ensure(path, 0750, (uid_t)-1, (gid_t)-1), 0);
	CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_INT(dir_ensure(path, 0750, (uid_t)-1, (gid_t)-1), 0);
	CHECK_INT(chmod(path, 0700), 0);
	CHECK_INT(dir_ensure(path, 0711, getuid(), getgid()), 0);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0711);
	CHECK(st.st_uid == getuid() && st.st_gid == getgid());
	snprintf(path, sizeof(path), "%s/a/b/c/", dir);
	CHECK_INT(dir_ensure(path, 0750, (uid_t)-1, (gid_t)-1), 0);

	snprintf(file, sizeof(file), "%s/a/f", dir);
	CHECK_INT(file_write_atomic(file, "x", 1, 0644), 0);
	CHECK_INT(dir_ensure(file, 0755, (uid_t)-1, (gid_t)-1), -ENOTDIR);
	snprintf(path, sizeof(path), "%s/a/f/g", dir);
	CHECK_INT(dir_ensure(path, 0755, (uid_t)-1, (gid_t)-1), -ENOTDIR);
	CHECK_INT(dir_ensure("", 0755, (uid_t)-1, (gid_t)-1), -EINVAL);

	/* a symlink in place of the last folder is not followed for chown */
	snprintf(path, sizeof(path), "%s/link", dir);
	CHECK_INT(symlink("/tmp", path), 0);
	CHECK(dir_ensure(path, 0700, getuid(), (gid_t)-1) < 0);
	CHECK(stat("/tmp", &st) == 0 && (st.st_mode & 07777) == 01777);
	unlink(path);
	unlink(file);
	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a/b", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a", dir);
	rmdir(path);
}

int
main(void)
{
	char path[256];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_write_atomic();
	test_write_failures();
	test_read();
	test_dir_ensure();
	snprintf(path, sizeof(path), "%s/def.xml", dir);
	unlink(path);
	CHECK_INT(rmdir(dir), 0);
	return check_done();
}
