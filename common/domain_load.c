/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Safe libxml2 loading and table-driven attribute helpers for vmhostd's domain XML. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/SAX2.h>

#include "common/domain_priv.h"

const char *const dx_onoff_names[] = { "on", "off", NULL };
const char *const dx_yesno_names[] = { "yes", "no", NULL };

int
dx_fail(struct dx *x, const char *fmt, ...)
{
	va_list ap;

	if (!x->failed && x->err && x->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(x->err, x->errlen, fmt, ap);
		va_end(ap);
	}
	x->failed = 1;
	return -EINVAL;
}

const char *
dx_quote(char *buf, size_t n, const char *s)
{
	size_t o = 0;

	if (n < 8) {
		if (n)
			buf[0] = '\0';
		return buf;
	}
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		char tmp[8];
		int k;

		if (c < 0x20 || c == 0x7f)
			k = snprintf(tmp, sizeof(tmp), "\\x%02x", c);
		else if (c == '\'' || c == '"' || c == '\\')
			k = snprintf(tmp, sizeof(tmp), "\\%c", c);
		else
			k = snprintf(tmp, sizeof(tmp), "%c", c);
		if (o + (size_t)k + 4 > n) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		memcpy(buf + o, tmp, (size_t)k);
		o += (size_t)k;
	}
	buf[o] = '\0';
	return buf;
}

const char *
dx_name(const xmlNode *n, char *buf, size_t len)
{
	char raw[160];

	if (n->ns && n->ns->prefix)
		snprintf(raw, sizeof(raw), "%s:%s", n->ns->prefix, n->name);
	else if (n->ns)
		snprintf(raw, sizeof(raw), "{%s}%s", n->ns->href, n->name);
	else
		snprintf(raw, sizeof(raw), "%s", n->name);
	return dx_quote(buf, len, raw);
}

/* State of one load, reached from the SAX callbacks via ctxt->_private. */
struct dx_load {
	int depth;
	int dtd;
	int too_deep;
	char msg[256];
	startElementNsSAX2Func start;
	endElementNsSAX2Func end;
};

static void
dx_sax_dtd(void *ctx, const xmlChar *name, const xmlChar *ext,
    const xmlChar *sys)
{
	xmlParserCtxtPtr c = ctx;
	struct dx_load *l = c->_private;

	(void)name, (void)ext, (void)sys;
	l->dtd = 1;
	xmlStopParser(c);
}

static void
dx_sax_entity(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
    const xmlChar *sys, xmlChar *content)
{
	(void)name, (void)type, (void)pub, (void)sys, (void)content;
	dx_sax_dtd(ctx, NULL, NULL, NULL);
}

static void
dx_sax_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **ns, int nattr, int ndef,
    const xmlChar **attrs)
{
	xmlParserCtxtPtr c = ctx;
	struct dx_load *l = c->_private;

	if (++l->depth > DOMAIN_XML_MAX_DEPTH) {
		l->too_deep = 1;
		xmlStopParser(c);
		return;
	}
	l->start(ctx, local, prefix, uri, nns, ns, nattr, ndef, attrs);
}

static void
dx_sax_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri)
{
	xmlParserCtxtPtr c = ctx;
	struct dx_load *l = c->_private;

	l->depth--;
	l->end(ctx, local, prefix, uri);
}

/* Keep libxml2's first error as one line; nothing goes to stderr. */
static void
dx_sax_error(void *ctx, xmlErrorPtr e)
{
	xmlParserCtxtPtr c = ctx;
	struct dx_load *l = c ? c->_private : NULL;
	char q[200];

	if (!l || l->msg[0] || !e || !e->message)
		return;
	snprintf(l->msg, sizeof(l->msg), "XML error at line %d: %s", e->line,
	    dx_quote(q, sizeof(q), e->message));
	/* libxml2 messages end with a newline, now quoted as \x0a */
	char *nl = strstr(l->msg, "\\x0a");
	if (nl)
		*nl = '\0';
}

