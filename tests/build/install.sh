#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/build/install.sh - make install installs what the chosen variant
# built, and every other file it promises, where the variables say; the
# installed files name the final paths, never DESTDIR; make uninstall
# removes exactly that, and the directories install made when empty.
#
# usage: tests/build/install.sh MAKE WORKDIR PIPEC LIBRARY SHARED
#   MAKE runs with the caller's variables (CC, VARIANT: make passes them
#   on); PIPEC, LIBRARY and SHARED (libpipec.so.X.Y.Z) are the files this
#   variant built.
set -u

make=$1
work=$2
pipec=$3
lib=$4
so=$5
mkdir -p "$work"
dest=$(mktemp -d "$(cd "$work" && pwd)/install.XXXXXX") || exit 1
trap 'rm -rf "$dest" "$dest.log"' EXIT
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

# make install or uninstall with these arguments, into $dest. The tree
# is built (make test-install needs all), and a make running beside this
# one may be writing .pipe outputs: not a reason to read them.
run_make() {
	if ! $make --no-print-directory "$@" DESTDIR="$dest" \
		PIPEC_SKIP_GOALS="install uninstall" >"$dest.log" 2>&1; then
		cat "$dest.log"
		echo "test-install: make $* failed"
		echo "test-install: $pass passed, $((fail + 1)) failed"
		exit 1
	fi
}

# A symbolic link to $2.
is_link() {
	[ -L "$1" ] && [ "$(readlink "$1")" = "$2" ]
}

# The ELF file has no symbol table (strip removes .symtab).
stripped() {
	! readelf -S "$1" | grep -q '\.symtab'
}

run_make install PREFIX=/opt/pipec
root=$dest/opt/pipec
so_name=$(basename "$so")
soname=$(echo "$so_name" | sed 's/^\(libpipec\.so\.[0-9]*\).*/\1/')
check "bin/pipec to be executable" test -x "$root/bin/pipec"
check "bin/pipec to run" "$root/bin/pipec" --version >/dev/null
check "bin/pipec to be stripped" stripped "$root/bin/pipec"
check "lib/libpipec.a to be $lib" cmp -s "$root/lib/libpipec.a" "$lib"
check "lib/$so_name to be $so" cmp -s "$root/lib/$so_name" "$so"
check "lib/$soname to link to $so_name" is_link "$root/lib/$soname" \
	"$so_name"
check "lib/libpipec.so to link to $soname" is_link \
	"$root/lib/libpipec.so" "$soname"
check "include/pipec.h to be runtime/pipec.h" \
	cmp -s "$root/include/pipec.h" runtime/pipec.h
check "lib/pkgconfig/pipec.pc to name the prefix" \
	grep -qx 'prefix=/opt/pipec' "$root/lib/pkgconfig/pipec.pc"
for f in pipecConfig pipecConfigVersion pipecDepfile; do
	check "lib/cmake/pipec/$f.cmake" test -s "$root/lib/cmake/pipec/$f.cmake"
done
check "pipecConfig.cmake to name the installed pipec" grep -q \
	'"/opt/pipec/bin/pipec"' "$root/lib/cmake/pipec/pipecConfig.cmake"
check "share/pipec/pipec.mk to run the installed pipec" grep -qx \
	'PIPEC ?= /opt/pipec/bin/pipec' "$root/share/pipec/pipec.mk"
check "share/pipec/pipec.mk to be mk/pipec.mk otherwise" test \
	"$(diff mk/pipec.mk "$root/share/pipec/pipec.mk" | grep -c '^[<>]')" = 2
check "share/man/man1/pipec.1" cmp -s "$root/share/man/man1/pipec.1" \
	docs/man/pipec.1
check "share/man/man7/pipec-language.7" cmp -s \
	"$root/share/man/man7/pipec-language.7" docs/man/pipec-language.7
for f in ftdetect ftplugin syntax; do
	check "share/vim/vimfiles/$f/pipe.vim" cmp -s \
		"$root/share/vim/vimfiles/$f/pipe.vim" "editors/vim/$f/pipe.vim"
done
check "share/bash-completion/completions/pipec" cmp -s \
	"$root/share/bash-completion/completions/pipec" editors/bash/pipec
check "no installed file to name DESTDIR" \
	test -z "$(grep -rl "$dest" "$root")"

# A file of someone else's in a directory install made stays, and so does
# its directory; the rest goes, up to the prefix, which install made.
mkdir -p "$root/share/man/man1" && : >"$root/share/man/man1/other.1"
run_make uninstall PREFIX=/opt/pipec
check "uninstall to leave only another package's file" test \
	"$(cd "$dest" && find . | sort | tr '\n' ' ')" = \
	". ./opt ./opt/pipec ./opt/pipec/share ./opt/pipec/share/man ./opt/pipec/share/man/man1 ./opt/pipec/share/man/man1/other.1 "
rm -rf "${dest:?}/opt"

# Every directory variable, and pipec with its symbols. A directory that
# was there before install stays after uninstall, empty or not.
mkdir -p "$dest/usr/bin"
run_make install PREFIX=/usr BINDIR=/usr/bin LIBDIR=/usr/lib64 \
	INCLUDEDIR=/usr/include/pipec DATADIR=/usr/share2 MANDIR=/usr/man \
	INSTALL_STRIP=
check "BINDIR's pipec to be $pipec" cmp -s "$dest/usr/bin/pipec" "$pipec"
check "LIBDIR's libpipec.a" test -f "$dest/usr/lib64/libpipec.a"
check "INCLUDEDIR's pipec.h" test -f "$dest/usr/include/pipec/pipec.h"
check "DATADIR's pipec.mk" test -f "$dest/usr/share2/pipec/pipec.mk"
check "MANDIR's pipec.1" test -f "$dest/usr/man/man1/pipec.1"
check "pipec.pc to name LIBDIR and INCLUDEDIR" test \
	"$(grep -c -e '^libdir=/usr/lib64$' -e '^includedir=/usr/include/pipec$' \
		"$dest/usr/lib64/pkgconfig/pipec.pc")" = 2
run_make uninstall PREFIX=/usr BINDIR=/usr/bin LIBDIR=/usr/lib64 \
	INCLUDEDIR=/usr/include/pipec DATADIR=/usr/share2 MANDIR=/usr/man
check "uninstall to leave the directories that were there" test \
	"$(cd "$dest" && find . | sort | tr '\n' ' ')" = ". ./usr ./usr/bin "

echo "test-install: $pass passed, $fail failed"
[ $fail -eq 0 ]
