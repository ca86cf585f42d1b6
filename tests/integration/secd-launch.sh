#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs vmhost-secd (started as root, drops to vmhost-sec) in a scratch --root and
# the launch test client as uid vmhost; kills secd with SIGKILL while a guest runs
# and checks that the guest survives the restart. Needs root, the users of
# scripts/setup and QEMU.
set -uo pipefail
secd=${1:?vmhost-secd}; client=${2:?test_secd_launch}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
for u in vmhost vmhost-sec vmhost-qemu; do
  id "$u" >/dev/null 2>&1 || { echo "SKIP: user $u missing (scripts/setup)"; exit 77; }
done
[ -x /usr/bin/qemu-system-x86_64 ] || { echo "SKIP: no qemu-system-x86_64"; exit 77; }

root=$(mktemp -d /tmp/secd-test.XXXXXX)
chmod 755 "$root"
secd_pid=
cleanup() {
  [ -n "$secd_pid" ] && kill "$secd_pid" 2>/dev/null
  rm -rf "$root"
}
trap cleanup EXIT

# The cgroup folders scripts/setup makes (docs/vmhost-secd.md), when the
# controllers are mounted (cgroup v1).
for c in cpu memory devices pids; do
  [ -d /sys/fs/cgroup/$c ] && [ ! -d /sys/fs/cgroup/$c/vmhost ] &&
    mkdir /sys/fs/cgroup/$c/vmhost && chown vmhost-sec: /sys/fs/cgroup/$c/vmhost
done

# An allow-listed emulator that vmhost-qemu may not execute (exec failure path).
install -m 0700 -o root -g root /usr/bin/qemu-system-x86_64 "$root/qemu-noexec"
mkdir -p "$root/etc/vmhost"
cat >"$root/etc/vmhost/qemu.conf" <<CONF
user = "vmhost-qemu"
group = "kvm"
security_driver = "apparmor"
emulators = [ "/usr/bin/qemu-system-x86_64", "$root/qemu-noexec" ]
CONF
"$secd" --root "$root" --check-config || exit 1

start_secd() {
  "$secd" --root "$root" 2>>"$root/secd.log" &
  secd_pid=$!
  for _ in $(seq 1 100); do
    [ -S "$root/run/vmhost/secd/secd.sock" ] && [ "$(grep -c ' ready$' "$root/secd.log")" -gt "$1" ] && return 0
    sleep 0.05
  done
  echo "secd did not start:"; cat "$root/secd.log"; return 1
}
as_vmhost() { setpriv --reuid=vmhost --regid=vmhost --init-groups "$client" "$@"; }

pass=0; fail=0
count() { # add the "N passed, N failed" line of a phase
  local line; line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' <<<"$1" | tail -1)
  [ -n "$line" ] || { fail=$((fail+1)); return; }
  pass=$((pass + ${line%% passed*})); local f=${line#*, }; fail=$((fail + ${f%% failed}))
}

start_secd 0 || exit 1
out=$(as_vmhost main "$root" "$secd_pid" 2>&1); echo "$out"; count "$out"

# Restart: a guest launched by the old secd keeps running after kill -9.
out=$(as_vmhost before-restart "$root" "$secd_pid" 2>&1); echo "$out"; count "$out"
read -r _ gpid gstart < <(grep '^guest ' <<<"$out")
kill -KILL "$secd_pid"; wait "$secd_pid" 2>/dev/null; secd_pid=
echo "--- secd killed with SIGKILL" >>"$root/secd.log"
start_secd 1 || exit 1
if [ -n "${gpid:-}" ]; then
  out=$(as_vmhost after-restart "$root" "$secd_pid" "$gpid" "$gstart" 2>&1); echo "$out"; count "$out"
else
  fail=$((fail+1)); echo "FAIL: no guest for the restart test"
fi

# The daemon itself: still vmhost-sec with its three capabilities.
st() { awk -v k="$1:" '$1==k {print $2}' "/proc/$secd_pid/status"; }
if [ "$(st Uid)" = "$(id -u vmhost-sec)" ] && [ "$(st CapEff)" = 00000000000000e0 ] &&
   [ "$(st CapBnd)" = 0000000000000000 ] && [ "$(st NoNewPrivs)" = 1 ]; then
  pass=$((pass+1))
else
  fail=$((fail+1)); echo "FAIL: secd's identity: $(grep -E '^(Uid|Cap|NoNew)' /proc/$secd_pid/status)"
fi
kill "$secd_pid"; wait "$secd_pid" 2>/dev/null; secd_pid=
echo "--- secd log"; cat "$root/secd.log"
if grep -q "Sanitizer" "$root/secd.log"; then fail=$((fail+1)); echo "FAIL: sanitizer report"; fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
