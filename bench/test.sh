#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/test.sh - each benchmark program once, briefly, in each scheduling
# mode, so that they cannot rot between two runs of make bench: each must
# exit 0 and print the keys bench/run.sh reads. Our Go and Rust peers
# (bench/peers) run too when they were built.
#
# usage: BIN=DIR PEER_BIN=DIR CHAIN_N=N bench/test.sh   (make test-bench)
#   BIN       seed, spsc, cancel and chain-N/chain, as bench.mk builds them
#   PEER_BIN  cancel_go and cancel_rs, if their toolchain is installed
set -u

bin=${BIN:?}
peers=${PEER_BIN:-}
chain=$bin/chain-${CHAIN_N:?}/chain
pass=0
fail=0

# check KEYS CMD... : CMD exits 0 and prints a line with each of KEYS
# ("name=" for a key, "name=value" for a key and its value).
check() {
	keys=$1
	shift
	if ! out=$("$@" 2>&1); then
		echo "test-bench: '$*' failed: $out"
		fail=$((fail + 1))
		return
	fi
	for k in $keys; do
		case " $out" in
		*" $k"*) ;;
		*)
			echo "test-bench: '$*' printed no $k: $out"
			fail=$((fail + 1))
			return
			;;
		esac
	done
	pass=$((pass + 1))
}

for mode in pool threads; do
	check "sched=$mode thr_per_s= wasted=" "$bin/seed" 1000 2 4 $mode
	check "thr_per_s= wasted=" "$bin/seed" 1000 1 unbounded $mode
	check "sched=$mode msgs_per_s=" "$bin/spsc" 10000 0 $mode
	check "msgs_per_s=" "$bin/spsc" 10000 unbounded $mode
	for pos in send recv; do
		check "sched=$mode position=$pos cancel_us_p50= cancel_us_p99= wasted_max=" \
			"$bin/cancel" 20 50 2 4 $pos 100 $mode
	done
	check "sched=$mode complete=1 hops_per_s= rss_per_stage_b=" \
		"$chain" 200 0 30 $mode
	check "complete= hops_per_s=" "$chain" 200 64 30 $mode
done
# No mode: the environment's (PIPEC_SCHED).
check "sched=default thr_per_s=" env PIPEC_SCHED=threads "$bin/seed" 100 1 0
# A chain cut short by its time limit still reports what it did.
check "complete=0 hops_per_s=" "$chain" 1000000000 0 1 pool

for peer in "$peers/cancel_go" "$peers/cancel_rs"; do
	[ -x "$peer" ] || continue
	for pos in send recv; do
		check "cancel_us_p50= cancel_us_p99= wasted_max=" \
			"$peer" 20 50 2 4 $pos 100
	done
done

echo "test-bench: $pass passed, $fail failed"
[ $fail -eq 0 ]
