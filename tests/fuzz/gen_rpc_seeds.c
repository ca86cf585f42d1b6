/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writes the seed corpora of the fuzz_rpc_* harnesses: one framed, valid request per operation of each service, filled by reflection. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "netd.pb-c.h"
#include "secd.pb-c.h"
#include "stord.pb-c.h"
#include "vmhost.pb-c.h"

/*
 * Usage: gen_rpc_seeds OUTDIR  (writes OUTDIR/rpc_{vmhostd,netd,secd,stord}/)
 * Each file is a byte stream as a peer sends it: 4-byte big-endian length,
 * then the packed Request. Besides one file per operation: "all" (every
 * operation in one stream), and hostile framing: "oversize" (a length over
 * the 16 MiB limit), "truncated", "garbage" (a frame that does not unpack),
 * "empty-frame" and "unknown-op".
 */

#define UUID "8f2d4d1e-3c55-4f4b-9a52-0d6f3f3c0b01"
#define DOMAIN_XML \
	"<domain type='qemu'><name>fuzz</name><uuid>" UUID "</uuid>" \
	"<memory unit='MiB'>64</memory><vcpu>1</vcpu>" \
	"<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>" \
	"<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>" \
	"<source file='/var/lib/vmhost/images/fuzz.qcow2'/>" \
	"<target dev='vda' bus='virtio'/></disk>" \
	"<interface type='network'><mac address='52:54:00:12:34:56'/>" \
	"<source network='default'/><model type='virtio'/></interface>" \
	"<serial type='pty'><target port='0'/></serial>" \
	"</devices></domain>"
#define NETWORK_XML \
	"<network><name>fuzz</name><uuid>" UUID "</uuid>" \
	"<forward mode='nat'/><bridge name='virbr9'/>" \
	"<ip address='192.168.99.1' netmask='255.255.255.0'><dhcp>" \
	"<range start='192.168.99.2' end='192.168.99.254'/>" \
	"<host mac='52:54:00:12:34:56' name='a' ip='192.168.99.10'/>" \
	"</dhcp></ip></network>"
#define CPU_XML \
	"<cpu mode='custom' match='exact'><model>qemu64</model>" \
	"<feature policy='require' name='sse2'/></cpu>"

struct value {
	const char *op;		/* NULL: any */
	const char *field;
	const char *s;		/* string value */
	long long n;		/* number value */
};

static const struct value values[] = {
	{ "domain_define", "xml", DOMAIN_XML, 0 },
	{ "network_define", "xml", NETWORK_XML, 0 },
	{ "network_update", "xml",
	  "<host mac='52:54:00:12:34:57' name='b' ip='192.168.99.11'/>", 0 },
	{ "cpu_compare", "xml", CPU_XML, 0 },
	{ "cpu_baseline", "xml", CPU_XML, 0 },
	{ NULL, "xml", NETWORK_XML, 0 },	/* netd */
	{ NULL, "domain_xml", DOMAIN_XML, 0 },
	{ "network_update", "command", "add", 0 },
	{ "network_update", "section", "ip-dhcp-host", 0 },
	{ NULL, "uuid", UUID, 0 },
	{ NULL, "owner", UUID, 0 },
	{ NULL, "mac", "52:54:00:12:34:56", 0 },
	{ NULL, "bridge", "virbr9", 0 },
	{ NULL, "ifname", "vnet0", 0 },
	{ NULL, "path", "/var/lib/vmhost/images/fuzz.qcow2", 0 },
	{ NULL, "format", "qcow2", 0 },
	{ NULL, "backing_vol", "", 0 },
	{ NULL, "backing_format", "", 0 },
	{ NULL, "virttype", "qemu", 0 },
	{ NULL, "arch", "x86_64", 0 },
	{ NULL, "machine", "pc", 0 },
	{ NULL, "text", "a guest", 0 },
	{ NULL, "capacity", NULL, 1048576 },
	{ NULL, "pid", NULL, 1 },
	{ NULL, "signal", NULL, 15 },
	{ NULL, "uid", NULL, 64055 },
	{ NULL, "gid", NULL, 64055 },
	{ NULL, "mtu", NULL, 1500 },
	{ NULL, "parent_index", NULL, 0 },
	{ NULL, "timeout_ms", NULL, 0 },
	{ NULL, "set", NULL, 1 },
	{ NULL, "all", NULL, 1 },
	{ NULL, "dry_run", NULL, 1 },
	{ NULL, "live", NULL, 0 },
	{ NULL, "config", NULL, 1 },
};

static const char *const launch_argv_c[] = {
	"/usr/bin/qemu-system-x86_64", "-machine", "none", "-nodefaults",
	"-display", "none", "-uuid", UUID, "-chardev", "socket,id=mon,fd=3",
	"-mon", "chardev=mon,mode=control", "-sandbox",
	"on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
	"-S",
};
#define LAUNCH_ARGC (sizeof(launch_argv_c) / sizeof(launch_argv_c[0]))
static char *launch_argv[LAUNCH_ARGC];
static int32_t launch_targets[] = { 3 };

