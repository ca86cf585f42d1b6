/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* acl.conf's strict parser and first-match checker, for vmhostd (pure but for name lookups and acl_load). */
#define LOG_MODULE "acl"
#include <errno.h>
#include <fnmatch.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fileio.h"
#include "common/log.h"
#include "vmhostd/acl.h"

#define ACL_FIELDS	4	/* ACTION SUBJECT OPERATIONS OBJECT */

struct acl_parser {
	const char *name;
	unsigned line;
	const struct acl_resolver *res;
	struct acl *acl;
	char *err;
	size_t errlen;
};

static int perr(struct acl_parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
perr(struct acl_parser *p, const char *fmt, ...)
{
	char msg[512], esc[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "%s:%u: %s",
		    str_escape(esc, sizeof(esc), p->name), p->line, msg);
	return -EINVAL;
}

static int
getpw_uid(const char *name, uid_t *uid, void *arg)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	(void)arg;
	if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return -ENOENT;
	*uid = pw.pw_uid;
	return 0;
}

static int
getgr_gid(const char *name, gid_t *gid, void *arg)
{
	struct group gr, *res = NULL;
	size_t size = 16384;
	char *buf = NULL;
	int r;

	(void)arg;
	do {	/* a group with many members needs a larger buffer */
		free(buf);
		if (!(buf = malloc(size)))
			return -ENOMEM;
		r = getgrnam_r(name, &gr, buf, size, &res);
		size *= 4;
	} while (r == ERANGE && size <= (4u << 20));
	if (r == 0 && res)
		*gid = gr.gr_gid;
	free(buf);
	return r == 0 && res ? 0 : -ENOENT;
}

/* POSIX portable user and group names, with the optional final '$'. */
static bool
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > ACL_NAME_MAX || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')
			continue;
		if (c == '$' && i == n - 1)
			continue;
		return false;
	}
	return true;
}

/* Decimal 0..4294967294 ((uid_t)-1 means "no id" to the kernel). */
static int
id_parse(const char *s, unsigned *out)
{
	unsigned long long v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 10)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v >= UINT32_MAX)
		return -ERANGE;
	*out = (unsigned)v;
	return 0;
}

static int
parse_subject(struct acl_parser *p, const char *tok, struct acl_rule *r)
{
	const struct acl_resolver *res = p->res;
	const char *val = strchr(tok, ':');
	char esc[128];
	uid_t uid;
	gid_t gid;
	int rc;

	str_escape(esc, sizeof(esc), tok);
	if (strlen(tok) >= sizeof(r->subject))
		return perr(p, "subject '%s' too long", esc);
	snprintf(r->subject, sizeof(r->subject), "%s", tok);
	if (strcmp(tok, "*") == 0) {
		r->who = ACL_WHO_ANY;
		return 0;
	}
	if (!val)
		return perr(p, "invalid subject '%s' (user:NAME, group:NAME, uid:N, gid:N or *)",
		    esc);
	val++;
	if (strncmp(tok, "uid:", 4) == 0 || strncmp(tok, "gid:", 4) == 0) {
		r->who = tok[0] == 'u' ? ACL_WHO_UID : ACL_WHO_GID;
		if (id_parse(val, &r->id) < 0)
			return perr(p, "invalid id in '%s' (0 to 4294967294)",
			    esc);
		return 0;
	}
	if (strncmp(tok, "user:", 5) != 0 && strncmp(tok, "group:", 6) != 0)
		return perr(p, "invalid subject '%s' (user:NAME, group:NAME, uid:N, gid:N or *)",
		    esc);
	if (!name_ok(val))
		return perr(p, "invalid %s name in '%s'",
		    tok[0] == 'u' ? "user" : "group", esc);
	if (tok[0] == 'u') {
		r->who = ACL_WHO_UID;
		rc = (res && res->user ? res->user : getpw_uid)(val, &uid,
		    res ? res->arg : NULL);
		r->id = (unsigned)uid;
	} else {
		r->who = ACL_WHO_GID;
		rc = (res && res->group ? res->group : getgr_gid)(val, &gid,
		    res ? res->arg : NULL);
		r->id = (unsigned)gid;
	}
	if (rc == -ENOMEM)
		return -ENOMEM;
	if (rc < 0)
		return perr(p, "unknown %s '%s'", tok[0] == 'u' ? "user" : "group",
		    str_escape(esc, sizeof(esc), val));
	return 0;
}

/* Length of the literal start of a pattern: bytes before * ? [ or \. */
static unsigned short
literal_len(const char *pat)
{
	return (unsigned short)strcspn(pat, "*?[\\");
}

/* fnmatch(pat, s, 0) == 0, with the literal start compared first. */
static bool
glob_match(const char *pat, unsigned short lit, const char *s)
{
	if (strncmp(pat, s, lit) != 0)
		return false;
	if (!pat[lit])
		return !s[lit];
	return fnmatch(pat + lit, s + lit, 0) == 0;
}

