/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's view of the host (CPU map, host CPU, QEMU machines) and the guest CPU check, in vmhostd. */
#define LOG_MODULE "caps"
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/daemon.h"
#include "common/domain_xml.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/priv.h"
#include "common/spawn.h"
#include "vmhostd/capabilities.h"
#include "vmhostd/vmhostd.h"

#ifndef VMHOST_DATADIR
#define VMHOST_DATADIR "/usr/share/vmhost"
#endif
#define CAPS_MAX_MACHINES 128
#define MACHINE_HELP_MAX (64u << 10)

struct caps_machine {
	char name[64];
	char canonical[64];	/* what an alias stands for, or "" */
	bool is_default;
};

static struct {
	struct cpu_map *map;	/* NULL: no CPU checks */
	bool map_tried;		/* caps_map ran */
	struct cpu_host host;
	size_t nmachines;
	struct caps_machine machines[CAPS_MAX_MACHINES];
} caps;

/*
 * The CPU map and the host CPU, on first use: reading the map costs ~20 ms
 * that a restart need not wait for before it answers.
 */
static const struct cpu_map *
caps_map(void)
{
	const char *dir = getenv("VMHOST_DATADIR");
	char path[4096], err[512], esc[1024];

	if (caps.map_tried)
		return caps.map;
	caps.map_tried = true;
	if (!dir || !*dir)
		dir = VMHOST_DATADIR;
	snprintf(path, sizeof(path), "%s/cpu_map", dir);
	if (cpu_map_load(path, &caps.map, err, sizeof(err)) < 0) {
		log_warn("no CPU map in '%s' (%s): guest CPUs are not checked",
		    str_escape(esc, sizeof(esc), path), err);
		caps.map = NULL;
	} else if (cpu_host_detect(caps.map, &caps.host, err,
	    sizeof(err)) < 0) {
		log_warn("cannot detect the host CPU (%s): guest CPUs are "
		    "not checked", str_escape(esc, sizeof(esc), err));
		cpu_map_free(caps.map);
		caps.map = NULL;
	} else {
		log_debug("host CPU %s, %zu features",
		    caps.host.model ? caps.host.model->name : "(no model)",
		    cpu_fset_count(&caps.host.features));
	}
	return caps.map;
}

const struct cpu_map *
caps_cpu_map(void)
{
	return caps_map();
}

const struct cpu_host *
caps_cpu_host(void)
{
	return caps_map() ? &caps.host : NULL;
}

/* One line of `-machine help`: "pc-q35-8.2   Standard PC (...) (default)". */
static void
machine_line(const char *line)
{
	struct caps_machine *m;
	const char *alias;
	char name[64];

	if (sscanf(line, "%63s", name) != 1 || !strcmp(name, "Supported") ||
	    !strcmp(name, "none") || caps.nmachines >= CAPS_MAX_MACHINES)
		return;
	m = &caps.machines[caps.nmachines++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->is_default = strstr(line, "(default)") != NULL;
	if ((alias = strstr(line, "(alias of ")) != NULL)
		sscanf(alias + 10, "%63[^) ]", m->canonical);
}

static void
on_machines(struct child *ch, int status, const char *out, size_t outlen,
    void *arg)
{
	const char *p, *nl;
	char line[256];

	(void)ch;
	(void)outlen;
	(void)arg;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !out) {
		log_warn("'%s -machine help' failed", vmhostd.qemu_binary);
		return;
	}
	caps.nmachines = 0;
	for (p = out; *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		snprintf(line, sizeof(line), "%.*s",
		    (int)(nl ? (size_t)(nl - p) : strlen(p)), p);
		machine_line(line);
	}
	log_debug("%zu machine types from %s", caps.nmachines,
	    vmhostd.qemu_binary);
}

