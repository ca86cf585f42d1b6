/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for session mode's pure parts: bridge.conf as qemu-bridge-helper reads it, and the XDG path mapping. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/paths.h"
#include "netd/bridge_conf.h"
#include "tests/unit/check.h"

static char dir[] = "/tmp/test_session.XXXXXX";

static const char *
conf(const char *name, const char *text)
{
	static char path[4][PATH_MAX];
	static int i;
	char *p = path[i++ % 4];
	FILE *f;

	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	if ((f = fopen(p, "w"))) {
		fputs(text, f);
		fclose(f);
	}
	return p;
}

static int
check(const char *text, const char *bridge)
{
	char err[256];

	return bridge_conf_check(conf("bridge.conf", text), bridge, err,
	    sizeof(err));
}

static void
test_rules(void)
{
	CHECK_INT(check("allow br0\n", "br0"), 1);
	CHECK_INT(check("allow br0\n", "br1"), 0);
	CHECK_INT(check("", "br0"), 0);			/* default: deny */
	CHECK_INT(check("allow all\n", "anything"), 1);
	CHECK_INT(check("allow all\ndeny br1\n", "br1"), 0);	/* deny wins */
	CHECK_INT(check("allow all\ndeny br1\n", "br2"), 1);
	CHECK_INT(check("deny br0\nallow br0\n", "br0"), 0);	/* any order */
	CHECK_INT(check("deny all\nallow br0\n", "br0"), 0);
	CHECK_INT(check("  # comment\n\n\tallow\tbr0  \r\n", "br0"), 1);
	CHECK_INT(check("allow br0", "br0"), 1);	/* no final newline */
	/* the argument is cut to IFNAMSIZ - 1 bytes, as qemu does */
	CHECK_INT(check("allow abcdefghijklmnopq\n", "abcdefghijklmno"), 1);
	/* '#' only starts a comment at the start of a line (qemu) */
	CHECK_INT(check("allow br0 # lab\n", "br0"), 0);
}

static void
test_errors(void)
{
	char err[256] = "";

	CHECK_INT(bridge_conf_check(conf("bad.conf", "allow br0\npermit br1\n"),
	    "br0", err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "line 2: unknown command 'permit'") != NULL);
	CHECK_INT(bridge_conf_check(conf("bad.conf", "allow\n"), "br0", err,
	    sizeof(err)), -EINVAL);
	CHECK(strstr(err, "line 1: no argument") != NULL);
	snprintf(err, sizeof(err), "%s/missing.conf", dir);
	CHECK_INT(bridge_conf_check(err, "br0", err, sizeof(err)), -ENOENT);
	CHECK_INT(bridge_conf_allows(conf("bad.conf", "frobnicate all\n"),
	    "br0"), 0);
	/* a folder (or FIFO, device) is not read */
	CHECK_INT(bridge_conf_check(dir, "br0", err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "not a regular file") != NULL);
	/* control bytes in a bad command come back escaped */
	CHECK_INT(bridge_conf_check(conf("bad.conf", "\x1b[31m x\n"), "br0",
	    err, sizeof(err)), -EINVAL);
	CHECK(strchr(err, '\x1b') == NULL);
}

static void
test_text(void)
{
	char err[256];

	CHECK_INT(bridge_conf_check_text("allow br0\n", 10, "br0", err,
	    sizeof(err)), 1);
	/* the buffer's length counts, not a NUL inside */
	CHECK_INT(bridge_conf_check_text("allow br0", 5, "br0", err,
	    sizeof(err)), -EINVAL);
	/* includes are not followed from a buffer */
	CHECK_INT(bridge_conf_check_text("include /etc/passwd\nallow x\n", 28,
	    "x", err, sizeof(err)), 1);
}

