/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvmhost: the stable C API to vmhostd; the messages behind it are an implementation detail. */
#ifndef VMHOST_VMHOST_H
#define VMHOST_VMHOST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VMHOST_API __attribute__((visibility("default")))

typedef struct vmhost_conn vmhost_conn;

enum vmhost_open_flags {
	VMHOST_OPEN_READONLY = 1 << 0,	/* the read-only socket */
};

/* The URI used when none is given: $VMHOST_DEFAULT_URI or the system socket. */
#define VMHOST_URI_SYSTEM "unix:///run/vmhost/vmhost-sock"

/*
 * Open a connection. uri: NULL (default), "unix:///PATH",
 * "vmhost:///system". On failure returns NULL with a one-line reason
 * in err.
 */
VMHOST_API vmhost_conn *vmhost_open(const char *uri, unsigned flags,
    char *err, size_t errlen);
VMHOST_API void vmhost_close(vmhost_conn *c);
/* The last error on this connection (one line), or "". */
VMHOST_API const char *vmhost_error(const vmhost_conn *c);
/* The URI this connection uses (canonical form). */
VMHOST_API const char *vmhost_uri(const vmhost_conn *c);

struct vmhost_daemon_info {
	char name[64];
	char version[32];
	char user[64];
	int pid;
	unsigned uid, gid;
	uint64_t cap_eff, cap_prm, cap_bnd, cap_amb;
	int no_new_privs;
	int connected;		/* for helpers: reachable from vmhostd now */
	char error[256];	/* why not */
};

#define VMHOST_MAX_DAEMONS 8

struct vmhost_version_info {
	char client[32];
	char daemon[32];
	char qemu[32];		/* "" when no QEMU was found */
	char qemu_binary[256];
	size_t nhelpers;
	struct vmhost_daemon_info helpers[VMHOST_MAX_DAEMONS];
};

/* Each returns 0 or -1 (see vmhost_error). */
VMHOST_API int vmhost_version(vmhost_conn *c, struct vmhost_version_info *out);
VMHOST_API int vmhost_hostname(vmhost_conn *c, char *buf, size_t len);
/* vmhostd first, then each helper. */
VMHOST_API int vmhost_daemons(vmhost_conn *c, struct vmhost_daemon_info *out,
    size_t max, size_t *n);
VMHOST_API int vmhost_ping(vmhost_conn *c);
VMHOST_API int vmhost_helper_ping(vmhost_conn *c);

/* ---- domains ----
 *
 * A domain is named by a key: its name, its uuid or, while it runs, its id
 * (the daemon tries each, as virsh does). Strings in these structs are
 * fixed-size and always NUL-terminated; a longer value is cut (names are at
 * most 100 bytes, so none is). Functions returning int return 0 (or an fd)
 * on success and -1 with vmhost_error(c) set on failure.
 */

enum vmhost_domain_state {
	VMHOST_DOMAIN_NOSTATE = 0,
	VMHOST_DOMAIN_RUNNING = 1,
	VMHOST_DOMAIN_BLOCKED = 2,
	VMHOST_DOMAIN_PAUSED = 3,
	VMHOST_DOMAIN_SHUTDOWN = 4,	/* shutting down */
	VMHOST_DOMAIN_SHUTOFF = 5,
	VMHOST_DOMAIN_CRASHED = 6,
};

#define VMHOST_NAME_LEN 256
#define VMHOST_UUID_LEN 40	/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" + NUL */

struct vmhost_domain_summary {
	char name[VMHOST_NAME_LEN];
	char uuid[VMHOST_UUID_LEN];
	int id;			/* -1 when not running */
	int state;		/* enum vmhost_domain_state */
	int autostart;
	char reason[32];	/* why it is in that state: "booted", "destroyed", ... */
};

struct vmhost_domain_info {
	struct vmhost_domain_summary summary;
	char os_type[16];	/* "hvm" */
	char virt_type[16];	/* "kvm" or "qemu" */
	uint64_t max_memory_kib;
	uint64_t memory_kib;
	unsigned vcpus;
	uint64_t cpu_time_ns;
	int persistent;
	int pid;		/* the emulator's, 0 when not running */
	char security_model[32];
	char security_label[256];
};

