/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhost-stord's configuration, pool volume handlers and remembered-owner handlers. */
#define LOG_MODULE "stord"
#include "stord/service.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stord.pb-c.h"
#include "common/conf.h"
#include "common/log.h"
#include "common/paths.h"
#include "stord/disks.h"
#include "stord/owner.h"
#include "stord/pool.h"

struct stord_conf {
	char **allowed_dirs;
};

static const struct conf_key stord_schema[] = {
	{ "allowed_dirs", CONF_STRLIST, offsetof(struct stord_conf,
	  allowed_dirs), 0, 0 },
};
#define NKEYS (sizeof(stord_schema) / sizeof(stord_schema[0]))

static char pool_dir[PATH_MAX];

const char *
stord_pool_dir(void)
{
	return pool_dir;
}

int
stord_config_load(const char *file, char *err, size_t errlen)
{
	struct stord_conf c = { 0 };
	char path[PATH_MAX];
	int r;

	if (path_build(pool_dir, sizeof(pool_dir), "%s/images",
	    VMHOST_LIB_DIR) < 0 || path_build(path, sizeof(path), "%s",
	    STORD_CONF) < 0) {
		snprintf(err, errlen, "--root is too long");
		return -ENAMETOOLONG;
	}
	if (file)
		snprintf(path, sizeof(path), "%s", file);
	r = conf_load(path, !file, stord_schema, NKEYS, &c, err, errlen);
	if (r == 0)
		r = disks_set_allowed(pool_dir, c.allowed_dirs, err, errlen);
	for (size_t i = 0; r == 0 && c.allowed_dirs && c.allowed_dirs[i]; i++)
		log_info("images allowed from '%s'", c.allowed_dirs[i]);
	conf_free(stord_schema, NKEYS, &c);
	return r;
}

int
stord_owner_init(char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (path_build(path, sizeof(path), "%s/owners", STORD_STATE_DIR) < 0)
		return -ENAMETOOLONG;
	return owner_init(path, err, errlen);
}

static void
vol_to_msg(const struct pool_vol *v, Vmhost__Stord__VolInfo *m,
    char **reasons)
{
	vmhost__stord__vol_info__init(m);
	m->name = (char *)(uintptr_t)v->name;
	m->path = (char *)(uintptr_t)v->path;
	m->type = (char *)(uintptr_t)"file";
	m->capacity = v->capacity;
	m->allocation = v->allocation;
	m->format = (char *)(uintptr_t)v->format;
	m->probed = v->probed;
	m->backing = (char *)(uintptr_t)v->info.backing;
	m->backing_format = (char *)(uintptr_t)v->info.backing_format;
	m->encryption = (char *)(uintptr_t)v->info.encryption;
	for (unsigned i = 0; reasons && i < v->info.n_reasons; i++)
		reasons[i] = (char *)(uintptr_t)v->info.reasons[i];
	m->n_reasons = reasons ? v->info.n_reasons : 0;
	m->reasons = reasons;
}

static void
reply_vol(struct rpc_call *call, const struct pool_vol *v)
{
	Vmhost__Stord__Reply rep = VMHOST__STORD__REPLY__INIT;
	Vmhost__Stord__VolInfo m;
	char *reasons[PROBE_REASONS_MAX];

	vol_to_msg(v, &m, reasons);
	rep.result_case = VMHOST__STORD__REPLY__RESULT_VOL;
	rep.vol = &m;
	rpc_reply(call, &rep.base, NULL, 0);
}

static struct pool_vol *
vol_new(struct rpc_call *call)
{
	struct pool_vol *v = calloc(1, sizeof(*v));

	if (!v)
		rpc_reply_error(call, ENOMEM, "out of memory");
	return v;
}

/* Replies with the volume, or with the error of the pool call. */
static void
vol_done(struct rpc_call *call, struct pool_vol *v, int rc, const char *err)
{
	if (rc < 0)
		rpc_reply_error(call, -rc, "%s", err);
	else
		reply_vol(call, v);
	free(v);
}

void
stord_handle_vol_create(struct rpc_call *call, const void *req)
{
	const Vmhost__Stord__VolCreateRequest *r =
	    ((const Vmhost__Stord__Request *)req)->vol_create;

	struct pool_vol *v = vol_new(call);
	char err[1024] = "";

	if (v)
		vol_done(call, v, pool_vol_create(pool_dir, r->name,
		    r->capacity, r->format, r->backing_vol, r->backing_format,
		    v, err, sizeof(err)), err);
}

void
stord_handle_vol_info(struct rpc_call *call, const void *req)
{
	const Vmhost__Stord__VolInfoRequest *r =
	    ((const Vmhost__Stord__Request *)req)->vol_info;

	struct pool_vol *v = vol_new(call);
	char err[1024] = "";

	if (v)
		vol_done(call, v, pool_vol_info(pool_dir, r->name, r->probe,
		    v, err, sizeof(err)), err);
}

void
stord_handle_vol_resize(struct rpc_call *call, const void *req)
{
	const Vmhost__Stord__VolResizeRequest *r =
	    ((const Vmhost__Stord__Request *)req)->vol_resize;

	struct pool_vol *v = vol_new(call);
	char err[1024] = "";

	if (v)
		vol_done(call, v, pool_vol_resize(pool_dir, r->name,
		    r->capacity, r->shrink, v, err, sizeof(err)), err);
}

