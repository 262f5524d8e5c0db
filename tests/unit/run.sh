#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/unit/run.sh - runs each cmocka test program given, every one even
# after a failure, and sums up. With WRAP set (valgrind and its options),
# each runs under it and only the wrapper's reports are shown.
#
# usage: [WRAP='valgrind ...'] tests/unit/run.sh PROGRAM...
set -u

wrap=${WRAP:-} # words without spaces: split on purpose below
pass=0
fail=0
failed=""
run() {
	if [ -n "$wrap" ]; then
		echo "valgrind $1"
		# shellcheck disable=SC2086
		$wrap "$1" >/dev/null
	else
		echo "$1"
		"$1"
	fi
}

for t in "$@"; do
	if run "$t"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $(basename "$t")"
	fi
done
[ -z "$failed" ] || echo "failed:$failed"
echo "unit${wrap:+-valgrind}: $pass passed, $fail failed"
[ $fail -eq 0 ]
