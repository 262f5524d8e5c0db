#!/bin/sh
# SPDX-License-Identifier: MIT
# examples/digest/test.sh - digest against sha256sum: the same bytes as
# `find ROOT -type f | sort | xargs sha256sum` on a generated tree and on
# this repository's sources, for several worker counts and capacities;
# and a file that cannot be read fails the run, with a message naming the
# stage and the file, and nothing on stdout.
#
# usage: examples/digest/test.sh PROGRAM [WRAPPER...]
set -u

prog=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
wrap="$*" # words without spaces: split on purpose below
repo=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d "$(dirname "$prog")/test.XXXXXX") || exit 1
dir=$(cd "$dir" && pwd)
trap 'chmod -R u+rwx "$dir"; rm -rf "$dir"' EXIT
export LC_ALL=C # sort by bytes, as digest does
pass=0
fail=0

run() {
	label="$*"
	status=0
	# shellcheck disable=SC2086
	$wrap "$prog" "$@" >"$dir/out" 2>"$dir/err" </dev/null || status=$?
}

check() {
	what=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "test-digest: '$label': expected $what (status $status)"
		sed 's/^/  stdout: /' "$dir/out" | head -10
		sed 's/^/  stderr: /' "$dir/err" | head -10
	fi
}

# sha256sum's lines for the regular files under $1, sorted by path.
want() {
	find "$1" -type f -print0 | sort -z | xargs -0 -r sha256sum >"$dir/want"
}

# same_as_sha256sum ROOT [OPTIONS...]
same_as_sha256sum() {
	root=$1
	shift
	want "$root"
	run --root "$root" "$@"
	check "sha256sum's $(wc -l <"$dir/want") lines" \
		sh -c "[ $status -eq 0 ] && cmp -s '$dir/want' '$dir/out'"
}

# Sizes around the 64 KiB read, an empty file and folder, and names that
# sha256sum escapes (a backslash, a newline) or that need quoting.
cd "$dir" || exit 1
mkdir -p t/a/b/c t/empty-folder "t/s p"
: >t/a/empty
printf x >t/a/one
head -c 65535 /dev/urandom >t/a/b/64k-1
head -c 65536 /dev/urandom >t/a/b/64k
head -c 65537 /dev/urandom >t/a/b/c/64k+1
head -c 1000000 /dev/urandom >"t/s p/a million"
printf 'back\\slash\n' >'t/a/back\slash'
printf 'new\nline\n' >'t/a/new
line'
i=0
while [ $i -lt 60 ]; do
	echo "file $i" >"t/a/b/f$i"
	i=$((i + 1))
done

for opts in "" "--workers 1 --capacity 0" "--workers 8 --capacity 1" \
	"--workers=3 --capacity=64"; do
	# shellcheck disable=SC2086
	same_as_sha256sum t $opts
done
same_as_sha256sum t/
same_as_sha256sum t/empty-folder
same_as_sha256sum t/a/one
cd "$repo" || exit 1
same_as_sha256sum compiler
same_as_sha256sum docs --workers 2
cd "$dir" || exit 1

# A read that fails, also for root (whom chmod does not stop): a link
# that leads nowhere (open says ENOENT), a FIFO and a link to a folder
# (refused: not regular files).
# fails_naming TEXT: exit 1, nothing printed, a stage error naming TEXT,
# after the program's name as it was run.
fails_naming() {
	check "exit status 1" [ "$status" -eq 1 ]
	check "nothing on stdout" [ ! -s "$dir/out" ]
	check "a hash stage's error naming the file" grep -Eq \
		"^$prog: stage 'hash\[[0-9]+\]' failed \(code 1\): $1\$" "$dir/err"
}
ln -s nowhere t/a/b/dangling
run --root t
fails_naming "t/a/b/dangling: No such file or directory"
run --root t --workers 1 --capacity 0
fails_naming "t/a/b/dangling: No such file or directory"
rm t/a/b/dangling
mkfifo "t/s p/fifo"
run --root t
fails_naming "t/s p/fifo: a FIFO"
rm "t/s p/fifo"
ln -s a t/b-link
run --root t
fails_naming "t/b-link: a folder"
rm t/b-link

# chmod stops only a user that is not root.
chmod 000 t/a/one
if ! cat t/a/one >/dev/null 2>&1; then
	run --root t
	fails_naming "t/a/one: Permission denied"
fi
chmod 644 t/a/one
chmod 000 t/a/b/c
if ! ls t/a/b/c >/dev/null 2>&1; then
	run --root t
	check "walk's error for a folder it cannot list" grep -q \
		"stage 'walk\[0\]' failed (code 1): t/a/b/c: Permission denied" \
		"$dir/err"
fi
chmod 755 t/a/b/c

run --root no-such-folder
check "exit status 1 for a missing root" [ "$status" -eq 1 ]
check "walk's error naming it" grep -q \
	"stage 'walk\[0\]' failed (code 1): no-such-folder: No such file" \
	"$dir/err"

echo "test-digest: $pass passed, $fail failed"
[ $fail -eq 0 ]
