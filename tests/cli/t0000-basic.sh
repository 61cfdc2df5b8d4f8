#!/bin/bash
# Basics: version, help, usage errors, exit codes, a fresh machine.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'version' '
	incident --version >out &&
	grep -E "^incident [0-9]+\.[0-9]+\.[0-9]+$" out
'

test_expect_success 'bare incident on a fresh machine needs no set-up' '
	incident >out &&
	echo "no open incidents" >expect &&
	test_cmp expect out &&
	! test -e "$INCIDENT_DIR"
'

test_expect_success 'help lists every command' '
	incident --help >out &&
	for c in $(incident --list-cmds); do grep -q "^  $c " out || exit 1; done
'

test_expect_success 'every command answers --help and -h without a store' '
	for c in $(incident --list-cmds); do
		incident $c --help >out &&
		grep -q "^usage: incident $c" out &&
		incident $c -h >out2 &&
		test_cmp out out2 || exit 1
	done &&
	! test -e "$INCIDENT_DIR"
'

test_expect_success 'unknown command suggests a near one and exits 2' '
	test_expect_code 2 incident opne x 2>err &&
	grep "did you mean .open." err &&
	test_line_count = 1 err
'

test_expect_success 'no prefix abbreviation of command names' '
	test_expect_code 2 incident ope x 2>err
'

test_expect_success 'unknown global option exits 2' '
	test_expect_code 2 incident --bogus 2>err &&
	grep "unknown option" err
'

test_expect_success 'unknown command option: one line, exit 2, nothing on stdout' '
	test_expect_code 2 incident open --bogus title >out 2>err &&
	test_line_count = 1 err &&
	grep "unknown option .--bogus." err &&
	test_line_count = 0 out
'

test_expect_success 'a missing option value is a usage error' '
	test_expect_code 2 incident open title -s 2>err &&
	grep "needs a value" err
'

test_expect_success 'help CMD falls back to --help when not on a terminal' '
	incident help open >out &&
	grep "^usage: incident open" out &&
	test_expect_code 2 incident help nosuch 2>err &&
	grep "not a command" err
'

test_expect_success 'incident help alone shows the commands' '
	incident help >out &&
	grep "^commands:" out
'

test_expect_success 'output to a full disk is an error, not silence' '
	if test -w /dev/full; then
		test_expect_code 1 incident --help >/dev/full 2>err &&
		grep "cannot write output" err
	else
		echo "no /dev/full here" >&2; exit 1
	fi
'

test_expect_success 'a closed pipe ends quietly' '
	for i in 1 2 3 4 5; do incident open -q "pipe $i" >/dev/null || exit 1; done &&
	incident list | head -1 >out 2>err &&
	test_line_count = 1 out &&
	test_line_count = 0 err
'

test_done
