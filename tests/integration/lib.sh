# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the integration scripts: source "$(dirname "$0")/lib.sh".
#   ok WHAT / bad WHAT      count a passed / failed check and say it
#   expect WHAT WANT CMD... run CMD; ok when its output holds WANT
#   wait_for SECS CMD...    poll CMD every 50 ms until it succeeds
#   state_is NAME STATE     vmhost domstate NAME is STATE
#   guest_xml NAME MODE [EXTRA]  a tiny TCG guest (tests/guest) in MODE, with
#                           EXTRA put inside <domain> (on_* lines, devices)
#   finish                  print "N passed, N failed"; exit status from it
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; failn=$((failn + 1)); }
expect() {
  local what=$1 want=$2 out; shift 2
  out=$("$@" 2>&1)
  if [[ "$out" == *"$want"* ]]; then ok "$what"; else bad "$what: got '$out'"; fi
}
wait_for() {
  local t=$1; shift
  for _ in $(seq 1 $((t * 20))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done
  return 1
}
state_is() { [ "$(vmhost domstate "$1" 2>/dev/null)" = "$2" ]; }
guest_xml() {
  local g=${VMHOST_GUEST:?built guest folder}
  cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$g/vmlinux</kernel>
    <initrd>$g/initrd.img</initrd>
    <cmdline>$(cat "$g/cmdline") vmhost.mode=$2</cmdline>
  </os>
  <features><acpi/></features>
  ${3:-}
</domain>
XML
}
finish() {
  echo "$pass passed, $failn failed"
  [ "$failn" = 0 ]
}
