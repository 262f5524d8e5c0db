#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/runtime/run.sh - runs the runtime's cmocka test programs, each to
# the end whatever the others did, and says whether all passed.
#
# usage: tests/runtime/run.sh NAME PROGRAM... [-- WRAPPER...]
#
# NAME labels the summary line (test-runtime, test-runtime-valgrind);
# with a WRAPPER (valgrind and its options) every program runs under it.
# The environment (PIPEC_TEST_RUNS, PIPEC_STRESS_ITERS, ...) passes on.
set -u

name=$1
shift
progs=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	progs="$progs $1"
	shift
done
[ $# -gt 0 ] && shift
wrap="$*" # words without spaces: split on purpose below

failed=0
for t in $progs; do
	echo "== ${wrap:+valgrind }$t"
	# shellcheck disable=SC2086
	$wrap "$t" || failed=$((failed + 1))
done
if [ "$failed" -eq 0 ]; then
	echo "$name: all passed"
else
	echo "$name: $failed program(s) FAILED"
	exit 1
fi
