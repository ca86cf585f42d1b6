#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhost-netd for real: started as root (it drops to vmhost-net) inside a network
# namespace this test creates, driven by a client running as vmhostd's user. Checks
# the default network (bridge, address, nftables, dnsmasq as vmhost-net with ambient
# caps, its config), taps as fds, dnsmasq repaired after kill -9, netd killed and
# restarted (dnsmasq survives and is adopted), refusals with named causes, a DHCP
# lease from a client in a second namespace, and a stop that leaves nothing.
set -uo pipefail
netd=${1:?vmhost-netd} client=${2:?test_netd} defxml=${3:?default.xml}
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
expect() { # what, expected substring, command...
  local what=$1 want=$2 out; shift 2
  out=$("$@" 2>&1)
  if [[ "$out" == *"$want"* ]]; then ok "$what"; else bad "$what: got '$out'"; fi
}

if [ "$(id -u)" != 0 ] || ! command -v dnsmasq nft setpriv nsenter >/dev/null ||
   ! getent passwd vmhost-net >/dev/null || ! getent passwd vmhost >/dev/null; then
  echo "skip: needs root, dnsmasq, nft, setpriv and the vmhost users (scripts/setup)"
  exit 77
fi

ns=vmhost-netd-test-$$ ns2=vmhost-netd-guest-$$ ns3=vmhost-netd-up-$$
root=$(mktemp -d /tmp/vmhost-netd-test.XXXXXX)
chmod 755 "$root"
sock=$root/run/vmhost/netd/netd.sock
state=$root/var/lib/vmhost/dnsmasq
pidfile=$root/run/vmhost/netd/default.pid
netd_pid=""

cleanup() {
  [ -n "$netd_pid" ] && kill -KILL "$netd_pid" 2>/dev/null
  for n in "$ns" "$ns2" "$ns3"; do
    [ -e "/run/netns/$n" ] || continue
    ip netns pids "$n" | xargs -r kill -KILL 2>/dev/null
    ip netns del "$n"
  done
  if [ "$failn" != 0 ] && [ -n "${VMHOST_TEST_KEEP:-}" ]; then
    echo "kept $root"
  else
    rm -rf "$root"
  fi
}
trap cleanup EXIT

hostfwd=$(cat /proc/sys/net/ipv4/ip_forward)
ip netns add "$ns" || exit 1
inns() { nsenter --net="/run/netns/$ns" "$@"; }
inns ip link set lo up
# vmhostd always sends a uuid (a missing one would be made up on each parse)
sed 's|<name>default</name>|&<uuid>6d7a3f6e-3c2b-4c55-9a51-0f2c8a6e1b01</uuid>|' "$defxml" >"$root/default.xml"
cat >"$root/net8.xml" <<'EOF'
<network><name>net8</name><bridge name='virbr8'/>
  <ip address='10.88.0.1' prefix='24'><dhcp><range start='10.88.0.10' end='10.88.0.20'/></dhcp></ip>
</network>
EOF
cat >"$root/taken.xml" <<'EOF'
<network><name>taken</name><bridge name='virbr5'/><forward mode='nat'/>
  <ip address='10.55.0.1' prefix='24'/></network>
EOF
cat >"$root/routed.xml" <<'EOF'
<network><name>routed</name><bridge name='virbr7'/><forward mode='nat'/>
  <ip address='10.77.0.1' prefix='24'/></network>
