/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Applying a network's rules (nft -f, or iptables-restore where nftables is absent) and forwarding sysctls, in vmhost-netd. */
#define LOG_MODULE "firewall"
#include "netd/firewall.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/conf.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/paths.h"
#include "netd/firewall_ipt.h"
#include "netd/firewall_rules.h"

#define SBIN "/usr/sbin/"
#define NFT SBIN "nft"

static enum firewall_backend fw_backend = FIREWALL_NFTABLES;
static const char *fw_ipt = SBIN "iptables";	/* iptables[-legacy|-nft] */
static char fw_lockenv[4200] = "XTABLES_LOCKFILE=/dev/null";
/* /run/xtables.lock, opened as root before the drop: iptables-legacy runs
 * are serialised with other tools' through flock on it */
static int fw_xtlock = -1;
/* the rule tools run one at a time (the main thread, or net_teardown's
 * helper while main waits) */
static pthread_mutex_t fw_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- running nft and {ip,ip6}tables-{save,restore} ---- */

/* Child: stdio, NET_ADMIN and NET_RAW ambient, exec. Async-signal-safe. */
static void __attribute__((noreturn))
fw_child(char *const argv[], int in, int out, int errfd, char *const envp[])
{
	static const int caps[] = { CAP_NET_ADMIN, CAP_NET_RAW };
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;

	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errfd, 2) < 0)
		_exit(126);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,
		    (unsigned long)caps[i], 0, 0) < 0 && getuid() != 0)
			_exit(125);
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	close_range(3, ~0U, 0);
	execve(argv[0], argv, envp);
	_exit(127);
}

/* vfork (see dnsmasq_fork), signals blocked until the child reset them. */
static pid_t
fw_spawn(char *const argv[], int in, int out, int errfd, char *const envp[])
{
	sigset_t all, old;
	pid_t pid;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if ((pid = vfork()) == 0)
		fw_child(argv, in, out, errfd, envp);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return pid;
}

static int
memfd_with(const char *name, const char *text)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	size_t len = text ? strlen(text) : 0;

	if (fd < 0)
		return -errno;
	if ((len && write(fd, text, len) != (ssize_t)len) ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -EIO;
	}
	return fd;
}

/* The first non-empty line of fd's content, into err after prefix. */
static void
first_line(int fd, const char *prefix, char *err, size_t errlen)
{
	char buf[1024] = "", *l;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	l = buf + strspn(buf, " \n");
	l[strcspn(l, "\n")] = '\0';
	snprintf(err, errlen, "%s: %s", prefix, *l ? l : "failed");
}

/*
 * Run argv (no shell) with `in` on stdin; stdout into *out when out is
 * not NULL. 0, or -EIO with the command's first stderr line in err.
 */
static int
fw_exec(char *const argv[], const char *in, char **out, char *err,
    size_t errlen)
{
	char *const envp[] = { fw_lockenv, NULL };
	int fin = -1, fout = -1, ferr = -1, st = 0, r = 0;
	pid_t pid;

	if ((fin = memfd_with("fw-in", in)) < 0 ||
	    (fout = memfd_with("fw-out", NULL)) < 0 ||
	    (ferr = memfd_with("fw-err", NULL)) < 0) {
		r = -ENOMEM;
		snprintf(err, errlen, "cannot run %s: out of memory", argv[0]);
		goto out;
	}
	if ((pid = fw_spawn(argv, fin, fout, ferr, envp)) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(-r));
		goto out;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		first_line(ferr, argv[0], err, errlen);
		log_error("%s (exit status %d)", err,
		    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		r = -EIO;
		goto out;
	}
	if (out && (lseek(fout, 0, SEEK_SET) < 0 ||
	    (r = fd_read_all(fout, 64 << 20, out, NULL)) < 0))
		snprintf(err, errlen, "cannot read the output of %s", argv[0]);
out:
	if (fin >= 0)
		close(fin);
	if (fout >= 0)
		close(fout);
	if (ferr >= 0)
		close(ferr);
	return r;
}

/* ---- nftables ---- */

/*
 * Can a NETLINK_NETFILTER socket be opened? Asked first so that a host
 * without nf_tables gets a clear error rather than nft's netlink one.
 */
