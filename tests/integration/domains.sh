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

# Events, seen by a client listening from before the start.
vmhost event --domain waiter --loop --timeout 40 >"$root/events.txt" 2>&1 &
evpid=$!
sleep 0.3

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

# The console: attach, see the guest's output, type into it.
# (the guest's tty echoes what it receives: the echo proves the round trip)
expect "console round trip" "CONSOLE-TOKEN-7" bash -c "printf 'CONSOLE-TOKEN-7\n' | vmhost console waiter --timeout 3"
expect "console output is logged" "CONSOLE-TOKEN-7" cat "$root/var/log/vmhost/qemu/waiter.log"

# Reboot: powerdown, then QEMU resets instead of quitting.
n=$(log_count waiter VMHOST-WAITING)
expect "reboot" "is being rebooted" vmhost reboot waiter
wait_for 60 log_more waiter VMHOST-WAITING "$n" && ok "guest came back after reboot" || bad "no boot after reboot"
expect "running after reboot" "running" vmhost domstate waiter

# vmhostd killed with -9 while the guest runs: reconnect.
qpid=$(pgrep -f "qemu-system-x86_64.*-name guest=waiter" | head -1)
kill -KILL "$(stack_pid vmhostd)"
stack_start vmhostd
wait_for 10 vmhost ping && ok "vmhostd restarted" || bad "vmhostd did not restart"
expect "after restart: still running" "running" vmhost domstate waiter
[ -n "$qpid" ] && kill -0 "$qpid" && ok "the emulator survived vmhostd's death" || bad "emulator gone"
wait "$evpid" 2>/dev/null   # its daemon died: it ended, as virsh's does
vmhost event --domain waiter --loop --timeout 60 >"$root/events2.txt" 2>&1 &
evpid=$!
sleep 0.3
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

kill "$evpid" 2>/dev/null; wait "$evpid" 2>/dev/null
for e in "Started Booted" "Suspended Paused" "Resumed Unpaused" "Rebooted Reboot"; do
  grep -q "$e" "$root/events.txt" && ok "event: $e" || bad "event missing: $e ($(tr '\n' '|' <"$root/events.txt"))"
done
for e in "Rebooted Reset" "Stopped Shutdown" "Started Booted" "Stopped Destroyed"; do
  grep -q "$e" "$root/events2.txt" && ok "event after restart: $e" || bad "event missing: $e ($(tr '\n' '|' <"$root/events2.txt"))"
done
grep -q "Suspended" "$root/events2.txt" && bad "spurious Suspended event during reboot" || ok "no spurious events during reboot"

# Autostart: vmhostd starts it when it starts.
expect "autostart" "marked as autostarted" vmhost autostart waiter
kill -TERM "$(stack_pid vmhostd)"; sleep 0.3
stack_start vmhostd
wait_for 20 state_is waiter running && ok "autostarted at vmhostd start" || bad "not autostarted"
expect "autostart disable" "unmarked" vmhost autostart waiter --disable
vmhost destroy waiter >/dev/null

# Hostile definitions: one clear line each, nothing written, daemon alive.
hostile() { # what, file content generator...
  local what=$1 out; shift
  "$@" >"$root/hostile.xml"
  out=$(vmhost define "$root/hostile.xml" 2>&1)
  if [[ "$out" == error:* ]] && [ "$(printf '%s' "$out" | wc -l)" -le 1 ] &&
     ! printf '%s' "$out" | grep -q $'\x1b'; then ok "hostile $what: $out"; else bad "hostile $what: $out"; fi
}
x_notwf() { echo "<domain type='qemu'><name>x</name>"; }
x_bomb() { printf '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><domain type="qemu"><name>&c;</name><memory>1</memory></domain>'; }
x_xxe() { printf '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/shadow">]><domain type="qemu"><name>&x;</name></domain>'; }
x_name() { printf "<domain type='qemu'><name>%s</name><memory>1024</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>" "$1"; }
x_type() { printf "<domain type='xen'><name>x</name><memory>1024</memory><os><type>hvm</type></os></domain>"; }
x_mem() { printf "<domain type='qemu'><name>x</name><memory unit='EiB'>99999999</memory><os><type>hvm</type></os></domain>"; }
x_disk() { printf "<domain type='qemu'><name>x</name><memory>1024</memory><os><type>hvm</type></os><devices><disk type='file' device='disk'><source file='/tmp/a&#10;-drive file=/etc/shadow'/><target dev='vda'/></disk></devices></domain>"; }
x_bigattr() { printf "<domain type='qemu'><name>x</name><title t='"; head -c 10000000 /dev/zero | tr '\0' a; printf "'/></domain>"; }
x_deep() { printf "<domain type='qemu'>"; for _ in $(seq 1 100000); do printf '<a>'; done; }
x_dupuuid() { printf "<domain type='qemu'><name>other</name><uuid>%s</uuid><memory>1024</memory><os><type>hvm</type></os></domain>" "$(vmhost domuuid waiter)"; }
hostile "not well-formed" x_notwf
hostile "entity bomb" x_bomb
hostile "external entity" x_xxe
hostile "name with /" x_name "a/b"
hostile "name .." x_name ".."
hostile "name with escape" x_name $'a\x1b[31mb'
hostile "300-char name" x_name "$(head -c 300 /dev/zero | tr '\0' n)"
hostile "unknown type" x_type
hostile "overflowing memory" x_mem
hostile "newline in a disk path" x_disk
hostile "10 MB attribute" x_bigattr
hostile "100k-deep nesting" x_deep
hostile "duplicate uuid" x_dupuuid
[ "$(ls "$root/etc/vmhost/qemu" | grep -cv autostart)" = 2 ] && ok "no definition written by hostile input" || bad "files: $(ls "$root/etc/vmhost/qemu")"
rss=$(awk '/VmRSS/ {print $2}' "/proc/$(stack_pid vmhostd)/status")
[ "$rss" -lt 65536 ] && ok "vmhostd memory bounded after hostile input (${rss} KiB)" || bad "vmhostd RSS ${rss} KiB"
expect "daemon alive after hostile input" "ok" vmhost ping

