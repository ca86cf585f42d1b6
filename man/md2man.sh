#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A man page from a Markdown page whose first line is "# NAME(N) — what it is"
# and whose sections are "## HEADING": pandoc's man writer, with the first
# line turned into the .TH line and the NAME section.
#   man/md2man.sh PANDOC IN.md OUT.N VERSION
set -eu
pandoc=$1 in=$2 out=$3 version=$4
first=$(head -n 1 "$in")
name=$(printf '%s\n' "$first" | sed -n 's/^# \([A-Za-z0-9_.-]*\)(\([0-9]\)) — \(.*\)$/\1/p')
sect=$(printf '%s\n' "$first" | sed -n 's/^# \([A-Za-z0-9_.-]*\)(\([0-9]\)) — \(.*\)$/\2/p')
what=$(printf '%s\n' "$first" | sed -n 's/^# \([A-Za-z0-9_.-]*\)(\([0-9]\)) — \(.*\)$/\3/p')
if [ -z "$name" ] || [ -z "$sect" ] || [ -z "$what" ]; then
  echo "error: $in: the first line must be '# NAME(N) — description'" >&2
  exit 1
fi
case $sect in
1) manual="vmhost Manual" ;;
*) manual="vmhost Administration" ;;
esac
tmp=$out.tmp
{
  printf '## NAME\n\n%s - %s\n\n' "$name" "$what"
  tail -n +2 "$in"
} | "$pandoc" --from=markdown-smart --to=man --standalone \
  --shift-heading-level-by=-1 \
  --metadata=title="$name" --metadata=section="$sect" \
  --metadata=header="$manual" --metadata=footer="vmhost $version" \
  --metadata=date="" --output="$tmp"
mv "$tmp" "$out"
