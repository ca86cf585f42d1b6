#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhost-netd's firewall backends for real, in network namespaces this test creates:
# firewall_backend = "iptables" (Debian's alternative: iptables-nft), "iptables-legacy"
# and "nftables" forced in netd.conf. For each: libvirt's networkxml2firewalldata cases
# started through netd, `iptables-save`/`ip6tables-save` compared in meaning with
# libvirt's expected iptables rules (test_firewall_rules save); a guest namespace on
# the bridge reaches an upstream namespace only through the masquerade; two networks
# at once, one stopped leaving the other's rules intact; net-destroy leaving no chain,
# no rule, no jump (and no nft table). Hostile input: an unknown backend name, an
# unknown key and a non-string value in netd.conf, a bad VMHOST_NETD_FIREWALL: netd
# refuses to start with one clear line naming the file and the allowed values. A
# network dnsmasq refuses: the start fails with dnsmasq's message after the rules went
# in, and leaves no rule, table, bridge or dnsmasq.
# "auto" without nf_tables (nonft_exec: a seccomp filter refusing NETLINK_NETFILTER
# sockets to netd and its children, as a kernel without nftables would) falls back to
# iptables-legacy, whose rules then work and go away.
#   netd_iptables.sh VMHOST_NETD TEST_NETD TEST_FIREWALL_RULES FIREWALLDATA_DIR NONFT_EXEC
set -uo pipefail
netd=${1:?vmhost-netd} client=${2:?test_netd} fwtest=${3:?test_firewall_rules} data=${4:?dir}
nonft=${5:?nonft_exec}
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
expect() { # what, expected substring, command...
  local what=$1 want=$2 out; shift 2
  out=$("$@" 2>&1)
  if [[ "$out" == *"$want"* ]]; then ok "$what"; else bad "$what: got '$out'"; fi
}

if [ "$(id -u)" != 0 ] || ! command -v dnsmasq nft setpriv nsenter iptables-legacy-save \
    iptables-nft-save busybox >/dev/null ||
   ! getent passwd vmhost-net >/dev/null || ! getent passwd vmhost >/dev/null; then
  echo "skip: needs root, dnsmasq, nft, iptables, busybox, setpriv and the vmhost users (scripts/setup)"
  exit 77
fi

ns=vmhost-ipt-test-$$ nsg=vmhost-ipt-guest-$$ nsu=vmhost-ipt-up-$$
root=$(mktemp -d /tmp/vmhost-ipt-test.XXXXXX)
chmod 755 "$root"
sock=$root/run/vmhost/netd/netd.sock
netd_pid=""

cleanup() {
  [ -n "$netd_pid" ] && kill -KILL "$netd_pid" 2>/dev/null
  for n in "$ns" "$nsg" "$nsu"; do
    [ -e "/run/netns/$n" ] || continue
    ip netns pids "$n" | xargs -r kill -KILL 2>/dev/null
    ip netns del "$n"
  done
  if [ "$failn" != 0 ] && [ -n "${VMHOST_TEST_KEEP:-}" ]; then echo "kept $root"; else rm -rf "$root"; fi
}
trap cleanup EXIT

ip netns add "$ns" || exit 1
inns() { nsenter --net="/run/netns/$ns" "$@"; }
inns ip link set lo up
mkdir -p "$root/etc/vmhost"
cl() { setpriv --reuid=vmhost --regid=vmhost --init-groups "$client" "$sock" "$@"; }
quiet() { "$@" >/dev/null 2>&1; }

