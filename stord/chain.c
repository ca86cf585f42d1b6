/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's backing chain walk: allowed folders, loops, declared formats. */
#include "stord/chain.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CHAIN_ALLOWED_MAX 32

struct walk {
	const struct chain_opts *opts;
	char allowed[CHAIN_ALLOWED_MAX][PATH_MAX];
	size_t n_allowed;
	char *err;
	size_t errlen;
};

/* Quotes a user-controlled name for an error: no control bytes, bounded. */
static const char *
chain_quote(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 5 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return buf;
}

static int
chain_fail(struct walk *w, int r, const char *what, const char *name,
    const char *why)
{
	char q[256];

	snprintf(w->err, w->errlen, "%s '%s' %s", what,
	    chain_quote(name, q, sizeof(q)), why);
	return r;
}

/* Folder part of @path ("." when none), as qemu's path_combine sees it. */
static void
chain_dirname(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

static int
chain_join(const char *base, const char *name, char *out, size_t len)
{
	const char *slash = strrchr(base, '/');
	int n;

	if (name[0] == '/' || !slash)
		n = snprintf(out, len, "%s", name);
	else
		n = snprintf(out, len, "%.*s/%s", (int)(slash - base), base,
		    name);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static bool
chain_is_allowed(const struct walk *w, const char *real)
{
	for (size_t i = 0; i < w->n_allowed; i++) {
		size_t n = strlen(w->allowed[i]);

		if (strcmp(w->allowed[i], "/") == 0)
			return true;
		if (strncmp(real, w->allowed[i], n) == 0 &&
		    (real[n] == '/' || real[n] == '\0'))
			return true;
	}
	return false;
}

static void
chain_add_allowed(struct walk *w, const char *dir)
{
	if (w->n_allowed < CHAIN_ALLOWED_MAX &&
	    realpath(dir, w->allowed[w->n_allowed]))
		w->n_allowed++;
}

/* A name with ':' before any '/' is a protocol (nbd:, json:, http://). */
static bool
chain_is_protocol(const char *name)
{
	size_t colon = strcspn(name, ":");

	return name[colon] == ':' && colon < strcspn(name, "/");
}

/* Canonicalises @name (relative to @base) and checks the folders. */
static int
chain_locate(struct walk *w, const char *base, const char *name,
    const char *what, char *path, char *real)
{
	if (chain_is_protocol(name))
		return chain_fail(w, -EPROTONOSUPPORT, what, name,
		    "is a network or json: reference");
	if (chain_join(base, name, path, PATH_MAX) < 0)
		return chain_fail(w, -ENAMETOOLONG, what, name,
		    "has a path too long");
	if (!realpath(path, real))
		return chain_fail(w, -errno, what, path,
		    errno == ENOENT ? "does not exist" : "cannot be resolved");
	if (w->opts->forbidden && w->opts->forbidden(real))
		return chain_fail(w, -EPERM, what, real,
		    "is a system file and is never used for a guest");
	if (!chain_is_allowed(w, real) && !w->opts->allow_outside)
		return chain_fail(w, -EPERM, what, real,
		    "lies outside the allowed folders");
	return 0;
}

static int
chain_open_path(const char *real, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)flags,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, real, &how, sizeof(how));

	if (fd < 0 && (errno == ENOSYS || errno == E2BIG))
		fd = open(real, flags);
	return fd;
}

