/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's migrate-disks: declare the format of every disk that has none, probed by stord. */
#define LOG_MODULE "migrate"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stord.pb-c.h"
#include "vmhost.pb-c.h"
#include "common/log.h"
#include "vmhostd/dispatch.h"
#include "vmhostd/domains.h"
#include "vmhostd/vmhostd.h"

#define MIGRATE_MAX_JOBS 4096

struct mjob {
	char uuid[37];
	size_t disk;
	char *path;
	char *name, *target;
};

struct mctx {
	struct rpc_call *call;
	struct mjob *jobs;
	size_t n, next, changed;
	bool dry_run, allow_backing;
	char *text;
	size_t len, cap;
};

static void
out_line(struct mctx *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
out_line(struct mctx *m, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	size_t n;
	char *p;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = strlen(line);
	if (m->len + n + 2 > m->cap) {
		m->cap = (m->len + n + 2) * 2;
		if (!(p = realloc(m->text, m->cap)))
			return;
		m->text = p;
	}
	memcpy(m->text + m->len, line, n);
	m->len += n;
	m->text[m->len++] = '\n';
	m->text[m->len] = '\0';
}

static void
mctx_free(struct mctx *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->jobs[i].path);
		free(m->jobs[i].name);
		free(m->jobs[i].target);
	}
	free(m->jobs);
	free(m->text);
	free(m);
}

/* Declare the probed format in the definition, atomically. */
static void
apply(struct mctx *m, struct mjob *j, const char *format, char *err,
    size_t errlen)
{
	struct vm *vm = domains_find(j->uuid);
	struct domain_def *d = vm ? (vm->next_def ? vm->next_def : vm->def) :
	    NULL;
	struct domain_disk *k;

	if (!d || j->disk >= d->ndisks) {
		snprintf(err, errlen, "the domain changed meanwhile");
		return;
	}
	k = &d->disks[j->disk];
	k->driver.format = strcmp(format, "qcow2") == 0 ? DOMAIN_FMT_QCOW2 :
	    DOMAIN_FMT_RAW;
	if (!k->driver.name)
		k->driver.name = strdup("qemu");
	if (vm->persistent && domains_save(vm, d, err, errlen) < 0)
		k->driver.format = DOMAIN_FMT_NONE;
	else
		m->changed++;
}

static void migrate_next(struct mctx *m);

static void
probed(void *arg, const ProtobufCMessage *rep, int err, const char *msg,
    int *fds, size_t nfds)
{
	struct mctx *m = arg;
	struct mjob *j = &m->jobs[m->next++];
	const Vmhost__Stord__Reply *r = (const Vmhost__Stord__Reply *)rep;
	const Vmhost__Stord__ProbeReply *p = r ? r->probe : NULL;
	char e[512] = "";

	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	if (err || !p) {
		out_line(m, "%s %s %s: not probed: %s", j->name, j->target,
		    j->path, msg ? msg : "no answer from vmhost-stord");
	} else if (p->reason && *p->reason) {
		out_line(m, "%s %s %s: left undeclared (read as raw): %s",
		    j->name, j->target, j->path, p->reason);
	} else if (strcmp(p->format, "raw") && strcmp(p->format, "qcow2")) {
		out_line(m, "%s %s %s: left undeclared (read as raw): format '%s' is not supported",
		    j->name, j->target, j->path, p->format);
	} else {
		if (!m->dry_run)
			apply(m, j, p->format, e, sizeof(e));
		out_line(m, "%s %s %s: none -> %s%s%s%s", j->name, j->target,
		    j->path, p->format, m->dry_run ? " (dry run)" : "",
		    e[0] ? ": not saved: " : "", e);
	}
	migrate_next(m);
}

static void
migrate_next(struct mctx *m)
{
	Vmhost__Stord__Request req = VMHOST__STORD__REQUEST__INIT;
	Vmhost__Stord__ProbeRequest pr;

	if (m->next >= m->n) {
		if (!m->n)
			out_line(m, "no disk without a declared format: no change");
		else
			out_line(m, "%zu disk%s declared%s", m->changed,
			    m->changed == 1 ? "" : "s",
			    m->dry_run ? " (dry run: nothing written)" : "");
		reply_text(m->call, m->text ? m->text : "");
		mctx_free(m);
		return;
	}
	vmhost__stord__probe_request__init(&pr);
	pr.path = m->jobs[m->next].path;
	pr.allow_backing = m->allow_backing;
	req.op_case = VMHOST__STORD__REQUEST__OP_PROBE;
	req.probe = &pr;
	rpc_client_call(vmhostd.helpers[HELPER_STORD], &req.base, NULL, 0,
	    probed, m);
}

static int
add_jobs(struct mctx *m, struct vm *vm)
{
	const struct domain_def *d = vm->next_def ? vm->next_def : vm->def;

	for (size_t i = 0; i < d->ndisks; i++) {
		const struct domain_disk *k = &d->disks[i];
		struct mjob *j;

		if (!k->source || k->driver.format != DOMAIN_FMT_NONE ||
		    k->type != DOMAIN_DISK_FILE || m->n >= MIGRATE_MAX_JOBS)
			continue;
		if (!(j = realloc(m->jobs, (m->n + 1) * sizeof(*j))))
			return -ENOMEM;
		m->jobs = j;
		j = &m->jobs[m->n++];
		memset(j, 0, sizeof(*j));
		memcpy(j->uuid, vm->uuid, sizeof(j->uuid));
		j->disk = i;
		j->path = strdup(k->source);
		j->name = strdup(d->name);
		j->target = strdup(k->target_dev ? k->target_dev : "?");
		if (!j->path || !j->name || !j->target)
			return -ENOMEM;
	}
	return 0;
}

void
vmhostd_handle_migrate_disks(struct rpc_call *call, const void *req)
{
	const Vmhost__MigrateDisksRequest *r =
	    ((const Vmhost__Request *)req)->migrate_disks;
	struct mctx *m = calloc(1, sizeof(*m));
	struct vm **all = NULL, *one = NULL;
	size_t n = 0;
	int rc = 0;

	if (!m) {
		rpc_reply_error(call, ENOMEM, "out of memory");
		return;
	}
	m->call = call;
	m->dry_run = r->dry_run;
	m->allow_backing = r->allow_backing;
	if (r->domain && *r->domain) {
		if (!(one = vm_lookup(call, r->domain))) {
			mctx_free(m);
			return;
		}
		rc = add_jobs(m, one);
	} else if ((all = domains_sorted(&n))) {
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = add_jobs(m, all[i]);
	}
	free(all);
	if (rc < 0) {
		rpc_reply_error(call, ENOMEM, "out of memory");
		mctx_free(m);
		return;
	}
	migrate_next(m);
}
