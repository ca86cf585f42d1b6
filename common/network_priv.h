/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal helpers shared by the network parser, validator and formatter. */
#ifndef VMHOST_NETWORK_PRIV_H
#define VMHOST_NETWORK_PRIV_H

#include <stddef.h>

#include <libxml/tree.h>

#include "common/network_xml.h"

/* Where a refusal's one-line message goes. */
struct net_err {
	char *buf;
	size_t len;
};

/* Write a message into e and return -EINVAL. */
int net_fail(struct net_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Copy s into buf quoted for a message: control bytes, quotes and
 * backslashes as \xNN, \" and \\, cut with "..." when too long.
 */
const char *net_esc(char *buf, size_t n, const char *s);

/* Fill a definition's fields from a parsed <network> root element. */
int network_parse_root(xmlNode *root, struct network_def *n,
    struct net_err *e);

/* One child element a parent accepts, and what fills it in. */
struct net_elem {
	const char *name;
	const char *ns;		/* namespace href, NULL for none */
	int (*fn)(xmlNode *node, void *obj, struct net_err *e);
};

/* Tree helpers (network_xmlutil.c); each returns 0 or -EINVAL/-ENOMEM. */
const char *net_name(const xmlNode *n);
/* Dispatch child elements by table (NULL-name terminated); text must be blank. */
int net_children(xmlNode *n, const struct net_elem *tab, void *obj,
    struct net_err *e);
/* Refuse any attribute not listed (NULL-terminated). */
int net_attrs_only(xmlNode *n, const char *const *allowed, struct net_err *e);
/* Attribute copy, NULL when absent; refuses control bytes and huge values. */
int net_attr(xmlNode *n, const char *name, char **out, struct net_err *e);
int net_attr_required(xmlNode *n, const char *name, char **out,
    struct net_err *e);
/* Text content of a leaf element. */
int net_text(xmlNode *n, char **out, struct net_err *e);
int net_attr_uint(xmlNode *n, const char *name, unsigned long max,
    unsigned long *out, bool *present, struct net_err *e);
int net_attr_tri(xmlNode *n, const char *name, const char *yes,
    const char *no, enum network_tristate *out, struct net_err *e);
/* family AF_INET, AF_INET6 or 0 (either). */
int net_attr_addr(xmlNode *n, const char *name, int family, bool required,
    struct net_addr *out, struct net_err *e);
int net_attr_mac(xmlNode *n, const char *name, char **out, struct net_err *e);
int net_dup(const xmlNode *n, bool seen, struct net_err *e);
/* Append one zeroed element (at most 4096); NULL on failure. */
void *net_push(void *arrp, size_t *count, size_t size);
int net_push_failed(const xmlNode *n, size_t count, struct net_err *e);
#define NET_PUSH(arr, count) net_push(&(arr), &(count), sizeof(*(arr)))

/* Canonical MAC (lowercase) from s: 0 or -EINVAL. */
int net_mac_canon(const char *s, char out[18]);

/* Host names, DNS labels: 1..253 bytes of [A-Za-z0-9._-]. */
bool net_hostname_valid(const char *s);

#endif