/* Opens without following links, refusing fifos, sockets and devices. */
static int
chain_open(struct walk *w, struct chain_layer *l, bool writable)
{
	int flags = (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW |
	    O_NOCTTY | O_NONBLOCK;
	struct stat st;

	l->fd = chain_open_path(l->real, flags);
	if (l->fd < 0)
		return chain_fail(w, -errno, "image", l->real,
		    errno == ELOOP ? "changed into a symlink" :
		    "cannot be opened");
	if (fstat(l->fd, &st) < 0 || !(S_ISREG(st.st_mode) ||
	    S_ISBLK(st.st_mode)))
		return chain_fail(w, -EINVAL, "image", l->real,
		    "is not a regular file or block device");
	/* A second name may be a hard link to a file outside the folders
	 * (e.g. /etc/shadow) that realpath cannot see through. */
	if (S_ISREG(st.st_mode) && st.st_nlink > 1)
		return chain_fail(w, -EPERM, "image", l->real,
		    "has more than one hard link (it may be a file from outside the allowed folders)");
	flags = fcntl(l->fd, F_GETFL);
	if (flags < 0 || fcntl(l->fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
		return chain_fail(w, -errno, "image", l->real,
		    "cannot be set blocking");
	return 0;
}

static int
chain_check_loop(struct walk *w, const struct chain *c)
{
	const struct chain_layer *l = &c->layers[c->n - 1];
	struct stat st, prev;

	if (fstat(l->fd, &st) < 0)
		return chain_fail(w, -errno, "image", l->real,
		    "cannot be examined");
	for (size_t i = 0; i + 1 < c->n; i++) {
		if (fstat(c->layers[i].fd, &prev) == 0 &&
		    prev.st_dev == st.st_dev && prev.st_ino == st.st_ino)
			return chain_fail(w, -ELOOP, "backing file", l->path,
			    "makes a loop in the backing chain");
	}
	return 0;
}

/* Reads the layer as declared, or guessed only when probing is allowed. */
static int
chain_format(struct walk *w, struct chain_layer *l, const char *declared)
{
	char msg[160];
	enum probe_format fmt = probe_format_parse(declared);
	int r;

	if (declared && *declared && !probe_format_supported(fmt))
		return chain_fail(w, -ENOTSUP, "image", l->path,
		    "has an unknown or unsupported declared format");
	if (declared && *declared) {
		r = probe_fd_as(l->fd, fmt, &l->info, msg, sizeof(msg));
	} else if (w->opts->allow_probe) {
		l->probed = true;
		r = probe_fd(l->fd, &l->info, msg, sizeof(msg));
		if (r == 0 && !probe_format_supported(l->info.format))
			return chain_fail(w, -ENOTSUP, "image", l->path,
			    "is in a format vmhost does not support");
	} else {
		r = probe_fd_as(l->fd, PROBE_FMT_RAW, &l->info, msg,
		    sizeof(msg));
	}
	if (r < 0) {
		char why[200];

		snprintf(why, sizeof(why), "is unusable: %s", msg);
		return chain_fail(w, r, "image", l->path, why);
	}
	l->format = l->info.format;
	return 0;
}

/* Files the header names besides the backing file: never opened here. */
static int
chain_check_refs(struct walk *w, const struct chain_layer *l)
{
	char path[PATH_MAX], real[PATH_MAX];
	int r = 0;

	if (l->info.has_data_file)
		r = chain_locate(w, l->path, l->info.data_file, "data file",
		    path, real);
	for (unsigned i = 0; r == 0 && i < l->info.n_extents; i++)
		r = chain_locate(w, l->path, l->info.extents[i],
		    "vmdk extent", path, real);
	return r;
}

static int
chain_layer_add(struct walk *w, struct chain *c, const char *base,
    const char *name, const char *declared)
{
	struct chain_layer *l = &c->layers[c->n];
	const char *what = c->n ? "backing file" : "image";
	int r;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	r = chain_locate(w, base, name, what, l->path, l->real);
	if (r < 0)
		return r;
	c->n++;
	r = chain_open(w, l, c->n == 1 && w->opts->top_writable);
	if (r == 0)
		r = chain_check_loop(w, c);
	if (r == 0)
		r = chain_format(w, l, declared);
	if (r == 0)
		r = chain_check_refs(w, l);
	if (r == 0 && l->info.has_backing && !l->info.backing[0])
		r = chain_fail(w, -EINVAL, "image", l->path,
		    "names a backing file that cannot be read");
	return r;
}

static int
chain_walk(struct walk *w, const char *top, struct chain *c,
    unsigned depth)
{
	const struct chain_layer *prev;
	int r;

	r = chain_layer_add(w, c, "", top, w->opts->top_format);
	while (r == 0) {
		prev = &c->layers[c->n - 1];
		if (!prev->info.has_backing)
			return 0;
		if (c->n >= depth)
			return chain_fail(w, -ELOOP, "image", top,
			    "has a backing chain deeper than the limit");
		r = chain_layer_add(w, c, prev->path, prev->info.backing,
		    prev->info.backing_format);
	}
	return r;
}

int
chain_resolve(const char *top, const struct chain_opts *opts,
    struct chain *out, char *err, size_t errlen)
{
	struct walk *w = calloc(1, sizeof(*w));
	char dir[PATH_MAX];
	unsigned depth = opts->max_depth ? opts->max_depth :
	    CHAIN_DEPTH_DEFAULT;
	int r;

	memset(out, 0, sizeof(*out));
	out->layers = calloc(depth, sizeof(*out->layers));
	if (!w || !out->layers) {
		free(w);
		chain_free(out);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	*w = (struct walk){ .opts = opts, .err = err, .errlen = errlen };
	for (size_t i = 0; i < opts->n_allowed; i++)
		chain_add_allowed(w, opts->allowed[i]);
	chain_dirname(top, dir, sizeof(dir));
	chain_add_allowed(w, dir);
	r = chain_walk(w, top, out, depth);
	if (r < 0)
		chain_free(out);
	free(w);
	return r;
}

void
chain_free(struct chain *c)
{
	if (!c || !c->layers)
		return;
	for (size_t i = 0; i < c->n; i++) {
		if (c->layers[i].fd >= 0)
			close(c->layers[i].fd);
		c->layers[i].fd = -1;
	}
	free(c->layers);
	c->layers = NULL;
	c->n = 0;
}
