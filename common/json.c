/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* JSON values for vmhostd's QMP client: a reader with size and depth limits, builders and an escaping writer. */
#include "common/json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jp {
	const char *start, *p, *end;
	int depth;
	char *err;
	size_t errlen;
};

static struct json *jp_value(struct jp *j);
static void *jp_fail(struct jp *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void *
jp_fail(struct jp *j, const char *fmt, ...)
{
	char what[96];
	va_list ap;

	if (!j->err || !j->errlen || j->err[0])
		return NULL;	/* the first (innermost) reason wins */
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(j->err, j->errlen, "at byte %zu: %s",
	    (size_t)(j->p - j->start), what);
	return NULL;
}

static void
jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static struct json *
json_new(enum json_type t)
{
	struct json *v = calloc(1, sizeof(*v));

	if (v)
		v->type = t;
	return v;
}

/* Length of the UTF-8 sequence at p (at most avail bytes), 0 if invalid:
 * no overlong forms, no surrogates, nothing past U+10FFFF. */
static size_t
utf8_seq(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (avail < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t k = 2; k < n; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	return n;
}

static int
hex4(const char *p, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		*out <<= 4;
		if (c >= '0' && c <= '9')
			*out |= (unsigned)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*out |= (unsigned)((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	return 0;
}

static size_t
utf8_put(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* \uXXXX at j->p (just after the 'u'), a surrogate pair as one. */
static int
jp_unicode(struct jp *j, char *o, size_t *k)
{
	unsigned cp, lo;

	if (j->end - j->p < 4 || hex4(j->p, &cp) < 0)
		return jp_fail(j, "invalid \\u escape"), -1;
	if (cp >= 0xdc00 && cp < 0xe000)
		return jp_fail(j, "lone low surrogate \\u%04x", cp), -1;
	if (cp == 0)
		return jp_fail(j, "\\u0000 is not allowed in a string"), -1;
	j->p += 4;
	if (cp >= 0xd800 && cp < 0xdc00) {
		if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' ||
		    hex4(j->p + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
			return jp_fail(j, "unpaired high surrogate \\u%04x",
			    cp), -1;
		j->p += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	*k += utf8_put(o + *k, cp);
	return 0;
}

/* One character after a backslash; the output never outgrows the input. */
static int
jp_escape(struct jp *j, char *o, size_t *k)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	char c = *j->p;

	if (c == 'u') {
		j->p++;
		return jp_unicode(j, o, k);
	}
	if (!c || !(e = strchr(from, c)))
		return jp_fail(j, "invalid escape '\\%c'",
		    c > 0x20 && c < 0x7f ? c : '?'), -1;
	o[(*k)++] = to[e - from];
	j->p++;
	return 0;
}

static int
jp_char(struct jp *j, char *o, size_t *k)
{
	unsigned char c = (unsigned char)*j->p;
	size_t n;

	if (c < 0x20)
		return jp_fail(j, "control character 0x%02x in a string", c), -1;
	if (c == '\\') {
		j->p++;
		return jp_escape(j, o, k);
	}
	n = utf8_seq((const unsigned char *)j->p, (size_t)(j->end - j->p));
	if (!n)
		return jp_fail(j, "invalid UTF-8 in a string"), -1;
	memcpy(o + *k, j->p, n);
	*k += n;
	j->p += n;
	return 0;
}

static char *
jp_string(struct jp *j)
{
	const char *q = j->p + 1;
	char *o;
	size_t k = 0;

	while (q < j->end && *q != '"')
		q += (*q == '\\' && q + 1 < j->end) ? 2 : 1;
	if (q >= j->end)
		return jp_fail(j, "unterminated string");
	if (!(o = malloc((size_t)(q - j->p))))
		return jp_fail(j, "out of memory");
	for (j->p++; j->p < q;) {
		if (jp_char(j, o, &k) < 0) {
			free(o);
			return NULL;
		}
	}
	j->p++;
	o[k] = '\0';
	return o;
}

static size_t
digits(const char *p, const char *end)
{
	size_t n = 0;

	while (p + n < end && p[n] >= '0' && p[n] <= '9')
		n++;
	return n;
}

/* Length of the number at p per the JSON grammar, 0 if it is not one. */
static size_t
number_len(const char *p, const char *end, int *isint)
{
	const char *q = p;
	size_t d;

	*isint = 1;
	if (q < end && *q == '-')
		q++;
	if (!(d = digits(q, end)) || (d > 1 && *q == '0'))
		return 0;
	q += d;
	if (q < end && *q == '.') {
		*isint = 0;
		if (!(d = digits(++q, end)))
			return 0;
		q += d;
	}
	if (q < end && (*q == 'e' || *q == 'E')) {
		*isint = 0;
		if (++q < end && (*q == '+' || *q == '-'))
			q++;
		if (!(d = digits(q, end)))
			return 0;
		q += d;
	}
	return (size_t)(q - p);
}

static struct json *
jp_number(struct jp *j)
{
	char buf[JSON_MAX_NUMBER + 1], *e;
	int isint;
	size_t n = number_len(j->p, j->end, &isint);
	struct json *v;

	if (!n)
		return jp_fail(j, "invalid number");
	if (n > JSON_MAX_NUMBER)
		return jp_fail(j, "number longer than %d characters",
		    JSON_MAX_NUMBER);
	memcpy(buf, j->p, n);
	buf[n] = '\0';
	if (!(v = json_new(JSON_INT)))
		return jp_fail(j, "out of memory");
	errno = 0;
	if (isint && (v->i = strtoll(buf, &e, 10), errno == 0)) {
		v->d = (double)v->i;
	} else {	/* a fraction, an exponent, or past int64 */
		v->type = JSON_DOUBLE;
		errno = 0;
		v->d = strtod(buf, &e);
		if (errno == ERANGE && isinf(v->d)) {
			free(v);
			return jp_fail(j, "number out of range");
		}
	}
	j->p += n;
	return v;
}

static int
json_grow(struct json *c)
{
	size_t cap = c->cap ? c->cap * 2 : 4;
	struct json **items;
	char **keys;

	if (c->n < c->cap)
		return 0;
	if (!(items = realloc(c->items, cap * sizeof(*items))))
		return -ENOMEM;
	c->items = items;
	if (c->type == JSON_OBJECT) {
		if (!(keys = realloc(c->keys, cap * sizeof(*keys))))
			return -ENOMEM;
		c->keys = keys;
	}
	c->cap = cap;
	return 0;
}

/* Takes key and item, also on failure. */
static int
json_push(struct json *c, char *key, struct json *item)
{
	if (!item || json_grow(c) < 0) {
		free(key);
		json_free(item);
		return -ENOMEM;
	}
	if (c->type == JSON_OBJECT)
		c->keys[c->n] = key;
	c->items[c->n++] = item;
	return 0;
}

/* After a member: 1 at the closing bracket, 0 after a comma, -1 else. */
static int
jp_next(struct jp *j, char close)
{
	jp_ws(j);
	if (j->p < j->end && *j->p == ',') {
		j->p++;
		return 0;
	}
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 1;
	}
	jp_fail(j, j->p < j->end ? "expected ',' or '%c'" :
	    "unexpected end of input, expected ',' or '%c'", close);
	return -1;
}

static int
jp_member(struct jp *j, struct json *c)
{
	char *key = NULL;

	jp_ws(j);
	if (c->type == JSON_OBJECT) {
		if (j->p >= j->end || *j->p != '"')
			return jp_fail(j, "expected a string as object key"), -1;
		if (!(key = jp_string(j)))
			return -1;
		jp_ws(j);
		if (j->p >= j->end || *j->p != ':') {
			free(key);
			return jp_fail(j, "expected ':' after an object key"), -1;
		}
		j->p++;
	}
	if (json_push(c, key, jp_value(j)) < 0)
		return jp_fail(j, "out of memory"), -1;
	return 0;
}

static struct json *
jp_container(struct jp *j, enum json_type t, char close)
{
	struct json *c;
	int r = 0;

	if (++j->depth > JSON_MAX_DEPTH)
		return jp_fail(j, "nested deeper than %d", JSON_MAX_DEPTH);
	if (!(c = json_new(t)))
		return jp_fail(j, "out of memory");
	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == close)
		j->p++;
	else
		while ((r = jp_member(j, c)) == 0 && (r = jp_next(j, close)) == 0)
			;
	if (r < 0) {
		json_free(c);
		return NULL;
	}
	j->depth--;
	return c;
}

static struct json *
jp_word(struct jp *j, const char *w, enum json_type t, int64_t i)
{
	size_t n = strlen(w);
	struct json *v;

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return jp_fail(j, "invalid literal (expected '%s')", w);
	if (!(v = json_new(t)))
		return jp_fail(j, "out of memory");
	j->p += n;
	v->i = i;
	return v;
}

static struct json *
jp_value(struct jp *j)
{
	struct json *v;
	unsigned char c;

	jp_ws(j);
	if (j->p >= j->end)
		return jp_fail(j, "unexpected end of input");
	switch ((c = (unsigned char)*j->p)) {
	case '{': return jp_container(j, JSON_OBJECT, '}');
	case '[': return jp_container(j, JSON_ARRAY, ']');
	case 't': return jp_word(j, "true", JSON_BOOL, 1);
	case 'f': return jp_word(j, "false", JSON_BOOL, 0);
	case 'n': return jp_word(j, "null", JSON_NULL, 0);
	case '"':
		if (!(v = json_new(JSON_STRING)))
			return jp_fail(j, "out of memory");
		if (!(v->s = jp_string(j))) {
			free(v);
			return NULL;
		}
		return v;
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return jp_number(j);
		if (c > 0x20 && c < 0x7f)
			return jp_fail(j, "unexpected character '%c'", c);
		return jp_fail(j, "unexpected byte 0x%02x", c);
	}
}

struct json *
json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct jp j = { text, text, text + len, 0, err, errlen };
	struct json *v;

	if (err && errlen)
		err[0] = '\0';
	if (len > JSON_MAX_SIZE) {
		if (err && errlen)
			snprintf(err, errlen, "document of %zu bytes is over the %u-byte limit",
			    len, JSON_MAX_SIZE);
		return NULL;
	}
	if (!(v = jp_value(&j)))
		return NULL;
	jp_ws(&j);
	if (j.p != j.end) {
		json_free(v);
		return jp_fail(&j, "trailing characters after the value");
	}
	return v;
}

void
json_free(struct json *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		json_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->s);
	free(v);
}

struct json *
json_new_null(void)
{
	return json_new(JSON_NULL);
}

struct json *
json_new_bool(int b)
{
	struct json *v = json_new(JSON_BOOL);

	if (v)
		v->i = !!b;
	return v;
}

struct json *
json_new_int(int64_t i)
{
	struct json *v = json_new(JSON_INT);

	if (v) {
		v->i = i;
		v->d = (double)i;
	}
	return v;
}

struct json *
json_new_double(double d)
{
	struct json *v = json_new(JSON_DOUBLE);

	if (v)
		v->d = d;
	return v;
}

struct json *
json_new_str(const char *s)
{
	struct json *v;

	if (!s || !(v = json_new(JSON_STRING)))
		return NULL;
	if (!(v->s = strdup(s))) {
		free(v);
		return NULL;
	}
	return v;
}

struct json *
json_new_array(void)
{
	return json_new(JSON_ARRAY);
}

struct json *
json_new_object(void)
{
	return json_new(JSON_OBJECT);
}

int
json_append(struct json *arr, struct json *v)
{
	if (!arr || arr->type != JSON_ARRAY) {
		json_free(v);
		return -EINVAL;
	}
	return json_push(arr, NULL, v);
}

int
json_set(struct json *obj, const char *key, struct json *v)
{
	char *k;

	if (!obj || obj->type != JSON_OBJECT || !key) {
		json_free(v);
		return -EINVAL;
	}
	for (size_t i = 0; v && i < obj->n; i++) {
		if (strcmp(obj->keys[i], key) == 0) {
			json_free(obj->items[i]);
			obj->items[i] = v;
			return 0;
		}
	}
	if (!(k = strdup(key))) {
		json_free(v);
		return -ENOMEM;
	}
	return json_push(obj, k, v);
}

int
json_set_str(struct json *obj, const char *key, const char *s)
{
	return s ? json_set(obj, key, json_new_str(s)) : -EINVAL;
}

int
json_set_int(struct json *obj, const char *key, int64_t i)
{
	return json_set(obj, key, json_new_int(i));
}

int
json_set_bool(struct json *obj, const char *key, int b)
{
	return json_set(obj, key, json_new_bool(b));
}

/* The writer's growing buffer; err sticks at the first failure. */
struct jbuf {
	char *p;
	size_t n, cap;
	int err;
};

static void
jb_add(struct jbuf *b, const char *s, size_t n)
{
	size_t cap = b->cap ? b->cap : 64;
	char *p;

	if (b->err)
		return;
	while (cap - b->n <= n)
		cap *= 2;
	if (cap != b->cap) {
		if (!(p = realloc(b->p, cap))) {
			b->err = ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
jb_puts(struct jbuf *b, const char *s)
{
	jb_add(b, s, strlen(s));
}

/* One escaped character or UTF-8 sequence of s; returns bytes consumed,
 * 0 for bytes that are not UTF-8. */
static size_t
jw_char(struct jbuf *b, const char *s)
{
	static const char from[] = "\"\\\b\f\n\r\t", to[] = "\"\\bfnrt";
	unsigned char c = (unsigned char)*s;
	const char *e;
	char esc[8];
	size_t n;

	if (c && (e = strchr(from, c))) {
		esc[0] = '\\';
		esc[1] = to[e - from];
		jb_add(b, esc, 2);
		return 1;
	}
	if (c < 0x20 || c == 0x7f) {
		snprintf(esc, sizeof(esc), "\\u%04x", c);
		jb_add(b, esc, 6);
		return 1;
	}
	if ((n = utf8_seq((const unsigned char *)s, strnlen(s, 4))))
		jb_add(b, s, n);
	return n;
}

/* lossy: write U+FFFD for bytes that are not UTF-8 instead of failing. */
static void
jw_string(struct jbuf *b, const char *s, int lossy)
{
	size_t n;

	jb_add(b, "\"", 1);
	while (*s && !b->err) {
		if ((n = jw_char(b, s))) {
			s += n;
		} else if (lossy) {
			jb_add(b, "\xef\xbf\xbd", 3);
			s++;
		} else {
			b->err = EILSEQ;
		}
	}
	jb_add(b, "\"", 1);
}

static void
jw_number(struct jbuf *b, const struct json *v)
{
	char num[40];

	if (v->type == JSON_INT) {
		snprintf(num, sizeof(num), "%lld", (long long)v->i);
	} else if (!isfinite(v->d)) {
		b->err = EDOM;
		return;
	} else {
		for (int prec = 15; prec <= 17; prec++) {	/* shortest exact */
			snprintf(num, sizeof(num), "%.*g", prec, v->d);
			if (strtod(num, NULL) == v->d)
				break;
		}
		if (!strpbrk(num, ".eE"))	/* stay a double when read back */
			strcat(num, ".0");
	}
	jb_puts(b, num);
}

static void
jw_value(struct jbuf *b, const struct json *v, int depth)
{
	int obj = v->type == JSON_OBJECT;

	switch (v->type) {
	case JSON_NULL: jb_puts(b, "null"); return;
	case JSON_BOOL: jb_puts(b, v->i ? "true" : "false"); return;
	case JSON_INT:
	case JSON_DOUBLE: jw_number(b, v); return;
	case JSON_STRING: jw_string(b, v->s, 0); return;
	case JSON_ARRAY:
	case JSON_OBJECT: break;
	}
	if (depth >= JSON_MAX_DEPTH) {
		b->err = ELOOP;
		return;
	}
	jb_add(b, obj ? "{" : "[", 1);
	for (size_t i = 0; i < v->n && !b->err; i++) {
		if (i)
			jb_add(b, ",", 1);
		if (obj) {
			jw_string(b, v->keys[i], 0);
			jb_add(b, ":", 1);
		}
		jw_value(b, v->items[i], depth + 1);
	}
	jb_add(b, obj ? "}" : "]", 1);
}

char *
json_write(const struct json *v, size_t *len)
{
	struct jbuf b = { 0 };

	if (!v) {
		errno = EINVAL;
		return NULL;
	}
	jw_value(&b, v, 0);
	if (b.err) {
		free(b.p);
		errno = b.err;
		return NULL;
	}
	if (len)
		*len = b.n;
	return b.p;
}

struct json *
json_get(const struct json *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT || !key)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}

struct json *
json_at(const struct json *arr, size_t idx)
{
	if (!arr || arr->type != JSON_ARRAY || idx >= arr->n)
		return NULL;
	return arr->items[idx];
}

size_t
json_len(const struct json *v)
{
	return v && (v->type == JSON_ARRAY || v->type == JSON_OBJECT) ?
	    v->n : 0;
}

const char *
json_str(const struct json *v)
{
	return v && v->type == JSON_STRING ? v->s : NULL;
}

int64_t
json_int(const struct json *v, int64_t dflt)
{
	return v && (v->type == JSON_INT || v->type == JSON_BOOL) ? v->i : dflt;
}

int
json_bool(const struct json *v, int dflt)
{
	return v && v->type == JSON_BOOL ? (int)v->i : dflt;
}

double
json_double(const struct json *v, double dflt)
{
	return v && (v->type == JSON_DOUBLE || v->type == JSON_INT) ? v->d :
	    dflt;
}

size_t
json_quote(char *out, size_t len, const char *s)
{
	struct jbuf b = { 0 };
	size_t n;

	jw_string(&b, s ? s : "", 1);
	n = b.err ? 0 : b.n;
	if (len) {
		size_t k = n < len ? n : len - 1;

		if (k)
			memcpy(out, b.p, k);
		out[k] = '\0';
	}
	free(b.p);
	return n;
}
