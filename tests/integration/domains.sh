#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Domain lifecycle with the real stack and a real tiny guest (TCG), run inside
# scripts/stack: define/list/dumpxml, start to the guest's console marker, the guest's
# own poweroff, suspend/resume, ACPI shutdown, reboot, destroy, reconnect after
# kill -9 of vmhostd, events; afterwards no emulator or run state is left.
set -uo pipefail
guest=${VMHOST_GUEST:?built guest folder}
root=$VMHOST_STACK_ROOT
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
expect() { # what, expected substring, command...
  local what=$1 want=$2 out; shift 2
  out=$("$@" 2>&1)
  if [[ "$out" == *"$want"* ]]; then ok "$what"; else bad "$what: got '$out'"; fi
}
wait_for() { # seconds, command... : poll until it succeeds
  local t=$1; shift
  for _ in $(seq 1 $((t * 20))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done
  return 1
}
state_is() { [ "$(vmhost domstate "$1" 2>/dev/null)" = "$2" ]; }
log_has() { grep -q "$2" "$root/var/log/vmhost/qemu/$1.log" 2>/dev/null; }
log_count() { grep -c "$2" "$root/var/log/vmhost/qemu/$1.log" 2>/dev/null || echo 0; }
log_more() { [ "$(log_count "$1" "$2")" -gt "$3" ]; }

mkdom() { # name mode
  cat >"$root/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$guest/vmlinux</kernel>
    <initrd>$guest/initrd.img</initrd>
    <cmdline>$(cat "$guest/cmdline") vmhost.mode=$2</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>
XML
}

# Definitions.
mkdom tiny poweroff
mkdom waiter wait
expect "define" "Domain 'tiny' defined" vmhost define "$root/tiny.xml"
expect "define second" "Domain 'waiter' defined" vmhost define "$root/waiter.xml"
expect "list --all shows it shut off" "shut off" vmhost list --all
expect "list --name" "waiter" vmhost list --all --name
uuid=$(vmhost domuuid tiny)
expect "dumpxml keeps the kernel" "$guest/vmlinux" vmhost dumpxml tiny
expect "dumpxml has the generated uuid" "$uuid" vmhost dumpxml tiny
expect "redefine from dumpxml" "defined" bash -c "vmhost dumpxml tiny > $root/again.xml && vmhost define $root/again.xml"
expect "definition file written" "<name>tiny</name>" cat "$root/etc/vmhost/qemu/tiny.xml"
expect "domname by uuid" "tiny" vmhost domname "$uuid"
expect "unknown domain" "error: failed to get domain 'nosuch'" vmhost dominfo nosuch

# A guest that powers itself off: marker, then shut off.
expect "start" "Domain 'tiny' started" vmhost start tiny
if wait_for 60 log_has tiny VMHOST-GUEST-READY; then ok "guest printed its marker"; else bad "no marker in the console log"; fi
if wait_for 30 state_is tiny "shut off"; then ok "guest poweroff seen: shut off"; else bad "guest poweroff not seen"; fi
expect "domid of a stopped guest" "-" vmhost domid tiny

# A guest that waits: states and operations.
expect "start paused" "started" vmhost start waiter --paused
expect "paused state" "paused" vmhost domstate waiter
expect "resume" "resumed" vmhost resume waiter
expect "running state" "running" vmhost domstate waiter
expect "list shows it running" "running" vmhost list
wait_for 60 log_has waiter VMHOST-WAITING && ok "waiter booted" || bad "waiter did not boot"
expect "suspend" "suspended" vmhost suspend waiter
expect "suspended state" "paused" vmhost domstate waiter
expect "suspend twice refused" "error:" vmhost suspend waiter
expect "resume again" "resumed" vmhost resume waiter
expect "start twice refused" "already running" vmhost start waiter
expect "dominfo" "State:          running" vmhost dominfo waiter

# vmhostd killed with -9 while the guest runs: reconnect.
qpid=$(pgrep -f "qemu-system-x86_64.*-name guest=waiter" | head -1)
kill -KILL "$(stack_pid vmhostd)"
stack_start vmhostd
wait_for 10 vmhost ping && ok "vmhostd restarted" || bad "vmhostd did not restart"
expect "after restart: still running" "running" vmhost domstate waiter
[ -n "$qpid" ] && kill -0 "$qpid" && ok "the emulator survived vmhostd's death" || bad "emulator gone"
n=$(log_count waiter VMHOST-WAITING)
expect "after restart: reset works" "was reset" vmhost reset waiter
wait_for 60 log_more waiter VMHOST-WAITING "$n" && ok "guest up again after reset" || bad "no boot after reset"

# ACPI shutdown: the guest decides, then shut off.
expect "shutdown" "is being shutdown" vmhost shutdown waiter
if wait_for 60 state_is waiter "shut off"; then ok "ACPI shutdown honoured"; else bad "guest did not shut down"; fi

# Destroy.
vmhost start waiter >/dev/null
expect "destroy" "destroyed" vmhost destroy waiter
expect "destroyed: shut off" "shut off" vmhost domstate waiter
expect "destroy when off refused" "not running" vmhost destroy waiter

# Undefine and leftovers.
expect "undefine" "has been undefined" vmhost undefine tiny
expect "undefined: gone" "error:" vmhost dominfo tiny
[ -z "$(pgrep -f "qemu-system-x86_64.*$root" || true)" ] && ok "no emulator left" || bad "an emulator is left"
[ -z "$(ls -A "$root/run/vmhost/qemu" 2>/dev/null)" ] && ok "no run state left" || bad "run state left: $(ls "$root/run/vmhost/qemu")"

echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
