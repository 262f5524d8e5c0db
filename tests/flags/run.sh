#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/flags/run.sh - the main pipec generates (runtime/driver.c), under
# hostile flags: huge, negative, malformed, overflowing and empty values,
# NaN and infinities, missing values, flags as values, unknown options,
# repeated flags.
#
# usage: tests/flags/run.sh PROG [WRAPPER...]
#
# PROG is tests/flags/flags.pipe compiled with --main. Every bad command
# line must get one clear error naming the flag, then the hint, on stderr
# - "PROG: MESSAGE" and "Try 'PROG --help'." - nothing on stdout, and
# exit status 2 (docs/runtime.md); nothing may crash or hang (each run is
# under `timeout`). The last of repeated flags wins.
set -u

prog=$1
shift
wrap="$*" # words without spaces: split on purpose below
dir=$(mktemp -d "${TMPDIR:-/tmp}/pipec-flags.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
pass=0
fail=0

run() {
	label="$*"
	status=0
	# shellcheck disable=SC2086
	timeout 20 $wrap "$prog" "$@" >"$dir/out" 2>"$dir/err" </dev/null ||
		status=$?
}

check() {
	what=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "test-flags: '$label': expected $what (status $status)"
		head -c 600 "$dir/out" | sed 's/^/  stdout: /'
		head -c 600 "$dir/err" | sed 's/^/  stderr: /'
	fi
}

# usage MESSAGE ARGS...: the command line is refused with MESSAGE.
usage() {
	printf '%s: %s\nTry '"'"'%s --help'"'"'.\n' "$prog" "$1" "$prog" \
		>"$dir/want"
	shift
	run "$@"
	check "exit status 2" [ $status -eq 2 ]
	check "nothing on stdout" [ ! -s "$dir/out" ]
	check "the message and the hint" cmp -s "$dir/want" "$dir/err"
}

# runs STATUS STDOUT ARGS...: the program runs, exits STATUS, prints STDOUT.
runs() {
	want_status=$1
	printf '%s\n' "$2" >"$dir/want"
	shift 2
	run "$@"
	check "exit status $want_status" [ $status -eq "$want_status" ]
	check "'$(cat "$dir/want")'" cmp -s "$dir/want" "$dir/out"
}

# times_out MS ARGS...: the run is cancelled after MS ms (exit 124). What
# the sink printed depends on whether the ticks came first.
times_out() {
	ms=$1
	shift
	run "$@"
	check "exit status 124" [ $status -eq 124 ]
	check "'timed out after $ms ms'" \
		grep -qx "$prog: timed out after $ms ms" "$dir/err"
}

defaults="workers=2 capacity=4 limit=10 chunk=1 ratio=0.5 label=x ticks=2"

# int, used as a replica count
usage "bad value '99999999999999999999' for --workers (expected int)" \
	--workers 99999999999999999999
usage "bad value '2147483648' for --workers (expected int)" \
	--workers 2147483648
usage "bad value '-2147483649' for --workers (expected int)" \
	--workers=-2147483649
usage "workers must be at least 1" --workers -1
usage "workers must be at least 1" --workers 0
usage "workers must be at most 1000000" --workers 1000001
usage "workers must be at most 1000000" --workers 0x7fffffff
usage "bad value 'abc' for --workers (expected int)" --workers abc
usage "bad value '' for --workers (expected int)" --workers ''
usage "bad value '' for --workers (expected int)" --workers=
usage "bad value ' 3' for --workers (expected int)" --workers ' 3'
usage "bad value '3 ' for --workers (expected int)" '--workers=3 '
usage "bad value '1e3' for --workers (expected int)" --workers 1e3
usage "bad value '0x' for --workers (expected int)" --workers 0x
usage "bad value '3.0' for --workers (expected int)" --workers 3.0
usage "bad value '--stats' for --workers (expected int)" --workers --stats
usage "--workers needs a value" --workers
usage "bad value '$(printf '\377')' for --workers (expected int)" \
	--workers "$(printf '\377')"
long=$(printf '%05000d' 7)
usage "bad value '${long}9' for --workers (expected int)" --workers "${long}9"
# int, used as a capacity
usage "capacity must not be negative" --capacity -1
usage "bad value '99999999999' for --capacity (expected int)" \
	--capacity 99999999999
# long
usage "bad value '9223372036854775808' for --limit (expected long)" \
	--limit 9223372036854775808
usage "bad value '-9223372036854775809' for --limit (expected long)" \
	--limit -9223372036854775809
runs 0 "workers=2 capacity=4 limit=-9223372036854775808 chunk=1 ratio=0.5 label=x ticks=2" \
	--limit -9223372036854775808
# size
usage "bad value '-1' for --chunk (expected size)" --chunk -1
usage "bad value '+1' for --chunk (expected size)" --chunk +1
usage "bad value '18446744073709551616' for --chunk (expected size)" \
	--chunk 18446744073709551616
runs 0 "workers=2 capacity=4 limit=10 chunk=18446744073709551615 ratio=0.5 label=x ticks=2" \
	--chunk 18446744073709551615
# double
for v in nan -nan inf -inf infinity 1e999 -1e999 0x1p99999 abc '' 1,5; do
	usage "bad value '$v' for --ratio (expected double)" --ratio "$v"
done
usage "--ratio needs a value" --ratio
runs 0 "workers=2 capacity=4 limit=10 chunk=1 ratio=0 label=x ticks=2" \
	--ratio 1e-999
# bool
usage "bad value 'maybe' for --wait (expected bool)" --wait=maybe
usage "bad value '' for --wait (expected bool)" --wait=
# string: anything, even empty or a flag
runs 0 "workers=2 capacity=4 limit=10 chunk=1 ratio=0.5 label= ticks=2" \
	--label ''
runs 0 "workers=2 capacity=4 limit=10 chunk=1 ratio=0.5 label=--stats ticks=2" \
	--label --stats
usage "--label needs a value" --label
# --timeout
for v in 1e999 -5 -1 '' abc 1.5 ' 5' 9223372036854775808 0x; do
	usage "bad value '$v' for --timeout (milliseconds)" --timeout "$v"
done
usage "--timeout needs a value" --timeout
runs 0 "$defaults" --timeout 9223372036854775807
# unknown options and arguments
usage "unknown option '--nope'" --nope
usage "unknown option '-x'" -x
usage "unknown option '--'" --
usage "unknown option '-'" -
usage "unknown option '--workersx=1'" --workersx=1
usage "unknown option '--stats=1'" --stats=1
usage "unknown option '--=3'" --=3
usage "unexpected argument 'extra'" extra
usage "unexpected argument ''" ''
# the first error wins
usage "bad value 'x' for --workers (expected int)" --workers x --nope
usage "unknown option '--nope'" --nope --workers x
# repeated flags: the last wins
runs 0 "workers=1 capacity=4 limit=10 chunk=1 ratio=0.5 label=x ticks=1" \
	--workers 3 --workers=1
runs 0 "$defaults" --stats --stats --timeout 10 --timeout 600000
times_out 20 --wait --timeout 600000 --timeout 20
times_out 16 --wait --timeout 0x10

echo "test-flags: $pass passed, $fail failed"
[ $fail -eq 0 ]
