#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Foundation integration test, run inside scripts/stack (real daemons as real users):
# users and capabilities from /proc, CLI round trips through every helper, a helper
# killed and restarted, and hostile peers (oversized, truncated, random, malformed,
# unknown-type frames, strangers on a helper socket, write verbs on the read-only
# socket, non-members on the read-write socket, floods, unsolicited fds).
set -uo pipefail
rawclient=${RAWCLIENT:?}
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
run_expect() { # what, expected substring, command...
  local what=$1 want=$2 out; shift 2
  out=$("$@" 2>&1); local rc=$?
  if [[ "$out" == *"$want"* ]]; then ok "$what"; else bad "$what: got '$out' (rc $rc)"; fi
}

status_field() { awk -v k="$2:" '$1==k {print $2}' "/proc/$1/status"; }
capmask() { # capability numbers -> hex mask as /proc shows it
  local m=0 c; for c in "$@"; do m=$((m | (1 << c))); done; printf '%016x' "$m"
}
# CAP_NET_BIND_SERVICE 10, NET_ADMIN 12, NET_RAW 13; SETGID 6, SETUID 7, KILL 5;
# CHOWN 0, DAC_READ_SEARCH 2, FOWNER 3.
declare -A want_user=([vmhostd]=vmhost [netd]=vmhost-net [secd]=vmhost-sec [stord]=vmhost-stor)
declare -A want_caps=([vmhostd]="$(capmask)" [netd]="$(capmask 10 12 13)"
                      [secd]="$(capmask 5 6 7)" [stord]="$(capmask 0 2 3)")
for d in vmhostd netd secd stord; do
  pid=$(pgrep -f "$VMHOST_STACK_BUILD/.*/$( [ $d = vmhostd ] && echo vmhostd || echo vmhost-$d) --root $VMHOST_STACK_ROOT" | head -1)
  uid=$(status_field "$pid" Uid)
  check "$d runs as ${want_user[$d]}" [ "$uid" = "$(id -u "${want_user[$d]}")" ]
  check "$d CapEff ${want_caps[$d]}" [ "$(status_field "$pid" CapEff)" = "${want_caps[$d]}" ]
  check "$d CapPrm ${want_caps[$d]}" [ "$(status_field "$pid" CapPrm)" = "${want_caps[$d]}" ]
  check "$d CapBnd empty" [ "$(status_field "$pid" CapBnd)" = 0000000000000000 ]
  check "$d NoNewPrivs" [ "$(status_field "$pid" NoNewPrivs)" = 1 ]
done

# What the daemons say of themselves matches /proc.
run_expect "sysinfo-daemons shows netd's caps" "cap_net_bind_service,cap_net_admin,cap_net_raw" vmhost sysinfo-daemons
run_expect "version reaches all helpers" "Helper vmhost-stord: " vmhost version
run_expect "version finds QEMU" "Running hypervisor: QEMU" vmhost version
run_expect "round trip through every helper" "ok" vmhost ping --helpers
run_expect "read-only version" "Running against daemon" vmhost -r version

# A helper killed with SIGKILL: calls fail cleanly, then work after restart.
kill -KILL "$(stack_pid stord)"
sleep 0.1
run_expect "helper down: clear error" "error: vmhost-stord is not running" vmhost ping --helpers
run_expect "helper down: version says so" "Helper vmhost-stord: down" vmhost version
run_expect "vmhostd alone still answers" "ok" vmhost ping
stack_start stord
for _ in $(seq 1 100); do vmhost ping --helpers >/dev/null 2>&1 && break; sleep 0.05; done
run_expect "helper restarted: works again" "ok" vmhost ping --helpers

# Hostile peers.
sock="$VMHOST_STACK_ROOT/run/vmhost/vmhost-sock"
for t in oversize truncated random garbage unknown fds flood; do
  run_expect "hostile: $t" "ok: " "$rawclient" "$t" "$sock"
done
run_expect "hostile: stranger on the netd socket" "refused" \
  "$rawclient" helper "$VMHOST_STACK_ROOT/run/vmhost/netd/netd.sock"
run_expect "read-only socket refuses a write verb" \
  "error: operation 'connect.helper-ping' is not allowed on a read-only connection" \
  vmhost -r ping --helpers
run_expect "non-member refused on the read-write socket" "Permission denied" \
  setpriv --reuid=65534 --regid=65534 --clear-groups vmhost ping
run_expect "non-member may use the read-only socket" "ok" \
  setpriv --reuid=65534 --regid=65534 --clear-groups vmhost -r ping
# A member of group vmhost that is not root.
getent passwd vmhost-test-member >/dev/null ||
  useradd --system --no-create-home --shell /usr/sbin/nologin -G vmhost vmhost-test-member
run_expect "group member allowed on the read-write socket" "ok" \
  setpriv --reuid=vmhost-test-member --regid=vmhost-test-member --init-groups vmhost ping --helpers
run_expect "daemon still serves after all that" "ok" vmhost ping --helpers

echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
