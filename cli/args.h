/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The vmhost CLI's option parser: pure functions, unit tested. */
#ifndef VMHOST_CLI_ARGS_H
#define VMHOST_CLI_ARGS_H

#include <stddef.h>

/*
 * One long option of a verb. A flag (value == NULL) sets *flag to 1; an
 * option with a value (value != NULL) stores its argument in *value.
 * "--name VALUE" and "--name=VALUE" are both accepted; "--" ends options.
 */
struct cli_opt {
	const char *name;	/* without the leading "--" */
	int *flag;
	const char **value;
};

struct cli_args {
	const char *pos[64];	/* positional arguments */
	size_t npos;
};

/*
 * Parse argv[1..argc-1] (argv[0] is the verb) against opts (terminated by
 * a NULL name). At most maxpos positional arguments are accepted. Returns
 * 0, or -1 with a one-line reason in err.
 */
int cli_args_parse(const struct cli_opt *opts, size_t maxpos, int argc,
    char **argv, struct cli_args *out, char *err, size_t errlen);

/* Seconds as a non-negative integer up to max; 0 or -1. */
int cli_parse_uint(const char *s, unsigned long max, unsigned long *out);

/* Join n words with single spaces into buf; 0, or -1 when it does not fit. */
int cli_join_words(const char *const *words, size_t n, char *buf,
    size_t len);

/* Display width of a UTF-8 string, counting code points. */
size_t cli_text_width(const char *s);

#endif
