/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's disk preparation: each disk's chain opened, checked, and handed over as descriptors. */
#define LOG_MODULE "disks"
#include "stord/disks.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/domain_xml.h"
#include "common/log.h"
#include "common/paths.h"
#include "stord/chain.h"

/* System folders whose files never become guest disks (libvirt 9 would
 * chown /etc/shadow to the emulator user if a definition named it). */
static const char *const system_dirs[] = {
	"/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
	"/usr", "/boot", "/proc", "/sys", "/root", "/run", "/var/run",
	"/var/lib/vmhost/dnsmasq",
};

#define DISKS_ALLOWED_MAX 32

/* The pool folder (first) and the folders of stord.conf's allowed_dirs. */
static char allowed_dirs[DISKS_ALLOWED_MAX][PATH_MAX];
static const char *allowed[DISKS_ALLOWED_MAX];
static size_t n_allowed;

static int
under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '/' || !path[n]);
}

int
disks_system_path(const char *path)
{
	char real[4096];
	const char *p = realpath(path, real) ? real : path;

	for (size_t i = 0; i < sizeof(system_dirs) / sizeof(*system_dirs); i++)
		if (under(p, system_dirs[i]) || under(path, system_dirs[i]))
			return 1;
	if (under(p, "/dev") && !under(p, "/dev/mapper") &&
	    strncmp(p, "/dev/sd", 7) && strncmp(p, "/dev/vd", 7) &&
	    strncmp(p, "/dev/nvme", 9) && strncmp(p, "/dev/dm-", 8))
		return 1;
	return 0;
}

static int
allowed_add(const char *d, char *err, size_t errlen)
{
	if (n_allowed >= DISKS_ALLOWED_MAX) {
		snprintf(err, errlen, "allowed_dirs: more than %d folders",
		    DISKS_ALLOWED_MAX - 1);
		return -E2BIG;
	}
	if (!realpath(d, allowed_dirs[n_allowed]))
		snprintf(allowed_dirs[n_allowed], PATH_MAX, "%s", d);
	allowed[n_allowed] = allowed_dirs[n_allowed];
	n_allowed++;
	return 0;
}

int
disks_set_allowed(const char *pool, char *const *dirs, char *err,
    size_t errlen)
{
	int r;

	n_allowed = 0;
	if ((r = allowed_add(pool, err, errlen)) < 0)
		return r;
	for (size_t i = 0; dirs && dirs[i]; i++) {
		if (dirs[i][0] != '/' || strcmp(dirs[i], "/") == 0 ||
		    disks_system_path(dirs[i])) {
			snprintf(err, errlen, "allowed_dirs: '%s' is not an absolute folder outside the system folders",
			    dirs[i]);
			return -EINVAL;
		}
		if ((r = allowed_add(dirs[i], err, errlen)) < 0)
			return r;
	}
	return 0;
}

int
disks_allowed_path(const char *real)
{
	for (size_t i = 0; i < n_allowed; i++)
		if (under(real, allowed[i]))
			return 1;
	return 0;
}

/* stord has CAP_DAC_READ_SEARCH but not CAP_DAC_OVERRIDE: it reads any
 * image, but opens read-write only images it may write to. */
static void
explain_access(const struct domain_disk *k, int r, char *err, size_t errlen)
{
	char why[768];

	/* -EPERM is a refusal of the chain's policy (system file, outside
	 * the folders, hard link), not a permission to fix. */
	if (r != -EACCES && r != -EROFS)
		return;
	snprintf(why, sizeof(why), "%s", err);
	snprintf(err, errlen, "disk '%s': %s: not writable by vmhost-stor (give the image to vmhost-stor, or to a group it is in with write access, or mark the disk <readonly/>)",
	    k->target_dev, why);
}

