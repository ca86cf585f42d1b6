/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bridge.conf, read as qemu-bridge-helper reads it, for vmhost-netd's taps on host bridges. */
#define LOG_MODULE "bridge.conf"
#include "netd/bridge_conf.h"

#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "common/log.h"

struct acl {
	bool allow, deny;
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
	char *cmd = line, *arg, *end;

	while (isspace((unsigned char)*cmd))
		cmd++;
	if (*cmd == '#' || *cmd == '\0')
		return 0;
	arg = cmd + strcspn(cmd, " \t");
	if (*arg == '\0') {
		snprintf(err, errlen, "%s line %u: no argument after '%.32s'",
		    path, lineno, cmd);
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
	else if (strcmp(cmd, "include") == 0)
		acl_file(arg, a, depth + 1, NULL, 0);	/* errors ignored, as qemu */
	else {
		snprintf(err, errlen, "%s line %u: unknown command '%.32s'",
		    path, lineno, cmd);
		return -EINVAL;
	}
	return 0;
}

static int
acl_file(const char *path, struct acl *a, int depth, char *err, size_t errlen)
{
	char *text = NULL, *line, *next, ignored[256];
	unsigned lineno = 0;
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
	if ((r = file_read_all(path, BRIDGE_CONF_MAX, &text, NULL)) < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-r));
		return r;
	}
	for (line = text; line && r == 0; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		r = acl_line(path, ++lineno, line, a, depth, err, errlen);
	}
	free(text);
	return r;
}

int
bridge_conf_check(const char *path, const char *bridge, char *err,
    size_t errlen)
{
	struct acl a = { false, false, bridge };
	int r;

	if ((r = acl_file(path, &a, 0, err, errlen)) < 0)
		return r;
	return a.allow && !a.deny;	/* deny wins, whatever the order */
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
