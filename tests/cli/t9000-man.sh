#!/bin/bash
# The manual renders: every page is built, scdoc and man --warnings say
# nothing about any source or page, the pages have their usual sections,
# and help opens the page on a terminal. That every command and option
# has its page and entry is t0001-meta's; help's fallback to --help when
# man is not wanted is t0000-basic's.
. "$(dirname "$0")/test-lib.sh"

MAN_BUILT="$BUILD_ROOT/man"
MAN_SRC="$SOURCE_ROOT/man"

test_lazy_prereq MAN '
	command -v man && command -v scdoc && ls "$MAN_BUILT"/*.[157]
' 'man, scdoc or the built pages are missing'

test_expect_success 'the commands are listed' '
	"$INCIDENT" --list-cmds >cmds &&
	test -s cmds
'

test_expect_success MAN 'every command has a built page' '
	test -f "$MAN_BUILT/incident.1" &&
	test -f "$MAN_BUILT/incident-config.5" &&
	test -f "$MAN_BUILT/incident-json.7" &&
	while read -r cmd; do
		test -f "$MAN_BUILT/incident-$cmd.1" ||
		{ echo "no $MAN_BUILT/incident-$cmd.1"; return 1; }
	done <cmds
'

test_expect_success MAN 'every source is built' '
	for src in "$MAN_SRC"/*.scd; do
		test -s "$MAN_BUILT/$(basename "$src" .scd)" ||
		{ echo "$src is not built"; return 1; }
	done
'

# meson test rebuilds only what the tests depend on, so the built
# pages may be older than the sources: check the sources as well.
test_expect_success MAN 'every source converts and renders without warnings' '
	for src in "$MAN_SRC"/*.scd; do
		scdoc <"$src" >page 2>err ||
		{ echo "scdoc failed on $src"; cat err; return 1; }
		test ! -s err &&
		MANWIDTH=80 man --warnings -l page >out 2>err &&
		test ! -s err ||
		{ echo "warnings from $src:"; cat err; return 1; }
	done
'

test_expect_success MAN 'every page renders with man, without warnings' '
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

test_expect_success MAN 'every page has the usual sections' '
	for page in "$MAN_BUILT"/*.[157]; do
		MANWIDTH=80 man -l "$page" 2>/dev/null >out &&
		for section in NAME DESCRIPTION "SEE ALSO"; do
			grep -q "^$section" out ||
			{ echo "$page has no $section"; return 1; }
		done
	done
'

test_expect_success MAN 'the command pages have SYNOPSIS, OPTIONS, EXIT STATUS, EXAMPLES' '
	while read -r cmd; do
		MANWIDTH=80 man -l "$MAN_BUILT/incident-$cmd.1" 2>/dev/null >out &&
		for section in SYNOPSIS OPTIONS "EXIT STATUS" EXAMPLES; do
			grep -q "^$section" out ||
			{ echo "incident-$cmd.1 has no $section"; return 1; }
		done
	done <cmds
'

test_expect_success MAN,TTY 'help runs man on a terminal' '
	mkdir -p manpath/man1 &&
	cp "$MAN_BUILT/incident-open.1" manpath/man1/ &&
	MANPATH="$TRASH/manpath" MANPAGER=cat PAGER=cat MANWIDTH=80 \
		script -qec "\"$INCIDENT\" help open" /dev/null >out &&
	grep -q "incident-open - open an incident" out
'

test_done
