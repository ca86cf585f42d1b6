/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The vmhost CLI's domain verbs: define, list, dominfo, lifecycle, console, event (virsh's wording). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"

#define DEFINE_MAX (4u << 20)	/* bytes of XML read from a file */

static const struct cli_verb *
verb_self(const char *name)
{
	for (unsigned i = 0; i < cli_domain_nverbs; i++)
		if (strcmp(cli_domain_verbs[i].name, name) == 0)
			return &cli_domain_verbs[i];
	return NULL;
}

/* Print "error: MSG" and return 2, the exit status of a usage error. */
static int __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_error("%s", msg);
	return 2;
}

/* Parse a verb's options; -1 after printing a usage error. */
static int
parse(const struct cli_opt *opts, size_t maxpos, int argc, char **argv,
    struct cli_args *a)
{
	const struct cli_verb *v = verb_self(argv[0]);
	char err[256];

	if (cli_args_parse(opts, maxpos, argc, argv, a, err, sizeof(err)) < 0) {
		cli_error("%s (usage: vmhost %s %s)", err, argv[0],
		    v ? v->synopsis : "");
		return -1;
	}
	return 0;
}

/* The domain: the first positional, or --domain; -1 after a usage error. */
static int
domain_arg(const char *verb, const struct cli_args *a, const char *opt,
    const char **key)
{
	const struct cli_verb *v = verb_self(verb);

	if (opt && a->npos) {
		cli_error("domain given twice ('%s' and --domain '%s')",
		    a->pos[0], opt);
		return -1;
	}
	*key = opt ? opt : a->npos ? a->pos[0] : NULL;
	if (!*key || !**key) {
		cli_error("command '%s' requires a domain (usage: vmhost %s %s)",
		    verb, verb, v ? v->synopsis : "");
		return -1;
	}
	return 0;
}

/* The usual shape: NAME (or --domain NAME) and the given flags. */
static int
parse_domain(struct cli_opt *opts, int argc, char **argv, const char **key)
{
	const char *dom = NULL;
	struct cli_opt all[16];
	struct cli_args a;
	size_t n = 0;

	for (; opts && opts[n].name && n < 14; n++)
		all[n] = opts[n];
	all[n++] = (struct cli_opt){ "domain", NULL, &dom };
	all[n] = (struct cli_opt){ NULL, NULL, NULL };
	if (parse(all, 1, argc, argv, &a) < 0 ||
	    domain_arg(argv[0], &a, dom, key) < 0)
		return -1;
	return 0;
}

/* ---- define, undefine, dumpxml ---- */

/* Read all of fd, at most DEFINE_MAX bytes; malloc'd and NUL-terminated. */
static char *
read_fd(int fd, const char *path)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap), *nb;
	ssize_t r;

	while (buf) {
		if (len + 1 >= cap) {
			if (cap > DEFINE_MAX) {
				cli_error("file '%s' is larger than %u MiB",
				    path, DEFINE_MAX >> 20);
				break;
			}
			if (!(nb = realloc(buf, cap * 2)))
				break;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cli_error("Failed to read file '%s': %s", path,
			    strerror(errno));
			break;
		}
		if (r == 0) {
			buf[len] = '\0';
			if (strlen(buf) == len)
				return buf;
			cli_error("file '%s' contains a NUL byte", path);
			break;
		}
		len += (size_t)r;
	}
	if (!buf)
		cli_error("out of memory");
	free(buf);
	return NULL;
}

static char *
read_xml_file(const char *path)
{
	struct stat st;
	char *xml;
	int fd;

	if (strcmp(path, "-") == 0)
		return read_fd(STDIN_FILENO, "-");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		cli_error("Failed to open file '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		cli_error("Failed to read file '%s': %s", path,
		    strerror(EISDIR));
		close(fd);
		return NULL;
	}
	xml = read_fd(fd, path);
	close(fd);
	return xml;
}

