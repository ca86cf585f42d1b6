#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Golden test of secd's AppArmor profiles: generate each guest of
# tests/data/apparmor/*.guest, compare with NAME.profile / NAME.files, and
# compile the profile with the real apparmor_parser without loading it
# (-Q: everything but the kernel load, -K: no cache), with the project's
# abstraction and the generated .files include.
# Usage: aaprofile.sh GEN DATADIR APPARMORDIR (VMHOST_GOLDEN_UPDATE=1 rewrites).
set -eu
gen=$1 data=$2 aadir=$3
work=$(mktemp -d /tmp/vmhost-aa-golden-XXXXXX)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

parse() { # profile -> 0 if apparmor_parser compiles it
	rc=0
	apparmor_parser -Q -K -q --abort-on-error -I "$work/inc" -I "$aadir" \
	    "$1" 2>"$work/parser.raw" || rc=$?
	grep -v '^Cache read/write disabled' "$work/parser.raw" \
	    >"$work/parser.err" || true
	return $rc
}

compare() { # generated expected
	if [ "${VMHOST_GOLDEN_UPDATE:-0}" = 1 ]; then
		cp "$1" "$2"
	fi
	if diff -u "$2" "$1" >&2; then ok; else ko "$1 differs from $2"; fi
}

expect_error() { # name spec
	want=$(sed -n 's/^error //p' "$2")
	out=$work/inc/vmhost
	if "$gen" "$aadir/TEMPLATE" "$2" "$out" 2>"$work/gen.err" >/dev/null
	then
		ko "$1: generated a profile, expected: $want"
		return
	fi
	grep -qF -- "$want" "$work/gen.err" && ok ||
	    ko "$1: error '$(cat "$work/gen.err")', expected '$want'"
	[ -z "$(ls -A "$out")" ] && ok || ko "$1: files written on error"
}

check_guest() { # name spec
	out=$work/inc/vmhost
	if ! pname=$("$gen" "$aadir/TEMPLATE" "$2" "$out"); then
		ko "$1: generation failed"
		return
	fi
	compare "$out/$pname" "$data/$1.profile"
	compare "$out/$pname.files" "$data/$1.files"
	if parse "$out/$pname"; then ok; else
		ko "$1: apparmor_parser: $(head -3 "$work/parser.err")"
	fi
	# the abstraction that was compiled is the project's own
	apparmor_parser -p -I "$work/inc" -I "$aadir" "$out/$pname" \
	    2>/dev/null | grep -v -e '^[[:space:]]*#' -e 'deny ' >"$work/pre"
	grep -qF 'signal (receive) peer=vmhost-secd,' "$work/pre" && ok ||
	    ko "$1: project abstraction not used"
	# a file the guest was not given is named by no rule
	cat "$out/$pname.files" >>"$work/pre"
	sed -n 's/^absent //p' "$2" >"$work/absent"
	while read -r p; do
		if grep -qF -e "\"$p\"" -e " $p " "$work/pre"; then
			ko "$1: $p is granted"
		else
			ok
		fi
	done <"$work/absent"
	# negative control: the same profile with one broken rule must fail
	printf '  "/srv/x" rwz,\n' >>"$out/$pname.files"
	parse "$out/$pname" && ko "$1: parser accepted a broken rule" || ok
}

for spec in "$data"/*.guest; do
	name=$(basename "$spec" .guest)
	rm -rf "$work/inc" && mkdir -p "$work/inc/vmhost"
	if grep -q '^error ' "$spec"; then
		expect_error "$name" "$spec"
	else
		check_guest "$name" "$spec"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
