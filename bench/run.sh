#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/run.sh - runs pipec's benchmark programs and their Go and Rust
# peers side by side, interleaved (round-robin over the configurations,
# pipec and the peers of one configuration one after the other, so that
# the machine's noise spreads over all of them), and prints ONE markdown
# table: a row per measurement and scheduling mode, with pipec's value,
# each peer's, how many times better pipec is, and whether the row meets
# its target (bench/table.awk prints it). docs/performance.md says what
# each row measures.
#
# usage: bench/run.sh                measure, then print the table
#        bench/run.sh --report FILE  print the table of raw results kept
#                                    before (SAVE_RAW=FILE)
#
# Environment, with its default [full run|QUICK=1 run]:
#   QUICK [0]                     1: the quick run (about two minutes)
#   BIN [build/bench]             seed, spsc, cancel, chain-$CHAIN_N/chain
#   PEER_BIN [build/bench-peers]  the peers (seed_go, seed_rs, spsc_go, ...,
#                                 cancel_go, cancel_rs); a peer not built
#                                 is left out of the table ("-")
#   PIPEC [build/pipec], CC [cc]  the compile-time rows
#   MODES ["pool threads"]        pipec's scheduling modes, a row each
#   TARGET_MODE [pool]            the mode whose rows the targets judge
#                                 (the R13 bound is judged in every mode)
#   RUNS [3|1]                    runs of each seed and ping configuration
#   K [300000|100000]             seed: values consumed, or K_SLOW
#                                 [30000|10000] at CAP 0 and 1 (Rust's and
#                                 pipec's thread mode)
#   WS ["1 2 4"], CAPS ["0 1 64 1024 unbounded"]  seed configurations
#   N [3000000|1000000]           ping: messages, or N_SLOW [100000|30000]
#                                 at CAP 0 and 1 (Rust's and pipec's
#                                 thread mode)
#   PING_CAPS ["0 1 1024"]
#   LAT_RUNS [1000], LAT_K [100], LAT_W [2], LAT_CAP [64],
#   LAT_SETTLE_US [1000]          cancel latency: runs (in one process),
#                                 values before the stop, workers,
#                                 capacity, the sink's wait before it
#                                 returns (so that upstream blocks)
#   CHAIN_N [10000|1000]          chain: stages (make builds that chain)
#   CHAIN_M [10000|1000]          values sent through it
#   CHAIN_CAPS ["0 64"]           capacities (numbers only)
#   CHAIN_RUNS [3|1]              runs of pipec's TARGET_MODE chain and the
#                                 peers', taken in turn (the machine's
#                                 memory speed drifts from minute to
#                                 minute: each gets its share); other modes
#                                 run once
#   CHAIN_RUST_N [1000]           chain_rs's stages (0: left out); 10,000
#                                 threads take it minutes
#   CHAIN_LIMIT_S [30|10]         pipec's chain is cut after this long
#                                 (and still measured, over that time)
#   CHAIN_PEER_LIMIT_S [300|60]   a peer's chain is killed after this long
#                                 (and pipec's, if its cut does not work)
#   COMPILE_NS ["100 1000 10000"] compile-time rows: stages
#   COMPILE_CC_10K [1|0]          0: no cc row for 10,000 stages (30-60 s)
#   SAVE_RAW                      keep the raw results in this file
set -euo pipefail

here=$(dirname "$0")

# full QUICK: the default of a knob in the full run and in the quick run.
dflt() { if [[ ${QUICK:-0} == 1 ]]; then echo "$2"; else echo "$1"; fi; }

# The knobs the table needs are kept with the raw results (the meta
# line), so that --report prints the table of any raw file.
KNOBS="QUICK MODES TARGET_MODE RUNS K K_SLOW WS CAPS N N_SLOW PING_CAPS
LAT_RUNS LAT_K LAT_W LAT_CAP LAT_SETTLE_US CHAIN_N CHAIN_M CHAIN_CAPS
CHAIN_RUNS CHAIN_RUST_N CHAIN_LIMIT_S CHAIN_PEER_LIMIT_S COMPILE_NS COMPILE_CC_10K"

