#!/bin/sh
# run.sh - verifies the models with spin (tests/model/channel.pml: a
# channel; tests/model/park.pml: a coroutine's park and wake), one
# configuration per line of the table below: spin -a with the configuration's macros,
# pan compiled with $CC, pan run; a configuration marked "pass" must end
# with "errors: 0" and a complete search, one marked "fail" (a bug put in
# on purpose, or a known bug of the code) must make pan report an error.
#
# usage: tests/model/run.sh WORKDIR [CC]
set -u

work=${1:?usage: run.sh WORKDIR [CC]}
cc=${2:-cc}
models=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work" || exit 1

passed=0 failed=0

# name  expect  mode  model  macros
# mode: safety (assertions, invalid end states: pan -DSAFETY) or
# liveness (the LTL property "ends": pan -a).
configs='
rendezvous-drops       pass safety   channel -DCAP=0 -DNS=1 -DNR=2 -DNMSG=2 -DCANCEL=0
bounded1-drops         pass safety   channel -DCAP=1 -DNS=1 -DNR=2 -DNMSG=2 -DCANCEL=0
bounded2-drops         pass safety   channel -DCAP=2 -DNS=1 -DNR=2 -DNMSG=2 -DCANCEL=0
rendezvous-cancel      pass safety   channel -DCAP=0 -DNS=1 -DNR=1 -DNMSG=2
bounded1-cancel        pass safety   channel -DCAP=1 -DNS=1 -DNR=1 -DNMSG=2
bounded2-cancel        pass safety   channel -DCAP=2 -DNS=1 -DNR=1 -DNMSG=3
bounded1-ends          pass liveness channel -DCAP=1 -DNS=1 -DNR=1 -DNMSG=2

bug-no-token           fail safety   channel -DCAP=1 -DNS=1 -DNR=1 -DNMSG=2 -DBUG_NO_TOKEN
bug-no-close-wake      fail safety   channel -DCAP=1 -DNS=1 -DNR=2 -DNMSG=2 -DCANCEL=0 -DBUG_NO_CLOSE_WAKE
bug-no-close-wake-live fail liveness channel -DCAP=1 -DNS=1 -DNR=1 -DNMSG=2 -DCANCEL=0 -DBUG_NO_CLOSE_WAKE
bug-no-recv-recheck    fail safety   channel -DCAP=1 -DNS=1 -DNR=2 -DNMSG=2 -DBUG_NO_RECV_RECHECK
park-2-wakers          pass safety   park    -DNW=2
park-3-wakers          pass safety   park    -DNW=3
bug-park-no-recheck    fail safety   park    -DNW=2 -DBUG_NO_RECHECK
'

echo "$configs" | while read -r name expect mode file macros; do
	[ -n "$name" ] || continue
	dir=$work/$name
	rm -rf "$dir" && mkdir -p "$dir" || exit 1
	if [ "$mode" = liveness ]; then
		spinflags="-DLIVE" panflags="-a" ccflags=""
	else
		spinflags="" panflags="" ccflags="-DSAFETY"
	fi
	# shellcheck disable=SC2086 # one word per macro
	if ! (cd "$dir" && spin $macros $spinflags -a "$models/$file.pml" >spin.log 2>&1 &&
		$cc -O0 -w $ccflags -DCOLLAPSE -DVECTORSZ=2048 -o pan pan.c \
			>cc.log 2>&1); then
		echo "$name: FAILED to build (see $dir)"
		echo fail >>"$work/results"
		continue
	fi
	start=$(date +%s.%N)
	# shellcheck disable=SC2086
	(cd "$dir" && ./pan -m200000 $panflags >pan.log 2>&1)
	end=$(date +%s.%N)
	errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$dir/pan.log")
	states=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$dir/pan.log")
	mem=$(sed -n 's/^ *\([0-9.]*\).*total actual memory usage.*/\1/p' \
		"$dir/pan.log")
	secs=$(echo "$start $end" | awk '{ printf "%.1f", $2 - $1 }')
	# A search cut short proves nothing.
	if grep -q "max search depth too small" "$dir/pan.log"; then
		incomplete=1
	else
		incomplete=0
	fi
	if [ -z "$errors" ]; then
		verdict=fail why="pan did not finish (see $dir/pan.log)"
	elif [ "$expect" = pass ] && [ "$errors" = 0 ] && [ "$incomplete" = 0 ]; then
		verdict=pass why="no error"
	elif [ "$expect" = fail ] && [ "$errors" != 0 ]; then
		verdict=pass why="error found, as it must be: $(grep -m1 -E \
			'violated|invalid end state|acceptance cycle' "$dir/pan.log" |
			sed 's/^pan:[0-9]*: *//; s/ (at depth.*//')"
	else
		verdict=fail why="errors: $errors, expected to $expect (see $dir/pan.log)"
	fi
	echo "$name ($mode): $states states, ${mem} MB, ${secs} s: $verdict - $why"
	echo "$verdict" >>"$work/results"
done

passed=$(grep -c '^pass' "$work/results" 2>/dev/null)
failed=$(grep -c '^fail' "$work/results" 2>/dev/null)
rm -f "$work/results"
echo "test-model: ${passed:-0} passed, ${failed:-0} failed"
[ "${failed:-0}" = 0 ] && [ "${passed:-0}" -gt 0 ]
