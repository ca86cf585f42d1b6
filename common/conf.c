/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Schema-driven parser for qemu.conf-style "key = value" files, used by every daemon at start. */
#include "common/conf.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "common/log.h"

#define CONF_MAX_SIZE	(1024 * 1024)
#define CONF_KEY_MAX	64

enum conf_vkind { CONF_V_INT, CONF_V_STRING, CONF_V_LIST };

/* A parsed value before it is checked against the schema. */
struct conf_value {
	enum conf_vkind kind;
	long long num;
	char *str;
	char **list;
	size_t nlist;
};

struct conf_parser {
	const char *name;
	const char *text;
	size_t len, pos;
	int line;
	char *err;
	size_t errlen;
};

static int conf_error(struct conf_parser *cp, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
conf_error(struct conf_parser *cp, int line, const char *fmt, ...)
{
	char name[256];
	va_list ap;
	int n;

	if (!cp->err || cp->errlen == 0)
		return -EINVAL;
	n = snprintf(cp->err, cp->errlen, "%s:%d: ",
	    str_escape(name, sizeof(name), cp->name), line);
	if (n < 0 || (size_t)n >= cp->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(cp->err + n, cp->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
conf_peek(const struct conf_parser *cp)
{
	return cp->pos < cp->len ? (unsigned char)cp->text[cp->pos] : -1;
}

/* Skip spaces, tabs, carriage returns and a trailing comment; stops at '\n'. */
static void
conf_skip_blanks(struct conf_parser *cp)
{
	int c;

	while ((c = conf_peek(cp)) == ' ' || c == '\t' || c == '\r')
		cp->pos++;
	if (c == '#')
		while ((c = conf_peek(cp)) != -1 && c != '\n')
			cp->pos++;
}

/* Skip blanks, comments and newlines (inside a list). */
static void
conf_skip_space(struct conf_parser *cp)
{
	for (;;) {
		conf_skip_blanks(cp);
		if (conf_peek(cp) != '\n')
			return;
		cp->pos++;
		cp->line++;
	}
}

static int
conf_is_name_char(int c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return 1;
	return !first && c >= '0' && c <= '9';
}

static int
conf_parse_name(struct conf_parser *cp, char *key)
{
	size_t n = 0;

	if (!conf_is_name_char(conf_peek(cp), 1))
		return conf_error(cp, cp->line, "expected a setting name");
	while (conf_is_name_char(conf_peek(cp), 0)) {
		if (n + 1 >= CONF_KEY_MAX)
			return conf_error(cp, cp->line,
			    "setting name too long");
		key[n++] = cp->text[cp->pos++];
	}
	key[n] = '\0';
	return 0;
}

/* Length of the "double quoted" string at cp->pos once unescaped, or -EINVAL. */
static int
conf_scan_string(struct conf_parser *cp, size_t *outlen)
{
	size_t i = cp->pos + 1, n = 0;

	for (; i < cp->len && cp->text[i] != '"'; i++, n++) {
		if (cp->text[i] == '\n')
			break;
		if (cp->text[i] != '\\')
			continue;
		if (i + 1 < cp->len &&
		    (cp->text[i + 1] == '"' || cp->text[i + 1] == '\\')) {
			i++;
			continue;
		}
		if (i + 1 >= cp->len || cp->text[i + 1] == '\n')
			break;
		return conf_error(cp, cp->line,
		    "invalid escape in string (only \\\" and \\\\)");
	}
	if (i >= cp->len || cp->text[i] != '"')
		return conf_error(cp, cp->line, "unterminated string");
	*outlen = n;
	return 0;
}

/* A "double quoted" string with \" and \\ escapes, on one line. */
static int
conf_parse_string(struct conf_parser *cp, char **out)
{
	size_t len = 0, n = 0;
	char *s;
	int r;

	if ((r = conf_scan_string(cp, &len)) < 0)
		return r;
	s = malloc(len + 1);
	if (!s)
		return -ENOMEM;
	cp->pos++;
	while (n < len) {
		if (cp->text[cp->pos] == '\\')
			cp->pos++;
		s[n++] = cp->text[cp->pos++];
	}
	cp->pos++; /* closing quote */
	s[n] = '\0';
	*out = s;
	return 0;
}

/* A decimal integer, '-' allowed. */
static int
conf_parse_int(struct conf_parser *cp, long long *out)
{
	int neg = 0, c;
	unsigned long long v = 0, lim;

	if (conf_peek(cp) == '-') {
		neg = 1;
		cp->pos++;
	}
	if ((c = conf_peek(cp)) < '0' || c > '9')
		return conf_error(cp, cp->line, "expected a number after '-'");
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	while ((c = conf_peek(cp)) >= '0' && c <= '9') {
		if (v > (lim - (unsigned long long)(c - '0')) / 10)
			return conf_error(cp, cp->line,
			    "integer out of range");
		v = v * 10 + (unsigned long long)(c - '0');
		cp->pos++;
	}
	if (conf_is_name_char(c, 0))
		return conf_error(cp, cp->line, "invalid number");
	*out = neg ? (long long)(0 - v) : (long long)v;
	return 0;
}

static void
conf_list_free(char **list)
{
	if (!list)
		return;
	for (char **p = list; *p; p++)
		free(*p);
	free(list);
}

static int
conf_list_push(struct conf_value *v, char *s)
{
	char **nl = realloc(v->list, (v->nlist + 2) * sizeof(*nl));

	if (!nl) {
		free(s);
		return -ENOMEM;
	}
	nl[v->nlist++] = s;
	nl[v->nlist] = NULL;
	v->list = nl;
	return 0;
}

/* [ "a", "b", ] over any number of lines, comments allowed inside. */
static int
conf_parse_list(struct conf_parser *cp, struct conf_value *v)
{
	int open_line = cp->line, r;
	char *s;

	cp->pos++;
	v->list = calloc(1, sizeof(*v->list));
	if (!v->list)
		return -ENOMEM;
	for (;;) {
		conf_skip_space(cp);
		if (conf_peek(cp) == ']')
			break;
		if (conf_peek(cp) == -1)
			return conf_error(cp, open_line, "unterminated list");
		if (conf_peek(cp) != '"')
			return conf_error(cp, cp->line,
			    "expected a string in the list");
		if ((r = conf_parse_string(cp, &s)) < 0 ||
		    (r = conf_list_push(v, s)) < 0)
			return r;
		conf_skip_space(cp);
		if (conf_peek(cp) == ',')
			cp->pos++;
		else if (conf_peek(cp) == -1)
			return conf_error(cp, open_line, "unterminated list");
		else if (conf_peek(cp) != ']')
			return conf_error(cp, cp->line,
			    "expected ',' or ']' in the list");
	}
	cp->pos++;
	return 0;
}

static int
conf_parse_value(struct conf_parser *cp, const char *key, struct conf_value *v)
{
	int c = conf_peek(cp);

	if (c == '"') {
		v->kind = CONF_V_STRING;
		return conf_parse_string(cp, &v->str);
	}
	if (c == '[') {
		v->kind = CONF_V_LIST;
		return conf_parse_list(cp, v);
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		v->kind = CONF_V_INT;
		return conf_parse_int(cp, &v->num);
	}
	if (c == -1 || c == '\n' || c == '#')
		return conf_error(cp, cp->line, "expected a value for '%s'",
		    key);
	return conf_error(cp, cp->line, "invalid value for '%s'", key);
}

static const struct conf_key *
conf_find_key(const struct conf_key *schema, size_t nkeys, const char *name)
{
	for (size_t i = 0; i < nkeys; i++)
		if (strcmp(schema[i].name, name) == 0)
			return &schema[i];
	return NULL;
}

static const char *
conf_type_name(enum conf_type t)
{
	switch (t) {
	case CONF_INT:
		return "an integer";
	case CONF_BOOL:
		return "0 or 1";
	case CONF_STRING:
		return "a string";
	case CONF_STRLIST:
		return "a list of strings";
	}
	return "?";
}

static int
conf_check_int(struct conf_parser *cp, int line, const struct conf_key *k,
    long long num)
{
	long long min = k->min, max = k->max;

	if (k->type == CONF_BOOL && min == 0 && max == 0)
		max = 1;
	if ((min != 0 || max != 0) && (num < min || num > max))
		return conf_error(cp, line,
		    "value %lld for '%s' is out of range %lld..%lld", num,
		    k->name, min, max);
	return 0;
}

/* Check v against k and move it into out (v's pointers are taken). */
static int
conf_store(struct conf_parser *cp, int line, const struct conf_key *k,
    struct conf_value *v, void *out)
{
	static const enum conf_vkind want[] = {
		[CONF_INT] = CONF_V_INT,
		[CONF_BOOL] = CONF_V_INT,
		[CONF_STRING] = CONF_V_STRING,
		[CONF_STRLIST] = CONF_V_LIST,
	};
	char *field = (char *)out + k->offset;
	int r;

	if (v->kind != want[k->type])
		return conf_error(cp, line, "expected %s for '%s'",
		    conf_type_name(k->type), k->name);
	if (k->type == CONF_INT || k->type == CONF_BOOL) {
		if ((r = conf_check_int(cp, line, k, v->num)) < 0)
			return r;
		if (k->type == CONF_INT)
			*(long long *)(void *)field = v->num;
		else
			*(int *)(void *)field = (int)v->num;
	} else if (k->type == CONF_STRING) {
		free(*(char **)(void *)field);
		*(char **)(void *)field = v->str;
		v->str = NULL;
	} else {
		conf_list_free(*(char ***)(void *)field);
		*(char ***)(void *)field = v->list;
		v->list = NULL;
	}
	return 0;
}

/* One "key = value" setting; cp is at the first character of the name. */
static int
conf_parse_setting(struct conf_parser *cp, const struct conf_key *schema,
    size_t nkeys, void *out)
{
	struct conf_value v = { 0 };
	char key[CONF_KEY_MAX], esc[CONF_KEY_MAX * 4];
	const struct conf_key *k;
	int line = cp->line, r, c;

	if ((r = conf_parse_name(cp, key)) < 0)
		return r;
	conf_skip_blanks(cp);
	if (conf_peek(cp) != '=')
		return conf_error(cp, cp->line, "expected '='");
	cp->pos++;
	conf_skip_blanks(cp);
	if ((r = conf_parse_value(cp, key, &v)) < 0)
		goto out;
	conf_skip_blanks(cp);
	if ((c = conf_peek(cp)) != -1 && c != '\n') {
		r = conf_error(cp, cp->line,
		    "unexpected text after the value of '%s'", key);
		goto out;
	}
	k = conf_find_key(schema, nkeys, key);
	if (!k)
		r = conf_error(cp, line, "unknown setting '%s'",
		    str_escape(esc, sizeof(esc), key));
	else
		r = conf_store(cp, line, k, &v, out);
out:
	free(v.str);
	conf_list_free(v.list);
	return r;
}

int
conf_parse(const char *name, const char *text, size_t len,
    const struct conf_key *schema, size_t nkeys, void *out, char *err,
    size_t errlen)
{
	struct conf_parser cp = { name ? name : "(config)", text, len, 0, 1,
		err, errlen };
	const char *nul = len && len <= CONF_MAX_SIZE ?
	    memchr(text, '\0', len) : NULL;
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (len > CONF_MAX_SIZE)
		return conf_error(&cp, 1, "file larger than 1 MiB");
	if (nul) {
		for (const char *p = text; p < nul; p++)
			cp.line += *p == '\n';
		return conf_error(&cp, cp.line, "NUL byte in input");
	}
	for (;;) {
		conf_skip_space(&cp);
		if (conf_peek(&cp) == -1)
			return 0;
		if ((r = conf_parse_setting(&cp, schema, nkeys, out)) < 0)
			return r;
	}
}

int
conf_load(const char *path, int missing_ok, const struct conf_key *schema,
    size_t nkeys, void *out, char *err, size_t errlen)
{
	char *text = NULL, esc[256];
	size_t len = 0;
	int r;

	r = file_read_all(path, CONF_MAX_SIZE, &text, &len);
	if (r == -ENOENT && missing_ok)
		return 0;
	if (r < 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s",
			    str_escape(esc, sizeof(esc), path),
			    r == -EFBIG ? "file larger than 1 MiB" :
			    strerror(-r));
		return r;
	}
	r = conf_parse(path, text, len, schema, nkeys, out, err, errlen);
	free(text);
	return r;
}

void
conf_free(const struct conf_key *schema, size_t nkeys, void *out)
{
	if (!schema || !out)
		return;
	for (size_t i = 0; i < nkeys; i++) {
		char *field = (char *)out + schema[i].offset;

		if (schema[i].type == CONF_STRING) {
			free(*(char **)(void *)field);
			*(char **)(void *)field = NULL;
		} else if (schema[i].type == CONF_STRLIST) {
			conf_list_free(*(char ***)(void *)field);
			*(char ***)(void *)field = NULL;
		}
	}
}