struct vmhost_event {
	uint64_t seq;
	char domain[VMHOST_NAME_LEN];
	char uuid[VMHOST_UUID_LEN];
	char event[32];		/* Defined, Undefined, Started, Suspended, Resumed, Stopped, Shutdown, Crashed, Rebooted */
	char detail[32];	/* Booted, Destroyed, Shutdown, Failed, Paused, ... */
	int64_t time_us;	/* wall clock, microseconds since the epoch */
};

enum vmhost_domain_flags {
	VMHOST_DEFINE_VALIDATE = 1 << 0,	/* define: validate strictly */
	VMHOST_XML_INACTIVE = 1 << 0,		/* xml: the persistent definition */
	VMHOST_START_PAUSED = 1 << 0,		/* start: leave the CPUs stopped */
	VMHOST_LIST_ALL = 1 << 0,		/* list: inactive domains too */
	VMHOST_LIST_RUNNING = 1 << 1,		/* list: state filters, OR'ed; */
	VMHOST_LIST_SHUTOFF = 1 << 2,		/*   none set: no filter */
	VMHOST_LIST_PAUSED = 1 << 3,
};

/* virsh's word for a state: "running", "paused", "shut off", ... */
VMHOST_API const char *vmhost_domain_state_name(int state);

/* Define (or redefine) from XML; out (may be NULL) gets the result. */
VMHOST_API int vmhost_domain_define(vmhost_conn *c, const char *xml,
    unsigned flags, struct vmhost_domain_summary *out);
/* Remove the definition; name (may be NULL) gets the name it had. */
VMHOST_API int vmhost_domain_undefine(vmhost_conn *c, const char *key,
    char *name, size_t namelen);
/* The XML (live unless VMHOST_XML_INACTIVE); free() it. NULL on error. */
VMHOST_API char *vmhost_domain_xml(vmhost_conn *c, const char *key,
    unsigned flags);
/* Domains sorted by name; *out is an array of *n, free with
 * vmhost_domain_list_free (or free()). */
VMHOST_API int vmhost_domain_list(vmhost_conn *c, unsigned flags,
    struct vmhost_domain_summary **out, size_t *n);
VMHOST_API void vmhost_domain_list_free(struct vmhost_domain_summary *list);
VMHOST_API int vmhost_domain_info(vmhost_conn *c, const char *key,
    struct vmhost_domain_info *out);
VMHOST_API int vmhost_domain_autostart(vmhost_conn *c, const char *key,
    int enable, struct vmhost_domain_summary *out);
/* The description (or with title != 0 the title); "" when unset; free() it. */
VMHOST_API char *vmhost_domain_desc_get(vmhost_conn *c, const char *key,
    int title);
VMHOST_API int vmhost_domain_desc_set(vmhost_conn *c, const char *key,
    int title, const char *text);

/*
 * Lifecycle. Each returns when vmhostd has done it (start: the guest runs,
 * or is paused with VMHOST_START_PAUSED; shutdown: the guest was asked).
 * out (may be NULL) gets the domain as it is then.
 */
VMHOST_API int vmhost_domain_start(vmhost_conn *c, const char *key,
    unsigned flags, struct vmhost_domain_summary *out);
VMHOST_API int vmhost_domain_shutdown(vmhost_conn *c, const char *key,
    struct vmhost_domain_summary *out);
VMHOST_API int vmhost_domain_destroy(vmhost_conn *c, const char *key,
    struct vmhost_domain_summary *out);
VMHOST_API int vmhost_domain_reboot(vmhost_conn *c, const char *key,
    struct vmhost_domain_summary *out);
VMHOST_API int vmhost_domain_reset(vmhost_conn *c, const char *key,
    struct vmhost_domain_summary *out);
VMHOST_API int vmhost_domain_suspend(vmhost_conn *c, const char *key,
    struct vmhost_domain_summary *out);
VMHOST_API int vmhost_domain_resume(vmhost_conn *c, const char *key,
    struct vmhost_domain_summary *out);
/* A connected stream socket to the guest's serial console (the caller
 * closes it), or -1. */
