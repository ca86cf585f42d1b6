#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The privilege boundary, walked in one place: inside scripts/stack, this test plays a
# compromised vmhostd (it speaks to each helper's socket as uid vmhost, the only
# peer the helpers serve) and asks for what a helper must refuse. Each refusal must
# come with a clear error AND leave no effect: processes, interfaces, firewall
# rules, dnsmasq configurations and file owners are compared before and after.
# Peers with the wrong uid (root, a member of group vmhost that is not vmhostd's
# user, a user outside the group) are refused by every helper at connect.
#
# Hostile inputs (each one is a check below):
#  secd  /bin/sh as the emulator; a copy of QEMU in /tmp; a /tmp symlink to QEMU
#        (QEMU itself runs, never the link) and the same link turned to /bin/sh;
#        a relative emulator; -runas root, -run-with user=root, -chroot, -daemonize,
#        -plugin, -readconfig, -writeconfig, -gdb, -sandbox off, -monitor stdio;
#        fd=9 and -add-fd fd=7 never passed; descriptor targets without descriptors;
#        a malformed uuid and a ../ uuid; signals to pid 1, to secd itself, to this
#        test, to vmhostd and to an emulator under another guest's uuid; SIGSTOP;
#        an accepted launch runs as vmhost-qemu with no capability (never root).
#  netd  a tap on a bridge that is no network's and not in bridge.conf; tap names
#        lo/eth0/a ../ name; removing lo, a veth the test made, a veth named like
#        a tap; networks whose domain, host name or name carry a newline
#        (dnsmasq option injection), a name with '/', a name with nft syntax
#        (valid, but it must reach no rule: a canary table survives), a domain
#        and a bridge name with quotes.
#  stord chown of /etc/shadow, of a pool symlink into /etc, of a pool hard link to
#        a root-only file, of ../ paths, to root; probing /dev/mem, /proc/kcore,
#        /proc/1/environ, /proc/self/mem, /etc/shadow, the hard link; a qcow2 whose
#        backing file is /etc/shadow or ../ out of the pool; definitions naming
#        /etc/shadow, /etc through a pool symlink, or the hard link read-only.
#  profile (secd --print-profile) of a definition with /etc/shadow or a ../ path.
set -uo pipefail
root=$VMHOST_STACK_ROOT
client=${BOUNDARY_CLIENT:?} netc=${NETD_CLIENT:?} storc=${STORD_CLIENT:?}
run=$root/run/vmhost
pool=$root/var/lib/vmhost/images
QEMU=/usr/bin/qemu-system-x86_64
U=8f2d4d1e-3c55-4f4b-9a52-0d6f3f3c0bb1
U2=8f2d4d1e-3c55-4f4b-9a52-0d6f3f3c0bb2
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
asvm() { setpriv --reuid=vmhost --regid=vmhost --init-groups "$@"; }
# refused WHAT WANT CMD...: fails, says "error: ...WANT..."
refused() { local what=$1 want=$2 out; shift 2
  if out=$("$@" 2>&1); then bad "$what: accepted: $out"
  elif [[ "$out" == *"error: "*"$want"* ]]; then ok "$what: $(grep -m1 'error: ' <<<"$out")"
  else bad "$what: got '$out'"; fi; }
same() { local what=$1 a=$2 b=$3
  if [ "$a" = "$b" ]; then ok "no effect: $what"; else bad "$what changed:"; diff <(echo "$a") <(echo "$b"); fi; }

# Clients built with ASan must not fail on their own exit-time leaks.
export ASAN_OPTIONS=detect_leaks=0
# Safety net: if a helper ever gave a host file away, give it back.
host0=$(stat -c '%n %u:%g %a' /etc/shadow /etc/passwd)
restore_host() {
  while read -r f ug m; do
    [ "$(stat -c '%u:%g %a' "$f")" = "$ug $m" ] && continue
    echo "FAIL: $f was changed: restored to $ug $m"; chown "$ug" "$f"; chmod "$m" "$f"
  done <<<"$host0"
}
trap restore_host EXIT
up=$(printf '/..%.0s' $(seq 1 40))	# ../ enough times to reach / from anywhere

