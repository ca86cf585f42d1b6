#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vmhost-stord inside scripts/stack: pool volumes through the CLI (checked with qemu-img),
# prepare-disks spoken directly as vmhostd's uid (descriptor count and access modes,
# refusals), remembered owners across a stord restart, migrate-disks on the seed's case
# with /etc/shadow never opened (strace), and hostile names and sizes.
set -uo pipefail
root=$VMHOST_STACK_ROOT
pool=$root/var/lib/vmhost/images
client=${STORD_CLIENT:?}
sock=$root/run/vmhost/stord/stord.sock
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
expect() { local what=$1 want=$2 out; shift 2; out=$("$@" 2>&1)
  if [[ "$out" == *"$want"* ]]; then ok "$what"; else bad "$what: got '$out'"; fi; }
fails() { local what=$1 want=$2 out; shift 2
  if out=$("$@" 2>&1); then bad "$what: succeeded: '$out'"
  elif [[ "$out" == *"$want"* ]]; then ok "$what"; else bad "$what: got '$out'"; fi; }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi; }
asvm() { setpriv --reuid=vmhost --regid=vmhost --init-groups "$client" "$sock" "$@"; }
qinfo() { qemu-img info --output=json "$1" | jq -r "$2"; }
stord_wait() { for _ in $(seq 1 100); do vmhost ping --helpers >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }

echo "== pool volumes"
expect "raw volume created" "Vol disk.raw created" vmhost vol-create-as disk.raw 1G
expect "qcow2 volume created" "Vol base.qcow2 created" vmhost vol-create-as base.qcow2 512M --format qcow2
expect "qcow2 over a backing volume" "Vol top.qcow2 created" \
  vmhost vol-create-as top.qcow2 0 --format qcow2 --backing-vol base.qcow2 --backing-vol-format qcow2
[ "$(qinfo "$pool/disk.raw" .format)/$(qinfo "$pool/disk.raw" '."virtual-size"')" = raw/1073741824 ] &&
  ok "qemu-img: raw, 1 GiB" || bad "raw: $(qemu-img info "$pool/disk.raw")"
[ "$(du -k "$pool/disk.raw" | cut -f1)" -lt 1024 ] && ok "raw volume is sparse" || bad "raw not sparse"
[ "$(qinfo "$pool/base.qcow2" .format)/$(qinfo "$pool/base.qcow2" '."virtual-size"')" = qcow2/536870912 ] &&
  ok "qemu-img: qcow2, 512 MiB" || bad "qcow2: $(qemu-img info "$pool/base.qcow2")"
check "qemu-img check: base.qcow2 clean" qemu-img check -q "$pool/base.qcow2"
check "qemu-img check: top.qcow2 clean" qemu-img check -q "$pool/top.qcow2"
[ "$(qinfo "$pool/top.qcow2" '."backing-filename"')/$(qinfo "$pool/top.qcow2" '."backing-filename-format"')/$(qinfo "$pool/top.qcow2" '."virtual-size"')" = base.qcow2/qcow2/536870912 ] &&
  ok "qemu-img: backing file, its format, size taken from it" || bad "top: $(qemu-img info "$pool/top.qcow2")"
qemu-io -c 'write -P 0x5a 0 64k' "$pool/top.qcow2" >/dev/null 2>&1 &&
  check "qemu-img check after a write" qemu-img check -q "$pool/top.qcow2"
[ "$(stat -c %U:%a "$pool/base.qcow2")" = vmhost-stor:600 ] && ok "volumes owned by vmhost-stor, 0600" ||
  bad "owner $(stat -c %U:%a "$pool/base.qcow2")"
fails "backing volume without a format" "never guessed" \
  vmhost vol-create-as t2.qcow2 1G --format qcow2 --backing-vol base.qcow2
fails "backing format that the header contradicts" "error:" \
  vmhost vol-create-as t2.qcow2 1G --format qcow2 --backing-vol disk.raw --backing-vol-format qcow2
