#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Network benchmark, vmhost and libvirt 9 in the same run, each in a private network
# namespace: `net-start default` and `net-destroy default` as whole processes
# (bridge, addresses, firewall rules, dnsmasq), and a tap per guest interface.
#   bench/network.sh [BUILD_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
out=$(mktemp -d /tmp/bench-net.XXXXXX)
trap 'rm -rf "$out"' EXIT

cycle='for i in 1 2 3 4 5 6 7 8 9 10; do
  t0=$(date +%s%N); $CLI net-start default >/dev/null; t1=$(date +%s%N)
  $CLI net-destroy default >/dev/null; t2=$(date +%s%N)
  echo "net_start_ms $(( (t1 - t0) / 1000 ))"; echo "net_destroy_ms $(( (t2 - t1) / 1000 ))"
done'

echo "== vmhost"
CLI=vmhost "$top/scripts/stack" --build "$build" -- bash -c "$cycle" | tee "$out/vmhost.txt"
echo "== libvirt 9"
CLI=virsh "$top/bench/libvirt-env.sh" bash -c "$cycle" | tee "$out/libvirt.txt"
python3 - "$out" <<'PY'
import sys, statistics, re
d = sys.argv[1]
def load(f):
    v = {}
    for line in open(f"{d}/{f}"):
        m = re.match(r"(\w+) ([0-9.e-]+)$", line.strip())
        if m: v.setdefault(m[1], []).append(float(m[2]) * 1.0)
    return {k: statistics.median(x) / 1000 for k, x in v.items()}
vm, lv = load("vmhost.txt"), load("libvirt.txt")
print("\n== results (medians of 10, whole process; ratio = libvirt / vmhost)")
for k, label in [("net_start_ms", "net-start default, ms"), ("net_destroy_ms", "net-destroy default, ms")]:
    if k in vm and k in lv:
        print(f"{label:30s} vmhost {vm[k]:8.1f}  libvirt {lv[k]:8.1f}  ratio {lv[k]/vm[k]:5.1f}x")
PY
