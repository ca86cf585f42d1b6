/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The vmhost CLI's option parser: long options, values, positionals, in the CLI's process. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"

static const struct cli_opt *
opt_find(const struct cli_opt *opts, const char *name, size_t len)
{
	for (; opts && opts->name; opts++)
		if (strlen(opts->name) == len &&
		    strncmp(opts->name, name, len) == 0)
			return opts;
	return NULL;
}

/* One "--name[=value]" at argv[*i]; may consume the next argument. */
static int
opt_take(const struct cli_opt *opts, int argc, char **argv, int *i,
    char *err, size_t errlen)
{
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct cli_opt *o = opt_find(opts, arg, len);

	if (!o) {
		snprintf(err, errlen, "unknown option '--%.*s'",
		    (int)(len > 64 ? 64 : len), arg);
		return -1;
	}
	if (!o->value) {
		if (eq) {
			snprintf(err, errlen, "option '--%s' takes no value",
			    o->name);
			return -1;
		}
		*o->flag = 1;
		return 0;
	}
	if (eq) {
		*o->value = eq + 1;
		return 0;
	}
	if (*i + 1 >= argc) {
		snprintf(err, errlen, "option '--%s' needs a value", o->name);
		return -1;
	}
	*o->value = argv[++*i];
	return 0;
}

int
cli_args_parse(const struct cli_opt *opts, size_t maxpos, int argc,
    char **argv, struct cli_args *out, char *err, size_t errlen)
{
	const size_t cap = sizeof(out->pos) / sizeof(*out->pos);
	int only_pos = 0;

	memset(out, 0, sizeof(*out));
	if (maxpos > cap)
		maxpos = cap;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!only_pos && strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (!only_pos && a[0] == '-' && a[1] == '-') {
			if (opt_take(opts, argc, argv, &i, err, errlen) < 0)
				return -1;
			continue;
		}
		/* "-" alone is a positional (stdin); other short options are not ours */
		if (!only_pos && a[0] == '-' && a[1]) {
			snprintf(err, errlen, "unknown option '%.64s'", a);
			return -1;
		}
		if (out->npos >= maxpos) {
			snprintf(err, errlen, "unexpected argument '%.64s'", a);
			return -1;
		}
		out->pos[out->npos++] = a;
	}
	return 0;
}

int
cli_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

int
cli_join_words(const char *const *words, size_t n, char *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return -1;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t wl = strlen(words[i]);

		if (off + (i ? 1 : 0) + wl >= len)
			return -1;
		if (i)
			buf[off++] = ' ';
		memcpy(buf + off, words[i], wl);
		off += wl;
		buf[off] = '\0';
	}
	return 0;
}

size_t
cli_text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}
