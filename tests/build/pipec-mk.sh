#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/build/pipec-mk.sh - mk/pipec.mk in a project of its own: a
# Makefile that includes it, a .pipe file and a C file that includes the
# generated header. After each edit, make must run pipec exactly when an
# input changed, rebuild what includes the header only when the header
# changed, and leave nothing for a second make (make -q).
#
# usage: tests/build/pipec-mk.sh PIPEC WORKDIR   (from the top of the tree)
#   CC (environment, default cc) compiles the C files.
set -u

pipec=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(pwd)
mkdir -p "$2"
work=$(mktemp -d "$(cd "$2" && pwd)/pipec-mk.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
# The project's make is not a part of ours: none of our flags or jobs.
unset MAKEFLAGS MFLAGS MAKELEVEL
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
		echo "test-pipec-mk: $label: expected $what"
		sed 's/^/  /' "$work/log" | head -20
	fi
}

# pipec, logging each run, and listing the files named in ./imports as
# imported by the .pipe file, as the real pipec lists a file's imports:
# on the rule's line, and each with an empty rule of its own.
cat >"$work/pipec" <<EOF
#!/bin/sh
echo run >>runs
"$pipec" "\$@" || exit
while [ \$# -gt 0 ]; do
	[ "\$1" = -MF ] && deps=\$2
	shift
done
if [ -s imports ]; then
	sed -i "1s|\\\$| \$(cat imports)|" "\$deps"
	printf '\n%s:\n' \$(cat imports) >>"\$deps"
fi
exit 0
EOF
chmod +x "$work/pipec"

# out/user.o comes first: make looks at the header before pipec runs.
cat >"$work/Makefile" <<EOF
CFLAGS := -std=c11 -I$top/runtime -Iout -MMD -MP
all: out/user.o out/flow.o

PIPEC := ./pipec
PIPEC_QUIET = @echo 'PIPEC \$1';
include $top/mk/pipec.mk
\$(call pipec_generate,out/flow,flow.pipe,--no-line)

out/flow.o: out/flow.c
	\$(CC) \$(CFLAGS) -c \$< -o \$@
out/user.o: user.c out/flow.h
	\$(CC) \$(CFLAGS) -c user.c -o \$@
-include out/flow.d out/user.d
clean:
	rm -rf out
EOF

cat >"$work/flow.pipe" <<'EOF'
pipeline flow;

param limit: long = 10;

message Num { Value(long); }

stage gen(out nums: Num) {
	for (long n = 0; n < params->limit; n++)
		if (Num_send(nums, Num_Value(n)) != PIPEC_OK)
			return 0;
	return 0;
}

stage sink(in nums: Num) {
	Num m;
	while (Num_recv(nums, &m) == PIPEC_OK)
		;
	return 0;
}

gen -[4]-> sink;
EOF

cat >"$work/user.c" <<'EOF'
#include "flow.h"

long user_limit(void);
long user_limit(void)
{
	flow_params p;
	flow_params_init(&p);
	return p.limit;
}
EOF

# mk ARGS...: runs make in the project; its output is in $work/log.
mk() {
	(cd "$work" && make --no-print-directory "$@") >"$work/log" 2>&1
}
runs() { [ -f "$work/runs" ] && wc -l <"$work/runs" || echo 0; }
stamp() { stat -c %y "$work/$1" 2>/dev/null; }
up_to_date() { mk -q; }
# A new time stamp for the edits: file times move in clock ticks.
edit() {
	sleep 0.05
	"$@"
}

label="first build"
mk
check "make to succeed" [ $? -eq 0 ]
check "one pipec run" [ "$(runs)" -eq 1 ]
check "one short line for pipec" grep -qx 'PIPEC out/flow.c' "$work/log"
check "the header and both objects" test -f "$work/out/flow.h" \
	-a -f "$work/out/flow.o" -a -f "$work/out/user.o"
check "nothing left to do (make -q)" up_to_date

label="second make"
mk
check "make to succeed" [ $? -eq 0 ]
check "no pipec run" [ "$(runs)" -eq 1 ]
check "no command" grep -q "Nothing to be done" "$work/log"

label="a stage body changed"
user=$(stamp out/user.o)
header=$(stamp out/flow.h)
edit sed -i 's/n < params->limit; n++/n < params->limit; n += 1/' \
	"$work/flow.pipe"
mk
check "make to succeed" [ $? -eq 0 ]
check "a pipec run" [ "$(runs)" -eq 2 ]
check "the header left alone" [ "$(stamp out/flow.h)" = "$header" ]
check "out/user.o not rebuilt" [ "$(stamp out/user.o)" = "$user" ]
check "nothing left to do (make -q)" up_to_date

label="the header changed"
edit sed -i 's/param limit: long = 10;/param limit: long = 10;\
param more: int = 1;/' "$work/flow.pipe"
mk
check "make to succeed" [ $? -eq 0 ]
check "a pipec run" [ "$(runs)" -eq 3 ]
check "out/user.o rebuilt" [ "$(stamp out/user.o)" != "$user" ]
check "nothing left to do (make -q)" up_to_date

label="an imported file changed"
echo "lib.pipe" >"$work/imports"
edit touch "$work/lib.pipe" "$work/flow.pipe"
mk
check "a pipec run listing the import" [ "$(runs)" -eq 4 ]
edit touch "$work/lib.pipe"
mk
check "make to succeed" [ $? -eq 0 ]
check "a pipec run" [ "$(runs)" -eq 5 ]
check "nothing left to do (make -q)" up_to_date

label="an imported file deleted"
rm "$work/lib.pipe" "$work/imports"
edit touch "$work/flow.pipe"
mk
check "make to succeed" [ $? -eq 0 ]
check "a pipec run" [ "$(runs)" -eq 6 ]
check "nothing left to do (make -q)" up_to_date

label="the header deleted"
rm "$work/out/flow.h"
mk
check "make to succeed" [ $? -eq 0 ]
check "the header back" test -f "$work/out/flow.h"
check "nothing left to do (make -q)" up_to_date

label="the dependency file deleted"
rm "$work/out/flow.pipe.d"
mk
check "make to succeed" [ $? -eq 0 ]
check "it back" test -f "$work/out/flow.pipe.d"
check "nothing left to do (make -q)" up_to_date

label="an error in the .pipe file"
n=$(runs)
cp "$work/flow.pipe" "$work/good.pipe"
cp "$work/out/flow.c" "$work/before.c"
edit sh -c "echo 'stage broken(' >>'$work/flow.pipe'"
mk
check "make to fail" [ $? -ne 0 ]
check "pipec's message" grep -q '^flow.pipe:[0-9]*:[0-9]*: error' "$work/log"
check "one pipec run" [ "$(runs)" -eq $((n + 1)) ]
check "out/flow.c as it was" cmp -s "$work/out/flow.c" "$work/before.c"
edit cp "$work/good.pipe" "$work/flow.pipe"
mk
check "make to succeed once fixed" [ $? -eq 0 ]
check "nothing left to do (make -q)" up_to_date

label="make clean"
n=$(runs)
edit touch "$work/flow.pipe"
mk clean
check "make clean to succeed" [ $? -eq 0 ]
check "no pipec run" [ "$(runs)" -eq "$n" ]

echo "test-pipec-mk: $pass passed, $fail failed"
[ $fail -eq 0 ]