void
stord_handle_vol_delete(struct rpc_call *call, const void *req)
{
	const Vmhost__Stord__VolRef *r =
	    ((const Vmhost__Stord__Request *)req)->vol_delete;
	char err[1024], path[PATH_MAX];
	int rc;

	if ((rc = pool_name_check(r->name, err, sizeof(err))) < 0) {
		rpc_reply_error(call, -rc, "%s", err);
		return;
	}
	if (snprintf(path, sizeof(path), "%s/%s", pool_dir, r->name) >=
	    (int)sizeof(path))
		path[0] = '\0';
	if (owner_held(path)) {
		rpc_reply_error(call, EBUSY, "volume '%s' is given to a running guest",
		    r->name);
		return;
	}
	if ((rc = pool_vol_delete(pool_dir, r->name, err, sizeof(err))) < 0)
		rpc_reply_error(call, -rc, "%s", err);
	else
		rpc_reply_ok(call);
}

/* Fills the list from the pool; a volume that cannot be read is listed
 * by name only. */
static size_t
list_fill(char **names, size_t n, struct pool_vol *v,
    Vmhost__Stord__VolInfo *m, Vmhost__Stord__VolInfo **mp)
{
	char err[256];

	for (size_t i = 0; i < n; i++) {
		if (pool_vol_info(pool_dir, names[i], false, &v[i], err,
		    sizeof(err)) < 0) {
			memset(&v[i], 0, sizeof(v[i]));
			snprintf(v[i].name, sizeof(v[i].name), "%s", names[i]);
			if (snprintf(v[i].path, sizeof(v[i].path), "%s/%s",
			    pool_dir, names[i]) >= (int)sizeof(v[i].path))
				v[i].path[0] = '\0';
		}
		vol_to_msg(&v[i], &m[i], NULL);
		mp[i] = &m[i];
	}
	return n;
}

void
stord_handle_vol_list(struct rpc_call *call, const void *req)
{
	Vmhost__Stord__Reply rep = VMHOST__STORD__REPLY__INIT;
	Vmhost__Stord__VolListReply lr;
	Vmhost__Stord__VolInfo *m = NULL, **mp = NULL;
	struct pool_vol *v = NULL;
	char **names = NULL, err[1024];
	size_t n = 0;
	int rc;

	(void)req;
	if ((rc = pool_vol_list(pool_dir, &names, &n, err, sizeof(err))) < 0) {
		rpc_reply_error(call, -rc, "%s", err);
		return;
	}
	v = calloc(n ? n : 1, sizeof(*v));
	m = calloc(n ? n : 1, sizeof(*m));
	mp = calloc(n ? n : 1, sizeof(*mp));
	if (!v || !m || !mp) {
		rpc_reply_error(call, ENOMEM, "out of memory");
		goto out;
	}
	vmhost__stord__vol_list_reply__init(&lr);
	lr.n_vols = list_fill(names, n, v, m, mp);
	lr.vols = mp;
	rep.result_case = VMHOST__STORD__REPLY__RESULT_VOL_LIST;
	rep.vol_list = &lr;
	rpc_reply(call, &rep.base, NULL, 0);
out:
	free(v);
	free(m);
	free(mp);
	pool_names_free(names, n);
}

/* Only files of the pool or of allowed_dirs, never system files. */
static int
chown_check(const char *path, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	char real[PATH_MAX], q[256];

	if (!path || path[0] != '/' || !realpath(path, real)) {
		snprintf(err, errlen, "'%s' is not an existing absolute path",
		    str_escape(q, sizeof(q), path ? path : ""));
		return -EINVAL;
	}
	if (disks_system_path(path) || disks_system_path(real)) {
		snprintf(err, errlen, "'%s' is a system file and cannot be given to a guest",
		    str_escape(q, sizeof(q), path));
		return -EPERM;
	}
	if (!disks_allowed_path(real)) {
		snprintf(err, errlen, "'%s' is outside the pool and the allowed folders",
		    str_escape(q, sizeof(q), path));
		return -EPERM;
	}
	if (uid == 0 || gid == 0) {
		snprintf(err, errlen, "images are never given to root");
		return -EPERM;
	}
	return 0;
}

void
stord_handle_chown(struct rpc_call *call, const void *req)
{
	const Vmhost__Stord__ChownRequest *r =
	    ((const Vmhost__Stord__Request *)req)->chown;
	char err[1024];
	int rc;

	if ((rc = chown_check(r->path, r->uid, r->gid, err, sizeof(err))) < 0 ||
	    (rc = owner_take(r->uuid, r->path, r->uid, r->gid, err,
	    sizeof(err))) < 0)
		rpc_reply_error(call, -rc, "%s", err);
	else
		rpc_reply_ok(call);
}

void
stord_handle_chown_release(struct rpc_call *call, const void *req)
{
	const Vmhost__Stord__ChownReleaseRequest *r =
	    ((const Vmhost__Stord__Request *)req)->chown_release;
	char err[1024];
	int rc;

	if ((rc = owner_release(r->uuid, r->path, err, sizeof(err))) < 0)
		rpc_reply_error(call, -rc, "%s", err);
	else
		rpc_reply_ok(call);
}
