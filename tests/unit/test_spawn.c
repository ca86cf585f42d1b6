/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for common/spawn.c: children under a libevent loop, capture, status, fds. */
#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/spawn.h"
#include "tests/unit/check.h"

/* A heap copy of a NULL-terminated list of strings (argv, envp). */
static char **
mkargv(const char *first, ...)
{
	char **v = calloc(16, sizeof(*v));
	const char *a = first;
	va_list ap;
	int n = 0;

	va_start(ap, first);
	for (; a && n < 15; a = va_arg(ap, const char *))
		v[n++] = strdup(a);
	va_end(ap);
	return v;
}

static void
freeargv(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

struct result {
	int calls;
	int status;
	char out[4096];
	size_t outlen;
	int out_null;
};

static void
on_exit_cb(struct child *ch, int status, const char *out, size_t outlen,
    void *arg)
{
	struct result *r = arg;

	(void)ch;
	r->calls++;
	r->status = status;
	r->out_null = out == NULL;
	r->outlen = outlen;
	if (out && outlen < sizeof(r->out))
		memcpy(r->out, out, outlen + 1);
}

/* Spawn argv on a fresh loop and run the loop until nothing is left. */
static int
run_child(char *const argv[], char *const envp[], size_t max,
    struct result *r)
{
	struct event_base *base = event_base_new();
	struct child *ch;

	memset(r, 0, sizeof(*r));
	ch = child_spawn(base, argv, envp, max, on_exit_cb, r);
	if (!ch) {
		int e = errno;

		event_base_free(base);
		return -e;
	}
	CHECK(child_pid(ch) > 0);
	event_base_dispatch(base);
	event_base_free(base);
	return 0;
}

static void
test_echo(void)
{
	char **argv = mkargv("/bin/echo", "hello", "world", NULL);
	struct result r;

	CHECK_INT(run_child(argv, NULL, 1024, &r), 0);
	CHECK_INT(r.calls, 1);
	CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	CHECK_STR(r.out, "hello world\n");
	CHECK_INT(r.outlen, 12);

	/* no capture: out is NULL, stdout is ours */
	{
		char **argv2 = mkargv("/bin/true", NULL);

		CHECK_INT(run_child(argv2, NULL, 0, &r), 0);
		CHECK_INT(r.calls, 1);
		CHECK(r.out_null);
		CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
		freeargv(argv2);
	}
	freeargv(argv);
}

static void
test_status(void)
{
	char **f = mkargv("/bin/false", NULL);
	char **sh = mkargv("/bin/sh", "-c", "exit 7", NULL);
	char **sig = mkargv("/bin/sh", "-c", "kill -TERM $$", NULL);
	struct result r;

	CHECK_INT(run_child(f, NULL, 64, &r), 0);
	CHECK_INT(r.calls, 1);
	CHECK(WIFEXITED(r.status));
	CHECK_INT(WEXITSTATUS(r.status), 1);
	CHECK_STR(r.out, "");
	CHECK_INT(r.outlen, 0);
	CHECK_INT(run_child(sh, NULL, 0, &r), 0);
	CHECK_INT(WEXITSTATUS(r.status), 7);
	CHECK_INT(run_child(sig, NULL, 0, &r), 0);
	CHECK(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGTERM);
	freeargv(f);
	freeargv(sh);
	freeargv(sig);
}

static void
test_capture_limit(void)
{
	char **argv = mkargv("/usr/bin/head", "-c", "1000000", "/dev/zero", NULL);
	char **echo = mkargv("/bin/echo", "abcdefgh", NULL);
	struct result r;

	CHECK_INT(run_child(echo, NULL, 4, &r), 0);
	CHECK_STR(r.out, "abcd");
	CHECK_INT(r.outlen, 4);
	/* a child writing far more than max is drained, so it can finish */
	CHECK_INT(run_child(argv, NULL, 10, &r), 0);
	CHECK_INT(r.calls, 1);
	CHECK_INT(r.outlen, 10);
	CHECK(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	freeargv(argv);
	freeargv(echo);
}

static void
test_env_and_fds(void)
{
	char **env = mkargv("/usr/bin/env", NULL);
	char **envp = mkargv("A=1", "B=two", NULL);
	char **ls = mkargv("/bin/ls", "/proc/self/fd", NULL);
	char **cat = mkargv("/bin/cat", NULL);
	struct result r;
	int leak, leak2;

	CHECK_INT(run_child(env, envp, 256, &r), 0);
	CHECK_STR(r.out, "A=1\nB=two\n");
	CHECK_INT(run_child(env, NULL, 256, &r), 0);
	CHECK_STR(r.out, ""); /* NULL envp: empty environment */

	/* our own descriptors do not reach the child (ls opens fd 3 itself) */
	leak = open("/dev/null", O_RDONLY);
	leak2 = dup(leak);
	CHECK(leak > 2 && leak2 > 2);
	CHECK_INT(run_child(ls, NULL, 256, &r), 0);
	CHECK_STR(r.out, "0\n1\n2\n3\n");
	close(leak);
	close(leak2);

	/* stdin is /dev/null */
	CHECK_INT(run_child(cat, NULL, 256, &r), 0);
	CHECK_INT(r.outlen, 0);
	CHECK_INT(WEXITSTATUS(r.status), 0);
	freeargv(env);
	freeargv(envp);
	freeargv(ls);
	freeargv(cat);
}

static void
test_errors(void)
{
	char **missing = mkargv("/nonexistent/prog", NULL);
	char **rel = mkargv("echo", "x", NULL);
	char **noexec = mkargv("/tmp/test_spawn.XXXXXX", NULL);
	struct event_base *base = event_base_new();
	struct result r;
	int fd = mkstemp(noexec[0]); /* mode 0600: not executable */

	CHECK(fd >= 0);
	close(fd);

	CHECK_INT(run_child(missing, NULL, 64, &r), -ENOENT);
	CHECK_INT(r.calls, 0);
	CHECK_INT(run_child(rel, NULL, 64, &r), -EINVAL);
	CHECK_INT(run_child(noexec, NULL, 64, &r), -EACCES);
	unlink(noexec[0]);
	errno = 0;
	CHECK(child_spawn(base, rel, NULL, 0, NULL, NULL) == NULL);
	CHECK_INT(errno, EINVAL);
	event_base_free(base);
	freeargv(missing);
	freeargv(rel);
	freeargv(noexec);
}

static void
test_forget(void)
{
	char **argv = mkargv("/bin/sleep", "0.2", NULL);
	struct event_base *base = event_base_new();
	struct result r = { 0 };
	struct child *ch;
	int status = -1;
	pid_t pid;

	ch = child_spawn(base, argv, NULL, 64, on_exit_cb, &r);
	CHECK(ch != NULL);
	pid = child_pid(ch);
	child_forget(ch);
	child_forget(NULL);
	event_base_dispatch(base); /* nothing left to watch: returns */
	CHECK_INT(r.calls, 0);
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	event_base_free(base);
	freeargv(argv);
}

static void
test_run_capture(void)
{
	char **echo = mkargv("/bin/echo", "hi", NULL);
	char **sh = mkargv("/bin/sh", "-c", "echo out; exit 3", NULL);
	char **missing = mkargv("/nonexistent/prog", NULL);
	char **head = mkargv("/bin/sh", "-c",
	    "/usr/bin/head -c 1000000 /dev/zero | /usr/bin/tr '\\0' y", NULL);
	char *out = NULL;
	int st;

	st = run_capture(echo, &out, 100);
	CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_STR(out, "hi\n");
	free(out);
	st = run_capture(sh, &out, 2);
	CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 3);
	CHECK_STR(out, "ou");
	free(out);
	out = echo[0]; /* must be reset to NULL on failure */
	CHECK_INT(run_capture(missing, &out, 100), -ENOENT);
	CHECK(out == NULL);
	st = run_capture(echo, &out, 0);
	CHECK_INT(st, 0);
	CHECK_STR(out, "");
	free(out);
	/* more than max, and more than the first buffer: kept up to max */
	st = run_capture(head, &out, 100000);
	CHECK_INT(st, 0);
	CHECK(out && strlen(out) == 100000 && out[99999] == 'y');
	free(out);
	freeargv(head);
	freeargv(echo);
	freeargv(sh);
	freeargv(missing);
}

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

int
main(void)
{
	int fds_before = count_fds();

	test_echo();
	test_status();
	test_capture_limit();
	test_env_and_fds();
	test_errors();
	test_forget();
	test_run_capture();
	CHECK_INT(count_fds(), fds_before); /* no descriptor leaked */
	return check_done();
}
