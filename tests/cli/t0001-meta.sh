#!/bin/bash
# Meta-tests (git's t0012, t0450, t9902): the lists that must agree.
# Every command from --list-cmds answers --help and -h with its usage and
# options, has a man page source that lists every option and whose
# synopsis is the usage, is in every completion script and has a CLI
# test. That the pages build and render is t9000-man's; help's fallback
# to --help is t0000-basic's.
. "$(dirname "$0")/test-lib.sh"

MAN_SRC="$SOURCE_ROOT/man"
incident --list-cmds >cmds

test_expect_success 'there are commands to check' '
	test_line_count -ge 7 cmds &&
	grep -x open cmds && grep -x list cmds
'

# ---- --help ----

test_expect_success 'incident --help lists every command' '
	incident --help >out &&
	while read -r c; do
		grep -q "^  $c " out || { echo "--help lacks $c" >&2; exit 1; }
	done <cmds
'

test_expect_success 'every command answers --help and -h with its usage and options, without a store' '
	while read -r c; do
		incident "$c" --help >out &&
		grep -q "^usage: incident $c" out &&
		incident "$c" -h >out2 &&
		test_cmp out out2 &&
		incident --complete-options "$c" | grep -- "^--" | sed "s/=\$//" >opts &&
		while read -r o; do
			grep -q -- "$o" out || { echo "$c --help lacks $o" >&2; exit 1; }
		done <opts || exit 1
	done <cmds &&
	! test -e "$INCIDENT_DIR"
'

# ---- the man page sources ----

test_expect_success 'every command has a man page source' '
	while read -r c; do
		test -f "$MAN_SRC/incident-$c.1.scd" ||
		{ echo "no man/incident-$c.1.scd" >&2; exit 1; }
	done <cmds
'

test_expect_success 'every man page source is built by man/meson.build' '
	for src in "$MAN_SRC"/*.scd; do
		name=$(basename "$src") &&
		grep -q "'"'"'$name'"'"'" "$MAN_SRC/meson.build" ||
		{ echo "$name is not built by man/meson.build" >&2; exit 1; }
	done
'

test_expect_success 'incident(1) lists every command' '
	while read -r c; do
		grep -q "^\\*$c\\*" "$MAN_SRC/incident.1.scd" &&
		grep -q "incident-$c\\*(1)" "$MAN_SRC/incident.1.scd" ||
		{ echo "incident.1.scd does not list $c" >&2; exit 1; }
	done <cmds
'

test_expect_success 'the synopsis of every command page is its usage line' '
	while read -r c; do
		incident "$c" --help | sed -n "1,/^\$/p" | sed "/^\$/d;s/^usage: //;s/^ *//" | tr "\n" " " | sed "s/ \$//" >usage && echo >>usage &&
		# the page: the SYNOPSIS section, markup and escapes removed
		sed -n "/^# SYNOPSIS/,/^# DESCRIPTION/p" \
			"$MAN_SRC/incident-$c.1.scd" |
		sed "1d;\$d" | tr -d "*_\\\\" | tr "\n" " " |
		sed "s/  */ /g;s/^ //;s/ \$//" >synopsis &&
		echo >>synopsis &&
		test_cmp usage synopsis || exit 1
	done <cmds
'

test_expect_success 'every option of every command is in its man page' '
	while read -r c; do
		src="$MAN_SRC/incident-$c.1.scd" &&
		incident --complete-options "$c" >opts &&
		test -s opts &&
		while read -r opt; do
			opt=${opt%=} &&
			grep -q -e "$opt\\b" "$src" ||
			{ echo "$opt is not in incident-$c.1.scd" >&2; exit 1; }
		done <opts || exit 1
	done <cmds
'

test_expect_success 'every option is described in the OPTIONS section' '
	while read -r c; do
		src="$MAN_SRC/incident-$c.1.scd" &&
		sed -n "/^# OPTIONS/,/^# [A-Z]/p" "$src" >options &&
		incident --complete-options "$c" >opts &&
		while read -r opt; do
			opt=${opt%=} &&
			grep -q -e "^\\*$opt\\*" -e "^\\*-.\\*, \\*$opt\\*" options ||
			{ echo "$opt has no entry in OPTIONS of incident-$c.1.scd" >&2
			  exit 1; }
		done <opts || exit 1
	done <cmds
'

test_expect_success 'the EXIT STATUS of incident(1) names codes 0 to 5' '
	sed -n "/^# EXIT STATUS/,/^# [A-Z]/p" "$MAN_SRC/incident.1.scd" >exit &&
	for code in 0 1 2 3 4 5; do
		grep -q "^\\*$code\\*\$" exit ||
		{ echo "exit status $code is not described" >&2; exit 1; }
	done
'

test_expect_success 'every command page has an EXIT STATUS that refers to incident(1)' '
	while read -r c; do
		sed -n "/^# EXIT STATUS/,/^# [A-Z]/p" \
			"$MAN_SRC/incident-$c.1.scd" >exit &&
		grep -q "\\*incident\\*(1)" exit &&
		grep -q "^\\*0\\*\$" exit ||
		{ echo "incident-$c.1.scd: no EXIT STATUS" >&2; exit 1; }
	done <cmds
'

test_expect_success 'the pages refer to pages that exist' '
	cat "$MAN_SRC"/*.scd | grep -o "\\*incident[a-z-]*\\*([0-9])" |
		tr -d "*" | sort -u >refs &&
	test -s refs &&
	while read -r ref; do
		name=${ref%(*} && section=${ref#*(} && section=${section%)} &&
		test -f "$MAN_SRC/$name.$section.scd" ||
		{ echo "$ref is referred to but does not exist" >&2; exit 1; }
	done <refs
'

# ---- completions and tests ----

test_expect_success 'every command is in every completion script' '
	for f in bash/incident zsh/_incident fish/incident.fish; do
		test -f "$SOURCE_ROOT/completions/$f" || exit 1
		while read -r c; do
			grep -v "^[[:space:]]*#" "$SOURCE_ROOT/completions/$f" |
				grep -qw -- "$c" ||
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

test_expect_success 'every command is in the table of tests/cli/README' '
	while read -r c; do
		grep -qE "^    $c +t[0-9]{4}-" "$TEST_DIRECTORY/README" ||
		{ echo "tests/cli/README does not say which script tests $c" >&2
		  exit 1; }
	done <cmds
'

test_expect_success 'the README and CHANGELOG exist and mention the quick start' '
	grep -q "scripts/bootstrap" "$SOURCE_ROOT/README.md" &&
	grep -q "## \[Unreleased\]" "$SOURCE_ROOT/CHANGELOG.md"
'

test_expect_success 'the public header stands alone, without cJSON' '
	! grep -n "cjson\|cJSON \*\|cJSON\*" "$SOURCE_ROOT/include/incident.h" &&
	printf "#include \"incident.h\"\nint main(void) { inc_error e = {INC_OK, {0}}; return (int)e.code; }\n" >api.c &&
	cc -std=c11 -Wall -Werror -fsyntax-only -I "$SOURCE_ROOT/include" api.c
'

test_done
