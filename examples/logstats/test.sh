#!/bin/sh
# SPDX-License-Identifier: MIT
# examples/logstats/test.sh - the report on sample.log is expected.txt,
# byte for byte, whatever the workers and capacities; the last line
# without a newline and a line longer than a read count once each; and
# when the run is cancelled (--timeout, Ctrl-C) after every line was
# counted, no report at all is printed.
#
# usage: examples/logstats/test.sh PROGRAM [WRAPPER...]
set -u

prog=$1
shift
wrap="$*" # words without spaces: split on purpose below
here=$(dirname "$0")
dir=$(mktemp -d "$(dirname "$prog")/test.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
pass=0
fail=0

check() {
	what=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "test-logstats: $label: expected $what (status $status)"
		sed 's/^/  stdout: /' "$dir/out" | head -20
		sed 's/^/  stderr: /' "$dir/err" | head -10
	fi
}

# run ARGS... < INPUT: sets $status.
run() {
	label="'$*'"
	status=0
	# shellcheck disable=SC2086
	$wrap "$prog" "$@" >"$dir/out" 2>"$dir/err" || status=$?
}

for args in "" "--workers 1 --capacity 0" "--workers 4 --capacity 1" \
	"--workers=3 --capacity=64"; do
	# shellcheck disable=SC2086
	run $args <"$here/sample.log"
	check "expected.txt and exit status 0" \
		sh -c "[ $status -eq 0 ] && cmp -s '$here/expected.txt' '$dir/out'"
done

run </dev/null
printf '0 lines\n\nby level:\n' >"$dir/want"
for level in ERROR WARN INFO other; do
	printf '  %-16s %6d\n' "$level" 0 >>"$dir/want"
done
printf '\nby minute:\n  %-16s %6d\n' "no timestamp" 0 >>"$dir/want"
check "an empty report for an empty log" cmp -s "$dir/want" "$dir/out"

# Two lines, the second longer than a read and without a newline.
{
	echo "2024-05-14 09:00:00 ERROR first"
	printf '2024-05-14 09:01:00 INFO '
	awk 'BEGIN { for (i = 0; i < 20000; i++) printf "abcdefgh" }'
} >"$dir/long.log"
run --workers 3 <"$dir/long.log"
check "two lines, one ERROR and one INFO, in two minutes" \
	sh -c "grep -q '^2 lines$' '$dir/out' &&
		grep -Eq '^  ERROR +1$' '$dir/out' &&
		grep -Eq '^  INFO +1$' '$dir/out' &&
		grep -Eq '^  2024-05-14 09:01 +1 #+$' '$dir/out'"

# feed: a stdin that gives the sample, then stays open, so that read
# waits in poll() after the last line until the run is cancelled.
mkfifo "$dir/fifo"
feed() {
	(
		cat "$here/sample.log"
		exec sleep 60
	) >"$dir/fifo" &
	writer=$!
}
unfeed() {
	kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
}

feed
run --timeout 1000 --stats <"$dir/fifo"
check "exit status 124 on --timeout" [ "$status" -eq 124 ]
check "no report when cut short by --timeout" [ ! -s "$dir/out" ]
check "the statistics: both branches got all 52 lines" \
	sh -c "grep -Eq '^read_lines +16 +52 +52 ' '$dir/err' &&
		grep -Eq '^read_lines_2 +16 +52 +52 ' '$dir/err'"
unfeed

feed
# shellcheck disable=SC2086
$wrap "$prog" <"$dir/fifo" >"$dir/out" 2>"$dir/err" &
pid=$!
label="SIGINT"
if [ -n "$wrap" ]; then sleep 4; else sleep 1; fi
kill -INT $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -KILL $pid 2>/dev/null
status=0
wait $pid || status=$?
check "exit status 130 on Ctrl-C" [ "$status" -eq 130 ]
check "no report when interrupted" [ ! -s "$dir/out" ]
check "a message" grep -q "logstats: interrupted" "$dir/err"
unfeed

echo "test-logstats: $pass passed, $fail failed"
[ $fail -eq 0 ]
