#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Boots the test guest with plain QEMU (TCG) and times launch -> VMHOST-GUEST-READY
# and launch -> QEMU exit. Exits 0 only if the marker appeared and QEMU exited 0.
#
# Usage: boot-bare.sh [options] [OUTDIR]   (OUTDIR as given to build-guest.sh)
#   --mode MODE        vmhost.mode= value (default poweroff)
#   --kernel FILE      vmlinuz (default, bzImage) or vmlinux (PVH ELF), in OUTDIR
#   --machine TYPE     QEMU machine type (default pc; see README.md)
#   --cmdline STR      replace the kernel command line (default OUTDIR/cmdline)
#   --append STR       add to the kernel command line
#   --qemu-arg ARG     extra QEMU argument (repeatable)
#   --runs N           boot N times (default 1)
#   --timeout SEC      kill QEMU after SEC seconds (default 120)
#   --build            run build-guest.sh first
#   -v                 print the serial output
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mode=poweroff kernel=vmlinuz machine=pc cmdline="" append="" runs=1 tmo=120 build=0 verbose=0
extra=()
while [ $# -gt 0 ]; do
    case $1 in
        --mode) mode=$2; shift ;;
        --kernel) kernel=$2; shift ;;
        --machine) machine=$2; shift ;;
        --cmdline) cmdline=$2; shift ;;
        --append) append=$2; shift ;;
        --qemu-arg) extra+=("$2"); shift ;;
        --runs) runs=$2; shift ;;
        --timeout) tmo=$2; shift ;;
        --build) build=1 ;;
        -v) verbose=1 ;;
        -*) echo "boot-bare: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
    shift
done
out=${1:-$here/cache}
qemu=${QEMU:-qemu-system-x86_64}

if [ "$build" = 1 ]; then
    "$here/build-guest.sh" "$out" >/dev/null || exit 1
fi
for f in "$kernel" initrd.img cmdline; do
    [ -s "$out/$f" ] || { echo "boot-bare: $out/$f missing: run build-guest.sh" >&2; exit 1; }
done
command -v "$qemu" >/dev/null || { echo "boot-bare: $qemu not found" >&2; exit 1; }
[ -n "$cmdline" ] || cmdline=$(cat "$out/cmdline")
cmdline="$cmdline${append:+ $append} vmhost.mode=$mode"

ms_since() { # START(EPOCHREALTIME) -> milliseconds elapsed
    local now=${EPOCHREALTIME/./} start=${1/./}
    echo $(((now - start) / 1000))
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
fail=0
for ((run = 1; run <= runs; run++)); do
    : > "$log"
    start=$EPOCHREALTIME
    marker=""
    while IFS= read -r line || [ -n "$line" ]; do
        printf '%s\n' "$line" >> "$log"
        [ "$verbose" = 1 ] && printf '%s\n' "${line%$'\r'}"
        if [ -z "$marker" ] && [[ $line == *VMHOST-GUEST-READY* ]]; then
            marker=$(ms_since "$start")
        fi
    done < <(timeout -k 5 "$tmo" "$qemu" -accel tcg -machine "$machine" -m 256 \
                 -nographic -no-reboot -nic none \
                 -kernel "$out/$kernel" -initrd "$out/initrd.img" \
                 -append "$cmdline" "${extra[@]}" </dev/null 2>&1; printf '\nQEMU-RC=%s\n' "$?")
    total=$(ms_since "$start")
    rc=$(sed -n 's/^QEMU-RC=//p' "$log")
    echo "bare-qemu: marker after ${marker:-NONE} ms, exit after $total ms (kernel=$kernel, machine=$machine, mode=$mode, rc=$rc)"
    if [ -z "$marker" ] || [ "$rc" != 0 ]; then
        fail=1
        echo "boot-bare: FAILED; cmdline: $cmdline; serial output:" >&2
        tr -d '\r' < "$log" | tail -n 40 >&2
    fi
done
exit $fail
