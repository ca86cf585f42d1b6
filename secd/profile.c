/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Generation of per-guest AppArmor profiles and their .files rules, in vmhost-secd. */
#include "secd/profile.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/apparmor.h>

enum {
	AA_P_R = 1,
	AA_P_W = 2,
	AA_P_K = 4,
};

/* One rule of the .files include: a resolved path and its permissions. */
struct aa_rule {
	char *path;
	unsigned perms;
};

static int __attribute__((format(printf, 4, 5)))
aa_fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static unsigned
aa_perm_bits(const struct aa_file *f)
{
	switch (f->kind) {
	case AA_KIND_DISK:
		return f->readonly ? AA_P_R | AA_P_K : AA_P_R | AA_P_W | AA_P_K;
	case AA_KIND_BACKING:
	case AA_KIND_CDROM:
	case AA_KIND_FIRMWARE:
		return AA_P_R | AA_P_K;
	case AA_KIND_NVRAM:
	case AA_KIND_PIDFILE:
		return AA_P_R | AA_P_W | AA_P_K;
	case AA_KIND_SERIAL:
	case AA_KIND_SOCKET:
	case AA_KIND_TAP:
		return AA_P_R | AA_P_W;
	default:
		return AA_P_R;
	}
}

static const char *
aa_perm_text(unsigned bits)
{
	static const char *const text[8] = { "", "r", "w", "rw", "k", "rk",
		"wk", "rwk" };

	return text[bits & 7];
}

const char *
aa_file_perms(const struct aa_file *f)
{
	return aa_perm_text(aa_perm_bits(f));
}

int
aa_profile_name(const char *uuid, char *buf, size_t len, char *err,
    size_t errlen)
{
	size_t i;

	if (!uuid || strlen(uuid) != 36)
		return aa_fail(-EINVAL, err, errlen,
		    "uuid must be 36 characters (8-4-4-4-12 hex digits)");
	for (i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? uuid[i] != '-' : !isxdigit((unsigned char)uuid[i]))
			return aa_fail(-EINVAL, err, errlen,
			    "uuid has an invalid character at offset %zu", i);
	}
	if (len < AA_PROFILE_NAME_MAX)
		return aa_fail(-ENOSPC, err, errlen,
		    "profile name buffer too small");
	memcpy(buf, "vmhost-", 7);
	for (i = 0; i < 36; i++)
		buf[7 + i] = (char)tolower((unsigned char)uuid[i]);
	buf[43] = '\0';
	return 0;
}

int
aa_guest_name_valid(const char *name, char *err, size_t errlen)
{
	const unsigned char *p;

	if (!name || !*name)
		return aa_fail(-EINVAL, err, errlen, "guest name is empty");
	if (strlen(name) > AA_GUEST_NAME_MAX)
		return aa_fail(-EINVAL, err, errlen,
		    "guest name is longer than %d bytes", AA_GUEST_NAME_MAX);
	for (p = (const unsigned char *)name; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return aa_fail(-EINVAL, err, errlen,
			    "guest name has a control byte \\x%02x", *p);
		if (strchr("/[]{}?^,\"*", *p))
			return aa_fail(-EINVAL, err, errlen,
			    "guest name has '%c', refused in AppArmor profiles",
			    *p);
	}
	return 0;
}

static void
aa_rules_free(struct aa_rule *rules, size_t n)
{
	size_t i;

	if (!rules)
		return;
	for (i = 0; i < n; i++)
		free(rules[i].path);
	free(rules);
}

static int
aa_rule_cmp(const void *a, const void *b)
{
	return strcmp(((const struct aa_rule *)a)->path,
	    ((const struct aa_rule *)b)->path);
}

/* Sort by path and merge the rules of a path named more than once. */
static size_t
aa_rules_merge(struct aa_rule *rules, size_t n)
{
	size_t i, out = 0;

	qsort(rules, n, sizeof(*rules), aa_rule_cmp);
	for (i = 0; i < n; i++) {
		if (out && strcmp(rules[out - 1].path, rules[i].path) == 0) {
			rules[out - 1].perms |= rules[i].perms;
			free(rules[i].path);
		} else {
			rules[out++] = rules[i];
		}
	}
	return out;
}

