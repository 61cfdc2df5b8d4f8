#!/bin/bash
# Meta-tests (git's t0012/t0450/t9902): every command has its manual, its
# --help, its completions and its CLI tests; every option is documented.
. "$(dirname "$0")/test-lib.sh"

incident --list-cmds >cmds

test_expect_success 'there are commands to check' '
	test_line_count -ge 7 cmds &&
	grep -x open cmds && grep -x list cmds
'

test_expect_success 'every command has a man page source' '
	while read -r c; do
		test -f "$SOURCE_ROOT/man/incident-$c.1.scd" ||
		{ echo "no man page for $c" >&2; exit 1; }
	done <cmds
'

test_expect_success 'every option of every command is in its man page' '
	while read -r c; do
		incident --complete-options "$c" | sed "s/=\$//" >opts &&
		while read -r o; do
			grep -q -- "$o" "$SOURCE_ROOT/man/incident-$c.1.scd" ||
			{ echo "$c: $o is not in its man page" >&2; exit 1; }
		done <opts
	done <cmds
'

test_expect_success 'every command answers --help with its usage and options' '
	while read -r c; do
		incident "$c" --help >out &&
		grep -q "^usage: incident $c" out &&
		incident --complete-options "$c" | grep -- "^--" | sed "s/=\$//" >opts &&
		while read -r o; do
			grep -q -- "$o" out || { echo "$c --help lacks $o" >&2; exit 1; }
		done <opts || exit 1
	done <cmds
'

test_expect_success 'every command is in every completion script' '
	for f in bash/incident zsh/_incident fish/incident.fish; do
		test -f "$SOURCE_ROOT/completions/$f" || exit 1
		while read -r c; do
			grep -qw -- "$c" "$SOURCE_ROOT/completions/$f" ||
			{ echo "$c missing from $f" >&2; exit 1; }
		done <cmds
	done
'

test_expect_success 'every command has a CLI test through the binary' '
	while read -r c; do
		grep -lE "incident( [^|;&]*)? $c( |\$|\")" "$TEST_DIRECTORY"/t*.sh |
			grep -qv t0001-meta ||
		{ echo "no CLI test runs incident $c" >&2; exit 1; }
	done <cmds
'

test_expect_success 'the README and CHANGELOG exist and mention the quick start' '
	grep -q "scripts/bootstrap" "$SOURCE_ROOT/README.md" &&
	grep -q "## \[Unreleased\]" "$SOURCE_ROOT/CHANGELOG.md"
'

test_done
