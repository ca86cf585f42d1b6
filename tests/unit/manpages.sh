#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The man pages built from docs/vmhost.1.md and man/*.8.md (cmake target
# "man", pandoc): each renders with `man --warnings` silent (as lintian runs
# it), has a whatis entry lexgrog can read ("NAME - description") and the
# sections NAME, SYNOPSIS, DESCRIPTION; vmhost(1) documents every verb of
# `vmhost --help`, and each daemon's page every option of its --help.
#   tests/unit/manpages.sh BUILD_DIR
set -uo pipefail
build=$1
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
render() { MANWIDTH=200 man -l "$1" 2>/dev/null; }

declare -A BIN=([vmhost.1]=cli/vmhost [vmhostd.8]=vmhostd/vmhostd
  [vmhost-netd.8]=netd/vmhost-netd [vmhost-secd.8]=secd/vmhost-secd
  [vmhost-stord.8]=stord/vmhost-stord)
for page in vmhost.1 vmhostd.8 vmhost-netd.8 vmhost-secd.8 vmhost-stord.8; do
  f=$build/man/$page
  name=${page%.*}
  check "$page built" [ -s "$f" ] || continue
  w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$f" 2>&1 >/dev/null)
  check "$page: man --warnings silent${w:+: $w}" [ -z "$w" ]
  check "$page: whatis '$name - ...'" bash -c 'lexgrog "$1" | grep -q ": \"$2 - ."' _ "$f" "$name"
  for s in NAME SYNOPSIS DESCRIPTION; do
    check "$page: section $s" bash -c 'MANWIDTH=200 man -l "$1" 2>/dev/null | grep -qx "$2"' _ "$f" "$s"
  done
  check "$page: .TH $name ${page##*.}" grep -q "^\.TH \"$name\" \"${page##*.}\"" "$f"
  text=$(render "$f")
  if [ "$page" = vmhost.1 ]; then
    missing=""
    for v in $("$build/${BIN[$page]}" --help | awk '/^  [a-z]/ { print $1 }'); do
      grep -qE "^ +(.*, )?$v( |,|$)" <<<"$text" || missing="$missing $v"
    done
    check "vmhost.1 documents every verb of vmhost --help${missing:+ (missing:$missing)}" [ -z "$missing" ]
  else
    missing=""
    for o in $("$build/${BIN[$page]}" --help 2>&1 | head -n 1 | grep -o -- '--[a-z-]*' | sort -u); do
      grep -q -- "$o" <<<"$text" || missing="$missing $o"
    done
    check "$page documents every option of its --help${missing:+ (missing:$missing)}" [ -z "$missing" ]
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
