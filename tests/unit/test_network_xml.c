/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the network XML parser, validator, formatter and the netd generators' edges. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/network_xml.h"
#include "netd/dnsmasq_conf.h"
#include "netd/firewall_rules.h"
#include "tests/unit/check.h"

static char err[512];

static struct network_def *
parse(const char *xml)
{
	struct network_def *n = NULL;

	if (network_parse(xml, strlen(xml), &n, err, sizeof(err)) < 0)
		return NULL;
	return n;
}

/* Refused, and the message contains want. */
static void
refused(const char *xml, const char *want)
{
	struct network_def *n = parse(xml);

	CHECK(n == NULL);
	if (!strstr(err, want))
		fprintf(stderr, "message '%s' lacks '%s'\n", err, want);
	CHECK(strstr(err, want) != NULL);
	for (const char *s = err; *s; s++)
		CHECK((unsigned char)*s >= 0x20 && *s != 0x7f);
	network_def_free(n);
}

#define NET(body) "<network><name>t</name>" body "</network>"
#define IP4(body) "<ip address='10.1.2.1' netmask='255.255.255.0'>" body "</ip>"

static void
test_refusals(void)
{
	refused(NET("<portgroup name='x'/>"),
	    "unsupported element 'portgroup' in <network>");
	refused(NET("<bridge name='br0' macTableManager='libvirt'/>"),
	    "unsupported attribute 'macTableManager' in <bridge>");
	refused(NET("<foo:bar xmlns:foo='urn:x'/>"), "unsupported element "
	    "'foo:bar'");
	refused("<network ipv6='yes'><name>t</name></network>",
	    "unsupported attribute 'ipv6' in <network>");
	refused(NET("<forward mode='hostdev'/>"), "unsupported forward mode");
	refused("<network/>", "missing <name>");
	refused(NET("<name>u</name>"), "duplicate element <name>");
	refused("<domain/>", "expected <network>");
	refused(NET("<bridge name='abcdefghijklmnop'/>"), "longer than 15");
	refused(NET("<bridge name='br 0'/>"), "invalid bridge name");
	refused(NET("<mac address='52:54:00:zz:00:01'/>"), "invalid MAC");
	refused(NET("<mac address='01:54:00:00:00:01'/>"), "multicast");
	refused(NET(IP4("<dhcp><host mac='52:54:00:00:00' ip='10.1.2.3'/>"
	    "</dhcp>")), "invalid MAC");
	refused(NET(IP4("<dhcp><range start='10.1.3.2' end='10.1.3.9'/>"
	    "</dhcp>")), "outside the subnet");
	refused(NET(IP4("<dhcp><range start='10.1.2.9' end='10.1.2.2'/>"
	    "</dhcp>")), "after end");
	refused(NET("<ip address='10.1.2.1' prefix='33'/>"), "invalid prefix");
	refused(NET("<ip address='10.1.2.1' netmask='255.0.255.0'/>"),
	    "not contiguous");
	refused(NET("<ip family='ipv6' address='10.1.2.1' prefix='64'/>"),
	    "invalid IPv6 address");
	refused(NET("<ip address='fd00::1' netmask='255.255.255.0'/>"),
	    "IPv4 only");
	refused(NET("<ip address='224.0.0.1'/>"), "netmask or prefix");
	refused(NET(IP4("") IP4("")), "overlap");
	refused(NET("<uuid>not-a-uuid</uuid>"), "invalid uuid");
	refused(NET("<dnsmasq:options xmlns:dnsmasq='http://libvirt.org/"
	    "schemas/network/dnsmasq/1.0'><dnsmasq:option value='dhcp-script="
	    "/bin/sh'/></dnsmasq:options>"), "'dhcp-script' is not allowed");
	refused(NET("<dns><srv service='s' protocol='sctp'/></dns>"),
	    "protocol");
	refused(NET("<dns><host ip='10.0.0.1'/></dns>"), "needs a <hostname>");
	refused(NET("<mtu size='12'/>"), "<mtu>");
	refused(NET("<bridge name='br0'>text</bridge>"), "unexpected text");
}

static void
test_names(void)
{
	char big[300];

	refused("<network><name>a/b</name></network>", "'/'");
	refused("<network><name>.hidden</name></network>", "starts with '.'");
	refused("<network><name>a&#10;b</name></network>", "control");
	refused("<network><name></name></network>", "empty");
	memset(big, 'x', 101);
	big[101] = '\0';
	CHECK(network_check_name(big, err, sizeof(err)) < 0);
	big[100] = '\0';
	CHECK_INT(network_check_name(big, err, sizeof(err)), 0);
	CHECK(!network_ifname_valid(".."));
	CHECK(network_ifname_valid("virbr0"));
}

static void
test_hostile(void)
{
	static const char bomb[] = "<?xml version='1.0'?><!DOCTYPE n ["
	    "<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;'>]>"
	    "<network><name>&b;</name></network>";
	size_t big = NETWORK_XML_MAX + 1, depth = 40;
	char *s = malloc(big + 1), *p;

	refused(bomb, "DOCTYPE");
	refused("<network><name>t</name>", "malformed network XML");
	refused("<network><name>t</name></network\x01>", "malformed");
	refused("<network><name>&ext;</name></network>", "malformed");
	memset(s, ' ', big);
	s[big] = '\0';
	memcpy(s, "<network>", 9);
	refused(s, "larger than");
	p = s;
	for (size_t i = 0; i < depth; i++)
		p += sprintf(p, "<network>");
	for (size_t i = 0; i < depth; i++)
		p += sprintf(p, "</network>");
	refused(s, "nested deeper");
	free(s);
	CHECK(network_parse("<a>\0</a>", 8, &(struct network_def *){ NULL },
	    err, sizeof(err)) < 0);
}

