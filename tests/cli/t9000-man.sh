#!/bin/bash
# The manual: every page builds and renders without warnings, every
# command has a page, every option is documented, and help falls back to
# --help when man is not wanted.
. "$(dirname "$0")/test-lib.sh"

MAN_BUILT="$BUILD_ROOT/man"
MAN_SRC="$SOURCE_ROOT/man"

have_man=false
if command -v man >/dev/null 2>&1 && command -v scdoc >/dev/null 2>&1 &&
	[ -d "$MAN_BUILT" ] && ls "$MAN_BUILT"/*.[157] >/dev/null 2>&1; then
	have_man=true
fi
test_lazy_prereq MAN '$have_man' 'man, scdoc or the built pages are missing'

test_expect_success 'the commands are listed' '
	"$INCIDENT" --list-cmds >cmds &&
	test -s cmds
'

test_expect_success 'every scd source has a page in meson.build' '
	for src in "$MAN_SRC"/*.scd; do
		name=$(basename "$src") &&
		grep -q "'"'"'$name'"'"'" "$MAN_SRC/meson.build" ||
		{ echo "$name is not built by man/meson.build"; return 1; }
	done
'

test_expect_success 'every command has a scd source' '
	while read -r cmd; do
		test -f "$MAN_SRC/incident-$cmd.1.scd" ||
		{ echo "no man/incident-$cmd.1.scd"; return 1; }
	done <cmds
'

if $have_man; then
	test_expect_success 'every command has a built page' '
		test -f "$MAN_BUILT/incident.1" &&
		test -f "$MAN_BUILT/incident-config.5" &&
		test -f "$MAN_BUILT/incident-json.7" &&
		while read -r cmd; do
			test -f "$MAN_BUILT/incident-$cmd.1" ||
			{ echo "no $MAN_BUILT/incident-$cmd.1"; return 1; }
		done <cmds
	'

	test_expect_success 'every source is built' '
		for src in "$MAN_SRC"/*.scd; do
			test -s "$MAN_BUILT/$(basename "$src" .scd)" ||
			{ echo "$src is not built"; return 1; }
		done
	'

	# meson test rebuilds only what the tests depend on, so the built
	# pages may be older than the sources: check the sources as well.
	test_expect_success 'every source converts and renders without warnings' '
		for src in "$MAN_SRC"/*.scd; do
			scdoc <"$src" >page 2>err ||
			{ echo "scdoc failed on $src"; cat err; return 1; }
			test ! -s err &&
			MANWIDTH=80 man --warnings -l page >out 2>err &&
			test ! -s err ||
			{ echo "warnings from $src:"; cat err; return 1; }
		done
	'

	test_expect_success 'every page renders with man, without warnings' '
		for page in "$MAN_BUILT"/*.[157]; do
			MANWIDTH=80 man --warnings -l "$page" >out 2>err ||
			{ echo "man failed on $page"; cat err; return 1; }
			if test -s err; then
				echo "warnings from $page:"; cat err; return 1
			fi
			test $(wc -l <out) -gt 10 ||
			{ echo "$page renders almost nothing"; return 1; }
		done
	'

	test_expect_success 'every page has the usual sections' '
		for page in "$MAN_BUILT"/*.[157]; do
			MANWIDTH=80 man -l "$page" 2>/dev/null >out &&
			for section in NAME DESCRIPTION "SEE ALSO"; do
				grep -q "^$section" out ||
				{ echo "$page has no $section"; return 1; }
			done
		done
	'

	test_expect_success 'the command pages have SYNOPSIS, OPTIONS, EXIT STATUS, EXAMPLES' '
		while read -r cmd; do
			MANWIDTH=80 man -l "$MAN_BUILT/incident-$cmd.1" 2>/dev/null >out &&
			for section in SYNOPSIS OPTIONS "EXIT STATUS" EXAMPLES; do
				grep -q "^$section" out ||
				{ echo "incident-$cmd.1 has no $section"; return 1; }
			done
		done <cmds
	'
else
	test_skip 'the built pages' 'man, scdoc or the built pages are missing'
fi

test_expect_success 'the synopsis of every command page is its usage line' '
	while read -r cmd; do
		"$INCIDENT" "$cmd" --help | sed -n "1,/^\$/p" | sed "/^\$/d;s/^usage: //;s/^ *//" | tr "\n" " " | sed "s/ \$//" >usage && echo >>usage &&
		# the page: the SYNOPSIS section, markup and escapes removed
		sed -n "/^# SYNOPSIS/,/^# DESCRIPTION/p" \
			"$MAN_SRC/incident-$cmd.1.scd" |
		sed "1d;\$d" | tr -d "*_\\\\" | tr "\n" " " |
		sed "s/  */ /g;s/^ //;s/ \$//" >synopsis &&
		echo >>synopsis &&
		test_cmp usage synopsis || return 1
	done <cmds
