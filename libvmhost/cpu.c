/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvmhost: host capabilities and CPU comparison calls of the client API, in the client's process. */
#include "vmhost/vmhost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmhost.pb-c.h"
#include "libvmhost/conn.h"

#define S(x) ((char *)(uintptr_t)((x) ? (x) : ""))

/* Call op with body; the reply's text, malloc'd, or NULL. */
static char *
cpu_call_text(vmhost_conn *c, uint32_t op, void *body)
{
	Vmhost__Reply *rep;
	char *text;

	if (!c)
		return NULL;
	if (!(rep = conn_call(c, op, body, NULL, 0, NULL, NULL)))
		return NULL;
	if (rep->result_case != VMHOST__REPLY__RESULT_TEXT || !rep->text) {
		conn_set_error(c, "unexpected reply from the daemon");
		protobuf_c_message_free_unpacked(&rep->base, NULL);
		return NULL;
	}
	text = strdup(S(rep->text->text));
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	if (!text)
		conn_set_error(c, "out of memory");
	return text;
}

char *
vmhost_capabilities(vmhost_conn *c)
{
	Vmhost__Empty e;

	vmhost__empty__init(&e);
	return cpu_call_text(c, VMHOST__REQUEST__OP_CAPABILITIES, &e);
}

char *
vmhost_domcapabilities(vmhost_conn *c, const char *virttype,
    const char *arch, const char *machine)
{
	Vmhost__DomcapsRequest r;

	vmhost__domcaps_request__init(&r);
	r.virttype = S(virttype);
	r.arch = S(arch);
	r.machine = S(machine);
	return cpu_call_text(c, VMHOST__REQUEST__OP_DOMCAPABILITIES, &r);
}

int
vmhost_cpu_compare(vmhost_conn *c, const char *xml,
    struct vmhost_cpu_compare_result *out)
{
	Vmhost__CpuXmlRequest r;
	Vmhost__Reply *rep;

	memset(out, 0, sizeof(*out));
	if (!c)
		return -1;
	vmhost__cpu_xml_request__init(&r);
	r.xml = S(xml);
	if (!(rep = conn_call(c, VMHOST__REQUEST__OP_CPU_COMPARE, &r, NULL, 0,
	    NULL, NULL)))
		return -1;
	if (rep->result_case != VMHOST__REPLY__RESULT_CPU_COMPARE ||
	    !rep->cpu_compare) {
		conn_set_error(c, "unexpected reply from the daemon");
		protobuf_c_message_free_unpacked(&rep->base, NULL);
		return -1;
	}
	out->result = rep->cpu_compare->result;
	snprintf(out->message, sizeof(out->message), "%s",
	    S(rep->cpu_compare->message));
	snprintf(out->hint, sizeof(out->hint), "%s",
	    S(rep->cpu_compare->hint));
	protobuf_c_message_free_unpacked(&rep->base, NULL);
	return 0;
}

char *
vmhost_cpu_baseline(vmhost_conn *c, const char *xml)
{
	Vmhost__CpuXmlRequest r;

	vmhost__cpu_xml_request__init(&r);
	r.xml = S(xml);
	return cpu_call_text(c, VMHOST__REQUEST__OP_CPU_BASELINE, &r);
}
