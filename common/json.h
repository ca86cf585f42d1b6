/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small JSON value type (for QMP): a reader with limits, builders, a writer. */
#ifndef VMHOST_JSON_H
#define VMHOST_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH	64		/* nested arrays/objects */
#define JSON_MAX_SIZE	(1u << 20)	/* bytes of one document */
#define JSON_MAX_NUMBER	512		/* characters of one number */

enum json_type { JSON_NULL, JSON_BOOL, JSON_INT, JSON_DOUBLE, JSON_STRING,
	JSON_ARRAY, JSON_OBJECT };

/* Read the fields directly or through the accessors below. */
struct json {
	enum json_type type;
	int64_t i;		/* BOOL (0/1), INT */
	double d;		/* DOUBLE, and INT as a double */
	char *s;		/* STRING: valid UTF-8, NUL-terminated, no NUL inside */
	size_t n;		/* ARRAY, OBJECT: number of members */
	size_t cap;		/* ARRAY, OBJECT: slots allocated */
	char **keys;		/* OBJECT: n keys, parallel to items */
	struct json **items;	/* ARRAY, OBJECT */
};

/*
 * Parse one value (white space around it allowed) of at most JSON_MAX_SIZE
 * bytes. Integers that fit int64 are JSON_INT, other numbers JSON_DOUBLE
 * (a number beyond the double range is refused). Strings must be UTF-8;
 * \u escapes (surrogate pairs too) become UTF-8; \u0000 is refused.
 * Duplicate keys are kept; json_get finds the first. NULL on error with a
 * one-line reason ("at byte N: ...") in err.
 */
struct json *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(struct json *v);

/* Builders: NULL only when out of memory (json_new_str: or s is NULL). */
struct json *json_new_null(void);
struct json *json_new_bool(int b);
struct json *json_new_int(int64_t i);
struct json *json_new_double(double d);
struct json *json_new_str(const char *s);
struct json *json_new_array(void);
struct json *json_new_object(void);
/*
 * Add v to an array, or set key to v in an object (replacing an earlier
 * value of key). v is owned by the container afterwards, and freed on
 * failure: 0, -EINVAL (wrong container type) or -ENOMEM (also when v is
 * NULL, so that json_set(o, "k", json_new_str(s)) reports a failed alloc).
 */
int json_append(struct json *arr, struct json *v);
int json_set(struct json *obj, const char *key, struct json *v);
int json_set_str(struct json *obj, const char *key, const char *s);
int json_set_int(struct json *obj, const char *key, int64_t i);
int json_set_bool(struct json *obj, const char *key, int b);

/*
 * Compact JSON text of v, NUL-terminated, malloc'd; its length in *len
 * when len is not NULL. Control characters, '"', '\\' and DEL are escaped.
 * NULL with errno EILSEQ (a string that is not UTF-8), EDOM (NaN or an
 * infinity), ELOOP (deeper than JSON_MAX_DEPTH) or ENOMEM.
 */
char *json_write(const struct json *v, size_t *len);

/* Accessors; each accepts NULL and a value of the wrong type. */
struct json *json_get(const struct json *obj, const char *key);
struct json *json_at(const struct json *arr, size_t idx);
size_t json_len(const struct json *v);	/* members of an array/object */
const char *json_str(const struct json *v);
int64_t json_int(const struct json *v, int64_t dflt);	/* INT or BOOL */
int json_bool(const struct json *v, int dflt);
double json_double(const struct json *v, double dflt);	/* DOUBLE or INT */

/*
 * Write s as a JSON string literal into out (escaped as json_write does;
 * bytes that are not UTF-8 become U+FFFD). Returns the length of the whole
 * literal; out holds a truncated, NUL-terminated copy when len is short.
 */
size_t json_quote(char *out, size_t len, const char *s);

#endif