static int
cmd_define(struct cli *cli, int argc, char **argv)
{
	struct vmhost_domain_summary s;
	const char *file = NULL;
	int validate = 0, rc;
	struct cli_opt opts[] = {
		{ "file", NULL, &file }, { "validate", &validate, NULL },
		{ NULL, NULL, NULL },
	};
	struct cli_args a;
	char *xml;

	if (parse(opts, 1, argc, argv, &a) < 0)
		return 2;
	if (a.npos && file)
		return usage_error("file given twice");
	if (a.npos)
		file = a.pos[0];
	if (!file)
		return usage_error("command 'define' requires a FILE (usage: vmhost define FILE [--validate])");
	if (!(xml = read_xml_file(file)))
		return 1;
	if (!cli_conn(cli)) {
		free(xml);
		return 1;
	}
	rc = vmhost_domain_define(cli->conn, xml,
	    validate ? VMHOST_DEFINE_VALIDATE : 0, &s);
	free(xml);
	if (rc < 0)
		return cli_conn_error(cli);
	printf("Domain '%s' defined from %s\n", s.name, file);
	return 0;
}

static int
cmd_undefine(struct cli *cli, int argc, char **argv)
{
	char name[VMHOST_NAME_LEN];
	const char *key;

	if (parse_domain(NULL, argc, argv, &key) < 0)
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_domain_undefine(cli->conn, key, name, sizeof(name)) < 0)
		return cli_conn_error(cli);
	printf("Domain '%s' has been undefined\n", name);
	return 0;
}

static int
cmd_dumpxml(struct cli *cli, int argc, char **argv)
{
	int inactive = 0;
	struct cli_opt opts[] = {
		{ "inactive", &inactive, NULL }, { NULL, NULL, NULL },
	};
	const char *key;
	char *xml;
	size_t len;

	if (parse_domain(opts, argc, argv, &key) < 0)
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (!(xml = vmhost_domain_xml(cli->conn, key,
	    inactive ? VMHOST_XML_INACTIVE : 0)))
		return cli_conn_error(cli);
	len = strlen(xml);
	fputs(xml, stdout);
	if (len && xml[len - 1] != '\n')
		fputc('\n', stdout);
	free(xml);
	return 0;
}

/* ---- list ---- */

static void
id_string(const struct vmhost_domain_summary *s, char *buf, size_t len)
{
	if (s->id >= 0)
		snprintf(buf, len, "%d", s->id);
	else
		snprintf(buf, len, "-");
}

/* virsh's table: " Id   Name   State", a line of dashes, one row each. */
static void
list_table(const struct vmhost_domain_summary *d, size_t n)
{
	size_t wid = 2, wname = 4, wstate = 5, w;
	char id[16];

	for (size_t i = 0; i < n; i++) {
		id_string(&d[i], id, sizeof(id));
		if ((w = strlen(id)) > wid)
			wid = w;
		if ((w = cli_text_width(d[i].name)) > wname)
			wname = w;
		if ((w = strlen(vmhost_domain_state_name(d[i].state))) > wstate)
			wstate = w;
	}
	printf(" %-*s   %-*s   %s\n", (int)wid, "Id", (int)wname, "Name",
	    "State");
	for (size_t i = 0; i < wid + wname + wstate + 9; i++)
		fputc('-', stdout);
	fputc('\n', stdout);
	for (size_t i = 0; i < n; i++) {
		id_string(&d[i], id, sizeof(id));
		printf(" %-*s   %s%*s   %s\n", (int)wid, id, d[i].name,
		    (int)(wname - cli_text_width(d[i].name)), "",
		    vmhost_domain_state_name(d[i].state));
	}
}

