/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bridge.conf, read as qemu-bridge-helper reads it, for vmhost-netd's taps on host bridges. */
#define LOG_MODULE "bridge.conf"
#include "netd/bridge_conf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"

struct acl {
	bool allow, deny;
	bool includes;		/* follow "include" lines */
	const char *bridge;
};

static int acl_file(const char *path, struct acl *a, int depth, char *err,
    size_t errlen);

/* One rule: the argument is matched as qemu-bridge-helper does (the
 * first IFNAMSIZ-1 bytes of it against the whole bridge name). */
static void
acl_rule(struct acl *a, bool allow, const char *arg)
{
	char iface[IFNAMSIZ];

	if (strcmp(arg, "all") != 0) {
		snprintf(iface, sizeof(iface), "%s", arg);
		if (strcmp(iface, a->bridge) != 0)
			return;
	}
	if (allow)
		a->allow = true;
	else
		a->deny = true;
}

/* One line; 0, or -EINVAL with err naming the file and line. */
static int
acl_line(const char *path, unsigned lineno, char *line, struct acl *a,
    int depth, char *err, size_t errlen)
{
	char *cmd = line, *arg, *end, q[40];

	while (isspace((unsigned char)*cmd))
		cmd++;
	if (*cmd == '#' || *cmd == '\0')
		return 0;
	arg = cmd + strcspn(cmd, " \t");
	if (*arg == '\0') {
		snprintf(err, errlen, "%s line %u: no argument after '%s'",
		    path, lineno, str_escape(q, sizeof(q), cmd));
		return -EINVAL;
	}
	*arg++ = '\0';
	while (isspace((unsigned char)*arg))
		arg++;
	end = arg + strlen(arg);
	while (end > arg && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (strcmp(cmd, "allow") == 0 || strcmp(cmd, "deny") == 0)
		acl_rule(a, cmd[0] == 'a', arg);
	else if (strcmp(cmd, "include") == 0) {
		if (a->includes)	/* errors ignored, as qemu does */
			acl_file(arg, a, depth + 1, NULL, 0);
	} else {
		snprintf(err, errlen, "%s line %u: unknown command '%s'",
		    path, lineno, str_escape(q, sizeof(q), cmd));
		return -EINVAL;
	}
	return 0;
}

/* Every line of text (NUL-terminated, modified in place). */
static int
acl_text(const char *path, char *text, struct acl *a, int depth, char *err,
    size_t errlen)
{
	unsigned lineno = 0;
	char *line, *next;
	int r = 0;

	for (line = text; line && r == 0; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		r = acl_line(path, ++lineno, line, a, depth, err, errlen);
	}
	return r;
}

/* A regular file only: never a FIFO or a device named by an include. */
static int
acl_read(const char *path, char **text)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), r;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	else
		r = fd_read_all(fd, BRIDGE_CONF_MAX, text, NULL);
	close(fd);
	return r;
}

static int
acl_file(const char *path, struct acl *a, int depth, char *err, size_t errlen)
{
	char *text = NULL, ignored[256];
	int r;

	if (!err) {
		err = ignored;
		errlen = sizeof(ignored);
	}
	if (depth > BRIDGE_CONF_DEPTH) {
		snprintf(err, errlen, "%s: includes nested deeper than %d", path,
		    BRIDGE_CONF_DEPTH);
		return -ELOOP;
	}
	if ((r = acl_read(path, &text)) < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    r == -EINVAL ? "not a regular file" : strerror(-r));
		return r;
	}
	r = acl_text(path, text, a, depth, err, errlen);
	free(text);
	return r;
}

int
bridge_conf_check(const char *path, const char *bridge, char *err,
    size_t errlen)
{
	struct acl a = { false, false, true, bridge };
	int r;

	if ((r = acl_file(path, &a, 0, err, errlen)) < 0)
		return r;
	return a.allow && !a.deny;	/* deny wins, whatever the order */
}

int
bridge_conf_check_text(const char *text, size_t len, const char *bridge,
    char *err, size_t errlen)
{
	struct acl a = { false, false, false, bridge };
	char *copy;
	int r;

	if (len > BRIDGE_CONF_MAX) {
		snprintf(err, errlen, "bridge.conf: more than %d bytes",
		    BRIDGE_CONF_MAX);
		return -EFBIG;
	}
	if (!(copy = malloc(len + 1)))
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	r = acl_text("bridge.conf", copy, &a, 0, err, errlen);
	free(copy);
	return r < 0 ? r : a.allow && !a.deny;
}

int
bridge_conf_allows(const char *path, const char *bridge)
{
	char err[256];
	int r = bridge_conf_check(path, bridge, err, sizeof(err));

	if (r < 0 && r != -ENOENT)
		log_warn("%s: every bridge refused", err);
	return r > 0;
}