static xmlDoc *
dx_read_ctxt(struct dx *x, xmlParserCtxtPtr c, const char *xml, size_t len)
{
	struct dx_load l = { 0 };
	xmlDoc *doc;

	l.start = c->sax->startElementNs;
	l.end = c->sax->endElementNs;
	c->_private = &l;
	c->sax->internalSubset = dx_sax_dtd;
	c->sax->externalSubset = dx_sax_dtd;
	c->sax->entityDecl = dx_sax_entity;
	c->sax->startElementNs = dx_sax_start;
	c->sax->endElementNs = dx_sax_end;
	c->sax->serror = dx_sax_error;
	c->sax->warning = NULL;
	doc = xmlCtxtReadMemory(c, xml, (int)len, "domain.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
		XML_PARSE_NOWARNING);
	if (l.dtd || l.too_deep || !doc || !c->wellFormed) {
		xmlFreeDoc(doc);
		doc = NULL;
		if (l.dtd)
			dx_fail(x, "XML with DTDs or entities is not accepted");
		else if (l.too_deep)
			dx_fail(x, "XML nested deeper than %d elements",
			    DOMAIN_XML_MAX_DEPTH);
		else
			dx_fail(x, "%s", l.msg[0] ? l.msg : "malformed XML");
	}
	return doc;
}

xmlDoc *
dx_read(struct dx *x, const char *xml, size_t len)
{
	xmlParserCtxtPtr c;
	xmlDoc *doc;

	if (!xml || len == 0)
		return dx_fail(x, "empty document"), NULL;
	if (len > DOMAIN_XML_MAX_SIZE) {
		dx_fail(x, "document of %zu bytes is over the %u byte limit",
		    len, DOMAIN_XML_MAX_SIZE);
		return NULL;
	}
	c = xmlNewParserCtxt();
	if (!c)
		return dx_fail(x, "out of memory"), NULL;
	doc = dx_read_ctxt(x, c, xml, len);
	xmlFreeParserCtxt(c);
	return doc;
}

int
dx_enum(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i + 1;
	return 0;
}

int
dx_uint(const char *s, unsigned long long *v)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

static bool
isalnum_ascii(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

static int
dx_check_kind(const char *v, enum dx_kind kind, bool multiline)
{
	unsigned long long u;

	if (kind != DX_STR && !*v)
		return -EINVAL;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (multiline && (*p == '\n' || *p == '\t' || *p == '\r'))
			continue;
		if (*p < 0x20 || *p == 0x7f)
			return -EINVAL;
		if (kind == DX_IDENT && !(isalnum_ascii(*p) ||
		    strchr("_.:+-", *p)))
			return -EINVAL;
	}
	if (kind == DX_UINT && dx_uint(v, &u) < 0)
		return -EINVAL;
	return 0;
}

int
dx_store(struct dx *x, const char *what, const char *elem, const char *value,
    const struct dx_attr *a, void *obj)
{
	char q[96];
	char *p = (char *)obj + a->off;

	if (strlen(value) > DOMAIN_XML_MAX_VALUE)
		return dx_fail(x, "%s '%s' of <%s> is over %u bytes", what,
		    a->name, elem, DOMAIN_XML_MAX_VALUE);
	if (a->kind == DX_ENUM) {
		int e = dx_enum(a->names, value);

		if (!e)
			goto bad;
		*(int *)(void *)p = e;
		return 0;
	}
	if (dx_check_kind(value, a->kind, false) < 0)
		goto bad;
	free(*(char **)(void *)p);
	*(char **)(void *)p = strdup(value);
	if (!*(char **)(void *)p)
		return dx_fail(x, "out of memory");
	return 0;
bad:
	return dx_fail(x, "invalid value '%s' for %s '%s' of <%s>",
	    dx_quote(q, sizeof(q), value), what, a->name, elem);
}