EOF
chmod 644 "$root"/*.xml
# /dev/net/tun as udev sets it (0666), for netd's mount namespace only.
mknod "$root/tun" c 10 200 && chmod 666 "$root/tun"

start_netd() {
  nsenter --net="/run/netns/$ns" unshare --mount --propagation private sh -c \
    'mount --bind "$1" /dev/net/tun && exec "$2" --root "$3"' sh \
    "$root/tun" "$netd" "$root" >>"$root/netd.log" 2>&1 &
  netd_pid=$!
  disown "$netd_pid"
  for _ in $(seq 100); do [ -S "$sock" ] && cl sync >/dev/null 2>&1 && return 0; sleep 0.05; done
  return 1
}
# (exec: $! of a background "clbg ... &" is then the client itself)
clbg() { exec setpriv --reuid=vmhost --regid=vmhost --init-groups "$client" "$sock" "$@"; }
cl() { setpriv --reuid=vmhost --regid=vmhost --init-groups "$client" "$sock" "$@"; }
field() { awk -v k="$2:" '$1==k {print $2}' "/proc/$1/status"; }
alive() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:.Z' "/proc/$1/status" 2>/dev/null; }
gone() { ! alive "$1"; }
quiet() { "$@" >/dev/null 2>&1; }

# A "system" dnsmasq bound to lo with bind-interfaces, as libvirt's README sets it up.
inns dnsmasq --conf-file=/dev/null --interface=lo --bind-interfaces --port 53 \
  --no-resolv --pid-file="$root/system-dnsmasq.pid" || bad "system dnsmasq did not start"

check "netd starts in the namespace" start_netd
expect "default network starts beside the system dnsmasq" "bridge=virbr0 pid=" \
  cl start default "$root/default.xml"
dq=$(cat "$pidfile" 2>/dev/null)
check "virbr0 exists and is up" sh -c "nsenter --net=/run/netns/$ns ip -o link show virbr0 | grep -q '[<,]UP[,>]'"
expect "virbr0 has 192.168.122.1/24" "inet 192.168.122.1/24" inns ip -o addr show virbr0
check "IPv4 forwarding on in the namespace" [ "$(inns cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
check "host forwarding untouched" [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$hostfwd" ]
rules=$(inns nft list table inet vmhost 2>&1)
check "nft: masquerade" grep -q "ip saddr 192.168.122.0/24 ip daddr != 192.168.122.0/24 masquerade" <<<"$rules"
check "nft: DHCP accepted on input" grep -q 'iifname "virbr0" udp dport 67 accept' <<<"$rules"
check "nft: DNS accepted on input" grep -q 'iifname "virbr0" udp dport 53 accept' <<<"$rules"
check "dnsmasq runs" alive "$dq"
check "dnsmasq runs as vmhost-net" [ "$(field "$dq" Uid)" = "$(id -u vmhost-net)" ]
check "dnsmasq CapAmb = NET_ADMIN,NET_RAW,NET_BIND_SERVICE" [ "$(field "$dq" CapAmb)" = 0000000000003400 ]
check "dnsmasq has --user=vmhost-net" grep -qz -- '--user=vmhost-net' "/proc/$dq/cmdline"
check "generated config is dnsmasq_conf_build's" diff "$state/default.conf" \
  <("$client" conf default "$root/default.xml" "$state" "$pidfile")
check "system dnsmasq still runs" alive "$(cat "$root/system-dnsmasq.pid")"
expect "a second network starts" "bridge=virbr8" cl start net8 "$root/net8.xml"

# Taps: the fd comes back on the reply; the tap is enslaved and goes with the fd.
clbg tap virbr0 52:54:00:12:34:56 "" 3 >"$root/tap.out" 2>&1 &
holder=$!
for _ in $(seq 40); do grep -q ifname "$root/tap.out" && break; sleep 0.05; done
expect "tap created, fd returned" "ifname=vnet0 fd=yes" cat "$root/tap.out"
expect "tap enslaved to virbr0" "master virbr0" inns ip -o link show vnet0
expect "tap MAC fe:54:00:12:34:56" "link/ether fe:54:00:12:34:56" inns ip -o link show vnet0
kill "$holder"; wait "$holder" 2>/dev/null
check "tap gone with its last fd" sh -c "! nsenter --net=/run/netns/$ns ip link show vnet0 >/dev/null 2>&1"
expect "tap with a chosen name" "ifname=vmtap-t1 fd=yes" cl tap virbr8 52:54:00:00:00:08 vmtap-t1 0
expect "refused: bridge not allowed" "bridge 'br9' is not allowed (not a vmhost network and not in bridge.conf)" \
  cl tap br9 52:54:00:12:34:56 "" 0
expect "refused: tap name eth0" "interface name 'eth0' is not allowed" cl tap virbr0 52:54:00:12:34:56 eth0 0
mkdir -p "$root/etc/vmhost" && echo "allow br9" >"$root/etc/vmhost/bridge.conf"
inns ip link add br9 type bridge
expect "bridge.conf allows br9" "ifname=vnet" cl tap br9 52:54:00:12:34:57 "" 0

# Refusals with named causes.
inns ip link add virbr5 type bridge
expect "refused: bridge name taken" "bridge name 'virbr5' is already in use by another interface" \
  cl start taken "$root/taken.xml"
inns ip link add uplink7 type veth peer name uplink7p && inns ip link set uplink7p up &&
  inns ip link set uplink7 up && inns ip addr add 10.77.0.2/24 dev uplink7
expect "refused: subnet routed" "subnet 10.77.0.0/24 is already routed via uplink7" \
  cl start routed "$root/routed.xml"
check "refusals left no bridge" sh -c "! nsenter --net=/run/netns/$ns ip link show virbr7 >/dev/null 2>&1"
expect "refused: a peer with the wrong uid" "refused" \
  setpriv --reuid=65534 --regid="$(getent group vmhost | cut -d: -f3)" --clear-groups \
  "$client" "$sock" sync

# dnsmasq killed: repaired.
kill -KILL "$dq"
for _ in $(seq 100); do n=$(cat "$pidfile" 2>/dev/null); [ -n "$n" ] && [ "$n" != "$dq" ] && alive "$n" && break; sleep 0.05; done
check "dnsmasq restarted after kill -9" sh -c "[ -n '$n' ] && [ '$n' != '$dq' ] && kill -0 '$n'"
dq=$n

# netd killed: dnsmasq lives on, and a new netd adopts it on sync.
kill -KILL "$netd_pid"
for _ in $(seq 100); do alive "$netd_pid" || break; sleep 0.02; done
check "dnsmasq survives netd's death" alive "$dq"
check "netd restarts" start_netd
expect "sync adopts the networks" "ok" cl sync default "$root/default.xml" net8 "$root/net8.xml"
check "same dnsmasq after sync" [ "$(cat "$pidfile")" = "$dq" ]
check "netd says it adopted it" grep -q "adopted dnsmasq of network 'default' (pid $dq)" "$root/netd.log"
kill -KILL "$dq"
for _ in $(seq 100); do n=$(cat "$pidfile" 2>/dev/null); [ -n "$n" ] && [ "$n" != "$dq" ] && alive "$n" && break; sleep 0.05; done
check "adopted dnsmasq is watched (restarted after kill -9)" sh -c "[ -n '$n' ] && [ '$n' != '$dq' ]"
dq=$n

# netd killed again: a stop before any sync still tears down from the definition,
# and a sync recreates a network whose bridge is gone.
kill -KILL "$netd_pid"
for _ in $(seq 100); do alive "$netd_pid" || break; sleep 0.02; done
check "netd restarts again" start_netd
dq8=$(cat "$root/run/vmhost/netd/net8.pid" 2>/dev/null)
expect "stop of a network this netd does not hold" "ok" cl stop net8 "$root/net8.xml"
check "  its bridge is gone" sh -c "! nsenter --net=/run/netns/$ns ip link show virbr8 >/dev/null 2>&1"
check "  its dnsmasq is gone" gone "$dq8"
expect "sync recreates a missing network" "ok" cl sync default "$root/default.xml" net8 "$root/net8.xml"
check "  virbr8 is back" quiet inns ip link show virbr8
for _ in $(seq 100); do dq8=$(cat "$root/run/vmhost/netd/net8.pid" 2>/dev/null) && alive "$dq8" && break; sleep 0.05; done
check "  with its dnsmasq" alive "$dq8"
check "  default's dnsmasq kept" [ "$(cat "$pidfile")" = "$dq" ]

# A real DHCP lease: a client in a second namespace, on a veth into virbr0.
if command -v busybox >/dev/null; then
  ip netns add "$ns2"
  inns ip link add veth-h type veth peer name veth-g netns "$ns2"
  inns ip link set veth-h master virbr0 up
  ip netns exec "$ns2" ip link set veth-g address 52:54:00:aa:bb:cc up
  ip netns exec "$ns2" busybox udhcpc -i veth-g -n -q -t 10 -T 1 -s /bin/true \
    >"$root/udhcpc.log" 2>&1
  expect "DHCP lease obtained" "lease of 192.168.122." cat "$root/udhcpc.log"
  expect "leases lists it" "52:54:00:aa:bb:cc 192.168.122." cl leases default 52:54:00:aa:bb:cc
  expect "leases filters by MAC" "0 leases" cl leases default 52:54:00:00:00:01
  # NAT really forwards: an "upstream" namespace with no route back to the guests.
  gip=$(sed -n 's/.*lease of \(192\.168\.122\.[0-9]*\) obtained.*/\1/p' "$root/udhcpc.log")
  ip netns add "$ns3"
  inns ip link add up0 type veth peer name up0p netns "$ns3"
  inns ip addr add 10.99.0.2/24 dev up0 && inns ip link set up0 up
  ip netns exec "$ns3" ip addr add 10.99.0.1/24 dev up0p
  ip netns exec "$ns3" ip link set up0p up
  ip netns exec "$ns2" ip addr add "$gip/24" dev veth-g
  ip netns exec "$ns2" ip route add default via 192.168.122.1
  check "guest reaches the gateway" quiet ip netns exec "$ns2" busybox ping -c1 -W2 192.168.122.1
  check "guest reaches upstream through NAT" quiet ip netns exec "$ns2" busybox ping -c1 -W2 10.99.0.1
