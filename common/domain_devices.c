/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsing of a domain's <devices> (disks, NICs, chardevs, controllers, ...), used by vmhostd. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/domain_priv.h"

const char *const dx_addr_type_names[] = { "pci", "drive",
	"virtio-serial", "isa", "usb", NULL };
const char *const dx_disk_type_names[] = { "file", "block", NULL };
const char *const dx_disk_device_names[] = { "disk", "cdrom", NULL };
const char *const dx_disk_bus_names[] = { "virtio", "ide", "sata",
	"scsi", "usb", NULL };
const char *const dx_format_names[] = { "raw", "qcow2", NULL };
const char *const dx_net_type_names[] = { "network", "bridge",
	"ethernet", "user", NULL };
const char *const dx_chr_type_names[] = { "pty", "file", "unix", "null",
	NULL };

#define A struct domain_address
const struct dx_attr domain_addr_attrs[] = {
	DX_ENUMA("type", A, type, dx_addr_type_names),
	DX_ATTR("domain", DX_UINT, A, domain),
	DX_ATTR("controller", DX_UINT, A, controller),
	DX_ATTR("bus", DX_UINT, A, bus),
	DX_ATTR("target", DX_UINT, A, target),
	DX_ATTR("unit", DX_UINT, A, unit),
	DX_ATTR("slot", DX_UINT, A, slot),
	DX_ATTR("function", DX_UINT, A, function),
	DX_ENUMA("multifunction", A, multifunction, dx_onoff_names),
	DX_ATTR("port", DX_UINT, A, port),
	DX_ATTR("iobase", DX_UINT, A, iobase),
	DX_ATTR("irq", DX_UINT, A, irq),
};
#undef A
const size_t domain_addr_nattrs = DX_N(domain_addr_attrs);

/* Which fields each address type allows, as a string of table indexes. */
static const char *const addr_allowed[] = {
	[DOMAIN_ADDR_PCI] = "\x01\x03\x06\x07\x08",
	[DOMAIN_ADDR_DRIVE] = "\x02\x03\x04\x05",
	[DOMAIN_ADDR_VIRTIO_SERIAL] = "\x02\x03\x09",
	[DOMAIN_ADDR_ISA] = "\x0a\x0b",
	[DOMAIN_ADDR_USB] = "\x03\x09",
};

/* Check a uint-string field against a maximum. */
static int
num_max(struct dx *x, const char *v, unsigned long long max, const char *what)
{
	unsigned long long n;

	if (v && (dx_uint(v, &n) < 0 || n > max))
		return dx_fail(x, "address %s %s is out of range (max %llu)",
		    what, v, max);
	return 0;
}

static int
p_address(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_address *a = obj;
	int rc = dx_leaf(x, n, domain_addr_attrs, domain_addr_nattrs, a);

	if (rc < 0)
		return rc;
	if (!a->type)
		return dx_fail(x, "<address> needs a type");
	for (size_t i = 1; i < domain_addr_nattrs; i++) {
		struct dx_attr one = domain_addr_attrs[i];

		if (!dbuf_any(&one, 1, a) ||
		    strchr(addr_allowed[a->type], (int)i))
			continue;
		return dx_fail(x, "attribute '%s' does not belong to an "
		    "address of type '%s'", one.name,
		    dx_addr_type_names[a->type - 1]);
	}
	if (a->type == DOMAIN_ADDR_PCI)
		rc = num_max(x, a->domain, 0, "domain") ?:
		    num_max(x, a->bus, 255, "bus") ?:
		    num_max(x, a->slot, 31, "slot") ?:
		    num_max(x, a->function, 7, "function");
	else
		rc = num_max(x, a->controller, 255, "controller") ?:
		    num_max(x, a->bus, 255, "bus") ?:
		    num_max(x, a->target, 255, "target") ?:
		    num_max(x, a->unit, 255, "unit") ?:
		    num_max(x, a->port, 255, "port") ?:
		    num_max(x, a->iobase, 0xffff, "iobase") ?:
		    num_max(x, a->irq, 255, "irq");
	return rc;
}

/* A value of an identifier attribute must be one of list. */
static int
one_of(struct dx *x, const char *v, const char *const *list,
    const char *what)
{
	char q[64];

	if (v && !dx_enum(list, v))
		return dx_fail(x, "unsupported %s '%s'", what,
		    dx_quote(q, sizeof(q), v));
	return 0;
}

