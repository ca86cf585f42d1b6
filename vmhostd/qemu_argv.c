/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Builds the QEMU 7.2 argv for a domain in vmhostd (pure function, golden-tested). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmhostd/qemu_argv.h"

/* One option being composed. */
struct sb {
	char *p;
	size_t len, cap;
	int oom;
};

/* The argv being built and the first error. */
struct qa {
	char **v;
	size_t n, cap;
	int oom;
	char *err;
	size_t errlen;
	int failed;
	const struct domain_def *d;
	const struct qemu_launch *l;
	bool kvm, q35;
	bool usb;		/* a usb controller exists */
	int boot_hd, boot_cd, boot_net; /* bootindex from <os><boot> */
};

static void __attribute__((format(printf, 2, 3)))
sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	while (!b->oom) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		k = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (k < 0) {
			b->oom = 1;
		} else if ((size_t)k < room) {
			b->len += (size_t)k;
			return;
		} else {
			size_t cap = b->cap * 2 + (size_t)k + 64;
			char *p = realloc(b->p, cap);

			if (!p)
				b->oom = 1;
			else
				b->p = p, b->cap = cap;
		}
	}
}

/* ",key=value" with value's commas doubled. */
static void
sb_kv(struct sb *b, const char *key, const char *value)
{
	sb_printf(b, ",%s=", key);
	for (const char *s = value; *s; s++)
		sb_printf(b, *s == ',' ? ",," : "%c", *s);
}

char *
qemu_opt_escape(const char *s)
{
	struct sb b = { 0 };

	sb_kv(&b, "x", s);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	memmove(b.p, b.p + 3, b.len - 2);
	return b.p;
}

static int __attribute__((format(printf, 2, 3)))
qa_fail(struct qa *a, const char *fmt, ...)
{
	va_list ap;

	if (!a->failed && a->err && a->errlen) {
		va_start(ap, fmt);
		vsnprintf(a->err, a->errlen, fmt, ap);
		va_end(ap);
	}
	a->failed = 1;
	return -EINVAL;
}

