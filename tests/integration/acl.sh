#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Access control in vmhostd, run inside scripts/stack with real users this test creates
# (and removes): the read-write socket refuses non-members (file mode and SO_PEERCRED),
# admits members; acl.conf allows and denies exactly as written (object patterns,
# operation globs, group rules, first match, default, uuids resolved to names, lists
# filtered); the read-only socket never mutates; each deny is logged once; SIGHUP
# reloads (a bad file keeps the old rules); a malformed acl.conf stops vmhostd with its line.
#
# Hostile inputs tried: the socket opened to everyone (SO_PEERCRED must still refuse),
# every write verb through the read-only socket (even with 'allow * * *'), a uuid and a
# numeric id naming a domain the caller may not touch, a definition that reuses another
# domain's uuid under an allowed name, an unparsable definition, a key with an escape
# sequence, quotes and backslashes, a 4000-byte key, a domain name with quotes and a
# backslash, malformed acl.conf files (unknown user, unknown operation, missing field,
# a control byte, a rule after 'default', writable by anyone), and a malformed reload.
set -uo pipefail
guest=${VMHOST_GUEST:?built guest folder}
root=$VMHOST_STACK_ROOT
build=$VMHOST_STACK_BUILD
cli=$build/cli/vmhost
acl=$root/etc/vmhost/acl.conf
log=$root/log/vmhostd.log
sock=$root/run/vmhost/vmhost-sock
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }

# Our users; a leftover of an interrupted run is removed first.
alice=vmhtest-alice bob=vmhtest-bob carol=vmhtest-carol dave=vmhtest-dave
ops=vmhtest-ops
cleanup_users() {
  for u in $alice $bob $carol $dave; do userdel "$u" >/dev/null 2>&1; done
  groupdel $ops >/dev/null 2>&1
  true
}
cleanup() {
  local rc=$?
  rm -f "$acl"
  cleanup_users
  exit $rc
}
trap cleanup EXIT
cleanup_users
mkuser() { useradd --system --no-create-home --shell /usr/sbin/nologin "$@"; }
groupadd --system $ops
mkuser $alice
mkuser -G vmhost $bob
mkuser -G vmhost,$ops $carol
mkuser -G vmhost $dave
uid_of() { id -u "$1"; }

as() { # user, vmhost arguments...
  local u=$1; shift
  setpriv --reuid="$u" --regid="$u" --init-groups -- "$cli" "$@"
}
expect() { # what, expected substring, command...
  local what=$1 want=$2 out; shift 2
  out=$("$@" 2>&1)
  if [[ "$out" == *"$want"* ]]; then ok "$what"; else bad "$what: got '$out' (want '$want')"; fi
}
refuse() { # what, expected substring of the error, command...: must fail, one line
  local what=$1 want=$2 out rc; shift 2
  out=$("$@" 2>&1); rc=$?
  if [ $rc -ne 0 ] && [[ "$out" == *"$want"* ]] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ]; then
    ok "$what"
  else
    bad "$what: rc $rc, got '$out' (want '$want')"
  fi
}
lacks() { # what, unwanted substring, command...
  local what=$1 unwanted=$2 out rc; shift 2
  out=$("$@" 2>&1); rc=$?
  if [ $rc -eq 0 ] && [[ "$out" != *"$unwanted"* ]]; then ok "$what"; else bad "$what: rc $rc, got '$out'"; fi
}
log_count() { grep -cF -- "$1" "$log" || true; }
# The deny is logged exactly once for one refused call.
denied_once() { # what, log substring, command...
  local what=$1 line=$2 before after; shift 2
  before=$(log_count "$line")
  "$@" >/dev/null 2>&1
  after=$(log_count "$line")
  if [ "$after" = $((before + 1)) ]; then ok "$what"; else bad "$what: '$line' logged $before -> $after times"; fi
}
wait_ready() {
  for _ in $(seq 1 200); do "$cli" ping >/dev/null 2>&1 && return 0; sleep 0.05; done
  return 1
}
restart_vmhostd() {
  stack_restart vmhostd
  wait_ready || bad "vmhostd did not come back: $(tail -n 3 "$log")"
}
# Every definition file and autostart link, hashed, plus what the daemon reports.
snapshot() {
  ( cd "$root/etc/vmhost" && find qemu networks -type f -o -type l | sort |
      while read -r f; do echo "$f $(sha256sum <"$f" | cut -c1-64) $(readlink "$f")"; done
    "$cli" list --all; "$cli" net-list --all; "$cli" vol-list ) 2>&1
}

