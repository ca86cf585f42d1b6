#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Chaos (issue 9), inside scripts/stack: 200 start/stop cycles of tiny TCG guests and
# virtual networks (start, start --paused, destroy, shutdown, net-start, net-destroy)
# while a background killer with a seeded RNG SIGKILLs a random vmhostd, netd, secd,
# stord, dnsmasq or emulator at random moments and restarts a killed daemon as its
# unit would (Restart=on-failure: stack_restart; a dnsmasq is netd's to restart, an
# emulator killed is a guest crash). During the chaos a command may fail, but only
# with one clear "error:" line, never a hang (each is under a timeout), and no daemon
# may die unless the killer killed it. Afterwards, with everything restarted and
# settled, a known final state is made (every guest and network stopped, then
# default + iso started with guests ga and gc on them) and compared exactly with the
# same state made before the chaos: guest and network states, links and their
# bridges, addresses, the nft ruleset, dnsmasq and emulator processes, every file
# (name, owner, mode) under the stack's root (run state, pid files, status files,
# images), the guests' cgroups; and every definition byte for byte.
# Then the repairs the chaos depends on, each made to happen once: a network start
# vmhostd never recorded (netd killed too, or alive) is undone; a guest start cut
# short before vmhostd learnt the emulator's pid is adopted.
# Replay a run with VMHOST_CHAOS_SEED=N (printed at the start); VMHOST_CHAOS_CYCLES
# changes the number of cycles (200).
set -uo pipefail
guest=${VMHOST_GUEST:?built guest folder}
root=$VMHOST_STACK_ROOT
netns=$VMHOST_STACK_NETNS
seed=${VMHOST_CHAOS_SEED:-$(( $(od -An -N2 -tu2 /dev/urandom) ))}
cycles=${VMHOST_CHAOS_CYCLES:-200}
work=$root/chaos
mkdir -p "$work"
pool=$root/var/lib/vmhost/images
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
wait_for() { # seconds, command...
  local t=$1; shift
  for _ in $(seq 1 $((t * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}
echo "chaos: seed $seed (replay with VMHOST_CHAOS_SEED=$seed), $cycles cycles"

guests=(ga gb gc gd)
nets=(default iso spare)
declare -A gnet=([ga]=default [gb]=default [gc]=iso [gd]=)
declare -A gdisk=([ga]=1 [gb]=0 [gc]=0 [gd]=1)
declare -A guuid
for g in "${guests[@]}"; do guuid[$g]=$(cat /proc/sys/kernel/random/uuid); done

mkdom() { # name
  local g=$1 dev=""
  [ -n "${gnet[$g]}" ] && dev+="<interface type='network'><source network='${gnet[$g]}'/><model type='virtio'/></interface>"
  [ "${gdisk[$g]}" = 1 ] && dev+="<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$pool/$g.raw'/><target dev='vda' bus='virtio'/></disk>"
  cat >"$work/$g.xml" <<XML
<domain type='qemu'>
  <name>$g</name>
  <uuid>${guuid[$g]}</uuid>
  <memory unit='MiB'>160</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$guest/vmlinux</kernel>
    <initrd>$guest/initrd.img</initrd>
    <cmdline>$(cat "$guest/cmdline") vmhost.mode=wait</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    $dev
    <serial type='pty'><target port='0'/></serial>
  </devices>
</domain>
XML
}

# ---- Setup: images, guests, networks.
for g in "${guests[@]}"; do
  if [ "${gdisk[$g]}" = 1 ]; then
    qemu-img create -q -f raw "$pool/$g.raw" 8M
    chown vmhost-stor: "$pool/$g.raw"
    chmod 0640 "$pool/$g.raw"
  fi
  mkdom "$g"
  vmhost define "$work/$g.xml" >/dev/null || bad "define $g"
done
cat >"$work/iso.xml" <<'XML'
<network>
  <name>iso</name>
  <bridge name='vhiso0'/>
  <ip address='10.77.0.1' prefix='24'>
    <dhcp><range start='10.77.0.10' end='10.77.0.50'/></dhcp>
  </ip>
</network>
XML
cat >"$work/spare.xml" <<'XML'
<network>
  <name>spare</name>
  <bridge name='vhspare0'/>
  <ip address='10.78.0.1' prefix='24'/>
</network>
XML
vmhost net-define "$work/iso.xml" >/dev/null || bad "net-define iso"
vmhost net-define "$work/spare.xml" >/dev/null || bad "net-define spare"
vmhost autostart gd >/dev/null || bad "autostart gd"
vmhost net-autostart spare >/dev/null || bad "net-autostart spare"

# ---- The final state, made the same way before and after the chaos.
settle() { # every helper answers, every active network has its dnsmasq
  wait_for 30 vmhost ping --helpers || return 1
  local n
  for n in $(vmhost net-list --name 2>/dev/null); do
    wait_for 20 bash -c "pgrep -f 'dnsmasq.*/$n.conf' >/dev/null" || return 1
  done
}
final_state() { # stop everything, then default + iso with ga and gc on them
  local g n out rc=0
  for g in "${guests[@]}"; do
    if [ "$(vmhost domstate "$g" 2>/dev/null)" != "shut off" ]; then
      out=$(timeout 60 vmhost destroy "$g" 2>&1) || { echo "  destroy $g: $out"; rc=1; }
    fi
  done
  for n in "${nets[@]}"; do
    if vmhost net-list --name | grep -qx "$n"; then
      out=$(timeout 60 vmhost net-destroy "$n" 2>&1) || { echo "  net-destroy $n: $out"; rc=1; }
    fi
  done
  for n in default iso; do
    out=$(timeout 60 vmhost net-start "$n" 2>&1) || { echo "  net-start $n: $out"; rc=1; }
  done
  for g in ga gc; do
    out=$(timeout 60 vmhost start --paused "$g" 2>&1) || { echo "  start $g: $out"; rc=1; }
  done
  settle || { echo "  not settled"; rc=1; }
  return $rc
}
# What must be exactly the same: states, links, addresses, rules, processes,
# files (name owner:group mode) and the guests' cgroups.
snapshot() {
  local p comm
  echo "== guests"; vmhost list --all | sed -E 's/^ *([0-9]+|-) +/ ID /'
  echo "== networks"; vmhost net-list --all
  echo "== links"
  ip -o link show | awk '{n=$2; sub(":$","",n); sub("@.*","",n); m="";
    for (i=3;i<=NF;i++) if ($i=="master") m=$(i+1); print n, m}' |
    sed -E 's/^vnet[0-9]+/vnet*/' | sort
  echo "== addresses"
  ip -o addr show | awk '{print $2, $3, $4}' | grep -v '^lo \| inet6 fe80:' | sed -E 's/^vnet[0-9]+/vnet*/' | sort
  echo "== ruleset"
  nft list ruleset 2>&1 | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/; s/vnet[0-9]+/vnet*/g'
  echo "== processes"
  for p in $(ip netns pids "$netns" 2>/dev/null); do
    comm=$(cat "/proc/$p/comm" 2>/dev/null) || continue
    case "$comm" in
      dnsmasq) echo "dnsmasq $(tr '\0' '\n' <"/proc/$p/cmdline" | grep -- '--conf-file')" ;;
      qemu-system-*) echo "emulator $(tr '\0' '\n' <"/proc/$p/cmdline" | grep '^guest=')" ;;
      vmhostd|vmhost-*) echo "daemon $comm" ;;
    esac
  done | sort
  echo "== files"
  (cd "$root" && find . -path ./log -prune -o -path ./chaos -prune -o -path ./var/log -prune \
      -o -printf '%p %u:%g %m %y\n' | sed -E 's/vnet[0-9]+/vnet*/g' | sort)
  echo "== cgroups"
  for g in "${guests[@]}"; do
    for c in /sys/fs/cgroup/*/vmhost/"${guuid[$g]}" /sys/fs/cgroup/unified/vmhost*/"${guuid[$g]}"; do
      [ -d "$c" ] && echo "$g ${c%/*}"
    done
  done | sed "s|$root|ROOT|g" | sort
}
defs_copy() { # definitions and autostart links, byte for byte
  rm -rf "$1"; mkdir -p "$1"
  cp -a "$root/etc/vmhost/qemu" "$root/etc/vmhost/networks" "$1/"
}

