/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Golden test: generated dnsmasq configs against libvirt 9.0.0's networkxml2confdata, and dnsmasq --test. */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netd/dnsmasq_conf.h"
#include "tests/unit/check.h"

#define LIBVIRT_STATE "/var/lib/libvirt/dnsmasq"

extern char **environ;

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

/* Lines of text without '#' comment lines; count in *n. */
static char **
config_lines(char *text, size_t *n)
{
	char **v = NULL, *save = NULL;

	*n = 0;
	for (char *l = strtok_r(text, "\n", &save); l;
	    l = strtok_r(NULL, "\n", &save)) {
		if (l[0] == '#')
			continue;
		v = realloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = l;
	}
	return v;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 2: same lines in the same order, 1: same multiset, 0: different. */
static int
compare_configs(char *got, char *want)
{
	size_t ng, nw;
	char **g = config_lines(got, &ng), **w = config_lines(want, &nw);
	int r = ng == nw ? 2 : 0;

	for (size_t i = 0; r == 2 && i < ng; i++)
		if (strcmp(g[i], w[i]) != 0)
			r = 1;
	if (r == 1) {
		qsort(g, ng, sizeof(*g), cmp_str);
		qsort(w, nw, sizeof(*w), cmp_str);
		for (size_t i = 0; i < ng; i++)
			if (strcmp(g[i], w[i]) != 0)
				r = 0;
	}
	free(g);
	free(w);
	return r;
}

static struct network_def *
load(const char *xml_path)
{
	struct network_def *n = NULL;
	char err[256], *xml = read_file(xml_path);

	CHECK(xml != NULL);
	if (!xml)
		return NULL;
	if (network_parse(xml, strlen(xml), &n, err, sizeof(err)) < 0)
		fprintf(stderr, "%s: %s\n", xml_path, err);
	CHECK(n != NULL);
	free(xml);
	return n;
}

/* Compare with NAME.conf (and NAME.hostsfile, present exactly when expected). */
static void
golden(const char *dir, const char *name, bool need_exact)
{
	char path[4096], err[256], *want, *copy;
	struct dnsmasq_conf c;
	struct network_def *n;
	int r;

	snprintf(path, sizeof(path), "%s/%s.xml", dir, name);
	if (!(n = load(path)))
		return;
	CHECK_INT(dnsmasq_conf_build(n, LIBVIRT_STATE, NULL, &c, err,
	    sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/%s.conf", dir, name);
	want = read_file(path);
	CHECK(want && c.conf);
	copy = c.conf ? strdup(c.conf) : NULL;
	r = want && copy ? compare_configs(copy, want) : 0;
	printf("%s: %s\n", name, r == 2 ? "exact" : r == 1 ? "multiset" :
	    "DIFFERENT");
	if (r == 0 || (need_exact && r != 2))
		fprintf(stderr, "--- got:\n%s--- want:\n%s", c.conf, want);
	CHECK(r == 2 || (r == 1 && !need_exact));
	free(want);
	free(copy);
	snprintf(path, sizeof(path), "%s/%s.hostsfile", dir, name);
	want = read_file(path);
	CHECK_INT(want != NULL, c.hostsfile && c.hostsfile[0]);
	if (want)
		CHECK_STR(c.hostsfile, want);
	free(want);
	dnsmasq_conf_clear(&c);
	network_def_free(n);
}

static int
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs(text ? text : "", f);
	return fclose(f) == 0 ? 0 : -EIO;
}

static int
run_dnsmasq_test(const char *conf)
{
	char a0[] = "dnsmasq", a1[] = "--test", a2[] = "-C", *a3 = strdup(conf);
	char *argv[] = { a0, a1, a2, a3, NULL };
	pid_t pid;
	int st, r;

	r = a3 ? posix_spawnp(&pid, "dnsmasq", NULL, NULL, argv, environ) : -1;
	free(a3);
	if (r != 0)
		return -1;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The real dnsmasq accepts the config (syntax only; nothing is bound). */
static void
syntax(const char *dir, const char *name)
{
	char path[4096], tmp[] = "/tmp/vmhost-dnsmasq-XXXXXX", err[256];
	struct dnsmasq_conf c;
	struct network_def *n;

	snprintf(path, sizeof(path), "%s/%s.xml", dir, name);
	if (!(n = load(path)) || !mkdtemp(tmp))
		return;
	CHECK_INT(dnsmasq_conf_build(n, tmp, NULL, &c, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/%s.conf", tmp, "net");
	CHECK_INT(write_file(path, c.conf), 0);
	CHECK_INT(run_dnsmasq_test(path), 0);
	unlink(path);
	rmdir(tmp);
	dnsmasq_conf_clear(&c);
	network_def_free(n);
}

int
main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s exact|multiset|syntax DIR NAME\n",
		    argv[0]);
		return 2;
	}
	if (strcmp(argv[1], "syntax") == 0)
		syntax(argv[2], argv[3]);
	else
		golden(argv[2], argv[3], strcmp(argv[1], "exact") == 0);
	return check_done();
}
