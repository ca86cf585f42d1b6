/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Path validation for per-guest AppArmor rules, run by vmhost-secd before a profile is written. */
#include "secd/aa_path.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define K(kind) (1u << (kind))
#define K_RO_BOOT (K(AA_KIND_KERNEL) | K(AA_KIND_INITRD))
#define K_FW (K(AA_KIND_FIRMWARE) | K_RO_BOOT)
#define K_BLOCK (K(AA_KIND_DISK) | K(AA_KIND_BACKING) | K(AA_KIND_CDROM))

/* A folder and the kinds of file allowed under it; the longest match rules. */
struct aa_root {
	const char *prefix;
	unsigned kinds;	/* 0: nothing of the guest's may live here */
	bool device;	/* only device nodes, checked by aa_device_ok */
};

/*
 * Anything not under one of these is allowed. /dev is refused except for
 * device nodes a guest can be given (block devices as disks, serial
 * ttys, tap nodes); the daemons' own state is refused; the runtime folder
 * of the emulators is allowed for their sockets, pid files and logs.
 */
static const struct aa_root aa_roots[] = {
	{ "/bin", 0, false },
	{ "/boot", K_RO_BOOT, false },
	{ "/dev", K_BLOCK | K(AA_KIND_SERIAL) | K(AA_KIND_TAP), true },
	{ "/etc", 0, false },
	{ "/lib", 0, false },
	{ "/lib32", 0, false },
	{ "/lib64", 0, false },
	{ "/libx32", 0, false },
	{ "/proc", 0, false },
	{ "/root", 0, false },
	{ "/run", 0, false },
	{ "/run/vmhost", 0, false },
	{ "/run/vmhost/qemu",
	    K(AA_KIND_SOCKET) | K(AA_KIND_PIDFILE) | K(AA_KIND_SERIAL), false },
	{ "/sbin", 0, false },
	{ "/sys", 0, false },
	{ "/usr", 0, false },
	{ "/usr/lib/ipxe/qemu", K_FW, false },
	{ "/usr/share/AAVMF", K_FW, false },
	{ "/usr/share/OVMF", K_FW, false },
	{ "/usr/share/edk2", K_FW, false },
	{ "/usr/share/ovmf", K_FW, false },
	{ "/usr/share/qemu", K_FW, false },
	{ "/usr/share/qemu-efi", K_FW, false },
	{ "/usr/share/seabios", K_FW, false },
	{ "/var/lib/apparmor", 0, false },
	{ "/var/lib/vmhost/dnsmasq", 0, false },
	{ "/var/run", 0, false },
};

static const char *const aa_kind_names[AA_KIND_COUNT] = {
	[AA_KIND_DISK] = "disk",
	[AA_KIND_BACKING] = "backing",
	[AA_KIND_CDROM] = "cdrom",
	[AA_KIND_KERNEL] = "kernel",
	[AA_KIND_INITRD] = "initrd",
	[AA_KIND_FIRMWARE] = "firmware",
	[AA_KIND_NVRAM] = "nvram",
	[AA_KIND_SERIAL] = "serial",
	[AA_KIND_SOCKET] = "socket",
	[AA_KIND_PIDFILE] = "pidfile",
	[AA_KIND_TAP] = "tap",
};

const char *
aa_kind_name(enum aa_kind kind)
{
	if ((unsigned)kind >= AA_KIND_COUNT)
		return "?";
	return aa_kind_names[kind];
}

static int __attribute__((format(printf, 4, 5)))
aa_fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

int
aa_path_chars_valid(const char *path, char *err, size_t errlen)
{
	static const char bad[] = "\"\\*?[]{}^,";
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return aa_fail(-EINVAL, err, errlen,
			    "path has a control byte \\x%02x at offset %zu",
			    *p, (size_t)(p - (const unsigned char *)path));
		if (strchr(bad, *p))
			return aa_fail(-EINVAL, err, errlen,
			    "path has '%c' at offset %zu, which AppArmor rules "
			    "treat as syntax", *p,
			    (size_t)(p - (const unsigned char *)path));
	}
	return 0;
}

/* Is path equal to prefix or below it (component-wise)? */
static bool
aa_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/');
}

static const struct aa_root *
aa_root_find(const char *path)
{
	const struct aa_root *best = NULL;
	size_t i;

	for (i = 0; i < sizeof(aa_roots) / sizeof(aa_roots[0]); i++) {
		if (!aa_under(path, aa_roots[i].prefix))
			continue;
		if (!best || strlen(aa_roots[i].prefix) > strlen(best->prefix))
			best = &aa_roots[i];
	}
	return best;
}

/* Serial devices a guest may own: pseudo terminals and real serial ports. */
static bool
aa_serial_dev(const char *path)
{
	static const char *const ttys[] = { "/dev/ttyS", "/dev/ttyUSB",
		"/dev/ttyACM", "/dev/ttyAMA" };
	size_t i, n;

	if (strncmp(path, "/dev/pts/", 9) == 0 && path[9] >= '0' &&
	    path[9] <= '9')
		return true;
	for (i = 0; i < sizeof(ttys) / sizeof(ttys[0]); i++) {
		n = strlen(ttys[i]);
		if (strncmp(path, ttys[i], n) == 0 && path[n] >= '0' &&
		    path[n] <= '9' && !strchr(path + n, '/'))
			return true;
	}
	return false;
}

