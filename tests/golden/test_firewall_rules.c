/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Golden test: nftables rulesets and the iptables fallback's cover libvirt 9.0.0's iptables rules in meaning; nft and iptables-restore accept them in a private netns. */
#include <errno.h>
#include <sched.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netd/firewall_ipt.h"
#include "netd/firewall_rules.h"
#include "tests/unit/check.h"

#define MAX_FACTS 256

extern char **environ;

/* One rule reduced to what it means. */
struct fact {
	char hook[16];		/* input, output, forward, postrouting */
	int family;		/* 4, 6, or 0 for both */
	char iif[32], oif[32], saddr[64], daddr[64], proto[8], ct[32];
	char action[16], ports[24];
	bool dneg;
	int dport;
};

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

static void
lower_copy(char *dst, size_t n, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < n && src[i]; i++)
		dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ?
		    src[i] + 32 : src[i]);
	dst[i] = '\0';
}

/* "a.b.c.d" -> "a.b.c.d/32" so both sides write host routes alike. */
static void
addr_copy(char *dst, size_t n, const char *src, int family)
{
	if (strchr(src, '/'))
		snprintf(dst, n, "%s", src);
	else
		snprintf(dst, n, "%s/%d", src, family == 6 ? 128 : 32);
}

static const char *
libvirt_hook(const char *table, const char *chain)
{
	if (strcmp(table, "filter") == 0 && strcmp(chain, "LIBVIRT_INP") == 0)
		return "input";
	if (strcmp(table, "filter") == 0 && strcmp(chain, "LIBVIRT_OUT") == 0)
		return "output";
	if (strcmp(table, "filter") == 0 && strncmp(chain, "LIBVIRT_FW", 10) == 0)
		return "forward";
	if (strcmp(table, "nat") == 0 && strcmp(chain, "LIBVIRT_PRT") == 0)
		return "postrouting";
	/* netd's iptables fallback: VMH_<kind>_<bridge> */
	if (strncmp(chain, "VMH_INP_", 8) == 0)
		return "input";
	if (strncmp(chain, "VMH_OUT_", 8) == 0)
		return "output";
	if (strncmp(chain, "VMH_FW", 6) == 0)
		return "forward";
	if (strncmp(chain, "VMH_PRT_", 8) == 0)
		return "postrouting";
	return NULL;	/* mangle CHECKSUM: no nftables counterpart */
}

/* "RELATED,ESTABLISHED" and "established,related" alike. */
static void
ct_norm(char *ct)
{
	if (strstr(ct, "related") && strstr(ct, "established") &&
	    !strchr(strchr(ct, ',') ? strchr(ct, ',') + 1 : "", ','))
		strcpy(ct, "established,related");
}

/* One iptables command (argv words) into a fact; false when not a rule. */
static bool
libvirt_fact(char **w, int n, struct fact *f)
{
	const char *table = "", *chain = "";
	bool neg = false;

	memset(f, 0, sizeof(*f));
	f->family = strcmp(w[0], "ip6tables") == 0 ? 6 : 4;
	for (int i = 1; i < n; i++) {
		const char *k = w[i], *v = i + 1 < n ? w[i + 1] : "";

		if (strcmp(k, "!") == 0) {
			neg = true;
			continue;
		}
		/* long options (libvirt's, netd's restore input) and the
		 * short ones iptables-save prints */
		if (strcmp(k, "--table") == 0 || strcmp(k, "-t") == 0)
			table = v;
		else if (strcmp(k, "--insert") == 0 || strcmp(k, "--append") == 0 ||
		    strcmp(k, "-A") == 0)
			chain = v;
		else if (strcmp(k, "--in-interface") == 0 || strcmp(k, "-i") == 0)
			snprintf(f->iif, sizeof(f->iif), "%s", v);
		else if (strcmp(k, "--out-interface") == 0 || strcmp(k, "-o") == 0)
			snprintf(f->oif, sizeof(f->oif), "%s", v);
		else if (strcmp(k, "--source") == 0 || strcmp(k, "-s") == 0)
			addr_copy(f->saddr, sizeof(f->saddr), v, f->family);
		else if (strcmp(k, "--destination") == 0 || strcmp(k, "-d") == 0) {
			addr_copy(f->daddr, sizeof(f->daddr), v, f->family);
			f->dneg = neg;
		} else if (strcmp(k, "--protocol") == 0 || strcmp(k, "-p") == 0)
			snprintf(f->proto, sizeof(f->proto), "%s", v);
		else if (strcmp(k, "--destination-port") == 0 ||
		    strcmp(k, "--dport") == 0)
			f->dport = atoi(v);
		else if (strcmp(k, "--ctstate") == 0) {
			lower_copy(f->ct, sizeof(f->ct), v);
			ct_norm(f->ct);
		} else if (strcmp(k, "--jump") == 0 || strcmp(k, "-j") == 0)
			lower_copy(f->action, sizeof(f->action), v);
		else if (strcmp(k, "--to-ports") == 0)
			snprintf(f->ports, sizeof(f->ports), "%s", v);
		else
			continue;
		neg = false;
		i++;
	}
	if (!libvirt_hook(table, chain))
		return false;
	snprintf(f->hook, sizeof(f->hook), "%s", libvirt_hook(table, chain));
	return true;
}

