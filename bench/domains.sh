#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Domain benchmark, vmhost and libvirt 9 (Debian's) in the same run:
# define 1000 (one client, durably written), list --all with 1000 (whole process),
# dumpxml (whole process), undefine 1000, daemons' memory with 0 and 1000 domains,
# start to the guest's console marker against bare QEMU on the same guest, and a
# guest's poweroff to "shut off" seen. Prints each figure and the ratio.
#   bench/domains.sh [BUILD_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
guest=$top/tests/guest/cache
"$top/tests/guest/build-guest.sh" >/dev/null
out=$(mktemp -d /tmp/bench-domains.XXXXXX)
trap 'rm -rf "$out"' EXIT
chmod 755 "$out"

median_ms() { # runs, command...: median wall time of a whole process
  python3 - "$@" <<'PY'
import subprocess, sys, time, statistics
n = int(sys.argv[1]); ts = []
for _ in range(n):
    t = time.perf_counter()
    subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, check=True)
    ts.append(time.perf_counter() - t)
print("%.2f" % (statistics.median(ts) * 1e3))
PY
}
export -f median_ms

guest_xml() { # name mode serial-element
  cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>$guest/vmlinux</kernel>
    <initrd>$guest/initrd.img</initrd><cmdline>$(cat "$guest/cmdline") vmhost.mode=$2</cmdline></os>
  <features><acpi/></features>
  <devices>$3</devices>
</domain>
XML
}

echo "== vmhost"
guest_xml tiny poweroff "<serial type='pty'/>" >"$out/vmhost-tiny.xml"
"$top/scripts/stack" --build "$build" -- bash -c '
set -euo pipefail
rss() { local s=0; for d in vmhostd netd secd stord; do
  s=$((s + $(awk "/VmRSS/{print \$2}" /proc/$(stack_pid $d)/status))); done; echo $s; }
pss() { local s=0; for d in vmhostd netd secd stord; do
  s=$((s + $(awk "/^Pss:/{print \$2}" /proc/$(stack_pid $d)/smaps_rollup))); done; echo $s; }
echo "rss_idle_kib $(rss)"; echo "pss_idle_kib $(pss)"
'"$build"'/bench/bench_domains 1000 define | sed "s/^define 1000: \(.*\) ms/define_ms \1/"
echo "rss_1000_kib $(rss)"; echo "pss_1000_kib $(pss)"
echo "list_ms $(median_ms 20 vmhost list --all)"
echo "list_name_ms $(median_ms 20 vmhost list --all --name)"
echo "dumpxml_ms $(median_ms 20 vmhost dumpxml bench-00500)"
'"$build"'/bench/bench_domains 1000 undefine | sed "s/^undefine 1000: \(.*\) ms/undefine_ms \1/"
# the same 1000 definitions, 32 in flight on one connection (group commit)
'"$build"'/bench/bench_pipe 1000 32 bench | sed -n "s/^define 1000 pipelined.*: \([0-9.]*\) ms.*/define_pipe_ms \1/p"
'"$build"'/bench/bench_domains 1000 undefine >/dev/null
vmhost define '"$out"'/vmhost-tiny.xml >/dev/null
log=$VMHOST_STACK_ROOT/var/log/vmhost/qemu/tiny.log
for i in 1 2 3 4 5; do
  n=$(grep -c VMHOST-GUEST-READY "$log" 2>/dev/null) || n=0
  t0=$(date +%s%N)
  vmhost start tiny >/dev/null
  until [ "$(grep -c VMHOST-GUEST-READY "$log" 2>/dev/null)" -gt "$n" ] 2>/dev/null; do sleep 0.005; done
  echo "start_marker_ms $(( ($(date +%s%N) - t0) / 1000000 ))"
  until [ "$(vmhost domstate tiny)" = "shut off" ]; do sleep 0.02; done
done
grep -h "poweroff seen" "$VMHOST_STACK_ROOT/log/vmhostd.log" | sed "s/.*after \([0-9.]*\) ms/poweroff_seen_ms \1/"
' | tee "$out/vmhost.txt"

echo "== bare QEMU, same guest"
for i in 1 2 3 4 5; do
  "$top/tests/guest/boot-bare.sh" --kernel vmlinux --mode poweroff 2>/dev/null |
    sed -n 's/.*marker after \([0-9]*\) ms.*/bare_marker_ms \1/p'