static void
caps_probe_machines(struct event_base *base)
{
	char *argv[] = { vmhostd.qemu_binary, (char *)(uintptr_t)"-machine",
		(char *)(uintptr_t)"help", NULL };

	if (!vmhostd.qemu_binary[0])
		return;
	if (!child_spawn(base, argv, NULL, MACHINE_HELP_MAX, on_machines, NULL))
		log_warn("cannot run '%s -machine help': %m",
		    vmhostd.qemu_binary);
}

void
caps_init(struct event_base *base)
{
	caps_probe_machines(base);
}

void
caps_free(void)
{
	cpu_map_free(caps.map);
	caps.map = NULL;
	caps.map_tried = false;
}

bool
caps_kvm_usable(void)
{
	struct stat st;
	gid_t g;

	if (stat("/dev/kvm", &st) < 0 || !S_ISCHR(st.st_mode))
		return false;
	if ((st.st_mode & 0006) == 0006)
		return true;
	return (st.st_mode & 0060) == 0060 &&
	    priv_lookup_group(VMHOST_QEMU_GROUP, &g) == 0 && g == st.st_gid;
}

/* ---- <capabilities> ---- */

/* The host UUID: /etc/machine-id as a UUID, as systemd presents it. */
static void
host_uuid(char *buf, size_t len)
{
	char *id = NULL;
	size_t n = 0;

	snprintf(buf, len, "00000000-0000-0000-0000-000000000000");
	if (file_read_all("/etc/machine-id", 64, &id, &n) < 0 || !id)
		return;
	if (n >= 32 && strspn(id, "0123456789abcdef") >= 32)
		snprintf(buf, len, "%.8s-%.4s-%.4s-%.4s-%.12s", id, id + 8,
		    id + 12, id + 16, id + 20);
	free(id);
}

static void
format_host_cpu(FILE *f)
{
	char *cpu = NULL, *p, *nl;

	if (!caps_map() || cpu_host_format(caps.map, &caps.host, &cpu) < 0) {
		fprintf(f, "    <cpu>\n      <arch>x86_64</arch>\n    </cpu>\n");
		return;
	}
	for (p = cpu; *p; p = nl + 1) {		/* two more spaces a line */
		if (!(nl = strchr(p, '\n')))
			break;
		fprintf(f, "  %.*s\n", (int)(nl - p), p);
	}
	free(cpu);
}

static void
format_guest(FILE *f)
{
	fprintf(f, "  <guest>\n    <os_type>hvm</os_type>\n"
	    "    <arch name='x86_64'>\n      <wordsize>64</wordsize>\n");
	if (vmhostd.qemu_binary[0])
		fprintf(f, "      <emulator>%s</emulator>\n",
		    vmhostd.qemu_binary);
	for (size_t i = 0; i < caps.nmachines; i++) {
		const struct caps_machine *m = &caps.machines[i];

		if (m->canonical[0])
			fprintf(f, "      <machine canonical='%s'>%s</machine>\n",
			    m->canonical, m->name);
		else
			fprintf(f, "      <machine>%s</machine>\n", m->name);
	}
	fprintf(f, "      <domain type='qemu'/>\n");
	if (caps_kvm_usable())
		fprintf(f, "      <domain type='kvm'/>\n");
	fprintf(f, "    </arch>\n    <features>\n"
	    "      <acpi default='on' toggle='yes'/>\n"
	    "      <apic default='on' toggle='no'/>\n"
	    "      <cpuselection/>\n      <deviceboot/>\n"
	    "    </features>\n  </guest>\n");
}

