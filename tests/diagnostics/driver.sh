#!/bin/sh
# SPDX-License-Identifier: MIT
# driver.sh - tests of pipec's command line (docs/compiler.md): exit codes,
# default output names, -H, -MD/-MF (with imported files), --dot (alone:
# only the graph), --check, --color, the -W options, --version, --help,
# the header kept when unchanged, message files, no output left behind
# after an error, and outputs pipec does not own (devices, FIFOs,
# symbolic links, directories) never replaced.
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
# Every option has a line of its own starting with it (the bash
# completion reads them), and every warning's name is listed.
for o in "-o FILE.c" "-H, --header FILE.h" "-MD" "-MF FILE" "--main" "--no-line" \
	"--dot FILE" "--allow-cycles" "--check, -fsyntax-only" "--color=WHEN" \
	"-Wno-NAME" "-Werror" "-Werror=NAME" "-w" "--version" "--help" \
	"unused-param" "unused-channel" "stage-without-ports" "cycle"; do
	grep -q "^  $o\( \|\$\)" "$tmp/out" && ok || bad "--help has no line for '$o'"
done
# ...and a line that continues a description never starts with a dash
# (the completion would take it for an option).
grep -q '^   [[:space:]]*-' "$tmp/out" && bad "--help: $(grep '^   [[:space:]]*-' "$tmp/out")" || ok

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
expect 0 "first build" -- "$pipec" -o flow.c -MD --dot g.dot flow.pipe
cp "$tmp/w/flow.c" "$tmp/before.c"
echo "stage broken(" >>"$tmp/w/flow.pipe"
expect 1 "broken input" -- "$pipec" -o flow.c -MD --dot g.dot flow.pipe
cmp -s "$tmp/w/flow.c" "$tmp/before.c" && ok || bad "an error changed flow.c"
[ "$(ls -A "$tmp/w" | tr '\n' ' ')" = "flow.c flow.c.d flow.h flow.pipe g.dot " ] && ok ||
	bad "an error left files: $(ls -A "$tmp/w" | tr '\n' ' ')"

# An output directory that does not exist: an error, nothing left.
fresh
expect 1 "missing output directory" -- "$pipec" -o nodir/x.c flow.pipe
[ "$(ls -A "$tmp/w")" = "flow.pipe" ] && ok || bad "files left: $(ls -A "$tmp/w")"

# An output under a regular file: one error naming it, nothing left.
fresh
touch "$tmp/w/file"
expect 1 "output under a regular file" -- "$pipec" -o file/x.c flow.pipe
[ "$(cat "$tmp/err")" = "flow.pipe: error: cannot create 'file/x.c': Not a directory" ] &&
	ok || bad "output under a file: '$(cat "$tmp/err")'"
[ "$(ls -A "$tmp/w" | tr '\n' ' ')" = "file flow.pipe " ] && ok ||
	bad "files left: $(ls -A "$tmp/w" | tr '\n' ' ')"

# --dot alone writes only the graph (and, with -MD, a dependency file
# for it); with -o, -H or --main every output as before.
fresh
expect 0 "--dot=FILE alone" -- "$pipec" --dot=g.dot flow.pipe
[ "$(ls -A "$tmp/w" | tr '\n' ' ')" = "flow.pipe g.dot " ] && ok ||
	bad "--dot=FILE alone wrote: $(ls -A "$tmp/w" | tr '\n' ' ')"
grep -q '^digraph' "$tmp/w/g.dot" && ok || bad "--dot=FILE alone wrote no graph"
fresh
expect 0 "--dot FILE alone" -- "$pipec" --dot g.dot flow.pipe
[ "$(ls -A "$tmp/w" | tr '\n' ' ')" = "flow.pipe g.dot " ] && ok ||
	bad "--dot FILE alone wrote: $(ls -A "$tmp/w" | tr '\n' ' ')"
fresh
expect 0 "--dot=- alone" -- "$pipec" --dot=- flow.pipe
grep -q '^digraph' "$tmp/out" && ok || bad "--dot=- alone printed no graph"
[ "$(ls -A "$tmp/w")" = "flow.pipe" ] && ok || bad "--dot=- alone wrote files"
expect 1 "--dot=- to a full disk" -- sh -c "'$pipec' --dot=- flow.pipe >/dev/full"
[ "$(cat "$tmp/err")" = "flow.pipe: error: cannot write the graph to standard output: No space left on device" ] &&
	ok || bad "--dot=- to a full disk: $(cat "$tmp/err")"
