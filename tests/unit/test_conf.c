/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for common/conf.c: values, lists, escapes, bounds and every error message. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/conf.h"
#include "common/fileio.h"
#include "tests/unit/check.h"

struct test_conf {
	char *user;
	char *group;
	long long port;
	long long anyint;
	int clear_caps;
	char **acl;
};

static const struct conf_key schema[] = {
	{ "user", CONF_STRING, offsetof(struct test_conf, user), 0, 0 },
	{ "group", CONF_STRING, offsetof(struct test_conf, group), 0, 0 },
	{ "port", CONF_INT, offsetof(struct test_conf, port), 1, 65535 },
	{ "anyint", CONF_INT, offsetof(struct test_conf, anyint), 0, 0 },
	{ "clear_emulator_capabilities", CONF_BOOL,
	    offsetof(struct test_conf, clear_caps), 0, 0 },
	{ "cgroup_device_acl", CONF_STRLIST, offsetof(struct test_conf, acl),
	    0, 0 },
};
#define NKEYS (sizeof(schema) / sizeof(schema[0]))

static char err[256];

static int
parse(const char *text, struct test_conf *c)
{
	memset(c, 0, sizeof(*c));
	return conf_parse("qemu.conf", text, strlen(text), schema, NKEYS, c,
	    err, sizeof(err));
}

/* text must be refused with exactly msg; values stored so far are freed. */
static void
check_error(const char *text, const char *msg, int line)
{
	struct test_conf c;

	CHECK_INT(parse(text, &c), -EINVAL);
	CHECK_STR(err, msg);
	if (strcmp(err, msg) != 0)
		fprintf(stderr, "  (from the check at line %d)\n", line);
	conf_free(schema, NKEYS, &c);
}
#define CHECK_ERROR(text, msg) check_error(text, msg, __LINE__)

static void
test_values(void)
{
	struct test_conf c;
	const char *text =
	    "# qemu.conf\n"
	    "\n"
	    "user = \"qemu\"   # trailing comment\n"
	    "  group=\"k\\\"v\\\\m\"\n"
	    "port = 5900\n"
	    "anyint = -9223372036854775808\n"
	    "clear_emulator_capabilities = 0\r\n"
	    "\tcgroup_device_acl = [\n"
	    "    \"/dev/null\", \"/dev/full\",  # two on a line\n"
	    "    # a comment inside\n"
	    "\n"
	    "    \"/dev/kvm\",\n"
	    "]\n"
	    "user = \"vmhost-qemu\"";

	CHECK_INT(parse(text, &c), 0);
	CHECK_STR(err, "");
	CHECK_STR(c.user, "vmhost-qemu"); /* set twice: last wins */
	CHECK_STR(c.group, "k\"v\\m");
	CHECK_INT(c.port, 5900);
	CHECK(c.anyint == -9223372036854775807LL - 1);
	CHECK_INT(c.clear_caps, 0);
	CHECK(c.acl && c.acl[0] && c.acl[1] && c.acl[2] && !c.acl[3]);
	if (c.acl && c.acl[0] && c.acl[1] && c.acl[2]) {
		CHECK_STR(c.acl[0], "/dev/null");
		CHECK_STR(c.acl[1], "/dev/full");
		CHECK_STR(c.acl[2], "/dev/kvm");
	}
	conf_free(schema, NKEYS, &c);
	CHECK(c.user == NULL && c.group == NULL && c.acl == NULL);
	conf_free(schema, NKEYS, &c); /* twice is harmless */
}

static void
test_small_cases(void)
{
	struct test_conf c;

	CHECK_INT(parse("", &c), 0);
	CHECK(c.user == NULL);
	CHECK_INT(parse("# only a comment", &c), 0);
	CHECK_INT(parse("cgroup_device_acl = []", &c), 0);
	CHECK(c.acl != NULL && c.acl[0] == NULL);
	conf_free(schema, NKEYS, &c);
	CHECK_INT(parse("cgroup_device_acl = [\"a\"]#c", &c), 0);
	CHECK(c.acl && c.acl[0] && strcmp(c.acl[0], "a") == 0 && !c.acl[1]);
	conf_free(schema, NKEYS, &c);
	CHECK_INT(parse("cgroup_device_acl = [ \"a\" , ]\n"
			"cgroup_device_acl = [\"b\"]\n", &c), 0);
	CHECK(c.acl && c.acl[0] && strcmp(c.acl[0], "b") == 0 && !c.acl[1]);
	conf_free(schema, NKEYS, &c);
	CHECK_INT(parse("user = \"\"\nuser = \"a # not a comment\"", &c), 0);
	CHECK_STR(c.user, "a # not a comment");
	conf_free(schema, NKEYS, &c);
	CHECK_INT(parse("port = 1\nport = 65535\nclear_emulator_capabilities=1",
			&c), 0);
	CHECK_INT(c.port, 65535);
	CHECK_INT(c.clear_caps, 1);
	CHECK_INT(parse("anyint = 9223372036854775807", &c), 0);
	CHECK(c.anyint == 9223372036854775807LL);
	CHECK_INT(parse("anyint = -0007", &c), 0);
	CHECK_INT(c.anyint, -7);
}