static int
cmd_list(struct cli *cli, int argc, char **argv)
{
	int all = 0, inactive = 0, name = 0, uuid = 0, run = 0, off = 0,
	    paused = 0;
	struct cli_opt opts[] = {
		{ "all", &all, NULL }, { "inactive", &inactive, NULL },
		{ "name", &name, NULL }, { "uuid", &uuid, NULL },
		{ "state-running", &run, NULL },
		{ "state-shutoff", &off, NULL },
		{ "state-paused", &paused, NULL }, { NULL, NULL, NULL },
	};
	struct vmhost_domain_summary *d;
	struct cli_args a;
	unsigned flags;
	size_t n;

	if (parse(opts, 0, argc, argv, &a) < 0)
		return 2;
	flags = (all || inactive || off ? VMHOST_LIST_ALL : 0) |
	    (run ? VMHOST_LIST_RUNNING : 0) | (off ? VMHOST_LIST_SHUTOFF : 0) |
	    (paused ? VMHOST_LIST_PAUSED : 0);
	if (!cli_conn(cli))
		return 1;
	if (vmhost_domain_list(cli->conn, flags, &d, &n) < 0)
		return cli_conn_error(cli);
	if (inactive && !all) {
		size_t k = 0;

		for (size_t i = 0; i < n; i++)
			if (d[i].id < 0)
				d[k++] = d[i];
		n = k;
	}
	for (size_t i = 0; (name || uuid) && i < n; i++) {
		if (uuid && name)
			printf("%-36s %s\n", d[i].uuid, d[i].name);
		else
			printf("%s\n", uuid ? d[i].uuid : d[i].name);
	}
	if (!name && !uuid)
		list_table(d, n);
	vmhost_domain_list_free(d);
	return 0;
}

/* ---- dominfo, domstate, domuuid, domname, domid ---- */

static int
get_info(struct cli *cli, int argc, char **argv, struct cli_opt *opts,
    struct vmhost_domain_info *info)
{
	const char *key;

	if (parse_domain(opts, argc, argv, &key) < 0)
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_domain_info(cli->conn, key, info) < 0)
		return cli_conn_error(cli);
	return 0;
}

static int
cmd_dominfo(struct cli *cli, int argc, char **argv)
{
	struct vmhost_domain_info i;
	const struct vmhost_domain_summary *s = &i.summary;
	char id[16];
	int rc;

	if ((rc = get_info(cli, argc, argv, NULL, &i)))
		return rc;
	id_string(s, id, sizeof(id));
	printf("%-15s %s\n", "Id:", id);
	printf("%-15s %s\n", "Name:", s->name);
	printf("%-15s %s\n", "UUID:", s->uuid);
	printf("%-15s %s\n", "OS Type:", i.os_type);
	printf("%-15s %s\n", "State:", vmhost_domain_state_name(s->state));
	printf("%-15s %u\n", "CPU(s):", i.vcpus);
	if (i.cpu_time_ns)
		printf("%-15s %.1lfs\n", "CPU time:",
		    (double)i.cpu_time_ns / 1e9);
	printf("%-15s %llu KiB\n", "Max memory:",
	    (unsigned long long)i.max_memory_kib);
	printf("%-15s %llu KiB\n", "Used memory:",
	    (unsigned long long)i.memory_kib);
	printf("%-15s %s\n", "Persistent:", i.persistent ? "yes" : "no");
	printf("%-15s %s\n", "Autostart:", s->autostart ? "enable" : "disable");
	printf("%-15s %s\n", "Managed save:", "no");
	printf("%-15s %s\n", "Security model:",
	    i.security_model[0] ? i.security_model : "none");
	printf("%-15s %s\n", "Security DOI:", "0");
	if (i.security_label[0])
		printf("%-15s %s (enforcing)\n", "Security label:",
		    i.security_label);
	return 0;
}

static int
cmd_domstate(struct cli *cli, int argc, char **argv)
{
	int reason = 0;
	struct cli_opt opts[] = {
		{ "reason", &reason, NULL }, { NULL, NULL, NULL },
	};
	struct vmhost_domain_info i;
	int rc;

	if ((rc = get_info(cli, argc, argv, opts, &i)))
		return rc;
	if (reason)
		printf("%s (%s)\n", vmhost_domain_state_name(i.summary.state),
		    i.summary.reason[0] ? i.summary.reason : "unknown");
	else
		printf("%s\n", vmhost_domain_state_name(i.summary.state));
	return 0;
}

