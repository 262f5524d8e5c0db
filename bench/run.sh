#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/run.sh - run the pipec benchmarks and their Go and Rust peers
# side by side, interleaved (round-robin over configurations, so machine
# noise spreads over all of them), and print markdown tables of medians.
#
# Environment (defaults in brackets):
#   BIN [build/bench]   the pipec benchmark programs
#   PEERS               folder with seed.go, seed.rs, spsc.go, spsc.rs;
#                       peers whose toolchain (go, rustc) is missing are
#                       left out of the tables
#   RUNS [3]            runs per configuration
#   K [300000]          seed: values consumed; K_SLOW [30000] for CAP 0/1
#   N [3000000]         spsc: messages; N_SLOW [100000] for CAP 0/1
#   WS ["1 2 4"]  CAPS ["0 1 64 1024"]
#   LAT_RUNS [10] LAT_K [1000]   cancel-latency table
set -euo pipefail

BIN=${BIN:-build/bench}
PEERS=${PEERS:-}
RUNS=${RUNS:-3}
K=${K:-300000}
K_SLOW=${K_SLOW:-30000}
N=${N:-3000000}
N_SLOW=${N_SLOW:-100000}
WS=${WS:-"1 2 4"}
CAPS=${CAPS:-"0 1 64 1024"}
LAT_RUNS=${LAT_RUNS:-10}
LAT_K=${LAT_K:-1000}

out=$(mktemp -d "${TMPDIR:-/tmp}/pipec-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT

# The implementations: name and how to run its seed / spsc program.
impls=(pipec)
declare -A seed_cmd=([pipec]="$BIN/seed") spsc_cmd=([pipec]="$BIN/spsc")
if [[ -n "$PEERS" && -d "$PEERS" ]]; then
	PEERS=$(cd "$PEERS" && pwd)
	if command -v rustc >/dev/null; then
		rustc --edition 2021 -C opt-level=3 -o "$out/seed_rs" "$PEERS/seed.rs"
		rustc --edition 2021 -C opt-level=3 -o "$out/spsc_rs" "$PEERS/spsc.rs"
		impls+=(rust)
		seed_cmd[rust]="$out/seed_rs" spsc_cmd[rust]="$out/spsc_rs"
	fi
	if command -v go >/dev/null; then
		(cd "$out" && cp "$PEERS/seed.go" "$PEERS/spsc.go" . &&
			GOCACHE="$out/gocache" go build -o seed_go seed.go &&
			GOCACHE="$out/gocache" go build -o spsc_go spsc.go)
		impls+=(go)
		seed_cmd[go]="$out/seed_go" spsc_cmd[go]="$out/spsc_go"
	fi
else
	echo "bench: no peer programs (PEERS=$PEERS): pipec alone" >&2
fi

slow() { [[ $1 == 0 || $1 == 1 ]]; }
# Go's goroutine hand-off does not pay for a thread wake-up: full counts.
seed_k() { if [[ $1 != go ]] && slow "$2"; then echo "$K_SLOW"; else echo "$K"; fi; }
spsc_n() { if [[ $1 != go ]] && slow "$2"; then echo "$N_SLOW"; else echo "$N"; fi; }
has_unbounded() { [[ $1 != go ]]; }

# record TAG CMD... : appends "tag=TAG <output>" to the raw results
record() {
	local tag=$1 line
	shift
	line=$("$@") || { echo "bench: failed: $*" >&2; exit 1; }
	echo "tag=$tag $line" >> "$out/raw"
}
# values KEY TAG : the KEY= values of every run tagged TAG
values() { grep "^tag=$2 " "$out/raw" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
# median KEY TAG
median() { values "$1" "$2" | sort -g | awk '{v[NR]=$1} END {
	if (!NR) { print "-"; exit } print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2 }'; }
maxof() { values "$1" "$2" | sort -g | tail -n 1; }
human() { awk -v x="$1" 'BEGIN { if (x == "-" || x == "") print "-";
	else if (x >= 1e6) printf "%.2fM", x / 1e6; else if (x >= 1e3) printf "%.1fk", x / 1e3;
	else printf "%.1f", x }'; }

touch "$out/raw"
for ((r = 1; r <= RUNS; r++)); do
	echo "bench: round $r of $RUNS" >&2
	for impl in "${impls[@]}"; do
		for w in $WS; do
			for c in $CAPS unbounded; do
				[[ $c == unbounded ]] && ! has_unbounded "$impl" && continue
				record "seed-$impl-$w-$c" ${seed_cmd[$impl]} "$(seed_k "$impl" "$c")" "$w" "$c"
			done
		done
		for c in 0 1 1024 unbounded; do
			[[ $c == unbounded ]] && ! has_unbounded "$impl" && continue
			record "spsc-$impl-$c" ${spsc_cmd[$impl]} "$(spsc_n "$impl" "$c")" "$c"
		done
	done
done
for ((r = 1; r <= LAT_RUNS; r++)); do
	for impl in "${impls[@]}"; do
		for c in $CAPS; do
			record "lat-$impl-$c" ${seed_cmd[$impl]} "$LAT_K" 2 "$c"
		done
	done
done

echo "## pipec benchmarks"
echo
echo "$(date -u +%Y-%m-%d) $(uname -srm), $(nproc) CPUs," \
	"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); median of $RUNS runs"
echo
echo "### Seed pipeline: gen -> W x square -> merge -> sink (values/s)"
echo
printf "| W | CAP |"; for impl in "${impls[@]}"; do printf " %s |" "$impl"; done; echo
printf "|---|---|"; for _ in "${impls[@]}"; do printf -- "---|"; done; echo
for w in $WS; do
	for c in $CAPS unbounded; do
		printf "| %s | %s |" "$w" "$c"
		for impl in "${impls[@]}"; do
			printf " %s |" "$(human "$(median thr_per_s "seed-$impl-$w-$c")")"
		done
		echo
	done
done
echo
echo "### One producer, one consumer, one channel (messages/s)"
echo
printf "| CAP |"; for impl in "${impls[@]}"; do printf " %s |" "$impl"; done; echo
printf "|---|"; for _ in "${impls[@]}"; do printf -- "---|"; done; echo
for c in 0 1 1024 unbounded; do
	printf "| %s |" "$c"
	for impl in "${impls[@]}"; do
		printf " %s |" "$(human "$(median msgs_per_s "spsc-$impl-$c")")"
	done
	echo
done
echo
echo "### Cancellation: sink stops after $LAT_K values, W=2 ($LAT_RUNS runs)"
echo
echo "cancel = from the sink's decision to stop until every stage is joined;"
echo "wasted = values generated but never consumed (R13)."
echo
printf "| CAP |"; for impl in "${impls[@]}"; do printf " %s cancel us (max) | %s wasted (max) |" "$impl" "$impl"; done; echo
printf "|---|"; for _ in "${impls[@]}"; do printf -- "---|---|"; done; echo
for c in $CAPS; do
	printf "| %s |" "$c"
	for impl in "${impls[@]}"; do
		t="lat-$impl-$c"
		printf " %s (%s) | %s (%s) |" "$(human "$(median cancel_us "$t")")" \
			"$(human "$(maxof cancel_us "$t")")" "$(median wasted "$t")" "$(maxof wasted "$t")"
	done
	echo
done
