#!/bin/sh
# SPDX-License-Identifier: MIT
# examples/pgrep/test.sh - pgrep against grep -rn: the same lines (sorted)
# on a generated tree and on this repository's sources, for several
# patterns, options, worker counts and capacities; grep's exit statuses;
# and --max 1 on a tree of thousands of files, where the counters show
# that only a small part of it was read before the pipeline stopped.
#
# usage: examples/pgrep/test.sh PROGRAM [WRAPPER...]
# (KEEP=1 in the environment keeps the work folder, to look into it)
set -u

prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
wrap="$*" # words without spaces: split on purpose below
repo=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d "$(dirname "$prog")/test.XXXXXX") || exit 1
dir=$(cd "$dir" && pwd)
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
export LC_ALL=C # byte semantics for grep, sort and the regex library
pass=0
fail=0

# run ARGS...: runs pgrep; sets $status, output in $dir/out and $dir/err.
run() {
	label="$*"
	status=0
	# shellcheck disable=SC2086
	$wrap "$prog" "$@" >"$dir/out" 2>"$dir/err" </dev/null || status=$?
}

check() {
	what=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "test-pgrep: '$label': expected $what (status $status)"
		cut -c1-200 "$dir/out" | sed "s/^/  stdout: /" | head -10
		cut -c1-200 "$dir/err" | sed "s/^/  stderr: /" | head -10
	fi
}

# same_as_grep OPTIONS MORE PATTERN PATH...: runs grep -rn OPTIONS and
# pgrep OPTIONS MORE (its own options) and compares the sorted lines.
same_as_grep() {
	opts=$1
	more=$2
	shift 2
	# shellcheck disable=SC2086
	grep -rn $opts "$@" 2>/dev/null | sort >"$dir/want"
	# shellcheck disable=SC2086
	run $opts $more "$@"
	sort "$dir/out" >"$dir/got"
	check "grep's lines ($(wc -l <"$dir/want") of them)" \
		cmp -s "$dir/want" "$dir/got"
	check "grep's exit status 0" [ "$status" -eq 0 ]
}

# A small tree with what a grep must get right: nesting, names with
# spaces, an empty file, no newline at the end, CRLF lines, a line longer
# than a read, a binary file, and a link and a FIFO that -r skips.
t=$dir/tree
mkdir -p "$t/a/b/c" "$t/d" "$t/e e"
printf 'alpha\nbeta gamma\nALPHA beta\n' >"$t/a/one.txt"
printf 'no newline at the end: alpha' >"$t/a/b/two"
printf 'crlf alpha\r\nplain\r\n' >"$t/a/b/c/three.c"
: >"$t/d/empty"
printf 'x alpha\nalphaalpha\n\n' >"$t/e e/sp ace"
awk 'BEGIN { print "start"; for (i = 0; i < 20000; i++) printf "abcdefgh";
	print "alpha"; print "end" }' >"$t/d/long"
printf 'bin\000ary alpha\nalpha\n' >"$t/d/binary"
ln -s ../a/one.txt "$t/d/link"
mkfifo "$t/d/fifo"

cd "$dir" || exit 1
for more in "" "--workers 1 --capacity 0" "--workers 8 --capacity 1" \
	"-j 3 --capacity=64"; do
	same_as_grep "" "$more" alpha tree
done
same_as_grep -i "" alpha tree
same_as_grep -E "" 'beta|gamma$' tree
same_as_grep "-E -i" "--workers 2" '^(x|crlf) ALPHA' tree
same_as_grep "" "" 'a\{2,\}\|^$' tree
same_as_grep "" "" alpha tree/a tree/d/long 'tree/e e/'
# (grep's output goes to a file: to /dev/null, grep stops at a first match)
grep -rn alpha tree 2>&1 >"$dir/got" | sed 's/^grep/pgrep/' >"$dir/want"
run alpha tree
check "grep's notice of the binary file" cmp -s "$dir/want" "$dir/err"

