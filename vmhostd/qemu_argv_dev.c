/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* QEMU argv for a domain's devices (disks, NICs, chardevs, inputs, rng) in vmhostd. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmhostd/qemu_argv_priv.h"

/* ---- disks ---- */

static const char *const fmt_driver[] = { "raw", "raw", "qcow2" };

/* ,"key":"value" as JSON (control bytes are refused by the parser). */
static void
sb_json(struct sb *b, const char *key, const char *value)
{
	sb_printf(b, ",\"%s\":\"", key);
	for (const unsigned char *s = (const unsigned char *)value; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_printf(b, "\\%c", *s);
		else if (*s < 0x20)
			sb_printf(b, "\\u%04x", *s);
		else
			sb_printf(b, "%c", *s);
	}
	sb_printf(b, "\"");
}

/* Cache mode -> node options; write-cache goes on the device. */
static void
sb_cache(struct sb *b, const char *cache)
{
	bool direct, noflush;

	if (!cache || !strcmp(cache, "default"))
		return;
	direct = !strcmp(cache, "none") || !strcmp(cache, "directsync");
	noflush = !strcmp(cache, "unsafe");
	sb_printf(b, ",\"cache\":{\"direct\":%s,\"no-flush\":%s}",
	    direct ? "true" : "false", noflush ? "true" : "false");
}

/* Push a JSON -blockdev: b holds ,"k":v pairs; the first ',' becomes '{'. */
static void
qa_blockdev(struct qa *a, struct sb *b)
{
	sb_printf(b, "}");
	if (!b->oom)
		b->p[0] = '{';
	qa_add(a, "-blockdev");
	qa_push(a, b->oom ? NULL : b->p);
	if (b->oom)
		free(b->p);
	*b = (struct sb){ 0 };
}

/*
 * Protocol node then format node of one layer, in QEMU's JSON syntax
 * (like libvirt): keyval cannot say "backing": null.
 */
static void
add_layer(struct qa *a, size_t i, size_t j, const char *filename, int fmt,
    bool ro, bool has_backing)
{
	const struct domain_disk *k = &a->d->disks[i];
	bool block = j == 0 && k->type == DOMAIN_DISK_BLOCK;
	const char *rov = ro ? "true" : "false";
	struct sb b = { 0 };
	char node[48];

	snprintf(node, sizeof(node), j ? "disk%zu-b%zu" : "disk%zu", i, j);
	sb_json(&b, "driver", block ? "host_device" : "file");
	sb_json(&b, "filename", filename);
	sb_printf(&b, ",\"node-name\":\"%s-file\",\"read-only\":%s", node,
	    rov);
	if (k->driver.io)
		sb_json(&b, "aio", k->driver.io);
	if (k->driver.discard)
		sb_json(&b, "discard", k->driver.discard);
	sb_cache(&b, k->driver.cache);
	qa_blockdev(a, &b);
	sb_printf(&b, ",\"driver\":\"%s\",\"node-name\":\"%s\",\"file\":"
	    "\"%s-file\",\"read-only\":%s", fmt_driver[fmt], node, node, rov);
	if (k->driver.discard)
		sb_json(&b, "discard", k->driver.discard);
	if (k->driver.detect_zeroes)
		sb_json(&b, "detect-zeroes", k->driver.detect_zeroes);
	sb_cache(&b, k->driver.cache);
	if (fmt == DOMAIN_FMT_QCOW2 && has_backing)
		sb_printf(&b, ",\"backing\":\"disk%zu-b%zu\"", i, j + 1);
	else if (fmt == DOMAIN_FMT_QCOW2)
		sb_printf(&b, ",\"backing\":null");
	qa_blockdev(a, &b);
}

