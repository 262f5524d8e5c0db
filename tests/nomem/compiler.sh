#!/bin/sh
# SPDX-License-Identifier: MIT
# compiler.sh - pipec out of memory: compiles each FILE with the test
# build PIPEC_FAULTS (tests/nomem/faults.c) once for every N = 0, 1, 2...
# with allocation N made to fail, up to the number of allocations of a
# run without failure.
#
# usage: tests/nomem/compiler.sh PIPEC_FAULTS FILE.pipe...
#
# With NOMEM_STRIDE=K (environment; default 1), the first and the last 8
# allocations of each file fail one by one (reading the file and the
# parser's start; writing the outputs), the others every Kth only.
#
# A last input is made here: the first FILE with 200 KiB of comments, so
# that the buffer pipec reads a file into must grow (realloc) too.
#
# Each run writes every output (a pipeline: -MD --main --dot, the .c and
# the .h; a message file: -MD and the .h) into a directory that is empty,
# or, every other N, holds older outputs. A run must either
#   - exit 0 with exactly the outputs of a run without failure (an
#     allocation pipec can do without, such as the file it reads to see
#     whether the header changed), or
#   - exit 1 saying "out of memory" ("Cannot allocate memory" where a
#     file could not be opened for it), leaving the directory as it was:
#     no output written, none half-written, no temporary file left;
# never crash, never trip a sanitizer (in the asan build a leak fails).
set -u

pipec=$1
shift
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pipec-nomem.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

big=$tmp/big.pipe
{
	cat "$1"
	i=0
	while [ $i -lt 3200 ]; do
		echo "// $i: a comment line of about sixty-four bytes, to pad"
		i=$((i + 1))
	done
} >"$big"
set -- "$@" "$big"
nfiles=$#

# Sanitizer failures get exit codes of their own, apart from pipec's.
ASAN_OPTIONS=exitcode=86:detect_leaks=1:abort_on_error=0
UBSAN_OPTIONS=exitcode=87:halt_on_error=1:print_stacktrace=1
LSAN_OPTIONS=exitcode=88
PIPEC_FAULTS_REPORT=$tmp/report
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS PIPEC_FAULTS_REPORT

out=$tmp/out
runs=0
fail=0

bad() {
	fail=$((fail + 1))
	echo "FAIL $file, allocation $n failed: $1"
	head -c 2000 "$tmp/err"
}

# The directory's files (temporary ones included) and their contents, in
# one listing.
snapshot() {
	tail -n +1 -- "$out"/* 2>&1
}

mkdir "$out"
for file in "$@"; do
	if grep -q '^pipeline ' "$file"; then
		set -- -MD --main --dot "$out/x.dot" -o "$out/x.c" \
			-H "$out/x.h" "$file"
		names="x.c x.h x.c.d x.dot"
	else
		set -- -MD -H "$out/x.h" "$file"
		names="x.h x.h.d"
	fi
	# The outputs of a run without failure.
	rm -f "$out"/*
	unset PIPEC_FAIL_AT
	rm -f "$tmp/report"
	if ! "$pipec" "$@" 2>"$tmp/err" || [ ! -f "$tmp/report" ]; then
		n=none
		bad "pipec fails without a failed allocation"
		continue
	fi
	snapshot >"$tmp/good"
	read -r total failed <"$tmp/report"

	n=0
	while [ $n -lt "$total" ]; do
		if [ $n -ge 8 ] && [ $n -lt $((total - 8)) ] &&
			[ $((n % ${NOMEM_STRIDE:-1})) -ne 0 ]; then
			n=$((n + 1))
			continue
		fi
		rm -f "$out"/* "$tmp/report"
		if [ $((n % 2)) -eq 1 ]; then
			for f in $names; do
				echo "older $f" >"$out/$f"
			done
		fi
		snapshot >"$tmp/before"
		PIPEC_FAIL_AT=$n "$pipec" "$@" >/dev/null 2>"$tmp/err"
		status=$?
		runs=$((runs + 1))
		failed=""
		[ -f "$tmp/report" ] && read -r attempts failed <"$tmp/report"
		snapshot >"$tmp/after"
		if grep -q "Sanitizer\|runtime error:\|internal error" \
			"$tmp/err"; then
			bad "a sanitizer report or an internal error (exit $status)"
		elif [ "$status" -eq 0 ]; then
			cmp -s "$tmp/good" "$tmp/after" ||
				bad "exit 0, but the outputs are not those of a run without failure"
		elif [ "$status" -eq 1 ]; then
			grep -q "out of memory\|Cannot allocate memory" \
				"$tmp/err" || bad "exit 1 without 'out of memory'"
			cmp -s "$tmp/before" "$tmp/after" ||
				bad "exit 1, but the directory changed: $(ls -A "$out" | tr '\n' ' ')"
		else
			bad "exit status $status"
		fi
		if [ -z "$failed" ] || [ "$failed" != $n ]; then
			bad "no report of the failed allocation ('$failed')"
			break
		fi
		n=$((n + 1))
	done
done
echo "nomem-compiler: $nfiles files, $runs runs (allocation N failing," \
	"N in steps of ${NOMEM_STRIDE:-1}), $fail failed"
[ $fail -eq 0 ]