expect 0 "--dot alone with -MD" -- "$pipec" --dot g.dot -MD flow.pipe
[ "$(cat "$tmp/w/g.dot.d" 2>/dev/null)" = "g.dot: flow.pipe" ] && ok ||
	bad "--dot with -MD wrote '$(cat "$tmp/w/g.dot.d" 2>/dev/null)'"
[ "$(ls -A "$tmp/w" | tr '\n' ' ')" = "flow.pipe g.dot g.dot.d " ] && ok ||
	bad "--dot with -MD wrote: $(ls -A "$tmp/w" | tr '\n' ' ')"
expect 2 "--dot=- with -MD" -- "$pipec" --dot=- -MD flow.pipe
expect 2 "--dot=- with -MF" -- "$pipec" --dot=- -MF g.mk flow.pipe
[ "$(ls -A "$tmp/w" | tr '\n' ' ')" = "flow.pipe g.dot g.dot.d " ] && ok ||
	bad "--dot=- with -MF wrote: $(ls -A "$tmp/w" | tr '\n' ' ')"
fresh
expect 0 "--main --dot" -- "$pipec" --main --dot=g.dot flow.pipe
[ "$(ls -A "$tmp/w" | tr '\n' ' ')" = "flow.c flow.h flow.pipe g.dot " ] && ok ||
	bad "--main --dot wrote: $(ls -A "$tmp/w" | tr '\n' ' ')"
fresh
expect 0 "-H --dot" -- "$pipec" -H x.h --dot=g.dot flow.pipe
[ "$(ls -A "$tmp/w" | tr '\n' ' ')" = "flow.c flow.pipe g.dot x.h " ] && ok ||
	bad "-H --dot wrote: $(ls -A "$tmp/w" | tr '\n' ' ')"
fresh
echo "stage broken(" >>"$tmp/w/flow.pipe"
expect 1 "--dot alone, broken input" -- "$pipec" --dot=g.dot flow.pipe
[ "$(ls -A "$tmp/w")" = "flow.pipe" ] && ok || bad "--dot after an error left files"

# --check (and -fsyntax-only): diagnostics and the exit status, no file
# at all; the options naming outputs are ignored.
fresh
for opt in --check -fsyntax-only; do
	expect 0 "$opt" -- "$pipec" $opt flow.pipe
	expect 0 "$opt with outputs" -- "$pipec" $opt -o x.c -H x.h -MD \
		-MF x.d --dot=g.dot --main flow.pipe
	[ "$(ls -A "$tmp/w")" = "flow.pipe" ] && ok || bad "$opt wrote files: $(ls -A "$tmp/w")"
	expect 0 "$opt --dot=-" -- "$pipec" $opt --dot=- flow.pipe
	[ -s "$tmp/out" ] && bad "$opt --dot=- printed a graph" || ok
done
expect 0 "--check, an output naming the input" -- "$pipec" --check -o flow.pipe flow.pipe
cmp -s "$tmp/w/flow.pipe" "$top/tests/diagnostics/good.pipe.in" && ok ||
	bad "--check changed the input"
printf 'pipeline w;\nparam p: long = 1;\nstage a() { return 0; }\n' >"$tmp/w/w.pipe"
expect 0 "--check with warnings" -- "$pipec" --check w.pipe
[ "$(grep -c ': warning: ' "$tmp/err")" -eq 2 ] && ok || bad "--check printed: $(cat "$tmp/err")"
expect 1 "--check -Werror" -- "$pipec" --check -Werror w.pipe
echo "stage broken(" >>"$tmp/w/flow.pipe"
expect 1 "--check, broken input" -- "$pipec" --check -MD flow.pipe
grep -q "^flow.pipe:.*: error: " "$tmp/err" && ok || bad "--check printed no error"
# Imports are checked too.
fresh
mkdir "$tmp/w/m"
sed 's|^pipeline flow;|pipeline flow;\nimport "m/bad.pipe";|' \
	"$top/tests/diagnostics/good.pipe.in" >"$tmp/w/flow.pipe"