struct order_elem {
	char *order;
};
static const struct dx_attr boot_attrs[] = {
	DX_ATTR("order", DX_UINT, struct order_elem, order),
};

static int
p_boot(struct dx *x, xmlNode *n, char **order)
{
	struct order_elem o = { 0 };
	int rc = dx_leaf(x, n, boot_attrs, DX_N(boot_attrs), &o);

	*order = o.order;
	if (rc == 0 && (!o.order || !strcmp(o.order, "0")))
		rc = dx_fail(x, "<boot> needs an order of 1 or more");
	return rc;
}

/* ---- <disk> ---- */

#define D struct domain_disk
static const struct dx_attr disk_attrs[] = {
	DX_ENUMA("type", D, type, dx_disk_type_names),
	DX_ENUMA("device", D, device, dx_disk_device_names),
	DX_ATTR("snapshot", DX_IDENT, D, snapshot),
};
static const struct dx_attr disk_driver_attrs[] = {
	DX_ATTR("name", DX_IDENT, D, driver.name),
	DX_ENUMA("type", D, driver.format, dx_format_names),
	DX_ATTR("cache", DX_IDENT, D, driver.cache),
	DX_ATTR("error_policy", DX_IDENT, D, driver.error_policy),
	DX_ATTR("rerror_policy", DX_IDENT, D, driver.rerror_policy),
	DX_ATTR("io", DX_IDENT, D, driver.io),
	DX_ATTR("discard", DX_IDENT, D, driver.discard),
	DX_ATTR("detect_zeroes", DX_IDENT, D, driver.detect_zeroes),
	DX_ATTR("queues", DX_UINT, D, driver.queues),
};
static const struct dx_attr disk_target_attrs[] = {
	DX_ATTR("dev", DX_IDENT, D, target_dev),
	DX_ENUMA("bus", D, bus, dx_disk_bus_names),
	DX_ATTR("tray", DX_IDENT, D, tray),
	DX_ATTR("rotation_rate", DX_UINT, D, rotation_rate),
};
#undef D
struct source_elem {
	char *file, *dev;
};
static const struct dx_attr disk_source_attrs[] = {
	DX_ATTR("file", DX_PATH, struct source_elem, file),
	DX_ATTR("dev", DX_PATH, struct source_elem, dev),
};
static const char *const cache_names[] = { "default", "none", "writethrough",
	"writeback", "directsync", "unsafe", NULL };
static const char *const io_names[] = { "threads", "native", "io_uring",
	NULL };
static const char *const discard_names[] = { "ignore", "unmap", NULL };
static const char *const zeroes_names[] = { "off", "on", "unmap", NULL };
static const char *const werror_names[] = { "stop", "report", "ignore",
	"enospace", NULL };

static int
p_disk_driver(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_disk *k = obj;
	int rc = dx_leaf(x, n, disk_driver_attrs, DX_N(disk_driver_attrs), k);

	if (rc == 0 && k->driver.name && strcmp(k->driver.name, "qemu"))
		rc = dx_fail(x, "unsupported disk driver name '%s'",
		    k->driver.name);
	return rc ?: one_of(x, k->driver.cache, cache_names, "disk cache") ?:
	    one_of(x, k->driver.io, io_names, "disk io") ?:
	    one_of(x, k->driver.discard, discard_names, "disk discard") ?:
	    one_of(x, k->driver.detect_zeroes, zeroes_names,
		"disk detect_zeroes") ?:
	    one_of(x, k->driver.error_policy, werror_names,
		"disk error_policy") ?:
	    one_of(x, k->driver.rerror_policy, werror_names,
		"disk rerror_policy");
}

static int
p_disk_source(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_disk *k = obj;
	struct source_elem s = { 0 };
	int rc = dx_leaf(x, n, disk_source_attrs, DX_N(disk_source_attrs), &s);

	if (rc == 0 && s.file && s.dev)
		rc = dx_fail(x, "disk <source> has both file and dev");
	else if (rc == 0 && s.file && k->type != DOMAIN_DISK_FILE)
		rc = dx_fail(x, "<source file> needs <disk type='file'>");
	else if (rc == 0 && s.dev && k->type != DOMAIN_DISK_BLOCK)
		rc = dx_fail(x, "<source dev> needs <disk type='block'>");
	k->source = s.file ? s.file : s.dev;
	if (s.file && s.dev)
		free(s.dev);
	return rc;
}

