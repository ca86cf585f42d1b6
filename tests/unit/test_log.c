/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for common/log.c: specs, line format, escaping, journal prefix, fatal. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "tests/unit/check.h"

static int saved_stderr = -1, capture_fd = -1;

/* Point fd 2 at a fresh memfd until capture_end. */
static void
capture_begin(void)
{
	capture_fd = memfd_create("log", MFD_CLOEXEC);
	saved_stderr = dup(STDERR_FILENO);
	dup2(capture_fd, STDERR_FILENO);
}

/* Restore fd 2 and return what was written (static buffer). */
static const char *
capture_end(void)
{
	static char buf[16384];
	ssize_t n;

	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	n = pread(capture_fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(capture_fd);
	return buf;
}

static void
test_spec(void)
{
	CHECK_INT(log_set_spec("info"), 0);
	CHECK(log_enabled(NULL, LOG_LVL_INFO));
	CHECK(!log_enabled(NULL, LOG_LVL_DEBUG));
	CHECK_INT(log_set_spec("warn,ipc:debug,conf:error"), 0);
	CHECK(!log_enabled(NULL, LOG_LVL_INFO));
	CHECK(log_enabled(NULL, LOG_LVL_WARN));
	CHECK(log_enabled("ipc", LOG_LVL_DEBUG));
	CHECK(!log_enabled("conf", LOG_LVL_WARN));
	CHECK(log_enabled("conf", LOG_LVL_ERROR));
	CHECK(!log_enabled("other", LOG_LVL_INFO));
	CHECK(log_enabled("other", LOG_LVL_FATAL));
	CHECK_INT(log_set_spec("verbose"), -EINVAL);
	CHECK_INT(log_set_spec("info,ipc"), -EINVAL);
	CHECK_INT(log_set_spec("info,:debug"), -EINVAL);
	CHECK_INT(log_set_spec("info,ipc:loud"), -EINVAL);
	CHECK_INT(log_set_spec(""), -EINVAL);
	CHECK_INT(log_set_spec("info,"), -EINVAL);
	/* a refused spec leaves the previous one in place */
	CHECK(log_enabled("ipc", LOG_LVL_DEBUG));
	CHECK_INT(log_set_spec("debug"), 0);
	CHECK(log_enabled("ipc", LOG_LVL_DEBUG));
	CHECK(log_enabled(NULL, LOG_LVL_DEBUG));
}

static void
test_init_env(void)
{
	unsetenv("JOURNAL_STREAM");
	unsetenv("VMHOST_DEBUG");
	setenv("VMHOST_LOG", "error,netd:info", 1);
	log_init("/usr/sbin/test-log");
	CHECK(!log_enabled(NULL, LOG_LVL_WARN));
	CHECK(log_enabled("netd", LOG_LVL_INFO));
	setenv("VMHOST_DEBUG", "1", 1);
	log_init("test-log");
	CHECK(log_enabled(NULL, LOG_LVL_DEBUG));
	CHECK(log_enabled("netd", LOG_LVL_DEBUG));
	unsetenv("VMHOST_DEBUG");
	unsetenv("VMHOST_LOG");
	log_init("test-log");
	CHECK(log_enabled(NULL, LOG_LVL_INFO));
	CHECK(!log_enabled(NULL, LOG_LVL_DEBUG));
}

static void
test_bad_env_spec(void)
{
	const char *out;

	setenv("VMHOST_LOG", "loud\n", 1);
	capture_begin();
	log_init("test-log");
	out = capture_end();
	CHECK(strstr(out, "warn: log: ignoring invalid VMHOST_LOG \"loud\\x0a\"\n"));
	CHECK(log_enabled(NULL, LOG_LVL_INFO));
	CHECK(!log_enabled(NULL, LOG_LVL_DEBUG));
	unsetenv("VMHOST_LOG");
}

static void
test_format(void)
{
	char want[256];
	const char *out;

	log_init("/path/to/test-log");
	capture_begin();
	log_emit("ipc", LOG_LVL_INFO, "hello %d", 42);
	log_emit(NULL, LOG_LVL_ERROR, "plain");
	log_emit(NULL, LOG_LVL_DEBUG, "hidden");
	out = capture_end();
	snprintf(want, sizeof(want),
	    "test-log[%ld]: info: ipc: hello 42\n"
	    "test-log[%ld]: error: plain\n",
	    (long)getpid(), (long)getpid());
	CHECK_STR(out, want);
}

static void
test_control_bytes(void)
{
	char want[256];
	const char *out;

	capture_begin();
	log_emit("m", LOG_LVL_WARN, "a\nb\rc\x1b[31md\x7f\te \\ \"q\" caf\xc3\xa9");
	out = capture_end();
	snprintf(want, sizeof(want),
	    "test-log[%ld]: warn: m: a\\x0ab\\x0dc\\x1b[31md\\x7f\\x09e \\ \"q\" caf\xc3\xa9\n",
	    (long)getpid());
	CHECK_STR(out, want);
}

static void
test_long_line(void)
{
	static char big[10000];
	const char *out;

	memset(big, '\n', sizeof(big) - 1);
	capture_begin();
	log_emit(NULL, LOG_LVL_INFO, "%s", big);
	out = capture_end();
	/* one line, truncated, ending in a newline */
	CHECK(strchr(out, '\n') == out + strlen(out) - 1);
	CHECK(strlen(out) > 1000);
}

static void
test_journal(void)
{
	char js[64];
	const char *out;
	struct stat st;

	capture_begin();
	fstat(STDERR_FILENO, &st);
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", js, 1);
	log_init("test-log");
	log_emit(NULL, LOG_LVL_FATAL, "f");
	log_emit("x", LOG_LVL_ERROR, "e");
	log_emit(NULL, LOG_LVL_WARN, "w\n");
	log_emit(NULL, LOG_LVL_INFO, "i");
	log_emit(NULL, LOG_LVL_DEBUG, "d");
	out = capture_end();
	CHECK_STR(out, "<2>fatal: f\n<3>error: x: e\n<4>warn: w\\x0a\n<6>info: i\n");

	/* JOURNAL_STREAM naming another file: plain stderr format */
	setenv("JOURNAL_STREAM", "1:1", 1);
	capture_begin();
	log_init("test-log");
	log_emit(NULL, LOG_LVL_INFO, "i");
	out = capture_end();
	CHECK(strncmp(out, "test-log[", 9) == 0);
	unsetenv("JOURNAL_STREAM");
	log_init("test-log");
}

static void
test_debug_macro(void)
{
	const char *out;

	log_set_spec("info,dbgmod:debug");
	capture_begin();
	log_emit("dbgmod", LOG_LVL_DEBUG, "shown");
	log_emit("other", LOG_LVL_DEBUG, "not shown");
	out = capture_end();
	CHECK(strstr(out, "debug: dbgmod: shown\n") != NULL);
	CHECK(strstr(out, "not shown") == NULL);
	log_set_spec("info");
}

static void
test_fatal(void)
{
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, STDERR_FILENO);
		log_fatal_impl("t", "bye");
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status));
	CHECK_INT(WEXITSTATUS(status), 1);
}

