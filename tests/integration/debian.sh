#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Debian package, end to end, on this machine:
#  1. dpkg-buildpackage -us -uc -b on a copy of the working tree (tracked and
#     untracked files, no build folders) in a scratch folder;
#  2. lintian on the .changes and the source package's .dsc: no error and
#     no warning (info and pedantic tags shown; overrides have reasons);
#  3. apt-get install of the three .debs: users and groups, files, conffiles,
#     tmpfiles applied, man pages render without warnings, the configs shipped
#     parse (also with their examples uncommented), libvmhost-dev compiles a
#     client, the bash completion works;
#  4. the four installed daemons started exactly as their installed units say
#     (ExecStart, User, Group, capabilities, UMask, the folders systemd would
#     make, vmhostd's ExecStartPre) with setpriv, inside a network namespace
#     made here, on the real paths (/run/vmhost, /etc/vmhost, /var/lib/vmhost);
#     the installed vmhost CLI against them: version, list, net-list (default
#     defined, inactive), net-start/destroy in the namespace, define, dumpxml,
#     a guest boot when the test guest is built;
#  5. an upgrade (the same .deb again: postinst configure OLD-VERSION) runs
#     vmhost-stord --migrate-disks: an undeclared qcow2 disk gets its format;
#  6. the real dnsmasq package installed (services kept from starting by
#     policy-rc.d): the trigger writes /etc/dnsmasq.d/vmhost; a reinstall
#     writes it again when it was deleted;
#  7. apt-get purge: nothing of the package is left (every file it shipped,
#     /etc/vmhost, /var/lib/vmhost, /var/log/vmhost, /run/vmhost, unit enable
#     links, /etc/dnsmasq.d/vmhost); the system users stay (Debian's rule).
#
#   tests/integration/debian.sh [BUILD_DIR]   (BUILD_DIR is not used: the
#   package is built from the source tree)
# Run as root, on a host where no vmhost package and no vmhost stack on the
# system paths is in use. Prints "N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # description command...
  local d=$1; shift
  if "$@"; then ok "$d"; else bad "$d"; fi
}
die() { echo "error: $*" >&2; exit 1; }
quiet() { "$@" >/dev/null 2>&1; }

[ "$(id -u)" = 0 ] || die "$0 must run as root (it installs packages)"
for t in dpkg-buildpackage dh lintian pandoc apt-get setpriv nsenter systemd-tmpfiles; do
  command -v $t >/dev/null || die "$t is missing (scripts/setup installs it)"
done
export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -y -q -o DPkg::Lock::Timeout=600)

# Nothing of an earlier run or of a running system stack may be in the way.
for p in vmhost libvmhost0 libvmhost-dev; do
  st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  case "$st" in
  "" | not-installed) ;;
  *) echo "note: $p is $st here (an earlier run?): purging it first"
     "${APT[@]}" purge "$p" >/dev/null 2>&1 || die "cannot purge $p" ;;
  esac
done
# A stack on the system paths (not under --root) would own these sockets.
for sock in /run/vmhost/vmhost-sock /run/vmhost/netd/netd.sock \
            /run/vmhost/secd/secd.sock /run/vmhost/stord/stord.sock; do
  [ -S "$sock" ] && die "$sock exists: a vmhost stack runs on the system paths"
done

