/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Child processes watched from the event loop through pidfds, never waited for. */
#ifndef VMHOST_SPAWN_H
#define VMHOST_SPAWN_H

#include <sys/types.h>

struct event_base;
struct child;

/* Called once when the child exits; status as from waitpid. The child
 * object is freed after the callback returns. out/outlen: captured stdout
 * (when capture was requested), NUL-terminated. */
typedef void (*child_exit_cb)(struct child *ch, int status, const char *out,
    size_t outlen, void *arg);

/*
 * fork+exec argv[0] (absolute path) with argv, envp (NULL: empty env).
 * capture_max > 0 captures up to that many bytes of stdout (stderr goes to
 * our stderr). Returns the child or NULL with errno set.
 * The child gets stdin on /dev/null, default signal handlers, an empty
 * signal mask and no other descriptor of ours. A program that cannot be
 * executed is reported here (errno from execve), not through cb.
 */
struct child *child_spawn(struct event_base *base, char *const argv[],
    char *const envp[], size_t capture_max, child_exit_cb cb, void *arg);
pid_t child_pid(const struct child *ch);
/* Stop watching (the process is left alone, and no longer reaped by us).
 * A no-op inside the callback, where the child is freed anyway. */
void child_forget(struct child *ch);

/* Blocking: run argv (empty environment), capture up to max bytes of
 * stdout into a malloc'd *out (out NULL: stdout is ours); returns exit
 * status (waitpid form) or -errno. For tools and tests, not event loops. */
int run_capture(char *const argv[], char **out, size_t max);

#endif
