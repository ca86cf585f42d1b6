#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhostd's definition cache (/var/lib/vmhost/domains.cache), run inside
# scripts/stack: a restart with a warm cache shows the same list and dumpxml
# as a cold load; files edited (in place, same size too), added and removed
# while vmhostd is down are picked up; a truncated, garbage, wrong-version or
# damaged cache is ignored with one log line and everything comes from the
# files; a bad file is still logged and skipped with a warm cache.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
root=$VMHOST_STACK_ROOT
q=$root/etc/vmhost/qemu
cache=$root/var/lib/vmhost/domains.cache
log=$root/log/vmhostd.log
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
N=120

dom() { # name uuid-tail memory-MiB
  cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <uuid>6c1a0b2e-0000-4000-8000-$2</uuid>
  <description>cache test $1</description>
  <memory unit='MiB'>$3</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
    <source file='/var/lib/vmhost/images/$1.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <serial type='pty'/></devices>
</domain>
XML
}

stop() {
  local pid; pid=$(stack_pid vmhostd)
  kill -TERM "$pid"
  wait_for 10 bash -c "! kill -0 $pid" || bad "vmhostd did not exit"
}
start() {
  local before; before=$(wc -l <"$log")
  stack_start vmhostd
  wait_for 20 vmhost list --all || bad "vmhostd did not come back"
  tail -n +"$((before + 1))" "$log" >"$work/startlog"
}
# list and every dumpxml, in one file
snapshot() {
  vmhost list --all >"$1"
  for n in $(vmhost list --all --name | sort); do vmhost dumpxml "$n"; done >>"$1"
}
loaded() { # N from the cache, M in all, as the start said
  grep -q "$2 domains defined ($1 from the cache" "$work/startlog"
}
log_lines() { grep -c "$1" "$work/startlog"; }

