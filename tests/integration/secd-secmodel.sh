#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The security model on this host (no AppArmor in the kernel), inside
# scripts/stack: secd says guests run with host protection only; `vmhost
# capabilities` shows <secmodel><model>none</model><doi>0</doi></secmodel>;
# a running guest's live XML carries <seclabel type='none' model='none'/>
# (not its inactive XML); <seclabel type='none'/> (opt-out) defines and runs;
# a definition asking for model apparmor is refused at start with a clear
# error and secd keeps serving; security_driver = "none" says so in the log.
set -uo pipefail
root=$VMHOST_STACK_ROOT
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
has() { grep -qF -- "$2" <<<"$1"; }
trap 'for g in sm1 sm2 sm3; do vmhost destroy $g >/dev/null 2>&1; done' EXIT

mkdom() { # name seclabel-xml
  cat >"$root/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><serial type='pty'/></devices>
  $2
</domain>
XML
  vmhost define "$root/$1.xml" >/dev/null
}

check "secd: host protection only (AppArmor absent)" \
  grep -q "guests run with host protection only (AppArmor" "$root/log/secd.log"
caps=$(vmhost capabilities 2>&1)
check "capabilities: secmodel none, doi 0" has "$caps" "<secmodel>
      <model>none</model>
      <doi>0</doi>
    </secmodel>"

mkdom sm1 ""
mkdom sm2 "<seclabel type='none'/>"
mkdom sm3 "<seclabel type='dynamic' model='apparmor' relabel='yes'/>"
check "start sm1" vmhost start sm1
live=$(vmhost dumpxml sm1)
check "live XML: <seclabel type='none' model='none'/>" has "$live" "<seclabel type='none' model='none'/>"
check "live XML: one seclabel only" [ "$(grep -c '<seclabel' <<<"$live")" = 1 ]
check "inactive XML: no seclabel" bash -c "! vmhost dumpxml sm1 --inactive | grep -q seclabel"
check "opt-out definition kept" has "$(vmhost dumpxml sm2)" "<seclabel type='none'/>"
check "start sm2 (opted out)" vmhost start sm2
check "sm2 live XML: type none" has "$(vmhost dumpxml sm2)" "<seclabel type='none' model='none'/>"
out=$(vmhost start sm3 2>&1); rc=$?
check "model apparmor refused without AppArmor (rc $rc: $out)" \
  [ $rc != 0 ] && has "$out" "security model 'apparmor' is not active on this host (guest 'sm3')"
check "sm3 not running" [ "$(vmhost domstate sm3)" = "shut off" ]
check "secd still serves" vmhost ping --helpers
for g in sm1 sm2; do check "destroy $g" vmhost destroy $g; done

# security_driver = "none": the log says why.
printf 'security_driver = "none"\n' >"$root/etc/vmhost/qemu.conf"
stack_restart secd
for _ in $(seq 1 100); do grep -q 'security_driver = "none"' "$root/log/secd.log" && break; sleep 0.05; done
check "secd: host protection only (security_driver = \"none\")" \
  grep -q 'guests run with host protection only (security_driver = "none")' "$root/log/secd.log"
for _ in $(seq 1 100); do vmhost ping --helpers >/dev/null 2>&1 && break; sleep 0.05; done
out=$(vmhost start sm1 2>&1); rc=$?
check "start sm1 with security_driver none (rc $rc: $out)" [ $rc = 0 ]
check "destroy sm1" vmhost destroy sm1
for g in sm1 sm2 sm3; do vmhost undefine $g >/dev/null 2>&1; done
echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
