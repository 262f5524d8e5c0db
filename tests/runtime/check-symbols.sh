#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/runtime/check-symbols.sh - the runtime library exports pipec_
# names only.
#
# usage: tests/runtime/check-symbols.sh LIBRARY...
#
# For an archive (.a), every global symbol its objects define must start
# with pipec_ (a static link puts them all in the user's program). For a
# shared library (.so*), every exported symbol must be a pipec_ name that
# runtime/pipec.h declares (the library's own pipec_ functions stay
# hidden), and its soname must be libpipec.so.MAJOR. Exits 1, listing the
# offending names, if any library breaks a rule.
set -u

here=$(dirname "$0")
header=$here/../../runtime/pipec.h
status=0

for lib in "$@"; do
	case "$lib" in
	*.a)
		bad=$(nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' |
			grep -v '^pipec_' | sort -u)
		;;
	*.so*)
		bad=$(nm -D --defined-only "$lib" | awk 'NF == 3 { print $3 }' |
			while read -r name; do
				case "$name" in
				pipec_*) grep -qw "$name" "$header" ||
					echo "$name (not in pipec.h)" ;;
				*) echo "$name" ;;
				esac
			done)
		soname=$(readelf -d "$lib" | sed -n 's/.*SONAME.*\[\(.*\)\].*/\1/p')
		case "$soname" in
		libpipec.so.[0-9]*) ;;
		*) bad="$bad${bad:+
}soname '$soname' (want libpipec.so.MAJOR)" ;;
		esac
		;;
	*)
		echo "check-symbols: $lib: not a .a or .so file" >&2
		exit 2
		;;
	esac
	if [ -n "$bad" ]; then
		echo "check-symbols: $lib exports names outside the pipec_ API:"
		echo "$bad" | sed 's/^/  /'
		status=1
	fi
done
exit $status