done | tee "$out/bare.txt"

# libvirt 9: measured live when VMHOST_BENCH_LIBVIRT=1 (on these machines its daemon
# has been seen to stall mid-run), else the figures of ../shared/BENCHMARKS.md,
# measured on machines of this kind with the same method.
if [ "${VMHOST_BENCH_LIBVIRT:-0}" = 1 ]; then
  echo "== libvirt 9, live (private namespaces)"
  guest_xml tiny poweroff "<serial type='file'><source path='/var/log/libvirt/qemu/tiny-serial.log'/></serial>" >"$out/libvirt-tiny.xml"
  timeout 900 "$top/bench/libvirt-env.sh" /usr/bin/python3 "$top/bench/libvirt_domains.py" "$out/libvirt-tiny.xml" | tee "$out/libvirt.txt"
else
  echo "== libvirt 9: reference figures from BENCHMARKS.md (VMHOST_BENCH_LIBVIRT=1 measures live)"
  printf '%s\n' "define_ms 1520" "list_ms 109" "list_name_ms 26.5" "dumpxml_ms 13.7" \
    "undefine_ms 1130" "rss_idle_kib 25395" "rss_1000_kib 33690" | tee "$out/libvirt.txt"
fi

python3 - "$out" <<'PY'
import sys, statistics, re
d = sys.argv[1]
def load(f):
    v = {}
    for line in open(f"{d}/{f}"):
        m = re.match(r"(\w+) ([0-9.]+)$", line.strip())
        if m: v.setdefault(m[1], []).append(float(m[2]))
    return {k: statistics.median(x) for k, x in v.items()}
vm, lv, bare = load("vmhost.txt"), load("libvirt.txt"), load("bare.txt")
print("\n== results (medians; ratio = libvirt / vmhost)")
for key, label in [("define_ms", "define 1000 (fsync'd), one client, ms"),
                   ("list_ms", "list --all with 1000, whole process, ms"),
                   ("list_name_ms", "list --all --name with 1000, whole process, ms"),
                   ("dumpxml_ms", "dumpxml, whole process, ms"),
                   ("undefine_ms", "undefine 1000, ms")]:
    a, b = vm.get(key), lv.get(key)
    if a and b: print(f"{label:50s} vmhost {a:9.1f}  libvirt {b:9.1f}  ratio {b/a:6.1f}x")
    if key == "define_ms" and vm.get("define_pipe_ms") and b:
        a = vm["define_pipe_ms"]
        print(f"{'  the same, 32 in flight (group commit), ms':50s} vmhost {a:9.1f}  libvirt {b:9.1f}  ratio {b/a:6.1f}x")
for key, label in [("rss_idle_kib", "RSS idle (vmhost: all four daemons), KiB"),
                   ("rss_1000_kib", "RSS with 1000 domains, KiB")]:
    a, b = vm.get(key), lv.get(key)
    if a and b: print(f"{label:50s} vmhost {a:9.0f}  libvirt {b:9.0f}  ratio {b/a:6.2f}x")
for key in ("pss_idle_kib", "pss_1000_kib"):
    if key in vm: print(f"{'vmhost PSS (shared pages split) ' + key:50s} {vm[key]:9.0f}")
bm, vs, ls = bare.get("bare_marker_ms"), vm.get("start_marker_ms"), lv.get("start_marker_ms")
if bm and vs: print(f"{'start to console marker, ms':50s} vmhost {vs:9.0f}  bare QEMU {bm:6.0f}  added {vs-bm:+.0f} ms")
if bm and ls: print(f"{'':50s} libvirt {ls:8.0f}  added {ls-bm:+.0f} ms")
if "poweroff_seen_ms" in vm: print(f"{'guest poweroff (QEMU SHUTDOWN event) to shut off, ms':50s} vmhost {vm['poweroff_seen_ms']:9.1f}")
if "poweroff_marker_to_shutoff_ms" in lv: print(f"{'libvirt: marker (poweroff follows) to shut off, ms':50s} libvirt {lv['poweroff_marker_to_shutoff_ms']:9.0f}")
PY
