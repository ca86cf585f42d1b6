/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of stord's backing chain walk on libvirt's fixtures and temp files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stord/chain.h"
#include "stord/qcow2_create.h"
#include "tests/unit/check.h"

static char err[512];
static struct chain c;

static int
walk(const char *top, const char *fmt, bool probe, const char *allow)
{
	const char *allowed[1] = { allow };
	struct chain_opts o = {
		.top_format = fmt, .allow_probe = probe,
		.allowed = allowed, .n_allowed = allow ? 1 : 0,
	};

	chain_free(&c);
	return chain_resolve(top, &o, &c, err, sizeof(err));
}

static void
test_libvirt_fixtures(const char *data)
{
	char images[PATH_MAX];

	snprintf(images, sizeof(images), "%s/images", data);
	CHECK(chdir(images) == 0);
	CHECK_INT(walk("qcow2_qcow2-qcow2_qcow2-auto.qcow2", "qcow2", true,
	    NULL), 0);
	CHECK_INT(c.n, 3);
	CHECK_INT(c.layers[2].format, PROBE_FMT_QCOW2);
	CHECK(c.layers[2].probed);
	/* Probing never the default: the undeclared layer stays raw. */
	CHECK_INT(walk("qcow2_qcow2-qcow2_qcow2-auto.qcow2", "qcow2", false,
	    NULL), 0);
	CHECK_INT(c.n, 3);
	CHECK_INT(c.layers[2].format, PROBE_FMT_RAW);
	CHECK_INT(walk("qcow2_raw-raw-relative.qcow2", "qcow2", false, NULL),
	    0);
	CHECK_INT(c.n, 2);
	CHECK_STR(c.layers[1].path, "raw");
	CHECK_INT(walk("qcow2_raw-raw-relative.qcow2", "raw", true, NULL), 0);
	CHECK_INT(c.n, 1);
	CHECK_INT(walk("loop-self.qcow2", "qcow2", false, NULL), -ELOOP);
	CHECK(strstr(err, "loop") != NULL);
	CHECK_INT(walk("loop-1.qcow2", "qcow2", false, NULL), -ELOOP);
	CHECK_INT(walk("qcow2_qcow2-missing.qcow2", "qcow2", false, NULL),
	    -ENOENT);
	CHECK(strstr(err, "'bogus'") != NULL);
	CHECK_INT(walk("qcow2_nbd-raw.qcow2", "qcow2", false, NULL),
	    -EPROTONOSUPPORT);
	CHECK_INT(walk("qed_raw-raw-relative", "qcow2", false, NULL), -EINVAL);
	CHECK_INT(walk("qed_raw-raw-relative", "qed", false, NULL), 0);
	CHECK_INT(c.n, 2);
	/* The symlink chain resolves as libvirt's qcow2-symlinks says. */
	CHECK_INT(walk("sub/link2", "qcow2", false, NULL), -EPERM);
	CHECK_INT(walk("sub/link2", "qcow2", false, images), 0);
	CHECK_INT(c.n, 3);
	CHECK_STR(c.layers[1].path, "sub/../sub/link1");
	CHECK_STR(c.layers[2].path, "sub/../sub/../raw");
	CHECK_INT(c.layers[2].format, PROBE_FMT_RAW);
}

static void
make_qcow2(const char *path, const char *backing, const char *fmt)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	CHECK(fd >= 0);
	CHECK_INT(qcow2_create_fd(fd, 1 << 20, backing, fmt, err,
	    sizeof(err)), 0);
	close(fd);
}

static void
test_temp_chains(void)
{
	char dir[] = "/tmp/vmhost-chain-XXXXXX", out[] = "/tmp/vmhost-out-XXXXXX";
	char p[PATH_MAX], q[PATH_MAX];
	struct chain_opts o = { .top_format = "qcow2", .max_depth = 3 };

	CHECK(mkdtemp(dir) && mkdtemp(out));
	CHECK(chdir(dir) == 0);
	snprintf(p, sizeof(p), "%s/secret", out);
	close(open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600));
	make_qcow2("l0.qcow2", NULL, NULL);
	make_qcow2("l1.qcow2", "l0.qcow2", "qcow2");
	make_qcow2("l2.qcow2", "l1.qcow2", "qcow2");
	make_qcow2("l3.qcow2", "l2.qcow2", "qcow2");
	make_qcow2("evil.qcow2", p, "raw");
	chain_free(&c);
	CHECK_INT(chain_resolve("l3.qcow2", &o, &c, err, sizeof(err)),
	    -ELOOP);
	CHECK(strstr(err, "deeper") != NULL);
	CHECK_INT(walk("l3.qcow2", "qcow2", false, NULL), 0);
	CHECK_INT(c.n, 4);
	CHECK(fcntl(c.layers[0].fd, F_GETFL) >= 0);
	CHECK_INT(fcntl(c.layers[1].fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	CHECK_INT(walk("evil.qcow2", "qcow2", false, NULL), -EPERM);
	CHECK(strstr(err, "outside the allowed folders") != NULL);
	CHECK_INT(walk("evil.qcow2", "qcow2", false, out), 0);
	CHECK_INT(c.n, 2);
	o = (struct chain_opts){ .top_format = "qcow2", .allow_outside = true,
	    .top_writable = true };
	chain_free(&c);
	CHECK_INT(chain_resolve("evil.qcow2", &o, &c, err, sizeof(err)), 0);
	CHECK_INT(fcntl(c.layers[0].fd, F_GETFL) & O_ACCMODE, O_RDWR);
	/* A symlinked top pointing out of its folder is refused too. */
	snprintf(q, sizeof(q), "%s/link.qcow2", dir);
	CHECK(symlink(p, q) == 0);
	CHECK_INT(walk("link.qcow2", "raw", false, NULL), -EPERM);
	CHECK(mkfifo("fifo", 0600) == 0);
	CHECK_INT(walk("fifo", "raw", false, NULL), -EINVAL);
	chain_free(&c);
	unlink("fifo");
	unlink(q);
	unlink(p);
	for (int i = 0; i < 4; i++) {
		snprintf(q, sizeof(q), "l%d.qcow2", i);
		unlink(q);
	}
	unlink("evil.qcow2");
	rmdir(out);
	CHECK(chdir("/") == 0);
	rmdir(dir);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_probe_chain VIRSTORAGETESTDATA\n");
		return 2;
	}
	test_libvirt_fixtures(argv[1]);
	test_temp_chains();
	chain_free(&c);
	return check_done();
}
