/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* acl_check per call: rule count and where the match falls (vmhostd runs it on every call). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmhostd/acl.h"

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* n - 1 rules that do not match (other uids, or anyone but another
 * operation: fnmatch runs), then the one that matches. */
static struct acl *
make(size_t n, int anyone)
{
	struct acl_resolver res = { 0 };
	size_t cap = (n + 2) * 80, len = 0;
	char *text = malloc(cap), err[256];
	struct acl *a = NULL;

	if (!text)
		return NULL;
	for (size_t i = 0; i + 1 < n; i++)
		len += anyone ? (size_t)snprintf(text + len, cap - len,
		    "allow * network.define,domain.shut* db-%zu\n", i) :
		    (size_t)snprintf(text + len, cap - len,
		    "allow uid:%zu domain.start,domain.shutdown web-*\n",
		    i + 5000);
	len += (size_t)snprintf(text + len, cap - len,
	    "allow gid:600 domain.*,network.read web-*\ndefault deny\n");
	if (acl_parse("bench", text, len, &res, &a, err, sizeof(err)) < 0)
		fprintf(stderr, "%s\n", err);
	free(text);
	return a;
}

int
main(int argc, char **argv)
{
	static const gid_t groups[] = { 100, 200, 300, 600 };
	struct acl_subject s = { 1000, 1000, groups, 4 };
	size_t sizes[] = { 1, 10, 100, 1024 };
	int iters = argc > 1 ? atoi(argv[1]) : 200000;
	volatile int sink = 0;

	printf("ns per check, the match on the last rule\n");
	printf("%-8s %-22s %s\n", "rules", "others for other uids",
	    "others for anyone, other ops");
	for (size_t k = 0; k < sizeof(sizes) / sizeof(*sizes); k++) {
		int n = sizes[k] > 100 ? iters / 10 : iters;

		printf("%-8zu", sizes[k]);
		for (int anyone = 0; anyone < 2; anyone++) {
			struct acl *a = make(sizes[k], anyone);
			double t0, t1;

			if (!a)
				return 1;
			t0 = now_ns();
			for (int i = 0; i < n; i++)
				sink += acl_check(a, &s, "domain.start",
				    "web-17", NULL);
			t1 = now_ns();
			printf(" %-22.0f", (t1 - t0) / n);
			acl_free(a);
		}
		printf("\n");
	}
	{
		double t0 = now_ns(), t1;

		for (int i = 0; i < iters; i++)
			sink += acl_check(NULL, &s, "domain.start", "web-17",
			    NULL);
		t1 = now_ns();
		printf("%-8s %.1f\n", "no file", (t1 - t0) / iters);
	}
	return sink < 0;
}
