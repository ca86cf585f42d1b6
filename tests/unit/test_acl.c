/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for vmhostd/acl.c: the grammar, every error message with its line, first match, globs, groups, default. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmhostd/acl.h"
#include "tests/unit/check.h"

/* A fixed user and group database, so the tests do not depend on the host's. */
static const struct {
	const char *name;
	unsigned id;
} users[] = { { "alice", 1001 }, { "bob", 1002 }, { "carol", 1003 },
	      { "root", 0 }, { "svc$", 1500 } },
  groups[] = { { "vmhost", 500 }, { "ops", 600 }, { "web-admins", 700 } };

static int
fake_user(const char *name, uid_t *uid, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < sizeof(users) / sizeof(*users); i++)
		if (strcmp(users[i].name, name) == 0) {
			*uid = users[i].id;
			return 0;
		}
	return -ENOENT;
}

static int
fake_group(const char *name, gid_t *gid, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < sizeof(groups) / sizeof(*groups); i++)
		if (strcmp(groups[i].name, name) == 0) {
			*gid = groups[i].id;
			return 0;
		}
	return -ENOENT;
}

static const char *const ops[] = {
	"domain.define", "domain.undefine", "domain.start", "domain.shutdown",
	"domain.destroy", "domain.read", "domain.list", "network.define",
	"network.start", "network.read", "network.list", "connect.version",
	"storage.vol-create", "storage.list",
};

static const struct acl_resolver res = {
	fake_user, fake_group, NULL, ops, sizeof(ops) / sizeof(*ops),
};

static char err[512];

static struct acl *
parse(const char *text)
{
	struct acl *a = NULL;

	err[0] = '\0';
	if (acl_parse("acl.conf", text, strlen(text), &res, &a, err,
	    sizeof(err)) < 0)
		return NULL;
	return a;
}

/* The parse must fail with exactly this message. */
static void
bad(const char *text, const char *want)
{
	struct acl *a = parse(text);

	CHECK(a == NULL);
	CHECK_STR(err, want);
	acl_free(a);
}

static const gid_t no_groups[1];
#define WHO(u, g) ((struct acl_subject){ (u), (g), no_groups, 0 })
static const gid_t carol_groups[] = { 500, 600 };
#define CAROL ((struct acl_subject){ 1003, 1003, carol_groups, 2 })

static int
line_of(const struct acl *a, struct acl_subject s, const char *op,
    const char *obj)
{
	const struct acl_rule *r;

	acl_check(a, &s, op, obj, &r);
	return r ? (int)r->line : 0;
}

static void
test_example(void)
{
	struct acl *a = parse(
	    "# the example of docs/config.md\n"
	    "allow group:ops   domain.start,domain.shutdown  web-*\n"
	    "deny  user:alice  network.*                     *\n"
	    "allow user:bob    domain.*                      bob-*\n"
	    "\n"
	    "default deny\n");

	CHECK(a != NULL);
	if (!a)
		return;
	CHECK_INT(a->nrules, 3);
	CHECK(!a->default_allow);
	CHECK_INT(a->default_line, 6);
	/* group rule: carol is in ops through her supplementary groups */
	CHECK(acl_check(a, &CAROL, "domain.start", "web1", NULL) == false);
	CHECK(acl_check(a, &CAROL, "domain.start", "web-1", NULL));
	CHECK_INT(line_of(a, CAROL, "domain.start", "web-1"), 2);
	CHECK(acl_check(a, &CAROL, "domain.shutdown", "web-db", NULL));
	CHECK(!acl_check(a, &CAROL, "domain.destroy", "web-1", NULL));
	CHECK_INT(line_of(a, CAROL, "domain.destroy", "web-1"), 0);
	/* the primary gid counts too */
	CHECK(acl_check(a, &WHO(2000, 600), "domain.start", "web-x", NULL));
	/* alice: network.* denied by her rule, the rest by the default */
	CHECK(!acl_check(a, &WHO(1001, 1001), "network.start", "default",
	    NULL));
	CHECK_INT(line_of(a, WHO(1001, 1001), "network.define", "n1"), 3);
	CHECK_INT(line_of(a, WHO(1001, 1001), "domain.start", "web-1"), 0);
	/* bob: his own domains only */
	CHECK(acl_check(a, &WHO(1002, 1002), "domain.define", "bob-1", NULL));
	CHECK(acl_check(a, &WHO(1002, 1002), "domain.read", "bob-", NULL));
	CHECK(!acl_check(a, &WHO(1002, 1002), "domain.read", "alice-1", NULL));
	CHECK(!acl_check(a, &WHO(1002, 1002), "domain.list", "", NULL));
	CHECK(!acl_check(a, &WHO(1002, 1002), "network.read", "bob-1", NULL));
	/* the rule keeps what it was written as */
	CHECK_STR(a->rules[0].subject, "group:ops");
	CHECK_INT(a->rules[0].who, ACL_WHO_GID);
	CHECK_INT(a->rules[0].id, 600);
	CHECK_INT(a->rules[0].nops, 2);
	CHECK_STR(a->rules[0].ops[1], "domain.shutdown");
	CHECK_STR(a->rules[2].object, "bob-*");
	acl_free(a);
}