fails "raw volume with a backing volume" "only a qcow2 volume" \
  vmhost vol-create-as t3 1G --backing-vol base.qcow2 --backing-vol-format qcow2
fails "format other than raw/qcow2" "is not raw or qcow2" vmhost vol-create-as t4 1G --format vmdk
fails "existing name" "already exists" vmhost vol-create-as disk.raw 1G
out=$(vmhost vol-list)
grep -qE "^ disk\.raw +$pool/disk\.raw\$" <<<"$out" && [[ "$out" == *base.qcow2* && "$out" == *top.qcow2* ]] &&
  ok "vol-list: names and paths" || bad "vol-list: $out"
expect "vol-path" "$pool/top.qcow2" vmhost vol-path top.qcow2
out=$(vmhost vol-info disk.raw)
[[ "$out" == *"Type:           file"* && "$out" == *"Capacity:       1.00 GiB"* && "$out" == *"Format:         raw"* ]] &&
  ok "vol-info: type, capacity, recorded format" || bad "vol-info: $out"
expect "vol-info --bytes" "Capacity:       536870912 bytes" vmhost vol-info base.qcow2 --bytes
out=$(vmhost vol-info top.qcow2 --probe)
[[ "$out" == *"qcow2 (probed)"* && "$out" == *"Backing:        base.qcow2 (qcow2)"* ]] &&
  ok "vol-info --probe: format and backing" || bad "probe: $out"
expect "vol-list on the read-only socket" "disk.raw" vmhost -r vol-list
fails "vol-create-as on the read-only socket" "error:" vmhost -r vol-create-as ro.raw 1M

echo "== resize"
expect "grow a raw volume" "2147483648 bytes" vmhost vol-resize disk.raw 2G
[ "$(qinfo "$pool/disk.raw" '."virtual-size"')" = 2147483648 ] && ok "qemu-img sees 2 GiB" || bad "size after grow"
fails "shrink without --shrink" "needs --shrink" vmhost vol-resize disk.raw 1M
expect "shrink with --shrink" "1048576 bytes" vmhost vol-resize disk.raw 1M --shrink
fails "qcow2 is not resized" "raw volumes only" vmhost vol-resize base.qcow2 1G
qemu-img create -q -f qcow2 "$pool/foreign.img" 1M; chown vmhost-stor: "$pool/foreign.img"
fails "an unrecorded image with a qcow2 header is not cut" "raw volumes only" vmhost vol-resize foreign.img 2G

echo "== hostile names and sizes"
fails "name with '/'" "may not contain '/'" vmhost vol-create-as a/b 1M
fails "name '../x'" "may not contain '/'" vmhost vol-create-as ../x 1M
fails "name '..'" "may not start with '.'" vmhost vol-create-as .. 1M
fails "hidden name" "may not start with '.'" vmhost vol-create-as .hidden 1M
fails "name with a newline" "control characters" vmhost vol-create-as $'a\nb' 1M
fails "name over 200 bytes" "longer than 200" vmhost vol-create-as "$(printf 'n%.0s' $(seq 1 201))" 1M
fails "vol-info '../images/disk.raw'" "may not contain '/'" vmhost vol-info ../images/disk.raw
fails "vol-delete '/etc/shadow'" "may not contain '/'" vmhost vol-delete /etc/shadow
fails "size -1" "invalid size" vmhost vol-create-as s1 -- -1
fails "size 1e99" "invalid size" vmhost vol-create-as s1 1e99
fails "size 99999999999T (overflow)" "invalid size" vmhost vol-create-as s1 99999999999T
fails "size 1.5G" "invalid size" vmhost vol-create-as s1 1.5G
fails "size 0" "between 1 byte" vmhost vol-create-as s1 0
fails "size 9P (over qcow2's limit)" "between 1 byte" vmhost vol-create-as s1 9P --format qcow2
fails "size 3E raw" "between 1 byte" vmhost vol-create-as s1 3E
fails "resize to 99999999999T" "invalid size" vmhost vol-resize disk.raw 99999999999T
[ ! -e "$pool/s1" ] && ok "nothing left behind by refused creations" || bad "s1 exists"
ln -s /etc/shadow "$pool/link"
fails "a symlink is not a volume (info)" "symlink" vmhost vol-info link
fails "a symlink is not a volume (resize)" "symlink" vmhost vol-resize link 1G
fails "a symlink is not a volume (delete)" "symlink" vmhost vol-delete link
[[ "$(vmhost vol-list)" != *link* ]] && ok "symlinks are not listed" || bad "link listed"
[ "$(stat -c %U /etc/shadow)" = root ] && ok "/etc/shadow untouched" || bad "/etc/shadow owner changed"
rm -f "$pool/link"