/* Split the .args file into commands (lines joined by " \\"), each into a fact. */
static int
libvirt_facts(char *text, struct fact *out, int max, int *skipped)
{
	char *w[64], *save = NULL, *ws;
	int nw = 0, nf = 0;

	*skipped = 0;
	for (char *l = strtok_r(text, "\n", &save); ; l = strtok_r(NULL, "\n",
	    &save)) {
		size_t len = l ? strlen(l) : 0;
		bool more = len >= 2 && strcmp(l + len - 2, " \\") == 0;

		if (l && more)
			l[len - 2] = '\0';
		for (char *t = l ? strtok_r(l, " ", &ws) : NULL; t && nw < 64;
		    t = strtok_r(NULL, " ", &ws)) {
			if (t[0] == '\'' && strlen(t) > 1) {	/* '!' */
				t[strlen(t) - 1] = '\0';
				t++;
			}
			w[nw++] = t;
		}
		if (l && more)
			continue;
		if (nw > 0 && nf < max) {
			if (libvirt_fact(w, nw, &out[nf]))
				nf++;
			else
				(*skipped)++;
		}
		nw = 0;
		if (!l)
			break;
	}
	return nf;
}

static const char *
chain_hook(const char *chain)
{
	static const char *const map[][2] = {
		{ "in_", "input" }, { "out_", "output" },
		{ "fwd_", "forward" }, { "nat_", "postrouting" },
	};

	for (size_t i = 0; i < 4; i++)
		if (strncmp(chain, map[i][0], strlen(map[i][0])) == 0)
			return map[i][1];
	return "";
}

static void
unquote(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s[0] == '"' ? s + 1 : s);
	if (dst[0] && dst[strlen(dst) - 1] == '"')
		dst[strlen(dst) - 1] = '\0';
}

