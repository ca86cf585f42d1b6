#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# clear_emulator_capabilities = 0 (secd-caps.conf), inside scripts/stack: secd
# holds CAP_NET_ADMIN beside SETUID, SETGID, KILL (and nothing in its bounding
# set), and a guest's emulator has exactly cap_net_admin (0x1000) permitted,
# effective and ambient, an empty bounding set and no_new_privs; the emulator
# can use it (creates a tap in the stack's namespace as its own uid).
# Default configuration (clear_emulator_capabilities = 1): see
# integration_secd_cgroups and integration_secd_launch (every set 0).
set -uo pipefail
root=$VMHOST_STACK_ROOT
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
st() { awk -v k="$2:" '$1==k {print $2}' "/proc/$1/status"; }
trap 'vmhost destroy capg >/dev/null 2>&1' EXIT

cat >"$root/capg.xml" <<XML
<domain type='qemu'>
  <name>capg</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><serial type='pty'/></devices>
</domain>
XML
secd_pid=$(stack_pid secd)
check "secd CapEff = setuid,setgid,kill,net_admin (00000000000010e0)" [ "$(st "$secd_pid" CapEff)" = 00000000000010e0 ]
check "secd CapBnd empty" [ "$(st "$secd_pid" CapBnd)" = 0000000000000000 ]
check "secd log says so" grep -q "emulators keep CAP_NET_ADMIN" "$root/log/secd.log"
check "define" vmhost define "$root/capg.xml"
check "start" vmhost start capg
pid=$(sed -n 's/^pid=//p' "$root/run/vmhost/qemu/$(vmhost domuuid capg)/state")
grep -E '^(Uid|Cap|NoNewPrivs)' "/proc/$pid/status" | sed 's/^/  /'
for k in CapEff CapPrm CapAmb; do
  check "emulator $k = cap_net_admin (0000000000001000)" [ "$(st "$pid" $k)" = 0000000000001000 ]
done
check "emulator CapBnd empty" [ "$(st "$pid" CapBnd)" = 0000000000000000 ]
check "emulator NoNewPrivs 1" [ "$(st "$pid" NoNewPrivs)" = 1 ]
check "emulator runs as vmhost-qemu" [ "$(st "$pid" Uid)" = "$(id -u vmhost-qemu)" ]
# The capability works for the emulator's uid: a tap made with the same
# capability set (inside this stack's network namespace only).
[ "$(readlink /proc/self/ns/net)" != "$(readlink /proc/1/ns/net)" ] ||
  { echo "FAIL: not in the stack's network namespace"; exit 1; }
out=$(setpriv --reuid=vmhost-qemu --regid=kvm --clear-groups --inh-caps=+net_admin \
  --ambient-caps=+net_admin --bounding-set=-all,+net_admin ip tuntap add dev vmhcap0 mode tap 2>&1); rc=$?
check "cap_net_admin alone makes a tap here (rc $rc $out)" [ $rc = 0 ]
ip link del vmhcap0 2>/dev/null
check "destroy" vmhost destroy capg
vmhost undefine capg >/dev/null
echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