static const struct dx_attr *
dx_find(const struct dx_attr *tab, size_t ntab, const char *name)
{
	for (size_t i = 0; i < ntab; i++)
		if (strcmp(tab[i].name, name) == 0)
			return &tab[i];
	return NULL;
}

int
dx_attrs(struct dx *x, xmlNode *n, const struct dx_attr *tab, size_t ntab,
    void *obj)
{
	char en[96], an[96];
	int rc = 0;

	dx_name(n, en, sizeof(en));
	for (xmlAttr *a = n->properties; a && rc == 0; a = a->next) {
		const struct dx_attr *d = a->ns ? NULL :
		    dx_find(tab, ntab, (const char *)a->name);
		xmlChar *v;

		if (!d)
			return dx_fail(x, "unsupported attribute '%s' in <%s>",
			    dx_quote(an, sizeof(an), (const char *)a->name),
			    en);
		v = xmlNodeListGetString(n->doc, a->children, 1);
		rc = dx_store(x, "attribute", en, v ? (char *)v : "", d, obj);
		xmlFree(v);
	}
	return rc;
}

/* Refuse child elements and non-blank text inside a leaf element. */
static int
dx_no_children(struct dx *x, xmlNode *n, bool text_ok)
{
	char en[96], cn[96];

	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE)
			return dx_fail(x, "unsupported element '%s' in <%s>",
			    dx_name(c, cn, sizeof(cn)),
			    dx_name(n, en, sizeof(en)));
		if (c->type == XML_TEXT_NODE && !text_ok &&
		    !xmlIsBlankNode(c))
			return dx_fail(x, "unexpected text in <%s>",
			    dx_name(n, en, sizeof(en)));
		if (c->type == XML_ENTITY_REF_NODE)
			return dx_fail(x, "XML with DTDs or entities is not "
			    "accepted");
	}
	return 0;
}

int
dx_leaf(struct dx *x, xmlNode *n, const struct dx_attr *tab, size_t ntab,
    void *obj)
{
	int rc = dx_attrs(x, n, tab, ntab, obj);

	return rc ? rc : dx_no_children(x, n, false);
}

int
dx_text(struct dx *x, xmlNode *n, enum dx_kind kind, bool multiline,
    char **out)
{
	char en[96], q[96];
	xmlChar *v;
	int rc;

	if ((rc = dx_no_children(x, n, true)) < 0)
		return rc;
	v = xmlNodeGetContent(n);
	if (!v)
		return dx_fail(x, "out of memory");
	dx_name(n, en, sizeof(en));
	if (strlen((char *)v) > DOMAIN_XML_MAX_VALUE)
		rc = dx_fail(x, "text of <%s> is over %u bytes", en,
		    DOMAIN_XML_MAX_VALUE);
	else if (dx_check_kind((char *)v, kind, multiline) < 0)
		rc = dx_fail(x, "invalid value '%s' in <%s>",
		    dx_quote(q, sizeof(q), (char *)v), en);
	if (rc == 0) {
		free(*out);
		*out = strdup((char *)v);
		if (!*out)
			rc = dx_fail(x, "out of memory");
	}
	xmlFree(v);
	return rc;
}

static int
dx_child(struct dx *x, xmlNode *n, xmlNode *c, const struct dx_child *tab,
    size_t ntab, unsigned *seen, void *obj)
{
	char en[96], cn[96];

	for (size_t i = 0; i < ntab; i++) {
		if (c->ns || strcmp(tab[i].name, (const char *)c->name) != 0)
			continue;
		if (tab[i].max && ++seen[i] > tab[i].max)
			return dx_fail(x, "element <%s> given more than once "
			    "in <%s>", tab[i].name, dx_name(n, en, sizeof(en)));
		return tab[i].parse(x, c, obj);
	}
	return dx_fail(x, "unsupported element '%s' in <%s>",
	    dx_name(c, cn, sizeof(cn)), dx_name(n, en, sizeof(en)));
}

