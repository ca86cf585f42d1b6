#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bash completion for vmhost (cli/vmhost.bash-completion) against the real
# stack: run by scripts/stack (VMHOST_DEFAULT_URI and PATH set), it sources
# the completion, fills COMP_WORDS/COMP_CWORD as bash would and calls the
# function that `complete -p vmhost` names.
#
# Checked: verbs (all of `vmhost --help`'s), global options, each verb's
# options from its synopsis, option values, `help VERB`, files for define,
# domain names (list --all --name) and network names (net-list --all --name)
# for the verbs that take them, --domain, net-update's positions, -c URI
# and -r passed on to the name lookups, no names without a daemon.
# Hostile names (a domain defined by another member of group vmhost):
# '$(touch FILE)', '`touch FILE`', '${IFS}x;touch FILE', 'a b', '*': the
# completion must neither run them nor split or glob them, and must offer
# each quoted so that the command line gets that exact name.
#
#   scripts/stack --build BUILD -- tests/integration/completion.sh
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
comp=${VMHOST_COMPLETION:-$top/cli/vmhost.bash-completion}
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # description command...
  local d=$1; shift
  if "$@"; then ok "$d"; else bad "$d"; fi
}
[ -n "${VMHOST_DEFAULT_URI:-}" ] || { echo "error: run me under scripts/stack" >&2; exit 1; }
command -v vmhost >/dev/null || { echo "error: vmhost is not on PATH" >&2; exit 1; }
scratch=$(mktemp -d /tmp/vmhost-completion.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

# complete WORD...: what the completion offers for the last word, one a line,
# sorted; the line is "vmhost WORD..." as typed (the words as bash splits them).
complete_words() {
  bash -c 'source "$1"; shift
    fn=$(complete -p vmhost | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    "$fn" vmhost "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@" | grep . | sort
}
is() { # expected-lines words...
  local want=$1 got; shift
  got=$(complete_words "$@")
  [ "$got" = "$want" ] || { echo "  '$*': got [$(echo $got)], want [$(echo $want)]"; return 1; }
}
has() { # word words...
  local w=$1; shift
  complete_words "$@" | grep -qxF -- "$w" || { echo "  '$*': no '$w' in [$(complete_words "$@" | paste -sd' ')]"; return 1; }
}
lines() { printf '%s\n' "$@" | sort; }

echo "== registration"
check "complete -p vmhost names a function" \
  bash -c 'source "$1"; complete -p vmhost | grep -q -- "-F _vmhost vmhost"' _ "$comp"
check "bash -n" bash -n "$comp"

echo "== verbs and options (from the client's own help)"
verbs=$(vmhost --help | awk '/^  [a-z]/ { print $1 }' | sort)
check "vmhost --help lists at least 45 verbs ($(wc -l <<<"$verbs"))" [ "$(wc -l <<<"$verbs")" -ge 45 ]
check "vmhost <TAB>: every verb and help" is "$(lines $verbs help)" vmhost ""
check "vmhost li<TAB> -> list" is list vmhost li
check "vmhost net-d<TAB> -> net-define net-destroy net-dhcp-leases net-dumpxml" \
  is "$(lines net-define net-destroy net-dhcp-leases net-dumpxml)" vmhost net-d
check "vmhost -<TAB>: the global options" \
  is "$(lines -c --connect -r --readonly -h --help -v --version)" vmhost -
check "vmhost -c URI -r vo<TAB>: verbs after global options" \
  is "$(lines vol-create-as vol-delete vol-info vol-list vol-path vol-resize)" vmhost -c "$VMHOST_DEFAULT_URI" -r vol-
check "vmhost -c <TAB>: nothing (a URI)" is "" vmhost -c ""
check "vmhost list --<TAB>: list's options" \
  is "$(lines --all --inactive --name --uuid --state-running --state-shutoff --state-paused --help)" vmhost list --
check "vmhost start web --p<TAB> -> --paused" is --paused vmhost start web --p
check "vmhost vol-create-as v 1M --<TAB> has --backing-vol-format" has --backing-vol-format vmhost vol-create-as v 1M --
check "vmhost event --event <TAB> -> lifecycle" is lifecycle vmhost event --event ""
check "vmhost console x --timeout <TAB>: nothing" is "" vmhost console x --timeout ""
check "vmhost help net-up<TAB> -> net-update" is net-update vmhost help net-up
check "vmhost help list <TAB>: nothing more" is "" vmhost help list ""
touch "$scratch/guest-one.xml" "$scratch/guest-two.xml"
check "vmhost define DIR/guest-<TAB>: the files" \
  is "$(lines "$scratch/guest-one.xml" "$scratch/guest-two.xml")" vmhost define "$scratch/guest-"
check "vmhost define FILE <TAB>: nothing more" is "" vmhost define "$scratch/guest-one.xml" ""

echo "== names from the daemon"
mkdom() { # name
  local f="$scratch/dom.xml"
  printf '<domain type="qemu"><name>%s</name><memory unit="MiB">64</memory><vcpu>1</vcpu><os><type arch="x86_64" machine="pc">hvm</type></os></domain>\n' \
    "$(sed 's/&/\&amp;/g; s/</\&lt;/g' <<<"$1")" >"$f"
  vmhost define "$f" >/dev/null
}
check "define web1, web2, db1" bash -c "$(declare -f mkdom); scratch=$scratch; mkdom web1 && mkdom web2 && mkdom db1"
check "vmhost start we<TAB> -> web1 web2" is "$(lines web1 web2)" vmhost start we
check "vmhost dominfo <TAB>: every domain" is "$(lines db1 web1 web2)" vmhost dominfo ""
check "vmhost dumpxml db1 <TAB>: one name only" is "" vmhost dumpxml db1 ""
check "vmhost dumpxml --inactive d<TAB> -> db1 (options do not count)" is db1 vmhost dumpxml --inactive d
check "vmhost event --domain w<TAB> -> web1 web2" is "$(lines web1 web2)" vmhost event --domain w
check "vmhost net-info <TAB> -> default" is default vmhost net-info ""
cat >"$scratch/lab.xml" <<'XML'
<network><name>lab</name><bridge name='vmlab0'/><ip address='10.99.0.1' netmask='255.255.255.0'/></network>
XML
check "net-define lab" vmhost net-define "$scratch/lab.xml"
check "vmhost net-start <TAB> -> default lab" is "$(lines default lab)" vmhost net-start ""
check "vmhost net-update l<TAB> -> lab" is lab vmhost net-update l
check "vmhost net-update lab a<TAB> -> add add-first add-last" \
  is "$(lines add add-first add-last)" vmhost net-update lab a
check "vmhost net-update lab add i<TAB> -> ip-dhcp-host" is ip-dhcp-host vmhost net-update lab add i
check "vmhost net-name <TAB>: nothing (a UUID)" is "" vmhost net-name ""
uri=$VMHOST_DEFAULT_URI
no_default() { (unset VMHOST_DEFAULT_URI; "$@"); }
check "names through -c URI with no default URI" \
  no_default is "$(lines web1 web2)" vmhost -c "$uri" start we
check "names through -c URI -r (the read-only socket)" \
  no_default is db1 vmhost -c "$uri" -r dominfo d
no_daemon() { (export VMHOST_DEFAULT_URI=unix:///nonexistent/sock; "$@"); }
check "no daemon: no names" no_daemon is "" vmhost start ""
check "no daemon: nothing on stderr" \
  [ -z "$(no_daemon complete_words vmhost start "" 2>&1 >/dev/null)" ]

echo "== hostile names"
# Names may not hold '/': the marker is made in the current folder, $scratch.
cd "$scratch" || exit 1
marker="$scratch/pwned"
hostile=("\$(touch pwned)" "\`touch pwned\`" "\${IFS}x;touch pwned" "a b" "*" "-x")
for n in "${hostile[@]}"; do
  if bash -c "$(declare -f mkdom); scratch=$scratch; mkdom \"\$1\"" _ "$n" 2>"$scratch/err"; then
    ok "defined a domain named '$n'"
  else
    echo "  (vmhost refuses the name '$n': $(cat "$scratch/err"))"
  fi
done
got=$(complete_words vmhost start "")
echo "$got" | sed 's/^/  offered: /'
check "completing ran nothing ($marker absent)" [ ! -e "$marker" ]
for n in "${hostile[@]}"; do
  vmhost list --all --name | grep -qxF -- "$n" || continue
  q=$(printf '%q' "$n")
  check "'$n' offered once, quoted as $q" [ "$(grep -cxF -- "$q" <<<"$got")" = 1 ]
  # what the shell makes of the offered word is the exact name
  check "'$q' reads back as the name" [ "$(eval "printf '%s' $q")" = "$n" ]
done
check "nothing offered that is not a domain (no split, no glob)" \
  [ "$(wc -l <<<"$got")" = "$(vmhost list --all --name | grep -c .)" ]
check "completing again still ran nothing" [ ! -e "$marker" ]

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
