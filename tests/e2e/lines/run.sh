#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/e2e/lines/run.sh - errors in C written in a .pipe file point into
# the .pipe file: the #line directives pipec writes around %{ %} blocks and
# stage bodies. With --no-line they point into the generated file instead.
#
# usage: tests/e2e/lines/run.sh PIPEC WORKDIR CC [CFLAGS...]
set -u

pipec=$1
work=$2
shift 2
dir=$(dirname "$0")
pass=0
fail=0
# A directory of this run's own: several runs may share the build tree.
mkdir -p "$work"
work=$(mktemp -d "$work/run.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cp "$dir/badbody.pipe" "$work/"

check() {
	what=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "test-e2e-lines: expected $what"
		sed 's/^/  /' "$work/err" | head -20
	fi
}

(cd "$work" && "$pipec" -o badbody.c -H badbody.h badbody.pipe) \
	>"$work/err" 2>&1
check "pipec to accept the file (C is not its business)" [ $? -eq 0 ]
check "each #line back to badbody.c to name the line after it" \
	awk '/^#line [0-9]+ "badbody\.c"$/ { n++; if ($2 != NR + 1) bad = 1 }
		END { exit bad || n < 3 }' "$work/badbody.c"
"$@" -I"$work" -c "$work/badbody.c" -o "$work/badbody.o" >"$work/err" 2>&1
check "the C compiler to fail" [ $? -ne 0 ]
check "the block's error at badbody.pipe:10" \
	grep -q 'badbody\.pipe:10:[0-9]*: error: .*not_declared_in_block' \
	"$work/err"
check "the body's error at badbody.pipe:20" \
	grep -q 'badbody\.pipe:20:[0-9]*: error: .*not_declared_in_body' \
	"$work/err"

(cd "$work" && "$pipec" --no-line -o badbody.c -H badbody.h badbody.pipe) \
	>"$work/err" 2>&1
check "pipec --no-line to accept the file" [ $? -eq 0 ]
"$@" -I"$work" -c "$work/badbody.c" -o "$work/badbody.o" >"$work/err" 2>&1
check "--no-line: errors in badbody.c" \
	grep -q 'badbody\.c:[0-9]*:[0-9]*: error: .*not_declared_in_body' \
	"$work/err"
check "--no-line: no mention of badbody.pipe" \
	sh -c "! grep -q 'badbody\.pipe:' '$work/err'"

echo "test-e2e-lines: $pass passed, $fail failed"
[ $fail -eq 0 ]
