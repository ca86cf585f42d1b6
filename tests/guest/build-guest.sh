#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds the tiny test guest: a Debian kernel (never installed on the host) and a
# busybox initramfs whose /init is tests/guest/init.
#
# Usage: build-guest.sh [OUTDIR]        (default: tests/guest/cache)
# Output: OUTDIR/vmlinuz (bzImage), OUTDIR/vmlinux (same kernel, uncompressed ELF
# with a PVH entry: boots ~2.5 s faster under TCG), OUTDIR/initrd.img, OUTDIR/cmdline (recommended kernel
# command line without vmhost.mode=), OUTDIR/kernel-version. Prints the paths.
# Idempotent: a second run with the same inputs only prints the paths.
#
# Environment: VMHOST_GUEST_KERNEL_PKG=linux-image-X.Y.Z-N-amd64 pins the kernel
# package (default: what the cache already holds, else linux-image-amd64's dependency).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/cache}
mkdir -p "$out"
out=$(cd "$out" && pwd)
debs=$out/debs
mkdir -p "$debs"

# Modules the initramfs carries (their dependencies are added from the .ko files).
want_modules="button evdev virtio_pci virtio_net e1000 pvpanic_mmio pvpanic_pci"
# Kernel command line that boots fastest under TCG (see README.md, "Boot times").
cmdline="console=ttyS0 quiet loglevel=0 panic=-1 i8042.noaux i8042.nokbd i8042.nopnp tsc=reliable no_timer_check acpi_no_watchdog nowatchdog mitigations=off"

die() { echo "build-guest: $*" >&2; exit 1; }

busybox=$(command -v busybox-static || true)
[ -n "$busybox" ] || busybox=/bin/busybox
[ -x "$busybox" ] || die "busybox not found: apt-get install busybox-static"
if LC_ALL=C ldd "$busybox" >/dev/null 2>&1; then
    die "$busybox is dynamically linked: apt-get install busybox-static"
fi
command -v cpio >/dev/null || die "cpio not found: apt-get install cpio"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found (Debian host required)"
command -v xz >/dev/null || die "xz not found: apt-get install xz-utils"

# --- pick and fetch the kernel package -------------------------------------------
find_candidate() {
    apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n1
}

pkg=${VMHOST_GUEST_KERNEL_PKG:-}
if [ -z "$pkg" ] && [ -s "$out/kernel-package" ]; then
    pkg=$(cat "$out/kernel-package")
    ls "$debs/${pkg}"_*.deb >/dev/null 2>&1 || pkg=""
fi
if [ -z "$pkg" ]; then
    pkg=$(find_candidate)
    if [ -z "$pkg" ]; then
        echo "build-guest: linux-image-amd64 unknown to apt-cache, running apt-get update" >&2
        apt-get update -qq >&2 || die "apt-get update failed"
        pkg=$(find_candidate)
    fi
    [ -n "$pkg" ] || die "cannot find the kernel package behind linux-image-amd64"
fi

deb=$(ls "$debs/${pkg}"_*.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
    echo "build-guest: downloading $pkg" >&2
    dl() { (cd "$debs" && apt-get download -q "$pkg" >&2 2>/dev/null); }
    if ! dl; then
        # stale package lists: refresh; the candidate may have moved on meanwhile
        apt-get update -qq >&2 || die "apt-get update failed"
        [ -n "${VMHOST_GUEST_KERNEL_PKG:-}" ] || pkg=$(find_candidate)
        [ -n "$pkg" ] || die "cannot find the kernel package behind linux-image-amd64"
        dl || die "apt-get download $pkg failed"
    fi
    deb=$(ls "$debs/${pkg}"_*.deb | head -n1)
    # keep only the package in use
    for f in "$debs"/*.deb; do [ "$f" = "$deb" ] || rm -f "$f"; done
fi
echo "$pkg" > "$out/kernel-package"

# --- up to date? ------------------------------------------------------------------
stamp=$( (cat "$0" "$here/init"; basename "$deb"; echo "$want_modules"; \
          sha256sum "$busybox" | cut -d' ' -f1) | sha256sum | cut -d' ' -f1)
if [ -s "$out/vmlinuz" ] && [ -s "$out/vmlinux" ] && [ -s "$out/initrd.img" ] &&
   [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$out/vmlinuz"
    echo "$out/vmlinux"
    echo "$out/initrd.img"
    exit 0
fi

# --- extract the kernel and the modules -------------------------------------------
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work/deb"
vmlinuz=$(ls "$work"/deb/boot/vmlinuz-* | head -n1)
kver=${vmlinuz##*/vmlinuz-}
moddir=$work/deb/lib/modules/$kver
[ -d "$moddir" ] || moddir=$work/deb/usr/lib/modules/$kver
[ -d "$moddir" ] || die "no modules directory for $kver in $deb"

