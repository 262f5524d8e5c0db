#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - the diagnostics tests.
#
# Each NAME.pipe here is compiled by pipec (from the top of the tree, so
# the messages name tests/diagnostics/NAME.pipe); its standard error and
# exit status must equal NAME.expected byte for byte (the last line of
# the file is "exit status N"). A first line "// options: ..." gives extra
# pipec options. After an error no file may be left in the output
# directory (no partial output, no temporary file); after success exactly
# the .c and .h files must be there.
#
# usage: tests/diagnostics/run.sh PIPEC            run the tests
#        tests/diagnostics/run.sh PIPEC --update   rewrite every .expected
#                                                  from what pipec prints
set -u

pipec=$1
update=${2:-}
dir=tests/diagnostics
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pipec-diag.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

pass=0
fail=0
failed=""
for src in "$dir"/*.pipe; do
	name=$(basename "$src" .pipe)
	expected=$dir/$name.expected
	opts=$(sed -n '1s|^// options: ||p' "$src")
	out=$tmp/$name
	mkdir "$out"
	# shellcheck disable=SC2086
	"$pipec" $opts -o "$out/$name.c" "$src" >"$tmp/stdout" 2>"$tmp/stderr"
	status=$?
	{
		cat "$tmp/stderr"
		echo "exit status $status"
	} >"$tmp/actual"

	if [ "$update" = "--update" ]; then
		cp "$tmp/actual" "$expected"
		continue
	fi

	ok=yes
	if [ ! -f "$expected" ]; then
		echo "FAIL $name: no $expected (make diagnostics-update)"
		ok=no
	elif ! diff -u "$expected" "$tmp/actual"; then
		echo "FAIL $name: diagnostics differ (see the diff above)"
		ok=no
	fi
	left=$(cd "$out" && ls -A | tr '\n' ' ')
	if [ "$status" -ne 0 ] && [ -n "$left" ]; then
		echo "FAIL $name: files left behind after an error: $left"
		ok=no
	fi
	if [ "$status" -eq 0 ] && [ "$left" != "$name.c $name.h " ]; then
		echo "FAIL $name: expected $name.c and $name.h, found: $left"
		ok=no
	fi
	if [ -s "$tmp/stdout" ]; then
		echo "FAIL $name: pipec wrote to standard output"
		ok=no
	fi
	if [ $ok = yes ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $name"
	fi
done

if [ "$update" = "--update" ]; then
	echo "diagnostics: rewrote the .expected files; review them with git diff"
	exit 0
fi
echo "diagnostics: $pass passed, $fail failed"
[ $fail -eq 0 ] || { echo "failed:$failed"; exit 1; }