/* Under /dev: block devices as disks, ttys as serial, tap nodes as taps. */
static bool
aa_device_ok(const char *path, enum aa_kind kind)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return false;
	switch (kind) {
	case AA_KIND_DISK:
	case AA_KIND_BACKING:
	case AA_KIND_CDROM:
		return S_ISBLK(st.st_mode);
	case AA_KIND_SERIAL:
		return S_ISCHR(st.st_mode) && aa_serial_dev(path);
	case AA_KIND_TAP:
		return S_ISCHR(st.st_mode) &&
		    (strcmp(path, "/dev/net/tun") == 0 ||
		    (strncmp(path, "/dev/tap", 8) == 0 && path[8] >= '0' &&
		    path[8] <= '9'));
	default:
		return false;
	}
}

static int
aa_location_check(const char *path, enum aa_kind kind, char *err,
    size_t errlen)
{
	const struct aa_root *root;

	if (strcmp(path, "/") == 0)
		return aa_fail(-EACCES, err, errlen,
		    "the root folder cannot be a guest's %s",
		    aa_kind_name(kind));
	root = aa_root_find(path);
	if (!root)
		return 0;
	if ((root->kinds & K(kind)) &&
	    (!root->device || aa_device_ok(path, kind)))
		return 0;
	return aa_fail(-EACCES, err, errlen,
	    "'%s' is under %s: refused as a guest's %s", path, root->prefix,
	    aa_kind_name(kind));
}

/* Append the components of rest (which does not exist yet) to out. */
static int
aa_append_rest(char *out, size_t len, const char *rest, char *err,
    size_t errlen)
{
	size_t used = strlen(out), n;
	const char *c = rest, *end;

	while (*c) {
		while (*c == '/')
			c++;
		end = strchrnul(c, '/');
		n = (size_t)(end - c);
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return aa_fail(-EINVAL, err, errlen,
			    "path has a '..' component in its part that does "
			    "not exist yet");
		if (n && !(n == 1 && c[0] == '.')) {
			if (used > 1 && used + 1 < len)
				out[used++] = '/';
			if (used + n >= len)
				return aa_fail(-ENAMETOOLONG, err, errlen,
				    "resolved path is too long");
			memcpy(out + used, c, n);
			out[used += n] = '\0';
		}
		c = end;
	}
	return 0;
}

/* Cut buf (an absolute path) at its last '/'; returns where rest starts. */
static size_t
aa_cut_last(char *buf)
{
	char *slash = strrchr(buf, '/');
	size_t pos = (size_t)(slash - buf);

	if (pos == 0)
		buf[1] = '\0';
	else
		buf[pos] = '\0';
	return pos;
}

/* realpath of the longest existing prefix, then the rest appended. */
static int
aa_resolve(const char *path, char *out, size_t len, char *err, size_t errlen)
{
	char buf[PATH_MAX], real[PATH_MAX];
	size_t rest = strlen(path);
	struct stat st;

	memcpy(buf, path, rest + 1);
	while (!realpath(buf, real)) {
		int e = errno;

		if (e != ENOENT)
			return aa_fail(-e, err, errlen,
			    "cannot resolve '%s': %s", buf, strerror(e));
		if (lstat(buf, &st) == 0)
			return aa_fail(-ENOENT, err, errlen,
			    "'%s' is a dangling symbolic link", buf);
		rest = aa_cut_last(buf);
	}
	if (strlen(real) >= len)
		return aa_fail(-ENAMETOOLONG, err, errlen,
		    "resolved path is too long");
	strcpy(out, real);
	return aa_append_rest(out, len, path + rest, err, errlen);
}

int
aa_path_check(const char *path, enum aa_kind kind, char *resolved,
    size_t len, char *err, size_t errlen)
{
	char tmp[PATH_MAX], why[128];
	int rc;

	if ((unsigned)kind >= AA_KIND_COUNT)
		return aa_fail(-EINVAL, err, errlen, "unknown file kind %d",
		    (int)kind);
	if (!path || !*path)
		return aa_fail(-EINVAL, err, errlen, "%s path is empty",
		    aa_kind_name(kind));
	if (strlen(path) > AA_PATH_MAX)
		return aa_fail(-ENAMETOOLONG, err, errlen,
		    "%s path is longer than %d bytes", aa_kind_name(kind),
		    AA_PATH_MAX);
	if ((rc = aa_path_chars_valid(path, err, errlen)) < 0)
		return rc;
	if (path[0] != '/')
		return aa_fail(-EINVAL, err, errlen,
		    "%s path '%s' is not absolute", aa_kind_name(kind), path);
	if ((rc = aa_resolve(path, tmp, sizeof(tmp), err, errlen)) < 0)
		return rc;
	if (aa_path_chars_valid(tmp, why, sizeof(why)) < 0)
		return aa_fail(-EINVAL, err, errlen,
		    "%s path resolves to a name unfit for a rule: %s",
		    aa_kind_name(kind), why);
	if ((rc = aa_location_check(tmp, kind, err, errlen)) < 0)
		return rc;
	if (strlen(tmp) >= len)
		return aa_fail(-ENAMETOOLONG, err, errlen,
		    "resolved path does not fit the caller's buffer");
	strcpy(resolved, tmp);
	return 0;
}
