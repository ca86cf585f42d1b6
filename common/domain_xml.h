/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Domain definitions (libvirt's <domain> dialect): parse, validate, format. */
#ifndef VMHOST_DOMAIN_XML_H
#define VMHOST_DOMAIN_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits checked before and during parsing. */
#define DOMAIN_XML_MAX_SIZE (4u << 20)	/* whole document */
#define DOMAIN_XML_MAX_VALUE (64u << 10) /* one attribute or text */
#define DOMAIN_XML_MAX_DEPTH 32		/* element nesting */
#define DOMAIN_NAME_MAX 100		/* bytes */
#define DOMAIN_MAX_DEVICES 256		/* per device kind */
#define DOMAIN_MAX_VCPUS 1024

/*
 * Enumerations: 0 always means "not given"; the rest follow the order of
 * the matching name table in domain_xml.c. Strings are malloc'd, NULL when
 * absent, and hold exactly what the definition said.
 */
enum domain_virt { DOMAIN_VIRT_NONE, DOMAIN_VIRT_KVM, DOMAIN_VIRT_QEMU };
enum domain_onoff { DOMAIN_ONOFF_NONE, DOMAIN_ON, DOMAIN_OFF };
enum domain_yesno { DOMAIN_YESNO_NONE, DOMAIN_YES, DOMAIN_NO };
enum domain_action {
	DOMAIN_ACTION_NONE,
	DOMAIN_ACTION_DESTROY,
	DOMAIN_ACTION_RESTART,
	DOMAIN_ACTION_PRESERVE,
	DOMAIN_ACTION_RENAME_RESTART,
	DOMAIN_ACTION_COREDUMP_DESTROY,
	DOMAIN_ACTION_COREDUMP_RESTART,
};
enum domain_boot_dev {
	DOMAIN_BOOT_NONE,
	DOMAIN_BOOT_HD,
	DOMAIN_BOOT_CDROM,
	DOMAIN_BOOT_NETWORK,
	DOMAIN_BOOT_FD,
};
enum domain_cpu_mode {
	DOMAIN_CPU_MODE_NONE,
	DOMAIN_CPU_CUSTOM,
	DOMAIN_CPU_HOST_MODEL,
	DOMAIN_CPU_HOST_PASSTHROUGH,
};
enum domain_cpu_policy {
	DOMAIN_CPU_POLICY_NONE,
	DOMAIN_CPU_FORCE,
	DOMAIN_CPU_REQUIRE,
	DOMAIN_CPU_OPTIONAL,
	DOMAIN_CPU_DISABLE,
	DOMAIN_CPU_FORBID,
};
enum domain_clock_offset {
	DOMAIN_CLOCK_NONE,
	DOMAIN_CLOCK_UTC,
	DOMAIN_CLOCK_LOCALTIME,
	DOMAIN_CLOCK_VARIABLE,
	DOMAIN_CLOCK_TIMEZONE,
	DOMAIN_CLOCK_ABSOLUTE,
};
enum domain_addr_type {
	DOMAIN_ADDR_NONE,
	DOMAIN_ADDR_PCI,
	DOMAIN_ADDR_DRIVE,
	DOMAIN_ADDR_VIRTIO_SERIAL,
	DOMAIN_ADDR_ISA,
	DOMAIN_ADDR_USB,
};
enum domain_disk_type { DOMAIN_DISK_TYPE_NONE, DOMAIN_DISK_FILE,
	DOMAIN_DISK_BLOCK };
enum domain_disk_device { DOMAIN_DISK_DEVICE_NONE, DOMAIN_DISK_DISK,
	DOMAIN_DISK_CDROM };
enum domain_disk_bus {
	DOMAIN_BUS_NONE,
	DOMAIN_BUS_VIRTIO,
	DOMAIN_BUS_IDE,
	DOMAIN_BUS_SATA,
	DOMAIN_BUS_SCSI,
	DOMAIN_BUS_USB,
};
enum domain_format { DOMAIN_FMT_NONE, DOMAIN_FMT_RAW, DOMAIN_FMT_QCOW2 };
enum domain_net_type {
	DOMAIN_NET_NONE,
	DOMAIN_NET_NETWORK,
	DOMAIN_NET_BRIDGE,
	DOMAIN_NET_ETHERNET,
	DOMAIN_NET_USER,
};
enum domain_chr_type {
	DOMAIN_CHR_NONE,
	DOMAIN_CHR_PTY,
	DOMAIN_CHR_FILE,
	DOMAIN_CHR_UNIX,
	DOMAIN_CHR_NULL,
};
enum domain_seclabel_type { DOMAIN_SECLABEL_NONE, DOMAIN_SECLABEL_DYNAMIC,
	DOMAIN_SECLABEL_STATIC, DOMAIN_SECLABEL_OFF };

/* <address>: which fields may be set depends on type. */
struct domain_address {
	int type;		/* enum domain_addr_type */
	char *domain, *bus, *slot, *function;	/* pci (bus also drive/usb) */
	int multifunction;	/* enum domain_onoff */
	char *controller, *target, *unit;	/* drive, virtio-serial */
	char *port;		/* virtio-serial, usb */
	char *iobase, *irq;	/* isa */
};

struct domain_disk {
	int type;		/* enum domain_disk_type */
	int device;		/* enum domain_disk_device */
	char *snapshot;		/* no|internal|external|manual */
	struct {
		char *name;	/* qemu */
		int format;	/* enum domain_format */
		char *cache, *io, *discard, *detect_zeroes;
		char *error_policy, *rerror_policy, *queues;
	} driver;
	char *source;		/* file= (type file) or dev= (type block) */
	char *target_dev;	/* vda, sdb, hdc ... */
	int bus;		/* enum domain_disk_bus */
	char *tray;		/* open|closed (cdrom) */
	char *rotation_rate;
	bool readonly, shareable;
	char *serial;
	char *boot_order;
	struct domain_address addr;
};

struct domain_interface {
	int type;		/* enum domain_net_type */
	uint8_t mac[6];
	bool mac_generated;	/* filled in by domain_parse */
	char *network, *portgroup; /* type network */
	char *bridge;		/* type bridge */
	char *target_dev, *target_managed;
	char *model;		/* virtio, e1000, e1000e, rtl8139 */
	char *driver_name, *driver_queues;
	char *mtu;
	char *link_state;	/* up|down */
	char *boot_order;
	struct domain_address addr;
};

/* A <serial>, <console> or <channel>. */
struct domain_chardev {
	int type;		/* enum domain_chr_type */
	char *source_path, *source_mode; /* mode: bind|connect (unix) */
	int source_append;	/* enum domain_onoff (file) */
	char *target_type;	/* serial: isa-serial|pci-serial; console:
				   serial|virtio; channel: virtio */
	char *target_port;
	char *target_name;	/* channel */
	char *target_model;	/* serial: <model name=.../> */
	struct domain_address addr;
};

struct domain_controller {
	char *type;		/* pci, usb, ide, sata, scsi, virtio-serial */
	char *index, *model, *ports, *vectors;
	char *model_name;	/* <model name=.../> of pci controllers */
	char *chassis_nr, *chassis, *port, *bus_nr, *hotplug; /* <target> */
	char *queues;		/* <driver queues=.../> */
	char *master_startport;	/* usb companion controllers */
	struct domain_address addr;
};

struct domain_input {
	char *type;		/* mouse, keyboard, tablet */
	char *bus;		/* ps2, usb, virtio */
	struct domain_address addr;
};

struct domain_rng {
	char *model;		/* virtio */
	char *backend_model;	/* random */
	char *backend_path;	/* /dev/urandom, /dev/random, /dev/hwrng */
	char *rate_bytes, *rate_period;
	struct domain_address addr;
};

struct domain_cpu_feature {
	char *name;
	int policy;		/* enum domain_cpu_policy */
};

struct domain_timer {
	char *name;		/* rtc, pit, hpet, kvmclock, tsc */
	int present;		/* enum domain_yesno */
	char *tickpolicy, *track, *frequency, *mode;
	char *catchup_threshold, *catchup_slew, *catchup_limit;
};

struct domain_seclabel {
	int type;		/* enum domain_seclabel_type */
	char *model;
	int relabel;		/* enum domain_yesno */
	char *label, *imagelabel, *baselabel;
};

struct domain_def {
	int virt;		/* enum domain_virt */
	char *id;		/* runtime id attribute, kept for round trip */
	char *name;
	uint8_t uuid[16];
	bool uuid_generated;
	char *title, *description;
	uint64_t memory_kib, current_memory_kib; /* current 0: absent */
	struct {			/* <memtune>, KiB; 0: not given */
		uint64_t hard_kib, soft_kib, swap_hard_kib;
	} memtune;
	struct {			/* <cputune>; 0: not given */
		unsigned long long shares, period;
		long long quota;	/* -1: no limit */
	} cputune;
	unsigned vcpus, vcpus_current;	/* current 0: absent */
	char *vcpu_placement, *vcpu_cpuset;
	struct {
		char *type;	/* hvm */
		char *arch, *machine;
		char *kernel, *initrd, *cmdline;
		int boot[4];	/* enum domain_boot_dev, in order */
		size_t nboot;
		int bootmenu;	/* enum domain_yesno */
		char *bootmenu_timeout;
	} os;
	struct {
		bool present;	/* <features> given */
		bool acpi, apic, pae;
		int apic_eoi;	/* enum domain_onoff */
		int pvspinlock, vmport, pmu; /* enum domain_onoff, as state= */
		bool has_pvspinlock, has_vmport, has_pmu;
	} features;
	struct {
		bool present;	/* <cpu> given */
		int mode;	/* enum domain_cpu_mode */
		char *match, *check, *migratable;
		char *model, *model_fallback, *model_vendor_id;
		bool has_model;	/* <model> given, maybe empty */
		char *vendor;
		unsigned sockets, dies, cores, threads; /* 0: no <topology> */
		char *maxphysaddr_mode, *maxphysaddr_bits;
		struct domain_cpu_feature *features;
		size_t nfeatures;
	} cpu;
	struct {
		int offset;	/* enum domain_clock_offset */
		char *adjustment, *basis, *timezone, *start;
		struct domain_timer *timers;
		size_t ntimers;
	} clock;
	int on_poweroff, on_reboot, on_crash; /* enum domain_action */
	int pm_suspend_to_mem, pm_suspend_to_disk; /* enum domain_yesno */
	bool has_pm;
	struct domain_seclabel *seclabels;
	size_t nseclabels;
	char *emulator;
	struct domain_disk *disks;
	size_t ndisks;
	struct domain_controller *controllers;
	size_t ncontrollers;
	struct domain_interface *interfaces;
	size_t ninterfaces;
	struct domain_chardev *serials, *consoles, *channels;
	size_t nserials, nconsoles, nchannels;
	struct domain_input *inputs;
	size_t ninputs;
	char *memballoon_model;	/* NULL: none given */
	int memballoon_autodeflate, memballoon_free_page_reporting; /* onoff */
	char *memballoon_stats_period;
	struct domain_address memballoon_addr;
	char *panic_model;	/* "isa" or "pvpanic"; NULL: no panic device */
	struct domain_address panic_addr;
	struct domain_rng *rngs;
	size_t nrngs;
};

/*
 * Parse a definition of len bytes. On success *out is a new definition
 * with a generated uuid and MAC addresses where none were given. On
 * failure returns -EINVAL (-ENOMEM, -E2BIG for size) and writes a
 * one-line message (control bytes escaped) to err.
 */
int domain_parse(const char *xml, size_t len, struct domain_def **out,
    char *err, size_t errlen);

/* Flags for domain_format. */
#define DOMAIN_FORMAT_NO_GENERATED 0x1	/* leave out generated uuid/MACs */

/* Format as libvirt XML (element order, 2-space indent); malloc'd. */
char *domain_format(const struct domain_def *d, unsigned flags);

/* Free a definition; NULL is fine. */
void domain_def_free(struct domain_def *d);

/* Name rules: 1..100 bytes, no '/', no control bytes, no leading '.'. */
int domain_name_valid(const char *name, char *err, size_t errlen);

/* uuid: 32 hex digits, with or without the four dashes. 0 or -EINVAL. */
int domain_uuid_parse(const char *s, uint8_t uuid[16]);
/* Dashed lowercase, buf at least 37 bytes. */
void domain_uuid_format(const uint8_t uuid[16], char buf[37]);

/* MAC "52:54:00:12:34:56"; multicast and all-zero refused. 0 or -EINVAL. */
int domain_mac_parse(const char *s, uint8_t mac[6]);
void domain_mac_format(const uint8_t mac[6], char buf[18]);

/* "4" with unit "GiB" -> KiB (rounded up). 0 or -EINVAL / -ERANGE. */
int domain_memory_parse(const char *value, const char *unit, uint64_t *kib);

/*
 * Drive address {controller, bus, target, unit} of an ide/sata/scsi disk:
 * the one given, or the one libvirt implies from the target name.
 */
int domain_disk_drive_addr(const struct domain_disk *k, unsigned v[4]);

/* Index of the first disk whose target dev equals dev, or -1. */
int domain_disk_find(const struct domain_def *d, const char *dev);

#endif
