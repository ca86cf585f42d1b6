#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Definitions written by group commit (vmhostd/commit.c), through the real stack:
# pipelined defines on one connection (32 in flight) and two clients redefining
# the same domains at once; every reply means the file is in place; kill -9 and
# restart of vmhostd keeps every definition byte for byte; a full disk (a 64 KiB
# tmpfs over the definitions folder) gives a clear error and changes nothing.
# Hostile conditions tried: full disk during single and pipelined defines,
# redefinitions racing in one batch, kill -9 right after a batch.
set -euo pipefail
b=$VMHOST_STACK_BUILD
qdir=$VMHOST_STACK_ROOT/etc/vmhost/qemu
pass=0
fail() { echo "FAIL: $*"; exit 1; }
ok() { pass=$((pass + 1)); echo "ok: $*"; }
mounted=0
cleanup() { [ $mounted = 1 ] && umount "$qdir" || true; }
trap cleanup EXIT

count() { vmhost list --all --name | grep -c "^$1-" || true; }
files() { find "$qdir" -maxdepth 1 -name "$1-*.xml" | wc -l; }
tmpfiles() { find "$qdir" -maxdepth 1 -name '*.tmp.*' | wc -l; }

# 1. 300 defines in flight on one connection.
"$b/bench/bench_pipe" 300 32 gc 1 >/dev/null || fail "pipelined defines"
[ "$(count gc)" = 300 ] || fail "list shows $(count gc) of 300"
[ "$(files gc)" = 300 ] || fail "$(files gc) files of 300"
[ "$(tmpfiles)" = 0 ] || fail "temp files left"
grep -q 'version 1' "$qdir/gc-00123.xml" || fail "file content"
ok "300 pipelined defines, all durable, no temp file"

# 2. Two clients redefine the same 300 at once (versions 2 and 3).
"$b/bench/bench_pipe" 300 32 gc 2 >/dev/null & p1=$!
"$b/bench/bench_pipe" 300 32 gc 3 >/dev/null & p2=$!
wait $p1 || fail "redefine client 1"
wait $p2 || fail "redefine client 2"
[ "$(count gc)" = 300 ] || fail "count after redefinitions"
for i in 00000 00042 00150 00299; do
  live=$(vmhost dumpxml --inactive "gc-$i")
  grep -q "version [23]" <<<"$live" || fail "gc-$i not redefined"
  cmp -s <(printf '%s\n' "$live") "$qdir/gc-$i.xml" ||
    cmp -s <(printf '%s' "$live") "$qdir/gc-$i.xml" || fail "gc-$i: memory and file differ"
done
ok "racing redefinitions: memory and file agree"

# 3. kill -9 vmhostd right after a batch: every definition comes back unchanged.
sum_before=$(cat "$qdir"/gc-*.xml | md5sum)
"$b/bench/bench_pipe" 100 32 gk 1 >/dev/null || fail "batch before the kill"
stack_restart vmhostd
for _ in $(seq 1 100); do vmhost ping >/dev/null 2>&1 && break; sleep 0.05; done
[ "$(count gc)" = 300 ] && [ "$(count gk)" = 100 ] || fail "count after restart"
[ "$(cat "$qdir"/gc-*.xml | md5sum)" = "$sum_before" ] || fail "files changed by the restart"
ok "kill -9 and restart: 400 definitions intact"

# 4. A full disk: one clear error per define, nothing half-made.
mount -t tmpfs -o size=64k,mode=0700 vmhost-full "$qdir"
mounted=1
chown vmhost: "$qdir"
dd if=/dev/zero of="$qdir/filler" bs=4k 2>/dev/null || true
cat > "$VMHOST_STACK_ROOT/full.xml" <<'XML'
<domain type='qemu'><name>full-00000</name><memory unit='MiB'>64</memory>
<os><type arch='x86_64'>hvm</type></os></domain>
XML
if out=$(vmhost define "$VMHOST_STACK_ROOT/full.xml" 2>&1); then
  fail "define on a full disk succeeded"
fi
grep -q "full-00000.*No space left on device" <<<"$out" || fail "unclear error: $out"
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "error is not one line: $out"
! "$b/bench/bench_pipe" 50 16 full 1 >/dev/null 2>&1 || fail "pipelined defines on a full disk succeeded"
[ "$(count full)" = 0 ] || fail "a failed define is listed"
[ "$(tmpfiles)" = 0 ] || fail "temp files left on the full disk"
vmhost ping >/dev/null || fail "vmhostd died"
umount "$qdir"
mounted=0
[ "$(count gc)" = 300 ] || fail "count after the full disk"
ok "full disk: '$out'; nothing listed, no temp file, daemon alive"

echo "$pass passed, 0 failed"
