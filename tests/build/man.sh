#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/build/man.sh - the man pages in docs/man/ render without a
# warning (groff -man -ww), and pipec.1 names every option that
# pipec --help lists.
#
# usage: tests/build/man.sh PIPEC   (from the top of the tree)
set -u

pipec=$1
pass=0
fail=0

for page in docs/man/*.[0-9]; do
	out=$(groff -man -ww -z "$page" 2>&1)
	if [ -z "$out" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "test-man: $page: groff warns:"
		echo "$out" | sed 's/^/  /'
	fi
done

# The options as --help lists them: each word starting with - at the
# start of an option's line ("  -H, --header FILE.h"), or after a comma,
# without an argument (-WNAME: -W; --color=WHEN: --color). In the page,
# a - is written \-.
options=$("$pipec" --help |
	sed -n 's/^  \(-[^ ,]*\(, -[^ ,]*\)*\).*/\1/p' | tr ',' '\n' |
	sed 's/^ *//; s/[= \[].*//; s/\(NAME\|FILE\)$//' | sort -u)
[ -n "$options" ] || {
	echo "test-man: no options found in pipec --help"
	fail=$((fail + 1))
}
for opt in $options; do
	escaped=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
	if grep -q -- "$escaped" docs/man/pipec.1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "test-man: docs/man/pipec.1 does not name $opt"
	fi
done

echo "test-man: $pass passed, $fail failed"
[ $fail -eq 0 ]
