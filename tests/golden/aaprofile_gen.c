/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Golden-test driver: reads a guest spec, writes the AppArmor profile and .files that secd would write. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "secd/profile.h"

#define SPEC_FILES 64
#define SPEC_LINE 4200

/*
 * A spec has one "key value" per line: uuid, name, then files as
 * "KIND PATH" (KIND from aa_kind_name, or "disk-ro"); "\n" and "\\" in a
 * value are unescaped. Other keys (absent, error) are the script's.
 */
struct spec {
	char *uuid, *name;
	struct aa_file files[SPEC_FILES];
	size_t nfiles;
};

static void
unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*w++ = '\n';
			s++;
		} else if (s[0] == '\\' && s[1] == '\\') {
			*w++ = '\\';
			s++;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

static int
kind_of(const char *word, enum aa_kind *kind, int *ro)
{
	int k;

	*ro = strcmp(word, "disk-ro") == 0;
	if (*ro) {
		*kind = AA_KIND_DISK;
		return 0;
	}
	for (k = 0; k < AA_KIND_COUNT; k++) {
		if (strcmp(word, aa_kind_name((enum aa_kind)k)) == 0) {
			*kind = (enum aa_kind)k;
			return 0;
		}
	}
	return -1;
}

static int
spec_line(struct spec *sp, char *line)
{
	enum aa_kind kind;
	char *val;
	int ro;

	line[strcspn(line, "\n")] = '\0';
	if (!*line || *line == '#')
		return 0;
	val = strchr(line, ' ');
	if (val)
		*val++ = '\0';
	else
		val = line + strlen(line);
	unescape(val);
	if (strcmp(line, "uuid") == 0)
		sp->uuid = strdup(val);
	else if (strcmp(line, "name") == 0)
		sp->name = strdup(val);
	else if (kind_of(line, &kind, &ro) == 0) {
		if (sp->nfiles == SPEC_FILES)
			return -1;
		sp->files[sp->nfiles].path = strdup(val);
		sp->files[sp->nfiles].kind = kind;
		sp->files[sp->nfiles++].readonly = ro;
	}
	return 0;
}

static int
spec_read(const char *path, struct spec *sp)
{
	char line[SPEC_LINE];
	FILE *f = fopen(path, "r");
	int rc = 0;

	if (!f)
		return -1;
	while (rc == 0 && fgets(line, sizeof(line), f))
		rc = spec_line(sp, line);
	fclose(f);
	return rc;
}

static int
write_text(const char *dir, const char *name, const char *text)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "w")))
		return -1;
	fputs(text, f);
	return fclose(f);
}

static char *
read_all(const char *path)
{
	static char buf[AA_TEMPLATE_MAX + 1];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, AA_TEMPLATE_MAX, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
spec_free(struct spec *sp)
{
	size_t i;

	free(sp->uuid);
	free(sp->name);
	for (i = 0; i < sp->nfiles; i++)
		free((char *)(uintptr_t)sp->files[i].path);
}

static int
generate(struct spec *sp, const char *tmpl, const char *outdir)
{
	struct aa_guest g = { sp->uuid, sp->name, sp->files, sp->nfiles };
	char *profile, *rules, err[1024], pname[AA_PROFILE_NAME_MAX];
	char fname[AA_PROFILE_NAME_MAX + 8];
	int rc = 0;

	if (aa_profile_generate(&g, tmpl, &profile, &rules, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "error: %s\n", err);
		return 1;
	}
	aa_profile_name(sp->uuid, pname, sizeof(pname), NULL, 0);
	snprintf(fname, sizeof(fname), "%s.files", pname);
	if (write_text(outdir, pname, profile) < 0 ||
	    write_text(outdir, fname, rules) < 0) {
		perror(outdir);
		rc = 2;
	} else {
		printf("%s\n", pname);
	}
	free(profile);
	free(rules);
	return rc;
}

int
main(int argc, char **argv)
{
	struct spec sp = { 0 };
	char *tmpl;
	int rc;

	if (argc != 4) {
		fprintf(stderr, "usage: %s TEMPLATE SPEC OUTDIR\n", argv[0]);
		return 2;
	}
	if (!(tmpl = read_all(argv[1])) || spec_read(argv[2], &sp) < 0) {
		fprintf(stderr, "cannot read %s or %s\n", argv[1], argv[2]);
		spec_free(&sp);
		return 2;
	}
	rc = generate(&sp, tmpl, argv[3]);
	spec_free(&sp);
	return rc;
}