version=$(sed -n '1s/^vmhost (\([^)]*\)).*/\1/p' "$top/debian/changelog")
arch=$(dpkg --print-architecture)
scratch=$(mktemp -d /tmp/vmhost-debian.XXXXXX)
chmod 755 "$scratch"
netns="vmhost-deb-$$"
declare -A PID=()
made_policy=""
dnsmasq_ours=""
stop_daemons() {
  local u
  for u in "${!PID[@]}"; do kill -TERM "${PID[$u]}" 2>/dev/null; done
  for u in "${!PID[@]}"; do
    for _ in $(seq 1 50); do kill -0 "${PID[$u]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${PID[$u]}" 2>/dev/null
    wait "${PID[$u]}" 2>/dev/null
    unset "PID[$u]"
  done
}
cleanup() {
  set +e
  stop_daemons
  for p in $(ip netns pids "$netns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  ip netns delete "$netns" 2>/dev/null
  if [ -n "${VMHOST_KEEP:-}" ]; then
    echo "kept $scratch and the installed packages"
  else
    for p in vmhost libvmhost-dev libvmhost0; do
      dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qv not-installed &&
        "${APT[@]}" purge "$p" >/dev/null 2>&1
    done
    [ -n "$dnsmasq_ours" ] && "${APT[@]}" purge dnsmasq >/dev/null 2>&1
    rm -rf "$scratch"
  fi
  [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
}
trap cleanup EXIT

# No package's service may start (the test starts vmhost's daemons itself,
# and dnsmasq must not serve the host): policy-rc.d, which invoke-rc.d and
# deb-systemd-invoke obey, also where systemd runs; a host's own is kept.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  made_policy=1
fi

echo "== build (dpkg-buildpackage -us -uc -b) in $scratch"
src="$scratch/vmhost-$version"
mkdir -p "$src"
# The working tree as it is (uncommitted work included), without build
# folders and the guest cache; files deleted but still tracked are skipped.
{ if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$top" && git ls-files -z -c -o --exclude-standard)
  else
    (cd "$top" && find . -mindepth 1 -path ./.git -prune -o ! -type d -printf '%P\0')
  fi; } |
  (cd "$top" && while IFS= read -r -d '' f; do
     case "$f" in build/* | build-*/* | out/* | tests/guest/cache/*) continue ;; esac
     [ -e "$f" ] && printf '%s\0' "$f"
   done) |
  (cd "$top" && tar --null -T - -cf -) | (cd "$src" && tar -xf -)
# The source package too (native: the tree as a tarball), for lintian's
# source checks; made before the build adds its outputs to the tree.
if (cd "$scratch" && dpkg-source -b "vmhost-$version") >"$scratch/source.log" 2>&1; then
  ok "dpkg-source -b"
else
  bad "dpkg-source -b: $(tail -n 5 "$scratch/source.log")"
fi
if (cd "$src" && dpkg-buildpackage -us -uc -b -j2) >"$scratch/build.log" 2>&1; then
  ok "dpkg-buildpackage"
else
  bad "dpkg-buildpackage failed:"
  tail -n 40 "$scratch/build.log"
  echo "$pass passed, $fail failed"
  exit 1
fi
changes="$scratch/vmhost_${version}_${arch}.changes"
debs=()
for p in vmhost libvmhost0 libvmhost-dev; do
  f="$scratch/${p}_${version}_${arch}.deb"
  check "built $p" [ -f "$f" ]
  debs+=("$f")
done
check "no build output in the source tree's debian/" \
  bash -c '[ ! -e "$1/debian/tmp" ] && [ ! -e "$1/debian/files" ] && [ ! -d "$1/debian/vmhost" ]' _ "$top"

echo "== lintian"
# -I --pedantic: every tag but experimental ones is shown; overrides (with
# their reasons) are in debian/*.lintian-overrides.
lintian -I --pedantic --fail-on error,warning "$changes" "$scratch/vmhost_$version.dsc" \
  >"$scratch/lintian.log" 2>&1
lrc=$?
grep -v '^N:' "$scratch/lintian.log" | grep . | sed 's/^/  /'
check "lintian: exit status 0 with --fail-on error,warning" [ "$lrc" = 0 ]
check "lintian: no E: or W: tag" bash -c '! grep -Eq "^(E|W):" "$1"' _ "$scratch/lintian.log"

echo "== install"
if "${APT[@]}" --no-install-recommends install "${debs[@]}" >"$scratch/install.log" 2>&1; then
  ok "apt-get install of the three packages"
else
  bad "apt-get install: $(tail -n 20 "$scratch/install.log")"
  echo "$pass passed, $fail failed"
  exit 1
fi
for p in vmhost libvmhost0 libvmhost-dev; do
  check "$p installed" [ "$(dpkg-query -W -f='${db:Status-Status}' $p)" = installed ]
done
dpkg -L vmhost libvmhost0 libvmhost-dev | sort -u >"$scratch/files"

echo "== users and groups"
check "group vmhost" quiet getent group vmhost
check "group kvm" quiet getent group kvm
prim() { id -gn "$1" 2>/dev/null; }
check "user vmhost in group vmhost" [ "$(prim vmhost)" = vmhost ]
for u in vmhost-net vmhost-sec vmhost-stor; do
  check "user $u in group $u" [ "$(prim $u)" = "$u" ]
done
check "user vmhost-qemu in group kvm" [ "$(prim vmhost-qemu)" = kvm ]
for u in vmhost vmhost-net vmhost-sec vmhost-stor vmhost-qemu; do
  check "$u is a system user without a login shell" \
    bash -c '[ "$(getent passwd "$1" | cut -d: -f3)" -lt 1000 ] &&
      [ "$(getent passwd "$1" | cut -d: -f7)" = /usr/sbin/nologin ]' _ "$u"
done

echo "== files"
for f in /usr/sbin/vmhostd /usr/sbin/vmhost-netd /usr/sbin/vmhost-secd /usr/sbin/vmhost-stord \
         /usr/bin/vmhost; do
  check "$f executable" [ -x "$f" ]
done
for f in /lib/systemd/system/{vmhostd,vmhost-netd,vmhost-secd,vmhost-stord}.service \
         /usr/lib/tmpfiles.d/vmhost.conf \
         /etc/vmhost/{qemu,stord,bridge,acl}.conf \
         /etc/apparmor.d/abstractions/vmhost-qemu \
         /usr/share/vmhost/apparmor/TEMPLATE /usr/share/vmhost/cpu_map/index.xml \
         /usr/share/vmhost/networks/default.xml \
         /usr/share/bash-completion/completions/vmhost \
         /usr/include/vmhost/vmhost.h; do
  check "$f" [ -f "$f" ]
done
# Documentation and man pages from the .deb itself (a host may exclude
# /usr/share/doc and /usr/share/man from installation, as Docker images do).
x="$scratch/extracted"
dpkg-deb -x "$scratch/vmhost_${version}_${arch}.deb" "$x"
for f in /usr/share/doc/vmhost/README.Debian.gz /usr/share/doc/vmhost/copyright \
         /usr/share/doc/vmhost/systemd.md /usr/share/man/man1/vmhost.1.gz \
         /usr/share/man/man8/{vmhostd,vmhost-netd,vmhost-secd,vmhost-stord}.8.gz; do
  check "in the package: $f" [ -f "$x$f" ]
done
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
check "libvmhost.so.0 in /usr/lib/$ma" [ -e "/usr/lib/$ma/libvmhost.so.0" ]
for f in qemu stord bridge acl; do
  check "/etc/vmhost/$f.conf is a conffile" \
    grep -q "^ /etc/vmhost/$f.conf " <<<"$(dpkg-query -W -f='${Conffiles}\n' vmhost)"
done
for u in vmhostd vmhost-netd vmhost-secd vmhost-stord; do
  for d in $(sed -n 's/^Documentation=//p' "/lib/systemd/system/$u.service"); do
    case "$d" in
    man:*) m=${d#man:}; check "$u.service Documentation=$d is in the package" \
             [ -f "$x/usr/share/man/man${m//[^0-9]/}/${m%(*}.${m//[^0-9]/}.gz" ] ;;
    file:*) check "$u.service Documentation=$d is in the package" [ -f "$x${d#file:}" ] ;;
    esac
  done
  check "$u.service ExecStart names an installed binary" \
    bash -c '[ -x "$(sed -n "s/^ExecStart=\([^ ]*\).*/\1/p" "$1")" ]' _ "/lib/systemd/system/$u.service"
done
stat_is() { # path "mode user group"
  [ "$(stat -c '%a %U %G' "$1" 2>/dev/null)" = "$2" ] ||
    { echo "  $1: $(stat -c '%a %U %G' "$1" 2>&1), want $2"; return 1; }
}
# The postinst applies tmpfiles.d/vmhost.conf (dh_installtmpfiles).
check "tmpfiles applied: /run/vmhost 755 vmhost vmhost" stat_is /run/vmhost "755 vmhost vmhost"
check "tmpfiles applied: /etc/vmhost/qemu 700 vmhost vmhost" stat_is /etc/vmhost/qemu "700 vmhost vmhost"
check "/etc/apparmor.d/vmhost 755 vmhost-sec vmhost-sec (secd's profiles)" \
  stat_is /etc/apparmor.d/vmhost "755 vmhost-sec vmhost-sec"
check "no /etc/dnsmasq.d/vmhost without the dnsmasq package" [ ! -e /etc/dnsmasq.d/vmhost ]

echo "== man pages"
for m in vmhost.1 vmhostd.8 vmhost-netd.8 vmhost-secd.8 vmhost-stord.8; do
  f="$x/usr/share/man/man${m##*.}/$m.gz"
  [ -f "$f" ] || continue
  w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$f" 2>&1 >/dev/null)
  check "$m renders without warnings${w:+: $w}" [ -z "$w" ]
  check "$m has NAME and SYNOPSIS" \
    bash -c 'MANWIDTH=80 man -l "$1" 2>/dev/null | grep -q "^NAME" &&
      MANWIDTH=80 man -l "$1" 2>/dev/null | grep -q "^SYNOPSIS"' _ "$f"
done

echo "== configuration shipped"
check "vmhost-secd --check-config (qemu.conf as shipped)" vmhost-secd --check-config
check "vmhost-stord --check-config (stord.conf as shipped)" vmhost-stord --check-config
# The commented defaults, uncommented, are valid settings with those values.
sed -E 's/^#([a-z_]+ = )/\1/; s/^#(    "|\])/\1/' /etc/vmhost/qemu.conf >"$scratch/qemu.conf"
check "qemu.conf's commented defaults parse when uncommented" \
  bash -c '[ "$(grep -c "^[a-z]" "$1")" -ge 8 ] && vmhost-secd --check-config --config "$1" >/dev/null' _ "$scratch/qemu.conf"
# secd finds the template in the installed data folder (VMHOST_DATADIR).
cat >"$scratch/small.xml" <<'XML'
<domain type='qemu'>
  <name>debtest</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
</domain>
XML
prof=$(vmhost-secd --print-profile "$scratch/small.xml" 2>&1)
check "vmhost-secd --print-profile uses /usr/share/vmhost/apparmor/TEMPLATE" \
  grep -q 'abstractions/vmhost-qemu' <<<"$prof"

# The data folder compiled in is the installed one (VMHOST_DATADIR from
# debian/rules), not the build's source tree.
for b in vmhostd vmhost-secd; do
  check "$b looks for its data in /usr/share/vmhost" grep -q /usr/share/vmhost "/usr/sbin/$b"
  check "$b names no folder of the build" bash -c '! grep -q -- "$1" "$2"' _ "$src" "/usr/sbin/$b"
done

echo "== libvmhost-dev"
cat >"$scratch/client.c" <<'C'
#include <stdio.h>
#include <vmhost/vmhost.h>
int main(void)
{
	char err[256];
	vmhost_conn *c = vmhost_open("unix:///nonexistent/sock", 0, err, sizeof(err));
	if (c) { vmhost_close(c); return 1; }
	printf("%s\n", err);
	return 0;
}
C
check "pkg-config vmhost: $version" [ "$(pkg-config --modversion vmhost)" = "$version" ]
# shellcheck disable=SC2046
check "a client compiles and links against the installed library" \
  cc -Wall -Werror -o "$scratch/client" "$scratch/client.c" $(pkg-config --cflags --libs vmhost)
check "the client runs (a clear error for a missing socket)" \
  bash -c '"$1" | grep -q .' _ "$scratch/client"

echo "== bash completion (installed)"
# complete VERB-WORDS...: COMPREPLY of _vmhost for the last word
complete_words() {
  bash -c 'source /usr/share/bash-completion/completions/vmhost
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
    _vmhost vmhost "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$@"
}
check "complete -p vmhost" \
  bash -c 'source /usr/share/bash-completion/completions/vmhost; complete -p vmhost | grep -q "_vmhost"'
check "vmhost li<TAB> -> list" [ "$(complete_words vmhost li)" = list ]
check "vmhost net-l<TAB> -> net-list" [ "$(complete_words vmhost net-l)" = net-list ]
check "vmhost list --al<TAB> -> --all" [ "$(complete_words vmhost list --al)" = --all ]

echo "== the installed daemons, started as their installed units say"
units=/lib/systemd/system
ORDER="vmhost-netd vmhost-secd vmhost-stord vmhostd"
unit_get() { # unit key: every value, space-joined; an empty assignment resets
  awk -v k="$2" -F= '
    /^\[/ { sect = $0 }
    sect == "[Service]" && $1 == k {
      v = substr($0, length(k) + 2)
      if (v == "") out = ""; else out = (out == "" ? v : out " " v)
    }
    END { print out }' "$units/$1.service"
}
# RuntimeDirectory=/StateDirectory=/LogsDirectory=/ConfigurationDirectory=
# as systemd makes them: parents root 0755, the folder User:Group MODE.
exec_dirs() { # unit
  local u=$1 usr grp kind base key m d
  usr=$(unit_get "$u" User)
  grp=$(unit_get "$u" Group)
  for kind in Runtime:/run State:/var/lib Logs:/var/log Configuration:/etc; do
    key=${kind%%:*}
    base=${kind#*:}
    m=$(unit_get "$u" "${key}DirectoryMode")
    for d in $(unit_get "$u" "${key}Directory"); do
      install -d -m 0755 "$base/$(dirname "$d")"
      if [ "$key" = Configuration ]; then
        install -d -m "${m:-0755}" "$base/$d"
      else
        install -d -m "${m:-0755}" -o "$usr" -g "$grp" "$base/$d"
      fi
    done
  done
}
ip netns add "$netns"
ip -n "$netns" link set lo up
start_unit() { # unit
  local u=$1 usr grp caps groups umask capl pre post
  usr=$(unit_get "$u" User)
  grp=$(unit_get "$u" Group)
  caps=$(unit_get "$u" AmbientCapabilities | tr 'A-Z' 'a-z')
  umask=$(unit_get "$u" UMask)
  exec_dirs "$u"
  # ExecStartPre=+...: privileged, as root
  pre=$(unit_get "$u" ExecStartPre)
  if [ -n "$pre" ]; then
    # shellcheck disable=SC2086
    ${pre#+} || bad "$u ExecStartPre '$pre' failed"
  fi
  read -r -a argv <<<"$(unit_get "$u" ExecStart)"
  groups=$(id -Gn "$usr" | tr ' ' '\n' | { cat; echo "$grp"; } | sort -u | paste -sd,)
  capl=$(for c in $caps; do printf ',+%s' "${c#cap_}"; done)
  (
    umask "${umask:-0022}"
    exec nsenter --net="/run/netns/$netns" \
      setpriv --reuid="$usr" --regid="$grp" --groups="$groups" \
        --inh-caps="-all$capl" --ambient-caps="-all$capl" --bounding-set="-all$capl" \
        --no-new-privs --securebits=+noroot,+noroot_locked,+no_setuid_fixup,+no_setuid_fixup_locked \
        -- "${argv[@]}"
  ) >"$scratch/$u.log" 2>&1 &
  PID[$u]=$!
  # ExecStartPost=+...: as root, once the main process runs ($MAINPID)
  post=$(unit_get "$u" ExecStartPost)
  if [ -n "$post" ]; then
    post=${post#+}
    # shellcheck disable=SC2086
    ${post//\$MAINPID/${PID[$u]}} >>"$scratch/$u.post.log" 2>&1 ||
      bad "$u ExecStartPost '$post' failed: $(tail -n 3 "$scratch/$u.post.log")"
  fi
}
for u in $ORDER; do start_unit "$u"; done
cli=/usr/bin/vmhost
for _ in $(seq 1 100); do
  $cli ping --helpers >/dev/null 2>&1 && break
  sleep 0.05
done
for u in $ORDER; do
  if kill -0 "${PID[$u]}" 2>/dev/null; then ok "$u running (pid ${PID[$u]})"
  else bad "$u exited: $(tail -n 5 "$scratch/$u.log")"; fi
done
check "vmhost-sock 660 vmhost vmhost" stat_is /run/vmhost/vmhost-sock "660 vmhost vmhost"

ver=$($cli version 2>&1)
echo "$ver" | sed 's/^/  /'
check "version: client $version" grep -q "$version" <<<"$ver"
for h in netd secd stord; do
  check "version: helper $h connected" grep -Eq "^Helper (vmhost-)?$h: [0-9]" <<<"$ver"
done
check "ping --helpers" $cli ping --helpers
check "list --all: empty" [ -z "$($cli list --all --name 2>&1)" ]
nl=$($cli net-list --all 2>&1)
echo "$nl" | sed 's/^/  /'
check "net-list --all: default, inactive" grep -Eq '^ *default +inactive' <<<"$nl"
check "net-list (active only): no default" bash -c '! vmhost net-list --name | grep -q default'
check "domcapabilities: CPU models from /usr/share/vmhost/cpu_map" \
  bash -c '[ "$(vmhost domcapabilities | grep -c "usable=")" -ge 20 ]'
check "net-start default (installed netd and dnsmasq-base, in the namespace)" $cli net-start default
check "net-list: default active" grep -Eq '^ *default +active' <<<"$($cli net-list 2>&1)"
check "net-destroy default" $cli net-destroy default
check "define a small domain" $cli define "$scratch/small.xml"
xml=$($cli dumpxml debtest 2>&1)
check "dumpxml debtest: name and a uuid" \
  bash -c 'grep -q "<name>debtest</name>" <<<"$1" && grep -q "<uuid>" <<<"$1"' _ "$xml"
check "definition stored in /etc/vmhost/qemu/debtest.xml" [ -f /etc/vmhost/qemu/debtest.xml ]
check "read-only socket: list as nobody" \
  quiet setpriv --reuid=nobody --regid=nogroup --clear-groups $cli -r list --all --name
check "read-only socket refuses undefine" \
  bash -c '! setpriv --reuid=nobody --regid=nogroup --clear-groups vmhost -r undefine debtest 2>/dev/null'
check "completion: vmhost dumpxml deb<TAB> -> debtest (list --all --name)" \
  [ "$(complete_words vmhost dumpxml deb)" = debtest ]
check "completion: vmhost net-start def<TAB> -> default (net-list --all --name)" \
  [ "$(complete_words vmhost net-start def)" = default ]

guest=${VMHOST_GUEST:-$top/tests/guest/cache}
if [ -r "$guest/vmlinux" ] && [ -r "$guest/initrd.img" ] && [ -x /usr/bin/qemu-system-x86_64 ]; then
  cat >"$scratch/debguest.xml" <<XML
<domain type='qemu'>
  <name>debguest</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>$guest/vmlinux</kernel>
    <initrd>$guest/initrd.img</initrd><cmdline>$(cat "$guest/cmdline")</cmdline></os>
  <features><acpi/></features>
  <devices><serial type='pty'/></devices>
</domain>
XML
  check "define a bootable guest" $cli define "$scratch/debguest.xml"
  check "start it (installed secd launches QEMU as vmhost-qemu)" $cli start debguest
  check "it runs" grep -q running <<<"$($cli domstate debguest 2>&1)"
  qpid=$(pgrep -u vmhost-qemu -f 'qemu-system.*debguest' | head -n 1)
  check "its emulator runs as vmhost-qemu" [ -n "$qpid" ]
  check "destroy it" $cli destroy debguest
  check "undefine it" $cli undefine debguest
else
  echo "note: no test guest in $guest (tests/guest/build-guest.sh): no guest boot"
fi

echo "== upgrade: migrate-disks in postinst"
check "vol-create-as a qcow2 image in the pool (installed stord)" \
  $cli vol-create-as debdisk.qcow2 4M --format qcow2
cat >"$scratch/olddisk.xml" <<'XML'
<domain type='qemu'>
  <name>debold</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/vmhost/images/debdisk.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
XML
check "define a guest whose disk declares no format" $cli define "$scratch/olddisk.xml"
check "its stored definition has no format" \
  bash -c '! grep -q "type=.qcow2" /etc/vmhost/qemu/debold.xml'
stop_daemons
rm -f /etc/dnsmasq.d/vmhost
if dpkg -i "$scratch/vmhost_${version}_${arch}.deb" >"$scratch/upgrade.log" 2>&1; then
  ok "dpkg -i again (postinst configure $version)"
else
  bad "dpkg -i again: $(tail -n 10 "$scratch/upgrade.log")"
fi
sed 's/^/  /' "$scratch/upgrade.log" | grep -i 'declared\|vmhost' | head -n 5
check "postinst declared the disk's format (qcow2)" \
  grep -q "type=.qcow2" /etc/vmhost/qemu/debold.xml
check "the definition stays vmhost's" stat_is /etc/vmhost/qemu/debold.xml "600 vmhost vmhost"

echo "== dnsmasq interop"
if [ "$(dpkg-query -W -f='${db:Status-Status}' dnsmasq 2>/dev/null)" = installed ]; then
  echo "note: the dnsmasq package was installed before the test: kept"
else
  dnsmasq_ours=1
  if "${APT[@]}" --no-install-recommends install dnsmasq >"$scratch/dnsmasq.log" 2>&1; then
    ok "apt-get install dnsmasq (not started)"
  else
    bad "apt-get install dnsmasq: $(tail -n 5 "$scratch/dnsmasq.log")"
  fi
fi
check "the trigger wrote /etc/dnsmasq.d/vmhost" [ -f /etc/dnsmasq.d/vmhost ]
check "it binds the system's dnsmasq to lo only" \
  bash -c 'grep -qx bind-interfaces /etc/dnsmasq.d/vmhost && grep -qx interface=lo /etc/dnsmasq.d/vmhost'
check "dnsmasq --test accepts it" dnsmasq --test --conf-file=/dev/null --conf-dir=/etc/dnsmasq.d
rm -f /etc/dnsmasq.d/vmhost
dpkg -i "$scratch/vmhost_${version}_${arch}.deb" >>"$scratch/upgrade.log" 2>&1
check "postinst configure writes it when missing and dnsmasq is installed" [ -f /etc/dnsmasq.d/vmhost ]
echo '# mine' >/etc/dnsmasq.d/vmhost
dpkg -i "$scratch/vmhost_${version}_${arch}.deb" >>"$scratch/upgrade.log" 2>&1
check "an administrator's edit is kept" [ "$(cat /etc/dnsmasq.d/vmhost)" = "# mine" ]

echo "== purge"
check "the pool is emptied by hand first (purge keeps a pool with images)" \
  rm -f /var/lib/vmhost/images/debdisk.qcow2
for u in vmhost-netd vmhost-secd vmhost-stord vmhostd; do
  check "$u enabled (deb-systemd-helper link)" \
    [ -L /etc/systemd/system/multi-user.target.wants/$u.service ]
done
if "${APT[@]}" purge vmhost libvmhost0 libvmhost-dev >"$scratch/purge.log" 2>&1; then
  ok "apt-get purge vmhost libvmhost0 libvmhost-dev"
else
  bad "apt-get purge: $(tail -n 10 "$scratch/purge.log")"
fi
for p in vmhost libvmhost0 libvmhost-dev; do
  st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
  check "$p gone from dpkg's database (${st:-unknown})" [ -z "$st" ] || [ "$st" = not-installed ]
done
left=""
while read -r f; do
  [ -e "$f" ] && [ ! -d "$f" ] && left="$left $f"
done <"$scratch/files"
check "no file of the packages left${left:+:$left}" [ -z "$left" ]
for d in /etc/vmhost /var/lib/vmhost /var/log/vmhost /run/vmhost /usr/share/vmhost \
         /usr/share/doc/vmhost /usr/include/vmhost /etc/dnsmasq.d/vmhost \
         /etc/apparmor.d/vmhost /etc/apparmor.d/abstractions/vmhost-qemu; do
  check "$d removed" [ ! -e "$d" ]
done
links=$(find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled \
  -name 'vmhost*' 2>/dev/null | paste -sd' ')
check "no unit enable links or state left${links:+: $links}" [ -z "$links" ]
check "the system users stay (Debian keeps them)" quiet getent passwd vmhost-qemu

if [ -n "$dnsmasq_ours" ]; then
  "${APT[@]}" purge dnsmasq >/dev/null 2>&1
  dnsmasq_ours=""
  check "dnsmasq purged again, dnsmasq-base kept" \
    [ "$(dpkg-query -W -f='${db:Status-Status}' dnsmasq-base)" = installed ]
fi

for u in $ORDER; do
  if grep -qi 'fatal\|error' "$scratch/$u.log" 2>/dev/null; then
    echo "  $u log:"; sed 's/^/    /' "$scratch/$u.log"
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
