/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Logging for every vmhost process: one line per call, to stderr or the journal. */
#ifndef VMHOST_LOG_H
#define VMHOST_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_LVL_FATAL = 0,
	LOG_LVL_ERROR,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

/*
 * log_init reads VMHOST_DEBUG (1: debug everywhere) and VMHOST_LOG
 * ("LEVEL" or "LEVEL,module:LEVEL,..." e.g. "info,ipc:debug") and
 * JOURNAL_STREAM (journald priority prefixes "<N>").
 * prog is the process name printed in front of each line.
 */
void log_init(const char *prog);
int log_enabled(const char *module, enum log_level lvl);
void log_emit(const char *module, enum log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vemit(const char *module, enum log_level lvl, const char *fmt,
    va_list ap) __attribute__((format(printf, 3, 0)));
/* Parse a VMHOST_LOG spec; 0 or -EINVAL (used by log_init and tests). */
int log_set_spec(const char *spec);

/* Each .c file may #define LOG_MODULE "name" before including this header. */
#ifndef LOG_MODULE
#define LOG_MODULE NULL
#endif

#define log_debug(...) \
	do { \
		if (log_enabled(LOG_MODULE, LOG_LVL_DEBUG)) \
			log_emit(LOG_MODULE, LOG_LVL_DEBUG, __VA_ARGS__); \
	} while (0)
#define log_info(...) log_emit(LOG_MODULE, LOG_LVL_INFO, __VA_ARGS__)
#define log_warn(...) log_emit(LOG_MODULE, LOG_LVL_WARN, __VA_ARGS__)
#define log_error(...) log_emit(LOG_MODULE, LOG_LVL_ERROR, __VA_ARGS__)
/* log_fatal logs and exits with status 1. */
#define log_fatal(...) log_fatal_impl(LOG_MODULE, __VA_ARGS__)
void log_fatal_impl(const char *module, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/*
 * Copy s into buf (size n) with control bytes, quotes and backslashes
 * escaped as \xNN, \" and \\, truncated with "..." when too long.
 * Returns buf. For quoting user-supplied values in messages.
 */
const char *str_escape(char *buf, size_t n, const char *s);

#endif