static void
test_errors(void)
{
	CHECK_ERROR("\n\n\n\n\n\nusr = \"qemu\"\n",
	    "qemu.conf:7: unknown setting 'usr'");
	CHECK_ERROR("# x\n\nuser = 1\n", "qemu.conf:3: expected a string for 'user'");
	CHECK_ERROR("port = \"5900\"", "qemu.conf:1: expected an integer for 'port'");
	CHECK_ERROR("user = [\"a\"]", "qemu.conf:1: expected a string for 'user'");
	CHECK_ERROR("cgroup_device_acl = \"/dev/null\"",
	    "qemu.conf:1: expected a list of strings for 'cgroup_device_acl'");
	CHECK_ERROR("clear_emulator_capabilities = \"yes\"",
	    "qemu.conf:1: expected 0 or 1 for 'clear_emulator_capabilities'");
	CHECK_ERROR("\n\n\n\n\n\n\n\nclear_emulator_capabilities = 99",
	    "qemu.conf:9: value 99 for 'clear_emulator_capabilities' is out of range 0..1");
	CHECK_ERROR("clear_emulator_capabilities = -1",
	    "qemu.conf:1: value -1 for 'clear_emulator_capabilities' is out of range 0..1");
	CHECK_ERROR("port = 0", "qemu.conf:1: value 0 for 'port' is out of range 1..65535");
	CHECK_ERROR("port = 65536",
	    "qemu.conf:1: value 65536 for 'port' is out of range 1..65535");
	CHECK_ERROR("anyint = 9223372036854775808",
	    "qemu.conf:1: integer out of range");
	CHECK_ERROR("anyint = -9223372036854775809",
	    "qemu.conf:1: integer out of range");
	CHECK_ERROR("anyint = 12abc", "qemu.conf:1: invalid number");
	CHECK_ERROR("anyint = -", "qemu.conf:1: expected a number after '-'");
	CHECK_ERROR("anyint = 0x10", "qemu.conf:1: invalid number");
	CHECK_ERROR("user = \"qemu", "qemu.conf:1: unterminated string");
	CHECK_ERROR("\nuser = \"qemu\n\"", "qemu.conf:2: unterminated string");
	CHECK_ERROR("user = \"qemu\\", "qemu.conf:1: unterminated string");
	CHECK_ERROR("user = \"a\\nb\"",
	    "qemu.conf:1: invalid escape in string (only \\\" and \\\\)");
	CHECK_ERROR("\ncgroup_device_acl = [\n\"a\",\n\"b\"\n",
	    "qemu.conf:2: unterminated list");
	CHECK_ERROR("cgroup_device_acl = [", "qemu.conf:1: unterminated list");
	CHECK_ERROR("cgroup_device_acl = [\"a\"\n\"b\"]",
	    "qemu.conf:2: expected ',' or ']' in the list");
	CHECK_ERROR("cgroup_device_acl = [\"a\",\n 1]",
	    "qemu.conf:2: expected a string in the list");
	CHECK_ERROR("cgroup_device_acl = [,]",
	    "qemu.conf:1: expected a string in the list");
	CHECK_ERROR("\n\nuser \"qemu\"", "qemu.conf:3: expected '='");
	CHECK_ERROR("user", "qemu.conf:1: expected '='");
	CHECK_ERROR("user =", "qemu.conf:1: expected a value for 'user'");
	CHECK_ERROR("user = # nothing", "qemu.conf:1: expected a value for 'user'");
	CHECK_ERROR("user = qemu", "qemu.conf:1: invalid value for 'user'");
	CHECK_ERROR("user = \"a\" \"b\"",
	    "qemu.conf:1: unexpected text after the value of 'user'");
	CHECK_ERROR("port = 1 port = 2",
	    "qemu.conf:1: unexpected text after the value of 'port'");
	CHECK_ERROR("= 1", "qemu.conf:1: expected a setting name");
	CHECK_ERROR("9user = 1", "qemu.conf:1: expected a setting name");
	CHECK_ERROR("\n\xff = 1", "qemu.conf:2: expected a setting name");
	CHECK_ERROR("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa = 1",
	    "qemu.conf:1: setting name too long");
	/* the error comes after good settings; what was stored is freed */
	CHECK_ERROR("user = \"a\"\ngroup = \"b\"\ncgroup_device_acl = [\"x\"]\nbad = 1",
	    "qemu.conf:4: unknown setting 'bad'");
}

