#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Power loss (issue 9), inside scripts/stack: definitions and state are written
# atomically. vmhostd is SIGKILLed at random moments (seeded; VMHOST_POWERLOSS_SEED
# replays) during bursts of define/redefine (one at a time and 32 in flight through
# group commit), undefine, autostart on/off, net-define/redefine and net-autostart;
# at each kill the files on disk are checked as they are (the power-loss moment):
# every definition parses, is complete, names its file, and holds a version that was
# sent and is no older than the last one acknowledged; no autostart link dangles.
# After the restart the list matches the files exactly, the acknowledged versions are
# served, and no temp file is left. The same for vmhost-netd killed during
# net-start/net-destroy bursts: its dnsmasq configuration files and vmhostd's network
# status files are whole. Full disks (a small tmpfs): over the network definitions
# folder (net-define, a redefinition, net-autostart) and over the guests' run folder
# /run/vmhost/qemu (a guest start): one clear error line each, the daemon alive,
# the old file unchanged, nothing listed, started or left half-made.
# Hostile conditions: SIGKILL between the temp file and the rename, in the middle
# of a group-commit batch, between undefine's link and file removals; ENOSPC on
# network and domain definitions (with the domain folder's journal preallocated
# on the full disk) and on the run state.
set -uo pipefail
guest=${VMHOST_GUEST:?built guest folder}
root=$VMHOST_STACK_ROOT
b=$VMHOST_STACK_BUILD
seed=${VMHOST_POWERLOSS_SEED:-$(( $(od -An -N2 -tu2 /dev/urandom) ))}
rounds=${VMHOST_POWERLOSS_ROUNDS:-30}
qdir=$root/etc/vmhost/qemu
ndir=$root/etc/vmhost/networks
work=$root/powerloss
mkdir -p "$work"
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
wait_for() { local t=$1; shift
  for _ in $(seq 1 $((t * 20))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }
mounts=()
cleanup() { for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done; }
trap cleanup EXIT
echo "powerloss: seed $seed (replay with VMHOST_POWERLOSS_SEED=$seed), $rounds rounds"
RANDOM=$seed

domxml() { # name version (type kvm: an autostart at vmhostd's start is refused at once, no emulator)
  local u
  u=$(printf %s "$1" | md5sum | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/\1-\2-\3-\4-\5/')
  printf "<domain type='kvm'><name>%s</name><uuid>$u</uuid><description>version %d</description><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>\n" "$1" "$2"
}
netxml() { # name version index
  printf "<network><name>%s</name><uuid>00000000-0000-4000-8000-%012d</uuid><bridge name='vhpl%d'/><mtu size='%d'/><ip address='10.%d.0.1' prefix='24'/></network>\n" \
    "$1" "$3" "$3" $((1280 + $2)) $((90 + $3))
}

# Writers: each owns its names, so versions grow per name; "name version" goes to
# .sent before the request and to .acked after a success.
writer_dom() { # id base: redefine p-ID-0..7, versions from base up
  local id=$1 v=$2 n
  while [ ! -e "$work/stop" ]; do
    v=$((v + 1)); n=p-$id-$((v % 8))
    domxml "$n" "$v" >"$work/w$id.xml"
    echo "$n $v" >>"$work/dom.sent"
    vmhost define "$work/w$id.xml" >/dev/null 2>&1 && echo "$n $v" >>"$work/dom.acked"
  done
}
writer_undef() { # u-0..3 defined and undefined in turn
  local v=0 n
  while [ ! -e "$work/stop" ]; do
    v=$((v + 1)); n=u-$((v % 4))
    domxml "$n" "$v" >"$work/wu.xml"
    vmhost define "$work/wu.xml" >/dev/null 2>&1
    vmhost autostart "$n" >/dev/null 2>&1
    vmhost undefine "$n" >/dev/null 2>&1
  done
}
writer_auto() { # autostart of p-a-0..3 on and off
  local k=0
  while [ ! -e "$work/stop" ]; do
    k=$((k + 1))
    if [ $((k % 2)) = 0 ]; then vmhost autostart "p-a-$((k % 4))" >/dev/null 2>&1
    else vmhost autostart --disable "p-a-$((k / 2 % 4))" >/dev/null 2>&1; fi
  done
}
writer_net() { # base: net-define pn-0..3 (versions base+1..base+199), net-autostart on and off
  local v=$1 i n
  while [ ! -e "$work/stop" ] && [ "$v" -lt $(($1 + 199)) ]; do
    v=$((v + 1)); i=$((v % 4)); n=pn-$i
    netxml "$n" "$v" "$i" >"$work/wn.xml"
    echo "$n $v" >>"$work/net.sent"
    vmhost net-define "$work/wn.xml" >/dev/null 2>&1 && echo "$n $v" >>"$work/net.acked"
    if [ $((v % 3)) = 0 ]; then vmhost net-autostart "$n" >/dev/null 2>&1
    else vmhost net-autostart --disable "$n" >/dev/null 2>&1; fi
  done
}
writer_pipe() { # base: 64 defines of g-00000..63, 32 in flight (group commit)
  local v=$1
  while [ ! -e "$work/stop" ]; do
    v=$((v + 1))
    echo "$v" >>"$work/pipe.sent"
    "$b/bench/bench_pipe" 64 32 g "$v" >/dev/null 2>&1 && echo "$v" >>"$work/pipe.acked"
  done
}

# Every definition on disk: whole, named as its file, a version sent and no
# older than the last acknowledged; no dangling autostart link. Prints problems.
check_disk() {
  /usr/bin/python3 - "$qdir" "$ndir" "$work" <<'PY'
import os, re, sys, xml.etree.ElementTree as ET
qdir, ndir, work = sys.argv[1:4]
def table(path):
    t = {}
    if os.path.exists(path):
        for line in open(path):
            p = line.split()
            if len(p) == 2:
                t.setdefault(p[0], set()).add(int(p[1]))
    return t
sent = {"dom": table(work + "/dom.sent"), "net": table(work + "/net.sent")}
acked = {"dom": table(work + "/dom.acked"), "net": table(work + "/net.acked")}
pipe_sent = set(int(l) for l in open(work + "/pipe.sent")) if os.path.exists(work + "/pipe.sent") else set()
pipe_acked = [int(l) for l in open(work + "/pipe.acked")] if os.path.exists(work + "/pipe.acked") else []
bad = []
for kind, d, tag in (("dom", qdir, "domain"), ("net", ndir, "network")):
    for f in sorted(os.listdir(d)):
        p = os.path.join(d, f)
        if f == "autostart":
            for l in os.listdir(p):
                if not os.path.exists(os.path.join(p, l)):
                    bad.append("dangling autostart link %s/%s" % (d, l))
            continue
        if not f.endswith(".xml"):
            continue    # temp files are counted after the restart
        data = open(p, "rb").read()
        if not data:
            bad.append("empty " + p); continue
        try:
            r = ET.fromstring(data)
        except ET.ParseError as e:
            bad.append("torn %s: %s" % (p, e)); continue
        name = r.findtext("name")
        if r.tag != tag or name + ".xml" != f:
            bad.append("%s: root %s name %s" % (p, r.tag, name)); continue
        if kind == "dom":
            m = re.search(r"version (\d+)", r.findtext("description") or "")
            v = int(m.group(1)) if m else None
        else:
            mtu = r.find("mtu")
            v = int(mtu.get("size")) - 1280 if mtu is not None else None
        if name.startswith("g-"):
            if v not in pipe_sent:
                bad.append("%s: version %s never sent" % (p, v))
            elif pipe_acked and v < max(pipe_acked):
                bad.append("%s: version %d older than acknowledged %d" % (p, v, max(pipe_acked)))
            continue
        if name not in sent[kind]:
            continue
        if v not in sent[kind][name]:
            bad.append("%s: version %s never sent" % (p, v))
        elif name in acked[kind] and v < max(acked[kind][name]):
            bad.append("%s: version %d older than acknowledged %d" % (p, v, max(acked[kind][name])))
if pipe_acked:
    for i in range(64):
        if not os.path.exists("%s/g-%05d.xml" % (qdir, i)):
            bad.append("g-%05d.xml missing after an acknowledged batch" % i)
for p in bad:
    print(p)
PY
}
tmpfiles() { find "$qdir" "$ndir" -maxdepth 2 -name '*.tmp.*' | wc -l; }
list_matches_files() { # the daemon's lists against the folders
  diff <(vmhost list --all --name | sed '/^$/d' | sort) \
       <(cd "$qdir" && ls *.xml 2>/dev/null | sed 's/\.xml$//' | sort) >"$work/ldiff" &&
  diff <(vmhost net-list --all --name | sed '/^$/d' | sort) \
       <(cd "$ndir" && ls *.xml 2>/dev/null | sed 's/\.xml$//' | sort) >>"$work/ldiff"
}
acked_served() { # the daemon serves the last acknowledged version of each name or newer
  local n v got
  while read -r n v; do
    got=$(vmhost dumpxml --inactive "$n" 2>/dev/null | sed -n 's/.*version \([0-9]*\)<.*/\1/p')
    [ -n "$got" ] && [ "$got" -ge "$v" ] || { echo "$n: acknowledged version $v, served '$got'"; return 1; }
  done < <(awk '{m[$1]=$2} END {for (n in m) print n, m[n]}' "$work/dom.acked" 2>/dev/null)
  while read -r n v; do
    got=$(vmhost net-dumpxml --inactive "$n" 2>/dev/null | sed -n "s/.*mtu size='\([0-9]*\)'.*/\1/p")
    [ -n "$got" ] && [ "$got" -ge $((1280 + v)) ] || { echo "$n: acknowledged version $v, served mtu '$got'"; return 1; }
  done < <(awk '{m[$1]=$2} END {for (n in m) print n, m[n]}' "$work/net.acked" 2>/dev/null)
}
autostart_matches() { # dominfo against the links of p-a-*
  local i want
  for i in 0 1 2 3; do
    [ -e "$qdir/p-a-$i.xml" ] || continue
    want=disable; [ -L "$qdir/autostart/p-a-$i.xml" ] && want=enable
    vmhost dominfo "p-a-$i" | grep -q "Autostart: *$want" || { echo "p-a-$i: not $want"; return 1; }
  done
}

# ---- 1. vmhostd killed during write bursts.
torn=0; mismatch=0; lost=0; leftover=0; kills=0
for r in $(seq 1 "$rounds"); do
  rm -f "$work/stop"
  writer_dom a $((r * 100000)) & w1=$!
  writer_dom b $((r * 100000)) & w2=$!
  writer_undef & w3=$!
  writer_auto & w4=$!
  writer_net $((r * 200)) & w5=$!
  writer_pipe $((r * 1000)) & w6=$!
  sleep "$((RANDOM % 2)).$((RANDOM % 10))$((RANDOM % 10))"
  kill -KILL "$(stack_pid vmhostd)"; kills=$((kills + 1))
  touch "$work/stop"
  wait $w1 $w2 $w3 $w4 $w5 $w6
  # the power-loss moment: the files as the killed daemon left them
  probs=$(check_disk)
  [ -n "$probs" ] && { torn=$((torn + 1)); echo "round $r: $probs"; }
  stack_start vmhostd
  wait_for 20 vmhost ping || { bad "round $r: vmhostd did not come back"; break; }
  if ! list_matches_files; then mismatch=$((mismatch + 1)); echo "round $r: list vs files: $(cat "$work/ldiff")"; fi
  if ! out=$(acked_served && autostart_matches); then lost=$((lost + 1)); echo "round $r: $out"; fi
  t=$(tmpfiles); [ "$t" != 0 ] && { leftover=$((leftover + 1)); echo "round $r: $t temp files after the restart: $(find "$qdir" "$ndir" -maxdepth 2 -name '*.tmp.*' | head -3)"; }
done
nd=$(wc -l <"$work/dom.acked"); nn=$(wc -l <"$work/net.acked"); np=$(wc -l <"$work/pipe.acked" 2>/dev/null || echo 0)
echo "powerloss: $kills kills of vmhostd; acknowledged: $nd defines, $nn net-defines, $np pipelined batches of 64"
[ "$nd" -ge "$rounds" ] && [ "$nn" -ge $((rounds / 3)) ] && ok "bursts ran ($nd defines, $nn net-defines acknowledged)" || bad "bursts too small: $nd, $nn"
[ "$torn" = 0 ] && ok "at $kills kills every definition was whole, old or new, and no link dangled" || bad "$torn rounds with torn or wrong files"
[ "$mismatch" = 0 ] && ok "after every restart the lists match the files" || bad "$mismatch rounds where list and files differ"
[ "$lost" = 0 ] && ok "no acknowledged define, net-define or autostart lost" || bad "$lost rounds lost acknowledged writes"
[ "$leftover" = 0 ] && ok "no temp file left after a restart" || bad "$leftover rounds left temp files"

# ---- 2. netd killed during net-start/net-destroy bursts: its files whole.
for i in 0 1 2 3; do netxml "pn-$i" 9000 "$i" >"$work/n.xml"; vmhost net-define "$work/n.xml" >/dev/null; done
cat >"$work/dh.xml" <<'XML'
<network><name>dh</name><bridge name='vhdh0'/><ip address='10.99.0.1' prefix='24'>
<dhcp><range start='10.99.0.10' end='10.99.0.20'/><host mac='52:54:00:00:00:01' ip='10.99.0.5' name='h1'/></dhcp></ip>
<dns><host ip='10.99.0.6'><hostname>h2</hostname></host></dns></network>
XML
vmhost net-define "$work/dh.xml" >/dev/null || bad "net-define dh"
netbad=0
check_netfiles() {
  local f
  for f in "$root"/var/lib/vmhost/dnsmasq/*.conf "$root"/var/lib/vmhost/dnsmasq/*.hostsfile \
           "$root"/var/lib/vmhost/dnsmasq/*.addnhosts; do
    [ -e "$f" ] || continue
    # the hosts files may be empty; a non-empty file ends its last line
    if [ -s "$f" ] && [ "$(tail -c1 "$f" | od -An -c | tr -d ' ')" != '\n' ]; then echo "torn $f"; fi
    case "$f" in *.conf) grep -q '^interface=\|^bind-dynamic\|^listen-address=' "$f" || echo "incomplete $f" ;; esac
  done
  for f in "$root"/run/vmhost/netd/*.pid; do
    [ -e "$f" ] || continue
    grep -qx '[0-9][0-9]*' "$f" || echo "bad pid file $f: '$(cat "$f")'"
  done
  for f in "$root"/run/vmhost/network/*.xml; do
    [ -e "$f" ] || continue
    /usr/bin/python3 -c 'import sys,xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$f" 2>/dev/null || echo "torn status $f"
  done
}
# A kill between a temp file and its rename leaves the temp file: like the
# definitions' (check_disk), they are counted once the killed daemon is back.
net_temps() {
  find "$root/var/lib/vmhost/dnsmasq" "$root/run/vmhost" -name '*.tmp.*' -printf 'temp file %p\n' 2>/dev/null
}
for r in $(seq 1 10); do
  rm -f "$work/stop"
  ( k=0; while [ ! -e "$work/stop" ]; do k=$((k + 1))
      vmhost net-start dh >/dev/null 2>&1; vmhost net-start "pn-$((k % 4))" >/dev/null 2>&1
      vmhost net-destroy dh >/dev/null 2>&1; vmhost net-destroy "pn-$(((k + 2) % 4))" >/dev/null 2>&1
    done ) & w=$!
  sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
  kill -KILL "$(stack_pid netd)"
  touch "$work/stop"; wait $w
  probs=$(check_netfiles)
  [ -n "$probs" ] && { netbad=$((netbad + 1)); echo "netd round $r: $probs"; }
  stack_start netd
  wait_for 20 vmhost ping --helpers || { bad "netd round $r: netd did not come back"; break; }
  probs=$(net_temps)
  [ -n "$probs" ] && { netbad=$((netbad + 1)); echo "netd round $r, after its restart: $probs"; }
done
[ "$netbad" = 0 ] && ok "netd killed 10 times: dnsmasq files, pid files and status files whole" || bad "$netbad netd rounds with bad files"
for n in dh pn-0 pn-1 pn-2 pn-3; do vmhost net-destroy "$n" >/dev/null 2>&1; done

# ---- 3. Full disks.
one_error() { # what, expected substring, command...: fails, one line
  local what=$1 want=$2 out rc; shift 2
  out=$("$@" 2>&1); rc=$?
  if [ $rc != 0 ] && [[ "$out" == error:*"$want"* ]] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ]; then
    ok "$what: $out"
  else
    bad "$what: rc $rc, '$out'"
  fi
}
fill() { dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null || true; }

# 3a. The network definitions folder full.
netxml pn-0 7777 0 >"$work/n0.xml"; vmhost net-define "$work/n0.xml" >/dev/null
cp -a "$ndir" "$work/ndir-before"
mount -t tmpfs -o size=64k,mode=0700 vmhost-full-net "$ndir"; mounts+=("$ndir")
cp -a "$work/ndir-before/." "$ndir/"
chown -R vmhost: "$ndir"
fill "$ndir"
netxml full-net 1 20 >"$work/full.xml"
one_error "net-define on a full disk" "No space left on device" vmhost net-define "$work/full.xml"
netxml pn-0 7778 0 >"$work/n0b.xml"
one_error "net redefinition on a full disk" "No space left on device" vmhost net-define "$work/n0b.xml"
cmp -s "$ndir/pn-0.xml" "$work/ndir-before/pn-0.xml" && ok "the old definition is unchanged" || bad "pn-0.xml changed"
vmhost net-dumpxml --inactive pn-0 | grep -q "mtu size='$((1280 + 7777))'" && ok "the daemon keeps the old definition" ||
  bad "the daemon took the failed redefinition"
vmhost net-list --all --name | grep -qx full-net && bad "a failed net-define is listed" || ok "the failed net-define is not listed"
[ -z "$(find "$ndir" -name '*.tmp.*')" ] && ok "no temp file on the full disk" || bad "temp files: $(find "$ndir" -name '*.tmp.*')"
out=$(vmhost net-autostart pn-0 2>&1); rc=$?
if [ $rc = 0 ]; then [ -L "$ndir/autostart/pn-0.xml" ] && ok "net-autostart on a full disk: done (a link needs no block)" || bad "net-autostart said yes, no link"
else [[ "$out" == error:* ]] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && ok "net-autostart on a full disk: $out" || bad "net-autostart: $out"; fi
vmhost net-autostart --disable pn-0 >/dev/null 2>&1
vmhost ping >/dev/null && ok "vmhostd alive after the full network folder" || bad "vmhostd died"
rm -f "$ndir/filler"
stack_restart vmhostd; wait_for 20 vmhost ping
list_matches_files && ok "after a restart on the full folder the list matches the files" || bad "list vs files: $(cat "$work/ldiff")"
umount "$ndir"; mounts=()
stack_restart vmhostd; wait_for 20 vmhost ping

# 3b. The guests' run folder full: a start fails cleanly, nothing runs.
rq=$root/run/vmhost/qemu
cat >"$work/rg.xml" <<XML
<domain type='qemu'><name>rg</name><memory unit='MiB'>160</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type><kernel>$guest/vmlinux</kernel>
<initrd>$guest/initrd.img</initrd><cmdline>$(cat "$guest/cmdline") vmhost.mode=wait</cmdline></os>
<devices><serial type='pty'/></devices></domain>
XML
vmhost define "$work/rg.xml" >/dev/null || bad "define rg"
own=$(stat -c '%u:%g' "$rq"); mode=$(stat -c '%a' "$rq")
mount -t tmpfs -o "size=64k,mode=$mode" vmhost-full-run "$rq"; mounts+=("$rq")
chown "$own" "$rq"
fill "$rq"
one_error "start with a full run folder" "No space left on device" timeout 120 vmhost start --paused rg
sleep 1
[ "$(vmhost domstate rg 2>&1)" = "shut off" ] && ok "the guest is shut off" || bad "rg: $(vmhost domstate rg 2>&1)"
left=$(pgrep -fc 'qemu-system.*guest=rg,' || true)
[ "$left" = 0 ] && ok "no emulator left running" || bad "$left emulators left"
[ -z "$(ls -A "$rq" | grep -v '^filler$')" ] && ok "no run state left" || bad "run state left: $(ls -A "$rq")"
vmhost ping --helpers >/dev/null && ok "every daemon alive after the full run folder" || bad "a daemon died"
stack_restart vmhostd; wait_for 20 vmhost ping
[ "$(vmhost domstate rg 2>&1)" = "shut off" ] && ok "after a vmhostd restart: still shut off" || bad "rg after restart: $(vmhost domstate rg 2>&1)"
rm -f "$rq/filler"
out=$(timeout 120 vmhost start --paused rg 2>&1) && ok "start with room again" || bad "start after the full disk: $out"
vmhost destroy rg >/dev/null 2>&1
umount "$rq"; mounts=()
[ -z "$(ls -A "$rq")" ] && ok "nothing left in the run folder" || bad "run folder: $(ls -A "$rq")"

# 3c. The domain definitions folder full, its journal in it (9 MiB: the two
# 4 MiB journal files fit, then the folder is filled): the journal is
# preallocated, the files are not, so a define still gets ENOSPC, at once.
domxml fd-0 1 >"$work/fd0.xml"; vmhost define "$work/fd0.xml" >/dev/null || bad "define fd-0"
stack_restart vmhostd; wait_for 20 vmhost ping
cp -a "$qdir" "$work/qdir-before"
mount -t tmpfs -o size=9m,mode=0700 vmhost-full-dom "$qdir"; mounts+=("$qdir")
cp -a "$work/qdir-before/." "$qdir/"
rm -f "$qdir"/.journal.*
chown -R vmhost: "$qdir"
stack_restart vmhostd; wait_for 20 vmhost ping
[ "$(stat -c %s "$qdir/.journal.0" 2>/dev/null)" = 4194304 ] && ok "the journal is made in the small folder" ||
  bad "no journal in the small folder: $(ls -la "$qdir" | head -5)"
fill "$qdir"
domxml fd-new 1 >"$work/fdn.xml"
one_error "define on a full disk (journal)" "No space left on device" vmhost define "$work/fdn.xml"
domxml fd-0 2 >"$work/fd0b.xml"
one_error "redefinition on a full disk (journal)" "No space left on device" vmhost define "$work/fd0b.xml"
cmp -s "$qdir/fd-0.xml" "$work/qdir-before/fd-0.xml" && ok "the old domain definition is unchanged" || bad "fd-0.xml changed"
vmhost dumpxml --inactive fd-0 | grep -q "version 1<" && ok "the daemon keeps the old domain definition" ||
  bad "the daemon took the failed redefinition"
vmhost list --all --name | grep -qx fd-new && bad "a failed define is listed" || ok "the failed define is not listed"
[ -z "$(find "$qdir" -name '*.tmp.*')" ] && ok "no temp file in the full domain folder" || bad "temp files: $(find "$qdir" -name '*.tmp.*')"
vmhost ping >/dev/null && ok "vmhostd alive after the full domain folder" || bad "vmhostd died"
rm -f "$qdir/filler"
vmhost define "$work/fd0b.xml" >/dev/null && ok "redefinition with room again" || bad "redefinition after the full disk"
stack_restart vmhostd; wait_for 20 vmhost ping
vmhost dumpxml --inactive fd-0 | grep -q "version 2<" && ok "after a restart: the redefinition is kept" || bad "fd-0 after restart"
list_matches_files && ok "after a restart on the small folder the list matches the files" || bad "list vs files: $(cat "$work/ldiff")"
cp -a "$qdir/." "$work/qdir-before/"
umount -l "$qdir"; mounts=()	# vmhostd holds the journal there until its restart
rm -f "$work/qdir-before"/.journal.*
cp -a "$work/qdir-before/." "$qdir/"
chown -R vmhost: "$qdir"
stack_restart vmhostd; wait_for 20 vmhost ping

echo "powerloss: seed $seed"
echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