static int
p_disk_target(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_disk *k = obj;
	static const char *const trays[] = { "open", "closed", NULL };
	int rc = dx_leaf(x, n, disk_target_attrs, DX_N(disk_target_attrs), k);

	return rc ?: one_of(x, k->tray, trays, "tray state");
}

static int
p_disk_readonly(struct dx *x, xmlNode *n, void *obj)
{
	((struct domain_disk *)obj)->readonly = true;
	return dx_leaf(x, n, NULL, 0, NULL);
}

static int
p_disk_shareable(struct dx *x, xmlNode *n, void *obj)
{
	((struct domain_disk *)obj)->shareable = true;
	return dx_leaf(x, n, NULL, 0, NULL);
}

static int
p_disk_serial(struct dx *x, xmlNode *n, void *obj)
{
	int rc = dx_attrs(x, n, NULL, 0, NULL);

	return rc ?: dx_text(x, n, DX_IDENT, false,
	    &((struct domain_disk *)obj)->serial);
}

static int
p_disk_boot(struct dx *x, xmlNode *n, void *obj)
{
	return p_boot(x, n, &((struct domain_disk *)obj)->boot_order);
}

static int
p_disk_address(struct dx *x, xmlNode *n, void *obj)
{
	return p_address(x, n, &((struct domain_disk *)obj)->addr);
}

static const struct dx_child disk_children[] = {
	{ "driver", p_disk_driver, 1 },
	{ "source", p_disk_source, 1 },
	{ "target", p_disk_target, 1 },
	{ "boot", p_disk_boot, 1 },
	{ "readonly", p_disk_readonly, 1 },
	{ "shareable", p_disk_shareable, 1 },
	{ "serial", p_disk_serial, 1 },
	{ "address", p_disk_address, 1 },
};

static int
p_disk(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_def *d = obj;
	struct domain_disk *k;

	if (!(k = DX_PUSH(x, d->disks, d->ndisks, "disk")))
		return -EINVAL;
	int rc = dx_attrs(x, n, disk_attrs, DX_N(disk_attrs), k);

	if (rc == 0 && (!k->type || !k->device))
		rc = dx_fail(x, "<disk> needs type and device");
	return rc ?: dx_children(x, n, disk_children, DX_N(disk_children), k);
}

/* ---- <interface> ---- */

#define I struct domain_interface
static const struct dx_attr net_attrs[] = {
	DX_ENUMA("type", I, type, dx_net_type_names),
};
static const struct dx_attr net_source_attrs[] = {
	DX_ATTR("network", DX_IDENT, I, network),
	DX_ATTR("portgroup", DX_IDENT, I, portgroup),
	DX_ATTR("bridge", DX_IDENT, I, bridge),
};
static const struct dx_attr net_target_attrs[] = {
	DX_ATTR("dev", DX_IDENT, I, target_dev),
	DX_ATTR("managed", DX_IDENT, I, target_managed),
};
static const struct dx_attr net_model_attrs[] = {
	DX_ATTR("type", DX_IDENT, I, model),
};
static const struct dx_attr net_driver_attrs[] = {
	DX_ATTR("name", DX_IDENT, I, driver_name),
	DX_ATTR("queues", DX_UINT, I, driver_queues),
};
static const struct dx_attr net_mtu_attrs[] = {
	DX_ATTR("size", DX_UINT, I, mtu),
};
static const struct dx_attr net_link_attrs[] = {
	DX_ATTR("state", DX_IDENT, I, link_state),
};
#undef I
struct mac_elem {
	char *address;
};
static const struct dx_attr net_mac_attrs[] = {
	DX_ATTR("address", DX_STR, struct mac_elem, address),
};
static const char *const net_models[] = { "virtio", "e1000", "e1000e",
	"rtl8139", NULL };

int
domain_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char end;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0],
	    &v[1], &v[2], &v[3], &v[4], &v[5], &end) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (s[i * 3 + 2] != ':' && i < 5)
			return -EINVAL;
		mac[i] = (uint8_t)v[i];
	}
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] |
	    mac[5]))
		return -EINVAL;
	return 0;
}

