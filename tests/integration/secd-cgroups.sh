#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The guests' device ACL, run inside scripts/stack (secd started as root does
# the cgroup setup itself): a real guest launched by secd is in its own v1
# folders and its v2 folder; a process put in that guest's cgroups opens
# /dev/null, /dev/zero and /dev/urandom but gets EPERM on a loop device (not
# in cgroup_device_acl) — through the v1 devices controller alone, through the
# v2 eBPF device program alone, and through both; the same device opens
# outside. Then the folders go with the guest. Hostile inputs: a relative
# path and a non-device in cgroup_device_acl, a bad pid and a non-root caller
# for --setup-cgroups.
set -uo pipefail
root=$VMHOST_STACK_ROOT
build=$VMHOST_STACK_BUILD
secd="$build/secd/vmhost-secd"
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
wait_for() { local t=$1; shift
  for _ in $(seq 1 $((t * 20))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }

v2=/sys/fs/cgroup/unified
[ -d $v2 ] || v2=/sys/fs/cgroup
loopdev=
cleanup() { [ -n "$loopdev" ] && losetup -d "$loopdev"; vmhost destroy cgtest >/dev/null 2>&1; }
trap cleanup EXIT

cat >"$root/cgtest.xml" <<XML
<domain type='qemu'>
  <name>cgtest</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><serial type='pty'/></devices>
</domain>
XML
check "define" vmhost define "$root/cgtest.xml"
check "start" vmhost start cgtest
uuid=$(vmhost domuuid cgtest)
state="$root/run/vmhost/qemu/$uuid/state"
wait_for 5 grep -q '^pid=' "$state"
pid=$(sed -n 's/^pid=//p' "$state")
secd_pid=$(stack_pid secd)
echo "guest $uuid pid $pid, secd pid $secd_pid"
cgs=$(cat "/proc/$pid/cgroup")
echo "$cgs" | sed 's/^/  /'
# Default clear_emulator_capabilities = 1 (integration_secd_caps has 0).
for k in CapEff CapPrm CapAmb CapBnd; do
  check "emulator $k 0 (default qemu.conf)" grep -Eq "^$k:\s+0+$" "/proc/$pid/status"
done
check "secd holds no CAP_NET_ADMIN (default qemu.conf)" grep -Eq '^CapEff:\s+00000000000000e0$' "/proc/$secd_pid/status"
check "secd moved itself into the v2 vmhost/secd" grep -qx '0::/vmhost/secd' "/proc/$secd_pid/cgroup"
check "guest in its v1 devices folder" grep -qx "[0-9]*:devices:/vmhost/$uuid" <<<"$cgs"
for c in cpu memory pids; do
  check "guest in its v1 $c folder" grep -Eq "^[0-9]+:([a-z,]*,)?$c(,[a-z,]*)?:/vmhost/$uuid$" <<<"$cgs"
done
check "guest in its v2 folder" grep -qx "0::/vmhost/guests/$uuid" <<<"$cgs"
check "v1 list inherited: no block device, /dev/null allowed" \
  bash -c "! grep -q '^b' /sys/fs/cgroup/devices/vmhost/$uuid/devices.list &&
           grep -qx 'c 1:3 rwm' /sys/fs/cgroup/devices/vmhost/$uuid/devices.list"
check "v1 list of the parent does not allow everything" \
  bash -c "! grep -qx 'a \*:\* rwm' /sys/fs/cgroup/devices/vmhost/devices.list"

# A block device that is not in the ACL.
truncate -s 1M "$root/blk.img"
loopdev=$(losetup -f --show "$root/blk.img") || bad "losetup"
echo "block device: $loopdev ($(stat -c '%t:%T' "$loopdev"))"
check "the loop device opens outside the guest's cgroups" bash -c "head -c 512 '$loopdev' >/dev/null"

# In the guest's cgroups (as root: only the device ACL can refuse).
in_cgroups() { # "v1 v2" subset, command string
  local which=$1; shift
  bash -c '
    for w in '"$which"'; do
      case $w in
        v1) echo $$ >/sys/fs/cgroup/devices/vmhost/'"$uuid"'/cgroup.procs ;;
        v2) echo $$ >'"$v2"'/vmhost/guests/'"$uuid"'/cgroup.procs ;;
      esac || exit 99
    done
    '"$*"
}
for which in v1 v2 "v1 v2"; do
  out=$(in_cgroups "$which" "head -c 512 $loopdev >/dev/null" 2>&1); rc=$?
  if [ $rc != 0 ] && [[ "$out" == *"Operation not permitted"* ]]; then
    ok "[$which] $loopdev refused with EPERM"
  else
    bad "[$which] $loopdev: rc $rc '$out'"
  fi
  out=$(in_cgroups "$which" "head -c 16 /dev/zero | wc -c; : </dev/null && echo null; head -c 4 /dev/urandom | wc -c" 2>&1)
  check "[$which] /dev/zero, /dev/null, /dev/urandom open (got: $(echo $out))" [ "$(echo $out)" = "16 null 4" ]
  out=$(in_cgroups "$which" "mknod $root/blknode b 7 0 && head -c 1 $root/blknode" 2>&1); rc=$?
  check "[$which] a block node made in a temp folder is refused too" \
    [ $rc != 0 ] && [[ "$out" == *"Operation not permitted"* ]]
  rm -f "$root/blknode"
done
check "the guest's own folders still hold only the guest" \
  [ "$(cat $v2/vmhost/guests/$uuid/cgroup.procs)" = "$pid" ]

check "destroy" vmhost destroy cgtest
wait_for 5 test ! -d "$v2/vmhost/guests/$uuid"
check "v2 folder removed with the guest" test ! -d "$v2/vmhost/guests/$uuid"
for c in cpu memory devices pids; do
  check "v1 $c folder removed with the guest" test ! -d "/sys/fs/cgroup/$c/vmhost/$uuid"
done
vmhost undefine cgtest >/dev/null 2>&1

# Hostile configuration and arguments.
mkdir -p "$root/bad"
printf 'cgroup_device_acl = [ "dev/null" ]\n' >"$root/bad/rel.conf"
out=$("$secd" --config "$root/bad/rel.conf" --check-config 2>&1)
check "relative path in cgroup_device_acl refused: $out" grep -q "absolute" <<<"$out"
printf 'cgroup_device_acl = [ "/dev/null", "/etc/passwd" ]\n' >"$root/bad/file.conf"
out=$("$secd" --config "$root/bad/file.conf" --setup-cgroups 2>&1); rc=$?
check "non-device in cgroup_device_acl refused (rc $rc): $out" \
  [ $rc = 1 ] && grep -q "'/etc/passwd' is not a device" <<<"$out"
out=$("$secd" --root "$root" --setup-cgroups 12x 2>&1); rc=$?
check "--setup-cgroups 12x refused: $out" [ $rc = 1 ] && grep -q "is not a pid" <<<"$out"
out=$(setpriv --reuid=vmhost-sec --regid=vmhost-sec --clear-groups "$secd" --root "$root" --setup-cgroups 2>&1); rc=$?
check "--setup-cgroups as vmhost-sec refused: $out" [ $rc = 1 ] && grep -q "must run as root" <<<"$out"
check "secd still serves" vmhost ping --helpers

echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