# This stack's emulators: secd's children (other stacks may run guests meanwhile).
qemu_procs() { pgrep -P "$(stack_pid secd)" | sort; }
links() { ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort; }
owners() { stat -c '%n %U:%G %a' /etc/shadow /etc/passwd /etc/sudoers "$root/outside/secret.raw" \
  "$root/rootfile" 2>/dev/null; }
secd() { asvm "$client" "$run/secd/secd.sock" "$@"; }
netd() { asvm "$netc" "$run/netd/netd.sock" "$@"; }
stord() { asvm "$storc" "$run/stord/stord.sock" "$@"; }
bclient() { asvm "$client" "$@"; }

mkdir -p "$root/outside"
echo secret >"$root/outside/secret.raw"; echo root-only >"$root/rootfile"; chmod 600 "$root/rootfile"

echo "== every helper refuses a peer that is not vmhostd's uid"
id vmhost-boundary >/dev/null 2>&1 ||
  useradd --system --no-create-home --shell /usr/sbin/nologin --groups vmhost vmhost-boundary
for h in netd secd stord; do
  refused "$h: root is not vmhostd" "is not vmhostd's" "$client" "$run/$h/$h.sock" ping "$h"
  refused "$h: a member of group vmhost that is not vmhostd" "is not vmhostd's" \
    setpriv --reuid=vmhost-boundary --regid=vmhost --init-groups "$client" "$run/$h/$h.sock" ping "$h"
  refused "$h: a user outside group vmhost cannot connect" "connect: Permission denied" \
    setpriv --reuid=vmhost-qemu --regid=kvm --clear-groups "$client" "$run/$h/$h.sock" ping "$h"
  out=$(bclient "$run/$h/$h.sock" ping "$h" 2>&1)
  [ "$out" = "ok ping" ] && ok "$h: vmhostd's uid is served" || bad "$h: vmhostd's uid: $out"
done

echo "== secd: emulators, options, descriptors, signals"
good=(-machine none -nodefaults -display none -uuid "$U" -chardev socket,id=mon,fd=3
      -mon chardev=mon,mode=control -sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny)
before=$(qemu_procs)
tmpd=$(mktemp -d /tmp/vmhost-boundary.XXXXXX); chmod 755 "$tmpd"
cp "$QEMU" "$tmpd/qemu-copy"; chmod 755 "$tmpd/qemu-copy"
ln -s "$QEMU" "$tmpd/qemu-link"
refused "/bin/sh as the emulator" "is not on the allow-list" secd launch "$U" 1 /bin/sh "${good[@]}"
refused "a copy of QEMU in /tmp" "is not on the allow-list" secd launch "$U" 1 "$tmpd/qemu-copy" "${good[@]}"
refused "a relative emulator" "not an absolute path" secd launch "$U" 1 qemu-system-x86_64 "${good[@]}"
for bad_opt in "-runas root" "-run-with user=root" "-chroot /tmp" "-daemonize" "-plugin $tmpd/x.so" \
               "-readconfig $tmpd/x.cfg" "-writeconfig $tmpd/y.cfg" "-gdb tcp::1234"; do
  # shellcheck disable=SC2086
  refused "option $bad_opt" "refused" secd launch "$U" 1 "$QEMU" "${good[@]}" $bad_opt