static int
add_disk_nodes(struct qa *a, size_t i)
{
	const struct domain_disk *k = &a->d->disks[i];
	const struct qemu_disk_runtime *rt = i < a->l->ndisks ?
	    &a->l->disks[i] : NULL;
	bool ro = k->readonly || k->device == DOMAIN_DISK_CDROM;
	char fn[32];

	if (!k->source)
		return 0;
	if (!rt || !rt->nlayers) {
		/* no stord layers (tests): QEMU opens the path itself */
		add_layer(a, i, 0, k->source, k->driver.format ?
		    k->driver.format : DOMAIN_FMT_RAW, ro, false);
		return 0;
	}
	if (k->driver.format && rt->layers[0].format != k->driver.format)
		return qa_fail(a, "disk '%s': image format differs from the "
		    "declared one", k->target_dev);
	for (size_t j = rt->nlayers; j-- > 0;) {
		const struct qemu_disk_layer *y = &rt->layers[j];
		struct sb b = { 0 };

		if (y->fd < 0 || y->fdset < 0 || y->format <= DOMAIN_FMT_NONE ||
		    y->format > DOMAIN_FMT_QCOW2)
			return qa_fail(a, "disk '%s': bad layer %zu",
			    k->target_dev, j);
		sb_printf(&b, "fd=%d,set=%d,opaque=disk%zu-l%zu", y->fd,
		    y->fdset, i, j);
		qa_opt(a, "-add-fd", &b);
		snprintf(fn, sizeof(fn), "/dev/fdset/%d", y->fdset);
		add_layer(a, i, j, fn, y->format, j > 0 || ro,
		    j + 1 < rt->nlayers);
	}
	return 0;
}

static const char *
disk_device_name(const struct domain_disk *k)
{
	bool cd = k->device == DOMAIN_DISK_CDROM;

	switch (k->bus) {
	case DOMAIN_BUS_VIRTIO: return "virtio-blk-pci";
	case DOMAIN_BUS_SCSI: return cd ? "scsi-cd" : "scsi-hd";
	case DOMAIN_BUS_USB: return "usb-storage";
	default: return cd ? "ide-cd" : "ide-hd";
	}
}

/* bus=..., unit/scsi-id and the device id, from the drive address. */
static void
sb_drive_bus(struct qa *a, struct sb *b, size_t i, const struct domain_disk *k)
{
	unsigned v[4] = { 0, 0, 0, 0 };

	domain_disk_drive_addr(k, v);
	if (k->bus == DOMAIN_BUS_IDE)
		sb_printf(b, ",bus=ide.%u,unit=%u,id=ide%u-%u-%u", v[1], v[3],
		    v[0], v[1], v[3]);
	else if (k->bus == DOMAIN_BUS_SATA && a->q35 && v[0] == 0)
		sb_printf(b, ",bus=ide.%u,id=sata0-0-%u", v[1], v[1]);
	else if (k->bus == DOMAIN_BUS_SATA)
		sb_printf(b, ",bus=sata%u.%u,id=sata%u-0-%u", v[0], v[1], v[0],
		    v[1]);
	else if (k->bus == DOMAIN_BUS_SCSI)
		sb_printf(b, ",bus=scsi%u.0,channel=0,scsi-id=%u,lun=%u,"
		    "id=scsi%u-0-%u-%u", v[0], v[2], v[3], v[0], v[2], v[3]);
	else if (k->bus == DOMAIN_BUS_USB)
		sb_printf(b, ",id=usb-disk%zu", i);
	else
		sb_printf(b, ",id=virtio-disk%zu", i);
}

