#!/bin/sh
# SPDX-License-Identifier: MIT
# examples/wordfreq/test.sh - runs wordfreq on sample.txt: the report must
# equal expected.txt whatever the number of workers and the capacities.
# Then Ctrl-C while read, a thread stage, waits in fgets on a stdin that
# stays open and silent: the run must end at once, with status 130.
#
# usage: examples/wordfreq/test.sh PROGRAM   (from the top of the tree)
set -u

prog=$1
here=examples/wordfreq
dir=$(mktemp -d "$(dirname "$prog")/test.XXXXXX") || exit 1
out=$dir/out
writer=
trap '[ -n "$writer" ] && kill $writer 2>/dev/null; rm -rf "$dir"' EXIT
pass=0
fail=0

for args in "" "--workers 1 --capacity 0" "--workers 8 --capacity 1" \
	"--workers=2 --capacity=64"; do
	# shellcheck disable=SC2086 # the options are words
	if "$prog" --top 8 $args <"$here/sample.txt" >"$out" &&
		cmp -s "$out" "$here/expected.txt"; then
		pass=$((pass + 1))
	else
		echo "test-wordfreq: '$args': wrong output"
		diff "$here/expected.txt" "$out"
		fail=$((fail + 1))
	fi
done

# SIGINT while read waits in fgets: stdin is a FIFO whose writer stays
# and writes nothing. The run is cancelled at once; the program must end
# within 2 s with status 130, without waiting for the end of its input.
#
# The run interrupts the system calls of a cancelled stage on a thread
# (read's fgets returns), in both scheduling modes.
for mode in pool threads; do
rm -f "$dir/fifo"
mkfifo "$dir/fifo"
sleep 60 >"$dir/fifo" &
writer=$!
PIPEC_SCHED=$mode "$prog" <"$dir/fifo" >"$out" 2>"$dir/err" &
pid=$!
sleep 1
kill -INT $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 20 ]; do
	sleep 0.1
	i=$((i + 1))
done
ended=yes
kill -0 $pid 2>/dev/null && ended=no
kill -KILL $pid 2>/dev/null
status=0
wait $pid || status=$?
kill $writer 2>/dev/null
wait $writer 2>/dev/null
what="SIGINT while read waits in fgets ($mode): exit 130 within 2 s"
got="ended within 2 s: $ended, status $status"
if [ $ended = yes ] && [ $status -eq 130 ] &&
	grep -q "interrupted" "$dir/err"; then
	pass=$((pass + 1))
else
	echo "test-wordfreq: expected $what ($got)"
	sed 's/^/  /' "$dir/err"
	fail=$((fail + 1))
fi
done

echo "test-wordfreq: $pass passed, $fail failed"
[ $fail -eq 0 ]