start_netd() { # extra env or wrapper...
  rm -f "$sock"
  : >"$root/netd.log"
  nsenter --net="/run/netns/$ns" env "$@" "$netd" --root "$root" >>"$root/netd.log" 2>&1 &
  netd_pid=$!
  disown "$netd_pid"
  for _ in $(seq 100); do [ -S "$sock" ] && cl sync >/dev/null 2>&1 && return 0
    kill -0 "$netd_pid" 2>/dev/null || return 1; sleep 0.05; done
  return 1
}
stop_netd() {
  kill -TERM "$netd_pid" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$netd_pid" 2>/dev/null || break; sleep 0.02; done
  kill -KILL "$netd_pid" 2>/dev/null; netd_pid=""
}
refused() { # what, expected log line part, env...
  local what=$1 want=$2; shift 2
  if start_netd "$@"; then bad "$what: netd started"; stop_netd; return; fi
  for _ in $(seq 50); do kill -0 "$netd_pid" 2>/dev/null || break; sleep 0.02; done
  if kill -0 "$netd_pid" 2>/dev/null; then bad "$what: netd still runs"; stop_netd; return; fi
  netd_pid=""
  expect "$what" "$want" cat "$root/netd.log"
}

# vmhostd always sends a uuid; a second network for "two at once"
# (libvirt's cases all name their network "default")
xml() { sed 's|</name>|&<uuid>6d7a3f6e-3c2b-4c55-9a51-0f2c8a6e1b0'"$2"'</uuid>|' "$data/$1.xml" >"$root/$1.xml"; chmod 644 "$root/$1.xml"; }
cat >"$root/iso8.xml" <<'EOF'
<network><name>iso8</name><uuid>6d7a3f6e-3c2b-4c55-9a51-0f2c8a6e1b08</uuid><bridge name='virbr8'/>
  <ip address='10.88.0.1' prefix='24'><dhcp><range start='10.88.0.10' end='10.88.0.20'/></dhcp></ip>
</network>
EOF
# dnsmasq refuses this one (a made-up option): the start fails after the rules went in
cat >"$root/bad9.xml" <<'EOF'
<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'><name>bad9</name>
  <uuid>6d7a3f6e-3c2b-4c55-9a51-0f2c8a6e1b09</uuid><forward mode='nat'/><bridge name='virbr9'/>
  <ip address='10.89.0.1' prefix='24'><dhcp><range start='10.89.0.10' end='10.89.0.20'/></dhcp></ip>
  <dnsmasq:options><dnsmasq:option value='foo=bar'/></dnsmasq:options>
</network>
EOF
chmod 644 "$root/iso8.xml" "$root/bad9.xml"
cases="nat-default nat-ipv6 nat-ipv6-masquerade nat-many-ips nat-no-dhcp route-default"
i=0; for c in $cases; do i=$((i+1)); xml "$c" "$i"; done

# An upstream namespace (no route back to the guests) and a guest namespace on virbr0.
ip netns add "$nsu"; ip netns add "$nsg"
inns ip link add up0 type veth peer name up0p netns "$nsu"
inns ip addr add 10.99.0.2/24 dev up0; inns ip link set up0 up
ip netns exec "$nsu" ip addr add 10.99.0.1/24 dev up0p
ip netns exec "$nsu" ip link set up0p up
ip netns exec "$nsu" ip link set lo up
guest_plug() {
  inns ip link del veth-h 2>/dev/null
  inns ip link add veth-h type veth peer name veth-g netns "$nsg"
  inns ip link set veth-h master virbr0 up
  ip netns exec "$nsg" ip addr add 192.168.122.50/24 dev veth-g
  ip netns exec "$nsg" ip link set veth-g up
  ip netns exec "$nsg" ip route add default via 192.168.122.1
  # STP is on (libvirt's default): the port forwards after the listening/learning delay
  for _ in $(seq 100); do inns bridge link show dev veth-h | grep -q 'state forwarding' && break; sleep 0.1; done
}

ours_left() { # save command: prints our chains, rules, jumps if any
  inns "$@" 2>/dev/null | grep -E 'VMH_|VMHOST_'
}