printf 'message Bad { X; X; }\n' >"$tmp/w/m/bad.pipe"
expect 1 "--check, broken import" -- "$pipec" --check flow.pipe
grep -q "^m/bad.pipe:1:.*error: " "$tmp/err" && ok || bad "--check, broken import: $(cat "$tmp/err")"
[ "$(ls -A "$tmp/w" | tr '\n' ' ')" = "flow.pipe m " ] && ok || bad "--check wrote files"

# --color: exact bytes with always and never; auto is off when standard
# error is not a terminal, whatever TERM says.
fresh
printf 'pipeline c;\nparam p: long = 1;\nparam p: long = 2;\nstage a() { return 0; }\n' >"$tmp/w/c.pipe"
esc=$(printf '\033')
B="$esc[1m" R="$esc[0m" RED="$esc[1;31m" MAG="$esc[1;35m" CYAN="$esc[1;36m" GREEN="$esc[1;32m"
want_never="c.pipe:3:7: error: duplicate parameter 'p'
param p: long = 2;
      ^
c.pipe:2:7: note: first defined here
param p: long = 1;
      ^"
want_always="${B}c.pipe:3:7:$R ${RED}error:$R duplicate parameter 'p'
param p: long = 2;
      $GREEN^$R
${B}c.pipe:2:7:$R ${CYAN}note:$R first defined here
param p: long = 1;
      $GREEN^$R"
expect 1 "--color=never" -- "$pipec" --check -w --color=never c.pipe
[ "$(cat "$tmp/err")" = "$want_never" ] && ok || bad "--color=never printed: $(cat -v "$tmp/err")"
expect 1 "--color=always" -- "$pipec" --check -w --color=always c.pipe
[ "$(cat "$tmp/err")" = "$want_always" ] && ok || bad "--color=always printed: $(cat -v "$tmp/err")"
printf 'pipeline w;\nparam p: long = 1;\nstage a(out o: M) { return 0; }\nmessage M { Val; }\nstage b(in i: M) { return 0; }\na -> b;\n' >"$tmp/w/w.pipe"
expect 0 "--color=always, a warning" -- "$pipec" --check --color=always w.pipe
[ "$(head -n 1 "$tmp/err")" = "${B}w.pipe:2:7:$R ${MAG}warning:$R parameter 'p' is never used (no count and no C code names it) [${MAG}-Wunused-param$R]" ] &&
	ok || bad "--color=always, a warning: $(cat -v "$tmp/err")"
expect 1 "--color=always -Werror" -- "$pipec" --check --color=always -Werror w.pipe
[ "$(head -n 1 "$tmp/err")" = "${B}w.pipe:2:7:$R ${RED}error:$R parameter 'p' is never used (no count and no C code names it) [${RED}-Werror=unused-param$R]" ] &&
	ok || bad "--color=always -Werror: $(cat -v "$tmp/err")"
expect 1 "--color=auto, not a terminal" -- env TERM=xterm "$pipec" --check -w --color=auto c.pipe
[ "$(cat "$tmp/err")" = "$want_never" ] && ok || bad "--color=auto printed: $(cat -v "$tmp/err")"
expect 1 "no --color, not a terminal" -- env TERM=xterm "$pipec" --check -w c.pipe
[ "$(cat "$tmp/err")" = "$want_never" ] && ok || bad "the default printed: $(cat -v "$tmp/err")"
expect 1 "--color=never --color=always" -- "$pipec" --check --color=never --color=always c.pipe
grep -q "$esc" "$tmp/err" && ok || bad "the last --color does not win"
expect 2 "--color=sometimes" -- "$pipec" --color=sometimes c.pipe
grep -q "'--color=sometimes'" "$tmp/err" && ok || bad "a bad --color not named"
expect 2 "--color without a value" -- "$pipec" --color c.pipe
# On a terminal (when script(1) can make one): auto colors, unless
# NO_COLOR is set or TERM is dumb.
if script -qec true /dev/null >/dev/null 2>&1; then
	ontty() { (cd "$tmp/w" && env "$@" script -qec "'$pipec' --check c.pipe" /dev/null) >"$tmp/out" 2>&1 || true; }
	ontty TERM=xterm && grep -q "$esc\[1;31merror:" "$tmp/out" && ok ||
		bad "auto on a terminal: no color: $(cat -v "$tmp/out")"
	ontty TERM=xterm NO_COLOR=1 && ! grep -q "$esc" "$tmp/out" && ok ||
		bad "auto with NO_COLOR: $(cat -v "$tmp/out")"
	ontty TERM=dumb && ! grep -q "$esc" "$tmp/out" && ok ||
		bad "auto with TERM=dumb: $(cat -v "$tmp/out")"
