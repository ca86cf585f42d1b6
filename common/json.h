/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small JSON reader (for QMP): values as a tree, with size and depth limits. */
#ifndef VMHOST_JSON_H
#define VMHOST_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH	64
#define JSON_MAX_SIZE	(1u << 20)

enum json_type { JSON_NULL, JSON_BOOL, JSON_INT, JSON_DOUBLE, JSON_STRING,
	JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	int64_t i;		/* BOOL (0/1), INT */
	double d;		/* DOUBLE (and INT) */
	char *s;		/* STRING, UTF-8, NUL-terminated */
	size_t n;		/* ARRAY, OBJECT: number of members */
	char **keys;		/* OBJECT */
	struct json **items;	/* ARRAY, OBJECT */
};

/* Parse one value (surrounding white space allowed). NULL with a one-line
 * reason in err on malformed input, over JSON_MAX_SIZE or JSON_MAX_DEPTH. */
struct json *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(struct json *v);

/* Accessors; each accepts NULL and a value of the wrong type. */
struct json *json_get(const struct json *obj, const char *key);
const char *json_str(const struct json *v);
int64_t json_int(const struct json *v, int64_t dflt);

/* Append s to out as a JSON string literal (quotes, escapes). Returns the
 * length written, or what it would need when out is too small. */
size_t json_quote(char *out, size_t len, const char *s);

#endif
