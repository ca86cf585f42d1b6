/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of vmhostd's network store and net-update, in a scratch root: virbrN, clashes, state, bridge_for, host edits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "common/fileio.h"
#include "common/paths.h"
#include "vmhostd/networks.h"

static char err[1024];

static struct net *
define(const char *name, const char *extra, const char *ip)
{
	char xml[2048];
	struct net *n = NULL;

	snprintf(xml, sizeof(xml), "<network><name>%s</name>%s%s</network>",
	    name, extra, ip);
	if (networks_define(xml, strlen(xml), &n, err, sizeof(err)) < 0)
		return NULL;
	return n;
}

static void
test_define(void)
{
	struct net *a, *b, *c;
	char xml[512], br[16];

	a = define("a", "", "<ip address='10.1.0.1' prefix='24'/>");
	b = define("b", "", "<ip address='10.2.0.1' prefix='24'/>");
	CHECK(a && b);
	if (!a || !b)
		return;
	/* default has virbr0: a and b get other virbrN (the host's own
	 * interfaces are skipped too, so no fixed numbers here) */
	CHECK(strncmp(a->def->bridge, "virbr", 5) == 0);
	CHECK(strcmp(a->def->bridge, "virbr0") != 0);
	CHECK(strncmp(b->def->bridge, "virbr", 5) == 0);
	CHECK(strcmp(a->def->bridge, b->def->bridge) != 0);
	snprintf(br, sizeof(br), "%s", a->def->bridge);
	CHECK(networks_find("a") == a);
	CHECK(networks_find(a->uuid) == a);
	snprintf(xml, sizeof(xml), "<bridge name='%s'/>", br);
	CHECK(define("c", xml, "<ip address='10.3.0.1' prefix='24'/>") == NULL);
	CHECK(strstr(err, "is already used by network 'a'") != NULL);
	snprintf(xml, sizeof(xml), "<uuid>%s</uuid>", a->uuid);
	CHECK(define("other", xml, "") == NULL);
	CHECK(strstr(err, "network 'a' is already defined with uuid") != NULL);
	CHECK(define("a", "<uuid>00000000-0000-4000-8000-000000000001</uuid>",
	    "") == NULL);
	CHECK(strstr(err, "network 'a' already exists with uuid") != NULL);
	/* redefinition without a bridge keeps the one it had */
	snprintf(xml, sizeof(xml), "<uuid>%s</uuid>", a->uuid);
	c = define("a", xml, "<ip address='10.1.0.1' prefix='24'/>");
	CHECK(c == a);
	CHECK_STR(a->def->bridge, br);

	CHECK_INT(networks_bridge_for("a", br, sizeof(br), err, sizeof(err)),
	    -ENOTCONN);
	CHECK_STR(err, "network 'a' is not active (start it with: vmhost "
	    "net-start a)");
	CHECK_INT(networks_bridge_for("zz", br, sizeof(br), err, sizeof(err)),
	    -ENOENT);
	networks_mark_active(a, "virbr77", 0);
	CHECK_INT(networks_bridge_for("a", br, sizeof(br), err, sizeof(err)),
	    0);
	CHECK_STR(br, "virbr77");
}

static void
test_start_checks(void)
{
	struct net *o = define("ov", "", "<ip address='10.1.0.129' prefix='25'/>");
	struct net *a = networks_find("a");

	CHECK(o != NULL);
	if (!o || !a)
		return;
	CHECK_INT(networks_check_start(o, err, sizeof(err)), -EADDRINUSE);
	CHECK_STR(err, "network 'ov' overlaps a subnet of active network 'a'");
	CHECK_INT(networks_check_start(a, err, sizeof(err)), -EEXIST);
	a->busy = true;
	CHECK_INT(networks_undefine(a, err, sizeof(err)), -EBUSY);
	a->busy = false;
	/* undefined while active: transient, forgotten when stopped */
	CHECK_INT(networks_undefine(a, err, sizeof(err)), 0);
	CHECK(networks_find("a") == a && !a->persistent);
	CHECK_INT(networks_set_autostart(a, true, err, sizeof(err)), -EINVAL);
	networks_mark_inactive(a);
	CHECK(networks_find("a") == NULL);
	CHECK_INT(networks_check_start(o, err, sizeof(err)), 0);
}

