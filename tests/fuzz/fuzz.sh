#!/bin/sh
# SPDX-License-Identifier: MIT
# fuzz.sh - the robustness test: pipec on hundreds of broken .pipe files
# (deterministic mutations of valid ones, made by mutate.c) must exit with
# 0 or 1 - never crash, never hang (each run is under `timeout`), never
# trip a sanitizer - and must leave no output file behind after an error.
#
# usage: tests/fuzz/fuzz.sh PIPEC MUTATE FAILDIR [SEED [COUNT]]
#   SEED (default 1) and COUNT (mutations per valid file; by default about
#   200 files in all, whatever the number of valid files, to keep the run
#   short) make the set of files; a failing file is copied to FAILDIR.
set -u

pipec=$1
mutate=$2
faildir=$3
seed=${4:-${FUZZ_SEED:-1}}
count=${5:-${FUZZ_COUNT:-}}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pipec-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# Sanitizer failures get exit codes of their own, apart from pipec's 0/1.
ASAN_OPTIONS=exitcode=86:detect_leaks=1:abort_on_error=0
UBSAN_OPTIONS=exitcode=87:halt_on_error=1:print_stacktrace=1
LSAN_OPTIONS=exitcode=88
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

seeds=$(ls examples/*/*.pipe tests/fuzz/seeds/*.pipe 2>/dev/null)
if [ -z "$count" ]; then
	# each valid file also gives 17 truncations
	count=$((200 / $(echo "$seeds" | wc -l) - 17))
	[ "$count" -ge 4 ] || count=4
fi
mkdir "$tmp/in" "$tmp/out"
# shellcheck disable=SC2086
total=$("$mutate" "$tmp/in" "$seed" "$count" $seeds) || exit 1

pass=0
fail=0
for f in "$tmp"/in/*.pipe; do
	timeout 10 "$pipec" -MD --dot "$tmp/out/g.dot" -o "$tmp/out/x.c" "$f" \
		>/dev/null 2>"$tmp/err"
	status=$?
	bad=""
	case $status in
	0) rm -f "$tmp/out/x.c" "$tmp/out/x.h" "$tmp/out/x.c.d" "$tmp/out/g.dot" ;;
	1) ;;
	124) bad="timed out (a hang)" ;;
	*) bad="exit status $status" ;;
	esac
	if grep -q "Sanitizer\|runtime error:\|internal error" "$tmp/err"; then
		bad="${bad:+$bad, }sanitizer or internal error"
	fi
	if [ -n "$(ls -A "$tmp/out")" ]; then
		bad="${bad:+$bad, }left files: $(ls -A "$tmp/out" | tr '\n' ' ')"
		rm -f "$tmp"/out/* "$tmp"/out/.[!.]* 2>/dev/null
	fi
	if [ -n "$bad" ]; then
		fail=$((fail + 1))
		name=$(basename "$f")
		echo "FAIL $name (seed $seed, count $count): $bad"
		head -c 2000 "$tmp/err"
		mkdir -p "$faildir"
		cp "$f" "$faildir/seed$seed-$name"
		echo "(copied to $faildir/seed$seed-$name)"
	else
		pass=$((pass + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed (of $total mutated files, seed $seed)"
[ $fail -eq 0 ]
