#!/bin/sh
# driver.sh - tests of pipec's command line (docs/compiler.md): exit codes,
# default output names, -H, -MD/-MF (with imported files), --dot,
# --version, --help, the header kept when unchanged, message files, and no
# output left behind after an error.
#
# usage: tests/diagnostics/driver.sh PIPEC   (from the top of the tree)
set -u

pipec=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pipec-driver.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL: $*"
	fail=$((fail + 1))
}
# expect STATUS DESCRIPTION -- COMMAND...: runs the command in $tmp/w.
expect() {
	want=$1
	what=$2
	shift 3
	(cd "$tmp/w" && "$@") >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok; else
		bad "$what: exit status $got, expected $want"
		cat "$tmp/err"
	fi
}
fresh() {
	rm -rf "$tmp/w"
	mkdir "$tmp/w"
	cp "$top/tests/diagnostics/good.pipe.in" "$tmp/w/flow.pipe"
}

fresh
expect 0 "--version" -- "$pipec" --version
grep -qx "pipec 0.1.0" "$tmp/out" && ok || bad "--version prints '$(cat "$tmp/out")'"
expect 0 "--help" -- "$pipec" --help
grep -q "^usage: pipec" "$tmp/out" && ok || bad "--help prints no usage line"

expect 2 "unknown option" -- "$pipec" --frobnicate flow.pipe
grep -q "unknown option '--frobnicate'" "$tmp/err" && ok || bad "unknown option not named"
expect 2 "no input" -- "$pipec"
expect 2 "two inputs" -- "$pipec" flow.pipe other.pipe
expect 2 "-o without a file" -- "$pipec" flow.pipe -o
expect 2 "output over the input" -- "$pipec" -o flow.pipe flow.pipe
expect 1 "missing input file" -- "$pipec" missing.pipe
grep -q "^missing.pipe: error: cannot open the file" "$tmp/err" && ok ||
	bad "missing file: $(cat "$tmp/err")"
[ -z "$(ls "$tmp/w" | grep -v flow.pipe)" ] && ok || bad "usage errors left files"

# Default names: flow.c and flow.h in the current directory.
fresh
mkdir "$tmp/w/sub"
mv "$tmp/w/flow.pipe" "$tmp/w/sub/"
expect 0 "default outputs" -- "$pipec" sub/flow.pipe
[ -f "$tmp/w/flow.c" ] && [ -f "$tmp/w/flow.h" ] && ok || bad "no flow.c/flow.h"
grep -q '#include "flow.h"' "$tmp/w/flow.c" && ok || bad "flow.c does not include flow.h"

# -o, -H, -MD, -MF.
fresh
mkdir "$tmp/w/gen"
expect 0 "-o -H -MD" -- "$pipec" -o gen/a.c -H gen/b.h -MD flow.pipe
[ -f "$tmp/w/gen/a.c" ] && [ -f "$tmp/w/gen/b.h" ] && ok || bad "-o/-H outputs missing"
grep -q '#include "b.h"' "$tmp/w/gen/a.c" && ok || bad "a.c does not include b.h"
[ "$(cat "$tmp/w/gen/a.c.d" 2>/dev/null)" = "gen/a.c gen/b.h: flow.pipe" ] && ok ||
	bad "-MD wrote '$(cat "$tmp/w/gen/a.c.d" 2>/dev/null)'"
[ ! -e "$tmp/w/gen/a.d" ] && ok || bad "-MD wrote gen/a.d, the name cc -MMD uses"
expect 0 "-MF" -- "$pipec" -o gen/a.c -MF deps.mk flow.pipe
[ "$(cat "$tmp/w/deps.mk" 2>/dev/null)" = "gen/a.c gen/a.h: flow.pipe" ] && ok ||
	bad "-MF wrote '$(cat "$tmp/w/deps.mk" 2>/dev/null)'"
ls "$tmp/w/gen" | grep -q tmp && bad "temporary files left in gen/" || ok

# The header is not rewritten when it did not change; the source is.
touch -d '2000-01-01' "$tmp/w/gen/b.h" "$tmp/w/gen/a.c"
expect 0 "second run" -- "$pipec" -o gen/a.c -H gen/b.h flow.pipe
[ -z "$(find "$tmp/w/gen/b.h" -newermt '2001-01-01')" ] && ok ||
	bad "an unchanged header was rewritten"
[ -n "$(find "$tmp/w/gen/a.c" -newermt '2001-01-01')" ] && ok ||
	bad "the source was not rewritten"

# --dot to a file and to standard output.
expect 0 "--dot FILE" -- "$pipec" -o gen/a.c --dot gen/a.dot flow.pipe
grep -q '^digraph' "$tmp/w/gen/a.dot" && ok || bad "--dot FILE wrote no graph"
expect 0 "--dot -" -- "$pipec" -o gen/a.c --dot - flow.pipe
grep -q '^digraph' "$tmp/out" && ok || bad "--dot - printed no graph"

