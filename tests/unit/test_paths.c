/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for common/paths.c: the --root prefix and path_build limits. */
#include <errno.h>
#include <string.h>

#include "common/paths.h"
#include "tests/unit/check.h"

static void
test_root(void)
{
	char longroot[2048];

	CHECK_STR(paths_root(), "");
	CHECK_INT(paths_set_root("/tmp/scratch"), 0);
	CHECK_STR(paths_root(), "/tmp/scratch");
	CHECK_INT(paths_set_root("/tmp/scratch///"), 0);
	CHECK_STR(paths_root(), "/tmp/scratch");
	CHECK_INT(paths_set_root("/"), 0);
	CHECK_STR(paths_root(), "");
	CHECK_INT(paths_set_root("/srv"), 0);
	CHECK_INT(paths_set_root("relative/dir"), -EINVAL);
	CHECK_STR(paths_root(), "/srv"); /* unchanged by a refusal */
	memset(longroot, 'a', sizeof(longroot) - 1);
	longroot[0] = '/';
	longroot[sizeof(longroot) - 1] = '\0';
	CHECK_INT(paths_set_root(longroot), -EINVAL);
	CHECK_STR(paths_root(), "/srv");
	CHECK_INT(paths_set_root(""), 0);
	CHECK_STR(paths_root(), "");
	CHECK_INT(paths_set_root("/x"), 0);
	CHECK_INT(paths_set_root(NULL), 0);
	CHECK_STR(paths_root(), "");
}

static void
test_build(void)
{
	char buf[64], small[16];

	CHECK_INT(path_build(buf, sizeof(buf), VMHOST_SOCK), 0);
	CHECK_STR(buf, "/run/vmhost/vmhost-sock");
	CHECK_INT(paths_set_root("/tmp/r"), 0);
	CHECK_INT(path_build(buf, sizeof(buf), VMHOST_SOCK), 0);
	CHECK_STR(buf, "/tmp/r/run/vmhost/vmhost-sock");
	CHECK_INT(path_build(buf, sizeof(buf), VMHOST_HELPER_SOCK_FMT, "netd",
		      "netd"), 0);
	CHECK_STR(buf, "/tmp/r/run/vmhost/netd/netd.sock");
	CHECK_INT(path_build(buf, sizeof(buf), VMHOST_DOMAIN_DIR "/%s.xml",
		      "web"), 0);
	CHECK_STR(buf, "/tmp/r/etc/vmhost/qemu/web.xml");
	/* exactly fits: 15 characters + NUL */
	CHECK_INT(path_build(small, sizeof(small), "/12345678"), 0);
	CHECK_STR(small, "/tmp/r/12345678");
	CHECK_INT(path_build(small, sizeof(small) - 1, "/12345678"),
	    -ENAMETOOLONG);
	CHECK_INT(path_build(small, sizeof(small), "/123456789"),
	    -ENAMETOOLONG);
	CHECK_INT(path_build(small, 6, "/x"), -ENAMETOOLONG);
	CHECK_INT(path_build(small, 0, "/x"), -ENAMETOOLONG);
	CHECK_INT(paths_set_root(NULL), 0);
	CHECK_INT(path_build(small, 3, "/x"), 0);
	CHECK_STR(small, "/x");
}

int
main(void)
{
	test_root();
	test_build();
	return check_done();
}