echo "== prepare-disks, spoken directly as vmhostd's uid"
qemu-img create -q -f qcow2 "$pool/undeclared.qcow2" 16M; chown vmhost-stor: "$pool/undeclared.qcow2"
vmhost vol-create-as ro.raw 8M >/dev/null
mkdom() { # file, then disk lines
  local f=$1; shift
  { echo "<domain type='qemu'><name>t</name><memory unit='MiB'>64</memory>"
    echo "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
    printf '%s\n' "$@"; echo "</devices></domain>"; } >"$f"
}
mkdom "$root/p1.xml" \
  "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$pool/top.qcow2'/><target dev='vda' bus='virtio'/></disk>" \
  "<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/><readonly/></disk>" \
  "<disk type='file' device='disk'><source file='$pool/undeclared.qcow2'/><target dev='vdb' bus='virtio'/></disk>" \
  "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$pool/ro.raw'/><target dev='vdc' bus='virtio'/><readonly/></disk>"
out=$(asvm prepare "$root/p1.xml"); echo "$out"
[[ "$out" == *"fds 4 layers 4"* ]] && ok "4 descriptors for 4 layers (empty cdrom skipped)" || bad "count: $out"
[[ "$out" == *"vda 0 $pool/top.qcow2 qcow2 rw O_RDWR"* ]] && ok "top opened O_RDWR" || bad "top: $out"
[[ "$out" == *"vda 1 $pool/base.qcow2 qcow2 ro O_RDONLY"* ]] && ok "backing opened O_RDONLY" || bad "backing: $out"
[[ "$out" == *"vdb 0 $pool/undeclared.qcow2 raw rw O_RDWR"* ]] && ok "undeclared format is raw, never probed (one layer)" || bad "undeclared: $out"
[[ "$out" == *"vdc 0 $pool/ro.raw raw ro O_RDONLY"* ]] && ok "<readonly/> opened O_RDONLY" || bad "readonly: $out"
[[ "$(head -1 <<<"$out")" == "vda "* && "$out" == *$'\nvdb '*$'\nvdc '* ]] && ok "disks in definition order" || bad "order"
mkdom "$root/p2.xml" \
  "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$pool/ro.raw'/><target dev='vda' bus='virtio'/></disk>" \
  "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/etc/shadow'/><target dev='vdb' bus='virtio'/></disk>"
