/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-secd's AppArmor confinement of a guest: the decision from its definition, its profile written and loaded (apparmor_parser, watched). */
#define LOG_MODULE "confine"
#include "secd/confine.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/domain_xml.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/paths.h"
#include "secd/launch.h"

#ifndef VMHOST_DATADIR
#define VMHOST_DATADIR "/usr/share/vmhost"
#endif

#define DOMAIN_XML_MAX	(4 * 1024 * 1024)

/* Add one file to the guest's list (files has room for AA_FILES_MAX). */
static int
guest_add(struct aa_file *files, size_t *n, const char *path,
    enum aa_kind kind, bool readonly)
{
	if (!path)
		return 0;
	if (*n >= AA_FILES_MAX)
		return -E2BIG;
	files[*n].path = path;
	files[*n].kind = kind;
	files[*n].readonly = readonly;
	(*n)++;
	return 0;
}

static int
guest_add_chardevs(struct aa_file *files, size_t *n,
    const struct domain_chardev *c, size_t nc)
{
	int r = 0;

	for (size_t i = 0; i < nc && r == 0; i++) {
		if (c[i].type == DOMAIN_CHR_FILE)
			r = guest_add(files, n, c[i].source_path,
			    AA_KIND_SERIAL, false);
		else if (c[i].type == DOMAIN_CHR_UNIX)
			r = guest_add(files, n, c[i].source_path,
			    AA_KIND_SOCKET, false);
	}
	return r;
}

int
confine_guest_files(const struct domain_def *d, struct aa_file *files,
    size_t *n)
{
	int r = 0;

	*n = 0;
	for (size_t i = 0; i < d->ndisks && r == 0; i++) {
		const struct domain_disk *k = &d->disks[i];

		r = guest_add(files, n, k->source,
		    k->device == DOMAIN_DISK_CDROM ? AA_KIND_CDROM :
		    AA_KIND_DISK, k->readonly);
	}
	if (r == 0)
		r = guest_add(files, n, d->os.kernel, AA_KIND_KERNEL, true);
	if (r == 0)
		r = guest_add(files, n, d->os.initrd, AA_KIND_INITRD, true);
	if (r == 0)
		r = guest_add_chardevs(files, n, d->serials, d->nserials);
	if (r == 0)
		r = guest_add_chardevs(files, n, d->consoles, d->nconsoles);
	if (r == 0)
		r = guest_add_chardevs(files, n, d->channels, d->nchannels);
	return r;
}

void
confine_template_path(char *buf, size_t len)
{
	if (path_build(buf, len, VMHOST_ETC_DIR "/apparmor/TEMPLATE") == 0 &&
	    access(buf, R_OK) == 0)
		return;
	snprintf(buf, len, "%s/apparmor/TEMPLATE", VMHOST_DATADIR);
}

static void
uuid_format(const uint8_t u[16], char out[37])
{
	for (int i = 0, o = 0; i < 16; i++)
		o += snprintf(out + o, 37 - (size_t)o, "%s%02x",
		    (i == 4 || i == 6 || i == 8 || i == 10) ? "-" : "", u[i]);
}

int
confine_decide(const char *uuid, const char *xml, bool aa_active,
    struct domain_def **dp, bool *confine, char *err, size_t errlen)
{
	struct domain_def *d = NULL;
	bool off = false, wants_aa = false;
	char duuid[37];
	int r;

	*dp = NULL;
	*confine = false;
	if (!xml || !xml[0]) {
		if (!aa_active)
			return 0;
		snprintf(err, errlen, "AppArmor is active: the launch needs the guest's definition for its profile");
		return -EINVAL;
	}
	if (strlen(xml) > DOMAIN_XML_MAX) {
		snprintf(err, errlen, "definition larger than %d bytes", DOMAIN_XML_MAX);
		return -E2BIG;
	}
	if ((r = domain_parse(xml, strlen(xml), &d, err, errlen)) < 0)
		return r;
	uuid_format(d->uuid, duuid);
	if (strcmp(duuid, uuid)) {
		snprintf(err, errlen, "the definition's uuid %s is not the guest's %s",
		    duuid, uuid);
		domain_def_free(d);
		return -EINVAL;
	}
	for (size_t i = 0; i < d->nseclabels; i++) {
		const struct domain_seclabel *s = &d->seclabels[i];

		off = off || s->type == DOMAIN_SECLABEL_OFF;
		wants_aa = wants_aa || (s->type != DOMAIN_SECLABEL_OFF &&
		    s->model && !strcmp(s->model, "apparmor"));
	}
	if (wants_aa && !aa_active) {
		snprintf(err, errlen, "security model 'apparmor' is not active on this host (guest '%s')",
		    d->name);
		domain_def_free(d);
		return -ENOTSUP;
	}
	*dp = d;
	*confine = aa_active && !off;
	return 0;
}

