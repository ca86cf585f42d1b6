#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmarks the bare-QEMU boot of the test guest: N boots per configuration,
# interleaved so that machine noise hits every configuration alike; prints the
# median, min and max of launch -> VMHOST-GUEST-READY and launch -> QEMU exit.
#
# Usage: bench/guest-bare.sh [-n N] [CONFIG...]
#   CONFIG is a quoted list of boot-bare.sh options, e.g. "--kernel vmlinux --machine q35".
#   Default configurations: vmlinuz/vmlinux x pc/q35.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
boot=$here/../tests/guest/boot-bare.sh
n=5
if [ "${1:-}" = -n ]; then n=$2; shift 2; fi
configs=("$@")
if [ ${#configs[@]} -eq 0 ]; then
    configs=("--kernel vmlinuz --machine pc" "--kernel vmlinuz --machine q35"
             "--kernel vmlinux --machine pc" "--kernel vmlinux --machine q35")
fi
"$here/../tests/guest/build-guest.sh" >/dev/null || exit 1

declare -A mk ex
for ((i = 0; i < n; i++)); do
    for c in "${configs[@]}"; do
        # shellcheck disable=SC2086 # CONFIG is a list of options on purpose
        line=$(eval "\"$boot\" $c") || { echo "guest-bare: boot failed: $c" >&2; exit 1; }
        m=$(sed -n 's/.*marker after \([0-9]*\) ms.*/\1/p' <<<"$line")
        e=$(sed -n 's/.*exit after \([0-9]*\) ms.*/\1/p' <<<"$line")
        mk[$c]+="$m "
        ex[$c]+="$e "
    done
done
stats() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {printf "median %d ms (min %d, max %d)", a[int((NR+1)/2)], a[1], a[NR]}'; }
for c in "${configs[@]}"; do
    printf 'guest-bare [%s] n=%d: marker %s; exit %s\n' "$c" "$n" \
        "$(stats <<<"${mk[$c]}")" "$(stats <<<"${ex[$c]}")"
done