void
domain_mac_format(const uint8_t m[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
}

static int
p_net_mac(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_interface *ifc = obj;
	struct mac_elem m = { 0 };
	char q[64];
	int rc = dx_leaf(x, n, net_mac_attrs, DX_N(net_mac_attrs), &m);

	if (rc == 0 && (!m.address || domain_mac_parse(m.address,
	    ifc->mac) < 0))
		rc = dx_fail(x, "invalid MAC address '%s' (multicast and "
		    "zero are refused)", dx_quote(q, sizeof(q),
		    m.address ? m.address : ""));
	ifc->mac_generated = false;
	free(m.address);
	return rc;
}

#define NET_LEAF(fn, tab) \
	static int fn(struct dx *x, xmlNode *n, void *obj) \
	{ \
		return dx_leaf(x, n, tab, DX_N(tab), obj); \
	}
NET_LEAF(p_net_source, net_source_attrs)
NET_LEAF(p_net_target, net_target_attrs)
NET_LEAF(p_net_driver, net_driver_attrs)
NET_LEAF(p_net_mtu, net_mtu_attrs)

static int
p_net_model(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_interface *ifc = obj;
	int rc = dx_leaf(x, n, net_model_attrs, DX_N(net_model_attrs), ifc);

	return rc ?: one_of(x, ifc->model, net_models, "interface model");
}

static int
p_net_link(struct dx *x, xmlNode *n, void *obj)
{
	static const char *const states[] = { "up", "down", NULL };
	struct domain_interface *ifc = obj;
	int rc = dx_leaf(x, n, net_link_attrs, DX_N(net_link_attrs), ifc);

	return rc ?: one_of(x, ifc->link_state, states, "link state");
}

static int
p_net_boot(struct dx *x, xmlNode *n, void *obj)
{
	return p_boot(x, n, &((struct domain_interface *)obj)->boot_order);
}

static int
p_net_address(struct dx *x, xmlNode *n, void *obj)
{
	return p_address(x, n, &((struct domain_interface *)obj)->addr);
}

static const struct dx_child net_children[] = {
	{ "mac", p_net_mac, 1 },
	{ "source", p_net_source, 1 },
	{ "target", p_net_target, 1 },
	{ "model", p_net_model, 1 },
	{ "driver", p_net_driver, 1 },
	{ "link", p_net_link, 1 },
	{ "mtu", p_net_mtu, 1 },
	{ "boot", p_net_boot, 1 },
	{ "address", p_net_address, 1 },
};

static int
p_interface(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_def *d = obj;
	struct domain_interface *ifc;

	if (!(ifc = DX_PUSH(x, d->interfaces, d->ninterfaces, "interface")))
		return -EINVAL;
	ifc->mac_generated = true;
	int rc = dx_attrs(x, n, net_attrs, DX_N(net_attrs), ifc);

	if (rc == 0 && !ifc->type)
		rc = dx_fail(x, "<interface> needs a type");
	return rc ?: dx_children(x, n, net_children, DX_N(net_children), ifc);
}

/* ---- <serial>, <console>, <channel> ---- */

#define C struct domain_chardev
static const struct dx_attr chr_attrs[] = {
	DX_ENUMA("type", C, type, dx_chr_type_names),
};
static const struct dx_attr chr_source_attrs[] = {
	DX_ATTR("mode", DX_IDENT, C, source_mode),
	DX_ATTR("path", DX_PATH, C, source_path),
	DX_ENUMA("append", C, source_append, dx_onoff_names),
};
static const struct dx_attr chr_target_attrs[] = {
	DX_ATTR("type", DX_IDENT, C, target_type),
	DX_ATTR("name", DX_IDENT, C, target_name),
	DX_ATTR("port", DX_UINT, C, target_port),
};
static const struct dx_attr chr_model_attrs[] = {
	DX_ATTR("name", DX_IDENT, C, target_model),
};
#undef C

NET_LEAF(p_chr_source, chr_source_attrs)
NET_LEAF(p_chr_model, chr_model_attrs)

static const struct dx_child chr_target_children[] = {
	{ "model", p_chr_model, 1 },
};

static int
p_chr_target(struct dx *x, xmlNode *n, void *obj)
{
	int rc = dx_attrs(x, n, chr_target_attrs, DX_N(chr_target_attrs), obj);

	return rc ?: dx_children(x, n, chr_target_children,
	    DX_N(chr_target_children), obj);
}

static int
p_chr_address(struct dx *x, xmlNode *n, void *obj)
{
	return p_address(x, n, &((struct domain_chardev *)obj)->addr);
}

static const struct dx_child chr_children[] = {
	{ "source", p_chr_source, 1 },
	{ "target", p_chr_target, 1 },
	{ "address", p_chr_address, 1 },
};

static int
p_chardev(struct dx *x, xmlNode *n, struct domain_chardev *c)
{
	static const char *const modes[] = { "bind", "connect", NULL };
	int rc = dx_attrs(x, n, chr_attrs, DX_N(chr_attrs), c);

	if (rc == 0 && !c->type)
		rc = dx_fail(x, "<%s> needs a type", n->name);
	rc = rc ?: dx_children(x, n, chr_children, DX_N(chr_children), c);
	rc = rc ?: one_of(x, c->source_mode, modes, "chardev source mode");
	if (rc == 0 && c->type == DOMAIN_CHR_FILE && !c->source_path)
		rc = dx_fail(x, "<%s type='file'> needs a source path",
		    n->name);
	return rc;
}

static int
p_serial(struct dx *x, xmlNode *n, void *obj)
{
	static const char *const types[] = { "isa-serial", "pci-serial",
		NULL };
	struct domain_def *d = obj;
	struct domain_chardev *c;

	if (!(c = DX_PUSH(x, d->serials, d->nserials, "serial")))
		return -EINVAL;
	return p_chardev(x, n, c) ?:
	    one_of(x, c->target_type, types, "serial target type") ?:
	    one_of(x, c->target_model, types, "serial target model");
}

static int
p_console(struct dx *x, xmlNode *n, void *obj)
{
	static const char *const types[] = { "serial", "virtio", NULL };
	struct domain_def *d = obj;
	struct domain_chardev *c;

	if (!(c = DX_PUSH(x, d->consoles, d->nconsoles, "console")))
		return -EINVAL;
	int rc = p_chardev(x, n, c) ?:
	    one_of(x, c->target_type, types, "console target type");

	if (rc == 0 && c->target_model)
		rc = dx_fail(x, "unsupported element 'model' in <target>");
	return rc;
}

static int
p_channel(struct dx *x, xmlNode *n, void *obj)
{
	static const char *const types[] = { "virtio", NULL };
	struct domain_def *d = obj;
	struct domain_chardev *c;

	if (!(c = DX_PUSH(x, d->channels, d->nchannels, "channel")))
		return -EINVAL;
	int rc = p_chardev(x, n, c);

	if (rc == 0 && !c->target_type)
		rc = dx_fail(x, "<channel> needs a target type");
	return rc ?: one_of(x, c->target_type, types, "channel target type");
}

/* ---- <controller> ---- */

#define K struct domain_controller
static const struct dx_attr ctl_attrs[] = {
	DX_ATTR("type", DX_IDENT, K, type),
	DX_ATTR("index", DX_UINT, K, index),
	DX_ATTR("model", DX_IDENT, K, model),
	DX_ATTR("ports", DX_UINT, K, ports),
	DX_ATTR("vectors", DX_UINT, K, vectors),
};
static const struct dx_attr ctl_model_attrs[] = {
	DX_ATTR("name", DX_IDENT, K, model_name),
};
static const struct dx_attr ctl_target_attrs[] = {
	DX_ATTR("chassisNr", DX_UINT, K, chassis_nr),
	DX_ATTR("chassis", DX_UINT, K, chassis),
	DX_ATTR("port", DX_UINT, K, port),
	DX_ATTR("busNr", DX_UINT, K, bus_nr),
	DX_ATTR("hotplug", DX_IDENT, K, hotplug),
};
static const struct dx_attr ctl_driver_attrs[] = {
	DX_ATTR("queues", DX_UINT, K, queues),
};
static const struct dx_attr ctl_master_attrs[] = {
	DX_ATTR("startport", DX_UINT, K, master_startport),
};
#undef K

NET_LEAF(p_ctl_model, ctl_model_attrs)
NET_LEAF(p_ctl_target, ctl_target_attrs)
NET_LEAF(p_ctl_driver, ctl_driver_attrs)
NET_LEAF(p_ctl_master, ctl_master_attrs)

static int
p_ctl_address(struct dx *x, xmlNode *n, void *obj)
{
	return p_address(x, n, &((struct domain_controller *)obj)->addr);
}

static const struct dx_child ctl_children[] = {
	{ "master", p_ctl_master, 1 },
	{ "model", p_ctl_model, 1 },
	{ "target", p_ctl_target, 1 },
	{ "driver", p_ctl_driver, 1 },
	{ "address", p_ctl_address, 1 },
};

static const char *const ctl_types[] = { "pci", "usb", "ide", "sata", "scsi",
	"virtio-serial", NULL };
static const char *const pci_models[] = { "pci-root", "pcie-root",
	"pcie-root-port", "pci-bridge", "dmi-to-pci-bridge",
	"pcie-to-pci-bridge", "pcie-switch-upstream-port",
	"pcie-switch-downstream-port", NULL };
static const char *const usb_models[] = { "piix3-uhci", "piix4-uhci", "ehci",
	"ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3", "nec-xhci",
	"qemu-xhci", "none", NULL };
static const char *const scsi_models[] = { "virtio-scsi", "lsilogic", NULL };
static const char *const no_models[] = { NULL };

static int
p_controller(struct dx *x, xmlNode *n, void *obj)
{
	static const char *const *const models[] = { pci_models, usb_models,
		no_models, no_models, scsi_models, no_models };
	struct domain_def *d = obj;
	struct domain_controller *k;

	if (!(k = DX_PUSH(x, d->controllers, d->ncontrollers, "controller")))
		return -EINVAL;
	int rc = dx_attrs(x, n, ctl_attrs, DX_N(ctl_attrs), k) ?:
	    dx_children(x, n, ctl_children, DX_N(ctl_children), k);

	if (rc == 0 && !k->type)
		rc = dx_fail(x, "<controller> needs a type");
	rc = rc ?: one_of(x, k->type, ctl_types, "controller type");
	if (rc == 0)
		rc = one_of(x, k->model, models[dx_enum(ctl_types, k->type) -
		    1], "controller model");
	return rc;
}

/* ---- <input>, <memballoon>, <rng>, <emulator> ---- */

static const struct dx_attr input_attrs[] = {
	DX_ATTR("type", DX_IDENT, struct domain_input, type),
	DX_ATTR("bus", DX_IDENT, struct domain_input, bus),
};

static int
p_input_address(struct dx *x, xmlNode *n, void *obj)
{
	return p_address(x, n, &((struct domain_input *)obj)->addr);
}

static const struct dx_child input_children[] = {
	{ "address", p_input_address, 1 },
};

static int
p_input(struct dx *x, xmlNode *n, void *obj)
{
	static const char *const types[] = { "mouse", "keyboard", "tablet",
		NULL };
	static const char *const buses[] = { "ps2", "usb", "virtio", NULL };
	struct domain_def *d = obj;
	struct domain_input *in;

	if (!(in = DX_PUSH(x, d->inputs, d->ninputs, "input")))
		return -EINVAL;
	int rc = dx_attrs(x, n, input_attrs, DX_N(input_attrs), in) ?:
	    dx_children(x, n, input_children, DX_N(input_children), in);

	if (rc == 0 && (!in->type || !in->bus))
		rc = dx_fail(x, "<input> needs type and bus");
	rc = rc ?: one_of(x, in->type, types, "input type") ?:
	    one_of(x, in->bus, buses, "input bus");
	if (rc == 0 && !strcmp(in->bus, "ps2") && !strcmp(in->type, "tablet"))
		rc = dx_fail(x, "a tablet cannot be on the ps2 bus");
	return rc;
}

static const struct dx_attr balloon_attrs[] = {
	DX_ATTR("model", DX_IDENT, struct domain_def, memballoon_model),
	DX_ENUMA("autodeflate", struct domain_def, memballoon_autodeflate,
	    dx_onoff_names),
	DX_ENUMA("freePageReporting", struct domain_def,
	    memballoon_free_page_reporting, dx_onoff_names),
};
static const struct dx_attr balloon_stats_attrs[] = {
	DX_ATTR("period", DX_UINT, struct domain_def, memballoon_stats_period),
};

NET_LEAF(p_balloon_stats, balloon_stats_attrs)

static int
p_balloon_address(struct dx *x, xmlNode *n, void *obj)
{
	return p_address(x, n, &((struct domain_def *)obj)->memballoon_addr);
}

static const struct dx_child balloon_children[] = {
	{ "stats", p_balloon_stats, 1 },
	{ "address", p_balloon_address, 1 },
};

static int
p_memballoon(struct dx *x, xmlNode *n, void *obj)
{
	static const char *const models[] = { "virtio", "none", NULL };
	struct domain_def *d = obj;
	int rc = dx_attrs(x, n, balloon_attrs, DX_N(balloon_attrs), d) ?:
	    dx_children(x, n, balloon_children, DX_N(balloon_children), d);

	if (rc == 0 && !d->memballoon_model)
		rc = dx_fail(x, "<memballoon> needs a model");
	return rc ?: one_of(x, d->memballoon_model, models,
	    "memballoon model");
}

static const struct dx_attr panic_attrs[] = {
	DX_ATTR("model", DX_IDENT, struct domain_def, panic_model),
};

static int
p_panic_address(struct dx *x, xmlNode *n, void *obj)
{
	return p_address(x, n, &((struct domain_def *)obj)->panic_addr);
}

static const struct dx_child panic_children[] = {
	{ "address", p_panic_address, 1 },
};

/* <panic model='isa'/> (-device pvpanic) or 'pvpanic' (pvpanic-pci). */
static int
p_panic(struct dx *x, xmlNode *n, void *obj)
{
	static const char *const models[] = { "isa", "pvpanic", NULL };
	struct domain_def *d = obj;
	int rc = dx_attrs(x, n, panic_attrs, DX_N(panic_attrs), d) ?:
	    dx_children(x, n, panic_children, DX_N(panic_children), d);

	if (rc == 0 && !d->panic_model)
		rc = dx_fail(x, "<panic> needs a model ('isa' or 'pvpanic')");
	rc = rc ?: one_of(x, d->panic_model, models, "panic model");
	if (rc == 0 && d->panic_addr.type && strcmp(d->panic_model, "isa") == 0 &&
	    d->panic_addr.type != dx_enum(dx_addr_type_names, "isa"))
		rc = dx_fail(x, "an isa panic device takes an isa address");
	return rc;
}

#define R struct domain_rng
static const struct dx_attr rng_attrs[] = {
	DX_ATTR("model", DX_IDENT, R, model),
};
static const struct dx_attr rng_backend_attrs[] = {
	DX_ATTR("model", DX_IDENT, R, backend_model),
};
static const struct dx_attr rng_rate_attrs[] = {
	DX_ATTR("bytes", DX_UINT, R, rate_bytes),
	DX_ATTR("period", DX_UINT, R, rate_period),
};
#undef R

NET_LEAF(p_rng_rate, rng_rate_attrs)

static int
p_rng_backend(struct dx *x, xmlNode *n, void *obj)
{
	static const char *const paths[] = { "/dev/urandom", "/dev/random",
		"/dev/hwrng", NULL };
	struct domain_rng *r = obj;
	int rc = dx_attrs(x, n, rng_backend_attrs, DX_N(rng_backend_attrs), r);

	if (rc == 0 && (!r->backend_model ||
	    strcmp(r->backend_model, "random")))
		rc = dx_fail(x, "unsupported rng backend (only 'random')");
	rc = rc ?: dx_text(x, n, DX_PATH, false, &r->backend_path);
	return rc ?: one_of(x, r->backend_path, paths, "rng source");
}

static int
p_rng_address(struct dx *x, xmlNode *n, void *obj)
{
	return p_address(x, n, &((struct domain_rng *)obj)->addr);
}

static const struct dx_child rng_children[] = {
	{ "rate", p_rng_rate, 1 },
	{ "backend", p_rng_backend, 1 },
	{ "address", p_rng_address, 1 },
};

static int
p_rng(struct dx *x, xmlNode *n, void *obj)
{
	struct domain_def *d = obj;
	struct domain_rng *r;

	if (!(r = DX_PUSH(x, d->rngs, d->nrngs, "rng")))
		return -EINVAL;
	int rc = dx_attrs(x, n, rng_attrs, DX_N(rng_attrs), r) ?:
	    dx_children(x, n, rng_children, DX_N(rng_children), r);

	if (rc == 0 && (!r->model || strcmp(r->model, "virtio")))
		rc = dx_fail(x, "unsupported rng model (only 'virtio')");
	if (rc == 0 && !r->backend_path)
		rc = dx_fail(x, "<rng> needs a <backend>");
	return rc;
}

static int
p_emulator(struct dx *x, xmlNode *n, void *obj)
{
	int rc = dx_attrs(x, n, NULL, 0, NULL);

	return rc ?: dx_text(x, n, DX_PATH, false,
	    &((struct domain_def *)obj)->emulator);
}

static const struct dx_child device_children[] = {
	{ "emulator", p_emulator, 1 },
	{ "disk", p_disk, 0 },
	{ "controller", p_controller, 0 },
	{ "interface", p_interface, 0 },
	{ "serial", p_serial, 0 },
	{ "console", p_console, 0 },
	{ "channel", p_channel, 0 },
	{ "input", p_input, 0 },
	{ "memballoon", p_memballoon, 1 },
	{ "rng", p_rng, 0 },
	{ "panic", p_panic, 1 },
};

int
domain_parse_devices(struct dx *x, xmlNode *n, struct domain_def *d)
{
	return dx_children(x, n, device_children, DX_N(device_children), d);
}

void
domain_free_address(struct domain_address *a)
{
	free(a->domain), free(a->bus), free(a->slot), free(a->function);
	free(a->controller), free(a->target), free(a->unit), free(a->port);
	free(a->iobase), free(a->irq);
}

static void
free_chardevs(struct domain_chardev *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].source_path), free(c[i].source_mode);
		free(c[i].target_type), free(c[i].target_port);
		free(c[i].target_name), free(c[i].target_model);
		domain_free_address(&c[i].addr);
	}
	free(c);
}

