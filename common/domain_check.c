/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Cross-device validation of a parsed domain definition, run by vmhostd on define. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/domain_priv.h"

int
domain_disk_find(const struct domain_def *d, const char *dev)
{
	for (size_t i = 0; i < d->ndisks; i++)
		if (d->disks[i].target_dev && !strcmp(d->disks[i].target_dev,
		    dev))
			return (int)i;
	return -1;
}

/* "vda", "hdc", "sdaa": a known prefix then letters only. */
static int
disk_target_bus(struct dx *x, struct domain_disk *k)
{
	static const struct {
		const char *prefix;
		int bus;
	} pre[] = { { "vd", DOMAIN_BUS_VIRTIO }, { "hd", DOMAIN_BUS_IDE },
		    { "sd", DOMAIN_BUS_SCSI } };
	const char *t = k->target_dev;
	char q[64];
	size_t i;

	for (i = 0; i < DX_N(pre); i++)
		if (!strncmp(t, pre[i].prefix, 2))
			break;
	if (i == DX_N(pre) || !t[2] || strlen(t) > 8)
		return dx_fail(x, "invalid disk target '%s'",
		    dx_quote(q, sizeof(q), t));
	for (const char *p = t + 2; *p; p++)
		if (*p < 'a' || *p > 'z')
			return dx_fail(x, "invalid disk target '%s', "
			    "partitions can't appear in disk targets",
			    dx_quote(q, sizeof(q), t));
	if (!k->bus)
		k->bus = pre[i].bus;
	return 0;
}

static int
disk_address_ok(struct dx *x, const struct domain_disk *k)
{
	static const int want[] = {
		[DOMAIN_BUS_VIRTIO] = DOMAIN_ADDR_PCI,
		[DOMAIN_BUS_IDE] = DOMAIN_ADDR_DRIVE,
		[DOMAIN_BUS_SATA] = DOMAIN_ADDR_DRIVE,
		[DOMAIN_BUS_SCSI] = DOMAIN_ADDR_DRIVE,
		[DOMAIN_BUS_USB] = DOMAIN_ADDR_USB,
	};
	static const char *const anames[] = { "", "pci", "drive",
		"virtio-serial", "isa", "usb" };
	unsigned long long b = 0, u = 0;

	if (k->addr.type && k->addr.type != want[k->bus])
		return dx_fail(x, "invalid address type '%s' for disk '%s'",
		    anames[k->addr.type], k->target_dev);
	if (k->bus == DOMAIN_BUS_IDE && k->addr.type) {
		dx_uint(k->addr.bus, &b);
		dx_uint(k->addr.unit, &u);
		if (b > 1 || u > 1)
			return dx_fail(x, "ide disk '%s' address out of range",
			    k->target_dev);
	}
	return 0;
}

static int
check_disk(struct dx *x, struct domain_disk *k)
{
	int rc;

	if (!k->target_dev)
		return dx_fail(x, "<disk> needs a <target dev>");
	if ((rc = disk_target_bus(x, k)) < 0)
		return rc;
	if (!k->source && k->device != DOMAIN_DISK_CDROM)
		return dx_fail(x, "disk '%s' needs a <source>", k->target_dev);
	if (k->device == DOMAIN_DISK_CDROM && k->bus == DOMAIN_BUS_VIRTIO)
		return dx_fail(x, "cdrom '%s' cannot be on the virtio bus",
		    k->target_dev);
	if (k->shareable && k->driver.format == DOMAIN_FMT_QCOW2)
		return dx_fail(x, "shared access for disk '%s' requires a raw "
		    "image", k->target_dev);
	if (k->tray && k->device != DOMAIN_DISK_CDROM)
		return dx_fail(x, "tray on disk '%s' that is not a cdrom",
		    k->target_dev);
	return disk_address_ok(x, k);
}

static unsigned
disk_index(const char *dev)
{
	unsigned idx = 0;

	for (const char *p = dev + 2; *p; p++)
		idx = idx * 26 + (unsigned)(*p - 'a' + 1);
	return idx - 1;
}

int
domain_disk_drive_addr(const struct domain_disk *k, unsigned v[4])
{
	unsigned long long n[4] = { 0, 0, 0, 0 };
	unsigned idx;

	if (k->bus != DOMAIN_BUS_IDE && k->bus != DOMAIN_BUS_SATA &&
	    k->bus != DOMAIN_BUS_SCSI)
		return -EINVAL;
	if (k->addr.type == DOMAIN_ADDR_DRIVE) {
		dx_uint(k->addr.controller, &n[0]);
		dx_uint(k->addr.bus, &n[1]);
		dx_uint(k->addr.target, &n[2]);
		dx_uint(k->addr.unit, &n[3]);
		for (int i = 0; i < 4; i++)
			v[i] = (unsigned)n[i];
		return 0;
	}
	/* libvirt's implicit assignment from the target name */
	idx = disk_index(k->target_dev);
	v[2] = 0;
	if (k->bus == DOMAIN_BUS_IDE)
		v[0] = idx / 4, v[1] = (idx % 4) / 2, v[3] = idx % 2;
	else if (k->bus == DOMAIN_BUS_SATA)
		v[0] = idx / 6, v[1] = idx % 6, v[3] = 0;
	else
		v[0] = idx / 7, v[1] = 0, v[3] = idx % 7;
	return 0;
}

