/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Builds the QEMU 7.2 argv for a domain in vmhostd (pure function, golden-tested). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmhostd/qemu_argv_priv.h"

void
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
void
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

int
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

void
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

void
qa_add(struct qa *a, const char *s)
{
	qa_push(a, strdup(s));
}

/* Push opt, then the composed option (its leading ',' dropped). */
void
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

unsigned long
qa_num(const char *s, unsigned long dflt)
{
	return s ? strtoul(s, NULL, 0) : dflt;
}

static const char *
root_bus(const struct qa *a)
{
	return a->q35 ? "pcie.0" : "pci.0";
}

/* ",bus=...,addr=..." for a pci <address>; nothing when absent. */
int
sb_pci_addr(struct qa *a, struct sb *b, const struct domain_address *ad)
{
	unsigned long bus;

	if (!ad->type)
		return 0;
	if (ad->type != DOMAIN_ADDR_PCI)
		return qa_fail(a, "device address is not of type 'pci'");
	bus = qa_num(ad->bus, 0);
	if (bus == 0)
		sb_printf(b, ",bus=%s", root_bus(a));
	else
		sb_printf(b, ",bus=pci.%lu", bus);
	sb_printf(b, ",addr=0x%lx", qa_num(ad->slot, 0));
	if (qa_num(ad->function, 0))
		sb_printf(b, ".0x%lx", qa_num(ad->function, 0));
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
		    (time_t)qa_num(c->start, 0) :
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
	unsigned long idx = qa_num(k->index, 0);
	const char *dev = ctl_device(pci_devs, 6, k->model);
	struct sb b = { 0 };

	if (!k->model || !strcmp(k->model, "pci-root") ||
	    !strcmp(k->model, "pcie-root"))
		return 0;
	sb_printf(&b, "%s,id=pci.%lu", dev, idx);
	if (!strcmp(dev, "pci-bridge"))
		sb_printf(&b, ",chassis_nr=%lu", qa_num(k->chassis_nr, idx));
	if (!strcmp(dev, "pcie-root-port") ||
	    !strcmp(dev, "xio3130-downstream"))
		sb_printf(&b, ",chassis=%lu,port=0x%lx", qa_num(k->chassis, idx),
		    qa_num(k->port, 0));
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
	unsigned long idx = qa_num(k->index, 0);
	struct sb b = { 0 };

	if (!strcmp(model, "none"))
		return 0;
	if (idx)
		return qa_fail(a, "usb controller index %lu: only index 0 is "
		    "supported", idx);
	sb_printf(&b, "%s", ctl_device(usb_devs, 9, model));
	if (k->master_startport) /* companions hang off the master's bus */
		sb_printf(&b, ",masterbus=usb%s.0,firstport=%lu",
		    idx ? "1" : "", qa_num(k->master_startport, 0));
	else if (idx)
		sb_printf(&b, ",id=usb%lu", idx);
	else
		sb_printf(&b, ",id=usb");
	if (k->ports && strstr(model, "xhci"))
		sb_printf(&b, ",p2=%lu,p3=%lu", qa_num(k->ports, 4),
		    qa_num(k->ports, 4));
	sb_pci_addr(a, &b, &k->addr);
	qa_opt(a, "-device", &b);
	return 0;
}

static int
add_other_controller(struct qa *a, const struct domain_controller *k)
{
	unsigned long idx = qa_num(k->index, 0);
	struct sb b = { 0 };

	if (!strcmp(k->type, "scsi")) {
		bool lsi = k->model && !strcmp(k->model, "lsilogic");

		sb_printf(&b, "%s,id=scsi%lu", lsi ? "lsi" : "virtio-scsi-pci",
		    idx);
		if (k->queues && !lsi)
			sb_printf(&b, ",num_queues=%lu", qa_num(k->queues, 1));
	} else if (!strcmp(k->type, "virtio-serial")) {
		sb_printf(&b, "virtio-serial-pci,id=virtio-serial%lu", idx);
		if (k->ports)
			sb_printf(&b, ",max_ports=%lu", qa_num(k->ports, 31));
		if (k->vectors)
			sb_printf(&b, ",vectors=%lu", qa_num(k->vectors, 2));
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
		    qa_num(d->controllers[i].index, 0) == idx)
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
	sb_printf(&b, "socket,id=charmonitor,fd=%d%s", a->l->qmp_fd,
	    a->l->chardev_listen ? ",server=on,wait=off" : "");
	qa_opt(a, "-chardev", &b);
	qa_add(a, "-mon");
	qa_add(a, "chardev=charmonitor,id=monitor,mode=control");
}

static void
add_boot(struct qa *a)
{
	const struct domain_def *d = a->d;
	struct sb b = { 0 };

	if (a->l->always_no_shutdown ||
	    (d->on_poweroff && d->on_poweroff != DOMAIN_ACTION_DESTROY))
		qa_add(a, "-no-shutdown");
	if (d->on_reboot == DOMAIN_ACTION_DESTROY)
		qa_add(a, "-no-reboot");
	/* restart and preserve: the emulator waits and vmhostd acts */
	if (d->panic_model && (d->on_crash == DOMAIN_ACTION_RESTART ||
	    d->on_crash == DOMAIN_ACTION_PRESERVE)) {
		qa_add(a, "-action");
		qa_add(a, "panic=pause");
	}
	sb_printf(&b, "strict=on");
	if (d->os.bootmenu)
		sb_printf(&b, ",menu=%s", d->os.bootmenu == DOMAIN_YES ? "on" :
		    "off");
	if (d->os.bootmenu_timeout)
		sb_printf(&b, ",splash-time=%lu", qa_num(d->os.bootmenu_timeout,
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

/* on_crash values with no QEMU counterpart here are refused, not ignored. */
static int
check_actions(struct qa *a)
{
	static const char *const names[] = { NULL, "destroy", "restart",
		"preserve", "rename-restart", "coredump-destroy",
		"coredump-restart" };
	int c = a->d->on_crash;

	if (c == DOMAIN_ACTION_RENAME_RESTART ||
	    c == DOMAIN_ACTION_COREDUMP_DESTROY ||
	    c == DOMAIN_ACTION_COREDUMP_RESTART) {
		qa_fail(a, "on_crash '%s' is not supported (use destroy, restart or preserve)",
		    names[c]);
		return -ENOTSUP;
	}
	return 0;
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
	rc = check_actions(&a);
	rc = rc ?: add_rtc(&a);
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
