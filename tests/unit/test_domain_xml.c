/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Domain XML parser: units, names, uuids, MACs, hostile documents, round trip. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/domain_xml.h"
#include "tests/unit/check.h"

#define HEAD "<domain type='qemu'><name>t</name><memory>1024</memory>" \
	"<os><type>hvm</type></os>"

static char err[512];

/* Parse; return rc and leave the message in err. */
static int
parse(const char *xml, struct domain_def **out)
{
	struct domain_def *d = NULL;
	int rc = domain_parse(xml, strlen(xml), &d, err, sizeof(err));

	if (out)
		*out = d;
	else
		domain_def_free(d);
	return rc;
}

static int
refused_with(const char *xml, const char *msg)
{
	int rc = parse(xml, NULL);

	if (rc == 0 || !strstr(err, msg) || strchr(err, '\n')) {
		fprintf(stderr, "want '%s', got rc %d '%s'\n", msg, rc, err);
		return 0;
	}
	return 1;
}

static void
test_units(void)
{
	static const struct {
		const char *v, *unit;
		uint64_t kib;
	} ok[] = {
		{ "1024", NULL, 1024 }, { "2048", "b", 2 }, { "1", "bytes", 1 },
		{ "1", "k", 1 }, { "1", "KiB", 1 }, { "1000", "KB", 977 },
		{ "1", "M", 1024 }, { "1", "MiB", 1024 }, { "1", "MB", 977 },
		{ "1", "G", 1048576 }, { "1", "GiB", 1048576 },
		{ "1", "GB", 976563 }, { "1", "T", 1ull << 30 },
		{ "1", "TiB", 1ull << 30 }, { "1", "TB", 976562500 },
		{ "1", "P", 1ull << 40 }, { "1", "PiB", 1ull << 40 },
		{ "1", "PB", 976562500000ull }, { "1", "E", 1ull << 50 },
		{ "1", "EiB", 1ull << 50 }, { "1", "EB", 976562500000000ull },
		{ "15", "EiB", 15ull << 50 },
	};
	uint64_t kib;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK(domain_memory_parse(ok[i].v, ok[i].unit, &kib) == 0);
		CHECK_INT(kib, ok[i].kib);
	}
	CHECK(domain_memory_parse("16", "EiB", &kib) == -ERANGE);
	CHECK(domain_memory_parse("99999999999999999999", "b", &kib) ==
	    -ERANGE);
	CHECK(domain_memory_parse("18446744073709551615", "KiB", &kib) ==
	    -ERANGE);
	CHECK(domain_memory_parse("1", "XB", &kib) == -EINVAL);
	CHECK(domain_memory_parse("-1", NULL, &kib) == -EINVAL);
	CHECK(domain_memory_parse("1.5", "G", &kib) == -EINVAL);
	CHECK(domain_memory_parse("", NULL, &kib) == -EINVAL);
	CHECK(refused_with("<domain type='qemu'><name>t</name><memory "
	    "unit='EiB'>17</memory></domain>", "overflows"));
	CHECK(refused_with("<domain type='qemu'><name>t</name><memory "
	    "unit='parsecs'>1</memory></domain>", "invalid size"));
	CHECK(refused_with(HEAD "<currentMemory>2048</currentMemory>"
	    "</domain>", "larger than <memory>"));
}

static void
test_names(void)
{
	char name[400];

	CHECK(domain_name_valid("web-1", err, sizeof(err)) == 0);
	CHECK(domain_name_valid("a b,c\"d", err, sizeof(err)) == 0);
	CHECK(domain_name_valid("", err, sizeof(err)) < 0);
	CHECK(domain_name_valid("/", err, sizeof(err)) < 0);
	CHECK(domain_name_valid("a/b", err, sizeof(err)) < 0);
	CHECK(domain_name_valid("..", err, sizeof(err)) < 0);
	CHECK(domain_name_valid(".hidden", err, sizeof(err)) < 0);
	CHECK(domain_name_valid("a\nb", err, sizeof(err)) < 0);
	CHECK(strstr(err, "a\\x0ab") && !strchr(err, '\n'));
	CHECK(domain_name_valid("a\x7f", err, sizeof(err)) < 0);
	memset(name, 'x', 300);
	name[300] = '\0';
	CHECK(domain_name_valid(name, err, sizeof(err)) < 0);
	name[DOMAIN_NAME_MAX] = '\0';
	CHECK(domain_name_valid(name, err, sizeof(err)) == 0);
	CHECK(refused_with("<domain type='qemu'><name>../etc</name>"
	    "<memory>1</memory><os><type>hvm</type></os></domain>",
	    "contains '/'"));
	CHECK(refused_with("<domain type='qemu'><name>a&#10;b&#9;c</name>"
	    "<memory>1</memory><os><type>hvm</type></os></domain>",
	    "invalid value 'a\\x0ab\\x09c' in <name>"));
	CHECK(refused_with("<domain type='qemu'><memory>1</memory><os><type>"
	    "hvm</type></os></domain>", "missing <name>"));
}

