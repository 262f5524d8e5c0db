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
# Known to fail until the runtime lets a run end while a thread stage is
# blocked outside it once cancelled: today the run waits for read, whose
# fgets returns only when the writer goes (a second SIGINT ends the
# process). Then the check passes, reports XPASS, and counts as a failure
# until this mark is removed.
sigint_xfail=yes
mkfifo "$dir/fifo"
sleep 60 >"$dir/fifo" &
writer=$!
"$prog" <"$dir/fifo" >"$out" 2>"$dir/err" &
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
what="SIGINT while read waits in fgets: exit 130 within 2 s"
got="ended within 2 s: $ended, status $status"
if [ $ended = yes ] && [ $status -eq 130 ] &&
	grep -q "interrupted" "$dir/err"; then
	if [ $sigint_xfail = yes ]; then
		echo "test-wordfreq: XPASS $what: remove sigint_xfail"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
elif [ $sigint_xfail = yes ]; then
	echo "test-wordfreq: xfail $what ($got)"
else
	echo "test-wordfreq: expected $what ($got)"
	sed 's/^/  /' "$dir/err"
	fail=$((fail + 1))
fi

echo "test-wordfreq: $pass passed, $fail failed"
[ $fail -eq 0 ]
