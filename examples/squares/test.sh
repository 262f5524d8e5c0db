#!/bin/sh
# SPDX-License-Identifier: MIT
# examples/squares/test.sh - runs the seed pipeline. With one worker the
# order is fixed: the squares of 0..31 (32^2 = 1024 is the first past the
# default limit, 1000). With several workers squares may overtake each
# other, so the check is: distinct squares, none past the limit, and the
# statistics show that every stage but the consumer was cancelled.
#
# usage: examples/squares/test.sh PROGRAM
set -u

prog=$1
dir=$(mktemp -d "$(dirname "$prog")/test.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
out=$dir/out
err=$dir/err
pass=0
fail=0

# check DESCRIPTION COMMAND...: counts the command's success.
check() {
	what=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		echo "test-squares: $what"
		fail=$((fail + 1))
	fi
}
# The squares of 0..31, in order.
in_order() {
	"$prog" "$@" >"$out" 2>"$err" &&
		seq 0 31 | awk '{ print $1 * $1 }' | cmp -s - "$out"
}
# Distinct squares up to 5000, at least 20, with the statistics.
any_order() {
	"$prog" "$@" --limit 5000 --stats >"$out" 2>"$err" &&
		awk '{ r = int(sqrt($1) + 0.5)
			if (r * r != $1 || $1 > 5000 || seen[$1]++) bad = 1 }
			END { exit bad || NR < 20 }' "$out" &&
		grep -q '^square\[2\] .* yes$' "$err" &&
		grep -q '^print\[0\] .* no$' "$err"
}
limit_10() {
	"$prog" --limit 10 --workers 1 >"$out" &&
		printf '0\n1\n4\n9\n' | cmp -s - "$out"
}

for cap in 0 1 16; do
	check "1 worker, capacity $cap: wrong output" \
		in_order --workers 1 --capacity "$cap"
	check "3 workers, capacity $cap: wrong output or statistics" \
		any_order --workers=3 --capacity="$cap"
done
check "--limit 10: wrong output" limit_10

echo "test-squares: $pass passed, $fail failed"
[ $fail -eq 0 ]
