/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal helpers shared by the domain_*.c files (not a public API). */
#ifndef VMHOST_DOMAIN_PRIV_H
#define VMHOST_DOMAIN_PRIV_H

#include <libxml/tree.h>
#include <stdarg.h>
#include <stddef.h>

#include "common/domain_xml.h"

/* Parse state: where the first error goes. */
struct dx {
	char *err;
	size_t errlen;
	int failed;
};

/*
 * How an attribute (or element text) is checked and stored:
 * DX_STR: any printable string -> char *; DX_PATH: non-empty, no control
 * bytes -> char *; DX_UINT: decimal or 0x-hex number, kept as written
 * -> char *; DX_IDENT: [A-Za-z0-9_.:+-]+ -> char *; DX_ENUM: one of
 * names[] -> int (index + 1).
 */
enum dx_kind { DX_STR, DX_PATH, DX_UINT, DX_IDENT, DX_ENUM };

struct dx_attr {
	const char *name;
	enum dx_kind kind;
	size_t off;
	const char *const *names;
};

#define DX_ATTR(n, k, T, f) { n, k, offsetof(T, f), NULL }
#define DX_ENUMA(n, T, f, tab) { n, DX_ENUM, offsetof(T, f), tab }
#define DX_N(a) (sizeof(a) / sizeof((a)[0]))

/* A child element handler; obj is the structure being filled. */
struct dx_child {
	const char *name;
	int (*parse)(struct dx *x, xmlNode *n, void *obj);
	unsigned max;	/* 0: any number (up to DOMAIN_MAX_DEVICES) */
};

extern const char *const dx_onoff_names[];
extern const char *const dx_yesno_names[];
extern const char *const dx_virt_names[], *const dx_action_names[];
extern const char *const dx_boot_names[], *const dx_cpu_mode_names[];
extern const char *const dx_policy_names[], *const dx_offset_names[];
extern const char *const dx_seclabel_names[], *const dx_addr_type_names[];
extern const char *const dx_disk_type_names[], *const dx_disk_device_names[];
extern const char *const dx_disk_bus_names[], *const dx_format_names[];
extern const char *const dx_net_type_names[], *const dx_chr_type_names[];

/* Name of enum value v (1-based) in names, NULL for 0. */
static inline const char *
dx_ename(const char *const *names, int v)
{
	return v > 0 ? names[v - 1] : NULL;
}

int dx_fail(struct dx *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Quote a value for a message: control bytes, quotes escaped; truncated. */
const char *dx_quote(char *buf, size_t n, const char *s);
/* Element's name for messages ("prefix:name" when namespaced). */
const char *dx_name(const xmlNode *n, char *buf, size_t len);

/* Load xml with every limit checked; NULL with x's message on failure. */
xmlDoc *dx_read(struct dx *x, const char *xml, size_t len);

/* Check one value of the given kind; store it at obj+off. */
int dx_store(struct dx *x, const char *what, const char *elem,
    const char *value, const struct dx_attr *a, void *obj);
int dx_attrs(struct dx *x, xmlNode *n, const struct dx_attr *tab,
    size_t ntab, void *obj);
/* Element text of a leaf element, checked as kind (multi: allow \n\t). */
int dx_text(struct dx *x, xmlNode *n, enum dx_kind kind, bool multiline,
    char **out);
int dx_children(struct dx *x, xmlNode *n, const struct dx_child *tab,
    size_t ntab, void *obj);
/* An element with attributes only (no children, no text). */
int dx_leaf(struct dx *x, xmlNode *n, const struct dx_attr *tab,
    size_t ntab, void *obj);
int dx_enum(const char *const *names, const char *s);
int dx_uint(const char *s, unsigned long long *v);
/* arr (n elements of sz bytes) grown by one zeroed element; NULL on error. */
void *dx_grow(struct dx *x, void *arr, size_t n, size_t sz, const char *what);
/* Append a zeroed element to arr (count n); the new element or NULL. */
#define DX_PUSH(x, arr, n, what) \
	({ \
		__typeof__(arr) p_ = dx_grow((x), (arr), (n), \
		    sizeof(*(arr)), (what)); \
		if (p_) { \
			(arr) = p_; \
			p_ = &p_[(n)++]; \
		} \
		p_; \
	})

/* Output buffer for formatting. */
struct dbuf {
	char *p;
	size_t len, cap;
	int oom;
};

void dbuf_printf(struct dbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* XML-escaped text. */
void dbuf_esc(struct dbuf *b, const char *s);
/* " name='value'" when value is set. */
void dbuf_attr(struct dbuf *b, const char *name, const char *value);
void dbuf_attrs(struct dbuf *b, const struct dx_attr *tab, size_t ntab,
    const void *obj);
/* True when any attribute of tab is set in obj. */
bool dbuf_any(const struct dx_attr *tab, size_t ntab, const void *obj);
/* indent + <name attrs/> when any is set (or always). */
void dbuf_leaf(struct dbuf *b, int indent, const char *name,
    const struct dx_attr *tab, size_t ntab, const void *obj, bool always);
/* indent + <name>text</name> when text is set. */
void dbuf_elem(struct dbuf *b, int indent, const char *name,
    const char *text);

/* Text of a leaf element whose attributes follow tab. */
int dx_text_attrs(struct dx *x, xmlNode *n, const struct dx_attr *tab,
    size_t ntab, void *obj, enum dx_kind kind, char **out);

/* <cpu> and <clock> (domain_cpu.c); obj is the struct domain_def. */
int domain_parse_cpu(struct dx *x, xmlNode *n, void *obj);
int domain_parse_clock(struct dx *x, xmlNode *n, void *obj);

/* Shared tables and sub-parsers (domain_devices.c). */
extern const struct dx_attr domain_addr_attrs[];
extern const size_t domain_addr_nattrs;
int domain_parse_devices(struct dx *x, xmlNode *n, struct domain_def *d);
int domain_validate_devices(struct dx *x, struct domain_def *d);
void domain_format_devices(struct dbuf *b, const struct domain_def *d,
    unsigned flags);
void domain_free_devices(struct domain_def *d);
void domain_free_address(struct domain_address *a);

#endif
