# completion.bash - checks editors/bash/pipec, run by editors/test.sh:
#
#   bash --norc --noprofile completion.bash COMPLETION WORKDIR [PIPEC]
#
# Sources the completion file in a bare bash (no bash-completion package)
# and calls its function the way bash does, with COMP_WORDS and
# COMP_CWORD set, in WORKDIR (an empty directory it fills with files).
# PIPEC, a built pipec, is the one whose --help is read; without it those
# checks are skipped. Prints one "ok ...", "FAIL ..." or "skip ..." line
# per check.
set -u

completion=$1
work=$2
pipec=${3-}

# shellcheck disable=SC1090
source "$completion" || {
	echo "FAIL completion: $completion does not load"
	exit 1
}

mkdir "$work/bin" "$work/files" "$work/files/sub" || exit 1
cd "$work/files" || exit 1
touch a.pipe b.pipe notes.txt 'two words.pipe' sub/c.pipe

# A pipec newer than today's, whose --help lists options this file does
# not know: they must be completed, with what their help line says.
cat >../bin/pipec <<'EOF'
#!/bin/sh
touch "$(dirname "$0")/ran"
cat <<'HELP'
usage: pipec [options] FILE.pipe

options:
  -o FILE.c          the C source to write
  --color=WHEN       color the diagnostics: auto, always or never
  --stats[=FILE]     print statistics (to FILE)
  --format {text,json}
                     how diagnostics are printed
  --trace-dir DIR    where traces go
  -j, --jobs N       how many at once
  --frobnicate       Does nothing
HELP
EOF
chmod +x ../bin/pipec

# Completes the last of the words given (each one word of the command
# line, as bash splits them); prints the candidates, sorted, on one line.
complete_words()
{
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_pipec "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | paste -sd' ' -
}

# expect WHAT EXPECTED WORD...: the candidates must be EXPECTED exactly.
expect()
{
	local what=$1 want=$2 got
	shift 2
	got=$(complete_words "$@")
	if [[ $got == "$want" ]]; then
		echo "ok   completion: $what"
	else
		echo "FAIL completion: $what: for '$*' expected '$want', got '$got'"
	fi
}

# expect_has WHAT WORD-EXPECTED WORD...: the candidates must include it.
expect_has()
{
	local what=$1 want=$2 got
	shift 2
	got=" $(complete_words "$@") "
	if [[ $got == *" $want "* ]]; then
		echo "ok   completion: $what"
	else
		echo "FAIL completion: $what: for '$*' expected '$want' among '$got'"
	fi
}

if [[ $(complete -p pipec 2>&1) == 'complete -F _pipec pipec' ]]; then
	echo "ok   completion: 'complete -p pipec' names _pipec"
else
	echo "FAIL completion: 'complete -p pipec' says: $(complete -p pipec 2>&1)"
fi

expect 'the input is a .pipe file or a directory' \
	'a.pipe b.pipe sub two words.pipe' pipec ''
expect 'the input, from its first letters' 'a.pipe' pipec a
expect 'the input inside a directory' 'sub/c.pipe' pipec sub/
expect 'the input after other options' 'a.pipe b.pipe sub two words.pipe' \
	pipec --main -o out.c ''
expect 'after --, every word is the input' 'a.pipe b.pipe sub two words.pipe' \
	pipec -- ''
expect 'any file after -o' 'a.pipe b.pipe notes.txt sub two words.pipe' \
	pipec -o ''
expect 'any file after -H' 'notes.txt' pipec -H n
expect 'any file after --header' 'notes.txt' pipec --header n
expect 'any file after -MF' 'notes.txt' pipec -MF n
expect 'any file after --dot' 'notes.txt' pipec --dot n
expect 'a file after --dot= (with = a word break)' \
	'a.pipe b.pipe notes.txt sub two words.pipe' pipec --dot =
expect 'a file after --dot=n (with = a word break)' 'notes.txt' pipec --dot = n
expect 'a file after --header=n (= not a word break)' '--header=notes.txt' \
	pipec --header=n
expect 'a file written -oFILE' '-onotes.txt' pipec -on
expect 'the values of --color' 'always auto never' pipec --color =
expect 'a value of --color from its first letters' 'always' pipec --color = al
expect 'a value of --color= (= not a word break)' '--color=always' \
	pipec --color=al
expect 'the fixed options when pipec cannot be run' \
	'--allow-cycles' no-such-pipec --all
expect_has 'the fixed options include -MD' '-MD' no-such-pipec -M

if [[ -n $pipec && -x $pipec ]]; then
	expect "options from pipec's --help" \
		'--allow-cycles --check --color= --dot --header --help --main --no-line --version' \
		"$pipec" --
	expect "short options from pipec's --help" '-MD -MF' "$pipec" -M
	expect "-H from pipec's --help" '-H' "$pipec" -H
	expect "warning names after -Wno-, from pipec's --help" \
		'-Wno-unused-channel -Wno-unused-param' "$pipec" -Wno-u
	expect "a warning name after -Werror=" 'cycle' "$pipec" -Werror = c
	expect "a warning name after -Werror= (= not a word break)" \
		'-Werror=cycle' "$pipec" -Werror=c
else
	echo "skip completion: options from pipec's --help (no pipec built; run make)"
fi

rm -f ../bin/ran
expect 'the input, with a pipec that has options of its own' \
	'a.pipe b.pipe sub two words.pipe' ../bin/pipec ''
if [[ -e ../bin/ran ]]; then
	echo "FAIL completion: pipec was run to complete the input"
else
	echo "ok   completion: pipec is run only to complete options"
fi
expect 'a new option from --help' '--frobnicate' ../bin/pipec --fr
expect 'a new option written --opt=VALUE' '--color=' ../bin/pipec --col
expect 'a new option with an optional value' '--stats --stats=' \
	../bin/pipec --st
expect 'its value after =' 'notes.txt' ../bin/pipec --stats = n
expect 'the input after it, without =' 'a.pipe b.pipe sub two words.pipe' \
	../bin/pipec --stats ''
expect 'a new option with a {set} of values' 'json text' ../bin/pipec --format ''
expect 'a new option taking a DIR' 'sub' ../bin/pipec --trace-dir ''
expect 'no files after a new option taking a number' '' ../bin/pipec --jobs ''
expect 'the input after an option without a value' \
	'a.pipe b.pipe sub two words.pipe' ../bin/pipec --frobnicate ''
echo "done"
