#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# qemu.conf user = "root": the emulator runs as uid 0 but with every capability
# set empty and no_new_privs, in its own cgroups; the guest boots to its
# marker and destroy reaches it. Nothing needs new ownership: disks, QMP and
# serial reach QEMU as descriptors. Another user name with uid 0, and "0",
# are refused by --check-config (and at secd's start) with one line.
set -uo pipefail
root=$VMHOST_STACK_ROOT
. "$(dirname "$0")/lib.sh"

printf 'user = "root"\ngroup = "root"\n' >"$root/etc/vmhost/qemu.conf"
stack_restart secd
stack_restart vmhostd
wait_for 10 vmhost ping --helpers || bad "stack not back with user = root"
guest_xml rootq poweroff "<devices><serial type='pty'/></devices>" >"$root/rootq.xml"
expect "define" "defined" vmhost define "$root/rootq.xml"
guest_xml rootw wait "<devices><serial type='pty'/></devices>" >"$root/rootw.xml"
expect "define a waiting guest" "defined" vmhost define "$root/rootw.xml"
expect "start" "started" vmhost start rootw
pid=$(pgrep -f "guest=rootw," | head -1)
st() { awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "/proc/$pid/status"; }  # fields joined by spaces
[ "$(st Uid)" = "0 0 0 0" ] && ok "emulator uid 0" || bad "Uid: $(st Uid)"
[ "$(st Gid)" = "0 0 0 0" ] && ok "emulator gid 0" || bad "Gid: $(st Gid)"
for c in CapInh CapPrm CapEff CapBnd CapAmb; do
  [ "$(st $c)" = 0000000000000000 ] && ok "$c empty" || bad "$c: $(st $c)"
done
[ "$(st NoNewPrivs)" = 1 ] && ok "no_new_privs" || bad "NoNewPrivs: $(st NoNewPrivs)"
grep -q "/vmhost/$(vmhost domuuid rootw)" "/proc/$pid/cgroup" && ok "own cgroup" || bad "cgroup: $(cat /proc/$pid/cgroup)"
expect "destroy through secd" "destroyed" vmhost destroy rootw
wait_for 10 bash -c "! kill -0 $pid 2>/dev/null" && ok "emulator gone" || bad "emulator still there"
expect "a second guest starts" "started" vmhost start rootq
wait_for 60 grep -q VMHOST-GUEST-READY "$root/var/log/vmhost/qemu/rootq.log" && ok "guest booted to its marker as root" || bad "no marker"
wait_for 30 state_is rootq "shut off" && ok "guest's poweroff seen" || bad "rootq not shut off"

# another name for uid 0 is not "root": refused
userdel vmhtest-toor 2>/dev/null
useradd -o -u 0 -M -N -d /nonexistent -s /usr/sbin/nologin vmhtest-toor
printf 'user = "vmhtest-toor"\n' >"$root/etc/vmhost/qemu.conf"
out=$(vmhost-secd --root "$root" --check-config 2>&1) && bad "an alias of uid 0 accepted: $out"
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && [[ "$out" == *"has uid 0"* ]] && ok "alias of uid 0 refused: $out" || bad "refusal: $out"
printf 'user = "0"\n' >"$root/etc/vmhost/qemu.conf"
out=$(vmhost-secd --root "$root" --check-config 2>&1) && bad "user = \"0\" accepted: $out"
[[ "$out" == error:* ]] && ok "user = \"0\" refused: $out" || bad "refusal: $out"
userdel vmhtest-toor
rm -f "$root/etc/vmhost/qemu.conf"
stack_restart secd
wait_for 10 vmhost ping --helpers && ok "secd back with the default user" || bad "secd not back"
for d in rootq rootw; do vmhost undefine $d >/dev/null; done
finish
