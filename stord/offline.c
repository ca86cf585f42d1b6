/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord --migrate-disks: the package upgrade step, on the definition files while vmhostd is stopped. */
#define LOG_MODULE "offline"
#include "stord/offline.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/daemon.h"
#include "common/domain_xml.h"
#include "common/fileio.h"
#include "common/ipc.h"
#include "common/log.h"
#include "common/paths.h"
#include "common/priv.h"
#include "stord/disks.h"

#define OFFLINE_DEFS_MAX 4096
#define OFFLINE_LINE 1200

struct offline_def {
	char path[PATH_MAX];
	struct domain_def *def;
	struct stat st;
	size_t changed;
};

/* In a child as vmhost-stor with only CAP_DAC_READ_SEARCH: one line
 * "FORMAT\tREASON" per undeclared disk, in order, on @fd. */
static void
probe_child(int fd, const struct offline_def *defs, size_t n,
    bool allow_backing)
{
	static const int caps[] = { CAP_DAC_READ_SEARCH };
	struct priv_spec spec = { VMHOST_STOR_USER, NULL, caps, 1, 0 };
	char err[1024], backing[1100], line[OFFLINE_LINE];
	FILE *f;

	if (getuid() == 0 && priv_drop(&spec) < 0)
		_exit(1);
	if (!(f = fdopen(fd, "w")))
		_exit(1);
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < defs[i].def->ndisks; k++) {
			const struct domain_disk *d = &defs[i].def->disks[k];
			const char *fmt = "";

			if (!d->source || d->type != DOMAIN_DISK_FILE ||
			    d->driver.format != DOMAIN_FMT_NONE)
				continue;
			err[0] = '\0';
			disks_probe(d->source, allow_backing, &fmt, backing,
			    sizeof(backing), err, sizeof(err));
			snprintf(line, sizeof(line), "%s\t%s", fmt, err);
			for (char *p = line; *p; p++)
				if (*p == '\n')
					*p = ' ';
			fprintf(f, "%s\n", line);
		}
	}
	_exit(fclose(f) == 0 ? 0 : 1);
}

static int
load_defs(const char *dir, struct offline_def **out, size_t *n)
{
	struct offline_def *defs = calloc(OFFLINE_DEFS_MAX, sizeof(*defs));
	char err[512], *xml;
	struct dirent *e;
	size_t len;
	DIR *d;

	*out = defs;
	*n = 0;
	if (!defs)
		return -ENOMEM;
	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d)) && *n < OFFLINE_DEFS_MAX) {
		struct offline_def *o = &defs[*n];
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.' || l < 5 || strcmp(e->d_name + l - 4,
		    ".xml") || snprintf(o->path, sizeof(o->path), "%s/%s", dir,
		    e->d_name) >= (int)sizeof(o->path))
			continue;
		if (lstat(o->path, &o->st) < 0 || !S_ISREG(o->st.st_mode) ||
		    file_read_all(o->path, 4 << 20, &xml, &len) < 0)
			continue;
		if (domain_parse(xml, len, &o->def, err, sizeof(err)) < 0)
			printf("%s: skipped: %s\n", o->path, err);
		else
			(*n)++;
		free(xml);
	}
	closedir(d);
	return 0;
}

static int
save_def(struct offline_def *o)
{
	char *xml = domain_format(o->def, 0);
	int r;

	if (!xml)
		return -ENOMEM;
	r = file_write_atomic(o->path, xml, strlen(xml),
	    o->st.st_mode & 0777);
	free(xml);
	if (r == 0 && getuid() == 0 && chown(o->path, o->st.st_uid,
	    o->st.st_gid) < 0)
		r = -errno;
	return r;
}

/* One report line per undeclared disk, from the child's answers. */
static size_t
apply(struct offline_def *defs, size_t n, FILE *in, bool dry_run)
{
	char line[OFFLINE_LINE + 2], *reason;
	size_t declared = 0;

	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < defs[i].def->ndisks; k++) {
			struct domain_disk *d = &defs[i].def->disks[k];
			const char *pre = defs[i].def->name;

			if (!d->source || d->type != DOMAIN_DISK_FILE ||
			    d->driver.format != DOMAIN_FMT_NONE)
				continue;
			if (!fgets(line, sizeof(line), in) ||
			    !(reason = strchr(line, '\t'))) {
				printf("%s %s %s: not probed\n", pre,
				    d->target_dev, d->source);
				continue;
			}
			*reason++ = '\0';
			reason[strcspn(reason, "\n")] = '\0';
			if (*reason || (strcmp(line, "raw") &&
			    strcmp(line, "qcow2"))) {
				printf("%s %s %s: left undeclared (read as raw): %s\n",
				    pre, d->target_dev, d->source, *reason ?
				    reason : "format not supported");
				continue;
			}
			printf("%s %s %s: none -> %s%s\n", pre, d->target_dev,
			    d->source, line, dry_run ? " (dry run)" : "");
			d->driver.format = strcmp(line, "qcow2") ?
			    DOMAIN_FMT_RAW : DOMAIN_FMT_QCOW2;
			if (!d->driver.name)
				d->driver.name = strdup("qemu");
			defs[i].changed++;
			declared++;
		}
	}
	return declared;
}

static int
vmhostd_running(void)
{
	char sock[PATH_MAX];
	int fd;

	if (path_build(sock, sizeof(sock), "%s", VMHOST_SOCK) < 0 ||
	    (fd = ipc_connect(sock)) < 0)
		return 0;
	close(fd);
	return 1;
}

static int
run(struct offline_def *defs, size_t n, bool dry_run, bool allow_backing)
{
	int p[2], status, rc = 0;
	size_t declared;
	FILE *in;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		fprintf(stderr, "error: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		close(p[0]);
		probe_child(p[1], defs, n, allow_backing);
	}
	close(p[1]);
	in = fdopen(p[0], "r");
	declared = in ? apply(defs, n, in, dry_run) : 0;
	if (in)
		fclose(in);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "error: the probing process failed: nothing written\n");
		return 1;
	}
	for (size_t i = 0; !dry_run && i < n; i++)
		if (defs[i].changed && save_def(&defs[i]) < 0) {
			fprintf(stderr, "error: cannot write %s\n", defs[i].path);
			rc = 1;
		}
	printf("%zu disk%s declared%s\n", declared, declared == 1 ? "" : "s",
	    dry_run ? " (dry run: nothing written)" : "");
	return rc;
}

int
offline_migrate_disks(bool dry_run, bool allow_backing)
{
	struct offline_def *defs = NULL;
	char dir[PATH_MAX];
	size_t n = 0;
	int rc;

	if (vmhostd_running()) {
		fprintf(stderr, "error: vmhostd is running: use 'vmhost migrate-disks' instead\n");
		return 1;
	}
	if (path_build(dir, sizeof(dir), "%s", VMHOST_DOMAIN_DIR) < 0 ||
	    load_defs(dir, &defs, &n) < 0) {
		fprintf(stderr, "error: cannot read the definitions in %s\n",
		    dir);
		free(defs);
		return 1;
	}
	rc = run(defs, n, dry_run, allow_backing);
	for (size_t i = 0; i < n; i++)
		domain_def_free(defs[i].def);
	free(defs);
	return rc;
}