static void
test_include(void)
{
	char text[PATH_MAX + 64];

	snprintf(text, sizeof(text), "include %s\n",
	    conf("inc.conf", "allow br5\ndeny br6\n"));
	CHECK_INT(check(text, "br5"), 1);
	snprintf(text, sizeof(text), "allow all\ninclude %s\n",
	    conf("inc.conf", "deny br6\n"));
	CHECK_INT(check(text, "br6"), 0);
	/* a missing or malformed included file is ignored, as in qemu */
	snprintf(text, sizeof(text), "include %s/nope.conf\nallow br0\n", dir);
	CHECK_INT(check(text, "br0"), 1);
	snprintf(text, sizeof(text), "include %s\nallow br0\n",
	    conf("inc.conf", "garbage here\n"));
	CHECK_INT(check(text, "br0"), 1);
	snprintf(text, sizeof(text), "include %s\nallow br0\n", dir);
	CHECK_INT(check(text, "br0"), 1);	/* a folder: ignored */
	/* a file including itself stops at the depth limit */
	snprintf(text, sizeof(text), "%s/loop.conf", dir);
	{
		char body[2 * PATH_MAX];

		snprintf(body, sizeof(body), "allow br7\ninclude %s\n", text);
		conf("loop.conf", body);
	}
	CHECK_INT(bridge_conf_check(text, "br7", NULL, 0) >= 0 ? 1 : 0, 1);
}

static void
test_paths_map(void)
{
	struct paths_session s;
	char buf[PATH_MAX];

	setenv("HOME", "/home/u", 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_CACHE_HOME");
	unsetenv("XDG_DATA_HOME");
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	CHECK_INT(paths_session_dirs(&s), 0);
	CHECK_STR(s.config, "/home/u/.config/vmhost");
	CHECK_STR(s.runtime, "/run/user/1000/vmhost");
	CHECK_STR(s.cache, "/home/u/.cache/vmhost");
	CHECK_STR(s.data, "/home/u/.local/share/vmhost");
	CHECK_INT(paths_session_sock(buf, sizeof(buf)), 0);
	CHECK_STR(buf, "/run/user/1000/vmhost/vmhost-sock");
	CHECK_INT(paths_set_root("/scratch"), 0);
	CHECK_INT(paths_set_session(&s), 0);
	CHECK_INT(path_build(buf, sizeof(buf), "%s/%s.xml", VMHOST_DOMAIN_DIR,
	    "g"), 0);
	CHECK_STR(buf, "/home/u/.config/vmhost/qemu/g.xml");
	CHECK_INT(path_build(buf, sizeof(buf), VMHOST_SOCK), 0);
	CHECK_STR(buf, "/run/user/1000/vmhost/vmhost-sock");
	CHECK_INT(path_build(buf, sizeof(buf), "%s/qemu/g.log",
	    VMHOST_LOG_DIR), 0);
	CHECK_STR(buf, "/home/u/.cache/vmhost/log/qemu/g.log");
	CHECK_INT(path_build(buf, sizeof(buf), "/etc/vmhostx/a"), 0);
	CHECK_STR(buf, "/scratch/etc/vmhostx/a");	/* not under /etc/vmhost */
	/* the system stack's files stay the system's (under --root) */
	CHECK_INT(path_build_system(buf, sizeof(buf), VMHOST_BRIDGE_SOCK), 0);
	CHECK_STR(buf, "/scratch/run/vmhost/netd/bridge.sock");
	CHECK_INT(path_build(buf, 10, VMHOST_SOCK), -ENAMETOOLONG);
	paths_set_session(NULL);
	CHECK_INT(path_build(buf, sizeof(buf), VMHOST_SOCK), 0);
	CHECK_STR(buf, "/scratch/run/vmhost/vmhost-sock");
	paths_set_root("");
	/* no XDG_RUNTIME_DIR: ~/.cache/vmhost/run; XDG_* honoured */
	unsetenv("XDG_RUNTIME_DIR");
	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	CHECK_INT(paths_session_dirs(&s), 0);
	CHECK_STR(s.runtime, "/home/u/.cache/vmhost/run");
	CHECK_STR(s.config, "/cfg/vmhost");
	setenv("XDG_CONFIG_HOME", "relative", 1);	/* ignored, as XDG says */
	CHECK_INT(paths_session_dirs(&s), 0);
	CHECK_STR(s.config, "/home/u/.config/vmhost");
	unsetenv("HOME");
	CHECK_INT(paths_session_dirs(&s), -ENOENT);
}

int
main(void)
{
	char cmd[PATH_MAX + 16];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_rules();
	test_errors();
	test_include();
	test_text();
	test_paths_map();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return check_done();
}