static void
free_disks(struct domain_disk *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(k[i].snapshot), free(k[i].driver.name);
		free(k[i].driver.cache), free(k[i].driver.io);
		free(k[i].driver.discard), free(k[i].driver.detect_zeroes);
		free(k[i].driver.error_policy);
		free(k[i].driver.rerror_policy), free(k[i].driver.queues);
		free(k[i].source), free(k[i].target_dev), free(k[i].tray);
		free(k[i].rotation_rate), free(k[i].serial);
		free(k[i].boot_order);
		domain_free_address(&k[i].addr);
	}
	free(k);
}

static void
free_interfaces(struct domain_interface *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].network), free(f[i].portgroup), free(f[i].bridge);
		free(f[i].target_dev), free(f[i].target_managed);
		free(f[i].model), free(f[i].driver_name);
		free(f[i].driver_queues), free(f[i].mtu);
		free(f[i].link_state), free(f[i].boot_order);
		domain_free_address(&f[i].addr);
	}
	free(f);
}

static void
free_controllers(struct domain_controller *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(k[i].type), free(k[i].index), free(k[i].model);
		free(k[i].ports), free(k[i].vectors), free(k[i].model_name);
		free(k[i].chassis_nr), free(k[i].chassis), free(k[i].port);
		free(k[i].bus_nr), free(k[i].hotplug), free(k[i].queues);
		free(k[i].master_startport);
		domain_free_address(&k[i].addr);
	}
	free(k);
}

void
domain_free_devices(struct domain_def *d)
{
	free(d->emulator);
	free_disks(d->disks, d->ndisks);
	free_interfaces(d->interfaces, d->ninterfaces);
	free_controllers(d->controllers, d->ncontrollers);
	free_chardevs(d->serials, d->nserials);
	free_chardevs(d->consoles, d->nconsoles);
	free_chardevs(d->channels, d->nchannels);
	for (size_t i = 0; i < d->ninputs; i++) {
		free(d->inputs[i].type), free(d->inputs[i].bus);
		domain_free_address(&d->inputs[i].addr);
	}
	free(d->inputs);
	free(d->memballoon_model), free(d->memballoon_stats_period);
	free(d->panic_model);
	domain_free_address(&d->panic_addr);
	domain_free_address(&d->memballoon_addr);
	for (size_t i = 0; i < d->nrngs; i++) {
		free(d->rngs[i].model), free(d->rngs[i].backend_model);
		free(d->rngs[i].backend_path), free(d->rngs[i].rate_bytes);
		free(d->rngs[i].rate_period);
		domain_free_address(&d->rngs[i].addr);
	}
	free(d->rngs);
}
