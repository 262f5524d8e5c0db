#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/build/help.sh - make help names every target declared .PHONY (but
# the rules' own, named pipec__*) and every variable a user may set: those
# the makefiles set with ?=, and CC, V and DESTDIR. (mk/pipec.mk's own
# variables are for projects that include it: docs/compiler.md.)
#
# usage: tests/build/help.sh MAKE   (from the top of the tree)
set -u

make=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pipec-help.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

$make --no-print-directory help >"$tmp/help" || exit 1
# Its words, one a line.
tr -s ' \t,()/=|' '\n' <"$tmp/help" >"$tmp/words"
# make's own view of the targets (-p: the rules, -q: run nothing).
$make --no-print-directory -pq help 2>/dev/null |
	sed -n 's/^\.PHONY: //p' | tr ' ' '\n' | grep -v '^pipec__' |
	sort -u >"$tmp/targets"
for f in Makefile ./*/*.mk ./*/*/*.mk; do
	case "$f" in ./mk/*) ;; *) grep -h '^[A-Z_][A-Z_]* *?=' "$f" ;; esac
done | sed 's/ *?=.*//' | sort -u >"$tmp/vars"
printf '%s\n' CC V DESTDIR >>"$tmp/vars"

while read -r name; do
	if grep -qx -- "$name" "$tmp/words"; then
		pass=$((pass + 1))
	else
		echo "test-help: make help does not name '$name'"
		fail=$((fail + 1))
	fi
done <<EOF2
$(cat "$tmp/targets" "$tmp/vars")
EOF2
[ "$(wc -l <"$tmp/targets")" -gt 20 ] || {
	echo "test-help: found only $(wc -l <"$tmp/targets") targets"
	fail=$((fail + 1))
}

echo "test-help: $pass passed, $fail failed"
[ $fail -eq 0 ]