static int
add_disk_device(struct qa *a, size_t i, int bootindex)
{
	const struct domain_disk *k = &a->d->disks[i];
	const char *c = k->driver.cache;
	struct sb b = { 0 };

	if (k->readonly && k->device == DOMAIN_DISK_DISK &&
	    (k->bus == DOMAIN_BUS_IDE || k->bus == DOMAIN_BUS_SATA))
		return qa_fail(a, "disk '%s': read-only ide/sata disks are "
		    "not supported by QEMU", k->target_dev);
	if (k->bus == DOMAIN_BUS_IDE && a->q35)
		return qa_fail(a, "disk '%s': q35 has no ide bus, use sata",
		    k->target_dev);
	if (k->bus == DOMAIN_BUS_USB && !a->usb)
		return qa_fail(a, "disk '%s' needs a usb controller",
		    k->target_dev);
	sb_printf(&b, "%s", disk_device_name(k));
	sb_drive_bus(a, &b, i, k);
	if (k->source)
		sb_printf(&b, ",drive=disk%zu", i);
	if (k->bus == DOMAIN_BUS_VIRTIO && k->driver.queues)
		sb_kv(&b, "num-queues", k->driver.queues);
	if (c && strcmp(c, "default"))
		sb_printf(&b, ",write-cache=%s", !strcmp(c, "writethrough") ||
		    !strcmp(c, "directsync") ? "off" : "on");
	if (k->driver.error_policy)
		sb_printf(&b, ",werror=%s", k->driver.error_policy);
	if (k->driver.rerror_policy)
		sb_printf(&b, ",rerror=%s", k->driver.rerror_policy);
	if (k->serial)
		sb_kv(&b, "serial", k->serial);
	if (k->rotation_rate && k->bus != DOMAIN_BUS_VIRTIO &&
	    k->bus != DOMAIN_BUS_USB)
		sb_kv(&b, "rotation_rate", k->rotation_rate);
	if (k->shareable)
		sb_printf(&b, ",share-rw=on");
	if (bootindex > 0)
		sb_printf(&b, ",bootindex=%d", bootindex);
	if (k->bus == DOMAIN_BUS_VIRTIO && sb_pci_addr(a, &b, &k->addr) < 0)
		return -EINVAL;
	qa_opt(a, "-device", &b);
	return 0;
}

int
add_disks(struct qa *a)
{
	const struct domain_def *d = a->d;
	bool hd = false, cd = false;

	for (size_t i = 0; i < d->ndisks; i++) {
		const struct domain_disk *k = &d->disks[i];
		int bi = (int)qa_num(k->boot_order, 0);

		if (!bi && k->device == DOMAIN_DISK_DISK && !hd)
			bi = a->boot_hd, hd = true;
		else if (!bi && k->device == DOMAIN_DISK_CDROM && !cd)
			bi = a->boot_cd, cd = true;
		if (add_disk_nodes(a, i) < 0 || add_disk_device(a, i, bi) < 0)
			return -EINVAL;
	}
	return 0;
}

/* ---- network ---- */

static const char *
net_device(const char *model)
{
	if (!model || !strcmp(model, "rtl8139"))
		return "rtl8139";
	return !strcmp(model, "virtio") ? "virtio-net-pci" : model;
}

static int
add_net(struct qa *a, size_t i, int bootindex)
{
	const struct domain_interface *f = &a->d->interfaces[i];
	int fd = i < a->l->ntap_fds ? a->l->tap_fds[i] : -1;
	struct sb b = { 0 };
	char mac[18];

	if (f->driver_name && !strcmp(f->driver_name, "vhost"))
		return qa_fail(a, "interface %zu: vhost-net is not supported",
		    i);
	if (qa_num(f->driver_queues, 1) > 1)
		return qa_fail(a, "interface %zu: multiqueue is not supported",
		    i);
	if (f->type == DOMAIN_NET_USER)
		sb_printf(&b, "user,id=hostnet%zu", i);
	else if (fd < 0)
		return qa_fail(a, "interface %zu has no tap fd", i);
	else
		sb_printf(&b, "tap,fd=%d,id=hostnet%zu", fd, i);
	qa_opt(a, "-netdev", &b);
	domain_mac_format(f->mac, mac);
	sb_printf(&b, "%s,netdev=hostnet%zu,id=net%zu,mac=%s",
	    net_device(f->model), i, i, mac);
	if (f->mtu && f->model && !strcmp(f->model, "virtio"))
		sb_kv(&b, "host_mtu", f->mtu);
	if (bootindex > 0)
		sb_printf(&b, ",bootindex=%d", bootindex);
	if (sb_pci_addr(a, &b, &f->addr) < 0)
		return -EINVAL;
	qa_opt(a, "-device", &b);
	return 0;
}

int
add_nets(struct qa *a)
{
	for (size_t i = 0; i < a->d->ninterfaces; i++) {
		int bi = (int)qa_num(a->d->interfaces[i].boot_order, 0);

		if (!bi && i == 0)
			bi = a->boot_net;
		if (add_net(a, i, bi) < 0)
			return -EINVAL;
	}
	return 0;
}

