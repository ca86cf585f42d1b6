#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Host and guest CPUs with the real stack, run inside scripts/stack: capabilities and
# domcapabilities parse as XML and name this host's features; a custom CPU requiring a
# feature this host lacks (chosen from /proc/cpuinfo at test time) is refused at start
# (and define --validate) with libvirt's exact wording and a hint; the same guest with
# host-model starts; cpu-compare identical/superset/incompatible; cpu-baseline.
set -uo pipefail
guest=${VMHOST_GUEST:?built guest folder}
data=${VMHOST_CPU_DATA:?tests/data/cpu folder}
root=$VMHOST_STACK_ROOT
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
expect() { # what, expected substring, command...
  local what=$1 want=$2 out; shift 2
  out=$("$@" 2>&1)
  if [[ "$out" == *"$want"* ]]; then ok "$what"; else bad "$what: got '$out'"; fi
}
wait_for() { # seconds, command...
  local t=$1; shift
  for _ in $(seq 1 $((t * 20))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done
  return 1
}
log_has() { grep -q "$2" "$root/var/log/vmhost/qemu/$1.log" 2>/dev/null; }
state_is() { [ "$(vmhost domstate "$1" 2>/dev/null)" = "$2" ]; }
xpath() { xmllint --xpath "$2" "$1" 2>/dev/null; }
names() { sed 's/ name="/\n&/g' | sed -n 's/^ name="\([^"]*\)".*/\1/p'; } # attribute values, one a line

mkdom() { # name, <cpu> element
  cat >"$root/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$guest/vmlinux</kernel>
    <initrd>$guest/initrd.img</initrd>
    <cmdline>$(cat "$guest/cmdline") vmhost.mode=poweroff</cmdline>
  </os>
  $2
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>
XML
}

# capabilities: XML, this host's CPU, guests.
vmhost capabilities >"$root/caps.xml" 2>&1
xmllint --noout "$root/caps.xml" && ok "capabilities parse as XML" || bad "capabilities: $(head -3 "$root/caps.xml")"
flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
hostmodel=$(xpath "$root/caps.xml" 'string(/capabilities/host/cpu/model)')
[ -n "$hostmodel" ] && ok "host CPU model: $hostmodel" || bad "no host CPU model"
# features named in capabilities (beyond the model) that the kernel also prints
named=0; wrong=""
for f in $(xpath "$root/caps.xml" '/capabilities/host/cpu/feature/@name' | names); do
  lf=${f//./_}; lf=${lf//-/_}
  case "$f" in pclmuldq) lf=pclmulqdq ;; tsc-deadline) lf=tsc_deadline_timer ;; lahf_lm) lf=lahf_lm ;; esac
  if [[ "$flags" == *" $lf "* ]]; then named=$((named+1)); fi
done
[ "$named" -ge 2 ] && ok "capabilities name $named features the kernel also reports" || bad "capabilities name only $named kernel features"
vendor=$(xpath "$root/caps.xml" 'string(/capabilities/host/cpu/vendor)')
case "$(grep -m1 '^vendor_id' /proc/cpuinfo)" in
  *AuthenticAMD*) [ "$vendor" = AMD ] && ok "vendor AMD" || bad "vendor '$vendor' on an AMD host" ;;
  *GenuineIntel*) [ "$vendor" = Intel ] && ok "vendor Intel" || bad "vendor '$vendor' on an Intel host" ;;
  *) ok "vendor '$vendor' (host vendor not checked)" ;;
esac
expect "secmodel none" "<model>none</model>" cat "$root/caps.xml"
expect "guest emulator" "<emulator>/" cat "$root/caps.xml"
expect "guest domain type qemu" "<domain type='qemu'/>" cat "$root/caps.xml"
wait_for 10 bash -c "vmhost capabilities | grep -q '<machine'" && ok "machine types from QEMU" || bad "no <machine> in capabilities"
qm=$(qemu-system-x86_64 -machine help | awk '/\(default\)/{print $1}')
expect "QEMU's default machine listed" "<machine>$qm</machine>" vmhost capabilities
if [ -w /dev/kvm ] && [ "$(stat -c %a /dev/kvm | cut -c3)" -ge 6 ]; then :; else
  vmhost capabilities | grep -q "<domain type='kvm'/>" && bad "kvm offered without a usable /dev/kvm" || ok "no kvm domain type (emulator group cannot use /dev/kvm)"
