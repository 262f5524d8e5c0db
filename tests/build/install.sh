#!/bin/sh
# tests/build/install.sh - `make install` installs what the chosen variant
# built: it installs into a scratch DESTDIR and compares every installed
# file with the one the build made.
#
# usage: tests/build/install.sh MAKE WORKDIR PIPEC LIBRARY
#   MAKE runs with the caller's variables (CC, VARIANT: make passes them
#   on); PIPEC and LIBRARY are the files this variant built.
set -u

make=$1
work=$2
pipec=$3
lib=$4
mkdir -p "$work"
dest=$(mktemp -d "$(cd "$work" && pwd)/install.XXXXXX") || exit 1
trap 'rm -rf "$dest"' EXIT
pass=0
fail=0

check() {
	what=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "test-install: expected $what"
	fi
}

# The tree is built (make test-install needs all), and a make running
# beside this one may be writing .pipe outputs: not a reason to read them.
if ! $make --no-print-directory install DESTDIR="$dest" PREFIX=/opt/pipec \
	PIPEC_SKIP_GOALS=install >"$dest.log" 2>&1; then
	cat "$dest.log"
	rm -f "$dest.log"
	echo "test-install: make install failed"
	echo "test-install: 0 passed, 1 failed"
	exit 1
fi
rm -f "$dest.log"
root=$dest/opt/pipec
check "bin/pipec to be $pipec" cmp -s "$root/bin/pipec" "$pipec"
check "bin/pipec to be executable" test -x "$root/bin/pipec"
check "lib/libpipec.a to be $lib" cmp -s "$root/lib/libpipec.a" "$lib"
check "include/pipec.h to be runtime/pipec.h" \
	cmp -s "$root/include/pipec.h" runtime/pipec.h

echo "test-install: $pass passed, $fail failed"
[ $fail -eq 0 ]
