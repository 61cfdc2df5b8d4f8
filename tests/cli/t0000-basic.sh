#!/bin/bash
# Basics: version, help, usage errors, exit codes, a fresh machine. That
# every command answers --help is t0001-meta's.
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

test_expect_success 'unknown command suggests a near one and exits 2' '
	test_expect_code 2 incident opne x 2>err &&
	grep "did you mean .open." err &&
	test_line_count = 1 err
'

test_expect_success 'no prefix abbreviation of command names' '
	test_expect_code 2 incident ope x 2>err
'

test_expect_success 'suggestions: every nearest command, none when nothing is near' '
	test_expect_code 2 incident idit x 2>err &&
	grep "^incident: .idit. is not a command; did you mean .edit. or .init.? (see" err &&
	test_expect_code 2 incident lsit 2>err &&
	grep "did you mean .list.?" err &&
	for c in rm close sh; do
		test_expect_code 2 incident $c x 2>err &&
		grep "^incident: .$c. is not a command (see .incident --help.)$" err || exit 1
	done
'

test_expect_success 'aliases: ls is list, ack is triage; --list-cmds has neither' '
	id=$(incident open -q "aliased") &&
	# one now for both, so the ages agree however slow the machine
	INCIDENT_NOW=$(date -u -d "+1 hour" +%Y-%m-%dT%H:%M:%SZ) &&
	export INCIDENT_NOW &&
	incident list >expect && incident ls >out && test_cmp expect out &&
	incident ls -q --status open >out && grep -x "$id" out &&
	incident ack "$id" >out &&
	grep "^triaged " out &&
	test "$(incident show --json "$id" | jq -r .incident.status)" = triaged &&
	incident ls --help >out && grep "^usage: incident list" out &&
	incident --help >out && grep "^aliases: ack (triage), ls (list), runbooks (runbook)$" out &&
	incident --list-cmds >cmds &&
	! grep -x -e ls -e ack cmds
'

test_expect_success 'an unknown option suggests the nearest one' '
	test_expect_code 2 incident open --sevrity 2 title >out 2>err &&
	test_line_count = 1 err && test_line_count = 0 out &&
	grep "^incident open: unknown option .--sevrity.; did you mean .--severity.? (see" err &&
	test_expect_code 2 incident list --stauts=open 2>err &&
	grep "did you mean .--status.?" err &&
	test_expect_code 2 incident --dri x list 2>err &&
	grep "unknown option .--dri.; did you mean .--dir.?" err
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
	grep "not a command" err &&
	! grep "did you mean" err &&
	test_expect_code 2 incident help opne 2>err &&
	grep "^incident help: .opne. is not a command; did you mean .open.? (see" err &&
	incident help ls >out &&
	grep "^usage: incident list" out
'

test_expect_success 'help CMD prints its --help when not on a terminal, for every command' '
	for c in $(incident --list-cmds); do
		incident "$c" --help >expect &&
		incident help "$c" >actual &&
		test_cmp expect actual || exit 1
	done
'

test_expect_success 'help prints --help when INCIDENT_NO_MAN is set' '
	incident open --help >expect &&
	INCIDENT_NO_MAN=1 incident help open >actual &&
	test_cmp expect actual
'

test_expect_success 'help alone prints the list of commands' '
	incident --help >expect &&
	incident help >actual &&
	test_cmp expect actual &&
	grep "^commands:" actual
'

test_expect_success 'help for something that is not a command is a usage error' '
	test_expect_code 2 incident help no-such-command 2>err &&
	grep -q "not a command" err
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

test_expect_success 'a usage error shows typed text made safe' '
	test_expect_code 2 incident open "$(printf -- "--x\033[31m")" t 2>err &&
	! grep -q "$(printf "\033")" err &&
	grep -F "unknown option" err | grep -F "^[[31m"
'

test_done
