/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-secd's checks of a launch (emulator allow-list, argv, descriptors) and of a signal target. */
#define LOG_MODULE "secd"
#include "secd/emulator_policy.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/priv.h"

const char *const policy_default_emulators[] = {
	"/usr/bin/qemu-system-x86_64",
	"/usr/bin/qemu-system-i386",
	"/usr/libexec/qemu-kvm",
	NULL,
};

int
policy_uuid_valid(const char *uuid, char *err, size_t errlen)
{
	char q[96];
	size_t i;

	for (i = 0; uuid[i] && i < 37; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? uuid[i] != '-' :
		    !((uuid[i] >= '0' && uuid[i] <= '9') ||
		    (uuid[i] >= 'a' && uuid[i] <= 'f')))
			break;
	}
	if (i == 36 && uuid[i] == '\0')
		return 0;
	snprintf(err, errlen, "malformed uuid '%s': expected 36 lowercase hex digits and dashes (8-4-4-4-12)",
	    str_escape(q, sizeof(q), uuid));
	return -EINVAL;
}

/* Resolve an allow-list entry and compare; a missing entry never matches. */
static bool
policy_allowed(const char *resolved, const char *const *allow)
{
	char buf[PATH_MAX];

	for (size_t i = 0; allow[i]; i++) {
		if (realpath(allow[i], buf) && strcmp(buf, resolved) == 0)
			return true;
	}
	return false;
}

int
policy_emulator_check(const char *path, const char *const *allow,
    char *resolved, size_t len, char *err, size_t errlen)
{
	char q[256], buf[PATH_MAX];
	struct stat st;

	str_escape(q, sizeof(q), path);
	if (path[0] != '/') {
		snprintf(err, errlen, "emulator '%s' is not an absolute path", q);
		return -EINVAL;
	}
	if (!realpath(path, buf) || strlen(buf) >= len) {
		snprintf(err, errlen, "emulator '%s': %s", q,
		    strerror(errno ? errno : ENAMETOOLONG));
		return -ENOENT;
	}
	if (!policy_allowed(buf, allow)) {
		snprintf(err, errlen, "emulator '%s' is not on the allow-list of vmhost-secd",
		    q);
		return -EPERM;
	}
	if (stat(buf, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errlen, "emulator '%s' is not a regular file owned by root and writable only by root",
		    q);
		return -EPERM;
	}
	snprintf(resolved, len, "%s", buf);
	return 0;
}

