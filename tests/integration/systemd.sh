#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The systemd units in systemd/: `systemd-analyze verify` on each (copies whose
# ExecStart= names the build's binaries), `systemd-analyze security --offline`
# scores against the targets, User=/caps against DESIGN's table; then each
# daemon started exactly as its unit says (setpriv: user, group, groups,
# ambient and bounding capabilities, no_new_privs, securebits, umask; folders
# as RuntimeDirectory=/StateDirectory=/LogsDirectory= and the tmpfiles.d file
# would make them) in a scratch --root inside a private network namespace, and
# checked to work with nothing more. No systemd needs to run.
#
#   tests/integration/systemd.sh BUILD_DIR
# Run as root. Prints "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
units="$top/systemd"
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # description command...
  local d=$1; shift
  if "$@"; then ok "$d"; else bad "$d"; fi
}

if [ "$(id -u)" != 0 ]; then
  echo "error: $0 must run as root (it makes users' folders and a network namespace)" >&2
  exit 1
fi
for t in systemd-analyze systemd-tmpfiles setpriv; do
  command -v $t >/dev/null || { echo "error: $t is missing (apt-get install systemd util-linux)" >&2; exit 1; }
done

# unit -> binary in the build, exposure target, user, capabilities (DESIGN)
declare -A BIN=(
  [vmhostd]="$build/vmhostd/vmhostd"
  [vmhost-netd]="$build/netd/vmhost-netd"
  [vmhost-secd]="$build/secd/vmhost-secd"
  [vmhost-stord]="$build/stord/vmhost-stord")
declare -A TARGET=([vmhostd]=0.5 [vmhost-secd]=1.0 [vmhost-stord]=1.5 [vmhost-netd]=2.0)
declare -A USER_OF=([vmhostd]=vmhost [vmhost-netd]=vmhost-net
  [vmhost-secd]=vmhost-sec [vmhost-stord]=vmhost-stor)
declare -A CAPS=([vmhostd]=""
  [vmhost-netd]="cap_net_admin cap_net_bind_service cap_net_raw"
  [vmhost-secd]="cap_kill cap_mac_admin cap_setgid cap_setuid"
  [vmhost-stord]="cap_chown cap_dac_read_search cap_fowner")
ORDER="vmhost-netd vmhost-secd vmhost-stord vmhostd"

