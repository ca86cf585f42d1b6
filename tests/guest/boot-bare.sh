#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Boots the test guest with plain QEMU (TCG) and times launch -> VMHOST-GUEST-READY
# and launch -> QEMU exit. Exits 0 only if the marker and every expected line
# appeared and QEMU exited 0.
#
# Usage: boot-bare.sh [options] [OUTDIR]   (OUTDIR as given to build-guest.sh)
#   --mode MODE        vmhost.mode= value (default poweroff). wait and dhcp modes
#                      get a QMP system_powerdown once VMHOST-WAITING shows and
#                      must answer with VMHOST-POWER-BUTTON and a clean exit.
#   --kernel FILE      vmlinuz (default, bzImage) or vmlinux (PVH ELF), in OUTDIR
#   --machine TYPE     QEMU machine type (default pc; see README.md)
#   --cmdline STR      replace the kernel command line (default OUTDIR/cmdline)
#   --append STR       add to the kernel command line
#   --qemu-arg ARG     extra QEMU argument (repeatable)
#   --expect STR       a serial line containing STR must appear (repeatable)
#   --netns            run in a private network namespace (unshare --net, root only)
#                      with bridge br0 192.168.122.1/24, tap vmtap0 and dnsmasq
#                      serving DHCP on br0; the guest gets a NIC on the tap
#   --nic MODEL        NIC model for --netns (default virtio-net-pci; or e1000)
#   --runs N           boot N times (default 1)
#   --timeout SEC      kill QEMU after SEC seconds (default 120)
#   --build            run build-guest.sh first
#   -v                 print the serial output
# Exit status: 0 pass, 1 fail, 2 usage, 77 skipped (--netns without root/unshare).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self=$here/$(basename "${BASH_SOURCE[0]}")
args=("$@")
mode=poweroff kernel=vmlinuz machine=pc cmdline="" append="" runs=1 tmo=120
build=0 verbose=0 netns=0 nic=virtio-net-pci
extra=() expect=()
while [ $# -gt 0 ]; do
    case $1 in
        --mode) mode=$2; shift ;;
        --kernel) kernel=$2; shift ;;
        --machine) machine=$2; shift ;;
        --cmdline) cmdline=$2; shift ;;
        --append) append=$2; shift ;;
        --qemu-arg) extra+=("$2"); shift ;;
        --expect) expect+=("$2"); shift ;;
        --netns) netns=1 ;;
        --nic) nic=$2; shift ;;
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

if [ "$build" = 1 ] && [ -z "${VMHOST_GUEST_IN_NETNS:-}" ]; then
    "$here/build-guest.sh" "$out" >/dev/null || exit 1
fi
for f in "$kernel" initrd.img cmdline; do
    [ -s "$out/$f" ] || { echo "boot-bare: $out/$f missing: run build-guest.sh" >&2; exit 1; }
done
command -v "$qemu" >/dev/null || { echo "boot-bare: $qemu not found" >&2; exit 1; }
[ -n "$cmdline" ] || cmdline=$(cat "$out/cmdline")
cmdline="$cmdline${append:+ $append} vmhost.mode=$mode"

tmp=$(mktemp -d)
dnsmasq_pid=""
cleanup() {
    [ -n "$dnsmasq_pid" ] && kill "$dnsmasq_pid" 2>/dev/null && wait "$dnsmasq_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

# --- private network namespace ----------------------------------------------------
if [ "$netns" = 1 ]; then
    if [ -z "${VMHOST_GUEST_IN_NETNS:-}" ]; then
        if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null ||
           ! unshare --net true 2>/dev/null; then
            echo "boot-bare: SKIP: --netns needs root and unshare --net" >&2
            exit 77
        fi
        [ -c /dev/net/tun ] || { echo "boot-bare: SKIP: no /dev/net/tun" >&2; exit 77; }
        command -v dnsmasq >/dev/null ||
            { echo "boot-bare: dnsmasq not found: apt-get install dnsmasq-base" >&2; exit 1; }
        rm -rf "$tmp"
        # everything below runs in a namespace that dies with this process
        VMHOST_GUEST_IN_NETNS=1 exec unshare --net "$self" "${args[@]}"
    fi
    ip link set lo up &&
    ip link add br0 type bridge &&
    ip addr add 192.168.122.1/24 dev br0 &&
    ip link set br0 up &&
    ip tuntap add dev vmtap0 mode tap &&
    ip link set vmtap0 master br0 &&
    ip link set vmtap0 up || { echo "boot-bare: network setup failed" >&2; exit 1; }
    dnsmasq -k --conf-file=/dev/null --user=root --port=0 --bind-interfaces \
        --interface=br0 --except-interface=lo --listen-address=192.168.122.1 \
        --dhcp-range=192.168.122.2,192.168.122.254,255.255.255.0,1h \
        --dhcp-leasefile="$tmp/leases" --pid-file="$tmp/dnsmasq.pid" \
        --log-facility="$tmp/dnsmasq.log" --log-dhcp --no-ping &
    dnsmasq_pid=$!
    extra+=(-netdev "tap,id=net0,ifname=vmtap0,script=no,downscript=no"
            -device "$nic,netdev=net0,mac=52:54:00:12:34:56")
else
    extra+=(-nic none)
fi

powerdown_on=""
case $mode in
    wait) powerdown_on=VMHOST-WAITING; expect+=(VMHOST-POWER-BUTTON) ;;
    dhcp) powerdown_on=VMHOST-WAITING
          expect+=(VMHOST-DHCP-LEASE VMHOST-PING-OK VMHOST-POWER-BUTTON) ;;
