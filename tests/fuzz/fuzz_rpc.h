/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared part of the per-service frame fuzzers: a sandbox, a real rpc server, and a peer that writes the input as its byte stream. */
#ifndef VMHOST_FUZZ_RPC_H
#define VMHOST_FUZZ_RPC_H

/*
 * Each fuzz_rpc_SERVICE harness runs the daemon's own dispatch table
 * behind a real rpc_server (common/rpc.c) on a real unix socket, and
 * writes the fuzzer's input into a client connection exactly as a peer
 * would: the bytes are the stream (4-byte big-endian lengths and
 * messages; /dev/null rides on the first bytes with SCM_RIGHTS), so the
 * ipc frame decoder (16 MiB cap, truncation, fds), the protobuf-c
 * unpack, the table lookup and the handlers' validation all see what a compromised vmhostd (or client) could send.
 *
 * The handlers run for real, so the process first makes them harmless:
 * when started as root it moves to a private network namespace (netd's
 * netlink and nftables calls reach only that), then drops to an unused
 * uid/gid (FUZZ_UID) with no capability, no supplementary group and
 * no_new_privs. Every path goes under a scratch --root in /dev/shm owned
 * by that uid. So a request that passes validation fails at the
 * privileged step (EPERM), and nothing outside the scratch folder can be
 * changed: no chown, no tap, no signal to another user's process.
 *
 * Each reply the server writes must unpack as the service's Reply; a
 * daemon that answers with garbage aborts the run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "common/ipc.h"
#include "common/log.h"
#include "common/paths.h"
#include "common/rpc.h"

#define FUZZ_UID	((uid_t)64999)	/* no user, no process, no file */
#define FUZZ_GID	((gid_t)64999)
#define FUZZ_ROUNDS	20000		/* loop rounds per input at most */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char fuzz_root[256];
static char fuzz_sock[320];
static struct event_base *fuzz_base;
static struct rpc_server *fuzz_srv;
static const struct rpc_service *fuzz_svc;
static int fuzz_null = -1;

static void __attribute__((noreturn))
fuzz_die(const char *what)
{
	fprintf(stderr, "fuzz setup: %s: %s\n", what, strerror(errno));
	abort();
}

/* libFuzzer writes new inputs into the first corpus folder and crashes
 * under -artifact_prefix: both must stay writable after the drop. */
static void
fuzz_own_outputs(int argc, char **argv)
{
	int corpus_done = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		struct stat st;
		char dir[4096], *slash;

		if (!strncmp(a, "-artifact_prefix=", 17) ||
		    !strncmp(a, "-exact_artifact_path=", 21)) {
			snprintf(dir, sizeof(dir), "%s", strchr(a, '=') + 1);
			if ((slash = strrchr(dir, '/')))
				*slash = '\0';
			if (*dir && chown(dir, FUZZ_UID, FUZZ_GID) < 0)
				fuzz_die("chown of the artifact folder");
		} else if (a[0] != '-' && !corpus_done &&
		    stat(a, &st) == 0 && S_ISDIR(st.st_mode)) {
			corpus_done = 1;	/* merges write there too */
			if (strstr(a, "tests/fuzz/corpus/"))
				continue;	/* the checked-in seeds */
			if (chown(a, FUZZ_UID, FUZZ_GID) < 0)
				fuzz_die("chown of the corpus folder");
		}
	}
}

