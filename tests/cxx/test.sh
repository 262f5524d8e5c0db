#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/cxx/test.sh - runs each program built from main.c / main.cc and
# compares its output with the expected one.
#
# usage: tests/cxx/test.sh EXPECTED PROGRAM...
set -u

expected=$1
shift
pass=0
fail=0
for prog in "$@"; do
	if out=$("$prog") && [ "$out" = "$(cat "$expected")" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "test-cxx: $prog: wrong output or status:"
		printf '%s\n' "$out" | sed 's/^/  /'
	fi
done
echo "test-cxx: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
