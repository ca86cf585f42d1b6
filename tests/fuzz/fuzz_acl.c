/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness for vmhostd/acl.c: acl_parse with a fixed user database, then acl_check on what parsed. */
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmhostd/acl.h"

static const char *const names[] = { "alice", "bob", "ops", "vmhost", "root" };

static int
fake_id(const char *name, unsigned *id)
{
	for (unsigned i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(names[i], name) == 0) {
			*id = 1000 + i;
			return 0;
		}
	return -ENOENT;
}

static int
fake_user(const char *name, uid_t *uid, void *arg)
{
	unsigned id;

	(void)arg;
	if (fake_id(name, &id) < 0)
		return -ENOENT;
	*uid = id;
	return 0;
}

static int
fake_group(const char *name, gid_t *gid, void *arg)
{
	unsigned id;

	(void)arg;
	if (fake_id(name, &id) < 0)
		return -ENOENT;
	*gid = id;
	return 0;
}

/* Invariants hold even in release builds (assert would vanish with NDEBUG). */
#define MUST(cond) do { if (!(cond)) abort(); } while (0)

static const char *const ops[] = {
	"domain.define", "domain.start", "domain.read", "domain.list",
	"network.define", "network.read", "connect.version", "storage.list",
};

/* The plain reading of the rules, with fnmatch alone, to hold acl_check's
 * literal-prefix shortcut to. */
static const struct acl_rule *
reference(const struct acl *a, const struct acl_subject *s, const char *op,
    const char *object)
{
	for (size_t i = 0; i < a->nrules; i++) {
		const struct acl_rule *r = &a->rules[i];
		bool who = r->who == ACL_WHO_ANY ||
		    (r->who == ACL_WHO_UID && s->uid == r->id) ||
		    (r->who == ACL_WHO_GID && s->gid == r->id);
		bool op_ok = false;

		for (size_t g = 0; g < s->ngroups; g++)
			who = who || (r->who == ACL_WHO_GID &&
			    s->groups[g] == r->id);
		for (size_t k = 0; k < r->nops; k++)
			op_ok = op_ok || fnmatch(r->ops[k], op, 0) == 0;
		if (who && op_ok && fnmatch(r->object, object, 0) == 0)
			return r;
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acl_resolver res = { fake_user, fake_group, NULL, ops,
	    sizeof(ops) / sizeof(*ops) };
	static const gid_t groups[] = { 1002, 1003 };
	const char *const objects[] = { "", "web-1", "bob-x", "a.b", "*",
	    "web*", "x[1]", "a\\b", "web-10" };
	struct acl *a = NULL;
	char err[512];
	int r;

	r = acl_parse("acl.conf", (const char *)data, size, &res, &a, err,
	    sizeof(err));
	if (r < 0) {
		MUST(a == NULL);
		MUST(strncmp(err, "acl.conf:", 9) == 0 || r == -ENOMEM);
		MUST(!memchr(err, '\n', strlen(err)));
		return 0;
	}
	MUST(a && a->nrules <= ACL_RULES_MAX);
	for (size_t i = 0; i < a->nrules; i++) {
		MUST(a->rules[i].nops >= 1 && a->rules[i].nops <= ACL_OPS_MAX);
		MUST(!strchr(a->rules[i].object, '/'));
		MUST(i == 0 || a->rules[i].line > a->rules[i - 1].line);
	}
	for (unsigned u = 1000; u < 1006; u++) {
		struct acl_subject s = { u, u, groups, 2 };

		for (size_t o = 0; o < sizeof(ops) / sizeof(*ops); o++)
			for (size_t k = 0; k < sizeof(objects) / sizeof(*objects); k++) {
				const struct acl_rule *rule;
				bool ok = acl_check(a, &s, ops[o], objects[k],
				    &rule);

				MUST(rule ? ok == rule->allow :
				    ok == a->default_allow);
				MUST(rule == reference(a, &s, ops[o],
				    objects[k]));
			}
	}
	acl_free(a);
	return 0;
}
