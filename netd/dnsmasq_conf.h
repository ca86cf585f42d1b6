/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* dnsmasq configuration for one network, in libvirt's form and order (netd). */
#ifndef VMHOST_DNSMASQ_CONF_H
#define VMHOST_DNSMASQ_CONF_H

#include <stddef.h>

#include "common/network_xml.h"

#define DNSMASQ_STATE_DIR "/var/lib/vmhost/dnsmasq"

struct dnsmasq_conf {
	char *conf;		/* STATEDIR/NAME.conf */
	char *hostsfile;	/* STATEDIR/NAME.hostsfile; NULL without DHCP */
	char *addnhosts;	/* STATEDIR/NAME.addnhosts; NULL without DNS */
	size_t nhosts;		/* DHCP host lines in hostsfile */
};

/*
 * Build the three files for network n (which must have a bridge name).
 * statedir is where the side files live (DNSMASQ_STATE_DIR in vmhost);
 * pidfile, when not NULL, is written as pid-file=. Returns 0, -EINVAL
 * with a message in err, or -ENOMEM. Free with dnsmasq_conf_clear.
 */
int dnsmasq_conf_build(const struct network_def *n, const char *statedir,
    const char *pidfile, struct dnsmasq_conf *out, char *err, size_t errlen);

void dnsmasq_conf_clear(struct dnsmasq_conf *c);

/*
 * STATEDIR/NAME.SUFFIX into out (size len), the name written as libvirt
 * does: '"' '&' '\'' '<' '>' as XML entities, other bytes that dnsmasq's
 * option parser treats specially ('#', '\\', space, ',') as %XX.
 * Returns 0 or -ENAMETOOLONG.
 */
int dnsmasq_state_path(const char *statedir, const char *name,
    const char *suffix, char *out, size_t len);

#endif