set_knobs() {
	QUICK=${QUICK:-0}
	MODES=${MODES:-"pool threads"}
	TARGET_MODE=${TARGET_MODE:-pool}
	RUNS=${RUNS:-$(dflt 3 1)}
	K=${K:-$(dflt 300000 100000)}
	K_SLOW=${K_SLOW:-$(dflt 30000 10000)}
	WS=${WS:-"1 2 4"}
	CAPS=${CAPS:-"0 1 64 1024 unbounded"}
	N=${N:-$(dflt 3000000 1000000)}
	N_SLOW=${N_SLOW:-$(dflt 100000 30000)}
	PING_CAPS=${PING_CAPS:-"0 1 1024"}
	LAT_RUNS=${LAT_RUNS:-1000}
	LAT_K=${LAT_K:-100}
	LAT_W=${LAT_W:-2}
	LAT_CAP=${LAT_CAP:-64}
	LAT_SETTLE_US=${LAT_SETTLE_US:-1000}
	CHAIN_N=${CHAIN_N:-$(dflt 10000 1000)}
	CHAIN_M=${CHAIN_M:-$(dflt 10000 1000)}
	CHAIN_CAPS=${CHAIN_CAPS:-"0 64"}
	CHAIN_RUNS=${CHAIN_RUNS:-$(dflt 3 1)}
	CHAIN_RUST_N=${CHAIN_RUST_N:-1000}
	CHAIN_LIMIT_S=${CHAIN_LIMIT_S:-$(dflt 30 10)}
	CHAIN_PEER_LIMIT_S=${CHAIN_PEER_LIMIT_S:-$(dflt 300 60)}
	COMPILE_NS=${COMPILE_NS:-"100 1000 10000"}
	COMPILE_CC_10K=${COMPILE_CC_10K:-$(dflt 1 0)}
}

# ---------------------------------------------------------------------
# Measuring. The raw results: a line per program run, "tag=TAG <the
# program's key=value line>", TAG naming the benchmark, the column
# (pipec-MODE, go or rust) and the configuration (seed:pipec-pool:2:64);
# "# " lines describe the run; the meta line holds the knobs. table.awk
# reads them.

# Columns: pipec in each mode, then the peers.
columns() { for m in $MODES; do echo "pipec-$m"; done; echo go; echo rust; }

# available COLUMN PROGRAM: that column's program was built
available() {
	case $1 in
	pipec-*) [[ -x $BIN/$2 ]] ;;
	go) [[ -x $PEER_BIN/${2}_go ]] ;;
	rust) [[ -x $PEER_BIN/${2}_rs ]] ;;
	esac
}
# Go's channels have no unbounded capacity.
supports() { [[ $1 != go || $2 != unbounded ]]; }

# invoke COLUMN PROGRAM ARGS...: pipec's programs take the mode last
invoke() {
	local col=$1 prog=$2
	shift 2
	case $col in
	pipec-*) "$BIN/$prog" "$@" "${col#pipec-}" ;;
	go) "$PEER_BIN/${prog}_go" "$@" ;;
	rust) "$PEER_BIN/${prog}_rs" "$@" ;;
	esac
}

# record TAG CMD...: runs CMD, appends "tag=TAG <its line>"
record() {
	local tag=$1 line
	shift
	line=$("$@") || { echo "bench: failed: $*" >&2; exit 1; }
	echo "tag=$tag $line" >>"$raw"
}
# record_limited TAG SECONDS CMD...: record, or timeout=SECONDS if killed
record_limited() {
	local tag=$1 limit=$2 line st=0
	shift 2
	line=$(timeout "$limit" "$@") || st=$?
	case $st in
	0) echo "tag=$tag $line" >>"$raw" ;;
	124) echo "tag=$tag timeout=$limit" >>"$raw" ;;
	*) echo "bench: failed: $*" >&2; exit 1 ;;
	esac
}

# Go's goroutine hand-off pays no thread wake-up: full counts for it.
# A thread wake-up per hand-off (Rust, pipec's thread mode) makes CAP 0
# and 1 slow: fewer values there. Go and pipec's pool hand over in user
# space and take the full count.
slow() { [[ $1 != go && $1 != pipec-pool && ($2 == 0 || $2 == 1) ]]; }
seed_k() { if slow "$1" "$2"; then echo "$K_SLOW"; else echo "$K"; fi; }
ping_n() { if slow "$1" "$2"; then echo "$N_SLOW"; else echo "$N"; fi; }

# seconds CMD...: how long CMD took, in seconds
seconds() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null || { echo "bench: failed: $*" >&2; exit 1; }
	t1=$(date +%s%N)
	awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.4f", ns / 1e9 }'
}

progress() { echo "bench: $*" >&2; }