mkdom() { # name [uuid]
  cat >"$root/$1.xml" <<XML
<domain type='qemu'>
  <name>$(sed "s/&/\&amp;/g; s/</\&lt;/g; s/'/\&apos;/g" <<<"$1")</name>
  ${2:+<uuid>$2</uuid>}
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$guest/vmlinux</kernel>
    <initrd>$guest/initrd.img</initrd>
    <cmdline>$(cat "$guest/cmdline") vmhost.mode=wait</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <devices><serial type='pty'><target port='0'/></serial></devices>
</domain>
XML
  chmod 644 "$root/$1.xml"
}
mknet() { # name
  cat >"$root/net-$1.xml" <<XML
<network><name>$1</name><bridge name='vt$RANDOM'/></network>
XML
  chmod 644 "$root/net-$1.xml"
}

# ---- 1. The read-write socket: group vmhost or root --------------------------------
rm -f "$acl"
restart_vmhostd
refuse "non-member refused on the read-write socket (file mode)" \
  "Permission denied (not in group 'vmhost'? try -r for read-only)" as $alice list
chmod 0666 "$sock"
refuse "non-member refused by SO_PEERCRED even with the socket opened to all" \
  "access denied: uid $(uid_of $alice) is not root nor in group 'vmhost' (use the read-only socket, -r)" \
  as $alice list
chmod 0660 "$sock"
expect "non-member may use the read-only socket" "Name" as $alice -r list --all
expect "member (supplementary group vmhost) allowed" "Name" as $bob list --all
mkdom bob-1
expect "member defines without acl.conf" "Domain 'bob-1' defined" as $bob define "$root/bob-1.xml"

# Domains and networks for the rules below (as root).
for d in bob-2 bob-secret1 web-1 web-2 db-1 'web-"q\'; do mkdom "$d"; "$cli" define "$root/$d.xml" >/dev/null || bad "define $d"; done
mknet bob-net; "$cli" net-define "$root/net-bob-net.xml" >/dev/null || bad "net-define bob-net"
mknet ro-net
web1_uuid=$("$cli" domuuid web-1)
bob1_uuid=$("$cli" domuuid bob-1)

# ---- 2. The read-only socket never mutates -------------------------------------------
ro_writes() { # user
  local u=$1
  mkdom ro-new
  refuse "$u -r: define refused" "read-only" as "$u" -r define "$root/ro-new.xml"
  sed -i 's/128/256/' "$root/web-1.xml"
  refuse "$u -r: redefine refused" "read-only" as "$u" -r define "$root/web-1.xml"
  sed -i 's/256/128/' "$root/web-1.xml"
  refuse "$u -r: undefine refused" "read-only" as "$u" -r undefine db-1
  refuse "$u -r: start refused" "read-only" as "$u" -r start web-1
  refuse "$u -r: autostart refused" "read-only" as "$u" -r autostart web-1
  refuse "$u -r: desc refused" "read-only" as "$u" -r desc web-1 --title changed
  refuse "$u -r: net-define refused" "read-only" as "$u" -r net-define "$root/net-ro-net.xml"
  refuse "$u -r: net-undefine refused" "read-only" as "$u" -r net-undefine bob-net
  refuse "$u -r: net-start refused" "read-only" as "$u" -r net-start bob-net
  refuse "$u -r: net-autostart refused" "read-only" as "$u" -r net-autostart bob-net
  refuse "$u -r: vol-create-as refused" "read-only" as "$u" -r vol-create-as ro.raw 1M
  refuse "$u -r: helper ping refused" "read-only" as "$u" -r ping --helpers
}
before=$(snapshot)
ro_writes $alice
ro_writes $bob
ro_writes root
after=$(snapshot)
if [ "$before" = "$after" ]; then ok "read-only socket changed nothing (definitions byte-identical)"
else bad "read-only socket changed something: $(diff <(echo "$before") <(echo "$after"))"; fi

