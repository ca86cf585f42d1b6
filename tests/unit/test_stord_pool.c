/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of stord's pool and remembered owners (scratch folder) and libvmhost's size parser. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "stord/owner.h"
#include "stord/pool.h"
#include "vmhost/vmhost.h"

static void
t_names(void)
{
	char err[256], longname[300];

	memset(longname, 'n', sizeof(longname));
	longname[201] = '\0';
	CHECK_INT(pool_name_check("disk.qcow2", err, sizeof(err)), 0);
	CHECK_INT(pool_name_check("a b-c_d", err, sizeof(err)), 0);
	CHECK_INT(pool_name_check("", err, sizeof(err)), -EINVAL);
	CHECK_INT(pool_name_check(NULL, err, sizeof(err)), -EINVAL);
	CHECK_INT(pool_name_check("a/b", err, sizeof(err)), -EINVAL);
	CHECK_INT(pool_name_check("..", err, sizeof(err)), -EINVAL);
	CHECK_INT(pool_name_check(".hidden", err, sizeof(err)), -EINVAL);
	CHECK_INT(pool_name_check("a\nb", err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "\\x0a") && !strchr(err, '\n'));	/* quoted, never raw */
	CHECK_INT(pool_name_check(longname, err, sizeof(err)), -ENAMETOOLONG);
	longname[200] = '\0';
	CHECK_INT(pool_name_check(longname, err, sizeof(err)), 0);
}

static void
t_sizes(void)
{
	uint64_t v = 0;

	CHECK_INT(vmhost_size_parse("4096", &v), 0);
	CHECK_INT(v, 4096);
	CHECK_INT(vmhost_size_parse("1G", &v), 0);
	CHECK_INT(v, 1ull << 30);
	CHECK_INT(vmhost_size_parse("512M", &v), 0);
	CHECK_INT(v, 512ull << 20);
	CHECK_INT(vmhost_size_parse("100KiB", &v), 0);
	CHECK_INT(v, 102400);
	CHECK_INT(vmhost_size_parse("1000KB", &v), 0);
	CHECK_INT(v, 1000000);
	CHECK_INT(vmhost_size_parse("7b", &v), 0);
	CHECK_INT(v, 7);
	CHECK_INT(vmhost_size_parse("15E", &v), 0);
	CHECK_INT(vmhost_size_parse("16E", &v), -1);	/* 2^64 */
	CHECK_INT(vmhost_size_parse("-1", &v), -1);
	CHECK_INT(vmhost_size_parse(" 1", &v), -1);
	CHECK_INT(vmhost_size_parse("1e99", &v), -1);
	CHECK_INT(vmhost_size_parse("1.5G", &v), -1);
	CHECK_INT(vmhost_size_parse("99999999999T", &v), -1);
	CHECK_INT(vmhost_size_parse("99999999999999999999", &v), -1);
	CHECK_INT(vmhost_size_parse("1bB", &v), -1);
	CHECK_INT(vmhost_size_parse("1X", &v), -1);
	CHECK_INT(vmhost_size_parse("", &v), -1);
	CHECK_INT(vmhost_size_parse(NULL, &v), -1);
}