expect "/etc/shadow refused" "disk 'vdb': '/etc/shadow' is a system file and cannot be given to a guest" asvm prepare "$root/p2.xml"
ln -s /etc/shadow "$pool/shadow-link"
mkdom "$root/p3.xml" "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$pool/shadow-link'/><target dev='vda' bus='virtio'/></disk>"
expect "a pool symlink to /etc/shadow refused" "is a system file" asvm prepare "$root/p3.xml"
rm -f "$pool/shadow-link"
mkdom "$root/p4.xml" "<disk type='block' device='disk'><driver name='qemu' type='raw'/><source dev='/dev/null'/><target dev='vda' bus='virtio'/></disk>"
expect "/dev/null (not a block device) refused" "error:" asvm prepare "$root/p4.xml"
mkdir -p "$root/outside" "$root/srv"
qemu-img create -q -f raw "$root/outside/secret.raw" 1M
qemu-img create -q -f qcow2 -F raw -b "$root/outside/secret.raw" "$pool/evil.qcow2"; chown vmhost-stor: "$pool/evil.qcow2"
mkdom "$root/p5.xml" "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$pool/evil.qcow2'/><target dev='vda' bus='virtio'/></disk>"
expect "backing file outside the allowed folders refused" "secret.raw" asvm prepare "$root/p5.xml"
qemu-img create -q -f raw "$root/srv/rootowned.raw" 1M; chmod 644 "$root/srv/rootowned.raw"
mkdom "$root/p6.xml" "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$root/srv/rootowned.raw'/><target dev='vda' bus='virtio'/></disk>"
expect "a root-owned image is not opened read-write (no DAC_OVERRIDE), clearly" "not writable by vmhost-stor" asvm prepare "$root/p6.xml"
mkdom "$root/p7.xml" "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$root/srv/rootowned.raw'/><target dev='vda' bus='virtio'/><readonly/></disk>"
expect "... but read-only it is (DAC_READ_SEARCH)" "vda 0 $root/srv/rootowned.raw raw ro O_RDONLY" asvm prepare "$root/p7.xml"
[ "$(stat -c %U:%a "$root/srv/rootowned.raw")" = root:644 ] && ok "its owner and mode untouched" || bad "rootowned changed"
fails "a peer other than vmhostd's uid is refused" "error" \
  setpriv --reuid=vmhost-qemu --regid=kvm --clear-groups "$client" "$sock" prepare "$root/p1.xml"

echo "== allowed_dirs in stord.conf"
echo "allowed_dirs = [ \"$root/outside\" ]" >"$root/etc/vmhost/stord.conf"
check "--check-config accepts it" vmhost-stord --root "$root" --check-config
echo 'allowed_dirs = [ "/etc" ]' >"$root/bad.conf"
expect "--check-config refuses a system folder" "is not an absolute folder outside the system folders" \
  vmhost-stord --root "$root" --config "$root/bad.conf" --check-config
echo 'allowed_dirs = "x"' >"$root/bad.conf"
fails "--check-config refuses a wrong type" "error" vmhost-stord --root "$root" --config "$root/bad.conf" --check-config
stack_restart stord; stord_wait
expect "backing file in an allowed folder accepted" "vda 1 $root/outside/secret.raw raw ro O_RDONLY" asvm prepare "$root/p5.xml"
expect "/etc/shadow still refused" "is a system file" asvm prepare "$root/p2.xml"

echo "== remembered owners"
u1=11111111-1111-1111-1111-111111111111; u2=22222222-2222-2222-2222-222222222222
qu=$(id -u vmhost-qemu); kg=$(getent group kvm | cut -d: -f3); su=$(id -u vmhost-stor)
owners=$root/var/lib/vmhost/stord/owners
expect "give a pool image to vmhost-qemu" "ok" asvm chown $u1 "$pool/ro.raw" "$qu" "$kg"
[ "$(stat -c %U:%G "$pool/ro.raw")" = vmhost-qemu:kvm ] && ok "now vmhost-qemu:kvm" || bad "owner $(stat -c %U:%G "$pool/ro.raw")"
grep -q "^$su [0-9]* 600 .* $u1 $pool/ro.raw\$" "$owners" && ok "original owner in the state file" || bad "state: $(cat "$owners")"
expect "a second guest shares it (same user)" "ok" asvm chown $u2 "$pool/ro.raw" "$qu" "$kg"
expect "a guest with another user is refused" "in use by guest" asvm chown 33333333-3333-3333-3333-333333333333 "$pool/ro.raw" 12345 12345
fails "a given volume cannot be deleted" "given to a running guest" vmhost vol-delete ro.raw
stack_restart stord; stord_wait
expect "after a stord restart: first guest lets go" "ok" asvm release $u1
[ "$(stat -c %U "$pool/ro.raw")" = vmhost-qemu ] && ok "still held by the second guest" || bad "restored too early"
expect "second guest lets go" "ok" asvm release $u2 "$pool/ro.raw"
[ "$(stat -c %U:%G:%a "$pool/ro.raw")" = vmhost-stor:vmhost-stor:600 ] && ok "original owner and mode restored after the restart" ||
  bad "restored: $(stat -c %U:%G:%a "$pool/ro.raw")"