# ---- 3. acl.conf ------------------------------------------------------------------------
cat >"$acl" <<EOF
# vmhost acl test: first match wins
allow uid:0                 *                                   *
deny  user:$bob      domain.start                        bob-secret*
allow user:$bob      domain.*,connect.*                  bob-*
allow user:$bob      domain.list,domain.events,connect.* *
allow user:$bob      network.list                        *
allow user:$bob      network.read,network.define         bob-*
allow user:$bob      storage.*                           bob-*
allow user:$bob      storage.list                        *
deny  group:$ops     domain.destroy,network.*            *
allow group:$ops     domain.start,domain.read,domain.list,domain.destroy  web-*
allow group:$ops     domain.list,connect.*               *
allow user:$alice    domain.read,domain.list             *
default deny
EOF
chmod 644 "$acl"
restart_vmhostd
expect "vmhostd logs the rules it read" "acl.conf: 12 rules, default deny" tail -n 30 "$log"

# carol: group rules
expect "group rule allows start on web-*" "Domain 'web-1' started" as $carol start web-1
refuse "deny before allow: destroy refused (first match wins)" \
  "error: access denied: user '$carol' may not domain.destroy 'web-1' (acl.conf:10)" as $carol destroy web-1
refuse "group rule does not reach db-1 (default)" \
  "error: access denied: user '$carol' may not domain.start 'db-1' (acl.conf:14, default)" as $carol start db-1
refuse "group deny on network.*" \
  "access denied: user '$carol' may not network.list (acl.conf:10)" as $carol net-list --all
out=$(as $carol list --all 2>&1)
if [[ "$out" == *web-1* && "$out" == *web-2* && "$out" != *bob-1* && "$out" != *db-1* ]]; then
  ok "carol's list shows only web-* (filtered)"; else bad "carol's list: $out"; fi
expect "carol reads web-2" "web-2" as $carol dominfo web-2
refuse "carol may not read db-1" "may not domain.read 'db-1'" as $carol dumpxml db-1

# bob: user rules with object patterns and operation globs
expect "bob may start bob-1" "Domain 'bob-1' started" as $bob start bob-1
refuse "bob may not start bob-secret1 (deny above the allow)" \
  "may not domain.start 'bob-secret1' (acl.conf:3)" as $bob start bob-secret1
expect "bob may read bob-secret1 (only start is denied)" "bob-secret1" as $bob dominfo bob-secret1
expect "bob may destroy bob-1 (domain.*)" "destroyed" as $bob destroy bob-1
refuse "bob may not start web-2" "may not domain.start 'web-2' (acl.conf:14, default)" as $bob start web-2
mkdom web-bob
refuse "bob may not define web-bob" "may not domain.define 'web-bob'" as $bob define "$root/web-bob.xml"
mkdom bob-3
expect "bob may define bob-3" "Domain 'bob-3' defined" as $bob define "$root/bob-3.xml"
expect "bob may undefine bob-3" "undefined" as $bob undefine bob-3
out=$(as $bob list --all 2>&1)
if [[ "$out" == *bob-1* && "$out" == *bob-secret1* && "$out" != *web-* && "$out" != *db-1* ]]; then
  ok "bob's list shows only bob-* (filtered)"; else bad "bob's list: $out"; fi
out=$(as $bob net-list --all 2>&1)
if [[ "$out" == *bob-net* && "$out" != *default* ]]; then ok "bob's net-list shows only bob-net"
else bad "bob's net-list: $out"; fi
refuse "bob may not start a network (no rule: default)" "may not network.start 'bob-net'" as $bob net-start bob-net
# events are filtered like lists: bob waits on every domain, sees only bob-*
as $bob event --all --loop --timeout 4 >"$root/bob-events" 2>&1 &
evpid=$!
sleep 1
mkdom web-9; mkdom bob-9
for d in web-9 bob-9; do "$cli" define "$root/$d.xml" >/dev/null; "$cli" undefine $d >/dev/null; done
wait $evpid
if grep -q "bob-9" "$root/bob-events" && ! grep -q "web-9" "$root/bob-events"; then
  ok "bob's events show bob-9, not web-9 (filtered)"; else bad "bob's events: $(cat "$root/bob-events")"; fi
