#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Guest crashes and on_crash, with the real stack and the tiny guest in its
# 'panic' mode (it loads the pvpanic driver and panics through sysrq):
#   destroy  (default) - shut off, reason crashed, "Crashed" event
#   preserve - the emulator stays, state "crashed (panicked)", destroy ends it
#   restart  - the guest boots again in the same emulator, stays running
#   coredump-destroy - refused at start with a one-line error naming it
# Afterwards no emulator and no run state are left.
set -uo pipefail
root=$VMHOST_STACK_ROOT
. "$(dirname "$0")/lib.sh"
panics() { grep -c VMHOST-PANIC "$root/var/log/vmhost/qemu/$1.log" 2>/dev/null || echo 0; }
more_panics() { [ "$(panics "$1")" -ge "$2" ]; }

mkdom() { # name on_crash
  guest_xml "$1" panic "<on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>$2</on_crash>
  <devices>
    <serial type='pty'><target port='0'/></serial>
    <panic model='isa'><address type='isa' iobase='0x505'/></panic>
  </devices>" >"$root/$1.xml"
  vmhost define "$root/$1.xml" >/dev/null || bad "define $1"
}

vmhost event --loop --timeout 120 >"$root/events.txt" 2>&1 &
evpid=$!
sleep 0.2

# destroy
mkdom c-destroy destroy
vmhost dumpxml c-destroy | grep -q "<panic model='isa'>" && ok "dumpxml keeps <panic>" || bad "panic device lost"
vmhost start c-destroy >/dev/null || bad "start c-destroy"
if wait_for 60 state_is c-destroy "shut off"; then ok "destroy: shut off after the panic"; else bad "destroy: state $(vmhost domstate c-destroy)"; fi
[ "$(vmhost domstate --reason c-destroy 2>/dev/null)" = "shut off (crashed)" ] && ok "destroy: reason crashed" ||
  bad "destroy: reason '$(vmhost domstate --reason c-destroy 2>&1)'"

# preserve
mkdom c-preserve preserve
vmhost start c-preserve >/dev/null || bad "start c-preserve"
if wait_for 60 state_is c-preserve crashed; then ok "preserve: state crashed"; else bad "preserve: state $(vmhost domstate c-preserve)"; fi
pgrep -f "guest=c-preserve" >/dev/null && ok "preserve: the emulator stays" || bad "preserve: emulator gone"
[ "$(vmhost domstate --reason c-preserve 2>/dev/null)" = "crashed (panicked)" ] && ok "preserve: reason panicked" ||
  bad "preserve: reason '$(vmhost domstate --reason c-preserve 2>&1)'"
stack_restart vmhostd
wait_for 10 vmhost ping
if wait_for 10 state_is c-preserve crashed; then ok "preserve: still crashed after vmhostd kill -9"; else bad "preserve after reconnect: $(vmhost domstate c-preserve)"; fi
vmhost destroy c-preserve >/dev/null || bad "destroy c-preserve"
if wait_for 20 state_is c-preserve "shut off"; then ok "preserve: destroy ends it"; else bad "preserve: not shut off"; fi
kill $evpid 2>/dev/null; wait $evpid 2>/dev/null
vmhost event --loop --timeout 120 >>"$root/events.txt" 2>&1 &
evpid=$!

# restart
mkdom c-restart restart
vmhost start c-restart >/dev/null || bad "start c-restart"
if wait_for 90 more_panics c-restart 2; then ok "restart: booted again and panicked again ($(panics c-restart) panics)"; else bad "restart: $(panics c-restart) panic(s)"; fi
state=$(vmhost domstate c-restart)
case "$state" in running|"in shutdown") ok "restart: still up ($state)" ;; *) bad "restart: state $state" ;; esac
pgrep -f "guest=c-restart" >/dev/null && ok "restart: same emulator kept" || bad "restart: emulator gone"
vmhost destroy c-restart >/dev/null || bad "destroy c-restart"
wait_for 20 state_is c-restart "shut off" || bad "c-restart not shut off"
kill $evpid 2>/dev/null; wait $evpid 2>/dev/null
grep -q "c-destroy.*Crashed" "$root/events.txt" && ok "event: c-destroy Crashed" || bad "no Crashed event for c-destroy"
grep -q "c-restart.*Rebooted" "$root/events.txt" && ok "event: c-restart Rebooted" || bad "no Rebooted event for c-restart"

# refused
mkdom c-dump coredump-destroy
out=$(vmhost start c-dump 2>&1) && bad "coredump-destroy started"
[[ "$out" == *"on_crash 'coredump-destroy' is not supported"* ]] && ok "coredump-destroy refused: $out" || bad "refusal: $out"

# nothing left
sleep 0.2
pgrep -f "qemu-system.*guest=c-" >/dev/null && bad "emulators left: $(pgrep -af 'guest=c-')" || ok "no emulator left"
[ -z "$(ls "$root/run/vmhost/qemu/" 2>/dev/null)" ] && ok "no run state left" || bad "run state left: $(ls "$root/run/vmhost/qemu/")"
for d in c-destroy c-preserve c-restart c-dump; do vmhost undefine $d >/dev/null; done
finish