# After an error: nothing written, older outputs untouched.
fresh
expect 0 "first build" -- "$pipec" -MD --dot g.dot flow.pipe
cp "$tmp/w/flow.c" "$tmp/before.c"
echo "stage broken(" >>"$tmp/w/flow.pipe"
expect 1 "broken input" -- "$pipec" -MD --dot g.dot flow.pipe
cmp -s "$tmp/w/flow.c" "$tmp/before.c" && ok || bad "an error changed flow.c"
[ "$(ls -A "$tmp/w" | tr '\n' ' ')" = "flow.c flow.c.d flow.h flow.pipe g.dot " ] && ok ||
	bad "an error left files: $(ls -A "$tmp/w" | tr '\n' ' ')"

# An output directory that does not exist: an error, nothing left.
fresh
expect 1 "missing output directory" -- "$pipec" -o nodir/x.c flow.pipe
[ "$(ls -A "$tmp/w")" = "flow.pipe" ] && ok || bad "files left: $(ls -A "$tmp/w")"

# --allow-cycles and --main are accepted.
expect 0 "--main --no-line --allow-cycles" -- "$pipec" --main --no-line \
	--allow-cycles flow.pipe
grep -q '^#line' "$tmp/w/flow.c" && bad "--no-line left #line directives" || ok

# Imports: -MD lists every imported file, directly or not, each once, and
# gives each a rule of its own; paths are relative to the importing file.
fresh
mkdir -p "$tmp/w/src/msg"
sed 's|^pipeline flow;|pipeline flow;\nimport "msg/a.pipe";\nimport "msg/b.pipe";|' \
	"$tmp/w/flow.pipe" >"$tmp/w/src/flow.pipe"
printf 'import "b.pipe";\nmessage Am { X; }\n' >"$tmp/w/src/msg/a.pipe"
printf 'message Bm { Y; }\n' >"$tmp/w/src/msg/b.pipe"
expect 0 "-MD with imports" -- "$pipec" -MD src/flow.pipe
want="flow.c flow.h: src/flow.pipe src/msg/a.pipe src/msg/b.pipe

src/msg/a.pipe:

src/msg/b.pipe:"
[ "$(cat "$tmp/w/flow.c.d" 2>/dev/null)" = "$want" ] && ok ||
	bad "-MD with imports wrote '$(cat "$tmp/w/flow.c.d" 2>/dev/null)'"

# A message file: -o, --main and --dot are usage errors (after reading it),
# and nothing is written.
expect 2 "-o for a message file" -- "$pipec" -o b.c src/msg/b.pipe
grep -q "'src/msg/b.pipe' is a message file" "$tmp/err" && ok ||
	bad "-o for a message file: $(cat "$tmp/err")"
expect 2 "--main for a message file" -- "$pipec" --main src/msg/b.pipe
expect 2 "--dot for a message file" -- "$pipec" --dot b.dot src/msg/b.pipe
[ -z "$(ls "$tmp/w" | grep '^b\.')" ] && ok || bad "a refused message file left files"

# A message file writes only its header (the input's base name with .h)
# and, with -MD, the header's name with .d added. Writing its header is
# the code generator's part: until emit_header() handles a Program
# without a pipeline (Program.is_module), pipec fails here, which is
# counted apart as an expected failure (a crash, a sanitizer report or an
# internal error; not an error about the input).
fresh
mkdir -p "$tmp/w/msg"
printf 'import "b.pipe";\nmessage Am { X; }\n' >"$tmp/w/msg/a.pipe"
printf 'message Bm { Y; }\n' >"$tmp/w/msg/b.pipe"
(cd "$tmp/w" && "$pipec" -MD msg/a.pipe) >"$tmp/out" 2>"$tmp/err"
got=$?
if [ "$got" -eq 0 ]; then
	ok
	[ "$(ls -A "$tmp/w" | tr '\n' ' ')" = "a.h a.h.d flow.pipe msg " ] && ok ||
		bad "a message file wrote: $(ls -A "$tmp/w" | tr '\n' ' ')"
	[ "$(cat "$tmp/w/a.h.d")" = "a.h: msg/a.pipe msg/b.pipe

msg/b.pipe:" ] && ok || bad "a message file's -MD wrote '$(cat "$tmp/w/a.h.d")'"
	mkdir "$tmp/w/inc"
	expect 0 "-H for a message file" -- "$pipec" -H inc/a.h msg/a.pipe
	[ -f "$tmp/w/inc/a.h" ] && ok || bad "-H for a message file: no inc/a.h"
elif [ "$got" -ge 128 ] || [ "$got" -eq 3 ] ||
	grep -q "runtime error:\|Sanitizer\|internal error" "$tmp/err"; then
	echo "XFAIL: a message file: pipec exits with $got, emit_header() cannot write one yet"
	xfail=$((xfail + 1))
else
	bad "a message file: exit status $got"
	cat "$tmp/err"
fi

echo "driver: $pass passed, $fail failed${xfail:+, $xfail expected failure(s)}"
[ $fail -eq 0 ]
