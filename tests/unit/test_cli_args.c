/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the CLI's option parser: flags, values, positionals, refusals. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli/args.h"

static int all, name, inactive;
static const char *dom, *timeout;

static const struct cli_opt opts[] = {
	{ "all", &all, NULL }, { "name", &name, NULL },
	{ "inactive", &inactive, NULL }, { "domain", NULL, &dom },
	{ "timeout", NULL, &timeout }, { NULL, NULL, NULL },
};

static char *argv_pool[16];
static int argc_pool;

/* Parse "verb" followed by the NULL-terminated arguments; strings stay
 * valid until the next call. */
static int
run(size_t maxpos, struct cli_args *a, char *err, size_t errlen, ...)
{
	const char *s;
	va_list ap;

	for (int i = 0; i < argc_pool; i++)
		free(argv_pool[i]);
	argc_pool = 0;
	argv_pool[argc_pool++] = strdup("verb");
	va_start(ap, errlen);
	while ((s = va_arg(ap, const char *)) && argc_pool < 15)
		argv_pool[argc_pool++] = strdup(s);
	va_end(ap);
	argv_pool[argc_pool] = NULL;
	all = name = inactive = 0;
	dom = timeout = NULL;
	err[0] = '\0';
	return cli_args_parse(opts, maxpos, argc_pool, argv_pool, a, err,
	    errlen);
}

static void
test_accepted(void)
{
	struct cli_args a;
	char err[256];

	CHECK_INT(run(1, &a, err, sizeof(err), "--all", "x", "--name", NULL), 0);
	CHECK(all && name && !inactive);
	CHECK_INT(a.npos, 1);
	CHECK_STR(a.pos[0], "x");

	CHECK_INT(run(0, &a, err, sizeof(err), "--domain", "d1", "--timeout=5", NULL), 0);
	CHECK_STR(dom, "d1");
	CHECK_STR(timeout, "5");
	CHECK_INT(a.npos, 0);

	/* "--" ends options; "-" is a positional (stdin) */
	CHECK_INT(run(3, &a, err, sizeof(err), "-", "--", "--all", "-x", NULL), 0);
	CHECK(!all);
	CHECK_INT(a.npos, 3);
	CHECK_STR(a.pos[0], "-");
	CHECK_STR(a.pos[1], "--all");
	CHECK_STR(a.pos[2], "-x");

	/* an empty value is a value */
	CHECK_INT(run(0, &a, err, sizeof(err), "--domain=", NULL), 0);
	CHECK_STR(dom, "");

	/* no arguments at all */
	CHECK_INT(run(1, &a, err, sizeof(err), NULL), 0);
	CHECK_INT(a.npos, 0);
}

static void
test_refused(void)
{
	struct cli_args a;
	char err[256];

	CHECK_INT(run(1, &a, err, sizeof(err), "--bogus", NULL), -1);
	CHECK_STR(err, "unknown option '--bogus'");
	CHECK_INT(run(1, &a, err, sizeof(err), "--bogus=1", NULL), -1);
	CHECK_STR(err, "unknown option '--bogus'");
	CHECK_INT(run(1, &a, err, sizeof(err), "-a", NULL), -1);
	CHECK_STR(err, "unknown option '-a'");
	CHECK_INT(run(1, &a, err, sizeof(err), "--all=yes", NULL), -1);
	CHECK_STR(err, "option '--all' takes no value");
	CHECK_INT(run(1, &a, err, sizeof(err), "--domain", NULL), -1);
	CHECK_STR(err, "option '--domain' needs a value");
	CHECK_INT(run(1, &a, err, sizeof(err), "a", "b", NULL), -1);
	CHECK_STR(err, "unexpected argument 'b'");
	CHECK_INT(run(0, &a, err, sizeof(err), "a", NULL), -1);
	/* prefixes are not abbreviations */
	CHECK_INT(run(0, &a, err, sizeof(err), "--al", NULL),
	    -1);
	/* a long bogus option is cut in the message */
	{
		char longopt[300];

		memset(longopt, 'x', sizeof(longopt) - 1);
		longopt[0] = longopt[1] = '-';
		longopt[sizeof(longopt) - 1] = '\0';
		CHECK_INT(run(0, &a, err, sizeof(err), longopt, NULL), -1);
		CHECK(strlen(err) < 100);
	}
}

static void
test_helpers(void)
{
	const char *words[] = { "a", "bc", "def" };
	unsigned long v;
	char buf[16];

	CHECK_INT(cli_parse_uint("0", 10, &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(cli_parse_uint("10", 10, &v), 0);
	CHECK_INT(v, 10);
	CHECK_INT(cli_parse_uint("11", 10, &v), -1);
	CHECK_INT(cli_parse_uint("-1", 10, &v), -1);
	CHECK_INT(cli_parse_uint(" 1", 10, &v), -1);
	CHECK_INT(cli_parse_uint("1s", 10, &v), -1);
	CHECK_INT(cli_parse_uint("", 10, &v), -1);
	CHECK_INT(cli_parse_uint("99999999999999999999999", ~0UL, &v), -1);

	CHECK_INT(cli_join_words(words, 3, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "a bc def");
	CHECK_INT(cli_join_words(words, 0, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "");
	CHECK_INT(cli_join_words(words, 3, buf, 8), -1);
	CHECK_INT(cli_join_words(words, 3, buf, 9), 0);

	CHECK_INT(cli_text_width("abc"), 3);
	CHECK_INT(cli_text_width("d\xc3\xa9j\xc3\xa0"), 4);
	CHECK_INT(cli_text_width(""), 0);
}

int
main(void)
{
	test_accepted();
	test_refused();
	test_helpers();
	return check_done();
}
