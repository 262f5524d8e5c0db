#!/bin/sh
# SPDX-License-Identifier: MIT
# test.sh - checks the editor support in this folder: the Vim syntax (in a
# bare, headless Vim), the TextMate grammar and the VS Code extension
# (JSON, regexes, and the scopes a tokenizer gives), and the bash
# completion (called as bash calls it).
#
# usage: editors/test.sh [PIPEC]
#   PIPEC: a built pipec (default: build/pipec at the top of the tree, if
#   it is there), which must compile the test file that holds every
#   construct, so that the file stays true to the language, and whose
#   --help the completion reads.
#
# Prints a line per check ("ok", "FAIL" or "skip" when a tool is missing)
# and "N passed, M failed" at the end; exits 1 if any check failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
pipec=${1:-$here/../build/pipec}
# The completion test runs in a directory of its own: a path from here.
case $pipec in
/*) ;;
*/*) pipec=$PWD/$pipec ;;
*) pipec=$(command -v "$pipec" || echo "$pipec") ;;
esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pipec-editors.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT PIPE TERM

pass=0
fail=0

ok() {
	echo "ok   $*"
	pass=$((pass + 1))
}

failed() {
	echo "FAIL $*"
	fail=$((fail + 1))
}

# Shows a checker's output and counts its "ok" and "FAIL" lines; a
# checker ends with a line "done", without which it failed part way.
tally() {
	name=$1 out=$2
	while IFS= read -r line; do
		case $line in
		done) continue ;;
		ok\ *) pass=$((pass + 1)) ;;
		FAIL\ *) fail=$((fail + 1)) ;;
		esac
		echo "$line"
	done <"$out"
	grep -qx "done" "$out" || failed "$name: the checks stopped before the end"
}

have() {
	command -v "$1" >/dev/null 2>&1
}

# A checker that hangs must not hang the tests.
limit() {
	if have timeout; then
		timeout 120 "$@"
	else
		"$@"
	fi
}

# The test files: sample.pipe is valid (corners.pipe is not, on purpose).
if [ -x "$pipec" ]; then
	if "$pipec" -o "$tmp/sample.c" "$here/test/sample.pipe" 2>"$tmp/pipec.err"; then
		ok "pipec compiles test/sample.pipe"
	else
		failed "pipec does not compile test/sample.pipe:"
		sed 's/^/     /' "$tmp/pipec.err"
	fi
else
	pipec=
	echo "skip pipec: not built (make), test/sample.pipe not compiled"
fi

# Vim. editors/vim goes first in 'runtimepath', so an installed copy of
# these files cannot stand in for the ones being tested. (The path goes
# through the environment, so that Vim, not the shell, reads it.)
if have vim; then
	# shellcheck disable=SC2016
	EDITORS_VIM=$here/vim EDITORS_TEST_DIR=$here/test \
		EDITORS_TEST_OUT=$tmp/vim.out limit vim -N -u NONE -i NONE -es \
		--cmd 'let &rtp = $EDITORS_VIM . "," . &rtp' \
		-c 'filetype plugin on' \
		-c 'syntax on' -S "$here/test/vim-checks.vim" </dev/null \
		>"$tmp/vim.log" 2>&1
	[ -f "$tmp/vim.out" ] || : >"$tmp/vim.out"
	cat "$tmp/vim.log" >>"$tmp/vim.out"
	tally vim "$tmp/vim.out"
else
	echo "skip vim: not installed (apt-get install vim)"
fi

# JSON files: well-formed, with python3 or else jq.
for f in textmate/pipe.tmLanguage.json vscode/package.json \
	vscode/language-configuration.json; do
	if have python3; then
		if python3 -m json.tool "$here/$f" >/dev/null 2>"$tmp/json.err"; then
			ok "json: $f is valid JSON"
		else
			failed "json: $f: $(cat "$tmp/json.err")"
		fi
	elif have jq; then
		if jq empty "$here/$f" 2>"$tmp/json.err"; then
			ok "json: $f is valid JSON"
		else
			failed "json: $f: $(cat "$tmp/json.err")"
		fi
	else
		echo "skip json: $f (neither python3 nor jq is installed)"
	fi
done

# The TextMate grammar's regexes and scopes, and the extension's layout.
if have python3; then
	limit python3 "$here/test/textmate.py" "$here" >"$tmp/tm.out" 2>&1
	tally textmate "$tmp/tm.out"
else
	echo "skip textmate: python3 is not installed"
fi

# Bash completion, in a bash without the user's setup.
if have bash; then
	mkdir "$tmp/completion"
	limit bash --norc --noprofile "$here/test/completion.bash" \
		"$here/bash/pipec" "$tmp/completion" "$pipec" >"$tmp/bash.out" 2>&1
	tally completion "$tmp/bash.out"
else
	echo "skip completion: bash is not installed"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
