/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The --root prefix in front of every well-known path, shared by all vmhost processes. */
#include "common/paths.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATHS_ROOT_MAX 1024

static char paths_root_buf[PATHS_ROOT_MAX];

int
paths_set_root(const char *root)
{
	size_t len;

	if (!root || !*root) {
		paths_root_buf[0] = '\0';
		return 0;
	}
	if (root[0] != '/')
		return -EINVAL;
	len = strlen(root);
	while (len > 0 && root[len - 1] == '/')
		len--;
	if (len >= sizeof(paths_root_buf))
		return -EINVAL;
	memcpy(paths_root_buf, root, len);
	paths_root_buf[len] = '\0';
	return 0;
}

const char *
paths_root(void)
{
	return paths_root_buf;
}

/* Session mode: system folders -> the user's own (see paths.h). */
static const struct {
	const char *sys;
	size_t off;		/* of the mapped folder in struct paths_session */
	const char *sub;
} paths_session_map[] = {
	{ VMHOST_ETC_DIR, offsetof(struct paths_session, config), "" },
	{ VMHOST_RUN_DIR, offsetof(struct paths_session, runtime), "" },
	{ VMHOST_LOG_DIR, offsetof(struct paths_session, cache), "/log" },
	{ VMHOST_LIB_DIR, offsetof(struct paths_session, data), "" },
};
static struct paths_session paths_session_buf;
static int paths_session_on;

static int
paths_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '/' || !path[n]);
}

static int paths_vbuild(char *buf, size_t len, int session, const char *fmt,
    va_list ap) __attribute__((format(printf, 4, 0)));

static int
paths_vbuild(char *buf, size_t len, int session, const char *fmt, va_list ap)
{
	char rel[PATH_MAX];
	int n = vsnprintf(rel, sizeof(rel), fmt, ap);

	if (len)
		buf[0] = '\0';
	if (n < 0 || (size_t)n >= sizeof(rel))
		return -ENAMETOOLONG;
	for (size_t i = 0; session && i < sizeof(paths_session_map) /
	    sizeof(*paths_session_map); i++) {
		const char *sys = paths_session_map[i].sys;

		if (!paths_under(rel, sys))
			continue;
		n = snprintf(buf, len, "%s%s%s",
		    (const char *)&paths_session_buf + paths_session_map[i].off,
		    paths_session_map[i].sub, rel + strlen(sys));
		goto out;
	}
	n = snprintf(buf, len, "%s%s", paths_root_buf, rel);
out:
	if (n < 0 || (size_t)n >= len) {
		if (len)
			buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

int
path_build(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = paths_vbuild(buf, len, paths_session_on, fmt, ap);
	va_end(ap);
	return r;
}

int
path_build_system(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = paths_vbuild(buf, len, 0, fmt, ap);
	va_end(ap);
	return r;
}

/* $VAR, or $HOME/fallback; then /vmhost. */
static int
paths_xdg(char *out, const char *var, const char *fallback)
{
	const char *v = getenv(var), *home = getenv("HOME");
	int n;

	if (v && v[0] == '/')
		n = snprintf(out, PATHS_SESSION_MAX, "%s/vmhost", v);
	else if (home && home[0] == '/')
		n = snprintf(out, PATHS_SESSION_MAX, "%s/%s/vmhost", home,
		    fallback);
	else
		return -ENOENT;
	return n > 0 && n < PATHS_SESSION_MAX ? 0 : -ENAMETOOLONG;
}

int
paths_session_dirs(struct paths_session *s)
{
	int r;

	memset(s, 0, sizeof(*s));
	if ((r = paths_xdg(s->config, "XDG_CONFIG_HOME", ".config")) < 0 ||
	    (r = paths_xdg(s->cache, "XDG_CACHE_HOME", ".cache")) < 0 ||
	    (r = paths_xdg(s->data, "XDG_DATA_HOME", ".local/share")) < 0)
		return r;
	if (paths_xdg(s->runtime, "XDG_RUNTIME_DIR", "") == 0 &&
	    getenv("XDG_RUNTIME_DIR") && getenv("XDG_RUNTIME_DIR")[0] == '/')
		return 0;
	/* no runtime folder: ~/.cache/vmhost/run, as libvirt falls back */
	r = snprintf(s->runtime, sizeof(s->runtime), "%s/run", s->cache);
	return r > 0 && (size_t)r < sizeof(s->runtime) ? 0 : -ENAMETOOLONG;
}

int
paths_set_session(const struct paths_session *s)
{
	if (!s) {
		paths_session_on = 0;
		return 0;
	}
	paths_session_buf = *s;
	paths_session_on = 1;
	return 0;
}

int
paths_session(void)
{
	return paths_session_on;
}

int
paths_session_sock(char *buf, size_t len)
{
	struct paths_session s;
	int r, n;

	if ((r = paths_session_dirs(&s)) < 0)
		return r;
	n = snprintf(buf, len, "%s/vmhost-sock", s.runtime);
	return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}