scratch=$(mktemp -d /tmp/vmhost-systemd.XXXXXX)
chmod 755 "$scratch"
root="$scratch/root"
netns="vmhost-sd-$$"
declare -A PID=()
cleanup() {
  set +e
  for u in "${!PID[@]}"; do kill -TERM "${PID[$u]}" 2>/dev/null; done
  sleep 0.3
  for u in "${!PID[@]}"; do kill -KILL "${PID[$u]}" 2>/dev/null; done
  for p in $(ip netns pids "$netns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  ip netns delete "$netns" 2>/dev/null
  if [ -n "${VMHOST_KEEP:-}" ]; then echo "kept $scratch"; else rm -rf "$scratch"; fi
}
trap cleanup EXIT

# Every value of KEY= in a unit, space-joined, in order (an empty assignment
# resets, as systemd does).
unit_get() { # unit key
  awk -v k="$2" -F= '
    /^\[/ { sect = $0 }
    sect == "[Service]" && $1 == k {
      v = substr($0, length(k) + 2)
      if (v == "") out = ""; else out = (out == "" ? v : out " " v)
    }
    END { print out }' "$units/$1.service"
}
lower_caps() { tr 'A-Z' 'a-z' | tr ' ' '\n' | grep . | sort | tr '\n' ' ' | sed 's/ $//'; }

echo "== verify"
vdir="$scratch/units"
mkdir -p "$vdir"
for u in $ORDER; do
  # ExecStart*=[+]/usr/sbin/X -> the build's X (verify checks it exists and is executable)
  sed "s#^\(ExecStart[A-Za-z]*=[-+!@:]*\)/usr/sbin/[^ ]*#\1${BIN[$u]}#" "$units/$u.service" >"$vdir/$u.service"
done
for u in $ORDER; do
  out=$(cd "$vdir" && systemd-analyze verify --man=no "./$u.service" 2>&1)
  rc=$?
  if [ $rc = 0 ] && [ -z "$out" ]; then ok "verify $u.service"
  else bad "verify $u.service (rc $rc): $out"; fi
done

echo "== security (systemd-analyze security --offline=true)"
for u in $ORDER; do
  line=$(cd "$vdir" && systemd-analyze security --offline=true --no-pager "./$u.service" 2>&1 |
    grep 'Overall exposure level')
  score=$(sed -n 's/.*: \([0-9.]*\) .*/\1/p' <<<"$line")
  printf '%-14s exposure %-4s (target <= %s) %s\n' "$u" "${score:-?}" "${TARGET[$u]}" \
    "$(sed 's/.*: [0-9.]* //' <<<"$line")"
  if [ -n "$score" ] && awk -v s="$score" -v t="${TARGET[$u]}" 'BEGIN { exit !(s <= t) }'; then
    ok "$u exposure $score <= ${TARGET[$u]}"
  else
    bad "$u exposure ${score:-?} over ${TARGET[$u]}"
  fi
done

echo "== users and capabilities as DESIGN's table"
for u in $ORDER; do
  check "$u User=${USER_OF[$u]}" [ "$(unit_get $u User)" = "${USER_OF[$u]}" ]
  check "$u Group=vmhost" [ "$(unit_get $u Group)" = vmhost ]
  amb=$(unit_get $u AmbientCapabilities | lower_caps)
  bnd=$(unit_get $u CapabilityBoundingSet | lower_caps)
  check "$u AmbientCapabilities=${CAPS[$u]:-(none)}" [ "$amb" = "${CAPS[$u]}" ]
  check "$u CapabilityBoundingSet=${CAPS[$u]:-(none)}" [ "$bnd" = "${CAPS[$u]}" ]
  check "$u NoNewPrivileges=yes" [ "$(unit_get $u NoNewPrivileges)" = yes ]
  check "$u ProtectSystem=strict" [ "$(unit_get $u ProtectSystem)" = strict ]
  check "$u Restart=on-failure" [ "$(unit_get $u Restart)" = on-failure ]
done
check "secd has no MemoryDenyWriteExecute (QEMU TCG)" \
  [ "$(unit_get vmhost-secd MemoryDenyWriteExecute)" = no ]
check "secd KillMode=process (guests survive)" [ "$(unit_get vmhost-secd KillMode)" = process ]
check "netd KillMode=process (dnsmasq survives)" [ "$(unit_get vmhost-netd KillMode)" = process ]
for h in netd secd stord; do
  check "vmhostd Wants= and After= vmhost-$h" \
    grep -q "^Wants=.*vmhost-$h.service" "$units/vmhostd.service"
  grep -q "^After=.*vmhost-$h.service" "$units/vmhostd.service" ||
    bad "vmhostd not After= vmhost-$h"
done

echo "== folders as systemd makes them (helpers first, then vmhostd)"
mkdir -p "$root"
chmod 755 "$root"
# RuntimeDirectory= etc.: parents root:root 0755, the folder User:Group MODE
exec_dirs() { # unit
  local u=$1 usr grp kind base key m d
  usr=$(unit_get "$u" User)
  grp=$(unit_get "$u" Group)
  for kind in Runtime:/run State:/var/lib Logs:/var/log Configuration:/etc; do
    key=${kind%%:*}
    base=${kind#*:}
    m=$(unit_get "$u" "${key}DirectoryMode")
    for d in $(unit_get "$u" "${key}Directory"); do
      install -d -m 0755 "$root$base/$(dirname "$d")"
      if [ "$key" = Configuration ]; then
        install -d -m "${m:-0755}" "$root$base/$d"
      else
        install -d -m "${m:-0755}" -o "$usr" -g "$grp" "$root$base/$d"
      fi
    done
  done
}
for u in $ORDER; do exec_dirs "$u"; done
# vmhostd's ExecStartPre=+systemd-tmpfiles --create vmhost.conf, on the real
# file, in the scratch root (which resolves users from ROOT/etc/passwd).
check "vmhostd ExecStartPre applies vmhost.conf" \
  grep -q '^ExecStartPre=+/usr/bin/systemd-tmpfiles --create vmhost.conf$' "$units/vmhostd.service"
cp /etc/passwd /etc/group "$root/etc/"
out=$(systemd-tmpfiles --create --root="$root" "$units/vmhost.tmpfiles" 2>&1)
check "systemd-tmpfiles applies vmhost.tmpfiles cleanly${out:+: $out}" [ -z "$out" ]
rm -f "$root/etc/passwd" "$root/etc/group"
stat_is() { # path "mode user group"
  [ "$(stat -c '%a %U %G' "$1" 2>/dev/null)" = "$2" ] ||
    { echo "  $1: $(stat -c '%a %U %G' "$1" 2>&1), want $2"; return 1; }
}
check "/run/vmhost 755 vmhost vmhost" stat_is "$root/run/vmhost" "755 vmhost vmhost"
for h in netd secd stord; do
  m=750; [ "$h" = netd ] && m=751	# others reach netd's bridge.sock, cannot list
  check "/run/vmhost/$h $m ${USER_OF[vmhost-$h]} vmhost" \
    stat_is "$root/run/vmhost/$h" "$m ${USER_OF[vmhost-$h]} vmhost"
done
check "/etc/vmhost/qemu 700 vmhost vmhost" stat_is "$root/etc/vmhost/qemu" "700 vmhost vmhost"

echo "== daemons started as their units say"
ip netns add "$netns"
ip -n "$netns" link set lo up
exec_start() { # unit -> argv words after the binary
  unit_get "$1" ExecStart | cut -s -d' ' -f2-
}
start_unit() { # unit
  local u=$1 usr grp caps groups umask args capl
  usr=$(unit_get "$u" User)
  grp=$(unit_get "$u" Group)
  caps=$(unit_get "$u" AmbientCapabilities | lower_caps)
  umask=$(unit_get "$u" UMask)
  args=$(exec_start "$u")
  # systemd: initgroups(User, Group) = Group plus User's groups
  groups=$(id -Gn "$usr" | tr ' ' '\n' | { cat; echo "$grp"; } | sort -u | paste -sd,)
  capl=$(for c in $caps; do printf ',+%s' "${c#cap_}"; done)
  (
    umask "${umask:-0022}"
    # shellcheck disable=SC2086
    exec nsenter --net="/run/netns/$netns" \
      setpriv --reuid="$usr" --regid="$grp" --groups="$groups" \
        --inh-caps="-all$capl" --ambient-caps="-all$capl" --bounding-set="-all$capl" \
        --no-new-privs --securebits=+noroot,+noroot_locked,+no_setuid_fixup,+no_setuid_fixup_locked \
        -- "${BIN[$u]}" $args --root "$root"
  ) >"$scratch/$u.log" 2>&1 &
  PID[$u]=$!
}
for u in $ORDER; do start_unit "$u"; done
uri="unix://$root/run/vmhost/vmhost-sock"
cli="$build/cli/vmhost"
for _ in $(seq 1 100); do
  "$cli" -c "$uri" ping --helpers >/dev/null 2>&1 && break
  sleep 0.05
done
for u in $ORDER; do
  if kill -0 "${PID[$u]}" 2>/dev/null; then ok "$u running"
  else bad "$u exited: $(tail -n 5 "$scratch/$u.log")"; fi
done

ver=$("$cli" -c "$uri" version 2>&1)
echo "$ver" | sed 's/^/  /'
for h in netd secd stord; do
  check "version: helper $h connected" \
    grep -Eq "^Helper (vmhost-)?$h: [0-9]" <<<"$ver"
done
check "ping through every helper" "$cli" -c "$uri" ping --helpers

info=$("$cli" -c "$uri" sysinfo-daemons 2>&1)
echo "$info" | sed 's/^/  /'
declare -A CAPNUM=([cap_chown]=0 [cap_dac_read_search]=2 [cap_fowner]=3 [cap_kill]=5
  [cap_setgid]=6 [cap_setuid]=7 [cap_net_bind_service]=10 [cap_net_admin]=12 [cap_net_raw]=13
  [cap_mac_admin]=33)
# What each daemon keeps in effect on this host: secd drops CAP_MAC_ADMIN
# (granted by its unit) unless AppArmor is in force, which it is not here.
declare -A RUNCAPS=([vmhost-secd]="cap_kill cap_setgid cap_setuid")
[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] &&
  RUNCAPS[vmhost-secd]=${CAPS[vmhost-secd]}
hexcaps() { # "cap_a cap_b" -> the mask as /proc/PID/status prints it
  local m=0 c
  for c in $1; do m=$((m | (1 << ${CAPNUM[$c]}))); done
  printf '%016x' "$m"
}
# sysinfo-daemons prints per daemon "NAME pid P user U ..." then effective,
# bounding and ambient lines; "none" for an empty set.
daemon_block() { # name (vmhostd, vmhost-netd; also accepts netd)
  awk -v a="$1" -v b="${1#vmhost-}" '
    /^[^ ]/ { on = ($1 == a || $1 == b) }
    on' <<<"$info"
}
capset_of() { # block field -> sorted space-separated names, "" for none
  sed -n "s/^ *$2: *//p" <<<"$1" | tr ',' '\n' | grep -v '^none$' | grep . | sort | paste -sd' '
}
for u in $ORDER; do
  p=${PID[$u]}
  st=/proc/$p/status
  want=$(hexcaps "${CAPS[$u]}")
  run=${RUNCAPS[$u]-${CAPS[$u]}}
  wantrun=$(hexcaps "$run")
  uid=$(id -u "${USER_OF[$u]}")
  check "$u /proc: Uid $uid" grep -Eq "^Uid:\s+$uid\s+$uid\s+$uid\s+$uid$" "$st"
  check "$u /proc: CapEff $wantrun" grep -q "^CapEff:\s*$wantrun$" "$st"
  check "$u /proc: CapBnd $want" grep -q "^CapBnd:\s*$want$" "$st"
  check "$u /proc: CapAmb 0" grep -q "^CapAmb:\s*0*$" "$st"
  check "$u /proc: NoNewPrivs 1" grep -q "^NoNewPrivs:\s*1$" "$st"
  blk=$(daemon_block "$u")
  check "sysinfo-daemons $u: user ${USER_OF[$u]}, no_new_privs 1" \
    grep -Eq "user ${USER_OF[$u]} .*no_new_privs 1" <<<"$blk"
  check "sysinfo-daemons $u: effective '${run:-none}'" \
    [ "$(capset_of "$blk" effective)" = "$run" ]
  check "sysinfo-daemons $u: bounding '${CAPS[$u]:-none}'" \
    [ "$(capset_of "$blk" bounding)" = "${CAPS[$u]}" ]
done

check "vmhost-sock 660 vmhost vmhost" stat_is "$root/run/vmhost/vmhost-sock" "660 vmhost vmhost"
check "vmhost-sock-ro 666 vmhost vmhost" stat_is "$root/run/vmhost/vmhost-sock-ro" "666 vmhost vmhost"
for h in netd secd stord; do
  check "$h.sock 660 ${USER_OF[vmhost-$h]} vmhost" \
    stat_is "$root/run/vmhost/$h/$h.sock" "660 ${USER_OF[vmhost-$h]} vmhost"
done

echo "== each helper's work, with only its unit's privileges"
# netd: bridge, NAT rules, ip_forward, dnsmasq (inherits the ambient caps)
if command -v dnsmasq >/dev/null; then
  check "net-start default (netd, dnsmasq)" "$cli" -c "$uri" net-start default
  check "ip_forward set by netd in the namespace" \
    [ "$(ip netns exec "$netns" cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
  check "net-destroy default" "$cli" -c "$uri" net-destroy default
fi
# stord: a volume in the pool, owned by vmhost-stor
check "vol-create-as in the pool (stord)" "$cli" -c "$uri" vol-create-as sd-test.qcow2 1M --format qcow2
check "vol-delete (stord)" "$cli" -c "$uri" vol-delete sd-test.qcow2

# secd: a real guest (TCG) on the default network, launched by secd with only
# its unit's capabilities; then secd and netd killed and restarted as systemd
# would with KillMode=process (only the daemon dies): the guest and dnsmasq live on.
guest=${VMHOST_GUEST:-$top/tests/guest/cache}
if [ -r "$guest/vmlinux" ] && [ -r "$guest/initrd.img" ] && command -v dnsmasq >/dev/null &&
   [ -x /usr/bin/qemu-system-x86_64 ]; then
  cat >"$scratch/sdguest.xml" <<XML
<domain type='qemu'>
  <name>sdguest</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>$guest/vmlinux</kernel>
    <initrd>$guest/initrd.img</initrd><cmdline>$(cat "$guest/cmdline") vmhost.mode=dhcp</cmdline></os>
  <features><acpi/></features>
  <devices>
    <interface type='network'><source network='default'/><model type='virtio'/></interface>
    <serial type='pty'/>
  </devices>
</domain>
XML
  glog="$root/var/log/vmhost/qemu/sdguest.log"
  check "define a guest" "$cli" -c "$uri" define "$scratch/sdguest.xml"
  check "net-start default" "$cli" -c "$uri" net-start default
  check "start the guest (secd launches QEMU)" "$cli" -c "$uri" start sdguest
  for _ in $(seq 1 600); do grep -q VMHOST-PING "$glog" 2>/dev/null && break; sleep 0.1; done
  check "guest got a DHCP lease from netd's dnsmasq" grep -q "VMHOST-DHCP-LEASE ip=192.168.122." "$glog"
  dpid=$(pgrep -f "dnsmasq.*$root.*default" | head -n1)
  for u in vmhost-secd vmhost-netd; do
    kill -KILL "${PID[$u]}"
    wait "${PID[$u]}" 2>/dev/null
    start_unit "$u"
  done
  sleep 0.5
  check "guest survives secd's restart" \
    grep -q running <<<"$("$cli" -c "$uri" domstate sdguest 2>&1)"
  check "dnsmasq survives netd's restart" \
    [ -n "$dpid" ] && [ "$(pgrep -f "dnsmasq.*$root.*default" | head -n1)" = "$dpid" ]
  check "destroy the guest through the restarted secd" "$cli" -c "$uri" destroy sdguest
  check "net-destroy default" "$cli" -c "$uri" net-destroy default
  "$cli" -c "$uri" undefine sdguest >/dev/null 2>&1
else
  echo "skip: no test guest in $guest (tests/guest/build-guest.sh), dnsmasq or QEMU"
fi

for u in $ORDER; do
  if grep -qi 'fatal\|error' "$scratch/$u.log"; then
    echo "  $u log:"; sed 's/^/    /' "$scratch/$u.log"
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