static int
prepare_one(const struct domain_disk *k, struct disks_result *res, char *err, size_t errlen)
{
	struct chain_opts o = { 0 };
	struct chain c = { 0 };
	struct disks_prepared *d = &res->disks[res->ndisks];
	char esc[512];
	int r;

	if (disks_system_path(k->source)) {
		snprintf(err, errlen, "disk '%s': '%s' is a system file and cannot be given to a guest",
		    k->target_dev, str_escape(esc, sizeof(esc), k->source));
		return -EPERM;
	}
	o.top_format = k->driver.format == DOMAIN_FMT_QCOW2 ? "qcow2" : "raw";
	o.top_writable = !k->readonly && k->device != DOMAIN_DISK_CDROM;
	o.allowed = allowed;
	o.n_allowed = n_allowed;
	o.forbidden = disks_system_path;
	if ((r = chain_resolve(k->source, &o, &c, err, errlen)) < 0) {
		if (o.top_writable)
			explain_access(k, r, err, errlen);
		return r;
	}
	if (res->nfds + c.n > DISKS_MAX_FDS) {
		chain_free(&c);
		snprintf(err, errlen, "too many image layers for one guest");
		return -E2BIG;
	}
	snprintf(d->target, sizeof(d->target), "%s", k->target_dev);
	d->first = res->nfds;
	d->nlayers = c.n;
	for (size_t i = 0; i < c.n; i++) {
		struct disks_layer *l = &res->layers[res->nfds];

		snprintf(l->path, sizeof(l->path), "%s", c.layers[i].real);
		l->qcow2 = c.layers[i].format == PROBE_FMT_QCOW2;
		l->writable = i == 0 && o.top_writable;
		res->fds[res->nfds++] = c.layers[i].fd;
		c.layers[i].fd = -1;	/* now ours */
	}
	res->ndisks++;
	chain_free(&c);
	return 0;
}

int
disks_prepare(const char *xml, struct disks_result *res, char *err,
    size_t errlen)
{
	struct domain_def *d = NULL;
	int r;

	memset(res, 0, sizeof(*res));
	if (!n_allowed) {
		snprintf(err, errlen, "no pool folder configured");
		return -EINVAL;
	}
	if ((r = domain_parse(xml, strlen(xml), &d, err, errlen)) < 0)
		return r;
	for (size_t i = 0; i < d->ndisks && r == 0; i++) {
		if (!d->disks[i].source)
			continue;	/* an empty cdrom */
		if (res->ndisks >= DISKS_MAX) {
			snprintf(err, errlen, "too many disks");
			r = -E2BIG;
			break;
		}
		r = prepare_one(&d->disks[i], res, err, errlen);
	}
	domain_def_free(d);
	if (r < 0)
		disks_result_clear(res);
	return r;
}

void
disks_result_clear(struct disks_result *res)
{
	for (size_t i = 0; i < res->nfds; i++)
		if (res->fds[i] >= 0)
			close(res->fds[i]);
	memset(res, 0, sizeof(*res));
}

int
disks_probe(const char *path, bool allow_backing, const char **format,
    char *backing, size_t blen, char *err, size_t errlen)
{
	struct chain_opts o = { 0 };
	struct chain c = { 0 };
	int r;

	*format = "";
	backing[0] = '\0';
	if (disks_system_path(path)) {
		snprintf(err, errlen, "a system file");
		return -EPERM;
	}
	o.allow_probe = true;	/* asked for explicitly, never a default */
	o.allow_outside = allow_backing;
	o.allowed = allowed;
	o.n_allowed = n_allowed;
	o.forbidden = disks_system_path;
	if ((r = chain_resolve(path, &o, &c, err, errlen)) < 0)
		return r;
	*format = probe_qemu_format_name(&c.layers[0].info);
	if (c.n > 1)
		snprintf(backing, blen, "%s", c.layers[1].path);
	if (!probe_format_supported(c.layers[0].format)) {
		snprintf(err, errlen, "format '%s' is not one a disk may be declared as",
		    probe_format_name(c.layers[0].format));
		r = -EINVAL;
	} else if (c.layers[0].info.n_reasons) {
		snprintf(err, errlen, "%s", c.layers[0].info.reasons[0]);
		r = -EINVAL;
	}
	chain_free(&c);
	return r;
}