# Hostile configuration: refused at start, with the cause.
echo 'firewall_backend = "pf"' >"$root/etc/vmhost/netd.conf"
refused "unknown backend refused" 'firewall_backend must be "auto", "nftables", "iptables", "iptables-legacy" or "iptables-nft", not "pf"'
echo 'firewall_backnd = "iptables"' >"$root/etc/vmhost/netd.conf"
refused "unknown key refused" "netd.conf:1"
echo 'firewall_backend = 3' >"$root/etc/vmhost/netd.conf"
refused "non-string value refused" "netd.conf:1"
echo 'firewall_backend = "nftables"' >"$root/etc/vmhost/netd.conf"
refused "bad VMHOST_NETD_FIREWALL refused" 'VMHOST_NETD_FIREWALL: firewall_backend must be' \
  VMHOST_NETD_FIREWALL='iptables;reboot'

rm -f "$root/etc/vmhost/netd.conf"
check "auto: netd starts without netd.conf" start_netd
expect "auto: nftables where nft reaches nf_tables" "firewall backend: nftables" cat "$root/netd.log"
stop_netd

# auto where nf_tables cannot be reached: iptables-legacy, for real
check "auto without nf_tables: netd starts" start_netd "$nonft"
expect "auto without nf_tables: says why" "nftables is not usable here: rules go through /usr/sbin/iptables-legacy-restore" cat "$root/netd.log"
expect "auto without nf_tables: iptables-legacy" "firewall backend: iptables-legacy" cat "$root/netd.log"
expect "auto without nf_tables: nat-default starts" "bridge=virbr0" cl start default "$root/nat-default.xml"
inns iptables-legacy-save >"$root/auto.v4" 2>/dev/null; inns ip6tables-legacy-save >"$root/auto.v6" 2>/dev/null
expect "auto without nf_tables: iptables-legacy-save means libvirt's rules" "covered" \
  "$fwtest" save "$data" nat-default "$root/auto.v4" "$root/auto.v6"
expect "auto without nf_tables: stops" "ok" cl stop default "$root/nat-default.xml"
left=$(ours_left iptables-legacy-save; ours_left ip6tables-legacy-save)
check "auto without nf_tables: nothing left${left:+: $left}" [ -z "$left" ]
stop_netd
# nftables forced where it cannot be reached: the start fails clearly, netd lives on
echo 'firewall_backend = "nftables"' >"$root/etc/vmhost/netd.conf"
check "nftables forced without nf_tables: netd starts" start_netd "$nonft"
expect "nftables forced without nf_tables: the start says why" \
  "nftables: cannot reach nf_tables: Protocol not supported" cl start default "$root/nat-default.xml"
check "... and leaves no bridge" sh -c "! nsenter --net=/run/netns/$ns ip link show virbr0 >/dev/null 2>&1"
expect "... and netd still serves" "ok" cl sync
stop_netd

# Which iptables Debian gives: the alternative behind /usr/sbin/iptables.
alt=$(readlink -f /usr/sbin/iptables)
echo "info: /usr/sbin/iptables is $alt ($(iptables --version))"