fi

# domcapabilities
vmhost domcapabilities >"$root/domcaps.xml" 2>&1
xmllint --noout "$root/domcaps.xml" && ok "domcapabilities parse as XML" || bad "domcapabilities: $(head -3 "$root/domcaps.xml")"
expect "host-model mode" "<mode name='host-model' supported='yes'>" cat "$root/domcaps.xml"
expect "host model in domcapabilities" "<model fallback='forbid'>$hostmodel</model>" cat "$root/domcaps.xml"
nuse=$(grep -c "usable='yes'" "$root/domcaps.xml"); nno=$(grep -c "usable='no'" "$root/domcaps.xml")
[ "$nuse" -ge 1 ] && ok "custom models: $nuse usable, $nno not" || bad "no usable model"
grep -q "<model usable='yes' vendor='[^']*'>$hostmodel</model>" "$root/domcaps.xml" && ok "host model usable" || bad "host model $hostmodel not usable"
expect "domcapabilities --virttype qemu" "<domain>qemu</domain>" vmhost domcapabilities --virttype qemu
expect "domcapabilities --virttype bogus" "error:" vmhost domcapabilities --virttype bogus

# A feature this host lacks, chosen now from the kernel's flags.
F=""
for f in hle rtm avx512f avx512bw avx512vl avx512cd avx512dq vmx smx xop fma4 tbm sha_ni; do
  [[ "$flags" == *" $f "* ]] && continue
  mf=${f/sha_ni/sha-ni}
  grep -q "feature name='$mf'" "$root/caps.xml" && continue
  F=$mf; break
done
if [ -z "$F" ]; then bad "no candidate feature absent on this host"; F=hle; fi
ok "feature absent on this host: $F"
want="guest and host CPU are not compatible: Host CPU does not provide required features: $F"

mkdom cpubad "<cpu mode='custom' match='exact'><model fallback='forbid'>$hostmodel</model><feature policy='require' name='$F'/></cpu>"
expect "define --validate refuses it" "error: $want" vmhost define --validate "$root/cpubad.xml"
expect "define without --validate" "Domain 'cpubad' defined" vmhost define "$root/cpubad.xml"
out=$(timeout 60 vmhost start cpubad 2>&1)
first=${out%%;*}
[ "$first" = "error: $want" ] && ok "start refused: $out" || bad "start: got '$out', want 'error: $want; hint...'"
[[ "$out" == *"hint:"*"host-model"* ]] && ok "hint names host-model" || bad "no hint: $out"
expect "refused guest stays shut off" "shut off" vmhost domstate cpubad

# A model the host cannot run (from domcapabilities): every blocker listed.
M=$(grep -o "usable='no' vendor='$vendor'>[^<]*<" "$root/domcaps.xml" | tail -1 | sed "s/.*>\(.*\)</\1/")
if [ -n "$M" ]; then
  blockers=$(xpath "$root/domcaps.xml" "/domainCapabilities/cpu/mode[@name='custom']/blockers[@model='$M']/feature/@name" |
    names | paste -sd, | sed 's/,/, /g')
  mkdom cpumodel "<cpu mode='custom' match='exact'><model fallback='forbid'>$M</model></cpu>"
  vmhost define "$root/cpumodel.xml" >/dev/null
  out=$(timeout 60 vmhost start cpumodel 2>&1)
  [ "${out%%;*}" = "error: guest and host CPU are not compatible: Host CPU does not provide required features: $blockers" ] &&
    ok "model $M refused, missing $blockers" || bad "model $M: got '$out', blockers '$blockers'"
  vmhost undefine cpumodel >/dev/null
else
  ok "every $vendor model is usable here (no model case)"
fi