static int
cmd_domuuid(struct cli *cli, int argc, char **argv)
{
	struct vmhost_domain_info i;
	int rc;

	if ((rc = get_info(cli, argc, argv, NULL, &i)))
		return rc;
	printf("%s\n", i.summary.uuid);
	return 0;
}

static int
cmd_domname(struct cli *cli, int argc, char **argv)
{
	struct vmhost_domain_info i;
	int rc;

	if ((rc = get_info(cli, argc, argv, NULL, &i)))
		return rc;
	printf("%s\n", i.summary.name);
	return 0;
}

static int
cmd_domid(struct cli *cli, int argc, char **argv)
{
	struct vmhost_domain_info i;
	char id[16];
	int rc;

	if ((rc = get_info(cli, argc, argv, NULL, &i)))
		return rc;
	id_string(&i.summary, id, sizeof(id));
	printf("%s\n", id);
	return 0;
}

/* ---- autostart, desc ---- */

static int
cmd_autostart(struct cli *cli, int argc, char **argv)
{
	struct vmhost_domain_summary s;
	int disable = 0;
	struct cli_opt opts[] = {
		{ "disable", &disable, NULL }, { NULL, NULL, NULL },
	};
	const char *key;

	if (parse_domain(opts, argc, argv, &key) < 0)
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_domain_autostart(cli->conn, key, !disable, &s) < 0)
		return cli_conn_error(cli);
	printf("Domain '%s' %s as autostarted\n", s.name[0] ? s.name : key,
	    disable ? "unmarked" : "marked");
	return 0;
}

static int
desc_print(struct cli *cli, const char *key, int title)
{
	char *text = vmhost_domain_desc_get(cli->conn, key, title);

	if (!text)
		return cli_conn_error(cli);
	if (!*text)
		printf("No %s for domain: %s\n", title ? "title" : "description",
		    key);
	else
		printf("%s%s", text,
		    text[strlen(text) - 1] == '\n' ? "" : "\n");
	free(text);
	return 0;
}

static int
cmd_desc(struct cli *cli, int argc, char **argv)
{
	const char *newdesc = NULL, *dom = NULL, *key;
	int title = 0;
	struct cli_opt opts[] = {
		{ "title", &title, NULL }, { "new-desc", NULL, &newdesc },
		{ "domain", NULL, &dom }, { NULL, NULL, NULL },
	};
	static char text[65536];
	struct cli_args a;
	size_t first;

	if (parse(opts, 64, argc, argv, &a) < 0)
		return 2;
	/* with --domain, every positional is text */
	first = dom ? 0 : 1;
	key = dom ? dom : a.npos ? a.pos[0] : NULL;
	if (!key || !*key)
		return usage_error("command 'desc' requires a domain (usage: vmhost desc %s)",
		    verb_self("desc")->synopsis);
	if (newdesc && a.npos > first)
		return usage_error("description given twice");
	if (a.npos > first && cli_join_words(a.pos + first, a.npos - first,
	    text, sizeof(text)) < 0)
		return usage_error("description too long");
	if (!cli_conn(cli))
		return 1;
	if (!newdesc && a.npos <= first)
		return desc_print(cli, key, title);
	if (vmhost_domain_desc_set(cli->conn, key, title,
	    newdesc ? newdesc : text) < 0)
		return cli_conn_error(cli);
	printf("Domain %s updated successfully\n",
	    title ? "title" : "description");
	return 0;
}

/* ---- lifecycle ---- */

