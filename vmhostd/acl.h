/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* acl.conf: who may do which operation on which object; the parser and the matcher (pure). */
#ifndef VMHOSTD_ACL_H
#define VMHOSTD_ACL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define ACL_FILE_MAX	(1u << 20)	/* bytes */
#define ACL_LINE_MAX	1024		/* bytes per line, newline excluded */
#define ACL_RULES_MAX	1024
#define ACL_OPS_MAX	64		/* operation patterns in one rule */
#define ACL_PATTERN_MAX	255		/* bytes of one object or operation pattern */
#define ACL_NAME_MAX	32		/* user and group names */

enum acl_who { ACL_WHO_ANY, ACL_WHO_UID, ACL_WHO_GID };

struct acl_rule {
	unsigned line;
	bool allow;
	enum acl_who who;
	unsigned id;			/* uid or gid */
	char subject[ACL_NAME_MAX + 8];	/* as written: "group:ops", "uid:0", "*" */
	char **ops;			/* operation patterns */
	size_t nops;
	char *object;			/* object name pattern */
	/* bytes before the first glob character (a cheap test first) */
	unsigned short *ops_lit, object_lit;
};

struct acl {
	struct acl_rule *rules;
	size_t nrules;
	bool default_allow;		/* when no rule matches */
	unsigned default_line;		/* 0: no 'default' line (allow) */
};

/*
 * How names in rules are checked: user and group names resolve to ids
 * (NULL functions: getpwnam_r / getgrnam_r); 0 or -ENOENT. When ops is
 * set, every operation pattern must match at least one of those names.
 */
struct acl_resolver {
	int (*user)(const char *name, uid_t *uid, void *arg);
	int (*group)(const char *name, gid_t *gid, void *arg);
	void *arg;
	const char *const *ops;
	size_t nops;
};

/*
 * Parse len bytes of text (need not be NUL-terminated). 0 with *out, or
 * -EINVAL with "NAME:LINE: what is wrong" in err (-ENOMEM, -E2BIG).
 */
int acl_parse(const char *name, const char *text, size_t len,
    const struct acl_resolver *res, struct acl **out, char *err,
    size_t errlen);
/* Read and parse path; a missing file gives 0 with *out = NULL (allow all). */
int acl_load(const char *path, const struct acl_resolver *res,
    struct acl **out, char *err, size_t errlen);
void acl_free(struct acl *a);

/* The caller: its uid, primary gid and supplementary groups. */
struct acl_subject {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t ngroups;
};

/*
 * First match wins. Returns true when allowed; *rule (if not NULL) is the
 * deciding rule, or NULL when the default decided. object NULL is "".
 * A NULL acl allows everything.
 */
bool acl_check(const struct acl *a, const struct acl_subject *s,
    const char *op, const char *object, const struct acl_rule **rule);

#endif