[ ! -s "$owners" ] && ok "state file empty" || bad "state left: $(cat "$owners")"
expect "releasing again is harmless" "ok" asvm release $u2
fails "/etc/shadow is never given" "system file" asvm chown $u1 /etc/shadow "$qu" "$kg"
fails "a file outside the allowed folders is not given" "outside the pool" asvm chown $u1 "$root/srv/rootowned.raw" "$qu" "$kg"
fails "never to root" "never given to root" asvm chown $u1 "$pool/ro.raw" 0 0
fails "a bad uuid" "uuid" asvm chown nope "$pool/ro.raw" "$qu" "$kg"
[ "$(stat -c %U:%a /etc/shadow)" = "root:640" ] || [ "$(stat -c %U /etc/shadow)" = root ] && ok "/etc/shadow still root's" || bad "/etc/shadow"

echo "== migrate-disks (the seed's case), /etc/shadow never opened"
qemu-img create -q -f qcow2 "$pool/foo.qcow2" 64M
qemu-img create -q -f raw "$pool/plain.raw" 16M
qemu-img create -q -f qcow2 -u -F raw -b /etc/shadow "$pool/hostile.img" 16M
chown vmhost-stor: "$pool/foo.qcow2" "$pool/plain.raw" "$pool/hostile.img"
out=$(vmhost vol-info hostile.img --probe)
[[ "$out" == *"Backing:        /etc/shadow"* ]] && ok "vol-info --probe shows the hostile backing file (header only)" || bad "probe hostile: $out"
mkdom "$root/legacy.xml" \
  "<disk type='file' device='disk'><source file='$pool/foo.qcow2'/><target dev='vda' bus='virtio'/></disk>" \
  "<disk type='file' device='disk'><source file='$pool/plain.raw'/><target dev='vdb' bus='virtio'/></disk>" \
  "<disk type='file' device='disk'><source file='$pool/hostile.img'/><target dev='vdc' bus='virtio'/></disk>" \
  "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$pool/foo.qcow2'/><target dev='vdd' bus='virtio'/></disk>"
sed -i 's/<name>t</<name>legacy</' "$root/legacy.xml"
vmhost define "$root/legacy.xml" >/dev/null
strace -f -qq -e trace=open,openat,openat2,stat,newfstatat,statx,readlink,chown,fchownat \
  -o "$root/stord.strace" -p "$(stack_pid stord)" & tpid=$!
sleep 0.5
out=$(vmhost migrate-disks 2>&1); echo "$out"
sleep 0.2; kill "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null
[[ "$out" == *"legacy vda $pool/foo.qcow2: none -> qcow2"* ]] && ok "foo.qcow2: none -> qcow2" || bad "foo: $out"
[[ "$out" == *"legacy vdb $pool/plain.raw: none -> raw"* ]] && ok "raw disk stays raw" || bad "raw: $out"
[[ "$out" == *"legacy vdc $pool/hostile.img: left undeclared"*"/etc/shadow"* ]] && ok "hostile image not turned into qcow2" || bad "hostile: $out"
[[ "$out" != *" vdd "* ]] && ok "declared-raw disk untouched" || bad "vdd touched"
xml=$(vmhost dumpxml --inactive legacy)
[ "$(grep -c "<driver name='qemu' type='qcow2'/>" <<<"$xml")" = 1 ] && ok "definition: one <driver name='qemu' type='qcow2'/>" || bad "xml: $xml"
if [ -s "$root/stord.strace" ] && grep -q "hostile.img" "$root/stord.strace"; then
  ! grep -E 'open(at|at2)?\(.*"/etc/shadow"' "$root/stord.strace" && ok "strace: stord never opened /etc/shadow" ||
    bad "strace: $(grep shadow "$root/stord.strace")"
  grep shadow "$root/stord.strace" | sed 's/^/  (path resolution only) /' 