/* One word sequence of an nft rule into f; returns words consumed. */
static int
nft_word(char **w, int i, int n, struct fact *f)
{
	const char *k = w[i], *v = i + 1 < n ? w[i + 1] : "";

	if (strcmp(k, "meta") == 0 && strcmp(v, "nfproto") == 0)
		f->family = strcmp(w[i + 2], "ipv6") == 0 ? 6 : 4;
	else if (strcmp(k, "meta") == 0 && strcmp(v, "l4proto") == 0)
		snprintf(f->proto, sizeof(f->proto), "%s", w[i + 2]);
	else if (strcmp(k, "ct") == 0) {
		snprintf(f->ct, sizeof(f->ct), "%s", w[i + 2]);
		ct_norm(f->ct);
	}
	else if (strcmp(k, "iifname") == 0 || strcmp(k, "oifname") == 0) {
		unquote(k[0] == 'i' ? f->iif : f->oif, sizeof(f->iif), v);
		return 2;
	} else if ((strcmp(k, "tcp") == 0 || strcmp(k, "udp") == 0) &&
	    strcmp(v, "dport") == 0) {
		snprintf(f->proto, sizeof(f->proto), "%s", k);
		f->dport = atoi(w[i + 2]);
	} else if ((strcmp(k, "ip") == 0 || strcmp(k, "ip6") == 0) &&
	    (strcmp(v, "saddr") == 0 || strcmp(v, "daddr") == 0)) {
		int fam = k[2] == '6' ? 6 : 4, neg = strcmp(w[i + 2], "!=") == 0;
		char *dst = v[0] == 's' ? f->saddr : f->daddr;

		f->family = fam;
		addr_copy(dst, sizeof(f->saddr), w[i + 2 + neg], fam);
		if (v[0] == 'd')
			f->dneg = neg;
		return 3 + neg;
	} else if (strcmp(k, "ip") == 0 || strcmp(k, "ip6") == 0) {
		return 1;	/* "snat ip to": the family of the target */
	} else if (strcmp(k, "to") == 0) {
		snprintf(f->ports, sizeof(f->ports), "%s", v[0] == ':' ? v + 1 : v);
		return 2;
	} else {
		snprintf(f->action, sizeof(f->action), "%s", k);
		return 1;
	}
	return 3;
}

static int
nft_facts(char *text, struct fact *out, int max)
{
	char *save = NULL, *w[64], *ws;
	int nf = 0;

	for (char *l = strtok_r(text, "\n", &save); l && nf < max;
	    l = strtok_r(NULL, "\n", &save)) {
		int nw = 0;

		if (strncmp(l, "add rule inet vmhost ", 21) != 0)
			continue;
		for (char *t = strtok_r(l + 21, " ", &ws); t && nw < 64;
		    t = strtok_r(NULL, " ", &ws))
			w[nw++] = t;
		memset(&out[nf], 0, sizeof(out[nf]));
		snprintf(out[nf].hook, sizeof(out[nf].hook), "%s",
		    chain_hook(w[0]));
		for (int i = 1; i < nw; )
			i += nft_word(w, i, nw, &out[nf]);
		nf++;
	}
	return nf;
}

static bool
covers(const struct fact *r, const struct fact *f)
{
	return strcmp(r->hook, f->hook) == 0 &&
	    strcmp(r->action, f->action) == 0 &&
	    (r->family == 0 || r->family == f->family) &&
	    strcmp(r->iif, f->iif) == 0 && strcmp(r->oif, f->oif) == 0 &&
	    strcmp(r->saddr, f->saddr) == 0 && strcmp(r->daddr, f->daddr) == 0 &&
	    r->dneg == f->dneg && strcmp(r->proto, f->proto) == 0 &&
	    r->dport == f->dport && strcmp(r->ct, f->ct) == 0 &&
	    strcmp(r->ports, f->ports) == 0;
}

static char *
build(const char *dir, const char *name, char **bridge)
{
	char path[4096], err[256], *xml, *rules = NULL;
	struct network_def *n = NULL;

	snprintf(path, sizeof(path), "%s/%s.xml", dir, name);
	xml = read_file(path);
	CHECK(xml != NULL);
	if (xml && network_parse(xml, strlen(xml), &n, err, sizeof(err)) < 0)
		fprintf(stderr, "%s: %s\n", path, err);
	CHECK(n != NULL);
	if (n)
		CHECK_INT(firewall_rules_build(n, &rules, err, sizeof(err)), 0);
	if (n && bridge)
		*bridge = strdup(n->bridge);
	network_def_free(n);
	free(xml);
	return rules;
}

/*
 * iptables lines of ours, "--append CHAIN ..." (restore input) or
 * "-A CHAIN ..." (iptables-save), chains VMH_*, into facts of family fam.
 */