static bool
op_known(const struct acl_resolver *res, const char *pat)
{
	if (!res || !res->ops)
		return true;
	for (size_t i = 0; i < res->nops; i++)
		if (fnmatch(pat, res->ops[i], 0) == 0)
			return true;
	return false;
}

static int
parse_op(struct acl_parser *p, const char *op, size_t n, struct acl_rule *r)
{
	char pat[ACL_PATTERN_MAX + 1], esc[128];

	if (n == 0)
		return perr(p, "empty operation in the list (no blanks around ',')");
	if (n > ACL_PATTERN_MAX)
		return perr(p, "operation pattern longer than %d bytes",
		    ACL_PATTERN_MAX);
	memcpy(pat, op, n);
	pat[n] = '\0';
	str_escape(esc, sizeof(esc), pat);
	for (size_t i = 0; i < n; i++) {
		char c = pat[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_' || c == '*' || c == '?'))
			return perr(p, "invalid character in operation '%s' (a-z 0-9 . - _ * ?)",
			    esc);
	}
	if (!op_known(p->res, pat))
		return perr(p, "operation '%s' matches no operation", esc);
	if (r->nops == ACL_OPS_MAX)
		return perr(p, "more than %d operations in one rule",
		    ACL_OPS_MAX);
	if (!(r->ops[r->nops] = strdup(pat)))
		return -ENOMEM;
	r->ops_lit[r->nops] = literal_len(pat);
	r->nops++;
	return 0;
}

static int
parse_ops(struct acl_parser *p, const char *tok, struct acl_rule *r)
{
	const char *s = tok, *comma;
	int rc;

	if (!(r->ops = calloc(ACL_OPS_MAX, sizeof(*r->ops))) ||
	    !(r->ops_lit = calloc(ACL_OPS_MAX, sizeof(*r->ops_lit))))
		return -ENOMEM;
	for (;;) {
		comma = strchr(s, ',');
		rc = parse_op(p, s, comma ? (size_t)(comma - s) : strlen(s), r);
		if (rc < 0 || !comma)
			return rc;
		s = comma + 1;
	}
}

static int
parse_object(struct acl_parser *p, const char *tok, struct acl_rule *r)
{
	char esc[128];

	str_escape(esc, sizeof(esc), tok);
	if (strlen(tok) > ACL_PATTERN_MAX)
		return perr(p, "object pattern longer than %d bytes",
		    ACL_PATTERN_MAX);
	if (strchr(tok, '/'))
		return perr(p, "object pattern '%s' contains '/' (no name can)",
		    esc);
	if (!(r->object = strdup(tok)))
		return -ENOMEM;
	r->object_lit = literal_len(tok);
	return 0;
}

static void
rule_clear(struct acl_rule *r)
{
	for (size_t i = 0; i < r->nops; i++)
		free(r->ops[i]);
	free(r->ops);
	free(r->ops_lit);
	free(r->object);
	memset(r, 0, sizeof(*r));
}

static int
parse_rule(struct acl_parser *p, char **tok, size_t nt)
{
	struct acl *a = p->acl;
	struct acl_rule r = { 0 }, *grown;
	int rc;

	if (a->default_line)
		return perr(p, "rule after 'default' (line %u): 'default' must come last",
		    a->default_line);
	if (nt < ACL_FIELDS)
		return perr(p, "expected 'allow|deny SUBJECT OPERATIONS OBJECT' (%zu field%s)",
		    nt, nt == 1 ? "" : "s");
	if (a->nrules == ACL_RULES_MAX)
		return perr(p, "more than %d rules", ACL_RULES_MAX);
	r.line = p->line;
	r.allow = strcmp(tok[0], "allow") == 0;
	if ((rc = parse_subject(p, tok[1], &r)) < 0 ||
	    (rc = parse_ops(p, tok[2], &r)) < 0 ||
	    (rc = parse_object(p, tok[3], &r)) < 0) {
		rule_clear(&r);
		return rc;
	}
	if ((a->nrules & (a->nrules - 1)) == 0) {	/* 0, 1, 2, 4, ...: grow */
		grown = realloc(a->rules, (a->nrules ? a->nrules * 2 : 1) *
		    sizeof(*a->rules));
		if (!grown) {
			rule_clear(&r);
			return -ENOMEM;
		}
		a->rules = grown;
	}
	a->rules[a->nrules++] = r;
	return 0;
}

static int
parse_default(struct acl_parser *p, char **tok, size_t nt)
{
	struct acl *a = p->acl;

	if (a->default_line)
		return perr(p, "second 'default' (the first is on line %u)",
		    a->default_line);
	if (nt != 2 || (strcmp(tok[1], "allow") && strcmp(tok[1], "deny")))
		return perr(p, "expected 'default allow' or 'default deny'");
	a->default_allow = strcmp(tok[1], "allow") == 0;
	a->default_line = p->line;
	return 0;
}

/* Split on blanks; a field starting with '#' begins a comment. */
static size_t
split(char *s, char **tok, size_t max, char **extra)
{
	size_t nt = 0;

	*extra = NULL;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			return nt;
		if (nt == max) {
			*extra = s;
			return nt;
		}
		tok[nt++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (*s)
			*s++ = '\0';
	}
}

static int
parse_line(struct acl_parser *p, char *buf, size_t n)
{
	char *tok[ACL_FIELDS], *extra, esc[64];
	size_t nt;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == 0)
			return perr(p, "NUL byte in input");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return perr(p, "control byte 0x%02x", c);
	}
	nt = split(buf, tok, ACL_FIELDS, &extra);
	if (nt == 0)
		return 0;
	if (extra && strcmp(tok[0], "default") != 0)
		return perr(p, "unexpected text after the object: '%s'",
		    str_escape(esc, sizeof(esc), extra));
	if (strcmp(tok[0], "default") == 0)
		return parse_default(p, tok, extra ? nt + 1 : nt);
	if (strcmp(tok[0], "allow") == 0 || strcmp(tok[0], "deny") == 0)
		return parse_rule(p, tok, nt);
	return perr(p, "unknown action '%s' (allow, deny or default)",
	    str_escape(esc, sizeof(esc), tok[0]));
}

