#!/bin/bash
# incident note: text, stdin, the editor, and what is refused.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	incident open -q "API 5xx spike" >id
'

test_expect_success 'a note is an event on the timeline' '
	id=$(cat id) &&
	incident note "${id:0:5}" "rolled back deploy 123" >out &&
	echo "noted on ${id:0:5}: API 5xx spike (open, SEV3)" >expect &&
	test_cmp expect out &&
	incident log --json "$id" >log &&
	test "$(jq -r ".events[1].kind" log)" = noted &&
	test "$(jq -r ".events[1].payload.text" log)" = "rolled back deploy 123"
'

test_expect_success 'several words are joined' '
	incident note -q "$(cat id)" error rate back to normal >out &&
	test_cmp id out &&
	incident log --json "$(cat id)" >log &&
	test "$(jq -r ".events[2].payload.text" log)" = "error rate back to normal"
'

test_expect_success '- reads the note from stdin, keeping lines' '
	printf "line one\nline two\n" | incident note "$(cat id)" - &&
	incident log --json "$(cat id)" >log &&
	test "$(jq -r ".events[3].payload.text" log)" = "$(printf "line one\nline two")" &&
	incident show "$(cat id)" >out &&
	grep "^    line one$" out && grep "^    line two$" out
'

test_expect_success '--json and --at' '
	incident note --json --at "5m ago" "$(cat id)" "back-dated" >out &&
	test "$(jq .incident.note_count out)" = 4 &&
	incident log "$(cat id)" >log &&
	grep "noted: back-dated (logged " log
'

test_expect_success TTY 'the editor is used on a terminal when no text is given' '
	cat >fake-editor <<-\EOT &&
	#!/bin/sh
	printf "from the editor\n# a comment line\n" >"$1"
	EOT
	chmod +x fake-editor &&
	id=$(cat id) &&
	EDITOR="$PWD/fake-editor" script -qec "incident note $id" /dev/null >out &&
	incident log --json "$id" >log &&
	test "$(jq -r ".events[-1].payload.text" log)" = "from the editor"
'

test_expect_success TTY 'an empty note from the editor adds nothing' '
	id=$(cat id) &&
	store_snapshot >before &&
	EDITOR=true script -qec "incident note $id; echo rc=\$?" /dev/null >out &&
	grep "note is empty" out && grep "rc=2" out &&
	store_snapshot >after &&
	test_cmp before after
'

test_expect_success 'no text and no terminal is a usage error' '
	test_expect_code 2 incident note "$(cat id)" </dev/null 2>err &&
	grep "no text" err
'

test_expect_success 'refused input changes nothing' '
	store_snapshot >before &&
	test_expect_code 3 incident note zzzzz "x" 2>err &&
	grep "zzzzz: no such incident" err &&
	test_expect_code 2 incident note "$(cat id)" "   " 2>err &&
	test_expect_code 2 incident note "$(cat id)" "$(printf "\377")" 2>err &&
	head -c 70000 /dev/zero | tr "\0" a >big &&
	test_expect_code 2 incident note "$(cat id)" - <big 2>err &&
	grep "too long" err &&
	test_expect_code 2 incident note 2>err &&
	test_expect_code 2 incident note --at never "$(cat id)" x 2>err &&
	store_snapshot >after &&
	test_cmp before after
'

test_expect_success 'note --dry-run writes nothing' '
	store_snapshot >before &&
	incident note --dry-run "$(cat id)" "maybe" >out &&
	grep "^(dry run, nothing written) noted on" out &&
	store_snapshot >after &&
	test_cmp before after
'

test_expect_success 'note on a machine with no store is not found' '
	rm -rf "$INCIDENT_DIR" &&
	test_expect_code 3 incident note abcde "x" 2>err &&
	! test -e "$INCIDENT_DIR"
'

test_done