static bool
nfnetlink_reachable(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * Run an nft script with nft -f (one transaction); its first error line
 * into err. A child rather than libnftables in netd: its libraries
 * (libnftables, libnftnl, gmp, jansson, xtables: 1.2 MB resident) are
 * mapped only while rules change, not for netd's life.
 */
static int
nft_run(const char *text, char *err, size_t errlen)
{
	char bin[] = NFT, f[] = "-f", in[] = "/dev/stdin";
	char *argv[] = { bin, f, in, NULL };

	if (!nfnetlink_reachable()) {
		snprintf(err, errlen, "nftables: cannot reach nf_tables: %s",
		    strerror(EPROTONOSUPPORT));
		return -EPROTONOSUPPORT;
	}
	return fw_exec(argv, text, NULL, err, errlen);
}

/* ---- iptables ---- */

/* "iptables" + "-restore" for family 4, "ip6tables..." for 6. */
static void
ipt_bin(char *out, size_t len, int family, const char *suffix)
{
	const char *base = strrchr(fw_ipt, '/') + 1;	/* iptables[-x] */

	snprintf(out, len, "%.*s%s%s%s", (int)(base - fw_ipt), fw_ipt,
	    family == 6 ? "ip6" : "ip", base + 2, suffix);
}

/*
 * The filter and nat tables, one at a time: a whole iptables-legacy-save
 * reads /proc/net/ip_tables_names, which is root's 0440 even in netd's own
 * namespace; with -t it asks the kernel directly (NET_ADMIN suffices).
 */
static int
ipt_save(int family, char **saved, char *err, size_t errlen)
{
	char bin[256], t[] = "-t", filter[] = "filter", nat[] = "nat";
	char *argv[] = { bin, t, filter, NULL }, *second = NULL, *both;
	int r;

	ipt_bin(bin, sizeof(bin), family, "-save");
	if ((r = fw_exec(argv, NULL, saved, err, errlen)) < 0)
		return r;
	argv[2] = nat;
	if ((r = fw_exec(argv, NULL, &second, err, errlen)) < 0 ||
	    asprintf(&both, "%s%s", *saved, second) < 0) {
		free(*saved);
		free(second);
		*saved = NULL;
		return r < 0 ? r : -ENOMEM;
	}
	free(*saved);
	free(second);
	*saved = both;
	return 0;
}

/* flock the system's xtables lock (10 s at most), as iptables -w would. */
static bool
xtlock_take(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	if (fw_xtlock < 0 || !strstr(fw_ipt, "legacy"))
		return false;	/* iptables-nft takes no lock */
	for (int i = 0; i < 1000; i++) {
		if (flock(fw_xtlock, LOCK_EX | LOCK_NB) == 0)
			return true;
		if (errno != EWOULDBLOCK && errno != EINTR)
			break;
		nanosleep(&ts, NULL);
	}
	log_warn("could not take the xtables lock: going on without it");
	return false;
}

static int
ipt_restore(int family, const char *text, char *err, size_t errlen)
{
	char bin[256], noflush[] = "--noflush", w[] = "--wait=10";
	char *argv[] = { bin, noflush, w, NULL };
	bool locked;
	int r;

	if (!*text)
		return 0;
	ipt_bin(bin, sizeof(bin), family, "-restore");
	log_debug("%s input:\n%s", bin, text);
	locked = xtlock_take();
	r = fw_exec(argv, text, NULL, err, errlen);
	if (locked)
		flock(fw_xtlock, LOCK_UN);
	return r;
}

/* Install or remove (n NULL) for one family, from its current state. */
static int
ipt_family(const struct network_def *n, const char *bridge, int family,
    char *err, size_t errlen)
{
	char *saved = NULL, *text = NULL;
	int r;

	if ((r = ipt_save(family, &saved, err, errlen)) < 0)
		return r;
	r = n ? firewall_ipt_apply_text(n, family, saved, &text, err, errlen) :
	    firewall_ipt_remove_text(bridge, family, saved, &text);
	if (r == 0)
		r = ipt_restore(family, text, err, errlen);
	free(saved);
	free(text);
	return r;
}

static bool
has_ipv6(const struct network_def *n)
{
	for (size_t i = 0; i < n->nips; i++)
		if (n->ips[i].address.family == AF_INET6)
			return true;
	return false;
}

static int
ipt_apply(const struct network_def *n, char *err, size_t errlen)
{
	char err6[512];
	int r;

	if ((r = ipt_family(n, NULL, 4, err, errlen)) < 0)
		return r;
	/* like the inet table: IPv6 too (DNS, rejects); fatal only when the
	 * network has IPv6, as a host without it has no ip6tables tables */
	if ((r = ipt_family(n, NULL, 6, err6, sizeof(err6))) < 0) {
		if (has_ipv6(n)) {
			snprintf(err, errlen, "%s", err6);
			ipt_family(NULL, n->bridge, 4, err6, sizeof(err6));
			return r;
		}
		log_warn("network '%s': no IPv6 rules: %s", n->name, err6);
	}
	return 0;
}

/* ---- backend choice ---- */

struct netd_conf {
	char *firewall_backend;
};

static const struct conf_key netd_schema[] = {
	{ "firewall_backend", CONF_STRING,
	  offsetof(struct netd_conf, firewall_backend), 0, 0 },
};

static const struct {
	const char *name;
	enum firewall_backend b;
	const char *ipt;
} fw_names[] = {
	{ "nftables", FIREWALL_NFTABLES, NULL },
	{ "iptables", FIREWALL_IPTABLES, SBIN "iptables" },
	{ "iptables-legacy", FIREWALL_IPTABLES, SBIN "iptables-legacy" },
	{ "iptables-nft", FIREWALL_IPTABLES, SBIN "iptables-nft" },
};

/* Is nft installed, and can it talk to the kernel's nf_tables here? */
static bool
nft_usable(void)
{
	char err[256];

	return access(NFT, X_OK) == 0 &&
	    nft_run("list tables", err, sizeof(err)) == 0;
}

void
firewall_before_drop(void)
{
	char path[4096];

	if (fw_xtlock < 0 && path_build(path, sizeof(path),
	    "/run/xtables.lock") == 0)
		fw_xtlock = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
}

int
firewall_init(const char *rundir, char *err, size_t errlen)
{
	struct netd_conf c = { 0 };
	const char *want, *env = getenv("VMHOST_NETD_FIREWALL");
	char path[4096], bin[256];
	int r;

	if (path_build(path, sizeof(path), "%s/netd.conf", VMHOST_ETC_DIR) < 0)
		return -ENAMETOOLONG;
	if ((r = conf_load(path, 1, netd_schema, 1, &c, err, errlen)) < 0) {
		conf_free(netd_schema, 1, &c);
		return r;
	}
	want = env && *env ? env : c.firewall_backend ? c.firewall_backend :
	    "auto";
	snprintf(fw_lockenv, sizeof(fw_lockenv),
	    "XTABLES_LOCKFILE=%s/xtables.lock", rundir);
	r = -EINVAL;
	if (strcmp(want, "auto") == 0) {
		r = 0;
		if (nft_usable()) {
			fw_backend = FIREWALL_NFTABLES;
		} else {
			/* iptables-nft needs nf_tables as well */
			fw_backend = FIREWALL_IPTABLES;
			fw_ipt = access(SBIN "iptables-legacy-restore", X_OK) == 0 ?
			    SBIN "iptables-legacy" : SBIN "iptables";
			log_warn("nftables is not usable here: rules go through %s-restore",
			    fw_ipt);
		}
	}
	for (size_t i = 0; r < 0 && i < sizeof(fw_names) / sizeof(fw_names[0]);
	    i++)
		if (strcmp(want, fw_names[i].name) == 0) {
			fw_backend = fw_names[i].b;
			if (fw_names[i].ipt)
				fw_ipt = fw_names[i].ipt;
			r = 0;
		}
	if (r < 0)
		snprintf(err, errlen, "%s: firewall_backend must be \"auto\", \"nftables\", \"iptables\", \"iptables-legacy\" or \"iptables-nft\", not \"%.64s\"",
		    env && *env ? "VMHOST_NETD_FIREWALL" : path, want);
	conf_free(netd_schema, 1, &c);
	if (r < 0)
		return r;
	if (fw_backend == FIREWALL_IPTABLES)
		ipt_bin(bin, sizeof(bin), 4, "-restore");
	else
		snprintf(bin, sizeof(bin), "%s", NFT);
	if (access(bin, X_OK) < 0) {
		snprintf(err, errlen, "firewall backend %s: %s is not installed (Debian's %s package)",
		    want, bin, fw_backend == FIREWALL_IPTABLES ? "iptables" :
		    "nftables");
		return -ENOENT;
	}
	log_info("firewall backend: %s", firewall_backend_name());
	return 0;
}

const char *
firewall_backend_name(void)
{
	return fw_backend == FIREWALL_NFTABLES ? "nftables" :
	    strrchr(fw_ipt, '/') + 1;
}

void
firewall_shutdown(void)
{
	if (fw_xtlock >= 0)
		close(fw_xtlock);
	fw_xtlock = -1;
}

/* ---- the interface ---- */

bool
firewall_needed(const struct network_def *n)
{
	return n->forward == NETWORK_FORWARD_NAT ||
	    n->forward == NETWORK_FORWARD_ROUTE ||
	    n->forward == NETWORK_FORWARD_NONE;
}

int
firewall_apply(const struct network_def *n, char *err, size_t errlen)
{
	char *text = NULL;
	int r;

	if (!firewall_needed(n))
		return 0;
	pthread_mutex_lock(&fw_lock);
	if (fw_backend == FIREWALL_IPTABLES) {
		r = ipt_apply(n, err, errlen);
	} else if ((r = firewall_rules_build(n, &text, err, errlen)) == 0) {
		r = nft_run(text, err, errlen);
		free(text);
	}
	pthread_mutex_unlock(&fw_lock);
	if (r == 0)
		log_debug("rules of '%s' applied (%s)", n->bridge,
		    firewall_backend_name());
	return r;
}

int
firewall_remove(const char *bridge, bool last_network)
{
	char *text = NULL, err[512];
	int r, r6;

	pthread_mutex_lock(&fw_lock);
	if (fw_backend == FIREWALL_IPTABLES) {
		r = ipt_family(NULL, bridge, 4, err, sizeof(err));
		r6 = ipt_family(NULL, bridge, 6, err, sizeof(err));
		r = r < 0 ? r : r6;
	} else if ((r = firewall_rules_delete(bridge, last_network,
	    &text)) == 0) {
		r = nft_run(text, err, sizeof(err));
		free(text);
	}
	pthread_mutex_unlock(&fw_lock);
	return r;
}

/*
 * /proc/sys/net is the namespace's own, and the kernel lets CAP_NET_ADMIN
 * in the namespace write it as root could (net_ctl_permissions): netd sets
 * forwarding after its drop, when a network needs it, like libvirt.
 */
static int
sysctl_write_one(const char *path)
{
	char cur[4] = "";
	int fd = open(path, O_RDWR | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (pread(fd, cur, 2, 0) == 2 && cur[0] == '1' && cur[1] == '\n') {
		close(fd);
		return 0;	/* on already: no write, no device walk */
	}
	if (write(fd, "1\n", 2) != 2)
		r = errno ? -errno : -EIO;
	close(fd);
	return r;
}

int
forwarding_enable(const struct network_def *n)
{
	bool v6 = false;
	int r;

	if (n->forward != NETWORK_FORWARD_NAT &&
	    n->forward != NETWORK_FORWARD_ROUTE)
		return 0;
	for (size_t i = 0; i < n->nips; i++)
		v6 |= n->ips[i].address.family == AF_INET6;
	if ((r = sysctl_write_one("/proc/sys/net/ipv4/ip_forward")) < 0) {
		log_error("cannot enable IPv4 forwarding: %s", strerror(-r));
		return r;
	}
	if (v6 && (r = sysctl_write_one(
	    "/proc/sys/net/ipv6/conf/all/forwarding")) < 0) {
		log_error("cannot enable IPv6 forwarding: %s", strerror(-r));
		return r;
	}
	return 0;
}