void
confine_setup_dir(uid_t owner, gid_t group)
{
	char dir[4096];
	int r;

	if (path_build(dir, sizeof(dir), "/etc/apparmor.d") < 0 ||
	    (r = dir_ensure(dir, 0755, (uid_t)-1, (gid_t)-1)) < 0 ||
	    path_build(dir, sizeof(dir), AA_PROFILE_DIR) < 0 ||
	    (r = dir_ensure(dir, 0755, owner, group)) < 0)
		log_warn("cannot prepare %s for the guests' profiles", dir);
}

/* Write text to path; only when absent if keep (the administrator's). */
static int
write_file(const char *path, const char *text, bool keep)
{
	ssize_t n;
	int fd, r = 0;

	if (!keep)
		return file_write_atomic(path, text, strlen(text), 0644);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;
	n = write(fd, text, strlen(text));
	if (n != (ssize_t)strlen(text))
		r = n < 0 ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

static int
profile_write(const struct domain_def *d, const char *uuid, char *name,
    size_t namelen, char *path, size_t pathlen, char *err, size_t errlen)
{
	struct aa_file *files = calloc(AA_FILES_MAX, sizeof(*files));
	char tmpl_path[4096], fpath[4200], *tmpl = NULL, *prof = NULL,
	    *rules = NULL;
	struct aa_guest g;
	size_t n = 0, tlen;
	int r;

	if (!files)
		return -ENOMEM;
	confine_template_path(tmpl_path, sizeof(tmpl_path));
	if ((r = confine_guest_files(d, files, &n)) < 0)
		snprintf(err, errlen, "too many files (at most %d)", AA_FILES_MAX);
	else if ((r = file_read_all(tmpl_path, AA_TEMPLATE_MAX, &tmpl, &tlen)) < 0)
		snprintf(err, errlen, "cannot read the profile template '%s': %s",
		    tmpl_path, strerror(-r));
	if (r == 0) {
		g = (struct aa_guest){ uuid, d->name, files, n };
		r = aa_profile_generate(&g, tmpl, &prof, &rules, err, errlen);
	}
	if (r == 0 && ((r = aa_profile_name(uuid, name, namelen, err,
	    errlen)) < 0 || path_build(path, pathlen, AA_PROFILE_DIR "/%s",
	    name) < 0))
		r = r < 0 ? r : -ENAMETOOLONG;
	if (r == 0) {
		snprintf(fpath, sizeof(fpath), "%s.files", path);
		if ((r = write_file(fpath, rules, false)) < 0 ||
		    (r = write_file(path, prof, true)) < 0)
			snprintf(err, errlen, "cannot write the profile %s: %s",
			    path, strerror(-r));
	}
	free(files);
	free(tmpl);
	free(prof);
	free(rules);
	return r;
}

static const char *
parser_path(void)
{
	return access("/sbin/apparmor_parser", X_OK) == 0 ?
	    "/sbin/apparmor_parser" : "/usr/sbin/apparmor_parser";
}

/* The parser's process: CAP_MAC_ADMIN ambient (secd keeps it permitted
 * and inheritable when AppArmor is active), stdin /dev/null, stderr
 * ours (its errors reach secd's log), nothing else. */
static void __attribute__((noreturn))
parser_child(char *const argv[])
{
	static char *const envp[] = { NULL };
	int null;

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_MAC_ADMIN, 0, 0) < 0)
		_exit(126);
	if ((null = open("/dev/null", O_RDWR)) < 0 || dup2(null, 0) < 0 ||
	    dup2(null, 1) < 0)
		_exit(126);
	close_range(3, ~0U, 0);
	execve(argv[0], argv, envp);
	_exit(127);
}

int
confine_load(const struct domain_def *d, const char *uuid, char *name,
    size_t namelen, void (*done)(void *arg, int status), void *arg,
    char *err, size_t errlen)
{
	char path[4096], inc[4096];
	char *argv[6];
	size_t n = 0;
	pid_t pid;
	int r;

	if ((r = profile_write(d, uuid, name, namelen, path, sizeof(path), err,
	    errlen)) < 0)
		return r;
	argv[n++] = (char *)(uintptr_t)parser_path();
	argv[n++] = (char *)(uintptr_t)"-r";
	if (paths_root()[0]) {	/* --root: includes from ROOT/etc/apparmor.d too */
		path_build(inc, sizeof(inc), "/etc/apparmor.d");
		argv[n++] = (char *)(uintptr_t)"-I";
		argv[n++] = inc;
	}
	argv[n++] = path;
	argv[n] = NULL;
	if ((pid = fork()) == 0)
		parser_child(argv);
	if (pid < 0 || (r = secd_watch_child(pid, done, arg)) < 0) {
		r = pid < 0 ? -errno : r;
		snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(-r));
		return r;
	}
	log_info("guest %s: loading profile %s (apparmor_parser pid %d)", uuid,
	    name, (int)pid);
	return 0;
}