VMHOST_API int vmhost_domain_console(vmhost_conn *c, const char *key);

/*
 * Lifecycle events with a sequence number above after, of one domain
 * (name) or of all (NULL). Waits up to timeout_ms (vmhostd caps it at
 * 600000) when there are none; 0 does not wait. *evs is an array of *n
 * (free with vmhost_events_free or free()); *last is the sequence to pass
 * as after next time, also when no event came.
 */
VMHOST_API int vmhost_events_wait(vmhost_conn *c, uint64_t after,
    unsigned timeout_ms, const char *domain, struct vmhost_event **evs,
    size_t *n, uint64_t *last);
VMHOST_API void vmhost_events_free(struct vmhost_event *evs);

enum vmhost_migrate_flags {
	VMHOST_MIGRATE_DRY_RUN = 1 << 0,	/* report, change nothing */
	VMHOST_MIGRATE_ALLOW_BACKING = 1 << 1,	/* follow files outside the pools */
};
/* Declare the format of every disk that has none (probed by stord), for
 * one domain or (domain NULL) all. Returns the report, one line per disk
 * (free() it), or NULL on error. */
VMHOST_API char *vmhost_migrate_disks(vmhost_conn *c, const char *domain,
    unsigned flags);

/*
 * Volumes of the image pool /var/lib/vmhost/images, served by vmhost-stord.
 * A volume's format is the one recorded when stord created it; it is
 * guessed from the header only with VMHOST_VOL_PROBE. Calls return 0 or -1
 * (see vmhost_error); out may be NULL.
 */
struct vmhost_vol_info {
	char name[256];
	char path[4096];
	char type[16];			/* "file" */
	uint64_t capacity;		/* virtual size, bytes */
	uint64_t allocation;		/* bytes on disk */
	char format[16];		/* "" when none was recorded nor probed */
	int probed;			/* format guessed from the header */
	char backing[1024];
	char backing_format[32];
	char encryption[16];
	unsigned n_reasons;		/* why the header is not to be trusted */
	char reasons[8][128];
};
enum vmhost_vol_flags {
	VMHOST_VOL_PROBE = 1 << 0,	/* vol_info: guess the format */
	VMHOST_VOL_SHRINK = 1 << 1,	/* vol_resize: allow a smaller size */
};
VMHOST_API int vmhost_vol_create(vmhost_conn *c, const char *name,
    uint64_t capacity, const char *format, const char *backing_vol,
    const char *backing_format, struct vmhost_vol_info *out);
/* *vols: an array of *n (free() it). */
VMHOST_API int vmhost_vol_list(vmhost_conn *c, struct vmhost_vol_info **vols,
    size_t *n);
VMHOST_API int vmhost_vol_info(vmhost_conn *c, const char *name,
    unsigned flags, struct vmhost_vol_info *out);
VMHOST_API int vmhost_vol_delete(vmhost_conn *c, const char *name);
VMHOST_API int vmhost_vol_resize(vmhost_conn *c, const char *name,
    uint64_t capacity, unsigned flags, struct vmhost_vol_info *out);
/* "1G", "512M", "100KiB", "1000KB", "4096" (bytes): 0, or -1 when not a
 * whole number with a known unit or when it overflows 64 bits. */
VMHOST_API int vmhost_size_parse(const char *text, uint64_t *bytes);

/*
 * Host capabilities and CPUs (virsh capabilities, domcapabilities,
 * cpu-compare, cpu-baseline). The XML calls return malloc'd text (free()
 * it) or NULL; virttype "kvm"/"qemu" or NULL for the best the host offers,
 * arch and machine NULL for the defaults.
 */
VMHOST_API char *vmhost_capabilities(vmhost_conn *c);
VMHOST_API char *vmhost_domcapabilities(vmhost_conn *c, const char *virttype,
    const char *arch, const char *machine);
enum vmhost_cpu_compare_result_kind {
	VMHOST_CPU_INCOMPATIBLE = 0,
	VMHOST_CPU_IDENTICAL = 1,
	VMHOST_CPU_SUPERSET = 2,	/* the host offers more */
};
struct vmhost_cpu_compare_result {
	int result;		/* enum vmhost_cpu_compare_result_kind */
	char message[2048];	/* why incompatible, or "" */
	char hint[2048];	/* how to fix it, or "" */
};
/* The host CPU against the (first) <cpu> element in xml; 0 or -1. */
VMHOST_API int vmhost_cpu_compare(vmhost_conn *c, const char *xml,
    struct vmhost_cpu_compare_result *out);
