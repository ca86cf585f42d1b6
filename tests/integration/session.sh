#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhostd --session run by a real unprivileged user (made here with useradd, not in
# group vmhost, removed after), inside scripts/stack's private network namespace with
# the system stack running. Its guest gets a tap on bridge br-ok from the system netd's
# bridge socket (bridge.conf: allow br-ok), runs as that user and boots to its console
# marker; a guest on br-no is refused with bridge.conf's message, a type='network' guest
# is refused clearly; after destroy no tap and no emulator are left. Also: --session
# refused as root, a type='user' guest, the session daemon killed -9 and restarted
# finding its guests, the user kept off netd.sock and the system rw socket.
# Hostile inputs to the bridge socket, each checked, with netd still serving after:
#   a name with '/', a 16-byte name, an empty name, a bridge that does not exist,
#   an interface that is not a bridge (lo), a bridge denied after being allowed
#   (deny wins), a bad MAC, a garbage frame, a frame over the 4096-byte limit, the
#   vmhostd-only service's request, a flood of requests (rate limit), 80 connections
#   at once (connection limit); netd.sock and the system rw socket refuse the user.
set -uo pipefail
guest=${VMHOST_GUEST:?built guest folder}
client=${VMHOST_BRIDGE_CLIENT:?bridge_client tool}
root=$VMHOST_STACK_ROOT
build=$VMHOST_STACK_BUILD
bsock=$root/run/vmhost/netd/bridge.sock
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
expect() { # what, expected substring, command...
  local what=$1 want=$2 out; shift 2
  out=$("$@" 2>&1)
  if [[ "$out" == *"$want"* ]]; then ok "$what"; else bad "$what: got '$out' (want '$want')"; fi
}
wait_for() { local t=$1; shift
  for _ in $(seq 1 $((t * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

user=vmhsess$$
base=$(mktemp -d /tmp/vmhs.XXXXXX)
chmod 755 "$base"
home=$base/home
spid=""
cleanup() {
  set +e
  [ -n "$spid" ] && kill -TERM "$spid" 2>/dev/null && sleep 0.3
  [ -n "$spid" ] && kill -KILL "$spid" 2>/dev/null
  for p in $(pgrep -u "$user" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  sleep 0.1
  userdel "$user" 2>/dev/null
  ip link del br-ok 2>/dev/null; ip link del br-no 2>/dev/null; ip link del br-both 2>/dev/null
  rm -rf "$base"
}
trap cleanup EXIT

useradd -M -d "$home" -s /bin/sh -U "$user" || { echo "FAIL: useradd"; exit 1; }
uid=$(id -u "$user")
mkdir -p "$home/run"
chown -R "$user:$user" "$home"
chmod 700 "$home" "$home/run"
if id -nG "$user" | grep -qw vmhost; then bad "test user is in group vmhost"; else ok "user $user (uid $uid) is not in group vmhost"; fi
asuser() {
  setpriv --reuid="$uid" --regid="$uid" --init-groups \
    env -i HOME="$home" XDG_RUNTIME_DIR="$home/run" PATH="$build/cli:$build/vmhostd:/usr/bin:/bin" \
    "$@"
}
sv() { asuser vmhost -c vmhost:///session "$@"; }

# Bridges in the stack's namespace; bridge.conf with an include, as qemu-bridge-helper reads it.
for b in br-ok br-no br-both; do ip link add "$b" type bridge && ip link set "$b" up; done
cat >"$root/etc/vmhost/bridge.conf" <<EOF
# vmhost session test
allow br-ok
include $root/etc/vmhost/bridge-extra.conf
EOF
printf 'allow lo\nallow br-gone\nallow br-both\ndeny br-both\n' >"$root/etc/vmhost/bridge-extra.conf"

# The bridge socket is reachable by any user; netd.sock and the system socket are not.
expect "bridge socket is 0666" "666" stat -c %a "$bsock"
expect "netd folder traversable, not listable" "751" stat -c %a "$root/run/vmhost/netd"
expect "user cannot reach netd.sock" "Permission denied" asuser "$client" "$root/run/vmhost/netd/netd.sock" tap br-ok
expect "user cannot use the system rw socket" "denied" asuser vmhost -c "unix://$root/run/vmhost/vmhost-sock" list --all

# A tap from the bridge socket, directly: owned by the user, on br-ok, gone with the fd.
out=$(asuser "$client" "$bsock" tap br-ok 52:54:00:aa:bb:01 sh -c 'ip -d link show "$TAP"' 2>&1)
if [[ "$out" == *"master br-ok"* ]]; then ok "tap from the bridge socket is on br-ok"; else bad "tap not on br-ok: $out"; fi
if [[ "$out" == *"user $user"* || "$out" == *"user $uid"* ]]; then ok "tap owned by uid $uid (TUNSETOWNER)"; else bad "tap owner: $out"; fi
if [[ "$out" == *"fe:54:00:aa:bb:01"* ]]; then ok "tap MAC fe: + the guest's"; else bad "tap MAC: $out"; fi
tap=$(sed -n 's/^ifname=//p' <<<"$out")
if [ -n "$tap" ] && ! ip link show "$tap" >/dev/null 2>&1; then ok "tap $tap gone with its fd"; else bad "tap '$tap' left"; fi

# Hostile or refused requests, as the user.
expect "name with '/'" "is not a valid interface name" asuser "$client" "$bsock" tap br/ok
expect "16-byte name" "is not a valid interface name" asuser "$client" "$bsock" tap abcdefghijklmnop
expect "empty name" "is not a valid interface name" asuser "$client" "$bsock" tap ""
expect "bridge not in bridge.conf" "bridge 'br-no' is not allowed by /etc/vmhost/bridge.conf" asuser "$client" "$bsock" tap br-no
expect "deny wins over allow" "bridge 'br-both' is not allowed by /etc/vmhost/bridge.conf" asuser "$client" "$bsock" tap br-both
expect "allowed but missing" "bridge 'br-gone' does not exist" asuser "$client" "$bsock" tap br-gone
expect "allowed but not a bridge" "interface 'lo' is not a bridge" asuser "$client" "$bsock" tap lo
expect "bad MAC" "invalid MAC address" asuser "$client" "$bsock" tap br-ok zz:zz
expect "garbage frame" "malformed message" asuser "$client" "$bsock" raw garbage
expect "oversized frame" "exceeds the 4096 byte limit" asuser "$client" "$bsock" raw oversized
expect "vmhostd-only request on the bridge socket" "unknown request type" asuser "$client" "$bsock" raw netd-op
expect "netd logged the denial with the uid" "uid $uid" grep "br-no" "$root/log/netd.log"
expect "netd logged the grant with the uid" "granted to uid $uid" cat "$root/log/netd.log"

# The session daemon, as the user (root is refused).
expect "--session refused as root" "runs as an ordinary user, not root" env HOME=/root "$build/vmhostd/vmhostd" --session
setpriv --reuid="$uid" --regid="$uid" --init-groups \
  env -i HOME="$home" XDG_RUNTIME_DIR="$home/run" PATH=/usr/bin:/bin \
  "$build/vmhostd/vmhostd" --session --root "$root" >"$base/session.log" 2>&1 &
spid=$!
if wait_for 20 test -S "$home/run/vmhost/vmhost-sock"; then ok "session socket at \$XDG_RUNTIME_DIR/vmhost/vmhost-sock"; else bad "no session socket"; cat "$base/session.log"; fi
wait_for 10 sv ping && ok "vmhost:///session answers" || bad "session ping"
expect "session daemon runs as the user" "$uid" ps -o uid= -p "$spid"
expect "session socket is 0600" "600" stat -c %a "$home/run/vmhost/vmhost-sock"
expect "unix:// path works too" "Id" asuser vmhost -c "unix://$home/run/vmhost/vmhost-sock" list --all

mkdom() { # name, interface xml, extra devices
  cat >"$home/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>$guest/vmlinux</kernel>
    <initrd>$guest/initrd.img</initrd><cmdline>$(cat "$guest/cmdline") vmhost.mode=wait</cmdline></os>
  <features><acpi/></features>
  <devices>
    ${3:-}
    $2
    <serial type='pty'/>
  </devices>
</domain>
XML
  chown "$user:" "$home/$1.xml"
}
truncate -s 8M "$home/disk.img"; chown "$user:" "$home/disk.img"
mkdom sguest "<interface type='bridge'><source bridge='br-ok'/><model type='virtio'/></interface>" \
  "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$home/disk.img'/><target dev='vda' bus='virtio'/></disk>"
mkdom snope "<interface type='bridge'><source bridge='br-no'/><model type='virtio'/></interface>"
mkdom snet "<interface type='network'><source network='default'/></interface>"
expect "define on a bridge" "defined" sv define "$home/sguest.xml"
expect "define on br-no" "defined" sv define "$home/snope.xml"
expect "define on a network" "defined" sv define "$home/snet.xml"
[ -f "$home/.config/vmhost/qemu/sguest.xml" ] && ok "definition under ~/.config/vmhost/qemu" || bad "definition not under ~/.config/vmhost"

expect "start on br-ok" "started" sv start sguest
log=$home/.cache/vmhost/log/qemu/sguest.log
if wait_for 90 grep -q VMHOST-GUEST-READY "$log"; then ok "guest booted to its marker (~/.cache/vmhost/log)"; else bad "no boot marker: $(tail -n 3 "$log" 2>&1)"; fi
qpid=$(pgrep -u "$user" -f qemu-system | head -1)
[ -n "$qpid" ] && ok "emulator pid $qpid runs as uid $uid" || bad "no emulator of uid $uid"
expect "emulator has no capabilities" "CapEff:	0000000000000000" grep CapEff "/proc/$qpid/status"
expect "emulator has -sandbox on" "-sandbox" tr '\0' ' ' <"/proc/$qpid/cmdline"
expect "disk given as a descriptor" "/dev/fdset/" tr '\0' ' ' <"/proc/$qpid/cmdline"
gtap=$(ip -o link show master br-ok | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p' | head -1)
[ -n "$gtap" ] && ok "guest tap $gtap attached to br-ok" || bad "no tap on br-ok"
expect "guest tap owned by the user" "user" ip -d link show "$gtap"
expect "guest running" "running" sv domstate sguest

expect "br-no refused with bridge.conf's message" "bridge 'br-no' is not allowed by /etc/vmhost/bridge.conf" sv start snope
expect "type='network' refused clearly" "interface type 'network' is not supported by a session daemon" sv start snet
expect "refused guest left shut off" "shut off" sv domstate snope
[ "$(ip -o link show master br-no | wc -l)" = 0 ] && ok "no tap on br-no" || bad "tap on br-no"

expect "destroy" "destroyed" sv destroy sguest
wait_for 10 bash -c "! ip -o link show master br-ok | grep -q ." && ok "no tap left on br-ok" || bad "tap left on br-ok"
wait_for 10 bash -c "! pgrep -u $user -f qemu-system" && ok "no emulator left" || bad "emulator left"
[ -z "$(ps -u "$user" -o stat= | grep Z)" ] && ok "no zombie left" || bad "zombie emulator"
[ -z "$(ls "$home/run/vmhost/qemu/" 2>/dev/null)" ] && ok "no run state left" || bad "run state left"

# A user-networking guest; then the session daemon killed -9 and restarted: it finds
# the running guest again and can still destroy it.
mkdom suser "<interface type='user'><model type='virtio'/></interface>"
expect "define a user-networking guest" "defined" sv define "$home/suser.xml"
expect "start type='user'" "started" sv start suser
expect "start on br-ok again" "started" sv start sguest
kill -KILL "$spid"; wait "$spid" 2>/dev/null
setpriv --reuid="$uid" --regid="$uid" --init-groups \
  env -i HOME="$home" XDG_RUNTIME_DIR="$home/run" PATH=/usr/bin:/bin \
  "$build/vmhostd/vmhostd" --session --root "$root" >>"$base/session.log" 2>&1 &
spid=$!
wait_for 20 sv ping && ok "session daemon restarted after kill -9" || bad "no restart"
expect "guest found running after the restart" "running" sv domstate sguest
expect "user-networking guest too" "running" sv domstate suser
expect "destroy after the restart" "destroyed" sv destroy sguest
expect "destroy the user-networking guest" "destroyed" sv destroy suser
wait_for 10 bash -c "! ip -o link show master br-ok | grep -q ." && ok "tap gone after destroy" || bad "tap left after restart"
wait_for 10 bash -c "[ -z \"\$(ps -u $user -o stat=,comm= | grep qemu | grep -v '^Z')\" ]" && ok "no running emulator left" || bad "emulator left after restart"

# Floods: per-uid rate limit and the connection limit; netd keeps serving.
out=$("$client" "$bsock" flood 60)
n=$(sed -n 's/.*refused-as-too-many=\([0-9]*\).*/\1/p' <<<"$out")
[ "${n:-0}" -gt 0 ] && ok "flood of 60 requests: $n refused as too many" || bad "no rate limit: $out"
out=$(asuser "$client" "$bsock" conns 80)
n=$(sed -n 's/.*refused=\([0-9]*\).*/\1/p' <<<"$out")
[ "${n:-0}" -ge 16 ] && ok "80 connections: $n refused ($out)" || bad "no connection limit: $out"
kill -0 "$(stack_pid netd)" && ok "netd still running" || bad "netd died"
expect "netd still serves the bridge socket" "ifname=vnet" asuser "$client" "$bsock" tap br-ok
expect "session guest starts again" "started" sv start sguest
expect "and is destroyed again" "destroyed" sv destroy sguest

kill -TERM "$spid"; wait "$spid" 2>/dev/null; spid=""
echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
