#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/runtime/symbols.sh - the symbol test: check-symbols.sh must catch
# a stray name (an archive holding one must fail), then pass on the real
# libraries.
#
# usage: tests/runtime/symbols.sh WORKDIR LIBRARY...   (CC, AR from make)
set -u

dir=$1
shift
here=$(dirname "$0")
mkdir -p "$dir"
printf 'int stray_name(void);\nint stray_name(void) { return 0; }\n' |
	${CC:-cc} -x c -c - -o "$dir/stray.o" || exit 1
rm -f "$dir/stray.a"
${AR:-ar} rcs "$dir/stray.a" "$dir/stray.o" || exit 1
if "$here/check-symbols.sh" "$dir/stray.a" >/dev/null; then
	echo "test-runtime-symbols: a stray name went unnoticed"
	exit 1
fi
"$here/check-symbols.sh" "$@" || exit 1
echo "test-runtime-symbols: passed"