# The libvirt conformance corpus through the daemon: accepted, or refused naming
# what is unsupported; accepted ones round-trip define -> dumpxml -> define.
corpus=${VMHOST_DOMAIN_CORPUS:-}
if [ -d "$corpus" ]; then
  acc=0; ref=0; rt_bad=0; unnamed=0
  for f in "$corpus"/*.xml; do
    out=$(vmhost define "$f" 2>&1)
    if [[ "$out" == "Domain '"*"' defined from "* ]]; then
      name=$(sed -n "s/^Domain '\(.*\)' defined from .*/\1/p" <<<"$out")
      vmhost dumpxml --inactive "$name" >"$root/rt1.xml"
      vmhost define "$root/rt1.xml" >/dev/null 2>&1 && vmhost dumpxml --inactive "$name" >"$root/rt2.xml"
      cmp -s "$root/rt1.xml" "$root/rt2.xml" || rt_bad=$((rt_bad + 1))
      vmhost undefine "$name" >/dev/null
      acc=$((acc + 1))
    else
      ref=$((ref + 1))
      [[ "$out" == *"'"*"'"* ]] || { unnamed=$((unnamed + 1)); echo "  refusal without a name: $(basename "$f"): $out"; }
    fi
  done
  ok "conformance corpus through the daemon: $acc accepted, $ref refused"
  [ "$rt_bad" = 0 ] && ok "every accepted definition round-trips" || bad "$rt_bad definitions changed on round trip"
  [ "$unnamed" -le 2 ] && ok "refusals name what they refuse ($unnamed without a quoted name)" || bad "$unnamed refusals name nothing"
  vmhost ping >/dev/null && ok "daemon alive after the corpus" || bad "daemon died on the corpus"
fi

# type='kvm' where the emulator cannot use KVM: a clear error, nothing left.
sed -e "s/type='qemu'/type='kvm'/" -e "s/<name>waiter</<name>kvmguest</" "$root/waiter.xml" >"$root/kvm.xml"
vmhost define "$root/kvm.xml" >/dev/null
out=$(timeout 60 vmhost start kvmguest 2>&1)
if [[ "$out" == error:*[Kk][Vv][Mm]* ]]; then ok "type kvm without usable KVM: $out"; else bad "kvm start: $out"; fi
vmhost destroy kvmguest >/dev/null 2>&1; vmhost undefine kvmguest >/dev/null

# Undefine and leftovers; the Undefined event comes once it is gone.
vmhost event --domain tiny --loop --timeout 10 >"$root/undef-events.txt" 2>&1 &
evpid=$!
sleep 0.3
expect "undefine" "has been undefined" vmhost undefine tiny
expect "undefined: gone" "error:" vmhost dominfo tiny
wait_for 5 grep -q "Undefined" "$root/undef-events.txt" && ok "event: Undefined" || bad "no Undefined event: $(cat "$root/undef-events.txt")"
kill $evpid 2>/dev/null; wait $evpid 2>/dev/null
[ -z "$(pgrep -f "qemu-system-x86_64.*$root" || true)" ] && ok "no emulator left" || bad "an emulator is left"
[ -z "$(ls -A "$root/run/vmhost/qemu" 2>/dev/null)" ] && ok "no run state left" || bad "run state left: $(ls "$root/run/vmhost/qemu")"

echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