run nothing-matches-this tree
check "exit status 1 when nothing matches" [ "$status" -eq 1 ]
check "no output" [ ! -s "$dir/out" ]
run 'a\(' tree
check "exit status 2 and a message for a bad pattern" \
	sh -c "[ $status -eq 2 ] && grep -q 'pgrep: bad pattern' '$dir/err'"
run beta tree/missing tree/a
check "exit status 2 for a missing path" [ "$status" -eq 2 ]
check "a message naming it" \
	grep -q 'pgrep: tree/missing: No such file or directory' "$dir/err"
check "the lines of the other path" grep -q 'tree/a/one.txt:2:beta' "$dir/out"
run --bogus x
check "exit status 2 for an unknown option" [ "$status" -eq 2 ]
run --max 2 alpha tree/a 'tree/e e'
grep -rn alpha tree/a 'tree/e e' | grep -Fx -f "$dir/out" | sort >"$dir/want"
sort "$dir/out" >"$dir/got"
check "two of grep's lines with --max 2" \
	sh -c "[ $status -eq 0 ] && [ \$(wc -l <'$dir/want') -eq 2 ] &&
		cmp -s '$dir/want' '$dir/got'"

# This repository's own sources.
cd "$repo" || exit 1
src="compiler runtime examples docs tests scripts"
# shellcheck disable=SC2086
same_as_grep "" "" pipec_stage_fail $src
# shellcheck disable=SC2086
same_as_grep -E "--workers 3" '^(static|int) .*\(' $src
# shellcheck disable=SC2086
same_as_grep "-i -E" "" 'cancel|todo' $src
cd "$dir" || exit 1

# A large tree: 20 folders of 100 files, 30 lines each, a match in every
# file. With --max 1, print returns at its first line; the workers find
# their output closed at their next send, or cancelled at their next read.
awk 'BEGIN {
	for (d = 0; d < 20; d++) {
		system("mkdir -p big/d" d)
		for (f = 0; f < 100; f++) {
			name = "big/d" d "/f" f ".txt"
			for (l = 0; l < 30; l++)
				print "line " l " of " name \
					(l == 15 ? " needle" : "") > name
			close(name)
		}
	}
}'
# sum_counter WORD: the number before WORD in the match workers'
# counters ("opened 17 files, read 797 lines (103092 bytes)"), added up.
sum_counter() {
	awk -v w="$1" '$2 ~ /^match\[/ { for (i = 3; i < NF; i++)
		if ($(i + 1) ~ "^" w) { x = $i; sub(/^\(/, "", x); n += x } }
		END { print n + 0 }' "$dir/err"
}
run --counters needle big
check "2000 lines" [ "$(wc -l <"$dir/out")" -eq 2000 ]
check "every file opened without --max (counted $(sum_counter files))" \
	[ "$(sum_counter files)" -eq 2000 ]
total_bytes=$(sum_counter bytes)
run --max 1 --counters --stats needle big
check "one line" sh -c "[ $status -eq 0 ] && [ \$(wc -l <'$dir/out') -eq 1 ]"
opened=$(sum_counter files)
check "at most 100 of 2000 files opened with --max 1 (opened $opened)" \
	[ "$opened" -le 100 ]
bytes=$(sum_counter bytes)
check "at most 5% of the bytes read ($bytes of $total_bytes)" \
	[ "$((bytes * 20))" -le "$total_bytes" ]
check "at most 4 of 21 folders listed" \
	[ "$(awk '/listed/ { print $4 }' "$dir/err")" -le 4 ] 2>/dev/null
received=$(awk '$1 == "walk_files" { print $4 }' "$dir/err")
check "the statistics: at most 100 file names taken ($received)" \
	[ "${received:-9999}" -le 100 ]
check "the statistics: every worker and the walker cancelled" \
	sh -c "! grep -E '^(walk|match)\[[0-9]+\] .* no$' '$dir/err' &&
		grep -Eq '^print\[0\] .* no$' '$dir/err'"

echo "test-pgrep: $pass passed, $fail failed"
[ $fail -eq 0 ]