done
refused "-sandbox off" "refused" secd launch "$U" 1 "$QEMU" "${good[@]}" -sandbox off
refused "-monitor stdio" "refused" secd launch "$U" 1 "$QEMU" "${good[@]}" -monitor stdio
refused "fd=9 never passed" "descriptor 9 was not passed" secd launch "$U" 1 "$QEMU" "${good[@]}" -chardev socket,id=x,fd=9
refused "-add-fd fd=7 never passed" "descriptor 7 was not passed" secd launch "$U" 1 "$QEMU" "${good[@]}" -add-fd fd=7,set=1
refused "fd=3 with no descriptor at all" "was not passed" secd launch "$U" 0 "$QEMU" "${good[@]}"
refused "a malformed uuid" "malformed uuid" secd launch "NOT-A-UUID" 1 "$QEMU" "${good[@]}"
refused "a ../ uuid" "malformed uuid" secd launch "../../../etc/x" 1 "$QEMU" "${good[@]}"
[ ! -e "$tmpd/y.cfg" ] && ok "no effect: -writeconfig wrote nothing" || bad "-writeconfig wrote $tmpd/y.cfg"
same "no emulator process started by the refused launches" "$before" "$(qemu_procs)"

# A /tmp symlink to QEMU: what runs is the allow-listed file itself (secd execs
# the resolved path, so the link cannot be swapped in between); turned to /bin/sh,
# the same link is refused.
out=$(secd launch "$U" 1 "$tmpd/qemu-link" "${good[@]}" -S 2>&1)
if [[ "$out" == "ok launched pid "* ]]; then
  lpid=${out##* }
  [ "$(readlink "/proc/$lpid/exe")" = "$QEMU" ] && ok "a /tmp symlink to QEMU runs $QEMU itself, not the link" ||
    bad "symlink launch runs $(readlink "/proc/$lpid/exe")"
  [ "$(stat -c %U "/proc/$lpid")" = vmhost-qemu ] && ok "... as vmhost-qemu" || bad "runs as $(stat -c %U "/proc/$lpid")"
  secd signal "$U" "$lpid" 9 >/dev/null; secd release "$U" "$lpid" >/dev/null
  for _ in $(seq 100); do kill -0 "$lpid" 2>/dev/null || break; sleep 0.05; done
elif [[ "$out" == *"error: "* ]]; then ok "a /tmp symlink to QEMU refused: $out"
else bad "symlink launch: $out"; fi
ln -sfn /bin/sh "$tmpd/qemu-link"
refused "the same /tmp link turned to /bin/sh" "is not on the allow-list" secd launch "$U" 1 "$tmpd/qemu-link" "${good[@]}"

# An accepted launch never runs as root: the qemu.conf user, no capability.
out=$(secd launch "$U" 1 "$QEMU" "${good[@]}" -S 2>&1)
gpid=${out##* }
if [[ "$out" == "ok launched pid "* ]] && [ -d "/proc/$gpid" ]; then
  st() { awk -v k="$1:" '$1==k {print $2}' "/proc/$gpid/status"; }
  [ "$(st Uid)" = "$(id -u vmhost-qemu)" ] && ok "the emulator runs as vmhost-qemu (uid $(st Uid)), not root" ||
    bad "emulator uid $(st Uid)"
  grep -qx "$gpid" <<<"$(qemu_procs)" && ok "the accepted emulator is secd's child (what the no-effect check counts)" ||
    bad "emulator $gpid is not secd's child: the no-effect check would not see emulators"
  [ "$(st CapEff)" = 0000000000000000 ] && [ "$(st CapBnd)" = 0000000000000000 ] && [ "$(st NoNewPrivs)" = 1 ] &&
    ok "the emulator has no capability and no_new_privs" || bad "emulator caps: $(grep -E '^(Cap|NoNew)' "/proc/$gpid/status")"
else
  bad "a good launch failed: $out"; gpid=0
fi
grep -q '^user *= *"root"' "$root/etc/vmhost/qemu.conf" 2>/dev/null && bad "qemu.conf says root" ||
  ok "qemu.conf does not say user = \"root\""

secd_pid=$(stack_pid secd); vmhostd_pid=$(stack_pid vmhostd)
sleep 300 & victim=$!
for p in 1 "$secd_pid" "$vmhostd_pid" "$$" "$victim"; do
  refused "SIGKILL to pid $p (not an emulator)" "is not the emulator of guest" secd signal "$U" "$p" 9
done
[ "$gpid" != 0 ] && refused "SIGKILL to the emulator under another guest's uuid" "is not the emulator of guest" \
  secd signal "$U2" "$gpid" 9
[ "$gpid" != 0 ] && refused "SIGSTOP to the emulator" "only SIGTERM" secd signal "$U" "$gpid" 19
refused "signal 0 (probe)" "only SIGTERM" secd signal "$U" 1 0
alive=1; for p in 1 "$secd_pid" "$vmhostd_pid" "$victim" "$gpid"; do
  [ "$p" = 0 ] || kill -0 "$p" 2>/dev/null || { alive=0; bad "pid $p is gone"; }; done
[ "$alive" = 1 ] && ok "no effect: pid 1, secd, vmhostd, the test's process and the guest all alive"
grep -q '^State:.*T (stopped)' "/proc/$gpid/status" 2>/dev/null && bad "guest stopped by SIGSTOP" || ok "no effect: the guest is not stopped"
kill "$victim" 2>/dev/null; wait "$victim" 2>/dev/null
if [ "$gpid" != 0 ]; then
  out=$(secd signal "$U" "$gpid" 9 2>&1)
  [ "$out" = "ok signal" ] && ok "its own guest's emulator may be killed" || bad "kill own guest: $out"
  for _ in $(seq 100); do kill -0 "$gpid" 2>/dev/null || break; sleep 0.05; done
  secd release "$U" "$gpid" >/dev/null
fi
rm -rf "$tmpd"

echo "== netd: taps, interfaces, dnsmasq and nftables injection"
ip link add bt-foreign type bridge
ip link add bt-veth0 type veth peer name bt-veth1
ip link add vmtapveth type veth peer name bt-veth2
nft add table inet bt_canary; nft add chain inet bt_canary c '{ type filter hook input priority 0; }'
links0=$(links); nft0=$(nft list ruleset 2>&1)
refused "a tap on a bridge that is no network's" "is not allowed" netd tap bt-foreign 52:54:00:aa:bb:01 "" 0
refused "a tap named lo" "is not allowed" netd tap "" 52:54:00:aa:bb:02 lo 0
refused "a tap named eth0" "is not allowed" netd tap "" 52:54:00:aa:bb:03 eth0 0
refused "a tap named ../x" "is not allowed" netd tap "" 52:54:00:aa:bb:04 ../x 0
refused "removing lo" "is not a tap name of vmhost" bclient "$run/netd/netd.sock" tap-remove lo ""
refused "removing a veth the test made" "is not a tap name of vmhost" bclient "$run/netd/netd.sock" tap-remove bt-veth0 ""
refused "removing a veth named like a tap" "is not a tap" bclient "$run/netd/netd.sock" tap-remove vmtapveth ""
mknet() { # file name domain hostname bridge
  cat >"$1" <<XML
<network><name>$2</name><bridge name='$5'/><forward mode='nat'/><domain name='$3'/>
  <ip address='10.143.0.1' prefix='24'><dhcp><range start='10.143.0.10' end='10.143.0.20'/>
    <host mac='52:54:00:aa:bb:10' name='$4' ip='10.143.0.11'/></dhcp></ip></network>
XML
  chmod 644 "$1"; }
mknet "$root/n1.xml" inj1 'example.com&#10;conf-file=/etc/shadow' host1 virbr61
refused "a domain with a newline (dnsmasq conf-file injection)" "" netd start inj1 "$root/n1.xml"
mknet "$root/n2.xml" inj2 example.com 'h&#10;dhcp-script=/bin/sh' virbr62
refused "a DHCP host name with a newline (dhcp-script injection)" "" netd start inj2 "$root/n2.xml"
mknet "$root/n3.xml" 'inj3&#10;dhcp-script=/bin/sh' example.com host3 virbr63
refused "a network name with a newline" "" netd start $'inj3\ndhcp-script=/bin/sh' "$root/n3.xml"
mknet "$root/n7.xml" '../../inj7' example.com host7 virbr67
refused "a network name with a '/'" "" netd start '../../inj7' "$root/n7.xml"
# A name with nft syntax is a valid libvirt name: it may run, but reaches no rule.
mknet "$root/n4.xml" 'inj4; flush ruleset' example.com host4 virbr64
if out=$(netd start 'inj4; flush ruleset' "$root/n4.xml" 2>&1); then
  nft list table inet bt_canary >/dev/null 2>&1 && ok "a network name with nft syntax reaches no rule (canary table kept)" ||
    bad "the canary nft table is gone"
  ! nft list ruleset | grep -q 'flush' && ok "no nft rule carries the name" || bad "nft: $(nft list ruleset | grep flush)"
  netd stop 'inj4; flush ruleset' "$root/n4.xml" >/dev/null
else ok "a network name with nft syntax refused: $out"; fi
mknet "$root/n5.xml" inj5 'x"; flush ruleset; "' host5 virbr65
refused "a domain with nft/dnsmasq quoting" "" netd start inj5 "$root/n5.xml"
mknet "$root/n6.xml" inj6 example.com host6 "vb\"6;x"
refused "a bridge name with a quote" "" netd start inj6 "$root/n6.xml"
same "interfaces (no tap, bridge removed or added; lo and the veths intact)" "$links0" "$(links)"
same "nftables ruleset" "$nft0" "$(nft list ruleset 2>&1)"
if grep -rlsE 'conf-file=/etc/shadow|dhcp-script' "$root/var/lib/vmhost/dnsmasq" "$run/netd"; then
  bad "an injected option reached a dnsmasq configuration"
else ok "no effect: no dnsmasq configuration holds an injected option"; fi
nft delete table inet bt_canary
pgrep -f 'dnsmasq.*inj[0-9]' >/dev/null && bad "a dnsmasq runs for a refused network" || ok "no effect: no dnsmasq for a refused network"
ip link del bt-foreign; ip link del bt-veth0; ip link del vmtapveth

echo "== stord: ownership, probing, backing chains"
qu=$(id -u vmhost-qemu); kg=$(getent group kvm | cut -d: -f3)
owners0=$(owners)
ln -s /etc/shadow "$pool/bt-link"
ln -s /etc "$pool/bt-dirlink"
# (a hard link to a root-only file of the test: never to a host file, in case)
hl=$pool/bt-hardlink hlof=$root/rootfile
ln "$hlof" "$hl"
refused "chown /etc/shadow" "system file" stord chown "$U" /etc/shadow "$qu" "$kg"
refused "chown a pool symlink to /etc/shadow" "" stord chown "$U" "$pool/bt-link" "$qu" "$kg"
refused "chown through a pool symlink into /etc" "" stord chown "$U" "$pool/bt-dirlink/shadow" "$qu" "$kg"
refused "chown a pool hardlink to $hlof" "" stord chown "$U" "$hl" "$qu" "$kg"
refused "chown POOL/../../(...)/etc/shadow" "system file" stord chown "$U" "$pool$up/etc/shadow" "$qu" "$kg"
refused "chown a file outside the image folders" "outside the pool" stord chown "$U" "$root/outside/secret.raw" "$qu" "$kg"
vmhost vol-create-as bt-vol.raw 1M >/dev/null
refused "chown a pool volume to root" "never given to root" stord chown "$U" "$pool/bt-vol.raw" 0 0
refused "chown a pool volume to root's group" "root" stord chown "$U" "$pool/bt-vol.raw" "$qu" 0
for p in /dev/mem /proc/kcore /proc/1/environ /proc/self/mem /etc/shadow "$pool$up/etc/shadow" "$hl"; do
  refused "probe $p" "" bclient "$run/stord/stord.sock" probe "$p"
done
qemu-img create -q -f qcow2 -u -F raw -b /etc/shadow "$pool/bt-evil.qcow2" 16M
qemu-img create -q -f qcow2 -u -F raw -b "..$up/etc/shadow" "$pool/bt-evil2.qcow2" 16M
chown vmhost-stor: "$pool/bt-evil.qcow2" "$pool/bt-evil2.qcow2"
mkdom() { cat >"$1" <<XML
<domain type='qemu'><name>bt</name><memory unit='MiB'>64</memory>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='$3'/><source file='$2'/><target dev='vda' bus='virtio'/></disk>
</devices></domain>
XML
}
mkdom "$root/d1.xml" "$pool/bt-evil.qcow2" qcow2
refused "a backing chain to /etc/shadow" "is a system file and is never used for a guest" stord prepare "$root/d1.xml"
mkdom "$root/d2.xml" "$pool/bt-evil2.qcow2" qcow2
refused "a backing chain ../ out of the pool" "is a system file and is never used for a guest" stord prepare "$root/d2.xml"
[[ "$(stord prepare "$root/d1.xml" 2>&1)" != *"not writable"* ]] && ok "... and the refusal does not read as a permission to fix" ||
  bad "a policy refusal explained as a permission problem"
mkdom "$root/d3.xml" /etc/shadow raw
refused "a definition naming /etc/shadow" "system file" stord prepare "$root/d3.xml"
mkdom "$root/d4.xml" "$pool/bt-dirlink/shadow" raw
refused "a definition reaching /etc through a pool symlink" "" stord prepare "$root/d4.xml"
mkdom "$root/d5.xml" "$hl" raw
sed -i 's|</disk>|<readonly/></disk>|' "$root/d5.xml"
refused "a read-only disk that is a hard link to a root-only file" "hard link" stord prepare "$root/d5.xml"
same "owners and modes of /etc/shadow, /etc/passwd, /etc/sudoers and the test's root files" "$owners0" "$(owners)"
[ "$(stat -c %U "$hl")" = root ] && ok "no effect: the hardlink still belongs to root" || bad "hardlink owner $(stat -c %U "$hl")"
[ ! -s "$root/var/lib/vmhost/stord/owners" ] && ok "no effect: no remembered owner recorded" ||
  bad "owners state: $(cat "$root/var/lib/vmhost/stord/owners")"
rm -f "$pool/bt-link" "$pool/bt-dirlink" "$hl" "$pool/bt-evil.qcow2" "$pool/bt-evil2.qcow2"
vmhost vol-delete bt-vol.raw >/dev/null

echo "== profile generation: only what the definition names, never system files"
mkdom "$root/p1.xml" /etc/shadow raw
refused "a profile for a definition naming /etc/shadow" "" vmhost-secd --root "$root" --print-profile "$root/p1.xml"
mkdom "$root/p2.xml" "$pool$up/etc/shadow" raw
refused "a profile for a ../ path to /etc/shadow" "" vmhost-secd --root "$root" --print-profile "$root/p2.xml"
mkdom "$root/p3.xml" "$pool/bt-guest.raw" raw
if prof=$(vmhost-secd --root "$root" --print-profile "$root/p3.xml" 2>&1); then
  [[ "$prof" == *"$pool/bt-guest.raw"* ]] && ok "the profile names the definition's disk" || bad "disk missing from profile"
  grep -q '/etc/shadow' <<<"$prof" && bad "the profile names /etc/shadow" || ok "the profile names no /etc/shadow"
else bad "profile of a plain definition: $prof"; fi

echo "== the helpers are still serving vmhostd"
vmhost ping --helpers >/dev/null 2>&1 && ok "vmhost ping --helpers after all refusals" || bad "a helper stopped answering"
echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
