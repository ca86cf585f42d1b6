/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit test of vmhostd's spare files (spares.c): a write placed over a file
 * exchanges the two (the old file is the next spare, no inode made), a new
 * file takes a spare, a spare with a second link is never written, a spare
 * written but not placed is given back, and the last run's spares are used. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "common/fileio.h"
#include "vmhostd/spares.h"

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
text_of(const char *name)
{
	char *s = NULL;

	return file_read_all(path_of(name), 1 << 20, &s, NULL) < 0 ? NULL : s;
}

static ino_t
ino_of(const char *name)
{
	struct stat st;

	return stat(path_of(name), &st) == 0 ? st.st_ino : 0;
}

static void
test_exchange(void)
{
	ino_t old, spare;
	char *t;
	int k;

	CHECK_INT(file_write_atomic(path_of("a.xml"), "<a v='1'/>", 10, 0600), 0);
	old = ino_of("a.xml");
	CHECK((k = spares_write("<a v='2' longer/>", 17, 0600)) >= 0);
	{
		char name[32];

		snprintf(name, sizeof(name), ".spare.%d", k);
		spare = ino_of(name);
		CHECK_INT(spares_place(k, path_of("a.xml")), 0);
		CHECK(ino_of(name) == old);	/* the old file is the spare */
	}
	CHECK(ino_of("a.xml") == spare);
	CHECK_STR(t = text_of("a.xml"), "<a v='2' longer/>");
	free(t);
	/* shorter again: the recycled file is cut to size */
	CHECK((k = spares_write("<a/>", 4, 0640)) >= 0);
	CHECK_INT(spares_place(k, path_of("a.xml")), 0);
	CHECK_STR(t = text_of("a.xml"), "<a/>");
	free(t);
	{
		struct stat st;

		CHECK(stat(path_of("a.xml"), &st) == 0 && (st.st_mode & 0777) == 0640);
	}
}

static void
test_new_and_refill(void)
{
	char *t, name[32];
	int k;

	CHECK((k = spares_write("<b/>", 4, 0600)) >= 0);
	CHECK_INT(spares_place(k, path_of("b.xml")), 0);
	CHECK_STR(t = text_of("b.xml"), "<b/>");
	free(t);
	snprintf(name, sizeof(name), ".spare.%d", k);
	CHECK(access(path_of(name), F_OK) < 0);	/* it became b.xml */
	spares_refill();
	CHECK(access(path_of(name), F_OK) == 0);
}

/* A spare that another name links to is dropped, never written. */
static void
test_linked_spare(void)
{
	char name[32], *t;
	int k, got = 0;

	for (int i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), ".spare.%d", i);
		unlink(path_of("victim.xml"));
		if (link(path_of(name), path_of("victim.xml")) == 0)
			break;
	}
	CHECK_INT(file_write_atomic(path_of("x"), "", 0, 0600), 0);
	for (int i = 0; i < 70; i++) {	/* every spare, the linked one too */
		if ((k = spares_write("<secret/>", 9, 0600)) < 0)
			break;
		spares_release(k);
		got++;
	}
	CHECK(got > 0);
	CHECK((t = text_of("victim.xml")) && strcmp(t, "<secret/>") != 0);
	free(t);
	CHECK(access(path_of(name), F_OK) < 0);	/* dropped */
	unlink(path_of("victim.xml"));
	unlink(path_of("x"));
}

static void
test_outside(void)
{
	int k = spares_write("<c/>", 4, 0600);

	CHECK(k >= 0);
	CHECK(!spares_in("/tmp/c.xml"));
	CHECK(!spares_in(path_of(".hidden")));
	CHECK_INT(spares_place(k, "/tmp/c.xml"), -EXDEV);
	spares_release(k);
}

int
main(void)
{
	char name[32];

	snprintf(dir, sizeof(dir), "/tmp/test-spares.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	CHECK_INT(file_write_atomic(path_of(".spare.3"), "<left/>", 7, 0600), 0);
	CHECK_INT(file_write_atomic(path_of(".spare.old"), "x", 1, 0600), 0);
	CHECK_INT(spares_init(dir), 0);
	CHECK(access(path_of(".spare.old"), F_OK) < 0);	/* not a spare name */
	CHECK(access(path_of(".spare.3"), F_OK) == 0);	/* kept for use */
	snprintf(name, sizeof(name), ".spare.63");
	CHECK(access(path_of(name), F_OK) == 0);
	test_exchange();
	test_new_and_refill();
	test_linked_spare();
	test_outside();
	spares_close();
	CHECK(!spares_in(path_of("a.xml")));
	if (fork() == 0)
		execlp("rm", "rm", "-rf", dir, (char *)NULL);
	wait(NULL);
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed != 0;
}
