#!/bin/sh
# SPDX-License-Identifier: MIT
# examples/handwritten/test.sh - runs the hand-written seed pipeline. With
# one worker the order is fixed: 0..31 squared are printed (32^2 = 1024 is
# the first past 1000). With several workers squares may overtake each
# other, so the check is: distinct squares, none past the limit.
#
# usage: examples/handwritten/test.sh PROGRAM
set -u

prog=$1
dir=$(mktemp -d "$(dirname "$prog")/test.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
out=$dir/out
pass=0
fail=0

check() {
	what=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		echo "test-handwritten: $what"
		fail=$((fail + 1))
	fi
}
in_order() {
	"$prog" --limit 1000 "$@" 2>/dev/null >"$out" &&
		seq 0 31 | awk '{ print $1 * $1 }' | cmp -s - "$out"
}
any_order() {
	"$prog" --limit 1000 "$@" 2>/dev/null >"$out" &&
		awk '{ r = int(sqrt($1) + 0.5)
			if (r * r != $1 || $1 > 1000 || seen[$1]++) bad = 1 }
			END { exit bad || NR < 20 }' "$out"
}

for cap in 0 1 16; do
	check "1 worker, capacity $cap: wrong output" \
		in_order --workers 1 --capacity "$cap"
	check "3 workers, capacity $cap: wrong output" \
		any_order --workers 3 --capacity "$cap"
done

echo "test-handwritten: $pass passed, $fail failed"
[ $fail -eq 0 ]