/* ---- serial, console, channel ---- */

static int
add_chardev(struct qa *a, const char *id, int type, const int *fds,
    size_t nfds, size_t i)
{
	struct sb b = { 0 };

	if (type == DOMAIN_CHR_NULL) {
		sb_printf(&b, "null,id=%s", id);
	} else {
		if (i >= nfds || fds[i] < 0)
			return qa_fail(a, "%s has no socket fd", id);
		sb_printf(&b, "socket,id=%s,fd=%d", id, fds[i]);
		if (a->l->chardev_listen)
			sb_printf(&b, ",server=on,wait=off");
		if (a->l->serial_log_fd > 0 && !a->serial_logged) {
			struct sb f = { 0 };

			a->serial_logged = true;
			sb_printf(&f, "fd=%d,set=%d,opaque=serial-log",
			    a->l->serial_log_fd, a->l->serial_log_fdset);
			qa_opt(a, "-add-fd", &f);
			sb_printf(&b, ",logfile=/dev/fdset/%d,logappend=on",
			    a->l->serial_log_fdset);
		}
	}
	qa_opt(a, "-chardev", &b);
	return 0;
}

static int
add_serial_device(struct qa *a, const struct domain_chardev *c,
    const char *id, unsigned long port, const char *chr)
{
	bool pci = (c->target_type && !strcmp(c->target_type, "pci-serial")) ||
	    (c->target_model && !strcmp(c->target_model, "pci-serial"));
	struct sb b = { 0 };

	if (pci) {
		sb_printf(&b, "pci-serial,chardev=%s,id=%s", chr, id);
		if (sb_pci_addr(a, &b, &c->addr) < 0)
			return -EINVAL;
	} else {
		sb_printf(&b, "isa-serial,chardev=%s,id=%s,index=%lu", chr, id,
		    port);
		if (c->addr.type == DOMAIN_ADDR_ISA && c->addr.iobase)
			sb_printf(&b, ",iobase=%s", c->addr.iobase);
		if (c->addr.type == DOMAIN_ADDR_ISA && c->addr.irq)
			sb_printf(&b, ",irq=%s", c->addr.irq);
	}
	qa_opt(a, "-device", &b);
	return 0;
}

int
add_serials(struct qa *a)
{
	const struct domain_def *d = a->d;
	char id[32], chr[40];

	for (size_t i = 0; i < d->nserials; i++) {
		const struct domain_chardev *c = &d->serials[i];

		snprintf(id, sizeof(id), "serial%zu", i);
		snprintf(chr, sizeof(chr), "charserial%zu", i);
		if (add_chardev(a, chr, c->type, a->l->serial_fds,
		    a->l->nserial_fds, i) < 0 ||
		    add_serial_device(a, c, id, qa_num(c->target_port, i), chr) < 0)
			return -EINVAL;
	}
	return 0;
}

int
add_consoles(struct qa *a)
{
	const struct domain_def *d = a->d;
	size_t nfd = 0;
	char id[32], chr[40];
	struct sb b = { 0 };

	for (size_t i = 0; i < d->nconsoles; i++) {
		const struct domain_chardev *c = &d->consoles[i];
		bool virtio = c->target_type && !strcmp(c->target_type,
		    "virtio");

		if (!virtio && i == 0 && d->nserials)
			continue; /* the console of serial0 */
		if (!virtio && (i > 0 || d->nserials))
			return qa_fail(a, "console %zu: only serial0 or virtio "
			    "consoles are supported", i);
		snprintf(id, sizeof(id), "console%zu", i);
		snprintf(chr, sizeof(chr), "charconsole%zu", i);
		if (add_chardev(a, chr, c->type, a->l->console_fds,
		    a->l->nconsole_fds, nfd++) < 0)
			return -EINVAL;
		if (!virtio) {
			if (add_serial_device(a, c, "serial0", 0, chr) < 0)
				return -EINVAL;
			continue;
		}
		sb_printf(&b, "virtconsole,chardev=%s,id=%s", chr, id);
		qa_opt(a, "-device", &b);
	}
	return 0;
}

