#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Remote access over ssh://, run inside scripts/stack: a real sshd (Debian's
# openssh-server) on 127.0.0.1 in the stack's namespace with generated host and user
# keys; list/define/start/destroy a guest through proxy=native, proxy=netcat and
# proxy=auto; and the failures: refused port, missing netcat, GNU-style nc without -U,
# a remote user outside group vmhost, no vmhost and no nc. Each must fail fast and clearly.
set -uo pipefail
guest=${VMHOST_GUEST:?built guest folder}
root=${VMHOST_STACK_ROOT:?run inside scripts/stack}
build=$(cd "${VMHOST_STACK_BUILD:?run inside scripts/stack}" && pwd)
sock=$root/run/vmhost/vmhost-sock
pass=0; failn=0
ok() { echo "ok: $*"; pass=$((pass+1)); }
bad() { echo "FAIL: $*"; failn=$((failn+1)); }
expect() { # what, expected substring, command... : must also exit 0
  local what=$1 want=$2 out rc; shift 2
  out=$(timeout 20 "$@" 2>&1); rc=$?
  if [ "$rc" = 0 ] && [[ "$out" == *"$want"* ]]; then ok "$what"; else bad "$what: rc $rc, got '$out'"; fi
}
expect_fail() { # what, expected substring, command... : must also exit non-zero
  local what=$1 want=$2 out rc; shift 2
  out=$(timeout 20 "$@" 2>&1); rc=$?
  if [ "$rc" = 124 ]; then bad "$what: hung (timeout)"; return; fi
  if [ "$rc" != 0 ] && [[ "$out" == *"$want"* ]] && [ "$(wc -l <<<"$out")" = 1 ]; then
    ok "$what ($out)"
  else
    bad "$what: rc $rc, got '$out'"
  fi
}
wait_for() { # seconds, command...
  local t=$1; shift
  for _ in $(seq 1 $((t * 20))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done
  return 1
}

for b in /usr/sbin/sshd ssh ssh-keygen nc; do
  command -v "$b" >/dev/null || { echo "SKIP: $b missing (scripts/setup installs it)"; exit 77; }
done

tmp=$(mktemp -d /tmp/vmhost-ssh.XXXXXX)
chmod 755 "$tmp"
sshd_pids=()
made_user=0
outsider=vmhost-test-ssh
cleanup() {
  for p in "${sshd_pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${sshd_pids[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
  done
  [ "$made_user" = 1 ] && userdel "$outsider" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# A remote user outside group vmhost, with a shell and an unlocked ("*") account.
if ! getent passwd "$outsider" >/dev/null; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /bin/sh -p '*' "$outsider"
  made_user=1
fi

ssh-keygen -q -t ed25519 -N '' -C vmhost-test-host -f "$tmp/host_key"
ssh-keygen -q -t ed25519 -N '' -C vmhost-test-user -f "$tmp/user_key"
cp "$tmp/user_key.pub" "$tmp/authorized_keys"
chmod 644 "$tmp/authorized_keys"
mkdir -p /run/sshd "$tmp/fakebin"
# GNU netcat's shape: a help text without -U
cat >"$tmp/fakebin/nc" <<'EOF'
#!/bin/sh
echo "GNU netcat 0.7.1, a rewrite of the famous networking tool."
echo "  -u, --udp                  UDP mode"
exit 1
EOF
chmod 755 "$tmp/fakebin/nc"

# start_sshd NAME PATH: one sshd whose sessions see PATH; echoes its port
start_sshd() {
  local name=$1 path=$2 port
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    cat >"$tmp/$name.conf" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $tmp/host_key
PidFile $tmp/$name.pid
AuthorizedKeysFile $tmp/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowUsers root $outsider
SetEnv PATH=$path
EOF
    /usr/sbin/sshd -f "$tmp/$name.conf" -D -e >>"$tmp/$name.log" 2>&1 &
    echo $! >>"$tmp/sshd.pids"
    if wait_for 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"; then
      echo "$port"; return 0
    fi
  done
  return 1
}
port=$(start_sshd main "$build/cli:/usr/bin:/bin") || { bad "sshd did not start: $(cat "$tmp/main.log")"; exit 1; }
port2=$(start_sshd fake "$tmp/fakebin:/usr/bin:/bin") || { bad "second sshd did not start"; exit 1; }
# start_sshd ran in a subshell: its pids are in the file
mapfile -t sshd_pids <"$tmp/sshd.pids"
echo "sshd on 127.0.0.1:$port (vmhost in PATH) and :$port2 (fake GNU nc, no vmhost)"

key="keyfile=$tmp/user_key&no_verify=1"
uri() { # user port params
  echo "ssh://$1@127.0.0.1:$2/system?socket=$sock&$key${3:+&$3}"
}

cat >"$root/rtiny.xml" <<XML
<domain type='qemu'>
  <name>rtiny</name>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$guest/vmlinux</kernel>
    <initrd>$guest/initrd.img</initrd>
    <cmdline>$(cat "$guest/cmdline") vmhost.mode=wait</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>
XML

# The lifecycle through one proxy mode: list, define, start, running, destroy, undefine.
lifecycle() { # mode
  local u; u=$(uri root "$port" "proxy=$1")
  expect "$1: list --all" "Name" vmhost -c "$u" list --all
  expect "$1: uri is the ssh URI" "ssh://root@127.0.0.1:$port/system" vmhost -c "$u" uri
  expect "$1: hostname" "$(hostname)" vmhost -c "$u" hostname
  expect "$1: define" "Domain 'rtiny' defined" vmhost -c "$u" define "$root/rtiny.xml"
  expect "$1: list shows it shut off" "shut off" vmhost -c "$u" list --all
  expect "$1: start" "Domain 'rtiny' started" vmhost -c "$u" start rtiny
  expect "$1: running" "running" vmhost -c "$u" domstate rtiny
  expect "$1: list shows it running" "running" vmhost -c "$u" list
  if [ "$1" = native ]; then
    # descriptors do not cross ssh: a clear error, not a hang
    expect_fail "console over ssh is refused clearly" "no console socket" vmhost -c "$u" console rtiny
  fi
  expect "$1: destroy" "destroyed" vmhost -c "$u" destroy rtiny
  if wait_for 20 bash -c "[ \"\$(vmhost domstate rtiny)\" = 'shut off' ]"; then
    ok "$1: shut off after destroy"
  else
    bad "$1: still $(vmhost domstate rtiny 2>&1)"
  fi
  expect "$1: undefine" "undefined" vmhost -c "$u" undefine rtiny
}
lifecycle native
lifecycle netcat
lifecycle auto

# Read-only through ssh: -r picks the -ro socket on the remote side.
expect "-r over ssh lists" "Name" vmhost -r -c "$(uri root "$port")" list --all
expect_fail "-r over ssh refuses a write" "read-only" vmhost -r -c "$(uri root "$port")" define "$root/rtiny.xml"
# proxy=auto falls back to nc -U when the remote has no vmhost (fakebin first, real nc via netcat=)
expect "auto falls back to netcat" "Name" vmhost -c "$(uri root "$port2" netcat=/usr/bin/nc)" list --all

# ssh dying mid-session (its sshd session killed): the waiting client ends with an error.
vmhost -c "$(uri root "$port")" event --loop --timeout 30 >"$tmp/event.out" 2>&1 &
evpid=$!
sleep 1.5
for p in $(pgrep -P "${sshd_pids[0]}"); do kill -KILL "$p"; done
for _ in $(seq 1 100); do kill -0 "$evpid" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$evpid" 2>/dev/null; then
  bad "client still waiting 5 s after its ssh session died"
  kill "$evpid"
else
  wait "$evpid"; rc=$?
  if [ "$rc" != 0 ] && grep -q "^error: " "$tmp/event.out"; then
    ok "dead ssh mid-session: rc $rc, $(tail -n1 "$tmp/event.out")"
  else
    bad "dead ssh mid-session: rc $rc, '$(cat "$tmp/event.out")'"
  fi
fi

# Errors: one line, non-zero, no hang.
free_port=$((port + 1)); [ "$free_port" = "$port2" ] && free_port=$((port + 2))
expect_fail "refused port" "Connection refused" vmhost -c "$(uri root "$free_port")" list
expect_fail "refused port names the URI" "cannot connect to ssh://root@127.0.0.1:$free_port" vmhost -c "$(uri root "$free_port")" list
expect_fail "netcat=/nonexistent" "netcat '/nonexistent' not found" vmhost -c "$(uri root "$port" "proxy=netcat&netcat=/nonexistent")" list
expect_fail "GNU nc without -U (proxy=netcat)" "install netcat-openbsd" vmhost -c "$(uri root "$port2" proxy=netcat)" list
expect_fail "GNU nc without -U (proxy=auto)" "no vmhost proxy and no netcat with -U" vmhost -c "$(uri root "$port2")" list
expect_fail "proxy=native without vmhost remotely" "no vmhost on the remote PATH" vmhost -c "$(uri root "$port2" proxy=native)" list
expect_fail "outsider, proxy=native: socket says no" "Permission denied" vmhost -c "$(uri "$outsider" "$port" proxy=native)" list
expect_fail "outsider, proxy=netcat: socket says no" "Permission denied" vmhost -c "$(uri "$outsider" "$port" proxy=netcat)" list
expect "outsider may use the read-only socket" "Name" vmhost -r -c "$(uri "$outsider" "$port")" list --all
expect_fail "unknown user key: ssh refuses" "Permission denied" vmhost -c "ssh://nosuchuser@127.0.0.1:$port/system?$key" list
expect_fail "no socket there" "No such file" vmhost -c "$(uri root "$port" proxy=native | sed 's|socket=[^&]*|socket=/nonexistent/sock|')" list
expect_fail "bad URI parameter" "bad parameter 'frob=1'" vmhost -c "$(uri root "$port" frob=1)" list
expect_fail "bad port" "bad host part" vmhost -c "ssh://root@127.0.0.1:99999/system" list

# The proxy verb itself, locally: a byte pipe that ends when stdin ends.
out=$(printf '' | timeout 10 vmhost proxy --socket "$sock"; echo "rc=$?")
if [ "$out" = "rc=0" ]; then ok "proxy exits 0 on stdin EOF"; else bad "proxy on EOF: '$out'"; fi
expect_fail "proxy to a missing socket" "vmhost proxy: cannot connect to '/nonexistent/s'" vmhost proxy --socket /nonexistent/s

echo "$pass passed, $failn failed"
[ "$failn" = 0 ]