/* Under the runtime folder, is this file the guest's own? */
static bool
aa_runtime_owned(const struct aa_guest *g, const char *path)
{
	size_t dlen = strlen(AA_RUNTIME_DIR), nlen = strlen(g->name);
	const char *rest;

	if (strncmp(path, AA_RUNTIME_DIR "/", dlen + 1) != 0)
		return true;
	rest = path + dlen + 1;
	if (strncasecmp(rest, g->uuid, 36) == 0 && rest[36] == '/')
		return true;
	if (strncmp(rest, g->name, nlen) != 0)
		return false;
	rest += nlen;
	if (rest[0] == '/')
		return rest[1] != '\0';
	return rest[0] == '.' && rest[1] && !strchr(rest + 1, '.') &&
	    !strchr(rest + 1, '/');
}

/* Check every file of g; *nout rules (checked, sorted, merged). */
static int
aa_rules_build(const struct aa_guest *g, struct aa_rule **out, size_t *nout,
    char *err, size_t errlen)
{
	char resolved[AA_PATH_MAX + 1], why[512];
	struct aa_rule *rules;
	size_t i, n = 0;
	int rc = 0;

	if (g->nfiles > AA_FILES_MAX)
		return aa_fail(-E2BIG, err, errlen,
		    "guest names %zu files, more than %d", g->nfiles,
		    AA_FILES_MAX);
	if (!(rules = calloc(g->nfiles + 1, sizeof(*rules))))
		return aa_fail(-ENOMEM, err, errlen, "out of memory");
	for (i = 0; i < g->nfiles; i++) {
		const struct aa_file *f = &g->files[i];

		if ((!f->path || !*f->path) && f->kind == AA_KIND_CDROM)
			continue;
		rc = aa_path_check(f->path, f->kind, resolved,
		    sizeof(resolved), why, sizeof(why));
		if (rc < 0) {
			aa_fail(rc, err, errlen, "file %zu: %s", i, why);
			goto out;
		}
		if (!aa_runtime_owned(g, resolved)) {
			rc = aa_fail(-EACCES, err, errlen, "file %zu: '%s' is "
			    "not guest %s's own file under %s", i, resolved,
			    g->name, AA_RUNTIME_DIR);
			goto out;
		}
		if (!(rules[n].path = strdup(resolved))) {
			rc = aa_fail(-ENOMEM, err, errlen, "out of memory");
			goto out;
		}
		rules[n++].perms = aa_perm_bits(f);
	}
	*nout = aa_rules_merge(rules, n);
	*out = rules;
	rules = NULL;
out:
	aa_rules_free(rules, n);
	return rc;
}

/* Every AA_TEMPLATE_NAME in tmpl replaced by name; NULL on ENOMEM. */
static char *
aa_template_fill(const char *tmpl, const char *name)
{
	size_t plen = strlen(AA_TEMPLATE_NAME), nlen = strlen(name);
	size_t count = 0, size;
	const char *p, *hit;
	char *out, *w;

	for (p = tmpl; (hit = strstr(p, AA_TEMPLATE_NAME)); p = hit + plen)
		count++;
	size = strlen(tmpl) + count * nlen + 1;
	if (!(out = malloc(size)))
		return NULL;
	w = out;
	for (p = tmpl; (hit = strstr(p, AA_TEMPLATE_NAME)); p = hit + plen) {
		memcpy(w, p, (size_t)(hit - p));
		w += hit - p;
		memcpy(w, name, nlen);
		w += nlen;
	}
	strcpy(w, p);
	return out;
}

static int
aa_template_check(const char *tmpl, char *err, size_t errlen)
{
	static const char *const needed[] = {
		"profile " AA_TEMPLATE_NAME " ",
		"#include <vmhost/" AA_TEMPLATE_NAME ".files>",
	};
	size_t i;

	if (!tmpl)
		return aa_fail(-EINVAL, err, errlen, "no profile template");
	if (strlen(tmpl) > AA_TEMPLATE_MAX)
		return aa_fail(-EFBIG, err, errlen,
		    "profile template is larger than %d bytes",
		    AA_TEMPLATE_MAX);
	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (!strstr(tmpl, needed[i]))
			return aa_fail(-EINVAL, err, errlen,
			    "profile template lacks \"%s\"", needed[i]);
	return 0;
}

