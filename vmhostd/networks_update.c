/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmhostd's net-update: DHCP host entries added, modified or deleted in a copy of a network definition. */
#define LOG_MODULE "networks"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "common/log.h"
#include "vmhostd/networks.h"

#define HOST_XML_MAX 4096	/* one <host/> element */

/* The attributes of one <host/>; strings are libxml2's, "" when absent. */
struct host_in {
	xmlChar *mac, *id, *name, *ip;
	struct net_addr addr;	/* family 0 when no ip */
};

enum update_cmd { CMD_ADD_LAST, CMD_ADD_FIRST, CMD_DELETE, CMD_MODIFY };

struct network_def *
networks_def_copy(const struct network_def *d, char *err, size_t errlen)
{
	struct network_def *out = NULL;
	char *xml = network_format(d);

	if (!xml) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (network_parse(xml, strlen(xml), &out, err, errlen) < 0)
		out = NULL;
	free(xml);
	return out;
}

static void
host_in_free(struct host_in *h)
{
	xmlFree(h->mac);
	xmlFree(h->id);
	xmlFree(h->name);
	xmlFree(h->ip);
}

/* Attributes other than these four, and any child, are refused. */
static int
host_attrs(xmlNode *root, struct host_in *h, char *err, size_t errlen)
{
	char esc[64];

	for (xmlAttr *a = root->properties; a; a = a->next) {
		const char *an = (const char *)a->name;

		if (strcmp(an, "mac") && strcmp(an, "id") &&
		    strcmp(an, "name") && strcmp(an, "ip")) {
			snprintf(err, errlen, "unsupported attribute '%s' in "
			    "<host> (supported: mac, id, name, ip)",
			    str_escape(esc, sizeof(esc), an));
			return -EINVAL;
		}
	}
	for (xmlNode *c = root->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE) {
			snprintf(err, errlen, "net-update takes a <host/> "
			    "without child elements");
			return -EINVAL;
		}
	h->mac = xmlGetProp(root, (const xmlChar *)"mac");
	h->id = xmlGetProp(root, (const xmlChar *)"id");
	h->name = xmlGetProp(root, (const xmlChar *)"name");
	h->ip = xmlGetProp(root, (const xmlChar *)"ip");
	if (h->ip && net_addr_parse((const char *)h->ip, 0, &h->addr) < 0) {
		snprintf(err, errlen, "invalid ip address '%s' in <host>",
		    str_escape(esc, sizeof(esc), (const char *)h->ip));
		return -EINVAL;
	}
	if (!h->mac && !h->id && !h->name && !h->ip) {
		snprintf(err, errlen, "<host> needs mac, id, name or ip");
		return -EINVAL;
	}
	return 0;
}

/*
 * Parse one <host .../>. No markup declarations at all ("<!", "<?"), so no
 * DOCTYPE, entity or external access; size capped before libxml2 sees it.
 */
static int
host_parse(const char *xml, struct host_in *h, char *err, size_t errlen)
{
	size_t len = strlen(xml);
	xmlDoc *doc;
	xmlNode *root;
	int r;

	memset(h, 0, sizeof(*h));
	if (len > HOST_XML_MAX) {
		snprintf(err, errlen, "<host> XML longer than %d bytes",
		    HOST_XML_MAX);
		return -EINVAL;
	}
	if (strstr(xml, "<!") || strstr(xml, "<?")) {
		snprintf(err, errlen, "<host> XML must not contain "
		    "declarations, comments or CDATA");
		return -EINVAL;
	}
	doc = xmlReadMemory(xml, (int)len, "host.xml", NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root || doc->intSubset || root->ns ||
	    strcmp((const char *)root->name, "host") != 0) {
		snprintf(err, errlen, "expected one <host mac='..' name='..' "
		    "ip='..'/> element for section ip-dhcp-host");
		r = -EINVAL;
	} else {
		r = host_attrs(root, h, err, errlen);
	}
	xmlFreeDoc(doc);
	return r;
}