static int
memstream_close(FILE *f, char **out)
{
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

int
caps_capabilities_xml(char **out)
{
	char uuid[40];
	size_t len;
	FILE *f;

	*out = NULL;
	if (!(f = open_memstream(out, &len)))
		return -ENOMEM;
	host_uuid(uuid, sizeof(uuid));
	fprintf(f, "<capabilities>\n\n  <host>\n    <uuid>%s</uuid>\n", uuid);
	format_host_cpu(f);
	fprintf(f, "    <secmodel>\n      <model>%s</model>\n"
	    "      <doi>0</doi>\n    </secmodel>\n  </host>\n\n",
	    helpers_secmodel());
	format_guest(f);
	fprintf(f, "\n</capabilities>\n");
	return memstream_close(f, out);
}

/* ---- <domainCapabilities> ---- */

static const char *
default_machine(void)
{
	for (size_t i = 0; i < caps.nmachines; i++)
		if (caps.machines[i].is_default)
			return caps.machines[i].name;
	return "pc";
}

static void
format_fset_features(FILE *f, const char *indent, const char *policy,
    const struct cpu_fset *s)
{
	for (size_t i = 0; i < caps.map->nfeatures; i++) {
		if (!cpu_fset_has(s, (int)i))
			continue;
		if (policy)
			fprintf(f, "%s<feature policy='%s' name='%s'/>\n",
			    indent, policy, caps.map->features[i].name);
		else
			fprintf(f, "%s<feature name='%s'/>\n", indent,
			    caps.map->features[i].name);
	}
}

static void
format_custom_models(FILE *f)
{
	static struct cpu_usable u[CPU_MAP_MAX_MODELS];
	size_t n = cpu_usable_models(caps.map, &caps.host, u,
	    CPU_MAP_MAX_MODELS);

	fprintf(f, "    <mode name='custom' supported='yes'>\n");
	for (size_t i = 0; i < n; i++) {
		int v = u[i].model->vendor;

		fprintf(f, "      <model usable='%s' vendor='%s'>%s</model>\n",
		    u[i].usable ? "yes" : "no",
		    v >= 0 ? caps.map->vendors[v].name : "unknown",
		    u[i].model->name);
	}
	for (size_t i = 0; i < n; i++) {
		if (u[i].usable)
			continue;
		fprintf(f, "      <blockers model='%s'>\n", u[i].model->name);
		format_fset_features(f, "        ", NULL, &u[i].blockers);
		fprintf(f, "      </blockers>\n");
	}
	fprintf(f, "    </mode>\n");
}

static void
format_domcaps_cpu(FILE *f)
{
	const struct cpu_host *h = &caps.host;

	fprintf(f, "  <cpu>\n    <mode name='host-passthrough' "
	    "supported='yes'>\n      <enum name='hostPassthroughMigratable'>"
	    "\n        <value>on</value>\n        <value>off</value>\n"
	    "      </enum>\n    </mode>\n    <mode name='maximum' "
	    "supported='no'/>\n");
	if (!caps_map()) {
		fprintf(f, "    <mode name='host-model' supported='no'/>\n"
		    "    <mode name='custom' supported='no'/>\n  </cpu>\n");
		return;
	}
	fprintf(f, "    <mode name='host-model' supported='yes'>\n");
	if (h->model)
		fprintf(f, "      <model fallback='forbid'>%s</model>\n",
		    h->model->name);
	if (h->vendor >= 0)
		fprintf(f, "      <vendor>%s</vendor>\n",
		    caps.map->vendors[h->vendor].name);
	format_fset_features(f, "      ", "require",
	    h->model ? &h->extra : &h->features);
	fprintf(f, "    </mode>\n");
	format_custom_models(f);
	fprintf(f, "  </cpu>\n");
}

int
caps_domcapabilities_xml(const char *virttype, const char *machine,
    char **out, char *err, size_t errlen)
{
	bool kvm = caps_kvm_usable();
	size_t len;
	FILE *f;

	*out = NULL;
	if (!virttype || !*virttype)
		virttype = kvm ? "kvm" : "qemu";
	if (strcmp(virttype, "kvm") && strcmp(virttype, "qemu")) {
		snprintf(err, errlen, "invalid argument: unknown virttype: %s",
		    virttype);
		return -EINVAL;
	}
	if (!strcmp(virttype, "kvm") && !kvm) {
		snprintf(err, errlen, "invalid argument: KVM is not supported "
		    "on this host (/dev/kvm is missing or not usable by the "
		    "emulator group)");
		return -ENOTSUP;
	}
	if (!(f = open_memstream(out, &len)))
		return -ENOMEM;
	fprintf(f, "<domainCapabilities>\n  <path>%s</path>\n"
	    "  <domain>%s</domain>\n  <machine>%s</machine>\n"
	    "  <arch>x86_64</arch>\n  <vcpu max='255'/>\n"
	    "  <os supported='yes'>\n    <enum name='firmware'/>\n"
	    "  </os>\n", vmhostd.qemu_binary, virttype,
	    machine && *machine ? machine : default_machine());
	format_domcaps_cpu(f);
	fprintf(f, "</domainCapabilities>\n");
	return memstream_close(f, out);
}

/* ---- the guest CPU check ---- */

static enum cpu_policy
policy_of(int p)
{
	switch (p) {
	case DOMAIN_CPU_FORCE:
		return CPU_POLICY_FORCE;
	case DOMAIN_CPU_OPTIONAL:
		return CPU_POLICY_OPTIONAL;
	case DOMAIN_CPU_DISABLE:
		return CPU_POLICY_DISABLE;
	case DOMAIN_CPU_FORBID:
		return CPU_POLICY_FORBID;
	default:
		return CPU_POLICY_REQUIRE;
	}
}

/* The definition's <cpu> as the CPU library sees it; false: nothing to check. */
static bool
guest_cpu_def(const struct domain_def *d, struct cpu_def *g)
{
	const __typeof__(d->cpu) *c = &d->cpu;

	memset(g, 0, sizeof(*g));
	if (!c->present || c->mode == DOMAIN_CPU_HOST_MODEL ||
	    c->mode == DOMAIN_CPU_HOST_PASSTHROUGH)
		return false;
	if (!c->model && !c->nfeatures)
		return false;
	g->mode = CPU_MODE_CUSTOM;
	g->match = !c->match || !strcmp(c->match, "exact") ? CPU_MATCH_EXACT :
	    !strcmp(c->match, "strict") ? CPU_MATCH_STRICT : CPU_MATCH_MINIMUM;
	snprintf(g->model, sizeof(g->model), "%s", c->model ? c->model : "");
	g->fallback_forbid = c->model_fallback &&
	    !strcmp(c->model_fallback, "forbid");
	snprintf(g->vendor, sizeof(g->vendor), "%s",
	    c->vendor ? c->vendor : "");
	for (size_t i = 0; i < c->nfeatures && i < CPU_DEF_MAX_FEATURES; i++) {
		snprintf(g->features[i].name, sizeof(g->features[i].name),
		    "%s", c->features[i].name ? c->features[i].name : "");
		g->features[i].policy = policy_of(c->features[i].policy);
		g->nfeatures++;
	}
	return true;
}

static int
check_def(const struct cpu_def *g, char *err, size_t errlen)
{
	static struct cpu_result r;
	int rc;

	if ((rc = cpu_check_guest(caps.map, &caps.host, g, &r)) == 0)
		return 0;
	if (r.hint[0])
		snprintf(err, errlen, "%s; %s", r.error, r.hint);
	else
		snprintf(err, errlen, "%s", r.error[0] ? r.error :
		    "invalid guest CPU definition");
	return rc;
}

int
caps_check_domain(const struct domain_def *d, char *err, size_t errlen)
{
	static struct cpu_def g;

	if (!caps_map() || !guest_cpu_def(d, &g))
		return 0;
	return check_def(&g, err, errlen);
}

int
caps_check_domain_xml(const char *xml, size_t len, char *err, size_t errlen)
{
	static struct cpu_def g;
	char perr[256];
	int n;

	if (!caps_map())
		return 0;
	n = cpu_def_parse(xml, len, &g, 1, perr, sizeof(perr));
	if (n <= 0 || g.mode != CPU_MODE_CUSTOM || (!g.model[0] &&
	    !g.nfeatures))
		return 0;	/* no <cpu>: the domain parser judges the rest */
	return check_def(&g, err, errlen);
}
