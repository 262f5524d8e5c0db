#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/test.sh - each benchmark program once, briefly, in each scheduling
# mode, so that they cannot rot between two runs of make bench: each must
# exit 0 and print the keys bench/run.sh reads. Our Go and Rust peers
# (bench/peers) run too when they were built. Then bench/run.sh itself:
# a tiny run must print every kind of row, and the table of a made-up raw
# file must judge its targets, ratios and R13 bound as docs/performance.md
# says.
#
# usage: BIN=DIR PEER_BIN=DIR PIPEC=FILE CC=CC CHAIN_N=N bench/test.sh
#   BIN       seed, spsc, cancel and chain-N/chain, as bench.mk builds them
#   PEER_BIN  the peers that were built (cancel_go and cancel_rs if their
#             toolchain is installed; the others after a make bench)
#   (make test-bench)
set -u

here=$(dirname "$0")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pipec-test-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

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

# has FILE LINE...: FILE holds each LINE, whole
has() {
	file=$1
	shift
	for want in "$@"; do
		if grep -qxF -- "$want" "$file"; then
			pass=$((pass + 1))
		else
			echo "test-bench: no line '$want' in:"
			cat "$file"
			fail=$((fail + 1))
		fi
	done
}

# A tiny run, end to end: every kind of row is there.
if QUICK=1 MODES="pool threads" RUNS=1 K=300 K_SLOW=100 WS=2 CAPS="0 64" \
	N=1000 N_SLOW=300 PING_CAPS="0 1024" LAT_RUNS=5 LAT_SETTLE_US=100 \
	CHAIN_M=50 CHAIN_RUST_N=$CHAIN_N COMPILE_NS=100 \
	"$here/run.sh" >"$tmp/table" 2>"$tmp/err"; then
	for row in "seed pipeline | 2 | 64 | pool" "seed pipeline | 2 | 0 | threads" \
		"ping, one channel | - | 1024 | pool" \
		"cancel (a), gen in send, median | 2 | 64 | threads" \
		"cancel (b), stages in receive, p99 | 2 | 64 | pool" \
		"wasted after the stop, seed runs (worst/bound) | 2 | 64 | pool" \
		"wasted after the stop, cancel (a) (max/bound) | 2 | 64 | threads" \
		"chain of $CHAIN_N stages, hops | - | 0 | pool" \
		"chain of $CHAIN_N stages, peak RSS per stage | - | 64 | threads" \
		"compile 100 stages: pipec" "compile 100 stages: cc -O2 of pipec's C"; do
		if grep -qF "| $row |" "$tmp/table"; then
			pass=$((pass + 1))
		else
			echo "test-bench: run.sh printed no row '$row'"
			fail=$((fail + 1))
		fi
	done
	rows=$(grep -c '^|' "$tmp/table")
	if [ "$rows" -ne 34 ]; then
		echo "test-bench: run.sh's table has $rows lines, not 34"
		fail=$((fail + 1))
	fi
else
	echo "test-bench: bench/run.sh failed:"
	cat "$tmp/err"
	fail=$((fail + 1))
fi