for backend in iptables iptables-legacy nftables; do
  case $backend in
    iptables) save4=(iptables-save) save6=(ip6tables-save) ;;
    iptables-legacy) save4=(iptables-legacy-save) save6=(ip6tables-legacy-save) ;;
    nftables) save4=(iptables-nft-save) save6=(ip6tables-nft-save) ;;
  esac
  echo "firewall_backend = \"$backend\"" >"$root/etc/vmhost/netd.conf"
  check "[$backend] netd starts" start_netd
  expect "[$backend] netd names its backend" "firewall backend: $backend" cat "$root/netd.log"
  expect "[$backend] dnsmasq's refusal is the error" "dnsmasq failed (exit status 1): dnsmasq: bad option" \
    cl start bad9 "$root/bad9.xml"
  left=$(ours_left "${save4[@]}"; ours_left "${save6[@]}")
  check "[$backend] the failed start left no chain, rule or jump${left:+: $left}" [ -z "$left" ]
  check "[$backend] ... no nft table" sh -c "! nsenter --net=/run/netns/$ns nft list table inet vmhost >/dev/null 2>&1"
  check "[$backend] ... no bridge" sh -c "! nsenter --net=/run/netns/$ns ip link show virbr9 >/dev/null 2>&1"
  check "[$backend] ... no dnsmasq" sh -c "! pgrep -f '[d]nsmasq.*$root/var/lib/vmhost/dnsmasq/bad9.conf'"
  for c in $cases; do
    expect "[$backend] $c starts" "bridge=virbr0" cl start default "$root/$c.xml"
    if [ "$backend" = nftables ]; then
      check "[$backend] $c: table inet vmhost" quiet inns nft list table inet vmhost
      check "[$backend] $c: no iptables chain of ours" sh -c "! nsenter --net=/run/netns/$ns iptables-save | grep -q VMH"
    else
      inns "${save4[@]}" >"$root/$c.v4" 2>/dev/null
      inns "${save6[@]}" >"$root/$c.v6" 2>/dev/null
      expect "[$backend] $c: iptables-save means libvirt's rules" "covered" \
        "$fwtest" save "$data" "$c" "$root/$c.v4" "$root/$c.v6"
      check "[$backend] $c: no nft table inet vmhost" sh -c "! nsenter --net=/run/netns/$ns nft list table inet vmhost >/dev/null 2>&1"
    fi
    if [ "$c" = nat-default ]; then
      guest_plug
      # upstream has no route back to 192.168.122.0/24: only the masquerade answers
      check "[$backend] guest reaches upstream through the masquerade" \
        quiet ip netns exec "$nsg" busybox ping -c1 -W2 10.99.0.1
      # two networks: stopping the isolated one keeps nat-default's rules
      expect "[$backend] a second network starts" "bridge=virbr8" cl start iso8 "$root/iso8.xml"
      if [ "$backend" != nftables ]; then
        check "[$backend] both networks have chains" sh -c \
          "nsenter --net=/run/netns/$ns ${save4[*]} | grep -q VMH_FWI_virbr8 && nsenter --net=/run/netns/$ns ${save4[*]} | grep -q VMH_FWI_virbr0"
      fi
      expect "[$backend] the second stops" "ok" cl stop iso8 "$root/iso8.xml"
      check "[$backend] the first still masquerades" \
        quiet ip netns exec "$nsg" busybox ping -c1 -W2 10.99.0.1
      if [ "$backend" != nftables ]; then
        check "[$backend] none of virbr8's chains left" sh -c \
          "! nsenter --net=/run/netns/$ns ${save4[*]} | grep -q virbr8"
        # netd killed and restarted: the sync re-applies without doubling
        before=$( (inns "${save4[@]}"; inns "${save6[@]}") | grep -c VMH)
        kill -KILL "$netd_pid"; netd_pid=""
        check "[$backend] netd restarts" start_netd
        expect "[$backend] sync adopts the network" "ok" cl sync default "$root/$c.xml"
        after=$( (inns "${save4[@]}"; inns "${save6[@]}") | grep -c VMH)
        check "[$backend] rules re-applied, not doubled ($before, $after)" [ "$before" = "$after" ]
      fi
    fi
    expect "[$backend] $c stops" "ok" cl stop default "$root/$c.xml"
    left=$(ours_left "${save4[@]}"; ours_left "${save6[@]}")
    check "[$backend] $c: no chain, rule or jump left${left:+: $left}" [ -z "$left" ]
    check "[$backend] $c: no nft table inet vmhost left" sh -c "! nsenter --net=/run/netns/$ns nft list table inet vmhost >/dev/null 2>&1"
    check "[$backend] $c: bridge gone" sh -c "! nsenter --net=/run/netns/$ns ip link show virbr0 >/dev/null 2>&1"
  done
  stop_netd
done

echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