static void
test_str_escape(void)
{
	char buf[16], small[4], one[1];

	CHECK_STR(str_escape(buf, sizeof(buf), "plain"), "plain");
	CHECK_STR(str_escape(buf, sizeof(buf), "a\"b\\c\n"), "a\\\"b\\\\c\\x0a");
	CHECK_STR(str_escape(buf, sizeof(buf), "\x1b\x7f\t"), "\\x1b\\x7f\\x09");
	CHECK_STR(str_escape(buf, sizeof(buf), NULL), "(null)");
	CHECK_STR(str_escape(buf, sizeof(buf), ""), "");
	/* 15 characters fit exactly */
	CHECK_STR(str_escape(buf, sizeof(buf), "123456789012345"),
	    "123456789012345");
	CHECK_STR(str_escape(buf, sizeof(buf), "1234567890123456"),
	    "123456789012...");
	/* escapes are never cut in half */
	CHECK_STR(str_escape(buf, sizeof(buf), "12345678901\n234"),
	    "12345678901...");
	CHECK_STR(str_escape(small, sizeof(small), "abcdef"), "...");
	CHECK_STR(str_escape(small, sizeof(small), "abc"), "abc");
	CHECK_STR(str_escape(one, sizeof(one), "abc"), "");
	CHECK_STR(str_escape(buf, sizeof(buf), "caf\xc3\xa9"), "caf\xc3\xa9");
}

int
main(void)
{
	unsetenv("JOURNAL_STREAM");
	unsetenv("VMHOST_DEBUG");
	unsetenv("VMHOST_LOG");
	test_spec();
	test_init_env();
	test_bad_env_spec();
	test_format();
	test_control_bytes();
	test_long_line();
	test_journal();
	test_debug_macro();
	test_fatal();
	test_str_escape();
	return check_done();
}
