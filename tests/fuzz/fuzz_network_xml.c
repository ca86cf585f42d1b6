/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness: network XML parser, formatter round trip and the netd generators on what it accepts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/network_xml.h"
#include "netd/dnsmasq_conf.h"
#include "netd/firewall_ipt.h"
#include "netd/firewall_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
exercise(const struct network_def *n)
{
	struct network_def *again = NULL;
	struct dnsmasq_conf c;
	char err[256], *xml, *rules = NULL;

	xml = network_format(n);
	/* what we format, we must parse back */
	if (xml && network_parse(xml, strlen(xml), &again, err,
	    sizeof(err)) < 0)
		abort();
	network_def_free(again);
	free(xml);
	(void)network_subnets_overlap(n, n);
	if (!n->bridge)
		return;
	if (dnsmasq_conf_build(n, DNSMASQ_STATE_DIR, NULL, &c, err,
	    sizeof(err)) == 0)
		dnsmasq_conf_clear(&c);
	if (firewall_rules_build(n, &rules, err, sizeof(err)) != 0)
		rules = NULL;
	/* the iptables fallback, from nothing and from a "saved" state that
	 * is other text (the nftables ruleset) */
	for (int fam = 4; fam <= 6; fam += 2) {
		char *t = NULL;

		if (firewall_ipt_apply_text(n, fam, fam == 4 ? NULL : rules, &t,
		    err, sizeof(err)) == 0)
			free(t);
		t = NULL;
		if (n->bridge && firewall_ipt_remove_text(n->bridge, fam,
		    rules, &t) == 0)
			free(t);
	}
	free(rules);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct network_def *n = NULL;
	char err[256];

	if (network_parse((const char *)data, size, &n, err, sizeof(err)) == 0)
		exercise(n);
	else if (memchr(err, '\n', strnlen(err, sizeof(err))))
		abort();	/* messages are one line */
	network_def_free(n);
	return 0;
}