static void
test_update(void)
{
	struct net *b = networks_find("b");
	struct network_def *d = NULL, *d2 = NULL;
	const char *h = "<host mac='52:54:00:AA:00:01' name='vm1' ip='10.2.0.10'/>";

	if (!b)
		return;
	CHECK_INT(networks_update_def(b->def, "add", "ip-dhcp-host", h, &d, err,
	    sizeof(err)), 0);
	CHECK(d && d->nips == 1 && d->ips[0].nhosts == 1);
	if (!d)
		return;
	CHECK_STR(d->ips[0].hosts[0].mac, "52:54:00:aa:00:01");
	CHECK_INT(networks_update_def(d, "add", "ip-dhcp-host",
	    "<host mac='52:54:00:aa:00:02' ip='10.2.0.10'/>", &d2, err,
	    sizeof(err)), -EEXIST);
	CHECK_INT(networks_update_def(d, "add", "ip-dhcp-host",
	    "<host mac='52:54:00:aa:00:02' ip='10.9.0.10'/>", &d2, err,
	    sizeof(err)), -EINVAL);
	CHECK_INT(networks_update_def(d, "add", "ip-dhcp-host",
	    "<host mac='52:54:00:aa:00:03' ip='10.2.0.11' bogus='1'/>", &d2,
	    err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "unsupported attribute 'bogus'") != NULL);
	CHECK_INT(networks_update_def(d, "add", "ip-dhcp-host",
	    "<!DOCTYPE x [<!ENTITY a 'b'>]><host name='&a;'/>", &d2, err,
	    sizeof(err)), -EINVAL);
	CHECK_INT(networks_update_def(d, "add", "dns-txt", h, &d2, err,
	    sizeof(err)), -ENOTSUP);
	CHECK_INT(networks_update_def(d, "modify", "ip-dhcp-host",
	    "<host mac='52:54:00:aa:00:01' name='vm2' ip='10.2.0.20'/>", &d2,
	    err, sizeof(err)), 0);
	CHECK(d2 && d2->ips[0].nhosts == 1 &&
	    strcmp(d2->ips[0].hosts[0].name, "vm2") == 0);
	network_def_free(d2);
	CHECK_INT(networks_update_def(d, "delete", "ip-dhcp-host",
	    "<host name='vm1'/>", &d2, err, sizeof(err)), 0);
	CHECK(d2 && d2->ips[0].nhosts == 0);
	network_def_free(d2);
	CHECK_INT(networks_update_def(d, "delete", "ip-dhcp-host",
	    "<host name='nobody'/>", &d2, err, sizeof(err)), -ENOENT);
	CHECK_INT(networks_save_config(b, d, err, sizeof(err)), 0);
	CHECK(b->def == d);
}

int
main(void)
{
	char root[] = "/tmp/vmhost-nets-XXXXXX", path[4096];
	struct net *def;

	if (!mkdtemp(root) || paths_set_root(root) < 0)
		return 1;
	path_build(path, sizeof(path), "%s/autostart", VMHOST_NETWORK_DIR);
	CHECK_INT(dir_ensure(path, 0700, (uid_t)-1, (gid_t)-1), 0);
	CHECK_INT(networks_init(), 0);
	networks_default_create();
	def = networks_find("default");
	CHECK(def && !def->autostart && !def->active && def->persistent);
	CHECK(def && strcmp(def->def->bridge, "virbr0") == 0);
	test_define();
	test_start_checks();
	test_update();
	/* undefined default is not made again */
	if (def)
		CHECK_INT(networks_undefine(def, err, sizeof(err)), 0);
	networks_default_create();
	CHECK(networks_find("default") == NULL);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	if (system(path) != 0)
		return 1;
	return check_done();
}