static void
test_first_match(void)
{
	struct acl *a = parse(
	    "deny  user:bob domain.start secret-*\n"
	    "allow user:bob domain.*     *\n"
	    "deny  *        *            *\n");

	CHECK(a != NULL);
	if (!a)
		return;
	CHECK(a->default_allow);	/* no default line: allow */
	CHECK_INT(a->default_line, 0);
	CHECK(!acl_check(a, &WHO(1002, 1002), "domain.start", "secret-1", NULL));
	CHECK_INT(line_of(a, WHO(1002, 1002), "domain.start", "secret-1"), 1);
	CHECK(acl_check(a, &WHO(1002, 1002), "domain.shutdown", "secret-1",
	    NULL));
	CHECK_INT(line_of(a, WHO(1002, 1002), "domain.start", "public"), 2);
	CHECK(!acl_check(a, &WHO(1002, 1002), "network.start", "x", NULL));
	CHECK_INT(line_of(a, WHO(1002, 1002), "network.start", "x"), 3);
	/* root is subject to the rules like anyone */
	CHECK(!acl_check(a, &WHO(0, 0), "connect.version", "", NULL));
	acl_free(a);
	/* the reverse order: the broad allow shadows the deny */
	a = parse("allow user:bob domain.* *\ndeny user:bob domain.start secret-*\n");
	CHECK(a && acl_check(a, &WHO(1002, 1002), "domain.start", "secret-1",
	    NULL));
	acl_free(a);
}

static void
test_globs(void)
{
	struct acl *a = parse(
	    "allow uid:1001 domain.st*      vm-?\n"
	    "allow uid:1001 *.read          [ab]*\n"
	    "allow gid:700  domain.start    web\\*\n"
	    "allow *        connect.version *\n"
	    "allow uid:1002 domain.*,network.read  *\n"
	    "default deny\n");

	CHECK(a != NULL);
	if (!a)
		return;
	CHECK(acl_check(a, &WHO(1001, 1), "domain.start", "vm-1", NULL));
	CHECK(!acl_check(a, &WHO(1001, 1), "domain.start", "vm-10", NULL));
	CHECK(!acl_check(a, &WHO(1001, 1), "domain.shutdown", "vm-1", NULL));
	CHECK(acl_check(a, &WHO(1001, 1), "network.read", "alpha", NULL));
	CHECK(acl_check(a, &WHO(1001, 1), "domain.read", "beta", NULL));
	CHECK(!acl_check(a, &WHO(1001, 1), "domain.read", "gamma", NULL));
	/* a backslash quotes: only the name "web*" */
	CHECK(acl_check(a, &WHO(5, 700), "domain.start", "web*", NULL));
	CHECK(!acl_check(a, &WHO(5, 700), "domain.start", "web1", NULL));
	/* ops without an object match "" and so only '*' */
	CHECK(acl_check(a, &WHO(9, 9), "connect.version", "", NULL));
	CHECK(acl_check(a, &WHO(9, 9), "connect.version", NULL, NULL));
	CHECK(!acl_check(a, &WHO(1001, 1), "domain.list", "", NULL));
	/* a list of patterns */
	CHECK(acl_check(a, &WHO(1002, 1), "domain.undefine", "x", NULL));
	CHECK(acl_check(a, &WHO(1002, 1), "network.read", "x", NULL));
	CHECK(!acl_check(a, &WHO(1002, 1), "network.start", "x", NULL));
	/* names with dots: '*' crosses them (no FNM_PERIOD) */
	CHECK(acl_check(a, &WHO(1001, 1), "domain.read", "a.b.c", NULL));
	acl_free(a);
}