# module name -> path (names use '_' where file names may use '-')
declare -A modpath
while IFS= read -r f; do
    n=${f##*/}; n=${n%%.ko*}; n=${n//-/_}
    modpath[$n]=$f
done < <(find "$moddir/kernel" -name '*.ko*')

ko_plain() { # FILE -> uncompressed .ko on stdout
    case $1 in
        *.ko.xz) xz -dc "$1" ;;
        *.ko.zst) zstd -qdc "$1" ;;
        *.ko.gz) gzip -dc "$1" ;;
        *) cat "$1" ;;
    esac
}

declare -A done_mod moddeps
order=()
add_module() { # depth-first: dependencies before the module
    local n=${1//-/_} d deps
    [ -n "${done_mod[$n]:-}" ] && return 0
    done_mod[$n]=1
    if grep -qE "/${n//_/[_-]}\.ko" "$moddir/modules.builtin" 2>/dev/null; then
        return 0 # built into the kernel
    fi
    [ -n "${modpath[$n]:-}" ] || die "module $n not found in $kver"
    deps=$(ko_plain "${modpath[$n]}" | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n1)
    moddeps[$n]=""
    for d in ${deps//,/ }; do
        add_module "$d"
        # a built-in dependency is not listed: the guest loads only .ko files
        [ -n "${modpath[${d//-/_}]:-}" ] && moddeps[$n]+=" ${d//-/_}"
    done
    order+=("$n")
}
for m in $want_modules; do add_module "$m"; done

# --- initramfs --------------------------------------------------------------------
root=$work/root
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,etc,lib/modules}
cp "$busybox" "$root/bin/busybox"
for a in $("$busybox" --list); do
    [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
done
install -m 0755 "$here/init" "$root/init"
for n in "${order[@]}"; do
    ko_plain "${modpath[$n]}" > "$root/lib/modules/$n.ko"
    echo "$n${moddeps[$n]}" >> "$root/lib/modules/deps"
done
echo "$kver" > "$root/etc/kernel-version"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9n > "$work/initrd.img"

# The bzImage decompresses itself (xz, ~2.7 s under TCG). Its payload is an ELF
# vmlinux with a PVH entry note that QEMU boots directly: same kernel, no decompression.
off=$(LC_ALL=C grep -abo $'\xfd7zXZ\x00' "$vmlinuz" | head -n1 | cut -d: -f1)
[ -n "$off" ] || die "no xz payload in $vmlinuz"
{ tail -c +$((off + 1)) "$vmlinuz" || true; } | xz -dc --single-stream > "$work/vmlinux" ||
    die "cannot decompress the vmlinux inside $vmlinuz"
[ "$(head -c 4 "$work/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ] ||
    die "the payload of $vmlinuz is not an ELF file"
cp "$vmlinuz" "$work/vmlinuz"
mv -f "$work/vmlinuz" "$out/vmlinuz"
mv -f "$work/vmlinux" "$out/vmlinux"
mv -f "$work/initrd.img" "$out/initrd.img"
echo "$kver" > "$out/kernel-version"
echo "$cmdline" > "$out/cmdline"
echo "$stamp" > "$out/stamp"
echo "build-guest: kernel $kver, modules: ${order[*]}" >&2
echo "$out/vmlinuz"
echo "$out/vmlinux"
echo "$out/initrd.img"