int
dx_children(struct dx *x, xmlNode *n, const struct dx_child *tab,
    size_t ntab, void *obj)
{
	unsigned seen[48] = { 0 };
	char en[96];
	int rc = 0;

	if (ntab > DX_N(seen))
		return dx_fail(x, "internal: table too long");
	for (xmlNode *c = n->children; c && rc == 0; c = c->next) {
		if (c->type == XML_ELEMENT_NODE)
			rc = dx_child(x, n, c, tab, ntab, seen, obj);
		else if (c->type == XML_TEXT_NODE && !xmlIsBlankNode(c))
			rc = dx_fail(x, "unexpected text in <%s>",
			    dx_name(n, en, sizeof(en)));
		else if (c->type == XML_ENTITY_REF_NODE)
			rc = dx_fail(x, "XML with DTDs or entities is not "
			    "accepted");
	}
	return rc;
}

void *
dx_grow(struct dx *x, void *arr, size_t n, size_t sz, const char *what)
{
	char *p;

	if (n >= DOMAIN_MAX_DEVICES) {
		dx_fail(x, "more than %d <%s> elements", DOMAIN_MAX_DEVICES,
		    what);
		return NULL;
	}
	p = realloc(arr, (n + 1) * sz);
	if (!p) {
		dx_fail(x, "out of memory");
		return NULL;
	}
	memset(p + n * sz, 0, sz);
	return p;
}

void
dbuf_printf(struct dbuf *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (b->oom)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		k = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (k < 0) {
			b->oom = 1;
			return;
		}
		if ((size_t)k < room) {
			b->len += (size_t)k;
			return;
		}
		size_t cap = (b->cap ? b->cap * 2 : 1024) + (size_t)k;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
}

void
dbuf_esc(struct dbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': dbuf_printf(b, "&amp;"); break;
		case '<': dbuf_printf(b, "&lt;"); break;
		case '>': dbuf_printf(b, "&gt;"); break;
		case '\'': dbuf_printf(b, "&apos;"); break;
		case '"': dbuf_printf(b, "&quot;"); break;
		case '\r': dbuf_printf(b, "&#13;"); break;
		default: dbuf_printf(b, "%c", *s); break;
		}
	}
}

void
dbuf_attr(struct dbuf *b, const char *name, const char *value)
{
	if (!value)
		return;
	dbuf_printf(b, " %s='", name);
	dbuf_esc(b, value);
	dbuf_printf(b, "'");
}

static const char *
dx_value(const struct dx_attr *a, const void *obj)
{
	const char *p = (const char *)obj + a->off;

	if (a->kind == DX_ENUM) {
		int e = *(const int *)(const void *)p;

		return e > 0 ? a->names[e - 1] : NULL;
	}
	return *(char *const *)(const void *)p;
}

void
dbuf_attrs(struct dbuf *b, const struct dx_attr *tab, size_t ntab,
    const void *obj)
{
	for (size_t i = 0; i < ntab; i++)
		dbuf_attr(b, tab[i].name, dx_value(&tab[i], obj));
}

bool
dbuf_any(const struct dx_attr *tab, size_t ntab, const void *obj)
{
	for (size_t i = 0; i < ntab; i++)
		if (dx_value(&tab[i], obj))
			return true;
	return false;
}

void
dbuf_leaf(struct dbuf *b, int indent, const char *name,
    const struct dx_attr *tab, size_t ntab, const void *obj, bool always)
{
	if (!always && !dbuf_any(tab, ntab, obj))
		return;
	dbuf_printf(b, "%*s<%s", indent, "", name);
	dbuf_attrs(b, tab, ntab, obj);
	dbuf_printf(b, "/>\n");
}

void
dbuf_elem(struct dbuf *b, int indent, const char *name, const char *text)
{
	if (!text)
		return;
	dbuf_printf(b, "%*s<%s>", indent, "", name);
	dbuf_esc(b, text);
	dbuf_printf(b, "</%s>\n", name);
}