# Warm-up: every guest and network started and stopped once (files that stay by
# design, such as lease files, exist before the reference is taken).
for n in "${nets[@]}"; do timeout 60 vmhost net-start "$n" >/dev/null 2>&1; done
for g in "${guests[@]}"; do timeout 60 vmhost start --paused "$g" >/dev/null 2>&1; done
final_state && ok "reference state made" || bad "reference state"
snapshot >"$work/ref.txt"
defs_copy "$work/defs-before"
grep -c '^emulator' "$work/ref.txt" | grep -qx 2 && ok "reference: two emulators" ||
  bad "reference emulators: $(grep '^emulator' "$work/ref.txt")"

# ---- The killer: a seeded RNG picks the moment and the victim.
daemons=(vmhostd netd secd stord)
killer() {
  RANDOM=$seed
  local victim pid pids d
  while [ ! -e "$work/stop" ]; do
    sleep "$((RANDOM % 3 / 2)).$((RANDOM % 10))"
    [ -e "$work/stop" ] && break
    # a daemon dead without the killer is a crash
    for d in "${daemons[@]}"; do
      pid=$(stack_pid "$d")
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "$(date +%T.%N) $d (pid $pid) died on its own: $(tail -n 3 "$root/log/$d.log" | tr '\n' '|')" >>"$work/crashes"
        stack_start "$d"
      fi
    done
    case $((RANDOM % 6)) in
      0) victim=vmhostd ;; 1) victim=netd ;; 2) victim=secd ;; 3) victim=stord ;;
      4) victim=dnsmasq ;; 5) victim=emulator ;;
    esac
    case $victim in
      dnsmasq|emulator)
        pids=()
        for pid in $(ip netns pids "$netns" 2>/dev/null); do
          case "$(cat "/proc/$pid/comm" 2>/dev/null)" in
            dnsmasq) [ "$victim" = dnsmasq ] && pids+=("$pid") ;;
            qemu-system-*) [ "$victim" = emulator ] && pids+=("$pid") ;;
          esac
        done
        if [ ${#pids[@]} -gt 0 ]; then
          pid=${pids[RANDOM % ${#pids[@]}]}
          kill -KILL "$pid" 2>/dev/null && echo "$(date +%T.%N) $victim $pid" >>"$work/kills"
        fi ;;
      *)
        echo "$(date +%T.%N) $victim $(stack_pid "$victim")" >>"$work/kills"
        stack_restart "$victim" ;;
    esac
  done
}

# ---- The cycles.
: >"$work/kills"; : >"$work/crashes"
killer &
kpid=$!
RANDOM=$((seed + 1))
nok=0; nerr=0; hangs=0; unclear=0
# $cycles commands at least; on a fast machine more (up to 3x), until the killer
# has struck 20 times, so the kill count does not depend on the machine's speed
i=0
while [ "$i" -lt "$cycles" ] ||
    { [ "$(wc -l <"$work/kills")" -lt 20 ] && [ "$i" -lt $((cycles * 3)) ]; }; do
  i=$((i + 1))
  # mostly the operation that fits the current state, now and then the other one
  r=$((RANDOM % 10))
  g=${guests[RANDOM % ${#guests[@]}]}
  n=${nets[RANDOM % ${#nets[@]}]}
  wrong=$((RANDOM % 8 == 0))
  if [ "$r" -lt 6 ]; then
    st=$(timeout 20 vmhost domstate "$g" 2>/dev/null)
    if [ "$st" = "shut off" ] || [ -z "$st" ]; then up=1; else up=0; fi
    [ "$wrong" = 1 ] && up=$((1 - up))
    if [ "$up" = 1 ]; then
      [ $((r % 3)) = 0 ] && cmd=(vmhost start "$g") || cmd=(vmhost start --paused "$g")
    else
      [ $((r % 3)) = 0 ] && cmd=(vmhost shutdown "$g") || cmd=(vmhost destroy "$g")
    fi
  else
    if timeout 20 vmhost net-list --name 2>/dev/null | grep -qx "$n"; then up=0; else up=1; fi
    [ "$wrong" = 1 ] && up=$((1 - up))
    [ "$up" = 1 ] && cmd=(vmhost net-start "$n") || cmd=(vmhost net-destroy "$n")
  fi
  out=$(timeout 60 "${cmd[@]}" 2>&1); rc=$?
  if [ $rc = 124 ] || [ $rc -ge 128 ]; then
    hangs=$((hangs + 1)); bad "cycle $i: '${cmd[*]}' hung or was killed (rc $rc): $out"
  elif [ $rc = 0 ]; then
    nok=$((nok + 1))
  else
    nerr=$((nerr + 1))
    out=$(printf '%s\n' "$out" | sed '/^$/d')
    if [[ "$out" != error:* ]] || [ "$(printf '%s\n' "$out" | wc -l)" != 1 ]; then
      unclear=$((unclear + 1)); bad "cycle $i: '${cmd[*]}' failed unclearly: '$out'"
    fi
    printf '%s: %s\n' "${cmd[*]}" "$out" >>"$work/errors"
  fi
done
touch "$work/stop"
wait "$kpid"
nkill=$(wc -l <"$work/kills")
echo "chaos: $nok commands succeeded, $nerr failed (allowed while a helper is down), $nkill kills:"
awk '{print $2}' "$work/kills" | sort | uniq -c | sed 's/^/  /'
[ -s "$work/errors" ] && sort "$work/errors" | sed -E 's/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -20 | sed 's/^/  /'
echo "chaos: repairs seen in the logs: $(grep -c 'undoing what an interrupted' "$root/log/netd.log") interrupted network starts undone by netd," \
  "$(grep -c 'is not active for vmhostd' "$root/log/netd.log") networks stopped for vmhostd," \
  "$(grep -c 'adopting emulator' "$root/log/vmhostd.log") cut-short guest starts adopted," \
  "$(grep -c 'an interrupted write' "$root/log/vmhostd.log") temp files removed"
[ "$hangs" = 0 ] && ok "no command hung (each under a 60 s timeout)" || bad "$hangs commands hung"
[ "$unclear" = 0 ] && ok "every failure was one clear error line" || bad "$unclear unclear failures"
[ "$nkill" -ge 20 ] && ok "$nkill daemons/processes killed" || bad "only $nkill kills"
[ "$nok" -ge 20 ] && ok "$nok commands succeeded during the chaos" || bad "only $nok commands succeeded"

# ---- Settled: everything is back, then the same final state is made.
for d in "${daemons[@]}"; do
  pid=$(stack_pid "$d")
  kill -0 "$pid" 2>/dev/null || { echo "$d (pid $pid) died on its own: $(tail -n 3 "$root/log/$d.log" | tr '\n' '|')" >>"$work/crashes"; stack_start "$d"; }
done
[ -s "$work/crashes" ] && bad "daemons died without the killer: $(cat "$work/crashes")" ||
  ok "no daemon died except by the killer"
settle && ok "stack settled after the chaos" || bad "stack did not settle"

# The repairs the chaos relies on, made deterministic (each is a race the killer hits
# only now and then): a network netd started that vmhostd never recorded, with netd
# killed too (undone from netd's NAME.net; iso: not autostarted) and with netd alive (stopped at the sync);
# a guest start cut short before vmhostd learnt the emulator's pid (adopted).
iso_status=$root/run/vmhost/network/iso.xml
no_iso() { ! ip link show vhiso0 >/dev/null 2>&1 && ! pgrep -f 'dnsmasq.*/iso.conf' >/dev/null &&
  ! nft list ruleset 2>/dev/null | grep -q vhiso0 && [ ! -e "$root/run/vmhost/netd/iso.net" ]; }
vmhost destroy gc >/dev/null 2>&1
for netd_too in 1 0; do
  vmhost net-destroy iso >/dev/null 2>&1
  out=$(vmhost net-start iso 2>&1) || bad "net-start iso: $out"
  kill -KILL "$(stack_pid vmhostd)"
  [ "$netd_too" = 1 ] && kill -KILL "$(stack_pid netd)"
  rm -f "$iso_status"	# as if vmhostd died before recording the start
  [ "$netd_too" = 1 ] && stack_start netd
  stack_start vmhostd
  settle
  if [ "$(vmhost net-list --all | awk '$1 == "iso" {print $2}')" = inactive ] && wait_for 10 no_iso; then
    ok "a start vmhostd never recorded is undone (netd killed too: $netd_too)"
  else
    bad "iso after the repair (netd killed: $netd_too): $(vmhost net-list --all | grep iso), $(ip -br link show vhiso0 2>&1)"
  fi
done
vmhost destroy gb >/dev/null 2>&1
vmhost net-start default >/dev/null 2>&1	# gb's network
out=$(vmhost start --paused gb 2>&1) || bad "start gb: $out"
kill -KILL "$(stack_pid vmhostd)"
printf 'name=gb\npid=0\nstart_time=0\nid=0\npaused=0\n' >"$root/run/vmhost/qemu/${guuid[gb]}/state"
stack_start vmhostd
settle
gbpid=$(pgrep -f 'qemu-system.*guest=gb,' | head -1)
if [ "$(vmhost domstate gb 2>&1)" = paused ] && [ -n "$gbpid" ] &&
   grep -q "^pid=$gbpid\$" "$root/run/vmhost/qemu/${guuid[gb]}/state"; then
  ok "a guest start cut short before its pid was recorded is adopted (pid $gbpid)"
else
  bad "gb after the cut-short start: $(vmhost domstate gb 2>&1), pid '$gbpid', $(tr '\n' ' ' <"$root/run/vmhost/qemu/${guuid[gb]}/state" 2>&1)"
fi

final_state && ok "final state made" || bad "final state"
snapshot >"$work/final.txt"
if diff -u "$work/ref.txt" "$work/final.txt" >"$work/diff"; then
  ok "final state equals the reference: links, addresses, rules, processes, files, owners, cgroups"
else
  bad "final state differs from the reference:"; cat "$work/diff"
fi
defs_copy "$work/defs-after"
if diff -r "$work/defs-before" "$work/defs-after" >"$work/defdiff" &&
   diff <(cd "$work/defs-before" && find . -printf '%p %l %m\n' | sort) \
        <(cd "$work/defs-after" && find . -printf '%p %l %m\n' | sort) >>"$work/defdiff"; then
  ok "every definition and autostart link intact, byte for byte"
else
  bad "definitions changed:"; cat "$work/defdiff"
fi
for g in ga gc; do
  [ "$(vmhost domstate "$g")" = paused ] && ok "$g runs (paused) as it should" || bad "$g: $(vmhost domstate "$g")"
  pid=$(sed -n 's/^pid=//p' "$root/run/vmhost/qemu/${guuid[$g]}/state" 2>/dev/null)
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = qemu-system-x86 ] &&
    ok "$g: its state file names its live emulator" || bad "$g: state pid '$pid'"
done
for g in "${guests[@]}"; do
  if [ "${gdisk[$g]}" = 1 ]; then
    [ "$(stat -c '%U:%G %a' "$pool/$g.raw")" = "vmhost-stor:vmhost-stor 640" ] &&
      ok "$g's image keeps its owner and mode" || bad "$g image: $(stat -c '%U:%G %a' "$pool/$g.raw")"
  fi
done

# Leave nothing: stop all, then no emulator, tap, bridge, dnsmasq, run state.
for g in ga gc; do vmhost destroy "$g" >/dev/null 2>&1; done
for n in default iso; do vmhost net-destroy "$n" >/dev/null 2>&1; done
left=$(ip netns pids "$netns" | while read -r p; do cat "/proc/$p/comm" 2>/dev/null; done |
  grep -E 'dnsmasq|qemu' || true)
[ -z "$left" ] && ok "no dnsmasq or emulator left" || bad "left: $left"
[ -z "$(ip -o link show | grep -v ' lo:')" ] && ok "no link left" || bad "links left: $(ip -o link show | grep -v ' lo:')"
[ -z "$(ls -A "$root/run/vmhost/qemu" 2>/dev/null)" ] && ok "no run state left" ||
  bad "run state left: $(ls "$root/run/vmhost/qemu")"
[ -z "$(nft list ruleset 2>/dev/null | grep -i vmhost)" ] && ok "no vmhost firewall rule left" || bad "rules left"
vmhost ping --helpers >/dev/null && ok "every daemon alive at the end" || bad "a daemon is down at the end"

echo "chaos: seed $seed"
echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