static void
test_syntax_ok(void)
{
	struct acl *a;

	/* empty, blank, comment-only: no rules, allow */
	a = parse("");
	CHECK(a && a->nrules == 0 && a->default_allow);
	acl_free(a);
	a = parse("\n   \n\t\n# just a comment\n  # indented\n");
	CHECK(a && a->nrules == 0 && a->default_allow);
	acl_free(a);
	/* tabs, trailing comments, '#' inside a pattern, no final newline */
	a = parse("allow\tuser:alice\tdomain.read\tweb#1 # comment here\n"
	    "deny user:root domain.start *#\ndefault allow # trailing");
	CHECK(a != NULL);
	if (a) {
		CHECK_INT(a->nrules, 2);
		CHECK_STR(a->rules[0].object, "web#1");
		CHECK_STR(a->rules[1].object, "*#");
		CHECK_INT(a->rules[1].who, ACL_WHO_UID);
		CHECK_INT(a->rules[1].id, 0);
		CHECK(a->default_allow);
		CHECK_INT(a->default_line, 3);
	}
	acl_free(a);
	/* user names: dots, dashes, underscores, a final '$' */
	a = parse("allow user:svc$ * *\nallow group:web-admins * *\n"
	    "allow uid:4294967294 * *\nallow gid:0 * *\n");
	CHECK(a && a->nrules == 4);
	CHECK(a && a->rules[0].id == 1500 && a->rules[1].id == 700);
	CHECK(a && a->rules[2].id == 4294967294u);
	acl_free(a);
	/* UTF-8 in an object pattern */
	a = parse("allow * domain.read caf\xc3\xa9-*\n");
	CHECK(a && acl_check(a, &WHO(1, 1), "domain.read", "caf\xc3\xa9-1",
	    NULL));
	acl_free(a);
	/* CRLF is not a line end: strict */
	bad("allow * * *\r\n", "acl.conf:1: control byte 0x0d");
}

