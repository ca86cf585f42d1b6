/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small recursive JSON reader with limits, and string quoting; used by vmhostd's QMP client. */
#include "common/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jp {
	const char *p, *end;
	int depth;
	char *err;
	size_t errlen;
};

static struct json *jp_value(struct jp *j);

static void *
jp_fail(struct jp *j, const char *what)
{
	if (j->err && !j->err[0])
		snprintf(j->err, j->errlen, "%s (%zu bytes before the end)",
		    what, (size_t)(j->end - j->p));
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
jnew(enum json_type t)
{
	struct json *v = calloc(1, sizeof(*v));

	if (v)
		v->type = t;
	return v;
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

/* \uXXXX (with a surrogate pair) at j->p (after the 'u'). */
static int
jp_unicode(struct jp *j, char *o, size_t *k)
{
	unsigned cp, lo;

	if (j->end - j->p < 4 || hex4(j->p, &cp) < 0)
		return -1;
	j->p += 4;
	if (cp >= 0xd800 && cp < 0xdc00) {
		if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' ||
		    hex4(j->p + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
			return -1;
		j->p += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xdc00 && cp < 0xe000) {
		return -1;
	}
	if (cp == 0)
		return -1;	/* no NUL inside C strings */
	*k += utf8_put(o + *k, cp);
	return 0;
}

static char *
jp_string(struct jp *j)
{
	const char *start = ++j->p;
	char *o;
	size_t k = 0;

	while (j->p < j->end && *j->p != '"')
		j->p += (*j->p == '\\' && j->p + 1 < j->end) ? 2 : 1;
	if (j->p >= j->end)
		return jp_fail(j, "unterminated string");
	if (!(o = malloc((size_t)(j->p - start) * 2 + 1)))
		return jp_fail(j, "out of memory");
	for (j->p = start; *j->p != '"';) {
		char c = *j->p++;

		if ((unsigned char)c < 0x20)
			goto bad;
		if (c != '\\') {
			o[k++] = c;
			continue;
		}
		c = *j->p++;
		switch (c) {
		case '"': case '\\': case '/': o[k++] = c; break;
		case 'b': o[k++] = '\b'; break;
		case 'f': o[k++] = '\f'; break;
		case 'n': o[k++] = '\n'; break;
		case 'r': o[k++] = '\r'; break;
		case 't': o[k++] = '\t'; break;
		case 'u': if (jp_unicode(j, o, &k) < 0) goto bad; break;
		default: goto bad;
		}
	}
	j->p++;
	o[k] = '\0';
	return o;
bad:
	free(o);
	return jp_fail(j, "bad string");
}

static struct json *
jp_number(struct jp *j)
{
	char buf[64], *e;
	size_t n = 0;
	struct json *v;
	int isint = 1;

	while (j->p + n < j->end && n < sizeof(buf) - 1 &&
	    strchr("+-0123456789.eE", j->p[n])) {
		if (strchr(".eE", j->p[n]))
			isint = 0;
		n++;
	}
	memcpy(buf, j->p, n);
	buf[n] = '\0';
	if (!(v = jnew(isint ? JSON_INT : JSON_DOUBLE)))
		return jp_fail(j, "out of memory");
	errno = 0;
	if (isint)
		v->i = strtoll(buf, &e, 10), v->d = (double)v->i;
	else
		v->d = strtod(buf, &e);
	if (!n || *e || errno) {
		free(v);
		return jp_fail(j, "bad number");
	}
	j->p += n;
	return v;
}

static int
jp_push(struct json *c, char *key, struct json *item)
{
	struct json **items = realloc(c->items, (c->n + 1) * sizeof(*items));
	char **keys;

	if (!items)
		return -1;
	c->items = items;
	if (c->type == JSON_OBJECT) {
		if (!(keys = realloc(c->keys, (c->n + 1) * sizeof(*keys))))
			return -1;
		c->keys = keys;
		c->keys[c->n] = key;
	}
	c->items[c->n++] = item;
	return 0;
}

static struct json *
jp_container(struct jp *j, char close)
{
	struct json *c = jnew(close == '}' ? JSON_OBJECT : JSON_ARRAY), *item;
	char *key = NULL;

	if (!c || ++j->depth > JSON_MAX_DEPTH)
		goto fail_depth;
	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return c;
	}
	for (;;) {
		jp_ws(j);
		if (close == '}') {
			if (j->p >= j->end || *j->p != '"' || !(key = jp_string(j)))
				goto fail;
			jp_ws(j);
			if (j->p >= j->end || *j->p++ != ':')
				goto fail;
		}
		if (!(item = jp_value(j)) || jp_push(c, key, item) < 0) {
			json_free(item);
			goto fail;
		}
		key = NULL;
		jp_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p++ == close)
			break;
		goto fail;
	}
	j->depth--;
	return c;
fail_depth:
	jp_fail(j, "nested too deeply");
fail:
	free(key);
	json_free(c);
	return jp_fail(j, "malformed container");
}

static struct json *
jp_word(struct jp *j, const char *w, enum json_type t, int64_t i)
{
	size_t n = strlen(w);
	struct json *v;

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return jp_fail(j, "unexpected character");
	j->p += n;
	if ((v = jnew(t)))
		v->i = i;
	return v;
}

static struct json *
jp_value(struct jp *j)
{
	struct json *v;

	jp_ws(j);
	if (j->p >= j->end)
		return jp_fail(j, "unexpected end");
	switch (*j->p) {
	case '{': return jp_container(j, '}');
	case '[': return jp_container(j, ']');
	case '"':
		if (!(v = jnew(JSON_STRING)) || !(v->s = jp_string(j))) {
			free(v);
			return NULL;
		}
		return v;
	case 't': return jp_word(j, "true", JSON_BOOL, 1);
	case 'f': return jp_word(j, "false", JSON_BOOL, 0);
	case 'n': return jp_word(j, "null", JSON_NULL, 0);
	default: return jp_number(j);
	}
}

struct json *
json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct jp j = { text, text + len, 0, err, errlen };
	struct json *v;

	if (err && errlen)
		err[0] = '\0';
	if (len > JSON_MAX_SIZE) {
		if (err)
			snprintf(err, errlen, "JSON text of %zu bytes is over the limit",
			    len);
		return NULL;
	}
	if (memchr(text, '\0', len))
		return jp_fail(&j, "NUL byte");
	if (!(v = jp_value(&j)))
		return NULL;
	jp_ws(&j);
	if (j.p != j.end) {
		json_free(v);
		return jp_fail(&j, "trailing characters");
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
json_get(const struct json *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
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

size_t
json_quote(char *out, size_t len, const char *s)
{
	size_t k = 0;

#define PUT(c) do { if (k + 1 < len) out[k] = (c); k++; } while (0)
	PUT('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			PUT('\\');
			PUT((char)c);
		} else if (c < 0x20) {
			char u[8];

			snprintf(u, sizeof(u), "\\u%04x", c);
			for (int i = 0; u[i]; i++)
				PUT(u[i]);
		} else {
			PUT((char)c);
		}
	}
	PUT('"');
#undef PUT
	if (len)
		out[k < len ? k : len - 1] = '\0';
	return k;
}
