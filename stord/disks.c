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
prepare_one(const struct domain_disk *k, const char *pool,
    struct disks_result *res, char *err, size_t errlen)
{
	const char *allowed[] = { pool };
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
	o.n_allowed = 1;
	o.forbidden = disks_system_path;
	if ((r = chain_resolve(k->source, &o, &c, err, errlen)) < 0)
		return r;
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
	char pool[4096];
	int r;

	memset(res, 0, sizeof(*res));
	if ((r = domain_parse(xml, strlen(xml), &d, err, errlen)) < 0)
		return r;
	if (path_build(pool, sizeof(pool), "%s/images", VMHOST_LIB_DIR) < 0) {
		domain_def_free(d);
		return -ENAMETOOLONG;
	}
	for (size_t i = 0; i < d->ndisks && r == 0; i++) {
		if (!d->disks[i].source)
			continue;	/* an empty cdrom */
		if (res->ndisks >= DISKS_MAX) {
			snprintf(err, errlen, "too many disks");
			r = -E2BIG;
			break;
		}
		r = prepare_one(&d->disks[i], pool, res, err, errlen);
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
	char pool[4096];
	const char *allowed[] = { pool };
	struct chain_opts o = { 0 };
	struct chain c = { 0 };
	int r;

	*format = "";
	backing[0] = '\0';
	if (disks_system_path(path)) {
		snprintf(err, errlen, "a system file");
		return -EPERM;
	}
	if (path_build(pool, sizeof(pool), "%s/images", VMHOST_LIB_DIR) < 0)
		return -ENAMETOOLONG;
	o.allow_probe = true;	/* asked for explicitly, never a default */
	o.allow_outside = allow_backing;
	o.allowed = allowed;
	o.n_allowed = 1;
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
