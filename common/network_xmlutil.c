/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Strict libxml2 tree helpers for the network parser: typed attributes, child dispatch. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libxml/tree.h>

#include "common/network_priv.h"

#define NET_ATTR_MAX 4096	/* bytes of one attribute or text value */

const char *
net_name(const xmlNode *n)
{
	return (const char *)n->name;
}

static bool
net_blank(const xmlChar *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

static bool
net_elem_matches(const struct net_elem *t, const xmlNode *c)
{
	if (strcmp(t->name, net_name(c)) != 0)
		return false;
	if (!t->ns)
		return c->ns == NULL;
	return c->ns && c->ns->href &&
	    strcmp((const char *)c->ns->href, t->ns) == 0;
}

static int
net_unsupported_elem(const xmlNode *c, const xmlNode *parent,
    struct net_err *e)
{
	char a[64], b[64], pre[64] = "";

	if (c->ns && c->ns->prefix)
		net_esc(pre, sizeof(pre), (const char *)c->ns->prefix);
	return net_fail(e, "unsupported element '%s%s%s' in <%s>", pre,
	    pre[0] ? ":" : "", net_esc(a, sizeof(a), net_name(c)),
	    net_esc(b, sizeof(b), net_name(parent)));
}

/* Dispatch each child element by table; text must be blank. */
int
net_children(xmlNode *n, const struct net_elem *tab, void *obj,
    struct net_err *e)
{
	for (xmlNode *c = n->children; c; c = c->next) {
		const struct net_elem *t;
		int r;

		if (c->type == XML_COMMENT_NODE)
			continue;
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (!net_blank(c->content))
				return net_fail(e, "unexpected text in <%s>",
				    net_name(n));
			continue;
		}
		if (c->type != XML_ELEMENT_NODE)
			return net_fail(e, "unsupported content in <%s>",
			    net_name(n));
		for (t = tab; t && t->name; t++)
			if (net_elem_matches(t, c))
				break;
		if (!t || !t->name)
			return net_unsupported_elem(c, n, e);
		if ((r = t->fn(c, obj, e)) < 0)
			return r;
	}
	return 0;
}

/* Refuse attributes not in allowed (NULL-terminated). */
int
net_attrs_only(xmlNode *n, const char *const *allowed, struct net_err *e)
{
	for (xmlAttr *a = n->properties; a; a = a->next) {
		const char *const *k = allowed;
		char b[64];

		while (*k && (a->ns || strcmp(*k, (const char *)a->name) != 0))
			k++;
		if (!*k)
			return net_fail(e, "unsupported attribute '%s' in <%s>",
			    net_esc(b, sizeof(b), (const char *)a->name),
			    net_name(n));
	}
	return 0;
}

static int
net_check_value(const char *v, const char *what, const xmlNode *n,
    struct net_err *e)
{
	if (strlen(v) > NET_ATTR_MAX)
		return net_fail(e, "%s in <%s> is too long", what, net_name(n));
	for (const unsigned char *s = (const unsigned char *)v; *s; s++)
		if (*s < 0x20 || *s == 0x7f)
			return net_fail(e, "control character in %s of <%s>",
			    what, net_name(n));
	return 0;
}

/* A copy of attribute name (NULL when absent); no control bytes. */
int
net_attr(xmlNode *n, const char *name, char **out, struct net_err *e)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	int r;

	*out = NULL;
	if (!v)
		return 0;
	r = net_check_value((const char *)v, name, n, e);
	if (r == 0 && !(*out = strdup((const char *)v)))
		r = -ENOMEM;
	xmlFree(v);
	return r;
}

int
net_attr_required(xmlNode *n, const char *name, char **out, struct net_err *e)
{
	int r = net_attr(n, name, out, e);

	if (r == 0 && !*out)
		return net_fail(e, "missing attribute '%s' in <%s>", name,
		    net_name(n));
	return r;
}