static int
ipt_facts(char *text, int fam, struct fact *out, int max)
{
	static char ip4[] = "iptables", ip6[] = "ip6tables";
	char *save = NULL, *w[64], *ws;
	int nf = 0;

	for (char *l = strtok_r(text, "\n", &save); l && nf < max;
	    l = strtok_r(NULL, "\n", &save)) {
		int nw = 0;

		if (strncmp(l, "--append VMH_", 13) != 0 &&
		    strncmp(l, "-A VMH_", 7) != 0)
			continue;
		w[nw++] = fam == 6 ? ip6 : ip4;
		for (char *t = strtok_r(l, " ", &ws); t && nw < 64;
		    t = strtok_r(NULL, " ", &ws))
			w[nw++] = t;
		if (libvirt_fact(w, nw, &out[nf]))
			nf++;
	}
	return nf;
}

static char *build_ipt(const char *dir, const char *name, int family);

/*
 * Every accept/reject/masquerade/return of libvirt has a rule of ours:
 * what = "nft" (the nftables ruleset), "ipt" (the iptables fallback's
 * restore input), or "save" with v4/v6 iptables-save dumps of a netd
 * that applied the case.
 */
static void
meaning(const char *dir, const char *name, const char *what,
    const char *v4, const char *v6)
{
	static struct fact want[MAX_FACTS], got[MAX_FACTS];
	char path[4096], *args, *rules = NULL, *rules6 = NULL;
	int nw, ng, skipped, missing = 0;

	if (strcmp(what, "nft") == 0) {
		rules = build(dir, name, NULL);
		rules6 = strdup("");
	} else if (strcmp(what, "ipt") == 0) {
		rules = build_ipt(dir, name, 4);
		rules6 = build_ipt(dir, name, 6);
	} else {
		rules = read_file(v4);
		rules6 = read_file(v6);
	}
	snprintf(path, sizeof(path), "%s/%s-linux.args", dir, name);
	args = read_file(path);
	CHECK(args && rules && rules6);
	if (!args || !rules || !rules6)
		return;
	nw = libvirt_facts(args, want, MAX_FACTS, &skipped);
	if (strcmp(what, "nft") == 0) {
		ng = nft_facts(rules, got, MAX_FACTS);
	} else {
		ng = ipt_facts(rules, 4, got, MAX_FACTS);
		ng += ipt_facts(rules6, 6, got + ng, MAX_FACTS - ng);
	}
	CHECK(nw > 0 && ng > 0);	/* never pass on nothing parsed */
	for (int i = 0; i < nw; i++) {
		bool ok = false;

		for (int j = 0; j < ng && !ok; j++)
			ok = covers(&got[j], &want[i]);
		if (!ok)
			fprintf(stderr, "not covered: %s ipv%d %s iif=%s oif=%s "
			    "src=%s dst=%s%s proto=%s dport=%d ct=%s ports=%s\n",
			    want[i].hook, want[i].family, want[i].action,
			    want[i].iif, want[i].oif, want[i].saddr,
			    want[i].dneg ? "!" : "", want[i].daddr,
			    want[i].proto, want[i].dport, want[i].ct,
			    want[i].ports);
		missing += !ok;
		CHECK(ok);
	}
	printf("%s: %d libvirt rules, %d covered, %d without counterpart "
	    "(mangle CHECKSUM); %d %s rules\n", name, nw, nw - missing,
	    skipped, ng, what);
	free(args);
	free(rules);
	free(rules6);
}

/* The iptables fallback's restore input for a case, from nothing. */
static char *
build_ipt(const char *dir, const char *name, int family)
{
	char path[4096], err[256], *xml, *rules = NULL;
	struct network_def *n = NULL;

	snprintf(path, sizeof(path), "%s/%s.xml", dir, name);
	xml = read_file(path);
	if (xml && network_parse(xml, strlen(xml), &n, err, sizeof(err)) < 0)
		fprintf(stderr, "%s: %s\n", path, err);
	CHECK(n != NULL);
	if (n)
		CHECK_INT(firewall_ipt_apply_text(n, family, NULL, &rules, err,
		    sizeof(err)), 0);
	network_def_free(n);
	free(xml);
	return rules;
}