static void
test_uuid_mac(void)
{
	uint8_t u[16], m[6];
	char buf[40];
	struct domain_def *d;

	CHECK(domain_uuid_parse("C7A5FDBD-EDAF-9455-926A-D65C16DB1809", u) == 0);
	domain_uuid_format(u, buf);
	CHECK_STR(buf, "c7a5fdbd-edaf-9455-926a-d65c16db1809");
	CHECK(domain_uuid_parse("c7a5fdbdedaf9455926ad65c16db1809", u) == 0);
	CHECK(domain_uuid_parse("c7a5fdbd-edaf-9455-926a-d65c16db180", u) < 0);
	CHECK(domain_uuid_parse("c7a5fdbd-edaf-9455-926a-d65c16db180g", u) < 0);
	CHECK(domain_uuid_parse("c7a5fdbdedaf-9455-926a-d65c16db1809-", u) < 0);
	CHECK(refused_with(HEAD "<uuid>nope</uuid></domain>",
	    "invalid uuid 'nope'"));
	CHECK(parse(HEAD "</domain>", &d) == 0);
	CHECK(d && d->uuid_generated && (d->uuid[6] >> 4) == 4 &&
	    (d->uuid[8] & 0xc0) == 0x80);
	domain_def_free(d);
	CHECK(domain_mac_parse("52:54:00:AB:cd:01", m) == 0);
	domain_mac_format(m, buf);
	CHECK_STR(buf, "52:54:00:ab:cd:01");
	CHECK(domain_mac_parse("01:00:5e:00:00:01", m) < 0);
	CHECK(domain_mac_parse("ff:ff:ff:ff:ff:ff", m) < 0);
	CHECK(domain_mac_parse("00:00:00:00:00:00", m) < 0);
	CHECK(domain_mac_parse("52:54:00:12:34", m) < 0);
	CHECK(domain_mac_parse("52-54-00-12-34-56", m) < 0);
	CHECK(domain_mac_parse("52:54:00:12:34:5g", m) < 0);
	CHECK(refused_with(HEAD "<devices><interface type='user'><mac "
	    "address='03:00:00:00:00:01'/></interface></devices></domain>",
	    "invalid MAC address '03:00:00:00:00:01'"));
	CHECK(parse(HEAD "<devices><interface type='user'/><interface "
	    "type='user'/></devices></domain>", &d) == 0);
	CHECK(d && d->interfaces[0].mac_generated &&
	    !memcmp(d->interfaces[0].mac, "\x52\x54\x00", 3) &&
	    memcmp(d->interfaces[0].mac, d->interfaces[1].mac, 6));
	domain_def_free(d);
}

static char *
repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(hl + ul * n + tl + 1), *p = s;

	memcpy(p, head, hl), p += hl;
	for (size_t i = 0; i < n; i++)
		memcpy(p, unit, ul), p += ul;
	memcpy(p, tail, tl + 1);
	return s;
}

static long
maxrss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void
test_hostile(void)
{
	long rss = maxrss_kib();
	char *s, *t;

	CHECK(refused_with("<domain type='qemu'><name>x</name>",
	    "XML error at line 1"));
	CHECK(refused_with("", "empty document"));
	CHECK(refused_with("<domain type='xen'><name>x</name></domain>",
	    "unknown domain type 'xen'"));
	CHECK(refused_with("<domain><name>x</name></domain>", "needs a type"));
	CHECK(refused_with("<network/>", "root element must be <domain>"));
	CHECK(refused_with("<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol "
	    "'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
	    "<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>"
	    "<!ENTITY lol9 '&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;'>]>"
	    "<domain type='qemu'><name>&lol9;</name></domain>",
	    "XML with DTDs or entities is not accepted"));
	CHECK(refused_with("<!DOCTYPE d [<!ENTITY xxe SYSTEM "
	    "\"file:///etc/passwd\">]><domain type='qemu'><name>&xxe;</name>"
	    "</domain>", "XML with DTDs or entities is not accepted"));
	CHECK(refused_with("<!DOCTYPE domain SYSTEM \"http://example.com/d."
	    "dtd\"><domain type='qemu'/>", "DTDs or entities"));
	CHECK(refused_with("<domain type='qemu'><name>&undefined;</name>"
	    "</domain>", "XML error"));
	/* quadratic blowup: one big entity referenced many times */
	s = repeat("<!DOCTYPE d [<!ENTITY a '", "aaaaaaaaaa", 10000, "'>]>");
	t = repeat(s, "&a;", 50000, "<domain/>");
	CHECK(refused_with(t, "DTDs or entities"));
	free(s), free(t);
	/* 10 MB attribute: over the document limit */
	s = repeat("<domain type='qemu' id='", "x", 10u << 20, "'/>");
	CHECK(domain_parse(s, strlen(s), &(struct domain_def *){ 0 }, err,
	    sizeof(err)) == -E2BIG && strstr(err, "byte limit"));
	free(s);
	/* 100 KiB attribute inside the document limit */
	s = repeat(HEAD "<devices><disk type='file' device='disk'><source "
	    "file='/", "x", 100u << 10, "'/></disk></devices></domain>");
	CHECK(refused_with(s, "is over 65536 bytes"));
	free(s);
	/* 100k-deep nesting */
	s = repeat("<domain type='qemu'>", "<a>", 100000, "");
	t = repeat(s, "</a>", 100000, "</domain>");
	CHECK(refused_with(t, "nested deeper than 32"));
	free(s), free(t);
	CHECK(maxrss_kib() - rss < 64 * 1024);
}