fi
expect "leases of an inactive network" "network 'nope' is not active" cl leases nope

# Stop: nothing left.
clbg tap virbr0 52:54:00:12:34:58 "" 3 >/dev/null 2>&1 &
holder=$!; sleep 0.3
expect "stop default" "ok" cl stop default "$root/default.xml"
expect "stop net8" "ok" cl stop net8 "$root/net8.xml"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
check "no bridge left" sh -c "! nsenter --net=/run/netns/$ns ip -o link | grep -q virbr[08]"
check "no tap left" sh -c "! nsenter --net=/run/netns/$ns ip -o link | grep -q -e vnet -e vmtap"
check "no table left" sh -c "! nsenter --net=/run/netns/$ns nft list table inet vmhost >/dev/null 2>&1"
check "no dnsmasq left" gone "$dq"
check "no pid or conf file left" sh -c "! ls '$root/run/vmhost/netd/'*.pid '$state/'*.conf 2>/dev/null | grep -q ."
check "system dnsmasq untouched" alive "$(cat "$root/system-dnsmasq.pid")"
check "netd still serves" cl sync

# A wildcard DNS server (no bind-interfaces): refused with its cause and fix.
kill "$(cat "$root/system-dnsmasq.pid")"; sleep 0.2
inns dnsmasq --conf-file=/dev/null --port 53 --no-resolv --user=root \
  --pid-file="$root/wild-dnsmasq.pid" || bad "wildcard dnsmasq did not start"
expect "refused: wildcard port 53, named" "address 0.0.0.0:53 (udp) is already in use by" \
  cl start default "$root/default.xml"
expect "the refusal names the process and the fix" "dnsmasq (pid $(cat "$root/wild-dnsmasq.pid"))" \
  cl start default "$root/default.xml"
expect "the refusal says bind-interfaces" "set bind-interfaces" cl start default "$root/default.xml"
check "refusal left no bridge" sh -c "! nsenter --net=/run/netns/$ns ip link show virbr0 >/dev/null 2>&1"


echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