static int
run(char *const argv[])
{
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
		return -1;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int
write_tmp(char *tmpl, const char *text)
{
	int fd = mkstemp(tmpl);
	size_t len = strlen(text);
	bool ok;

	if (fd < 0)
		return -errno;
	ok = write(fd, text, len) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -EIO;
}

/*
 * nft -c on the ruleset, then for real, twice, and the deletion, all in a
 * network namespace of this test's own (unshare --net): never the host's.
 */
static int
nft_check(const char *dir, const char *name)
{
	char add[] = "/tmp/vmhost-nft-add-XXXXXX", del[] = "/tmp/vmhost-nft-del-XXXXXX";
	char *bridge = NULL, *rules = build(dir, name, &bridge), *drop = NULL;
	char script[512];
	char u[] = "unshare", net[] = "--net", nft[] = "nft", c[] = "-c",
	    f[] = "-f", sh[] = "sh", dc[] = "-c", t[] = "true";

	if (run((char *const[]){ u, net, t, NULL }) != 0)
		return 77;	/* no namespaces here: skip */
	CHECK(rules && bridge);
	if (!rules || !bridge)
		return check_done();
	CHECK_INT(firewall_rules_delete(bridge, true, &drop), 0);
	CHECK_INT(write_tmp(add, rules), 0);
	CHECK_INT(write_tmp(del, drop), 0);
	CHECK_INT(run((char *const[]){ u, net, nft, c, f, add, NULL }), 0);
	snprintf(script, sizeof(script), "nft -f %s && nft -f %s && "
	    "test $(nft list chain inet vmhost fwd_%s | grep -c reject) = 2 && "
	    "nft -f %s && ! nft list table inet vmhost 2>/dev/null && "
	    "nft -f %s", add, add, bridge, del, del);
	CHECK_INT(run((char *const[]){ u, net, sh, dc, script, NULL }), 0);
	unlink(add);
	unlink(del);
	free(rules);
	free(drop);
	free(bridge);
	return check_done();
}

/* sh -c cmd; its stdout (first 1 MiB) into a malloc'd string. */
static char *
sh_out(const char *cmd)
{
	char out[] = "/tmp/vmhost-ipt-out-XXXXXX", full[8192], *s;
	char sh[] = "sh", c[] = "-c";
	int fd = mkstemp(out);

	if (fd < 0)
		return NULL;
	close(fd);
	snprintf(full, sizeof(full), "%s >%s", cmd, out);
	s = run((char *const[]){ sh, c, full, NULL }) == 0 ? read_file(out) :
	    NULL;
	unlink(out);
	return s;
}

static int
count_lines(const char *s, const char *prefix)
{
	int n = 0;

	for (const char *p = s; p && *p; p += strcspn(p, "\n"), p += *p == '\n')
		n += strncmp(p, prefix, strlen(prefix)) == 0;
	return n;
}

/* restore text (may be empty) through BIN-restore --noflush. */
static int
restore(const char *bin, const char *text)
{
	char in[] = "/tmp/vmhost-ipt-in-XXXXXX", cmd[512], *o;
	int r;

	if (!*text)
		return 0;
	if (write_tmp(in, text) < 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s-restore --noflush -w <%s", bin, in);
	o = sh_out(cmd);
	r = o ? 0 : -1;
	if (!o)
		fprintf(stderr, "%s-restore refused:\n%s", bin, text);
	free(o);
	unlink(in);
	return r;
}

/*
 * The iptables fallback for real, in a network namespace of this test's
 * own (unshare(CLONE_NEWNET) of this process: never the host's), with
 * iptables-legacy and iptables-nft: apply, apply again (no duplicate), a
 * second network beside it, remove one (the other intact), remove the
 * other (nothing of ours left), remove again (nothing to do).
 */
static int
ipt_check(const char *dir, const char *name)
{
	static const char *const bins[][2] = {
		{ "iptables-legacy", "ip6tables-legacy" },
		{ "iptables-nft", "ip6tables-nft" },
	};
	char path[4096], err[256], *xml, *xml2, cmd[256];
	struct network_def *n = NULL, *n2 = NULL;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0)
		return 77;	/* no namespace of our own: skip */
	snprintf(path, sizeof(path), "%s/%s.xml", dir, name);
	xml = read_file(path);
	CHECK(xml && network_parse(xml, strlen(xml), &n, err, sizeof(err)) == 0);
	/* the same network on another bridge with another subnet */
	xml2 = xml ? strdup(xml) : NULL;
	for (char *p = xml2; p && (p = strstr(p, "192.168.")); p++)
		p[5] = '7';
	if (xml2 && network_parse(xml2, strlen(xml2), &n2, err,
	    sizeof(err)) < 0)
		fprintf(stderr, "second network: %s\n", err);
	CHECK(n && n2);
	if (n2) {
		free(n2->bridge);
		n2->bridge = strdup("vmhtest2");
	}
	for (size_t b = 0; n && n2 && b < 2; b++)
		for (int fam = 4; fam <= 6; fam += 2) {
			const char *bin = bins[b][fam == 6];
			char *saved, *text = NULL;
			int rules1, rules2;

			snprintf(cmd, sizeof(cmd), "%s-save", bin);
			for (int round = 0; round < 2; round++) {
				saved = sh_out(cmd);
				CHECK(saved != NULL);
				CHECK_INT(firewall_ipt_apply_text(n, fam, saved,
				    &text, err, sizeof(err)), 0);
				CHECK_INT(restore(bin, text ? text : ""), 0);
				free(saved);
				free(text);
			}
			saved = sh_out(cmd);
			rules1 = count_lines(saved, "-A VMH_");
			CHECK(rules1 > 0);
			CHECK(count_lines(saved, "-A FORWARD -j VMHOST_FW") == 3);
			CHECK(count_lines(saved, "-A INPUT -j VMHOST_INP") == 1);
			CHECK_INT(firewall_ipt_apply_text(n2, fam, saved, &text,
			    err, sizeof(err)), 0);
			CHECK_INT(restore(bin, text), 0);
			free(text);
			free(saved);
			saved = sh_out(cmd);
			rules2 = count_lines(saved, "-A VMH_");
			CHECK(rules2 == 2 * rules1);
			CHECK(count_lines(saved, "-A FORWARD -j VMHOST_FW") == 3);
			/* remove the first: the second's rules stay */
			CHECK_INT(firewall_ipt_remove_text(n->bridge, fam, saved,
			    &text), 0);
			CHECK_INT(restore(bin, text), 0);
			free(text);
			free(saved);
			saved = sh_out(cmd);
			CHECK_INT(count_lines(saved, "-A VMH_"), rules1);
			CHECK(count_lines(saved, "-A FORWARD -j VMHOST_FW") == 3);
			CHECK_INT(firewall_ipt_remove_text(n2->bridge, fam, saved,
			    &text), 0);
			CHECK_INT(restore(bin, text), 0);
			free(text);
			free(saved);
			saved = sh_out(cmd);
			CHECK(saved && !firewall_ipt_has_ours(saved));
			if (saved && firewall_ipt_has_ours(saved))
				fprintf(stderr, "left behind:\n%s", saved);
			CHECK_INT(firewall_ipt_remove_text(n2->bridge, fam, saved,
			    &text), 0);
			CHECK(text && *text == '\0');	/* nothing to do */
			free(text);
			free(saved);
		}
	network_def_free(n);
	network_def_free(n2);
	free(xml);
	free(xml2);
	return check_done();
}

int
main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "save") == 0) {
		meaning(argv[2], argv[3], "save", argv[4], argv[5]);
		return check_done();
	}
	if (argc != 4) {
		fprintf(stderr, "usage: %s meaning|ipt|nft|iptrun DIR NAME | save DIR NAME V4DUMP V6DUMP\n",
		    argv[0]);
		return 2;
	}
	if (strcmp(argv[1], "nft") == 0)
		return nft_check(argv[2], argv[3]);
	if (strcmp(argv[1], "iptrun") == 0)
		return ipt_check(argv[2], argv[3]);
	meaning(argv[2], argv[3], strcmp(argv[1], "ipt") == 0 ? "ipt" : "nft",
	    NULL, NULL);
	return check_done();
}
