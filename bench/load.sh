#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Load benchmark (issue 9), vmhost and libvirt 9 in the same run: 100 clients
# (and 10) for T seconds, 80% reads (dominfo, domstate, dumpxml of a random
# domain, in thirds) / 20% writes (redefinition with a new description,
# durable before its reply), against 1,000 and 10,000 defined domains; list-all
# per call in process at 1k and 10k; restart of vmhostd with 10,000 (exec to
# the socket answering a list of all 10,000). bench_load.c checks lost updates.
# Runs of 100 clients are repeated R times: medians. Prints ratios to libvirt.
#   bench/load.sh [BUILD_DIR]    env: LOAD_SECONDS (10), LOAD_RUNS (3),
#   VMHOST_BENCH_LIBVIRT=1 to measure libvirt live (else BENCHMARKS.md figures)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
secs=${LOAD_SECONDS:-10}
runs=${LOAD_RUNS:-3}
out=$(mktemp -d /tmp/bench-load.XXXXXX)
trap 'rm -rf "$out"' EXIT
export LOAD_SECS=$secs LOAD_RUNS=$runs LOAD_OUT=$out

echo "== vmhost (machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
"$top/scripts/stack" --build "$build" -- bash -c '
set -euo pipefail
g='"$build"'/bench/bench_load
q=$VMHOST_STACK_ROOT/etc/vmhost/qemu
pid=$(stack_pid vmhostd)
run() { # tag args...: one run, its lines prefixed with the tag
  local tag=$1; shift
  "$g" -d "$D" --pid "$pid" --dir "$q" -t "$LOAD_SECS" "$@" >"$LOAD_OUT/run" || true
  sed "s/^/$tag /" "$LOAD_OUT/run"
}
for D in 1000 10000; do
  "$g" -d "$D" --define --list 100 --no-run --pid "$pid" | sed "s/^/d$D /"
  run "d$D c10" -c 10
  run "d$D c100 w0" -c 100 -w 0
  for i in $(seq 1 "$LOAD_RUNS"); do run "d$D c100" -c 100; done
