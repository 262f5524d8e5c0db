#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/unit/valgrind-pipec.sh - pipec under valgrind (or another
# wrapper): on a valid file with every output (-MD, --dot), and on a file
# full of errors, which must exit with status 1 and nothing else to say.
#
# usage: tests/unit/valgrind-pipec.sh PIPEC WORKDIR WRAPPER...
#   (from the top of the tree)
set -u

pipec=$1
mkdir -p "$2"
work=$(mktemp -d "$2/valgrind.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
shift 2
pass=0
fail=0

"$@" "$pipec" -MD --dot "$work/g.dot" -o "$work/graph.c" \
	tests/fuzz/seeds/graph.pipe
status=$?
if [ $status -eq 0 ]; then pass=$((pass + 1)); else
	echo "valgrind-pipec: a valid file: exit status $status, expected 0"
	fail=$((fail + 1))
fi

"$@" "$pipec" -o "$work/x.c" tests/diagnostics/many-errors.pipe \
	2>"$work/err"
status=$?
if [ $status -eq 1 ]; then pass=$((pass + 1)); else
	cat "$work/err"
	echo "valgrind-pipec: a file with errors: exit status $status," \
		"expected 1"
	fail=$((fail + 1))
fi

echo "valgrind-pipec: $pass passed, $fail failed"
[ $fail -eq 0 ]