int
policy_fd_targets_check(const int32_t *targets, size_t ntargets, size_t nfds,
    char *err, size_t errlen)
{
	if (ntargets != nfds) {
		snprintf(err, errlen, "%zu descriptor targets for %zu descriptors received",
		    ntargets, nfds);
		return -EINVAL;
	}
	if (ntargets > POLICY_MAX_FDS) {
		snprintf(err, errlen, "too many descriptors: %zu (at most %d)",
		    ntargets, POLICY_MAX_FDS);
		return -E2BIG;
	}
	for (size_t i = 0; i < ntargets; i++) {
		if (targets[i] < 1 || targets[i] > POLICY_MAX_FD_TARGET) {
			snprintf(err, errlen, "descriptor target %d is out of range 1..%d",
			    (int)targets[i], POLICY_MAX_FD_TARGET);
			return -EINVAL;
		}
		for (size_t j = 0; j < i; j++) {
			if (targets[j] == targets[i]) {
				snprintf(err, errlen, "descriptor target %d given twice",
				    (int)targets[i]);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/*
 * One "key=value" element of a QEMU option string (",," is a literal
 * comma). An element without '=' has an empty key. *p advances past it.
 * Returns false at the end, or when an element does not fit.
 */
static bool
opt_next(const char **p, char *key, size_t klen, char *val, size_t vlen)
{
	char buf[1024];
	size_t n = 0;
	const char *s = *p, *eq;

	if (!*s)
		return false;
	while (*s) {
		if (*s == ',' && s[1] != ',')
			break;
		if (*s == ',')
			s++;
		if (n + 1 >= sizeof(buf))
			return false;
		buf[n++] = *s++;
	}
	buf[n] = '\0';
	*p = *s ? s + 1 : s;
	eq = strchr(buf, '=');
	if (!eq) {
		key[0] = '\0';
		snprintf(val, vlen, "%s", buf);
		return true;
	}
	snprintf(key, klen, "%.*s", (int)(eq - buf), buf);
	snprintf(val, vlen, "%s", eq + 1);
	return true;
}

static bool
fd_is_target(long fd, const int32_t *targets, size_t ntargets)
{
	for (size_t i = 0; i < ntargets; i++) {
		if (targets[i] == fd)
			return true;
	}
	return false;
}

/* A descriptor list "N" or "N:M:..." of option opt: each a target. */
static int
fd_list_check(const char *opt, const char *key, const char *val,
    const int32_t *targets, size_t ntargets, char *err, size_t errlen)
{
	char q[128];
	const char *s = val;

	str_escape(q, sizeof(q), val);
	do {
		char *end;
		long fd;

		if (!isdigit((unsigned char)*s)) {
			snprintf(err, errlen, "-%s %s='%s': descriptors must be numbers",
			    opt, key, q);
			return -EINVAL;
		}
		errno = 0;
		fd = strtol(s, &end, 10);
		if (errno || (*end && *end != ':')) {
			snprintf(err, errlen, "-%s %s='%s': descriptors must be numbers",
			    opt, key, q);
			return -EINVAL;
		}
		if (!fd_is_target(fd, targets, ntargets)) {
			snprintf(err, errlen, "-%s %s=%ld: descriptor %ld was not passed with the request",
			    opt, key, fd, fd);
			return -EBADF;
		}
		s = *end ? end + 1 : end;
	} while (*s);
	return 0;
}

/* Every fd=, fds=, vhostfd=, vhostfds= of one option value. */
static int
fds_check(const char *opt, const char *value, const int32_t *targets,
    size_t ntargets, char *err, size_t errlen)
{
	char key[64], val[1024];
	const char *p = value;
	int r;

	if (value[0] == '{') {
		if (strstr(value, "fd\"") || strstr(value, "fds\"")) {
			snprintf(err, errlen, "-%s: descriptors in JSON options are not accepted",
			    opt);
			return -EINVAL;
		}
		return 0;
	}
	while (*p) {
		if (!opt_next(&p, key, sizeof(key), val, sizeof(val))) {
			snprintf(err, errlen, "-%s: option element too long", opt);
			return -EINVAL;
		}
		if (strcmp(key, "fd") && strcmp(key, "fds") &&
		    strcmp(key, "vhostfd") && strcmp(key, "vhostfds"))
			continue;
		if ((r = fd_list_check(opt, key, val, targets, ntargets, err,
		    errlen)) < 0)
			return r;
	}
	return 0;
}

/* -sandbox: "on", without elevateprivileges=allow|children. */
static int
sandbox_check(const char *value, char *err, size_t errlen)
{
	char key[64], val[1024], q[128];
	const char *p = value;
	bool first = true, bad = false;

	str_escape(q, sizeof(q), value);
	while (*p && !bad) {
		if (!opt_next(&p, key, sizeof(key), val, sizeof(val)))
			bad = true;
		else if (first && !((key[0] == '\0' || !strcmp(key, "enable")) &&
		    !strcmp(val, "on")))
			bad = true;
		else if (!strcmp(key, "elevateprivileges") && strcmp(val, "deny"))
			bad = true;
		first = false;
	}
	if (bad || first) {
		snprintf(err, errlen, "-sandbox '%s' refused: the sandbox must be on, without elevated privileges",
		    q);
		return -EPERM;
	}
	return 0;
}

/* Options refused outright, and why. */
static const struct {
	const char *name, *why;
} refused_opts[] = {
	{ "runas", "changes the emulator's user" },
	{ "run-with", "changes the emulator's user or root" },
	{ "chroot", "changes the emulator's root" },
	{ "daemonize", "detaches the emulator from secd" },
	{ "plugin", "loads code into the emulator" },
	{ "gdb", "opens a debugger port" },
	{ "s", "opens a debugger port" },
	{ "readconfig", "reads options from a file" },
	{ "writeconfig", "writes a file" },
	{ "qmp-pretty", "opens a monitor outside a passed descriptor" },
};

/* One option (name without dashes) and its value (NULL: none follows). */
static int
option_check(const char *name, const char *value, const int32_t *targets,
    size_t ntargets, char *err, size_t errlen)
{
	char q[128];

	for (size_t i = 0; i < sizeof(refused_opts) / sizeof(refused_opts[0]);
	    i++) {
		if (!strcmp(name, refused_opts[i].name)) {
			snprintf(err, errlen, "option -%s refused: it %s",
			    name, refused_opts[i].why);
			return -EPERM;
		}
	}
	if (!strcmp(name, "monitor") || !strcmp(name, "qmp")) {
		if (value && !strncmp(value, "chardev:", 8))
			return 0;
		snprintf(err, errlen, "option -%s '%s' refused: only chardev:NAME is accepted",
		    name, str_escape(q, sizeof(q), value ? value : ""));
		return -EPERM;
	}
	if (!strcmp(name, "sandbox"))
		return sandbox_check(value ? value : "", err, errlen);
	if (value && (!strcmp(name, "add-fd") || !strcmp(name, "chardev") ||
	    !strcmp(name, "netdev") || !strcmp(name, "device") ||
	    !strcmp(name, "object")))
		return fds_check(name, value, targets, ntargets, err, errlen);
	return 0;
}

int
policy_argv_check(char *const *argv, size_t argc, const int32_t *targets,
    size_t ntargets, char *err, size_t errlen)
{
	size_t bytes = 0;
	int r;

	if (argc < 1 || argc > POLICY_MAX_ARGS) {
		snprintf(err, errlen, "argv has %zu elements (1..%d accepted)",
		    argc, POLICY_MAX_ARGS);
		return -E2BIG;
	}
	for (size_t i = 0; i < argc; i++)
		bytes += strlen(argv[i]) + 1;
	if (bytes > POLICY_MAX_ARGV_BYTES) {
		snprintf(err, errlen, "argv has %zu bytes (at most %d)", bytes,
		    POLICY_MAX_ARGV_BYTES);
		return -E2BIG;
	}
	/*
	 * Every element that looks like an option is checked, wherever it
	 * stands: refusing a value that looks like a refused option is
	 * safer than guessing which options QEMU gives an argument.
	 */
	for (size_t i = 1; i < argc; i++) {
		const char *name = argv[i];

		if (name[0] != '-' || name[1] == '\0')
			continue;
		name += name[1] == '-' ? 2 : 1;
		if ((r = option_check(name, i + 1 < argc ? argv[i + 1] : NULL,
		    targets, ntargets, err, errlen)) < 0)
			return r;
	}
	return 0;
}

/* argv[0] and whether "-uuid UUID" is in /proc/PID/cmdline. */
static int
proc_cmdline_check(pid_t pid, const char *uuid, char *argv0, size_t len)
{
	char path[64], *buf = NULL;
	size_t n, i;
	bool prev_uuid = false, found = false;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((r = file_read_all(path, 1024 * 1024, &buf, &n)) < 0)
		return r;
	if (n == 0 || buf[n - 1] != '\0') {
		free(buf);
		return -ESRCH;
	}
	snprintf(argv0, len, "%s", buf);
	for (i = 0; i < n; i += strlen(buf + i) + 1) {
		const char *a = buf + i;

		if (prev_uuid && !strcmp(a, uuid))
			found = true;
		prev_uuid = !strcmp(a, "-uuid") || !strcmp(a, "--uuid");
	}
	free(buf);
	return found ? 0 : -ESRCH;
}

/* The binary of pid: /proc/PID/exe, or argv[0] where exe is not ours to read. */
static bool
proc_binary_allowed(pid_t pid, const char *argv0, const char *const *allow)
{
	char path[64], exe[PATH_MAX], res[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		return policy_allowed(exe, allow);
	}
	if (errno != EACCES || !realpath(argv0, res))
		return false;
	return policy_allowed(res, allow);
}

int
policy_proc_is_emulator(pid_t pid, const char *uuid, uid_t emu_uid,
    const char *const *allow, char *err, size_t errlen)
{
	struct proc_status st;
	char argv0[PATH_MAX];

	if (pid <= 1 || pid == getpid() || pid == getppid())
		goto refuse;
	if (proc_status_read(pid, &st) < 0) {
		snprintf(err, errlen, "pid %d does not exist", (int)pid);
		return -ESRCH;
	}
	if (st.uid != emu_uid ||
	    proc_cmdline_check(pid, uuid, argv0, sizeof(argv0)) < 0 ||
	    !proc_binary_allowed(pid, argv0, allow))
		goto refuse;
	return 0;
refuse:
	snprintf(err, errlen, "pid %d is not the emulator of guest %s",
	    (int)pid, uuid);
	return -EPERM;
}