static void
qa_push(struct qa *a, char *s)
{
	if (!s || a->oom) {
		a->oom = 1;
		free(s);
		return;
	}
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		char **v = realloc(a->v, cap * sizeof(*v));

		if (!v) {
			a->oom = 1;
			free(s);
			return;
		}
		a->v = v, a->cap = cap;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void
qa_add(struct qa *a, const char *s)
{
	qa_push(a, strdup(s));
}

/* Push opt, then the composed option (its leading ',' dropped). */
static void
qa_opt(struct qa *a, const char *opt, struct sb *b)
{
	qa_add(a, opt);
	if (b->oom) {
		free(b->p);
		qa_push(a, NULL);
		return;
	}
	qa_push(a, b->p ? strdup(b->p + (b->p[0] == ',')) : strdup(""));
	free(b->p);
	*b = (struct sb){ 0 };
}

static unsigned long
num(const char *s, unsigned long dflt)
{
	return s ? strtoul(s, NULL, 0) : dflt;
}

static const char *
root_bus(const struct qa *a)
{
	return a->q35 ? "pcie.0" : "pci.0";
}

/* ",bus=...,addr=..." for a pci <address>; nothing when absent. */
static int
sb_pci_addr(struct qa *a, struct sb *b, const struct domain_address *ad)
{
	unsigned long bus;

	if (!ad->type)
		return 0;
	if (ad->type != DOMAIN_ADDR_PCI)
		return qa_fail(a, "device address is not of type 'pci'");
	bus = num(ad->bus, 0);
	if (bus == 0)
		sb_printf(b, ",bus=%s", root_bus(a));
	else
		sb_printf(b, ",bus=pci.%lu", bus);
	sb_printf(b, ",addr=0x%lx", num(ad->slot, 0));
	if (num(ad->function, 0))
		sb_printf(b, ".0x%lx", num(ad->function, 0));
	if (ad->multifunction == DOMAIN_ON)
		sb_printf(b, ",multifunction=on");
	return 0;
}

/* ---- machine, cpu, memory, clock ---- */

static void
add_machine(struct qa *a)
{
	const struct domain_def *d = a->d;
	struct sb b = { 0 };

	sb_kv(&b, "type", d->os.machine ? d->os.machine : "pc");
	sb_printf(&b, ",accel=%s", a->kvm ? "kvm" : "tcg");
	if (!a->usb)
		sb_printf(&b, ",usb=off");
	sb_printf(&b, ",dump-guest-core=off");
	if (!d->features.acpi)
		sb_printf(&b, ",acpi=off");
	if (d->features.has_vmport)
		sb_printf(&b, ",vmport=%s", d->features.vmport == DOMAIN_OFF ?
		    "off" : "on");
	for (size_t i = 0; i < d->clock.ntimers; i++)
		if (!strcmp(d->clock.timers[i].name, "hpet") &&
		    d->clock.timers[i].present == DOMAIN_NO)
			sb_printf(&b, ",hpet=off");
	/* "type" is the implied first key: drop ",type=" */
	if (!b.oom) {
		memmove(b.p, b.p + 6, b.len - 5);
		b.len -= 6;
	}
	qa_opt(a, "-machine", &b);
}

static const char *
cpu_model(const struct qa *a)
{
	const __typeof__(a->d->cpu) *c = &a->d->cpu;

	if (c->mode == DOMAIN_CPU_HOST_PASSTHROUGH ||
	    c->mode == DOMAIN_CPU_HOST_MODEL)
		return a->kvm ? "host" : "max";
	return c->model ? c->model : "qemu64";
}

static void
cpu_extras(struct qa *a, struct sb *b)
{
	const struct domain_def *d = a->d;

	if (d->features.apic_eoi)
		sb_printf(b, ",%ckvm-pv-eoi", d->features.apic_eoi ==
		    DOMAIN_ON ? '+' : '-');
	if (d->features.has_pvspinlock)
		sb_printf(b, ",%ckvm-pv-unhalt", d->features.pvspinlock ==
		    DOMAIN_OFF ? '-' : '+');
	if (d->features.has_pmu)
		sb_printf(b, ",pmu=%s", d->features.pmu == DOMAIN_OFF ?
		    "off" : "on");
	for (size_t i = 0; i < d->clock.ntimers; i++) {
		const struct domain_timer *t = &d->clock.timers[i];

		if (!strcmp(t->name, "kvmclock") && t->present)
			sb_printf(b, ",%ckvmclock", t->present == DOMAIN_NO ?
			    '-' : '+');
		if (!strcmp(t->name, "tsc") && t->frequency)
			sb_kv(b, "tsc-frequency", t->frequency);
	}
	if (d->cpu.maxphysaddr_mode &&
	    !strcmp(d->cpu.maxphysaddr_mode, "passthrough"))
		sb_printf(b, ",host-phys-bits=on");
	else if (d->cpu.maxphysaddr_bits)
		sb_kv(b, "phys-bits", d->cpu.maxphysaddr_bits);
}

static void
add_cpu(struct qa *a)
{
	const __typeof__(a->d->cpu) *c = &a->d->cpu;
	struct sb b = { 0 };

	sb_printf(&b, "%s", cpu_model(a));
	if (c->model_vendor_id)
		sb_kv(&b, "vendor", c->model_vendor_id);
	for (size_t i = 0; i < c->nfeatures; i++) {
		int p = c->features[i].policy;
		bool off = p == DOMAIN_CPU_DISABLE || p == DOMAIN_CPU_FORBID;

		sb_printf(&b, ",%c%s", off ? '-' : '+', c->features[i].name);
	}
	cpu_extras(a, &b);
	qa_opt(a, "-cpu", &b);
}

static void
add_memory_smp(struct qa *a)
{
	const struct domain_def *d = a->d;
	const __typeof__(d->cpu) *c = &d->cpu;
	struct sb b = { 0 };

	sb_printf(&b, "%llu",
	    (unsigned long long)((d->memory_kib + 1023) / 1024));
	qa_opt(a, "-m", &b);
	sb_printf(&b, "%u,maxcpus=%u", d->vcpus_current ? d->vcpus_current :
	    d->vcpus, d->vcpus);
	if (c->sockets) {
		sb_printf(&b, ",sockets=%u", c->sockets);
		if (c->dies)
			sb_printf(&b, ",dies=%u", c->dies);
		sb_printf(&b, ",cores=%u,threads=%u", c->cores, c->threads);
	} else {
		sb_printf(&b, ",sockets=%u,cores=1,threads=1", d->vcpus);
	}
	qa_opt(a, "-smp", &b);
}

static int
add_rtc(struct qa *a)
{
	const __typeof__(a->d->clock) *c = &a->d->clock;
	struct sb b = { 0 };
	time_t t;
	struct tm tm;
	char buf[32];

	switch (c->offset) {
	case DOMAIN_CLOCK_LOCALTIME:
		sb_printf(&b, "base=localtime");
		break;
	case DOMAIN_CLOCK_VARIABLE:
	case DOMAIN_CLOCK_ABSOLUTE:
		if (c->basis && strcmp(c->basis, "utc"))
			return qa_fail(a, "clock basis '%s' is not supported",
			    c->basis);
		t = c->offset == DOMAIN_CLOCK_ABSOLUTE ?
		    (time_t)num(c->start, 0) :
		    a->l->now + (c->adjustment ? atoll(c->adjustment) : 0);
		gmtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		sb_printf(&b, "base=%s", buf);
		break;
	case DOMAIN_CLOCK_TIMEZONE:
		return qa_fail(a, "clock offset 'timezone' is not supported");
	default:
		sb_printf(&b, "base=utc");
	}
	for (size_t i = 0; i < c->ntimers; i++)
		if (!strcmp(c->timers[i].name, "rtc") &&
		    c->timers[i].tickpolicy &&
		    !strcmp(c->timers[i].tickpolicy, "catchup"))
			sb_printf(&b, ",driftfix=slew");
	qa_opt(a, "-rtc", &b);
	return 0;
}

static void
add_globals(struct qa *a)
{
	const __typeof__(a->d->clock) *c = &a->d->clock;

	for (size_t i = 0; i < c->ntimers; i++) {
		const struct domain_timer *t = &c->timers[i];

		if (a->kvm && !strcmp(t->name, "pit") && t->tickpolicy &&
		    !strcmp(t->tickpolicy, "delay")) {
			qa_add(a, "-global");
			qa_add(a, "kvm-pit.lost_tick_policy=delay");
		}
	}
}

/* ---- controllers ---- */

struct ctl_map {
	const char *model, *device;
};
static const struct ctl_map pci_devs[] = {
	{ "pcie-root-port", "pcie-root-port" },
	{ "pci-bridge", "pci-bridge" },
	{ "dmi-to-pci-bridge", "i82801b11-bridge" },
	{ "pcie-to-pci-bridge", "pcie-pci-bridge" },
	{ "pcie-switch-upstream-port", "x3130-upstream" },
	{ "pcie-switch-downstream-port", "xio3130-downstream" },
};
static const struct ctl_map usb_devs[] = {
	{ "piix3-uhci", "piix3-usb-uhci" }, { "piix4-uhci", "piix4-usb-uhci" },
	{ "ehci", "usb-ehci" }, { "ich9-ehci1", "ich9-usb-ehci1" },
	{ "ich9-uhci1", "ich9-usb-uhci1" }, { "ich9-uhci2", "ich9-usb-uhci2" },
	{ "ich9-uhci3", "ich9-usb-uhci3" }, { "nec-xhci", "nec-usb-xhci" },
	{ "qemu-xhci", "qemu-xhci" },
};

static const char *
ctl_device(const struct ctl_map *m, size_t n, const char *model)
{
	for (size_t i = 0; i < n; i++)
		if (model && !strcmp(m[i].model, model))
			return m[i].device;
	return NULL;
}

static int
add_pci_controller(struct qa *a, const struct domain_controller *k)
{
	unsigned long idx = num(k->index, 0);
	const char *dev = ctl_device(pci_devs, 6, k->model);
	struct sb b = { 0 };

	if (!k->model || !strcmp(k->model, "pci-root") ||
	    !strcmp(k->model, "pcie-root"))
		return 0;
	sb_printf(&b, "%s,id=pci.%lu", dev, idx);
	if (!strcmp(dev, "pci-bridge"))
		sb_printf(&b, ",chassis_nr=%lu", num(k->chassis_nr, idx));
	if (!strcmp(dev, "pcie-root-port") ||
	    !strcmp(dev, "xio3130-downstream"))
		sb_printf(&b, ",chassis=%lu,port=0x%lx", num(k->chassis, idx),
		    num(k->port, 0));
	if (k->hotplug)
		sb_printf(&b, ",hotplug=%s", !strcmp(k->hotplug, "off") ?
		    "off" : "on");
	sb_pci_addr(a, &b, &k->addr);
	qa_opt(a, "-device", &b);
	return 0;
}

/* Only usb controller index 0 is supported (bus usb.0). */
static int
add_usb_controller(struct qa *a, const struct domain_controller *k)
{
	const char *model = k->model ? k->model :
	    a->q35 ? "qemu-xhci" : "piix3-uhci";
	unsigned long idx = num(k->index, 0);
	struct sb b = { 0 };

	if (!strcmp(model, "none"))
		return 0;
	if (idx)
		return qa_fail(a, "usb controller index %lu: only index 0 is "
		    "supported", idx);
	sb_printf(&b, "%s", ctl_device(usb_devs, 9, model));
	if (k->master_startport) /* companions hang off the master's bus */
		sb_printf(&b, ",masterbus=usb%s.0,firstport=%lu",
		    idx ? "1" : "", num(k->master_startport, 0));
	else if (idx)
		sb_printf(&b, ",id=usb%lu", idx);
	else
		sb_printf(&b, ",id=usb");
	if (k->ports && strstr(model, "xhci"))
		sb_printf(&b, ",p2=%lu,p3=%lu", num(k->ports, 4),
		    num(k->ports, 4));
	sb_pci_addr(a, &b, &k->addr);
	qa_opt(a, "-device", &b);
	return 0;
}

static int
add_other_controller(struct qa *a, const struct domain_controller *k)
{
	unsigned long idx = num(k->index, 0);
	struct sb b = { 0 };

	if (!strcmp(k->type, "scsi")) {
		bool lsi = k->model && !strcmp(k->model, "lsilogic");

		sb_printf(&b, "%s,id=scsi%lu", lsi ? "lsi" : "virtio-scsi-pci",
		    idx);
		if (k->queues && !lsi)
			sb_printf(&b, ",num_queues=%lu", num(k->queues, 1));
	} else if (!strcmp(k->type, "virtio-serial")) {
		sb_printf(&b, "virtio-serial-pci,id=virtio-serial%lu", idx);
		if (k->ports)
			sb_printf(&b, ",max_ports=%lu", num(k->ports, 31));
		if (k->vectors)
			sb_printf(&b, ",vectors=%lu", num(k->vectors, 2));
	} else if (!strcmp(k->type, "sata") && !(a->q35 && idx == 0)) {
		sb_printf(&b, "ahci,id=sata%lu", idx);
	} else if (!strcmp(k->type, "ide") && idx > 0) {
		return qa_fail(a, "only the built-in ide controller is "
		    "supported");
	} else {
		return 0; /* built in: ide on pc, sata 0 on q35 */
	}
	sb_pci_addr(a, &b, &k->addr);
	qa_opt(a, "-device", &b);
	return 0;
}

static const struct domain_controller *
find_controller(const struct domain_def *d, const char *type, unsigned idx)
{
	for (size_t i = 0; i < d->ncontrollers; i++)
		if (!strcmp(d->controllers[i].type, type) &&
		    num(d->controllers[i].index, 0) == idx)
			return &d->controllers[i];
	return NULL;
}

/* Controllers the devices need but the definition left implicit. */
static void
add_implicit_controllers(struct qa *a)
{
	const struct domain_def *d = a->d;
	bool scsi = false, sata = false;

	for (size_t i = 0; i < d->ndisks; i++) {
		scsi |= d->disks[i].bus == DOMAIN_BUS_SCSI;
		sata |= d->disks[i].bus == DOMAIN_BUS_SATA;
	}
	if (scsi && !find_controller(d, "scsi", 0)) {
		qa_add(a, "-device");
		qa_add(a, "virtio-scsi-pci,id=scsi0");
	}
	if (sata && !a->q35 && !find_controller(d, "sata", 0)) {
		qa_add(a, "-device");
		qa_add(a, "ahci,id=sata0");
	}
	if ((d->nchannels || (d->nconsoles && d->consoles[0].target_type &&
	    !strcmp(d->consoles[0].target_type, "virtio"))) &&
	    !find_controller(d, "virtio-serial", 0)) {
		qa_add(a, "-device");
		qa_add(a, "virtio-serial-pci,id=virtio-serial0");
	}
}

static int
add_controllers(struct qa *a)
{
	const struct domain_def *d = a->d;
	int rc = 0;

	for (size_t i = 0; i < d->ncontrollers && rc == 0; i++) {
		const struct domain_controller *k = &d->controllers[i];

		if (!strcmp(k->type, "pci"))
			rc = add_pci_controller(a, k);
		else if (!strcmp(k->type, "usb"))
			rc = add_usb_controller(a, k);
		else
			rc = add_other_controller(a, k);
	}
	if (rc == 0)
		add_implicit_controllers(a);
	return rc;
}

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

static int
add_disks(struct qa *a)
{
	const struct domain_def *d = a->d;
	bool hd = false, cd = false;

	for (size_t i = 0; i < d->ndisks; i++) {
		const struct domain_disk *k = &d->disks[i];
		int bi = (int)num(k->boot_order, 0);

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
	if (num(f->driver_queues, 1) > 1)
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

static int
add_nets(struct qa *a)
{
	for (size_t i = 0; i < a->d->ninterfaces; i++) {
		int bi = (int)num(a->d->interfaces[i].boot_order, 0);

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

static int
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
		    add_serial_device(a, c, id, num(c->target_port, i), chr) < 0)
			return -EINVAL;
	}
	return 0;
}

static int
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

static int
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
		    "chardev=%s,id=channel%zu", num(ad->controller, 0),
		    num(ad->port, i + 1), chr, i);
		if (c->target_name)
			sb_kv(&b, "name", c->target_name);
		qa_opt(a, "-device", &b);
	}
	return 0;
}

