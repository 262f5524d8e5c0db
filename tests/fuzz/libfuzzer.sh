#!/bin/sh
# SPDX-License-Identifier: MIT
# libfuzzer.sh - runs the libFuzzer targets built in DIR (tests/fuzz/
# fuzz.mk): fuzz_compile and fuzz_cc, with the seeds in DIR/seeds and the
# regression inputs of tests/regress/.
#
# usage: tests/fuzz/libfuzzer.sh fuzz DIR SECONDS CORPUS [TARGET...]
#   fuzzes with each target (compile, cc; default both) for SECONDS, one
#   after the other, at the lowest priority (nice -n 19), growing
#   CORPUS/compile and CORPUS/cc; a crash, leak, hang or bad output goes
#   to DIR/artifacts/. Prints each run's executions, time and corpus
#   size.
# usage: tests/fuzz/libfuzzer.sh check DIR SECONDS
#   (make check) replays every seed and regression input through
#   fuzz_compile, fuzzes with it for SECONDS from a fixed seed
#   (FUZZ_SMOKE_SEED, default 1) into a scratch corpus, and replays a
#   few inputs (the examples, the golden tests, tests/regress/cc-*)
#   through fuzz_cc, each of which the checks must accept. Fails on the
#   first finding.
#
# FUZZ_ENV (environment settings for the targets) and FUZZ_FLAGS (more
# libFuzzer flags) come from the makefile. fuzz_cc compiles with gcc and
# clang, and the header as C++ with g++, unless PIPEC_FUZZ_CC and
# PIPEC_FUZZ_CXX (environment) say otherwise.
set -u

mode=$1
dir=$2
seconds=$3
corpus=${4:-}
[ $# -gt 4 ] && shift 4 || set -- compile cc
regress=tests/regress

# shellcheck disable=SC2086
export ${FUZZ_ENV:?}
PIPEC_FUZZ_CC=${PIPEC_FUZZ_CC:-gcc clang}
PIPEC_FUZZ_CXX=${PIPEC_FUZZ_CXX-g++}
export PIPEC_FUZZ_CC PIPEC_FUZZ_CXX

# The last value of a libFuzzer final statistic in a log.
stat() {
	sed -n "s/^stat::$1: *//p" "$2" | tail -n 1
}

case $mode in
fuzz)
	mkdir -p "$dir/artifacts"
	status=0
	for target in "$@"; do
		mkdir -p "$corpus/$target"
		log=$dir/fuzz-$target.log
		# fuzz_cc runs a C compiler per input: a longer time-out.
		limit=10
		[ $target = cc ] && limit=120
		echo "== fuzz_$target for ${seconds}s (corpus $corpus/$target," \
			"log $log)"
		start=$(date +%s)
		# shellcheck disable=SC2086
		nice -n 19 "$dir/fuzz_$target" $FUZZ_FLAGS \
			-max_total_time="$seconds" -timeout=$limit \
			-artifact_prefix="$dir/artifacts/$target-" \
			"$corpus/$target" "$dir/seeds" "$regress" \
			>"$log" 2>&1
		rc=$?
		echo "fuzz_$target: exit $rc," \
			"$(stat number_of_executed_units "$log") executions in" \
			"$(($(date +%s) - start)) s," \
			"corpus $(ls "$corpus/$target" | wc -l) files," \
			"$(stat peak_rss_mb "$log") MB peak"
		if [ $rc -ne 0 ]; then
			grep -A 30 "ERROR:\|fuzz harness:" "$log" | head -n 60
			echo "(the input: $(sed -n \
				's/.*Test unit written to //p' "$log"))"
			status=1
		fi
	done
	exit $status
	;;
check) ;;
*)
	echo "usage: $0 fuzz|check DIR SECONDS [CORPUS]" >&2
	exit 2
	;;
esac

scratch=$dir/check
rm -rf "$scratch"
mkdir -p "$scratch/corpus"
log=$scratch/log

fail() {
	echo "FAIL libfuzzer: $1 (log: $log)"
	grep -A 40 "ERROR:\|fuzz harness:" "$log" | head -n 80
	exit 1
}

# 1. Every seed and regression input, once each.
inputs=$(ls "$dir"/seeds/*.pipe "$regress"/*.pipe 2>/dev/null)
# shellcheck disable=SC2086
"$dir/fuzz_compile" -timeout=10 $inputs >"$log" 2>&1 ||
	fail "fuzz_compile on the seeds and tests/regress"
replayed=$(echo "$inputs" | wc -l)

# 2. A short run, from a fixed seed.
# shellcheck disable=SC2086
"$dir/fuzz_compile" $FUZZ_FLAGS -seed="${FUZZ_SMOKE_SEED:-1}" \
	-max_total_time="$seconds" -timeout=10 \
	-artifact_prefix="$scratch/" "$scratch/corpus" "$dir/seeds" \
	"$regress" >"$log" 2>&1 ||
	fail "fuzz_compile for ${seconds}s (seed ${FUZZ_SMOKE_SEED:-1})"
runs=$(stat number_of_executed_units "$log")

# 3. The generated C of a few inputs, compiled.
cc_inputs=$(ls examples/*/*.pipe tests/golden/*.pipe \
	"$regress"/cc-*.pipe 2>/dev/null)
# shellcheck disable=SC2086
PIPEC_FUZZ_MUST_COMPILE=1 "$dir/fuzz_cc" -timeout=120 $cc_inputs \
	>"$log" 2>&1 ||
	fail "fuzz_cc on the examples, golden tests and tests/regress/cc-*"
compiled=$(echo "$cc_inputs" | wc -l)

echo "libfuzzer: $replayed inputs replayed, $runs runs in ${seconds}s," \
	"$compiled inputs compiled: passed"