measure() {
	local r w c col pos n secs
	{
		echo "tag=meta$(for v in $KNOBS; do printf ' %s=%s' "$v" "${!v// /,}"; done)"
		echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(uname -srm); $(nproc) CPUs:" \
			"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
		echo "# $(go version 2>/dev/null || echo 'no go'); $(rustc --version 2>/dev/null ||
			echo 'no rustc'); $($CC --version | head -n 1)"
		echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
	} >"$raw"
	local cols
	mapfile -t cols < <(columns)

	for ((r = 1; r <= RUNS; r++)); do
		progress "round $r of $RUNS: seed pipeline, ping"
		for w in $WS; do
			for c in $CAPS; do
				for col in "${cols[@]}"; do
					available "$col" seed && supports "$col" "$c" || continue
					record "seed:$col:$w:$c" invoke "$col" seed "$(seed_k "$col" "$c")" "$w" "$c"
				done
			done
		done
		for c in $PING_CAPS; do
			for col in "${cols[@]}"; do
				available "$col" spsc && supports "$col" "$c" || continue
				record "ping:$col:$c" invoke "$col" spsc "$(ping_n "$col" "$c")" "$c"
			done
		done
	done

	progress "cancel latency, $LAT_RUNS runs in each process"
	for pos in send recv; do
		for col in "${cols[@]}"; do
			available "$col" cancel && supports "$col" "$LAT_CAP" || continue
			record "cancel:$col:$pos" invoke "$col" cancel "$LAT_RUNS" "$LAT_K" \
				"$LAT_W" "$LAT_CAP" "$pos" "$LAT_SETTLE_US"
		done
	done

	for ((r = 1; r <= CHAIN_RUNS; r++)); do
		progress "round $r of $CHAIN_RUNS: chain of $CHAIN_N stages, $CHAIN_M values"
		for c in $CHAIN_CAPS; do
			for col in "${cols[@]}"; do
				# Modes other than the judged one: the first round only.
				[[ $r == 1 || $col != pipec-* ||
					$col == "pipec-$TARGET_MODE" ]] || continue
				case $col in
				pipec-*)
					# Cut by its own deadline; killed only if it hangs.
					[[ -x $BIN/chain-$CHAIN_N/chain ]] || continue
					record_limited "chain:$col:$c" "$CHAIN_PEER_LIMIT_S" \
						"$BIN/chain-$CHAIN_N/chain" "$CHAIN_M" "$c" \
						"$CHAIN_LIMIT_S" "${col#pipec-}"
					;;
				go)
					available go chain || continue
					record_limited "chain:go:$c" "$CHAIN_PEER_LIMIT_S" \
						"$PEER_BIN/chain_go" "$CHAIN_N" "$CHAIN_M" "$c"
					;;
				rust)
					available rust chain && ((CHAIN_RUST_N > 0)) || continue
					record_limited "chain:rust:$c" "$CHAIN_PEER_LIMIT_S" \
						"$PEER_BIN/chain_rs" "$CHAIN_RUST_N" "$CHAIN_M" "$c"
					;;
				esac
			done
		done
	done

	progress "compile times"
	for n in $COMPILE_NS; do
		"$here/chain-pipe.sh" "$n" >"$tmp/c$n.pipe"
		for ((r = 1; r <= RUNS; r++)); do
			secs=$(seconds "$PIPEC" -o "$tmp/c$n.c" -H "$tmp/c$n.h" "$tmp/c$n.pipe")
			echo "tag=compile:pipec:$n secs=$secs" >>"$raw"
		done
		if ((n < 10000)) || [[ $COMPILE_CC_10K == 1 ]]; then
			# shellcheck disable=SC2086 # CC may carry flags
			secs=$(seconds $CC -std=c11 -O2 -I"$here/../runtime" -c "$tmp/c$n.c" \
				-o "$tmp/c$n.o")
			echo "tag=compile:cc:$n secs=$secs" >>"$raw"
		else
			echo "tag=compile:cc:$n skipped=COMPILE_CC_10K" >>"$raw"
		fi
	done
	echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$raw"
}

if [[ ${1:-} == --report ]]; then
	exec awk -f "$here/table.awk" "${2:?usage: $0 --report FILE}"
fi
[[ $# -eq 0 ]] || { echo "usage: $0 [--report FILE]" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pipec-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

set_knobs
BIN=${BIN:-build/bench}
PEER_BIN=${PEER_BIN:-build/bench-peers}
PIPEC=${PIPEC:-build/pipec}
CC=${CC:-cc}
if [[ -n ${PEERS:-} && ! -d $PEERS ]]; then
	echo "bench: no peer programs in PEERS=$PEERS: their rows show '-'" >&2
fi
raw=${SAVE_RAW:-$tmp/raw}
measure
awk -f "$here/table.awk" "$raw"
