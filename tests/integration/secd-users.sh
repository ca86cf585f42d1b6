#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# dynamic_users = 1, run inside scripts/stack with a qemu.conf holding
# dynamic_users = 1 and dynamic_users_range = "250000-250001" (secd-users.conf):
# two guests at once get uids 250000 and 250001 (group kvm only); one's uid
# cannot signal the other (EPERM) though it can signal itself; the guest
# booted from a kernel path writes its serial log (descriptors) under its uid;
# a third guest finds the range full; secd killed and restarted keeps the
# allocation (its run state), stops a guest, and hands the freed uid to the
# next guest; after the stops no uid is held. Hostile ranges are refused by
# --check-config: "abc", "5-1", "0-10", "1-2000000", "250000-", and a range
# holding vmhost-qemu's uid.
set -uo pipefail
root=$VMHOST_STACK_ROOT
build=$VMHOST_STACK_BUILD
guest=${VMHOST_GUEST:?built guest folder}
secd="$build/secd/vmhost-secd"
state="$root/run/vmhost/secd/users"
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
wait_for() { local t=$1; shift
  for _ in $(seq 1 $((t * 20))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }
cleanup() { for g in du1 du2 du3; do vmhost destroy $g >/dev/null 2>&1; done; }
trap cleanup EXIT
kvm=$(getent group kvm | cut -d: -f3)

mkdom() { # name [kernel]
  local os="<os><type arch='x86_64' machine='pc'>hvm</type></os>"
  [ -n "${2:-}" ] && os="<os><type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$guest/vmlinux</kernel><initrd>$guest/initrd.img</initrd>
    <cmdline>$(cat "$guest/cmdline") vmhost.mode=wait</cmdline></os>"
  cat >"$root/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  $os
  <devices><serial type='pty'/></devices>
</domain>
XML
  vmhost define "$root/$1.xml" >/dev/null
}
pid_of() { sed -n 's/^pid=//p' "$root/run/vmhost/qemu/$(vmhost domuuid "$1")/state" 2>/dev/null; }
st() { awk -v k="$2:" '$1==k {print $2}' "/proc/$1/status"; }

mkdom du1 kernel; mkdom du2; mkdom du3
check "start du1 (kernel by path)" vmhost start du1
check "start du2" vmhost start du2
p1=$(pid_of du1); p2=$(pid_of du2)
u1=$(st "$p1" Uid); u2=$(st "$p2" Uid)
echo "du1 pid $p1 uid $u1; du2 pid $p2 uid $u2"
grep -E '^(Uid|Gid|Groups)' "/proc/$p1/status" "/proc/$p2/status" | sed 's/^/  /'
check "du1 runs as 250000" [ "$u1" = 250000 ]
check "du2 runs as 250001" [ "$u2" = 250001 ]
for p in "$p1" "$p2"; do
  check "pid $p: all four uids equal" grep -Eq "^Uid:\s+$(st "$p" Uid)\s+$(st "$p" Uid)\s+$(st "$p" Uid)\s+$(st "$p" Uid)$" "/proc/$p/status"
  check "pid $p: gid kvm, no other group" bash -c "[ \"$(st "$p" Gid)\" = $kvm ] && grep -Eq '^Groups:\s+$kvm\s*$' /proc/$p/status"
  check "pid $p: CapEff 0, NoNewPrivs 1" bash -c "[ \"$(st "$p" CapEff)\" = 0000000000000000 ] && [ \"$(st "$p" NoNewPrivs)\" = 1 ]"
done
out=$(setpriv --reuid="$u1" --regid="$kvm" --clear-groups kill -TERM "$p2" 2>&1); rc=$?
check "uid $u1 cannot signal du2 (rc $rc: $out)" [ $rc != 0 ] && [[ "$out" == *"Operation not permitted"* ]]
out=$(setpriv --reuid="$u1" --regid="$kvm" --clear-groups kill -0 "$p1" 2>&1); rc=$?
check "uid $u1 may signal its own emulator (kill -0)" [ $rc = 0 ]
out=$(setpriv --reuid="$u1" --regid="$kvm" --clear-groups cat "/proc/$p2/environ" 2>&1); rc=$?
check "uid $u1 cannot read du2's /proc environ" [ $rc != 0 ]
check "du2 still running" [ "$(vmhost domstate du2)" = running ]
check "du1 boots from its kernel and logs its serial" wait_for 90 grep -q VMHOST-WAITING "$root/var/log/vmhost/qemu/du1.log"
check "QMP works under a dynamic uid (suspend/resume)" bash -c "vmhost suspend du2 && vmhost resume du2"
check "secd's state holds both" bash -c "grep -q '^250000 $(vmhost domuuid du1) $p1 ' '$state' && grep -q '^250001 $(vmhost domuuid du2) $p2 ' '$state'"
out=$(vmhost start du3 2>&1); rc=$?
check "range full: du3 refused ($out)" [ $rc != 0 ] && [[ "$out" == *"no free uid in dynamic_users_range 250000-250001"* ]]
check "the refused launch left no cgroup folder" bash -c "! ls -d /sys/fs/cgroup/unified/vmhost/guests/$(vmhost domuuid du3) /sys/fs/cgroup/*/vmhost/$(vmhost domuuid du3) 2>/dev/null | grep -q ."

# secd killed and restarted: the allocation comes back from its run state.
stack_restart secd
wait_for 10 vmhost ping --helpers
check "du1 and du2 survive secd's restart" bash -c "[ \"\$(vmhost domstate du1)\" = running ] && [ \"\$(vmhost domstate du2)\" = running ]"
out=$(vmhost start du3 2>&1); rc=$?
check "after the restart the range is still full ($out)" [ $rc != 0 ] && [[ "$out" == *"no free uid"* ]]
check "destroy du1 through the restarted secd" vmhost destroy du1
wait_for 5 bash -c "! grep -q '^250000 ' '$state'"
check "250000 released" bash -c "! grep -q '^250000 ' '$state'"
check "start du3" vmhost start du3
p3=$(pid_of du3)
check "du3 gets the freed uid 250000" [ "$(st "$p3" Uid)" = 250000 ]
check "destroy du2" vmhost destroy du2
check "destroy du3" vmhost destroy du3
wait_for 5 test ! -s "$state"
check "no uid held after the stops" test ! -s "$state"
# (zombies do not count: pid 1 here does not reap the emulators re-parented
# by secd's restart)
check "no live process left in the range" bash -c "! ps -eo uid=,stat= | awk '\$1>=250000 && \$1<=250001 && \$2 !~ /^Z/' | grep -q ."
grep -E 'dynamic' "$root/log/secd.log" | sed 's/^/  secd: /'

check "--check-config shows the range" bash -c "'$secd' --root '$root' --check-config | grep -q 'dynamic users 250000-250001, group kvm'"
# Hostile ranges.
for bad_range in abc 5-1 0-10 1-2000000 250000- "$(($(id -u vmhost-qemu) - 1))-$(($(id -u vmhost-qemu) + 1))"; do
  printf 'dynamic_users = 1\ndynamic_users_range = "%s"\n' "$bad_range" >"$root/bad.conf"
  out=$("$secd" --config "$root/bad.conf" --check-config 2>&1); rc=$?
  check "range '$bad_range' refused: $out" [ $rc = 1 ] && [[ "$out" == *dynamic_users_range* ]]
done
echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
