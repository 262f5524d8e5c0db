#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/e2e/run.sh - runs the end-to-end programs built from tests/e2e/*.pipe
# and checks their output and exit status.
#
# usage: tests/e2e/run.sh BINDIR SUFFIX [WRAPPER...]
#
# BINDIR/NAME/NAME$SUFFIX is the program of NAME.pipe (SUFFIX tells the
# builds of another compiler apart). With a WRAPPER (valgrind and its
# options), every program runs under it, and the case that aborts on
# purpose is skipped.
set -u

bin=$1
suffix=$2
shift 2
wrap="$*" # words without spaces: split on purpose below
# A directory of this run's own: several runs may share the build tree.
work=$(mktemp -d "$bin/work$suffix.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
out=$work/out
err=$work/err
pass=0
fail=0
label=

# run NAME ARGS...: runs the program with an empty stdin; sets $status.
run() {
	prog=$bin/$1/$1$suffix
	label="$*"
	shift
	status=0
	# shellcheck disable=SC2086
	timeout 120 $wrap "$prog" "$@" </dev/null >"$out" 2>"$err" ||
		status=$?
}

# check DESCRIPTION COMMAND...: one expectation about the last run.
check() {
	what=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "test-e2e$suffix: '$label': expected $what (status $status)"
		sed 's/^/  stdout: /' "$out" | head -20
		sed 's/^/  stderr: /' "$err" | head -20
	fi
}

status_is() { [ "$status" -eq "$1" ]; }
out_is() { printf '%s' "$1" | cmp -s - "$out"; }
out_sorted_is() {
	sort "$out" >"$out.sorted"
	printf '%s' "$1" | cmp -s - "$out.sorted"
}
err_has() { grep -q -- "$1" "$err"; }
err_is() { printf '%s' "$1" | cmp -s - "$err"; }
# The first line of stderr (a shell may add its own "Aborted" after it).
first_err_is() { [ "$(head -n 1 "$err")" = "$1" ]; }

nl='
'

# Cancellation by the sink: take returns after --count values; the endless
# gen and pass stop (cancelled), and the run ends well.
run cancel --stats
check "exit 0" status_is 0
check "0..4" out_is "0${nl}1${nl}2${nl}3${nl}4${nl}"
check "gen cancelled in the statistics" err_has '^gen\[0\] .* yes$'
check "pass cancelled in the statistics" err_has '^pass\[0\] .* yes$'
check "take not cancelled" err_has '^take\[0\] .* no$'

# Cancellation reaches stages blocked on input, and one asleep in poll()
# on its cancel fd: the run ends at once, not after the 60 s pause.
start=$(date +%s)
run blocked --stats
took=$(($(date +%s) - start))
check "exit 0" status_is 0
check "an end within 20 s, not 60 (took ${took}s)" [ "$took" -lt 20 ]
check "gen cancelled" err_has '^gen\[0\] .* yes$'
check "pass cancelled" err_has '^pass\[0\] .* yes$'
run blocked --count 2 --pause 1
check "exit 0" status_is 0
check "0, 1" out_is "0${nl}1${nl}"

# A parameter flag changes what the program does, in both spellings.
run cancel --count 2
check "exit 0" status_is 0
check "0, 1" out_is "0${nl}1${nl}"
run cancel --count=0
check "nothing" out_is ""

# Bad usage: exit 2 with a message, nothing run.
run cancel --nope
check "exit 2 for an unknown flag" status_is 2
check "a message naming it" err_has "unknown option '--nope'"
run cancel --count abc
check "exit 2 for a bad value" status_is 2
check "a message naming the value" err_has "bad value 'abc' for --count"
run cancel --count
check "exit 2 for a missing value" status_is 2
run cancel extra
check "exit 2 for an argument" status_is 2
run endless --workers 0
check "exit 2 for a replica count < 1" status_is 2
check "why" err_has "workers must be at least 1"
run endless --capacity -1
check "exit 2 for a negative capacity" status_is 2
run endless --timeout soon
check "exit 2 for a bad timeout" status_is 2
run cancel --help
check "exit 0 for --help" status_is 0
check "usage on stdout" grep -q -- "--count LONG" "$out"
check "a parameter's comment as its description" grep -q -- "how many values the sink takes" "$out"

# A stage error: exit 1 and a message naming the stage instance.
run fail
check "exit 1" status_is 1
check "the error, after the program's name" err_is "$prog: stage 'check[0]' failed (code 3): bad value 7$nl"
run fail --quiet --bad 2
check "exit 1" status_is 1
check "the error without a message" err_is "$prog: stage 'check[0]' failed (code 4)$nl"
run external --factor -1
check "exit 1 from an extern stage" status_is 1
check "the error" err_has "stage 'scale\[[01]\]' failed (code 2): negative factor -1"

# --timeout on an endless pipeline: exit 124.
run endless --timeout 200
check "exit 124" status_is 124
check "a message" err_has "timed out after 200 ms"
check "no totals from a cancelled run" out_is ""

# SIGINT on an endless pipeline: the run is cancelled, every stage returns
# and is joined (the statistics are printed after the join), exit 130.
prog=$bin/endless/endless$suffix
label="endless (SIGINT)"
# shellcheck disable=SC2086
$wrap "$prog" --stats </dev/null >"$out" 2>"$err" &
pid=$!
# Long enough for the program (and a wrapper) to be running.
if [ -n "$wrap" ]; then sleep 4; else sleep 1; fi
kill -INT $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 $pid 2>/dev/null; then
	kill -KILL $pid
fi
status=0
wait $pid || status=$?
check "exit 130" status_is 130
check "a message" err_has "^$prog: interrupted$"
check "no totals from an interrupted run" out_is ""
check "every stage cancelled" sh -c "! grep -q ' no\$' '$err'"
check "drain in the statistics" err_has '^drain\[0\] .* yes$'

# A cycle where each stage waits for the other: the pool scheduler ends
# the run and names them; with a thread per stage only the deadline does.
run deadlock --timeout 3000
if [ "${PIPEC_SCHED:-pool}" = threads ]; then
	check "deadlock (threads): the deadline ends it" status_is 124
else
	check "deadlock: exit 1" status_is 1
	check "deadlock: said" err_has "deadlock: every stage waits"
	check "deadlock: ping named" \
		err_has "stage 'ping\[0\]' waits to receive on channel"
	check "deadlock: pong named" \
		err_has "stage 'pong\[0\]' waits to receive on channel"
fi

# A coroutine that overflows its stack: the guard page's fault names the
# stage (the sanitizers report it their own way; valgrind is skipped).
if [ -z "$wrap" ] && [ "${PIPEC_SCHED:-pool}" = pool ]; then
	run overflow
	check "overflow: dies of SIGSEGV or a sanitizer's report" \
		[ "$status" -ne 0 ]
	if [ "${PIPEC_E2E_VARIANT:-plain}" = plain ]; then
		check "overflow: the stage named" err_has \
			"stage 'down\[0\]' overflowed its stack of 16 KiB"
	fi
fi

# A second SIGINT while the run is stopping ends the process at once, even
# if a stage never looks at its cancellation (not under valgrind, which
# counts what an _exit leaves allocated as leaks).
if [ -z "$wrap" ]; then
prog=$bin/stubborn/stubborn$suffix
label="stubborn (SIGINT twice)"
# shellcheck disable=SC2086
$wrap "$prog" </dev/null >"$out" 2>"$err" &
pid=$!
if [ -n "$wrap" ]; then sleep 4; else sleep 1; fi
kill -INT $pid
sleep 1
alive=no
kill -0 $pid 2>/dev/null && alive=yes
check "still running after the first SIGINT" [ "$alive" = yes ]
kill -INT $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 $pid 2>/dev/null; then
	kill -KILL $pid
fi
status=0
wait $pid || status=$?
check "exit 130 at once after the second (${i}00 ms)" sh -c "[ $status -eq 130 ] && [ $i -lt 50 ]"
fi

# Owned payloads: every string freed exactly once (owned.c counts).
run owned
check "exit 0" status_is 0
check "every run balanced" sh -c "[ \$(grep -c ': ok\$' '$out') -eq 12 ]"

# Broadcast: every branch gets every message, also after one returned.
run broadcast
check "exit 0" status_is 0
check "each branch" out_sorted_is "early: first a 0${nl}left: 6 messages, sum of a 15${nl}right: 6 messages, sum of b 55${nl}"
run broadcast --count 1000
check "each branch, 1000" out_sorted_is "early: first a 0${nl}left: 1000 messages, sum of a 499500${nl}right: 1000 messages, sum of b 332833500${nl}"

# Select: a stage with two inputs gets everything from both.
run select
check "exit 0" status_is 0
check "both inputs" out_is "left 100, right 100, sum 19900$nl"
run select --count 5000
check "both inputs, 5000" out_is "left 5000, right 5000, sum 49995000$nl"

# Stage attributes: gen on a thread of its own, deep with a stack of 4 MiB
# for a recursion deeper than the default stack.
run attrs
check "exit 0" status_is 0
check "the sums" out_is "sum 360600$nl"
run attrs --count 3 --depth 1000
check "deeper sums" out_is "sum 1501500$nl"

# An extern stage, replicated.
run external
check "exit 0" status_is 0
check "the sum" out_is "sum 165$nl"
run external --workers 5 --count 100 --factor 2
check "the sum with 5 workers" out_is "sum 10100$nl"

# Replicas: each instance knows its index and the count.
run replicas
check "exit 0" status_is 0
check "every instance" out_is "byparam: 4 instances: 0 1 2 3${nl}fixed: 3 instances: 0 1 2$nl"
run replicas --workers 1
check "one instance" out_is "byparam: 1 instances: 0${nl}fixed: 3 instances: 0 1 2$nl"

# Ports dropped early (R4).
run dropport
check "exit 0" status_is 0
check "both consumers" out_sorted_is "a 5 closed${nl}b 3$nl"

# Waiting for demand (R13): no value computed that nobody takes.
run demand
check "exit 0" status_is 0
check "five values, five computed" out_is "10${nl}20${nl}30${nl}40${nl}50${nl}gen computed 5$nl"
run demand --count 0
check "none computed" out_is "gen computed 0$nl"

# A variant the port does not accept: a debug build asserts.
if [ -z "$wrap" ]; then
	run badvariant
	check "an abort" sh -c "[ $status -ne 0 ] && [ $status -ne 1 ]"
	check "the failed check, naming the stage, port and .pipe line" \
		first_err_is "$prog: badvariant.pipe:13: pipeline 'badvariant' stage 'gen[0]' port 'o' cannot send Num.Two (it accepts Num.One)"
fi

echo "test-e2e$suffix${PIPEC_SCHED:+ ($PIPEC_SCHED)}: $pass passed, $fail failed"
[ $fail -eq 0 ]