/* A one-shot tool that never frees what it builds: no leak report when
 * built with VMHOST_SANITIZE. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

static const struct value *
value_find(const char *op, const char *field)
{
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		if ((!values[i].op || !strcmp(values[i].op, op)) &&
		    !strcmp(values[i].field, field))
			return &values[i];
	}
	return NULL;
}

static void fill(ProtobufCMessage *m, const char *op);

static void
fill_field(ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
    const char *op)
{
	const struct value *v = value_find(op, f->name);
	char *p = (char *)m + f->offset;
	size_t *count = (size_t *)((char *)m + f->quantifier_offset);

	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			for (size_t i = 0; i < LAUNCH_ARGC; i++)
				launch_argv[i] = strdup(launch_argv_c[i]);
			*count = LAUNCH_ARGC;
			*(char ***)p = launch_argv;
		} else {
			*(const char **)p = v ? v->s : "fuzz";
		}
		break;
	case PROTOBUF_C_TYPE_INT32:
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			*count = 1;
			*(int32_t **)p = launch_targets;
		} else if (v) {
			*(int32_t *)p = (int32_t)v->n;
		}
		break;
	case PROTOBUF_C_TYPE_UINT32:
		if (v)
			*(uint32_t *)p = (uint32_t)v->n;
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_INT64:
		if (v)
			*(uint64_t *)p = (uint64_t)v->n;
		break;
	case PROTOBUF_C_TYPE_BOOL:
		if (v)
			*(protobuf_c_boolean *)p = v->n != 0;
		break;
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessageDescriptor *d = f->descriptor;
		ProtobufCMessage *sub = calloc(1, d->sizeof_message);

		protobuf_c_message_init(d, sub);
		fill(sub, op);
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			ProtobufCMessage **arr = calloc(1, sizeof(*arr));

			arr[0] = sub;
			*count = 1;
			*(ProtobufCMessage ***)p = arr;
		} else {
			*(ProtobufCMessage **)p = sub;
		}
		break;
	}
	default:
		break;
	}
}

static void
fill(ProtobufCMessage *m, const char *op)
{
	for (unsigned i = 0; i < m->descriptor->n_fields; i++)
		fill_field(m, &m->descriptor->fields[i], op);
}

static void
frame_write(FILE *f, const uint8_t *buf, uint32_t len)
{
	uint8_t hdr[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16),
		(uint8_t)(len >> 8), (uint8_t)len };

	fwrite(hdr, 1, 4, f);
	fwrite(buf, 1, len, f);
}

static FILE *
open_seed(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wb"))) {
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

/* One seed per oneof member of desc's "op", plus "all" and the hostile ones. */
static void
gen_service(const char *outdir, const char *svc,
    const ProtobufCMessageDescriptor *desc)
{
	char dir[4096];
	FILE *all;
	uint32_t serial = 1;
	static const uint8_t garbage[] = { 0x08, 0x01, 0x52, 0xff, 0xff, 0xff,
		0xff, 0x0f, 0x00 };
	static const uint8_t unknown[] = { 0x08, 0x07, 0xfa, 0x3e, 0x00 };
	static const uint8_t trunc[] = { 0x00, 0x00, 0x00, 0x64, 0x08, 0x01 };
	static const uint8_t big[] = { 0x01, 0x00, 0x00, 0x01, 0x08, 0x01 };
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/rpc_%s", outdir, svc);
	mkdir(dir, 0755);
	all = open_seed(dir, "all");
	for (unsigned i = 0; i < desc->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &desc->fields[i];
		ProtobufCMessage *req = calloc(1, desc->sizeof_message);
		uint8_t *buf;
		size_t len;

		if (!(fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
			continue;
		protobuf_c_message_init(desc, req);
		*(uint32_t *)((char *)req + desc->fields[0].offset) = serial++;
		*(uint32_t *)((char *)req + fd->quantifier_offset) = fd->id;
		fill_field(req, fd, fd->name);
		len = protobuf_c_message_get_packed_size(req);
		buf = malloc(len ? len : 1);
		protobuf_c_message_pack(req, buf);
		f = open_seed(dir, fd->name);
		frame_write(f, buf, (uint32_t)len);
		fclose(f);
		frame_write(all, buf, (uint32_t)len);
		free(buf);
	}
	fclose(all);
	f = open_seed(dir, "garbage");
	frame_write(f, garbage, sizeof(garbage));
	fclose(f);
	f = open_seed(dir, "unknown-op");
	frame_write(f, unknown, sizeof(unknown));
	fclose(f);
	f = open_seed(dir, "empty-frame");
	frame_write(f, NULL, 0);
	fclose(f);
	f = open_seed(dir, "truncated");
	fwrite(trunc, 1, sizeof(trunc), f);
	fclose(f);
	f = open_seed(dir, "oversize");
	fwrite(big, 1, sizeof(big), f);
	fclose(f);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_rpc_seeds OUTDIR\n");
		return 2;
	}
	gen_service(argv[1], "vmhostd", &vmhost__request__descriptor);
	gen_service(argv[1], "netd", &vmhost__netd__request__descriptor);
	gen_service(argv[1], "secd", &vmhost__secd__request__descriptor);
	gen_service(argv[1], "stord", &vmhost__stord__request__descriptor);
	return 0;
}
