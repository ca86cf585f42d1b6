#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# migrate-disks, inside scripts/stack (the seed's case): a domain whose disk foo.qcow2
# has no <driver> gets <driver name='qemu' type='qcow2'/>; a raw disk is declared raw;
# the hostile raw image (a qcow2 header naming /etc/shadow as backing file) is not
# turned into qcow2 and /etc/shadow is never opened; a second run changes nothing;
# --dry-run writes nothing.
set -uo pipefail
root=$VMHOST_STACK_ROOT
pool=$root/var/lib/vmhost/images
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
expect() { local what=$1 want=$2 out; shift 2; out=$("$@" 2>&1)
  if [[ "$out" == *"$want"* ]]; then ok "$what"; else bad "$what: got '$out'"; fi; }
refuse() { local what=$1 unwanted=$2 out; shift 2; out=$("$@" 2>&1)
  if [[ "$out" != *"$unwanted"* ]]; then ok "$what"; else bad "$what: got '$out'"; fi; }

qemu-img create -q -f qcow2 "$pool/foo.qcow2" 64M
qemu-img create -q -f raw "$pool/plain.raw" 16M
# the classic attack: a "raw" disk whose content is a qcow2 header naming /etc/shadow
qemu-img create -q -f qcow2 -F raw -b /etc/shadow "$pool/hostile.img" 16M 2>/dev/null ||
  qemu-img create -q -f qcow2 -u -F raw -b /etc/shadow "$pool/hostile.img" 16M
chown vmhost-stor: "$pool"/*
cat >"$root/legacy.xml" <<XML
<domain type='qemu'>
  <name>legacy</name>
  <memory unit='MiB'>128</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><source file='$pool/foo.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='disk'><source file='$pool/plain.raw'/><target dev='vdb' bus='virtio'/></disk>
    <disk type='file' device='disk'><source file='$pool/hostile.img'/><target dev='vdc' bus='virtio'/></disk>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$pool/foo.qcow2'/><target dev='vdd' bus='virtio'/></disk>
  </devices>
</domain>
XML
vmhost define "$root/legacy.xml" >/dev/null
cp "$root/etc/vmhost/qemu/legacy.xml" "$root/before.xml"

expect "dry run reports foo.qcow2" "vda $pool/foo.qcow2: none -> qcow2 (dry run)" vmhost migrate-disks --dry-run
cmp -s "$root/before.xml" "$root/etc/vmhost/qemu/legacy.xml" && ok "dry run wrote nothing" || bad "dry run changed the definition"

out=$(vmhost migrate-disks --domain legacy 2>&1); echo "$out"
[[ "$out" == *"legacy vda $pool/foo.qcow2: none -> qcow2"* ]] && ok "foo.qcow2 declared qcow2" || bad "foo.qcow2: $out"
[[ "$out" == *"legacy vdb $pool/plain.raw: none -> raw"* ]] && ok "raw disk declared raw" || bad "raw: $out"
[[ "$out" == *"legacy vdc $pool/hostile.img: left undeclared"*"/etc/shadow"* ]] && ok "hostile image left undeclared, reason names /etc/shadow" || bad "hostile: $out"
[[ "$out" != *vdd* ]] && ok "a declared-raw disk is not touched" || bad "vdd touched"
xml=$(vmhost dumpxml --inactive legacy)
grep -q "<driver name='qemu' type='qcow2'/>" <<<"$xml" && ok "definition has <driver name='qemu' type='qcow2'/>" || bad "no qcow2 driver: $xml"
[ "$(grep -c "type='qcow2'" <<<"$xml")" = 1 ] && ok "only foo.qcow2 became qcow2 (hostile stays raw, declared raw stays raw)" || bad "qcow2 count"
grep -q "<driver name='qemu' type='qcow2'/>" "$root/etc/vmhost/qemu/legacy.xml" && ok "written to the definition file" || bad "file not updated"

cp "$root/etc/vmhost/qemu/legacy.xml" "$root/after.xml"
out=$(vmhost migrate-disks 2>&1)
[[ "$out" == *"0 disks declared"* ]] && ok "second run declares nothing" || bad "second run: $out"
cmp -s "$root/after.xml" "$root/etc/vmhost/qemu/legacy.xml" && ok "second run changed nothing" || bad "second run changed the file"
expect "allow-backing still never declares a system file backing" "left undeclared" vmhost migrate-disks --allow-backing
echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
