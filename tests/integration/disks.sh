#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Guest disks through stord, inside scripts/stack: a qcow2 over a raw backing file in
# the pool reaches QEMU as descriptors (no image path on its command line; top
# read-write, backing read-only); a system file and a backing file outside the allowed
# folders are refused with a clear error and nothing starts.
set -uo pipefail
guest=${VMHOST_GUEST:?}
root=$VMHOST_STACK_ROOT
pool=$root/var/lib/vmhost/images
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
expect() { local what=$1 want=$2 out; shift 2; out=$("$@" 2>&1)
  if [[ "$out" == *"$want"* ]]; then ok "$what"; else bad "$what: got '$out'"; fi; }
mkdom() { # name, disk source, driver type
  cat >"$root/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>$guest/vmlinux</kernel>
    <initrd>$guest/initrd.img</initrd><cmdline>$(cat "$guest/cmdline") vmhost.mode=wait</cmdline></os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='$3'/><source file='$2'/>
      <target dev='vda' bus='virtio'/></disk>
    <serial type='pty'/>
  </devices>
</domain>
XML
  vmhost define "$root/$1.xml" >/dev/null
}

qemu-img create -q -f raw "$pool/base.raw" 64M
qemu-img create -q -f qcow2 -F raw -b "$pool/base.raw" "$pool/top.qcow2"
chown vmhost-stor: "$pool/base.raw" "$pool/top.qcow2"
mkdom withdisk "$pool/top.qcow2" qcow2
expect "start with a qcow2 over raw" "started" vmhost start withdisk
qpid=$(pgrep -f "qemu-system-x86_64.*guest=withdisk" | head -1)
if [ -n "$qpid" ] && ! tr '\0' ' ' <"/proc/$qpid/cmdline" | grep -q "top.qcow2\|base.raw"; then
  ok "no image path on QEMU's command line"; else bad "image path on the command line"; fi
tr '\0' ' ' <"/proc/$qpid/cmdline" | grep -q '/dev/fdset/' && ok "images opened through fdsets" || bad "no fdset"
rw=""; ro=""
for fd in /proc/$qpid/fd/*; do
  t=$(readlink "$fd"); n=${fd##*/}
  case "$t" in
    *top.qcow2) rw=$(awk '/flags/ {print $2}' "/proc/$qpid/fdinfo/$n") ;;
    *base.raw) ro=$(awk '/flags/ {print $2}' "/proc/$qpid/fdinfo/$n") ;;
  esac
done
[ -n "$rw" ] && [ $(( 0$rw & 3 )) = 2 ] && ok "top image open read-write" || bad "top flags '$rw'"
[ -n "$ro" ] && [ $(( 0$ro & 3 )) = 0 ] && ok "backing image open read-only" || bad "backing flags '$ro'"
[ "$(stat -c %U "$pool/top.qcow2")" = vmhost-stor ] && ok "ownership unchanged" || bad "owner changed"
expect "destroy" "destroyed" vmhost destroy withdisk

mkdom shadow /etc/shadow raw
expect "a system file as disk is refused" "'/etc/shadow' is a system file and cannot be given to a guest" vmhost start shadow
mkdir -p "$root/outside"
qemu-img create -q -f raw "$root/outside/secret.raw" 1M
qemu-img create -q -f qcow2 -F raw -b "$root/outside/secret.raw" "$pool/evil.qcow2"
chown vmhost-stor: "$pool/evil.qcow2"
mkdom evil "$pool/evil.qcow2" qcow2
expect "a backing file outside the allowed folders is refused" "error:" vmhost start evil
expect "nothing started" "shut off" vmhost domstate evil
echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