static const struct {
	const char *verb;
	int (*fn)(vmhost_conn *, const char *, struct vmhost_domain_summary *);
	const char *done;	/* after "Domain 'NAME' " */
} lifecycle_ops[] = {
	{ "shutdown", vmhost_domain_shutdown, "is being shutdown" },
	{ "destroy", vmhost_domain_destroy, "destroyed" },
	{ "reboot", vmhost_domain_reboot, "is being rebooted" },
	{ "reset", vmhost_domain_reset, "was reset" },
	{ "suspend", vmhost_domain_suspend, "suspended" },
	{ "resume", vmhost_domain_resume, "resumed" },
};

static int
cmd_lifecycle(struct cli *cli, int argc, char **argv)
{
	struct vmhost_domain_summary s;
	const char *key;

	if (parse_domain(NULL, argc, argv, &key) < 0)
		return 2;
	for (size_t i = 0; i < sizeof(lifecycle_ops) / sizeof(*lifecycle_ops);
	    i++) {
		if (strcmp(lifecycle_ops[i].verb, argv[0]) != 0)
			continue;
		if (!cli_conn(cli))
			return 1;
		if (lifecycle_ops[i].fn(cli->conn, key, &s) < 0)
			return cli_conn_error(cli);
		printf("Domain '%s' %s\n", s.name[0] ? s.name : key,
		    lifecycle_ops[i].done);
		return 0;
	}
	return cli_error("unknown verb '%s'", argv[0]);
}

/* Attach to a running guest's console; name is for the banner. */
static int
console_attach(struct cli *cli, const char *key, const char *name,
    unsigned long timeout, int read_only)
{
	int fd = vmhost_domain_console(cli->conn, key);
	int rc;

	if (fd < 0)
		return cli_conn_error(cli);
	printf("Connected to domain '%s'\n", name);
	printf("Escape character is ^] (Ctrl + ])\n");
	rc = cli_console_run(fd, timeout, read_only);
	close(fd);
	return rc;
}

/*
 * With --console the guest starts paused, the console attaches, and only
 * then the guest runs, so no early output is lost (unless --paused).
 */
static int
cmd_start(struct cli *cli, int argc, char **argv)
{
	struct vmhost_domain_summary s;
	int paused = 0, console = 0;
	struct cli_opt opts[] = {
		{ "paused", &paused, NULL }, { "console", &console, NULL },
		{ NULL, NULL, NULL },
	};
	const char *key;
	int fd, rc;

	if (parse_domain(opts, argc, argv, &key) < 0)
		return 2;
	if (!cli_conn(cli))
		return 1;
	if (vmhost_domain_start(cli->conn, key, paused || console ?
	    VMHOST_START_PAUSED : 0, &s) < 0)
		return cli_conn_error(cli);
	printf("Domain '%s' started\n", s.name[0] ? s.name : key);
	if (!console)
		return 0;
	if ((fd = vmhost_domain_console(cli->conn, s.uuid[0] ? s.uuid :
	    key)) < 0) {
		rc = cli_conn_error(cli);
		if (!paused)
			vmhost_domain_resume(cli->conn, key, NULL);
		return rc;
	}
	if (!paused && vmhost_domain_resume(cli->conn, key, NULL) < 0) {
		close(fd);
		return cli_conn_error(cli);
	}
	printf("Connected to domain '%s'\n", s.name[0] ? s.name : key);
	printf("Escape character is ^] (Ctrl + ])\n");
	rc = cli_console_run(fd, 0, 0);
	close(fd);
	return rc;
}

static int
cmd_console(struct cli *cli, int argc, char **argv)
{
	const char *timeout_s = NULL, *key;
	int read_only = 0, force = 0;
	struct cli_opt opts[] = {
		{ "timeout", NULL, &timeout_s },
		{ "read-only", &read_only, NULL }, { "force", &force, NULL },
		{ NULL, NULL, NULL },
	};
	struct vmhost_domain_info i;
	unsigned long timeout = 0;

	if (parse_domain(opts, argc, argv, &key) < 0)
		return 2;
	if (timeout_s && cli_parse_uint(timeout_s, 86400 * 365, &timeout) < 0)
		return usage_error("--timeout wants whole seconds, not '%s'",
		    timeout_s);
	if (!cli_conn(cli))
		return 1;
	if (vmhost_domain_info(cli->conn, key, &i) < 0)
		return cli_conn_error(cli);
	return console_attach(cli, i.summary.uuid, i.summary.name, timeout,
	    read_only);
}