/* The element's text (one value, no child elements). */
int
net_text(xmlNode *n, char **out, struct net_err *e)
{
	xmlChar *v;
	int r;

	for (xmlNode *c = n->children; c; c = c->next)
		if (c->type != XML_TEXT_NODE && c->type != XML_COMMENT_NODE)
			return net_fail(e, "unexpected content in <%s>",
			    net_name(n));
	if (n->properties)
		return net_attrs_only(n, (const char *const[]){ NULL }, e);
	v = xmlNodeGetContent(n);
	if (!v)
		return -ENOMEM;
	r = net_check_value((const char *)v, "text", n, e);
	if (r == 0 && !(*out = strdup((const char *)v)))
		r = -ENOMEM;
	xmlFree(v);
	return r;
}

int
net_attr_uint(xmlNode *n, const char *name, unsigned long max,
    unsigned long *out, bool *present, struct net_err *e)
{
	char *v, *end;
	int r;

	*present = false;
	if ((r = net_attr(n, name, &v, e)) < 0 || !v)
		return r;
	errno = 0;
	*out = strtoul(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || *end || errno || *out > max) {
		char b[64];

		r = net_fail(e, "invalid %s '%s' in <%s>", name,
		    net_esc(b, sizeof(b), v), net_name(n));
	}
	*present = r == 0;
	free(v);
	return r;
}

/* yes/no (or on/off where yes/no are given as such) into a tristate. */
int
net_attr_tri(xmlNode *n, const char *name, const char *yes, const char *no,
    enum network_tristate *out, struct net_err *e)
{
	char *v, b[64];
	int r;

	if ((r = net_attr(n, name, &v, e)) < 0 || !v)
		return r;
	if (strcmp(v, yes) == 0)
		*out = NETWORK_TRI_YES;
	else if (strcmp(v, no) == 0)
		*out = NETWORK_TRI_NO;
	else
		r = net_fail(e, "invalid %s '%s' in <%s> (expected %s or %s)",
		    name, net_esc(b, sizeof(b), v), net_name(n), yes, no);
	free(v);
	return r;
}

int
net_attr_addr(xmlNode *n, const char *name, int family, bool required,
    struct net_addr *out, struct net_err *e)
{
	char *v, b[64];
	int r;

	memset(out, 0, sizeof(*out));
	r = required ? net_attr_required(n, name, &v, e) :
	    net_attr(n, name, &v, e);
	if (r < 0 || !v)
		return r;
	if (net_addr_parse(v, family, out) < 0)
		r = net_fail(e, "invalid %s%s address '%s' in <%s>",
		    family == AF_INET ? "IPv4 " : family == AF_INET6 ?
		    "IPv6 " : "", name, net_esc(b, sizeof(b), v), net_name(n));
	free(v);
	return r;
}

int
net_attr_mac(xmlNode *n, const char *name, char **out, struct net_err *e)
{
	char *v, canon[18], b[64];
	int r;

	if ((r = net_attr(n, name, &v, e)) < 0 || !v)
		return r;
	if (net_mac_canon(v, canon) < 0)
		r = net_fail(e, "invalid MAC address '%s' in <%s>",
		    net_esc(b, sizeof(b), v), net_name(n));
	else
		memcpy(v, canon, sizeof(canon));
	if (r < 0)
		free(v);
	else
		*out = v;
	return r;
}

int
net_dup(const xmlNode *n, bool seen, struct net_err *e)
{
	if (seen)
		return net_fail(e, "duplicate element <%s>", net_name(n));
	return 0;
}

/* Grow an array by one zeroed element; returns it or NULL. */
void *
net_push(void *arrp, size_t *count, size_t size)
{
	void **arr = arrp;
	char *p;

	if (*count >= 4096)
		return NULL;
	p = realloc(*arr, (*count + 1) * size);
	if (!p)
		return NULL;
	*arr = p;
	memset(p + *count * size, 0, size);
	return p + (*count)++ * size;
}

int
net_push_failed(const xmlNode *n, size_t count, struct net_err *e)
{
	if (count >= 4096)
		return net_fail(e, "too many <%s> elements", net_name(n));
	return -ENOMEM;
}
