/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Leveled one-line logging to stderr or the journal, used by every vmhost process. */
#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG_MAX_MODULES 32
#define LOG_MODULE_LEN	32
#define LOG_MSG_MAX	2048
#define LOG_LINE_MAX	(LOG_MSG_MAX * 4 + 256)

struct log_filter {
	char module[LOG_MODULE_LEN];
	enum log_level level;
};

struct log_config {
	enum log_level level;
	size_t nfilters;
	struct log_filter filters[LOG_MAX_MODULES];
};

static struct log_config log_cfg = { .level = LOG_LVL_INFO };
static char log_prog[64] = "vmhost";
static int log_journal;

static const char *const log_names[] = {
	[LOG_LVL_FATAL] = "fatal",
	[LOG_LVL_ERROR] = "error",
	[LOG_LVL_WARN] = "warn",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

static const int log_syslog_prio[] = {
	[LOG_LVL_FATAL] = 2,
	[LOG_LVL_ERROR] = 3,
	[LOG_LVL_WARN] = 4,
	[LOG_LVL_INFO] = 6,
	[LOG_LVL_DEBUG] = 7,
};

static int
log_parse_level(const char *s, size_t len, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
		if (strlen(log_names[i]) == len &&
		    strncmp(log_names[i], s, len) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* One item of a spec: "LEVEL" (the default) or "module:LEVEL". */
static int
log_parse_item(struct log_config *cfg, const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	struct log_filter *f;
	size_t mlen;

	if (!colon)
		return log_parse_level(s, len, &cfg->level);
	mlen = (size_t)(colon - s);
	if (mlen == 0 || mlen >= LOG_MODULE_LEN ||
	    cfg->nfilters == LOG_MAX_MODULES)
		return -EINVAL;
	f = &cfg->filters[cfg->nfilters];
	memcpy(f->module, s, mlen);
	f->module[mlen] = '\0';
	if (log_parse_level(colon + 1, len - mlen - 1, &f->level) < 0)
		return -EINVAL;
	cfg->nfilters++;
	return 0;
}

int
log_set_spec(const char *spec)
{
	struct log_config cfg = { .level = LOG_LVL_INFO };
	const char *p = spec;

	if (!spec || !*spec)
		return -EINVAL;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (log_parse_item(&cfg, p, len) < 0)
			return -EINVAL;
		if (!end)
			break;
		p = end + 1;
	}
	log_cfg = cfg;
	return 0;
}

/* stderr is the journal only when JOURNAL_STREAM names the very file on fd 2. */
static int
log_stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) < 0)
		return 0;
	return st.st_dev == (dev_t)dev && st.st_ino == (ino_t)ino;
}

void
log_init(const char *prog)
{
	const char *spec = getenv("VMHOST_LOG");
	const char *dbg = getenv("VMHOST_DEBUG");
	const char *slash;
	int bad_spec = 0;

	if (prog) {
		slash = strrchr(prog, '/');
		snprintf(log_prog, sizeof(log_prog), "%s",
		    slash ? slash + 1 : prog);
	}
	log_journal = log_stderr_is_journal();
	log_cfg = (struct log_config){ .level = LOG_LVL_INFO };
	if (spec && *spec && log_set_spec(spec) < 0)
		bad_spec = 1;
	if (dbg && strcmp(dbg, "1") == 0)
		log_cfg = (struct log_config){ .level = LOG_LVL_DEBUG };
	if (bad_spec) {
		char esc[128];

		log_emit("log", LOG_LVL_WARN, "ignoring invalid VMHOST_LOG \"%s\"",
		    str_escape(esc, sizeof(esc), spec));
	}
}

int
log_enabled(const char *module, enum log_level lvl)
{
	if (module) {
		for (size_t i = 0; i < log_cfg.nfilters; i++)
			if (strcmp(log_cfg.filters[i].module, module) == 0)
				return lvl <= log_cfg.filters[i].level;
	}
	return lvl <= log_cfg.level;
}

/* Append src to dst at *pos, control bytes as \xNN; always leaves room for "\n". */
static void
log_append_escaped(char *dst, size_t size, size_t *pos, const char *src)
{
	static const char hex[] = "0123456789abcdef";

	for (; *src; src++) {
		unsigned char c = (unsigned char)*src;
		int ctl = c < 0x20 || c == 0x7f;

		if (*pos + (ctl ? 4 : 1) + 1 >= size)
			return;
		if (ctl) {
			dst[(*pos)++] = '\\';
			dst[(*pos)++] = 'x';
			dst[(*pos)++] = hex[c >> 4];
			dst[(*pos)++] = hex[c & 15];
		} else {
			dst[(*pos)++] = (char)c;
		}
	}
}

static void
log_write_line(const char *line, size_t len)
{
	ssize_t n;

	do
		n = write(STDERR_FILENO, line, len);
	while (n < 0 && errno == EINTR);
}

void
log_vemit(const char *module, enum log_level lvl, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX], line[LOG_LINE_MAX];
	int saved_errno = errno;
	size_t pos;
	int n;

	if (lvl > LOG_LVL_DEBUG || !log_enabled(module, lvl))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_journal)
		n = snprintf(line, sizeof(line), "<%d>%s: ",
		    log_syslog_prio[lvl], log_names[lvl]);
	else
		n = snprintf(line, sizeof(line), "%s[%ld]: %s: ", log_prog,
		    (long)getpid(), log_names[lvl]);
	pos = n > 0 ? (size_t)n : 0;
	if (module) {
		log_append_escaped(line, sizeof(line), &pos, module);
		log_append_escaped(line, sizeof(line), &pos, ": ");
	}
	log_append_escaped(line, sizeof(line), &pos, msg);
	line[pos++] = '\n';
	log_write_line(line, pos);
	errno = saved_errno;
}

void
log_emit(const char *module, enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(module, lvl, fmt, ap);
	va_end(ap);
}

void
log_fatal_impl(const char *module, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(module, LOG_LVL_FATAL, fmt, ap);
	va_end(ap);
	exit(1);
}

/* The escaped form of c into out (at most 4 bytes); returns its length. */
static size_t
str_escape_char(unsigned char c, char *out)
{
	static const char hex[] = "0123456789abcdef";

	if (c == '"' || c == '\\') {
		out[0] = '\\';
		out[1] = (char)c;
		return 2;
	}
	if (c < 0x20 || c == 0x7f) {
		out[0] = '\\';
		out[1] = 'x';
		out[2] = hex[c >> 4];
		out[3] = hex[c & 15];
		return 4;
	}
	out[0] = (char)c;
	return 1;
}

const char *
str_escape(char *buf, size_t n, const char *s)
{
	size_t pos = 0, keep = 0;

	if (n == 0)
		return buf;
	if (!s)
		s = "(null)";
	for (; *s; s++) {
		char piece[4];
		size_t plen = str_escape_char((unsigned char)*s, piece);

		if (pos + plen > n - 1) {
			size_t dots = n - 1 - keep < 3 ? n - 1 - keep : 3;

			memcpy(buf + keep, "...", dots);
			pos = keep + dots;
			break;
		}
		memcpy(buf + pos, piece, plen);
		pos += plen;
		if (pos + 3 <= n - 1)
			keep = pos;
	}
	buf[pos] = '\0';
	return buf;
}