else bad "strace saw nothing"; fi
cp "$root/etc/vmhost/qemu/legacy.xml" "$root/after.xml"
expect "second run: no change" "0 disks declared" vmhost migrate-disks
cmp -s "$root/after.xml" "$root/etc/vmhost/qemu/legacy.xml" && ok "definition file unchanged by the second run" || bad "second run changed it"

echo "== offline migrate-disks (package upgrade step, vmhostd stopped)"
fails "refused while vmhostd runs" "vmhostd is running" vmhost-stord --root "$root" --migrate-disks
kill -TERM "$(stack_pid vmhostd)"; for _ in $(seq 1 100); do [ -S "$root/run/vmhost/vmhost-sock" ] || break
  vmhost ping >/dev/null 2>&1 || break; sleep 0.05; done
qemu-img create -q -f qcow2 "$pool/old.qcow2" 32M; chown vmhost-stor: "$pool/old.qcow2"
mkdom "$root/etc/vmhost/qemu/old.xml" \
  "<disk type='file' device='disk'><source file='$pool/old.qcow2'/><target dev='vda' bus='virtio'/></disk>" \
  "<disk type='file' device='disk'><source file='$pool/hostile.img'/><target dev='vdb' bus='virtio'/></disk>"
sed -i 's/<name>t</<name>old</' "$root/etc/vmhost/qemu/old.xml"
chown vmhost:vmhost "$root/etc/vmhost/qemu/old.xml"; chmod 600 "$root/etc/vmhost/qemu/old.xml"
cp "$root/etc/vmhost/qemu/old.xml" "$root/old-before.xml"
expect "offline dry run" "old vda $pool/old.qcow2: none -> qcow2 (dry run)" vmhost-stord --root "$root" --migrate-disks --dry-run
cmp -s "$root/old-before.xml" "$root/etc/vmhost/qemu/old.xml" && ok "offline dry run wrote nothing" || bad "dry run wrote"
out=$(vmhost-stord --root "$root" --migrate-disks 2>&1); echo "$out"
[[ "$out" == *"old vda $pool/old.qcow2: none -> qcow2"* ]] && ok "offline: old.qcow2 declared qcow2" || bad "offline: $out"
[[ "$out" == *"old vdb $pool/hostile.img: left undeclared"*"/etc/shadow"* ]] && ok "offline: hostile image left undeclared" || bad "offline hostile: $out"
grep -q "<driver name='qemu' type='qcow2'/>" "$root/etc/vmhost/qemu/old.xml" && ok "offline: definition file updated" || bad "offline: file"
[ "$(stat -c %U:%a "$root/etc/vmhost/qemu/old.xml")" = vmhost:600 ] && ok "offline: owner and mode kept" ||
  bad "offline: $(stat -c %U:%a "$root/etc/vmhost/qemu/old.xml")"
cp "$root/etc/vmhost/qemu/old.xml" "$root/old-after.xml"
expect "offline second run declares nothing" "0 disks declared" vmhost-stord --root "$root" --migrate-disks
cmp -s "$root/old-after.xml" "$root/etc/vmhost/qemu/old.xml" && ok "offline second run changed nothing" || bad "offline second run"
stack_start vmhostd; stord_wait
expect "vmhostd reads the migrated definition" "type='qcow2'" vmhost dumpxml --inactive old

echo "== delete"
expect "vol-delete" "Vol top.qcow2 deleted" vmhost vol-delete top.qcow2
fails "deleted volume is gone" "not found" vmhost vol-info top.qcow2
[ ! -e "$pool/top.qcow2" ] && ok "file removed" || bad "file left"
echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
