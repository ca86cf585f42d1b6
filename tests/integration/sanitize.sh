#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# integration_sanitize's inner half, inside scripts/stack on an ASan+UBSan(+LSan)
# build: a tiny TCG guest defined, started, stopped and undefined; a NAT network with
# DHCP defined, started, destroyed and undefined; then each daemon stopped with
# SIGTERM, waited for (leak checks run at exit), and not one sanitizer report in
# the report folder or in the daemons' logs; a control shows that a daemon which
# dropped to its own user does write into that folder.
set -uo pipefail
guest=${VMHOST_GUEST:?built guest folder}
root=$VMHOST_STACK_ROOT
reports=${VMHOST_SANITIZE_REPORTS:?run through sanitize-run.sh}
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
expect() { local what=$1 want=$2 out; shift 2; out=$("$@" 2>&1)
  if [[ "$out" == *"$want"* ]]; then ok "$what"; else bad "$what: got '$out'"; fi; }
wait_for() { local t=$1; shift
  for _ in $(seq 1 $((t * 20))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }
state_is() { [ "$(vmhost domstate "$1" 2>/dev/null)" = "$2" ]; }

# The binaries under test carry the sanitizers.
for b in vmhostd/vmhostd netd/vmhost-netd secd/vmhost-secd stord/vmhost-stord cli/vmhost; do
  if grep -q __asan_report_load "$VMHOST_STACK_BUILD/$b" && grep -q __ubsan_handle "$VMHOST_STACK_BUILD/$b"; then
    ok "$b is built with ASan and UBSan"
  else bad "$b is not a sanitizer build (configure with -DVMHOST_SANITIZE=ON)"; fi
done

echo "== domain: define, start, stop, undefine"
cat >"$root/san.xml" <<XML
<domain type='qemu'>
  <name>san</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$guest/vmlinux</kernel>
    <initrd>$guest/initrd.img</initrd>
    <cmdline>$(cat "$guest/cmdline") vmhost.mode=wait</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>
XML
expect "define" "Domain 'san' defined" vmhost define "$root/san.xml"
expect "start" "Domain 'san' started" vmhost start san
wait_for 60 grep -q VMHOST-WAITING "$root/var/log/vmhost/qemu/san.log" && ok "guest booted" || bad "guest did not boot"
expect "running" "running" vmhost domstate san
expect "suspend" "suspended" vmhost suspend san
expect "resume" "resumed" vmhost resume san
expect "stop (destroy)" "destroyed" vmhost destroy san
wait_for 10 state_is san "shut off" && ok "shut off" || bad "not shut off"
boots() { grep -c VMHOST-WAITING "$root/var/log/vmhost/qemu/san.log"; }
more_boots() { [ "$(boots)" -gt "$1" ]; }
n=$(boots)
expect "start again" "started" vmhost start san
wait_for 60 more_boots "$n" && ok "guest booted again" || bad "guest did not boot again"
expect "ACPI shutdown" "is being shutdown" vmhost shutdown san
wait_for 60 state_is san "shut off" && ok "shut off after ACPI shutdown" || {
  bad "guest did not shut down"; vmhost destroy san >/dev/null 2>&1; }
expect "undefine" "undefined" vmhost undefine san
expect "gone" "error:" vmhost dominfo san

echo "== network: define, start, destroy, undefine"
cat >"$root/sannet.xml" <<'XML'
<network><name>sannet</name><forward mode='nat'/><bridge name='virbr42'/>
  <ip address='10.142.0.1' prefix='24'><dhcp><range start='10.142.0.10' end='10.142.0.20'/></dhcp></ip>
</network>
XML
expect "net-define" "sannet" vmhost net-define "$root/sannet.xml"
expect "net-start" "started" vmhost net-start sannet
ip link show virbr42 >/dev/null 2>&1 && ok "bridge virbr42 up (in the stack's namespace)" || bad "no bridge"
expect "net-destroy" "destroyed" vmhost net-destroy sannet
ip link show virbr42 >/dev/null 2>&1 && bad "bridge left" || ok "bridge removed"
expect "net-undefine" "undefined" vmhost net-undefine sannet
expect "hostile input still answered" "error:" vmhost define /dev/null

echo "== daemons stopped with SIGTERM, leak checks at exit"
for d in vmhostd netd secd stord; do
  pid=$(stack_pid "$d")
  kill -TERM "$pid" 2>/dev/null
  if wait_for 60 bash -c "! kill -0 $pid"; then ok "$d exited on SIGTERM"; else bad "$d still running"; fi
done
n=$(find "$reports" -type f | wc -l)
if [ "$n" = 0 ]; then ok "no sanitizer report file"; else
  bad "$n sanitizer report(s):"; for f in "$reports"/*; do echo "--- $f"; head -60 "$f"; done; fi
if grep -lE 'Sanitizer|runtime error:' "$root"/log/*.log; then bad "sanitizer output in a daemon log"
else ok "no sanitizer output in the daemons' logs"; fi
# Positive control: a daemon that dropped to its own user still writes a
# sanitizer file there (ASan's exit statistics), so "no report" above means none.
ctl=$root/sanitizer-control; mkdir -p "$ctl"; chmod 1777 "$ctl"
LSAN_OPTIONS= UBSAN_OPTIONS= ASAN_OPTIONS="log_path=$ctl/asan:atexit=1:detect_leaks=1" \
  "$VMHOST_STACK_BUILD/stord/vmhost-stord" --root "$root" 2>"$ctl/stord.log" & cpid=$!
wait_for 20 grep -q ' ready$' "$ctl/stord.log"; kill -TERM "$cpid"; wait "$cpid"
if grep -qs 'AddressSanitizer exit stats' "$ctl/asan.$cpid" &&
   [ "$(stat -c %U "$ctl/asan.$cpid")" = vmhost-stor ]; then
  ok "control: vmhost-stor, after its drop, wrote its ASan file into the report folder"
else bad "control: no ASan file from a dropped daemon: $(ls -l "$ctl"; cat "$ctl/stord.log")"; fi
echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
