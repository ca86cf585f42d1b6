/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Minimal assertions for vmhost's C tests: counts, prints "N passed, N failed". */
#ifndef VMHOST_CHECK_H
#define VMHOST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond) \
	do { \
		if (cond) { \
			check_passed++; \
		} else { \
			check_failed++; \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
			    __LINE__, #cond); \
		} \
	} while (0)

#define CHECK_STR(a, b) \
	do { \
		const char *check_a_ = (a), *check_b_ = (b); \
		if (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0) { \
			check_passed++; \
		} else { \
			check_failed++; \
			fprintf(stderr, "%s:%d: '%s' != '%s'\n", __FILE__, \
			    __LINE__, check_a_ ? check_a_ : "(null)", \
			    check_b_ ? check_b_ : "(null)"); \
		} \
	} while (0)

#define CHECK_INT(a, b) \
	do { \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
		if (check_a_ == check_b_) { \
			check_passed++; \
		} else { \
			check_failed++; \
			fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", \
			    __FILE__, __LINE__, #a, check_a_, check_b_); \
		} \
	} while (0)

static inline int
check_done(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
