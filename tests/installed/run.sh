#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/installed/run.sh - pipec as another project sees it: make install
# into a scratch prefix, then the sample project of tests/installed/project
# (a pipeline importing a message file, an extern stage in a C file of its
# own) and examples/extern, built with nothing but the installed files:
# PATH, PKG_CONFIG_PATH and CMAKE_PREFIX_PATH point into the prefix. The
# project is built three ways: CMake with Ninja, CMake with Unix
# Makefiles (pipec_generate from pipecConfig.cmake), and make with
# pkg-config and the installed pipec.mk. Each must build and run; run
# pipec again after an edit to the .pipe file or the imported one; after a
# stage body's edit, recompile the generated .c alone (pipec leaves the
# header as it was); after a change to the imported header, recompile
# what includes it; and have nothing to do on a second build. Then make
# uninstall must leave the prefix empty.
#
# usage: tests/installed/run.sh MAKE WORKDIR   (from the top of the tree)
#   MAKE is the make of this tree, with its variables (the variant built);
#   the projects run the system's make, cmake, ninja and cc.
set -u

make=$1
top=$(pwd)
mkdir -p "$2"
work=$(mktemp -d "$(cd "$2" && pwd)/installed.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
pass=0
fail=0
label=

check() {
	what=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "test-installed: $label: expected $what"
		sed 's/^/  /' "$work/log" | tail -20
	fi
}

finish() {
	echo "test-installed: $pass passed, $fail failed"
	[ $fail -eq 0 ]
	exit
}

mkdir "$prefix"
label=install
if ! $make --no-print-directory install DESTDIR= PREFIX="$prefix" \
	LDCONFIG= PIPEC_SKIP_GOALS=install >"$work/log" 2>&1; then
	fail=$((fail + 1))
	cat "$work/log"
	finish
fi

# From here on only the prefix: no tree, no build/, and none of our make's
# flags or jobs (the projects are not parts of this build).
unset MAKEFLAGS MFLAGS MAKELEVEL CPATH C_INCLUDE_PATH LIBRARY_PATH \
	PKG_CONFIG_LIBDIR CMAKE_GENERATOR
PATH=$prefix/bin:/usr/local/bin:/usr/bin:/bin
PKG_CONFIG_PATH=$prefix/lib/pkgconfig
CMAKE_PREFIX_PATH=$prefix
# The plain-make programs link with the shared library (pkg-config --libs).
LD_LIBRARY_PATH=$prefix/lib
export PATH PKG_CONFIG_PATH CMAKE_PREFIX_PATH LD_LIBRARY_PATH
check "pipec on PATH to be the installed one" \
	test "$(command -v pipec)" = "$prefix/bin/pipec"

# What each build did, from its log: KIND is ninja, cmake-make or make.
ran_pipec() { # $1 the output, app.c or msgs.h
	case $kind in
	make) grep -q "bin/pipec .*out/$1" "$work/log" ;;
	*) grep -q "Generating .*$1 " "$work/log" ;;
	esac
}
compiled() { # $1 the source's base name, app or stages
	case $kind in
	make) grep -q -- "-o out/$1\.o" "$work/log" ;;
	*) grep -q "Building C object .*/$1\.c\.o" "$work/log" ;;
	esac
}
build() {
	case $kind in
	ninja) ninja -C "$dir/build" >"$work/log" 2>&1 ;;
	cmake-make) make -C "$dir/build" >"$work/log" 2>&1 ;;
	make) make -C "$dir" >"$work/log" 2>&1 ;;
	esac
}
# Asks without building: "no work to do", or make -q.
up_to_date() {
	case $kind in
	ninja) ninja -C "$dir/build" -n -d explain >"$work/log" 2>&1 &&
		grep -q 'no work to do' "$work/log" ;;
	cmake-make) make -C "$dir/build" >"$work/log" 2>&1 &&
		! grep -q 'Generating\|Building\|Linking' "$work/log" ;;
	make) make -C "$dir" -q >"$work/log" 2>&1 ;;
	esac
}
program() {
	case $kind in
	make) echo "$dir/out/app" ;;
	*) echo "$dir/build/app" ;;
	esac
}
runs() { # $1 the output expected from app --count 4
	"$(program)" --count 4 >"$work/out" 2>"$work/log" &&
		[ "$(cat "$work/out")" = "$1" ]
}
# An edit a second later, so that no time stamp can tie with the last
# build's.
edit() { # $1 file, $2 sed expression
	sleep 1
	sed -i "$2" "$dir/$1"
}

for kind in ninja cmake-make make; do
	dir=$work/$kind
	cp -r tests/installed/project "$dir"
	label="$kind: first build"
	case $kind in
	ninja) cmake -S "$dir" -B "$dir/build" -G Ninja >"$work/log" 2>&1 ;;
	cmake-make) cmake -S "$dir" -B "$dir/build" -G "Unix Makefiles" \
		>"$work/log" 2>&1 ;;
	esac
	check "to build" build
	check "the program to print sum 10" runs "sum 10"
	check "nothing left to do" up_to_date

	label="$kind: stage body edited"
	edit app.pipe 's|long step = 1; // body|long step = 2; // body|'
	check "to build" build
	check "pipec to run" ran_pipec app.c
	check "app.c to be compiled" compiled app
	check "stages.c not to be compiled (app.h unchanged)" \
		eval '! compiled stages'
	check "the program to print sum 4" runs "sum 4"
	check "nothing left to do" up_to_date

	label="$kind: imported file edited"
	edit msgs.pipe 's|^	End;|	End;\n	Skip;|'
	check "to build" build
	check "pipec to run on msgs.pipe" ran_pipec msgs.h
	check "pipec to run on app.pipe" ran_pipec app.c
	check "stages.c to be compiled (msgs.h changed)" compiled stages
	check "the program to print sum 4" runs "sum 4"
	check "nothing left to do" up_to_date
	[ $fail -eq 0 ] || finish
done

# The example, as its README builds it.
kind=make
label="examples/extern"
dir=$work/extern
cp -r examples/extern "$dir"
check "to build" eval 'make -C "$dir" >"$work/log" 2>&1'
check "to run" eval '"$dir/out/primes" --workers 3 >"$work/out" 2>"$work/log"'
check "its output" cmp -s "$work/out" "$top/examples/extern/expected.txt"
check "nothing left to do" eval 'make -C "$dir" -q >"$work/log" 2>&1'

label=uninstall
PATH=/usr/local/bin:/usr/bin:/bin
check "make uninstall to succeed" eval '(cd "$top" && $make \
	--no-print-directory uninstall DESTDIR= PREFIX="$prefix") \
	>"$work/log" 2>&1'
check "the prefix to be empty" test -z "$(ls -A "$prefix")"
finish