fi

# -W options (their effect on messages is in the diagnostics tests): an
# unknown name is a usage error that lists the known ones.
expect 2 "unknown warning" -- "$pipec" -Wfrobnicate w.pipe
grep -q "unknown warning '-Wfrobnicate' (the warnings: unused-param, unused-channel, stage-without-ports, cycle)" \
	"$tmp/err" && ok || bad "unknown warning: $(cat "$tmp/err")"
expect 2 "-Wno- an unknown warning" -- "$pipec" -Wno-frobnicate w.pipe
expect 2 "-Werror= an unknown warning" -- "$pipec" -Werror=frobnicate w.pipe
expect 2 "-W alone" -- "$pipec" -W w.pipe
expect 0 "-Wno-unused-param" -- "$pipec" --check -Wno-unused-param w.pipe
[ -s "$tmp/err" ] && bad "-Wno-unused-param printed: $(cat "$tmp/err")" || ok
# -Werror: an error, so no output is written.
expect 1 "-Werror=unused-param" -- "$pipec" -Werror=unused-param --dot=g.dot w.pipe
[ "$(ls -A "$tmp/w" | tr '\n' ' ')" = "c.pipe flow.pipe w.pipe " ] && ok ||
	bad "-Werror left files: $(ls -A "$tmp/w" | tr '\n' ' ')"
expect 0 "-w -Werror" -- "$pipec" -w -Werror --check w.pipe
[ -s "$tmp/err" ] && bad "-w printed: $(cat "$tmp/err")" || ok

# Outputs pipec does not own. A character device is written into, never
# replaced (two outputs may share it); a write error there is reported.
fresh
expect 0 "-o /dev/null" -- "$pipec" -o /dev/null -H /dev/null -MF /dev/null \
	--dot /dev/null flow.pipe
[ -c /dev/null ] && ok || bad "/dev/null is no longer a device"
[ "$(ls -A "$tmp/w")" = "flow.pipe" ] && ok || bad "-o /dev/null wrote files: $(ls -A "$tmp/w")"
expect 1 "-o /dev/full" -- "$pipec" -o /dev/full -H x.h flow.pipe
[ "$(cat "$tmp/err")" = "flow.pipe: error: cannot write '/dev/full': No space left on device" ] &&
	ok || bad "-o /dev/full: $(cat "$tmp/err")"
[ -c /dev/full ] && ok || bad "/dev/full is no longer a device"
[ "$(ls -A "$tmp/w")" = "flow.pipe" ] && ok || bad "-o /dev/full wrote files: $(ls -A "$tmp/w")"
# A FIFO, with a reader in the background.
mkfifo "$tmp/w/out.fifo"
timeout 20 cat "$tmp/w/out.fifo" >"$tmp/fifo-got" &
reader=$!
expect 0 "-o FIFO" -- timeout 20 "$pipec" -o out.fifo -H x.h flow.pipe
wait $reader
grep -q '#include "x.h"' "$tmp/fifo-got" && ok || bad "the FIFO got: $(head -c 200 "$tmp/fifo-got")"
[ -p "$tmp/w/out.fifo" ] && ok || bad "the FIFO was replaced"
ls "$tmp/w" | grep -q tmp && bad "temporary files left beside the FIFO" || ok
# A symbolic link stays one; its final target (relative to the link's
# directory, through a second link) gets the output, the temporary file
# beside it.
fresh
mkdir "$tmp/w/real" "$tmp/w/gen"
echo old >"$tmp/w/real/t.c"
ln -s ../real/t.c "$tmp/w/gen/hop.c"
ln -s hop.c "$tmp/w/gen/flow.c"
ln -s real/none.h "$tmp/w/x.h"
expect 0 "-o a symbolic link" -- "$pipec" -o gen/flow.c -H x.h flow.pipe
[ -L "$tmp/w/gen/flow.c" ] && [ -L "$tmp/w/gen/hop.c" ] && [ -L "$tmp/w/x.h" ] && ok ||
	bad "a symbolic link was replaced"
