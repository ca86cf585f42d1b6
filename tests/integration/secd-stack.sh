#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs one secd test script inside scripts/stack with a qemu.conf of the
# test's own: makes a scratch root, writes ROOT/etc/vmhost/qemu.conf from
# QEMU_CONF (a file, or "-" for none), runs the stack there, removes it.
#
#   secd-stack.sh BUILD_DIR QEMU_CONF SCRIPT [ARGS...]
set -uo pipefail
build=${1:?build dir}; conf=${2:?qemu.conf or -}; shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
root=$(mktemp -d /tmp/vmhost-secdtest.XXXXXX)
chmod 755 "$root"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/etc/vmhost"
[ "$conf" = - ] || cp "$conf" "$root/etc/vmhost/qemu.conf"
"$top/scripts/stack" --root "$root" --build "$build" -- "$@"