/* The <ip> the host belongs to: by its address, else the first with DHCP. */
static struct network_ip *
host_parent(struct network_def *d, const struct host_in *h)
{
	int fam = h->id ? AF_INET6 : AF_INET;
	struct network_ip *first = NULL;

	for (size_t i = 0; i < d->nips; i++) {
		struct network_ip *ip = &d->ips[i];

		if (h->addr.family) {
			if (net_addr_in_subnet(&h->addr, &ip->address,
			    ip->prefix))
				return ip;
			continue;
		}
		if (ip->address.family != fam)
			continue;
		if (ip->has_dhcp)
			return ip;
		if (!first)
			first = ip;
	}
	return first;
}

static bool
str_eq(const char *a, const xmlChar *b)
{
	return a && b && strcasecmp(a, (const char *)b) == 0;
}

/* Does existing entry e share anything (add) or everything given (delete)? */
static bool
host_matches(const struct network_dhcp_host *e, const struct host_in *h,
    bool all)
{
	bool mac = h->mac && str_eq(e->mac, h->mac);
	bool id = h->id && str_eq(e->id, h->id);
	bool name = h->name && e->name &&
	    strcmp(e->name, (const char *)h->name) == 0;
	bool ip = h->addr.family && net_addr_cmp(&e->ip, &h->addr) == 0;

	if (!all)
		return mac || id || name || ip;
	return (!h->mac || mac) && (!h->id || id) && (!h->name || name) &&
	    (!h->addr.family || ip);
}

static int
host_fill(struct network_dhcp_host *e, const struct host_in *h)
{
	memset(e, 0, sizeof(*e));
	e->ip = h->addr;
	if ((h->mac && !(e->mac = strdup((const char *)h->mac))) ||
	    (h->id && !(e->id = strdup((const char *)h->id))) ||
	    (h->name && !(e->name = strdup((const char *)h->name))))
		return -ENOMEM;
	return 0;
}

static void
host_clear(struct network_dhcp_host *e)
{
	free(e->mac);
	free(e->id);
	free(e->name);
	memset(e, 0, sizeof(*e));
}

static void
host_describe(const struct host_in *h, char *buf, size_t len)
{
	char m[64], n[128], i[64];

	snprintf(buf, len, "<host%s%s%s%s%s%s%s%s%s/>",
	    h->mac ? " mac='" : "", h->mac ? str_escape(m, sizeof(m),
	    (const char *)h->mac) : "", h->mac ? "'" : "",
	    h->name ? " name='" : "", h->name ? str_escape(n, sizeof(n),
	    (const char *)h->name) : "", h->name ? "'" : "",
	    h->ip ? " ip='" : "", h->ip ? str_escape(i, sizeof(i),
	    (const char *)h->ip) : "", h->ip ? "'" : "");
}