grep -q '#include "x.h"' "$tmp/w/real/t.c" && ok || bad "the link's target got no output"
grep -q 'typedef' "$tmp/w/real/none.h" && ok || bad "a dangling link's target was not created"
[ "$(ls -A "$tmp/w/real" | tr '\n' ' ')" = "none.h t.c " ] && ok ||
	bad "beside the target: $(ls -A "$tmp/w/real" | tr '\n' ' ')"
# An output that is the input, by name or through a link: refused, the
# input untouched.
fresh
ln -s flow.pipe "$tmp/w/alias.c"
for o in "-o flow.pipe" "-H flow.pipe" "-MF flow.pipe" "--dot=flow.pipe" "-o alias.c" "-o ./flow.pipe"; do
	# shellcheck disable=SC2086
	expect 2 "output $o is the input" -- "$pipec" $o flow.pipe
	grep -q "would be written over the input" "$tmp/err" && ok || bad "$o: $(cat "$tmp/err")"
	cmp -s "$tmp/w/flow.pipe" "$top/tests/diagnostics/good.pipe.in" && ok ||
		bad "$o changed the input"
done
[ -L "$tmp/w/alias.c" ] && [ "$(ls -A "$tmp/w" | tr '\n' ' ')" = "alias.c flow.pipe " ] && ok ||
	bad "after refusing: $(ls -A "$tmp/w" | tr '\n' ' ')"
# A directory is refused.
mkdir "$tmp/w/d"
expect 1 "-o a directory" -- "$pipec" -o d flow.pipe
[ "$(cat "$tmp/err")" = "flow.pipe: error: cannot write 'd': it is a directory" ] && ok ||
	bad "-o a directory: $(cat "$tmp/err")"
[ -d "$tmp/w/d" ] && [ -z "$(ls -A "$tmp/w/d")" ] && ok || bad "the directory changed"
[ "$(ls -A "$tmp/w" | tr '\n' ' ')" = "alias.c d flow.pipe " ] && ok ||
	bad "-o a directory left: $(ls -A "$tmp/w" | tr '\n' ' ')"

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

# Hostile inputs: one clear error or a clean result, never a crash or a
# hang. A 100 MB file (sparse) is refused unread; 10,000 nested braces in
# a body are C for the C compiler, and unbalanced they are one error; a
# 1 MB name is a name.
fresh
truncate -s 100M "$tmp/w/big.pipe"
expect 1 "a 100 MB input" -- timeout 20 "$pipec" --check big.pipe
grep -q "^big.pipe: error: the file is too large" "$tmp/err" && ok ||
	bad "a 100 MB input: '$(head -c 200 "$tmp/err")'"
deep() {
	printf 'pipeline p;\nmessage Num { Val; }\nstage s(out o: Num) {'
	awk -v n=10000 -v shut="$1" 'BEGIN {
		for (i = 0; i < n; i++) printf "{"
		if (shut) for (i = 0; i < n; i++) printf "}" }'
	[ "$1" = 1 ] && printf '}\nstage k(in i: Num) { }\ns -> k;\n'
	printf '\n'
}
deep 1 >"$tmp/w/deep.pipe"
expect 0 "10,000 nested braces in a body" -- timeout 20 "$pipec" --check deep.pipe
deep 0 >"$tmp/w/open.pipe"
expect 1 "10,000 unclosed braces" -- timeout 20 "$pipec" --check open.pipe
grep -q "unterminated stage body" "$tmp/err" && ok ||
	bad "10,000 unclosed braces: '$(head -c 200 "$tmp/err")'"
{
	printf 'pipeline '
	head -c 1048576 /dev/zero | tr '\0' a
	printf ';\nmessage Num { Val; }\nstage s(out o: Num) { }\n'
	printf 'stage k(in i: Num) { }\ns -> k;\n'
} >"$tmp/w/long.pipe"
expect 0 "a 1 MB name" -- timeout 60 "$pipec" --check long.pipe

echo "driver: $pass passed, $fail failed${xfail:+, $xfail expected failure(s)}"
[ $fail -eq 0 ]
