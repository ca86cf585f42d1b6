#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Load through the real stack (bench/bench_load.c, raw protocol): 10,000 defined
# domains, 100 concurrent clients mixing reads (dominfo, domstate, dumpxml of a
# random domain) and writes (redefinition of one of the client's own domains,
# durable through group commit), for a bounded time. Asserted: correctness and
# boundedness only, never speed (figures are bench/load.sh's):
#  - no error and no broken connection for any of the 100 clients, every client
#    served (none starved);
#  - no lost update: each domain is written by one client only, and the last
#    value acknowledged to it is what dumpxml returns and what the file holds;
#  - vmhostd's RSS, sampled every 100 ms, does not grow without bound: the
#    maximum of the last third of the samples is at most the first third's
#    maximum + 10% + 4 MiB;
#  - hostile peers beside the 100: two stuck clients (connect, send requests
#    - list-all with 10,000 entries, the largest replies - and never read) and
#    four flooding clients (two pipelining redefinitions, two dumpxml, up to
#    1,024 in flight on one connection each, replies read). vmhostd stops reading a client with more
#    than 1 MiB of unread replies (common/rpc.c RPC_OUTPUT_PAUSE, ipc.c
#    backpressure), so a stuck client costs at most about that: RSS during the
#    run stays within 48 MiB of before (without the pause a stuck client held up
#    to 64 MiB each, IPC_MAX_OUTPUT), the stuck connections stay open
#    (throttled, not dropped) and the 100 others are all served without error;
#    a client with 64 calls in flight (RPC_MAX_INFLIGHT) is not read until one
#    is answered, so the write flooders get no error at all (no EBUSY: their
#    excess waits in the socket) and their acknowledged writes are all durable
#    (lost update check); the read flooders get every reply, no error, while
#    vmhostd takes at most 8 requests of one client per loop turn;
#  - kill -9 and restart of vmhostd afterwards: every definition comes back.
set -euo pipefail
b=$VMHOST_STACK_BUILD
gen=$b/bench/bench_load
qdir=$VMHOST_STACK_ROOT/etc/vmhost/qemu
out=$(mktemp -d /tmp/load-test.XXXXXX)
trap 'rm -rf "$out"' EXIT
pass=0
fail() { echo "FAIL: $*"; exit 1; }
ok() { pass=$((pass + 1)); echo "ok: $*"; }
val() { sed -n "s/^$1 //p" "$2"; }

# 1. 10,000 definitions, pipelined (64 in flight on one connection).
"$gen" -d 10000 --define --no-run >"$out/define" || { cat "$out/define"; fail "defining 10000"; }
[ "$(val define_errors "$out/define")" = 0 ] || fail "define errors"
n=$(vmhost list --all --name | grep -c '^bench-' || true)
[ "$n" = 10000 ] || fail "list shows $n of 10000"
[ "$(find "$qdir" -maxdepth 1 -name 'bench-*.xml' | wc -l)" = 10000 ] || fail "files"
ok "10000 domains defined, listed and on disk"

check_run() { # file label
  local f=$1
  cat "$f"
  [ "$(val errors "$f")" = 0 ] || fail "$2: $(val errors "$f") errors: $(val first_error "$f")"
  [ "$(val broken "$f")" = 0 ] || fail "$2: broken connections"
  [ "$(val lost_updates "$f")" = 0 ] || fail "$2: $(val lost_updates "$f") lost updates"
  [ "$(val checked_updates "$f")" -gt 0 ] || fail "$2: no write was checked"
  [ "$(val min_client_ops "$f")" -gt 0 ] || fail "$2: a client was never served"
  local first last
  first=$(val rss_first_third_max_kib "$f")
  last=$(val rss_last_third_max_kib "$f")
  [ "$(val rss_samples "$f")" -ge 30 ] || fail "$2: too few RSS samples"
  [ "$last" -le $((first + first / 10 + 4096)) ] ||
    fail "$2: RSS grew: first third max $first KiB, last third max $last KiB"
}

# 2. 100 clients, 80/20, 10 s.
pid=$(stack_pid vmhostd)
"$gen" -c 100 -d 10000 -t 10 --pid "$pid" --dir "$qdir" >"$out/mix" || true
check_run "$out/mix" "100 clients"
ok "100 clients x 10 s: $(val ops "$out/mix") calls, 0 errors, $(val checked_updates "$out/mix") last writes intact in memory and on disk, RSS $(val rss_first_third_max_kib "$out/mix") -> $(val rss_last_third_max_kib "$out/mix") KiB"

# 3. The same with 2 stuck clients (list-all, never read) and 2 flooders.
before=$(awk '/VmRSS/{print $2}' "/proc/$pid/status")
"$gen" -c 100 -d 10000 -t 10 --pid "$pid" --dir "$qdir" --stuck 2 --stuck-list \
  --flood 2 --flood-reads 2 >"$out/hostile" || true
