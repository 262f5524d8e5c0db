#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/runtime/stress.sh - runs the random-graph stress test with fresh
# seeds, in both scheduling modes by turns, for a while; prints how many
# graphs each mode ran, and the seeds to replay if one failed.
#
# usage: tests/runtime/stress.sh PROGRAM SECONDS [FIRST_SEED]
#
# The test (tests/runtime/test_stress.c) runs graphs seed, seed+1, ...; a
# failing batch is replayed with
#   PIPEC_SCHED=MODE PIPEC_STRESS_SEED=S PIPEC_STRESS_ITERS=N PROGRAM
set -u

prog=$1
seconds=$2
seed=${3:-$(( $(date +%s) % 1000000 * 1000 ))}
batch=200
end=$(( $(date +%s) + seconds ))
pool=0
threads=0
failed=0

echo "stress: $prog for $seconds s, seeds from $seed"
while [ "$(date +%s)" -lt "$end" ]; do
	for mode in pool threads; do
		log=$(PIPEC_SCHED=$mode PIPEC_STRESS_SEED=$seed \
			PIPEC_STRESS_ITERS=$batch "$prog" 2>&1)
		if [ $? -ne 0 ]; then
			echo "$log" | grep -E "watchdog|ERROR|LINE|FAILED|seed" |
				sed 's/^/  /'
			echo "stress: FAILED ($mode): replay with" \
				"PIPEC_SCHED=$mode PIPEC_STRESS_SEED=$seed" \
				"PIPEC_STRESS_ITERS=$batch $prog"
			failed=$((failed + 1))
		fi
		eval "$mode=\$(( $mode + batch ))"
		seed=$((seed + batch))
	done
done
echo "stress: $pool graphs with coroutines, $threads with threads," \
	"$failed batch(es) failed"
[ "$failed" -eq 0 ]
