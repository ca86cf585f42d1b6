/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness for conf_parse (common/conf.c), with a key of every type. */
#include <stddef.h>
#include <stdint.h>

#include "common/conf.h"

struct fuzz_conf {
	char *user;
	char *group;
	long long port;
	long long any;
	int flag;
	char **acl;
	char **list2;
};

static const struct conf_key fuzz_schema[] = {
	{ "user", CONF_STRING, offsetof(struct fuzz_conf, user), 0, 0 },
	{ "group", CONF_STRING, offsetof(struct fuzz_conf, group), 0, 0 },
	{ "port", CONF_INT, offsetof(struct fuzz_conf, port), 1, 65535 },
	{ "any", CONF_INT, offsetof(struct fuzz_conf, any), 0, 0 },
	{ "flag", CONF_BOOL, offsetof(struct fuzz_conf, flag), 0, 0 },
	{ "acl", CONF_STRLIST, offsetof(struct fuzz_conf, acl), 0, 0 },
	{ "list2", CONF_STRLIST, offsetof(struct fuzz_conf, list2), 0, 0 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_conf c = { 0 };
	char err[256];

	conf_parse("fuzz.conf", (const char *)data, size, fuzz_schema,
	    sizeof(fuzz_schema) / sizeof(fuzz_schema[0]), &c, err, sizeof(err));
	conf_free(fuzz_schema, sizeof(fuzz_schema) / sizeof(fuzz_schema[0]),
	    &c);
	return 0;
}