refuse "dave may not wait for events" "may not domain.events" as $dave event --timeout 1
# network and volume names
mknet bob-n2; mknet web-n
expect "bob may define network bob-n2 (name from the XML)" "bob-n2" as $bob net-define "$root/net-bob-n2.xml"
refuse "bob may not define network web-n" "may not network.define 'web-n' (acl.conf:14, default)" \
  as $bob net-define "$root/net-web-n.xml"
refuse "bob may not undefine bob-n2 (no rule)" "may not network.undefine 'bob-n2'" as $bob net-undefine bob-n2
expect "bob may create volume bob-v.raw" "Vol bob-v.raw created" as $bob vol-create-as bob-v.raw 1M
refuse "bob may not create volume web-v.raw" "may not storage.vol-create 'web-v.raw'" \
  as $bob vol-create-as web-v.raw 1M
"$cli" vol-create-as web-v2.raw 1M >/dev/null || bad "root vol-create-as web-v2.raw"
out=$(as $bob vol-list 2>&1)
if [[ "$out" == *bob-v.raw* && "$out" != *web-v2.raw* ]]; then ok "bob's vol-list shows bob-v.raw, not web-v2.raw (filtered)"
else bad "bob's vol-list: $out"; fi
"$cli" vol-delete web-v2.raw >/dev/null || bad "root vol-delete web-v2.raw"
expect "bob may delete bob-v.raw" "deleted" as $bob vol-delete bob-v.raw
refuse "carol may not list volumes (default)" "may not storage.list" as $carol vol-list
expect "connect.* glob: bob may ask the version" "Running against daemon" as $bob version

# uuids and ids resolve to names before the rules see them
refuse "a uuid is resolved: bob may not read web-1 by uuid" \
  "may not domain.read 'web-1'" as $bob dominfo "$web1_uuid"
expect "bob may read bob-1 by uuid" "bob-1" as $bob dominfo "$bob1_uuid"
web1_id=$("$cli" domid web-1)
refuse "an id is resolved: bob may not destroy web-1 by id $web1_id" \
  "may not domain.destroy 'web-1'" as $bob destroy "$web1_id"

# dave: member of vmhost with no rule: the default
refuse "no rule: default deny" "access denied: user '$dave' may not domain.list (acl.conf:14, default)" \
  as $dave list
# alice: the rules apply on the read-only socket too
expect "alice lists through -r (rule 12)" "web-1" as $alice -r list --all
refuse "acl applies on the read-only socket" \
  "access denied: user '$alice' may not connect.hostname (acl.conf:14, default)" as $alice -r hostname
# read-only never mutates, even for root with 'allow uid:0 * *'
before=$(snapshot)
ro_writes root
after=$(snapshot)
if [ "$before" = "$after" ]; then ok "read-only socket changed nothing with an allowing acl"
else bad "read-only changed something under acl: $(diff <(echo "$before") <(echo "$after"))"; fi
expect "root allowed by uid:0" "Domain 'web-1' destroyed" "$cli" destroy web-1

# the deny log: warning, user name and uid, operation, object, rule; once per call
denied_once "a deny is logged once, with user, uid, op, object, rule" \
  "denied: user '$carol' uid $(uid_of $carol) pid" as $carol start db-1
expect "the log line names op, object and rule" \
  "domain.start 'db-1' (acl.conf:14, default)" grep -F "denied: user '$carol'" "$log"
expect "the deny is logged at warning level" "warn" grep -F "domain.start 'db-1'" "$log"

# ---- 4. hostile inputs through the rules ----------------------------------------------------
mkdom bob-evil "$web1_uuid"
refuse "a definition reusing web-1's uuid under an allowed name is refused" "error:" \
  as $bob define "$root/bob-evil.xml"
expect "web-1 is untouched" "web-1" "$cli" domname "$web1_uuid"
printf '<domain><name>bob-4</name' >"$root/broken.xml"; chmod 644 "$root/broken.xml"
refuse "an unparsable definition has no name: denied for bob" \
  "may not domain.define (acl.conf:14, default)" as $bob define "$root/broken.xml"
refuse "an escape sequence in a key is escaped in the reply" \
  "may not domain.read 'x\\x1b[31m\\\"\\\\' (acl.conf:14, default)" as $bob dominfo $'x\e[31m"\\'
