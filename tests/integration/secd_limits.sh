#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# <memtune> and <cputune> applied by secd in the guest's own cgroup (v1 memory
# and cpu controllers), through the real stack and a real tiny guest:
# memory.limit_in_bytes, memory.soft_limit_in_bytes, memory.memsw.limit_in_bytes,
# cpu.shares, cpu.cfs_period_us, cpu.cfs_quota_us hold the definition's values
# while it runs; a guest without them gets the defaults; the folders go with it.
# Hostile input: shares 1 and 300000, period 10, quota 0, a swap limit below the
# hard limit, a negative size, <vcpupin> — each refused at define with one line.
set -uo pipefail
root=$VMHOST_STACK_ROOT
. "$(dirname "$0")/lib.sh"
cg=/sys/fs/cgroup

tuned="<memtune><hard_limit unit='MiB'>320</hard_limit><soft_limit unit='MiB'>256</soft_limit>
  <swap_hard_limit unit='MiB'>400</swap_hard_limit></memtune>
  <cputune><shares>512</shares><period>100000</period><quota>50000</quota></cputune>
  <devices><serial type='pty'/></devices>"
guest_xml lim-tuned wait "$tuned" >"$root/tuned.xml"
guest_xml lim-plain wait "<devices><serial type='pty'/></devices>" >"$root/plain.xml"
expect "define a tuned guest" "defined" vmhost define "$root/tuned.xml"
expect "dumpxml keeps <memtune>" "<hard_limit unit='KiB'>327680</hard_limit>" vmhost dumpxml lim-tuned
expect "dumpxml keeps <cputune>" "<quota>50000</quota>" vmhost dumpxml lim-tuned
expect "define a plain guest" "defined" vmhost define "$root/plain.xml"

expect "start the tuned guest" "started" vmhost start lim-tuned
u=$(vmhost domuuid lim-tuned)
val() { cat "$cg/$1/vmhost/$u/$2" 2>&1; }
[ "$(val memory memory.limit_in_bytes)" = $((320 << 20)) ] && ok "hard_limit in memory.limit_in_bytes" || bad "memory.limit_in_bytes: $(val memory memory.limit_in_bytes)"
[ "$(val memory memory.soft_limit_in_bytes)" = $((256 << 20)) ] && ok "soft_limit" || bad "soft: $(val memory memory.soft_limit_in_bytes)"
[ "$(val memory memory.memsw.limit_in_bytes)" = $((400 << 20)) ] && ok "swap_hard_limit" || bad "memsw: $(val memory memory.memsw.limit_in_bytes)"
[ "$(val cpu cpu.shares)" = 512 ] && ok "cpu.shares" || bad "cpu.shares: $(val cpu cpu.shares)"
[ "$(val cpu cpu.cfs_period_us)" = 100000 ] && ok "cpu.cfs_period_us" || bad "period: $(val cpu cpu.cfs_period_us)"
[ "$(val cpu cpu.cfs_quota_us)" = 50000 ] && ok "cpu.cfs_quota_us" || bad "quota: $(val cpu cpu.cfs_quota_us)"
pid=$(head -1 "$cg/memory/vmhost/$u/cgroup.procs" 2>/dev/null)
grep -q "guest=lim-tuned" "/proc/$pid/cmdline" 2>/dev/null && ok "the emulator is in that cgroup" || bad "emulator not in the memory cgroup"

expect "start the plain guest" "started" vmhost start lim-plain
p=$(vmhost domuuid lim-plain)
[ "$(cat "$cg/cpu/vmhost/$p/cpu.shares")" = 1024 ] && ok "plain guest: default cpu.shares" || bad "plain shares: $(cat "$cg/cpu/vmhost/$p/cpu.shares")"
[ "$(cat "$cg/cpu/vmhost/$p/cpu.cfs_quota_us")" = -1 ] && ok "plain guest: no quota" || bad "plain quota"

vmhost destroy lim-tuned >/dev/null; vmhost destroy lim-plain >/dev/null
wait_for 10 test ! -d "$cg/memory/vmhost/$u" && ok "tuned guest's folders removed" || bad "folders left"

n=0
for bad_tune in "<cputune><shares>1</shares></cputune>" "<cputune><shares>300000</shares></cputune>" \
    "<cputune><period>10</period></cputune>" "<cputune><quota>0</quota></cputune>" \
    "<memtune><hard_limit>1000</hard_limit><swap_hard_limit>10</swap_hard_limit></memtune>" \
    "<memtune><hard_limit>-5</hard_limit></memtune>" \
    "<cputune><vcpupin vcpu='0' cpuset='1'/></cputune>"; do
  n=$((n + 1))
  guest_xml "lim-bad$n" wait "$bad_tune" >"$root/bad$n.xml"
  out=$(vmhost define "$root/bad$n.xml" 2>&1) && bad "accepted: $bad_tune"
  if [[ "$out" == error:* ]] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ]; then ok "refused: $out"; else bad "refusal of $bad_tune: $out"; fi
done
[ -z "$(vmhost list --all --name | grep lim-bad)" ] && ok "nothing defined from them" || bad "a bad definition was kept"
vmhost undefine lim-tuned >/dev/null; vmhost undefine lim-plain >/dev/null
finish