# The table of made-up results: ratios the right way up (> 1: pipec
# better), targets judged, a run over the R13 bound (3 CAP + W + 3), a
# cut or killed chain marked, and a chain run three times taken at its
# median.
cat >"$tmp/raw" <<'EOF'
tag=meta QUICK=0 MODES=pool TARGET_MODE=pool RUNS=1 K=1 K_SLOW=1 WS=2 CAPS=64 N=1 N_SLOW=1 PING_CAPS=0 LAT_RUNS=9 LAT_K=1 LAT_W=2 LAT_CAP=64 LAT_SETTLE_US=1 CHAIN_N=100 CHAIN_M=1 CHAIN_CAPS=0,64 CHAIN_RUNS=3 CHAIN_RUST_N=100 CHAIN_LIMIT_S=7 CHAIN_PEER_LIMIT_S=9 COMPILE_NS=10000 COMPILE_CC_10K=0
# a made-up run
tag=seed:pipec-pool:2:64 thr_per_s=300 wasted=198
tag=seed:go:2:64 thr_per_s=100 wasted=10
tag=seed:rust:2:64 thr_per_s=200 wasted=197
tag=ping:pipec-pool:0 msgs_per_s=50
tag=ping:go:0 msgs_per_s=100
tag=cancel:pipec-pool:send cancel_us_p50=10 cancel_us_p99=150 wasted_max=197
tag=cancel:go:send cancel_us_p50=20 cancel_us_p99=30 wasted_max=198
tag=cancel:pipec-pool:recv cancel_us_p50=40 cancel_us_p99=99 wasted_max=0
tag=cancel:rust:recv cancel_us_p50=30 cancel_us_p99=99 wasted_max=0
tag=chain:pipec-pool:0 complete=0 hops_per_s=1000 rss_per_stage_b=4096
tag=chain:go:0 timeout=9
tag=chain:rust:0 complete=1 hops_per_s=500 rss_per_stage_b=16384
tag=chain:pipec-pool:64 complete=1 hops_per_s=3000 rss_per_stage_b=4096
tag=chain:go:64 complete=1 hops_per_s=1000 rss_per_stage_b=3072
tag=chain:pipec-pool:64 complete=1 hops_per_s=1000 rss_per_stage_b=8192
tag=chain:go:64 complete=1 hops_per_s=1500 rss_per_stage_b=3072
tag=chain:pipec-pool:64 complete=1 hops_per_s=2000 rss_per_stage_b=6144
tag=chain:go:64 complete=1 hops_per_s=500 rss_per_stage_b=3072
tag=compile:pipec:10000 secs=0.5
tag=compile:cc:10000 skipped=COMPILE_CC_10K
EOF
if "$here/run.sh" --report "$tmp/raw" >"$tmp/table" 2>"$tmp/err"; then
	has "$tmp/table" "- a made-up run" \
		"| seed pipeline | 2 | 64 | pool | values/s | 300.0 | 100.0 | 3.00 | 200.0 | 1.50 | ≥ 2× go, ≥ 1.5× rust | met |" \
		"| ping, one channel | - | 0 | pool | msgs/s | 50.0 | 100.0 | 0.50 | - | - | ≥ go | missed |" \
		"| cancel (a), gen in send, median | 2 | 64 | pool | µs | 10.0 | 20.0 | 2.00 | - | - | ≤ go | met |" \
		"| cancel (a), gen in send, p99 | 2 | 64 | pool | µs | 150.0 | 30.0 | 0.20 | - | - | < 100 µs | missed |" \
		"| cancel (b), stages in receive, median | 2 | 64 | pool | µs | 40.0 | - | - | 30.0 | 0.75 | ≤ go | - |" \
		"| cancel (b), stages in receive, p99 | 2 | 64 | pool | µs | 99.0 | - | - | 99.0 | 1.00 | < 100 µs | met |" \
		"| wasted after the stop, seed runs (worst/bound) | 2 | 64 | pool | values | 198/197 (W=2), 1 of 1 over | 10/197 (W=2) | - | 197/197 (W=2) | - | ≤ R13 bound | missed |" \
		"| wasted after the stop, cancel (a) (max/bound) | 2 | 64 | pool | values | 197/197 | 198/197 | - | - | - | ≤ R13 bound | met |" \
		"| chain of 100 stages, hops | - | 0 | pool | hops/s | 1.0k (cut at 7 s) | killed at 9 s | - | 500.0 | 2.00 | ≥ go | - |" \
		"| chain of 100 stages, peak RSS per stage | - | 0 | pool | KiB | 4.0 (cut at 7 s) | killed at 9 s | - | 16.0 | 4.00 | ≤ 8 KiB | met |" \
		"| chain of 100 stages, hops | - | 64 | pool | hops/s | 2.0k | 1.0k | 2.00 | - | - | ≥ go | met |" \
		"| chain of 100 stages, peak RSS per stage | - | 64 | pool | KiB | 6.0 | 3.0 | 0.50 | - | - | ≤ 8 KiB | met |" \
		"- seed: K = 1 values (K_SLOW = 1 at CAP 0 and 1 for Rust and pipec threads), median of 1 runs; ping: N = 1 messages (N_SLOW = 1), median of 1 runs; cancel: 9 runs in one process, K = 1, settle 1 µs; chain: 1 values, median of 3 runs (pipec's other modes: one run), pipec's cut at 7 s" \
		"| compile 10000 stages: pipec | - | - | - | s | 0.500 | - | - | - | - | < 1 s | met |" \
		"| compile 10000 stages: cc -O2 of pipec's C | - | - | - | s | skipped (COMPILE_CC_10K=0) | - | - | - | - | - | - |" \
		"- pipec-pool, seed W=2 CAP=64: 198 wasted, bound 197" \
		"- go, cancel (a): up to 198 wasted, bound 197"
else
	echo "test-bench: bench/run.sh --report failed:"
	cat "$tmp/err"
	fail=$((fail + 1))
fi

echo "test-bench: $pass passed, $fail failed"
[ $fail -eq 0 ]