if grep -qP '\x1b' "$log"; then bad "a raw escape byte reached the log"; else ok "no raw escape byte in the log"; fi
long=$(printf 'b%.0s' $(seq 1 4000))
refuse "a 4000-byte key is handled" "error:" as $bob dominfo "bob-$long"
refuse "a name with quotes and a backslash is escaped" \
  "may not domain.start 'web-\\\"q\\\\' (acl.conf:14, default)" as $bob start 'web-"q\'
expect "vmhostd still serves" "ok" "$cli" ping

# ---- 5. SIGHUP: a bad file keeps the rules, a good one replaces them -------------------------
cp "$acl" "$root/acl.good"
sed -i '1i allow user:nosuchuser-vmht * *' "$acl"
kill -HUP "$(stack_pid vmhostd)"
sleep 0.3
expect "a bad reload is logged with its line" "acl.conf:1: unknown user 'nosuchuser-vmht'" tail -n 5 "$log"
expect "a bad reload keeps the rules in force" "not reloaded, the rules in force stay" tail -n 5 "$log"
refuse "old rules still apply after the bad reload" "may not domain.read 'web-2'" as $bob dominfo web-2
{ echo "allow user:$bob domain.read web-2"; cat "$root/acl.good"; } >"$acl"
kill -HUP "$(stack_pid vmhostd)"
sleep 0.3
expect "a good reload is logged" "acl.conf reloaded: 13 rules, default deny" tail -n 5 "$log"
expect "the new rule applies at once" "web-2" as $bob dominfo web-2
refuse "the rest still applies" "may not domain.read 'db-1'" as $bob dominfo db-1

# ---- 6. a malformed acl.conf: vmhostd refuses to start, naming the line --------------------
malformed() { # what, expected message, file text
  local what=$1 want=$2 out rc
  printf '%b' "$3" >"$acl"; chmod 644 "$acl"
  out=$("$build/vmhostd/vmhostd" --root "$root" --check-config 2>&1); rc=$?
  if [ $rc -ne 0 ] && [[ "$out" == *"$want"* ]]; then ok "check-config: $what"
  else bad "check-config: $what: rc $rc, '$out'"; fi
}
malformed "unknown user" "acl.conf:2: unknown user 'ghost'" "# x\nallow user:ghost * *\n"
malformed "unknown operation" "acl.conf:1: operation 'domain.strat' matches no operation" \
  "allow * domain.strat *\n"
malformed "missing field" "acl.conf:3: expected 'allow|deny SUBJECT OPERATIONS OBJECT' (3 fields)" \
  "\n\ndeny user:root domain.start\n"
malformed "control byte" "acl.conf:1: control byte 0x0d" "allow * * *\r\n"
malformed "rule after default" "acl.conf:2: rule after 'default' (line 1)" "default deny\nallow * * *\n"
malformed "object with a slash" "acl.conf:1: object pattern '../x' contains '/'" "allow * * ../x\n"
printf 'allow * * *\n' >"$acl"; chmod 666 "$acl"
out=$("$build/vmhostd/vmhostd" --root "$root" --check-config 2>&1)
if [[ "$out" == *"acl.conf: writable by anyone"* ]]; then ok "check-config: writable by anyone refused"
else bad "writable acl.conf: '$out'"; fi
printf '# bad\nallow user:ghost * *\n' >"$acl"; chmod 644 "$acl"
stack_restart vmhostd
sleep 0.5
if kill -0 "$(stack_pid vmhostd)" 2>/dev/null; then bad "vmhostd runs with a malformed acl.conf"
else ok "vmhostd refuses to start with a malformed acl.conf"; fi
expect "its log names the line" "acl.conf:2: unknown user 'ghost'" tail -n 3 "$log"

# ---- back to no acl.conf: everything as before ---------------------------------------------
rm -f "$acl"
restart_vmhostd
expect "without acl.conf a member may do anything again" "Domain 'db-1' started" as $dave start db-1
"$cli" destroy db-1 >/dev/null 2>&1
for d in bob-1 bob-2 bob-secret1 web-1 web-2 db-1 'web-"q\'; do "$cli" undefine "$d" >/dev/null 2>&1; done
"$cli" net-undefine bob-net >/dev/null 2>&1
"$cli" net-undefine bob-n2 >/dev/null 2>&1

echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
