#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Network benchmark, vmhost and libvirt 9 in the same run, each in a private network
# namespace: `net-start default` and `net-destroy default` as whole processes
# (bridge, addresses, firewall rules, dnsmasq), and a tap per guest interface.
# Prints medians and minimums, the ratios to libvirt and the 5x targets. With
# VMHOST_BENCH_LIBVIRT=0 libvirt is not run and its reference figures are used
# (net-start 99.5 ms, net-destroy 325 ms, measured on machines of this kind);
# VMHOST_BENCH_RUNS sets the number of cycles (default 20).
#   bench/network.sh [BUILD_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
out=$(mktemp -d /tmp/bench-net.XXXXXX)
trap 'rm -rf "$out"' EXIT

runs=${VMHOST_BENCH_RUNS:-20}
cycle='for i in $(seq '"$runs"'); do
  t0=$(date +%s%N); $CLI net-start default >/dev/null; t1=$(date +%s%N)
  $CLI net-destroy default >/dev/null; t2=$(date +%s%N)
  echo "net_start_ms $(( (t1 - t0) / 1000 ))"; echo "net_destroy_ms $(( (t2 - t1) / 1000 ))"
done'

echo "== vmhost"
CLI=vmhost "$top/scripts/stack" --build "$build" -- bash -c "$cycle" | tee "$out/vmhost.txt"
if [ "${VMHOST_BENCH_LIBVIRT:-1}" != 0 ]; then
  echo "== libvirt 9"
  CLI=virsh "$top/bench/libvirt-env.sh" bash -c "$cycle" | tee "$out/libvirt.txt"
else
  printf 'net_start_ms 99500\nnet_destroy_ms 325000\n' >"$out/libvirt.txt"
  echo "== libvirt 9: reference figures (VMHOST_BENCH_LIBVIRT=0)"
fi
/usr/bin/python3 - "$out" "$runs" <<'PY'
import sys, statistics, re
d, runs = sys.argv[1], sys.argv[2]
def load(f):
    v = {}
    for line in open(f"{d}/{f}"):
        m = re.match(r"(\w+) ([0-9.e-]+)$", line.strip())
        if m: v.setdefault(m[1], []).append(float(m[2]) / 1000)
    return v
vm, lv = load("vmhost.txt"), load("libvirt.txt")
load1 = open("/proc/loadavg").read().split()[0]
print(f"\n== results (whole process, {runs} cycles, load average {load1}; ratio = libvirt / vmhost median)")
for k, label in [("net_start_ms", "net-start default"), ("net_destroy_ms", "net-destroy default")]:
    if k in vm and k in lv:
        med, lmed = statistics.median(vm[k]), statistics.median(lv[k])
        print(f"{label:20s} vmhost median {med:7.1f} ms (min {min(vm[k]):6.1f})  "
              f"libvirt {lmed:7.1f} ms  ratio {lmed/med:5.1f}x  "
              f"(5x target <= {lmed/5:5.1f} ms: {'met' if med <= lmed/5 else 'missed'})")
PY
