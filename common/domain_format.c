/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Formatting of a domain definition as libvirt XML (vmhostd's define/dumpxml). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/domain_priv.h"

#define EN dx_ename

static void
fmt_address(struct dbuf *b, int ind, const struct domain_address *a)
{
	if (a->type)
		dbuf_leaf(b, ind, "address", domain_addr_attrs,
		    domain_addr_nattrs, a, true);
}

static void
fmt_boot_order(struct dbuf *b, int ind, const char *order)
{
	if (!order)
		return;
	dbuf_printf(b, "%*s<boot", ind, "");
	dbuf_attr(b, "order", order);
	dbuf_printf(b, "/>\n");
}

/* indent<name a1='v1' ...> with a NULL-terminated name/value list. */
static void
fmt_open(struct dbuf *b, int ind, const char *name, const char *const *kv,
    bool empty)
{
	dbuf_printf(b, "%*s<%s", ind, "", name);
	for (; kv[0]; kv += 2)
		dbuf_attr(b, kv[0], kv[1]);
	dbuf_printf(b, empty ? "/>\n" : ">\n");
}

/* Like fmt_open(empty), but only when some value is set. */
static void
fmt_leaf(struct dbuf *b, int ind, const char *name, const char *const *kv)
{
	for (const char *const *p = kv; p[0]; p += 2)
		if (p[1]) {
			fmt_open(b, ind, name, kv, true);
			return;
		}
}

#define KV(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
fmt_disk(struct dbuf *b, const struct domain_disk *k)
{
	fmt_open(b, 4, "disk", KV("type", EN(dx_disk_type_names, k->type),
	    "device", EN(dx_disk_device_names, k->device), "snapshot",
	    k->snapshot), false);
	fmt_leaf(b, 6, "driver", KV("name", k->driver.name, "type",
	    EN(dx_format_names, k->driver.format), "cache", k->driver.cache,
	    "error_policy", k->driver.error_policy, "rerror_policy",
	    k->driver.rerror_policy, "io", k->driver.io, "discard",
	    k->driver.discard, "detect_zeroes", k->driver.detect_zeroes,
	    "queues", k->driver.queues));
	if (k->source)
		fmt_open(b, 6, "source", KV(k->type == DOMAIN_DISK_BLOCK ?
		    "dev" : "file", k->source), true);
	fmt_open(b, 6, "target", KV("dev", k->target_dev, "bus",
	    EN(dx_disk_bus_names, k->bus), "tray", k->tray, "rotation_rate",
	    k->rotation_rate), true);
	fmt_boot_order(b, 6, k->boot_order);
	if (k->readonly)
		dbuf_printf(b, "      <readonly/>\n");
	if (k->shareable)
		dbuf_printf(b, "      <shareable/>\n");
	dbuf_elem(b, 6, "serial", k->serial);
	fmt_address(b, 6, &k->addr);
	dbuf_printf(b, "    </disk>\n");
}

static void
fmt_controller(struct dbuf *b, const struct domain_controller *k)
{
	bool kids = k->master_startport || k->model_name || k->chassis_nr ||
	    k->chassis || k->port || k->bus_nr || k->hotplug || k->queues ||
	    k->addr.type;

	fmt_open(b, 4, "controller", KV("type", k->type, "index", k->index,
	    "model", k->model, "ports", k->ports, "vectors", k->vectors),
	    !kids);
	if (!kids)
		return;
	fmt_leaf(b, 6, "master", KV("startport", k->master_startport));
	fmt_leaf(b, 6, "model", KV("name", k->model_name));
	fmt_leaf(b, 6, "target", KV("chassisNr", k->chassis_nr, "chassis",
	    k->chassis, "port", k->port, "busNr", k->bus_nr, "hotplug",
	    k->hotplug));
	fmt_leaf(b, 6, "driver", KV("queues", k->queues));
	fmt_address(b, 6, &k->addr);
	dbuf_printf(b, "    </controller>\n");
}

static void
fmt_interface(struct dbuf *b, const struct domain_interface *f,
    unsigned flags)
{
	char mac[18];

	fmt_open(b, 4, "interface", KV("type", EN(dx_net_type_names,
	    f->type)), false);
	domain_mac_format(f->mac, mac);
	if (!f->mac_generated || !(flags & DOMAIN_FORMAT_NO_GENERATED))
		fmt_open(b, 6, "mac", KV("address", mac), true);
	fmt_leaf(b, 6, "source", KV("network", f->network, "portgroup",
	    f->portgroup, "bridge", f->bridge));
	fmt_leaf(b, 6, "target", KV("dev", f->target_dev, "managed",
	    f->target_managed));
	fmt_leaf(b, 6, "model", KV("type", f->model));
	fmt_leaf(b, 6, "driver", KV("name", f->driver_name, "queues",
	    f->driver_queues));
	fmt_leaf(b, 6, "link", KV("state", f->link_state));
	fmt_leaf(b, 6, "mtu", KV("size", f->mtu));
	fmt_boot_order(b, 6, f->boot_order);
	fmt_address(b, 6, &f->addr);
	dbuf_printf(b, "    </interface>\n");
}

static void
fmt_chardev(struct dbuf *b, const char *name, const struct domain_chardev *c)
{
	fmt_open(b, 4, name, KV("type", EN(dx_chr_type_names, c->type)),
	    false);
	fmt_leaf(b, 6, "source", KV("mode", c->source_mode, "path",
	    c->source_path, "append", EN(dx_onoff_names, c->source_append)));
	if (c->target_model) {
		fmt_open(b, 6, "target", KV("type", c->target_type, "name",
		    c->target_name, "port", c->target_port), false);
		fmt_open(b, 8, "model", KV("name", c->target_model), true);
		dbuf_printf(b, "      </target>\n");
	} else {
		fmt_leaf(b, 6, "target", KV("type", c->target_type, "name",
		    c->target_name, "port", c->target_port));
	}
	fmt_address(b, 6, &c->addr);
	dbuf_printf(b, "    </%s>\n", name);
}

static void
fmt_misc_devices(struct dbuf *b, const struct domain_def *d)
{
	for (size_t i = 0; i < d->ninputs; i++) {
		const struct domain_input *in = &d->inputs[i];

		fmt_open(b, 4, "input", KV("type", in->type, "bus", in->bus),
		    !in->addr.type);
		if (in->addr.type) {
			fmt_address(b, 6, &in->addr);
			dbuf_printf(b, "    </input>\n");
		}
	}
	if (d->memballoon_model) {
		bool kids = d->memballoon_stats_period ||
		    d->memballoon_addr.type;

		fmt_open(b, 4, "memballoon", KV("model", d->memballoon_model,
		    "autodeflate", EN(dx_onoff_names,
		    d->memballoon_autodeflate), "freePageReporting",
		    EN(dx_onoff_names, d->memballoon_free_page_reporting)),
		    !kids);
		if (kids) {
			fmt_leaf(b, 6, "stats",
			    KV("period", d->memballoon_stats_period));
			fmt_address(b, 6, &d->memballoon_addr);
			dbuf_printf(b, "    </memballoon>\n");
		}
	}
	if (d->panic_model) {
		fmt_open(b, 4, "panic", KV("model", d->panic_model),
		    !d->panic_addr.type);
		if (d->panic_addr.type) {
			fmt_address(b, 6, &d->panic_addr);
			dbuf_printf(b, "    </panic>\n");
		}
	}
	for (size_t i = 0; i < d->nrngs; i++) {
		const struct domain_rng *r = &d->rngs[i];

		fmt_open(b, 4, "rng", KV("model", r->model), false);
		fmt_leaf(b, 6, "rate", KV("bytes", r->rate_bytes, "period",
		    r->rate_period));
		fmt_open(b, 6, "backend", KV("model", r->backend_model), false);
		if (!b->oom)
			b->len--; /* text right after ">" */
		dbuf_esc(b, r->backend_path);
		dbuf_printf(b, "</backend>\n");
		fmt_address(b, 6, &r->addr);
		dbuf_printf(b, "    </rng>\n");
	}
}

void
domain_format_devices(struct dbuf *b, const struct domain_def *d,
    unsigned flags)
{
	dbuf_printf(b, "  <devices>\n");
	dbuf_elem(b, 4, "emulator", d->emulator);
	for (size_t i = 0; i < d->ndisks; i++)
		fmt_disk(b, &d->disks[i]);
	for (size_t i = 0; i < d->ncontrollers; i++)
		fmt_controller(b, &d->controllers[i]);
	for (size_t i = 0; i < d->ninterfaces; i++)
		fmt_interface(b, &d->interfaces[i], flags);
	for (size_t i = 0; i < d->nserials; i++)
		fmt_chardev(b, "serial", &d->serials[i]);
	for (size_t i = 0; i < d->nconsoles; i++)
		fmt_chardev(b, "console", &d->consoles[i]);
	for (size_t i = 0; i < d->nchannels; i++)
		fmt_chardev(b, "channel", &d->channels[i]);
	fmt_misc_devices(b, d);
	dbuf_printf(b, "  </devices>\n");
}

static void
fmt_os(struct dbuf *b, const struct domain_def *d)
{
	dbuf_printf(b, "  <os>\n    <type");
	dbuf_attr(b, "arch", d->os.arch);
	dbuf_attr(b, "machine", d->os.machine);
	dbuf_printf(b, ">");
	dbuf_esc(b, d->os.type);
	dbuf_printf(b, "</type>\n");
	dbuf_elem(b, 4, "kernel", d->os.kernel);
	dbuf_elem(b, 4, "initrd", d->os.initrd);
	dbuf_elem(b, 4, "cmdline", d->os.cmdline);
	for (size_t i = 0; i < d->os.nboot; i++)
		fmt_open(b, 4, "boot", KV("dev", EN(dx_boot_names,
		    d->os.boot[i])), true);
	fmt_leaf(b, 4, "bootmenu", KV("enable", EN(dx_yesno_names,
	    d->os.bootmenu), "timeout", d->os.bootmenu_timeout));
	dbuf_printf(b, "  </os>\n");
}

static void
fmt_features(struct dbuf *b, const struct domain_def *d)
{
	const __typeof__(d->features) *f = &d->features;

	if (!f->present)
		return;
	if (!f->acpi && !f->apic && !f->pae && !f->has_pvspinlock &&
	    !f->has_vmport && !f->has_pmu) {
		dbuf_printf(b, "  <features/>\n");
		return;
	}
	dbuf_printf(b, "  <features>\n");
	if (f->acpi)
		dbuf_printf(b, "    <acpi/>\n");
	if (f->apic)
		fmt_open(b, 4, "apic", KV("eoi", EN(dx_onoff_names,
		    f->apic_eoi)), true);
	if (f->pae)
		dbuf_printf(b, "    <pae/>\n");
	if (f->has_pvspinlock)
		fmt_open(b, 4, "pvspinlock", KV("state", EN(dx_onoff_names,
		    f->pvspinlock)), true);
	if (f->has_vmport)
		fmt_open(b, 4, "vmport", KV("state", EN(dx_onoff_names,
		    f->vmport)), true);
	if (f->has_pmu)
		fmt_open(b, 4, "pmu", KV("state", EN(dx_onoff_names, f->pmu)),
		    true);
	dbuf_printf(b, "  </features>\n");
}

static void
fmt_cpu_body(struct dbuf *b, const struct domain_def *d)
{
	const __typeof__(d->cpu) *c = &d->cpu;
	char s[4][16];

	if (c->has_model) {
		fmt_open(b, 4, "model", KV("fallback", c->model_fallback,
		    "vendor_id", c->model_vendor_id), !c->model);
		if (c->model) {
			if (!b->oom)
				b->len--;
			dbuf_esc(b, c->model);
			dbuf_printf(b, "</model>\n");
		}
	}
	dbuf_elem(b, 4, "vendor", c->vendor);
	if (c->sockets) {
		snprintf(s[0], sizeof(s[0]), "%u", c->sockets);
		snprintf(s[1], sizeof(s[1]), "%u", c->dies);
		snprintf(s[2], sizeof(s[2]), "%u", c->cores);
		snprintf(s[3], sizeof(s[3]), "%u", c->threads);
		fmt_open(b, 4, "topology", KV("sockets", s[0], "dies",
		    c->dies ? s[1] : NULL, "cores", s[2], "threads", s[3]),
		    true);
	}
	fmt_leaf(b, 4, "maxphysaddr", KV("mode", c->maxphysaddr_mode, "bits",
	    c->maxphysaddr_bits));
	for (size_t i = 0; i < c->nfeatures; i++)
		fmt_open(b, 4, "feature", KV("policy", EN(dx_policy_names,
		    c->features[i].policy), "name", c->features[i].name), true);
}

static void
fmt_cpu(struct dbuf *b, const struct domain_def *d)
{
	const __typeof__(d->cpu) *c = &d->cpu;
	bool empty = !c->has_model && !c->vendor && !c->sockets &&
	    !c->maxphysaddr_mode && !c->maxphysaddr_bits && !c->nfeatures;

	if (!c->present)
		return;
	fmt_open(b, 2, "cpu", KV("mode", EN(dx_cpu_mode_names, c->mode),
	    "match", c->match, "check", c->check, "migratable",
	    c->migratable), empty);
	if (empty)
		return;
	fmt_cpu_body(b, d);
	dbuf_printf(b, "  </cpu>\n");
}

static void
fmt_clock(struct dbuf *b, const struct domain_def *d)
{
	const __typeof__(d->clock) *c = &d->clock;

	if (!c->offset)
		return;
	fmt_open(b, 2, "clock", KV("offset", EN(dx_offset_names, c->offset),
	    "adjustment", c->adjustment, "basis", c->basis, "timezone",
	    c->timezone, "start", c->start), !c->ntimers);
	for (size_t i = 0; i < c->ntimers; i++) {
		const struct domain_timer *t = &c->timers[i];
		bool cu = t->catchup_threshold || t->catchup_slew ||
		    t->catchup_limit;

		fmt_open(b, 4, "timer", KV("name", t->name, "tickpolicy",
		    t->tickpolicy, "track", t->track, "frequency",
		    t->frequency, "mode", t->mode, "present",
		    EN(dx_yesno_names, t->present)), !cu);
		if (!cu)
			continue;
		fmt_leaf(b, 6, "catchup", KV("threshold",
		    t->catchup_threshold, "slew", t->catchup_slew, "limit",
		    t->catchup_limit));
		dbuf_printf(b, "    </timer>\n");
	}
	if (c->ntimers)
		dbuf_printf(b, "  </clock>\n");
}

static void
fmt_lifecycle(struct dbuf *b, const struct domain_def *d)
{
	dbuf_elem(b, 2, "on_poweroff", EN(dx_action_names, d->on_poweroff));
	dbuf_elem(b, 2, "on_reboot", EN(dx_action_names, d->on_reboot));
	dbuf_elem(b, 2, "on_crash", EN(dx_action_names, d->on_crash));
	if (!d->has_pm)
		return;
	dbuf_printf(b, "  <pm>\n");
	fmt_leaf(b, 4, "suspend-to-mem", KV("enabled", EN(dx_yesno_names,
	    d->pm_suspend_to_mem)));
	fmt_leaf(b, 4, "suspend-to-disk", KV("enabled", EN(dx_yesno_names,
	    d->pm_suspend_to_disk)));
	dbuf_printf(b, "  </pm>\n");
}

static void
fmt_seclabels(struct dbuf *b, const struct domain_def *d)
{
	for (size_t i = 0; i < d->nseclabels; i++) {
		const struct domain_seclabel *s = &d->seclabels[i];
		bool kids = s->label || s->imagelabel || s->baselabel;

		fmt_open(b, 2, "seclabel", KV("type", EN(dx_seclabel_names,
		    s->type), "model", s->model, "relabel",
		    EN(dx_yesno_names, s->relabel)), !kids);
		if (!kids)
			continue;
		dbuf_elem(b, 4, "label", s->label);
		dbuf_elem(b, 4, "imagelabel", s->imagelabel);
		dbuf_elem(b, 4, "baselabel", s->baselabel);
		dbuf_printf(b, "  </seclabel>\n");
	}
}

static void
fmt_memtune(struct dbuf *b, const struct domain_def *d)
{
	static const char *const names[] = { "hard_limit", "soft_limit",
		"swap_hard_limit" };
	const uint64_t v[] = { d->memtune.hard_kib, d->memtune.soft_kib,
		d->memtune.swap_hard_kib };

	if (!v[0] && !v[1] && !v[2])
		return;
	dbuf_printf(b, "  <memtune>\n");
	for (size_t i = 0; i < 3; i++)
		if (v[i])
			dbuf_printf(b, "    <%s unit='KiB'>%" PRIu64 "</%s>\n",
			    names[i], v[i], names[i]);
	dbuf_printf(b, "  </memtune>\n");
}

static void
fmt_cputune(struct dbuf *b, const struct domain_def *d)
{
	if (!d->cputune.shares && !d->cputune.period && !d->cputune.quota)
		return;
	dbuf_printf(b, "  <cputune>\n");
	if (d->cputune.shares)
		dbuf_printf(b, "    <shares>%llu</shares>\n", d->cputune.shares);
	if (d->cputune.period)
		dbuf_printf(b, "    <period>%llu</period>\n", d->cputune.period);
	if (d->cputune.quota)
		dbuf_printf(b, "    <quota>%lld</quota>\n", d->cputune.quota);
	dbuf_printf(b, "  </cputune>\n");
}

static void
fmt_head(struct dbuf *b, const struct domain_def *d, unsigned flags)
{
	char uuid[37];
	uint64_t cur = d->current_memory_kib ? d->current_memory_kib :
	    d->memory_kib;

	fmt_open(b, 0, "domain", KV("type", EN(dx_virt_names, d->virt), "id",
	    d->id), false);
	dbuf_elem(b, 2, "name", d->name);
	domain_uuid_format(d->uuid, uuid);
	if (!d->uuid_generated || !(flags & DOMAIN_FORMAT_NO_GENERATED))
		dbuf_elem(b, 2, "uuid", uuid);
	dbuf_elem(b, 2, "title", d->title);
	dbuf_elem(b, 2, "description", d->description);
	dbuf_printf(b, "  <memory unit='KiB'>%" PRIu64 "</memory>\n",
	    d->memory_kib);
	dbuf_printf(b, "  <currentMemory unit='KiB'>%" PRIu64
	    "</currentMemory>\n", cur);
	fmt_memtune(b, d);
	dbuf_printf(b, "  <vcpu");
	dbuf_attr(b, "placement", d->vcpu_placement);
	dbuf_attr(b, "cpuset", d->vcpu_cpuset);
	if (d->vcpus_current)
		dbuf_printf(b, " current='%u'", d->vcpus_current);
	dbuf_printf(b, ">%u</vcpu>\n", d->vcpus);
	fmt_cputune(b, d);
}

char *
domain_format(const struct domain_def *d, unsigned flags)
{
	struct dbuf b = { 0 };

	if (!d)
		return NULL;
	fmt_head(&b, d, flags);
	fmt_os(&b, d);
	fmt_features(&b, d);
	fmt_cpu(&b, d);
	fmt_clock(&b, d);
	fmt_lifecycle(&b, d);
	domain_format_devices(&b, d, flags);
	fmt_seclabels(&b, d);
	dbuf_printf(&b, "</domain>\n");
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}
