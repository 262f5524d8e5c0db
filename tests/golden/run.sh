#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/golden/run.sh - compile each tests/golden/NAME.pipe with pipec and
# compare the outputs with the expected NAME.h.golden, NAME.c.golden and
# NAME.dot.golden, byte for byte.
#
# usage: tests/golden/run.sh PIPEC WORKDIR check|update [CC CFLAGS...]
#
# The first line of NAME.pipe may give pipec's options: "// pipec: --main".
# Each file is compiled twice, in two directories, and the two outputs must
# be identical (determinism). pipec runs inside the work directory on a copy
# of NAME.pipe, so the #line directives name NAME.pipe and NAME.c whatever
# the build directory. In check mode, with CC given, the generated .c file
# must also compile (with CFLAGS, -c). In update mode the expected files are
# rewritten from the output instead: review the diff before committing.
set -u

pipec=$1
work=$2
mode=$3
shift 3
golden=$(dirname "$0")
# A directory of this run's own: several runs may share the build tree.
mkdir -p "$work"
work=$(mktemp -d "$work/run.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
pass=0
fail=0

failed() {
	echo "test-golden: $name: $*"
	fail=$((fail + 1))
}

for pipe in "$golden"/*.pipe; do
	name=$(basename "$pipe" .pipe)
	flags=$(sed -n '1s|^// pipec:||p' "$pipe")
	ok=1
	for run in 1 2; do
		dir=$work/$name.$run
		rm -rf "$dir"
		mkdir -p "$dir"
		cp "$pipe" "$dir/"
		# shellcheck disable=SC2086 # flags are words
		if ! (cd "$dir" && "$pipec" $flags -o "$name.c" -H "$name.h" \
			--dot="$name.dot" "$name.pipe" 2>pipec.err); then
			failed "pipec failed:"
			cat "$dir/pipec.err"
			ok=0
			break
		fi
	done
	[ $ok = 1 ] || continue
	for ext in h c dot; do
		if ! cmp -s "$work/$name.1/$name.$ext" "$work/$name.2/$name.$ext"
		then
			failed "$name.$ext differs between two runs"
			ok=0
		fi
	done
	[ $ok = 1 ] || continue
	if [ "$mode" = update ]; then
		for ext in h c dot; do
			cp "$work/$name.1/$name.$ext" "$golden/$name.$ext.golden"
		done
		echo "test-golden: $name: expected files rewritten"
		pass=$((pass + 1))
		continue
	fi
	for ext in h c dot; do
		if ! cmp -s "$golden/$name.$ext.golden" "$work/$name.1/$name.$ext"
		then
			failed "$name.$ext differs from $name.$ext.golden:"
			diff -u "$golden/$name.$ext.golden" \
				"$work/$name.1/$name.$ext" | head -40
			ok=0
		fi
	done
	if [ $ok = 1 ] && [ $# -gt 0 ]; then
		if ! "$@" -I"$work/$name.1" -c "$work/$name.1/$name.c" \
			-o "$work/$name.1/$name.o"; then
			failed "the generated $name.c does not compile"
			ok=0
		fi
	fi
	[ $ok = 1 ] && pass=$((pass + 1))
done

echo "test-golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