int
add_channels(struct qa *a)
{
	const struct domain_def *d = a->d;
	char chr[40];
	struct sb b = { 0 };

	for (size_t i = 0; i < d->nchannels; i++) {
		const struct domain_chardev *c = &d->channels[i];
		const struct domain_address *ad = &c->addr;

		snprintf(chr, sizeof(chr), "charchannel%zu", i);
		if (add_chardev(a, chr, c->type, a->l->channel_fds,
		    a->l->nchannel_fds, i) < 0)
			return -EINVAL;
		sb_printf(&b, "virtserialport,bus=virtio-serial%lu.0,nr=%lu,"
		    "chardev=%s,id=channel%zu", qa_num(ad->controller, 0),
		    qa_num(ad->port, i + 1), chr, i);
		if (c->target_name)
			sb_kv(&b, "name", c->target_name);
		qa_opt(a, "-device", &b);
	}
	return 0;
}

/* ---- input, balloon, rng ---- */

int
add_inputs(struct qa *a)
{
	const struct domain_def *d = a->d;
	struct sb b = { 0 };

	for (size_t i = 0; i < d->ninputs; i++) {
		const struct domain_input *in = &d->inputs[i];
		const char *t = !strcmp(in->type, "keyboard") ? "kbd" : in->type;

		if (!strcmp(in->bus, "ps2"))
			continue; /* the i8042 is built in */
		if (!strcmp(in->bus, "usb")) {
			if (!a->usb)
				return qa_fail(a, "usb input needs a usb "
				    "controller");
			sb_printf(&b, "usb-%s,id=input%zu,bus=usb.0", t, i);
		} else {
			sb_printf(&b, "virtio-%s-pci,id=input%zu",
			    !strcmp(t, "kbd") ? "keyboard" : t, i);
			if (sb_pci_addr(a, &b, &in->addr) < 0)
				return -EINVAL;
		}
		qa_opt(a, "-device", &b);
	}
	return 0;
}

int
add_balloon_rng(struct qa *a)
{
	const struct domain_def *d = a->d;
	struct sb b = { 0 };

	if (d->memballoon_model && !strcmp(d->memballoon_model, "virtio")) {
		sb_printf(&b, "virtio-balloon-pci,id=balloon0");
		if (d->memballoon_autodeflate)
			sb_printf(&b, ",deflate-on-oom=%s",
			    d->memballoon_autodeflate == DOMAIN_ON ? "on" : "off");
		if (d->memballoon_free_page_reporting)
			sb_printf(&b, ",free-page-reporting=%s",
			    d->memballoon_free_page_reporting == DOMAIN_ON ?
			    "on" : "off");
		if (sb_pci_addr(a, &b, &d->memballoon_addr) < 0)
			return -EINVAL;
		qa_opt(a, "-device", &b);
	}
	if (d->panic_model && strcmp(d->panic_model, "isa") == 0) {
		sb_printf(&b, "pvpanic,id=panic0");
		if (d->panic_addr.iobase)
			sb_printf(&b, ",ioport=%lu", qa_num(d->panic_addr.iobase, 0));
		qa_opt(a, "-device", &b);
	} else if (d->panic_model) {
		sb_printf(&b, "pvpanic-pci,id=panic0");
		if (sb_pci_addr(a, &b, &d->panic_addr) < 0)
			return -EINVAL;
		qa_opt(a, "-device", &b);
	}
	for (size_t i = 0; i < d->nrngs; i++) {
		const struct domain_rng *r = &d->rngs[i];

		sb_printf(&b, "rng-random,id=objrng%zu", i);
		sb_kv(&b, "filename", r->backend_path);
		qa_opt(a, "-object", &b);
		sb_printf(&b, "virtio-rng-pci,rng=objrng%zu,id=rng%zu", i, i);
		if (r->rate_bytes)
			sb_printf(&b, ",max-bytes=%lu,period=%lu",
			    qa_num(r->rate_bytes, 0), qa_num(r->rate_period, 1000));
		if (sb_pci_addr(a, &b, &r->addr) < 0)
			return -EINVAL;
		qa_opt(a, "-device", &b);
	}
	return 0;
}