# The same guest with host-model starts and runs to its poweroff.
mkdom cpuhm "<cpu mode='host-model'><feature policy='require' name='$F'/></cpu>"
sed -i "s|<cpu mode='host-model'>.*</cpu>|<cpu mode='host-model'/>|" "$root/cpuhm.xml"
expect "define host-model guest" "defined" vmhost define --validate "$root/cpuhm.xml"
expect "host-model guest starts" "Domain 'cpuhm' started" timeout 60 vmhost start cpuhm
if wait_for 60 log_has cpuhm VMHOST-GUEST-READY; then ok "host-model guest booted"; else bad "host-model guest printed no marker"; fi
wait_for 30 state_is cpuhm "shut off" && ok "host-model guest powered off" || { bad "host-model guest still $(vmhost domstate cpuhm)"; vmhost destroy cpuhm >/dev/null 2>&1; }
mkdom cpuhp "<cpu mode='host-passthrough'/>"
vmhost define "$root/cpuhp.xml" >/dev/null
expect "host-passthrough guest starts" "Domain 'cpuhp' started" timeout 60 vmhost start cpuhp
vmhost destroy cpuhp >/dev/null 2>&1

# cpu-compare
xpath "$root/caps.xml" '/capabilities/host/cpu' >"$root/hostcpu.xml"
expect "cpu-compare identical" "CPU described in $root/hostcpu.xml is identical to the CPU provided by hypervisor on the host" vmhost cpu-compare "$root/hostcpu.xml"
expect "cpu-compare of the capabilities file" "is identical" vmhost cpu-compare "$root/caps.xml"
echo "<cpu match='minimum'><model>$hostmodel</model></cpu>" >"$root/sub.xml"
expect "cpu-compare superset" "The CPU provided by hypervisor on the host is a superset of CPU described in $root/sub.xml" vmhost cpu-compare "$root/sub.xml"
echo "<cpu match='minimum'><model>$hostmodel</model><feature policy='require' name='$F'/></cpu>" >"$root/inc.xml"
out=$(vmhost cpu-compare "$root/inc.xml" 2>&1); rc=$?
[[ "$out" == *"CPU described in $root/inc.xml is incompatible with the CPU provided by hypervisor on the host"* && "$out" == *"does not provide required features: $F"* && $rc = 1 ]] &&
  ok "cpu-compare incompatible (exit 1, names $F)" || bad "cpu-compare incompatible: rc $rc '$out'"
out=$(vmhost cpu-compare --error "$root/inc.xml" 2>&1); rc=$?
[[ "$out" == "error: "*"$want"* && $rc = 1 ]] && ok "cpu-compare --error" || bad "cpu-compare --error: rc $rc '$out'"
expect "cpu-compare of a domain" "is incompatible" vmhost cpu-compare "$root/cpubad.xml"
expect "cpu-compare unknown model" "error:" vmhost cpu-compare <(echo "<cpu><model>NoSuchModel</model></cpu>")
expect "cpu-compare missing file" "error:" vmhost cpu-compare "$root/nosuch.xml"

# cpu-baseline: two recorded hosts (one with AVX-512 taken away), and this host.
host=$data/x86_64-cpuid-Cooperlake-host.xml
{ echo "<hosts>"; cat "$host"; grep -v "name='avx512" "$host"; echo "</hosts>"; } >"$root/two.xml"
vmhost cpu-baseline "$root/two.xml" >"$root/base.xml" 2>&1
xmllint --noout "$root/base.xml" && ok "cpu-baseline parses: $(xpath "$root/base.xml" 'string(//model)')" || bad "cpu-baseline: $(cat "$root/base.xml")"
grep -q "avx512f" "$root/base.xml" && bad "baseline keeps avx512f" || ok "baseline drops what one host lacks"
{ echo "<hosts>"; cat "$root/hostcpu.xml" "$root/hostcpu.xml"; echo "</hosts>"; } >"$root/self.xml"
vmhost cpu-baseline "$root/self.xml" >"$root/selfbase.xml" 2>&1
out=$(vmhost cpu-compare "$root/selfbase.xml" 2>&1)
[[ "$out" == *identical* || "$out" == *superset* ]] && ok "this host runs its own baseline" || bad "own baseline: $out / $(cat "$root/selfbase.xml")"

# Leftovers.
for d in cpubad cpuhm cpuhp; do vmhost undefine "$d" >/dev/null 2>&1; done
[ -z "$(pgrep -f "qemu-system-x86_64.*$root" || true)" ] && ok "no emulator left" || bad "an emulator is left"
vmhost ping >/dev/null && ok "daemon alive" || bad "daemon died"

echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