/* libxml2 must not write to stderr, whatever the input. */
static void
test_no_stderr(void)
{
	char path[] = "/tmp/vmhost-net-stderr-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);

	CHECK(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	network_def_free(parse("<network><name>t</name><<<</network>"));
	network_def_free(parse("<?xml version='9'?><x"));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	CHECK_INT(lseek(fd, 0, SEEK_END), 0);
	close(fd);
	unlink(path);
}

static void
test_default(void)
{
	struct network_def *n = parse("<network><name>default</name>"
	    "<bridge name='virbr0'/><forward/><ip address='192.168.122.1' "
	    "netmask='255.255.255.0'><dhcp><range start='192.168.122.2' "
	    "end='192.168.122.254'/></dhcp></ip></network>");
	char uuid[37];

	CHECK(n != NULL);
	if (!n)
		return;
	CHECK_STR(n->name, "default");
	CHECK_INT(n->forward, NETWORK_FORWARD_NAT);
	CHECK_STR(n->bridge, "virbr0");
	CHECK_INT(n->nips, 1);
	CHECK_INT(n->ips[0].prefix, 24);
	CHECK_INT(n->ips[0].nranges, 1);
	CHECK(!n->has_uuid);
	network_uuid_format(n->uuid, uuid);
	CHECK(uuid[14] == '4');	/* generated: version 4 */
	network_def_free(n);
}

static void
test_overlap(void)
{
	struct network_def *a = parse(NET("<ip address='192.168.122.1' "
	    "prefix='24'/>"));
	struct network_def *b = parse("<network><name>b</name><ip "
	    "address='192.168.0.1' prefix='16'/></network>");
	struct network_def *c = parse("<network><name>c</name><ip "
	    "address='192.168.123.1' prefix='24'/><ip family='ipv6' "
	    "address='fd00::1' prefix='64'/></network>");

	CHECK(a && b && c);
	if (a && b && c) {
		CHECK_INT(network_subnets_overlap(a, b), 1);
		CHECK_INT(network_subnets_overlap(b, a), 1);
		CHECK_INT(network_subnets_overlap(a, c), 0);
		CHECK_INT(network_subnets_overlap(b, c), 1);
	}
	network_def_free(a);
	network_def_free(b);
	network_def_free(c);
}

/* Every conformance input parses, and format is a fixed point. */
static void
test_roundtrip_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096], buf[65536];

	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		struct network_def *n, *m;
		char *x1, *x2;
		FILE *f;
		size_t len;

		if (!strstr(e->d_name, ".xml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[len] = '\0';
		n = parse(buf);
		if (!n)
			fprintf(stderr, "%s: %s\n", path, err);
		CHECK(n != NULL);
		x1 = n ? network_format(n) : NULL;
		m = x1 ? parse(x1) : NULL;
		x2 = m ? network_format(m) : NULL;
		CHECK(x1 && x2 && strcmp(x1, x2) == 0);
		free(x1);
		free(x2);
		network_def_free(n);
		network_def_free(m);
	}
	if (d)
		closedir(d);
}

static void
test_generators(void)
{
	struct network_def *n = parse("<network><name>a\"b#c</name><bridge "
	    "name='br-1'/><dns enable='no'/>" IP4("") "</network>");
	struct dnsmasq_conf c;
	char path[256], *rules = NULL;

	CHECK(n != NULL);
	if (!n)
		return;
	CHECK_INT(dnsmasq_state_path("/s", n->name, "conf", path,
	    sizeof(path)), 0);
	CHECK_STR(path, "/s/a&quot;b%23c.conf");
	CHECK_INT(dnsmasq_conf_build(n, "/s", "/run/x.pid", &c, err,
	    sizeof(err)), 0);
	CHECK(c.conf && strstr(c.conf, "\nport=0\n") &&
	    strstr(c.conf, "pid-file=/run/x.pid\n") &&
	    strstr(c.conf, "dhcp-option=3\nno-resolv\n"));
	CHECK(c.hostsfile == NULL && c.addnhosts == NULL);
	dnsmasq_conf_clear(&c);
	CHECK_INT(firewall_rules_build(n, &rules, err, sizeof(err)), 0);
	CHECK(rules && !strstr(rules, "nat_br-1") &&
	    strstr(rules, "fwd_br-1 iifname \"br-1\" reject"));
	free(rules);
	CHECK_INT(firewall_rules_delete("br-1", false, &rules), 0);
	CHECK(rules && strstr(rules, "delete chain inet vmhost nat_br-1") &&
	    !strstr(rules, "delete table"));
	free(rules);
	CHECK_INT(firewall_rules_delete("x;y", true, &rules), -22);
	network_def_free(n);
}

int
main(int argc, char **argv)
{
	test_refusals();
	test_names();
	test_hostile();
	test_no_stderr();
	test_default();
	test_overlap();
	test_generators();
	for (int i = 1; i < argc; i++)
		test_roundtrip_dir(argv[i]);
	return check_done();
}