/* The .files text: a header naming the guest, then one rule per line. */
static char *
aa_files_text(const struct aa_guest *g, const char *pname,
    const struct aa_rule *rules, size_t n)
{
	char *text = NULL;
	size_t size = 0, i;
	FILE *f;

	if (!(f = open_memstream(&text, &size)))
		return NULL;
	fprintf(f, "# Files of guest %s (%s), written by vmhost-secd.\n"
	    "# Regenerated whenever the guest's files change: do not edit.\n",
	    g->name, pname);
	for (i = 0; i < n; i++)
		fprintf(f, "  \"%s\" %s,\n", rules[i].path,
		    aa_perm_text(rules[i].perms));
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

int
aa_profile_generate(const struct aa_guest *g, const char *template_text,
    char **profile, char **files_rules, char *err, size_t errlen)
{
	char pname[AA_PROFILE_NAME_MAX];
	struct aa_rule *rules = NULL;
	size_t n = 0;
	int rc;

	*profile = *files_rules = NULL;
	if ((rc = aa_profile_name(g->uuid, pname, sizeof(pname), err,
	    errlen)) < 0)
		return rc;
	if ((rc = aa_guest_name_valid(g->name, err, errlen)) < 0)
		return rc;
	if ((rc = aa_template_check(template_text, err, errlen)) < 0)
		return rc;
	if ((rc = aa_rules_build(g, &rules, &n, err, errlen)) < 0)
		return rc;
	*files_rules = aa_files_text(g, pname, rules, n);
	*profile = aa_template_fill(template_text, pname);
	aa_rules_free(rules, n);
	if (!*files_rules || !*profile) {
		free(*files_rules);
		free(*profile);
		*profile = *files_rules = NULL;
		return aa_fail(-ENOMEM, err, errlen, "out of memory");
	}
	return 0;
}

/* The whole of a small text file as a string (at most max bytes). */
static int
aa_read_text(const char *path, size_t max, char **out, char *err,
    size_t errlen)
{
	char *buf;
	size_t n;
	FILE *f;
	int rc = 0;

	if (!(f = fopen(path, "re")))
		return aa_fail(-errno, err, errlen, "cannot open '%s': %m",
		    path);
	if (!(buf = malloc(max + 2))) {
		fclose(f);
		return aa_fail(-ENOMEM, err, errlen, "out of memory");
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f))
		rc = aa_fail(-EIO, err, errlen, "cannot read '%s'", path);
	else if (n > max)
		rc = aa_fail(-EFBIG, err, errlen, "'%s' is larger than %zu "
		    "bytes", path, max);
	else if (memchr(buf, '\0', n))
		rc = aa_fail(-EINVAL, err, errlen, "'%s' has a NUL byte", path);
	fclose(f);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
}

int
aa_print_profile(const struct aa_guest *g, const char *template_path,
    FILE *out, char *err, size_t errlen)
{
	char *tmpl = NULL, *profile = NULL, *files = NULL;
	char pname[AA_PROFILE_NAME_MAX];
	int rc;

	if ((rc = aa_read_text(template_path, AA_TEMPLATE_MAX, &tmpl, err,
	    errlen)) < 0)
		return rc;
	rc = aa_profile_generate(g, tmpl, &profile, &files, err, errlen);
	free(tmpl);
	if (rc < 0)
		return rc;
	aa_profile_name(g->uuid, pname, sizeof(pname), NULL, 0);
	fprintf(out, "# %s/%s\n%s", AA_PROFILE_DIR, pname, profile);
	fprintf(out, "# %s/%s.files\n%s", AA_PROFILE_DIR, pname, files);
	free(profile);
	free(files);
	if (fflush(out) != 0 || ferror(out))
		return aa_fail(-EIO, err, errlen, "cannot write the profile");
	return 0;
}

static const char *
aa_disabled_reason(int e)
{
	switch (e) {
	case ENOSYS:
		return "AppArmor is not enabled in this kernel";
	case ECANCELED:
		return "AppArmor is in this kernel but disabled at boot";
	case ENOENT:
		return "AppArmor is enabled but its interface (securityfs) is "
		    "not available";
	case EPERM:
	case EACCES:
		return "AppArmor state cannot be read: permission denied";
	case EBUSY:
		return "AppArmor is available only through private interfaces";
	default:
		return NULL;
	}
}

int
aa_enabled(char *reason, size_t reasonlen)
{
	const char *why;
	int e;

	if (aa_is_enabled() == 1)
		return 1;
	e = errno;
	why = aa_disabled_reason(e);
	if (why)
		aa_fail(0, reason, reasonlen, "%s", why);
	else
		aa_fail(0, reason, reasonlen, "AppArmor is not usable: %s",
		    strerror(e));
	return 0;
}