static void
test_errors(void)
{
	char *big;

	bad("allow\n", "acl.conf:1: expected 'allow|deny SUBJECT OPERATIONS OBJECT' (1 field)");
	bad("# c\n\ndeny user:alice domain.start\n",
	    "acl.conf:3: expected 'allow|deny SUBJECT OPERATIONS OBJECT' (3 fields)");
	bad("permit user:alice domain.start *\n",
	    "acl.conf:1: unknown action 'permit' (allow, deny or default)");
	bad("Allow * * *\n",
	    "acl.conf:1: unknown action 'Allow' (allow, deny or default)");
	bad("allow user:alice domain.start * extra\n",
	    "acl.conf:1: unexpected text after the object: 'extra'");
	bad("allow * * web 1\n",
	    "acl.conf:1: unexpected text after the object: '1'");
	bad("allow user:zed domain.start *\n", "acl.conf:1: unknown user 'zed'");
	bad("allow group:nogroup * *\n", "acl.conf:1: unknown group 'nogroup'");
	bad("allow user:al/ice * *\n",
	    "acl.conf:1: invalid user name in 'user:al/ice'");
	bad("allow user: * *\n", "acl.conf:1: invalid user name in 'user:'");
	bad("allow group:-x * *\n", "acl.conf:1: invalid group name in 'group:-x'");
	bad("allow user:abcdefghijabcdefghijabcdefghijabc * *\n",
	    "acl.conf:1: invalid user name in 'user:abcdefghijabcdefghijabcdefghijabc'");
	bad("allow uid:abc * *\n",
	    "acl.conf:1: invalid id in 'uid:abc' (0 to 4294967294)");
	bad("allow uid:-1 * *\n",
	    "acl.conf:1: invalid id in 'uid:-1' (0 to 4294967294)");
	bad("allow gid:4294967295 * *\n",
	    "acl.conf:1: invalid id in 'gid:4294967295' (0 to 4294967294)");
	bad("allow uid:99999999999 * *\n",
	    "acl.conf:1: invalid id in 'uid:99999999999' (0 to 4294967294)");
	bad("allow uid: * *\n",
	    "acl.conf:1: invalid id in 'uid:' (0 to 4294967294)");
	bad("allow alice * *\n",
	    "acl.conf:1: invalid subject 'alice' (user:NAME, group:NAME, uid:N, gid:N or *)");
	bad("allow usr:alice * *\n",
	    "acl.conf:1: invalid subject 'usr:alice' (user:NAME, group:NAME, uid:N, gid:N or *)");
	bad("allow ** * *\n",
	    "acl.conf:1: invalid subject '**' (user:NAME, group:NAME, uid:N, gid:N or *)");
	bad("allow * domain.strat *\n",
	    "acl.conf:1: operation 'domain.strat' matches no operation");
	bad("allow * domain.start,nework.* *\n",
	    "acl.conf:1: operation 'nework.*' matches no operation");
	bad("allow * domain.start,,domain.read *\n",
	    "acl.conf:1: empty operation in the list (no blanks around ',')");
	bad("allow * domain.start, *\n",
	    "acl.conf:1: empty operation in the list (no blanks around ',')");
	bad("allow * Domain.start *\n",
	    "acl.conf:1: invalid character in operation 'Domain.start' (a-z 0-9 . - _ * ?)");
	bad("allow * domain.[s]tart *\n",
	    "acl.conf:1: invalid character in operation 'domain.[s]tart' (a-z 0-9 . - _ * ?)");
	bad("allow * domain.start web/1\n",
	    "acl.conf:1: object pattern 'web/1' contains '/' (no name can)");
	bad("default maybe\n",
	    "acl.conf:1: expected 'default allow' or 'default deny'");
	bad("default\n", "acl.conf:1: expected 'default allow' or 'default deny'");
	bad("default deny now\n",
	    "acl.conf:1: expected 'default allow' or 'default deny'");
	bad("default deny\ndefault allow\n",
	    "acl.conf:2: second 'default' (the first is on line 1)");
	bad("default deny\nallow * * *\n",
	    "acl.conf:2: rule after 'default' (line 1): 'default' must come last");
	bad("allow * * \x1b[31m\n", "acl.conf:1: control byte 0x1b");
	bad("allow * * a\x7f\n", "acl.conf:1: control byte 0x7f");
	/* NUL needs the length, strlen would stop at it */
	{
		struct acl *a = NULL;
		static const char nul[] = "allow * * *\n\0\n";

		CHECK(acl_parse("x.conf", nul, sizeof(nul) - 1, &res, &a, err,
		    sizeof(err)) == -EINVAL);
		CHECK_STR(err, "x.conf:2: NUL byte in input");
		CHECK(a == NULL);
	}
	/* limits */
	big = malloc(ACL_FILE_MAX + 2);
	if (!big)
		return;
	memset(big, 'a', ACL_LINE_MAX);
	big[ACL_LINE_MAX] = '\0';
	{
		struct acl *a = NULL;
		char line[ACL_LINE_MAX + 64];

		/* exactly ACL_LINE_MAX bytes is fine (a comment) */
		big[0] = '#';
		CHECK(acl_parse("acl.conf", big, ACL_LINE_MAX, &res, &a, err,
		    sizeof(err)) == 0);
		acl_free(a);
		a = NULL;
		big[ACL_LINE_MAX] = 'a';
		big[ACL_LINE_MAX + 1] = '\0';
		bad(big, "acl.conf:1: line longer than 1024 bytes");
		snprintf(line, sizeof(line), "allow * * %.*s\n", 256,
		    big + 1);
		bad(line, "acl.conf:1: object pattern longer than 255 bytes");
		snprintf(line, sizeof(line), "allow * %.*s *\n", 256, big + 1);
		bad(line, "acl.conf:1: operation pattern longer than 255 bytes");
	}
	/* 1025 rules */
	big[0] = '\0';
	for (int i = 0; i < ACL_RULES_MAX + 1; i++)
		strcat(big, "allow * * *\n");
	bad(big, "acl.conf:1025: more than 1024 rules");
	/* 64 operations are fine, 65 are not */
	strcpy(big, "allow * domain.start");
	for (int i = 1; i < ACL_OPS_MAX; i++)
		strcat(big, ",domain.read");
	strcat(big, " *\n");
	{
		struct acl *a = parse(big);

		CHECK(a && a->rules[0].nops == ACL_OPS_MAX);
		acl_free(a);
	}
	strcpy(strstr(big, " *\n"), ",domain.list *\n");
	bad(big, "acl.conf:1: more than 64 operations in one rule");
	/* over 1 MiB */
	memset(big, '\n', ACL_FILE_MAX + 1);
	{
		struct acl *a = NULL;

		CHECK(acl_parse("acl.conf", big, ACL_FILE_MAX + 1, &res, &a,
		    err, sizeof(err)) == -E2BIG);
		CHECK_STR(err, "acl.conf:1: file larger than 1 MiB");
	}
	free(big);
}

