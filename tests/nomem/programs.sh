#!/bin/sh
# SPDX-License-Identifier: MIT
# programs.sh - the examples' programs out of memory: each, built in DIR
# against the runtime's test build (tests/nomem/rt_faults.c), runs once
# for every N = 0, 1, 2... with the runtime's allocation N made to fail,
# until a run in which none failed.
#
# usage: tests/nomem/programs.sh DIR
#
# With NOMEM_STRIDE=K (environment; default 1), allocations 0 to 7 fail
# one by one, the later ones every Kth only.
#
# Every run must leave no block of the runtime allocated, never crash,
# never trip a sanitizer, and either succeed with the output of a run
# without failure, or report "out of memory" with the program's failure
# status (1; pgrep's own main: 2).
#
# Each program runs twice. With every channel a rendezvous (--capacity
# 0), the runtime allocates only while it builds and starts the run. With
# buffered channels, a channel's buffer also grows during the run, and a
# send can then fail for lack of memory in the middle of the run; the
# examples' bodies take that status for "stop" like any other, so only
# the runtime ending the run with PIPEC_NOMEM gets it reported.
set -u

dir=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pipec-nomem.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

ASAN_OPTIONS=exitcode=86:detect_leaks=1:abort_on_error=0
UBSAN_OPTIONS=exitcode=87:halt_on_error=1:print_stacktrace=1
LSAN_OPTIONS=exitcode=88
PIPEC_FAULTS_REPORT=$tmp/report
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS PIPEC_FAULTS_REPORT

runs=0
fail=0

bad() {
	fail=$((fail + 1))
	echo "FAIL $name $mode, allocation $n failed: $1"
	head -c 2000 "$tmp/err"
}

# run: the program with its arguments and input ($mode: "rendezvous" adds
# --capacity 0); sorted output in $tmp/out (lines from parallel workers
# come in any order). squares has one worker: with more, which squares
# come before the first past the limit varies.
run() {
	cap=""
	[ "$mode" = rendezvous ] && cap="--capacity=0"
	case $name in
	squares) "$dir/squares" --limit 200 --workers 1 $cap ;;
	wordfreq) "$dir/wordfreq" --top 5 $cap <examples/wordfreq/sample.txt ;;
	logstats) "$dir/logstats" $cap <examples/logstats/sample.log ;;
	digest) "$dir/digest" --root examples/digest --workers 2 $cap ;;
	follow) "$dir/follow" --pattern stage <examples/follow/follow.pipe ;;
	pgrep) "$dir/pgrep" -j 2 $cap stage examples/pgrep ;;
	esac >"$tmp/raw" 2>"$tmp/err" </dev/null
	status=$?
	LC_ALL=C sort "$tmp/raw" >"$tmp/out"
}

# name:status of failure:modes
for entry in squares:1:rendezvous,buffered wordfreq:1:rendezvous,buffered \
	logstats:1:rendezvous,buffered digest:1:rendezvous,buffered \
	follow:1:buffered pgrep:2:rendezvous,buffered; do
	name=${entry%%:*}
	failure=${entry#*:}
	modes=${failure#*:}
	failure=${failure%%:*}
	for mode in $(echo "$modes" | tr , ' '); do
		n=none
		unset PIPEC_FAIL_AT
		run
		if [ $status -ne 0 ]; then
			bad "exit $status without a failed allocation"
			continue
		fi
		mv "$tmp/out" "$tmp/good"
		n=0
		while :; do
			if [ $n -ge 8 ] &&
				[ $((n % ${NOMEM_STRIDE:-1})) -ne 0 ]; then
				n=$((n + 1))
				continue
			fi
			rm -f "$tmp/report"
			PIPEC_FAIL_AT=$n
			export PIPEC_FAIL_AT
			run
			runs=$((runs + 1))
			failed=""
			[ -f "$tmp/report" ] &&
				read -r attempts failed live <"$tmp/report"
			if grep -q "Sanitizer\|runtime error:" "$tmp/err"; then
				bad "a sanitizer report (exit $status)"
			elif [ $status -eq 0 ] && cmp -s "$tmp/good" "$tmp/out"; then
				:
			elif [ $status -eq 0 ] || { [ $name = pgrep ] &&
				[ $status -eq 1 ] && [ ! -s "$tmp/err" ]; }; then
				# (pgrep: 1 is "no line matched")
				bad "exit $status, but not the output of a run without failure"
			elif [ $status -eq "$failure" ]; then
				grep -q "out of memory" "$tmp/err" ||
					bad "exit $status without 'out of memory'"
			else
				bad "exit status $status"
			fi
			if [ -z "$failed" ]; then
				bad "no report"
				break
			fi
			[ "$live" -eq 0 ] || bad "$live blocks left allocated"
			[ "$failed" = -1 ] && break
			[ "$failed" = $n ] || bad "allocation $failed failed, not $n"
			n=$((n + 1))
		done
	done
done
echo "nomem-programs: 6 programs, $runs runs (allocation N of the" \
	"runtime failing, N in steps of ${NOMEM_STRIDE:-1}), $fail failed"
[ $fail -eq 0 ]
