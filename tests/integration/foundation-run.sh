#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the foundation test inside scripts/stack with vmhostd under valgrind, then
# checks valgrind's report, which is complete only once vmhostd has exited.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?build dir}
root=$(mktemp -d /tmp/vmhost-found.XXXXXX)
VMHOST_VALGRIND=vmhostd "$top/scripts/stack" --build "$build" --root "$root" --keep -- \
  "$top/tests/integration/foundation.sh"
rc=$?
report=$(grep -v '^--' "$root/log/vmhostd.valgrind" 2>/dev/null)
if [ ! -f "$root/log/vmhostd.valgrind" ]; then
  echo "FAIL: no valgrind report"; rc=1
elif [ -n "$report" ]; then
  echo "FAIL: valgrind reported errors or leaks in vmhostd:"; echo "$report"; rc=1
else
  echo "ok: valgrind: no errors, no definite leaks in vmhostd"
fi
rm -rf "$root"
exit $rc
