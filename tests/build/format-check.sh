#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/build/format-check.sh - scripts/format-check in a scratch git
# repository: it must fail and name each tracked C file that clang-format
# would change, and only those, and pass once they are formatted.
#
# usage: tests/build/format-check.sh WORKDIR   (from the top of the tree)
set -u

top=$(pwd)
mkdir -p "$1"
work=$(mktemp -d "$(cd "$1" && pwd)/format-check.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
pass=0
fail=0

check() {
	what=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "test-format-check: expected $what"
		sed 's/^/  /' "$work/log"
	fi
}

cd "$work" || exit 1
git init -q .
cp "$top/.clang-format" .
printf 'int good(void)\n{\n\treturn 0;\n}\n' >good.c
printf 'int  bad(void) { return 0; }\n' >bad.c
printf 'int  bad(void);\n' >bad.h
# A file named like the end of another's path: only the other differs.
mkdir sub
printf 'int  good(void) { return 0; }\n' >sub/good.c
printf 'int  untracked(void) { return 0; }\n' >untracked.c
printf 'not  C\n' >notes.txt
git add .clang-format good.c bad.c bad.h sub/good.c notes.txt

"$top/scripts/format-check" >log 2>&1
check "a failure" [ $? -eq 1 ]
check "bad.c, bad.h and sub/good.c named" sh -c 'grep -qx "  bad.c" log &&
	grep -qx "  bad.h" log && grep -qx "  sub/good.c" log'
check "no other file named" [ "$(grep -c '^  ' log)" -eq 3 ]

clang-format -i bad.c bad.h sub/good.c
"$top/scripts/format-check" >log 2>&1
check "a pass once formatted" [ $? -eq 0 ]

echo "test-format-check: $pass passed, $fail failed"
[ $fail -eq 0 ]