static void
test_nul_and_size(void)
{
	static const char text[] = "user = \"a\"\n\nuser = \"b\0c\"\n";
	struct test_conf c = { 0 };
	char *big;

	CHECK_INT(conf_parse("qemu.conf", text, sizeof(text) - 1, schema, NKEYS,
		      &c, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "qemu.conf:3: NUL byte in input");
	CHECK(c.user == NULL); /* NULs are refused before anything is stored */
	/* len is honoured: text need not be NUL-terminated */
	CHECK_INT(conf_parse("qemu.conf", "port = 12345", 9, schema, NKEYS, &c,
		      err, sizeof(err)), 0);
	CHECK_INT(c.port, 12);
	/* a tiny error buffer is truncated, never overrun */
	{
		char tiny[8];

		CHECK_INT(conf_parse("qemu.conf", "x", 1, schema, NKEYS, &c,
			      tiny, sizeof(tiny)), -EINVAL);
		CHECK_STR(tiny, "qemu.co");
		CHECK_INT(conf_parse("qemu.conf", "x", 1, schema, NKEYS, &c,
			      NULL, 0), -EINVAL);
	}
	big = malloc(1024 * 1024 + 2);
	memset(big, '\n', 1024 * 1024 + 1);
	CHECK_INT(conf_parse("qemu.conf", big, 1024 * 1024 + 1, schema, NKEYS,
		      &c, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "qemu.conf:1: file larger than 1 MiB");
	CHECK_INT(conf_parse("qemu.conf", big, 1024 * 1024, schema, NKEYS, &c,
		      err, sizeof(err)), 0);
	free(big);
}

static void
test_load(void)
{
	char dir[] = "/tmp/test_conf.XXXXXX", path[128], msg[256];
	struct test_conf c = { 0 };
	char *big;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/qemu.conf", dir);
	CHECK_INT(conf_load(path, 1, schema, NKEYS, &c, err, sizeof(err)), 0);
	CHECK_INT(conf_load(path, 0, schema, NKEYS, &c, err, sizeof(err)),
	    -ENOENT);
	snprintf(msg, sizeof(msg), "%s: No such file or directory", path);
	CHECK_STR(err, msg);
	CHECK_INT(file_write_atomic(path, "user = \"q\"\nport = 7\n", 20, 0644), 0);
	CHECK_INT(conf_load(path, 0, schema, NKEYS, &c, err, sizeof(err)), 0);
	CHECK_STR(c.user, "q");
	CHECK_INT(c.port, 7);
	conf_free(schema, NKEYS, &c);
	CHECK_INT(file_write_atomic(path, "\nport = 0\n", 10, 0644), 0);
	CHECK_INT(conf_load(path, 0, schema, NKEYS, &c, err, sizeof(err)), -EINVAL);
	snprintf(msg, sizeof(msg), "%s:2: value 0 for 'port' is out of range 1..65535", path);
	CHECK_STR(err, msg);
	big = calloc(1, 1024 * 1024 + 1);
	memset(big, ' ', 1024 * 1024 + 1);
	CHECK_INT(file_write_atomic(path, big, 1024 * 1024 + 1, 0644), 0);
	CHECK_INT(conf_load(path, 1, schema, NKEYS, &c, err, sizeof(err)), -EFBIG);
	snprintf(msg, sizeof(msg), "%s: file larger than 1 MiB", path);
	CHECK_STR(err, msg);
	free(big);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	test_values();
	test_small_cases();
	test_errors();
	test_nul_and_size();
	test_load();
	return check_done();
}
