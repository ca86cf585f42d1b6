#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A real guest on the default NAT network, inside scripts/stack's private network
# namespace: refused while the network is inactive, then DHCP from dnsmasq, a ping to
# the gateway, net-dhcp-leases, the tap on the bridge, a "system" dnsmasq bound to lo
# coexisting, dnsmasq and netd killed and repaired, and nothing left after.
set -uo pipefail
guest=${VMHOST_GUEST:?}
root=$VMHOST_STACK_ROOT
log=$root/var/log/vmhost/qemu/netguest.log
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
expect() { local what=$1 want=$2 out; shift 2; out=$("$@" 2>&1)
  if [[ "$out" == *"$want"* ]]; then ok "$what"; else bad "$what: got '$out'"; fi; }
wait_for() { local t=$1; shift
  for _ in $(seq 1 $((t * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

cat >"$root/netguest.xml" <<XML
<domain type='qemu'>
  <name>netguest</name>
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
expect "define" "defined" vmhost define "$root/netguest.xml"
expect "default network exists, inactive" "default   inactive" vmhost net-list --all
expect "start on an inactive network: named cause and fix" \
  "network 'default' is not active (start it with: vmhost net-start default)" vmhost start netguest

# A "system" dnsmasq bound to lo with bind-interfaces, as the libvirt README sets it up.
dnsmasq --interface=lo --bind-interfaces --except-interface=virbr0 --port=53 \
  --no-resolv --no-hosts --pid-file="$root/sysdns.pid" --conf-file=/dev/null
expect "net-start beside a system dnsmasq on lo" "Network default started" vmhost net-start default
expect "bridge has the gateway address" "192.168.122.1/24" ip -br addr show virbr0

expect "start" "started" vmhost start netguest
if wait_for 60 grep -q VMHOST-PING "$log"; then ok "guest finished DHCP"; else bad "no DHCP result"; fi
expect "guest got a lease in 192.168.122.0/24" "VMHOST-DHCP-LEASE ip=192.168.122." cat "$log"
expect "guest reached the gateway" "VMHOST-PING-OK" cat "$log"
mac=$(vmhost dumpxml netguest | sed -n "s/.*<mac address='\([^']*\)'.*/\1/p")
expect "net-dhcp-leases lists it" "$mac" vmhost net-dhcp-leases default
expect "net-dhcp-leases --mac" "192.168.122." vmhost net-dhcp-leases default --mac "$mac"
expect "its tap is on virbr0" "master virbr0" ip link show vnet0

# dnsmasq killed: repaired. netd killed: the network and dnsmasq survive, resynced.
# this stack's dnsmasq only: other stacks on the machine may run a "default" too
dq="dnsmasq.*$root/var/lib/vmhost/dnsmasq/default.conf"
dpid=$(pgrep -f "$dq" | head -1)
kill -KILL "$dpid"
# the pid file names the daemon once it is up (pgrep could catch its launcher,
# which exits once the daemon is ready)
dpf="$root/run/vmhost/netd/default.pid"
wait_for 10 bash -c "p=\$(cat '$dpf' 2>/dev/null) && [ -n \"\$p\" ] && [ \"\$p\" != $dpid ] && kill -0 \$p" && ok "dnsmasq restarted after kill -9" || bad "dnsmasq not restarted"
dpid=$(cat "$dpf")
kill -KILL "$(stack_pid netd)"; sleep 0.2
[ "$(pgrep -f "$dq" | head -1)" = "$dpid" ] && ok "dnsmasq survives netd's death" || bad "dnsmasq died with netd"
stack_start netd
wait_for 10 vmhost ping --helpers && ok "netd back" || bad "netd did not come back"
expect "network still active after netd restart" "default   active" vmhost net-list
expect "guest still running" "running" vmhost domstate netguest

# A live net-update of the DHCP hosts reaches the running dnsmasq (SIGHUP):
# the guest, rebooted, gets the address reserved for its MAC.
expect "net-update --live: a host for the guest's MAC" "Updated network default live state" \
  vmhost net-update default add ip-dhcp-host "<host mac='$mac' name='netguest' ip='192.168.122.177'/>" --live
expect "the hosts file has it" "192.168.122.177" cat "$root/var/lib/vmhost/dnsmasq/default.hostsfile"
vmhost net-dumpxml --inactive default | grep -q 192.168.122.177 &&
  bad "--live changed the persistent definition" || ok "the persistent definition does not have it (--live only)"
before=$(grep -c VMHOST-DHCP-LEASE "$log")
expect "reboot the guest" "rebooted" vmhost reboot netguest
if wait_for 90 bash -c "[ \$(grep -c VMHOST-DHCP-LEASE '$log') -gt $before ]"; then ok "guest asked again after the reboot"; else bad "no second DHCP after the reboot"; fi
expect "the new lease is the reserved address" "VMHOST-DHCP-LEASE ip=192.168.122.177" bash -c "grep VMHOST-DHCP-LEASE '$log' | tail -1"

expect "destroy" "destroyed" vmhost destroy netguest
wait_for 5 bash -c '! ip link show vnet0' && ok "tap gone with the guest" || bad "tap left"
expect "net-destroy" "destroyed" vmhost net-destroy default
ip link show virbr0 >/dev/null 2>&1 && bad "bridge left" || ok "no bridge left"
[ -z "$(nft list tables 2>/dev/null | grep vmhost)" ] && ok "no firewall table left" || bad "nft table left"
[ -z "$(pgrep -f "$dq")" ] && ok "no dnsmasq left" || bad "dnsmasq left"
ls "$root/run/vmhost/netd/"*.pid >/dev/null 2>&1 && bad "pid file left" || ok "no pid file left"
kill "$(cat "$root/sysdns.pid")" 2>/dev/null
echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