esac
if [ -n "$powerdown_on" ]; then
    # QMP on a pipe pair: QEMU opens qmp.in/qmp.out read-write, so no open blocks
    mkfifo "$tmp/qmp.in" "$tmp/qmp.out"
    extra+=(-chardev "pipe,id=qmp0,path=$tmp/qmp" -mon "chardev=qmp0,mode=control")
fi

ms_since() { # START(EPOCHREALTIME) -> milliseconds elapsed
    local now=${EPOCHREALTIME/./} start=${1/./}
    echo $(((now - start) / 1000))
}

log=$tmp/serial.log
fail=0
for ((run = 1; run <= runs; run++)); do
    : > "$log"
    reader=""
    if [ -n "$powerdown_on" ]; then
        cat "$tmp/qmp.out" > "$tmp/qmp.log" &
        reader=$!
    fi
    start=$EPOCHREALTIME
    marker="" powerdown=""
    while IFS= read -r line || [ -n "$line" ]; do
        printf '%s\n' "$line" >> "$log"
        [ "$verbose" = 1 ] && printf '%s\n' "${line%$'\r'}"
        if [ -z "$marker" ] && [[ $line == *VMHOST-GUEST-READY* ]]; then
            marker=$(ms_since "$start")
        fi
        if [ -n "$powerdown_on" ] && [ -z "$powerdown" ] && [[ $line == *"$powerdown_on"* ]]; then
            powerdown=$(ms_since "$start")
            timeout 10 bash -c 'printf "%s\n" "{\"execute\":\"qmp_capabilities\"}" \
                "{\"execute\":\"system_powerdown\"}" > "$1"' _ "$tmp/qmp.in"
        fi
    done < <(timeout -k 5 "$tmo" "$qemu" -accel tcg -machine "$machine" -m 256 \
                 -nographic -no-reboot \
                 -kernel "$out/$kernel" -initrd "$out/initrd.img" \
                 -append "$cmdline" "${extra[@]}" </dev/null 2>&1; printf '\nQEMU-RC=%s\n' "$?")
    total=$(ms_since "$start")
    rc=$(sed -n 's/^QEMU-RC=//p' "$log")
    echo "bare-qemu: marker after ${marker:-NONE} ms, exit after $total ms" \
         "(kernel=$kernel, machine=$machine, mode=$mode, rc=$rc)"
    bad=""
    [ -n "$marker" ] || bad="no VMHOST-GUEST-READY"
    [ "$rc" = 0 ] || bad="QEMU exit status $rc"
    if [ -n "$powerdown_on" ]; then
        if [ -z "$powerdown" ]; then
            bad="no $powerdown_on"
        else
            echo "bare-qemu: system_powerdown at $powerdown ms, exit $((total - powerdown)) ms later"
        fi
    fi
    for e in "${expect[@]}"; do
        grep -aq -- "$e" "$log" || bad="no $e"
    done
    for e in "${expect[@]}"; do
        grep -a -- "$e" "$log" | tr -d '\r' | sed 's/^/bare-qemu: guest said: /'
    done
    if [ -n "$bad" ]; then
        fail=1
        echo "boot-bare: FAILED ($bad); cmdline: $cmdline; serial output:" >&2
        tr -d '\r' < "$log" | tail -n 40 >&2
        [ -s "$tmp/dnsmasq.log" ] && tail -n 20 "$tmp/dnsmasq.log" >&2
    fi
    if [ -n "$reader" ]; then
        kill "$reader" 2>/dev/null
        wait "$reader" 2>/dev/null
    fi
done
exit $fail