/* ---- input, balloon, rng ---- */

static int
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

static int
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
	for (size_t i = 0; i < d->nrngs; i++) {
		const struct domain_rng *r = &d->rngs[i];

		sb_printf(&b, "rng-random,id=objrng%zu", i);
		sb_kv(&b, "filename", r->backend_path);
		qa_opt(a, "-object", &b);
		sb_printf(&b, "virtio-rng-pci,rng=objrng%zu,id=rng%zu", i, i);
		if (r->rate_bytes)
			sb_printf(&b, ",max-bytes=%lu,period=%lu",
			    num(r->rate_bytes, 0), num(r->rate_period, 1000));
		if (sb_pci_addr(a, &b, &r->addr) < 0)
			return -EINVAL;
		qa_opt(a, "-device", &b);
	}
	return 0;
}

/* ---- top level ---- */

static int
qa_init(struct qa *a, const struct domain_def *d,
    const struct qemu_launch *l)
{
	const char *m = d->os.machine ? d->os.machine : "pc";

	a->d = d, a->l = l;
	a->kvm = d->virt == DOMAIN_VIRT_KVM;
	a->q35 = !strncmp(m, "q35", 3) || !strncmp(m, "pc-q35", 6);
	for (size_t i = 0; i < d->ncontrollers; i++)
		if (!strcmp(d->controllers[i].type, "usb") &&
		    (!d->controllers[i].model ||
		    strcmp(d->controllers[i].model, "none")))
			a->usb = true;
	for (size_t i = 0; i < d->os.nboot; i++) {
		int *slot = d->os.boot[i] == DOMAIN_BOOT_HD ? &a->boot_hd :
		    d->os.boot[i] == DOMAIN_BOOT_CDROM ? &a->boot_cd :
		    d->os.boot[i] == DOMAIN_BOOT_NETWORK ? &a->boot_net : NULL;

		if (!slot)
			return qa_fail(a, "boot from floppy is not supported");
		if (!*slot)
			*slot = (int)i + 1;
	}
	if (l->qmp_fd < 0)
		return qa_fail(a, "no QMP socket fd");
	if (d->nserials > l->nserial_fds || d->nchannels > l->nchannel_fds)
		return qa_fail(a, "a socket fd is missing for a serial port "
		    "or channel");
	return 0;
}

