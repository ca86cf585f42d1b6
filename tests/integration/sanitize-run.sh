#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# integration_sanitize's outer half: a scratch root with a report folder that every
# daemon user can write to (the daemons drop to their own uids before anything could
# be reported), ASan/UBSan/LSan options pointing there, then scripts/stack on a
# -DVMHOST_SANITIZE=ON build running sanitize.sh.
#   sanitize-run.sh BUILD_DIR SANITIZE_SH
set -uo pipefail
build=${1:?build dir}; inner=${2:?sanitize.sh}
top=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "error: needs root (the daemons start as root and drop)"; exit 1; }
root=$(mktemp -d /tmp/vmhost-sanitize.XXXXXX)
chmod 755 "$root"
mkdir -p "$root/sanitizer" && chmod 1777 "$root/sanitizer"
trap 'rm -rf "$root"' EXIT
# Reports (ASan, LSan's leaks, UBSan) go to sanitizer/*.PID (log_path is common
# to the three runtimes: the one read last wins); any one fails the test.
export ASAN_OPTIONS="log_path=$root/sanitizer/asan:halt_on_error=1:detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="log_path=$root/sanitizer/ubsan:halt_on_error=1:print_stacktrace=1"
unset LSAN_OPTIONS
export VMHOST_SANITIZE_REPORTS="$root/sanitizer"
"$top/scripts/stack" --root "$root" --build "$build" -- "$inner"