for i in $(seq -w 1 $N); do
  dom "rc-$i" "$(printf '%012d' "$((10#$i))")" 128 >"$work/d.xml"
  vmhost define "$work/d.xml" >/dev/null || bad "define rc-$i"
done
# a file without a uuid gets a new one at every start: never cached
sed '/<uuid>/d' <(dom rc-nouuid 0 64) >"$q/rc-nouuid.xml"
chown --reference="$q/rc-001.xml" "$q/rc-nouuid.xml"
sleep 0.3	# files younger than 0.1 s are not cached
stop
[ -s "$cache" ] && ok "the cache is written at exit" || bad "no cache after exit"

# Cold (no cache) and warm loads give the same.
rm -f "$cache"
start
loaded 0 $((N + 1)) && ok "cold load: every file read" || bad "cold load: $(cat "$work/startlog")"
[ -s "$cache" ] && ok "a cold start writes the cache" || bad "no cache after a cold start"
snapshot "$work/cold"
sleep 0.2; stop; start
loaded $N $((N + 1)) && ok "warm load: all but the uuid-less file from the cache" ||
  bad "warm load: $(cat "$work/startlog")"
snapshot "$work/warm"
grep -v 6c1a0b2e "$work/cold" | grep -v "^ *<uuid>" >"$work/cold.f"
grep -v 6c1a0b2e "$work/warm" | grep -v "^ *<uuid>" >"$work/warm.f"
diff -q "$work/cold.f" "$work/warm.f" >/dev/null && cmp -s <(grep 6c1a0b2e "$work/cold") <(grep 6c1a0b2e "$work/warm") &&
  ok "warm list and dumpxml = cold" || bad "warm differs from cold: $(diff "$work/cold" "$work/warm" | head -5)"
expect "a cached domain's dumpxml" "cache test rc-007" vmhost dumpxml rc-007
expect "a cached domain's info" "131072" vmhost dominfo rc-008

# Hand edits while vmhostd is down.
stop
sed -i 's|>131072<|>262144<|' "$q/rc-002.xml"	# a new file, bigger
chown --reference="$q/rc-001.xml" "$q/rc-002.xml"
# same size, same inode: only the times tell
off=$(grep -abo "cache test rc-003" "$q/rc-003.xml" | cut -d: -f1)
printf 'cache TEST' | dd of="$q/rc-003.xml" bs=1 seek="$off" conv=notrunc status=none
sed 's/cache test rc-004/cache tEST rc-004/' "$q/rc-004.xml" >"$work/e.xml"
cp "$work/e.xml" "$q/rc-004.xml"
dom rc-new "$(printf '%012d' 999)" 64 >"$q/rc-new.xml"
chown --reference="$q/rc-001.xml" "$q/rc-new.xml"
rm "$q/rc-005.xml"
start
loaded $((N - 4)) $((N + 1)) && ok "edited, added and removed files are read" ||
  bad "after hand edits: $(cat "$work/startlog")"
expect "an edit that grew the file" "262144" vmhost dominfo rc-002
expect "an edit of the same size" "cache TEST rc-003" vmhost dumpxml rc-003
expect "another same-size edit" "cache tEST rc-004" vmhost dumpxml rc-004
expect "an added file" "rc-new" vmhost list --all
vmhost dominfo rc-005 >/dev/null 2>&1 && bad "a removed file is still defined" || ok "a removed file is gone"
expect "an unchanged one still from the cache" "cache test rc-009" vmhost dumpxml rc-009

# A bad file is logged and skipped, warm or cold.
stop
echo '<domain type="qemu"><name>rc-bad' >"$q/rc-bad.xml"
start
[ "$(log_lines "skipping '.*rc-bad.xml'")" = 1 ] && ok "a bad file is logged" || bad "bad file: $(cat "$work/startlog")"
sleep 0.2; stop; start
[ "$(log_lines "skipping '.*rc-bad.xml'")" = 1 ] && ok "and again with a warm cache" || bad "bad file, warm: $(cat "$work/startlog")"
rm -f "$q/rc-bad.xml"
sleep 0.2; stop; start
snapshot "$work/ref"
count=$(vmhost list --all --name | grep -c rc-)

# Damaged caches: one log line each, every domain from the files.
damaged() { # what reason command...
  local what=$1 why=$2; shift 2
  stop
  "$@"
  start
  if [ "$(log_lines "ignoring the definition cache")" = 1 ] &&
     grep -q "ignoring the definition cache.*$why" "$work/startlog" &&
     loaded 0 "$count"; then ok "$what: ignored with one line"
  else bad "$what: $(cat "$work/startlog")"; fi
  snapshot "$work/now"
  grep -v "^ *<uuid>\|rc-nouuid" "$work/now" >"$work/now.f"
  grep -v "^ *<uuid>\|rc-nouuid" "$work/ref" >"$work/ref.f"
  cmp -s "$work/now.f" "$work/ref.f" && ok "$what: everything loaded" ||
    bad "$what: $(diff "$work/ref.f" "$work/now.f" | head -5)"
  sleep 0.2	# the rewritten cache's files are old enough
}
size=$(stat -c %s "$cache")
damaged "truncated cache" "truncated" truncate -s $((size / 2)) "$cache"
damaged "garbage cache" "not a definition cache" bash -c "head -c $size /dev/urandom >'$cache'"
damaged "wrong version" "another format version" bash -c "printf '\x63' | dd of='$cache' bs=1 seek=8 conv=notrunc status=none"
damaged "damaged index" "checksum mismatch" bash -c "printf 'zz' | dd of='$cache' bs=1 seek=200 conv=notrunc status=none"
damaged "empty cache" "truncated" truncate -s 0 "$cache"
[ -s "$cache" ] && ok "the cache is rewritten" || bad "no cache after the damaged ones"

# A damaged text (its own checksum): found on first use, the file read.
stop; start
loaded "$((count - 1))" "$count" && ok "warm again" || bad "warm again: $(cat "$work/startlog")"
stop
off=$(grep -abo "cache test rc-010" "$cache" | head -1 | cut -d: -f1)
printf 'XXXX' | dd of="$cache" bs=1 seek="$off" conv=notrunc status=none
start
expect "a damaged cached text: the file's" "cache test rc-010" vmhost dumpxml rc-010
expect "and the domain stays" "rc-010" vmhost list --all

finish