static void
add_head(struct qa *a)
{
	const struct domain_def *d = a->d;
	struct sb b = { 0 };
	char uuid[37];

	qa_add(a, a->l->emulator ? a->l->emulator :
	    d->emulator ? d->emulator : QEMU_DEFAULT_EMULATOR);
	sb_kv(&b, "guest", d->name);
	sb_printf(&b, ",debug-threads=on");
	qa_opt(a, "-name", &b);
	qa_add(a, "-S");
	qa_add(a, "-no-user-config");
	qa_add(a, "-nodefaults");
	add_machine(a);
	add_cpu(a);
	add_memory_smp(a);
	domain_uuid_format(d->uuid, uuid);
	qa_add(a, "-uuid");
	qa_add(a, uuid);
	qa_add(a, "-display");
	qa_add(a, "none");
	sb_printf(&b, "socket,id=charmonitor,fd=%d", a->l->qmp_fd);
	qa_opt(a, "-chardev", &b);
	qa_add(a, "-mon");
	qa_add(a, "chardev=charmonitor,id=monitor,mode=control");
}

static void
add_boot(struct qa *a)
{
	const struct domain_def *d = a->d;
	struct sb b = { 0 };

	if (d->on_poweroff && d->on_poweroff != DOMAIN_ACTION_DESTROY)
		qa_add(a, "-no-shutdown");
	if (d->on_reboot == DOMAIN_ACTION_DESTROY)
		qa_add(a, "-no-reboot");
	sb_printf(&b, "strict=on");
	if (d->os.bootmenu)
		sb_printf(&b, ",menu=%s", d->os.bootmenu == DOMAIN_YES ? "on" :
		    "off");
	if (d->os.bootmenu_timeout)
		sb_printf(&b, ",splash-time=%lu", num(d->os.bootmenu_timeout,
		    0));
	qa_opt(a, "-boot", &b);
	/* -kernel, -initrd and -append take their argument verbatim */
	if (d->os.kernel) {
		qa_add(a, "-kernel");
		qa_add(a, d->os.kernel);
	}
	if (d->os.initrd) {
		qa_add(a, "-initrd");
		qa_add(a, d->os.initrd);
	}
	if (d->os.cmdline) {
		qa_add(a, "-append");
		qa_add(a, d->os.cmdline);
	}
}

