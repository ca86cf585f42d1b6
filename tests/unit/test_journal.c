/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit test of vmhostd's definition journal: replay after a crash (a forked
 * child that exits without its checkpoint), files put in place by its thread,
 * torn and foreign files, the switch between its two files, and paths
 * outside its folder. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "common/fileio.h"
#include "vmhostd/journal.h"

static char dir[64];

static char *
path_of(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static char *
read_text(const char *name)
{
	char *s = NULL;

	if (file_read_all(path_of(name), 1 << 20, &s, NULL) < 0)
		return NULL;
	return s;
}

/* Journaled, not put in place (as if the process died right after). */
static int
put(const char *name, const char *text)
{
	struct journal_rec r = { .path = path_of(name), .data = text,
	    .len = strlen(text), .mode = 0600 };
	int rc = journal_append(&r, 1);

	if (rc == 0)
		journal_placed(0);	/* not true: what a crash leaves */
	return rc;
}

/* Journaled, then put in place as commit.c does; "fail" plays a rename
 * that failed: the journal's thread writes the file. */
static int
put_place(const char *name, const char *text, mode_t mode, bool fail)
{
	struct journal_rec r = { .path = path_of(name), .data = text,
	    .len = strlen(text), .mode = mode };
	int rc = journal_append(&r, 1);

	if (rc < 0)
		return rc;
	if (!fail && file_write_replace(r.path, text, strlen(text), mode) < 0)
		rc = -EIO;
	journal_placed(fail ? 1 : 0);
	return rc;
}

/* Run fn in a child that ends without closing the journal (a crash). */
static void
crash_after(void (*fn)(void))
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (journal_open(dir) < 0)
			_exit(2);
		fn();
		_exit(0);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
}

static void
two_puts(void)
{
	if (put("a.xml", "<a v='1'/>") < 0 || put("b.xml", "<b/>") < 0 ||
	    put("a.xml", "<a v='2'/>") < 0)
		_exit(3);
}

/* Like commit.c: 6,000 records of 1 KiB fill the first file and move on
 * to the second; the thread empties the first. */
static void
many(void)
{
	char text[1024], name[32];

	for (int i = 0; i < 6000; i++) {
		snprintf(name, sizeof(name), "m%d.xml", i % 50);
		memset(text, 'a' + i % 26, sizeof(text) - 1);
		text[sizeof(text) - 1] = '\0';
		snprintf(text, 32, "<m i='%d'/>", i);
		text[strlen(text)] = ' ';
		if (put_place(name, text, 0600, false) < 0)
			_exit(3);
	}
}

static void
outside(void)
{
	struct journal_rec r = { .path = "/tmp/x.xml", .data = "x", .len = 1 };
	struct journal_rec sub = { .path = path_of("sub/x.xml"), .data = "x",
	    .len = 1 };

	if (journal_append(&r, 1) != -EXDEV || journal_append(&sub, 1) != -EXDEV)
		_exit(3);
}

static void
test_replay(void)
{
	char *a, *b;
	struct stat st;

	crash_after(two_puts);
	CHECK(access(path_of("a.xml"), F_OK) < 0);
	CHECK_INT(journal_open(dir), 2);	/* a (its last put) and b */
	CHECK_STR(a = read_text("a.xml"), "<a v='2'/>");
	CHECK_STR(b = read_text("b.xml"), "<b/>");
	CHECK(stat(path_of("a.xml"), &st) == 0 && (st.st_mode & 0777) == 0600);
	free(a);
	free(b);
	journal_close();
	CHECK_INT(journal_open(dir), 0);	/* emptied by the replay */
	journal_close();
}

/* In one process: a file whose rename "failed" is written by the journal's
 * thread; a checkpoint flushes and empties the journal, so nothing is
 * replayed at the next open. */
static void
test_place(void)
{
	char *d;
	struct stat st;

	CHECK_INT(journal_open(dir), 0);
	CHECK(journal_active());
	CHECK_INT(put_place("d.xml", "<d v='1'/>", 0600, false), 0);
	CHECK_INT(put_place("d.xml", "<d v='2'/>", 0600, true), 0);
	CHECK_INT(put_place("e.xml", "<e/>", 0640, false), 0);
	CHECK_INT(journal_checkpoint(), 0);
	CHECK_STR(d = read_text("d.xml"), "<d v='2'/>");
	CHECK(stat(path_of("e.xml"), &st) == 0 && (st.st_mode & 0777) == 0640);
	free(d);
	journal_close();
	unlink(path_of("d.xml"));
	CHECK_INT(journal_open(dir), 0);	/* empty: d.xml is not rewritten */
	CHECK(access(path_of("d.xml"), F_OK) < 0);
	journal_close();
}

/* A torn last record (a crash mid-append) is not replayed. */
static void
test_torn(void)
{
	char *a, byte;
	int fd;

	crash_after(two_puts);
	unlink(path_of("a.xml"));
	unlink(path_of("b.xml"));
	fd = open(path_of(".journal.0"), O_RDWR);
	CHECK(fd >= 0);
	/* the third record's last byte: 4096 + 3 headers + paths + data */
	{
		off_t end = 4096 + 3 * 48 + 3 * (off_t)strlen(path_of("a.xml")) +
		    10 + 4 + 10;

		CHECK(pread(fd, &byte, 1, end - 1) == 1 && byte == '>');
		byte = '!';
		CHECK(pwrite(fd, &byte, 1, end - 1) == 1);
	}
	close(fd);
	CHECK_INT(journal_open(dir), 2);
	CHECK_STR(a = read_text("a.xml"), "<a v='1'/>");
	free(a);
	journal_close();
}

static void
test_foreign(void)
{
	struct stat st;
	int fd = open(path_of(".journal.1"), O_WRONLY | O_TRUNC);

	CHECK(fd >= 0 && write(fd, "garbage", 7) == 7);
	close(fd);
	CHECK_INT(journal_open(dir), 0);
	CHECK(stat(path_of(".journal.1"), &st) == 0 && st.st_size == 4 << 20);
	journal_close();
}

static void
test_switch(void)
{
	char *m;

	crash_after(many);
	for (int i = 0; i < 50; i++) {	/* break the files: the replay mends */
		char name[32];

		snprintf(name, sizeof(name), "m%d.xml", i);
		unlink(path_of(name));
	}
	/* only the live file's records: fewer than all 6,000 */
	CHECK_INT(journal_open(dir), 50);
	CHECK((m = read_text("m49.xml")) && strncmp(m, "<m i='5999'/>", 13) == 0);
	free(m);
	journal_close();
	crash_after(outside);
	CHECK_INT(journal_open(dir), 0);
	journal_close();
}

static void
test_no_folder(void)
{
	CHECK(journal_open("/nonexistent/vmhost-journal") < 0);
	CHECK(!journal_active());
	CHECK_INT(put("a.xml", "x"), -ENOTCONN);
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test-journal.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	test_replay();
	test_place();
	test_torn();
	test_foreign();
	test_switch();
	test_no_folder();
	if (fork() == 0)
		execlp("rm", "rm", "-rf", dir, (char *)NULL);
	wait(NULL);
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed != 0;
}