int
acl_parse(const char *name, const char *text, size_t len,
    const struct acl_resolver *res, struct acl **out, char *err,
    size_t errlen)
{
	struct acl_parser p = { name, 0, res, NULL, err, errlen };
	char buf[ACL_LINE_MAX + 1];
	size_t pos = 0, n;
	const char *nl;
	int rc = 0;

	*out = NULL;
	if (len > ACL_FILE_MAX) {
		p.line = 1;
		perr(&p, "file larger than 1 MiB");
		return -E2BIG;
	}
	if (!(p.acl = calloc(1, sizeof(*p.acl))))
		return -ENOMEM;
	p.acl->default_allow = true;
	while (pos < len && rc == 0) {
		nl = memchr(text + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		p.line++;
		if (n > ACL_LINE_MAX) {
			rc = perr(&p, "line longer than %d bytes", ACL_LINE_MAX);
			break;
		}
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		rc = parse_line(&p, buf, n);
		pos += n + 1;
	}
	if (rc < 0) {
		if (rc == -ENOMEM && err && errlen)
			snprintf(err, errlen, "out of memory");
		acl_free(p.acl);
		return rc;
	}
	*out = p.acl;
	return 0;
}

int
acl_load(const char *path, const struct acl_resolver *res, struct acl **out,
    char *err, size_t errlen)
{
	char *text = NULL, esc[256];
	struct stat st;
	size_t len = 0;
	int r;

	*out = NULL;
	str_escape(esc, sizeof(esc), path);
	if (stat(path, &st) == 0 && (st.st_mode & S_IWOTH)) {
		snprintf(err, errlen, "%s: writable by anyone (chmod o-w)", esc);
		return -EPERM;
	}
	r = file_read_all(path, ACL_FILE_MAX, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		snprintf(err, errlen, "%s: %s", esc, r == -EFBIG ?
		    "file larger than 1 MiB" : strerror(-r));
		return r;
	}
	r = acl_parse(path, text, len, res, out, err, errlen);
	free(text);
	return r;
}

void
acl_free(struct acl *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nrules; i++)
		rule_clear(&a->rules[i]);
	free(a->rules);
	free(a);
}

static bool
who_matches(const struct acl_rule *r, const struct acl_subject *s)
{
	switch (r->who) {
	case ACL_WHO_ANY:
		return true;
	case ACL_WHO_UID:
		return (unsigned)s->uid == r->id;
	case ACL_WHO_GID:
		if ((unsigned)s->gid == r->id)
			return true;
		for (size_t i = 0; i < s->ngroups; i++)
			if ((unsigned)s->groups[i] == r->id)
				return true;
		return false;
	}
	return false;
}

bool
acl_check(const struct acl *a, const struct acl_subject *s, const char *op,
    const char *object, const struct acl_rule **rule)
{
	if (rule)
		*rule = NULL;
	if (!a)
		return true;
	if (!object)
		object = "";
	for (size_t i = 0; i < a->nrules; i++) {
		const struct acl_rule *r = &a->rules[i];
		bool op_ok = false;

		if (!who_matches(r, s))
			continue;
		for (size_t k = 0; k < r->nops && !op_ok; k++)
			op_ok = glob_match(r->ops[k], r->ops_lit[k], op);
		if (!op_ok || !glob_match(r->object, r->object_lit, object))
			continue;
		if (rule)
			*rule = r;
		return r->allow;
	}
	return a->default_allow;
}