static void
test_refusals(void)
{
	CHECK(refused_with(HEAD "<devices><hostdev/></devices></domain>",
	    "unsupported element 'hostdev' in <devices>"));
	CHECK(refused_with(HEAD "<devices><disk type='file' device='disk' "
	    "foo='1'/></devices></domain>",
	    "unsupported attribute 'foo' in <disk>"));
	CHECK(refused_with("<domain type='qemu' xmlns:qemu='http://libvirt.org"
	    "/schemas/domain/qemu/1.0'><name>x</name><qemu:commandline/>"
	    "</domain>", "unsupported element 'qemu:commandline' in <domain>"));
	CHECK(refused_with(HEAD "<os><type>hvm</type></os></domain>",
	    "<os> given more than once"));
	CHECK(refused_with(HEAD "<devices><panic/></devices></domain>",
	    "<panic> needs a model"));
	CHECK(refused_with(HEAD "<devices><panic model='hyperv'/></devices>"
	    "</domain>", "panic model"));
	CHECK(refused_with(HEAD "<devices><panic model='isa'/><panic "
	    "model='isa'/></devices></domain>", "panic"));
	CHECK(refused_with(HEAD "<devices><panic model='isa'><address "
	    "type='pci' slot='0x05'/></panic></devices></domain>",
	    "an isa panic device takes an isa address"));
	CHECK(refused_with(HEAD "<features><hyperv/></features></domain>",
	    "unsupported element 'hyperv' in <features>"));
	CHECK(refused_with(HEAD "<devices><disk type='network' device='disk'/>"
	    "</devices></domain>", "invalid value 'network' for attribute "
	    "'type' of <disk>"));
	CHECK(refused_with(HEAD "<vcpu>0</vcpu></domain>",
	    "invalid vcpu count '0'"));
	CHECK(refused_with(HEAD "stray text</domain>",
	    "unexpected text in <domain>"));
	CHECK(refused_with(HEAD "<on_crash>explode\x01</on_crash></domain>",
	    "XML error"));
	CHECK(refused_with(HEAD "<on_crash>explode</on_crash></domain>",
	    "invalid value 'explode' in <on_crash>"));
}

#define DISK(file, dev) "<disk type='file' device='disk'><source file='" \
	file "'/><target dev='" dev "' bus='virtio'/></disk>"

static void
test_disks(void)
{
	struct domain_def *d;
	char *xml;

	CHECK(parse(HEAD "<devices>" DISK("/img/a,b \"q\" &apos;s&apos;.img",
	    "vda") "</devices></domain>", &d) == 0);
	CHECK(d && !strcmp(d->disks[0].source, "/img/a,b \"q\" 's'.img"));
	xml = domain_format(d, 0);
	CHECK(xml && strstr(xml, "file='/img/a,b &quot;q&quot; &apos;s&apos;"
	    ".img'"));
	free(xml);
	domain_def_free(d);
	CHECK(refused_with(HEAD "<devices>" DISK("/img/a&#10;-drive x", "vda")
	    "</devices></domain>", "invalid value '/img/a\\x0a-drive x' for "
	    "attribute 'file' of <source>"));
	CHECK(refused_with(HEAD "<devices>" DISK("/a", "vda") DISK("/b", "vda")
	    "</devices></domain>", "duplicate disk target 'vda'"));
	CHECK(refused_with(HEAD "<devices>" DISK("/a", "vdb1")
	    "</devices></domain>", "partitions can't appear"));
	CHECK(refused_with(HEAD "<devices><disk type='file' device='disk'>"
	    "<source dev='/dev/sda'/><target dev='vda'/></disk></devices>"
	    "</domain>", "<source dev> needs <disk type='block'>"));
	CHECK(parse(HEAD "<devices><disk type='file' device='disk'><source "
	    "file='/a'/><target dev='sdb'/></disk></devices></domain>",
	    &d) == 0);
	CHECK(d && d->disks[0].bus == DOMAIN_BUS_SCSI);
	CHECK(domain_disk_find(d, "sdb") == 0 && domain_disk_find(d, "x") < 0);
	domain_def_free(d);
}

