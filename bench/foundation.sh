#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Foundation benchmarks: per-call round trips beside the socket floor, a whole
# `vmhost version` process, and the four daemons' start to first answer.
#   bench/foundation.sh [BUILD_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
exec "$top/scripts/stack" --build "$build" -- bash -c '
set -euo pipefail
pids="$(stack_pid vmhostd) $(stack_pid netd) $(stack_pid secd) $(stack_pid stord)"
echo "== per-call round trips (20000 calls, median of 3)"
'"$build"'/bench/bench_rtt $pids
echo "== whole \`vmhost version\` process (200 runs)"
python3 - "'"$build"'/cli/vmhost" <<PY
import subprocess, sys, time, statistics
ts=[]
for _ in range(200):
    t=time.perf_counter(); subprocess.run([sys.argv[1], "version"], stdout=subprocess.DEVNULL, check=True); ts.append(time.perf_counter()-t)
print("vmhost version: median %.2f ms (libvirt 9: virsh version 14.2 ms, ratio %.1fx)" % (statistics.median(ts)*1e3, 14.2/(statistics.median(ts)*1e3)))
PY
echo "== start to first answer (all four daemons, 10 runs)"
for i in $(seq 1 10); do
  for d in vmhostd netd secd stord; do kill -TERM $(stack_pid $d); done
  while pgrep -f -- "--root $VMHOST_STACK_ROOT" >/dev/null; do sleep 0.01; done
  t0=$(date +%s%N)
  for d in netd secd stord vmhostd; do stack_start $d; done
  until vmhost ping --helpers >/dev/null 2>&1; do :; done
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
done | sort -n | awk "{a[NR]=\$1} END {printf \"daemons start to first answer through every helper: median %d ms (libvirt 9: 7.8 s with its QEMU probe, 87 ms without)\n\", a[int((NR+1)/2)]}"
'