/* ---- event ---- */

static volatile sig_atomic_t event_interrupted;

static void
on_event_signal(int sig)
{
	(void)sig;
	event_interrupted = 1;
}

static void
event_print(const struct vmhost_event *e, int timestamp)
{
	if (timestamp) {
		time_t t = (time_t)(e->time_us / 1000000);
		struct tm tm;
		char buf[64];

		gmtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
		printf("%s.%03d+0000: ", buf, (int)(e->time_us / 1000 % 1000));
	}
	printf("event 'lifecycle' for domain '%s': %s %s\n", e->domain,
	    e->event, e->detail);
	fflush(stdout);
}

/* The sequence number of the newest event now (no waiting). */
static int
events_now(vmhost_conn *c, const char *domain, uint64_t *last)
{
	struct vmhost_event *evs;
	uint64_t after = 0;
	size_t n;

	do {
		if (vmhost_events_wait(c, after, 0, domain, &evs, &n, last) < 0)
			return -1;
		vmhost_events_free(evs);
		if (*last <= after)
			break;
		after = *last;
	} while (n);
	return 0;
}

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct event_opts {
	const char *domain;
	int loop, timestamp;
	unsigned long timeout;	/* seconds, 0: none */
};

/* Long polls from the newest event on; 0 done, 1 timed out, -1 error. */
static int
event_loop(vmhost_conn *c, const struct event_opts *o, unsigned *count)
{
	long long deadline = o->timeout ? mono_ms() +
	    (long long)o->timeout * 1000 : 0;
	struct vmhost_event *evs;
	uint64_t after, last;
	size_t n;

	if (events_now(c, o->domain, &after) < 0)
		return -1;
	for (;;) {
		long long wait = 600000;

		if (deadline && (wait = deadline - mono_ms()) <= 0)
			return 1;
		if (wait > 600000)
			wait = 600000;
		if (vmhost_events_wait(c, after, (unsigned)wait, o->domain,
		    &evs, &n, &last) < 0)
			return -1;
		for (size_t i = 0; i < n && (o->loop || !*count); i++) {
			event_print(&evs[i], o->timestamp);
			(*count)++;
		}
		vmhost_events_free(evs);
		after = last;
		if (*count && !o->loop)
			return 0;
	}
}

static int
cmd_event(struct cli *cli, int argc, char **argv)
{
	struct event_opts o = { 0 };
	const char *timeout_s = NULL, *type = NULL;
	int all = 0, list = 0, r;
	struct cli_opt opts[] = {
		{ "domain", NULL, &o.domain }, { "event", NULL, &type },
		{ "all", &all, NULL }, { "loop", &o.loop, NULL },
		{ "timeout", NULL, &timeout_s },
		{ "timestamp", &o.timestamp, NULL }, { "list", &list, NULL },
		{ NULL, NULL, NULL },
	};
	struct sigaction sa, old_int, old_term;
	struct cli_args a;
	unsigned count = 0;

	if (parse(opts, 0, argc, argv, &a) < 0)
		return 2;
	if (list) {
		printf("lifecycle\n");
		return 0;
	}
	if (type && strcmp(type, "lifecycle") != 0)
		return usage_error("unsupported event type '%s' (only 'lifecycle')",
		    type);
	if (timeout_s && (cli_parse_uint(timeout_s, 86400 * 365,
	    &o.timeout) < 0 || !o.timeout))
		return usage_error("--timeout wants a positive number of seconds, not '%s'",
		    timeout_s);
	if (!cli_conn(cli))
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_event_signal;	/* no SA_RESTART: the wait ends */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	r = event_loop(cli->conn, &o, &count);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (r < 0 && !event_interrupted)
		return cli_conn_error(cli);
	if (event_interrupted)
		printf("event loop interrupted\n");
	else if (r == 1)
		printf("event loop timed out\n");
	printf("events received: %u\n", count);
	return 0;
}

