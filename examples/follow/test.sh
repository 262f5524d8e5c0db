#!/bin/sh
# SPDX-License-Identifier: MIT
# examples/follow/test.sh - runs follow: matches, --max, and cancellation
# while input blocks (timeout and SIGINT with a stdin that never ends).
#
# usage: examples/follow/test.sh PROGRAM [WRAPPER...]
set -u

prog=$1
shift
wrap="$*" # words without spaces: split on purpose below
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
		echo "test-follow: expected $what"
		sed 's/^/  /' "$dir/out" "$dir/err" | head -20
	fi
}

# shellcheck disable=SC2086
printf 'a\nfoo\nbar foo\nbaz\nlast foo' |
	$wrap "$prog" --pattern foo >"$dir/out" 2>"$dir/err"
check "exit 0 and the matching lines" \
	sh -c "[ $? -eq 0 ] && printf 'foo\nbar foo\nlast foo\n' | cmp -s - '$dir/out'"

# shellcheck disable=SC2086
yes foo | $wrap "$prog" --max 3 >"$dir/out" 2>"$dir/err"
check "exit 0 and three lines from an endless input" \
	sh -c "[ $? -eq 0 ] && printf 'foo\nfoo\nfoo\n' | cmp -s - '$dir/out'"

# A stdin that stays open and silent: input waits in pipec_wait_fd().
mkfifo "$dir/fifo"
sleep 60 >"$dir/fifo" &
writer=$!
start=$(date +%s)
# shellcheck disable=SC2086
$wrap "$prog" --timeout 300 <"$dir/fifo" >"$dir/out" 2>"$dir/err"
status=$?
took=$(($(date +%s) - start))
check "exit 124 on --timeout while input waits (status $status)" \
	[ $status -eq 124 ]
check "an end within 20 s (took ${took}s)" [ $took -lt 20 ]

# shellcheck disable=SC2086
$wrap "$prog" <"$dir/fifo" >"$dir/out" 2>"$dir/err" &
pid=$!
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
check "exit 130 on SIGINT while input waits (status $status)" \
	[ $status -eq 130 ]
check "a message" grep -q "follow: interrupted" "$dir/err"
kill $writer 2>/dev/null
wait $writer 2>/dev/null

echo "test-follow: $pass passed, $fail failed"
[ $fail -eq 0 ]
