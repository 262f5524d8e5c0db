#!/bin/sh
# SPDX-License-Identifier: MIT
# compiler.sh - pipec out of memory: compiles each FILE with the test
# build PIPEC_FAULTS (tests/nomem/faults.c) once for every N = 0, 1, 2...
# with allocation N made to fail, until a run in which none failed.
#
# usage: tests/nomem/compiler.sh PIPEC_FAULTS FILE.pipe...
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
nfiles=$#
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pipec-nomem.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

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

# The directory's files and their contents, in one listing.
snapshot() {
	(cd "$1" && for f in $(ls -A | LC_ALL=C sort); do
		echo "== $f"
		cat "$f"
	done)
}

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
	rm -rf "$out" && mkdir "$out"
	unset PIPEC_FAIL_AT
	if ! "$pipec" "$@" 2>"$tmp/err"; then
		n=none
		bad "pipec fails without a failed allocation"
		continue
	fi
	snapshot "$out" >"$tmp/good"

	n=0
	while :; do
		rm -rf "$out" && mkdir "$out"
		if [ $((n % 2)) -eq 1 ]; then
			for f in $names; do
				echo "older $f" >"$out/$f"
			done
		fi
		snapshot "$out" >"$tmp/before"
		rm -f "$tmp/report"
		PIPEC_FAIL_AT=$n "$pipec" "$@" >/dev/null 2>"$tmp/err"
		status=$?
		runs=$((runs + 1))
		failed=$(cut -d' ' -f2 "$tmp/report" 2>/dev/null)
		snapshot "$out" >"$tmp/after"
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
		# The run in which no allocation failed ends the sweep.
		[ "$failed" = -1 ] && break
		if [ -z "$failed" ] || [ "$failed" != $n ]; then
			bad "no report of the failed allocation ('$failed')"
			break
		fi
		n=$((n + 1))
	done
done
echo "nomem-compiler: $nfiles files, $runs runs (allocation N failing," \
	"for every N), $fail failed"
[ $fail -eq 0 ]