/* Same bus class and same (given or implied) drive address: refused. */
static bool
same_drive(const struct domain_disk *a, const struct domain_disk *b)
{
	unsigned p[4], q[4];

	if ((a->bus == DOMAIN_BUS_SCSI) != (b->bus == DOMAIN_BUS_SCSI))
		return false;
	if (domain_disk_drive_addr(a, p) < 0 || domain_disk_drive_addr(b, q) < 0)
		return false;
	return !memcmp(p, q, sizeof(p));
}

static int
check_disks(struct dx *x, struct domain_def *d)
{
	int rc;

	for (size_t i = 0; i < d->ndisks; i++) {
		struct domain_disk *k = &d->disks[i];

		if ((rc = check_disk(x, k)) < 0)
			return rc;
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(d->disks[j].target_dev, k->target_dev))
				return dx_fail(x, "duplicate disk target "
				    "'%s'", k->target_dev);
			if (same_drive(&d->disks[j], k))
				return dx_fail(x, "duplicate drive address "
				    "for disk '%s' and '%s'", d->disks[j].target_dev,
				    k->target_dev);
		}
	}
	return 0;
}

static int
check_interface(struct dx *x, const struct domain_interface *f)
{
	unsigned long long v;

	if (f->type == DOMAIN_NET_NETWORK && !f->network)
		return dx_fail(x, "<interface type='network'> needs "
		    "<source network>");
	if (f->type == DOMAIN_NET_BRIDGE && !f->bridge)
		return dx_fail(x, "<interface type='bridge'> needs "
		    "<source bridge>");
	if ((f->network || f->portgroup) && f->type != DOMAIN_NET_NETWORK)
		return dx_fail(x, "<source network> on an interface that is "
		    "not type 'network'");
	if (f->bridge && f->type != DOMAIN_NET_BRIDGE)
		return dx_fail(x, "<source bridge> on an interface that is "
		    "not type 'bridge'");
	if (f->target_dev && strlen(f->target_dev) > 15)
		return dx_fail(x, "interface target dev is longer than 15");
	if (f->bridge && strlen(f->bridge) > 15)
		return dx_fail(x, "bridge name is longer than 15");
	if (f->addr.type && f->addr.type != DOMAIN_ADDR_PCI)
		return dx_fail(x, "interface address must be of type 'pci'");
	if (f->driver_name && strcmp(f->driver_name, "qemu") &&
	    strcmp(f->driver_name, "vhost"))
		return dx_fail(x, "unsupported interface driver name");
	if (f->mtu && (dx_uint(f->mtu, &v) < 0 || v < 68 || v > 65535))
		return dx_fail(x, "interface mtu out of range 68..65535");
	if (f->driver_queues && (dx_uint(f->driver_queues, &v) < 0 ||
	    v < 1 || v > 256))
		return dx_fail(x, "interface queues out of range 1..256");
	return 0;
}

/* Boot orders unique; not mixed with <os><boot dev>. */
static int
check_boot(struct dx *x, const struct domain_def *d)
{
	unsigned long long seen[2 * DOMAIN_MAX_DEVICES], v;
	size_t n = 0;

	for (size_t i = 0; i < d->ndisks + d->ninterfaces; i++) {
		const char *o = i < d->ndisks ? d->disks[i].boot_order :
		    d->interfaces[i - d->ndisks].boot_order;

		if (!o)
			continue;
		if (d->os.nboot)
			return dx_fail(x, "per-device boot elements cannot be "
			    "used together with <os><boot>");
		if (dx_uint(o, &v) < 0 || v > 65535)
			return dx_fail(x, "boot order out of range");
		for (size_t j = 0; j < n; j++)
			if (seen[j] == v)
				return dx_fail(x, "boot order %llu used "
				    "twice", v);
		seen[n++] = v;
	}
	return 0;
}

static int
check_controllers(struct dx *x, const struct domain_def *d)
{
	for (size_t i = 0; i < d->ncontrollers; i++) {
		const struct domain_controller *k = &d->controllers[i];

		if (k->addr.type && k->addr.type != DOMAIN_ADDR_PCI)
			return dx_fail(x, "controller address must be 'pci'");
		for (size_t j = 0; j < i && !k->master_startport; j++) {
			const struct domain_controller *o = &d->controllers[j];

			if (!strcmp(o->type, k->type) && !o->master_startport &&
			    !strcmp(o->index ? o->index : "0",
			    k->index ? k->index : "0"))
				return dx_fail(x, "duplicate <controller "
				    "type='%s' index='%s'>", k->type,
				    k->index ? k->index : "0");
		}
	}
	return 0;
}

static int
check_chardevs(struct dx *x, const struct domain_def *d)
{
	for (size_t i = 0; i < d->nchannels; i++)
		if (d->channels[i].type != DOMAIN_CHR_UNIX &&
		    d->channels[i].type != DOMAIN_CHR_PTY)
			return dx_fail(x, "<channel> must be of type unix or "
			    "pty");
	for (size_t i = 0; i < d->nconsoles; i++)
		if (d->consoles[i].target_type &&
		    !strcmp(d->consoles[i].target_type, "serial") &&
		    d->consoles[i].target_port &&
		    strcmp(d->consoles[i].target_port, "0") && i == 0)
			return dx_fail(x, "the first serial console must use "
			    "port 0");
	return 0;
}

int
domain_validate_devices(struct dx *x, struct domain_def *d)
{
	int rc = check_disks(x, d);

	for (size_t i = 0; rc == 0 && i < d->ninterfaces; i++)
		rc = check_interface(x, &d->interfaces[i]);
	return rc ?: check_boot(x, d) ?: check_controllers(x, d) ?:
	    check_chardevs(x, d);
}