static void
t_pool(const char *dir)
{
	struct pool_vol *v = calloc(1, sizeof(*v));
	char err[1024], path[4096], **names;
	size_t n;

	CHECK_INT(pool_vol_create(dir, "a.raw", 1000, "raw", NULL, NULL, v,
	    err, sizeof(err)), 0);
	CHECK_INT(v->capacity, 1024);	/* rounded up to 512, as qemu-img */
	CHECK_INT(pool_vol_create(dir, "b.qcow2", 1 << 20, "qcow2", NULL,
	    NULL, v, err, sizeof(err)), 0);
	CHECK_STR(v->format, "qcow2");
	CHECK_INT(pool_vol_create(dir, "c.qcow2", 0, "qcow2", "b.qcow2",
	    "qcow2", v, err, sizeof(err)), 0);
	CHECK_INT(v->capacity, 1 << 20);
	CHECK_STR(v->info.backing, "b.qcow2");
	CHECK_INT(pool_vol_create(dir, "d", 1, "qcow2", "b.qcow2", NULL, v,
	    err, sizeof(err)), -EINVAL);
	CHECK_INT(pool_vol_create(dir, "d", 1, "qcow2", "d", "raw", v, err,
	    sizeof(err)), -EINVAL);
	CHECK_INT(pool_vol_create(dir, "d", 1, "qcow2", "a.raw", "qcow2", v,
	    err, sizeof(err)) < 0, 1);
	CHECK_INT(pool_vol_create(dir, "a.raw", 1, "raw", NULL, NULL, v, err,
	    sizeof(err)), -EEXIST);
	CHECK_INT(pool_vol_create(dir, "d", POOL_SIZE_MAX + 1, "raw", NULL,
	    NULL, v, err, sizeof(err)), -EINVAL);
	snprintf(path, sizeof(path), "%s/d", dir);
	CHECK(access(path, F_OK) < 0);	/* nothing left by refusals */
	snprintf(path, sizeof(path), "%s/link", dir);
	CHECK_INT(symlink("a.raw", path), 0);
	CHECK_INT(pool_vol_info(dir, "link", false, v, err, sizeof(err)),
	    -ELOOP);
	CHECK_INT(pool_vol_list(dir, &names, &n, err, sizeof(err)), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(names[0], "a.raw");
		CHECK_STR(names[2], "c.qcow2");
	}
	pool_names_free(names, n);
	CHECK_INT(pool_vol_resize(dir, "a.raw", 4096, false, v, err,
	    sizeof(err)), 0);
	CHECK_INT(v->capacity, 4096);
	CHECK_INT(pool_vol_resize(dir, "a.raw", 512, false, v, err,
	    sizeof(err)), -EINVAL);
	CHECK_INT(pool_vol_resize(dir, "a.raw", 512, true, v, err,
	    sizeof(err)), 0);
	CHECK_INT(pool_vol_resize(dir, "b.qcow2", 1 << 30, false, v, err,
	    sizeof(err)), -EOPNOTSUPP);
	CHECK_INT(pool_vol_info(dir, "c.qcow2", true, v, err, sizeof(err)), 0);
	CHECK(v->probed);
	CHECK_INT(pool_vol_delete(dir, "c.qcow2", err, sizeof(err)), 0);
	CHECK_INT(pool_vol_delete(dir, "c.qcow2", err, sizeof(err)), -ENOENT);
	CHECK_INT(pool_vol_delete(dir, "link", err, sizeof(err)), -ELOOP);
	free(v);
}

/* The state file survives a reload; the owner comes back last. */
static void
t_owner(const char *dir)
{
	const char *u1 = "11111111-1111-1111-1111-111111111111";
	const char *u2 = "22222222-2222-2222-2222-222222222222";
	char err[1024], state[4096], img[4096];
	struct stat st;
	uid_t me = getuid();

	snprintf(state, sizeof(state), "%s/owners", dir);
	snprintf(img, sizeof(img), "%s/a.raw", dir);
	chmod(img, 0640);
	CHECK_INT(owner_init(state, err, sizeof(err)), 0);
	/* Giving to our own uid needs no privilege: the bookkeeping is what
	 * is tested here; the real chown is in integration_stord. */
	CHECK_INT(owner_take(u1, img, me, getgid(), err, sizeof(err)), 0);
	CHECK_INT(owner_take(u2, img, me, getgid(), err, sizeof(err)), 0);
	CHECK(owner_held(img));
	CHECK_INT(owner_take("nope", img, me, getgid(), err, sizeof(err)),
	    -EINVAL);
	stat(img, &st);
	CHECK_INT(st.st_mode & 0777, 0640);	/* owner rw added, was there */
	owner_fini();
	CHECK_INT(owner_init(state, err, sizeof(err)), 0);
	CHECK_INT(owner_count(), 1);
	CHECK_INT(owner_release(u1, NULL, err, sizeof(err)), 0);
	CHECK_INT(owner_count(), 1);
	CHECK_INT(owner_release(u2, img, err, sizeof(err)), 0);
	CHECK_INT(owner_count(), 0);
	CHECK(!owner_held(img));
	owner_fini();
}

int
main(void)
{
	char dir[] = "/tmp/test_stord_pool.XXXXXX";
	char cmd[128];

	t_names();
	t_sizes();
	if (!mkdtemp(dir))
		return 1;
	t_pool(dir);
	t_owner(dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_done();
}
