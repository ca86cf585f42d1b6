#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Longer fuzzing for humans: runs each libFuzzer harness of a fuzz build for N
# minutes on its checked-in seeds plus a working corpus, then merges what it found
# into a minimal corpus. Crashes land in ARTIFACTS/; replay one with
#   BUILD/tests/fuzz_NAME ARTIFACTS/NAME/crash-...
#
#   tests/fuzz/run-long.sh [-b BUILD] [-m MINUTES] [-w WORKDIR] [NAME...]
#
# BUILD defaults to ./build-fuzz (made by scripts/test: clang, -DVMHOST_FUZZ=ON);
# NAME is a harness without its fuzz_ prefix (default: every one built). The
# merged corpora are in WORKDIR/NAME/merged (default WORKDIR /var/tmp/vmhost-fuzz):
# copy the interesting ones into tests/fuzz/corpus/... to keep them as seeds.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$top/build-fuzz minutes=10 work=/var/tmp/vmhost-fuzz
while getopts b:m:w:h o; do
  case $o in
    b) build=$(cd "$OPTARG" && pwd) ;;
    m) minutes=$OPTARG ;;
    w) work=$OPTARG ;;
    *) sed -n '3,13p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[[ "$minutes" =~ ^[0-9]+$ ]] || { echo "error: -m wants whole minutes" >&2; exit 2; }

# Seed folder of each harness (tests/fuzz/*.cmake).
seeds() {
  case $1 in
    conf) echo conf ;; domain_xml) echo domain ;; network_xml) echo network ;;
    json) echo json ;; probe) echo probe ;; rpc_*) echo "$1" ;; *) echo "$1" ;;
  esac
}

if [ $# -eq 0 ]; then
  set -- $(find "$build/tests" -maxdepth 1 -type f -executable -name 'fuzz_*' -printf '%f\n' |
           sed 's/^fuzz_//' | sort)
fi
[ $# -gt 0 ] || { echo "error: no fuzz_* harness in $build/tests (build with -DVMHOST_FUZZ=ON)" >&2; exit 1; }

failed=0
for name in "$@"; do
  bin=$build/tests/fuzz_$name
  [ -x "$bin" ] || { echo "error: $bin is missing" >&2; failed=1; continue; }
  seed=$top/tests/fuzz/corpus/$(seeds "$name")
  dir=$work/$name
  mkdir -p "$dir/corpus" "$dir/merged" "$dir/artifacts"
  echo "== fuzz_$name for $minutes min (corpus $dir/corpus, seeds $seed)"
  if ! "$bin" -max_total_time=$((minutes * 60)) -timeout=10 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
      "$dir/corpus" "$seed" >"$dir/run.log" 2>&1; then
    echo "FAIL: fuzz_$name found a crash: $(ls "$dir/artifacts")"
    grep -m1 -E 'ERROR|runtime error' "$dir/run.log" || tail -5 "$dir/run.log"
    failed=1
  fi
  grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$dir/run.log" | tr '\n' ' '; echo
  rm -rf "$dir/merged.new"; mkdir -p "$dir/merged.new"
  "$bin" -merge=1 -timeout=10 -max_len=65536 -artifact_prefix="$dir/artifacts/" \
    "$dir/merged.new" "$dir/corpus" "$seed" >"$dir/merge.log" 2>&1 &&
    { rm -rf "$dir/merged"; mv "$dir/merged.new" "$dir/merged"; } ||
    echo "warning: merge of fuzz_$name failed, see $dir/merge.log"
  echo "   merged corpus: $(ls "$dir/merged" | wc -l) inputs in $dir/merged"
done
exit $failed