const struct cli_verb cli_domain_verbs[] = {
	{ "define", "FILE [--validate]",
	  "Define (or redefine) a domain from an XML file in libvirt's domain dialect; '-' reads standard input (4 MiB at most). --validate: refuse what is not strictly valid.",
	  cmd_define, 0 },
	{ "undefine", "NAME",
	  "Remove a domain's definition. A running domain keeps running and is gone once it stops.",
	  cmd_undefine, 0 },
	{ "dumpxml", "NAME [--inactive]",
	  "Print the domain's XML: the live one while it runs, or with --inactive the definition used at the next start.",
	  cmd_dumpxml, 0 },
	{ "list", "[--all] [--inactive] [--name] [--uuid] [--state-running] [--state-shutoff] [--state-paused]",
	  "List running domains (--all: also inactive ones; --inactive: only those). --name or --uuid print one per line (both: UUID NAME). --state-* keep only domains in those states.",
	  cmd_list, 0 },
	{ "dominfo", "NAME", "Show a domain's basic information.", cmd_dominfo,
	  0 },
	{ "domstate", "NAME [--reason]",
	  "Print a domain's state; --reason adds why it is in it.",
	  cmd_domstate, 0 },
	{ "domuuid", "NAME|ID", "Print a domain's UUID.", cmd_domuuid, 0 },
	{ "domname", "ID|UUID", "Print a domain's name.", cmd_domname, 0 },
	{ "domid", "NAME|UUID", "Print a running domain's id, '-' when it is not running.",
	  cmd_domid, 0 },
	{ "autostart", "NAME [--disable]",
	  "Start the domain whenever vmhostd starts; --disable stops that.",
	  cmd_autostart, 0 },
	{ "desc", "NAME [--title] [--new-desc TEXT | TEXT...]",
	  "Print the domain's description (--title: its title), or set it to TEXT (words joined by spaces).",
	  cmd_desc, 0 },
	{ "start", "NAME [--paused] [--console]",
	  "Start a defined domain; --paused leaves its CPUs stopped; --console attaches to its serial console (the guest is started paused and resumed once attached, so no output is lost).",
	  cmd_start, 0 },
	{ "shutdown", "NAME",
	  "Ask the guest to power off (ACPI); the guest decides. See 'event' to wait for it.",
	  cmd_lifecycle, 0 },
	{ "destroy", "NAME", "Stop the guest at once (its emulator is killed).",
	  cmd_lifecycle, 0 },
	{ "reboot", "NAME", "Ask the guest to reboot (ACPI).", cmd_lifecycle, 0 },
	{ "reset", "NAME", "Reset the guest at once, like its reset button.",
	  cmd_lifecycle, 0 },
	{ "suspend", "NAME", "Pause the guest's CPUs.", cmd_lifecycle, 0 },
	{ "resume", "NAME", "Resume a paused guest.", cmd_lifecycle, 0 },
	{ "console", "NAME [--timeout SECS] [--read-only]",
	  "Attach to the guest's serial console; ^] (Ctrl + ]) leaves. A terminal is put in raw mode and restored. Ends when the guest stops; with --timeout after SECS seconds. Input that is not a terminal is sent until it ends, then the output is still shown; --read-only sends nothing.",
	  cmd_console, 0 },
	{ "event", "[--domain NAME] [--event lifecycle] [--all] [--loop] [--timeout SECS] [--timestamp] [--list]",
	  "Wait for the next lifecycle event (of one domain with --domain) and print it; --loop keeps printing; --timeout ends the wait after SECS seconds; --timestamp prefixes the time (UTC); --list prints the event types.",
	  cmd_event, 0 },
};
const unsigned cli_domain_nverbs =
    sizeof(cli_domain_verbs) / sizeof(cli_domain_verbs[0]);