static void
test_hostile_names(void)
{
	/* control bytes in messages are escaped, never echoed raw */
	bad("permit\"'\\ * * *\n",
	    "acl.conf:1: unknown action 'permit\\\"'\\\\' (allow, deny or default)");
	bad("allow user:a\tb * *\n",
	    "acl.conf:1: unexpected text after the object: '*'");
}

static void
test_real_resolver(void)
{
	struct acl_resolver any = { 0 };
	struct acl *a = NULL;

	/* getpwnam/getgrnam, and no operation list: any name is taken */
	static const char two[] = "allow user:root anything.at-all *\n"
	    "deny group:root * *\n";
	static const char nouser[] = "allow user:no-such-user-here * *\n";

	CHECK(acl_parse("acl.conf", two, strlen(two), &any, &a, err,
	    sizeof(err)) == 0);
	CHECK(a && a->rules[0].id == 0 && a->rules[1].id == 0);
	acl_free(a);
	CHECK(acl_parse("acl.conf", nouser, strlen(nouser), NULL, &a, err,
	    sizeof(err)) == -EINVAL);
	CHECK_STR(err, "acl.conf:1: unknown user 'no-such-user-here'");
	/* a NULL acl (no file) allows everything */
	CHECK(acl_check(NULL, &WHO(1, 1), "domain.destroy", "x", NULL));
}

static void
test_load(void)
{
	char dir[] = "/tmp/test_acl.XXXXXX", path[64];
	struct acl *a = (struct acl *)1;
	FILE *f;

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof(path), "%s/acl.conf", dir);
	/* missing: no rules at all */
	CHECK(acl_load(path, &res, &a, err, sizeof(err)) == 0);
	CHECK(a == NULL);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("# test\nallow user:bob domain.* bob-*\ndeny * domain.start x\n"
	    "default deny\n", f);
	fclose(f);
	chmod(path, 0644);
	CHECK(acl_load(path, &res, &a, err, sizeof(err)) == 0);
	CHECK(a && a->nrules == 2 && !a->default_allow);
	acl_free(a);
	/* errors name the file as given */
	f = fopen(path, "a");
	if (f) {
		fputs("allow user:bob domain.frobnicate *\n", f);
		fclose(f);
	}
	CHECK(acl_load(path, &res, &a, err, sizeof(err)) == -EINVAL);
	{
		char want[128];

		snprintf(want, sizeof(want), "%s:5: rule after 'default' (line 4): 'default' must come last",
		    path);
		CHECK_STR(err, want);
	}
	/* writable by anyone: refused */
	chmod(path, 0666);
	CHECK(acl_load(path, &res, &a, err, sizeof(err)) == -EPERM);
	CHECK(strstr(err, "writable by anyone") != NULL);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	test_example();
	test_first_match();
	test_globs();
	test_syntax_ok();
	test_errors();
	test_hostile_names();
	test_real_resolver();
	test_load();
	return check_done();
}
