#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/test.sh - each benchmark program once, briefly, so that they cannot
# rot between two runs of make bench: each must exit 0.
#
# usage: bench/test.sh BINDIR   (where seed and spsc were built)
set -u

bin=$1
pass=0
fail=0

check() {
	if "$@" >/dev/null; then
		pass=$((pass + 1))
	else
		echo "test-bench: '$*' failed"
		fail=$((fail + 1))
	fi
}

check "$bin/seed" 1000 2 4
check "$bin/seed" 1000 1 unbounded
check "$bin/spsc" 10000 0

echo "test-bench: $pass passed, $fail failed"
[ $fail -eq 0 ]