/* Root: private network namespace, then FUZZ_UID with nothing. */
static void
fuzz_sandbox(int argc, char **argv)
{
	const char *shm = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(fuzz_root, sizeof(fuzz_root), "%s/vmhost-fuzz.XXXXXX", shm);
	if (!mkdtemp(fuzz_root))
		fuzz_die("mkdtemp");
	if (geteuid() != 0)
		return;		/* already without privilege */
	if (unshare(CLONE_NEWNET) < 0)
		fuzz_die("unshare(CLONE_NEWNET)");
	fuzz_own_outputs(argc, argv);
	if (chown(fuzz_root, FUZZ_UID, FUZZ_GID) < 0)
		fuzz_die("chown of the scratch root");
	if (setgroups(0, NULL) < 0 || setresgid(FUZZ_GID, FUZZ_GID, FUZZ_GID) < 0 ||
	    setresuid(FUZZ_UID, FUZZ_UID, FUZZ_UID) < 0)
		fuzz_die("dropping to the fuzz uid");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fuzz_die("no_new_privs");
	/* LeakSanitizer stops the world with ptrace: stay dumpable. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

static int
fuzz_rm_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* At a normal exit (not a crash: its scratch root is kept to look at). */
static void
fuzz_rm_root(void)
{
	if (fuzz_root[0])
		nftw(fuzz_root, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Common setup: log quietly, sandbox, scratch root, event loop. */
static void
fuzz_rpc_setup(int *argc, char ***argv, const char *prog)
{
	signal(SIGPIPE, SIG_IGN);
	atexit(fuzz_rm_root);
	log_init(prog);
	if (!getenv("VMHOST_LOG") && !getenv("VMHOST_DEBUG"))
		log_set_spec("fatal");
	fuzz_sandbox(*argc, *argv);
	if (paths_set_root(fuzz_root) < 0)
		fuzz_die("paths_set_root");
	if (!(fuzz_base = event_base_new()))
		fuzz_die("event_base_new");
	if ((fuzz_null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		fuzz_die("/dev/null");
}

/* Listen with the daemon's table on ROOT/fuzz.sock, with the daemon's
 * peer check and per-call hook where it has them (NULL: every peer). */
static void
fuzz_rpc_listen(const struct rpc_service *svc, int readonly,
    rpc_peer_check_fn check, rpc_authorize_fn authorize)
{
	struct rpc_listen_opts o = { 0 };

	snprintf(fuzz_sock, sizeof(fuzz_sock), "%s/fuzz.sock", fuzz_root);
	o.path = fuzz_sock;
	o.mode = 0600;
	o.uid = (uid_t)-1;
	o.gid = (gid_t)-1;
	o.readonly = readonly;
	o.check = check;
	o.authorize = authorize;
	fuzz_svc = svc;
	if (!(fuzz_srv = rpc_server_new(fuzz_base, svc, &o, -1)))
		fuzz_die("rpc_server_new");
}

/* Every complete frame the server sent must be a Reply. */
static void
fuzz_check_replies(const uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (len - off >= 4) {
		uint32_t n = (uint32_t)buf[off] << 24 |
		    (uint32_t)buf[off + 1] << 16 | (uint32_t)buf[off + 2] << 8 |
		    buf[off + 3];
		ProtobufCMessage *m;

		if (n > IPC_MAX_FRAME || len - off - 4 < n) {
			fprintf(stderr, "server wrote a bad frame (%u bytes)\n", n);
			abort();
		}
		m = protobuf_c_message_unpack(fuzz_svc->reply, NULL, n,
		    buf + off + 4);
		if (!m) {
			fprintf(stderr, "server wrote a reply that does not unpack\n");
			abort();
		}
		protobuf_c_message_free_unpacked(m, NULL);
		off += 4 + n;
	}
}

static ssize_t
fuzz_send(int fd, const uint8_t *data, size_t len, int with_fds)
{
	struct iovec iov = { (void *)(uintptr_t)data, len };
	union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr a; } u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fds[1] = { fuzz_null };

	if (with_fds) {		/* a descriptor rides on the first bytes */
		struct cmsghdr *cm;

		memset(&u, 0, sizeof(u));
		mh.msg_control = u.b;
		mh.msg_controllen = sizeof(u.b);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(fds));
		memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	}
	return sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/*
 * One peer: connect, write data (with a descriptor on its first
 * bytes), half-close, and read until the server hangs up, running the
 * server's loop in between.
 */
static void
fuzz_rpc_peer(const uint8_t *data, size_t size)
{
	uint8_t *in = NULL, chunk[65536];
	size_t sent = 0, inlen = 0, incap = 0;
	int fd = ipc_connect(fuzz_sock), eof = 0;

	if (fd < 0)
		fuzz_die("connect");
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (size == 0)
		shutdown(fd, SHUT_WR);
	for (int round = 0; round < FUZZ_ROUNDS && !eof; round++) {
		ssize_t n;

		event_base_loop(fuzz_base, EVLOOP_NONBLOCK);
		if (sent < size) {
			n = fuzz_send(fd, data + sent, size - sent, sent == 0);
			if (n > 0 && (sent += (size_t)n) == size)
				shutdown(fd, SHUT_WR);
			else if (n < 0 && errno != EAGAIN)
				sent = size;	/* the server hung up early */
		}
		while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
			if (inlen + (size_t)n > incap) {
				incap = (inlen + (size_t)n) * 2;
				if (!(in = realloc(in, incap)))
					fuzz_die("realloc");
			}
			memcpy(in + inlen, chunk, (size_t)n);
			inlen += (size_t)n;
		}
		if (n == 0 || (n < 0 && errno != EAGAIN))
			eof = 1;
		else if (round > 64)
			poll(NULL, 0, 0);
	}
	close(fd);
	/* Let the server see the close and free the connection. */
	for (int i = 0; i < 4; i++)
		event_base_loop(fuzz_base, EVLOOP_NONBLOCK);
	fuzz_check_replies(in, inlen);
	free(in);
}

/* Remove what the handlers left in a scratch folder (volumes, files). */
static void __attribute__((unused))
fuzz_empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[4096];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' && (!e->d_name[1] ||
		    (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
}

#endif