done
for i in 1 2 3; do
  kill -TERM "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
  "$g" --restart 10000 -- bash -c "stack_start vmhostd" | sed "s/^/d10000 /"
  pid=$(stack_pid vmhostd)
  echo "d10000 restart_cpu_ms $(awk "{print (\$14+\$15)*10}" /proc/$pid/stat)"
  grep "domains defined" "$VMHOST_STACK_ROOT/log/vmhostd.log" | tail -1 | sed "s/^/d10000 log /"
  # the floor on this machine: only reading the same files, one process
  t0=$(date +%s%N); cat "$q"/*.xml >/dev/null
  echo "d10000 cat_files_ms $(( ($(date +%s%N) - t0) / 1000000 ))"
done
"$g" -d 10000 --list 100 --no-run --pid "$pid" | sed "s/^/d10000 /"
# floor of the disk for one durable write here: write, fsync, rename, folder fsync
/usr/bin/python3 - "$VMHOST_STACK_ROOT" <<"PY"
import os, statistics, sys, time
d, ts = sys.argv[1], []
for i in range(20):
    t = time.perf_counter()
    fd = os.open(f"{d}/floor.tmp.{i}", os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.write(fd, b"x" * 700); os.fsync(fd); os.close(fd)
    os.rename(f"{d}/floor.tmp.{i}", f"{d}/floor.xml")
    dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY); os.fsync(dfd); os.close(dfd)
    ts.append(time.perf_counter() - t)
print("d1000 durable_write_floor_ms %.2f" % (statistics.median(ts) * 1e3))
PY
' | tee "$out/vmhost.txt"

if [ "${VMHOST_BENCH_LIBVIRT:-0}" = 1 ]; then
  echo "== libvirt 9, live (private namespaces; 1,000 domains)"
  # libvirtd here has been seen to stall mid-run: bounded, and the reference
  # figures are used for what it did not print
  timeout 900 "$top/bench/libvirt-env.sh" bash -c '
    /usr/bin/python3 '"$top"'/bench/libvirt_load.py 1000 10 '"$secs"' define | sed "s/^/d1000 c10 /"
    /usr/bin/python3 '"$top"'/bench/libvirt_load.py 1000 100 '"$secs"' | sed "s/^/d1000 c100 /"
  ' | tee "$out/libvirt.txt" || echo "libvirt run incomplete (timeout or stall)"
fi
# reference figures of ../shared/BENCHMARKS.md (libvirt 9, these machines)
cat >"$out/libvirt-ref.txt" <<'REF'
d1000 c100 ops_per_s 3865
d1000 c100 read_p99_ms 34
d1000 c100 write_p99_ms 56
d1000 c10 ops_per_s 4246
d1000 c10 read_p99_ms 3.8
d1000 rss_kib 33690
d10000 rss_kib 105472
d10000 list_all_ms 36
d10000 restart_ms 2100
REF

/usr/bin/python3 - "$out" <<'PY'
import re, statistics, sys
d = sys.argv[1]
def load(f):
    v = {}
    try:
        lines = open(f"{d}/{f}").read().splitlines()
    except FileNotFoundError:
        return v
    for line in lines:
        m = re.match(r"((?:d\d+ )?(?:c\d+ )?(?:w\d+ )?)(\w+) (-?[0-9.]+)$", line.strip())
        if m:
            v.setdefault(m[1] + m[2], []).append(float(m[3]))
    return {k: statistics.median(x) for k, x in v.items()}
vm, ref, live = load("vmhost.txt"), load("libvirt-ref.txt"), load("libvirt.txt")
print("\n== results (medians; ratios: how many times better vmhost is)")
print(f"{'':58s} {'vmhost':>10s}  {'libvirt live':>12s} {'ratio':>6s}  {'reference':>10s} {'ratio':>6s}")
def row(label, key, lkey=None, better="lower"):
    a = vm.get(key)
    if a is None:
        return
    s = f"{label:58s} {a:10.2f}"
    for src in (live, ref):
        b = src.get(lkey or key)
        if b and a:
            r = (b / a) if better == "lower" else (a / b)
            s += f"  {b:12.2f} {r:5.1f}x" if src is live else f"  {b:10.2f} {r:5.1f}x"
        else:
            s += f"  {'':12s} {'':6s}" if src is live else ""
    print(s)
row("100 clients, 1k domains: ops/s", "d1000 c100 ops_per_s", better="higher")
row("  read p50 ms", "d1000 c100 read_p50_ms")
row("  read p99 ms", "d1000 c100 read_p99_ms")
row("  write p50 ms", "d1000 c100 write_p50_ms")
row("  write p99 ms", "d1000 c100 write_p99_ms")
row("  one durable write alone (new file, fsync, rename, folder fsync), ms", "d1000 durable_write_floor_ms")
row("100 clients, 1k domains, reads only: ops/s", "d1000 c100 w0 ops_per_s")
row("  read p50 / p99 ms", "d1000 c100 w0 read_p50_ms")
row("", "d1000 c100 w0 read_p99_ms")
row("10 clients, 1k domains: ops/s", "d1000 c10 ops_per_s", better="higher")
row("  read p99 ms", "d1000 c10 read_p99_ms")
row("100 clients, 10k domains: ops/s", "d10000 c100 ops_per_s", better="higher")
row("  read p99 ms", "d10000 c100 read_p99_ms")
row("  write p99 ms", "d10000 c100 write_p99_ms")
row("list all in process, 1k domains, ms", "d1000 list_all_ms")
row("list all in process, 10k domains, ms", "d10000 list_all_ms")
row("list all per domain, 1k, us", "d1000 list_all_us_per_domain")
row("list all per domain, 10k, us", "d10000 list_all_us_per_domain")
row("list all: vmhostd CPU per call, 1k, ms", "d1000 list_all_cpu_ms")
row("list all: vmhostd CPU per call, 10k, ms", "d10000 list_all_cpu_ms")
row("restart with 10k (exec to a list of all), ms", "d10000 restart_ms")
row("  vmhostd CPU until then, ms", "d10000 restart_cpu_ms")
row("  floor: cat of the 10k files, ms", "d10000 cat_files_ms")
row("vmhostd RSS after the 1k runs, KiB", "d1000 c100 rss_after_kib", "d1000 rss_kib")
row("vmhostd RSS after the 10k runs, KiB", "d10000 c100 rss_after_kib", "d10000 rss_kib")
for k in ("errors", "lost_updates", "generator_cpu_pct", "vmhostd_cpu_pct"):
    print(f"{'100 clients, 1k / 10k: ' + k:58s} {vm.get('d1000 c100 ' + k)} / {vm.get('d10000 c100 ' + k)}")
PY