int
qemu_build_argv(const struct domain_def *d, const struct qemu_launch *l,
    char ***argv, char *err, size_t errlen)
{
	struct qa a = { .err = err, .errlen = errlen };
	int rc;

	*argv = NULL;
	if (err && errlen)
		err[0] = '\0';
	if ((rc = qa_init(&a, d, l)) < 0)
		return rc;
	add_head(&a);
	rc = add_rtc(&a);
	add_globals(&a);
	add_boot(&a);
	rc = rc ?: add_controllers(&a) ?: add_disks(&a) ?: add_nets(&a) ?:
	    add_serials(&a) ?: add_consoles(&a) ?: add_channels(&a) ?:
	    add_inputs(&a) ?: add_balloon_rng(&a);
	if (!l->no_sandbox) {
		qa_add(&a, "-sandbox");
		qa_add(&a, "on,obsolete=deny,elevateprivileges=deny,"
		    "spawn=deny,resourcecontrol=deny");
	}
	qa_add(&a, "-msg");
	qa_add(&a, "timestamp=on");
	if (rc == 0 && a.oom) {
		qa_fail(&a, "out of memory");
		rc = -ENOMEM;
	}
	if (rc < 0) {
		qemu_argv_free(a.v);
		return rc;
	}
	*argv = a.v;
	return 0;
}

void
qemu_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}
