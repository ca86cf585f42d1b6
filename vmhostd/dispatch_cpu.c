/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's handlers for capabilities, domcapabilities, cpu-compare and cpu-baseline. */
#define LOG_MODULE "dispatch"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmhost.pb-c.h"
#include "common/log.h"
#include "vmhostd/capabilities.h"
#include "vmhostd/dispatch.h"

#define CPU_BASELINE_MAX 16	/* <cpu> elements in one cpu-baseline file */

static const Vmhost__Request *
request(const void *req)
{
	return req;
}

void
vmhostd_handle_capabilities(struct rpc_call *call, const void *req)
{
	char *xml = NULL;
	int rc;

	(void)req;
	if ((rc = caps_capabilities_xml(&xml)) < 0) {
		rpc_reply_error(call, -rc, "cannot format the capabilities");
		return;
	}
	reply_text(call, xml);
	free(xml);
}

void
vmhostd_handle_domcapabilities(struct rpc_call *call, const void *req)
{
	const Vmhost__DomcapsRequest *r = request(req)->domcapabilities;
	char err[512], *xml = NULL;
	int rc;

	if (r->arch && *r->arch && strcmp(r->arch, "x86_64")) {
		rpc_reply_error(call, EINVAL, "invalid argument: architecture "
		    "'%s' is not supported (x86_64 only)", r->arch);
		return;
	}
	rc = caps_domcapabilities_xml(r->virttype, r->machine, &xml, err,
	    sizeof(err));
	if (rc < 0) {
		rpc_reply_error(call, -rc, "%s", err);
		return;
	}
	reply_text(call, xml);
	free(xml);
}

/* The map and host, or NULL after replying that there are none. */
static const struct cpu_map *
need_map(struct rpc_call *call)
{
	if (!caps_cpu_map())
		rpc_reply_error(call, ENOTSUP, "this vmhostd has no CPU map "
		    "(see its log)");
	return caps_cpu_map();
}

void
vmhostd_handle_cpu_compare(struct rpc_call *call, const void *req)
{
	const Vmhost__CpuXmlRequest *r = request(req)->cpu_compare;
	Vmhost__Reply rep = VMHOST__REPLY__INIT;
	Vmhost__CpuCompareReply cr;
	static struct cpu_def def;
	static struct cpu_result res;
	const struct cpu_map *map;
	enum cpu_cmp c;
	char err[512];
	int n;

	if (!(map = need_map(call)))
		return;
	n = cpu_def_parse(r->xml, strlen(r->xml), &def, 1, err, sizeof(err));
	if (n < 0) {
		rpc_reply_error(call, -n, "%s", err);
		return;
	}
	c = cpu_compare(map, caps_cpu_host(), &def, &res);
	if (c == CPU_CMP_ERROR) {
		rpc_reply_error(call, EINVAL, "%s", res.error);
		return;
	}
	vmhost__cpu_compare_reply__init(&cr);
	cr.result = (int32_t)c;
	cr.message = res.error;
	cr.hint = res.hint;
	rep.result_case = VMHOST__REPLY__RESULT_CPU_COMPARE;
	rep.cpu_compare = &cr;
	rpc_reply(call, &rep.base, NULL, 0);
}

void
vmhostd_handle_cpu_baseline(struct rpc_call *call, const void *req)
{
	const Vmhost__CpuXmlRequest *r = request(req)->cpu_baseline;
	static struct cpu_def defs[CPU_BASELINE_MAX], out;
	const struct cpu_map *map;
	char err[512], *xml = NULL;
	int n, rc;

	if (!(map = need_map(call)))
		return;
	n = cpu_def_parse(r->xml, strlen(r->xml), defs, CPU_BASELINE_MAX, err,
	    sizeof(err));
	if (n < 0) {
		rpc_reply_error(call, -n, "%s", err);
		return;
	}
	if ((rc = cpu_baseline(map, defs, (size_t)n, &out, err,
	    sizeof(err))) < 0) {
		rpc_reply_error(call, -rc, "%s", err);
		return;
	}
	if ((rc = cpu_def_format(&out, &xml)) < 0) {
		rpc_reply_error(call, -rc, "cannot format the baseline CPU");
		return;
	}
	reply_text(call, xml);
	free(xml);
}