check_run "$out/hostile" "with stuck and flooding clients"
max=$(val rss_max_kib "$out/hostile")
[ "$max" -le $((before + 48 * 1024)) ] ||
  fail "stuck clients cost memory: RSS $before -> $max KiB"
[ "$(val stuck_requests_sent "$out/hostile")" -gt 0 ] || fail "stuck clients sent nothing"
[ "$(val stuck_still_open "$out/hostile")" = 2 ] || fail "stuck clients dropped (expected throttled)"
[ "$(val flood_ok "$out/hostile")" -gt 0 ] || fail "flooder got nothing done"
[ "$(val flood_busy "$out/hostile")" = 0 ] && [ "$(val flood_other_errors "$out/hostile")" = 0 ] ||
  fail "flooder got errors (its calls past the cap should wait, not fail)"
[ "$(val flood_read_ok "$out/hostile")" -gt 0 ] || fail "read flooders got nothing"
[ "$(val flood_read_errors "$out/hostile")" = 0 ] || fail "read flooders got errors"
ok "2 stuck (list-all, $(val stuck_requests_sent "$out/hostile") requests sent, throttled, still open) 2 write flooders ($(val flood_ok "$out/hostile") accepted, the rest held at 64 in flight) and 2 read flooders ($(val flood_read_ok "$out/hostile") replies): the 100 others $(val ops "$out/hostile") calls, 0 errors; RSS $before -> max $max KiB"

# 4. The daemon is still whole: it answers, and after kill -9 every definition
# is back (loaded by parallel readers: domains.c load_run). Bad files planted
# beside the 10,032 are each refused with a log line, and nothing else is:
# malformed XML, a file whose name is not the name inside, a DTD with an
# entity, a document over the 4 MiB limit, a folder named like a definition,
# and a second definition with bench-00001's uuid (one of the two is skipped).
sum=$(cat "$qdir"/bench-*.xml | md5sum)
total=$(vmhost list --all --name | grep -c . || true)
[ "$total" = 10032 ] || fail "list shows $total (10000 + 32 flood domains)"
printf '<domain type="qemu"><name>broken</name>' >"$qdir/broken.xml"
sed 's/bench-00002/other-name/' "$qdir/bench-00002.xml" >"$qdir/misnamed.xml"
printf '<!DOCTYPE d [<!ENTITY e "x">]><domain type="qemu"><name>dtd</name><memory>1</memory></domain>' >"$qdir/dtd.xml"
{ printf '<domain type="qemu"><name>huge</name><description>'; head -c 5000000 /dev/zero | tr '\0' a; printf '</description></domain>'; } >"$qdir/huge.xml"
mkdir "$qdir/folder.xml"
sed 's/bench-00001/clash-uuid/g' "$qdir/bench-00001.xml" >"$qdir/clash-uuid.xml"
chown vmhost: "$qdir"/*.xml
stack_restart vmhostd
for _ in $(seq 1 600); do
  [ "$(vmhost list --all --name 2>/dev/null | grep -c . || true)" = 10032 ] && break
  sleep 0.1
done
names=$(vmhost list --all --name)
[ "$(grep -c . <<<"$names")" = 10032 ] || fail "$(grep -c . <<<"$names") domains after restart, not 10032"
[ "$(grep -cx 'bench-00001\|clash-uuid' <<<"$names")" = 1 ] || fail "uuid clash: both or neither listed"
log=$VMHOST_STACK_ROOT/log/vmhostd.log
for f in broken misnamed dtd huge folder; do
  [ "$(grep -c "skipping '.*/$f.xml'" "$log")" = 1 ] || fail "no one-line refusal of $f.xml"
done
grep -q "skipping '.*/\(clash-uuid\|bench-00001\).xml': name or uuid clash" "$log" || fail "uuid clash not logged"
grep "skipping" "$log" | sed 's/^/  /'
rm -rf "$qdir/broken.xml" "$qdir/misnamed.xml" "$qdir/dtd.xml" "$qdir/huge.xml" "$qdir/folder.xml" "$qdir/clash-uuid.xml"
[ "$(cat "$qdir"/bench-*.xml | md5sum)" = "$sum" ] || fail "definitions changed by the restart"
[ "$(find "$qdir" -maxdepth 1 -name '*.tmp.*' | wc -l)" = 0 ] || fail "temp files left"
vmhost ping >/dev/null || fail "vmhostd died"
ok "kill -9 and restart: 10032 definitions back, byte for byte, no temp file; 6 bad files each refused with a log line"
echo "load: $pass checks passed"
