/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Safe entry to libxml2 for <network> definitions, plus their lifetime and overlap checks (vmhostd). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "common/network_priv.h"

int
net_fail(struct net_err *e, const char *fmt, ...)
{
	va_list ap;

	if (e && e->buf && e->len) {
		va_start(ap, fmt);
		vsnprintf(e->buf, e->len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

const char *
net_esc(char *buf, size_t n, const char *s)
{
	size_t o = 0;

	if (n < 8) {
		if (n)
			buf[0] = '\0';
		return buf;
	}
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		char tmp[5];

		if (c < 0x20 || c == 0x7f)
			snprintf(tmp, sizeof(tmp), "\\x%02x", c);
		else if (c == '"' || c == '\\')
			snprintf(tmp, sizeof(tmp), "\\%c", c);
		else
			snprintf(tmp, sizeof(tmp), "%c", c);
		if (o + strlen(tmp) + 4 > n) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		memcpy(buf + o, tmp, strlen(tmp) + 1);
		o += strlen(tmp);
	}
	buf[o] = '\0';
	return buf;
}

/* Refuse what must never reach libxml2: DTDs (and so entities), NULs. */
static int
net_prescan(const char *xml, size_t len, struct net_err *e)
{
	if (len > NETWORK_XML_MAX)
		return net_fail(e, "network XML larger than %d bytes",
		    NETWORK_XML_MAX);
	if (len == 0)
		return net_fail(e, "empty network XML");
	if (memchr(xml, '\0', len))
		return net_fail(e, "NUL byte in network XML");
	if (memmem(xml, len, "<!DOCTYPE", 9) || memmem(xml, len, "<!ENTITY", 8))
		return net_fail(e, "DOCTYPE and entity declarations are not "
		    "allowed in network XML");
	return 0;
}

static int
net_depth_ok(const xmlNode *n, int depth)
{
	if (depth > NETWORK_XML_MAX_DEPTH)
		return 0;
	for (const xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !net_depth_ok(c, depth + 1))
			return 0;
	return 1;
}

static int
net_xml_error(xmlParserCtxt *ctxt, struct net_err *e)
{
	const xmlError *x = xmlCtxtGetLastError(ctxt);
	char msg[256];

	if (!x || !x->message)
		return net_fail(e, "malformed network XML");
	net_esc(msg, sizeof(msg), x->message);
	/* libxml2 ends its messages with a newline: drop the escaped one */
	if (strlen(msg) >= 4 && strcmp(msg + strlen(msg) - 4, "\\x0a") == 0)
		msg[strlen(msg) - 4] = '\0';
	return net_fail(e, "malformed network XML (line %d): %s", x->line, msg);
}

static int
net_read_doc(const char *xml, size_t len, xmlDoc **out, struct net_err *e)
{
	xmlParserCtxt *ctxt;
	int r = 0;

	*out = NULL;
	if ((r = net_prescan(xml, len, e)) < 0)
		return r;
	if (!(ctxt = xmlNewParserCtxt()))
		return -ENOMEM;
	*out = xmlCtxtReadMemory(ctxt, xml, (int)len, "network.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_NOCDATA);
	if (!*out)
		r = net_xml_error(ctxt, e);
	else if ((*out)->intSubset || (*out)->extSubset)
		r = net_fail(e, "DOCTYPE is not allowed in network XML");
	else if (!xmlDocGetRootElement(*out))
		r = net_fail(e, "network XML has no root element");
	else if (!net_depth_ok(xmlDocGetRootElement(*out), 1))
		r = net_fail(e, "network XML nested deeper than %d",
		    NETWORK_XML_MAX_DEPTH);
	xmlFreeParserCtxt(ctxt);
	if (r < 0 && *out) {
		xmlFreeDoc(*out);
		*out = NULL;
	}
	return r;
}

static int
net_uuid_generate(unsigned char uuid[16])
{
	if (getrandom(uuid, 16, 0) != 16)
		return -EIO;
	uuid[6] = (uuid[6] & 0x0f) | 0x40;	/* version 4 */
	uuid[8] = (uuid[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	return 0;
}

int
network_parse(const char *xml, size_t len, struct network_def **out,
    char *err, size_t errlen)
{
	struct net_err e = { err, errlen };
	struct network_def *def;
	xmlDoc *doc;
	int r;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if ((r = net_read_doc(xml, len, &doc, &e)) < 0)
		return r;
	if (!(def = calloc(1, sizeof(*def)))) {
		xmlFreeDoc(doc);
		return -ENOMEM;
	}
	r = network_parse_root(xmlDocGetRootElement(doc), def, &e);
	xmlFreeDoc(doc);
	if (r == 0)
		r = network_validate(def, err, errlen);
	if (r == 0 && !def->has_uuid && net_uuid_generate(def->uuid) < 0)
		r = net_fail(&e, "cannot generate a uuid");
	if (r == -ENOMEM)
		net_fail(&e, "out of memory parsing network XML");
	if (r < 0) {
		network_def_free(def);
		return r;
	}
	*out = def;
	return 0;
}

static void
net_ip_free(struct network_ip *ip)
{
	for (size_t i = 0; i < ip->nhosts; i++) {
		free(ip->hosts[i].mac);
		free(ip->hosts[i].id);
		free(ip->hosts[i].name);
	}
	free(ip->hosts);
	free(ip->ranges);
	free(ip->bootp_file);
	free(ip->tftp_root);
}

static void
net_dns_free(struct network_dns *dns)
{
	for (size_t i = 0; i < dns->nhosts; i++) {
		for (size_t j = 0; j < dns->hosts[i].nhostnames; j++)
			free(dns->hosts[i].hostnames[j]);
		free(dns->hosts[i].hostnames);
	}
	for (size_t i = 0; i < dns->ntxts; i++) {
		free(dns->txts[i].name);
		free(dns->txts[i].value);
	}
	for (size_t i = 0; i < dns->nsrvs; i++) {
		free(dns->srvs[i].service);
		free(dns->srvs[i].protocol);
		free(dns->srvs[i].domain);
		free(dns->srvs[i].target);
	}
	for (size_t i = 0; i < dns->nforwarders; i++)
		free(dns->forwarders[i].domain);
	free(dns->hosts);
	free(dns->txts);
	free(dns->srvs);
	free(dns->forwarders);
}

void
network_def_free(struct network_def *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nips; i++)
		net_ip_free(&n->ips[i]);
	for (size_t i = 0; i < n->ndnsmasq_options; i++)
		free(n->dnsmasq_options[i]);
	net_dns_free(&n->dns);
	free(n->ips);
	free(n->dnsmasq_options);
	free(n->name);
	free(n->forward_dev);
	free(n->forward_iface);
	free(n->bridge);
	free(n->mac);
	free(n->domain);
	free(n);
}

int
network_subnets_overlap(const struct network_def *a,
    const struct network_def *b)
{
	for (size_t i = 0; i < a->nips; i++) {
		for (size_t j = 0; j < b->nips; j++) {
			const struct network_ip *x = &a->ips[i], *y = &b->ips[j];
			int p = x->prefix < y->prefix ? x->prefix : y->prefix;

			if (net_addr_in_subnet(&x->address, &y->address, p))
				return 1;
		}
	}
	return 0;
}

const char *
network_forward_name(enum network_forward f)
{
	switch (f) {
	case NETWORK_FORWARD_NAT: return "nat";
	case NETWORK_FORWARD_ROUTE: return "route";
	case NETWORK_FORWARD_OPEN: return "open";
	case NETWORK_FORWARD_BRIDGE: return "bridge";
	case NETWORK_FORWARD_NONE: break;
	}
	return "none";
}

const struct network_ip *
network_dhcp_ip(const struct network_def *n, int family)
{
	for (size_t i = 0; i < n->nips; i++)
		if (n->ips[i].address.family == family &&
		    (n->ips[i].nranges || n->ips[i].nhosts))
			return &n->ips[i];
	return NULL;
}

void
network_uuid_format(const unsigned char u[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
	    u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}
