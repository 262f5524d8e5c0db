#!/bin/sh
# SPDX-License-Identifier: MIT
# examples/wordfreq/test.sh - runs wordfreq on sample.txt: the report must
# equal expected.txt whatever the number of workers and the capacities.
#
# usage: examples/wordfreq/test.sh PROGRAM   (from the top of the tree)
set -u

prog=$1
here=examples/wordfreq
out=$(mktemp "$(dirname "$prog")/test.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT
pass=0
fail=0

for args in "" "--workers 1 --capacity 0" "--workers 8 --capacity 1" \
	"--workers=2 --capacity=64"; do
	# shellcheck disable=SC2086 # the options are words
	if "$prog" --top 8 $args <"$here/sample.txt" >"$out" &&
		cmp -s "$out" "$here/expected.txt"; then
		pass=$((pass + 1))
	else
		echo "test-wordfreq: '$args': wrong output"
		diff "$here/expected.txt" "$out"
		fail=$((fail + 1))
	fi
done

echo "test-wordfreq: $pass passed, $fail failed"
[ $fail -eq 0 ]