'

test_expect_success 'every option of every command is in its page' '
	while read -r cmd; do
		src="$MAN_SRC/incident-$cmd.1.scd" &&
		"$INCIDENT" --complete-options "$cmd" >opts &&
		test -s opts &&
		while read -r opt; do
			opt=${opt%=} &&
			grep -q -e "$opt\\b" "$src" ||
			{ echo "$opt is not in incident-$cmd.1.scd"; return 1; }
		done <opts || return 1
	done <cmds
'

test_expect_success 'every option is described in the OPTIONS section' '
	while read -r cmd; do
		src="$MAN_SRC/incident-$cmd.1.scd" &&
		sed -n "/^# OPTIONS/,/^# [A-Z]/p" "$src" >options &&
		"$INCIDENT" --complete-options "$cmd" >opts &&
		while read -r opt; do
			opt=${opt%=} &&
			grep -q -e "^\\*$opt\\*" -e "^\\*-.\\*, \\*$opt\\*" options ||
			{ echo "$opt has no entry in OPTIONS of incident-$cmd.1.scd"
			  return 1; }
		done <opts || return 1
	done <cmds
'

test_expect_success 'incident(1) lists every command' '
	while read -r cmd; do
		grep -q "^\\*$cmd\\*" "$MAN_SRC/incident.1.scd" &&
		grep -q "incident-$cmd\\*(1)" "$MAN_SRC/incident.1.scd" ||
		{ echo "incident.1.scd does not list $cmd"; return 1; }
	done <cmds
'

test_expect_success 'the EXIT STATUS of incident(1) names codes 0 to 5' '
	sed -n "/^# EXIT STATUS/,/^# [A-Z]/p" "$MAN_SRC/incident.1.scd" >exit &&
	for code in 0 1 2 3 4 5; do
		grep -q "^\\*$code\\*\$" exit ||
		{ echo "exit status $code is not described"; return 1; }
	done
'

test_expect_success 'every command page has an EXIT STATUS that refers to incident(1)' '
	while read -r cmd; do
		sed -n "/^# EXIT STATUS/,/^# [A-Z]/p" \
			"$MAN_SRC/incident-$cmd.1.scd" >exit &&
		grep -q "\\*incident\\*(1)" exit &&
		grep -q "^\\*0\\*\$" exit ||
		{ echo "incident-$cmd.1.scd: no EXIT STATUS"; return 1; }
	done <cmds
'

test_expect_success 'the pages refer to pages that exist' '
	cat "$MAN_SRC"/*.scd | grep -o "\\*incident[a-z-]*\\*([0-9])" |
		tr -d "*" | sort -u >refs &&
	while read -r ref; do
		name=${ref%(*} && section=${ref#*(} && section=${section%)} &&
		test -f "$MAN_SRC/$name.$section.scd" ||
		{ echo "$ref is referred to but does not exist"; return 1; }
	done <refs
'

test_expect_success 'help prints --help when INCIDENT_NO_MAN is set' '
	"$INCIDENT" open --help >expect &&
	INCIDENT_NO_MAN=1 "$INCIDENT" help open >actual &&
	test_cmp expect actual
'

test_expect_success 'help prints --help into a pipe, for every command' '
	while read -r cmd; do
		"$INCIDENT" "$cmd" --help >expect &&
		"$INCIDENT" help "$cmd" >actual &&
		test_cmp expect actual || return 1
	done <cmds
'

test_expect_success 'help alone prints the list of commands' '
	"$INCIDENT" --help >expect &&
	"$INCIDENT" help >actual &&
	test_cmp expect actual
'

test_expect_success 'help for something that is not a command is a usage error' '
	test_expect_code 2 "$INCIDENT" help no-such-command 2>err &&
	grep -q "not a command" err
'

test_expect_success MAN,TTY 'help runs man on a terminal' '
	mkdir -p manpath/man1 &&
	cp "$MAN_BUILT/incident-open.1" manpath/man1/ &&
	MANPATH="$TRASH/manpath" MANPAGER=cat PAGER=cat MANWIDTH=80 \
		script -qec "\"$INCIDENT\" help open" /dev/null >out &&
	grep -q "incident-open - open an incident" out
'

test_done