/* The baseline <cpu> of the <cpu> elements in xml (host descriptions). */
VMHOST_API char *vmhost_cpu_baseline(vmhost_conn *c, const char *xml);

/* The library's own version. */
VMHOST_API const char *vmhost_client_version(void);

/*
 * Virtual networks, named by name or uuid. Each call returns 0 or -1 (see
 * vmhost_error); out, where there is one, may be NULL.
 */
struct vmhost_network_summary {
	char name[128];
	char uuid[37];
	int active;
	int autostart;
	int persistent;
	char bridge[16];	/* the bridge (while active, as netd made it) */
};

struct vmhost_network_lease {
	char expiry[32];	/* "2026-11-22 10:00:00", local time of the host */
	char mac[64];
	char type[8];		/* "ipv4" or "ipv6" */
	char ip[64];		/* with /prefix */
	char hostname[256];	/* "-" when none */
	char client_id[512];	/* "-" when none */
};

enum vmhost_network_list_flags {
	VMHOST_NETWORK_LIST_ALL = 1 << 0,	/* active and inactive */
	VMHOST_NETWORK_LIST_INACTIVE = 1 << 1,	/* only inactive */
	VMHOST_NETWORK_LIST_AUTOSTART = 1 << 2,
	VMHOST_NETWORK_LIST_NO_AUTOSTART = 1 << 3,
};

enum vmhost_network_update_flags {
	VMHOST_NETWORK_UPDATE_LIVE = 1 << 0,	/* the running network */
	VMHOST_NETWORK_UPDATE_CONFIG = 1 << 1,	/* the persistent definition */
};						/* neither: live if active, else config */

#define VMHOST_NETWORK_XML_INACTIVE 1u		/* the persistent definition */

/* Define (or redefine) from XML; a missing bridge name becomes virbrN. */
VMHOST_API int vmhost_network_define(vmhost_conn *c, const char *xml,
    struct vmhost_network_summary *out);
VMHOST_API int vmhost_network_undefine(vmhost_conn *c, const char *key,
    struct vmhost_network_summary *out);
/* Returns when vmhost-netd has set the network up (or taken it down). */
VMHOST_API int vmhost_network_start(vmhost_conn *c, const char *key,
    struct vmhost_network_summary *out);
VMHOST_API int vmhost_network_destroy(vmhost_conn *c, const char *key,
    struct vmhost_network_summary *out);
VMHOST_API int vmhost_network_set_autostart(vmhost_conn *c, const char *key,
    int on, struct vmhost_network_summary *out);
VMHOST_API int vmhost_network_info(vmhost_conn *c, const char *key,
    struct vmhost_network_summary *out);
/* Networks sorted by name; *nets is an array of *n to free(). Without
 * flags: the active ones. */
VMHOST_API int vmhost_network_list(vmhost_conn *c, unsigned flags,
    struct vmhost_network_summary **nets, size_t *n);
/* The definition as XML (malloc'd, free()), or NULL. */
VMHOST_API char *vmhost_network_xml(vmhost_conn *c, const char *key,
    unsigned flags);
/* DHCP leases, of one MAC address or all (mac NULL); *leases to free(). */
VMHOST_API int vmhost_network_leases(vmhost_conn *c, const char *key,
    const char *mac, struct vmhost_network_lease **leases, size_t *n);
/*
 * Change part of a definition: command "add", "add-first", "add-last",
 * "delete" or "modify"; section "ip-dhcp-host"; xml e.g.
 * "<host mac='52:54:00:00:00:01' name='vm1' ip='192.168.122.10'/>".
 */
VMHOST_API int vmhost_network_update(vmhost_conn *c, const char *key,
    const char *command, const char *section, const char *xml,
    unsigned flags, struct vmhost_network_summary *out);

#ifdef __cplusplus
}
#endif

#endif