static int
apply_add(struct network_ip *ip, const struct host_in *h, bool first,
    const char *net, char *err, size_t errlen)
{
	struct network_dhcp_host *hosts;
	char desc[512];

	for (size_t i = 0; i < ip->nhosts; i++)
		if (host_matches(&ip->hosts[i], h, false)) {
			host_describe(h, desc, sizeof(desc));
			snprintf(err, errlen, "there is an existing dhcp host "
			    "entry in network '%s' that matches \"%s\"", net,
			    desc);
			return -EEXIST;
		}
	if (ip->nhosts >= 65536 || !(hosts = realloc(ip->hosts,
	    (ip->nhosts + 1) * sizeof(*hosts)))) {
		snprintf(err, errlen, "too many DHCP hosts");
		return -ENOMEM;
	}
	ip->hosts = hosts;
	if (first)
		memmove(&hosts[1], &hosts[0], ip->nhosts * sizeof(*hosts));
	ip->nhosts++;
	if (host_fill(&hosts[first ? 0 : ip->nhosts - 1], h) < 0) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int
apply_modify(struct network_ip *ip, const struct host_in *h, const char *net,
    char *err, size_t errlen)
{
	char desc[512];

	for (size_t i = 0; i < ip->nhosts; i++) {
		struct network_dhcp_host *e = &ip->hosts[i];

		if ((h->mac && str_eq(e->mac, h->mac)) ||
		    (!h->mac && h->id && str_eq(e->id, h->id))) {
			host_clear(e);
			if (host_fill(e, h) < 0) {
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
			return 0;
		}
	}
	host_describe(h, desc, sizeof(desc));
	snprintf(err, errlen, "couldn't locate an existing dhcp host entry "
	    "with the mac or id of \"%s\" in network '%s'", desc, net);
	return -ENOENT;
}

static int
apply_delete(struct network_def *d, const struct host_in *h, const char *net,
    char *err, size_t errlen)
{
	char desc[512];

	for (size_t k = 0; k < d->nips; k++) {
		struct network_ip *ip = &d->ips[k];

		for (size_t i = 0; i < ip->nhosts; i++) {
			if (!host_matches(&ip->hosts[i], h, true))
				continue;
			host_clear(&ip->hosts[i]);
			memmove(&ip->hosts[i], &ip->hosts[i + 1],
			    (ip->nhosts - i - 1) * sizeof(*ip->hosts));
			ip->nhosts--;
			return 0;
		}
	}
	host_describe(h, desc, sizeof(desc));
	snprintf(err, errlen, "couldn't locate a matching dhcp host entry "
	    "\"%s\" in network '%s'", desc, net);
	return -ENOENT;
}

static int
parse_cmd(const char *command, const char *section, enum update_cmd *cmd,
    char *err, size_t errlen)
{
	char esc[64];

	if (!section || strcmp(section, "ip-dhcp-host") != 0) {
		snprintf(err, errlen, "section '%s' is not supported by "
		    "net-update (supported: ip-dhcp-host)",
		    str_escape(esc, sizeof(esc), section ? section : ""));
		return -ENOTSUP;
	}
	if (!command || !strcmp(command, "add") ||
	    !strcmp(command, "add-last"))
		*cmd = CMD_ADD_LAST;
	else if (!strcmp(command, "add-first"))
		*cmd = CMD_ADD_FIRST;
	else if (!strcmp(command, "delete"))
		*cmd = CMD_DELETE;
	else if (!strcmp(command, "modify"))
		*cmd = CMD_MODIFY;
	else {
		snprintf(err, errlen, "unknown net-update command '%s' "
		    "(add, add-first, add-last, delete, modify)",
		    str_escape(esc, sizeof(esc), command));
		return -EINVAL;
	}
	return 0;
}

/* Apply to d in place; the result is validated by the caller. */
static int
apply(struct network_def *d, enum update_cmd cmd, const struct host_in *h,
    char *err, size_t errlen)
{
	struct network_ip *ip;
	char net[256];

	str_escape(net, sizeof(net), d->name);
	if (cmd == CMD_DELETE)
		return apply_delete(d, h, net, err, errlen);
	if (!(ip = host_parent(d, h))) {
		snprintf(err, errlen, "network '%s' has no <ip> for this host",
		    net);
		return -EINVAL;
	}
	if (cmd == CMD_MODIFY)
		return apply_modify(ip, h, net, err, errlen);
	ip->has_dhcp = true;
	return apply_add(ip, h, cmd == CMD_ADD_FIRST, net, err, errlen);
}

int
networks_update_def(const struct network_def *def, const char *command,
    const char *section, const char *xml, struct network_def **out, char *err,
    size_t errlen)
{
	struct network_def *copy = NULL;
	struct host_in h;
	enum update_cmd cmd;
	int r;

	*out = NULL;
	if ((r = parse_cmd(command, section, &cmd, err, errlen)) < 0)
		return r;
	if ((r = host_parse(xml ? xml : "", &h, err, errlen)) < 0)
		goto out;
	if (!(copy = networks_def_copy(def, err, errlen))) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = apply(copy, cmd, &h, err, errlen)) < 0)
		goto out;
	/* the whole definition again through the parser: validated */
	*out = networks_def_copy(copy, err, errlen);
	r = *out ? 0 : -EINVAL;
out:
	network_def_free(copy);
	host_in_free(&h);
	return r;
}