static const char full[] =
    "<domain type='kvm'>\n"
    "  <name>full</name>\n"
    "  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>\n"
    "  <title>A &amp; B</title>\n"
    "  <description>line one\nline two</description>\n"
    "  <memory unit='KiB'>1048576</memory>\n"
    "  <currentMemory unit='KiB'>524288</currentMemory>\n"
    "  <vcpu placement='static' current='1'>2</vcpu>\n"
    "  <os>\n"
    "    <type arch='x86_64' machine='pc'>hvm</type>\n"
    "    <boot dev='hd'/>\n"
    "  </os>\n"
    "  <features>\n"
    "    <acpi/>\n"
    "    <apic/>\n"
    "  </features>\n"
    "  <cpu mode='custom' match='exact'>\n"
    "    <model fallback='forbid'>Haswell</model>\n"
    "    <topology sockets='1' cores='2' threads='1'/>\n"
    "    <feature policy='disable' name='rtm'/>\n"
    "  </cpu>\n"
    "  <clock offset='utc'>\n"
    "    <timer name='rtc' tickpolicy='catchup'/>\n"
    "  </clock>\n"
    "  <on_poweroff>destroy</on_poweroff>\n"
    "  <on_reboot>restart</on_reboot>\n"
    "  <on_crash>coredump-destroy</on_crash>\n"
    "  <devices>\n"
    "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
    "    <disk type='file' device='disk'>\n"
    "      <driver name='qemu' type='qcow2' cache='none'/>\n"
    "      <source file='/var/lib/vmhost/images/full.qcow2'/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x04' "
    "function='0x0'/>\n"
    "    </disk>\n"
    "    <controller type='usb' index='0' model='piix3-uhci'/>\n"
    "    <interface type='bridge'>\n"
    "      <mac address='52:54:00:12:34:56'/>\n"
    "      <source bridge='br0'/>\n"
    "      <model type='virtio'/>\n"
    "    </interface>\n"
    "    <serial type='pty'>\n"
    "      <target port='0'/>\n"
    "    </serial>\n"
    "    <console type='pty'>\n"
    "      <target type='serial' port='0'/>\n"
    "    </console>\n"
    "    <input type='tablet' bus='usb'/>\n"
    "    <memballoon model='virtio'/>\n"
    "  </devices>\n"
    "  <seclabel type='dynamic' model='apparmor' relabel='yes'/>\n"
    "</domain>\n";

static void
test_round_trip(void)
{
	struct domain_def *d;
	char *xml;

	CHECK(parse(full, &d) == 0);
	xml = domain_format(d, 0);
	CHECK_STR(xml, full);
	free(xml);
	domain_def_free(d);
	/* filled in: uuid, MAC, currentMemory, vcpu */
	CHECK(parse(HEAD "<devices><interface type='user'/></devices>"
	    "</domain>", &d) == 0);
	xml = domain_format(d, 0);
	CHECK(xml && strstr(xml, "<uuid>") && strstr(xml, "<mac address='52:"
	    "54:00:") && strstr(xml, "<vcpu>1</vcpu>") &&
	    strstr(xml, "<currentMemory unit='KiB'>1024</currentMemory>"));
	free(xml);
	xml = domain_format(d, DOMAIN_FORMAT_NO_GENERATED);
	CHECK(xml && !strstr(xml, "<uuid>") && !strstr(xml, "<mac "));
	free(xml);
	domain_def_free(d);
}

int
main(void)
{
	char path[] = "/tmp/test_domain_xml_stderr.XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	struct stat st;

	/* libxml2 must not write to stderr: collect it and check it is empty */
	fflush(stderr);
	dup2(fd, 2);
	test_hostile();
	test_refusals();
	fflush(stderr);
	dup2(saved, 2);
	CHECK(fstat(fd, &st) == 0);
	if (st.st_size > 0) {
		char buf[512] = { 0 };

		if (pread(fd, buf, sizeof(buf) - 1, 0) < 0)
			buf[0] = 0;
		fprintf(stderr, "stderr during parsing:\n%s\n", buf);
	}
	CHECK(st.st_size == 0);
	close(fd), close(saved);
	unlink(path);
	test_units();
	test_names();
	test_uuid_mac();
	test_disks();
	test_round_trip();
	return check_done();
}
