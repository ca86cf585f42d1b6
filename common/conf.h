/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* "key = value" configuration files (libvirt's qemu.conf syntax), schema driven. */
#ifndef VMHOST_CONF_H
#define VMHOST_CONF_H

#include <stddef.h>

enum conf_type {
	CONF_INT,	/* long long; optional bounds min..max */
	CONF_BOOL,	/* 0 or 1 (integers, as libvirt); stored as int */
	CONF_STRING,	/* "quoted"; stored as malloc'd char * (freed on replace) */
	CONF_STRLIST,	/* [ "a", "b" ] possibly over several lines; char ** NULL-terminated */
};

struct conf_key {
	const char *name;
	enum conf_type type;
	size_t offset;		/* offsetof(struct your_config, field) */
	long long min, max;	/* CONF_INT bounds; both 0 means unbounded */
};

/*
 * Parse text (len bytes, need not be NUL-terminated) against the schema,
 * storing values into *out. Comments start with '#'. Unknown keys, bad
 * syntax, wrong types, values out of range are errors.
 * On error returns -EINVAL and writes "FILE:LINE: what is wrong" into err
 * (-ENOMEM: out of memory). Values stored before an error stay in *out
 * for conf_free.
 * name is the file name used in messages.
 */
int conf_parse(const char *name, const char *text, size_t len,
    const struct conf_key *schema, size_t nkeys, void *out,
    char *err, size_t errlen);

/*
 * conf_load reads the file at path and calls conf_parse. A missing file is
 * not an error when missing_ok is set (returns 0, nothing stored).
 * Files over 1 MiB are refused.
 */
int conf_load(const char *path, int missing_ok, const struct conf_key *schema,
    size_t nkeys, void *out, char *err, size_t errlen);

/* Free every CONF_STRING / CONF_STRLIST held in *out. */
void conf_free(const struct conf_key *schema, size_t nkeys, void *out);

#endif
